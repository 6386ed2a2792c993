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
"""

from __future__ import annotations

import codecs
import email
import re

from lxml import etree

from ..model import Document, Paragraph, Source, Table
from ..text import clean, tidy
from .errors import ReadError
from .grid import MAX_SPAN, GridBuilder
from .text import decode_bom, decode_guess

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
# <script>/<style> up to the first closing tag (the body as an unrolled loop:
# the same matches as ``.*?</\1\s*>``, five times faster on script-heavy pages)
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>[^<]*+(?:<(?!/\1\s*>)[^<]*+)*+</\1\s*>", re.I)
_META_CHARSET_TEXT = re.compile(r"""<meta[^>]+charset\s*=[^>]*>""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
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
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
_VISIBILITY_HIDDEN = re.compile(r"visibility\s*:\s*hidden")
_HIDDEN_ATTR = re.compile(r"<[a-z][^<>]*\shidden[\s=/>]")


def _may_hide(text: str) -> bool:
    if "display:none" in text or "display: none" in text:  # (the usual spelling: no need to lower 100 KiB)
        return True
    low = text.lower()
    if "display" in low and _DISPLAY_NONE.search(low):
        return True
    if "visibility" in low and _VISIBILITY_HIDDEN.search(low):
        return True
    return " hidden" in low and _HIDDEN_ATTR.search(low) is not None


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PARSER = etree.HTMLParser(no_network=True, huge_tree=True)
_WS = re.compile(r"[ \t\r\n\f]+")
_SPACE_RUN = re.compile(r"[ \u00a0\u3000]+")


def decode_html(data: bytes, path: str = "") -> str:
    """Bytes of a page → str, as a browser would decode them: a BOM, then the
    charset the page declares, then what the bytes say."""
    text = decode_bom(data)
    if text is not None:
        return text
    m = _META_CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        name = _ENCODING_ALIASES.get(name, name)
        try:
            codecs.lookup(name)
        except LookupError:
            name = ""
        if name:
            try:
                return data.decode(name)
            except UnicodeDecodeError:
                pass  # a page that lies about its charset: ask the bytes
    return decode_guess(data, path, "网页", "page")


_TAGS: dict[str, str] = {}


def _tag_name(tag: str) -> str:
    name = _TAGS.get(tag)
    if name is None:
        name = tag.lower()
        if "}" in name:
            name = name.rsplit("}", 1)[1]
        elif ":" in name:
            # Word namespaces: <o:p> is inline, <v:shape>… are not text
            name = "o:p" if name.endswith(":p") else name.rsplit(":", 1)[1]
        _TAGS[tag] = name
    return name


def _hidden(el) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if not style:
        return False
    style = style.lower()
    return ("none" in style or "hidden" in style) and bool(_HIDDEN_STYLE.search(style))


def _has_nested_table(table) -> bool:
    return any(True for _ in table.iterdescendants("table"))


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


def _own_rows(table) -> list:
    """The <tr> of a table, not those of a table nested in it."""
    rows = []
    for tr in table.iter("tr"):
        anc = tr.getparent()
        while anc is not None and anc is not table and anc.tag != "table":
            anc = anc.getparent()
        if anc is table:
            rows.append(tr)
    return rows


_MARK = "\U000f0001"  # (private use) a line break inside a cell, set on the tree before its text is taken
_CELL_BREAKS = ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd")


# (XPath 1.0 has no lower-case(): the usual spellings, checked again by _hidden)
_MAYBE_HIDDEN = etree.XPath(
    ".//*[@hidden or @style[contains(., 'none') or contains(., 'NONE') or contains(., 'None')"
    " or contains(., 'hidden') or contains(., 'HIDDEN') or contains(., 'Hidden')]]"
)


_STYLES = etree.XPath(".//@style")
_STYLE_VALUES = etree.XPath(".//@style", smart_strings=False)
_HIDDEN_VALUES = etree.XPath(".//@hidden", smart_strings=False)
_HIDE_WORD_LIST = ("none", "NONE", "None", "hidden", "HIDDEN", "Hidden")  # (what _MAYBE_HIDDEN looks for)
_HIDE_WORDS = re.compile("|".join(_HIDE_WORD_LIST))


