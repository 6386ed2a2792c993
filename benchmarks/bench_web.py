"""The review desk on a 100,000-report store: page latencies, then a bounded loopback load test.

1. A synthetic store of N reports (default 100,000; 25,000 agencies × 4 years, about 30 % with a
   broken 表三 balance, checked by the real checker, cross-year rules included) is written straight into DuckDB by
   ``xxgk.store.synth.fill_store`` — once, kept in the temp folder for the next run.
2. ``xxgk serve`` runs on a copy of it (a real process on 127.0.0.1).
3. Each page is fetched cold once, then ``--repeat`` times; the median must be under the target:
   report list and dashboard 300 ms, report page 200 ms.
4. Load: ``--clients`` threads (20) request list and report pages for ``--seconds`` (30) while an
   upload of ``--upload`` synthetic report files (a zip) is ingested; every response must be 200.

    python benchmarks/bench_web.py [--n 100000] [--clients 20] [--seconds 30] [--no-load]
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xxgk.layouts import layout_for  # noqa: E402
from xxgk.store import connect  # noqa: E402
from xxgk.store.synth import fill_store, random_cells, report_text  # noqa: E402

TARGET_MS = {"list": 300, "dashboard": 300, "report": 200}


def store(n: int, seed: int = 11) -> Path:
    path = Path(tempfile.gettempdir()) / f"xxgk-bench-web-{n}-{seed}-v2.duckdb"  # v2: with the cross-year checks done
    if path.exists():
        return path
    part = path.with_suffix(".part")
    part.unlink(missing_ok=True)
    t0 = time.perf_counter()
    con = connect(part)
    fill_store(con, n, seed=seed, progress=lambda d, total: print(f"  synthetic store: {d}/{total}", flush=True) if d % 20000 == 0 else None)
    con.close()
    part.replace(path)
    print(f"synthetic store of {n} reports written in {time.perf_counter() - t0:.0f} s ({path.stat().st_size >> 20} MiB)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[int, float, bytes]:
        path = urllib.parse.quote(path, safe="/?&=%+")
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile is opened again once
            t = time.perf_counter()
            try:
                self.conn.request("GET", path)
                r = self.conn.getresponse()
                return r.status, (time.perf_counter() - t) * 1000, r.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return 599, (time.perf_counter() - t) * 1000, b""

    def post(self, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)  # a fresh one: never a kept-alive the server closed
        try:
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def upload_zip(n: int) -> bytes:
    rng = random.Random(5)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            text = report_text(f"宁波市海曙区压测第{i}号民政局", 2025, random_cells(layout_for("2021"), rng), template="2021", rng=rng)
            z.writestr(f"压测/{i:04d}.txt", text.encode("utf-8"))
    return buf.getvalue()


def batch_upload(c: Client, n: int) -> int:
    """One request with ``n`` files, every 100th corrupt: all good ones stored, all bad ones listed."""
    rng = random.Random(8)
    boundary = "xxgkbatch"
    parts, bad = [], 0
    for i in range(n):
        if i % 100 == 99:
            data, bad = os.urandom(3000), bad + 1
        else:
            data = report_text(f"温州市鹿城区批量第{i}号财政局", 2025, random_cells(layout_for("2021"), rng), template="2021", rng=rng).encode("utf-8")
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{i:05d}.txt"\r\n\r\n'.encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    t0 = time.time()
    st, resp = c.post("/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"})
    job = json.loads(resp)["job"]
    accepted = time.time() - t0
    while True:
        j = json.loads(c.get(f"/api/jobs/{job}")[2])
        if j["state"] in ("done", "error"):
            break
        time.sleep(1)
    ok = j["state"] == "done" and j["ingested"] == n - bad and j["n_failed"] == bad and all(f["reason"] for f in j["failed"])
    print(f"\nbatch: {n} files ({len(body) >> 20} MiB) in one upload, {bad} corrupt: request accepted in {accepted:.1f} s; "
          f"ingest {j['seconds']} s ({j['rate']} files/s): {j['ingested']} stored, {j['n_failed']} listed as failed, {j['duplicates']} duplicates — {'ok' if ok else 'MISMATCH'}")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--upload", type=int, default=300, help="files ingested during the load test")
    ap.add_argument("--no-load", action="store_true")
    ap.add_argument("--batch", type=int, default=0, help="then upload this many files in one request, 1 %% of them corrupt, and check every one is accounted for")
    a = ap.parse_args()

    src = store(a.n)
    work = Path(tempfile.mkdtemp(prefix="xxgk-bench-web-"))
    db = work / "desk.duckdb"
    shutil.copy(src, db)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "xxgk.cli", "serve", "--db", str(db), "--port", str(port)], stderr=subprocess.DEVNULL)
    failed = 0
    try:
        c = Client(port)
        end = time.time() + 120
        while time.time() < end:
            if c.get("/health")[0] == 200:
                break
            time.sleep(0.3)
        con_ids = [int(x) for x in range(1, a.n + 1, max(1, a.n // 7))][:6]
        pages = [
            ("list", "/reports"),
            ("list", "/reports?rule=XG301&sort=-errors&page=200"),
            ("list", "/reports?year=2023&level=部门&severity=error&sort=agency"),
            ("list", "/reports?q=第123号&sort=year"),
            ("list", f"/reports?page={a.n // 50}"),
            ("dashboard", "/dashboard"),
            ("dashboard", "/dashboard?year=2022&by=level"),
            ("dashboard", "/dashboard?year=2023&region=杭州市"),
            *[("report", f"/reports/{i}") for i in con_ids],
            ("report", f"/compare?a={con_ids[0]}&b={con_ids[0] + 1}"),
        ]
        time.sleep(2)
        print(f"\npages on a store of {a.n:,} reports (ms; cold = first request, then median and p95 of {a.repeat})")
        print(f"{'page':62} {'cold':>7} {'median':>7} {'p95':>7}  target")
        for kind, url in pages:
            status, cold, _ = c.get(url)
            times = []
            for _ in range(a.repeat):
                st, ms, _ = c.get(url)
                status = max(status, st)
                times.append(ms)
            med = statistics.median(times)
            target = TARGET_MS[kind]
            ok = status == 200 and med < target
            failed += not ok
            print(f"{url:62} {cold:7.0f} {med:7.0f} {pct(times, 95):7.0f}  <{target} {'ok' if ok else 'SLOW' if status == 200 else f'HTTP {status}'}")

        if not a.no_load:
            data = upload_zip(a.upload)
            boundary = "xxgkbench"
            body = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="压测.zip"\r\nContent-Type: application/zip\r\n\r\n'.encode()
                + data
                + f"\r\n--{boundary}--\r\n".encode()
            )
            st, resp = c.post("/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"})
            job = json.loads(resp)["job"]
            urls = [u for k, u in pages if k == "list"] + [f"/reports/{random.Random(i).randint(1, a.n)}" for i in range(40)]
            lat: dict[str, list[float]] = {"list": [], "report": []}
            codes: dict[int, int] = {}
            stop = time.time() + a.seconds
            lock = threading.Lock()

            def client(k: int) -> None:
                cl = Client(port)
                rng = random.Random(k)
                while time.time() < stop:
                    u = rng.choice(urls)
                    st, ms, _ = cl.get(u)
                    with lock:
                        codes[st] = codes.get(st, 0) + 1
                        lat["report" if u.startswith("/reports/") else "list"].append(ms)

            t0 = time.time()
            ts = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
            [t.start() for t in ts]
            [t.join() for t in ts]
            wall = time.time() - t0
            j = json.loads(c.get(f"/api/jobs/{job}")[2])
            n = sum(codes.values())
            bad = sum(v for k, v in codes.items() if k != 200)
            print(f"\nload: {a.clients} clients for {a.seconds:.0f} s on loopback while an upload of {a.upload} files is ingested")
            print(f"  requests {n} ({n / wall:.1f}/s), responses {dict(sorted(codes.items()))}, errors {bad}")
            for kind, xs in lat.items():
                if xs:
                    print(f"  {kind:7} n={len(xs):5}  p50 {pct(xs, 50):6.0f} ms  p95 {pct(xs, 95):6.0f} ms  p99 {pct(xs, 99):6.0f} ms  max {max(xs):6.0f} ms")
            print(f"  ingest meanwhile: {j['state']}, {j['done']}/{j['total']} files, {j['ingested']} stored, {j['n_failed']} failed, {j['rate']} files/s")
            failed += bad > 0

        if a.batch:
            failed += batch_upload(c, a.batch)
    finally:
        proc.terminate()  # the desk stops its ingest between batches and ends its workers
        try:
            proc.wait(timeout=180)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
