"""Record ⇄ rows of the store.

:func:`rows_of` turns a parsed record into plain column lists (built in the
worker processes, so the single writer only adds report ids);
:func:`records_from_store` rebuilds records from the tables (for cross-year
checks and late checking); :func:`record_from_store` is the one-report form.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import TYPE_CHECKING

from ..layouts import cell_kind
from ..model import Finding, Meta, Record, SectionText, Source

if TYPE_CHECKING:  # an ingest worker imports this module for the row helpers: no DuckDB there
    import duckdb


def iso_date(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        return None


def cell_rows(rec: Record) -> tuple[list, list, list, list, list]:
    """(keys, values, raws, blanks, uncertains) of a record's cells."""
    keys = list(rec.cells)
    values = [None if (v := rec.cells[k]) is None else float(v) for k in keys]
    raws = [rec.raw.get(k) for k in keys]
    blanks = [v is None for v in values]
    unc = set(rec.uncertain)
    uncertains = [k in unc for k in keys]
    return keys, values, raws, blanks, uncertains


def finding_rows(findings: list[Finding]) -> list[tuple]:
    return [(f.rule, f.severity, json.dumps(list(f.where), ensure_ascii=False), f.message, f.message_en, f.culprit) for f in findings]


def section_rows(rec: Record) -> list[tuple]:
    return [(i, s.no, s.printed, s.title, s.text) for i, s in enumerate(rec.sections)]


def _value(key: str, v: float | None):
    if v is None:
        return None
    if cell_kind(key) != "amount" and float(v).is_integer():
        return int(v)
    return v


def records_from_store(con: duckdb.DuckDBPyConnection, ids: list[int], with_findings: bool = True) -> dict[int, Record]:
    """Records rebuilt from the store, by report id (missing or failed reports are left out)."""
    if not ids:
        return {}
    ids = list(dict.fromkeys(int(i) for i in ids))
    head = con.execute(
        """SELECT id, source_path, sha256, format, title, agency, year, published, layout, notes
           FROM reports WHERE id IN (SELECT unnest(?::INTEGER[])) AND error IS NULL""",
        [ids],
    ).fetchall()
    recs: dict[int, Record] = {}
    for rid, path, sha, fmt, title, agency, year, published, layout, notes in head:
        recs[rid] = Record(
            source=Source(path=path, sha256=sha, format=fmt or "text"),
            meta=Meta(title=title, agency=agency, year=year, published=published.isoformat() if published else None, template=layout),
            cells={},
            notes=json.loads(notes) if notes else [],
        )
    if not recs:
        return {}
    present = list(recs)
    _fill_cells(con, recs, present)
    for rid, no, printed, title, text in con.execute(
        "SELECT report_id, no, printed, title, text FROM sections WHERE report_id IN (SELECT unnest(?::INTEGER[])) ORDER BY report_id, seq",
        [present],
    ).fetchall():
        recs[rid].sections.append(SectionText(no=no, title=title or "", text=text or "", printed=printed))
    if with_findings:
        for rid, rule, sev, where, msg, msg_en, culprit in con.execute(
            """SELECT report_id, rule, severity, cells, message, message_en, culprit FROM findings
               WHERE report_id IN (SELECT unnest(?::INTEGER[])) AND previous_id IS NULL ORDER BY report_id, rowid""",
            [present],
        ).fetchall():
            recs[rid].findings.append(
                Finding(rule=rule, severity=sev, where=json.loads(where) if where else [], message=msg or "", message_en=msg_en or "", culprit=culprit)
            )
    return recs


@cache
def _cell_keys() -> list[str]:
    from ..layouts import all_cell_keys

    return list(all_cell_keys())


def _fill_cells(con: duckdb.DuckDBPyConnection, recs: dict[int, Record], present: list[int]) -> None:
    """The cells of ``recs`` from the long table, column-wise (hundreds of thousands of cells: no Python
    loop per cell row).  A figure that is not an amount and is whole comes back as an int (as :func:`_value`)."""
    import numpy as np

    names = _cell_keys()
    # keys come back as their place in the layouts' keys (no Python string made per cell); another key by name
    got = con.execute(
        """SELECT c.report_id, k.pos, CASE WHEN k.pos IS NULL THEN c.key END AS other, c.value, c.raw, c.uncertain,
                  c.value IS NOT NULL AND isfinite(c.value) AND c.value = trunc(c.value) AND NOT coalesce(k.amount, false) AS whole
           FROM cells c LEFT JOIN (SELECT unnest(?::VARCHAR[]) AS key, generate_subscripts(?::VARCHAR[], 1) - 1 AS pos,
                                          unnest(?::BOOLEAN[]) AS amount) k ON k.key = c.key
           WHERE c.report_id IN (SELECT unnest(?::INTEGER[])) ORDER BY c.report_id, c.rowid""",
        [names, names, [cell_kind(k) == "amount" for k in names], present],
    ).fetchnumpy()
    rid = np.asarray(got["report_id"])
    if not len(rid):
        return
    pos = got["pos"]
    keys = np.asarray(names + [None], dtype=object)[np.ma.filled(pos, len(names)).astype(np.int64)]
    if np.ma.is_masked(pos):
        at = np.flatnonzero(np.ma.getmaskarray(pos))
        keys[at] = np.ma.getdata(got["other"])[at]
    keys = keys.tolist()
    value = got["value"]
    whole = np.asarray(got["whole"], dtype=bool)
    data = np.ma.getdata(value)
    vals = data.astype(object)
    small = whole & (np.abs(data) < 2.0**62)
    if small.any():
        vals[small] = data[small].astype(np.int64).astype(object)
    for i in np.flatnonzero(whole & ~small).tolist():  # beyond int64: Python's int, as _value gives
        vals[i] = int(data[i])
    if np.ma.is_masked(value):
        vals[np.ma.getmaskarray(value)] = None
    if np.ma.is_masked(pos):  # a key outside the layouts: an amount by its kind, as _value has it
        for i in np.flatnonzero(np.ma.getmaskarray(pos) & whole).tolist():
            if cell_kind(keys[i]) == "amount":
                vals[i] = float(vals[i])
    vals = vals.tolist()
    raw = got["raw"]
    raw_at = np.flatnonzero(~np.ma.getmaskarray(raw)).tolist() if isinstance(raw, np.ma.MaskedArray) else range(len(rid))
    raws = np.ma.getdata(raw)
    unc_at = np.flatnonzero(np.asarray(got["uncertain"], dtype=bool)).tolist()
    cuts = [0, *(np.flatnonzero(np.diff(rid)) + 1).tolist(), len(rid)]
    ids = rid[np.asarray(cuts[:-1], dtype=np.int64)].tolist()
    for r, a, b in zip(ids, cuts, cuts[1:]):
        recs[r].cells.update(zip(keys[a:b], vals[a:b]))
    for i in raw_at:
        x = raws[i]
        if x is not None:
            recs[int(rid[i])].raw[keys[i]] = x
    for i in unc_at:
        recs[int(rid[i])].uncertain.append(keys[i])


def record_from_store(con: duckdb.DuckDBPyConnection, report_id: int) -> Record:
    """One report of the store as a :class:`Record` (KeyError when absent or failed)."""
    recs = records_from_store(con, [report_id])
    if report_id not in recs:
        raise KeyError(report_id)
    return recs[report_id]
