"""HTML pages (CMS articles, Word pasted into a CMS, bare fragments) → Document.

Reading order is the page's order.  What becomes what:

* every data ``<table>`` (one that holds no other table) becomes a
  :class:`Table` grid, built from the table's own structure; ``rowspan`` and
  ``colspan`` are laid out as :mod:`xxgk.read.grid` says (a merged label is
  repeated in every position it covers, a merged figure is given once);
* a *layout* table (one that holds another table) and a table of a single
  column are not grids: their cells are read as ordinary text blocks;
* every other block of text (``<p>``, ``<div>``, headings, list items, lines
  cut by ``<br>``) becomes a :class:`Paragraph`; inline markup
  (``<span>``/``<font>``/``<o:p>`` soup from Word) is joined without adding
  anything, so ``<span>202</span><span>4</span>`` reads ``2024``;
* site chrome that is never part of an article is dropped: ``<script>``,
  ``<style>``, ``<noscript>``, ``<template>``, ``<nav>``, ``<footer>``,
  ``<aside>``, form controls, comments, elements hidden with ``hidden`` or
  ``display:none``, and blocks whose text is nothing but links (menus,
  breadcrumbs, share bars — a CMS menu item such as 政府工作报告 would
  otherwise pass for the title).  Other chrome stays as paragraphs, which
  the extractor ignores because they are not a report.

Inside a table cell ``<br>`` and block elements (``<p>``, ``<div>``) are line
breaks; empty lines (``<p>&nbsp;</p>`` padding) are dropped, so a cell that
holds only ``&nbsp;`` is ``''`` — a blank cell.  Cell text is normalised with
:func:`xxgk.text.clean` (NFKC: （一） reads (一), full-width digits ASCII); paragraph
text only with :func:`xxgk.text.tidy`, so the narrative keeps its punctuation
(the extractor normalises what it matches).

A MIME HTML archive (.mht, Word's "single file web page", often published as
.doc) is unpacked first: its HTML part is read.

The encoding comes from a byte-order mark, then ``<meta charset>`` /
``http-equiv`` in the first bytes (GB2312 and GBK are read as their superset
GB18030), then strict UTF-8, GB18030, and finally charset-normalizer.

The page's ``<title>`` (or the CMS ``ArticleTitle`` meta), ``PubDate`` and
``ContentSource`` meta tags fill the document's title, published date and
agency.

How (the speed target is a few milliseconds for a 150 KiB CMS page, most of
it chrome): the page is parsed by lexbor (selectolax), the HTML5 parser of
browsers, from its UTF-8 bytes (a UTF-8 page as it is, others re-encoded
once); ``<script>``/``<style>`` bodies are cut out before.  Hidden elements
are found by one case-blind CSS query (a list of three selectors) and taken out
of the tree; the rest of the chrome (:data:`SKIP`, comments) is passed over by
the walk, which goes down the tree from child to child by lexbor's sibling
links (a generator a node costs a third more) and dispatches on lexbor's tag
ids.  A data table's rows and
cells come from one pass over its elements, which also tells whether it
holds another table; a cell that holds one run of text (most do) takes its
text from lexbor in one call, the others are walked with their line breaks
marked (:func:`_cell_raw`); a table's cells, and a page's paragraph runs, are
normalised in one go each, by ``str.replace`` and patterns that start with a
fixed character (Python's regex engine tries a character class, or a pattern
that starts with a word, at every position of the text: ``str.replace``,
``str.find`` and ``bytes.find`` scan in C many times faster);
merged cells are laid out in lists (:func:`xxgk.read.grid.lay_out`), a row
without merged cells as a whole, a merged cell a row at a time.  A run
of paragraph text that is nothing but links (a menu) is dropped when it ends.
The worker processes ask glibc to keep freed memory for the next page
(:mod:`xxgk.allocator`): handing lexbor's memory back after every
page made the next parse fault it in again.  The fast paths are tested against
the plain forms they replace (tests/read/test_html_fast_paths.py).
"""

from __future__ import annotations

import codecs
import email
import re
from bisect import bisect_right

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

