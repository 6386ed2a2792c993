"""The summary's pre-aggregates (store/cube.py) give exactly what the cells say.

Every test compares :func:`xxgk.store.summary.summarise` with the slow reference
computed report by report from the long ``cells`` (tests/store/summary_reference.py),
for several filters and every ``--by``, on real stores: the seeds with synthetic
reports, their copies and corrected versions, ingested for real; a generated
national store with blanks and impossible rates; then after each thing that changes
which reports a group holds (ingest, dedup, a re-parse, set-region, load-register,
merge, a change behind the store's back) and after the migration of an older store.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import pytest
from store_helpers import seed_files, write_synthetic
from summary_reference import assert_same

from xxgk.layouts import layout_for
from xxgk.store import connect
from xxgk.store import cube
from xxgk.store.agencies import find_agency, merge
from xxgk.store.ingest import ingest
from xxgk.store.register import load_register, set_region
from xxgk.store.schema import SCHEMA_VERSION
from xxgk.store.synth import national_store, random_cells, report_text

FILTERS = [
    {},
    {"by": "region"},
    {"by": "year"},
    {"by": "level"},
    {"by": "agency"},
    {"year": 2021},
    {"year": 2022, "by": "region"},
    {"region": "浙江省"},
    {"region": "杭州市", "by": "level"},
    {"region": "西湖区"},  # a county: the reports of some groups only (aggregated live)
    {"year": 2020, "region": "浙江省", "by": "agency"},
    {"region": "没有这个地方"},
]


def _copies_and_corrections(folder: Path) -> list[Path]:
    """Two agencies' reports with a copy (same figures, other wording) and a corrected version (later date, other figures)."""
    rng = random.Random(5)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, agency in enumerate(("杭州市西湖区财政局", "宁波市海曙区民政局")):
        lay = layout_for("2021")
        first, second = random_cells(lay, rng, scale=25), random_cells(lay, rng, scale=25)
        second["t3.total.natural"] = second["t3.total.natural"] + 3  # a version that breaks the balance
        for name, cells, text, date in (
            ("原版", first, "本年度工作平稳。", "2023-01-20"),
            ("网页文本", first, "本年度政务公开工作平稳推进。", "2023-01-20"),
            ("更正版", second, "本年度工作平稳。", "2023-02-15"),
        ):
            p = folder / f"{i}-{name}.txt"
            p.write_text(report_text(agency, 2022, cells, template="2021", narrative_text=text, published=date), encoding="utf-8")
            out.append(p)
    return out


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cube")
    db = folder / "mixed.duckdb"
    con = connect(db)
    res = ingest(con, seed_files() + write_synthetic(folder / "in", 24, seed=13) + _copies_and_corrections(folder / "twins"), jobs=2)
    assert res.ingested == 5 + 24 + 6 and res.copies == 2 and res.superseded == 2
    con.close()
    return db


def _writable(db: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    return connect(copy)


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "all")
def test_summary_equals_the_reference_from_the_cells(mixed_db, f):
    con = connect(mixed_db, read_only=True)
    s = assert_same(con, **f)
    if not f:
        assert s["reports"] == 5 + 24 + 2  # copies and earlier versions are not counted
    con.close()


def test_ingest_leaves_the_pre_aggregates_up_to_date(mixed_db, tmp_path):
    con = _writable(mixed_db, tmp_path)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    n_groups = con.execute("SELECT count(*) FROM summary_cube").fetchone()[0]
    assert n_groups == con.execute("SELECT count(*) FROM (SELECT DISTINCT year, province, city, level FROM current_reports)").fetchone()[0]
    assert cube.refresh(con) == 0  # nothing stale: ingest (through dedup) refreshed it
    assert con.execute("SELECT count(*) FROM report_figures").fetchone()[0] == con.execute(
        "SELECT count(DISTINCT report_id) FROM cells WHERE key >= 't3.' AND key < 't5'"
    ).fetchone()[0]
    con.close()


def test_a_generated_national_store_with_blanks_and_impossible_rates(tmp_path):
    con = connect(tmp_path / "national.duckdb")
    national_store(con, 3_000, chunk=1_500)
    assert cube.refresh(con) == 0
    prov, city, county, year = con.execute(
        "SELECT province, city, county, year FROM current_reports GROUP BY ALL ORDER BY count(*) DESC, 1, 2, 3, 4 LIMIT 1"
    ).fetchone()
    s = assert_same(con)
    assert any(r["left_out_impossible"] for r in s["rates"].values()) and any(v["blank"] for v in s["cells"].values())
    for f in ({"by": "region"}, {"year": year, "region": prov}, {"region": county, "year": year, "by": "level"}):
        assert_same(con, **f)
    con.close()


def _check(con, *filters) -> None:
    for f in filters or ({}, {"by": "region"}):
        assert_same(con, **f)


