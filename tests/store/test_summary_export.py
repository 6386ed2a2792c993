"""Summary and export figures: against hand-computed sums on the five seeds, and against the per-report cells.

The seeds (tests/fixtures/seeds), as published:

=====  ===========================  ====  =======  ==========================  ==================
seed   agency                       year  t3.new   t3.granted / t3.total       t4
=====  ===========================  ====  =======  ==========================  ==================
000    金华市生态环境局金东分局       2020  all 0    rows not printed / 0        no 表四
001    市中区生态环境分局             2020  自然人 2, 总计 2  all 0            all 0
002    黔东南州生态环境局             2020  商业企业 1, 总计 1  granted 1 / 0  复议 3 维持 = 总计 3;
                                                                                  直接起诉 其他结果 1, 总计 0;
                                                                                  复议后起诉 维持 1, 总计 1
003    海东市互助县生态环境局         2021  表三 printed with every cell blank  表四 header, no figures
004    江阴生态环境局                 2020  自然人 4, 总计 4  granted 自然人 4, 总计 0; (七)总计 自然人 4, 总计 0   all 0
=====  ===========================  ====  =======  ==========================  ==================
"""

from __future__ import annotations

import csv
import json

import duckdb
from openpyxl import load_workbook

import xxgk
from xxgk.layouts import all_cell_keys
from xxgk.store import connect
from xxgk.store.export import META_COLUMNS, export
from xxgk.store.summary import summarise
from xxgk.store.summary_out import summary_csv, write_summary_xlsx

from store_helpers import seeds_db, seed_files  # noqa: F401 (seeds_db is a fixture)


def test_seed_sums_by_hand(seeds_db):
    con = connect(seeds_db, read_only=True)
    s = summarise(con)
    c = s["cells"]
    assert s["reports"] == 5
    # 一、本年新收: 0 + 2 + 1 + blank + 4; the blank report is counted as blank, not as 0
    assert c["t3.new.total"] == {"sum": 7, "reports": 4, "blank": 1, "missing": 0}
    assert c["t3.new.natural"]["sum"] == 6 and c["t3.new.commercial"]["sum"] == 1
    # （一）予以公开: 000 does not print the row (missing), 003 leaves it blank
    assert c["t3.granted.natural"] == {"sum": 4, "reports": 3, "blank": 1, "missing": 1}
    assert c["t3.granted.total"]["sum"] == 1
    assert c["t3.total.total"] == {"sum": 0, "reports": 4, "blank": 1, "missing": 0}
    # 表四: only 001, 002 and 004 give figures (003 prints the header alone: blank or missing, as the extractor reads it)
    t4 = c["t4.review.upheld"]
    assert (t4["sum"], t4["reports"], t4["blank"] + t4["missing"]) == (3, 3, 2)
    assert c["t4.review.total"]["sum"] == 3
    assert c["t4.suit_direct.other"]["sum"] == 1 and c["t4.suit_direct.total"]["sum"] == 0
    assert c["t4.suit_after_review.total"]["sum"] == 1
    r = s["rates"]
    # 予以公开率 = 1 / 0: undefined, not 0 or infinity; and incomplete because 003 is blank
    assert r["granted_rate"]["value"] is None and r["granted_rate"]["incomplete"]
    # 复议纠错率 = 结果纠正 0 / (总计 3 − 尚未审结 0)
    assert (r["review_correction_rate"]["value"], r["review_correction_rate"]["denominator"]) == (0.0, 3)
    # incomplete exactly when a report left one of its cells blank
    assert r["review_correction_rate"]["incomplete"] == any(c[f"t4.review.{k}"]["blank"] for k in ("corrected", "total", "pending"))
    # 诉讼纠错率 = (0 + 0) / ((0 + 1) − (0 + 0))
    assert (r["suit_correction_rate"]["value"], r["suit_correction_rate"]["denominator"]) == (0.0, 1)


def test_filters_and_groups_by_hand(seeds_db):
    con = connect(seeds_db, read_only=True)
    gz = summarise(con, region="贵州")
    assert gz["reports"] == 1 and gz["cells"]["t4.review.total"]["sum"] == 3
    y2020 = summarise(con, year=2020)
    assert y2020["reports"] == 4 and y2020["cells"]["t3.new.total"] == {"sum": 7, "reports": 4, "blank": 0, "missing": 0}
    by_year = summarise(con, by="year")
    groups = {g["group"]: g for g in by_year["groups"]}
    assert {k: g["reports"] for k, g in groups.items()} == {"2020": 4, "2021": 1}
    assert groups["2021"]["cells"]["t3.new.total"] == {"sum": None, "reports": 0, "blank": 1, "missing": 0}
    assert by_year["cells"]["t3.new.total"]["sum"] == 7  # the overall line of a grouped summary
    by_region = summarise(con, by="region")
    assert {g["group"] for g in by_region["groups"]} == {"浙江省 金华市", "四川省 乐山市", "贵州省 黔东南苗族侗族自治州", "青海省 海东市", "江苏省 无锡市"}


