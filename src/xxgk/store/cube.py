"""Pre-aggregates of the summary: per-report figures and the summary cube.

Two tables make ``xxgk summary`` of millions of reports a scan of thousands of rows:

* ``report_figures`` — one row per report, what the summary needs of a report
  beyond its cells, computed once from its long ``cells`` when it is stored (a
  report's cells never change): whether it left none of its 表三/表四 cells blank
  (``whole``: its tables are summed and checked with the balance rules), and for
  every rate of :data:`xxgk.store.measures.RATES` its numerator, denominator and
  whether the rate may rest on it (``state``: 1 counted, 2 left out for a blank,
  3 left out as impossible, 0 neither).
* ``summary_cube`` — one row per (year, province, city, level) of the counted
  reports: for every summary key the sum and number of its figures, over all
  reports and over the ``whole`` ones; the rates' sums and counts; and
  ``summary_blanks`` the blank cells per group and key.  Every row keeps how
  many reports it was built from and the sum of their ids' hashes (``sig``).

The cube is never trusted blindly.  A summary first compares, per group, the
count and ``sig`` of the counted reports *now* with the cube row: a group is
fresh only if both agree, so any change of the reports a group holds — a new
parse, a copy found or lost by dedup, an agency merged, renamed or moved to
another region by the register or by hand — makes it stale, whichever code did
it.  Stale groups (and reports a region filter selects by county only, and every
``--by agency``) are aggregated live from ``report_cells`` and ``report_figures``
in the same query, so the answer is always what the cells say.  :func:`refresh`
rebuilds just the stale groups; ingest (through dedup), ``agencies
merge/rename/set-region`` and ``load-register`` call it, so the cube stays warm.
"""

from __future__ import annotations

import duckdb

from .db import has_table, transaction
from .measures import RATES, summary_keys
from .wide import TABLE as WIDE, q

FIGURES = "report_figures"
CUBE = "summary_cube"
BLANKS = "summary_blanks"
GROUP = ("year", "province", "city", "level")
COUNTED, BLANK, IMPOSSIBLE = 1, 2, 3


def _in(keys) -> str:
    """``key IN (…)`` of literal keys (FALSE for none)."""
    if not keys:
        return "FALSE"
    return "key IN (" + ", ".join("'" + k.replace("'", "''") + "'" for k in keys) + ")"


# ------------------------------------------------------------------ per-report figures


def figures_create_sql() -> str:
    cols = ", ".join(f"{q(rd.key + '.num')} DOUBLE, {q(rd.key + '.den')} DOUBLE, {q(rd.key + '.state')} TINYINT" for rd in RATES)
    return f"CREATE TABLE {FIGURES} (report_id INTEGER NOT NULL, whole BOOLEAN NOT NULL, {cols})"


def fill_figures(con: duckdb.DuckDBPyConnection, lo: int, hi: int) -> None:
    """The figures of reports ``lo`` ≤ id ≤ ``hi`` that have none yet, from their long cells.

    Per rate, over the report's cells of the rate's keys (a blank cell is present
    but not filled): complete = every such cell filled and at least one
    denominator cell; impossible = complete and (denominator − minus < 0 or
    numerator > it)."""
    parts, cols = [], []
    for rd in RATES:
        keys = list(dict.fromkeys(rd.numerator + rd.denominator + rd.minus))
        k = rd.key
        parts.append(
            f"""sum(value) FILTER (WHERE {_in(rd.numerator)}) AS "{k}_num",
                sum(value) FILTER (WHERE {_in(rd.denominator)}) AS "{k}_den",
                coalesce(sum(value) FILTER (WHERE {_in(rd.minus)}), 0) AS "{k}_minus",
                count(*) FILTER (WHERE {_in(rd.denominator)}) AS "{k}_nden",
                count(*) FILTER (WHERE {_in(keys)}) AS "{k}_present",
                count(value) FILTER (WHERE {_in(keys)}) AS "{k}_filled\""""
        )
        complete = f'("{k}_present" = "{k}_filled" AND "{k}_nden" > 0)'
        d = f'("{k}_den" - "{k}_minus")'
        impossible = f'({complete} AND ({d} < 0 OR "{k}_num" > {d}))'
        cols.append(
            f"""CASE WHEN "{k}_present" = 0 THEN NULL ELSE "{k}_num" END, CASE WHEN "{k}_present" = 0 THEN NULL ELSE {d} END,
                CASE WHEN "{k}_present" = 0 THEN 0 WHEN NOT {complete} THEN {BLANK} WHEN {impossible} THEN {IMPOSSIBLE}
                     WHEN {complete} AND NOT {impossible} THEN {COUNTED} ELSE 0 END"""
        )
    con.execute(
        f"""INSERT INTO {FIGURES}
            SELECT report_id, coalesce(t_all > 0 AND t_all = t_filled AND t3 > 0, false), {", ".join(cols)}
            FROM (SELECT report_id,
                         count(*) FILTER (WHERE key >= 't3.' AND key < 't5') AS t_all,
                         count(value) FILTER (WHERE key >= 't3.' AND key < 't5') AS t_filled,
                         count(*) FILTER (WHERE key >= 't3.' AND key < 't4') AS t3,
                         {", ".join(parts)}
                  FROM cells WHERE report_id BETWEEN ? AND ? AND key >= 't3.' AND key < 't5'
                    AND report_id NOT IN (SELECT report_id FROM {FIGURES} WHERE report_id BETWEEN ? AND ?)
                  GROUP BY report_id)""",
        [lo, hi, lo, hi],
    )


