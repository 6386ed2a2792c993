"""HTML pages (CMS articles, Word pasted into a CMS, bare fragments) → Document.

Reading order is the page's order.  What becomes what:

* every data ``<table>`` (one that holds no other table) becomes a
  :class:`Table` grid, built from the table's own structure — see
  :func:`table_grid` for how ``rowspan``/``colspan`` are represented;
* a *layout* table (one that holds another table) and a table of a single
  column are not grids: their cells are read as ordinary text blocks;
* every other block of text (``<p>``, ``<div>``, headings, list items, lines
  cut by ``<br>``) becomes a :class:`Paragraph`; inline markup
  (``<span>``/``<font>``/``<o:p>`` soup from Word) is joined without adding
  anything, so ``<span>202</span><span>4</span>`` reads ``2024``;
* site chrome that is never part of an article is dropped: ``<script>``,
  ``<style>``, ``<noscript>``, ``<template>``, ``<nav>``, ``<footer>``,
  ``<aside>``, form controls, comments, and elements hidden with ``hidden`` or
  ``display:none``.  Other chrome (breadcrumbs, link lists) stays as
  paragraphs, which the extractor ignores because they are not a report.

Inside a table cell ``<br>`` and block elements (``<p>``, ``<div>``) are line
breaks; empty lines (``<p>&nbsp;</p>`` padding) are dropped, so a cell that
holds only ``&nbsp;`` is ``''`` — a blank cell.

The encoding comes from a byte-order mark, then ``<meta charset>`` /
``http-equiv`` in the first bytes (GB2312 and GBK are read as their superset
GB18030), then strict UTF-8, GB18030, and finally charset-normalizer.

The page's ``<title>`` (or the CMS ``ArticleTitle`` meta), ``PubDate`` and
``ContentSource`` meta tags fill the document's title, published date and
agency.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree

from ..model import Document, Paragraph, Source, Table
from ..text import clean
from .errors import ReadError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
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
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS = re.compile(r"[ \t\r\n\f]+")
_SPACE_RUN = re.compile(r"[ \u00a0\u3000]+")
# the text of a cell that is a figure (or a blank placeholder) rather than a label
_FIGURE_LIKE = re.compile(r"^[\s\d.,，．%+\-−－—/\\()（）增减加少个件项条次份篇宗例万元亿无]*$")
_MAX_SPAN = 200


def decode_html(data: bytes, path: str = "") -> str:
    """Bytes of a page → str, as a browser would decode them."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
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
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise ReadError(path, "无法识别网页编码", "请用浏览器另存为 UTF-8 编码的网页后重试", "unknown page encoding", "save the page as UTF-8 and retry")
    return str(best)


