"""Agencies: one agency however its name is written; region and level from cpca; merge and rename."""

from __future__ import annotations

import random

import pytest

from xxgk.layouts import layout_for
from xxgk.store import connect
from xxgk.store.agencies import find_agency, level_of, list_agencies, merge, normalise_name, region_of, rename
from xxgk.store.ingest import ingest
from xxgk.store.synth import random_cells, report_text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("杭州市西湖区人民政府", "杭州市 西湖区 人民政府"),
        ("杭州市西湖区人民政府", "杭州市西湖区政府"),
        ("金华经济技术开发区管理委员会", "金华经济技术开发区管委会"),
        ("平潭综合实验区管委会（办公室）", "平潭综合实验区管委会办公室"),
        ("中华人民共和国教育部", "教育部"),
        ("西湖区留下街道办事处", "西湖区留下街道"),
        ("ＸＸ市财政局", "XX市财政局"),
    ],
)
def test_spellings_of_one_agency_normalise_alike(a, b):
    assert normalise_name(a) == normalise_name(b) != ""


def test_different_agencies_stay_apart():
    assert normalise_name("杭州市西湖区财政局") != normalise_name("杭州市财政局")


@pytest.mark.parametrize(
    ("name", "province", "city", "county", "level"),
    [
        ("浙江省人民政府办公厅", "浙江省", None, None, "省"),
        ("杭州市人民政府", "浙江省", "杭州市", None, "市"),
        ("杭州市西湖区人民政府", "浙江省", "杭州市", "西湖区", "县"),
        ("杭州市西湖区留下街道办事处", "浙江省", "杭州市", "西湖区", "乡镇"),
        ("江阴生态环境局", "江苏省", "无锡市", "江阴市", "部门"),
        ("黔东南州生态环境局", "贵州省", "黔东南苗族侗族自治州", None, "部门"),
        ("海东市互助县生态环境局", "青海省", "海东市", "互助土族自治县", "部门"),
        ("国家发展和改革委员会", None, None, None, "部委"),
    ],
)
def test_region_and_level_from_the_name(name, province, city, county, level):
    r = region_of(name)
    assert (r.province, r.city, r.county) == (province, city, county)
    assert level_of(name, r)[0] == level


def _report(folder, name, agency, year, rng, cells=None):
    tpl = "2021" if year >= 2021 else "2019"
    p = folder / name
    p.write_text(report_text(agency, year, cells or random_cells(layout_for(tpl), rng), template=tpl), encoding="utf-8")
    return p


def test_two_spellings_are_one_agency_and_a_hand_merge_joins_two(tmp_path):
    rng = random.Random(3)
    files = [
        _report(tmp_path, "a2020.txt", "杭州市西湖区人民政府", 2020, rng),
        _report(tmp_path, "a2021.txt", "杭州市 西湖区 政府", 2021, rng),  # the same agency written differently
        _report(tmp_path, "b2022.txt", "西湖区人民政府", 2022, rng),  # needs a hand merge
    ]
    con = connect(tmp_path / "x.duckdb")
    res = ingest(con, files, jobs=1)
    assert res.ingested == 3
    ids = dict(con.execute("SELECT year, agency_id FROM reports").fetchall())
    assert ids[2020] == ids[2021] != ids[2022]
    # the agency keeps its first spelling as display name and lists both
    [a] = [x for x in list_agencies(con) if x["id"] == ids[2020]]
    assert a["name"] == "杭州市西湖区人民政府"
    assert "杭州市西湖区政府" in a["spellings"] and a["years"] == "2020×1 2021×1"
    assert (a["province"], a["city"], a["county"], a["level"]) == ("浙江省", "杭州市", "西湖区", "县")
    # merge by name and by spelling
    keep = find_agency(con, "杭州市西湖区人民政府")
    gone = find_agency(con, "西湖区 人民政府")
    assert gone == ids[2022]
    assert merge(con, keep, gone) == 1
    assert con.execute("SELECT count(DISTINCT agency_id) FROM reports").fetchone()[0] == 1
    assert [x["id"] for x in list_agencies(con)] == [keep]
    # the merged spelling now leads to the kept agency on later ingests
    later = _report(tmp_path, "b2023.txt", "西湖区人民政府", 2023, rng)
    ingest(con, [later], jobs=1)
    assert con.execute("SELECT agency_id FROM reports WHERE year = 2023").fetchone()[0] == keep
    # the merged reports carry the kept agency's region
    assert con.execute("SELECT DISTINCT province, city, county FROM reports").fetchall() == [("浙江省", "杭州市", "西湖区")]


def test_rename(tmp_path):
    rng = random.Random(4)
    con = connect(tmp_path / "x.duckdb")
    ingest(con, [_report(tmp_path, "a.txt", "西湖区财政局", 2021, rng)], jobs=1)
    aid = find_agency(con, "西湖区财政局")
    rename(con, aid, "杭州市西湖区财政局")
    [a] = list_agencies(con)
    assert a["name"] == "杭州市西湖区财政局" and a["city"] == "杭州市"
    assert find_agency(con, "西湖区财政局") == find_agency(con, "杭州市西湖区财政局") == aid
    assert con.execute("SELECT DISTINCT city FROM reports").fetchall() == [("杭州市",)]


def test_regions_read_name_by_name_are_what_cpca_transform_reads():
    """The ingest reads regions with cpca's matcher one name at a time (no pandas); on every
    agency name of the seeds and the fixture pages, and on generated ones, the result is what
    cpca's own ``transform`` gives (the same expansion and the same city rule applied)."""
    import unicodedata
    from pathlib import Path

    import xxgk
    from xxgk import agency as A

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    names = {xxgk.parse_path(p).meta.agency for p in sorted((fixtures / "seeds").glob("*.txt"))}
    names |= {xxgk.parse_path(p).meta.agency for p in sorted((fixtures / "pages").glob("*.txt"))}
    rng = random.Random(13)
    places = ["浙江省", "杭州市", "西湖区", "金东区", "黔东南州", "互助县", "北京市", "海淀区", "平潭", "江阴", "乐山市", "市中区", "凯里市"]
    for _ in range(200):
        names.add("".join(rng.sample(places, rng.randint(1, 3))) + rng.choice(["人民政府", "财政局", "生态环境局", "街道办事处"]))
    names = sorted(n for n in names if n)
    assert len(names) > 150
    df = A._cpca().transform([A._expand(unicodedata.normalize("NFKC", n)) for n in names])
    for name, prov, city, county in zip(names, df["省"], df["市"], df["区"]):
        prov, city, county = (v if isinstance(v, str) and v else None for v in (prov, city, county))
        if city in A._MUNICIPAL_CITY:
            city = None
        assert A._one_region(A._cpca(), name) == A.Region(prov, city, county), name