from ..model import Document, Paragraph, Source, Table
from ..text import clean, tidy
from .errors import ReadError
from .grid import MAX_SPAN, lay_out
from .text import decode_bom, decode_guess, utf16_guess


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
# <script>/<style> up to the first closing tag (the body as an unrolled loop:
# the same matches as ``.*?</\1\s*>``, five times faster on script-heavy pages)
_SCRIPT = re.compile(rb"<(script|style)\b[^>]*>[^<]*+(?:<(?!/\1\s*>)[^<]*+)*+</\1\s*>", re.I)
_META_CHARSET_TEXT = re.compile(r"""<meta[^>]+charset\s*=[^>]*>""", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>", re.I)
# GB2312 / GBK pages are read with the superset, which also takes the characters
# that real pages declared as GB2312 often contain.
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030"}

SKIP = frozenset(
    "script style noscript template head nav footer aside iframe object embed svg canvas select option "
    "button input textarea map area audio video".split()
)
BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote section article main header center pre address "
    "hr form fieldset figure figcaption caption tr td th tbody thead tfoot body html details summary".split()
)
# does the page hide anything at all (cheaper than looking at every element)?
_DISPLAY_NONE = re.compile(rb"display\s*:\s*none")
_VISIBILITY_HIDDEN = re.compile(rb"visibility\s*:\s*hidden")
_HIDDEN_ATTR = re.compile(rb"<[a-z][^<>]*\shidden[\s=/>]")


def _may_hide(page: bytes) -> bool:
    """(``page``: the page's UTF-8; the words looked for are ASCII)"""
    if b"display:none" in page or b"display: none" in page:  # (the usual spelling: no need to lower 100 KiB)
        return True
    low = page.lower()
    if _found(low, b"display", _DISPLAY_NONE) or _found(low, b"visibility", _VISIBILITY_HIDDEN):
        return True
    return b" hidden" in low and _HIDDEN_ATTR.search(low) is not None


def _found(text: bytes, word: bytes, pattern: re.Pattern) -> bool:
    """Does ``pattern`` (which starts with ``word``) match somewhere in ``text``?  The same
    answer as ``pattern.search(text)``, from the places ``bytes.find`` gives (a page
    names the word a few times; the regex engine would try every position)."""
    at = text.find(word)
    while at >= 0:
        if pattern.match(text, at):
            return True
        at = text.find(word, at + 1)
    return False


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDE_WORDS = re.compile("none|NONE|None|hidden|HIDDEN|Hidden")  # (a style that hides holds one of them)
_WS = re.compile(r"[ \t\r\n\f]+")  # (source white space: what _collapse does, as a pattern)
_SPACE_RUN = re.compile(r"[ \u00a0\u3000]+")


def decode_html(data: bytes, path: str = "") -> str:
    """Bytes of a page → str, as a browser would decode them: a BOM, then the
    charset the page declares, then what the bytes say."""
    return _decode_html(data, path)[0]


def _decode_html(data: bytes, path: str) -> tuple[str, bytes | None]:
    """:func:`decode_html`, and ``data`` itself where it is the text's UTF-8 (most pages)."""
    text = decode_bom(data)
    if text is not None:
        return text, None
    codec = _declared(data)
    if codec:
        try:
            return data.decode(codec), data if codec == "utf-8" else None
        except UnicodeDecodeError:
            pass  # a page that lies about its charset: ask the bytes
    if utf16_guess(data[:4096]) is None:  # (decode_guess's first two questions)
        try:
            return data.decode("utf-8"), data
        except UnicodeDecodeError:
            pass
    return decode_guess(data, path, "网页", "page"), None


def _declared(data: bytes) -> str | None:
    """The codec of the charset the page declares in its first bytes (GB2312 and GBK: GB18030),
    None when it declares none, or one Python does not know."""
    m = _META_CHARSET.search(data[:4096])
    if m is None:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(_ENCODING_ALIASES.get(name, name)).name
    except LookupError:
        return None


def _declares_utf8(data: bytes) -> bool:
    """Does the page declare UTF-8 (and start with no byte-order mark that would say otherwise)?
    (A page that declares nothing is not taken at its word: the bytes its scripts hold may be
    what shows that a short page in GBK is not UTF-8.)"""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return _declared(data) == "utf-8"


