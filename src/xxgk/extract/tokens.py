"""Document blocks → a flat stream of tokens with their place in the source.

Every cell of a grid and every paragraph becomes a :class:`Token`.  A
paragraph that holds a whole table run together (crawled page text such as
``规章000行政规范性文件2433第二十条第（五）项…``) is cut at every official label
it contains, so that labels and the figures between them become tokens of
their own; the figures stay glued for :mod:`xxgk.extract.glued` to decode.
"""

from __future__ import annotations

import re
from functools import cache

import msgspec

from ..layouts import LAYOUTS, SECTIONS, T2_LABEL_HEADER, T3_APPLICANT_GROUP, T3_HEADER_GROUP, T3_NOTE, T4_SUIT_GROUP
from ..model import Document, Paragraph, Table
from ..text import NUMERAL, alternation, clean, clean_tidied, each, kept_if_short, norm_label, spans_in_each, squeeze, tidy
from ..numbers import is_value_text


class Token(msgspec.Struct, gc=False):
    """One cell of a grid, or one paragraph (or piece of one), in document order.

    (A msgspec Struct: a report makes hundreds of them, and one builds faster
    than a dataclass.  ``gc=False``: its fields are strings, numbers and None,
    so it can never be part of a reference cycle, and the cyclic collector
    need not track it.)"""

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


@cache
def _split_pattern() -> re.Pattern[str]:
    """Official labels (with their numbering) that start a new piece of a glued paragraph."""
    return re.compile(alternation(_split_labels(), spaced=True))


def _split_labels() -> set[str]:
    """The labels :func:`_split_pattern` finds, normalised."""
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
    return {norm_label(lab) for lab in labels}


@cache
def _heading_pattern() -> re.Pattern[str]:
    """A section heading inside a paragraph: 四、 followed closely by the key
    words of a standard section (四、政府信息公开行政法复议、行政诉讼情况)."""
    keys = sorted({k for s in SECTIONS for k in s.keys}, key=len, reverse=True)
    titles = sorted({norm_label(t) for s in SECTIONS for t in (s.title, *s.variants)}, key=len, reverse=True)
    title_alt = alternation(titles, spaced=True)
    key_alt = alternation(keys)
    return re.compile(
        rf"(?P<title>{title_alt})|(?P<head>{NUMERAL}{NUMERAL}?\s*、)(?=[^。；，,]{{0,20}}?(?:{key_alt}))"
        # a heading right after a table's last figure (the look-behind stands
        # after its first numeral: every match starts with a numeral, see _headings)
        rf"|{NUMERAL}(?<=\d{NUMERAL}){NUMERAL}?、"
    )


_NUMERAL = re.compile(NUMERAL)


@cache
def _heading_starts() -> re.Pattern[str]:
    """Where a match of :func:`_heading_pattern` can start: a numeral — followed by 、
    (after one more numeral, or white space) where every standard title starts so."""
    titles = [norm_label(t) for s in SECTIONS for t in (s.title, *s.variants)]
    if all(re.match(f"{NUMERAL}、", t) for t in titles):
        return re.compile(rf"{NUMERAL}(?={NUMERAL}?\s*、)")
    return _NUMERAL


def _headings(text: str):
    """``_heading_pattern().finditer(text)``, found faster: every match starts
    with a numeral before a 、, so the pattern is tried only there.  (Its branches
    start with groups, which keeps the regex engine from skipping to those
    characters on its own: it would try the whole pattern at every position.)"""
    pat = _heading_pattern()
    end = 0
    for n in _heading_starts().finditer(text):
        at = n.start()
        if at < end:
            continue
        m = pat.match(text, at)
        if m is not None:
            yield m
            end = m.end()


@cache
def _heading_mark() -> str:
    """A character every match of :func:`_heading_pattern` holds (the 、 of 一、总体情况),
    so that text without it is not searched; '' if the titles do not all hold it."""
    titles = [norm_label(t) for s in SECTIONS for t in (s.title, *s.variants)]
    return "、" if all("、" in t for t in titles) else ""


