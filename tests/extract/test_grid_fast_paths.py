"""The extractor's fast paths for the grids of web pages find exactly what the plain forms
they replace find.

* layout markers: cells of digits alone are passed over — against the loop that
  searched every token;
* 表四's figure lines found from the line where 表四 starts — against the pass over
  every token;
* the table-start and header tests written for speed — against their plain forms;
* grid cells without per-cell lines or OCR confidence made in the short loop —
  against the general loop;
* 表三's column balance left out where no row leaves its reading open — against
  asking it.

Property tests over generated token streams and texts (small alphabets of the layouts'
own words, so that markers, labels and figures meet), and the real documents: the
seeds, the corpus and the sites' pages.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import xxgk
from xxgk.extract import glued
from xxgk.extract import meta as M
from xxgk.extract import tables as T
from xxgk.extract.tokens import Token, tokens_of
from xxgk.layouts import LAYOUTS, T3_HEADER_GROUP, T3_NOTE_KEY, T4_SUIT_GROUP
from xxgk.model import Document, Paragraph, Source, Table

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))
CORPUS = REPO.parent / "shared" / "corpus" / "raw"
PAGES = REPO / "tests" / "fixtures" / "pages"


def _real_documents() -> list:
    files = list(SEEDS) + sorted(PAGES.glob("*.html"))[:20]
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".html"))
        files += sorted((CORPUS.parent / "sites").glob("*.txt"))[:20]
    docs = []
    for f in files:
        try:
            docs.append(xxgk.read_bytes(f.read_bytes(), str(f)))
        except xxgk.ReadError:
            continue
    return docs


_DOCS: list | None = None


def real_documents() -> list:
    global _DOCS
    if _DOCS is None:
        _DOCS = _real_documents()
    return _DOCS


def _tok(text: str, line: int, col: int = 0, grid: bool = True) -> Token:
    from xxgk.numbers import is_value_text
    from xxgk.text import clean, squeeze

    text = clean(text).strip()
    return Token(text, squeeze(text), line, col, grid, True, None, text, is_value_text(text))


# ----- layout markers


def _markers_plain(tokens, year):
    """detect_template as it was: every token searched (the plain form)."""
    counts = {k: 0 for k in LAYOUTS}
    owners, any_marker = M._markers()
    prev = ""
    for t in tokens:
        if not t.norm or len(t.norm) > 200:
            prev = ""
            continue
        joined = prev + t.norm if prev and len(t.norm) <= M._PIECE else ""
        if any_marker.search(joined or t.norm):
            for m, layouts in owners.items():
                if m in t.norm or (joined and m in joined and m not in prev):
                    for k in layouts:
                        counts[k] += 1
        prev = t.norm if len(t.norm) <= M._PIECE and not t.value else ""
    return counts


def test_no_marker_phrase_holds_a_digit():
    """What lets the marker search pass over cells of digits alone (if a layout ever
    gets a marker with a digit, the fast path switches itself off)."""
    assert not M._markers_hold_digits()


_MARKER_PIECES = sorted({p for m in M._markers()[0] for p in (m, m[:2], m[2:], m[:3], m[3:])}) + [
    "0", "12", "３", "١٢", "1 2", "1\n2", "本年", "新", "数量", "无", "减", "件", "",
]


_MARKERS = sorted(M._markers()[0])


@st.composite
def _marker_cells(draw) -> list[str]:
    """Cells: marker pieces, digits of every script, blanks, and header words split over
    two cells at any place (本年新 / 制作数量), with a piece of digits or a blank between
    them at times."""
    cells: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.booleans()):
            m = draw(st.sampled_from(_MARKERS))
            cut = draw(st.integers(1, len(m) - 1))
            cells += [m[:cut], *draw(st.lists(st.sampled_from(["0", "12", "", "١٢"]), max_size=1)), m[cut:]]
        else:
            cells.append(draw(st.sampled_from(_MARKER_PIECES)))
    return cells


@settings(max_examples=500, deadline=None)
@given(_marker_cells())
def test_markers_counted_as_the_plain_search_counts_them(pieces):
    """Cells of marker pieces, digits of every script, blanks and split header words:
    the same counts (and so the same layout) as searching every token."""
    toks = [_tok(p, line=i // 3, col=i % 3) for i, p in enumerate(pieces)]
    assert M.detect_template(toks, 2022)[1] == _markers_plain(toks, 2022)


def test_markers_of_real_documents_counted_as_the_plain_search_counts_them():
    seen = 0
    for doc in real_documents():
        toks = tokens_of(doc)
        assert M.detect_template(toks, 2022)[1] == _markers_plain(toks, 2022), doc.source.path
        seen += sum(M.detect_template(toks, 2022)[1].values())
    assert seen > 0


# ----- 表四's figure lines


def _figure_lines_plain(tokens):
    value_lines: dict[int, bool] = {}
    figure_lines: set[int] = set()
    for tok in tokens:
        if tok.grid and tok.text:
            value_lines[tok.line] = value_lines.get(tok.line, True) and tok.value
            if tok.value:
                figure_lines.add(tok.line)
    return value_lines, figure_lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "0", "12", "结果维持", "行政复议", "总计"]), st.booleans(), st.integers(0, 2)), max_size=30), st.integers(0, 40))
def test_figure_lines_from_a_start_as_the_pass_over_every_token(cells, start):
    """From any token on, every line at or after its line is answered as the pass over
    every token answers it (a line's answer is its own tokens')."""
    toks, line = [], 0
    for k, (text, grid, step) in enumerate(cells):
        line += step
        toks.append(_tok(text, line, col=k, grid=grid))
    if not toks:
        return
    start = min(start, len(toks) - 1)
    fast_values, fast_figures = T._figure_lines(toks, start)
    plain_values, plain_figures = _figure_lines_plain(toks)
    first = toks[start].line
    assert fast_values == {k: v for k, v in plain_values.items() if k >= first}
    assert fast_figures == {k for k in plain_figures if k >= first}


# ----- the table-start and header tests


_START_WORDS = [T3_NOTE_KEY, T3_HEADER_GROUP, *T._new_row_keys(), "申请", "本年", "情况", "一、", "(", "说明", "x" * 30]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_START_WORDS), max_size=5).map("".join))
def test_the_start_of_table_3_found_as_the_plain_test(text):
    n = text
    plain = (T3_NOTE_KEY in n and len(n) <= 60) or n == T3_HEADER_GROUP or (len(n) <= 40 and any(k in n for k in T._new_row_keys()))
    assert T._t3_start(_tok(text, 0)) == plain


def test_header_test_of_a_layout_as_the_two_argument_test():
    """The per-layout header test (a function of the text alone, kept for short texts)
    answers as the test given the layout's template, on every token of the real documents."""
    seen = 0
    for doc in real_documents():
        for tok in tokens_of(doc):
            for lay in LAYOUTS.values():
                if lay.template not in ("2019", "2021"):
                    continue
                assert T._header_test(lay)(tok.norm) == T._is_header_norm(tok.norm, lay.template), tok.norm
                seen += 1
    assert seen > 1000


