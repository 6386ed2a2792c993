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
from summary_reference import assert_same
from typer.testing import CliRunner

import xxgk
from xxgk.cli import app
from xxgk.layouts import layout_for
from xxgk.store import connect
from xxgk.store.dedup import alternates
from xxgk.store.ingest import ingest
from xxgk.workers import Budget
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
    # the scan 042.pdf is OCR'd: a budget that no load on a shared machine reaches (the budget has its own tests)
    res = ingest(con, [*sorted(RAW.iterdir()), stray], jobs=2, budget=Budget(600, 2048))
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


def test_summary_of_the_corpus_equals_the_reference_from_its_cells(corpus_db):
    """The pre-aggregated summary (store/cube.py) against a report-by-report computation from the long cells."""
    con = connect(corpus_db[0], read_only=True)
    for f in ({}, {"by": "region"}, {"by": "year"}, {"by": "level"}, {"by": "agency"}, {"year": 2023}, {"region": "江苏省", "by": "agency"}, {"region": "洪泽区"}):
        assert_same(con, **f)
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
        "SELECT f.rule, f.severity, f.message FROM findings f JOIN reports r ON r.id = f.report_id WHERE r.source_path LIKE '%041.docx' AND f.rule = 'XG111'"
    ).fetchall()
    assert len(rows) == 1 and rows[0][1] == "error" and rows[0][2].startswith("空白模板，未填报")
    # no other corpus report is a blank form
    assert con.execute("SELECT count(DISTINCT report_id) FROM findings WHERE rule = 'XG111'").fetchone()[0] == 1
    con.close()
    res = CliRunner().invoke(app, ["check", str(RAW / "041.docx")])
    assert res.exit_code == 1 and "XG111" in res.output and "空白模板，未填报" in res.output


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


# ------------------------------------------------------------------ numbers a clerk can trust


def test_rates_rest_on_complete_reports_only_and_never_exceed_100(corpus_db):
    db, _, _ = corpus_db
    con = connect(db, read_only=True)
    by_year = summarise(con, by="year")
    counted = [p for (p,) in con.execute("SELECT source_path FROM current_reports").fetchall()]
    recs = [xxgk.parse_path(p) for p in counted]
    from xxgk.store.summary import RATES

    for g in by_year["groups"]:
        if g["group"] == "?":
            continue
        year = int(g["group"])
        for rd in RATES:
            r = g["rates"][rd.key]
            keys = [*rd.numerator, *rd.denominator, *rd.minus]
            whole = []
            for rec in recs:
                if rec.meta.year != year:
                    continue
                have = [k for k in keys if k in rec.cells]
                if not any(k in rec.cells for k in rd.denominator) or any(rec.cells[k] is None for k in have):
                    continue
                num = sum(rec.cells.get(k) or 0 for k in rd.numerator)
                den = sum(rec.cells.get(k) or 0 for k in rd.denominator) - sum(rec.cells.get(k) or 0 for k in rd.minus)
                if den >= 0 and num <= den:
                    whole.append((num, den))
            assert r["reports"] == len(whole), (year, rd.key)
            den = sum(d for _, d in whole)
            assert r["value"] == (round(sum(n for n, _ in whole) / den, 6) if den else None), (year, rd.key)
            assert r["value"] is None or 0 <= r["value"] <= 1, (year, rd.key, r)
    # 2019: 016.html left its totals blank — its blank total gives no rate, it is left out and said so
    y2019 = summarise(con, year=2019)["rates"]["granted_rate"]
    assert y2019["left_out_blank"] >= 1 and y2019["incomplete"]
    con.close()


