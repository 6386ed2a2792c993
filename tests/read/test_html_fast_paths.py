"""The HTML reader's fast paths read what the page says, and what the plain forms they replace read.

* A cell's text taken by lexbor in one call (:func:`xxgk.read.html._cell_raw`)
  against the walk over the cell's nodes that marks its line breaks
  (``table_grid(..., fast=False)``), on the corpus's pages and on generated ones;
* a table without merged cells taken as its rows, and
  :func:`xxgk.read.grid.lay_out`, against placing every cell one by one
  with the positions its neighbours cover (:class:`~xxgk.read.grid.GridBuilder`);
* generated pages — cells and paragraphs written in the markup real pages use
  (Word's span soup, ``<p>`` padding, ``&nbsp;``, ``<br>``, comments, links,
  hidden elements, menus) — read back as the cells and the paragraphs, in order;
* the normalisation of cells and paragraph runs (source white space collapsed
  by replacements, spaces and line breaks squeezed by patterns that start with
  a fixed character) against the patterns it replaces, on texts of every kind
  of white space;
* a run of nothing but links dropped when it ends (its link characters counted
  only when it is kept), against keeping every run, its link characters
  counted, until :meth:`~xxgk.read.html._Walker.result` drops the menus;
* the words that hide an element found by ``bytes.find``, against the patterns
  searched over the whole page.
"""

from __future__ import annotations

import html
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

import xxgk.read.html as H
from xxgk.model import Paragraph, Table
from xxgk.read import ReadError, read_bytes
from xxgk.read.grid import GridBuilder, lay_out
from xxgk.read.html import _has_nested_table, page_source, table_grid
from xxgk.text import clean
from conftest import CORPUS
from office_builders import known_values, report_parts, to_html

# characters NFKC leaves alone, so that a cell reads back as written
CHARS = "规章行政许可处罚本年新收申请予以公开总计其他合0123456789.%"
line_text = st.text(alphabet=CHARS, min_size=1, max_size=8)
cell_lines = st.lists(line_text, min_size=0, max_size=3)


def _soup(text: str, rnd: random.Random) -> str:
    """One line of text cut into pieces, each in the inline markup Word and CMS editors write."""
    out = []
    i = 0
    while i < len(text):
        j = rnd.randint(i + 1, len(text))
        piece = html.escape(text[i:j])
        wrap = rnd.choice(("", "span", "font", "b", "o:p-after", "comment"))
        if wrap == "span":
            piece = f'<span style="font-size:10.5pt">{piece}</span>'
        elif wrap == "font":
            piece = f'<font face="仿宋"><span lang="EN-US">{piece}</span></font>'
        elif wrap == "b":
            piece = f"<b>{piece}</b>"
        elif wrap == "o:p-after":
            piece = f"{piece}<o:p></o:p>"
        elif wrap == "comment":
            piece = f"<!-- {rnd.randint(0, 9)} -->{piece}"
        out.append(piece)
        i = j
    return "".join(out)


def _cell_markup(lines: list[str], rnd: random.Random) -> str:
    """A cell holding ``lines`` (none: a blank cell) in one of the ways pages write them."""
    ws = rnd.choice(("", "\n", "\n  ", " "))
    if not lines:
        return rnd.choice(("", "&nbsp;", "<p><o:p>&nbsp;</o:p></p>", f"{ws}<p>{ws}</p>{ws}", "<br>", "<p><span>&nbsp;</span></p>"))
    style = rnd.choice(("br", "p", "div", "p-padded"))
    parts = [_soup(line, rnd) for line in lines]
    if style == "br":
        return ws + "<br>".join(parts) + ws
    if style == "p-padded":
        return ws + f"<p>&nbsp;</p>{ws}" + ws.join(f'<p align="center">{p}</p>' for p in parts) + f"{ws}<p><br></p>"
    return ws + ws.join(f"<{style}>{p}</{style}>" for p in parts) + ws


def _tables(data: bytes) -> list:
    """The data tables of a page (those holding no other table), parsed as the reader parses them."""
    tree = LexborHTMLParser(page_source(data)[1])
    return [t for t in tree.css("table") if not _has_nested_table(t)]


def _pages() -> list[tuple[str, bytes]]:
    pages = [(f"generated {k} soup={soup}", to_html(report_parts(known_values(blank_every=k)), soup=soup)) for k in (5, 11) for soup in (False, True)]
    if (CORPUS / "raw").is_dir():
        pages += [(p.name, p.read_bytes()) for p in sorted((CORPUS / "raw").glob("*.html"))]
    return pages


