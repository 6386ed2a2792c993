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
first: an opening without a single traditional character is simplified.
"""

from __future__ import annotations

import re

from ..model import Document, Paragraph, Table
from .hanzi_table import SIMPLIFIED, SIMPLIFIED_ONLY, TRADITIONAL, WORDS

OPENING = 2000  # characters of the document that decide its script
NOTE = "script: 繁体字已按简体字读取 (traditional characters read as simplified)"

_FOLD = str.maketrans(TRADITIONAL, SIMPLIFIED)
_ONLY_TRADITIONAL = "".join(sorted(set(TRADITIONAL) - set(SIMPLIFIED_ONLY)))
_ONLY_SIMPLIFIED = "".join(sorted(set(SIMPLIFIED_ONLY) - set(TRADITIONAL)))
_ANY_TRADITIONAL = re.compile("[" + _ONLY_TRADITIONAL + "]")
_ANY_SIMPLIFIED = re.compile("[" + _ONLY_SIMPLIFIED + "]")


def fold(text: str) -> str:
    """``text`` with every traditional character written in simplified script (same length),
    and the layouts' words a traditional text writes with a character simplified script also has
    (反覆 → 反复) as the layouts write them."""
    text = text.translate(_FOLD)
    for folded, word in WORDS:
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
    """Does ``text`` hold more characters only traditional script writes than ones only simplified script writes?"""
    if _ANY_TRADITIONAL.search(text) is None:
        return False
    return len(_ANY_TRADITIONAL.findall(text)) > len(_ANY_SIMPLIFIED.findall(text))


def fold_text(text: str) -> tuple[str, bool]:
    """A decoded text in simplified script, and whether it was folded (its opening decides)."""
    if not is_traditional(text[:OPENING]):
        return text, False
    return fold(text), True


def fold_document(doc: Document) -> bool:
    """Fold a document read in traditional script to simplified, in place (its opening decides),
    and say so in its notes; returns whether it was folded."""
    if NOTE in doc.notes or not is_traditional(opening(doc)):
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
