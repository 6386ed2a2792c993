"""Reports published in traditional characters (a site's 繁體 version) read as simplified.

The layouts' labels, the agency names of the register and every pattern of the
reader and the extractor are written in simplified characters; a page whose text
is in traditional script (信息公開, 申請, 處理決定數量, 標題：) would match none of
them.  So a document's text is folded to simplified script as it is read — the
text reader folds the decoded text before it looks at its lines, :func:`xxgk.read.read_bytes`
folds the document any other reader gives — character by character
(:mod:`xxgk.read.hanzi_table`, derived from OpenCC by scripts/gen_hanzi.py), and
the layouts' few words that character folding does not give back (反覆 → 反复) as
the layouts write them.  A text keeps its length, so every position the record
points at (provenance) stays right.  The narrative is folded too: the record's
sections are in simplified script, and its notes say so (:data:`NOTE`).

Which script a document is in is decided on its opening (the first
:data:`OPENING` characters of its text): folded when it holds more characters
only traditional script writes than characters only simplified script writes.
A simplified report quoting a traditional name stays as it is.  The cheap test
first: an opening whose first :data:`GLANCE` characters do not write what every
report's opening writes (條例, 公開, 報告) in traditional script is simplified.
"""

from __future__ import annotations

import re
from functools import cache

from ..model import Document, Paragraph, Table
from . import hanzi_table

OPENING = 2000  # characters of the document that decide its script
GLANCE = 600  # … of which these show a report's opening words in traditional script, or the document is simplified
NOTE = "script: 繁体字已按简体字读取 (traditional characters read as simplified)"


def _glance(head: str) -> bool:
    """Does ``head`` write one of a report's opening words in traditional script (條例, 公開, 報告,
    中華人民共和國)?  A few plain searches: the patterns of all the characters cost 8 ms to build
    (so they are built when a document first looks traditional) and 70 instructions a character."""
    return any(c in head for c in hanzi_table.GLANCE)


@cache
def _tables() -> tuple[dict, re.Pattern, re.Pattern]:
    """The folding table, and the patterns of the characters only traditional / only simplified script writes
    (≈ 2,900 characters each: 8 ms to build, so built when a document first looks traditional)."""
    trad, simp = set(hanzi_table.TRADITIONAL), set(hanzi_table.SIMPLIFIED_ONLY)
    return (
        str.maketrans(hanzi_table.TRADITIONAL, hanzi_table.SIMPLIFIED),
        re.compile("[" + "".join(sorted(trad - simp)) + "]"),
        re.compile("[" + "".join(sorted(simp - trad)) + "]"),
    )


def fold(text: str) -> str:
    """``text`` with every traditional character written in simplified script (same length),
    and the layouts' words a traditional text writes with a character simplified script also has
    (反覆 → 反复) as the layouts write them."""
    text = text.translate(_tables()[0])
    for folded, word in hanzi_table.WORDS:
        if folded in text:
            text = text.replace(folded, word)
    return text


def opening(doc: Document, size: int = OPENING) -> str:
    """The first ``size`` characters of the document's text, paragraphs and cells in order."""
    parts: list[str] = []
    n = 0
    for block in doc.blocks:
        if type(block) is Table:
            for row in block.rows:
                for cell in row:
                    parts.append(cell)
                    n += len(cell)
        else:
            parts.append(block.text)
            n += len(block.text)
        if n >= size:
            break
    return "".join(parts)[:size]


def is_traditional(text: str) -> bool:
    """Does ``text`` hold more characters only traditional script writes than ones only simplified
    script writes?  (Asked first of its first :data:`GLANCE` characters: a traditional report
    writes its opening words there — 條例, 公開, 報告 — and most texts are simplified.)"""
    if not _glance(text[:GLANCE]):
        return False
    _, only_traditional, only_simplified = _tables()
    return len(only_traditional.findall(text)) > len(only_simplified.findall(text))


def fold_text(text: str) -> tuple[str, bool]:
    """A decoded text in simplified script, and whether it was folded (its opening decides)."""
    if not is_traditional(text[:OPENING]):
        return text, False
    return fold(text), True


def fold_document(doc: Document) -> bool:
    """Fold a document read in traditional script to simplified, in place (its opening decides),
    and say so in its notes; returns whether it was folded."""
    if NOTE in doc.notes or not _glance(opening(doc, GLANCE)) or not is_traditional(opening(doc)):
        return False
    for block in doc.blocks:
        if type(block) is Table:
            block.rows = [[fold(cell) for cell in row] for row in block.rows]
        elif type(block) is Paragraph:
            block.text = fold(block.text)
    if doc.title:
        doc.title = fold(doc.title)
    if doc.agency:
        doc.agency = fold(doc.agency)
    doc.notes.append(NOTE)
    return True
