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


def insert_wide(con: duckdb.DuckDBPyConnection, keys: list[str], report_ids, rows, positions, values, blanks: dict[int, list[str]]) -> None:
    """Insert wide rows: report ``report_ids[rows[j]]`` has ``values[j]`` (NaN = blank) in column ``keys[positions[j]]``.

    The cells are scattered into a report × key matrix with numpy and inserted
    column-wise (DuckDB scans the arrays in place); a NaN becomes NULL."""
    import numpy as np

    n = len(report_ids)
    if not n:
        return
    m = np.full((n, len(keys)), np.nan, dtype=np.float64, order="F")  # column-major: every column contiguous
    m[np.asarray(rows, dtype=np.int64), np.asarray(positions, dtype=np.int64)] = np.asarray(values, dtype=np.float64)
    arrays = {"report_id": np.asarray(report_ids, dtype=np.int64)}
    for i in range(len(keys)):
        arrays[f"c{i}"] = m[:, i]
    arrays["blank"] = np.array(["\n".join(blanks[r]) if r in blanks else None for r in arrays["report_id"].tolist()], dtype=object)
    names = ", ".join(q(k) for k in keys)
    # DuckDB reads NaN in a numpy float column as NULL: plain column references (a CASE per
    # column made binding the statement cost ~30 ms per batch)
    exprs = ", ".join(f"c{i}" for i in range(len(keys)))
    view = "_xxgk_new_wide"
    con.register(view, arrays)
    try:
        con.execute(
            f"""INSERT INTO {TABLE} (report_id, {names}, blank_keys)
                SELECT report_id, {exprs}, CASE WHEN blank IS NULL THEN NULL ELSE string_split(CAST(blank AS VARCHAR), chr(10)) END FROM {view}"""
        )
    finally:
        con.unregister(view)


def fill_wide(con: duckdb.DuckDBPyConnection, lo: int, hi: int, keys: list[str] | None = None) -> None:
    """Pivot the long cells of reports ``lo`` ≤ id ≤ ``hi`` into the wide table (reports that have no row there yet)."""
    import numpy as np

    keys = keys if keys is not None else wide_keys(con)
    got = con.execute(
        f"""SELECT c.report_id, k.pos, c.value FROM cells c JOIN (SELECT unnest(?::VARCHAR[]) AS key, generate_subscripts(?::VARCHAR[], 1) - 1 AS pos) k
              ON k.key = c.key
            WHERE c.report_id BETWEEN ? AND ? AND c.report_id NOT IN (SELECT report_id FROM {TABLE} WHERE report_id BETWEEN ? AND ?)""",
        [keys, keys, lo, hi, lo, hi],
    ).fetchnumpy()
    rid = np.asarray(got["report_id"], dtype=np.int64)
    if not len(rid):
        return
    value = np.ma.filled(np.ma.asarray(got["value"], dtype=np.float64), np.nan)
    ids, rows = np.unique(rid, return_inverse=True)
    blanks: dict[int, list[str]] = {}
    for r, bl in con.execute(
        "SELECT report_id, list(key ORDER BY rowid) FROM cells WHERE blank AND report_id BETWEEN ? AND ? GROUP BY report_id", [lo, hi]
    ).fetchall():
        blanks[r] = [k for k in bl if k in set(keys)]
    insert_wide(con, keys, ids, rows, np.asarray(got["pos"], dtype=np.int64), value, blanks)


def migrate_wide(con: duckdb.DuckDBPyConnection, chunk: int = 20_000) -> None:
    """Migration 2's data step: every stored report's cells into the wide table, a range of ids at a time
    (memory stays bounded however large the store)."""
    con.execute(create_sql())
    lo, hi = con.execute("SELECT min(report_id), max(report_id) FROM cells").fetchone()
    if lo is None:
        return
    keys = wide_keys(con)
    for start in range(lo, hi + 1, chunk):
        fill_wide(con, start, start + chunk - 1, keys)