def _tag_name(tag: str) -> str:
    """The local name the reader goes by: Word's ``<o:p>`` is inline, ``<v:shape>`` is ``shape``."""
    if ":" in tag:
        return "o:p" if tag.endswith(":p") else tag.rsplit(":", 1)[1]
    return tag


def _hidden(attrs: dict) -> bool:
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    return bool(style) and _HIDE_WORDS.search(style) is not None and _HIDDEN_STYLE.search(style) is not None


def _lines(text: str, keep: bool = False) -> str:
    """Normalised text, its lines stripped, empty lines dropped."""
    # paragraphs (keep=True) only tidied: the narrative keeps its own
    # punctuation, tokens_of normalises what the extractor matches
    if keep:
        text = tidy(text)
    elif not text.isascii():  # (ASCII text is already normal)
        text = clean(text)
    if "\n" not in text:
        return _SPACE_RUN.sub(" ", text).strip()
    out = []
    for line in text.split("\n"):
        line = _SPACE_RUN.sub(" ", line).strip()
        if line:
            out.append(line)
    return "\n".join(out)


def _span(value: str | None, remaining: int) -> int:
    if value is None:
        return 1
    try:
        n = int(value.strip())
    except ValueError:
        n = 1
    if n == 0:  # rowspan=0: to the end of the table
        n = remaining
    return max(1, min(n, MAX_SPAN, remaining if remaining > 0 else 1))


# Marks the reader puts in raw text: Unicode noncharacters, never text themselves,
# and in the Basic Multilingual Plane, so that a Chinese page's text stays two
# bytes a character (a character beyond it makes every string it joins four).
_MARK = "\ufdd0"  # a line break, in the raw text of a cell or a run of paragraphs
_SEP = "\ufdd1"  # between the cells of a table normalised in one go
_SPACES_2 = re.compile("  +")
_LINE_START = re.compile("\n[ \n]*")


def _collapse(text: str) -> str:
    """Runs of source white space (HTML's: space, tab, CR, LF, FF) made one space — what
    ``_WS.sub(" ", text)`` does, five times faster: each of the four other characters
    replaced by a space (a scan of the text each, in C), then runs of spaces made one by
    a pattern that starts with a fixed character (Python's regex engine tries a
    character class at every position)."""
    for c in "\n\t\r\f":
        if c in text:
            text = text.replace(c, " ")
    if "  " in text:
        text = _SPACES_2.sub(" ", text)
    return text


def _squeeze(text: str) -> str:
    """Runs of spaces made one, and runs of spaces and line breaks holding a break
    made that break, in text without NBSP or ideographic spaces (cleaned or
    tidied: they are spaces by then) — what ``_SPACE_RUN`` and then ``r" *\n[ \n]*"``
    do, each pattern starting with a fixed character (three times faster)."""
    if "  " in text:
        text = _SPACES_2.sub(" ", text)
    if "\n" in text:  # (after the first step a space before a break is a single one)
        text = _LINE_START.sub("\n", text.replace(" \n", "\n"))
    return text


def _cell_texts(raw: list[str]) -> list[str]:
    """Many cells' raw texts normalised at once (one NFKC call per table, not per cell)."""
    joined = _SEP.join(raw)
    if joined.count(_SEP) != len(raw) - 1:  # (a cell's text holds the separator: cell by cell)
        return [_normal(text).strip(" \n") for text in raw]
    return [t.strip(" \n") for t in _normal(joined).split(_SEP)]


def _normal(raw: str) -> str:
    """A cell's raw text (or cells' joined by :data:`_SEP`) normalised: source white
    space collapsed, the line breaks marked kept, NFKC."""
    text = _collapse(raw).replace(_MARK, "\n")
    if not text.isascii():
        text = clean(text)
    return _squeeze(text)


