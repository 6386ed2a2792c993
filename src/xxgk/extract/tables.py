"""Token stream → the cells of 表二, 表三 and 表四.

The three tables are found and read by their labels, as the layout
definitions give them, never by counting the numbers of a section:

* a token that is a row label (matched by meaning, see :func:`match_row`)
  opens that row; the figures that follow it, up to the next label, are the
  row's cells, in the layout's column order;
* in a grid whose empty cells are real (HTML, DOCX, tab-separated text) an
  empty cell after the label is a blank cell (``None``); fillers in front of
  a label (the cells of a merged group label) are not;
* 表四 has no row labels: its 15 figures follow its header, in the order
  复议 ×5, 直接起诉 ×5, 复议后起诉 ×5;
* rows are matched in the layout's order, so that a short label (其他, 总计)
  is only taken for a row where that row can stand.

Figures run together without separators (crawled text) are handed to
:mod:`xxgk.extract.glued`, which decodes them with the layout's constraints
and says when more than one reading fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ..layouts import Column, Group, Layout, Row, Table
from ..text import norm_label, strip_numbering, numbering_of
from . import glued
from .numbers import CellValue, is_value_text, parse_cell
from .sections import is_section_heading
from .tokens import Token

# how much longer than its key phrase a cell may be and still be a label
_LABEL_SLACK = 24


@dataclass
class RowHit:
    row: Row | None  # None for a group label that may collapse
    group: Group | None
    values: list[Token] = field(default_factory=list)
    line: int = -1


@dataclass
class TableResult:
    cells: dict[str, int | float | None] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    uncertain: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    used_lines: set[int] = field(default_factory=set)
    tables_found: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)


@cache
def _match_spec(row: Row | Group) -> tuple[bool, frozenset[str], tuple[str, ...], int]:
    """(exact, exact forms, key phrases, longest label) of a row, normalised once."""
    keys = tuple(norm_label(k) for k in row.match_keys())
    exact = bool(getattr(row, "exact", False))
    forms = frozenset(keys) | {norm_label(row.label)}
    return exact, forms, keys, len(norm_label(row.full_label))


def match_row(tok: Token, row: Row | Group) -> bool:
    """Does this token name this row (or group)?  Matching is by meaning:
    distinctive key phrases, tolerant of numbering, spaces and typos."""
    return _matches(tok, _match_spec(row))


def _matches(tok: Token, spec: tuple[bool, frozenset[str], tuple[str, ...], int]) -> bool:
    if not tok.norm or tok.value:
        return False
    exact, forms, keys, label_len = spec
    if exact:
        return strip_numbering(tok.norm) in forms
    n = tok.norm
    return any(k in n and len(n) <= max(len(k), label_len) + _LABEL_SLACK for k in keys)


def _numbering_matches(tok: Token, row: Row) -> bool:
    return bool(row.numbering) and numbering_of(tok.norm) == norm_label(row.numbering)


class _TableReader:
    """Reads one table's rows from a token stream, in layout order."""

    def __init__(self, table: Table, layout: Layout):
        self.table = table
        self.layout = layout
        self.rows = list(table.rows)
        self.groups = list(table.groups)
        self.specs = [_match_spec(r) for r in self.rows]
        self.group_specs = [_match_spec(g) for g in self.groups]
        self.hits: list[RowHit] = []
        self.last_index = -1
        self.current: RowHit | None = None
        self.org_subtotal = False
        self.label_lines: dict[int, int] = {}

    def find_label(self, tok: Token) -> RowHit | None:
        # rows at or after the last matched one; a short exact label only
        # where it can stand (its numbering printed, or right after its
        # neighbours)
        if tok.value or not tok.norm:
            return None
        for idx in range(self.last_index + 1, len(self.rows)):
            row = self.rows[idx]
            if not _matches(tok, self.specs[idx]):
                continue
            if row.exact and row.numbering and not _numbering_matches(tok, row):
                if self.last_index < 0 or idx - self.last_index > 3:
                    continue
            self.last_index = idx
            return RowHit(row, None, line=tok.line)
        for g, spec in zip(self.groups, self.group_specs):
            if _matches(tok, spec):
                # a group label sits before its first row
                first = next((i for i, r in enumerate(self.rows) if r.group == g.key), None)
                if first is not None and first > self.last_index:
                    return RowHit(None, g, line=tok.line)
        return None


def _columns(table: Table, row: Row, org_subtotal: bool) -> list[Column]:
    return [c for c in table.columns_of(row) if not c.optional or org_subtotal]


