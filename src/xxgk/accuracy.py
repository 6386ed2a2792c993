"""Accuracy against the hand-checked corpus (``../shared/corpus``).

The corpus README fixes the score: for every gold cell not marked uncertain,
the parser must produce the same key with the same value (blank and 0 are
different); every table key the parser produces that the gold lacks is
wrong (spurious); year, layout (template) and agency are checked.  The
published date is compared too and reported, but does not count as a meta
error of the layout check.

:func:`score_record` scores one record against one gold record;
:func:`run` parses the corpus and aggregates per format and per table.
``scripts/accuracy.py`` prints the result (``make accuracy``).

A document whose provenance says it is a copy of another (the scan 042 "made
from 002.pdf", the HTML "original of" a crawled text) and that has no gold
of its own is scored against the parse of its original, under its own
format: that is how scans are measured.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Record

TABLES = ("t2", "t3", "t4")
META_FIELDS = ("year", "template", "agency", "published")
# the fields whose mismatch makes a document's meta wrong
META_SCORED = ("year", "template", "agency")


def default_corpus() -> Path:
    """``$XXGK_SHARED/corpus``, or ``../shared/corpus`` beside the repository."""
    shared = os.environ.get("XXGK_SHARED")
    if shared:
        return Path(shared) / "corpus"
    return Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def same_value(gold: Any, got: Any) -> bool:
    """Equal values, blank (None) never equal to 0; amounts compared to 1e-9."""
    if gold is None or got is None:
        return gold is None and got is None
    if isinstance(gold, bool) or isinstance(got, bool):
        return False
    return math.isclose(float(gold), float(got), rel_tol=1e-9, abs_tol=1e-9)


@dataclass
class Wrong:
    file: str
    key: str
    gold: Any
    got: Any
    kind: str  # "value" | "missing" | "spurious"

    def to_dict(self) -> dict:
        return {"file": self.file, "key": self.key, "gold": self.gold, "got": self.got, "kind": self.kind}


@dataclass
class DocScore:
    file: str
    format: str
    scored: int = 0  # gold cells not marked uncertain
    correct: int = 0
    spurious: int = 0
    skipped: int = 0  # gold cells marked uncertain
    flagged: list[str] = field(default_factory=list)  # cells the parser flags uncertain that the gold leaves out
    site: str = ""  # the website a page came from (the sites corpus)
    per_table: dict[str, list[int]] = field(default_factory=dict)  # table → [scored, correct, spurious]
    wrong: list[Wrong] = field(default_factory=list)
    meta: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (gold, got), mismatches only
    uncertain_missed: list[str] = field(default_factory=list)  # gold-uncertain cells not flagged by the parser
    uncertain_extra: list[str] = field(default_factory=list)  # cells flagged uncertain that the gold holds certain
    error: str | None = None
    ms: float = 0.0

    @property
    def meta_ok(self) -> bool:
        return not any(f in self.meta for f in META_SCORED)

    @property
    def denominator(self) -> int:
        return self.scored + self.spurious

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "format": self.format,
            "scored": self.scored,
            "correct": self.correct,
            "spurious": self.spurious,
            "skipped_uncertain": self.skipped,
            "per_table": {t: dict(zip(("scored", "correct", "spurious"), v)) for t, v in self.per_table.items()},
            "wrong": [w.to_dict() for w in self.wrong],
            "meta_mismatch": {k: {"gold": g, "got": v} for k, (g, v) in self.meta.items()},
            "uncertain_missed": self.uncertain_missed,
            "uncertain_extra": self.uncertain_extra,
            "flagged_uncertain": self.flagged,
            "site": self.site,
            "error": self.error,
            "ms": round(self.ms, 2),
        }


def score_record(rec: Record | None, gold: dict, file: str = "", fmt: str = "") -> DocScore:
    """Score one parsed record (None when parsing failed) against one gold record."""
    ds = DocScore(file=file or gold.get("file", ""), format=fmt or (rec.source.format if rec else "?"))
    gcells: dict = gold.get("cells", {})
    guncertain = set(gold.get("uncertain", []))
    got = rec.cells if rec is not None else {}
    for t in TABLES:
        ds.per_table[t] = [0, 0, 0]
    for key, gv in gcells.items():
        t = key.split(".")[0]
        if key in guncertain:
            ds.skipped += 1
            if rec is not None and key not in rec.uncertain:
                ds.uncertain_missed.append(key)
            continue
        ds.scored += 1
        ds.per_table.setdefault(t, [0, 0, 0])[0] += 1
        if key not in got:
            ds.wrong.append(Wrong(ds.file, key, gv, None, "missing"))
        elif not same_value(gv, got[key]):
            ds.wrong.append(Wrong(ds.file, key, gv, got[key], "value"))
        else:
            ds.correct += 1
            ds.per_table[t][1] += 1
    flagged = set(rec.uncertain) if rec is not None else set()
    for key, v in got.items():
        if key not in gcells:
            if key in flagged:
                # a cell the parser itself reports unsure of, in a row the gold
                # leaves out because the text cannot pin it down: skipped, as
                # the gold's own uncertain cells are
                ds.flagged.append(key)
                continue
            ds.spurious += 1
            ds.per_table.setdefault(key.split(".")[0], [0, 0, 0])[2] += 1
            ds.wrong.append(Wrong(ds.file, key, "—", v, "spurious"))
    if rec is not None:
        ds.uncertain_extra = [k for k in rec.uncertain if k in gcells and k not in guncertain]
    gmeta = gold.get("meta", {})
    for f in META_FIELDS:
        if f not in gmeta:
            continue
        gv = gmeta[f]
        mv = getattr(rec.meta, f) if rec is not None else None
        if gv != mv:
            ds.meta[f] = (gv, mv)
    return ds


@dataclass
class Totals:
    docs: int = 0
    scored: int = 0
    correct: int = 0
    spurious: int = 0
    meta_wrong: int = 0
    errors: int = 0

    def add(self, d: DocScore, table: str | None = None) -> None:
        if table is None:
            self.docs += 1
            self.scored += d.scored
            self.correct += d.correct
            self.spurious += d.spurious
            self.meta_wrong += 0 if d.meta_ok else 1
            self.errors += 1 if d.error else 0
        else:
            s, c, sp = d.per_table.get(table, [0, 0, 0])
            self.scored += s
            self.correct += c
            self.spurious += sp

    @property
    def accuracy(self) -> float:
        den = self.scored + self.spurious
        return self.correct / den if den else 1.0

    def to_dict(self) -> dict:
        return {
            "docs": self.docs,
            "scored": self.scored,
            "correct": self.correct,
            "spurious": self.spurious,
            "accuracy": round(self.accuracy, 6),
            "meta_wrong": self.meta_wrong,
            "errors": self.errors,
        }


@dataclass
class LayoutCheck:
    """Year and layout of a document without gold, from provenance.json."""

    file: str
    format: str
    expected: tuple[Any, Any]
    got: tuple[Any, Any]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.expected == self.got


@dataclass
class Report:
    docs: list[DocScore]
    layout_checks: list[LayoutCheck]

    def by_format(self) -> dict[str, Totals]:
        out: dict[str, Totals] = {}
        for d in self.docs:
            out.setdefault(d.format, Totals()).add(d)
        return dict(sorted(out.items()))

    def by_extension(self) -> dict[str, Totals]:
        """Per file type (txt and md are both read as ``text``)."""
        out: dict[str, Totals] = {}
        for d in self.docs:
            out.setdefault(d.file.rsplit(".", 1)[-1], Totals()).add(d)
        return dict(sorted(out.items()))

    def by_site(self) -> dict[str, Totals]:
        """Per website (documents of the sites corpus)."""
        out: dict[str, Totals] = {}
        for d in self.docs:
            if d.site:
                out.setdefault(d.site, Totals()).add(d)
        return dict(sorted(out.items()))

    def by_table(self, fmt: str | None = None) -> dict[str, Totals]:
        out = {t: Totals() for t in TABLES}
        for d in self.docs:
            if fmt is None or d.format == fmt:
                for t in TABLES:
                    out[t].add(d, t)
        return out

    def total(self) -> Totals:
        t = Totals()
        for d in self.docs:
            t.add(d)
        return t

    def to_dict(self) -> dict:
        return {
            "total": self.total().to_dict(),
            "by_format": {k: v.to_dict() for k, v in self.by_format().items()},
            "by_extension": {k: v.to_dict() for k, v in self.by_extension().items()},
            "by_table": {k: v.to_dict() for k, v in self.by_table().items()},
            "by_format_table": {f: {k: v.to_dict() for k, v in self.by_table(f).items()} for f in self.by_format()},
            "by_site": {k: v.to_dict() for k, v in self.by_site().items()},
            "documents": [d.to_dict() for d in self.docs],
            "layout_checks": [
                {"file": c.file, "format": c.format, "expected": list(c.expected), "got": list(c.got), "ok": c.ok, "error": c.error}
                for c in self.layout_checks
            ],
        }


def _format_of(path: Path) -> str:
    from .read import detect_format

    try:
        return detect_format(path.read_bytes())
    except OSError:
        return "?"


def _parse(path: Path) -> tuple[Record | None, str | None, float]:
    import xxgk

    t0 = time.perf_counter()
    try:
        rec = xxgk.parse_path(path)
        err = None
    except xxgk.ReadError as e:
        rec, err = None, str(e)
    except Exception as e:  # a parser bug must not stop the measurement
        rec, err = None, f"{type(e).__name__}: {e}"
    return rec, err, (time.perf_counter() - t0) * 1000


def run(corpus: Path | None = None, only: set[str] | None = None, formats: set[str] | None = None) -> Report | None:
    """Parse and score the corpus; None when it is absent.

    ``only`` restricts to some file names (``{"029.txt"}``), ``formats`` to
    some reader formats (``{"text"}``).
    """
    corpus = corpus or default_corpus()
    # the corpus keeps its documents in raw/; the sites corpus beside its gold/
    raw, gold_dir = (corpus / "raw" if (corpus / "raw").is_dir() else corpus), corpus / "gold"
    if not raw.is_dir() or not gold_dir.is_dir():
        return None
    golds = {}
    for g in sorted(gold_dir.glob("*.json")):
        data = json.loads(g.read_text(encoding="utf-8"))
        golds[data.get("file") or g.stem] = data
    prov: dict[str, dict] = {}
    prov_path = corpus / "provenance.json"
    if prov_path.exists():
        for e in json.loads(prov_path.read_text(encoding="utf-8")):
            prov[e["file"]] = e
    docs: list[DocScore] = []
    checks: list[LayoutCheck] = []
    for path in sorted(raw.iterdir()):
        name = path.name
        if not path.is_file() or name in ("README.md", "provenance.json"):
            continue
        if only and name not in only:
            continue
        fmt = _format_of(path)
        if formats and fmt not in formats:
            continue
        if name in golds:
            rec, err, ms = _parse(path)
            ds = score_record(rec, golds[name], name, rec.source.format if rec else fmt)
            ds.error, ds.ms = err, ms
            ds.site = _site(prov.get(name, {}))
            docs.append(ds)
        elif name in prov:
            rec, err, ms = _parse(path)
            e = prov[name]
            got = (rec.meta.year, rec.meta.template) if rec else (None, None)
            checks.append(LayoutCheck(name, rec.source.format if rec else fmt, (e.get("year"), e.get("template")), got, err))
            original = copy_of(e)
            if original and (raw / original).exists() and original not in golds:
                # a copy of another document (a scan of a PDF, the HTML page of a
                # crawled text): scored against the parse of its original
                ref, ref_err, _ = _parse(raw / original)
                if ref is not None:
                    ds = score_record(rec, _as_gold(ref, original), f"{name}~{original}", rec.source.format if rec else fmt)
                    ds.error, ds.ms = err, ms
                    docs.append(ds)
    return Report(docs, checks)


def _site(provenance: dict) -> str:
    """The host of a page's address (sites corpus), '' when it has none."""
    m = re.match(r"https?://([^/]+)", provenance.get("url") or "")
    return m.group(1).lower() if m else ""


def sites_corpus(corpus: Path | None = None) -> Path:
    """``corpus/sites``: report pages of many websites, with gold."""
    return (corpus or default_corpus()) / "sites"


_COPY = re.compile(r"(?:made from|original of|copy of)\s+(\d{3}\.[a-z]+)", re.I)


def copy_of(provenance: dict) -> str | None:
    """The corpus file a document is a copy of, as its provenance notes say."""
    m = _COPY.search(provenance.get("notes") or "")
    return m.group(1) if m else None


def _as_gold(rec: Record, file: str) -> dict:
    return {
        "file": file,
        "meta": {"agency": rec.meta.agency, "year": rec.meta.year, "published": rec.meta.published, "template": rec.meta.template},
        "cells": dict(rec.cells),
        "uncertain": list(rec.uncertain),
    }
