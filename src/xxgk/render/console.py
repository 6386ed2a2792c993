"""A record shown in the terminal: the three tables in their official shape.

The view is laid out here as lines of styled pieces: box-drawn tables whose columns are as
wide as their widest cell, labels and headers folded to fit the width of the terminal, a
Chinese character two columns wide.  :func:`print_record` prints the lines through rich;
:func:`write_record` writes the same characters without importing rich — plain to a pipe or
a file, and with the same SGR colour codes rich writes on a terminal (``colours=True``; rich
stays for a Windows console, whose legacy modes it knows).  rich's import and its table
layout cost about a third of a one-file ``xxgk parse``.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, TextIO

from ..layouts import T2_LABEL_HEADER, T3_OTHER_SINGLE, T4_SUIT_GROUP, Layout, layout_for
from ..model import Record

if TYPE_CHECKING:
    from rich.console import Console

Piece = tuple[str, str]  # (text, rich style; "" for none)
Line = list[Piece]

HEADER, TITLE, CAPTION = "bold", "italic", "dim italic"
# rows of a box: (top, header cells, below the header, body cells, bottom, the rule's line) — rich's
# HEAVY_HEAD; its ASCII box for a stream whose encoding is not UTF; its SQUARE box for a legacy Windows
# console (the substitutions rich makes)
HEAVY_HEAD, ASCII, SQUARE = 0, 1, 2
_BOXES = (
    ("┏━┳┓", "┃┃┃", "┡━╇┩", "│││", "└─┴┘", "─"),
    ("+--+", "|||", "|-+|", "|||", "+--+", "-"),
    ("┌─┬┐", "│││", "├─┼┤", "│││", "└─┴┘", "─"),
)


@lru_cache(maxsize=4096)
def text_width(text: str) -> int:
    """Terminal columns of a text: two for a wide (Chinese) character, none for a combining mark."""
    if text.isascii():
        return len(text)
    return sum(_char_width(ch) for ch in text)


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    return 0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def fold(text: str, width: int, even: bool = False) -> list[str]:
    """A text cut into lines of at most ``width`` columns (at any character, as Chinese text is);
    ``even``: lines as even as their number allows (a header's 商业企业 folds 2 + 2, not 3 + 1)."""
    total = text_width(text)
    if total <= width:
        return [text]
    lines = _fold(text, width)
    for narrower in range(max(1, -(-total // len(lines))), width if even else 0):
        again = _fold(text, narrower)
        if len(again) == len(lines):
            return again
    return lines


def _fold(text: str, width: int) -> list[str]:
    lines, cur, used = [], "", 0
    for ch in text:
        w = _char_width(ch)
        if used + w > width and cur:
            lines.append(cur)
            cur, used = "", 0
        cur += ch
        used += w
    lines.append(cur)
    return lines


def terminal_width() -> int:
    """The width to lay the view out in: ``COLUMNS``, else the terminal's, else 80 (as rich decides)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if os.environ.get("TERM", "").lower() not in ("dumb", "unknown"):
        for fd in (1, 0, 2):
            try:
                width = os.get_terminal_size(fd).columns
            except (OSError, ValueError):
                continue
            if width:
                return width
    return 80


def _ascii_only(stream) -> bool:
    """A stream whose encoding is not UTF gets ASCII box lines (rich's rule, with its default)."""
    return not (getattr(stream, "encoding", "utf-8") or "utf-8").lower().startswith("utf")


class _Grid:
    """One table of the view: a title, a header row, body rows of styled cells, a caption."""

    def __init__(self, title: str, caption: str = ""):
        self.title, self.caption = title, caption
        self.header: list[str] = []
        self.right: list[bool] = []  # right-justified (figures)
        self.min: list[int] = []  # the narrowest a column may be folded to
        self.rows: list[list[Piece]] = []

    def column(self, label: str, right: bool = False, min_width: int = 0) -> None:
        self.header.append(label)
        self.right.append(right)
        self.min.append(min_width)

    def row(self, *cells: Piece | str) -> None:
        row = [c if isinstance(c, tuple) else (c, "") for c in cells]
        row = [(" ".join(text.split()) if not text.isprintable() else text, style) for text, style in row]  # a line end stays in its cell
        self.rows.append(row + [("", "")] * (len(self.header) - len(row)))

    def lines(self, width: int, box: int = HEAVY_HEAD) -> list[Line]:
        top, head, head_sep, body, bottom, _ = _BOXES[box]
        n = len(self.header)
        widths = [max([text_width(self.header[i])] + [text_width(r[i][0]) for r in self.rows]) for i in range(n)]
        # a column folds down to its own floor: figures never fold; labels, headers and the text a report printed for a figure do
        floor = [
            max(self.min[i], max([len(r[i][0]) for r in self.rows if r[i][0].isascii()] + [1])) if self.right[i] else min(widths[i], max(self.min[i], 2))
            for i in range(n)
        ]
        for i in range(n):  # never narrower than its widest character
            floor[i] = max(floor[i], max(_char_width(ch) for text in (self.header[i], *(r[i][0] for r in self.rows)) for ch in text or " "))
        room = width - 3 * n - 1  # "│ " before every cell, " " after it, the last "│"
        while sum(widths) > room:  # narrow the widest column that can still fold, one column at a time
            i = max(range(n), key=lambda k: (widths[k] > floor[k], widths[k]))
            if widths[i] <= floor[i]:
                break  # the table cannot be narrower: the terminal folds the lines
            widths[i] -= 1

        def rule(box: str) -> Line:
            return [(box[0] + box[2].join(box[1] * (w + 2) for w in widths) + box[3], "")]

        def cells(values: list[Piece], box: str, style: str = "", even: bool = False) -> list[Line]:
            folded = [fold(text, widths[i], even) for i, (text, _) in enumerate(values)]
            out = []
            for k in range(max(len(f) for f in folded)):
                line: Line = []
                for i, f in enumerate(folded):
                    part = f[k] if k < len(f) else ""
                    pad = " " * (widths[i] - text_width(part))
                    line.append((box[0] if i == 0 else box[1], ""))
                    line.append((" ", ""))
                    if self.right[i]:
                        line.append((pad, ""))
                    line.append((part, values[i][1] or style))
                    if not self.right[i]:
                        line.append((pad, ""))
                    line.append((" ", ""))
                line.append((box[2], ""))
                out.append(line)
            return out

        out: list[Line] = [[(self.title, TITLE)]] if self.title else []
        out.append(rule(top))
        out += cells([(h, "") for h in self.header], head, HEADER, even=True)
        out.append(rule(head_sep))
        for r in self.rows:
            out += cells(r, body)
        out.append(rule(bottom))
        if self.caption:
            out += [[(part, CAPTION)] for part in fold(self.caption, max(width, 1))]
        return out


def _fmt(rec: Record, key: str) -> Piece:
    if key not in rec.cells:
        return ("—", "dim")
    v = rec.cells[key]
    if v is None:
        raw = rec.raw.get(key)
        return (raw, "yellow") if raw else ("空", "dim italic")
    s = str(v)
    if key in rec.uncertain:
        return (s + "?", "bold yellow")
    return (s, "")


def _meta_line(rec: Record, lang: str) -> str:
    m = rec.meta
    if lang == "en":
        return f"agency: {m.agency or '?'}   year: {m.year or '?'}   layout: {m.template or '?'}   date: {m.published or '—'}"
    return f"机关：{m.agency or '未知'}　年度：{m.year or '未知'}　格式：{m.template or '未知'}　日期：{m.published or '未注明'}"


def record_lines(rec: Record, lang: str = "zh", width: int = 80, box: int = HEAVY_HEAD) -> list[Line]:
    """The view of a record as lines of (text, style) pieces, laid out for ``width`` columns
    with the box lines of ``box`` (HEAVY_HEAD, ASCII or SQUARE)."""
    path = rec.source.path
    fill = max(width - text_width(path) - 2, 0)
    dash = _BOXES[box][5]
    out: list[Line] = [[(dash * (fill // 2) + " ", ""), (path, "bold"), (" " + dash * (fill - fill // 2), "")] if fill else [(path, "bold")]]
    out.append([(rec.meta.title or "", "bold")])
    out.append([(_meta_line(rec, lang), "")])
    if not rec.cells:
        out.append([("未找到标准统计表" if lang != "en" else "no standard tables found", "yellow")])
        return out
    lay = layout_for(rec.meta.template)
    for grid in (*_t2(rec, lay), _t3(rec, lay)):
        if grid is not None:
            out += grid.lines(width, box)
    t4 = _t4(rec, lay)
    if isinstance(t4, _Grid):
        out += t4.lines(width, box)
    else:
        out.append([(t4, "yellow")])
    if rec.uncertain:
        out.append([(("不确定的单元格：" if lang != "en" else "uncertain cells: ") + "、".join(rec.uncertain), "yellow")])
    return out


def _t2(rec: Record, lay: Layout) -> list[_Grid]:
    t = lay.table("t2")
    if not any(k.startswith("t2.") for k in rec.cells):
        return []
    grids = []
    for block in t.blocks:
        g = _Grid(f"{t.number} {block.label}" if block is t.blocks[0] else block.label)
        g.column(T2_LABEL_HEADER)
        for c in block.columns:
            g.column(c.label, right=True)
        for r in block.rows:
            g.row(r.label, *[_fmt(rec, f"t2.{r.key}.{c.key}") for c in block.columns])
        grids.append(g)
    return grids


def _t3(rec: Record, lay: Layout) -> _Grid | None:
    t = lay.table("t3")
    if not any(k.startswith("t3.") for k in rec.cells):
        return None
    has_sub = any(k.endswith(".org_subtotal") for k in rec.cells)
    cols = [c for c in t.columns if not c.optional or has_sub]
    g = _Grid(f"{t.number} {t.title[2:]}", caption=t.note)
    g.column("", min_width=16)
    for c in cols:
        g.column(c.label, right=True)
    rows = list(t.rows)
    if any(k.startswith("t3.other.") for k in rec.cells) and lay.template == "2021":
        idx = next(i for i, r in enumerate(rows) if r.group == "other_group")
        rows.insert(idx, T3_OTHER_SINGLE)
    groups = {gr.key: gr for gr in t.groups}
    shown: set[str] = set()
    for r in rows:
        keys = [f"t3.{r.key}.{c.key}" for c in cols]
        if not any(k in rec.cells for k in keys):
            continue
        gr = groups.get(r.group or "")
        if gr is not None and gr.key not in shown and gr.collapses_to != r.key:
            shown.add(gr.key)
            g.row((gr.full_label, "bold"))
        g.row(r.full_label, *[_fmt(rec, k) for k in keys])
    return g


def _t4(rec: Record, lay: Layout) -> _Grid | str:
    t = lay.table("t4")
    if not any(k.startswith("t4.") for k in rec.cells):
        return f"{t.number}：未找到"
    g = _Grid(f"{t.number} {t.title[2:]}")
    g.column("")
    for c in t.columns:
        g.column(c.label, right=True)
    for r in t.rows:
        prefix = "" if r.key == "review" else f"{T4_SUIT_GROUP}·"
        g.row(prefix + r.label, *[_fmt(rec, f"t4.{r.key}.{c.key}") for c in t.columns])
    return g


def print_record(console: Console, rec: Record, lang: str = "zh") -> None:
    """The view through rich: coloured on a terminal (data printed literally, never as markup)."""
    from rich.text import Text

    box = ASCII if _ascii_only(console.file) else SQUARE if console.legacy_windows else HEAVY_HEAD
    lines = record_lines(rec, lang, console.width, box)
    console.print(Text("\n").join(Text.assemble(*line) for line in lines), soft_wrap=True)  # one print: rich's cost is per call


# the Select Graphic Rendition codes of the view's styles, as rich writes them (attributes, then the colour)
_SGR = {"bold": "1", "dim": "2", "italic": "3"}
_SGR_COLOUR = {"yellow": "33"}
# control characters a terminal would act on (rich drops BEL, BS, VT, FF and CR; ESC would start a sequence)
_CONTROLS = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), 0x7F])


@lru_cache(maxsize=16)
def _sgr(style: str, colour: bool) -> str:
    words = style.split()
    codes = [_SGR[w] for w in words if w in _SGR] + [_SGR_COLOUR[w] for w in words if colour and w in _SGR_COLOUR]
    return f"\x1b[{';'.join(codes)}m" if codes else ""


def write_record(stream: TextIO, rec: Record, lang: str = "zh", width: int | None = None, colours: bool = False, no_color: bool = False) -> None:
    """The view as text: plain (a pipe, a file) the characters :func:`print_record` prints;
    with ``colours`` (a terminal) also rich's codes for the styles, without its colour under
    ``no_color`` (the NO_COLOR convention: attributes stay)."""
    lines = record_lines(rec, lang, terminal_width() if width is None else width, ASCII if _ascii_only(stream) else HEAVY_HEAD)
    if not colours:
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    out = []
    for line in lines:
        for text, style in line:
            text = text.translate(_CONTROLS)
            code = _sgr(style, not no_color) if style and text else ""
            out.append(f"{code}{text}\x1b[0m" if code else text)
        out.append("\n")
    stream.write("".join(out))
