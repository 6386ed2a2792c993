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

# the fonts the official format names (GB/T 9704: 仿宋_GB2312 body, 黑体 headings, 宋体 tables and title)
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
# where a font is not installed, Word takes the font table's altName, LibreOffice its own substitutes
FALLBACKS = {"仿宋_GB2312": "仿宋", "仿宋": "FangSong", "宋体": "SimSun", "黑体": "SimHei"}


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
    for c, col in enumerate(table.columns):  # the grid's widths: what LibreOffice and WPS lay out by
        col.width = widths[c]
    _fixed_layout(table)
    for row in at:
        for c, x in enumerate(row):
            x.width = widths[c]
    n_head = _header_rows(grid)
    for r, tr in enumerate(table.rows):
        # no row split across pages; the header rows repeated at the top of every page
        _row_props(tr, header=r < n_head)
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


def _header_rows(grid: Grid) -> int:
    """The leading rows that hold no figure and no row label: the table's header."""
    n = 0
    for row in grid:
        cells = [c for c in row if c is not None]
        if cells and all(c.role in ("head", "note") for c in cells):
            n += 1
            continue
        if not cells:
            n += 1
            continue
        break
    return n if n < len(grid) else 0


def _row_props(tr, header: bool) -> None:
    trPr = tr._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        for old in trPr.findall(qn(tag)):
            trPr.remove(old)
    trPr.append(trPr.makeelement(qn("w:cantSplit"), {}))
    if header:
        trPr.append(trPr.makeelement(qn("w:tblHeader"), {}))


def _fixed_layout(table) -> None:
    tblPr = table._tbl.tblPr
    layout = tblPr.find(qn("w:tblLayout"))
    if layout is None:
        layout = tblPr.makeelement(qn("w:tblLayout"), {})
        tblPr.append(layout)
    layout.set(qn("w:type"), "fixed")


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
        head = _para(doc, part.heading, HEADING_FONT, 16, indent=True)
        head.paragraph_format.keep_with_next = True  # a heading never ends a page
        grid = official_grid(rep.layout, part.table, rep.cells, rep.record.raw) if part.table and rep.layout else None
        if grid and not part.text_after_table:
            _lines(doc, part.lines, keep_with_next=len(part.lines) <= 3)  # the heading and a short lead-in stay with the table
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
    font_fallbacks(doc)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def font_fallbacks(doc) -> None:
    """Declare the Chinese fonts in the document's font table with a fallback (``w:altName``)
    and the GB2312 character set, so a machine without 仿宋_GB2312 prints 仿宋, not a Latin font."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    have = {f.get(f"{{{w}}}name") for f in root.findall(f"{{{w}}}font")}
    for name, alt in FALLBACKS.items():
        if name in have:
            continue
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alt})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "modern" if "仿宋" in name else "auto"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _lines(doc, lines: list[str], keep_with_next: bool = False) -> None:
    for block in line_blocks(lines):
        if isinstance(block, str):
            p = _para(doc, block, BODY_FONT, 16, indent=True)
            p.paragraph_format.keep_with_next = keep_with_next
        else:
            width = max(len(r) for r in block)
            _table(doc, [[GCell(c, role="label") for c in r + [""] * (width - len(r))] for r in block], 10.5)
