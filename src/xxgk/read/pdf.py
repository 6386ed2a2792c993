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
uncertain.  Pages with no text but an image (scans), and pages whose text
cannot be decoded (fonts without a Unicode map), are OCR'd by
:mod:`xxgk.read.image`; such a document's format is ``image``.
"""

from __future__ import annotations

import logging
from io import BytesIO

from ..model import Document, Paragraph, Source, Table
from .errors import ReadError
from .geometry import CJK, Grid, Line, Page, assemble

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
            raise ReadError(
                source.path, "PDF 文件没有页面", "请确认文件完整", "the PDF has no pages", "check that the file is complete"
            )
        parsed: list[Page | None] = []  # None: a page to OCR
        for i, page in enumerate(pages):
            if (len(page.chars) < _SCAN_MAX_CHARS and page.images) or unreadable_text(page.chars):
                parsed.append(None)
            else:
                parsed.append(_read_page(page, i))
    except ReadError:
        raise
    except (PdfminerException, PDFSyntaxError) as e:
        raise _corrupt(source.path, e) from e
    finally:
        pdf.close()

    scanned = [i for i, p in enumerate(parsed) if p is None]
    if scanned:
        from .image import ocr_pdf_pages

        for i, page in ocr_pdf_pages(data, scanned, source.path).items():
            parsed[i] = page
        source = Source(path=source.path, sha256=source.sha256, format="image")
    blocks = assemble([p for p in parsed if p is not None])
    if not any(isinstance(b, Table) or (isinstance(b, Paragraph) and b.text.strip()) for b in blocks):
        raise ReadError(
            source.path,
            "PDF 中没有可读取的文字",
            "请确认文件不是空白页",
            "the PDF holds no text to read",
            "check that the pages are not blank",
        )
    return Document(source=source, blocks=blocks)


def unreadable_text(chars: list[dict]) -> bool:
    """A text layer whose characters cannot be decoded (fonts without a
    Unicode map give ``(cid:123)`` or private-use code points): the page is
    read from its image instead."""
    if len(chars) < _SCAN_MAX_CHARS:
        return False
    bad = sum(1 for c in chars if c["text"].startswith("(cid:") or any("\ue000" <= ch <= "\uf8ff" for ch in c["text"]))
    return bad > 0.3 * len(chars)


def _encrypted(path: str) -> ReadError:
    return ReadError(
        path,
        "PDF 已加密（需要密码）",
        "请先用密码打开并另存为未加密的 PDF",
        "the PDF is encrypted (password protected)",
        "open it with its password and save an unencrypted copy",
    )


def _corrupt(path: str, e: object) -> ReadError:
    return ReadError(
        path,
        f"PDF 文件已损坏，无法解析（{type(e).__name__}）",
        "请重新下载或用其他软件另存为 PDF",
        f"the PDF is corrupt ({type(e).__name__})",
        "download it again or re-save it as PDF",
    )


# ---------------------------------------------------------------- one page


def _read_page(page, index: int) -> Page:
    out = Page(width=float(page.width), height=float(page.height))
    text_page = page
    if page.lines or page.rects or page.curves:
        settings = dict(_TABLE_SETTINGS, explicit_horizontal_lines=_closing_rules(page))
        for t in page.find_tables(settings):
            out.items.extend(_table_items(page, t, index))
            text_page = text_page.outside_bbox(t.bbox, strict=False)
    for ln in text_page.extract_text_lines(return_chars=True):
        text = ln["text"].strip()
        if text:
            out.items.append(
                (ln["top"], Line(text, ln["x0"], ln["x1"], ln["top"], ln["bottom"], index, pieces=_pieces(ln["chars"])))
            )
    out.items.sort(key=lambda it: it[0])
    return out


def _closing_rules(page) -> list[dict]:
    """The top or bottom rule of a table that the PDF does not draw (a table
    cut by a page break often loses it): where two or more vertical rules
    end at the same height and no horizontal rule joins them, one is added."""
    v = [e for e in page.edges if e["orientation"] == "v" and e["height"] > 3]
    h = [e for e in page.edges if e["orientation"] == "h"]
    out: list[dict] = []
    for end in ("top", "bottom"):
        groups: dict[int, list[dict]] = {}
        for e in v:
            groups.setdefault(round(e[end] / 2), []).append(e)
        for es in groups.values():
            if len(es) < 2:
                continue
            y = sum(e[end] for e in es) / len(es)
            x0, x1 = min(e["x0"] for e in es), max(e["x1"] for e in es)
            if any(abs(e["top"] - y) <= 3 and e["x0"] <= x0 + 3 and e["x1"] >= x1 - 3 for e in h):
                continue
            out.append(
                {
                    "x0": x0,
                    "x1": x1,
                    "top": y,
                    "bottom": y,
                    "width": x1 - x0,
                    "height": 0,
                    "orientation": "h",
                    "object_type": "line",
                }
            )
    return out


def _pieces(chars: list[dict]) -> list[str] | None:
    """A line cut where the gap between two characters is wider than two
    characters (whitespace-aligned columns of a table drawn without rules)."""
    chars = sorted((c for c in chars if c["text"].strip()), key=lambda c: c["x0"])
    if len(chars) < 2:
        return None
    sizes = sorted(c["x1"] - c["x0"] for c in chars)
    size = max(sizes[len(sizes) // 2], (chars[0]["bottom"] - chars[0]["top"]) * 0.5)
    pieces = [chars[0]["text"]]
    for prev, c in zip(chars, chars[1:]):
        if c["x0"] - prev["x1"] > 2 * size:
            pieces.append(c["text"])
        else:
            pieces[-1] += (
                " " if c["x0"] - prev["x1"] > 0.3 * size and not (CJK.match(prev["text"]) or CJK.match(c["text"])) else ""
            ) + c["text"]
    return pieces if len(pieces) > 1 else None


def _cell_text(text: str | None) -> str:
    """A cell's lines joined: no space between two CJK characters."""
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    if not parts:
        return ""
    out = parts[0]
    for p in parts[1:]:
        if CJK.match(out[-1]) or CJK.match(p[0]):
            out += p
        else:
            out += " " + p
    return out


def _table_items(page, table, index: int) -> list[tuple[float, Line | Grid]]:
    x0, top, x1, bottom = table.bbox
    texts = table.extract()
    items: list[tuple[float, Line | Grid]] = []
    edges = sorted(
        {round(c[0], 1) for r in table.rows for c in r.cells if c} | {round(c[2], 1) for r in table.rows for c in r.cells if c}
    )
    grid_rows: list[list[str]] = []
    grid_top = None
    grid_bottom = top

    def flush() -> None:
        nonlocal grid_rows, grid_top
        if grid_rows:
            items.append((grid_top, Grid(grid_rows, (x0, grid_top, x1, grid_bottom), edges, index)))
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
                    items.append((ln["top"], Line(ln["text"].strip(), ln["x0"], ln["x1"], ln["top"], ln["bottom"], index)))
            continue
        if grid_top is None:
            grid_top = rtop
        grid_bottom = rbottom
        grid_rows.append([_cell_text(t) for t in row_texts])
    flush()
    return items
