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
  is only taken for a row where that row can stand; a label printed without
  figures does not hide the rows before it, and 表二's blocks may come in
  any order;
* rows of figures printed without their label (converters that move labels
  away, Markdown from PDF) are placed by the layout's row order between the
  labelled rows around them (:func:`_align_orphans`); a labelled row out of
  that order counts as unlabelled; when the counts do not match, the rows
  placed are uncertain.

Figures run together without separators (crawled text) are handed to
:mod:`xxgk.extract.glued`, which decodes them with the layout's constraints
and says when more than one reading fits; 表三's rows are then chosen between
with the column balance, 表二's with the figures the narrative states.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache, wraps
from itertools import islice

import msgspec

from ..layouts import (
    LAYOUTS,
    T2_ARTICLE,
    T2_LABEL_HEADER,
    T3_2021_ROWS,
    T3_APPLICANT_GROUP,
    T3_HEADER_GROUP,
    T3_LABEL_COLUMNS,
    T3_NOTE_KEY,
    T3_RESULTS_GROUP,
    T4,
    T4_SUIT_GROUP,
    Column,
    label_span,
    Group,
    Layout,
    Row,
    Table,
)
from ..model import CellSource
from ..text import SHORT_TEXT, kept_if_short, norm_label, numbering_of, strip_numbering
from . import glued
from ..numbers import BLANK, CellValue, cell_value, is_value_text
from .sections import is_section_heading
from .tokens import StreamIndex, Token

# the words of a note about a row whose figures cannot be placed in its columns (rule XG109)
UNPLACED = "无法确定各数字所属的列："

# how much longer than its key phrase a cell may be and still be a label
_LABEL_SLACK = 24


class RowHit(msgspec.Struct):
    row: Row | None  # None for a group label that may collapse
    group: Group | None
    values: list[Token] = msgspec.field(default_factory=list)
    line: int = -1
    how: str = "label"  # how the row was placed (model.PLACEMENTS)
    label: Token | None = None  # the label's token
    label_at: int = -1  # the label's place in the token stream (where read_tables found it)
    truncated: bool = False  # the text ends at this label (a page cut short)
    at_end: bool = False  # the text ends inside this row


class TableResult(msgspec.Struct):
    cells: dict[str, int | float | None] = msgspec.field(default_factory=dict)
    raw: dict[str, str] = msgspec.field(default_factory=dict)
    uncertain: list[str] = msgspec.field(default_factory=list)
    notes: list[str] = msgspec.field(default_factory=list)
    used_lines: set[int] = msgspec.field(default_factory=set)
    tables_found: list[str] = msgspec.field(default_factory=list)
    confidence: dict[str, float] = msgspec.field(default_factory=dict)
    sources: dict[str, CellSource] = msgspec.field(default_factory=dict)


def by_identity(fn):
    """Keep ``fn``'s result for its one argument by the argument's identity.  The
    layouts' tables and rows are constants, and hashing a frozen struct would walk all
    its fields on every call.  The argument is kept beside the result, so an id that a
    new object reuses after the old one is gone is never taken for it."""
    memo: dict[int, tuple[object, object]] = {}

    @wraps(fn)
    def call(arg):
        hit = memo.get(id(arg))
        if hit is not None and hit[0] is arg:
            return hit[1]
        out = fn(arg)
        memo[id(arg)] = (arg, out)
        return out

    return call


@by_identity
def _match_spec(row: Row | Group) -> tuple[bool, frozenset[str], tuple[str, ...], int]:
    """(exact, exact forms, key phrases, longest label) of a row, normalised once."""
    keys = tuple(norm_label(k) for k in row.match_keys())
    exact = bool(getattr(row, "exact", False))
    forms = frozenset(keys) | {norm_label(row.label)}
    return (exact, forms, keys, len(norm_label(row.full_label)))


_DIGIT = re.compile(r"\d")


def match_row(tok: Token, row: Row | Group) -> bool:
    """Does this token name this row (or group)?  Matching is by meaning:
    distinctive key phrases, tolerant of numbering, spaces and typos."""
    return _matches(tok, _match_spec(row))


def _matches(tok: Token, spec: tuple[bool, frozenset[str], tuple[str, ...], int]) -> bool:
    if not tok.norm or tok.value:
        return False
    return _body_matches(_body(tok), spec)


def _body_matches(body: str, spec: tuple[bool, frozenset[str], tuple[str, ...], int]) -> bool:
    """:func:`_matches` on a label body (:func:`_body`)."""
    if body == "\0":
        return False
    exact, forms, keys, label_len = spec
    if exact:
        return body in forms
    return any(k in body and len(body) <= max(len(k), label_len) + _LABEL_SLACK for k in keys)


# a note in brackets after a label: 规章（设区的市、自治州人民政府应提供相关数据）
_NOTE = re.compile(r"(?<=.)\([^()]*\)|(?<=.)\([^()]*$")


def _body(tok: Token) -> str:
    """A token's label body: numbering and bracketed notes removed ("\\0" for prose), computed once."""
    body = tok.body
    if body is None:
        body = tok.body = _label_body(tok.norm)
    return body


@lru_cache(maxsize=8192)
def _label_body(norm: str) -> str:
    body = strip_numbering(norm)
    if "(" in body:
        body = _NOTE.sub("", body) or body
    if _DIGIT.search(body):
        body = "\0"  # labels hold no figures: this is prose (规范性文件类信息68条)
    return body


def _near(key: str, text: str) -> bool:
    """``key`` stands in ``text`` with one character written differently (行政事业型收费).

    With one character changed, one half of the key stands intact: only the places
    where a half is found are compared character by character."""
    m, h = len(key), len(key) // 2
    last = len(text) - m
    starts = set()
    for part, offset in ((key[:h], 0), (key[h:], h)):
        i = text.find(part)
        while i >= 0:
            if 0 <= i - offset <= last:
                starts.add(i - offset)
            i = text.find(part, i + 1)
    for at in starts:
        diff = 0
        for a, b in zip(key, text[at : at + m]):
            if a != b:
                diff += 1
                if diff > 1:
                    break
        if diff == 1:
            return True
    return False


class _Words:
    """Which of a set of words stand in a text.  The words are filed by their first
    two characters, so a text is read once, a dictionary lookup a position, instead
    of being searched for every word in turn (a table has about a hundred)."""

    def __init__(self, words):  # (word, payload) pairs
        self.by_pair: dict[str, list[tuple[str, object]]] = {}
        self.short: list[tuple[str, object]] = []
        for word, payload in words:
            if len(word) >= 2:
                self.by_pair.setdefault(word[:2], []).append((word, payload))
            else:
                self.short.append((word, payload))

    def found(self, text: str) -> list[tuple[str, object]]:
        """The (word, payload) pairs of the words in ``text`` (a word found twice, twice)."""
        out = [(w, p) for w, p in self.short if w in text]
        get = self.by_pair.get
        for i in range(len(text) - 1):
            filed = get(text[i : i + 2])
            if filed is not None:
                out += [(w, p) for w, p in filed if text.startswith(w, i)]
        return out