def _tag(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comment, processing instruction, entity
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    elif ":" in tag:
        tag = tag.rsplit(":", 1)[1]  # o:p, v:shape → p, shape (Word namespaces)
        if tag == "p":
            return "o:p"  # Word's <o:p> is inline
    return tag.lower()


def _hidden(el) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _has_nested_table(table) -> bool:
    return any(True for _ in table.iterdescendants("table"))


def _inline(text: str | None) -> str:
    return _WS.sub(" ", text) if text else ""


def cell_text(cell) -> str:
    """The text of one table cell: lines kept, empty lines and padding dropped."""
    parts: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = _tag(child)
            if tag is not None and tag not in SKIP and not _hidden(child):
                if tag == "br":
                    parts.append("\n")
                elif tag in BLOCK:
                    parts.append("\n")
                    parts.append(_inline(child.text))
                    walk(child)
                    parts.append("\n")
                else:
                    parts.append(_inline(child.text))
                    walk(child)
            parts.append(_inline(child.tail))

    parts.append(_inline(cell.text))
    walk(cell)
    return _lines("".join(parts))


def _lines(text: str) -> str:
    out = []
    for line in clean(text).split("\n"):
        line = _SPACE_RUN.sub(" ", line).strip()
        if line:
            out.append(line)
    return "\n".join(out)


def _span(value: str | None, remaining: int) -> int:
    try:
        n = int(str(value).strip()) if value is not None else 1
    except ValueError:
        n = 1
    if n == 0:  # rowspan=0: to the end of the table
        n = remaining
    return max(1, min(n, _MAX_SPAN, remaining if remaining > 0 else 1))


def _own_rows(table) -> list:
    """The <tr> of a table, not those of a table nested in it."""
    rows = []
    for tr in table.iter("tr"):
        anc = tr.getparent()
        while anc is not None and anc is not table and _tag(anc) != "table":
            anc = anc.getparent()
        if anc is table:
            rows.append(tr)
    return rows


def table_grid(table) -> list[list[str]]:
    """A data table as a rectangular grid of cell texts.

    A cell that spans several positions (``rowspan``/``colspan``) is
    represented so that the extractor, which reads a row as its label
    followed by its figures, places every figure right:

    * a **label** (text that is not a figure) is repeated in every position
      it covers: ``三、本年度办理结果`` spanning the first column of 表三 stands
      in front of every result row, and a row label spread over three
      columns is read three times before the row's figures, so no empty
      filler ever sits between a label and its figures;
    * a **figure or empty cell** is given once.  The positions it covers to
      its right are moved to the end of its row as ``''`` (the row keeps
      the table's width, the figures stay consecutive after their label:
      ``规章 | 13 | 13 (colspan 2) | 524`` reads ``['规章', '13', '13', '524', '']``
      and the extractor drops the blanks past the row's last column); the
      positions it covers below it (rowspan) are ``''`` in place.

    Every other ``''`` is an empty cell of the source (``&nbsp;`` included).
    Rows are padded with ``''`` to the table's width; rows with no text at
    all are dropped.
    """
    trs = _own_rows(table)
    grid: dict[tuple[int, int], str | None] = {}  # None: a position moved to the row's end
    width = 0
    nrows = len(trs)
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr:
            if _tag(cell) not in ("td", "th") or _hidden(cell):
                continue
            while (r, c) in grid:
                c += 1
            text = cell_text(cell)
            rs = _span(cell.get("rowspan"), nrows - r)
            cs = _span(cell.get("colspan"), _MAX_SPAN)
            label = bool(text) and not _FIGURE_LIKE.match(text)
            for dr in range(rs):
                for dc in range(cs):
                    if dr == dc == 0:
                        grid[(r, c)] = text
                    elif label:
                        grid[(r + dr, c + dc)] = text
                    else:
                        grid[(r + dr, c + dc)] = "" if dc == 0 else None
            c += cs
            width = max(width, c)
    rows = []
    for r in range(nrows):
        row = [v for c in range(width) if (v := grid.get((r, c), "")) is not None]
        row.extend([""] * (width - len(row)))
        if any(row):
            rows.append(row)
    return rows


class _Walker:
    def __init__(self) -> None:
        self.blocks: list = []
        self.buf: list[str] = []
        self.link_chars = 0  # characters of the buffer that are link text
        self.in_link = 0

    def add(self, text: str | None) -> None:
        if text:
            t = _inline(text)
            self.buf.append(t)
            if self.in_link:
                self.link_chars += len(t.strip())

    def flush(self) -> None:
        if not self.buf:
            return
        text = _lines("".join(self.buf))
        links = self.link_chars
        self.buf = []
        self.link_chars = 0
        if links and links >= len(re.sub(r"\s+", "", text)):
            return  # nothing but links: a menu, a breadcrumb, a share bar
        for line in text.split("\n"):
            if line:
                self.blocks.append(Paragraph(text=line))

    def walk(self, el) -> None:
        for child in el:
            tag = _tag(child)
            if tag is not None and tag not in SKIP and not _hidden(child):
                if tag == "br":
                    self.buf.append("\n")
                elif tag == "table":
                    self.table(child)
                elif tag in BLOCK:
                    self.flush()
                    self.add(child.text)
                    self.walk(child)
                    self.flush()
                elif tag == "a":
                    self.in_link += 1
                    self.add(child.text)
                    self.walk(child)
                    self.in_link -= 1
                else:
                    self.add(child.text)
                    self.walk(child)
            self.add(child.tail)

    def table(self, table) -> None:
        self.flush()
        if _has_nested_table(table):
            # a layout table: its cells are page regions
            self.walk(table)
            self.flush()
            return
        grid = table_grid(table)
        if not grid:
            return
        width = max(len(r) for r in grid)
        if width < 2:
            for row in grid:
                for cell in row:
                    for line in cell.split("\n"):
                        if line:
                            self.blocks.append(Paragraph(text=line))
            return
        self.blocks.append(Table(rows=grid))


def _meta(root, *names: str) -> str | None:
    want = {n.lower() for n in names}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").lower()
        if name in want:
            content = (m.get("content") or "").strip()
            if content:
                return clean(content)
    return None


def read_html(data: bytes, source: Source) -> Document:
    text = decode_html(data, source.path)
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        raise ReadError(source.path, "网页为空", "请确认下载完整", "the page is empty", "check that the download is complete")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise ReadError(source.path, f"网页无法解析（{e}）", "文件可能已损坏", f"cannot parse the page ({e})", "the file may be corrupt") from e
    title = _meta(root, "ArticleTitle")
    if title is None:
        t = root.find(".//title")
        if t is not None and t.text_content().strip():
            title = _lines(t.text_content()) or None
    published = _meta(root, "PubDate", "article:published_time")
    agency = _meta(root, "ContentSource")
    body = root.find("body")
    walker = _Walker()
    top = body if body is not None else root
    walker.add(top.text)
    walker.walk(top)
    walker.flush()
    return Document(source=source, blocks=walker.blocks, title=title, published=published, agency=agency)