# ----- grid tokens


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["", "0", "１２", "行政许可", "（一）予以公开", "减 3", "a\u3000b"]), min_size=1, max_size=5), min_size=1, max_size=5),
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), st.integers(1, 3)),
)
def test_grid_tokens_of_the_short_loop_as_the_general_loop(rows, reliable, with_lines, page):
    """A grid without per-cell source lines or OCR confidence is made into tokens by a short
    loop: the same tokens as the general loop makes (which an empty list of per-cell lines
    sends it to)."""
    lines = [10 + 2 * r for r in range(len(rows))] if with_lines else None
    src = Source(path="x.html", sha256="", format="html")
    blocks = [Paragraph(text="前言"), Table(rows=rows, reliable_blanks=reliable, lines=lines, page=page)]
    fast = tokens_of(Document(source=src, blocks=blocks))
    blocks_plain = [Paragraph(text="前言"), Table(rows=rows, reliable_blanks=reliable, lines=lines, page=page, cell_lines=[])]
    plain = tokens_of(Document(source=src, blocks=blocks_plain))
    assert fast == plain


def test_grid_tokens_of_real_documents_as_the_general_loop():
    seen = 0
    for doc in real_documents():
        if not any(isinstance(b, Table) and b.cell_lines is None and b.confidence is None for b in doc.blocks):
            continue
        plain_blocks = [
            Table(rows=b.rows, confidence=b.confidence, reliable_blanks=b.reliable_blanks, lines=b.lines, page=b.page, cell_lines=[])
            if isinstance(b, Table) and b.cell_lines is None else b
            for b in doc.blocks
        ]
        assert tokens_of(doc) == tokens_of(Document(source=doc.source, blocks=plain_blocks)), doc.source.path
        seen += 1
    assert seen > 0


# ----- 表三's column balance