class _TableIndex:
    """A table's rows and groups, indexed by the label forms that name them: the same
    answers as testing every row with :func:`_body_matches` / :func:`_nearly`, found
    from the words a label holds."""

    def __init__(self, table: Table):
        self.specs = [_match_spec(r) for r in table.rows]
        self.row_exact, self.row_keys = self._named_by(self.specs)
        self.group_exact, self.group_keys = self._named_by([_match_spec(g) for g in table.groups])
        # either half of every key phrase of four or more characters: one of them stands
        # intact in a label with one character mistyped
        self.halves = _Words(
            (half, i) for i, (exact, _, keys, _) in enumerate(self.specs) if not exact
            for k in keys if len(k) >= 4 for half in (k[: len(k) // 2], k[len(k) // 2 :])
        )
        self.label_len = [len(norm_label(r.label)) for r in table.rows]
        # the table's columns and each row's: without the optional 小计, and with it
        self.columns = ([c for c in table.columns if not c.optional], list(table.columns))
        self.row_columns = {
            id(r): (r, ([c for c in table.columns_of(r) if not c.optional], list(table.columns_of(r)))) for r in table.rows
        }
        # how many columns each row has (by the row's identity): without the optional 小计, and with it
        self.column_counts = tuple({i: len(both[k]) for i, (_, both) in self.row_columns.items()} for k in (0, 1))
        # the rows and groups in layout order, each row's place, each group's first row
        self.rows, self.groups = list(table.rows), list(table.groups)
        self.row_index = {id(r): i for i, r in enumerate(self.rows)}
        self.key_index = {r.key: i for i, r in enumerate(self.rows)}
        self.group_first: dict[str, int] = {}
        for i, r in enumerate(self.rows):
            if r.group is not None:
                self.group_first.setdefault(r.group, i)
        # the record's key of each of those columns (``t3.new.natural``), by the list's identity
        self.cell_keys = {
            id(cols): (cols, [f"{table.key}.{r.key}.{c.key}" for c in cols])
            for r, both in self.row_columns.values()
            for cols in both
        }

    @staticmethod
    def _named_by(specs) -> tuple[dict[str, list[int]], _Words]:
        exact: dict[str, list[int]] = {}
        keys = []
        for i, (is_exact, forms, ks, label_len) in enumerate(specs):
            if is_exact:
                for form in forms:
                    exact.setdefault(form, []).append(i)
            else:
                keys += [(k, (i, max(len(k), label_len) + _LABEL_SLACK)) for k in ks]
        return exact, _Words(keys)

    @staticmethod
    def _named(body: str, exact: dict[str, list[int]], keys: _Words) -> tuple[int, ...]:
        if body == "\0":
            return ()
        hits = set(exact.get(body, ()))
        n = len(body)
        hits.update(i for _, (i, longest) in keys.found(body) if n <= longest)
        return tuple(sorted(hits))

    def rows_named(self, body: str) -> tuple[int, ...]:
        """Rows :func:`_body_matches` a label body, in layout order."""
        return self._named(body, self.row_exact, self.row_keys)

    def groups_named(self, body: str) -> tuple[int, ...]:
        return self._named(body, self.group_exact, self.group_keys)

    def rows_nearly_named(self, body: str) -> tuple[int, ...]:
        """Rows :func:`_nearly` names, in layout order."""
        if body == "\0":
            return ()
        rows = sorted({i for _, i in self.halves.found(body)})
        return tuple(i for i in rows if _nearly(body, self.specs[i]))


@by_identity
def _index(table: Table) -> _TableIndex:
    """The table's index, built once."""
    return _TableIndex(table)


def matches_nearly(tok: Token, row: Row | Group) -> bool:
    """A label with one character mistyped in one of its key phrases (of four or more characters)."""
    if tok.value:
        return False
    return _nearly(_body(tok), _match_spec(row))


def _nearly(body: str, spec: tuple[bool, frozenset[str], tuple[str, ...], int]) -> bool:
    exact, forms, keys, label_len = spec
    if exact or body == "\0" or len(body) > label_len + _LABEL_SLACK:
        return False
    # with one character changed, one half of the key still stands intact:
    # two substring searches rule out almost every token before the slow scan
    return any(len(k) >= 4 and (k[: len(k) // 2] in body or k[len(k) // 2 :] in body) and _near(k, body) for k in keys)


def _bare_label(tok: Token, table: Table) -> bool:
    """A token that is nothing but one of the table's row labels.  Without
    the table's header only such a token opens the table: prose cut at the
    labels it names ("规范性文件等112件", "规范性文件的政策解读内容") is not a row."""
    if tok.value or not tok.norm:
        return False
    return _bare_label_text(table, tok.norm)


_LABEL_CACHE = 8192  # label texts repeat across reports (the official labels): their matches are kept


class _Unkept(set):
    """A set that keeps nothing (the tests' plain form: every text asked of find_label)."""

    def add(self, item) -> None:
        pass


@by_identity
def _unnamed(table: Table) -> set[str]:
    """The table's short texts that name none of its rows and groups (see _TableReader.find_label)."""
    return set()


class _PerTable:
    """A bounded cache of ``fn(table, text)`` for short texts: a memo of texts for each
    table (:func:`by_identity`)."""

    def __init__(self, fn):
        self.fn = fn
        self.memo_of = by_identity(lambda table: {})
        self.__doc__ = fn.__doc__

    def __call__(self, table: Table, text: str):
        if len(text) > SHORT_TEXT:  # prose: never asked again
            return self.fn(table, text)
        memo = self.memo_of(table)
        try:
            return memo[text]
        except KeyError:
            if len(memo) >= _LABEL_CACHE:
                memo.clear()
            out = memo[text] = self.fn(table, text)
            return out


@_PerTable
def _bare_label_text(table: Table, norm: str) -> bool:
    body = strip_numbering(norm)
    if not body or len(body) > 40 or any(map(str.isdigit, body)):
        return False
    index = _index(table)
    return any(len(body) <= index.label_len[i] + 4 for i in index.rows_named(_label_body(norm)))


class _LabelHits(msgspec.Struct, frozen=True):
    """Which of a table's rows and groups a label body names (indices, layout order).
    The rows it names with one character mistyped are asked apart (:func:`_near_hits`):
    only a label that names no row it can open needs them."""

    rows: tuple[int, ...]  # named by a key phrase or an exact form
    groups: tuple[int, ...]  # group labels named

    @property
    def any(self) -> bool:
        return bool(self.rows or self.groups)


@_PerTable
def _label_hits(table: Table, body: str) -> _LabelHits:
    index = _index(table)
    return _LabelHits(index.rows_named(body), index.groups_named(body))


@_PerTable
def _near_hits(table: Table, body: str) -> tuple[int, ...]:
    """The rows a label body names with one character of a key phrase mistyped (layout order)."""
    return _index(table).rows_nearly_named(body)


def _numbering_matches(tok: Token, row: Row) -> bool:
    return bool(row.numbering) and numbering_of(tok.norm) == norm_label(row.numbering)


def _in_order(idxs: tuple[int, ...], start: int, valued: set[int], also: int = -1) -> list[int] | tuple[int, ...]:
    """The rows after the last one with figures (``start`` on), then the earlier rows
    still without figures (表二's blocks in another order, a converter's displaced labels).
    ``also``: one more row with figures, not yet in ``valued`` (the open row's)."""
    if not idxs or (idxs[0] >= start):  # (layout order: all of them after the last)
        return idxs
    return [i for i in idxs if i >= start] + [i for i in idxs if i < start and i not in valued and i != also]


class _TableReader:
    """Reads one table's rows from a token stream, in layout order."""

    def __init__(self, table: Table, layout: Layout):
        self.table = table
        self.layout = layout
        index = _index(table)
        # (the table's rows and groups, their places and each group's first row: the
        # table's own, built once in its index; the reader never changes them)
        self.rows, self.groups, self.row_index, self.group_first = index.rows, index.groups, index.row_index, index.group_first
        self.hits: list[RowHit] = []
        self.last_index = -1
        self.current: RowHit | None = None
        self.org_subtotal = False
        self.label_lines: dict[int, int] = {}
        self.valued: set[int] = set()  # rows that received figures
        self.last_valued = -1  # the last of them in layout order
        # (_label_hits's and _near_hits's kept answers for this table, looked up in place)
        self.kept_hits, self.kept_near = _label_hits.memo_of(table), _near_hits.memo_of(table)
        # short texts that name none of the table's rows and groups, nearly or exactly (most
        # header cells): find_label's answer for them is None whatever has been read
        self.unnamed = _unnamed(table) if KEEP_UNNAMED else _Unkept()

    def find_label(self, tok: Token, pending: RowHit | None = None) -> RowHit | None:
        """The row (or group) this token labels, searched in layout order.

        The search starts after the last row that received figures: a label
        printed without figures (a converter that moved the figures away, a
        row left empty) does not hide the rows before it.  A short exact
        label only counts where it can stand (its numbering printed, or
        right after its neighbours).  表二's blocks may come in any order.
        """
        if tok.value or not tok.norm:
            return None
        body = tok.body
        if body is None:
            body = tok.body = _label_body(tok.norm)
        if body == "\0":
            return self._names_nothing(tok.norm)
        # (the kept matches looked up in place: most labels are kept)
        named = self.kept_hits.get(body)
        if named is None:
            named = _label_hits(self.table, body)
        rows, groups, near = named.rows, named.groups, None
        if not rows and not groups:
            near = self.kept_near.get(body)
            if near is None:
                near = _near_hits(self.table, body)
            if not near:
                return self._names_nothing(tok.norm)  # (most header cells)
        valued, last, also = self.valued, self.last_valued, -1
        if pending is not None and pending.row is not None and pending.values:
            # (the open row counts as one with figures)
            also = self.row_index.get(id(pending.row), -1)
            last = max(last, also)
        start = last + 1
        if rows and rows[0] < start:  # (where the first is after the last row with figures, all are: as they are)
            rows = _in_order(rows, start, valued, also)
        for idx in rows:
            row = self.rows[idx]
            if row.exact and row.numbering and not _numbering_matches(tok, row):
                if self.last_index < 0 or not 0 < idx - self.last_index <= 3 or idx < start:
                    continue
            self.last_index = idx
            return RowHit(row, None, [], tok.line, "label", tok)  # (positional: values, line, how, label)
        # a key phrase with one character mistyped, where only one free row has it
        if groups:
            near = ()
        else:
            if near is None:
                near = self.kept_near.get(body)
                if near is None:
                    near = _near_hits(self.table, body)
            near = _in_order(near, start, valued, also)
        if len(near) == 1:
            self.last_index = near[0]
            return RowHit(self.rows[near[0]], None, [], tok.line, "label", tok)
        for gi in groups:
            g = self.groups[gi]
            # a group label sits before its first row
            first = self.group_first.get(g.key)
            if first is not None and first > min(self.last_index, start - 1):
                return RowHit(None, g, line=tok.line, label=tok)
        return None

    def _names_nothing(self, norm: str) -> None:
        """Note a text that names nothing (its label body, a function of it, names no row or
        group of the table, nearly or exactly), for read_tables to look up in place."""
        if len(norm) <= SHORT_TEXT:
            unnamed = self.unnamed
            if len(unnamed) >= _LABEL_CACHE:
                unnamed.clear()
            unnamed.add(norm)
        return None

    def names_a_row(self, tok: Token) -> bool:
        """Whether the token is one of the table's labels (a repeated group label)."""
        if tok.value or not tok.norm:
            return False
        body = _body(tok)
        if body == "\0":
            return False
        named = self.kept_hits.get(body)
        return (named if named is not None else _label_hits(self.table, body)).any

    def close(self, hit: RowHit) -> None:
        self.hits.append(hit)
        if hit.row is not None and hit.values and (at := self.row_index.get(id(hit.row))) is not None:
            self.valued.add(at)
            self.last_valued = max(self.last_valued, at)


def _full(table: Table, hit: RowHit, org_subtotal: bool, tok: Token) -> bool:
    """Whether a row already holds all its figures and ``tok`` starts a new line."""
    if not hit.values or tok.line == hit.values[-1].line:
        return False
    cols = _columns(table, hit.row, org_subtotal) if hit.row is not None else _index(table).columns[org_subtotal]
    return len([v for v in hit.values if v.text]) >= len(cols) and all(_one_run(v.text) for v in hit.values if v.text)


def _starts_grid_line(tok: Token, hit: RowHit) -> bool:
    """A grid line that starts with figures (its label cell elsewhere)."""
    if not tok.grid or tok.line == hit.line:
        return False
    return not hit.values or hit.values[-1].line != tok.line


def _opens_orphan_row(table: Table, hit: RowHit | None, org_subtotal: bool, tok: Token) -> bool:
    """``hit is None or _full(table, hit, org_subtotal, tok) or _starts_grid_line(tok, hit)``:
    a figure of 表三 that opens a row of figures without its label.  The answer for a figure
    on the line of the row's last figure (most of them) is found without the two tests: no."""
    if hit is None:
        return True
    values = hit.values
    if values:
        return tok.line != values[-1].line and (_full(table, hit, org_subtotal, tok) or _starts_grid_line(tok, hit))
    return tok.grid and tok.line != hit.line


@kept_if_short(8192)
def _is_figures(text: str) -> bool:
    """A cell's figure, or figures run together (2648-18538, 1个246900元)."""
    return is_value_text(text) or glued.runs_of([text]) is not None


def _columns(table: Table, row: Row, org_subtotal: bool) -> list[Column]:
    """A row's columns (the optional 小计 only where the table has it); a list kept
    per row in the table's index: callers never change it."""
    hit = _index(table).row_columns.get(id(row))
    if hit is not None and hit[0] is row:
        return hit[1][org_subtotal]
    return [c for c in table.columns_of(row) if not c.optional or org_subtotal]


@lru_cache(maxsize=4096)
def _one_run(text: str) -> bool:
    """A cell's text is one figure (not several run together)."""
    runs = glued.runs_of([text])
    return runs is not None and len(runs) == 1


class _RowRead(msgspec.Struct):
    row: Row
    cols: list[Column]
    values: list[Token]
    texts: list[str | None]
    uncertain: set[int]
    decoded: glued.Decoded | None = None
    how: str = "label"


def _read_row(table: Table, hit: RowHit, org_subtotal: bool, res: TableResult) -> _RowRead | None:
    row = hit.row
    how = hit.how
    if row is None and hit.group is not None:
        how = "group"
        if not hit.values or all(not v.text for v in hit.values):
            return None
        target = hit.group.collapses_to
        if target is None:
            res.notes.append(f"{table.key}: 分组行“{hit.group.label}”后出现了数字")
            return None
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
    decoded = None
    # fewer cells than columns and some text holds several figures: glued
    if len(texts) < len(cols) and any(t and len(t.replace(" ", "")) > 1 for t in texts):
        decoded = glued.decode(texts, cols)
        if decoded is not None:
            texts, uncertain = decoded.texts, decoded.uncertain
            how = "glued"
    if len(texts) > len(cols):
        res.notes.append(f"{table.key}.{row.key}: 多出 {len(texts) - len(cols)} 个数字，已忽略")
        texts = texts[: len(cols)]
    # (the figures found are counted only for a row short of cells: most rows hold all theirs)
    found = len([t for t in texts if t]) if len(texts) < len(cols) else 0
    if hit.truncated:
        res.notes.append(f"{table.key}.{row.key}: {UNPLACED} 原文在行名处结束，这一行的单元格没有出现")
        texts = [None] * len(cols)
        uncertain = set(range(len(cols)))
        how = "unplaced"
    elif found and not all(v.grid and v.reliable for v in values):
        # fewer figures than columns where an empty cell leaves no trace: which
        # column each figure belongs to is unknown — reported, not guessed
        res.notes.append(
            f"{table.key}.{row.key}: {UNPLACED} 只读到 {found} 个数字（应有 {len(cols)} 个），空白单元格在原文中没有标记"
        )
        texts = [None] * len(cols)
        uncertain = set(range(len(cols)))
        how = "unplaced"
    elif found:
        # a grid row with fewer cells than the table has columns (a page cut
        # inside the row, a converter that dropped cells): the cells read are
        # most likely the first ones, but none of them is sure
        res.notes.append(f"{table.key}.{row.key}: {UNPLACED} 只有 {len(texts)} 个单元格（应有 {len(cols)} 个），各数字所属的列不能确定")
        texts = list(texts) + [None] * (len(cols) - len(texts))
        uncertain = set(range(len(cols)))
    return _RowRead(row, cols, values, texts, uncertain, decoded, how)


def _put_cells(res: TableResult, keys: list[str], texts: list[str | None], uncertain: set[int], sources, how: str) -> None:
    """Cells into the result, one a key: its value, its raw text when not a plain number,
    whether it is uncertain, the OCR confidence of the token it came from, and where it
    came from and how it was placed.  ``sources``: the token each cell was read from (None
    where none), as many as the keys or more."""
    cells, raws, kept_sources = res.cells, res.raw, res.sources
    own_text = how in _OWN_TEXT
    for i, key in enumerate(keys):
        text = texts[i]
        cv: CellValue = BLANK if text is None else cell_value(text)  # (a figure reads the same in every kind of column)
        cells[key] = cv.value
        if cv.raw is not None:
            raws[key] = cv.raw
            if i in uncertain or (not cv.ok and _DIGIT.search(cv.raw)):
                # a figure written so that it cannot be read (--253, 1O2) is reported, not guessed
                res.uncertain.append(key)
        elif uncertain and i in uncertain:
            res.uncertain.append(key)
        source = sources[i]
        if source is None:
            kept_sources[key] = CellSource(how, text or "")
        else:
            if source.conf is not None:
                res.confidence[key] = source.conf
            # (positional: the fields in CellSource's order — how, text, block, row, col, line, page)
            kept_sources[key] = CellSource(how, (text or source.orig) if own_text else source.orig, source.block,
                                           source.row, source.col + 1 if source.grid else None, source.at, source.page)


_OWN_TEXT = frozenset(("glued", "unplaced"))  # placements whose cell text is not its token's


def _write(table: Table, rr: _RowRead, res: TableResult) -> None:
    texts = rr.texts or [None] * len(rr.cols)
    kept = _index(table).cell_keys.get(id(rr.cols))
    if kept is not None and kept[0] is rr.cols:
        keys = kept[1]
    else:
        prefix = f"{table.key}.{rr.row.key}."
        keys = [prefix + col.key for col in rr.cols]
    if len(texts) < len(keys):
        keys = keys[: len(texts)]
    values = rr.values
    # figures decoded from glued text no longer stand one a token: the row's first token is their source
    if rr.decoded is not None or rr.how == "unplaced":
        sources = [values[0] if values else None] * len(keys)
    elif len(values) < len(keys):
        sources = [*values, *[None] * (len(keys) - len(values))]
    else:
        sources = values
    _put_cells(res, keys, texts, rr.uncertain, sources, rr.how)


def _increasing(seq: list[int], ids: list[int]) -> list[int]:
    """The ids of a longest strictly increasing subsequence of seq."""
    import bisect

    tails: list[int] = []
    tails_at: list[int] = []
    parent = [-1] * len(seq)
    for i, v in enumerate(seq):
        j = bisect.bisect_left(tails, v)
        if j == len(tails):
            tails.append(v)
            tails_at.append(i)
        else:
            tails[j] = v
            tails_at[j] = i
        parent[i] = tails_at[j - 1] if j else -1
    out = []
    i = tails_at[-1] if tails_at else -1
    while i >= 0:
        out.append(ids[i])
        i = parent[i]
    return out[::-1]


def _align_orphans(table: Table, hits: list[RowHit], res: TableResult) -> tuple[list[RowHit], set[str]]:
    """Give rows of figures printed without their label (RowHit with no row)
    the rows of the layout that have no figures, in order.

    Between two rows that have both label and figures, the free rows of the
    layout take the orphan rows in document order.  When the counts differ
    the rows are placed in order as far as they go and reported uncertain.
    Labels printed without figures only keep their (blank) row when no
    figures come for it.
    """
    kept = _index(table)
    rows, index = kept.rows, kept.key_index  # (the table's own: never changed here)
    stray: dict[str, list[Token]] = {}
    if table.columns:
        # a stray figure after a label (less than half a row) is not its row
        ncols = len(_index(table).columns[False])
        for h in hits:
            # (each cell counts at least 1: a row of half the columns or more is never stray)
            if h.row is not None and h.values and 2 * len(h.values) < ncols and 2 * sum(len(glued.digits_of(v.text)) or 1 for v in h.values) < ncols:
                if not all(v.grid and v.reliable for v in h.values) and any(v.text for v in h.values):
                    # figures whose empty neighbours the source cannot show (cells
                    # on lines of their own): unless a row of figures comes for
                    # this label, the row is there but cannot be placed
                    stray[h.row.key] = list(h.values)
                else:
                    res.notes.append(f"{table.key}.{h.row.key}: 孤立的数字“{' '.join(v.text for v in h.values)}”不足一行，已忽略")
                h.values = []
    # rows whose label stands out of the layout's order are figures without a
    # (trustworthy) label: keep the longest run of labelled rows in order
    # (表二's blocks may come in any order)
    valued = [k for k, h in enumerate(hits) if h.row is not None and h.values and h.row.key in index]
    keep = set(_increasing([index[hits[k].row.key] for k in valued], valued)) if not table.blocks else set(valued)
    hits = [h if (h.row is None or not h.values or h.row.key not in index or k in keep) else RowHit(None, None, h.values, h.line) for k, h in enumerate(hits)]
    if not any(h.row is None and h.group is None for h in hits):
        return _restore_stray(hits, stray), set()
    anchored = {index[h.row.key] for h in hits if h.row is not None and h.values and h.row.key in index}
    out: list[RowHit] = []
    uncertain_rows: set[str] = set()
    pending: list[RowHit] = []
    prev_anchor = -1

    def flush(next_anchor: int) -> None:
        free = [rows[i] for i in range(prev_anchor + 1, next_anchor) if i not in anchored]
        ncols = len(_index(table).columns[False]) or 1
        # a stray figure that cannot fill a row is not a row
        for o in [o for o in pending if sum(len(glued.digits_of(v.text)) or 1 for v in o.values) < ncols]:
            res.notes.append(f"{table.key}: 孤立的数字“{' '.join(v.text for v in o.values)}”不属于任何一行，已忽略")
            pending.remove(o)
        for k, orphan in enumerate(pending):
            if k >= len(free):
                res.notes.append(f"{table.key}: 一行数字找不到所属的行，已忽略")
                continue
            out.append(RowHit(free[k], None, orphan.values, orphan.line, how="orphan"))
            anchored.add(index[free[k].key])
            if len(pending) != len(free):
                uncertain_rows.add(free[k].key)
        pending.clear()

    for h in hits:
        if h.row is None and h.group is None:
            pending.append(h)
            continue
        if h.row is not None and h.values and h.row.key in index:
            flush(index[h.row.key])
            prev_anchor = index[h.row.key]
        out.append(h)
    flush(len(rows))
    # a label without figures gives way to figures placed for its row
    valued = {h.row.key for h in out if h.row is not None and h.values}
    out = [h for h in out if h.row is None or h.values or h.row.key not in valued]
    # one hit per row: the first with figures
    seen: set[str] = set()
    final = []
    for h in out:
        if h.row is not None:
            if h.row.key in seen:
                continue
            seen.add(h.row.key)
        final.append(h)
    return _restore_stray(final, stray), uncertain_rows


def _restore_stray(hits: list[RowHit], stray: dict[str, list[Token]]) -> list[RowHit]:
    """A label whose few figures no row of figures replaced keeps them (to be reported unplaced)."""
    for h in hits:
        if h.row is not None and not h.values and h.row.key in stray:
            h.values = stray[h.row.key]
    return hits


def _trailing_fill(h: RowHit, fillers: set[int]) -> int:
    """How many empty cells of one filler line close the row."""
    vals, fill = h.values, 0
    if vals and not vals[-1].text and vals[-1].at in fillers:
        last = vals[-1].at
        while fill < len(vals) and not vals[-1 - fill].text and vals[-1 - fill].at == last:
            fill += 1
    return fill


def _structural_fillers(table: Table, hits: list[RowHit], org_subtotal: bool, fillers: set[int]) -> None:
    """A filler line that closes every row of a grid (``0 |`` / ``||`` after
    each row's last figure) belongs to the grid's shape, not to the rows: when
    all rows with more cells than columns end with the same number of empty
    filler cells, those go first."""
    ncols = _index(table).column_counts[org_subtotal]  # (a hit's row is one of the table's rows)
    long_rows = [h for h in hits if h.row is not None and h.values and len(h.values) > ncols[id(h.row)]]
    if not long_rows:
        return
    # (a row cut off by the end of the text has no closing filler)
    closed = [h for h in long_rows if not h.at_end]
    if len(closed) < 2:
        return
    fills = {_trailing_fill(h, fillers) for h in closed}
    if len(fills) != 1 or not (k := fills.pop()):
        return
    for h in long_rows:
        if len(h.values) - k >= ncols[id(h.row)]:
            del h.values[-k:]


def _full_label_area(table: Table, hits: list[RowHit]) -> set[int]:
    """A grid that writes 表三's whole label area, three columns, on every line
    (a numbered sub-row's label in the third column: ``| | | 2.重复申请 | …``):
    the cells of a line left of the figures are label cells, never figures."""
    if table.key != "t3":
        return set()
    area = T3_LABEL_COLUMNS
    full = {
        h.label.block
        for h in hits
        if h.row is not None and h.label is not None and h.label.grid and h.label.col == area - 1 and label_span(table, h.row) == 1
    }
    for h in hits:
        lab = h.label
        if lab is None or lab.block not in full:
            continue
        h.values = [v for v in h.values if not (v.line == lab.line and v.col < area and not v.text)]
    return full


def _cells_before(table: Table, h: RowHit) -> int:
    """How many merged cells of 表三's label area stand left of a label in the official form."""
    if table.key != "t3":
        return 0
    if h.row is None:  # a group label: in the second column, except 三、 in the first
        return 0 if h.group is not None and h.group.key == T3_RESULTS_GROUP else 1
    return T3_LABEL_COLUMNS - label_span(table, h.row)


def _streamed(h: RowHit) -> bool:
    """The row's cells stand on lines of their own (a stream of cells), not on its label's line."""
    return h.label is not None and h.label.at is not None and any(v.at != h.label.at for v in h.values)


def _exact_spans(table: Table, hits: list[RowHit], org_subtotal: bool, fillers: set[int] = frozenset()) -> None:
    """Rows whose cells are exactly their figures plus the empty cells of the
    merged labels around them, as the official form merges them.

    Written one cell a line, a row's figures are preceded by the rest of its
    own label (``一、本年新收… |`` / ``||``: two more columns) and followed by
    the rest of the next row's label, which the stream puts before that
    label.  A row holding exactly that many cells, empty where the merges
    are, keeps only its figures."""
    labelled = [h for h in hits if h.row is not None and h.label is not None and h.label.grid and h.label.reliable]
    ncols = _index(table).column_counts[org_subtotal]  # (a hit's row is one of the table's rows)
    # a grid that pads its rows at the end (a row with more cells than
    # columns whose first cell after the label holds a figure) is left alone
    # (in a stream of cells the extra cells at a row's end are the next label's)
    padded = {
        h.label.block
        for h in labelled
        if len(h.values) > ncols[id(h.row)]
        and h.values[0].text
        and h.values[0].line == h.label.line
        and not _streamed(h)
    }
    for i, h in enumerate(labelled):
        n = ncols[id(h.row)]
        if len(h.values) <= n:  # (most rows: nothing to drop)
            continue
        stream = _streamed(h)
        if h.label.block in padded and not stream:
            continue
        lead = label_span(table, h.row) - 1
        nxt = labelled[i + 1] if i + 1 < len(labelled) else None
        trail = label_span(table, nxt.row) - 1 if stream and nxt is not None and nxt.label.block == h.label.block else 0
        # or the merged cells that stand before the next label (a group label
        # in the second column has one, a numbered sub-row two)
        k = next((j for j, x in enumerate(hits) if x is h), -1)
        after = hits[k + 1] if 0 <= k < len(hits) - 1 else None
        before = _cells_before(table, after) if stream and after is not None and after.label is not None else 0
        vals = h.values
        # the empty cells of the last filler line (|||) in the run of empty cells closing
        # the row (a compact "||" before it may hold two blank figures)
        fill, line = 0, None
        for v in reversed(vals):
            if v.text or (line is not None and v.at != line):
                break
            if line is None and v.at in fillers:
                line = v.at
            fill += line is not None
        # a row written on its line ends there: empty cells from the next line
        # are the merged cells before the next label
        other = 0
        if all(v.at == h.label.at for v in vals if v.text):
            while other < len(vals) and not vals[-1 - other].text and vals[-1 - other].at != h.label.at:
                other += 1
        # the next row's merged cells stand before or after its label, as pages write them
        for tr in dict.fromkeys((trail, 0, fill, trail + fill, other, before, before + fill)):
            if (lead or tr) and len(vals) == n + lead + tr and not any(v.text for v in vals[:lead]) and not any(
                v.text for v in vals[len(vals) - tr :]
            ):
                h.values = vals[lead : len(vals) - tr]
                break


def _drop_fillers(hit: RowHit, ncols: int, fillers: set[int]) -> None:
    """A row with more cells than columns loses the empty cells of filler
    lines at its end first (``|||`` after a row)."""
    while len(hit.values) > ncols and not hit.values[-1].text and hit.values[-1].at in fillers:
        hit.values.pop()


def _drop_label_span(table: Table, hits: list[RowHit], org_subtotal: bool, fillers: set[int] = frozenset()) -> None:
    """Empty cells that are not figures: the rest of a merged label, fillers, padding.

    In the official form a row's label covers one to three columns of 表三's
    label area (:func:`layouts.label_span`): 一、本年新收… three, （七）总计 two,
    2.重复申请 one.  Pages that write merged cells as empty cells put them next
    to the label (``（六）其他处理 | | 162 | …``), where they look like blank
    figures; pages add filler lines (``|||``) and padding.  In turn:

    1. a filler line that closes every row is the grid's, not the rows'
       (:func:`_structural_fillers`);
    2. a grid that writes the whole label area on every line has its label
       cells left of the figures (:func:`_full_label_area`);
    3. a row holding exactly its figures plus the merged cells around its
       label, empty where the merges are, keeps its figures (:func:`_exact_spans`);
    4. what is still too long loses the empty cells of the filler lines at its end.

    Each step reads the shape of the grid and the layout, never a site; the
    styles they stand for are in tests/serialgen.py."""
    _structural_fillers(table, hits, org_subtotal, fillers)
    full = _full_label_area(table, hits)
    hits = [h for h in hits if h.label is None or h.label.block not in full]
    _exact_spans(table, hits, org_subtotal, fillers)
    ncols = _index(table).column_counts[org_subtotal]  # (a hit's row is one of the table's rows)
    for h in hits:
        if h.row is not None and len(h.values) > ncols[id(h.row)]:  # (most rows: nothing to drop)
            _drop_fillers(h, ncols[id(h.row)], fillers)


def _assign_table(
    table: Table,
    hits: list[RowHit],
    org_subtotal: bool,
    res: TableResult,
    prose: list[str] = (),
    fillers: set[int] = frozenset(),
) -> None:
    _drop_label_span(table, hits, org_subtotal, fillers)
    hits, uncertain_rows = _align_orphans(table, hits, res)
    reads = [rr for hit in hits if (rr := _read_row(table, hit, org_subtotal, res)) is not None]
    for rr in reads:
        if rr.row.key in uncertain_rows:
            rr.uncertain = set(range(len(rr.cols)))
    if table.key == "t3":
        # readings a row leaves open are chosen with the column balance (only a row decoded
        # from glued figures leaves its reading open: where none does, there is nothing to choose)
        if any(rr.decoded is not None and len(rr.decoded.fitting) > 1 and not rr.decoded.violations for rr in reads):
            rows = {rr.row.key: ([c.key for c in rr.cols], rr.decoded or glued.Decoded(rr.texts, set())) for rr in reads}
            for key, d in glued.balance_t3(rows).items():
                for rr in reads:
                    if rr.row.key == key:
                        rr.texts, rr.uncertain = d.texts, d.uncertain
    else:
        # a row the layout leaves open may be pinned by the report's own words
        # (制发行政规范性文件62件): only readings the text allows are kept
        for rr in reads:
            if rr.decoded is not None and len(rr.decoded.fitting) > 1 and not rr.decoded.violations:
                d = glued.with_evidence(rr.decoded, rr.row, rr.cols, prose)
                rr.texts, rr.uncertain = d.texts, d.uncertain
    for k, rr in enumerate(reads):
        if rr.values or not _superseded(rr, reads[k + 1] if k + 1 < len(reads) else None):  # (a row with figures never is)
            _write(table, rr, res)


def _superseded(rr: _RowRead, nxt: _RowRead | None) -> bool:
    """A row read without figures (a merged label cell repeated along its grid row opens its
    row once a copy) whose every cell the next row read writes again, in the same places:
    writing it changes nothing the record holds (its cells are blank and sourceless, or, in
    表三, the balance's texts the next one writes too)."""
    return (
        not rr.values
        and nxt is not None
        and nxt.row is rr.row
        and nxt.cols is rr.cols
        and len(nxt.texts or nxt.cols) >= len(rr.texts or rr.cols)
    )


@cache
def _t4_header_words() -> tuple[str, ...]:
    """表四's header phrases (row groups, columns and their key phrases), from the layout."""
    words = {T4_SUIT_GROUP, *(r.label for r in T4.rows), *(c.label for c in T4.columns)}
    for c in T4.columns:
        words.update(c.match_keys())
    return tuple(sorted({norm_label(w) for w in words}, key=len, reverse=True))


def _is_t4_header(tok: Token) -> bool:
    """A header cell of 表四, or a piece of one broken over lines (结果 / 维持)."""
    n = tok.norm
    if not n or tok.value or len(n) > 40:
        return False
    return _names_t4_header(n)


@kept_if_short(4096)  # (the header's cells repeat from report to report)
def _names_t4_header(n: str) -> bool:
    return any(w in n or (len(n) >= 2 and n in w) for w in _t4_header_words())


_HEADER_PUNCT = re.compile(r"[()（）:：,，、。/]")


@cache
def _header_vocabulary(template: str) -> tuple[str, ...]:
    """Every header phrase of a layout's tables (normalised), from the layout."""
    lay = LAYOUTS[template]
    words = {T2_LABEL_HEADER, T3_APPLICANT_GROUP, T3_HEADER_GROUP, T4_SUIT_GROUP, T3_NOTE_KEY}
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


@by_identity
def _header_test(layout: Layout):
    """Whether a token's normalised text is a header cell (or a piece of one broken over
    lines) of the layout's tables: :func:`_is_header_norm` for one layout, a function of the
    text alone (kept for short texts: one argument, no tuple of arguments to build and hash
    a call)."""
    template = layout.template
    return kept_if_short(8192)(lambda n: _is_header_norm(n, template))


def _is_header_norm(n: str, template: str) -> bool:
    if len(n) < 2:
        return bool(n)
    n = _HEADER_PUNCT.sub("", n)
    for w in _header_vocabulary(template):
        if w in n or (n in w and len(n) >= 2):
            return True
    return T2_ARTICLE in n


def _t2_header(tok: Token) -> bool:
    n = tok.norm
    return T2_ARTICLE in n and len(n) <= 30 or n == T2_LABEL_HEADER


@cache
def _new_row_keys() -> tuple[str, ...]:
    return tuple(norm_label(k) for k in T3_2021_ROWS[0].match_keys())


def _t3_start(tok: Token) -> bool:
    """The note, the 申请人情况 header or row 一 opens 表三."""
    n = tok.norm
    if (T3_NOTE_KEY in n and len(n) <= 60) or n == T3_HEADER_GROUP:
        return True
    if len(n) <= 40:
        for k in _new_row_keys():  # (a loop, not any() of a generator: asked of every token before 表三)
            if k in n:
                return True
    return False


_T4_REVIEW = T4.rows[0].label
_T4_STARTS = (_T4_REVIEW, _T4_REVIEW + T4_SUIT_GROUP)
_T4_FIRST_COLUMN = T4.columns[0].label


def _in_value_row(tokens: list[Token], ti: int, value_lines: dict[int, bool], figure_lines: set[int]) -> bool:
    """An empty grid cell of 表四 on a line of figures: a blank figure (see _figure_lines)."""
    tok = tokens[ti]
    return tok.grid and (
        value_lines.get(tok.line, False)
        or (tok.line in figure_lines and ti > 0 and tokens[ti - 1].line == tok.line and (tokens[ti - 1].value or _is_t4_header(tokens[ti - 1])))
    )


def _is_t4_start(tok: Token) -> bool:
    """表四's first header cell (行政复议), alone or run together with the rest of the header
    (every such text holds 行政复议, ``_T4_REVIEW``: read_tables asks only those)."""
    n = tok.norm
    return n in _T4_STARTS or (n.startswith(_T4_REVIEW) and _T4_FIRST_COLUMN in n and len(n) < 120)


def _t4_without_t3(tokens: list[Token], ti: int) -> bool:
    """表四 where no 表三 has been read (a 表三 published as an image, or left out): its
    first header cell at ``ti`` confirmed by another header cell of 表四 among the next few
    (行政诉讼, 结果维持 …), and no 表三 after it (表四 comes after 表三: a 行政复议 before a
    表三 is a word of the text)."""
    if not any(_is_t4_header(t) for t in tokens[ti + 1 : ti + 8]):
        return False
    return not any(_t3_start(t) for t in tokens[ti + 1 :])


# Fast paths of the table reader over a grid line, each the plain loop's answer (switched off
# by the tests that compare the two: tests/extract/test_grid_fast_paths.py)
GRID_RUNS = True
GRID_COPIES = True
KEEP_UNNAMED = True  # (texts that name no row of a table kept: _TableReader.unnamed)


def read_tables(tokens: list[Token], layout: Layout, index: StreamIndex | None = None) -> TableResult:
    """The cells of the layout's tables.  ``index``: what tokens_of learnt of the stream
    (the paragraph tokens' places, whether grid cells know their source lines), when known."""
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
    is_header = _header_test(layout)

    # grid lines whose non-empty cells are all figures, and grid lines that hold figures
    # at all: asked in 表四 only, found from the line where it starts (_figure_lines)
    value_lines: dict[int, bool] | None = None
    figure_lines: set[int] = set()

    def close_row() -> None:
        nonlocal current
        if current is not None and current_table is not None:
            current_table.close(current)
        current = None

    ntok = len(tokens)
    it = enumerate(tokens)
    copy_at, copy_text, copy_line = -1, None, -1  # the next token, when it is a copy of this one, changes nothing
    for ti, tok in it:
        # ----- 表三 ends with the line of 四、结转下年度继续办理: the first
        # token after its figures that is not a figure of the same line
        if (
            state == "t3"
            and current is not None
            and current.row is not None
            and current.row.key == "carried_out"
            and current.values
            and tok.line != current.values[-1].line
            and not (tok.text and _is_figures(tok.text))
        ):
            close_row()
            t3_done = True
            state = None
        # ----- a figure in 表二 or 表三 (most tokens): no table starts at a
        # figure, no label or heading is one; it goes to the open row
        if tok.value and tok.text and state in ("t2", "t3"):
            rd = readers[state]
            # (the first figure on its label's line, most rows', opens none: asked in place)
            if (
                state == "t3" and rd.hits and (not GRID_RUNS or current is None or current.values or (tok.grid and tok.line != current.line))
                and _opens_orphan_row(t3, current, rd.org_subtotal, tok)
            ):
                close_row()  # a row of figures without its label (see below)
                current_table = rd
                current = RowHit(None, None, line=tok.line)
            if current is not None:
                values = current.values
                values.append(tok)
                res.used_lines.add(tok.line)
                if tok.grid and GRID_RUNS:
                    # the figures and blank cells after it on its grid line go to the same row:
                    # taken at once (what the loop below does with each of them: no test it asks
                    # of a figure or a blank cell on the line of the row's last figure can say otherwise)
                    end = ti + 1
                    line = tok.line
                    while end < ntok and (nxt := tokens[end]).line == line and nxt.value:
                        end += 1
                    if end > ti + 1:
                        run = tokens[ti + 1 : end]
                        values.extend(run if tok.reliable else [t for t in run if t.text])
                        next(islice(it, end - ti - 2, None))  # (the run's tokens passed over)
                continue
            # no row open: a header cell or the end of 表二, decided below
        elif not tok.text and state in ("t2", "t3"):
            # an empty cell: a blank figure of the open row when it comes after
            # the label (same line) or after a figure; nothing else
            if current is not None and tok.grid and tok.reliable and (tok.line == current.line or current.values):
                current.values.append(tok)
            continue
        # ----- a copy of a merged cell (the same text next on its grid line: a paragraph has a
        # line of its own) after a header cell that changed nothing: what the loop would do
        # with it is what it did with the cell before (every test below asks the same of it,
        # in the same state, and none of them looks at its place; a figure or a blank cell
        # does not come here)
        if ti == copy_at and tok.line == copy_line and tok.text == copy_text:
            copy_at = ti + 1
            continue
        # ----- table starts
        # (a start of 表四 holds its first words: the test itself is asked only of those texts)
        if not t4_done and state != "t4" and _T4_REVIEW in tok.norm and _is_t4_start(tok) and (state == "t3" or readers["t3"].hits or _t4_without_t3(tokens, ti)):
            close_row()
            state = "t4"
            if value_lines is None:
                value_lines, figure_lines = _figure_lines(tokens, ti)
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
            # (a grid cell is never a section heading: see sections._candidate)
            if tok.norm and not tok.grid and is_section_heading(tok):
                t4_done = bool(t4_values or t4_header)
                state = None
                continue
            if (tok.text and _is_figures(tok.text)) or (
                not tok.text and tok.grid and tok.reliable and (t4_values or _in_value_row(tokens, ti, value_lines, figure_lines))
            ):
                t4_values.append(tok)
                res.used_lines.add(tok.line)
                # blanks before the first figure may be a separator of the
                # stream (a lone "|" between rows) as well as blank cells: the
                # table ends at 15 cells after them, or where its figures stop
                lead = next((k for k, v in enumerate(t4_values) if v.text), len(t4_values))
                if len(t4_values) - (lead if lead < len(t4_values) else 0) >= _T4_CELLS and sum(
                    len(glued.digits_of(v.text)) if v.text else 1 for v in t4_values
                ) >= _T4_CELLS:
                    t4_done = True
                    state = None
            elif _is_t4_header(tok):
                res.used_lines.add(tok.line)
                t4_header = True
                if GRID_COPIES:
                    copy_at, copy_text, copy_line = ti + 1, tok.text, tok.line  # (its copies: the same, see below)
            elif tok.norm and (len(tok.norm) > 40 or t4_values):
                t4_done = True  # prose: the table ended (maybe with no figures)
                state = None
            continue
        if state is None:
            # a row label without a header (some reports drop 第二十条…)
            for key in ("t2",):
                rd = readers[key]
                # only a token that is nothing but a row label, followed by
                # its figures (prose that names a row is not a row)
                nxt = tokens[ti + 1] if ti + 1 < len(tokens) else None
                # (the cheap test of what follows first: prose is mostly followed by prose)
                if nxt is None or not (nxt.grid or (nxt.text and _is_figures(nxt.text))) or not _bare_label(tok, rd.table):
                    continue
                hit = rd.find_label(tok)
                if hit is not None:
                    hit.label_at = ti
                    state = key
                    current_table = rd
                    current = hit
                    res.used_lines.add(tok.line)
                    break
            continue
        rd = readers[state]
        if tok.norm and "小计" in tok.norm and state == "t3" and rd.last_index < 0:
            rd.org_subtotal = True
        # (a text that names nothing is looked up in place: most header cells)
        hit = rd.find_label(tok, current) if (tok.norm and len(tok.norm) <= 80 and tok.norm not in rd.unnamed) else None
        if hit is not None:
            hit.label_at = ti
            close_row()
            current_table = rd
            current = hit
            res.used_lines.add(tok.line)
            continue
        if tok.norm and not tok.grid and is_section_heading(tok):
            # a section heading ends the table (and is never a header cell)
            close_row()
            if state == "t3" and rd.last_index >= 0 and rd.rows[rd.last_index].key == "carried_out":
                t3_done = True
            state = None
            continue
        figures = bool(tok.text) and _is_figures(tok.text)
        if state == "t3" and figures and rd.hits and (
            _opens_orphan_row(t3, current, rd.org_subtotal, tok)
        ):
            # a row of figures without its label (a converter moved the label
            # away): placed by the layout's row order, see _align_orphans
            close_row()
            current_table = rd
            current = RowHit(None, None, line=tok.line)
        if current is None:
            if tok.norm and is_header(tok.norm):
                res.used_lines.add(tok.line)  # a header cell
            elif state == "t2" and readers["t2"].hits and tok.norm:
                state = None  # prose after 表二
                continue
            if GRID_COPIES and (_T4_REVIEW not in tok.norm or not _is_t4_start(tok)):
                # no row is open and the cell opened none: a copy of it would change nothing
                # (表三 may have begun at it: then not at the copy, which leaves everything as
                # it is; 表四, whose start looks at the cells that follow, is left to the loop)
                copy_at, copy_text, copy_line = ti + 1, tok.text, tok.line
            continue
        if figures:
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
            if is_header(tok.norm) or not current.values or rd.names_a_row(tok):
                res.used_lines.add(tok.line)
            if current.values:
                close_row()
    close_row()
    for rd in readers.values():
        last = rd.hits[-1] if rd.hits else None
        if last is None or last.row is None or last.label is None:
            continue
        start = last.label_at if last.label_at >= 0 else next(k for k, t in enumerate(tokens) if t is last.label)
        mine = {id(v) for v in last.values}
        rest = list(islice((t for t in islice(tokens, start + 1, None) if t.text and id(t) not in mine), 2))  # (two tell enough)
        # nothing after the row, or a piece of a label the cut left (（二）部分公)
        if not rest or (len(rest) == 1 and not rest[0].value and len(rest[0].norm) <= 12):
            last.at_end = True
            if not any(v.text for v in last.values) and not last.values:
                # the text ends at this label: its cells were cut off, not left blank
                last.truncated = True

    fillers = _filler_lines(tokens) if index is None or index.cell_lines else set()
    prose: list[str] | None = None
    for key, rd in readers.items():
        table = rd.table
        if not rd.hits:
            continue
        res.tables_found.append(key)
        if prose is None:
            used = res.used_lines
            if index is None:
                prose = [t.text for t in tokens if not t.grid and t.line not in used and len(t.text) > 8]
            else:
                prose = [t.text for i in index.prose if (t := tokens[i]).line not in used and len(t.text) > 8]
        _assign_table(table, rd.hits, rd.org_subtotal, res, prose, fillers)
    if t4_values or t4_header:
        # a 表四 whose header is printed but whose figures are not: every cell blank
        res.tables_found.append("t4")
        _assign_t4(t4, t4_values, res, fillers)
    return res


_T4_CELLS = len(T4.rows) * len(T4.columns)


def _figure_lines(tokens: list[Token], start: int = 0) -> tuple[dict[int, bool], set[int]]:
    """Grid lines whose non-empty cells are all figures (a row of 表四), and grid lines that
    hold figures at all (a stream of cells puts 表四's figures on the line of its last header
    cell), from the line of ``tokens[start]`` on (a line's answer is its own tokens')."""
    while start > 0 and tokens[start - 1].line == tokens[start].line:
        start -= 1
    value_lines: dict[int, bool] = {}
    figure_lines: set[int] = set()
    for tok in islice(tokens, start, None):
        if tok.grid and tok.text:
            value_lines[tok.line] = value_lines.get(tok.line, True) and tok.value
            if tok.value:
                figure_lines.add(tok.line)
    return value_lines, figure_lines


def _filler_lines(tokens: list[Token]) -> set[int]:
    """Source lines that hold two or more cells of a grid, all empty (``|||``
    between a header and its figures): fillers, not blank figures."""
    cells = [t for t in tokens if t.grid and t.at is not None]
    texts = {t.at for t in cells if t.text}
    count = Counter(t.at for t in cells if t.at not in texts)  # (only lines without text can be fillers)
    return {line for line, n in count.items() if n >= 2}


@by_identity
def _t4_keys(t4: Table) -> list[str]:
    """The record's keys of 表四's cells, in its order (复议 ×5, 直接起诉 ×5, 复议后起诉 ×5)."""
    return [f"{t4.key}.{r.key}.{c.key}" for r in t4.rows for c in t4.columns]


def _assign_t4(t4: Table, values: list[Token], res: TableResult, fillers: set[int] = frozenset()) -> None:
    cols = [(r, c) for r in t4.rows for c in t4.columns]
    # more cells than the table has: empty cells of filler lines go first, then
    # blanks at the end (padding), then those in front (separators)
    values = list(values)
    while len(values) > len(cols) and any(not v.text and v.at in fillers for v in values):
        values.remove(next(v for v in values if not v.text and v.at in fillers))
    while len(values) > len(cols) and not values[-1].text:
        values.pop()
    while len(values) > len(cols) and not values[0].text:
        values.pop(0)
    texts: list[str | None] = [v.text for v in values]
    uncertain: set[int] = set()
    if len(texts) < len(cols):
        decoded = glued.decode_groups(texts, [c for _, c in cols], len(t4.columns))
        if decoded is not None:
            texts, uncertain = decoded.texts, decoded.uncertain
    if not texts:
        texts = [None] * len(cols)
    n = min(len(cols), len(texts))
    glued_figures = bool(values) and len(values) < len(cols)
    sources = [values[0]] * n if glued_figures else [*values[:n], *[None] * (n - len(values))]
    keys = _t4_keys(t4)[:n]
    _put_cells(res, keys, texts, uncertain, sources, "glued" if glued_figures else "t4-sequence")