def fill_all_figures(con: duckdb.DuckDBPyConnection, chunk: int = 50_000) -> None:
    """Figures for every stored report that lacks them, a range of ids at a time (memory stays bounded)."""
    lo, hi = con.execute("SELECT min(report_id), max(report_id) FROM cells").fetchone()
    if lo is None:
        return
    for start in range(lo, hi + 1, chunk):
        fill_figures(con, start, start + chunk - 1)


# ------------------------------------------------------------------ the aggregates (one definition for cube and live)


def aggregates(keys: list[str], whole_keys: list[str] | None = None, rates: bool = True) -> list[tuple[str, str]]:
    """(column name, SQL aggregate) over rows ``w`` (report_cells) and ``f`` (report_figures): per key of ``keys``
    its sum and count; per key of ``whole_keys`` (default ``keys``) the same over the reports without blanks;
    the rates' sums and counts."""
    out = []
    for k in keys:
        c = f"w.{q(k)}"
        out.append((f"sum {k}", f"sum({c})"))
        out.append((f"n {k}", f"count({c})"))
    for k in keys if whole_keys is None else whole_keys:
        c = f"w.{q(k)}"
        # (CASE, not FILTER: DuckDB plans hundreds of FILTER clauses very slowly)
        out.append((f"whole sum {k}", f"sum(CASE WHEN f.whole THEN {c} END)"))
        out.append((f"whole n {k}", f"count(CASE WHEN f.whole THEN {c} END)"))
    if rates:
        for rd in RATES:
            st = f"f.{q(rd.key + '.state')}"
            out.append((f"{rd.key} num", f"sum(CASE WHEN {st} = {COUNTED} THEN f.{q(rd.key + '.num')} END)"))
            out.append((f"{rd.key} den", f"sum(CASE WHEN {st} = {COUNTED} THEN f.{q(rd.key + '.den')} END)"))
            out.append((f"{rd.key} reports", f"count(CASE WHEN {st} = {COUNTED} THEN 1 END)"))
            out.append((f"{rd.key} blank", f"count(CASE WHEN {st} = {BLANK} THEN 1 END)"))
            out.append((f"{rd.key} impossible", f"count(CASE WHEN {st} = {IMPOSSIBLE} THEN 1 END)"))
    return out


def _is_sum(name: str) -> bool:
    return name.startswith(("sum ", "whole sum ")) or name.endswith((" num", " den"))


def has_cube(con: duckdb.DuckDBPyConnection) -> bool:
    return has_table(con, CUBE)


def cube_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        c
        for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = current_database()", [CUBE]
        ).fetchall()
    }


def cube_create_sql() -> tuple[str, str]:
    cols = ", ".join(f"{q(name)} {'DOUBLE' if _is_sum(name) else 'BIGINT'}" for name, _ in aggregates(summary_keys()))
    return (
        f"CREATE TABLE {CUBE} (year INTEGER, province VARCHAR, city VARCHAR, level VARCHAR, reports BIGINT NOT NULL, sig HUGEINT NOT NULL, {cols})",
        f"CREATE TABLE {BLANKS} (year INTEGER, province VARCHAR, city VARCHAR, level VARCHAR, key VARCHAR NOT NULL, n BIGINT NOT NULL)",
    )