def _chunk_texts(raw: list[str]) -> list[str]:
    """Runs of paragraph text normalised as :func:`_lines` (``keep=True``) does,
    in one go: source white space collapses, the breaks the page asks for
    (<br>) stay."""
    joined = _SEP.join(raw)
    if joined.count(_SEP) != len(raw) - 1:  # (the page holds the separator: one by one)
        return [_lines(_collapse(text).replace(_MARK, "\n"), keep=True) for text in raw]
    joined = tidy(_collapse(joined).replace(_MARK, "\n"))
    if "  " in joined:  # (tidy made NBSP and ideographic spaces spaces)
        joined = _SPACES_2.sub(" ", joined)
    out = []
    for text in joined.split(_SEP):
        if "\n" in text:
            text = "\n".join(line for line in map(str.strip, text.split("\n")) if line)
        else:
            text = text.strip()
        out.append(text)
    return out


# What the walk does with a node, by its lexbor tag id (_kind caches it).
_TEXT, _INLINE, _BLOCK, _BR, _LINK, _TABLE, _SKIP, _CELL_BREAK = range(8)
# lexbor's tag ids (the same in every document for the tags it knows), read off a sample
_IDS = {n.tag: n.tag_id for n in LexborHTMLParser(
    "<table><caption></caption><thead><tr><th>x</th></tr></thead><tbody><tr><td><p><span><font><b><strong>"
    "<br><div></div></strong></b></font></span></p></td></tr></tbody><tfoot></tfoot></table>"
).root.traverse(include_text=True)}
_TEXT_ID = _IDS["-text"]
_KNOWN_IDS = 0x10000  # lexbor's own tags have small ids; a tag it does not know gets a per-document one
_KINDS: dict[int, int] = {_TEXT_ID: _TEXT}
_KINDS_BY_NAME: dict[str, int] = {}
_CELL_KINDS: dict[int, int] = {_TEXT_ID: _TEXT}  # (inside a table cell: _CELL_BREAK, _BR, _SKIP, _TEXT or _INLINE)
_CELL_KINDS_BY_NAME: dict[str, int] = {}
_TR_ID, _CAPTION_ID = _IDS["tr"], _IDS["caption"]
_CELL_IDS = frozenset((_IDS["td"], _IDS["th"]))
_ROW_GROUP_IDS = frozenset((_IDS["tbody"], _IDS["thead"], _IDS["tfoot"]))
_COMMENT_ID = LexborHTMLParser("<p><!-- --></p>").css_first("p").child.tag_id
# elements inside a table that _table_rows passes over without a look (lexbor's
# text of a cell leaves comments out, as the walk over the cell does)
_PLAIN_IDS = frozenset(
    [_COMMENT_ID, *(_IDS[t] for t in ("p", "span", "br", "div", "font", "b", "strong", "tbody", "thead", "tfoot", "caption"))]
)
# inside a table cell these elements break lines (for the paragraph walk they are blocks)
_CELL_BREAKS = frozenset(("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd"))


def _kind(node: LexborNode, tid: int) -> int:
    """The walk's kind of a node (``tid``: its tag id), and the cell's kind into :data:`_CELL_KINDS`."""
    if tid == _TEXT_ID:
        return _TEXT
    tag = node.tag or "-pi"  # (lexbor names no processing instruction: never text)
    kind = _KINDS_BY_NAME.get(tag)
    if kind is None:
        name = _tag_name(tag)
        if name in SKIP or tag.startswith("-"):  # (comments, processing instructions: never text)
            kind = _SKIP
        elif name == "br":
            kind = _BR
        elif name == "table":
            kind = _TABLE
        elif name in BLOCK:
            kind = _BLOCK
        elif name == "a":
            kind = _LINK
        else:
            kind = _INLINE
        if len(_KINDS_BY_NAME) >= 4096:  # (pages may invent any number of tag names: kept bounded)
            _KINDS_BY_NAME.clear()
            _CELL_KINDS_BY_NAME.clear()
        _KINDS_BY_NAME[tag] = kind
        _CELL_KINDS_BY_NAME[tag] = _CELL_BREAK if name in _CELL_BREAKS else kind if kind in (_SKIP, _BR) else _INLINE
    if tid < _KNOWN_IDS:
        _KINDS[tid] = kind
        _CELL_KINDS[tid] = _CELL_KINDS_BY_NAME[tag]
    return kind