def test_summed_table_three_is_checked_and_shown(corpus_db):
    db, _, _ = corpus_db
    con = connect(db, read_only=True)
    s = summarise(con, year=2023)
    bal = s["balance"]
    assert bal["reports"] >= 1
    # the check on the sums is the checker's own: a summed column that does not balance is named
    from xxgk.check import check_record
    from xxgk.model import Meta, Record, Source

    ids = [r for (r,) in con.execute(
        """SELECT r.id FROM current_reports r WHERE r.year = 2023 AND NOT EXISTS
           (SELECT 1 FROM cells c WHERE c.report_id = r.id AND (c.key LIKE 't3.%' OR c.key LIKE 't4.%') AND c.value IS NULL)
           AND EXISTS (SELECT 1 FROM cells c WHERE c.report_id = r.id AND c.key LIKE 't3.%')""").fetchall()]
    assert bal["reports"] == len(ids)
    sums: dict = {}
    for rid in ids:
        for key, value in con.execute("SELECT key, value FROM cells WHERE report_id = ? AND key LIKE 't3.%' AND key NOT LIKE 't3.other_%'", [rid]).fetchall():
            sums[key] = sums.get(key, 0) + value
    rec = Record(source=Source(path="x", sha256="", format="text"), meta=Meta(template="2021"), cells={k: v for k, v in sums.items() if k.split(".")[1] in ("new", "carried_in", "total", "carried_out")})
    expected = {tuple(f.where) for f in check_record(rec, select=["XG301"])}
    assert {tuple(f["where"]) for f in bal["findings"] if f["rule"] == "XG301"} == expected
    con.close()
    out = CliRunner().invoke(app, ["summary", "--db", str(db), "--year", "2023"])
    assert out.exit_code == 0 and "汇总表勾稽关系" in out.output and "依据报告数" in out.output


# ------------------------------------------------------------------ the register

# the office's register, as a clerk types it (name, aliases, 行政区划代码, level, parent)
REGISTER = """机关名称,别名,区划代码,层级,上级机关
平潭综合实验区管委会,平潭综合实验区；平潭综合实验区管委会办公室,350128,市,福建省人民政府
平潭综合实验区旅游与文化体育局,,350128,部门,平潭综合实验区管委会
平潭综合实验区市场监督管理局,,350128,部门,平潭综合实验区管委会
平潭综合实验区地方税务局,,350128,部门,平潭综合实验区管委会
平潭综合实验区君山片区管理局,,350128,乡镇,平潭综合实验区管委会
平潭综合实验区苏平片区管理局,,350128,乡镇,平潭综合实验区管委会
平潭综合实验区金井片区管理局,,350128,乡镇,平潭综合实验区管委会
平潭综合实验区海坛片区管理局,,350128,乡镇,平潭综合实验区管委会
平潭综合实验区自然资源与生态环境局,,350128,部门,平潭综合实验区管委会
平潭综合实验区社会事业局,,350128,部门,平潭综合实验区管委会
平潭综合实验区交通与建设局,,350128,部门,平潭综合实验区管委会
平潭综合实验区行政审批局,,350128,部门,平潭综合实验区管委会
平潭综合实验区农业农村局,,350128,部门,平潭综合实验区管委会
平潭综合实验区综合执法与应急管理局,,350128,部门,平潭综合实验区管委会
平潭综合实验区公安局,,350128,部门,平潭综合实验区管委会
平潭综合实验区经济发展局,,350128,部门,平潭综合实验区管委会
平潭综合实验区教育局,,350128,部门,平潭综合实验区管委会
平潭县人民政府,,350128,县,福州市人民政府
平潭县财政局,,350128,部门,平潭县人民政府
淮安市人民政府,,320800,市,江苏省人民政府
淮安市洪泽区人民政府,洪泽区人民政府,320813,县,淮安市人民政府
上海市人民政府办公厅,,310000,省,上海市人民政府
上海市科学技术委员会,上海市科委,310000,部门,上海市人民政府
沭阳县发展和改革局,,321322,部门,沭阳县人民政府
"""


