"""The wide cell table ``report_cells``: one row per report, one DOUBLE column per cell key.

It stands beside the long table ``cells`` (which keeps every cell's raw text and
uncertainty) and is what summaries and exports read at national scale: a sum of
a key over two million reports is one column scan, not a join of hundreds of
millions of long rows.  A blank cell is NULL in its column *and* its key is
listed in ``blank_keys``; a key the report does not have is NULL and not listed —
so blank and missing stay apart, and neither is ever 0.

The table is filled from ``cells`` by :func:`fill_wide` — by ingest for every
batch it commits and by migration 2 for the reports stored before it — so the
two tables cannot disagree.  Its columns are the keys of
:func:`xxgk.layouts.all_cell_keys` when the migration ran; :func:`wide_keys`
reads them from the table itself.
"""

from __future__ import annotations

import duckdb

from ..layouts import all_cell_keys

TABLE = "report_cells"


def q(name: str) -> str:
    """A quoted identifier (cell keys hold dots)."""
    return '"' + name.replace('"', '""') + '"'


def create_sql(keys: tuple[str, ...] | None = None) -> str:
    cols = ", ".join(f"{q(k)} DOUBLE" for k in keys or all_cell_keys())
    return f"CREATE TABLE {TABLE} (report_id INTEGER NOT NULL, {cols}, blank_keys VARCHAR[])"


def wide_keys(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The cell keys that are columns of the wide table, in table order."""
    cols = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = current_database() ORDER BY column_index", [TABLE]
    ).fetchall()
    return [c for (c,) in cols if c not in ("report_id", "blank_keys")]


def fill_wide(con: duckdb.DuckDBPyConnection, lo: int, hi: int, keys: list[str] | None = None) -> None:
    """Pivot the long cells of reports ``lo`` ≤ id ≤ ``hi`` into the wide table (rows not there yet)."""
    keys = keys if keys is not None else wide_keys(con)
    names = ", ".join(q(k) for k in keys)
    aggs = ", ".join(f"first(value) FILTER (WHERE key = '{k}')" for k in keys)
    con.execute(
        f"""INSERT INTO {TABLE} (report_id, {names}, blank_keys)
            SELECT report_id, {aggs}, list(key) FILTER (WHERE blank)
            FROM cells WHERE report_id BETWEEN ? AND ?
              AND report_id NOT IN (SELECT report_id FROM {TABLE} WHERE report_id BETWEEN ? AND ?)
            GROUP BY report_id""",
        [lo, hi, lo, hi],
    )


def migrate_wide(con: duckdb.DuckDBPyConnection, chunk: int = 50_000) -> None:
    """Migration 2's data step: every stored report's cells into the wide table, a range of ids at a time
    (memory stays bounded however large the store)."""
    con.execute(create_sql())
    lo, hi = con.execute("SELECT min(report_id), max(report_id) FROM cells").fetchone()
    if lo is None:
        return
    keys = wide_keys(con)
    for start in range(lo, hi + 1, chunk):
        fill_wide(con, start, start + chunk - 1, keys)
