"""The regional summary a supervisory office compiles from the store.

:func:`summarise` returns plain data (dicts and lists, JSON-ready):

* ``tables``: 表三 and 表四 summed over the selected reports, every cell with
  its sum, how many reports gave a figure, how many left it blank and how many
  lack it.  A sum over a cell that some report left blank is *incomplete*:
  the blank is never counted as 0.
* ``rates``: 予以公开率, 部分公开率, 不予公开率, 复议纠错率 = 结果纠正 /
  (总计 − 尚未审结), 诉讼纠错率 (both suits together).
* ``rules``: how many reports break which rule.
* ``ranking``: agencies by errors, then warnings.
* with ``by``: ``groups``, the same figures per year / level / agency / region.

Only the newest successful parse of each file counts (view ``current_reports``).

At national scale the sums come from pre-aggregates (:mod:`xxgk.store.cube`): per
(year, province, city, level), checked against the reports on every call, with
whatever they do not answer for aggregated live in the same call — the result is
what the cells say either way.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import duckdb

from .measures import RATES, T3_ROWS, summary_keys
from .wide import q, wide_keys
from ..layouts import T3_COLUMNS, T4, T4_SUIT_GROUP

BY = ("region", "level", "agency", "year")


def where_clause(
    year: int | None, region: str | None, agency: int | str | None = None, region_columns: tuple[str, ...] = ("province", "city", "county")
) -> tuple[str, list]:
    """The WHERE of a selection of reports ``r``: year, region (by prefix of any of ``region_columns``), agency id."""
    conds, params = ["TRUE"], []
    if year is not None:
        conds.append("r.year = ?")
        params.append(int(year))
    if region:
        conds.append("(" + " OR ".join(f"r.{c} LIKE ?" for c in region_columns) + ")")
        params += [f"{region}%"] * len(region_columns)
    if agency:
        conds.append("r.agency_id = ?")
        params.append(int(agency))
    return " AND ".join(conds), params


_where = where_clause


_GROUP_SQL = {
    None: ("'' AS g", "''"),
    "year": ("coalesce(CAST(r.year AS VARCHAR), '?') AS g", "g"),
    "level": ("coalesce(r.level, '?') AS g", "g"),
    "agency": ("coalesce(a.name, r.agency, '?') AS g", "g"),
    "region": ("coalesce(r.province, '?') || coalesce(' ' || r.city, '') AS g", "g"),
}


_TEMP = itertools.count()
_CUBE_GROUP = {
    None: "''",
    "year": "coalesce(CAST(c.year AS VARCHAR), '?')",
    "level": "coalesce(c.level, '?')",
    "region": "coalesce(c.province, '?') || coalesce(' ' || c.city, '')",
}


def summarise(
    con: duckdb.DuckDBPyConnection,
    year: int | None = None,
    region: str | None = None,
    by: str | None = None,
    top: int = 20,
    keys: list[str] | None = None,
    figures_only: bool = False,
) -> dict:
    """The summary (module doc); ``keys`` limits the cells summed (e.g. the few a chart across years shows);
    ``figures_only`` leaves out the rule counts and the ranking (empty lists), which a chart does not show."""
    if by is not None and by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}")
    where, params = _where(year, region)
    gexpr, _ = _GROUP_SQL[by]
    base = f"""SELECT r.id, r.n_errors, {gexpr} FROM current_reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE {where}"""
    sel = f"_sel AS ({base})"
    # reports and errors per group, straight from reports (n_errors is kept there by ingest and the cross-year checks)
    n_by_group, errors_by_group = {}, {}
    for g, n, e, n_err in con.execute(
        f"WITH {sel} SELECT g, count(*), coalesce(sum(n_errors), 0), count(*) FILTER (WHERE n_errors > 0) FROM _sel GROUP BY g", params
    ).fetchall():
        n_by_group[g] = n
        errors_by_group[g] = (e, n_err)
    agg = _aggregate(con, year, region, by, keys)
    figures = _cell_figures(agg, n_by_group, bool(by), keys)
    rules = [] if figures_only else con.execute(
        f"""SELECT rule, any_value(sev), count(*), sum(n) FROM (
              SELECT f.report_id, f.rule, any_value(f.severity) AS sev, count(*) AS n
              FROM findings f SEMI JOIN (SELECT r.id FROM current_reports r WHERE {where}) s ON s.id = f.report_id
              WHERE f.previous_id IS NULL OR f.previous_id IN (SELECT id FROM current_reports)
              GROUP BY ALL)
           GROUP BY rule ORDER BY 3 DESC, 1""",
        params,
    ).fetchall()
    # errors and warnings per report are kept on reports by ingest (n_errors, n_warnings): no join with findings
    ranking = [] if figures_only else con.execute(
        f"""WITH per AS (SELECT r.agency_id, CASE WHEN r.agency_id IS NULL THEN coalesce(r.agency, '?') END AS written,
                           count(*) AS n, sum(r.n_errors) AS e, sum(r.n_warnings) AS w
                    FROM current_reports r WHERE {where} GROUP BY 1, 2 HAVING sum(r.n_errors) + sum(r.n_warnings) > 0)
            SELECT coalesce(a.id, -1), coalesce(a.name, per.written, '?'), per.n, per.e, per.w
            FROM per LEFT JOIN agencies a ON a.id = per.agency_id
            ORDER BY 4 DESC, 5 DESC, 2 LIMIT ?""",
        [*params, top],
    ).fetchall()

    from .summary_checks import balance_of_sums, empty_rates

    rates = _rates_of(agg)
    whole = _whole_sums(agg)

    def balance(g: str | None) -> dict:
        n, sums = whole.get(g, (0, {}))
        return {"reports": n, "findings": _findings(balance_of_sums(sums))}

    def block(g: str) -> dict:
        fig = figures.get(g, {})
        e, n_err = errors_by_group.get(g, (0, 0))
        return {
            "reports": n_by_group.get(g, 0),
            "cells": fig,
            "rates": {**empty_rates(), **rates.get(g if by else None, {})},
            "balance": balance(g if by else None),
            "errors": int(e or 0),
            "reports_with_errors": int(n_err or 0),
        }

    out: dict = {
        "filter": {"year": year, "region": region, "by": by},
        "reports": sum(n_by_group.values()),
        "rules": [{"rule": r, "severity": sev, "reports": n, "findings": m} for r, sev, n, m in rules],
        "ranking": [{"agency_id": i, "agency": name, "reports": n, "errors": int(e), "warnings": int(w)} for i, name, n, e, w in ranking],
    }
    if by is None:
        out.update(block(""))
        out.pop("reports")
        out["reports"] = n_by_group.get("", 0)
    else:
        total_fig = figures.get(None, {})
        out["cells"] = total_fig
        out["rates"] = {**empty_rates(), **rates.get(None, {})}
        out["balance"] = balance(None)
        out["groups"] = [{"group": g, **block(g)} for g in sorted(n_by_group, key=_sort_key)]
        out["reports_with_errors"] = sum(grp["reports_with_errors"] for grp in out["groups"])
    if year is not None:
        out["coverage"] = coverage(con, year, region)
    return out


@dataclass
class _Agg:
    """The summed figures of a selection, per group (None = all selected): cells, blanks, whole sums, rates."""

    keys: list[str]  # the keys whose cells are summed
    whole_keys: list[str]  # the keys summed over the reports without blanks
    groups: dict  # {g: {column name of cube.aggregates: value}}
    blanks: dict  # {(g, key): count}

    def total(self) -> None:
        """Add the group None: the sum over the groups."""
        tot: dict = {}
        for vals in self.groups.values():
            for name, v in vals.items():
                if v is not None:
                    tot[name] = (tot.get(name) or 0) + v
                else:
                    tot.setdefault(name, None)
        self.groups[None] = tot
        for (g, key), n in list(self.blanks.items()):
            self.blanks[(None, key)] = self.blanks.get((None, key), 0) + n


def _aggregate(con: duckdb.DuckDBPyConnection, year: int | None, region: str | None, by: str | None, only: list[str] | None) -> _Agg:
    """Everything the summary sums, per group: the cube's rows for the groups it holds up to date, the rest
    aggregated live from the wide cells and the per-report figures (:mod:`xxgk.store.cube`) — one query."""
    from . import cube

    present = set(wide_keys(con))
    keys = [k for k in (only or summary_keys()) if k in present]
    whole_keys = [k for k in summary_keys() if k in present]
    aggs = cube.aggregates(keys, whole_keys)
    names = [n for n, _ in aggs]
    where, params = _where(year, region)
    gexpr, _ = _GROUP_SQL[by]
    use_cube = by in _CUBE_GROUP and cube.has_cube(con) and set(names) <= cube.cube_columns(con)
    groups: dict = {}
    blanks: dict = {}

    def add(rows) -> None:
        for row in rows:
            cur = groups.setdefault(row[0], {})
            for n, v in zip(names, row[1:]):
                cur[n] = v if cur.get(n) is None else cur[n] + (v or 0)

    def add_blanks(rows) -> None:
        for g, key, n in rows:
            if key in keys:
                blanks[(g, key)] = blanks.get((g, key), 0) + int(n)

    tmp = f"_xxgk_fresh_{next(_TEMP)}"
    live_where, live_params = where, list(params)
    try:
        if use_cube:
            # groups (year, province, city, level) the filter selects whole: the year, and a province or city by prefix;
            # a region matched by county only selects some reports of a group: those are aggregated live
            gwhere, gparams = where_clause(year, region, region_columns=("province", "city"))
            # those groups now, and whether the cube's row still holds exactly their counted reports
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {tmp} AS
                    SELECT now.*, c.reports IS NOT NULL AS fresh FROM ({cube.NOW_SQL.format(where=gwhere)}) now
                    LEFT JOIN {cube.CUBE} c ON {cube.same_group('c', 'now')} AND c.reports = now.n AND c.sig = now.sig""",
                gparams,
            )
            live_where = f"{where} AND NOT EXISTS (SELECT 1 FROM {tmp} c WHERE c.fresh AND {cube.same_group('c', 'r')})"
            if region:
                n_live = con.execute(f"SELECT count(*) FROM current_reports r WHERE {live_where}", live_params).fetchone()[0]
            else:  # the filter selects whole groups: the live reports are those of the stale ones
                n_live = con.execute(f"SELECT coalesce(sum(n), 0) FROM {tmp} WHERE NOT fresh").fetchone()[0]
        else:
            n_live = 1
        live = f"WITH _live AS (SELECT r.id, {gexpr} FROM current_reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE {live_where})"
        # the reports the cube does not answer for (none, usually): aggregated live — only when there are some,
        # as a query of a thousand aggregates costs DuckDB a moment to plan whatever the rows
        if n_live:
            add(
                con.execute(
                    f"""{live} SELECT s.g, {", ".join(e for _, e in aggs)}
                        FROM _live s LEFT JOIN {cube.WIDE} w ON w.report_id = s.id LEFT JOIN {cube.FIGURES} f ON f.report_id = s.id GROUP BY s.g""",
                    live_params,
                ).fetchall()
            )
            add_blanks(
                con.execute(
                    f"""{live} SELECT s.g, b.key, count(*) FROM _live s
                        JOIN (SELECT report_id, unnest(blank_keys) AS key FROM {cube.WIDE} WHERE blank_keys IS NOT NULL) b ON b.report_id = s.id GROUP BY ALL""",
                    live_params,
                ).fetchall()
            )
        if use_cube:
            g = _CUBE_GROUP[by]
            fresh = f"SEMI JOIN (SELECT * FROM {tmp} WHERE fresh) f ON {cube.same_group('f', 'c')}"
            add(con.execute(f"SELECT {g} AS g, {', '.join(f'sum({q(n)})' for n in names)} FROM {cube.CUBE} c {fresh} GROUP BY ALL").fetchall())
            add_blanks(
                con.execute(f"SELECT {g} AS g, c.key, sum(c.n) FROM {cube.BLANKS} c {fresh} GROUP BY ALL").fetchall()
            )
    finally:
        if use_cube:
            con.execute(f"DROP TABLE IF EXISTS {tmp}")
    agg = _Agg(keys, whole_keys, groups, blanks)
    if by is not None:
        agg.total()
    else:
        agg.groups[None] = agg.groups.get("", {})
        for (g, key), n in list(blanks.items()):
            blanks[(None, key)] = n
    return agg


