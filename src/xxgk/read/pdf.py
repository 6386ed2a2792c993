"""PDF → Document.

Pages with a text layer are read from their geometry with pdfplumber:

* tables are found from the ruling (lines and rectangles: WPS paints a
  white rectangle behind every table cell, and those close a table whose
  last rule is missing) and read as grids of cells; a cell covered by a
  merged neighbour is ``''`` and so is a really empty cell — the extractor
  only takes an empty cell as a blank value when it follows a row label;
* a "table" row that is one cell across the whole table (the white
  rectangles WPS also paints behind lines of prose, a framed text box, a
  caption such as ``第二十条第（一）项``) is text, not a grid row;
* the text outside the tables becomes paragraphs in reading order: visual
  lines are joined while a line runs to the right margin and the next one
  starts at the left margin without an indent, across page breaks too;
* page numbers (``- 3 -``, ``第3页 共6页``, ``3/6``) and running headers or
  footers repeated on most pages are dropped;
* a table that ends one page and continues at the top of the next one
  (with the same columns) is joined into one grid; a header row repeated on
  the new page is dropped.

A cell's text is kept as the PDF shows it: two figures that the geometry
does not separate stay in one cell, for the extractor to report as
uncertain.  Pages with no text but an image (scans) are OCR'd by
:mod:`xxgk.read.image`; such a document's format is ``image``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from io import BytesIO

from ..model import Document, Paragraph, Source, Table
from ..text import clean, norm_label
from .errors import ReadError

# pdfminer logs every odd object of a malformed file; users see ReadError only
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}
# a page with fewer characters than this and an image is taken for a scan
_SCAN_MAX_CHARS = 10
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_\s]*\d{1,4}[-—–－_\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_MARGIN = 0.1  # the top and bottom tenth of a page hold headers and footers


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int


@dataclass
class _Grid:
    rows: list[list[str]]
    bbox: tuple[float, float, float, float]
    col_edges: list[float]  # x of every column boundary
    page: int
    page_height: float
    reliable: bool = True
    header_rows: int = 0  # how many leading rows are headers (no figure in them)


@dataclass
class _Page:
    items: list[tuple[float, _Line | _Grid]] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0


def read_pdf(data: bytes, source: Source) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(BytesIO(data))
        pages = pdf.pages
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise _encrypted(source.path) from e
    except PdfminerException as e:
        inner = e.args[0] if e.args else None
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise _encrypted(source.path) from e
        raise _corrupt(source.path, inner or e) from e
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise _corrupt(source.path, e) from e
    try:
        if not pages:
            raise ReadError(source.path, "PDF 文件没有页面", "请确认文件完整", "the PDF has no pages", "check that the file is complete")
        parsed: list[_Page | int] = []  # an int is a page to OCR
        for i, page in enumerate(pages):
            if len(page.chars) < _SCAN_MAX_CHARS and page.images:
                parsed.append(i)
            else:
                parsed.append(_read_page(page, i))
    except ReadError:
        raise
    except (PdfminerException, PDFSyntaxError) as e:
        raise _corrupt(source.path, e) from e
    finally:
        pdf.close()

    scanned = [p for p in parsed if isinstance(p, int)]
    ocr_pages: dict[int, list] = {}
    if scanned:
        from .image import ocr_pdf_pages

        ocr_pages = ocr_pdf_pages(data, scanned, source.path)
        source = Source(path=source.path, sha256=source.sha256, format="image")
    blocks = _assemble_mixed(parsed, ocr_pages) if scanned else _assemble(parsed)
    doc = Document(source=source, blocks=blocks)
    if not any(isinstance(b, Table) or (isinstance(b, Paragraph) and b.text.strip()) for b in blocks):
        doc.notes.append("pdf-no-text: PDF 中没有可读取的文字")
    return doc


def _encrypted(path: str) -> ReadError:
    return ReadError(path, "PDF 已加密（需要密码）", "请先用密码打开并另存为未加密的 PDF", "the PDF is encrypted (password protected)", "open it with its password and save an unencrypted copy")


def _corrupt(path: str, e: object) -> ReadError:
    return ReadError(path, f"PDF 文件已损坏，无法解析（{type(e).__name__}）", "请重新下载或用其他软件另存为 PDF", f"the PDF is corrupt ({type(e).__name__})", "download it again or re-save it as PDF")


# ---------------------------------------------------------------- one page


def _read_page(page, index: int) -> _Page:
    out = _Page(width=float(page.width), height=float(page.height))
    text_page = page
    if page.lines or page.rects or page.curves:
        for t in page.find_tables(_TABLE_SETTINGS):
            out.items.extend(_table_items(page, t, index))
            text_page = text_page.outside_bbox(t.bbox, strict=False)
    for ln in text_page.extract_text_lines(return_chars=False):
        text = ln["text"].strip()
        if text:
            out.items.append((ln["top"], _Line(text, ln["x0"], ln["x1"], ln["top"], ln["bottom"], index)))
    out.items.sort(key=lambda it: it[0])
    return out


def _cell_text(text: str | None) -> str:
    """A cell's lines joined: no space between two CJK characters."""
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    if not parts:
        return ""
    out = parts[0]
    for p in parts[1:]:
        if _CJK.match(out[-1]) or _CJK.match(p[0]):
            out += p
        else:
            out += " " + p
    return out


