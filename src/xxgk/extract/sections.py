"""Cut the narrative into the six standard sections.

A heading is a line that starts with a Chinese numeral and 、 (``三、``) and is
short, or that starts with a standard title.  Headings must count upwards (a
numbered list ``一、…二、…`` inside section 五 is not a heading), a table of
contents (three or more headings in a row with nothing between them) is
skipped, and each heading is mapped to the standard section it is by its
key words, not by its numeral, so that extra sections (a seventh one, a
``工作机制保障`` section) and renumbered ones are told apart.
"""

from __future__ import annotations

import re
from functools import lru_cache

import msgspec

from ..layouts import SECTIONS
from ..model import SectionText
from ..text import NUMERAL, squeeze
from .tokens import StreamIndex, Token

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_HEADING = re.compile(rf"^\s*({NUMERAL}{{1,3}})\s*、\s*(.*)$", re.S)
_TITLE_END = re.compile(r"[:：。；;]|\s{1,}(?=\S)")
_SENTENCE_STOP = re.compile(r"[。；;]")
# the order in which key words decide a section: the most specific first
_PRECEDENCE = (6, 4, 3, 2, 5, 1)


def cn_number(s: str) -> int | None:
    if not s:
        return None
    if s == "十":
        return 10
    if len(s) == 1:
        return CN_DIGITS.get(s)
    if s.startswith("十"):
        return 10 + CN_DIGITS.get(s[1], 0)
    if len(s) == 2 and s[1] == "十":
        return CN_DIGITS.get(s[0], 0) * 10
    if len(s) == 3 and s[1] == "十":
        return CN_DIGITS.get(s[0], 0) * 10 + CN_DIGITS.get(s[2], 0)
    return None


_KEYS_BY_PRECEDENCE = tuple((no, next(s.keys for s in SECTIONS if s.no == no)) for no in _PRECEDENCE)


@lru_cache(maxsize=4096)
def standard_no(title: str) -> int | None:
    """Which standard section (1–6) a heading names, by its key words."""
    t = squeeze(title)
    for no, keys in _KEYS_BY_PRECEDENCE:
        if any(k in t for k in keys):
            return no
    return None


class _Heading(msgspec.Struct):
    index: int  # token index
    numeral: int
    title: str
    rest: str  # text after the title on the same line


def _candidate(tok: Token, index: int) -> _Heading | None:
    if tok.grid:
        return None
    said = tok.orig or tok.text
    m = _HEADING.match(said) if "、" in said else None  # (the pattern holds 、: most text is skipped by a scan)
    if not m:
        return None
    numeral = cn_number(m.group(1))
    if numeral is None:
        return None
    body = m.group(2).strip()
    # the title ends at a colon, a full stop or white space before more text
    cut = _TITLE_END.search(body)
    head = body[: cut.start()] if cut else body
    rest = body[cut.end() :].strip() if cut else ""
    if len(head) <= 24 and standard_no(head) is not None:
        return _Heading(index, numeral, f"{m.group(1)}、{head}", rest)
    if len(squeeze(body)) <= 32 and not _SENTENCE_STOP.search(body.rstrip("。")):
        return _Heading(index, numeral, f"{m.group(1)}、{body}".rstrip("：:"), "")
    return None


def is_section_heading(tok: Token) -> bool:
    """A token that is the heading of one of the six standard sections."""
    h = _candidate(tok, 0)
    return h is not None and standard_no(h.title) is not None


def _choose_headings(cands: list[_Heading]) -> list[_Heading]:
    """Standard headings first, counting upwards; then extra sections whose
    numeral fits between two of them (a 六 between 五 and 七)."""
    chosen: list[_Heading] = []
    last = 0
    for h in cands:
        if standard_no(h.title) is not None and h.numeral > last:
            chosen.append(h)
            last = h.numeral
    extras: list[_Heading] = []
    for h in cands:
        if h in chosen or standard_no(h.title) is not None:
            continue
        before = [c for c in chosen if c.index < h.index]
        after = [c for c in chosen if c.index > h.index]
        lo = before[-1].numeral if before else 0
        hi = after[0].numeral if after else 99
        if lo < h.numeral < hi and all(e.numeral != h.numeral for e in extras):
            extras.append(h)
    return sorted(chosen + extras, key=lambda h: h.index)


def _read_grids(tokens: list[Token], used_lines: set[int], index: StreamIndex | None) -> list[tuple[int, int]]:
    """The places (start, end) of the grids whose every line the tables used (their rows are
    consecutive lines): none of their tokens is narrative."""
    if index is None:
        return []
    return [(a, b) for a, b in index.grids if a < b and all(n in used_lines for n in range(tokens[a].line, tokens[b - 1].line + 1))]


def _without(a: int, b: int, cut: list[tuple[int, int]]):
    """The pieces (start, end) of ``a:b`` outside the places ``cut`` (in order, apart)."""
    for start, end in cut:
        if end <= a or start >= b:
            continue
        if start > a:
            yield a, start
        a = end
    if a < b:
        yield a, b


def split_sections(tokens: list[Token], used_lines: set[int], index: StreamIndex | None = None) -> list[SectionText]:
    """``index``: what tokens_of learnt of the stream, when known: only the tokens that are
    not grid cells can be headings, and grids the tables read whole hold no narrative."""
    if index is None:
        cands = [h for i, t in enumerate(tokens) if not t.grid and t.line not in used_lines and (h := _candidate(t, i)) is not None]
    else:
        cands = [h for i in index.prose if (t := tokens[i]).line not in used_lines and (h := _candidate(t, i)) is not None]
    # a table of contents: three or more headings in a row, nothing between
    toc: set[int] = set()
    run: list[_Heading] = []
    for h in cands:
        if run and h.index == run[-1].index + 1 and h.numeral == run[-1].numeral + 1 and not run[-1].rest:
            run.append(h)
        else:
            if len(run) >= 3:
                toc.update(x.index for x in run)
            run = [h]
    if len(run) >= 3:
        toc.update(x.index for x in run)
    heads = _choose_headings([h for h in cands if h.index not in toc])
    out: list[SectionText] = []
    taken: set[int] = set()
    read_grids = _read_grids(tokens, used_lines, index) if heads else []
    for k, h in enumerate(heads):
        end = heads[k + 1].index if k + 1 < len(heads) else len(tokens)
        parts = [h.rest] if h.rest else []
        prev_line = None
        for a, b in _without(h.index + 1, end, read_grids) if read_grids else ((h.index + 1, end),):
            for t in tokens[a:b]:
                if t.line in used_lines:
                    continue
                if not t.text:
                    continue
                text = t.orig or t.text
                if prev_line == t.line and t.grid:
                    parts[-1] += "\t" + text
                else:
                    parts.append(text)
                prev_line = t.line
        no = standard_no(h.title)
        if no in taken:
            no = None
        if no is not None:
            taken.add(no)
        out.append(SectionText(no=no, title=squeeze(h.title), text="\n".join(p.strip() for p in parts if p.strip()), printed=h.numeral))
    return out