@pytest.mark.parametrize("name, data", _pages(), ids=[n for n, _ in _pages()])
def test_fast_cell_text_reads_what_the_walk_over_the_cells_reads(name, data):
    tables = _tables(data)
    assert tables
    for t in tables:
        assert table_grid(t, fast=True) == table_grid(t, fast=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cell_lines, min_size=1, max_size=6), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_a_generated_table_reads_as_its_cells(rows, rnd):
    markup = "".join("<tr>" + "".join(f"<td>{_cell_markup(c, rnd)}</td>" for c in row) + "</tr>" for row in rows)
    data = f"<html><body><table>{markup}</table></body></html>".encode()
    (t,) = _tables(data)
    width = max(len(r) for r in rows)
    expected = [[*("\n".join(c) for c in row), *[""] * (width - len(row))] for row in rows]
    expected = [r for r in expected if any(r)]
    assert table_grid(t, fast=True) == expected
    assert table_grid(t, fast=False) == expected


def _place_one_by_one(flow: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """The plain form lay_out replaces: every cell placed alone, after the positions cells before it cover."""
    g = GridBuilder()
    for r, row in enumerate(flow):
        c = 0
        for text, rs, cs in row:
            while g.occupied(r, c):
                c += 1
            g.place(r, c, text, rs, cs)
            c += cs
    return g.rows()


cell_text = st.sampled_from(("", "5", "规章", "三、本年度办理结果"))
# (half the cells merged: rows without a merged cell, below rows with some, are laid out as a whole)
spans = st.one_of(st.tuples(cell_text, st.just(1), st.just(1)), st.tuples(cell_text, st.integers(1, 3), st.integers(1, 3)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(spans, max_size=5), max_size=6))
def test_lay_out_places_cells_as_placing_them_one_by_one(flow):
    texts = [[text for text, _, _ in row] for row in flow]
    spans = {(r, j): (rs, cs) for r, row in enumerate(flow) for j, (_, rs, cs) in enumerate(row) if (rs, cs) != (1, 1)}
    assert lay_out(texts, spans) == _place_one_by_one(flow)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(spans, min_size=1, max_size=5), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_merged_cells_read_as_the_grid_lays_them_out(flow, rnd):
    flow = [[(text, min(rs, len(flow) - r), cs) for text, rs, cs in row] for r, row in enumerate(flow)]
    markup = "".join(
        "<tr>" + "".join(f'<td rowspan="{rs}" colspan="{cs}">{_cell_markup([text] if text else [], rnd)}</td>' for text, rs, cs in row) + "</tr>"
        for row in flow
    )
    (t,) = _tables(f"<table>{markup}</table>".encode())
    assert table_grid(t, fast=True) == table_grid(t, fast=False) == _place_one_by_one(flow)


blocks = st.lists(
    st.one_of(
        st.tuples(st.just("p"), st.lists(line_text, min_size=1, max_size=3)),
        st.tuples(st.just("table"), st.lists(st.lists(line_text, min_size=2, max_size=4), min_size=1, max_size=3)),
        st.tuples(st.just("chrome"), st.sampled_from(("menu", "hidden", "script", "nav", "comment"))),
    ),
    max_size=8,
)


def _chrome(kind: str) -> str:
    return {
        "menu": '<ul class="menu"><li><a href="/">首页</a></li><li><a href="/x">政务<span>公开</span></a></li></ul>',
        "hidden": '<div style="display: none"><p>隐藏的段落</p></div><span hidden>也隐藏</span>'
                  '<em hidden style="DISPLAY:None; visibility: hidden">三处都隐藏<i style="visibility:hidden">其中</i></em>'
                  '<p style="color:red; Visibility : Hidden">不可见</p>',
        "script": "<script>document.write('<p>脚本</p>');</script><style>p{color:red}</style>",
        "nav": "<nav><p>机构概况</p></nav>",
        "comment": "<!-- <p>注释</p> -->",
    }[kind]


@settings(max_examples=150, deadline=None)
@given(blocks, st.randoms(use_true_random=False))
def test_a_generated_page_reads_as_its_paragraphs_and_tables_in_order(items, rnd):
    body = []
    expected: list = []
    for kind, value in items:
        if kind == "p":
            tag = rnd.choice(("p", "div", "li", "h3"))
            inner = "<br>".join(_soup(line, rnd) for line in value)
            if rnd.random() < 0.3:  # a link inside text does not make the text a menu
                inner += '<a href="/more">详见附件</a>'
                value = [*value[:-1], value[-1] + "详见附件"]
            body.append(f"<{tag}>{inner}</{tag}>")
            expected += [Paragraph(text=line) for line in value]
        elif kind == "table":
            body.append("<table>" + "".join("<tr>" + "".join(f"<td>{_cell_markup([c], rnd)}</td>" for c in row) + "</tr>" for row in value) + "</table>")
            width = max(len(r) for r in value)
            expected.append(Table(rows=[[*row, *[""] * (width - len(row))] for row in value]))
        else:
            body.append(_chrome(value))
    data = ("<html><head><title>t</title></head><body>" + "\n".join(body) + "</body></html>").encode()
    assert read_bytes(data, "x.html").blocks == expected


# --- the normalisation of cells and paragraph runs, against the patterns it replaces ---

_SPACE_RUN = re.compile(r"[ \u00a0\u3000]+")
_LINE_EDGES = re.compile(r" *\n[ \n]*")


def _plain_cell_texts(raw: list[str]) -> list[str]:
    joined = H._WS.sub(" ", H._SEP.join(raw)).replace(H._MARK, "\n")
    if not joined.isascii():
        joined = clean(joined)
    joined = _LINE_EDGES.sub("\n", _SPACE_RUN.sub(" ", joined))
    return [t.strip(" \n") for t in joined.split(H._SEP)]


def _plain_chunk_texts(raw: list[str]) -> list[str]:
    return [H._lines(H._WS.sub(" ", text).replace(H._MARK, "\n"), keep=True) for text in raw]


# every kind of white space the steps treat differently, the marks, and characters NFKC changes
_RAW = " \n\t\r\f\u00a0\u3000\u2003\u2028\x1c\x85\ufeffab1（）\uff11\u3001\u00bd" + H._MARK


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.text(alphabet=_RAW, max_size=12), min_size=1, max_size=5))
def test_cells_and_runs_are_normalised_as_the_space_and_line_patterns_normalise_them(raw):
    assert H._cell_texts(raw) == _plain_cell_texts(raw)
    assert H._chunk_texts(raw) == _plain_chunk_texts(raw)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_RAW + "  \t\t\n\n\x0b", max_size=40))