def _cell_kind(node: LexborNode, tid: int) -> int:
    kind = _CELL_KINDS.get(tid)
    if kind is None:
        _kind(node, tid)
        kind = _CELL_KINDS.get(tid)
        if kind is None:
            kind = _CELL_KINDS_BY_NAME[node.tag or "-pi"]
    return kind


def _raw_text(node: LexborNode, out: list[str]) -> None:
    """The text under ``node`` into ``out``, a :data:`_MARK` before and after
    each element that breaks a cell's lines and after each ``<br>``; what is
    never text (:data:`SKIP`, comments) left out."""
    kinds = _CELL_KINDS
    after = node.first_child  # (from child to child by the sibling links, as the walk goes)
    while after is not None:
        child = after
        after = child.next
        tid = child.tag_id
        if tid == _TEXT_ID:
            text = child.text_content
            if text:
                out.append(text)
            continue
        kind = kinds.get(tid)
        if kind is None:
            kind = _cell_kind(child, tid)
        if kind == _SKIP:
            continue
        elif kind == _BR:
            out.append(_MARK)
        elif kind == _CELL_BREAK:
            out.append(_MARK)
            _raw_text(child, out)
            out.append(_MARK)
        else:
            _raw_text(child, out)


def cell_text(cell: LexborNode) -> str:
    """The text of one table cell: lines kept, empty lines and padding dropped."""
    out: list[str] = []
    _raw_text(cell, out)
    return _lines(_collapse("".join(out)).replace(_MARK, "\n"))


def _own_rows(table: LexborNode) -> list[LexborNode]:
    """The <tr> of a table (the parser put them in its row groups), not those
    of a table nested in it."""
    rows = []
    for child in table.iter():
        tid = child.tag_id
        if tid == _TR_ID:
            rows.append(child)
        elif tid in _ROW_GROUP_IDS:
            rows.extend(tr for tr in child.iter() if tr.tag_id == _TR_ID)
    return rows


_SEGMENT = "\ufdd2"  # between the text nodes of a cell, for the fast path of _cell_raw
_BLANK = " \t\r\n\f\xa0\u3000"  # (what a cell's text is stripped of, once normalised)


def _cell_raw(cell: LexborNode, text: str) -> str:
    """The raw text of a cell (as :func:`_raw_text` makes it) from lexbor's own
    text of the cell (``text``, its text nodes joined by :data:`_SEGMENT`).
    Most cells hold one run of text, perhaps with blank ones around it: then
    the lines cannot matter and lexbor's text is as good."""
    if _SEGMENT in text:
        parts = text.split(_SEGMENT)
        if sum(1 for part in parts if part.strip(_BLANK)) > 1:
            out: list[str] = []
            _raw_text(cell, out)
            return "".join(out)
        text = "".join(parts)
    return text


def _table_rows(table: LexborNode) -> list[list[LexborNode]] | None:
    """The cells of a data table row by row, in one pass over its elements;
    None where that pass cannot tell (an element :data:`SKIP` says to leave
    out, a nested table): :func:`table_grid` then reads the table the long way."""
    rows: list[list[LexborNode]] = []
    row: list[LexborNode] = []
    it = table.traverse()
    next(it)  # (the table itself)
    for el in it:
        tid = el.tag_id
        if tid in _CELL_IDS:
            row.append(el)
        elif tid == _TR_ID:
            row = []
            rows.append(row)
        elif tid in _PLAIN_IDS:
            continue
        else:
            kind = _KINDS.get(tid)
            if kind is None:
                kind = _kind(el, tid)
            if kind == _SKIP or kind == _TABLE:
                return None
    return rows


def table_grid(table: LexborNode, fast: bool = True) -> list[list[str]]:
    """A data table as a rectangular grid of cell texts; merged cells as
    :mod:`xxgk.read.grid` says (labels repeated, figures once).  ``fast``:
    no text of the page holds the private characters (the cells' text may be
    taken by lexbor, see :func:`_cell_raw`)."""
    return _grid(table, _table_rows(table) if fast else None)