_READINGS = st.lists(st.sampled_from([None, "0", "1", "12", "3"]), min_size=7, max_size=7)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([r.key for r in LAYOUTS["2021"].table("t3").rows]), _READINGS, st.lists(_READINGS.map(tuple), max_size=3), st.integers(0, 1)), max_size=8))
def test_the_balance_chooses_nothing_where_no_row_is_left_open(rows):
    """The reader asks for 表三's column balance only where a row's decoding leaves more than
    one reading fitting without a violation: where none does, the balance changes nothing."""
    cols = [c.key for c in LAYOUTS["2021"].table("t3").columns]
    decoded = {k: glued.Decoded(list(texts), set(), list(fitting), len(fitting), violations) for k, texts, fitting, violations in rows}
    asked = {k: (cols, d) for k, d in decoded.items()}
    if not any(len(d.fitting) > 1 and not d.violations for d in decoded.values()):
        assert glued.balance_t3(asked) == {}


# ----- rows read without figures, written again by the next row


def _read_all_styles() -> list:
    """Token streams of the real documents and of every serialisation style of the
    generated reports (merged label cells, fillers, streams of cells…)."""
    import sys

    sys.path.insert(0, str(REPO / "tests"))
    import serialgen as sg
    import test_serialisations as ts

    streams = [tokens_of(doc) for doc in real_documents()]
    for name, style in sorted(sg._named().items()):
        for template in ("2019", "2021"):
            try:
                text, _ = sg.serialise(template, ts.fixed_cells(template), "某某市人民政府办公室", 2022 if template == "2021" else 2020, style)
            except Exception:  # (a style a layout does not have)
                continue
            streams.append(tokens_of(xxgk.read_bytes(text.encode(), f"gen-{name}-{template}.txt")))
    return streams


def _table_streams(streams: list, default: str | None = None):
    """(tokens, layout) of each stream whose layout is found (or is ``default``), the answers kept
    on its tokens cleared."""
    from xxgk.layouts import layout_for

    for toks in streams:
        template = M.detect_template(toks, 2022)[0]
        if template not in ("2019", "2021"):
            if default is None:
                continue
            template = default
        for t in toks:
            t.body = None
        yield toks, layout_for(template)


def test_rows_superseded_by_the_next_leave_the_result_as_writing_every_row(monkeypatch):
    """A row read without figures whose cells the next row read writes again is not written:
    the cells, raw texts, sources, confidences, notes and uncertain cells are those of writing
    every row (the plain form), on the real documents and every serialisation style."""
    streams = _read_all_styles()

    def read_all() -> list:
        return [T.read_tables(toks, layout) for toks, layout in _table_streams(streams)]

    fast_results = read_all()
    calls = []
    real = T._superseded
    monkeypatch.setattr(T, "_superseded", lambda rr, nxt: calls.append(real(rr, nxt)) and False)
    plain_results = read_all()
    skipped = sum(calls)
    for fast, plain in zip(fast_results, plain_results, strict=True):
        assert list(fast.cells.items()) == list(plain.cells.items())
        assert list(fast.raw.items()) == list(plain.raw.items())
        assert list(fast.sources.items()) == list(plain.sources.items())
        assert fast.confidence == plain.confidence and fast.notes == plain.notes
        assert set(fast.uncertain) == set(plain.uncertain)
    assert skipped > 0 or not CORPUS.is_dir()  # (the grids of the corpus's web pages repeat their merged labels)


def test_a_row_is_superseded_only_by_the_next_read_of_its_row_writing_every_cell_it_writes():
    t3 = LAYOUTS["2021"].table("t3")
    new, carried = t3.row("new"), t3.row("carried_in")
    cols = T._columns(t3, new, False)
    tok = _tok("1", 0)

    def read(row, values, texts):
        return T._RowRead(row, T._columns(t3, row, False), values, texts, set())

    empty = read(new, [], [])
    assert T._superseded(empty, read(new, [tok] * len(cols), ["1"] * len(cols)))
    assert T._superseded(empty, read(new, [], []))  # (writes every column blank again)
    assert not T._superseded(empty, None)
    assert not T._superseded(empty, read(carried, [tok] * len(cols), ["1"] * len(cols)))
    assert not T._superseded(empty, read(new, [tok], ["1"]))  # (would leave columns 2… unwritten)
    assert not T._superseded(read(new, [tok] * len(cols), ["1"] * len(cols)), read(new, [tok] * len(cols), ["2"] * len(cols)))


def test_a_grid_cell_is_never_a_section_heading():
    """The table reader does not ask a grid cell whether it is a section heading: it never
    is, whatever its text (a heading written in a table cell stays a cell)."""
    from xxgk.extract.sections import is_section_heading

    heading = _tok("三、收到和处理政府信息公开申请情况", 0)
    assert heading.grid and not is_section_heading(heading)
    assert is_section_heading(_tok("三、收到和处理政府信息公开申请情况", 0, grid=False))
    seen = 0
    for doc in real_documents():
        for tok in tokens_of(doc):
            if tok.grid and tok.norm:
                assert not is_section_heading(tok)
                seen += 1
    assert seen > 100


