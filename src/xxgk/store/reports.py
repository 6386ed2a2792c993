"""The reports of the store one by one: the filtered, sorted, paged list, one
report's row and findings, its previous year, and the review status
(待审 / 已审 / 退回) a supervisory office gives it.

Both faces read these: ``xxgk reports`` and ``xxgk review`` on the command line,
the 报告 and 报告详情 pages of ``xxgk serve``.  The error and warning counts
are the summary's own (:data:`xxgk.store.summary.FINDINGS_PER_REPORT`), and
the region filter is the summary's (:func:`xxgk.store.summary.where_clause`),
so a number on the dashboard and the length of the list it links to agree.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

import duckdb

from .schema import transaction
from .summary import FINDINGS_PER_REPORT, where_clause

PENDING, REVIEWED, RETURNED = "待审", "已审", "退回"
STATUSES = (PENDING, REVIEWED, RETURNED)
STATUS_EN = {PENDING: "pending", REVIEWED: "reviewed", RETURNED: "returned"}
SEVERITIES = ("error", "warning", "info")

# sort name → ORDER BY expression (on the columns of _LIST_SQL); every order ends with the id for a stable page
SORTS = {
    "id": "id",
    "agency": "agency",
    "region": "province, city, county",
    "level": "level",
    "year": "year",
    "layout": "layout",
    "format": "format",
    "errors": "errors",
    "warnings": "warnings",
    "status": "status",
}


@dataclass
class ReportFilter:
    """What the list shows; every field optional (None or '' = no filter)."""

    year: int | None = None
    region: str | None = None  # province, city or county (prefix), as in `xxgk summary --region`
    level: str | None = None
    severity: str | None = None  # reports with at least one finding of this severity
    rule: str | None = None  # reports with a finding of this rule or prefix (XG301, XG3)
    status: str | None = None  # 待审 / 已审 / 退回
    q: str | None = None  # part of the agency's name (as written or as registered)
    agency_id: int | None = None

    @classmethod
    def from_mapping(cls, m) -> "ReportFilter":
        """From a query string or CLI options: unknown keys ignored, blanks dropped, numbers parsed."""
        kw = {}
        for f in fields(cls):
            v = m.get(f.name)
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            if f.name in ("year", "agency_id"):
                try:
                    v = int(v)
                except (TypeError, ValueError):
                    continue
            elif isinstance(v, str):
                v = v.strip()
            kw[f.name] = v
        if kw.get("rule"):
            kw["rule"] = kw["rule"].upper()
        return cls(**kw)

    def query(self) -> dict:
        """The non-empty fields (for a query string)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def _conditions(f: ReportFilter) -> tuple[list[str], list]:
    where, params = where_clause(f.year, f.region, f.agency_id)
    conds = [where]
    if f.level:
        conds.append("r.level = ?")
        params.append(f.level)
    if f.severity in SEVERITIES:
        conds.append("coalesce(CASE ? WHEN 'error' THEN c.errors WHEN 'warning' THEN c.warnings ELSE c.infos END, 0) > 0")
        params.append(f.severity)
    if f.rule:
        conds.append(
            "r.id IN (SELECT report_id FROM findings WHERE rule LIKE ? AND (previous_id IS NULL OR previous_id IN (SELECT id FROM current_reports)))"
        )
        params.append(f.rule.replace("%", "") + "%")
    if f.status in STATUSES:
        conds.append("coalesce(v.status, ?) = ?")
        params += [PENDING, f.status]
    if f.q:  # Chinese names have no case: a plain substring test (much cheaper than ILIKE on 100,000 rows)
        conds.append("(strpos(r.agency, ?) > 0 OR strpos(a.name, ?) > 0)")
        params += [f.q] * 2
    return conds, params


_LIST_SQL = """
WITH c AS ({findings})
SELECT * FROM (
  SELECT r.id, coalesce(a.name, r.agency) AS agency, r.agency_id, r.province, r.city, r.county, r.level, r.year, r.layout, r.format,
         coalesce(c.errors, 0) AS errors, coalesce(c.warnings, 0) AS warnings, coalesce(c.infos, 0) AS infos,
         coalesce(v.status, '{pending}') AS status, r.source_path, r.n_uncertain
  FROM current_reports r
  LEFT JOIN agencies a ON a.id = r.agency_id
  LEFT JOIN c ON c.report_id = r.id
  LEFT JOIN reviews v ON v.sha256 = r.sha256
  WHERE {where}
)"""

_COLUMNS = ("id", "agency", "agency_id", "province", "city", "county", "level", "year", "layout", "format", "errors", "warnings", "infos", "status", "source_path", "n_uncertain")


def list_reports(
    con: duckdb.DuckDBPyConnection,
    f: ReportFilter | None = None,
    sort: str = "id",
    descending: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[dict], int]:
    """(one page of reports as dicts, how many reports match in all)."""
    f = f or ReportFilter()
    conds, params = _conditions(f)
    base = _LIST_SQL.format(findings=FINDINGS_PER_REPORT, pending=PENDING, where=" AND ".join(conds))
    order = SORTS.get(sort, "id")
    direction = "DESC" if descending else "ASC"
    order_sql = ", ".join(f"{col.strip()} {direction} NULLS LAST" for col in order.split(",")) + (", id" if sort != "id" else "")
    per_page = max(1, min(int(per_page), 1000))
    page = max(1, int(page))
    rows = con.execute(
        f"{base} ORDER BY {order_sql} LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page],
    ).fetchall()
    total = con.execute(f"SELECT count(*) FROM ({base})", params).fetchone()[0]
    return [dict(zip(_COLUMNS, row)) for row in rows], int(total)