def _grid(table: LexborNode, rows: list[list[LexborNode]] | None) -> list[list[str]]:
    """:func:`table_grid` of the rows :func:`_table_rows` found (None: the long way)."""
    fast = rows is not None
    if rows is None:
        fast = False
        rows = [[cell for cell in tr.iter() if cell.tag_id in _CELL_IDS] for tr in _own_rows(table)]
    cells = [cell for row in rows for cell in row]
    if fast:
        # (text nodes of nothing but ASCII white space left out: they are blank)
        raw = [cell.text(True, _SEGMENT, False, True) for cell in cells]  # (deep, separator, strip, skip_empty)
        if _SEGMENT in _SEP.join(raw):
            raw = [text if _SEGMENT not in text else _cell_raw(cell, text) for cell, text in zip(cells, raw)]
    else:
        raw = []
        for cell in cells:
            out: list[str] = []
            _raw_text(cell, out)
            raw.append("".join(out))
    texts = _cell_texts(raw)
    grid = []
    ends = []  # (the place in ``cells`` after each row's last cell)
    i = 0
    for row in rows:
        n = len(row)
        grid.append(texts[i : i + n])
        i += n
        ends.append(i)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    spanning = {el.mem_id for el in table.css("[rowspan], [colspan]")}
    if spanning:
        # (the merged cells' places found in one pass over the cells' ids, their rows by bisection)
        nrows = len(rows)
        for k in [k for k, key in enumerate([cell.mem_id for cell in cells]) if key in spanning]:
            r = bisect_right(ends, k)
            attrs = cells[k].attributes
            rs = attrs.get("rowspan")
            rs = 1 if rs is None else _span(rs, nrows - r)
            cs = attrs.get("colspan")
            cs = 1 if cs is None else _span(cs, MAX_SPAN)
            if rs != 1 or cs != 1:
                spans[r, k - (ends[r - 1] if r else 0)] = (rs, cs)
    if spans:
        return lay_out(grid, spans)
    # (no merged cell: the grid is the rows as they stand)
    width = max(map(len, rows), default=0)
    out = []
    for line in grid:
        if any(line):
            line.extend([""] * (width - len(line)))
            out.append(line)
    return out


# Text outside links made of these characters alone becomes spaces and line
# breaks once normalised (_chunk_texts), and each character result() counts in a
# run's text comes from a link character it counts: a run of links and such
# text is a menu whatever the links say, and is dropped before it is normalised.
_LINKS_ONLY_BLANK = " \t\r\n\f\u00a0\u3000" + _MARK


_LINK_SPACE = " \t\r\n\xa0"  # (what a link's characters are counted without)


def link_chars(pieces: list[str]) -> int:
    """The characters of link text that :meth:`_Walker.result` weighs against a run's text."""
    return sum(len(text) - sum(map(text.count, _LINK_SPACE)) for text in pieces)


