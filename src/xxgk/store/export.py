"""Every report's cells in one wide table: one row per report, one column per cell key.

Columns: ``path, sha256, agency, agency_id, province, city, county, level,
year, layout, published, parser_version`` then every key of
:func:`xxgk.layouts.all_cell_keys` named exactly as report-json.md
(``t3.new.total``).  A blank cell, and a cell the report does not have, are
empty (NULL) — never 0.  Text that could start a spreadsheet formula is quoted
(:func:`xxgk.safe_write.neutral`); the file is written beside the target and
renamed into place.  Only the newest successful parse of each file is
exported (view ``current_reports``).  One streaming pass over the wide table
``report_cells`` (no pivot, no counting pass, no sort: rows come in the order
they were stored), with DuckDB's memory capped — an export of any size stays
under a gigabyte.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from ..layouts import all_cell_keys
from ..safe_write import atomic_path, neutral
from .summary import _where
from .wide import TABLE, q, wide_keys

META_COLUMNS = ("path", "sha256", "agency", "agency_id", "province", "city", "county", "level", "year", "layout", "published", "parser_version")
FORMATS = ("csv", "xlsx", "parquet")


def wide_sql(year: int | None = None, region: str | None = None, con: duckdb.DuckDBPyConnection | None = None) -> tuple[str, list]:
    """The export's SELECT: reports joined with their row of the wide cell table (no pivot, one pass)."""
    where, params = _where(year, region)
    present = set(wide_keys(con)) if con is not None else set(all_cell_keys())
    cells = ", ".join(f"w.{q(k)}" if k in present else f"CAST(NULL AS DOUBLE) AS {q(k)}" for k in all_cell_keys())
    # The wide table is streamed (the probe side); the reports' few columns are what the join holds in memory.
    # No ORDER BY: sorting two million rows of 250 columns is what made exports need the machine's memory —
    # the rows come in the order they were stored (ingest order); sort when reading.
    sql = f"""
SELECT r.source_path AS path, r.sha256, r.agency_name AS agency, r.agency_id, r.province, r.city, r.county,
       r.level, r.year, r.layout, r.published, r.parser_version, {cells}
FROM {TABLE} w RIGHT JOIN (
    SELECT r.id, r.source_path, r.sha256, coalesce(a.name, r.agency) AS agency_name, r.agency_id, r.province, r.city, r.county,
           r.level, r.year, r.layout, r.published, r.parser_version
    FROM current_reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE {where}
) r ON w.report_id = r.id"""
    return sql, params


# Memory the database may use while it writes an export (the reports' columns held by the join, the
# row groups being written): beyond it DuckDB spills to disk, so an export of any size stays within about
# a gigabyte of memory.  XXGK_EXPORT_MEMORY changes it (a DuckDB size, e.g. 400MB).
EXPORT_MEMORY = os.environ.get("XXGK_EXPORT_MEMORY", "800MB")


def export(con: duckdb.DuckDBPyConnection, path: str | Path, fmt: str, year: int | None = None, region: str | None = None) -> int:
    """Write the wide table in one streaming pass; return the number of report rows."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    sql, params = wide_sql(year, region, con)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    old = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute(f"SET memory_limit = '{EXPORT_MEMORY}'")
    try:
        with atomic_path(path) as tmp:  # written beside the target, renamed into place when complete
            if fmt == "csv":
                return _csv(con, sql, params, tmp)
            if fmt == "parquet":
                # COPY reports how many rows it wrote: no counting pass
                target = str(tmp).replace("'", "''")
                return int(con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 16384)", params).fetchone()[0])
            return _xlsx(con, sql, params, tmp)
    finally:
        con.execute(f"SET memory_limit = '{old}'")


def _csv(con: duckdb.DuckDBPyConnection, sql: str, params: list, path: Path) -> int:
    # written here rather than by COPY so that whole numbers print as 12, not 12.0
    import csv

    cur = con.execute(sql, params)
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([d[0] for d in cur.description])
        while True:
            rows = cur.fetchmany(2000)
            if not rows:
                break
            n += len(rows)
            w.writerows([["" if v is None else neutral(_xl(v)) for v in row] for row in rows])
    return n


def _xlsx(con: duckdb.DuckDBPyConnection, sql: str, params: list, path: Path) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("reports")
    cur = con.execute(sql, params)
    ws.append([d[0] for d in cur.description])
    n = 0
    while True:
        rows = cur.fetchmany(1000)
        if not rows:
            break
        n += len(rows)
        for row in rows:
            ws.append([neutral(_xl(v)) for v in row])
    wb.save(str(path))
    return n


def _xl(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
