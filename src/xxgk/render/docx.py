"""Report → DOCX (python-docx), typeset like an official document.

A4 with the GB/T 9704 margins; title in 宋体 二号 bold, headings in 黑体 三号,
body in 仿宋 三号 with two-character indent, tables in 宋体 小五 with the
form's merged cells.  Chinese fonts are set on the East Asian slot
(``w:rFonts w:eastAsia``), which is the one Word uses for Chinese text.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .grids import Grid, official_grid
from .grids import GCell
from .report import Report, line_blocks

BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"


def set_font(run_or_style, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian font of a run or a style."""
    font = run_or_style.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    el = run_or_style.element
    rpr = el.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _para(doc, text: str, font: str, size: float, *, bold: bool = False, align=None, indent: bool = False, space_after: float = 0):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    fmt.line_spacing = Pt(28) if size >= 14 else None
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    run = p.add_run(text)
    set_font(run, font, size, bold)
    return p


_STYLE_IDS: dict[int, dict[str, str]] = {}  # id(document) → style name → style id, while it is built


def _table_style(doc, size: float, bold: bool):
    """The id of a paragraph style for table cells (fonts set once, not on every run)."""
    # ASCII names: Word derives the style id from the name
    name = f"xxgk Table {size:g}{' Bold' if bold else ''}"
    cache = _STYLE_IDS.setdefault(id(doc), {})
    if name not in cache:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        set_font(style, TABLE_FONT, size, bold)
        fmt = style.paragraph_format
        fmt.space_after = fmt.space_before = fmt.first_line_indent = Pt(0)
        fmt.line_spacing = 1.0
        cache[name] = style.style_id
    return cache[name]


# column widths (mm) of the form's tables on the 156 mm text width
WIDTHS = {"t2": [50, 35, 35, 35], "t3": [12, 22, 44] + [11] * 7, "t4": [10.4] * 15}


def _widths(kind: str | None, ncols: int) -> list[float]:
    w = WIDTHS.get(kind or "")
    if w is None or len(w) != ncols:
        if kind == "t3" and ncols == 11:  # with the 法人或其他组织小计 column
            return [11, 20, 37] + [11] * 8
        return [156 / ncols] * ncols
    return w


def _table(doc, grid: Grid, size: float = 9, kind: str | None = None) -> None:
    nrows, ncols = len(grid), len(grid[0])
    table = doc.add_table(rows=nrows, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(w) for w in _widths(kind, ncols)]
    # python-docx's table.cell() walks the whole table on every call: take
    # the cells once, write the texts, then merge (merged rectangles never
    # overlap, so the cached corner cells stay valid)
    flat = table._cells
    at = [flat[r * ncols : (r + 1) * ncols] for r in range(nrows)]
    for row in at:
        for c, x in enumerate(row):
            x.width = widths[c]
    merges = []
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            target = at[r][c]
            target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = target.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.role == "label" else WD_ALIGN_PARAGRAPH.CENTER
            p._p.style = _table_style(doc, size, cell.role == "head")  # by id: no style lookup per cell
            p.add_run(cell.text)
            if cell.rowspan > 1 or cell.colspan > 1:
                merges.append((target, at[r + cell.rowspan - 1][c + cell.colspan - 1]))
    for a, b in merges:
        a.merge(b)
    # a little air after each table
    doc.add_paragraph()


def render_docx(rep: Report) -> bytes:
    doc = Document()
    try:
        return _build(doc, rep)
    finally:
        _STYLE_IDS.pop(id(doc), None)


def _build(doc, rep: Report) -> bytes:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    set_font(doc.styles["Normal"], BODY_FONT, 16)
    props = doc.core_properties
    props.title = rep.title
    if rep.agency:
        props.author = rep.agency
    _para(doc, rep.title, TITLE_FONT, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=16)
    for line in rep.cover:
        _para(doc, line, BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in rep.preamble:
        _para(doc, line, BODY_FONT, 16, indent=True)
    for part in rep.parts:
        _para(doc, part.heading, HEADING_FONT, 16, indent=True)
        grid = official_grid(rep.layout, part.table, rep.cells, rep.record.raw) if part.table and rep.layout else None
        if grid and not part.text_after_table:
            _lines(doc, part.lines)
            _table(doc, grid, 9 if part.table != "t4" else 7.5, part.table)
        elif grid:
            _table(doc, grid, 9 if part.table != "t4" else 7.5, part.table)
            _lines(doc, part.lines)
        else:
            _lines(doc, part.lines)
    if rep.signature:
        doc.add_paragraph()
        for line in rep.signature:
            _para(doc, line, BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _lines(doc, lines: list[str]) -> None:
    for block in line_blocks(lines):
        if isinstance(block, str):
            _para(doc, block, BODY_FONT, 16, indent=True)
        else:
            width = max(len(r) for r in block)
            _table(doc, [[GCell(c, role="label") for c in r + [""] * (width - len(r))] for r in block], 10.5)