def _table_items(page, table, index: int) -> list[tuple[float, _Line | _Grid]]:
    x0, top, x1, bottom = table.bbox
    texts = table.extract()
    items: list[tuple[float, _Line | _Grid]] = []
    edges = sorted({round(c[0], 1) for r in table.rows for c in r.cells if c} | {round(c[2], 1) for r in table.rows for c in r.cells if c})
    grid_rows: list[list[str]] = []
    grid_top = None
    grid_bottom = top

    def flush() -> None:
        nonlocal grid_rows, grid_top
        if grid_rows:
            items.append((grid_top, _Grid(grid_rows, (x0, grid_top, x1, grid_bottom), edges, index, float(page.height))))
        grid_rows, grid_top = [], None

    for row, row_texts in zip(table.rows, texts):
        cells = [c for c in row.cells if c is not None]
        rtop = min(c[1] for c in cells)
        rbottom = max(c[3] for c in cells)
        if len(cells) == 1 and cells[0][0] - x0 <= 3 and x1 - cells[0][2] <= 3:
            # one cell across the table: text (a framed box or a caption)
            flush()
            crop = page.crop(cells[0], strict=False)
            for ln in crop.extract_text_lines(return_chars=False):
                if ln["text"].strip():
                    items.append((ln["top"], _Line(ln["text"].strip(), ln["x0"], ln["x1"], ln["top"], ln["bottom"], index)))
            continue
        if grid_top is None:
            grid_top = rtop
        grid_bottom = rbottom
        grid_rows.append([_cell_text(t) for t in row_texts])
    flush()
    return items


# ---------------------------------------------------------------- assembly


def _drop_headers_footers(pages: list[_Page]) -> None:
    """Page numbers and running headers/footers repeated on most pages."""
    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", norm_label(line.text))

    def in_margin(line: _Line, p: _Page) -> bool:
        return line.bottom <= p.height * _MARGIN or line.top >= p.height * (1 - _MARGIN)

    counts: dict[str, int] = {}
    for p in pages:
        seen = {key(ln) for _, ln in p.items if isinstance(ln, _Line) and in_margin(ln, p)}
        for k in seen:
            counts[k] = counts.get(k, 0) + 1
    repeated = {k for k, n in counts.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2 + 1)}
    for p in pages:
        p.items = [
            (y, it)
            for y, it in p.items
            if not (isinstance(it, _Line) and in_margin(it, p) and (_PAGE_NUMBER.match(clean(it.text).strip()) or key(it) in repeated))
        ]


def _same_columns(a: _Grid, b: _Grid) -> bool:
    if abs(a.bbox[0] - b.bbox[0]) > 6 or abs(a.bbox[2] - b.bbox[2]) > 6:
        return False
    width_a = max(len(r) for r in a.rows)
    width_b = max(len(r) for r in b.rows)
    if width_a == width_b:
        return True
    # the column edges of the narrower grid all exist in the wider one
    small, big = (a, b) if len(a.col_edges) <= len(b.col_edges) else (b, a)
    return all(any(abs(e - f) <= 3 for f in big.col_edges) for e in small.col_edges)