def _hidden_elements(top, likely: bool = True) -> list:
    """The elements under ``top`` that are hidden, in document order (what
    :data:`_MAYBE_HIDDEN` finds and :func:`_hidden` confirms).  Walking the
    ``style`` attributes is several times faster than that XPath's predicate.
    ``likely=False``: the page probably hides nothing, so the style values
    are first looked at as plain strings (cheaper to make)."""
    if _HIDDEN_VALUES(top):  # (rare) the general query
        return [e for e in _MAYBE_HIDDEN(top) if _hidden(e)]
    if not likely:
        joined = "\n".join(_STYLE_VALUES(top))
        if not any(word in joined for word in _HIDE_WORD_LIST):
            return []
    styles = _STYLES(top)  # (strings that know their element)
    joined = "\n".join(styles)
    if not any(word in joined for word in _HIDE_WORD_LIST):  # (six substring searches: faster than the regex)
        return []
    out = []
    for style in styles:
        if _HIDE_WORDS.search(style):
            el = style.getparent()
            if el is not top and _hidden(el):
                out.append(el)
    return out


def _remove(el) -> None:
    """Take an element out of the tree, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _drop_non_text(top, source_text: str | None = None) -> None:
    """Take out of the tree what is never text: scripts, styles, site chrome
    elements (:data:`SKIP`), comments and hidden elements — their tails stay.
    Hidden elements are taken out only if the page's source ``source_text``
    can hide anything (:func:`_may_hide`, asked only when the tree holds one)."""
    likely = source_text is None or "display:none" in source_text or "display: none" in source_text
    hidden = _hidden_elements(top, likely)
    if hidden and (source_text is None or _may_hide(source_text)):
        for el in hidden:
            _remove(el)
    etree.strip_elements(top, etree.Comment, etree.ProcessingInstruction, *SKIP, with_tail=False)


def _prepare_cells(table) -> None:
    """Mark a data table's line breaks, so that each cell's text can be taken
    in one call (see :func:`cell_text`)."""
    for el in table.iter(*_CELL_BREAKS):  # (each text read once: lxml decodes it on every read)
        tail = el.tail
        el.tail = _MARK + tail if tail else _MARK
        if el.tag != "br":
            text = el.text
            el.text = _MARK + text if text else _MARK


def cell_text(cell) -> str:
    """The text of one table cell of a prepared table: lines kept, empty lines and padding dropped."""
    text = etree.tostring(cell, method="text", encoding=str, with_tail=False)
    return _lines(_WS.sub(" ", text).replace(_MARK, "\n"))


_SEP = "\U000f0002"  # (private use) between the cells of a table normalised in one go
_LINE_EDGES = re.compile(r" *\n[ \n]*")


def _cell_texts(raw: list[str]) -> list[str]:
    """Many cells' raw texts normalised at once (one NFKC call per table, not per cell)."""
    joined = _WS.sub(" ", _SEP.join(raw)).replace(_MARK, "\n")
    if not joined.isascii():
        joined = clean(joined)
    joined = _LINE_EDGES.sub("\n", _SPACE_RUN.sub(" ", joined))
    return [t.strip(" \n") for t in joined.split(_SEP)]


def table_grid(table) -> list[list[str]]:
    """A data table as a rectangular grid of cell texts; merged cells as
    :mod:`xxgk.read.grid` says (labels repeated, figures once)."""
    _prepare_cells(table)
    trs = _own_rows(table)
    nrows = len(trs)
    taken: set[tuple[int, int]] = set()
    places: list[tuple[int, int, int, int]] = []
    raw: list[str] = []
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr:
            tag = cell.tag
            if tag != "td" and tag != "th":  # (hidden cells are gone already)
                continue
            while (r, c) in taken:
                c += 1
            rs = cell.get("rowspan")
            rs = 1 if rs is None else _span(rs, nrows - r)
            cs = cell.get("colspan")
            cs = 1 if cs is None else _span(cs, MAX_SPAN)
            if rs > 1 or cs > 1:
                taken.update((r + dr, c + dc) for dr in range(rs) for dc in range(cs))
            else:
                taken.add((r, c))
            places.append((r, c, rs, cs))
            raw.append(etree.tostring(cell, method="text", encoding=str, with_tail=False))
            c += cs
    g = GridBuilder()
    for (r, c, rs, cs), text in zip(places, _cell_texts(raw)):
        g.place(r, c, text, rs, cs)
    return g.rows()


def _chunk_texts(raw: list[str]) -> list[str]:
    """Runs of paragraph text normalised as :func:`_lines` (``keep=True``) does,
    in one go: source white space collapses, the breaks the page asks for
    (<br>) stay."""
    joined = _SEP.join(raw)
    if joined.count(_SEP) != len(raw) - 1:  # (the page holds the separator: one by one)
        return [_lines(_WS.sub(" ", text).replace(_MARK, "\n"), keep=True) for text in raw]
    joined = _SPACE_RUN.sub(" ", tidy(_WS.sub(" ", joined).replace(_MARK, "\n")))
    out = []
    for text in joined.split(_SEP):
        if "\n" in text:
            text = "\n".join(line for line in map(str.strip, text.split("\n")) if line)
        else:
            text = text.strip()
        out.append(text)
    return out


