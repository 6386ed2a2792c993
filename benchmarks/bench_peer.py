"""`xxgk parse` of 5,000 seed copies against the peer parser (govnianbao), same files, same run.

    XXGK_PEER=/path/to/govnianbao python benchmarks/bench_peer.py [--copies 5000] [--peer PATH]

The peer is not part of this project and never copied into it: check it out
anywhere (``git clone https://github.com/zxj6827111-blip/govnianbao``) and name
its folder with ``--peer`` or ``$XXGK_PEER``; without it the benchmark says so
and skips.  The peer has no command of its own, so a small driver (below) reads
every file and calls its ``parse_annual_report_text``, writing one JSON object a
line — the same work ``xxgk parse --format json`` does (read, find the tables,
write the record).  Both run as separate processes over the same folder of
``--copies`` files (the five seeds, repeated); wall time of each, and the ratio
xxgk / peer (target ≤ 1.0).  xxgk uses every core (``parse`` on a folder runs a
process pool); the peer is single-process by design.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))

PEER_DRIVER = r"""
import json, sys
from dataclasses import asdict
from pathlib import Path
from govnianbao import parse_annual_report_text
out = sys.stdout
for p in sorted(q for q in Path(sys.argv[1]).rglob("*") if q.is_file()):
    text = p.read_bytes().decode("utf-8", errors="replace")
    out.write(json.dumps(asdict(parse_annual_report_text(text)), ensure_ascii=False) + "\n")
"""


def timed(cmd: list[str], env: dict) -> tuple[float, int, int]:
    """(wall seconds, exit status, lines written)."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    secs = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-2000:])
    return secs, proc.returncode, proc.stdout.count(b"\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=5000)
    ap.add_argument("--peer", default=os.environ.get("XXGK_PEER"), help="the peer's checkout (default $XXGK_PEER)")
    ap.add_argument("--jobs", type=int, default=None, help="xxgk parse --jobs (default: all cores)")
    args = ap.parse_args()
    peer = Path(args.peer) if args.peer else None
    if peer is None or not (peer / "src" / "govnianbao").is_dir():
        print(f"peer: skipped (no govnianbao checkout: set XXGK_PEER or --peer; got {peer})")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-peer-"))
    try:
        files = tmp / "reports"
        files.mkdir()
        for i in range(args.copies):
            shutil.copyfile(SEEDS[i % len(SEEDS)], files / f"{i:05d}_{SEEDS[i % len(SEEDS)].name}")
        driver = tmp / "peer_driver.py"
        driver.write_text(PEER_DRIVER, encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        xcmd = [sys.executable, "-m", "xxgk", "parse", str(files), "--format", "json"]
        if args.jobs:
            xcmd += ["--jobs", str(args.jobs)]
        penv = dict(os.environ, PYTHONPATH=str(peer / "src"))
        pcmd = [sys.executable, str(driver), str(files)]
        timed(pcmd, penv)  # warm the file cache and both byte-code caches
        timed([sys.executable, "-m", "xxgk", "parse", str(files / os.listdir(files)[0])], env)
        xs, ps = [], []
        for _ in range(2):  # alternate, best of two each: the shared machine's load changes by the minute
            p, prc, plines = timed(pcmd, penv)
            x, xrc, xlines = timed(xcmd, env)
            ps.append(p)
            xs.append(x)
        load = os.getloadavg()[0]
        x, p = min(xs), min(ps)
        print(f"peer   govnianbao: {args.copies} files in {p:.2f} s ({args.copies / p:.0f} files/s, one process; exit {prc}, {plines} records)")
        print(f"xxgk   parse --format json: {args.copies} files in {x:.2f} s ({args.copies / x:.0f} files/s, {args.jobs or os.cpu_count()} processes; exit {xrc}, {xlines} records)")
        ok = "ok" if x / p <= 1.0 else "MISSED"
        print(f"ratio  xxgk / peer = {x / p:.2f}   target <= 1.0   {ok}   (load average {load:.1f} on {os.cpu_count()} cores)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