def test_summary_totals_equal_the_sum_of_the_per_report_cells(seeds_db):
    con = connect(seeds_db, read_only=True)
    s = summarise(con)
    recs = [xxgk.parse_path(p) for p in seed_files()]
    for key, fig in s["cells"].items():
        values = [r.cells[key] for r in recs if key in r.cells]
        numbers = [v for v in values if v is not None]
        assert fig["reports"] == len(numbers), key
        assert fig["blank"] == len(values) - len(numbers), key
        assert fig["sum"] == (sum(numbers) if numbers else None), key
    # and against SQL over the cells table
    for key, total in con.execute("SELECT key, sum(value) FROM cells WHERE key LIKE 't3.%' OR key LIKE 't4.%' GROUP BY key").fetchall():
        assert s["cells"][key]["sum"] == total, key


def test_summary_files(seeds_db, tmp_path):
    con = connect(seeds_db, read_only=True)
    s = summarise(con)
    rows = list(csv.DictReader(summary_csv(s, keys=True).splitlines()))
    new_total = next(r for r in rows if r["key"] == "t3.new.total")
    assert (new_total["sum"], new_total["blank"], new_total["incomplete"]) == ("7", "1", "True")
    assert "本年新收" in new_total["label"]
    json.dumps(s, ensure_ascii=False)  # JSON-ready
    write_summary_xlsx(s, tmp_path / "s.xlsx")
    wb = load_workbook(tmp_path / "s.xlsx")
    t3 = wb.worksheets[0]
    header = [c.value for c in t3[1]]
    row = next(r for r in t3.iter_rows(values_only=True) if r[0] and "本年新收" in r[0])
    assert row[header.index("总计")] == 7
    assert t3.cell(row=[r[0].value for r in t3.iter_rows()].index(row[0]) + 1, column=header.index("总计") + 1).comment is not None  # marked incomplete


def _expected(path) -> dict:
    return xxgk.parse_path(path).cells


def test_export_csv_parquet_xlsx(seeds_db, tmp_path):
    con = connect(seeds_db, read_only=True)
    columns = [*META_COLUMNS, *all_cell_keys()]
    assert export(con, tmp_path / "w.csv", "csv", keys=True) == 5
    with open(tmp_path / "w.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == columns
    by_path = {r["path"]: r for r in rows}
    for p in seed_files():
        exp = _expected(p)
        row = by_path[str(p)]
        for key in all_cell_keys():
            v = exp.get(key)
            assert row[key] == ("" if v is None else str(int(v)) if float(v).is_integer() else str(v)), (p.name, key)
    blank = by_path[str(seed_files()[3])]  # 003: 表三 printed blank
    assert blank["t3.new.total"] == "" and blank["year"] == "2021" and blank["province"] == "青海省"
    qdn = by_path[str(seed_files()[2])]
    assert (qdn["t4.review.upheld"], qdn["t3.new.commercial"], qdn["layout"]) == ("3", "1", "2019")

    assert export(con, tmp_path / "w.parquet", "parquet", keys=True) == 5
    pq = duckdb.sql(f"SELECT * FROM '{tmp_path / 'w.parquet'}'")
    assert pq.columns == columns
    got = {r[0]: r for r in pq.fetchall()}
    i_new = columns.index("t3.new.total")
    assert got[str(seed_files()[3])][i_new] is None  # blank stays NULL
    assert got[str(seed_files()[4])][i_new] == 4
    assert sum(r[i_new] or 0 for r in got.values()) == 7

    assert export(con, tmp_path / "w.xlsx", "xlsx", keys=True) == 5
    ws = load_workbook(tmp_path / "w.xlsx").active
    xrows = list(ws.iter_rows(values_only=True))
    assert list(xrows[0]) == columns
    xl = {r[0]: r for r in xrows[1:]}
    assert xl[str(seed_files()[3])][i_new] is None
    assert xl[str(seed_files()[1])][i_new] == 2


def test_an_export_in_parts_is_the_export_in_one(seeds_db, tmp_path):
    """A store larger than one part (EXPORT_CHUNK reports) is exported part by part and the parts
    joined: the same file as one pass — rows, order, columns, blanks — in every format and filter."""
    con = connect(seeds_db, read_only=True)
    for fmt in ("csv", "parquet", "xlsx"):
        for year, keys in ((None, True), (None, False), (2021, True)):
            whole, parts = tmp_path / f"whole.{fmt}", tmp_path / f"parts.{fmt}"
            n = export(con, whole, fmt, year=year, keys=keys)
            assert export(con, parts, fmt, year=year, keys=keys, chunk=2) == n
            assert n > 2 or year is not None  # (all five seeds: three parts)
            if fmt == "parquet":
                a = duckdb.sql(f"SELECT * FROM '{whole}'")
                b = duckdb.sql(f"SELECT * FROM '{parts}'")
                assert a.columns == b.columns and a.fetchall() == b.fetchall()
            elif fmt == "csv":
                assert whole.read_bytes() == parts.read_bytes()
            else:
                rows = lambda p: list(load_workbook(p).active.iter_rows(values_only=True))  # noqa: E731
                assert rows(whole) == rows(parts)
    assert not list(tmp_path.glob(".xxgk-export-*"))  # the parts are gone
