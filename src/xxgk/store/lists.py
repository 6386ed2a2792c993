"""Lists of reports for a screen (the web UI) or a script: one page at a time, fast at national scale.

:func:`list_reports` filters the current reports by year, region (a province,
city or county, prefix match), agency, level, a word of the agency's name and
"has errors", orders them and returns one page with the total count.  The
finding counts come from ``reports.n_errors / n_warnings / n_infos``, kept by
ingest, so a page of two million reports needs no join with the findings.
:func:`agency_reports` is one agency's reports, year by year.
"""

from __future__ import annotations

import duckdb

ORDERS = {
    "errors": "r.n_errors DESC, r.n_warnings DESC, r.id",
    "year": "r.year DESC NULLS LAST, r.id",
    "agency": "agency, r.year DESC NULLS LAST, r.id",
    "region": "r.province NULLS LAST, r.city NULLS LAST, r.county NULLS LAST, agency, r.year DESC NULLS LAST, r.id",
    "id": "r.id",
}

COLUMNS = (
    "id", "agency", "agency_id", "year", "province", "city", "county", "level", "layout", "published", "path", "format",
    "errors", "warnings", "infos", "n_cells", "n_blank", "n_uncertain",
)


def _filters(year, region, agency_id, level, search, with_errors) -> tuple[str, list]:
    from .summary import where_clause  # year, region and agency select reports as the summary does

    where, params = where_clause(year, region, agency_id)
    conds = [where]
    if level:
        conds.append("r.level = ?")
        params.append(level)
    if search:  # the agencies' names and spellings (a few hundred thousand), not every report's
        conds.append(
            "r.agency_id IN (SELECT id FROM agencies WHERE contains(name, ?) UNION ALL SELECT agency_id FROM agency_aliases WHERE contains(spelling, ?))"
        )
        params += [search, search]
    if with_errors:
        conds.append("r.n_errors > 0")
    return " AND ".join(conds), params


def list_reports(
    con: duckdb.DuckDBPyConnection,
    year: int | None = None,
    region: str | None = None,
    agency_id: int | None = None,
    level: str | None = None,
    search: str | None = None,
    with_errors: bool = False,
    order: str = "errors",
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """{"total": how many match, "rows": one page of dicts with :data:`COLUMNS`}."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}")
    where, params = _filters(year, region, agency_id, level, search, with_errors)
    total = con.execute(f"SELECT count(*) FROM current_reports r WHERE {where}", params).fetchone()[0]
    cols = """r.id, coalesce(a.name, r.agency) AS agency, r.agency_id, r.year, r.province, r.city, r.county, r.level, r.layout,
              r.published, r.source_path, r.format, r.n_errors, r.n_warnings, r.n_infos, r.n_cells, r.n_blank, r.n_uncertain"""
    if "agency" in ORDERS[order]:  # ordered by the display name: join first
        sql = f"""SELECT {cols} FROM (SELECT * FROM current_reports r WHERE {where}) r LEFT JOIN agencies a ON a.id = r.agency_id
                  ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?"""
    else:  # the page first (a top-N over the reports alone), then the names of its agencies
        sql = f"""SELECT {cols} FROM (SELECT * FROM current_reports r WHERE {where} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?) r
                  LEFT JOIN agencies a ON a.id = r.agency_id ORDER BY {ORDERS[order]}"""
    rows = con.execute(sql, [*params, int(limit), int(offset)]).fetchall()
    return {"total": total, "rows": [dict(zip(COLUMNS, row)) for row in rows]}


def agency_reports(con: duckdb.DuckDBPyConnection, agency_id: int) -> list[dict]:
    """One agency's current reports, newest year first."""
    return list_reports(con, agency_id=agency_id, order="year", limit=10_000)["rows"]