class _Walker:
    def __init__(self, fast: bool) -> None:
        self.fast = fast  # no text holds the private characters (see table_grid)
        self.blocks: list = []  # blocks, and for each paragraph run the index of its chunk
        self.chunks: list[tuple[str, int]] = []  # raw text of a run of paragraphs, its link characters
        self.buf: list[str] = []
        self.links: list[str] = []  # the pieces of the buffer that are link text
        self.plain = False  # the buffer holds text outside links other than white space
        self.in_link = 0

    def flush(self) -> None:
        """The text so far is a run of paragraphs (normalised later, all runs at once)."""
        if not self.buf:
            return
        text = "".join(self.buf)
        self.buf.clear()
        # only a run with text outside links that is not white space is kept: the rest of a
        # run is link text or becomes spaces and line breaks, which result() would drop
        # (see _LINKS_ONLY_BLANK); its link characters are counted only then
        if self.plain:
            self.blocks.append(len(self.chunks))
            self.chunks.append((text, link_chars(self.links) if self.links else 0))
        self.links.clear()
        self.plain = False

    def result(self) -> list:
        """The blocks read, paragraphs made from the runs of text."""
        texts = _chunk_texts([text for text, _ in self.chunks])
        out = []
        for item in self.blocks:
            if type(item) is not int:
                out.append(item)
                continue
            text = texts[item]
            links = self.chunks[item][1]
            if links and links >= len(text) - text.count(" ") - text.count("\n"):
                continue  # nothing but links: a menu, a breadcrumb, a share bar
            out.extend(Paragraph(text=line) for line in text.split("\n") if line)
        return out

    def walk(self, node: LexborNode) -> None:
        """The children of ``node`` in order: text into the buffer, a block
        boundary flushes it, a data table becomes a grid."""
        kinds = _KINDS
        buf = self.buf  # (flush empties it in place)
        # (from child to child by lexbor's sibling links: a third cheaper than iter()'s generator)
        after = node.first_child
        while after is not None:
            child = after
            after = child.next
            tid = child.tag_id
            if tid == _TEXT_ID:  # (half the nodes: asked before the kinds are looked up)
                text = child.text_content
                if text:
                    if self.in_link:
                        buf.append(text)
                        self.links.append(text)
                    elif buf or not text.isspace():  # (white space that starts a run is stripped anyway)
                        buf.append(text)
                        if not self.plain and text.strip(_LINKS_ONLY_BLANK):
                            self.plain = True
                continue
            kind = kinds.get(tid)
            if kind is None:
                kind = _kind(child, tid)
            if kind == _SKIP:
                continue
            if kind == _BLOCK:
                if buf:  # (an empty buffer has nothing to flush: links and text both go into it)
                    self.flush()
                self.walk(child)
                if buf:
                    self.flush()
            elif kind == _BR:
                buf.append(_MARK)
            elif kind == _LINK:
                self.in_link += 1
                self.walk(child)
                self.in_link -= 1
            elif kind == _TABLE:
                if not self.table(child):
                    self.walk(child)  # a layout table: its cells are page regions
            else:
                self.walk(child)

    def table(self, table: LexborNode) -> bool:
        """Read a data table as a grid (True); a layout table is walked on (False)."""
        self.flush()
        # (rows found in one pass: the table holds no other table, nor anything SKIP leaves out)
        rows = _table_rows(table) if self.fast else None
        if rows is None and _has_nested_table(table):
            return False  # a layout table: its cells are page regions
        grid = _grid(table, rows)
        for caption in table.iter():
            if caption.tag_id == _CAPTION_ID:
                self.blocks.extend(Paragraph(text=line) for line in cell_text(caption).split("\n") if line)
        if not grid:
            return True
        width = max(len(r) for r in grid)
        if width < 2:
            for row in grid:
                for cell in row:
                    for line in cell.split("\n"):
                        if line:
                            self.blocks.append(Paragraph(text=line))
            return True
        self.blocks.append(Table(rows=grid))
        return True


def _dropped(node: LexborNode, top: LexborNode) -> bool:
    """Is ``node`` under an element the reader never reads (below ``top``)?"""
    node = node.parent
    while node is not None and node != top:
        tid = node.tag_id
        kind = _KINDS.get(tid)
        if kind is None:
            kind = _kind(node, tid)
        if kind == _SKIP:
            return True
        node = node.parent
    return False


def _has_nested_table(table: LexborNode) -> bool:
    inner = table.css("table")  # (the table itself first)
    return len(inner) > 1 and any(not _dropped(t, table) for t in inner[1:])


def _drop_hidden(top: LexborNode) -> None:
    """Take out of the tree the elements under ``top`` hidden with ``hidden``
    or ``display:none`` / ``visibility:hidden`` (their own text goes, the text
    after them stays)."""
    # (a list of three selectors: lexbor tests each element against all three in one walk of
    # the tree, and reports an element once for each it matches — cheaper than ``:is()``)
    found = top.css('[hidden], [style*="none" i], [style*="hidden" i]')
    seen = {top.mem_id}  # (css() finds the node it starts from too)
    for el in found:
        key = el.mem_id
        if key not in seen:
            seen.add(key)
            if _hidden(el.attributes):
                el.decompose()  # (taken out of the tree, not destroyed: one inside another is harmless)