def same_group(a: str, b: str) -> str:
    """The join condition of two rows of one group (NULL meets NULL).  The hash of the group's columns
    makes it an equi-join DuckDB hashes; the columns themselves make it exact."""
    cols = ", ".join(f"{a}.{c}" for c in GROUP), ", ".join(f"{b}.{c}" for c in GROUP)
    return f"hash({cols[0]}) = hash({cols[1]}) AND " + " AND ".join(f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}" for c in GROUP)


NOW_SQL = f"""SELECT {", ".join(f"r.{c}" for c in GROUP)}, count(*) AS n, sum(hash(r.id)) AS sig FROM current_reports r WHERE {{where}} GROUP BY ALL"""


def refresh(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the cube up to date: rebuild the groups whose reports changed, drop the groups that are gone.
    Returns the number of groups rebuilt.  Cheap when nothing changed (one scan of ``reports``)."""
    if not has_cube(con):
        return 0
    aggs = aggregates(summary_keys())
    names = ", ".join(q(n) for n, _ in aggs)
    exprs = ", ".join(e for _, e in aggs)
    g = ", ".join(f"r.{c}" for c in GROUP)
    with transaction(con):
        con.execute(f"CREATE OR REPLACE TEMP TABLE _xxgk_now AS {NOW_SQL.format(where='TRUE')}")
        # rows of groups whose reports changed, or that hold no report any more
        con.execute(f"DELETE FROM {CUBE} c WHERE NOT EXISTS (SELECT 1 FROM _xxgk_now now WHERE {same_group('c', 'now')} AND c.reports = now.n AND c.sig = now.sig)")
        con.execute(f"DELETE FROM {BLANKS} b WHERE NOT EXISTS (SELECT 1 FROM {CUBE} c WHERE {same_group('c', 'b')})")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _xxgk_stale AS SELECT now.* FROM _xxgk_now now ANTI JOIN {CUBE} c ON {same_group('c', 'now')}")
        n = con.execute("SELECT count(*) FROM _xxgk_stale").fetchone()[0]
        if n:
            sel = f"SELECT r.* FROM current_reports r SEMI JOIN _xxgk_stale s ON {same_group('r', 's')}"
            con.execute(
                f"""INSERT INTO {CUBE} (year, province, city, level, reports, sig, {names})
                    SELECT {g}, count(*), sum(hash(r.id)), {exprs}
                    FROM ({sel}) r LEFT JOIN {WIDE} w ON w.report_id = r.id LEFT JOIN {FIGURES} f ON f.report_id = r.id
                    GROUP BY {g}"""
            )
            con.execute(
                f"""INSERT INTO {BLANKS} SELECT {g}, b.key, count(*)
                    FROM ({sel}) r JOIN (SELECT report_id, unnest(blank_keys) AS key FROM {WIDE} WHERE blank_keys IS NOT NULL) b ON b.report_id = r.id
                    GROUP BY ALL"""
            )
        con.execute("DROP TABLE IF EXISTS _xxgk_now")
        con.execute("DROP TABLE IF EXISTS _xxgk_stale")
    return n


def migrate_cube(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 5: the per-report figures of every stored report, then the cube built from them."""
    con.execute(figures_create_sql())
    fill_all_figures(con)
    for sql in cube_create_sql():
        con.execute(sql)
    if con.execute("SELECT count(*) FROM reports").fetchone()[0]:  # a new store has nothing to sum (planning the sums costs ≈ 0.3 s)
        _build(con)


def _build(con: duckdb.DuckDBPyConnection) -> None:
    """Every group of the cube, inside the caller's transaction (the migration's)."""
    aggs = aggregates(summary_keys())
    names = ", ".join(q(n) for n, _ in aggs)
    exprs = ", ".join(e for _, e in aggs)
    g = ", ".join(f"r.{c}" for c in GROUP)
    con.execute(
        f"""INSERT INTO {CUBE} (year, province, city, level, reports, sig, {names})
            SELECT {g}, count(*), sum(hash(r.id)), {exprs}
            FROM current_reports r LEFT JOIN {WIDE} w ON w.report_id = r.id LEFT JOIN {FIGURES} f ON f.report_id = r.id
            GROUP BY {g}"""
    )
    con.execute(
        f"""INSERT INTO {BLANKS} SELECT {g}, b.key, count(*)
            FROM current_reports r JOIN (SELECT report_id, unnest(blank_keys) AS key FROM {WIDE} WHERE blank_keys IS NOT NULL) b ON b.report_id = r.id
            GROUP BY ALL"""
    )
