"""Speed of the checker: microseconds per ``check_record`` on the parsed seed reports.

    python benchmarks/bench_check.py            # prints µs per check, per seed and overall

``benchmarks/run.py`` calls :func:`bench_check` and gets a dict back.  The
target (issue "xxgk check"): well under 1 ms per parsed report.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

TARGET_US = 1000.0


def bench_check(paths: list[Path] | None = None, rounds: int = 5, number: int = 200) -> dict:
    """Best-of-``rounds`` mean time of ``number`` checks of each parsed report (parsing not timed)."""
    import xxgk
    from xxgk.check import check_record

    paths = paths or sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))
    records = [(p.name, xxgk.parse_path(p)) for p in paths]
    for _, rec in records:  # warm up (imports, caches)
        check_record(rec)
    per_file: dict[str, float] = {}
    per_file_cpu: dict[str, float] = {}
    for name, rec in records:
        best = best_cpu = float("inf")
        for _ in range(rounds):
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(number):
                check_record(rec)
            best = min(best, (time.perf_counter() - t0) / number)
            best_cpu = min(best_cpu, (time.process_time() - c0) / number)
        per_file[name] = best * 1e6
        per_file_cpu[name] = best_cpu * 1e6
    mean = sum(per_file.values()) / len(per_file)
    # CPU time is the steadier figure on a shared machine (wall time includes waiting for a core)
    return {
        "name": "check",
        "unit": "µs per check_record",
        "mean_us": round(mean, 1),
        "max_us": round(max(per_file.values()), 1),
        "mean_cpu_us": round(sum(per_file_cpu.values()) / len(per_file_cpu), 1),
        "max_cpu_us": round(max(per_file_cpu.values()), 1),
        "target_us": TARGET_US,
        "ok": max(per_file_cpu.values()) < TARGET_US,
        "per_file_us": {k: round(v, 1) for k, v in per_file.items()},
        "per_file_cpu_us": {k: round(v, 1) for k, v in per_file_cpu.items()},
    }


def main() -> None:
    res = bench_check()
    for name, us in res["per_file_us"].items():
        print(f"  {name:32s} {us:8.1f} µs wall  {res['per_file_cpu_us'][name]:8.1f} µs cpu")
    print(
        f"check_record: mean {res['mean_us']} µs wall ({res['mean_cpu_us']} µs cpu), "
        f"max {res['max_us']} µs wall ({res['max_cpu_us']} µs cpu) per parsed report (target < {TARGET_US:.0f} µs)"
    )


if __name__ == "__main__":
    main()