def _metas(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    """(name, content) of the page's ``<meta>`` tags with a name (or property), in order."""
    out = []
    for m in tree.css("meta"):
        attrs = m.attributes
        name = attrs.get("name") or attrs.get("property")
        if name:
            out.append((name.lower(), attrs.get("content") or ""))
    return out


def _meta(metas: list[tuple[str, str]], *names: str) -> str | None:
    want = {n.lower() for n in names}
    for name, content in metas:
        if name in want:
            content = content.strip()
            if content:
                return clean(content)
    return None


def _blank(page: bytes) -> bool:
    """Is the page (UTF-8) nothing but white space?"""
    rest = page.lstrip(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")
    if not rest:
        return True
    if rest[0] < 0x80:
        return False
    return rest.decode("utf-8", "replace").isspace()  # (Unicode's white space: U+3000, U+00A0…)


def mht_html(data: bytes) -> bytes | None:
    """The HTML part of a MIME HTML archive (.mht, Word's "single file web page",
    often published as .doc), re-declared in UTF-8; None if ``data`` is not one."""
    head = data[:4096].lower()
    if b"mime-version" not in head or b"multipart/related" not in head:
        return None
    msg = email.message_from_bytes(data)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                charset = _ENCODING_ALIASES.get(charset.lower(), charset)
                try:
                    text = payload.decode(charset)
                except (LookupError, UnicodeDecodeError):
                    return payload
                return _META_CHARSET_TEXT.sub("", text).encode("utf-8")
            return payload
    return None


def page_source(data: bytes, path: str = "") -> tuple[str, bytes]:
    """The page's text (decoded as :func:`decode_html` says; its scripts may be left out)
    and the UTF-8 the parser reads: without an XML declaration, ``<script>`` and ``<style>``."""
    data = mht_html(data) or data
    if _declares_utf8(data):
        # (most pages: the cut is made in the page's own bytes, and only what is left is
        # decoded — scripts are a third of a CMS page.  In an encoding that keeps ASCII,
        # as UTF-8 and GB18030 do, a byte that looks like < or > is one; a page whose
        # bytes left are not UTF-8 is read the long way below.)
        page = _without_scripts(data)
        try:
            return page.decode("utf-8"), page
        except UnicodeDecodeError:
            pass
    text, page = _decode_html(data, path)
    if page is None:
        page = text.encode("utf-8", "ignore")  # (lexbor reads UTF-8)
    return text, _without_scripts(page)


def _without_scripts(page: bytes) -> bytes:
    """The page without an XML declaration, and without its script and style bodies: they
    are not text; a browser ends them at the first closing tag, so does this (and the
    parser has far less to read)."""
    return _SCRIPT.sub(b"", _XML_DECL.sub(b"", page, count=1))


def read_html(data: bytes, source: Source) -> Document:
    text, page = page_source(data, source.path)
    if _blank(page):
        raise ReadError(source.path, "网页为空", "请确认下载完整", "the page is empty", "check that the download is complete")
    try:
        # (without lexbor's mutation events: they only mirror a <select>'s option into
        # <selectedcontent>, which the reader leaves out; the parse is 4 % cheaper)
        tree = LexborHTMLParser(page, options=LexborDocumentOptions.WO_EVENTS)
    except Exception as e:  # (lexbor parses any text; this is its memory running out)
        raise ReadError(source.path, f"网页无法解析（{e}）", "文件可能已损坏", f"cannot parse the page ({e})", "the file may be corrupt") from e
    metas = _metas(tree)
    title = _meta(metas, "ArticleTitle")
    if title is None:
        t = tree.css_first("title")
        if t is not None:
            t = t.text()
            if t.strip():
                title = _lines(t) or None
    published = _meta(metas, "PubDate", "article:published_time")
    agency = _meta(metas, "ContentSource")
    top = tree.body or tree.root
    if _may_hide(page):
        _drop_hidden(top)
    walker = _Walker(_SEGMENT not in text and _MARK not in text and _SEP not in text)
    walker.walk(top)
    walker.flush()
    return Document(source=source, blocks=walker.result(), title=title, published=published, agency=agency)
