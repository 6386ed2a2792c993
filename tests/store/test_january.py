"""A clerk's January on the real corpus: each report counted once, only real reports stored.

The corpus (../shared/corpus/raw) is ingested once for the module; the tests
skip when it is absent.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import CORPUS
from store_helpers import seed_files
from typer.testing import CliRunner

import xxgk
from xxgk.cli import app
from xxgk.layouts import layout_for
from xxgk.store import connect
from xxgk.store.dedup import alternates
from xxgk.store.ingest import ingest
from xxgk.store.summary import summarise
from xxgk.store.synth import random_cells, report_text

RAW = CORPUS / "raw"
# the same report in two forms: (the better source, its other form)
TWINS = [("043.html", "029.txt"), ("044.html", "030.txt"), ("045.html", "026.txt"), ("002.pdf", "042.pdf")]


def _name(path: str) -> str:
    return Path(path).name


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    if not RAW.is_dir() or not any(RAW.iterdir()):
        pytest.skip(f"corpus {RAW} not present")
    folder = tmp_path_factory.mktemp("january")
    stray = folder / "会议纪要.txt"
    stray.write_text("关于召开安全生产工作会议的通知\n各科室：定于下周一上午九点在三楼会议室召开会议，请准时参加。\n", encoding="utf-8")
    db = folder / "corpus.duckdb"
    con = connect(db)
    res = ingest(con, [*sorted(RAW.iterdir()), stray], jobs=2)
    con.close()
    return db, res, stray


def test_corpus_counts_each_report_once(corpus_db):
    db, res, _ = corpus_db
    con = connect(db, read_only=True)
    counted = {_name(p) for (p,) in con.execute("SELECT source_path FROM current_reports").fetchall()}
    for best, other in TWINS:
        assert best in counted and other not in counted, (best, other)
        rid = con.execute("SELECT id FROM reports WHERE source_path LIKE ?", ["%" + best]).fetchone()[0]
        assert [(_name(a["source_path"]), a["variant"]) for a in alternates(con, rid)] == [(other, "copy")]
    assert res.copies == len(TWINS) and res.superseded == 0
    raw_files = {p.name for p in RAW.iterdir()}
    assert counted == raw_files - {o for _, o in TWINS}
    # one year's total counts each report once: the sum of the counted files parsed on their own
    year = 2024
    expected = 0
    for name in counted:
        rec = xxgk.parse_path(RAW / name)
        if rec.meta.year == year and rec.cells.get("t3.new.total") is not None:
            expected += rec.cells["t3.new.total"]
    s = summarise(con, year=year)
    assert s["cells"]["t3.new.total"]["sum"] == expected
    con.close()


def test_ingest_and_agencies_say_which_reports_are_copies(corpus_db, tmp_path):
    db, _, _ = corpus_db
    res = CliRunner().invoke(app, ["agencies", "--db", str(db), "--search", "社会事业局"])
    assert res.exit_code == 0, res.output
    assert "副本 026.txt→045.html" in res.output
    # a new ingest of the same files says so in its summary (nothing new, copies still counted once)
    res = CliRunner().invoke(app, ["ingest", str(RAW / "029.txt"), str(RAW / "043.html"), "--db", str(tmp_path / "two.duckdb"), "-j", "1"])
    assert res.exit_code == 0, res.output
    assert "同一报告的其他形式 1 份" in res.output


def test_a_document_that_is_not_a_report_is_refused_and_not_stored(corpus_db):
    db, res, stray = corpus_db
    assert [p for p, *_ in res.failed] == [str(stray)]
    assert "不是政府信息公开工作年度报告" in res.failed[0][1]
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM current_reports WHERE source_path = ?", [str(stray)]).fetchone()[0] == 0
    con.close()
    out = CliRunner().invoke(app, ["check", str(stray)])
    assert out.exit_code == 2 and "不是政府信息公开工作年度报告" in out.output


def test_blank_template_is_an_error(corpus_db):
    db, _, _ = corpus_db
    con = connect(db, read_only=True)
    rows = con.execute(
        "SELECT f.rule, f.severity, f.message FROM findings f JOIN reports r ON r.id = f.report_id WHERE r.source_path LIKE '%041.docx' AND f.rule = 'XG109'"
    ).fetchall()
    assert len(rows) == 1 and rows[0][1] == "error" and rows[0][2].startswith("空白模板，未填报")
    # no other corpus report is a blank form
    assert con.execute("SELECT count(DISTINCT report_id) FROM findings WHERE rule = 'XG109'").fetchone()[0] == 1
    con.close()
    res = CliRunner().invoke(app, ["check", str(RAW / "041.docx")])
    assert res.exit_code == 1 and "XG109" in res.output and "空白模板，未填报" in res.output


def test_a_corrected_report_keeps_both_and_counts_the_later(tmp_path):
    rng = random.Random(3)
    lay = layout_for("2021")
    first, second = random_cells(lay, rng, scale=20), random_cells(lay, rng, scale=20)
    agency = "杭州市西湖区教育局"
    a = tmp_path / "原版.txt"
    b = tmp_path / "更正版.txt"
    c = tmp_path / "原版-网页文本.txt"
    a.write_text(report_text(agency, 2022, first, template="2021", narrative_text="本年度工作平稳。", published="2023-01-20"), encoding="utf-8")
    b.write_text(report_text(agency, 2022, second, template="2021", narrative_text="本年度工作平稳。", published="2023-02-10"), encoding="utf-8")
    # the first version again, with one figure misread (a copy, not a new version)
    nearly = dict(first)
    nearly["t2.penalty.decisions"] = (nearly.get("t2.penalty.decisions") or 0) + 1
    c.write_text(report_text(agency, 2022, nearly, template="2021", narrative_text="本年度工作平稳。", published="2023-01-20") + "\n", encoding="utf-8")
    con = connect(tmp_path / "x.duckdb")
    res = ingest(con, [a, c, b], jobs=1)
    assert res.ingested == 3 and res.copies == 1 and res.superseded == 1
    rows = dict(con.execute("SELECT source_path, variant FROM reports").fetchall())
    assert rows[str(b)] == "correction" and rows[str(a)] == "superseded" and rows[str(c)] == "copy"
    counted = [p for (p,) in con.execute("SELECT source_path FROM current_reports").fetchall()]
    assert counted == [str(b)]
    s = summarise(con, year=2022)
    assert s["reports"] == 1 and s["cells"]["t3.new.total"]["sum"] == second["t3.new.total"]
    con.close()


def test_seeds_of_different_agencies_are_never_grouped(seeds_db):
    con = connect(seeds_db, read_only=True)
    assert con.execute("SELECT count(*) FROM current_reports").fetchone()[0] == len(seed_files())
    con.close()


from store_helpers import seeds_db  # noqa: E402,F401  (the fixture)