# a figure with its counting word inside a sentence (行政规范性文件698件，动态…)
_PROSE_COUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:件|条|项|次|篇|人|家|宗|余|多)[^\d\s]")  # (used with match)
_NON_SPACE = re.compile(r"\S")


_TITLE_WORD_END = re.compile(r"(?:情况|措施|事项)(?![及和与、])")
_TITLE_STOP = re.compile(r"[(（\d。；;:：，,]|\s")


def _adjacent(text: str, a: int, b: int) -> bool:
    return a == b or not text[a:b].strip()


def split_glued(text: str, labels: list[tuple[int, int]] | None = None) -> list[str]:
    """Cut a paragraph at the official labels and section headings it runs together.

    A label is cut out only where it stands as a table's label would: next to
    a figure or to another label (``规章000行政规范性文件2433``), never inside
    prose (``规范性文件类信息68条``).  A section heading is cut out wherever it
    starts (``…工作。二、主动公开政府信息情况第二十条…``), and a standard
    title is cut from the text that follows it.

    ``labels``: the spans of the label pattern's matches in ``text`` when they
    are known (:func:`split_glued_all` finds those of many paragraphs at once).
    """
    if labels is None:
        labels = [m.span() for m in _split_pattern().finditer(text)]
    mark = _heading_mark()
    if not labels and mark not in text:
        return [text]  # no label, no heading: prose as it is
    pat = _split_pattern()
    cuts = _label_cuts(text, labels)
    n = len(text)
    for m in _headings(text) if mark in text else ():
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
        # (the pattern opens with a sign or a digit; a piece of nothing but digits, most
        # of a glued table's, is all figures)
        m = _LEAD_FIGURES.match(p) if (p[0] in "+-" or p[0].isdigit()) and not p.isdecimal() else None
        if m and m.group(2) and (pat.match(m.group(2)) or _heading_pattern().match(m.group(2))):
            out.extend([m.group(1).strip(), m.group(2).strip()])
        else:
            out.append(p)
    return [p for p in out if p]


def _label_cuts(text: str, labels: list[tuple[int, int]]) -> set[int]:
    """Where the labels found in ``text`` (their spans) cut it: a label stands as a table's
    label would, next to a figure (not a count in prose: 68条) or to another label."""
    cuts: set[int] = set()
    n = len(text)
    last = len(labels) - 1
    for i, (start, end) in enumerate(labels):
        # the last character before the label and the first after it, white space
        # skipped (in a page of glued text, hundreds of labels, most stand right against them)
        k = start - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if k >= 0 and text[k].isdigit():
            cuts.update((start, end))
            continue
        j = end
        if j < n and text[j].isspace():
            nxt = _NON_SPACE.search(text, j)
            j = nxt.start() if nxt is not None else n
        if (
            (j < n and text[j].isdigit() and not _PROSE_COUNT.match(text, j))
            or (i > 0 and _adjacent(text, labels[i - 1][1], start))
            or (i < last and _adjacent(text, end, labels[i + 1][0]))
        ):
            cuts.update((start, end))
    return cuts


def split_glued_all(texts: list[str]) -> list[list[str]]:
    """:func:`split_glued` of each text, the labels of all found in one pass of the
    pattern (a document has hundreds of paragraphs, most of them prose with no label:
    one call of the regex engine a paragraph costs more than the search itself)."""
    spans = spans_in_each(_split_pattern(), texts)
    mark = _heading_mark()
    # (a text with no label and no heading's mark is prose as it is, split_glued's first answer: most, given in place)
    return [split_glued(t, s) if s or mark in t else [t] for t, s in zip(texts, spans)]


