"""Every report's cells in one wide table: one row per report, one column per cell key.

Columns: ``path, sha256, agency, agency_id, province, city, county, level,
year, layout, published, parser_version`` then every key of
:func:`xxgk.layouts.all_cell_keys` named exactly as report-json.md
(``t3.new.total``).  A blank cell, and a cell the report does not have, are
empty (NULL) — never 0.  Text that could start a spreadsheet formula is quoted
(:func:`xxgk.safe_write.neutral`); the file is written beside the target and
renamed into place.  Only the newest successful parse of each file is
exported (view ``current_reports``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..layouts import all_cell_keys
from ..safe_write import atomic_path, neutral
from .summary import _where

META_COLUMNS = ("path", "sha256", "agency", "agency_id", "province", "city", "county", "level", "year", "layout", "published", "parser_version")
FORMATS = ("csv", "xlsx", "parquet")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def wide_sql(year: int | None = None, region: str | None = None) -> tuple[str, list]:
    where, params = _where(year, region)
    keys = ", ".join(f"'{k}'" for k in all_cell_keys())
    sql = f"""
WITH sel AS (SELECT r.* FROM current_reports r WHERE {where}),
piv AS (
  PIVOT (SELECT report_id, key, value FROM cells WHERE report_id IN (SELECT id FROM sel))
  ON key IN ({keys}) USING first(value) GROUP BY report_id
)
SELECT s.source_path AS path, s.sha256, coalesce(a.name, s.agency) AS agency, s.agency_id, s.province, s.city, s.county,
       s.level, s.year, s.layout, s.published, s.parser_version, piv.* EXCLUDE (report_id)
FROM sel s LEFT JOIN piv ON piv.report_id = s.id LEFT JOIN agencies a ON a.id = s.agency_id
ORDER BY s.year NULLS LAST, s.province NULLS LAST, s.city NULLS LAST, agency, s.source_path"""
    return sql, params


def export(con: duckdb.DuckDBPyConnection, path: str | Path, fmt: str, year: int | None = None, region: str | None = None) -> int:
    """Write the wide table; return the number of report rows."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    sql, params = wide_sql(year, region)
    n = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    with atomic_path(path) as tmp:  # written beside the target, renamed into place when complete
        if fmt == "csv":
            _csv(con, sql, params, tmp)
        elif fmt == "parquet":
            target = str(tmp).replace("'", "''")
            con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet)", params)
        else:
            _xlsx(con, sql, params, tmp)
    return n


def _csv(con: duckdb.DuckDBPyConnection, sql: str, params: list, path: Path) -> None:
    # written here rather than by COPY so that whole numbers print as 12, not 12.0
    import csv

    cur = con.execute(sql, params)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([d[0] for d in cur.description])
        while True:
            rows = cur.fetchmany(2000)
            if not rows:
                break
            w.writerows([["" if v is None else neutral(_xl(v)) for v in row] for row in rows])


def _xlsx(con: duckdb.DuckDBPyConnection, sql: str, params: list, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("reports")
    cur = con.execute(sql, params)
    ws.append([d[0] for d in cur.description])
    while True:
        rows = cur.fetchmany(1000)
        if not rows:
            break
        for row in rows:
            ws.append([neutral(_xl(v)) for v in row])
    wb.save(str(path))


def _xl(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
