"""The store's side of the letters: which agencies have findings, and their reports.

:func:`letter_items` groups the findings of the counted reports (view
``current_reports``) selected by year, region or agency into
:class:`~xxgk.model.LetterItem` lists, one list per agency, for
:func:`~xxgk.render.letter.letter_docx` and :func:`~xxgk.render.letter.findings_xlsx`.
"""

from __future__ import annotations

import json

import duckdb

from ..model import Finding
from ..model import LetterItem
from .summary import _where


def letter_items(
    con: duckdb.DuckDBPyConnection,
    year: int | None = None,
    region: str | None = None,
    agency_id: int | None = None,
    severities: tuple[str, ...] = ("error", "warning"),
    with_clean: bool = False,
) -> dict[str, list[LetterItem]]:
    """{agency name: its reports with findings} (reports without findings only with ``with_clean``)."""
    where, params = _where(year, region, agency_id)
    rows = con.execute(
        f"""SELECT r.id, coalesce(a.name, r.agency, '（未能确定机关）'), r.year, r.title, r.source_path, r.published
            FROM current_reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE {where}
            ORDER BY 2, r.year, r.id""",
        params,
    ).fetchall()
    if not rows:
        return {}
    ids = [r[0] for r in rows]
    found: dict[int, list[Finding]] = {}
    for rid, rule, sev, cells, msg, msg_en, culprit in con.execute(
        """SELECT report_id, rule, severity, cells, message, message_en, culprit FROM findings
           WHERE report_id IN (SELECT unnest(?::INTEGER[])) AND severity IN (SELECT unnest(?::VARCHAR[]))
             AND (previous_id IS NULL OR previous_id IN (SELECT id FROM current_reports))
           ORDER BY report_id, rule, rowid""",
        [ids, list(severities)],
    ).fetchall():
        found.setdefault(rid, []).append(
            Finding(rule=rule, severity=sev, where=json.loads(cells) if cells else [], message=msg or "", message_en=msg_en or "", culprit=culprit)
        )
    blank: dict[int, set[str]] = {}
    for rid, key in con.execute(
        "SELECT report_id, key FROM cells WHERE blank AND report_id IN (SELECT unnest(?::INTEGER[]))", [[r for r in found]]
    ).fetchall():
        blank.setdefault(rid, set()).add(key)
    out: dict[str, list[LetterItem]] = {}
    for rid, agency, year_, title, path, published in rows:
        fs = found.get(rid, [])
        if not fs and not with_clean:
            continue
        item = LetterItem(agency, year_, title, path, published.isoformat() if published else None, fs, frozenset(blank.get(rid, ())))
        out.setdefault(agency, []).append(item)
    return out
