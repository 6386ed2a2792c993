"""The summary computed the slow, obvious way: in Python, report by report, from the long ``cells`` table.

What the summary promises (docs/store.md): sums with how many reports gave a figure,
left it blank or lack it; rates only over the reports that fill every cell the rate
needs (and not over those whose own figures make it impossible); the 表三/表四 of the
reports without blank cells summed and checked; each report counted once (view
``current_reports``).  :func:`assert_same` compares :func:`xxgk.store.summary.summarise`
(pre-aggregates and wide cells) with this for one filter.
"""

from __future__ import annotations

from collections import defaultdict

from xxgk.store.summary import RATES, summarise, summary_keys
from xxgk.store.summary_checks import balance_of_sums


def _num(v):
    if v is None:
        return None
    v = float(v)
    return int(v) if v.is_integer() else round(v, 6)


def _group(by, year, province, city, level, agency) -> str:
    if by is None:
        return ""
    if by == "year":
        return "?" if year is None else str(year)
    if by == "level":
        return level or "?"
    if by == "agency":
        return agency
    return (province or "?") + (f" {city}" if city is not None else "")


def reference(con, year=None, region=None, by=None) -> dict:
    """{group: {reports, errors, reports_with_errors, cells, rates, balance}} and the same under None for all."""
    reports = con.execute(
        """SELECT r.id, r.year, r.province, r.city, r.county, r.level, coalesce(a.name, r.agency, '?'), r.n_errors
           FROM current_reports r LEFT JOIN agencies a ON a.id = r.agency_id"""
    ).fetchall()
    chosen: dict[int, str] = {}
    errors: dict[int, int] = {}
    for rid, y, prov, city, county, level, agency, n_err in reports:
        if year is not None and y != year:
            continue
        if region and not any(x is not None and x.startswith(region) for x in (prov, city, county)):
            continue
        chosen[rid] = _group(by, y, prov, city, level, agency)
        errors[rid] = n_err or 0
    cells: dict[int, dict[str, float | None]] = defaultdict(dict)
    for rid, key, value in con.execute(
        "SELECT report_id, key, value FROM cells WHERE key >= 't3.' AND key < 't5' AND report_id IN (SELECT unnest(?::INTEGER[]))", [list(chosen)]
    ).fetchall():
        cells[rid][key] = value
    members: dict = defaultdict(list)
    for rid, g in chosen.items():
        members[g].append(rid)
        if by is not None:
            members[None].append(rid)
    if by is None:
        members[None] = members.get("", [])
    keys = summary_keys()
    out = {}
    for g, ids in members.items():
        fig = {}
        for k in keys:
            vals = [cells[r][k] for r in ids if k in cells[r] and cells[r][k] is not None]
            blank = sum(1 for r in ids if k in cells[r] and cells[r][k] is None)
            if vals or blank:
                fig[k] = {"sum": _num(sum(vals)) if vals else None, "reports": len(vals), "blank": blank, "missing": len(ids) - len(vals) - blank}
        rates = {}
        for rd in RATES:
            need = set(rd.numerator) | set(rd.denominator) | set(rd.minus)
            num = den = 0.0
            n = blank = impossible = 0
            for r in ids:
                have = {k: v for k, v in cells[r].items() if k in need}
                if not have:
                    continue
                if any(v is None for v in have.values()) or not any(k in have for k in rd.denominator):
                    blank += 1
                    continue
                nums = [have[k] for k in rd.numerator if k in have]
                d = sum(have[k] for k in rd.denominator if k in have) - sum(have[k] for k in rd.minus if k in have)
                if d < 0 or (nums and sum(nums) > d):
                    impossible += 1
                elif nums:
                    num += sum(nums)
                    den += d
                    n += 1
            rates[rd.key] = {
                "value": round(num / den, 6) if n and den else None,
                "numerator": _num(num) if n else None,
                "denominator": _num(den) if n else None,
                "reports": n,
                "left_out_blank": blank,
                "left_out_impossible": impossible,
                "incomplete": bool(blank or impossible),
            }
        whole = [r for r in ids if any(k < "t4" for k in cells[r]) and all(v is not None for v in cells[r].values())]
        sums: dict[str, float] = {}
        counts: dict[str, int] = defaultdict(int)
        for r in whole:
            for k, v in cells[r].items():
                sums[k] = sums.get(k, 0.0) + v
                counts[k] += 1
        found = balance_of_sums({k: _num(v) for k, v in sums.items()})
        out[g] = {
            "reports": len(ids),
            "errors": sum(errors[r] for r in ids),
            "reports_with_errors": sum(1 for r in ids if errors[r] > 0),
            "cells": fig,
            "rates": rates,
            "balance": {"reports": max(counts.values(), default=0), "findings": [(f.rule, f.message) for f in found]},
        }
    return out


def _view(block: dict) -> dict:
    """The parts of a summary block the reference computes."""
    out = {
        "reports": block["reports"],
        "cells": block["cells"],
        "rates": {k: {x: v[x] for x in ("value", "numerator", "denominator", "reports", "left_out_blank", "left_out_impossible", "incomplete")} for k, v in block["rates"].items()},
        "balance": {"reports": block["balance"]["reports"], "findings": [(f["rule"], f["message"]) for f in block["balance"]["findings"]]},
    }
    for k in ("errors", "reports_with_errors"):
        if k in block:
            out[k] = block[k]
    return out


def assert_same(con, year=None, region=None, by=None) -> dict:
    """summarise(...) agrees with :func:`reference` in every group and in the total; returns the summary."""
    s = summarise(con, year=year, region=region, by=by)
    ref = reference(con, year, region, by)
    if by is None:
        got = {None: _view(s)}
        want = {None: ref[None]} if ref.get(None, {}).get("reports") else {}
        if not want:  # nothing selected
            assert s["reports"] == 0 and s["cells"] == {}
            return s
    else:
        got = {grp["group"]: _view(grp) for grp in s["groups"]}
        total = _view({**s, "reports": s["reports"]})
        total.pop("errors", None)
        got[None] = total
        want = dict(ref)
        if None in want:
            want[None] = {k: v for k, v in want[None].items() if k != "errors"}
        else:
            got.pop(None)
    for g in want:
        if g is None and by is not None:
            want[g]["reports_with_errors"] = sum(v["reports_with_errors"] for k, v in want.items() if k is not None)
    assert set(got) == set(want), (sorted(map(str, got)), sorted(map(str, want)))
    for g in want:
        for part in want[g]:
            assert got[g][part] == want[g][part], (year, region, by, g, part)
    return s
