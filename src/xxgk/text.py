"""Text normalisation shared by every stage.

Two levels:

* :func:`tidy` only unifies line ends and odd spaces: the narrative keeps its
  own punctuation (it is what sections hold and renderers print).
* :func:`clean` keeps the text readable: full-width digits and letters become
  ASCII (NFKC), NBSP / ideographic spaces become spaces, line ends become
  ``\\n``.  Chinese punctuation such as （）：，is folded to ASCII by NFKC, which
  is what every matcher expects.
* :func:`norm_label` is for matching labels: :func:`clean` plus every kind of
  white space removed and quotes unified, so that ``本年新\\n 制作数量`` and
  ``本年新制作数量`` compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_WS = re.compile(r"\s+")
_QUOTE_CHARS = re.compile("[“”「」‘’〝〞]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "‘": "'", "’": "'", "〝": '"', "〞": '"'})
# numbering in front of a label: 一、 （一） (一) 1. 1、 1． 第一
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）][、.．]?|\d{1,2}\s*[.．、](?!\d)|[(（]\d{1,2}[)）])\s*"
)


class LazyPattern:
    """A regular expression compiled when it is first used, for patterns that only some inputs
    need: a character class over the CJK block takes milliseconds to compile, which every
    start-up would otherwise pay.  Used like the compiled pattern (``P.search(text)``)."""

    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "_source":  # copy/pickle probing a bare instance: not the pattern's
            raise AttributeError(name)
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)  # found directly from the next use on
        return value


def tidy(text: str) -> str:
    """Readable text as published: line ends and odd spaces unified, nothing else changed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPACES.sub(" ", text)


@lru_cache(maxsize=16384)
def clean(text: str) -> str:
    """Readable normalised text (NFKC, spaces, line ends)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", text):  # the quick check is ~1000× faster
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_QUOTES) if _QUOTE_CHARS.search(text) else text


def norm_label(text: str) -> str:
    """Label form for matching: cleaned, no white space, unified quotes."""
    return _WS.sub("", clean(text))


def squeeze(cleaned: str) -> str:
    """:func:`norm_label` of a text that is already :func:`clean`."""
    return _WS.sub("", cleaned)


def strip_numbering(label: str) -> str:
    """``（一）予以公开`` → ``予以公开``; ``3.其他`` → ``其他`` (on normalised text)."""
    prev = None
    while prev != label:
        prev = label
        label = _NUMBERING.sub("", label)
    return label


def numbering_of(label: str) -> str:
    """The numbering in front of a normalised label, or ''."""
    m = _NUMBERING.match(label)
    return _WS.sub("", m.group(0)) if m else ""