def test_source_white_space_collapses_as_the_pattern_collapses_it(text):
    assert H._collapse(text) == H._WS.sub(" ", text)


# --- runs of nothing but links dropped when they end, against keeping every run until result() ---


class _KeepEveryRun(H._Walker):
    """The plain form: every run of text is kept and normalised, result() drops the menus."""

    def flush(self) -> None:
        if not self.buf:
            return
        text = "".join(self.buf)
        self.buf.clear()
        if not text.isspace():
            self.blocks.append(len(self.chunks))
            self.chunks.append((text, H.link_chars(self.links)))
        self.links.clear()
        self.plain = False


_LINKISH = " \t\n\f\u00a0\u3000\u2003\x1c\u2028首页政务a1"
pieces = st.lists(
    st.one_of(
        st.tuples(st.just("a"), st.text(alphabet=_LINKISH, max_size=4)),
        st.tuples(st.just("text"), st.text(alphabet=_LINKISH, max_size=3)),
        st.tuples(st.sampled_from(("br", "nbsp", "ideographic", "span-link")), st.just("")),
    ),
    max_size=6,
)


def _walk(data: bytes, walker: type) -> list:
    tree = LexborHTMLParser(page_source(data)[1])
    w = walker(True)
    w.walk(tree.body)
    w.flush()
    return w.result()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("li", "p", "div", "td")), pieces), max_size=5))
def test_a_run_of_links_is_dropped_as_result_drops_it(runs):
    body = []
    for tag, parts in runs:
        inner = []
        for kind, text in parts:
            text = html.escape(text)
            inner.append({"a": f'<a href="/x">{text}</a>', "text": text, "br": "<br>", "nbsp": "&nbsp;",
                          "ideographic": "&#12288;", "span-link": '<span><a href="/y">栏目</a></span>'}[kind])
        body.append(f"<{tag}>{''.join(inner)}</{tag}>" if tag != "td" else f"<table><tr><td>{''.join(inner)}</td></tr></table>")
    data = ("<html><body><ul>" + "\n".join(body) + "</ul></body></html>").encode()
    assert _walk(data, H._Walker) == _walk(data, _KeepEveryRun)


# --- does the page hide anything: the words found by bytes.find, against the patterns searched ---