def test_register_gives_every_report_a_region_and_lists_who_has_not_published(corpus_db, tmp_path):
    import json
    import shutil

    from xxgk.store.register import late_reports, load_register, missing_agencies

    db = tmp_path / "with-register.duckdb"
    shutil.copy(corpus_db[0], db)
    reg = tmp_path / "名录.csv"
    reg.write_text(REGISTER, encoding="utf-8-sig")
    # before: the 平潭综合实验区 agencies have no region
    res = CliRunner().invoke(app, ["agencies", "load-register", str(reg), "--db", str(db)])
    assert res.exit_code == 0, res.output
    con = connect(db)
    no_region = con.execute("SELECT source_path FROM current_reports WHERE province IS NULL AND agency IS NOT NULL").fetchall()
    assert no_region == []
    # every one of the 45 corpus files, copies included, has its region — the blank template
    # excepted: it names no agency
    rows = con.execute("SELECT source_path, province FROM parsed_reports").fetchall()
    assert len(rows) == len(list(RAW.iterdir()))
    assert [_name(p) for p, prov in rows if prov is None] == ["041.docx"]
    assert con.execute("SELECT DISTINCT county FROM current_reports WHERE agency LIKE '平潭综合实验区%'").fetchall() == [("平潭县",)]
    # 002 (洪泽区人民政府) and 003 (淮安市洪泽区人民政府) are one agency now; 042 is still 002's copy
    hz = {_name(p): a for p, a in con.execute("SELECT source_path, agency_id FROM parsed_reports WHERE source_path SIMILAR TO '.*(002|003|042)\\.pdf'").fetchall()}
    assert len(set(hz.values())) == 1
    # who has not published for 2024, from the provenance of the corpus (written by hand, not by xxgk)
    prov = json.loads((CORPUS / "provenance.json").read_text(encoding="utf-8"))
    published_2024 = {p["agency"] for p in prov if p.get("year") == 2024 and p.get("file")}
    names = [ln.split(",")[0] for ln in REGISTER.strip().splitlines()[1:]]
    aliases = {"平潭综合实验区管委会办公室": "平潭综合实验区管委会"}
    expected = sorted(n for n in names if n not in {aliases.get(a, a) for a in published_2024})
    got = sorted(m["name"] for m in missing_agencies(con, 2024))
    assert got == expected and "平潭综合实验区教育局" in got
    assert late_reports(con, 2024) == []
    assert [x["agency"] for x in late_reports(con, 2009)] == ["平潭县财政局"]
    # the summary follows the reports to their new regions
    for f in ({"by": "region"}, {"region": "平潭县", "by": "level"}, {"year": 2024, "by": "agency"}):
        assert_same(con, **f)
    con.close()
    out = CliRunner().invoke(app, ["summary", "--db", str(db), "--year", "2024"])
    assert "2024年度未发布年报的机关" in out.output and "平潭综合实验区教育局" in out.output
    out = CliRunner().invoke(app, ["agencies", "--db", str(db), "--year", "2009"])
    assert "逾期发布（XG701）1 份" in out.output and "平潭县财政局" in out.output


def test_set_region_by_hand(corpus_db, tmp_path):
    import shutil

    db = tmp_path / "hand.duckdb"
    shutil.copy(corpus_db[0], db)
    res = CliRunner().invoke(app, ["agencies", "set-region", "平潭综合实验区公安局", "350128", "--db", str(db)])
    assert res.exit_code == 0 and "福建省 福州市 平潭县" in res.output
    con = connect(db)  # (the command's connection is still open in this process: same configuration)
    assert set(con.execute("SELECT province, county FROM current_reports WHERE agency = '平潭综合实验区公安局'").fetchall()) == {("福建省", "平潭县")}
    assert_same(con, by="region")
    assert_same(con, region="福建省", by="level")
    con.close()
    bad = CliRunner().invoke(app, ["agencies", "set-region", "平潭综合实验区公安局", "999999", "--db", str(db)])
    assert bad.exit_code == 2 and "无法识别的地区" in bad.output
