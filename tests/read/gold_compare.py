"""Compare a parsed record with a gold record of the corpus, the way the corpus README scores."""

from __future__ import annotations

import json
from pathlib import Path

from xxgk.model import Record

_MISSING = object()


def wrong_cells(record: Record, gold_path: Path) -> tuple[list[tuple[str, object, object]], list[str], dict]:
    """(wrong gold cells, spurious table keys, wrong meta fields) — all empty when exact."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    skip = set(gold.get("uncertain") or [])
    wrong = []
    for key, value in gold["cells"].items():
        if key in skip:
            continue
        got = record.cells.get(key, _MISSING)
        # blank vs 0 matters: None == 0 is False already, and 0 == 0.0 is a match
        if got is _MISSING or got != value or (got is None) != (value is None):
            wrong.append((key, value, "MISSING" if got is _MISSING else got))
    spurious = [k for k in record.cells if k not in gold["cells"]]
    meta = {f: (gold["meta"][f], getattr(record.meta, f)) for f in ("year", "template", "agency") if gold["meta"][f] != getattr(record.meta, f)}
    return wrong, spurious, meta


def expected_diff(record: Record, expected: dict) -> list[tuple[str, object, object]]:
    """Cells of ``expected`` the record gets wrong, and keys it has in excess."""
    out = []
    for key, value in expected.items():
        got = record.cells.get(key, _MISSING)
        if got is _MISSING or got != value or (got is None) != (value is None):
            out.append((key, value, "MISSING" if got is _MISSING else got))
    out.extend((k, "ABSENT", record.cells[k]) for k in record.cells if k not in expected)
    return out
