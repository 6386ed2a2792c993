"""Document blocks → a flat stream of tokens with their place in the source.

Every cell of a grid and every paragraph becomes a :class:`Token`.  A
paragraph that holds a whole table run together (crawled page text such as
``规章000行政规范性文件2433第二十条第（五）项…``) is cut at every official label
it contains, so that labels and the figures between them become tokens of
their own; the figures stay glued for :mod:`xxgk.extract.glued` to decode.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

import msgspec

from ..layouts import LAYOUTS, SECTIONS, T2_LABEL_HEADER, T3_APPLICANT_GROUP, T3_HEADER_GROUP, T3_NOTE, T4_SUIT_GROUP
from ..model import Document, Paragraph, Table
from ..text import clean, norm_label, squeeze, tidy
from .numbers import is_value_text


class Token(msgspec.Struct):
    text: str  # cleaned text of the cell or paragraph piece
    norm: str  # norm_label(text)
    line: int  # index of the source line (a grid row or a paragraph)
    col: int  # index of the cell in its line (0 for a paragraph)
    grid: bool  # from a grid row
    reliable: bool  # an empty grid cell here really is an empty cell
    conf: float | None = None  # OCR confidence
    orig: str = ""  # the text as published (punctuation kept), for the narrative
    value: bool = False  # a figure or a placeholder for one (not a label)
    body: str | None = None  # norm without its numbering, computed once when first asked (extract.tables)
    block: int = 0  # 1-based index of the document block it comes from
    row: int | None = None  # 1-based row of its grid (None for a paragraph)
    at: int | None = None  # 1-based source line (text formats), when the reader knows
    page: int | None = None  # 1-based page (PDF, scans), when the reader knows


class _Span:
    """Where a label was found in the original text (the part of ``re.Match`` that is used)."""

    __slots__ = ("_text", "_start", "_end")

    def __init__(self, text: str, start: int, end: int):
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def group(self, n: int = 0) -> str:
        if n != 0:
            raise IndexError("no such group")
        return self._text[self._start : self._end]


_WHITE = re.compile(r"\s+")


class _LabelSearch:
    """Labels found with white space allowed between any two characters (``规 章`` is ``规章``).

    The same matches, in the same order, as the pattern that puts ``\\s*`` between every two
    characters of every label, but that pattern takes ~15 ms to compile: here the labels are
    a plain literal alternation searched in a copy of the text without its white space, and
    the matches are mapped back to the text.  A label never starts or ends with white space,
    so a match in the copy is exactly a match of the spaced pattern in the text.
    """

    def __init__(self, labels: list[str]):
        self.labels = tuple(labels)  # normalised, in the order they are tried (longest first)
        self.pattern = re.compile("|".join(re.escape(lab) for lab in labels))

    def _runs(self, text: str) -> tuple[str, list[int], list[int]] | None:
        """The text without white space; for each run of white space, its place in that copy and
        the white space removed up to and including it (None: the text has no white space)."""
        at: list[int] = []
        removed: list[int] = []
        gone = 0
        for m in _WHITE.finditer(text):
            at.append(m.start() - gone)
            gone += m.end() - m.start()
            removed.append(gone)
        if not at:
            return None
        return _WHITE.sub("", text), at, removed

    @staticmethod
    def _back(i: int, at: list[int], removed: list[int]) -> int:
        """The position in the text of the character at ``i`` in the copy."""
        k = bisect_right(at, i)
        return i + (removed[k - 1] if k else 0)

    def finditer(self, text: str):
        runs = self._runs(text)
        if runs is None:
            yield from self.pattern.finditer(text)
            return
        flat, at, removed = runs
        for m in self.pattern.finditer(flat):
            a, b = m.span()
            yield _Span(text, self._back(a, at, removed), self._back(b - 1, at, removed) + 1)

    def match(self, text: str):
        if _WHITE.match(text):
            return None  # a label starts with a character, never with white space
        runs = self._runs(text)
        if runs is None:
            return self.pattern.match(text)
        flat, at, removed = runs
        m = self.pattern.match(flat)
        return None if m is None else _Span(text, 0, self._back(m.end() - 1, at, removed) + 1)


@cache
def _split_pattern() -> _LabelSearch:
    """Official labels (with their numbering) that start a new piece of a glued paragraph."""
    labels: set[str] = set()
    for lay in LAYOUTS.values():
        for t in lay.tables:
            for r in t.rows:
                labels.add(r.full_label if r.numbering else r.label)
            for g in t.groups:
                labels.add(g.full_label)
            for b in t.blocks:
                labels.add(b.label)
                labels.update(c.label for c in b.columns)
            # header cells: 表四's, and 表三's applicant columns (not the
            # short 其他/总计, which only stand as whole cells)
            labels.update(c.label for c in t.columns if t.key == "t4" or not c.exact)
    for s in SECTIONS:
        labels.add(s.title)
        labels.update(s.variants)
    labels.update((T2_LABEL_HEADER, T3_HEADER_GROUP, T3_APPLICANT_GROUP, T3_NOTE, T4_SUIT_GROUP))
    return _LabelSearch([norm_label(lab) for lab in sorted(labels, key=len, reverse=True)])


def _spaced(label: str) -> str:
    """A label as a pattern that allows white space between any two characters."""
    return r"\s*".join(re.escape(ch) for ch in norm_label(label))


@cache
def _heading_pattern() -> re.Pattern[str]:
    """A section heading inside a paragraph: 四、 followed closely by the key
    words of a standard section (四、政府信息公开行政法复议、行政诉讼情况)."""
    keys = sorted({k for s in SECTIONS for k in s.keys}, key=len, reverse=True)
    titles = sorted({norm_label(t) for s in SECTIONS for t in (s.title, *s.variants)}, key=len, reverse=True)
    title_alt = "|".join(_spaced(t) for t in titles)
    key_alt = "|".join(re.escape(k) for k in keys)
    return re.compile(
        rf"(?P<title>{title_alt})|(?P<head>[一二三四五六七八九十]{{1,2}}\s*、)(?=[^。；，,]{{0,20}}?(?:{key_alt}))"
        r"|(?<=\d)[一二三四五六七八九十]{1,2}、"  # a heading right after a table's last figure
    )


# a figure with its counting word inside a sentence (行政规范性文件698件，动态…)
_PROSE_COUNT = re.compile(r"^\d+(?:\.\d+)?\s*(?:件|条|项|次|篇|人|家|宗|余|多)[^\d\s]")


_TITLE_WORD_END = re.compile(r"(?:情况|措施|事项)(?![及和与、])")
_TITLE_STOP = re.compile(r"[(（\d。；;:：，,]|\s")


def _adjacent(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip()


def split_glued(text: str) -> list[str]:
    """Cut a paragraph at the official labels and section headings it runs together.

    A label is cut out only where it stands as a table's label would: next to
    a figure or to another label (``规章000行政规范性文件2433``), never inside
    prose (``规范性文件类信息68条``).  A section heading is cut out wherever it
    starts (``…工作。二、主动公开政府信息情况第二十条…``), and a standard
    title is cut from the text that follows it.
    """
    pat = _split_pattern()
    matches = list(pat.finditer(text))
    cuts: set[int] = set()
    n = len(text)
    for i, m in enumerate(matches):
        after = text[m.end() :].lstrip()
        before = text[: m.start()].rstrip()
        if (
            (after and after[0].isdigit() and not _PROSE_COUNT.match(after))
            or (before and before[-1].isdigit())
            or (i > 0 and _adjacent(text, matches[i - 1].end(), m.start()))
            or (i + 1 < len(matches) and _adjacent(text, m.end(), matches[i + 1].start()))
        ):
            cuts.update((m.start(), m.end()))
    for m in _heading_pattern().finditer(text):
        cuts.add(m.start())
        if m.group("head"):
            # the heading's own words end at a figure, a bracket or a stop
            # (五、存在的主要问题及改进措施（一）…, …诉讼情况2023年，…)
            body = text[m.end() : m.end() + 40]
            lead = len(body) - len(body.lstrip())
            stop = _TITLE_STOP.search(body, lead)
            word = _TITLE_WORD_END.search(body, lead)
            end = min(x for x in (stop.start() if stop else 99, word.end() if word else 99))
            if 4 <= end - lead <= 30 and end < len(body):
                cuts.add(m.end() + end)
        if m.group("title"):
            end = m.end()
            while end < n and text[end] in ":：. 　":
                end += 1  # the title keeps its colon
            cuts.add(end)
    cuts.discard(0)
    cuts.discard(n)
    if not cuts:
        return [text]
    pieces: list[str] = []
    prev = 0
    for c in sorted(cuts):
        pieces.append(text[prev:c])
        prev = c
    pieces.append(text[prev:])
    # figures followed by text (0000000 四、…) are a piece of their own
    out: list[str] = []
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        m = _LEAD_FIGURES.match(p)
        if m and m.group(2) and (pat.match(m.group(2)) or _heading_pattern().match(m.group(2))):
            out.extend([m.group(1).strip(), m.group(2).strip()])
        else:
            out.append(p)
    return [p for p in out if p]


_LEAD_FIGURES = re.compile(r"^([-+]?\d[\d\s.,]*(?:万元|元)?)(?=\S)(?![\d.])(?:\s*)([^\d\s.,].*)?$", re.S)


def tokens_of(doc: Document) -> list[Token]:
    toks: list[Token] = []
    line = 0
    for b, block in enumerate(doc.blocks, 1):
        if isinstance(block, Paragraph):
            published = tidy(block.text).strip()
            pieces = split_glued(clean(published))
            for piece in pieces:
                orig = published if len(pieces) == 1 else piece
                toks.append(
                    Token(piece, squeeze(piece), line, 0, False, False, None, orig, is_value_text(piece), None, b, None, block.line, block.page)
                )
                line += 1
        elif isinstance(block, Table):
            starts = block.lines
            per_cell = block.cell_lines
            for r, row in enumerate(block.rows):
                at = starts[r] if starts is not None and r < len(starts) else None
                for c, cell in enumerate(row):
                    if per_cell is not None and r < len(per_cell) and c < len(per_cell[r]):
                        at = per_cell[r][c]
                    conf = None
                    if block.confidence is not None:
                        try:
                            conf = block.confidence[r][c]
                        except IndexError:
                            conf = None
                    text = clean(cell).strip()
                    toks.append(
                        Token(
                            text, squeeze(text), line, c, True, block.reliable_blanks, conf, tidy(cell).strip(), is_value_text(text),
                            None, b, r + 1, at, block.page,
                        )
                    )
                line += 1
    return toks
