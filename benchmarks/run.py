"""`make bench`: run every benchmark (benchmarks/bench_*.py), one after the other.

Each benchmark is a script that prints its own figures; docs/benchmarks.md
records them with this command.  Run one alone with
`python benchmarks/bench_NAME.py`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    only = sys.argv[1:]
    for script in sorted(HERE.glob("bench_*.py")):
        if only and script.stem.removeprefix("bench_") not in only:
            continue
        print(f"== {script.name}", flush=True)
        rc = subprocess.call([sys.executable, str(script)])
        if rc:
            print(f"!! {script.name} exited {rc}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
