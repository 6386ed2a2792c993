"""The extractor's fast paths find exactly what the plain forms they replace find.

* :func:`xxgk.text.alternation` (a trie of the words) against ``"|".join`` of the
  words sorted longest first, with and without white space between characters;
* :func:`xxgk.extract.tokens._headings` against ``finditer`` of the heading pattern;
* the table reader's label matches — kept per label text, found through the table's
  index of label words — against the row-by-row test;
* the one-character-off test of a key phrase against the position-by-position one.

Property tests over generated words and texts (the alphabet is small on purpose,
so that words overlap, share prefixes and stand inside each other), and the
real paragraphs and labels of the seeds and the corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import xxgk
from xxgk.extract import tables as T
from xxgk.extract.tokens import _heading_pattern, _headings, _split_labels, _split_pattern, tokens_of
from xxgk.layouts import LAYOUTS, SECTIONS
from xxgk.model import Paragraph
from xxgk.text import alternation, clean, norm_label, tidy

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))
CORPUS = REPO.parent / "shared" / "corpus" / "raw"

ALPHABET = "一二三四、公开情况 0 1"
words = st.lists(st.text(alphabet=ALPHABET.replace(" ", ""), min_size=1, max_size=6), min_size=1, max_size=12)
texts = st.text(alphabet=ALPHABET + "\n\t", max_size=60)


def _plain(ws, spaced: bool) -> re.Pattern[str]:
    join = r"\s*" if spaced else ""
    return re.compile("|".join(join.join(re.escape(c) for c in w) for w in sorted(set(ws), key=len, reverse=True)))


@settings(max_examples=400, deadline=None)
@given(words, texts, st.booleans())
def test_alternation_finds_what_the_sorted_alternation_finds(ws, text, spaced):
    fast = re.compile(alternation(ws, spaced=spaced))
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in _plain(ws, spaced).finditer(text)]


def test_alternation_of_nothing_matches_nothing():
    assert re.compile(alternation([])).search("任何文字") is None


def _paragraphs(cleaned: bool = True) -> list[str]:
    files = list(SEEDS)
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".html"))
    out = []
    for f in files:
        doc = xxgk.read_bytes(f.read_bytes(), str(f))
        out += [(clean if cleaned else str)(tidy(b.text).strip()) for b in doc.blocks if isinstance(b, Paragraph)]
    return out


def test_real_paragraphs_labels_and_headings_found_as_before():
    """The label pattern against the plain one built from the same labels, and
    the heading finder against finditer, on every paragraph of the seeds and corpus."""
    split = _split_pattern()
    # the labels the trie was built from, read back out of the pattern's own words is not
    # possible: rebuild the plain pattern from the same label set instead
    from xxgk.extract import tokens as tok_mod

    labels = tok_mod._split_labels()
    plain = _plain(labels, spaced=True)
    heading = _heading_pattern()
    paras = _paragraphs()
    assert len(paras) > 100
    for p in paras:
        assert [m.span() for m in split.finditer(p)] == [m.span() for m in plain.finditer(p)], p[:80]
        assert [m.span() for m in _headings(p)] == [m.span() for m in heading.finditer(p)], p[:80]


def _row_by_row(table, tok) -> tuple[set[int], set[int], list[int]]:
    """What the reader found before label matches were kept: every row tested in turn."""
    rows = {i for i, r in enumerate(table.rows) if T.match_row(tok, r)}
    near = {i for i, r in enumerate(table.rows) if T.matches_nearly(tok, r)}
    groups = [i for i, g in enumerate(table.groups) if T.match_row(tok, g)]
    return rows, near, groups


def test_kept_label_matches_equal_row_by_row_matches_on_real_tokens():
    files = list(SEEDS)
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".html"))
    seen = 0
    for f in files:
        for tok in tokens_of(xxgk.read_bytes(f.read_bytes(), str(f))):
            if tok.value or not tok.norm or T._body(tok) == "\0":
                continue
            for lay in LAYOUTS.values():
                for table in lay.tables:
                    hits, near_hits = T._label_hits(table, T._body(tok)), T._near_hits(table, T._body(tok))
                    rows, near, groups = _row_by_row(table, tok)
                    assert (set(hits.rows), set(near_hits), list(hits.groups)) == (rows, near, groups), tok.text
                    seen += 1
    assert seen > 1000


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([r for lay in LAYOUTS.values() for t in lay.tables for r in (*t.rows, *t.groups)]), st.text(alphabet="（）()一、1. 其他总计情况", max_size=6), st.text(alphabet="（）()说明其他", max_size=8))
def test_kept_label_matches_equal_row_by_row_for_label_variants(row, before, after):
    """Official labels with numbering, notes and noise around them."""
    text = before + row.label + after
    tok = tokens_of(xxgk.model.Document(source=xxgk.model.Source(path="x", sha256="", format="text"), blocks=[Paragraph(text=text)]))
    for t in tok:
        if t.value or not t.norm or T._body(t) == "\0":
            continue
        for lay in LAYOUTS.values():
            for table in lay.tables:
                hits, near = T._label_hits(table, T._body(t)), T._near_hits(table, T._body(t))
                assert (set(hits.rows), set(near), list(hits.groups)) == _row_by_row(table, t)
                assert T._bare_label(t, table) == _bare_label_row_by_row(t, table)


def _bare_label_row_by_row(tok, table) -> bool:
    from xxgk.text import strip_numbering

    body = strip_numbering(tok.norm)
    if not body or len(body) > 40 or any(ch.isdigit() for ch in body):
        return False
    return any(T.match_row(tok, r) and len(body) <= len(norm_label(r.label)) + 4 for r in table.rows)


# ---------------------------------------------------------------- NFKC

import unicodedata  # noqa: E402

from xxgk.text import _nfkc  # noqa: E402

# full-width forms, CJK, ASCII that composes with a following mark (< = >),
# combining marks, compatibility characters NFKC changes otherwise (①, ㈠, ﹐, ⅱ)
_NFKC_ALPHABET = "，：；（）！？．％／－～　公开情况12ab<=>\u0338\u0301\u0327①㈠﹐ⅱＡ１"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_NFKC_ALPHABET, max_size=40))
def test_nfkc_with_full_width_forms_replaced_first_is_nfkc(text):
    assert _nfkc(text) == unicodedata.normalize("NFKC", text)


def test_nfkc_of_real_paragraphs():
    paras = _paragraphs(cleaned=False)
    assert sum(not unicodedata.is_normalized("NFKC", p) for p in paras) > 50  # full-width punctuation (the seeds alone: 76)
    for p in paras:
        assert _nfkc(p) == unicodedata.normalize("NFKC", p)


# ---------------------------------------------------------------- untracked structs


def test_structs_the_collector_does_not_track_hold_only_scalars():
    """Token and CellSource are ``gc=False``: safe only while no field can hold a container
    (a list or a struct could close a reference cycle the collector would never free)."""
    import typing

    import msgspec

    from xxgk.extract.tokens import Token
    from xxgk.model import CellSource

    scalars = {str, int, float, bool, type(None)}
    for cls in (Token, CellSource):
        assert cls.__struct_config__.gc is False
        for f in msgspec.structs.fields(cls):
            kinds = set(typing.get_args(f.type)) or {f.type}
            assert kinds <= scalars, (cls.__name__, f.name, f.type)


def _near_by_position(key: str, text: str) -> bool:
    """The plain form: compare the key at every position, exactly one character differing."""
    return any(sum(a != b for a, b in zip(key, text[i : i + len(key)])) == 1 for i in range(len(text) - len(key) + 1))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="公开申请行政", min_size=1, max_size=6), st.text(alphabet="公开申请行政.\n(", max_size=14))
def test_one_character_off_found_as_position_by_position(key, text):
    assert T._near(key, text) == _near_by_position(key, text)


def test_one_character_off_on_real_labels():
    keys = {k for lay in LAYOUTS.values() for t in lay.tables for r in t.rows for k in T._match_spec(r)[2]}
    texts = [tok.norm for p in SEEDS for tok in tokens_of(xxgk.read_path(p)) if tok.norm and len(tok.norm) <= 80]
    pairs = [(k, "本年" + k[:1] + "某" + k[2:] + "数量") for k in keys if len(k) >= 4]  # one character mistyped
    assert pairs and all(T._near(k, m) for k, m in pairs)
    mistyped = [m for _, m in pairs]
    for k in keys:
        for t in texts + mistyped:
            assert T._near(k, t) == _near_by_position(k, t), (k, t)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet="公开申请行政", max_size=5), max_size=10), st.text(alphabet="公开申请行政 1", max_size=30))
def test_word_index_finds_every_word_in_the_text(ws, text):
    index = T._Words((w, i) for i, w in enumerate(ws))
    assert {i for _, i in index.found(text)} == {i for i, w in enumerate(ws) if w in text}


# ---------------------------------------------------------------- white space


def test_squeeze_removes_exactly_what_the_white_space_pattern_removes_at_every_code_point():
    """``text.squeeze`` (``str.split``) against ``re.sub(r"\\s+", "")``, the plain form it
    replaced, for every code point between two letters (ASCII, CJK, every kind of space)."""
    import sys

    from xxgk.text import squeeze

    ws = re.compile(r"\s+")
    bad = [c for c in range(sys.maxunicode + 1) if 0xD800 > c or c > 0xDFFF
           if squeeze(f"a{chr(c)}b") != ws.sub("", f"a{chr(c)}b")]
    assert bad == []
    assert squeeze("一、\u3000总体\t情况 \u00a0\n") == "一、总体情况"  # (the test can see a difference)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1f\x85\u00a0\u2000\u2028\u3000\u200b公开1a", max_size=30))
def test_squeeze_of_any_text_is_the_white_space_pattern_s(text):
    from xxgk.text import squeeze

    assert squeeze(text) == re.sub(r"\s+", "", text)


# paragraphs as documents have them: labels, headings, figures, prose, and what
# normalisers change (full-width forms, odd spaces, combining marks, curly quotes, \r)
_PARA_ALPHABET = "一二三、主动公开规章行政规范性文件情况其他总计0123 \t\r\n，（）：１２\u3000\u00a0\u0301\u0308“”ｱ\ufdd3"
_para = st.one_of(
    st.text(alphabet=_PARA_ALPHABET, max_size=40),
    st.builds(lambda a, b, c: a + b + c, st.text(alphabet=_PARA_ALPHABET, max_size=8), st.sampled_from(sorted(_split_labels())), st.text(alphabet="0123 ", max_size=6)),
)


@st.composite
def _document_paragraphs(draw) -> list[str]:
    """Paragraphs, sometimes with a label cut in two across neighbours (规 | 章: the
    two halves must not be found as one label when the texts are joined)."""
    paras = draw(st.lists(_para, max_size=12))
    if paras and draw(st.booleans()):
        label = draw(st.sampled_from(sorted(lab for lab in _split_labels() if len(lab) >= 2)))
        k = draw(st.integers(1, len(label) - 1))
        at = draw(st.integers(0, len(paras)))
        paras[at:at] = [draw(st.text(alphabet="12 ", max_size=3)) + label[:k], label[k:] + draw(st.text(alphabet="12 ", max_size=3))]
    if paras and draw(st.booleans()):
        # a numbered heading's numeral at one paragraph's end, a section's key words at the next one's start
        key = draw(st.sampled_from(sorted({k for s in SECTIONS for k in s.keys})))
        at = draw(st.integers(0, len(paras)))
        paras[at:at] = [draw(st.text(alphabet="1 。", max_size=2)) + draw(st.sampled_from(["二、", "十一 、", "三"])), draw(st.sampled_from(["", "、", "工作"])) + key]
    return paras


@settings(max_examples=400, deadline=None)
@given(_document_paragraphs())
def test_paragraphs_normalised_and_cut_at_once_as_one_by_one(paras):
    """tokens_of normalises and cuts all of a document's paragraphs in one pass:
    the same as each on its own (a text holding the joining character is done one by one)."""
    from xxgk.extract.tokens import split_glued, split_glued_all
    from xxgk.text import each

    assert each(tidy, paras) == [tidy(p) for p in paras]
    assert each(clean, paras) == [clean(p) for p in paras]
    cleaned = [clean(tidy(p).strip()) for p in paras]
    assert split_glued_all(cleaned) == [split_glued(p) for p in cleaned]


def test_real_paragraphs_cut_at_once_as_one_by_one():
    from xxgk.extract.tokens import split_glued, split_glued_all
    from xxgk.text import each

    raw = _paragraphs(cleaned=False)
    assert each(clean, raw) == [clean(p) for p in raw]
    paras = [clean(p) for p in raw]
    cut = split_glued_all(paras)
    assert cut == [split_glued(p) for p in paras]
    assert sum(len(c) > 1 for c in cut) > 0  # (some real paragraphs are cut)


def _label_cuts_plain(text: str, labels: list[tuple[int, int]]) -> set[int]:
    """Where labels cut a text, as the tokenizer first decided it (the reference)."""
    from xxgk.extract.tokens import _NON_SPACE, _PROSE_COUNT

    cuts: set[int] = set()
    for i, (start, end) in enumerate(labels):
        nxt = _NON_SPACE.search(text, end)
        k = start - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if (
            (nxt is not None and text[nxt.start()].isdigit() and not _PROSE_COUNT.match(text, nxt.start()))
            or (k >= 0 and text[k].isdigit())
            or (i > 0 and not text[labels[i - 1][1] : start].strip())
            or (i + 1 < len(labels) and not text[end : labels[i + 1][0]].strip())
        ):
            cuts.update((start, end))
    return cuts


_glued = st.lists(
    st.one_of(st.sampled_from(sorted(_split_labels())), st.text(alphabet="0123 件条项，。类信息\u3000\t", max_size=5)), max_size=14
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_glued)
def test_label_cuts_of_generated_glued_text_as_the_plain_decision(text):
    from xxgk.extract.tokens import _label_cuts

    labels = [m.span() for m in _split_pattern().finditer(text)]
    assert _label_cuts(text, labels) == _label_cuts_plain(text, labels)


def test_label_cuts_of_real_paragraphs_as_the_plain_decision():
    from xxgk.extract.tokens import _label_cuts

    seen = 0
    for p in _paragraphs():
        labels = [m.span() for m in _split_pattern().finditer(p)]
        cuts = _label_cuts(p, labels)
        assert cuts == _label_cuts_plain(p, labels), p[:80]
        seen += bool(cuts)
    # (the corpus's crawled pages run tables into paragraphs; the seeds alone do not)
    assert seen > 0 or not CORPUS.is_dir()


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="岚市监综〔2017〕13号 ", max_size=12),
    st.sampled_from(["平潭综合实验区市场监督管理局", "某某县人民政府办公室", "某局"]),
    st.sampled_from(["2016年度政府信息公开工作年度报告", "2020 年政府信息公开年度报告", "2019年政务公开工作年度报告", "2021年度工作总结"]),
    st.text(alphabet="根据条例现将本年度情况报告如下。，", min_size=90, max_size=140),
)
def test_a_title_run_into_the_body_is_found_as_the_full_pattern_finds_it(prefix, agency, title, body):
    """The opening of a body run into one paragraph is searched for a title only where
    the title's year and words stand: the result is the full pattern's, or none."""
    from xxgk.extract.meta import _TITLE_IN_TEXT, _named_title, find_title

    text = f"{prefix}{agency} {title} {body}"
    doc = xxgk.model.Document(source=xxgk.model.Source(path="x", sha256="", format="text"), blocks=[Paragraph(text=text)])
    toks = tokens_of(doc)
    found, at = find_title(toks, None)
    head = [t for t in toks if len(t.norm) > 80][:1]
    m = _TITLE_IN_TEXT.search(head[0].text[:160]) if head else None
    if m is not None and toks.index(head[0]) < 5:
        assert found == _named_title(m.group(0))
    elif found is not None:
        assert at >= 0 and "报告" in found  # (a title line of its own, found by the first loop)


def test_the_title_of_a_body_run_into_one_paragraph():
    from xxgk.extract.meta import find_title

    text = "岚市监综〔2017〕13号 平潭综合实验区市场监督管理局 2016年度政府信息公开工作年度报告 " + "根据条例现将本年度情况报告如下。" * 8
    doc = xxgk.model.Document(source=xxgk.model.Source(path="x", sha256="", format="text"), blocks=[Paragraph(text=text)])
    assert find_title(tokens_of(doc), None) == ("平潭综合实验区市场监督管理局2016年度政府信息公开工作年度报告", 0)
    # without the report's year and words there is no title in it
    doc.blocks = [Paragraph(text=text.replace("2016年度政府信息公开工作年度报告", "工作总结"))]
    assert find_title(tokens_of(doc), "页面标题") == ("页面标题", -1)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="某局镇人民政府。；，: \n2024年", max_size=120))
def test_the_signer_before_a_date_is_found_in_the_last_40_characters(before):
    """The words before a 落款 date (at most 40, up to the text's end) are looked for
    only where they can start: the same match as a search of the whole text."""
    from xxgk.extract.meta import _SIGNER

    before = before.rstrip()
    whole, tail = _SIGNER.search(before), _SIGNER.search(before, max(0, len(before) - 40))
    assert (whole and (whole.span(), whole.group(1))) == (tail and (tail.span(), tail.group(1)))


def test_records_keep_cells_and_their_sources_in_layout_order():
    """A record's cells are in layout order whatever order the report wrote its rows in
    (kept as read where that is the order already), and its provenance in the same order."""
    from xxgk.extract import _cell_order, _in_order_of

    files = list(SEEDS)
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".html"))
        files += sorted((CORPUS.parent / "sites").glob("*.txt"))
    for f in files:
        rec = xxgk.parse_bytes(f.read_bytes(), str(f))
        if not rec.cells:
            continue
        order = _cell_order(rec.meta.template)
        assert list(rec.cells) == sorted(rec.cells, key=lambda k: order.get(k, len(order))), f  # (a key the layout lacks after the rest)
        assert list(rec.provenance) == [k for k in rec.cells if k in rec.provenance], f
    # sources written in another order than the cells are put in the cells' order
    cells = {"t2.b.x": 1, "t2.a.x": 2}
    assert list(_in_order_of(cells, {"t2.a.x": "A", "t2.b.x": "B"})) == ["t2.b.x", "t2.a.x"]
    assert _in_order_of(cells, {"t2.b.x": "B"}) == {"t2.b.x": "B"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), unique=True).map(lambda xs: tuple(sorted(xs))), st.integers(0, 32), st.sets(st.integers(-1, 30)), st.integers(-1, 30))
def test_rows_in_reading_order_as_the_plain_form(idxs, start, valued, also):
    """The rows a label names, after the last row with figures first (most labels name
    rows after it: then the rows as they are); the open row's counted as one with
    figures without a copy of the set."""
    plain = [i for i in idxs if i >= start] + [i for i in idxs if i < start and i not in valued]
    assert list(T._in_order(idxs, start, valued)) == plain
    with_open = valued | {also}
    plain = [i for i in idxs if i >= start] + [i for i in idxs if i < start and i not in with_open]
    assert list(T._in_order(idxs, start, valued, also)) == plain


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789٣०１", min_size=1, max_size=20))
def test_a_piece_of_digits_alone_has_no_text_after_its_figures(piece):
    """split_glued passes over the lead-figures pattern for a piece of nothing but digits:
    the pattern finds no text after them there."""
    from xxgk.extract.tokens import _LEAD_FIGURES

    m = _LEAD_FIGURES.match(piece)
    assert m is None or m.group(2) is None


_HEADING_PIECES = ["一", "二", "十", "十一", "、", " ", "\u3000", "总体情况", "主动公开", "政府信息公开", "行政复议", "情况", "12", "。", "，", "其他需要报告的事项"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_HEADING_PIECES), max_size=14).map("".join))
def test_headings_found_where_a_numeral_stands_before_a_mark_as_finditer_finds_them(text):
    """The heading finder tries its pattern only at a numeral followed by 、: the same
    matches as the pattern's own finditer, on generated texts of numerals, marks and titles."""
    assert [m.span() for m in _headings(text)] == [m.span() for m in _heading_pattern().finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_PARA_ALPHABET + "\r\u2003\u200b\ufeff", max_size=40))
