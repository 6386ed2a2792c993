"""Every report's cells in one wide table: one row per report, one column per cell key.

Columns: ``path, sha256, agency, agency_id, province, city, county, level,
year, layout, published, parser_version`` then every key of
:func:`xxgk.layouts.all_cell_keys` named exactly as report-json.md
(``t3.new.total``).  A blank cell, and a cell the report does not have, are
empty (NULL) — never 0.  Text that could start a spreadsheet formula is quoted
(:func:`xxgk.safe_write.neutral`); the file is written beside the target and
renamed into place.  Only the newest successful parse of each file is
exported (view ``current_reports``).  Streaming passes over the wide table
``report_cells`` (no pivot, no counting pass, no sort: rows come in the order
they were stored), with DuckDB's memory capped, in parts of
:data:`EXPORT_CHUNK` reports (a Parquet file's parts joined by one streaming
copy) — an export of any size stays under a gigabyte.
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


def wide_sql(
    year: int | None = None, region: str | None = None, con: duckdb.DuckDBPyConnection | None = None, ids: tuple[int, int] | None = None
) -> tuple[str, list]:
    """The export's SELECT: reports joined with their row of the wide cell table (no pivot, one pass);
    with ``ids`` (lowest, highest), only the reports whose id lies in that range."""
    where, params = _where(year, region)
    present = set(wide_keys(con)) if con is not None else set(all_cell_keys())
    cells = ", ".join(f"w.{q(k)}" if k in present else f"CAST(NULL AS DOUBLE) AS {q(k)}" for k in all_cell_keys())
    wide, in_range = TABLE, ""
    if ids is not None:
        # the wide table's rows are stored in id order: its row groups outside the range are skipped
        wide = f"(SELECT * FROM {TABLE} WHERE report_id BETWEEN {int(ids[0])} AND {int(ids[1])})"
        in_range = f" AND r.id BETWEEN {int(ids[0])} AND {int(ids[1])}"
    # The wide table is streamed (the probe side); the reports' few columns are what the join holds in memory.
    # No ORDER BY: sorting two million rows of 250 columns is what made exports need the machine's memory —
    # the rows come in the order they were stored (ingest order); sort when reading.
    sql = f"""
SELECT r.source_path AS path, r.sha256, r.agency_name AS agency, r.agency_id, r.province, r.city, r.county,
       r.level, r.year, r.layout, r.published, r.parser_version, {cells}
