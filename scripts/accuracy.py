"""Accuracy of the parser on the real corpus (``make accuracy``).

Parses every document of ``../shared/corpus/raw`` (``$XXGK_SHARED`` overrides
``../shared``) that has a gold record in ``../shared/corpus/gold`` and prints
the accuracy per format and per table, the wrong cells and the meta
mismatches; documents without gold are checked for year and layout against
``provenance.json``.  Exits 0 with a message when the corpus is absent.

    python scripts/accuracy.py [--json] [--format text] [FILE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from xxgk.accuracy import Report, run, sites_corpus  # noqa: E402


def corpus_dir() -> Path:
    shared = Path(os.environ.get("XXGK_SHARED", REPO.parent / "shared"))
    return shared / "corpus"


def _pct(x: float) -> str:
    return f"{100 * x:6.2f}%"


def print_report(rep: Report, show_uncertain: bool = False) -> None:
    print(f"{'format':8s} {'docs':>4s} {'cells':>6s} {'exact':>6s} {'wrong':>6s} {'spur.':>6s} {'accuracy':>9s} {'meta✗':>6s} {'errors':>6s}")
    rows = list(rep.by_format().items()) + [("ALL", rep.total())]
    for fmt, t in rows:
        print(
            f"{fmt:8s} {t.docs:4d} {t.scored:6d} {t.correct:6d} {t.scored - t.correct:6d} {t.spurious:6d} {_pct(t.accuracy):>9s} {t.meta_wrong:6d} {t.errors:6d}"
        )
    print("by file type: " + "  ".join(f"{ext} {_pct(t.accuracy).strip()} ({t.correct}/{t.scored + t.spurious}, {t.docs} docs)" for ext, t in rep.by_extension().items()))
    sites = rep.by_site()
    if sites:
        print("by site: " + "  ".join(f"{host} {_pct(t.accuracy).strip()} ({t.correct}/{t.scored + t.spurious})" for host, t in sites.items()))
    print()
    print("per table (all formats; then per format)")
    for fmt in [None, *rep.by_format()]:
        cells = "  ".join(f"{k} {_pct(v.accuracy)} ({v.correct}/{v.scored + v.spurious})" for k, v in rep.by_table(fmt).items())
        print(f"  {fmt or 'ALL':8s} {cells}")
    print()
    print("per document")
    for d in rep.docs:
        flag = "" if (d.correct == d.scored and not d.spurious and d.meta_ok and not d.error) else "  ✗"
        flagged = f" flagged {len(d.flagged)}" if d.flagged else ""
        print(f"  {d.file:10s} {d.format:6s} {d.correct:4d}/{d.scored:<4d} spurious {d.spurious:<3d} skipped {d.skipped:<3d}{flagged} {d.ms:7.1f} ms{flag}")
    errs = [d for d in rep.docs if d.error]
    if errs:
        print("\nerrors")
        for d in errs:
            print(f"  {d.file}: {d.error} ({d.scored} cells missing)")
    wrong = [w for d in rep.docs if not d.error for w in d.wrong]
    print(f"\nwrong cells ({len(wrong)}, documents that failed to parse left out)")
    for w in wrong:
        print(f"  {w.file:10s} {w.key:36s} gold {w.gold!s:>12s}  got {w.got!s:>12s}  {w.kind}")
    print("\nmeta mismatches")
    n = 0
    for d in rep.docs:
        if d.error:
            continue
        for f, (g, v) in d.meta.items():
            n += 1
            print(f"  {d.file:10s} {f:10s} gold {g!s:30s} got {v!s}")
    if not n:
        print("  none")
    if show_uncertain:
        print("\ngold-uncertain cells the parser did not flag as uncertain")
        for d in rep.docs:
            if d.uncertain_missed:
                print(f"  {d.file:10s} {', '.join(d.uncertain_missed)}")
        print("cells the parser flags uncertain that the gold holds certain")
        for d in rep.docs:
            if d.uncertain_extra:
                print(f"  {d.file:10s} {', '.join(d.uncertain_extra)}")
    if rep.layout_checks:
        bad = [c for c in rep.layout_checks if not c.ok]
        print(f"\nyear/layout of documents without gold (provenance.json): {len(rep.layout_checks) - len(bad)}/{len(rep.layout_checks)} right")
        for c in bad:
            print(f"  {c.file:10s} {c.format:6s} expected {c.expected} got {c.got} {c.error or ''}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="only these corpus file names (e.g. 029.txt)")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--format", action="append", help="only documents of this reader format (text, html, docx, pdf, image)")
    ap.add_argument("--uncertain", action="store_true", help="also list gold-uncertain cells the parser did not flag")
    args = ap.parse_args(argv)
    corpus = corpus_dir()
    out = {}
    for name, where in (("corpus", corpus), ("sites", sites_corpus(corpus))):
        rep = run(where, set(args.files) or None, set(args.format) if args.format else None)
        if rep is None:
            msg = f"{name}: not found at {where} (set XXGK_SHARED); skipped"
            out[name] = {"skipped": msg}
            if not args.json:
                print(msg)
            continue
        out[name] = rep.to_dict()
        if not args.json:
            print(f"===== {name}: {where}")
            print_report(rep, args.uncertain)
            print()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
