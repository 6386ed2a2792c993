"""One-file `xxgk parse` as a user runs it: wall time including Python's start-up.

    python benchmarks/bench_startup.py [--repeat 20]

Runs the installed command (``.venv/bin/xxgk``, else ``python -m xxgk``) on one
seed, text output to a pipe, ``--repeat`` times; prints the fastest and the
median wall time beside the target (≤ 100 ms), and the modules the command
imports that it should not (typer, pydantic, markdown_it, pygments,
charset_normalizer) — ``python -X importtime`` tells where the rest goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))[0]
HEAVY = ("typer", "pydantic", "markdown_it", "pygments", "charset_normalizer", "rich")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("xxgk")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "xxgk"]
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    for fmt in ("text", "json"):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            subprocess.run([*cmd, "parse", str(SEED), "--format", fmt], stdout=subprocess.DEVNULL, env=env, check=True)
            times.append(time.perf_counter() - t)
        best, med = min(times) * 1000, statistics.median(times) * 1000
        print(f"startup  xxgk parse ONE-FILE --format {fmt:<4}  fastest {best:.0f} ms, median {med:.0f} ms   target <= 100 ms   {'ok' if best <= 100 else 'MISSED'}   (load {os.getloadavg()[0]:.1f})")
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "xxgk", "parse", str(SEED)], capture_output=True, text=True, env=env
    ).stderr.splitlines()
    mods = {ln.rsplit("|", 1)[-1].strip() for ln in probe if ln.startswith("import time:")}
    total = sum(int(ln.split("|")[0].split(":")[1]) for ln in probe if ln.startswith("import time:") and ln.split("|")[0].split(":")[1].strip().isdigit())
    print(f"startup  imports {total / 1000:.0f} ms in all; heavy modules imported: {', '.join(m for m in HEAVY if m in mods) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