def _findings(found) -> list[dict]:
    return [{"rule": f.rule, "severity": f.severity, "where": list(f.where), "message": f.message, "message_en": f.message_en} for f in found]



def coverage(con: duckdb.DuckDBPyConnection, year: int, region: str | None = None) -> dict:
    """Reports received vs expected for a year: the agencies of the region that reported in any year are
    expected every year; ``missing`` names those without a report for ``year``."""
    where, params = where_clause(None, region)
    # (counted in SQL; only the first 200 missing agencies are fetched: a national year misses thousands)
    cte = f"""WITH known AS (SELECT DISTINCT r.agency_id FROM current_reports r WHERE r.agency_id IS NOT NULL AND {where}),
                 got AS (SELECT DISTINCT agency_id FROM current_reports WHERE year = ?),
                 k AS (SELECT k.agency_id, coalesce(a.name, '?') AS name, k.agency_id IN (SELECT agency_id FROM got) AS got
                       FROM known k LEFT JOIN agencies a ON a.id = k.agency_id)"""
    expected, received = con.execute(f"{cte} SELECT count(*), count(*) FILTER (WHERE got) FROM k", [*params, int(year)]).fetchone()
    missing = con.execute(f"{cte} SELECT agency_id, name FROM k WHERE NOT got ORDER BY name, agency_id LIMIT 200", [*params, int(year)]).fetchall()
    return {
        "year": int(year),
        "expected": expected,
        "received": received,
        "missing": [{"agency_id": i, "agency": n} for i, n in missing],
        "missing_count": expected - received,
    }