def _may_hide_plain(page: bytes) -> bool:
    if b"display:none" in page or b"display: none" in page:
        return True
    low = page.lower()
    return bool(H._DISPLAY_NONE.search(low) or H._VISIBILITY_HIDDEN.search(low) or (b" hidden" in low and H._HIDDEN_ATTR.search(low)))


_HIDING_BITS = (b"display", b"DISPLAY", b"Display", b"visibility", b"Visibility", b":", b" ", b"\t", b"\n", b"none", b"None",
                b"hidden", b"HIDDEN", b"<div", b"<p", b">", b"=", b"/", b"x", b'"', b"\xe4\xb8\xad")


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_HIDING_BITS), max_size=14))
def test_hiding_is_found_as_the_patterns_find_it(bits):
    page = b"".join(bits)
    assert H._may_hide(page) == _may_hide_plain(page)


# --- the page's scripts cut from its own bytes before it is decoded, against decoding it whole ---


def _outcome(source, data: bytes):
    """The UTF-8 the parser reads, or the reason the page is refused."""
    try:
        return source(data)[1]
    except ReadError as e:
        return e.cause_en


def _page_source_plain(data: bytes) -> tuple[str, bytes]:
    """The plain form: the whole page decoded, then encoded as UTF-8, then cut."""
    text, page = H._decode_html(H.mht_html(data) or data, "")
    if page is None:
        page = text.encode("utf-8", "ignore")
    return text, H._SCRIPT.sub(b"", H._XML_DECL.sub(b"", page, count=1))


_DECLARATIONS = ("", '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=GBK">',
                 '<meta charset="gb2312">', '<meta charset="x-unknown">')
_PAGE_TEXT = st.text(alphabet="政府信息公开年度报告，。—©éa1 <>&", min_size=1, max_size=12)
_SCRIPT_TEXT = st.text(alphabet="政府信息公开var x=1;\"'/", max_size=12)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_DECLARATIONS),
    st.sampled_from(("utf-8", "gbk")),
    st.lists(st.tuples(_PAGE_TEXT, _SCRIPT_TEXT, st.sampled_from(("script", "style", "SCRIPT", ""))), min_size=1, max_size=4),
    st.sampled_from(("same", "other", "invalid")),
    st.booleans(),
)
def test_scripts_cut_before_decoding_read_as_the_page_decoded_whole(declaration, encoding, parts, script_bytes, xml):
    """A page whose every byte is in one encoding, a page in GBK, a page that declares GBK and a
    page that declares nothing read exactly as before; a page that declares UTF-8 and whose
    scripts alone are in another encoding, or broken, reads as its text without them (it was
    read as a page of mixed encodings, or guessed)."""
    other = "gbk" if encoding == "utf-8" else "utf-8"
    body = []
    for text, script, tag in parts:
        body.append(f"<p>{html.escape(text)}</p>".encode(encoding, "replace"))
        if tag:
            inner = {"same": script.encode(encoding), "other": script.encode(other), "invalid": b"\xff\xfe" + script.encode(encoding)}[script_bytes]
            body.append(f"<{tag}>".encode() + inner + f"</{tag}>".encode())
    head = (b'<?xml version="1.0"?>' if xml else b"") + f"<html><head>{declaration}</head><body>".encode()
    data = head + b"".join(body) + b"</body></html>"
    declares_utf8 = "utf-8" in declaration
    scripts_apart = declares_utf8 and encoding == "utf-8" and any(tag for _, _, tag in parts) and script_bytes != "same"
    if declares_utf8 and encoding == "gbk":
        # a page that lies about its charset: read as UTF-8, as it says, when what the parser
        # reads is UTF-8 (a few GBK characters can be, by chance); as before when it is not
        cut = H._without_scripts(data)
        try:
            cut.decode("utf-8")
        except UnicodeDecodeError:
            assert _outcome(page_source, data) == _outcome(_page_source_plain, data)
        else:
            assert page_source(data)[1] == cut
    elif not scripts_apart:
        # (the text is what the reader looks for its private marks in: the page's, scripts maybe left out;
        # a page no encoding reads — GBK with broken bytes — is refused by both, with the same words)
        assert _outcome(page_source, data) == _outcome(_page_source_plain, data)
    else:
        # what is left once the scripts are cut out is read as the page without them reads
        bare = head + b"".join(b for b in body if not b.lower().startswith((b"<script", b"<style"))) + b"</body></html>"
        got = LexborHTMLParser(page_source(data)[1]).body.text()
        assert got == LexborHTMLParser(page_source(bare)[1]).body.text()
