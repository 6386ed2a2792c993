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
from functools import lru_cache, wraps

# the odd spaces tidy makes spaces (NBSP, the typographic spaces U+2000–U+200B, the narrow
# and medium ones, the ideographic space, a stray byte-order mark): as a pattern, and one by one
ODD_SPACES = "\u00a0" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000\ufeff"
_SPACES = re.compile(f"[{ODD_SPACES}]")
_QUOTE_PAIRS = (("“", '"'), ("”", '"'), ("「", '"'), ("」", '"'), ("‘", "'"), ("’", "'"), ("〝", '"'), ("〞", '"'))
# the Chinese numerals of the reports' numbering (一 … 十), and one of them as a pattern's character class
CN_NUMERALS = "一二三四五六七八九十"
NUMERAL = f"[{CN_NUMERALS}]"
# numbering in front of a label: 一、 （一） (一) 1. 1、 1． 第一
_NUMBERING = re.compile(
    rf"^(?:{NUMERAL}+[、.．]|[(（]{NUMERAL}+[)）][、.．]?|\d{{1,2}}\s*[.．、](?!\d)|[(（]\d{{1,2}}[)）])\s*"
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
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        return text
    if len(text) < _LONG:
        return _SPACES.sub(" ", text)
    # (a long text: each odd space looked for with ``in``, a scan in C — the pattern's
    # character class is tried at every character, three times slower; a short text pays
    # more for the loop than for the pattern)
    for c in ODD_SPACES:
        if c in text:
            text = text.replace(c, " ")
    return text


_LONG = 200


# Texts up to this long repeat from one report to the next (labels, figures,
# headings, header cells) and are worth keeping the results of; longer ones are
# prose, which never repeats: keeping it would only fill the caches (and make a
# report parsed twice look faster than a new one is).
SHORT_TEXT = 64


class _KeptShort(dict):
    """The kept results of a function of one text: a dictionary that computes what it lacks
    (``__missing__``), keeping it for short texts, emptied when full.  Its lookup is the
    function (``__getitem__``): a kept answer costs a dictionary lookup in C, no Python call."""

    __slots__ = ("fn", "maxsize")

    def __init__(self, fn, maxsize: int):
        super().__init__()
        self.fn = fn
        self.maxsize = maxsize

    def __missing__(self, text):
        out = self.fn(text)
        if len(text) <= SHORT_TEXT:
            if len(self) >= self.maxsize:
                self.clear()
            self[text] = out
        return out


def kept_if_short(maxsize: int):
    """Keep a function's results for texts of at most :data:`SHORT_TEXT` characters (its
    first argument), and compute them afresh for longer ones.  A function of the text alone
    becomes the lookup of a :class:`_KeptShort` (called as the function was)."""

    def wrap(fn):
        if fn.__code__.co_argcount == 1:  # (no argument tuple to build: most calls)
            return _KeptShort(fn, maxsize).__getitem__

        kept = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def call(text, *args):
            return kept(text, *args) if len(text) <= SHORT_TEXT else fn(text, *args)

        return call

    return wrap


# The compatibility characters Chinese text is full of (full-width punctuation),
# each with what NFKC makes of it.  Replacing them first leaves NFKC nothing to do
# in most paragraphs: the result is the same (each is replaced by its whole
# compatibility decomposition, so NFKC of the result is NFKC of the text), and
# normalising a paragraph costs 15 times more than these replacements.
_FULL_WIDTH = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，：；（）！？．％／－～")


def _nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):  # the quick check is ~1000× faster
        return text
    for wide, narrow in _FULL_WIDTH:
        if wide in text:
            text = text.replace(wide, narrow)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


@kept_if_short(16384)
def clean(text: str) -> str:
    """Readable normalised text (NFKC, spaces, line ends)."""
    return clean_tidied(tidy(text))


def clean_tidied(text: str) -> str:
    """:func:`clean` of a text that is already :func:`tidy` (its line ends and spaces unified)."""
    text = _nfkc(text)
    # (``in`` and replace are fast scans; a character class or translate looks at every character)
    for curly, plain in _QUOTE_PAIRS:
        if curly in text:
            text = text.replace(curly, plain)
    return text