FINDINGS_PER_REPORT = """SELECT report_id, count(*) FILTER (WHERE severity = 'error') AS errors, count(*) FILTER (WHERE severity = 'warning') AS warnings,
              count(*) FILTER (WHERE severity = 'info') AS infos
              FROM findings WHERE previous_id IS NULL OR previous_id IN (SELECT id FROM current_reports) GROUP BY report_id"""
# (a cross-year finding against a report that is no longer current does not count)


def _cell_figures(agg: _Agg, n_by_group: dict, grouped: bool, only: list[str] | None = None) -> dict:
    """{group (None = all): {key: {sum, reports, blank, missing}}}."""
    n_all = sum(n_by_group.values())
    figures: dict[str | None, dict[str, dict]] = {g: {} for g in n_by_group}
    for g, vals in agg.groups.items():
        if g is None and not grouped:
            continue
        if not vals:
            continue
        n = n_by_group.get(g, 0) if g is not None else n_all
        fig = figures.setdefault(g, {})
        for key in agg.keys:
            total, n_values = vals[f"sum {key}"], int(vals[f"n {key}"] or 0)
            n_blank = agg.blanks.get((g, key), 0)
            if n_values or n_blank:  # a key no selected report has is left out, as before
                fig[key] = {"sum": _num(total) if n_values else None, "reports": n_values, "blank": n_blank, "missing": n - n_values - n_blank}
    return figures