def test_a_tidied_paragraph_is_cleaned_without_tidying_it_again(text):
    """tokens_of cleans the paragraphs it has tidied with clean_tidied: the same as clean."""
    from xxgk.text import clean_tidied

    published = tidy(text).strip()
    assert tidy(published) == published
    assert clean_tidied(published) == clean(published)


def test_kept_cell_keys_are_the_keys_built_from_table_row_and_column():
    """The record's keys of a row's columns, kept in the table's index, are the keys the
    plain form builds (``table.row.column``) for the same columns, with and without 小计."""
    seen = 0
    for lay in LAYOUTS.values():
        for table in lay.tables:
            for row in table.rows:
                for org_subtotal in (False, True):
                    cols = T._columns(table, row, org_subtotal)
                    kept = T._index(table).cell_keys[id(cols)]
                    assert kept[0] is cols
                    assert kept[1] == [f"{table.key}.{row.key}.{c.key}" for c in cols]
                    seen += 1
        t4 = lay.table("t4")
        assert T._t4_keys(t4) == [f"{t4.key}.{r.key}.{c.key}" for r in t4.rows for c in t4.columns]
    assert seen > 100


# --- tidy and the quote fold look for each character with ``in``, against the character classes ---

_ODD = "\u00a0\u2000\u2005\u200a\u200b\u202f\u205f\u3000\ufeff"
_QUOTES = "“”「」‘’〝〞"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="规章 12\r\n\t" + _ODD + _QUOTES + "\u2010\u200c\u3001", max_size=60), st.integers(1, 12))
def test_tidy_and_quote_fold_as_the_character_classes(text, times):
    """Short texts and long ones (tidy takes them differently), every odd space, the
    characters just outside the class (U+200C, U+2010), quotes of every kind."""
    from xxgk.text import _nfkc, clean_tidied

    text *= times
    plain = re.sub(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]", " ", text.replace("\r\n", "\n").replace("\r", "\n"))
    assert tidy(text) == plain
    assert clean_tidied(plain) == re.sub("[“”「」〝〞]", '"', re.sub("[‘’]", "'", _nfkc(plain)))