def test_every_change_of_what_a_group_holds_keeps_the_summary_right(mixed_db, tmp_path):
    con = _writable(mixed_db, tmp_path)
    # more reports, some for the groups already there
    res = ingest(con, write_synthetic(tmp_path / "more", 8, seed=29), jobs=1)
    assert res.ingested == 8
    assert cube.refresh(con) == 0
    _check(con)
    # another form of a stored report: dedup marks it a copy; the counted one stays
    src = sorted((tmp_path / "more").glob("*.txt"))[0]
    twin = tmp_path / "twin.txt"
    twin.write_text(src.read_text(encoding="utf-8").replace("推进政务公开工作", "扎实推进政务公开工作"), encoding="utf-8")
    res = ingest(con, [twin], jobs=1)
    assert res.copies == 2 + 1 and cube.refresh(con) == 0  # (the copies of the whole store)
    _check(con)
    # a re-parse under another parser version: the old rows stop being current
    res = ingest(con, write_synthetic(tmp_path / "more", 8, seed=29)[:3], jobs=1, parser_version="reparse-test")
    assert res.ingested == 3 and cube.refresh(con) == 0
    _check(con)
    # an agency moved to another region by hand
    aid = find_agency(con, "杭州市西湖区第3号教育局")
    before = con.execute("SELECT count(*) FROM current_reports WHERE agency_id = ?", [aid]).fetchone()[0]
    set_region(con, aid, "330108", level="部门")  # 杭州市滨江区
    assert before and con.execute("SELECT DISTINCT county FROM current_reports WHERE agency_id = ?", [aid]).fetchall() == [("滨江区",)]
    assert cube.refresh(con) == 0
    _check(con, {"region": "滨江区"}, {"region": "西湖区", "by": "region"})
    # a register: regions, levels, and two spellings joined into one agency
    reg = tmp_path / "名录.csv"
    reg.write_text(
        "机关名称,别名,区划代码,层级,上级机关\n杭州市西湖区第5号教育局,杭州市西湖区第6号教育局,330212,部门,\n宁波市海曙区民政局,,330203,县,\n",
        encoding="utf-8-sig",
    )
    load_register(con, reg)
    assert cube.refresh(con) == 0
    _check(con, {"by": "level"}, {"region": "宁波市", "by": "agency"})
    # two agencies merged by hand
    a, b = find_agency(con, "杭州市西湖区第7号教育局"), find_agency(con, "杭州市西湖区第8号教育局")
    merge(con, a, b)
    assert cube.refresh(con) == 0
    _check(con, {"by": "agency"}, {"by": "region"})
    # a change no hook saw: the cube is stale for two groups, the summary still right (read live), then refreshed
    con.execute("UPDATE reports SET city = '温州市', county = NULL WHERE agency_id = ?", [a])
    stale = con.execute(f"SELECT count(*) FROM ({cube.NOW_SQL.format(where='TRUE')}) now ANTI JOIN summary_cube c ON c.year IS NOT DISTINCT FROM now.year AND c.province IS NOT DISTINCT FROM now.province AND c.city IS NOT DISTINCT FROM now.city AND c.level IS NOT DISTINCT FROM now.level AND c.reports = now.n AND c.sig = now.sig").fetchone()[0]
    assert stale > 0
    _check(con, {}, {"by": "region"}, {"region": "温州市"})
    assert cube.refresh(con) == stale
    _check(con, {}, {"by": "region"}, {"region": "温州市"})
    con.close()


def test_a_store_of_the_previous_schema_migrates(mixed_db, tmp_path):
    con = _writable(mixed_db, tmp_path)
    rows = sorted(con.execute("SELECT * FROM summary_cube").fetchall(), key=repr)
    figures = sorted(con.execute("SELECT * FROM report_figures").fetchall())
    # back to version 4: as a store written before the pre-aggregates
    for table in ("report_figures", "summary_cube", "summary_blanks"):
        con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM schema_version WHERE version > 4")
    path = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0])
    con.close()
    # a reading command (summary opens the store read-only) migrates it first
    con = connect(path, read_only=True)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    assert sorted(con.execute("SELECT * FROM report_figures").fetchall()) == figures
    assert sorted(con.execute("SELECT * FROM summary_cube").fetchall(), key=repr) == rows
    _check(con, {}, {"by": "region"}, {"region": "西湖区", "by": "level"})
    con.close()
    con = connect(path)
    assert cube.refresh(con) == 0
    con.close()


def test_a_chart_asks_for_figures_only(mixed_db):
    """The desk's chart across years: the same cells, without the rule counts and ranking it does not show."""
    from xxgk.store.summary import summarise

    con = connect(mixed_db, read_only=True)
    keys = ["t3.new.total", "t3.granted.total", "t4.review.total"]
    full = summarise(con, by="year", keys=keys)
    part = summarise(con, by="year", keys=keys, figures_only=True)
    assert full["rules"] and full["ranking"] and part["rules"] == [] and part["ranking"] == []
    assert [(g["group"], g["cells"]) for g in part["groups"]] == [(g["group"], g["cells"]) for g in full["groups"]]
    assert set(part["groups"][0]["cells"]) <= set(keys)
    con.close()