def _join(a: _Grid, b: _Grid) -> None:
    """Append b (the continuation on the next page) to a."""
    rows = b.rows
    # a header repeated at the top of the new page
    k = 0
    while k < len(rows) and k < len(a.rows) and norm_label("".join(rows[k])) == norm_label("".join(a.rows[k])) and not _has_figure(rows[k]):
        k += 1
    rows = rows[k:]
    width = max(max(len(r) for r in a.rows), max((len(r) for r in rows), default=0))
    a.rows = [r + [""] * (width - len(r)) for r in a.rows] + [r + [""] * (width - len(r)) for r in rows]
    a.bbox = (a.bbox[0], a.bbox[1], a.bbox[2], b.bbox[3])
    a.col_edges = sorted(set(a.col_edges) | set(b.col_edges))
    a.page = b.page


_FIG = re.compile(r"^\s*[-+]?\d[\d,.\s]*$")


def _has_figure(row: list[str]) -> bool:
    return any(_FIG.match(c) for c in row if c)


def _page_items(pages: list[_Page]) -> list[_Line | _Grid]:
    _drop_headers_footers(pages)
    items: list[_Line | _Grid] = []
    for p in pages:
        for i, (_, it) in enumerate(p.items):
            prev = items[-1] if items else None
            if i == 0 and isinstance(it, _Grid) and isinstance(prev, _Grid) and prev.page == it.page - 1 and _same_columns(prev, it):
                _join(prev, it)
                continue
            items.append(it)
    return items


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Visual lines → paragraphs (a line runs on while it fills the measure)."""
    if not lines:
        return []
    lefts = sorted(ln.x0 for ln in lines)
    rights = sorted(ln.x1 for ln in lines)
    left = lefts[len(lefts) // 10]
    right = rights[len(rights) * 9 // 10]
    char_w = 10.0
    heights = sorted(ln.bottom - ln.top for ln in lines)
    if heights:
        char_w = max(4.0, heights[len(heights) // 2])
    out: list[str] = []
    prev: _Line | None = None
    for ln in lines:
        joined = False
        if prev is not None and out and _heading_continues(prev, ln, left, right, char_w):
            out[-1] += ("" if _CJK.match(out[-1][-1]) or _CJK.match(ln.text[0]) else " ") + ln.text
            prev = ln
            continue
        if prev is not None and out:
            fills = prev.x1 >= right - 1.5 * char_w
            flush_left = ln.x0 <= left + 0.5 * char_w
            near = ln.page != prev.page or 0 <= ln.top - prev.bottom <= 1.5 * char_w
            if fills and flush_left and near:
                sep = "" if (_CJK.match(out[-1][-1]) or _CJK.match(ln.text[0])) else " "
                out[-1] += sep + ln.text
                joined = True
        if not joined:
            out.append(ln.text)
        prev = ln
    return out


def _heading_continues(prev: _Line, ln: _Line, left: float, right: float, body: float) -> bool:
    """Two centred lines of a heading font, one under the other (a title
    wrapped over two lines: agency, then year and report name)."""
    h1, h2 = prev.bottom - prev.top, ln.bottom - ln.top
    if ln.page != prev.page or min(h1, h2) < 1.15 * body or abs(h1 - h2) > 0.15 * max(h1, h2):
        return False
    centre = (left + right) / 2
    centred = all(abs((x.x0 + x.x1) / 2 - centre) <= body for x in (prev, ln))
    return centred and 0 <= ln.top - prev.bottom <= max(h1, h2)


def _assemble(pages: list[_Page]) -> list:
    items = _page_items(pages)
    blocks: list = []
    run: list[_Line] = []

    def flush() -> None:
        for text in _paragraphs(run):
            blocks.append(Paragraph(text=clean(text)))
        run.clear()

    for it in items:
        if isinstance(it, _Line):
            run.append(it)
        else:
            flush()
            blocks.append(Table(rows=[[clean(c) for c in r] for r in it.rows], reliable_blanks=it.reliable))
    flush()
    return blocks


def _assemble_mixed(parsed: list, ocr_pages: dict[int, list]) -> list:
    """Text-layer pages and OCR'd pages in page order."""
    blocks: list = []
    run: list[_Page] = []
    for i, p in enumerate(parsed):
        if isinstance(p, int):
            if run:
                blocks.extend(_assemble(run))
                run = []
            blocks.extend(ocr_pages.get(i, []))
        else:
            run.append(p)
    if run:
        blocks.extend(_assemble(run))
    return blocks
