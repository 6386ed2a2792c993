"""One-file `xxgk parse` as a user runs it: wall time including Python's start-up.

    python benchmarks/bench_startup.py [--repeat 20]

Runs the installed command (``.venv/bin/xxgk``, else ``python -m xxgk``) on one
seed ``--repeat`` times in each way a user sees it: the table view to a pipe, the
JSON view to a pipe, and the table view at a terminal (a pseudo-terminal: rich
colours it); prints the fastest and the median wall time of each beside the
target (≤ 100 ms) and the load average; then the instructions one run executes
(valgrind, when installed: a figure the load does not move) and the modules the
command imports that it should not — ``python -X importtime`` tells where the
rest goes.

An installed package has its bytecode compiled (pip does it), so one untimed run
first writes the ``.pyc`` files even where ``PYTHONDONTWRITEBYTECODE`` is set;
without them every run would compile the sources again (≈ 60 ms more).
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))[0]
HEAVY = ("typer", "pydantic", "markdown_it", "pygments", "charset_normalizer", "multiprocessing", "concurrent.futures", "zipfile", "rich")
TARGET_MS = 100


def _run_pipe(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - t


def _run_tty(cmd: list[str], env: dict) -> float:
    """Wall time of the command writing to a pseudo-terminal (read to the end, as a terminal would)."""
    master, slave = pty.openpty()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    while True:
        try:
            if not os.read(master, 65536):
                break
        except OSError:  # EIO: the command closed its side
            break
    proc.wait()
    dt = time.perf_counter() - t
    os.close(master)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed at a terminal ({proc.returncode})")
    return dt


def _instructions(cmd: list[str], env: dict) -> None:
    """Instructions one run executes (valgrind's callgrind), a figure the machine's load does not move."""
    if shutil.which("valgrind") is None:
        print("startup  instructions: valgrind not installed, skipped")
        return
    counts = []
    for fmt in ("text", "json"):
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd, "parse", str(SEED), "--format", fmt],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
        ).stderr
        found = re.search(r"Collected : (\d+)", out)
        counts.append(f"--format {fmt} {int(found.group(1)) / 1e6:.0f} M" if found else f"--format {fmt} ?")
    print(f"startup  instructions executed to a pipe (callgrind): {', '.join(counts)}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("xxgk")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "xxgk"]
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    warm = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([*cmd, "parse", str(SEED)], stdout=subprocess.DEVNULL, env=warm, check=True)  # writes the .pyc files
    env["COLUMNS"] = "100"  # the same layout in a pipe and at the pseudo-terminal
    for how, fmt, run in (("pipe", "text", _run_pipe), ("pipe", "json", _run_pipe), ("terminal", "text", _run_tty)):
        times = [run([*cmd, "parse", str(SEED), "--format", fmt], env) for _ in range(args.repeat)]
        best, med = min(times) * 1000, statistics.median(times) * 1000
        print(
            f"startup  xxgk parse ONE-FILE --format {fmt:<4} to a {how:<8}  fastest {best:.0f} ms, median {med:.0f} ms"
            f"   target <= {TARGET_MS} ms   {'ok' if best <= TARGET_MS else 'MISSED'}   (load {os.getloadavg()[0]:.1f})"
        )
    _instructions(cmd, env)
    for fmt in ("text", "json"):
        probe = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "xxgk", "parse", str(SEED), "--format", fmt], capture_output=True, text=True, env=env
        ).stderr.splitlines()
        rows = [ln.split("|") for ln in probe if ln.startswith("import time:") and ln.split("|")[0].split(":")[1].strip().isdigit()]
        mods = {r[-1].strip() for r in rows}
        total = sum(int(r[0].split(":")[1]) for r in rows)
        heavy = ", ".join(m for m in HEAVY if m in mods) or "none"
        print(f"startup  --format {fmt:<4} to a pipe: imports {total / 1000:.0f} ms in all; heavy modules imported: {heavy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