def norm_label(text: str) -> str:
    """Label form for matching: cleaned, no white space, unified quotes."""
    return "".join(clean(text).split())


def squeeze(cleaned: str) -> str:
    """:func:`norm_label` of a text that is already :func:`clean`.  (``str.split`` cuts at
    exactly the characters a pattern's ``\\s`` matches, four times faster than a substitution.)"""
    return "".join(cleaned.split())


# Between the texts of a document joined for one pass of a pattern or a normaliser: a
# noncharacter, so never text, never white space, never part of a word; a starter that
# composes with nothing, so Unicode normalisation never reaches across it.
JOIN = "\ufdd3"


def _joined(texts: list[str]) -> str | None:
    """``texts`` joined by :data:`JOIN`, or None where a text holds it."""
    joined = JOIN.join(texts)
    return joined if joined.count(JOIN) == len(texts) - 1 else None


def each(fn, texts: list[str]) -> list[str]:
    """``[fn(t) for t in texts]`` for a normaliser that works character by character
    (:func:`tidy`, :func:`clean`): applied once to the texts joined (a document's
    hundreds of short texts cost one call, not hundreds)."""
    joined = _joined(texts)
    if joined is None:
        return [fn(t) for t in texts]
    out = fn(joined).split(JOIN)
    return out if len(out) == len(texts) else [fn(t) for t in texts]


def spans_in_each(pattern: re.Pattern[str], texts: list[str]) -> list[list[tuple[int, int]]]:
    """``[[m.span() for m in pattern.finditer(t)] for t in texts]``, found in one pass over the
    texts joined (one call of the regex engine a text costs more than the search in a short
    one).  For a pattern that cannot match :data:`JOIN` and looks neither behind nor ahead
    of its match: then no match reaches from one text into the next."""
    joined = _joined(texts)
    if joined is None or len(texts) < 2:
        return [[m.span() for m in pattern.finditer(t)] for t in texts]
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    i, start, end = 0, 0, len(texts[0])  # the text the matches are in, its place in ``joined``
    for m in pattern.finditer(joined):
        a, b = m.span()
        while a > end:  # (a match never holds the joining character: it is in one text)
            i += 1
            start = end + 1
            end = start + len(texts[i])
        out[i].append((a - start, b - start))
    return out


def strip_numbering(label: str) -> str:
    """``（一）予以公开`` → ``予以公开``; ``3.其他`` → ``其他`` (on normalised text)."""
    m = _NUMBERING.match(label)
    while m is not None and m.end():
        label = label[m.end() :]
        m = _NUMBERING.match(label)
    return label


def numbering_of(label: str) -> str:
    """The numbering in front of a normalised label, or ''."""
    m = _NUMBERING.match(label)
    return "".join(m.group(0).split()) if m else ""


def alternation(words, spaced: bool = False) -> str:
    """A pattern (source) that finds any of ``words``, the longest where several
    start at the same place — as ``"|".join`` of the words sorted longest first
    would, but built as a trie of their characters, so that the regex engine
    follows one branch per character instead of trying every word at every
    position (a hundred labels over a page of prose).  With ``spaced``, white
    space may stand between any two characters of a word."""
    trie: dict = {}
    for w in words:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True  # a word ends here
    gap = r"\s*" if spaced else ""

    def branches(node: dict) -> str:
        return "|".join(re.escape(ch) + after(node[ch]) for ch in sorted(k for k in node if k))

    def after(node: dict) -> str:
        kids = [k for k in node if k]
        if not kids:
            return ""
        inner = branches(node)
        # one way on needs no group (fewer groups: a cheaper pattern to compile at start-up)
        more = f"{gap}{inner}" if len(kids) == 1 else f"{gap}(?:{inner})"
        # a longer word is tried first; ending here is the fallback
        return f"(?:{more})?" if "" in node else more

    return f"(?:{branches(trie)})" if trie else r"(?!)"