def _rates_of(agg: _Agg) -> dict[str | None, dict[str, dict]]:
    """{group: {rate key: figure}}: each rate over the reports that give every cell it needs (cube.fill_figures)."""
    out: dict = {}
    for g, vals in agg.groups.items():
        if not vals:
            continue
        for rd in RATES:
            num, den = vals[f"{rd.key} num"], vals[f"{rd.key} den"]
            n, blank, impossible = (int(vals[f"{rd.key} {x}"] or 0) for x in ("reports", "blank", "impossible"))
            if not n:
                num = den = None
            value = round(float(num) / float(den), 6) if num is not None and den else None
            out.setdefault(g, {})[rd.key] = {
                "label": rd.zh,
                "label_en": rd.en,
                "value": value,
                "numerator": _num(num),
                "denominator": _num(den),
                "reports": n,
                "left_out_blank": blank,
                "left_out_impossible": impossible,
                "incomplete": bool(blank or impossible),
            }
    return out


def _whole_sums(agg: _Agg) -> dict[str | None, tuple[int, dict]]:
    """{group: (reports, {key: sum})} of 表三/表四 over the reports that left none of their cells blank."""
    out: dict = {}
    for g, vals in agg.groups.items():
        sums, n = {}, 0
        for key in agg.whole_keys:
            c = int(vals.get(f"whole n {key}") or 0)
            if c:
                sums[key] = _num(vals[f"whole sum {key}"])
                n = max(n, c)  # every whole report has every key of its tables
        if sums:
            out[g] = (n, sums)
    return out


def _sort_key(g: str):
    return (g == "?", g)


def _num(v):
    if v is None:
        return None
    v = float(v)
    return int(v) if v.is_integer() else round(v, 6)


def _sum(fig: dict[str, dict], keys: tuple[str, ...]) -> tuple[float | None, int]:
    """(sum, blanks): None when no report gives any of the keys."""
    total, seen, blank = 0.0, False, 0
    for k in keys:
        v = fig.get(k)
        if not v:
            continue
        blank += v["blank"]
        if v["reports"]:
            seen = True
            total += v["sum"] or 0
    return (total if seen else None), blank


def rates_of(fig: dict[str, dict]) -> dict[str, dict]:
    out = {}
    for rd in RATES:
        num, b1 = _sum(fig, rd.numerator)
        den, b2 = _sum(fig, rd.denominator)
        minus, b3 = _sum(fig, rd.minus) if rd.minus else (0.0, 0)
        value = None
        if num is not None and den is not None:
            d = den - (minus or 0)
            value = round(num / d, 6) if d > 0 else None
        out[rd.key] = {"label": rd.zh, "label_en": rd.en, "value": value, "numerator": _num(num), "denominator": _num(None if den is None else den - (minus or 0)), "incomplete": bool(b1 or b2 or b3)}
    return out


# ------------------------------------------------------------------ labels for the official shape


def t3_shape() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(rows, columns) of 表三 as (key, label)."""
    return [(r.key, r.full_label) for r in T3_ROWS], [(c.key, c.label) for c in T3_COLUMNS]


def t4_shape() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rows = [(r.key, r.label if r.key == "review" else f"{T4_SUIT_GROUP}·{r.label}") for r in T4.rows]
    return rows, [(c.key, c.label) for c in T4.columns]