_LEAD_FIGURES = re.compile(r"^([-+]?\d[\d\s.,]*(?:万元|元)?)(?=\S)(?![\d.])(?:\s*)([^\d\s.,].*)?$", re.S)


@kept_if_short(16384)  # (short cells repeat across reports — figures, labels: a kept one is a lookup in C)
def _cell_forms(cell: str) -> tuple[str, str, str, bool]:
    """(text, norm, orig, value) of a grid cell."""
    text = clean(cell).strip()
    return text, squeeze(text), tidy(cell).strip(), is_value_text(text)


class StreamIndex:
    """What :func:`tokens_of` learns of a stream while building it, for the passes that need
    only part of it (a web page's tokens are nine in ten grid cells): where the grids' tokens
    stand, and whether any grid cell knows its source line."""

    __slots__ = ("grids", "size", "cell_lines", "_prose")

    def __init__(self) -> None:
        self.grids: list[tuple[int, int]] = []  # (start, end) of each grid's tokens, in order
        self.size = 0  # how many tokens
        self.cell_lines = False  # a grid cell has a source line (``Token.at``)
        self._prose: list[int] | None = None

    @property
    def prose(self) -> list[int]:
        """The places of the tokens that are not grid cells (the paragraphs' pieces), in order."""
        if self._prose is None:
            out: list[int] = []
            at = 0
            for start, end in self.grids:
                out += range(at, start)
                at = end
            out += range(at, self.size)
            self._prose = out
        return self._prose


def tokens_of(doc: Document, index: StreamIndex | None = None) -> list[Token]:
    """The document's tokens; ``index``, when given, is filled in (see :class:`StreamIndex`)."""
    toks: list[Token] = []
    append = toks.append
    line = 0
    # every paragraph's text as published, and its pieces: normalised and cut all at once
    paragraphs = [block.text for block in doc.blocks if isinstance(block, Paragraph)]
    published_all = [t.strip() for t in each(tidy, paragraphs)]
    pieces_all = iter(split_glued_all(each(clean_tidied, published_all)))
    published_all = iter(published_all)
    for b, block in enumerate(doc.blocks, 1):
        if isinstance(block, Paragraph):
            published = next(published_all)
            pieces = next(pieces_all)
            for piece in pieces:
                orig = published if len(pieces) == 1 else piece
                append(Token(piece, squeeze(piece), line, 0, False, False, None, orig, is_value_text(piece), None, b, None, block.line, block.page))
                line += 1
        elif isinstance(block, Table):
            starts = block.lines
            per_cell = block.cell_lines
            confidence = block.confidence
            reliable = block.reliable_blanks
            page = block.page
            forms_of = _cell_forms
            if index is not None:
                index.grids.append((len(toks), len(toks) + sum(map(len, block.rows))))
                if starts is not None or per_cell is not None:
                    index.cell_lines = True
            if per_cell is None and confidence is None:
                # (most grids: no source line a cell, no OCR confidence — the same tokens as below)
                for r, row in enumerate(block.rows, 1):
                    at = starts[r - 1] if starts is not None and r <= len(starts) else None
                    for c, cell in enumerate(row):
                        text, norm, orig, value = forms_of(cell)
                        append(Token(text, norm, line, c, True, reliable, None, orig, value, None, b, r, at, page))
                    line += 1
                continue
            for r, row in enumerate(block.rows):
                at = starts[r] if starts is not None and r < len(starts) else None
                cell_at = per_cell[r] if per_cell is not None and r < len(per_cell) else ()
                for c, cell in enumerate(row):
                    if c < len(cell_at):
                        at = cell_at[c]
                    conf = None
                    if confidence is not None:
                        try:
                            conf = confidence[r][c]
                        except IndexError:
                            conf = None
                    text, norm, orig, value = forms_of(cell)
                    append(Token(text, norm, line, c, True, reliable, conf, orig, value, None, b, r + 1, at, page))
                line += 1
    if index is not None:
        index.size = len(toks)
    return toks
