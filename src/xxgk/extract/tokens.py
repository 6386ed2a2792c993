"""Document blocks → a flat stream of tokens with their place in the source.

Every cell of a grid and every paragraph becomes a :class:`Token`.  A
paragraph that holds a whole table run together (crawled page text such as
``规章000行政规范性文件2433第二十条第（五）项…``) is cut at every official label
it contains, so that labels and the figures between them become tokens of
their own; the figures stay glued for :mod:`xxgk.extract.glued` to decode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..layouts import LAYOUTS, SECTIONS
from ..model import Document, Paragraph, Table
from ..text import clean, norm_label, squeeze, tidy
from .numbers import is_value_text


@dataclass(slots=True)
class Token:
    text: str  # cleaned text of the cell or paragraph piece
    norm: str  # norm_label(text)
    line: int  # index of the source line (a grid row or a paragraph)
    col: int  # index of the cell in its line (0 for a paragraph)
    grid: bool  # from a grid row
    reliable: bool  # an empty grid cell here really is an empty cell
    conf: float | None = None  # OCR confidence
    orig: str = ""  # the text as published (punctuation kept), for the narrative
    value: bool = False  # a figure or a placeholder for one (not a label)


@cache
def _split_pattern() -> re.Pattern[str]:
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
    for s in SECTIONS:
        labels.add(s.title)
    labels.update(("信息内容", "申请人情况"))
    parts = []
    for lab in sorted(labels, key=len, reverse=True):
        lab = norm_label(lab)
        # allow white space between any two characters
        parts.append(r"\s*".join(re.escape(ch) for ch in lab))
    return re.compile("|".join(parts))


def split_glued(text: str) -> list[str]:
    """Cut a paragraph before every official label it contains (if it holds two or more)."""
    if len(text) < 30:
        return [text]
    pat = _split_pattern()
    starts = [m.start() for m in pat.finditer(text)]
    if len(starts) < 2:
        return [text]
    pieces: list[str] = []
    prev = 0
    for s in starts:
        if s > prev:
            pieces.append(text[prev:s])
        prev = s
    pieces.append(text[prev:])
    # a label runs until the first figure; the figures are a piece of their own
    out: list[str] = []
    for p in pieces:
        m = re.match(r"^(.*?[^\d\s.,+\-])(\s*[-+]?\d[\d\s.,+\-]*)$", p, re.S)
        if m and pat.match(p):
            out.extend([m.group(1).strip(), m.group(2).strip()])
        else:
            out.append(p.strip())
    return [p for p in out if p]


def tokens_of(doc: Document) -> list[Token]:
    toks: list[Token] = []
    line = 0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            published = tidy(block.text).strip()
            pieces = split_glued(clean(published))
            for piece in pieces:
                orig = published if len(pieces) == 1 else piece
                toks.append(Token(piece, squeeze(piece), line, 0, False, False, None, orig, is_value_text(piece)))
                line += 1
        elif isinstance(block, Table):
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    conf = None
                    if block.confidence is not None:
                        try:
                            conf = block.confidence[r][c]
                        except IndexError:
                            conf = None
                    text = clean(cell).strip()
                    toks.append(Token(text, squeeze(text), line, c, True, block.reliable_blanks, conf, tidy(cell).strip(), is_value_text(text)))
                line += 1
    return toks
