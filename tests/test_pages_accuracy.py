"""Report pages from websites the reader was not built against (tests/fixtures/pages).

Each ``NNN.txt`` is the beginning of a real report page as a web store kept it,
``gold/NNN.json`` its hand-read record and ``provenance.json`` its address.
The reader must get ≥ 99.5 % of the gold cells exact, no spurious cell, and the
year and layout of every page right.
"""

from __future__ import annotations

import json

import pytest

import xxgk
from xxgk.accuracy import score_record

from conftest import FIXTURES

PAGES = FIXTURES / "pages"
GOLD = sorted((PAGES / "gold").glob("*.json"))


def test_fixtures_are_complete() -> None:
    """Every page has its gold and its provenance entry (address) and vice versa."""
    prov = {p["file"]: p for p in json.loads((PAGES / "provenance.json").read_text(encoding="utf-8"))}
    texts = {p.name for p in PAGES.glob("*.txt")}
    golds = {json.loads(g.read_text(encoding="utf-8"))["file"] for g in GOLD}
    assert texts == golds == set(prov)
    assert len(texts) >= 15
    assert all(p["url"].startswith("http") for p in prov.values())


def test_pages_accuracy() -> None:
    scored = correct = spurious = 0
    meta_wrong: list[str] = []
    lines = []
    for g in GOLD:
        gold = json.loads(g.read_text(encoding="utf-8"))
        path = PAGES / gold["file"]
        try:
            rec = xxgk.parse_path(path)
        except Exception as exc:  # a page the reader refuses counts as all cells missing
            rec = None
            err = f"{type(exc).__name__}: {exc}"
        else:
            err = ""
        ds = score_record(rec, gold, file=gold["file"], fmt="text")
        scored += ds.scored
        correct += ds.correct
        spurious += ds.spurious
        for f in ("year", "template"):
            if f in ds.meta:
                meta_wrong.append(f"{gold['file']} {f}: gold {ds.meta[f][0]!r} got {ds.meta[f][1]!r}")
        lines.append(
            f"{gold['file']}: {ds.correct}/{ds.scored} exact, {ds.spurious} spurious"
            + (f", meta {ds.meta}" if ds.meta else "")
            + (f", error {err}" if err else "")
        )
        for w in ds.wrong:
            lines.append(f"    {w.kind:8} {w.key}: gold {w.gold!r} got {w.got!r}")
    acc = correct / (scored + spurious) if scored + spurious else 1.0
    print(f"pages: {correct}/{scored} exact, {spurious} spurious, accuracy {acc:.2%}")
    print("\n".join(lines))
    assert not meta_wrong, meta_wrong
    assert spurious == 0
    assert acc >= 0.995
