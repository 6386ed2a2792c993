"""Schema migration 2 (the wide cell table and the findings counts) on real stores.

A store written by ingest, taken back to version 1, migrates to exactly what
ingest writes; a version-1 store of 100,000 generated reports migrates in tens
of seconds and its summaries, exports and counts agree with the long table.
"""

from __future__ import annotations

import duckdb
import pytest
from store_helpers import seed_files, write_synthetic

from xxgk.store import connect
from xxgk.store.export import export
from xxgk.store.ingest import ingest
from xxgk.store.schema import SCHEMA_VERSION, migrate
from xxgk.store.summary import summarise, summary_keys
from xxgk.store.synth import national_store


def _wide_rows(con):
    return sorted(con.execute("SELECT * FROM report_cells").fetchall(), key=repr)


def _counts(con):
    return sorted(con.execute("SELECT id, n_errors, n_warnings, n_infos FROM reports").fetchall())


def test_an_ingested_store_taken_back_to_version_1_migrates_to_what_ingest_writes(tmp_path):
    db = tmp_path / "x.duckdb"
    con = connect(db)
    res = ingest(con, seed_files() + write_synthetic(tmp_path / "in", 12), jobs=1)
    assert res.ingested == 17
    wide, counts = _wide_rows(con), _counts(con)
    assert len(wide) == 17 and any(n for _, n, _, _ in counts)
    # back to version 1: as a store written before this schema (version 3's copies and register undone too)
    con.execute("DROP VIEW parsed_reports")
    con.execute("DROP VIEW current_reports")
    for col in ("counted", "primary_id", "variant"):
        con.execute(f"ALTER TABLE reports DROP COLUMN {col}")
    con.execute("CREATE VIEW current_reports AS SELECT * FROM reports WHERE current")
    con.execute("DROP TABLE register")
    con.execute("ALTER TABLE agencies DROP COLUMN region_source")
    con.execute("DROP TABLE report_cells")
    con.execute("DROP TABLE reviews")  # (migration 4: the review desk's status)
    for table in ("report_figures", "summary_cube", "summary_blanks"):  # (migration 5: the summary's pre-aggregates)
        con.execute(f"DROP TABLE {table}")
    for col in ("n_errors", "n_warnings", "n_infos"):
        con.execute(f"ALTER TABLE reports DROP COLUMN {col}")
    con.execute("DELETE FROM schema_version WHERE version > 1")
    con.close()
    con = connect(db)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    assert _wide_rows(con) == wide
    assert _counts(con) == counts


def _long_figures(con, where: str = "TRUE") -> dict:
    """Sum, count and blanks of every summary key straight from the long table (the version-1 way)."""
    rows = con.execute(
        f"""SELECT c.key, sum(c.value), count(c.value), count(*) FILTER (WHERE c.blank)
            FROM cells c JOIN reports r ON r.id = c.report_id WHERE r.current AND {where} AND c.key IN (SELECT unnest(?::VARCHAR[])) GROUP BY c.key""",
        [summary_keys()],
    ).fetchall()
    return {k: (s, n, b) for k, s, n, b in rows}


def _summary_figures(s: dict) -> dict:
    return {k: (v["sum"], v["reports"], v["blank"]) for k, v in s["cells"].items()}


@pytest.mark.slow
def test_a_version_1_store_of_100k_reports_migrates_and_agrees_with_its_long_table(tmp_path):
    db = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(db))
    migrate(con, target=1)
    national_store(con, 100_000, chunk=50_000)
    assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'report_cells'").fetchone()[0]
    prov, year = con.execute("SELECT province, year FROM reports GROUP BY ALL ORDER BY count(*) DESC, 1, 2 LIMIT 1").fetchone()
    everything = _long_figures(con)
    one = _long_figures(con, f"r.province = '{prov}' AND r.year = {year}")
    per_report = dict(con.execute("SELECT report_id, count(*) FILTER (WHERE severity = 'error') FROM findings GROUP BY ALL").fetchall())
    sample = con.execute("SELECT report_id, key, value FROM cells WHERE report_id IN (7, 50001, 99999)").fetchall()
    con.close()

    con = connect(db)  # migrates
    assert con.execute("SELECT count(*) FROM report_cells").fetchone()[0] == 100_000
    got = _summary_figures(summarise(con))
    assert got == {k: (int(s) if s is not None and float(s).is_integer() else s, n, b) for k, (s, n, b) in everything.items()}
    assert _summary_figures(summarise(con, year=year, region=prov)) == {
        k: (int(s) if s is not None and float(s).is_integer() else s, n, b) for k, (s, n, b) in one.items()
    }
    assert dict(con.execute("SELECT id, n_errors FROM reports WHERE n_errors > 0").fetchall()) == {k: v for k, v in per_report.items() if v}
    out = tmp_path / "one.parquet"
    assert export(con, out, "parquet", year=year, region=prov) == con.execute(
        "SELECT count(*) FROM current_reports WHERE province = ? AND year = ?", [prov, year]
    ).fetchone()[0]
    wide = con.execute(f"SELECT * FROM report_cells WHERE report_id IN (7, 50001, 99999)").fetchall()
    cols = [d[0] for d in con.execute("SELECT * FROM report_cells LIMIT 0").description]
    from_wide = {(r[0], k): v for r in wide for k, v in zip(cols[1:-1], r[1:-1]) if v is not None}
    assert from_wide == {(rid, k): v for rid, k, v in sample if v is not None}