def report_ids(con: duckdb.DuckDBPyConnection, f: ReportFilter | None = None) -> list[int]:
    """Every id the filter selects (for a bulk status change)."""
    conds, params = _conditions(f or ReportFilter())
    base = _LIST_SQL.format(findings=FINDINGS_PER_REPORT, pending=PENDING, where=" AND ".join(conds))
    return [r[0] for r in con.execute(f"SELECT id FROM ({base}) ORDER BY id", params).fetchall()]


def report_row(con: duckdb.DuckDBPyConnection, report_id: int) -> dict | None:
    """One report as the list shows it (any report, current or not; None when absent or failed)."""
    base = _LIST_SQL.format(findings=FINDINGS_PER_REPORT, pending=PENDING, where="r.id = ?").replace("FROM current_reports r", "FROM reports r")
    row = con.execute(base, [int(report_id)]).fetchone()
    if row is None:
        return None
    out = dict(zip(_COLUMNS, row))
    extra = con.execute(
        "SELECT r.sha256, r.title, r.published, r.parsed_at, r.parser_version, r.n_cells, r.n_blank, r.notes, r.current, v.note, v.updated_at "
        "FROM reports r LEFT JOIN reviews v ON v.sha256 = r.sha256 WHERE r.id = ?",
        [int(report_id)],
    ).fetchone()
    keys = ("sha256", "title", "published", "parsed_at", "parser_version", "n_cells", "n_blank", "notes", "current", "review_note", "reviewed_at")
    out.update(zip(keys, extra))
    out["notes"] = json.loads(out["notes"]) if out["notes"] else []
    return out


def report_findings(con: duckdb.DuckDBPyConnection, report_id: int) -> list[dict]:
    """Every finding of a report as stored, the cross-year ones (XG6xx, with the report compared) included."""
    rows = con.execute(
        """SELECT rule, severity, cells, message, message_en, culprit, previous_id FROM findings
           WHERE report_id = ? AND (previous_id IS NULL OR previous_id IN (SELECT id FROM current_reports))
           ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule, rowid""",
        [int(report_id)],
    ).fetchall()
    return [
        {"rule": r, "severity": s, "where": json.loads(w) if w else [], "message": m or "", "message_en": me or "", "culprit": c, "previous_id": p}
        for r, s, w, m, me, c, p in rows
    ]


def find_report(con: duckdb.DuckDBPyConnection, agency_id: int, year: int) -> int | None:
    """The current report of an agency for a year (the first stored when several)."""
    row = con.execute("SELECT min(id) FROM current_reports WHERE agency_id = ? AND year = ?", [int(agency_id), int(year)]).fetchone()
    return row[0] if row and row[0] is not None else None


def previous_report(con: duckdb.DuckDBPyConnection, report_id: int) -> int | None:
    """The same agency's report of the year before (the one the cross-year rules compare with)."""
    row = con.execute("SELECT agency_id, year FROM reports WHERE id = ?", [int(report_id)]).fetchone()
    if not row or row[0] is None or row[1] is None:
        return None
    return find_report(con, row[0], row[1] - 1)


def agency_years(con: duckdb.DuckDBPyConnection, agency_id: int) -> list[tuple[int, int]]:
    """(year, report id) of an agency's current reports, oldest first."""
    return con.execute(
        "SELECT year, min(id) FROM current_reports WHERE agency_id = ? AND year IS NOT NULL GROUP BY year ORDER BY year", [int(agency_id)]
    ).fetchall()


def set_status(con: duckdb.DuckDBPyConnection, report_ids: list[int], status: str, note: str | None = None) -> int:
    """Give reports a review status (待审 removes the mark); return how many reports it touched."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    ids = [int(i) for i in report_ids]
    if not ids:
        return 0
    shas = [r[0] for r in con.execute("SELECT DISTINCT sha256 FROM reports WHERE id IN (SELECT unnest(?::INTEGER[]))", [ids]).fetchall()]
    if not shas:
        return 0
    with transaction(con):
        con.execute("DELETE FROM reviews WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas])
        if status != PENDING:
            con.execute(
                "INSERT INTO reviews (sha256, status, note) SELECT unnest(?::VARCHAR[]), ?, ?",
                [shas, status, note.strip() if note and note.strip() else None],
            )
    return len(shas)


def failed_files(con: duckdb.DuckDBPyConnection, limit: int = 500) -> list[dict]:
    """Files the store could not read, newest first, with their one-line reasons."""
    rows = con.execute(
        "SELECT id, source_path, error, error_en, parsed_at FROM reports WHERE error IS NOT NULL ORDER BY parsed_at DESC, id DESC LIMIT ?", [limit]
    ).fetchall()
    return [{"id": i, "path": p, "error": e, "error_en": ee, "at": t} for i, p, e, ee, t in rows]


def choices(con: duckdb.DuckDBPyConnection) -> dict:
    """The values the list's filters can take (years, levels, provinces and cities, rules seen)."""
    years = [r[0] for r in con.execute("SELECT DISTINCT year FROM current_reports WHERE year IS NOT NULL ORDER BY year DESC").fetchall()]
    levels = [r[0] for r in con.execute("SELECT DISTINCT level FROM current_reports WHERE level IS NOT NULL ORDER BY level").fetchall()]
    regions = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT x FROM (SELECT province AS x FROM current_reports UNION ALL SELECT city FROM current_reports) WHERE x IS NOT NULL ORDER BY x"
        ).fetchall()
    ]
    rules = [r[0] for r in con.execute("SELECT DISTINCT rule FROM findings ORDER BY rule").fetchall()]
    return {"years": years, "levels": levels, "regions": regions, "rules": rules, "statuses": list(STATUSES)}
