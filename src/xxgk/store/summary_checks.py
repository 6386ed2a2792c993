"""What makes a summary trustworthy: rates from complete reports only, and the
summed 表三/表四 checked with the rules of one report.

* :func:`complete_rates` — every rate of :data:`~xxgk.store.summary.RATES`
  computed over the reports that give *every* cell it needs (a report that left
  one of them blank is left out, never read as 0), saying how many reports it
  rests on; a report whose own figures make the rate impossible (结果纠正 larger
  than the cases decided) is left out too and counted, so a summed rate can never
  exceed 100 %.
* :func:`balance_of_sums` — the summed cells as one report's record, checked
  with the balance rules (XG301 一+二=三（七）+四, XG302, XG303, XG401).
"""

from __future__ import annotations

import duckdb

from ..model import Finding, Meta, Record, Source

BALANCE_RULES = ("XG301", "XG302", "XG303", "XG401")


def complete_rates(con: duckdb.DuckDBPyConnection, sel_sql: str, params: list, grouped: bool) -> dict[str | None, dict[str, dict]]:
    """{group (None = all): {rate key: figure}} over ``sel_sql`` (rows: id, g)."""
    from .summary import RATES

    out: dict[str | None, dict[str, dict]] = {}
    for rd in RATES:
        keys = list(dict.fromkeys(rd.numerator + rd.denominator + rd.minus))
        sets = "GROUPING SETS ((g), ())" if grouped else "g"
        rows = con.execute(
            f"""WITH _sel AS ({sel_sql}),
                per AS (
                  SELECT s.g, c.report_id,
                         sum(c.value) FILTER (WHERE c.key IN (SELECT unnest(?::VARCHAR[]))) AS num,
                         sum(c.value) FILTER (WHERE c.key IN (SELECT unnest(?::VARCHAR[]))) AS den,
                         coalesce(sum(c.value) FILTER (WHERE c.key IN (SELECT unnest(?::VARCHAR[]))), 0) AS minus,
                         count(*) FILTER (WHERE c.key IN (SELECT unnest(?::VARCHAR[]))) AS n_den,
                         count(*) AS present, count(c.value) AS filled
                  FROM cells c JOIN _sel s ON s.id = c.report_id
                  WHERE c.key IN (SELECT unnest(?::VARCHAR[]))
                  GROUP BY s.g, c.report_id),
                judged AS (
                  SELECT g, num, den - minus AS d,
                         (present = filled AND n_den > 0) AS complete,
                         (present = filled AND n_den > 0 AND (den - minus < 0 OR num > den - minus)) AS impossible
                  FROM per)
                SELECT g,
                       sum(num) FILTER (WHERE complete AND NOT impossible),
                       sum(d) FILTER (WHERE complete AND NOT impossible),
                       count(*) FILTER (WHERE complete AND NOT impossible),
                       count(*) FILTER (WHERE NOT complete),
                       count(*) FILTER (WHERE impossible)
                FROM judged GROUP BY {sets}""",
            [*params, list(rd.numerator), list(rd.denominator), list(rd.minus), list(rd.denominator), keys],
        ).fetchall()
        for row in rows:
            g = row[0] if grouped else None  # the grand total row of the grouping sets has g NULL
            num, den, n, blank, impossible = row[1:]
            value = round(float(num) / float(den), 6) if num is not None and den else None
            out.setdefault(g, {})[rd.key] = {
                "label": rd.zh,
                "label_en": rd.en,
                "value": value,
                "numerator": _num(num),
                "denominator": _num(den),
                "reports": int(n or 0),
                "left_out_blank": int(blank or 0),
                "left_out_impossible": int(impossible or 0),
                "incomplete": bool(blank or impossible),
            }
    return out


def empty_rates() -> dict[str, dict]:
    from .summary import RATES

    return {
        rd.key: {"label": rd.zh, "label_en": rd.en, "value": None, "numerator": None, "denominator": None, "reports": 0, "left_out_blank": 0, "left_out_impossible": 0, "incomplete": False}
        for rd in RATES
    }


def _num(v):
    if v is None:
        return None
    v = float(v)
    return int(v) if v.is_integer() else round(v, 6)


def complete_sums(con: duckdb.DuckDBPyConnection, sel_sql: str, params: list, grouped: bool) -> dict[str | None, tuple[int, dict]]:
    """{group (None = all): (reports, {key: sum})} of 表三/表四 over the reports that left none of their cells blank."""
    sets = "GROUPING SETS ((s.g, t.key), (t.key))" if grouped else "s.g, t.key"
    rows = con.execute(
        f"""WITH _sel AS ({sel_sql}),
            t AS MATERIALIZED (SELECT c.report_id, c.key, c.value FROM cells c JOIN _sel s ON s.id = c.report_id
                               WHERE c.key >= 't3.' AND c.key < 't5'),
            whole AS (SELECT report_id FROM t GROUP BY report_id
                      HAVING count(*) = count(value) AND count(*) FILTER (WHERE key < 't4') > 0)
            SELECT s.g, t.key, sum(t.value), count(*) FROM t JOIN whole w ON w.report_id = t.report_id JOIN _sel s ON s.id = t.report_id
            GROUP BY {sets}""",
        params,
    ).fetchall()
    out: dict[str | None, tuple[int, dict]] = {}
    for g, key, total, n in rows:
        g = g if grouped else None
        n_before, sums = out.get(g, (0, {}))
        sums[key] = _num(total)
        out[g] = (max(n_before, int(n)), sums)  # every whole report has every key of its tables
    return out


def balance_of_sums(sums: dict[str, float]) -> list[Finding]:
    """The balance rules on summed cells (from :func:`complete_sums`)."""
    from ..check import check_record

    cells = dict(sums)
    if not cells:
        return []
    # 2019 reports have the single （六） row, 2021 reports its three sub-rows: the sums are checked
    # with the single row (each sub-row folded into it), which both layouts' figures fill
    folded: dict = {}
    for k, v in cells.items():
        parts = k.split(".")
        if parts[0] == "t3" and parts[1].startswith("other_"):
            key = f"t3.other.{parts[2]}"
            if v is not None:
                folded[key] = (folded.get(key) or 0) + v
            else:
                folded.setdefault(key, None)
    for k, v in folded.items():
        cells[k] = v if cells.get(k) is None else cells[k] + (v or 0)
    cells = {k: v for k, v in cells.items() if not k.split(".")[1].startswith("other_")}
    template = "2021"
    rec = Record(source=Source(path="<summary>", sha256="", format="text"), meta=Meta(template=template), cells=cells)
    return check_record(rec, select=list(BALANCE_RULES))