FROM {wide} w RIGHT JOIN (
    SELECT r.id, r.source_path, r.sha256, coalesce(a.name, r.agency) AS agency_name, r.agency_id, r.province, r.city, r.county,
           r.level, r.year, r.layout, r.published, r.parser_version
    FROM current_reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE {where}{in_range}
) r ON w.report_id = r.id"""
    return sql, params


# Memory the database may use while it writes an export (the reports' columns held by the join, the
# row groups being written): beyond it DuckDB spills to disk.  XXGK_EXPORT_MEMORY changes it (a DuckDB
# size, e.g. 400MB).
EXPORT_MEMORY = os.environ.get("XXGK_EXPORT_MEMORY", "800MB")

# Reports joined at a time.  The join holds the reports' own columns (path, hash, names: ≈ 250 bytes a
# report); two million at once do not fit in EXPORT_MEMORY, so a larger store is exported in parts of
# this many reports, written one after the other and joined into one file by a streaming copy.
EXPORT_CHUNK = int(os.environ.get("XXGK_EXPORT_CHUNK", "250000"))


def _id_ranges(con: duckdb.DuckDBPyConnection, year: int | None, region: str | None, chunk: int) -> list[tuple[int, int]] | None:
    """Id ranges of at most ``chunk`` exported reports each, in id order; None when one part holds them all."""
    where, params = _where(year, region)
    n, lo, hi = con.execute(f"SELECT count(*), min(r.id), max(r.id) FROM current_reports r WHERE {where}", params).fetchone()
    if n <= chunk:
        return None
    ranges = []
    start = lo
    while start <= hi:
        # the id below which the next `chunk` reports lie (ids need not be dense)
        end = con.execute(
            f"SELECT max(id) FROM (SELECT r.id FROM current_reports r WHERE {where} AND r.id >= ? ORDER BY r.id LIMIT ?)", [*params, start, chunk]
        ).fetchone()[0]
        ranges.append((start, end))
        start = end + 1
    return ranges


def export(
    con: duckdb.DuckDBPyConnection, path: str | Path, fmt: str, year: int | None = None, region: str | None = None, keys: bool = False,
    chunk: int | None = None,
) -> int:
    """Write the wide table in streaming passes (parts of :data:`EXPORT_CHUNK` reports); return the
    number of report rows.  Columns are headed by the official labels, or by the cell keys
    (``t3.new.total``) with ``keys``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    chunk = chunk or EXPORT_CHUNK
    ranges = _id_ranges(con, year, region, chunk) or [None]

    def part_sql(ids) -> tuple[str, list]:
        sql, params = wide_sql(year, region, con, ids)
        if not keys:
            cols = [d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0", params).description]
            sql = "SELECT " + ", ".join(f"{_q(c)} AS {_q(heading(c))}" for c in cols) + f" FROM ({sql})"
        return sql, params

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    old = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute(f"SET memory_limit = '{EXPORT_MEMORY}'")
    try:
        with atomic_path(path) as tmp:  # written beside the target, renamed into place when complete
            if fmt == "csv":
                return _csv(con, [part_sql(ids) for ids in ranges], tmp)
            if fmt == "parquet":
                return _parquet(con, [part_sql(ids) for ids in ranges], tmp)
            return _xlsx(con, [part_sql(ids) for ids in ranges], tmp)
    finally:
        con.execute(f"SET memory_limit = '{old}'")


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def _parquet(con: duckdb.DuckDBPyConnection, parts: list[tuple[str, list]], path: Path) -> int:
    # COPY reports how many rows it wrote: no counting pass
    if len(parts) == 1:
        sql, params = parts[0]
        return int(con.execute(f"COPY ({sql}) TO '{_sql_path(path)}' (FORMAT parquet, ROW_GROUP_SIZE 16384)", params).fetchone()[0])
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=".xxgk-export-", dir=path.parent))
    try:
        files = []
        for i, (sql, params) in enumerate(parts):
            f = folder / f"part-{i:05d}.parquet"
            con.execute(f"COPY ({sql}) TO '{_sql_path(f)}' (FORMAT parquet, ROW_GROUP_SIZE 16384)", params)
            files.append(f"'{_sql_path(f)}'")
        # one streaming copy joins the parts, in their order
        return int(
            con.execute(f"COPY (SELECT * FROM read_parquet([{', '.join(files)}])) TO '{_sql_path(path)}' (FORMAT parquet, ROW_GROUP_SIZE 16384)").fetchone()[0]
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _rows(con: duckdb.DuckDBPyConnection, parts: list[tuple[str, list]], batch: int):
    """(column names, batches of rows) of the parts, one after the other."""

    def batches():
        for sql, params in parts:
            cur = con.execute(sql, params)
            while True:
                rows = cur.fetchmany(batch)
                if not rows:
                    break
                yield rows

    sql, params = parts[0]
    names = [d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0", params).description]
    return names, batches()


def _csv(con: duckdb.DuckDBPyConnection, parts: list[tuple[str, list]], path: Path) -> int:
    # written here rather than by COPY so that whole numbers print as 12, not 12.0
    import csv

    names, batches = _rows(con, parts, 2000)
    n = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as f:  # with a BOM: Excel on Windows reads it as UTF-8
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names)
        for rows in batches:
            n += len(rows)
            w.writerows([["" if v is None else neutral(_xl(v)) for v in row] for row in rows])
    return n


def _xlsx(con: duckdb.DuckDBPyConnection, parts: list[tuple[str, list]], path: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报告")
    names, batches = _rows(con, parts, 1000)
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
    # the cell columns follow the meta columns in the order of all_cell_keys(), whatever their headings
    from ..layouts import cell_kind

    amount = {n_meta + j for j, k in enumerate(all_cell_keys()) if cell_kind(k) == "amount"}
    n = 0
    for rows in batches:
        n += len(rows)
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
    return n


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


# ------------------------------------------------------------------ the findings, one row each

FINDING_COLUMNS = (
    ("报告编号", 10), ("机关", 36), ("省", 10), ("市", 12), ("县", 12), ("层级", 8), ("年度", 8),
    ("规则", 9), ("级别", 8), ("单元格", 28), ("问题说明", 90), ("对比的上年报告编号", 12), ("审阅状态", 10), ("文件", 50),
)
FINDING_FORMATS = ("csv", "xlsx")


def findings_sql(year: int | None = None, region: str | None = None) -> tuple[str, list]:
    where, params = _where(year, region)
    sql = f"""
SELECT r.id, coalesce(a.name, r.agency) AS agency, r.province, r.city, r.county, r.level, r.year,
       f.rule, CASE f.severity WHEN 'error' THEN '错误' WHEN 'warning' THEN '警告' ELSE '提示' END,
       array_to_string(CAST(json(f.cells) AS VARCHAR[]), '、'), f.message, f.previous_id, coalesce(v.status, '待审'), r.source_path
FROM findings f JOIN current_reports r ON r.id = f.report_id
LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN reviews v ON v.sha256 = r.sha256
WHERE {where} AND (f.previous_id IS NULL OR f.previous_id IN (SELECT id FROM current_reports))
ORDER BY r.year NULLS LAST, r.province NULLS LAST, r.city NULLS LAST, agency, r.id,
         CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.rule"""
    return sql, params


def export_findings(con: duckdb.DuckDBPyConnection, path: str | Path, fmt: str, year: int | None = None, region: str | None = None) -> int:
    """Every finding of the selected reports, one row each, Chinese column names; return the number of rows."""
    if fmt not in FINDING_FORMATS:
        raise ValueError(f"format must be one of {', '.join(FINDING_FORMATS)}")
    sql, params = findings_sql(year, region)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = con.execute(sql, params).fetchall()
    head = [name for name, _ in FINDING_COLUMNS]
    if fmt == "csv":
        import csv

        with open(path, "w", newline="", encoding="utf-8-sig") as f:  # with a BOM: Excel on Windows reads it as UTF-8
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(head)
            w.writerows([["" if v is None else v for v in row] for row in rows])
        return len(rows)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "检查发现"
    ws.append(head)
    fills = {"错误": PatternFill("solid", fgColor="F8D7DA"), "警告": PatternFill("solid", fgColor="FFF3CD")}
    for row in rows:
        ws.append(list(row))
        fill = fills.get(row[8])
        if fill is not None:
            ws.cell(ws.max_row, 9).fill = fill
    for i, (_, width) in enumerate(FINDING_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for c in ws[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in ws.iter_rows(min_row=2, min_col=11, max_col=11):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{max(ws.max_row, 1)}"
    wb.save(str(path))
    return len(rows)
