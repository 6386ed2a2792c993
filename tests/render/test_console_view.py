"""The table view of `xxgk parse`: the same characters through rich and without it, laid out
to the width, every label and figure shown whole, colours on a terminal only."""

from __future__ import annotations

import io
import re

import msgspec
import pytest
from conftest import FIXTURES, SEEDS
from rich.console import Console

import xxgk
from xxgk.layouts import layout_for
from xxgk.render.console import print_record, record_lines, text_width, write_record

# the seeds, and pages with blank, uncertain and raw-text cells, both layouts
FILES = [*sorted(SEEDS.glob("*.txt")), *(FIXTURES / "pages" / n for n in ("500.txt", "507.txt", "514.txt", "515.txt", "516.txt"))]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def records():
    return [xxgk.parse_path(p) for p in FILES]


def _rich(rec, width: int, terminal: bool) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=terminal, color_system="standard" if terminal else None, highlight=False, soft_wrap=True)
    print_record(console, rec, "zh")
    return buf.getvalue()


@pytest.mark.parametrize("width", [40, 80, 200])
def test_plain_view_is_what_rich_prints(records, width):
    for rec in records:
        plain = io.StringIO()
        write_record(plain, rec, "zh", width)
        assert plain.getvalue() == _rich(rec, width, terminal=False)


def test_terminal_gets_colours_and_the_same_characters(records):
    rec = next(r for r in records if r.uncertain)
    coloured = _rich(rec, 100, terminal=True)
    assert "\x1b[" in coloured
    plain = io.StringIO()
    write_record(plain, rec, "zh", 100)
    assert ANSI.sub("", coloured) == plain.getvalue()


@pytest.mark.parametrize("width", [80, 120])
def test_tables_fit_the_width_and_show_every_label_and_figure_whole(records, width):
    for rec in records:
        lines = ["".join(t for t, _ in line) for line in record_lines(rec, "zh", width)]
        table_lines = [ln for ln in lines if ln[:1] in "┏┃┡│└"]
        assert all(text_width(ln) <= width for ln in table_lines), rec.source.path
        # body rows: the label column's pieces, read down a row, give the official label back
        first = [ln.split("│")[1].strip() for ln in table_lines if ln.startswith("│")]
        text = "".join(first)
        lay = layout_for(rec.meta.template)
        for t in lay.tables:
            for r in t.rows:
                keys = [f"{t.key}.{r.key}.{c.key}" for c in t.columns_of(r)]
                if any(k in rec.cells for k in keys):
                    label = r.label if t.key != "t3" else r.full_label
                    assert label in text, (rec.source.path, label)
        # every figure stands whole in a cell of its row
        cells = {c.strip() for ln in table_lines if ln.startswith("│") for c in ln.split("│")[2:-1]}
        for key, v in rec.cells.items():
            if v is not None:
                assert str(v) in cells or f"{v}?" in cells, (rec.source.path, key, v)


def _pieces(rec) -> set[tuple[str, str]]:
    return {piece for line in record_lines(rec, "zh", 200) for piece in line}


def test_marks_blank_raw_and_uncertain_cells(records):
    blank = next(r for r in records if any(v is None and not r.raw.get(k) for k, v in r.cells.items()))
    assert ("空", "dim italic") in _pieces(blank)  # a cell the report leaves empty (null, never zero)
    raw = next(r for r in records if any(v is None and r.raw.get(k) for k, v in r.cells.items()))
    shown = {r for k, r in raw.raw.items() if raw.cells.get(k, 0) is None and r}
    assert shown <= {text for text, style in _pieces(raw) if style == "yellow"}  # the text the report printed instead
    unsure = next(r for r in records if any(r.cells.get(k) is not None for k in r.uncertain))
    pieces = _pieces(unsure)
    for k in unsure.uncertain:
        if unsure.cells.get(k) is not None:
            assert (f"{unsure.cells[k]}?", "bold yellow") in pieces
    assert any(text.startswith("不确定的单元格：") for text, _ in pieces)
    whole = records[1]
    gone = "t3.new.natural"
    assert gone in whole.cells and ("—", "dim") not in _pieces(whole)
    absent = msgspec.structs.replace(whole, cells={k: v for k, v in whole.cells.items() if k != gone})
    assert ("—", "dim") in _pieces(absent)  # a cell of a shown row that the report does not have