def _assign(table: Table, hit: RowHit, org_subtotal: bool, res: TableResult, layout: Layout) -> None:
    row = hit.row
    if row is None and hit.group is not None:
        if not hit.values or all(not v.text for v in hit.values):
            return
        target = hit.group.collapses_to
        if target is None:
            res.notes.append(f"{table.key}: 分组行“{hit.group.label}”后出现了数字")
            return
        try:
            row = table.row(target)
        except KeyError:
            from ..layouts import T3_OTHER_SINGLE

            row = T3_OTHER_SINGLE
    cols = _columns(table, row, org_subtotal)
    values = list(hit.values)
    # drop trailing blanks beyond the column count (fillers moved to the end)
    while len(values) > len(cols) and not values[-1].text:
        values.pop()
    while len(values) > len(cols) and not values[0].text:
        values.pop(0)
    texts: list[str | None] = [v.text for v in values]
    uncertain: set[int] = set()
    # fewer cells than columns and some text holds several figures: glued
    if len(texts) < len(cols) and any(t and len(t.replace(" ", "")) > 1 for t in texts):
        decoded = glued.decode_row(table.key, row.key, [v.text for v in values], cols)
        if decoded is not None:
            texts, uncertain = decoded.texts, decoded.uncertain
    if len(texts) > len(cols):
        res.notes.append(f"{table.key}.{row.key}: 多出 {len(texts) - len(cols)} 个数字，已忽略")
        texts = texts[: len(cols)]
    if not texts:
        texts = [None] * len(cols)  # the row is shown with nothing in it
    for i, col in enumerate(cols):
        key = f"{table.key}.{row.key}.{col.key}"
        if i >= len(texts):
            if not hit.values:
                res.cells[key] = None
            continue
        cv: CellValue = parse_cell(texts[i], col.kind)
        res.cells[key] = cv.value
        if cv.raw is not None:
            res.raw[key] = cv.raw
        if i in uncertain:
            res.uncertain.append(key)
        if i < len(values) and values[i].conf is not None:
            res.confidence[key] = values[i].conf


_T4_HEADER_WORDS = ("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉", "维持", "纠正", "其他", "结果", "审结", "尚未")


def _is_t4_header(tok: Token) -> bool:
    n = tok.norm
    if not n or tok.value:
        return False
    return any(w in n for w in _T4_HEADER_WORDS) and len(n) <= 40


_HEADER_PUNCT = re.compile(r"[()（）:：,，、。/]")


@cache
def _header_vocabulary(template: str) -> tuple[str, ...]:
    """Every header phrase of a layout's tables (normalised), from the layout."""
    from ..layouts import LAYOUTS, T3_APPLICANT_GROUP, T3_HEADER_GROUP, T4_SUIT_GROUP

    lay = LAYOUTS[template]
    words = {"信息内容", T3_APPLICANT_GROUP, T3_HEADER_GROUP, T4_SUIT_GROUP, "勾稽关系"}
    for t in lay.tables:
        words.update(c.label for c in t.columns)
        for c in t.columns:
            words.update(c.match_keys())
        for b in t.blocks:
            words.add(b.label)
            words.update(c.label for c in b.columns)
        if t.key == "t4":
            words.update(r.label for r in t.rows)
    return tuple(sorted({_HEADER_PUNCT.sub("", norm_label(w)) for w in words}, key=len, reverse=True))


def _is_header_text(tok: Token, layout: Layout) -> bool:
    """A header cell (or a piece of one broken over lines) of the layout's tables."""
    n = tok.norm
    if len(n) < 2:
        return bool(n)
    n = _HEADER_PUNCT.sub("", n)
    for w in _header_vocabulary(layout.template):
        if w in n or (n in w and len(n) >= 2):
            return True
    return "勾稽" in n or "第二十条" in n


def _t2_header(tok: Token) -> bool:
    n = tok.norm
    return "第二十条" in n and len(n) <= 30 or n == "信息内容"


def _t3_start(tok: Token) -> bool:
    n = tok.norm
    return ("勾稽关系" in n and len(n) <= 60) or n == "申请人情况" or ("本年新收" in n and len(n) <= 40)


def _is_t4_start(tok: Token) -> bool:
    return tok.norm in ("行政复议", "行政复议行政诉讼") or (tok.norm.startswith("行政复议") and "结果维持" in tok.norm and len(tok.norm) < 120)


