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
META_LABELS = {
    "path": "文件", "sha256": "SHA-256", "agency": "机关", "agency_id": "机关编号", "province": "省", "city": "市", "county": "县",
    "level": "层级", "year": "年度", "layout": "格式", "published": "发布日期", "parser_version": "解析版本",
}
FORMATS = ("csv", "xlsx", "parquet")


def heading(name: str, keys: bool = False) -> str:
    """A column's heading: the official Chinese label (表三·一、本年新收…·自然人), or the key itself with ``keys``."""
    if keys:
        return name
    if name in META_LABELS:
        return META_LABELS[name]
    from ..layouts import column_label

    return column_label(name)


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


def export(con: duckdb.DuckDBPyConnection, path: str | Path, fmt: str, year: int | None = None, region: str | None = None, keys: bool = False) -> int:
    """Write the wide table; return the number of report rows.  Columns are headed by
    the official labels, or by the cell keys (``t3.new.total``) with ``keys``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    sql, params = wide_sql(year, region)
    if not keys:
        cols = [d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0", params).description]
        sql = "SELECT " + ", ".join(f"{_q(c)} AS {_q(heading(c))}" for c in cols) + f" FROM ({sql})"
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
    with open(path, "w", newline="", encoding="utf-8-sig") as f:  # with a BOM: Excel on Windows reads it as UTF-8
        w = csv.writer(f, lineterminator="\n")
        w.writerow([d[0] for d in cur.description])
        while True:
            rows = cur.fetchmany(2000)
            if not rows:
                break
            w.writerows([["" if v is None else neutral(_xl(v)) for v in row] for row in rows])


def _xlsx(con: duckdb.DuckDBPyConnection, sql: str, params: list, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报告")
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    n_meta = len(META_COLUMNS)
    _sheet_layout(ws, names, n_meta)
    head = []
    for name in names:
        c = WriteOnlyCell(ws, value=name)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="F2F2F2")
        c.alignment = Alignment(wrap_text=True, vertical="top")
        head.append(c)
    ws.append(head)
    amount = {i for i, n in enumerate(names) if n.endswith(".amount") or "收费金额" in n}
    while True:
        rows = cur.fetchmany(1000)
        if not rows:
            break
        for row in rows:
            out = []
            for i, v in enumerate(row):
                v = neutral(_xl(v))  # a text cell never runs as a formula
                if i in amount and v is not None:
                    c = WriteOnlyCell(ws, value=v)
                    c.number_format = "0.00##"
                    v = c
                out.append(v)
            ws.append(out)
    wb.save(str(path))


def _sheet_layout(ws, names: list[str], n_meta: int) -> None:
    """Column widths, the header row frozen (with the path and agency columns), a filter on the header."""
    from openpyxl.utils import get_column_letter

    for i, name in enumerate(names, 1):
        width = {"文件": 28, "path": 28, "机关": 30, "agency": 30, "SHA-256": 12, "sha256": 12}.get(name)
        if width is None:
            width = 10 if i > n_meta else max(8, min(16, len(name) * 2 + 2))
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "D2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(names)))}1"


def _xl(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
