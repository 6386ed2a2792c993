"""Record ⇄ rows of the store.

:func:`rows_of` turns a parsed record into plain column lists (built in the
worker processes, so the single writer only adds report ids);
:func:`records_from_store` rebuilds records from the tables (for cross-year
checks and late checking); :func:`record_from_store` is the one-report form.
"""

from __future__ import annotations

import datetime as dt
import json
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
    amount: dict[str, bool] = {}  # a key's kind, looked up once per key (hundreds of thousands of cells)
    for rid, key, value, raw, unc in con.execute(
        "SELECT report_id, key, value, raw, uncertain FROM cells WHERE report_id IN (SELECT unnest(?::INTEGER[])) ORDER BY report_id, rowid",
        [present],
    ).fetchall():
        r = recs[rid]
        if value is not None:
            is_amount = amount.get(key)
            if is_amount is None:
                is_amount = amount[key] = cell_kind(key) == "amount"
            if not is_amount and value.is_integer():  # the same as _value
                value = int(value)
        r.cells[key] = value
        if raw is not None:
            r.raw[key] = raw
        if unc:
            r.uncertain.append(key)
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


def record_from_store(con: duckdb.DuckDBPyConnection, report_id: int) -> Record:
    """One report of the store as a :class:`Record` (KeyError when absent or failed)."""
    recs = records_from_store(con, [report_id])
    if report_id not in recs:
        raise KeyError(report_id)
    return recs[report_id]
