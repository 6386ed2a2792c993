"""Page geometry shared by the PDF and OCR readers: lines and grids placed on
pages (in PDF points) → document blocks in reading order.

* page numbers (``- 3 -``, ``第3页 共6页``, ``3/6``) and running headers or
  footers repeated on most pages are dropped;
* a table that ends one page and continues at the top of the next one (with
  the same columns) is joined into one grid; a header row repeated on the
  new page is dropped;
* visual lines are joined into paragraphs while a line runs to the right
  margin and the next one starts at the left margin without an indent
  (across page breaks too); a title wrapped over two centred lines of a
  heading font is one paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Paragraph, Table
from ..text import CN_NUMERALS, NUMERAL, clean, norm_label

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_\s]*\d{1,4}[-—–－_\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_MARGIN = 0.1  # the top and bottom tenth of a page hold headers and footers


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    # the line cut at wide gaps (whitespace-aligned columns), when it has
    # several pieces; with their OCR confidence for a scan
    pieces: list[str] | None = None
    scores: list[float] | None = None


@dataclass
class Grid:
    rows: list[list[str]]
    bbox: tuple[float, float, float, float]
    col_edges: list[float]  # x of every column boundary
    page: int
    reliable: bool = True
    conf: list[list[float]] | None = None  # per-cell OCR confidence


@dataclass
class Page:
    items: list[tuple[float, Line | Grid]] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0


def _drop_headers_footers(pages: list[Page]) -> None:
    """Page numbers and running headers/footers repeated on most pages."""

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", norm_label(line.text))

    def in_margin(line: Line, p: Page) -> bool:
        return line.bottom <= p.height * _MARGIN or line.top >= p.height * (1 - _MARGIN)

    counts: dict[str, int] = {}
    for p in pages:
        seen = {key(ln) for _, ln in p.items if isinstance(ln, Line) and in_margin(ln, p)}
        for k in seen:
            counts[k] = counts.get(k, 0) + 1
    repeated = {k for k, n in counts.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2 + 1)}
    for p in pages:
        p.items = [
            (y, it)
            for y, it in p.items
            if not (
                isinstance(it, Line) and in_margin(it, p) and (_PAGE_NUMBER.match(clean(it.text).strip()) or key(it) in repeated)
            )
        ]


def _same_columns(a: Grid, b: Grid) -> bool:
    if abs(a.bbox[0] - b.bbox[0]) > 6 or abs(a.bbox[2] - b.bbox[2]) > 6:
        return False
    width_a = max(len(r) for r in a.rows)
    width_b = max(len(r) for r in b.rows)
    if width_a == width_b:
        return True
    # the column edges of the narrower grid all exist in the wider one
    small, big = (a, b) if len(a.col_edges) <= len(b.col_edges) else (b, a)
    return all(any(abs(e - f) <= 3 for f in big.col_edges) for e in small.col_edges)


def _join(a: Grid, b: Grid) -> None:
    """Append b (the continuation on the next page) to a."""
    rows = b.rows
    # a header repeated at the top of the new page
    k = 0
    while (
        k < len(rows)
        and k < len(a.rows)
        and norm_label("".join(rows[k])) == norm_label("".join(a.rows[k]))
        and not _has_figure(rows[k])
    ):
        k += 1
    rows = rows[k:]
    width = max(max(len(r) for r in a.rows), max((len(r) for r in rows), default=0))
    if a.conf is not None or b.conf is not None:
        ca = a.conf or [[1.0] * len(r) for r in a.rows]
        cb = (b.conf or [[1.0] * len(r) for r in b.rows])[k:]
        a.conf = [c + [1.0] * (width - len(c)) for c in ca] + [c + [1.0] * (width - len(c)) for c in cb]
    a.rows = [r + [""] * (width - len(r)) for r in a.rows] + [r + [""] * (width - len(r)) for r in rows]
    a.bbox = (a.bbox[0], a.bbox[1], a.bbox[2], b.bbox[3])
    a.col_edges = sorted(set(a.col_edges) | set(b.col_edges))
    a.page = b.page


_FIG = re.compile(r"^\s*[-+]?\d[\d,.\s]*$")


def _has_figure(row: list[str]) -> bool:
    return any(_FIG.match(c) for c in row if c)


def _page_items(pages: list[Page]) -> list[Line | Grid]:
    _drop_headers_footers(pages)
    items: list[Line | Grid] = []
    for p in pages:
        for i, (_, it) in enumerate(p.items):
            prev = items[-1] if items else None
            if (
                i == 0
                and isinstance(it, Grid)
                and isinstance(prev, Grid)
                and prev.page == it.page - 1
                and _same_columns(prev, it)
            ):
                _join(prev, it)
                continue
            items.append(it)
    return items


def _measure(lines: list[Line]) -> tuple[float, float, float]:
    """The text block's left and right edges and the body text size."""
    if len(lines) < _MIN_LINES_FOR_MEASURE:
        return 0.0, 0.0, 10.0
    lefts = sorted(ln.x0 for ln in lines)
    rights = sorted(ln.x1 for ln in lines)
    heights = sorted(ln.bottom - ln.top for ln in lines)
    return lefts[len(lefts) // 10], rights[len(rights) * 9 // 10], max(4.0, heights[len(heights) // 2])


# a line that starts a heading or a numbered item never continues the line above
_NEW_ITEM = re.compile(
    rf"^\s*(?:{NUMERAL}+\s*[、.．]|[（(]\s*[{CN_NUMERALS}\d]+\s*[)）]|第{NUMERAL}+[章节条部分])"
)
# below this many lines of body text the measure (left/right edges) is not known
_MIN_LINES_FOR_MEASURE = 5
_FIGURE = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$")


def is_row_line(ln: Line) -> bool:
    """A line of a table without rules: two or more figures in separate pieces."""
    return bool(ln.pieces) and len(ln.pieces) >= 2 and sum(bool(_FIGURE.match(clean(p).strip())) for p in ln.pieces) >= 2


def _paragraphs(lines: list[Line], measure: tuple[float, float, float]) -> list[str]:
    """Visual lines → paragraphs (a line runs on while it fills the measure)."""
    if not lines:
        return []
    left, right, char_w = measure
    can_join = measure != (0.0, 0.0, 10.0)
    out: list[str] = []
    prev: Line | None = None
    for ln in lines:
        joined = False
        if prev is not None and out and _heading_continues(prev, ln, left, right, char_w):
            out[-1] += ("" if CJK.match(out[-1][-1]) or CJK.match(ln.text[0]) else " ") + ln.text
            prev = ln
            continue
        if prev is not None and out and can_join and not _NEW_ITEM.match(ln.text):
            # the line above fills the measure and is no centred heading
            fills = prev.x1 >= right - 1.5 * char_w and prev.x0 <= left + 3 * char_w
            flush_left = ln.x0 <= left + 0.5 * char_w
            near = ln.page != prev.page or 0 <= ln.top - prev.bottom <= 1.5 * char_w
            if fills and flush_left and near:
                sep = "" if (CJK.match(out[-1][-1]) or CJK.match(ln.text[0])) else " "
                out[-1] += sep + ln.text
                joined = True
        if not joined:
            out.append(ln.text)
        prev = ln
    return out


def _heading_continues(prev: Line, ln: Line, left: float, right: float, body: float) -> bool:
    """Two centred lines of a heading font, one under the other (a title
    wrapped over two lines: agency, then year and report name)."""
    h1, h2 = prev.bottom - prev.top, ln.bottom - ln.top
    # (OCR boxes give heights a few pixels apart for the same font)
    if ln.page != prev.page or min(h1, h2) < 1.1 * body or abs(h1 - h2) > 0.25 * max(h1, h2):
        return False
    centre = (left + right) / 2
    centred = all(abs((x.x0 + x.x1) / 2 - centre) <= body for x in (prev, ln))
    return centred and 0 <= ln.top - prev.bottom <= max(h1, h2)


def assemble(pages: list[Page]) -> list:
    """Pages → blocks: grids become tables, runs of whitespace-aligned row
    lines become tables whose blanks are not reliable, other lines become
    paragraphs."""
    items = _page_items(pages)
    measure = _measure([it for it in items if isinstance(it, Line) and not is_row_line(it)])
    blocks: list = []
    run: list[Line] = []
    rows: list[Line] = []

    def flush() -> None:
        for text in _paragraphs(run, measure):
            blocks.append(Paragraph(text=clean(text)))
        run.clear()

    def flush_rows() -> None:
        if rows:
            conf = [ln.scores or [1.0] * len(ln.pieces or []) for ln in rows] if any(ln.scores for ln in rows) else None
            blocks.append(
                Table(rows=[[clean(p) for p in ln.pieces or []] for ln in rows], confidence=conf, reliable_blanks=False)
            )
        rows.clear()

    for it in items:
        if isinstance(it, Line) and is_row_line(it):
            flush()
            rows.append(it)
        elif isinstance(it, Line):
            flush_rows()
            run.append(it)
        else:
            flush()
            flush_rows()
            blocks.append(Table(rows=[[clean(c) for c in r] for r in it.rows], confidence=it.conf, reliable_blanks=it.reliable))
    flush()
    flush_rows()
    return blocks
