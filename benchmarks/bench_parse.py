"""Parse time per text report (read + extract) on one core.

    python benchmarks/bench_parse.py [--repeat N]

Reports, over the reports, the median of each report's fastest CPU time (of N
repeats; a shared virtual machine makes single runs vary by ±40 %) and reports per second; when the
corpus is present (../shared/corpus), also its text documents (txt/md).
Target (issue "xxgk parse"): under 5 ms per text report.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import xxgk

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))
CORPUS = Path(os.environ.get("XXGK_SHARED", REPO.parent / "shared")) / "corpus" / "raw"
SITES = CORPUS.parent / "sites"


def bench(files: list[Path], repeat: int) -> tuple[float, float]:
    datas = [(f.read_bytes(), str(f)) for f in files]
    for data, name in datas:  # warm up (imports, regex compilation)
        xxgk.parse_bytes(data, name)
    per_file = []
    for data, name in datas:
        times = []
        for _ in range(repeat):
            # CPU time of this process: what one core spends, whatever else runs
            t0 = time.process_time()
            xxgk.parse_bytes(data, name)
            times.append(time.process_time() - t0)
        # the fastest of the repeats: what the work costs when the (shared,
        # virtual) CPU is not taken by others — the steadiest figure here
        per_file.append(min(times))
    med = statistics.median(per_file) * 1000
    worst = max(per_file) * 1000
    return med, worst


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    med, worst = bench(SEEDS, args.repeat)
    print(f"parse  seeds ({len(SEEDS)} text reports): median {med:.2f} ms CPU/report, slowest {worst:.2f} ms, {1000 / med:.0f} reports/s on one core")
    text = sorted(p for p in CORPUS.glob("*") if p.suffix in (".txt", ".md")) if CORPUS.exists() else []
    if text:
        med, worst = bench(text, max(5, args.repeat // 5))
        print(f"parse  corpus text ({len(text)} txt/md reports): median {med:.2f} ms CPU/report, slowest {worst:.2f} ms, {1000 / med:.0f} reports/s on one core")
    else:
        print("parse  corpus text: skipped (corpus not present)")
    sites = sorted(SITES.glob("*.txt")) if SITES.exists() else []
    if sites:
        med, worst = bench(sites, max(5, args.repeat // 5))
        print(f"parse  sites pages ({len(sites)} pages of 39 websites): median {med:.2f} ms CPU/page, slowest {worst:.2f} ms, {1000 / med:.0f} pages/s on one core")
    else:
        print("parse  sites pages: skipped (corpus not present)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