# ----- a grid line read at once: figure runs and merged cells' copies


def _result_items(res) -> tuple:
    """Everything a table read gives, in its order."""
    return (
        list(res.cells.items()), list(res.raw.items()), list(res.sources.items()), list(res.confidence.items()),
        res.notes, res.uncertain, sorted(res.used_lines), res.tables_found,
    )


def _read_plain_and_fast(monkeypatch, streams, index_of=None, default: str | None = None) -> int:
    """read_tables of each stream with the grid-line fast paths and without them (the loop
    asking every token everything, find_label of every label included): the same results.
    Returns how many streams had a table."""
    def read_all(fast: bool) -> list:
        monkeypatch.setattr(T, "GRID_RUNS", fast)
        monkeypatch.setattr(T, "GRID_COPIES", fast)
        monkeypatch.setattr(T, "KEEP_UNNAMED", fast)
        return [
            _result_items(T.read_tables(toks, layout, index_of(toks) if index_of else None)) for toks, layout in _table_streams(streams, default)
        ]

    fast, plain = read_all(True), read_all(False)
    assert fast == plain
    return len(fast)


def test_grid_lines_read_at_once_as_the_loop_reads_every_token_on_real_documents_and_styles(monkeypatch):
    """A grid line's figures after the row's first one taken at once, and a merged cell's
    copies after a cell that changed nothing passed over: the same cells, raw texts, sources,
    notes, uncertain cells and used lines as the loop that asks every token, on the real
    documents and every serialisation style of the generated reports."""
    assert _read_plain_and_fast(monkeypatch, _read_all_styles()) > 20


_GRID_WORDS = [
    "", "", "0", "12", "3", "-", "无", "12 3", "规章", "行政许可", "第二十条第(五)项", "信息内容", "本年处理决定数量",
    T3_NOTE_KEY, T3_HEADER_GROUP, "自然人", "总计", "其他", "小计", "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果", "(一)予以公开", "(三)不予公开", "1.属于国家秘密", "(七)总计", "四、结转下年度继续办理",
    "行政复议", "行政诉讼", "结果维持", "未经复议直接起诉", "尚未审结",
]
_PARAGRAPHS = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "本年度共收到申请12件，已全部办结。"]


@st.composite
def _grid_streams(draw) -> list:
    """A token stream of paragraphs and grids whose cells are the layouts' own words,
    figures and blanks, a cell often repeated along its line (a merged cell) or on the next."""
    toks: list[Token] = []
    line = 0
    for _ in range(draw(st.integers(1, 14))):
        if draw(st.integers(0, 3)) == 0:
            text = draw(st.sampled_from(_PARAGRAPHS))
            toks.append(_tok(text, line, grid=False))
            line += 1
            continue
        reliable = draw(st.booleans())
        prev_row: list[str] = []
        for _ in range(draw(st.integers(1, 4))):
            row: list[str] = []
            for col in range(draw(st.integers(1, 9))):
                how = draw(st.integers(0, 4))
                if how == 0 and row:
                    text = row[-1]  # a merged cell repeated along its line
                elif how == 1 and col < len(prev_row):
                    text = prev_row[col]  # … or down its column
                else:
                    text = draw(st.sampled_from(_GRID_WORDS))
                row.append(text)
                t = _tok(text, line, col=col)
                t.reliable = reliable
                toks.append(t)
            prev_row = row
            line += 1
    return toks


@settings(max_examples=400, deadline=None)
@given(_grid_streams())
def test_grid_lines_read_at_once_as_the_loop_reads_every_token_on_generated_streams(stream):
    import pytest

    with pytest.MonkeyPatch.context() as mp:
        # (a stream whose layout no marker tells is read with the 2021 layout's tables all the same)
        assert _read_plain_and_fast(mp, [stream], default="2021") == 1


# ----- the passes that need only the paragraphs take their places from tokens_of


