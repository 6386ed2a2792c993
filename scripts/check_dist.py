"""`make dist-check`: the offline bundle works on a machine with no network.

Makes a fresh virtual environment, installs xxgk from dist/wheelhouse/linux_x86_64 with
`pip install --no-index` (nothing may come from an index), ingests the five seeds and starts
`xxgk serve`, then fetches the pages.  Where `unshare` and `ip` can (root on Linux), the install
and the desk run in a network namespace that has only loopback: the network is really off.
Exit status 0 when every step worked.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOUSE = ROOT / "dist" / "wheelhouse" / "linux_x86_64"
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))


def offline_prefix() -> list[str]:
    """Run under a network namespace with only loopback, when this machine allows it."""
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
    return []


def main() -> int:
    if not HOUSE.exists():
        print(f"no {HOUSE}: run `make dist` first")
        return 2
    work = Path(tempfile.mkdtemp(prefix="xxgk-dist-check-"))
    off = offline_prefix()
    print("network:", "off (network namespace with loopback only)" if off else "on (unshare not available); pip runs with --no-index")
    try:
        t0 = time.time()
        subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
        py = work / "venv" / "bin" / "python"
        subprocess.run([*off, str(py), "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(HOUSE), "xxgk"], check=True)
        print(f"installed with --no-index in {time.time() - t0:.0f} s")
        xxgk = work / "venv" / "bin" / "xxgk"
        db = work / "seeds.duckdb"
        r = subprocess.run([*off, str(xxgk), "ingest", *map(str, SEEDS), "--db", str(db), "--jobs", "1"], capture_output=True, text=True)
        print(r.stdout.strip())
        if r.returncode != 0:
            print(r.stderr)
            return 1
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        # the desk and the requests share one namespace: a small script runs both inside it
        probe = f"""
import subprocess, sys, time, urllib.request
p = subprocess.Popen([{str(xxgk)!r}, "serve", "--db", {str(db)!r}, "--port", "{port}"])
ok = False
try:
    for _ in range(300):
        try:
            urllib.request.urlopen("http://127.0.0.1:{port}/health", timeout=2); ok = True; break
        except OSError:
            time.sleep(0.2)
    assert ok, "the desk did not start"
    for path in ("/reports", "/dashboard", "/reports/1", "/upload", "/export", "/static/plotly.min.js", "/export/summary?format=xlsx"):
        with urllib.request.urlopen("http://127.0.0.1:{port}" + path, timeout=60) as r:
            body = r.read()
            print(r.status, path, len(body))
            assert r.status == 200
    body = urllib.request.urlopen("http://127.0.0.1:{port}/reports", timeout=60).read().decode()
    assert "黔东南州生态环境局" in body
finally:
    p.terminate(); p.wait(30)
print("the desk works from the offline bundle")
"""
        r = subprocess.run([*off, str(py), "-c", probe], text=True)
        return r.returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