def test_a_stream_not_in_utf_gets_ascii_boxes_as_rich_gives_it(records):
    rec = records[1]
    ours, theirs = io.TextIOWrapper(io.BytesIO(), encoding="gb18030"), io.TextIOWrapper(io.BytesIO(), encoding="gb18030")
    write_record(ours, rec, "zh", 100)
    print_record(Console(file=theirs, width=100, highlight=False, soft_wrap=True), rec, "zh")
    ours.flush(), theirs.flush()
    text = ours.buffer.getvalue().decode("gb18030")
    assert text == theirs.buffer.getvalue().decode("gb18030")
    assert "+--" in text and "┏" not in text and "表三" in text


def test_fold_keeps_every_character_within_the_width():
    from xxgk.render.console import fold

    label = "二、上年结转政府信息公开申请数量 (2) ab"
    for width in range(2, 50):
        for even in (False, True):
            parts = fold(label, width, even)
            assert "".join(parts) == label and all(text_width(p) <= width for p in parts)
    assert fold("商业企业", 7) == ["商业企", "业"] and fold("商业企业", 7, even=True) == ["商业", "企业"]
    assert text_width("表三 ab") == 7


def test_a_long_text_printed_for_a_figure_stays_in_its_cell_and_folds(records):
    rec = records[2]
    key = "t3.new.natural"
    said = "本年度无此项\n数据，统计口径另行说明"
    odd = msgspec.structs.replace(rec, cells={**rec.cells, key: None}, raw={**rec.raw, key: said})
    lines = ["".join(t for t, _ in line) for line in record_lines(odd, "zh", 80)]
    body = [ln for ln in lines if ln.startswith("│")]
    assert all(text_width(ln) <= 80 for ln in lines if ln[:1] in "┏┃┡│└")
    assert all(ln.endswith("│") for ln in body)  # no line end broke a row
    column = "".join(ln.split("│")[2].strip() for ln in body)
    assert "本年度无此项数据，统计口径另行说明" in column.replace(" ", "")  # a fold may fall on the space


def _rich_terminal(rec, width: int, no_color: bool) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=True, color_system="standard", no_color=no_color, highlight=False, soft_wrap=True)
    print_record(console, rec, "zh")
    return buf.getvalue()


@pytest.mark.parametrize("no_color", [False, True])
@pytest.mark.parametrize("width", [40, 100])
def test_terminal_view_without_rich_is_what_rich_prints(records, width, no_color):
    whole = records[1]
    absent = msgspec.structs.replace(whole, cells={k: v for k, v in whole.cells.items() if k != "t3.new.natural"})  # a "—" cell
    records = [*records, absent]
    for rec in records:
        ours = io.StringIO()
        write_record(ours, rec, "zh", width, colours=True, no_color=no_color)
        assert ours.getvalue() == _rich_terminal(rec, width, no_color), rec.source.path
    # the records hold every style the view has: blank, raw text, uncertain, headers, titles
    styles = {style for rec in records for line in record_lines(rec, "zh", 100) for _, style in line}
    assert {"bold", "italic", "dim", "dim italic", "yellow", "bold yellow"} <= styles


def test_terminal_view_sends_no_control_character_of_the_data(records):
    rec = records[0]
    odd = msgspec.structs.replace(rec, meta=msgspec.structs.replace(rec.meta, title="标题\x1b]0;x\x07\x1b[2J"))
    ours = io.StringIO()
    write_record(ours, odd, "zh", 100, colours=True)
    assert "]0;x" in ours.getvalue() and "\x07" not in ours.getvalue() and "\x1b[2J" not in ours.getvalue()
    assert not ANSI.sub("", ours.getvalue()).count("\x1b")  # every escape left is one of the view's colour codes


def test_parse_at_a_terminal_prints_colours_without_rich(tmp_path):
    """`xxgk parse` on a pseudo-terminal: coloured, the characters of the plain view, rich not imported."""
    import os
    import pty
    import subprocess
    import sys

    seed = sorted(SEEDS.glob("*.txt"))[1]
    probe = (
        "import sys, runpy; sys.argv = ['xxgk', 'parse', sys.argv[1]]\n"
        "try:\n    runpy.run_module('xxgk', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "sys.stderr.write('rich ' + str('rich' in sys.modules) + '\\n'); sys.exit(code)\n"
    )
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None), env.pop("FORCE_COLOR", None), env.pop("TTY_COMPATIBLE", None)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", probe, str(seed)], stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    err = proc.communicate()[1].decode()
    os.close(leader)
    assert proc.returncode == 0 and "rich False" in err
    shown = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert "\x1b[1m" in shown
    plain = io.StringIO()
    write_record(plain, xxgk.parse_path(seed), "zh", 100)
    assert ANSI.sub("", shown) == plain.getvalue()