def test_the_stream_index_of_tokens_of_and_the_passes_that_use_it():
    """tokens_of's index holds the places of the tokens that are not grid cells and whether
    a grid cell knows its source line; the 落款 date, the tables (the narrative's figures,
    the filler lines) and the sections found with it are those found without it."""
    from xxgk.extract import StreamIndex, find_published, read_tables, split_sections
    from xxgk.layouts import layout_for

    lined = 0
    for doc in real_documents():
        index = StreamIndex()
        toks = tokens_of(doc, index)
        assert index.prose == [i for i, t in enumerate(toks) if not t.grid], doc.source.path
        # (where the index says no grid cell knows its line, none does: the filler pass is left out)
        assert index.cell_lines or not any(t.grid and t.at is not None for t in toks), doc.source.path
        lined += index.cell_lines
        assert find_published(toks, doc.published, index.prose) == find_published(toks, doc.published)
        template = M.detect_template(toks, 2022)[0]
        used: set[int] = set()
        if template in ("2019", "2021"):
            with_index = read_tables(toks, layout_for(template), index)
            for t in toks:
                t.body = None
            assert _result_items(with_index) == _result_items(read_tables(toks, layout_for(template)))
            used = with_index.used_lines
        assert split_sections(toks, used, index) == split_sections(toks, used)
    assert lined > 0  # (the text reports' grids know their lines)


def test_a_copy_of_a_cell_table_4_may_begin_at_is_left_to_the_loop(monkeypatch):
    """表四 where no 表三 was read begins at its first header cell only where another header
    cell of 表四 follows within a few cells: a copy of a long first header cell (too long to
    count as a header cell itself) may find one where the cell before it did not, so such a
    cell's copies are never passed over."""
    t4_start = T._T4_REVIEW + T._T4_FIRST_COLUMN + "说明" * 20
    assert T._is_t4_start(_tok(t4_start, 1)) and not T._is_t4_header(_tok(t4_start, 1))
    line = [t4_start, t4_start, *["甲"] * 6, T._T4_FIRST_COLUMN, *["0"] * 15]
    stream = [_tok("第二十条第(一)项", 0)] + [_tok(text, 1, col=k) for k, text in enumerate(line)]
    assert _read_plain_and_fast(monkeypatch, [stream]) == 1
    monkeypatch.setattr(T, "GRID_COPIES", False)
    assert "t4" in T.read_tables(stream, LAYOUTS["2021"]).tables_found  # (表四 begins at the copy)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([T._T4_REVIEW, T._T4_REVIEW[:2], T._T4_REVIEW[2:], T._T4_FIRST_COLUMN, T4_SUIT_GROUP, "总计", "x" * 50]), max_size=5).map("".join))
def test_a_start_of_table_4_holds_its_first_words(text):
    """read_tables asks whether 表四 starts at a token only where its text holds 行政复议:
    every text the test takes for a start does."""
    if T._is_t4_start(_tok(text, 0)):
        assert T._T4_REVIEW in _tok(text, 0).norm
    assert all(T._T4_REVIEW in s for s in T._T4_STARTS)


# ----- a function of one text, kept: its lookup is the function


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="0123456789 一二三、（）().减少", max_size=12), st.text(alphabet="0一、", min_size=60, max_size=70)), max_size=40))
def test_a_kept_function_of_one_text_answers_as_the_function(texts):
    """kept_if_short turns a function of one text into a dictionary lookup that computes what
    it lacks: every answer is the function's, short texts are kept (up to the bound, then the
    kept answers are let go), long ones never."""
    from xxgk.text import SHORT_TEXT, kept_if_short

    calls: list[str] = []

    def fn(text: str) -> tuple[str, int]:
        calls.append(text)
        return (text[::-1], len(text))

    kept = kept_if_short(8)(fn)
    for text in texts + texts:
        assert kept(text) == fn(text)
    memo = kept.__self__
    assert len(memo) <= 8 and all(len(t) <= SHORT_TEXT for t in memo)
    assert all(memo[t] == fn(t) for t in list(memo))
    # a short text asked twice in a row is computed at most once, and kept; a long one every time
    for text in texts:
        calls.clear()
        kept(text)
        kept(text)
        if len(text) <= SHORT_TEXT:
            assert len(calls) <= 1 and text in memo
        else:
            assert len(calls) == 2 and text not in memo


def test_the_column_counts_of_a_tables_index_are_its_rows_columns():
    """The label-span passes take a row's column count from the table's index (a lookup by
    the row's identity): the count of the row's columns, with and without the optional 小计."""
    seen = 0
    for lay in LAYOUTS.values():
        for table in lay.tables:
            counts = T._index(table).column_counts
            assert set(counts[0]) == set(counts[1]) == {id(r) for r in table.rows}
            for row in table.rows:
                for org in (False, True):
                    assert counts[org][id(row)] == len(T._columns(table, row, org)) == len(
                        [c for c in table.columns_of(row) if not c.optional or org]
                    )
                    seen += 1
    assert seen > 50