def read_tables(tokens: list[Token], layout: Layout) -> TableResult:
    res = TableResult()
    t2, t3, t4 = layout.table("t2"), layout.table("t3"), layout.table("t4")
    readers = {"t2": _TableReader(t2, layout), "t3": _TableReader(t3, layout)}
    state: str | None = None
    t4_values: list[Token] = []
    t4_done = False
    t4_header = False
    t3_done = False
    current: RowHit | None = None
    current_table: _TableReader | None = None
    header_seen_line = -1

    # grid lines whose non-empty cells are all figures (a row of 表四)
    value_lines: dict[int, bool] = {}
    for tok in tokens:
        if tok.grid and tok.text:
            value_lines[tok.line] = value_lines.get(tok.line, True) and tok.value

    def close_row() -> None:
        nonlocal current
        if current is not None and current_table is not None:
            current_table.hits.append(current)
        current = None

    for tok in tokens:
        # ----- table starts
        if not t4_done and state != "t4" and _is_t4_start(tok) and (state == "t3" or readers["t3"].hits):
            close_row()
            state = "t4"
            res.used_lines.add(tok.line)
            continue
        if state in (None, "t2") and not t3_done and _t3_start(tok):
            close_row()
            state = "t3"
            current_table = readers["t3"]
        elif state is None and _t2_header(tok):
            state = "t2"
            current_table = readers["t2"]
        if state == "t4":
            if tok.norm and is_section_heading(tok):
                t4_done = bool(t4_values or t4_header)
                state = None
                continue
            in_value_row = tok.grid and value_lines.get(tok.line, False)
            if (tok.text and tok.value) or (not tok.text and tok.grid and tok.reliable and (in_value_row or t4_values)):
                t4_values.append(tok)
                res.used_lines.add(tok.line)
                if len(t4_values) >= 15 and sum(len(glued.digits_of(v.text)) if v.text else 1 for v in t4_values) >= 15:
                    t4_done = True
                    state = None
            elif _is_t4_header(tok):
                res.used_lines.add(tok.line)
                t4_header = True
            elif tok.norm and (len(tok.norm) > 40 or t4_values):
                t4_done = True  # prose: the table ended (maybe with no figures)
                state = None
            continue
        if state is None:
            # a row label without a header (some reports drop 第二十条…)
            for key in ("t2",):
                rd = readers[key]
                hit = rd.find_label(tok) if len(tok.norm) <= 40 else None
                if hit is not None:
                    state = key
                    current_table = rd
                    current = hit
                    res.used_lines.add(tok.line)
                    break
            continue
        rd = readers[state]
        if tok.norm and "小计" in tok.norm and state == "t3" and rd.last_index < 0:
            rd.org_subtotal = True
        hit = rd.find_label(tok) if (tok.norm and len(tok.norm) <= 80) else None
        if hit is not None:
            close_row()
            current_table = rd
            current = hit
            res.used_lines.add(tok.line)
            if state == "t3" and hit.row is not None and hit.row.key == "carried_out":
                pass
            continue
        if tok.norm and is_section_heading(tok):
            # a section heading ends the table (and is never a header cell)
            close_row()
            if state == "t3" and rd.last_index >= 0 and rd.rows[rd.last_index].key == "carried_out":
                t3_done = True
            state = None
            continue
        if current is None:
            if tok.norm and _is_header_text(tok, layout):
                res.used_lines.add(tok.line)  # a header cell
            elif state == "t2" and readers["t2"].hits and tok.norm:
                state = None  # prose after 表二
            continue
        if tok.text and tok.value:
            current.values.append(tok)
            res.used_lines.add(tok.line)
        elif not tok.text:
            # an empty grid cell: a blank value when it comes after the label
            # (same line) or after a value
            if tok.grid and tok.reliable and (tok.line == current.line or current.values):
                current.values.append(tok)
        elif len(tok.norm) > 60:
            close_row()
            if state == "t3" and readers["t3"].last_index >= 0:
                if readers["t3"].rows[readers["t3"].last_index].key == "carried_out":
                    t3_done = True
                    state = None
        else:
            # header text, a label continued on the next line, or a short
            # sentence between tables (which stays in the narrative)
            if _is_header_text(tok, layout) or not current.values:
                res.used_lines.add(tok.line)
            if current.values:
                close_row()
        if state == "t3" and current is not None and current.row is not None and current.row.key == "carried_out":
            cols = _columns(t3, current.row, readers["t3"].org_subtotal)
            if len(current.values) >= len(cols):
                close_row()
                t3_done = True
                state = None
    close_row()

    for key, rd in readers.items():
        table = rd.table
        if not rd.hits:
            continue
        res.tables_found.append(key)
        for hit in rd.hits:
            _assign(table, hit, rd.org_subtotal, res, layout)
    if t4_values or t4_header:
        # a 表四 whose header is printed but whose figures are not: every cell blank
        res.tables_found.append("t4")
        _assign_t4(t4, t4_values, res)
    return res


def _assign_t4(t4: Table, values: list[Token], res: TableResult) -> None:
    texts = [v.text for v in values]
    cols = [(r, c) for r in t4.rows for c in t4.columns]
    uncertain: set[int] = set()
    if len(texts) < len(cols):
        decoded = glued.decode_t4(texts)
        if decoded is not None:
            texts, uncertain = decoded.texts, decoded.uncertain
    if not texts:
        texts = [None] * len(cols)
    for i, (r, c) in enumerate(cols):
        if i >= len(texts):
            break
        key = f"t4.{r.key}.{c.key}"
        cv = parse_cell(texts[i], c.kind)
        res.cells[key] = cv.value
        if cv.raw is not None:
            res.raw[key] = cv.raw
        if i in uncertain:
            res.uncertain.append(key)
        if i < len(values) and values[i].conf is not None:
            res.confidence[key] = values[i].conf