# What the walk does with an element, by its tag (_kind caches it per tag).
_INLINE, _BLOCK, _BR, _LINK, _TABLE, _SKIP = range(6)
_KINDS: dict[str, int] = {}


def _kind(tag: str) -> int:
    kind = _KINDS.get(tag)
    if kind is None:
        name = _tag_name(tag)
        if name in SKIP:
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
        _KINDS[tag] = kind
    return kind


class _Walker:
    def __init__(self) -> None:
        self.blocks: list = []  # blocks, and for each paragraph run the index of its chunk
        self.chunks: list[tuple[str, int]] = []  # raw text of a run of paragraphs, its link characters
        self.buf: list[str] = []
        self.link_chars = 0  # characters of the buffer that are link text
        self.in_link = 0

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)
            if self.in_link:
                self.link_chars += len(text) - sum(map(text.count, " \t\r\n\xa0"))

    def flush(self) -> None:
        """The text so far is a run of paragraphs (normalised later, all runs at once)."""
        if not self.buf:
            return
        text = "".join(self.buf)
        self.buf.clear()
        if not text.isspace():
            self.blocks.append(len(self.chunks))
            self.chunks.append((text, self.link_chars))
        self.link_chars = 0

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

    def walk(self, root) -> None:
        # (the tree went through _drop_non_text: no comments, scripts or hidden elements)
        it = etree.iterwalk(root, events=("start", "end"))
        kinds = _KINDS
        buf = self.buf  # (flush empties it in place)
        for ev, el in it:
            if el is root:
                if ev == "start":
                    self.add(el.text)
                continue
            kind = kinds.get(el.tag)
            if kind is None:
                kind = _kind(el.tag)
            if ev == "start":
                if kind == _BLOCK:
                    self.flush()
                elif kind == _LINK:
                    self.in_link += 1
                elif kind == _BR:
                    buf.append(_MARK)  # (its own text is never read)
                    continue
                elif kind == _TABLE:
                    if self.table(el):
                        it.skip_subtree()  # a data table, read as a grid
                        continue
                    # a layout table: its cells are page regions
                elif kind == _SKIP:
                    it.skip_subtree()
                    continue
                text = el.text
            else:  # (skipped elements are neither blocks nor links)
                if kind == _BLOCK:
                    self.flush()
                elif kind == _LINK:
                    self.in_link -= 1
                text = el.tail
            if text:
                buf.append(text)
                if self.in_link:
                    self.link_chars += len(text) - sum(map(text.count, " \t\r\n\xa0"))

    def table(self, table) -> bool:
        """Read a data table as a grid (True); a layout table is walked on (False)."""
        self.flush()
        if _has_nested_table(table):
            return False  # a layout table: its cells are page regions
        grid = table_grid(table)
        for caption in table.iterchildren("caption"):  # (read after table_grid prepared the table)
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


def _meta(root, *names: str) -> str | None:
    want = {n.lower() for n in names}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").lower()
        if name in want:
            content = (m.get("content") or "").strip()
            if content:
                return clean(content)
    return None


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


def read_html(data: bytes, source: Source) -> Document:
    data = mht_html(data) or data
    text = decode_html(data, source.path)
    text = _XML_DECL.sub("", text, count=1)
    # script and style bodies are not text; a browser ends them at the first
    # closing tag, so does this (and the parser has far less to read)
    text = _SCRIPT.sub("", text)
    if not text or text.isspace():  # (no copy of the page as strip() would make)
        raise ReadError(source.path, "网页为空", "请确认下载完整", "the page is empty", "check that the download is complete")
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise ReadError(source.path, f"网页无法解析（{e}）", "文件可能已损坏", f"cannot parse the page ({e})", "the file may be corrupt") from e
    title = _meta(root, "ArticleTitle")
    if title is None:
        t = root.find(".//title")
        if t is not None and "".join(t.itertext()).strip():
            title = _lines("".join(t.itertext())) or None
    published = _meta(root, "PubDate", "article:published_time")
    agency = _meta(root, "ContentSource")
    body = root.find("body")
    top = body if body is not None else root
    _drop_non_text(top, text)
    walker = _Walker()
    walker.walk(top)
    walker.flush()
    return Document(source=source, blocks=walker.result(), title=title, published=published, agency=agency)
