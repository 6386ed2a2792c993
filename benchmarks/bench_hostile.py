"""Benchmark: reliability — hostile files, a mixed batch under kill -9, fuzz counts.

    python benchmarks/bench_hostile.py             # bombs + a mixed batch of 1500 reports
    python benchmarks/bench_hostile.py --n 2000    # a bigger batch
    python benchmarks/bench_hostile.py --only bombs

Builds every hostile input itself (tests/hostile/hostile_inputs.py) in a temp
folder.  Each bomb is ingested alone by ``xxgk ingest`` (default budget
60 s / 1 GiB) in a separate process; its outcome, wall time and the peak
resident memory of the largest process of the run (the ingest and its
workers: ``ru_maxrss`` of the waited-for descendants) are printed.

The mixed batch: N generated reports, 5 % of them corrupt (cut short, random
bytes, empty, broken ZIP), some copied twice, plus the hostile files; the
ingest is killed with SIGKILL (its whole process group) three times part-way
and run again until done.  Then: files stored, failed, lost (must be 0),
duplicate rows (must be 0), orphan workers after each kill (must be 0).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests" / "hostile"))
sys.path.insert(0, str(REPO / "tests" / "store"))

import duckdb  # noqa: E402
from hostile_inputs import big_text, huge_range_xlsx, png, report_docx, report_xlsx, zip_bomb  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=str(REPO / "src"))
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.monotonic(); rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(rc, time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def ingest_cmd(paths: list[Path], db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "xxgk.cli", "ingest", *map(str, paths), "--db", str(db), *extra]


def bombs(tmp: Path) -> None:
    cases = [
        ("XLSX: cells in A1 and XFD1048576", "range.xlsx", lambda p: p.write_bytes(huge_range_xlsx()), 7000),
        ("DOCX zip bomb (1 GB member)", "bomb.docx", lambda p: p.write_bytes(zip_bomb(report_docx(), "word/media/image1.bin", 1024)), 4200),
        ("XLSX zip bomb (1 GB member)", "bomb.xlsx", lambda p: p.write_bytes(zip_bomb(report_xlsx(), "xl/media/image1.bin", 1024)), 2100),
        ("PNG header 30000×30000", "huge.png", lambda p: p.write_bytes(png(30000, 30000, rows=16)), 1800),
        ("PNG 11000×10000, all pixels present", "big.png", lambda p: p.write_bytes(png(11000, 10000)), None),
        ("text 200 MB", "huge.txt", lambda p: big_text(p, 200), 1500),
        ("text 30 MB (under the size cap), default budget", "slow.txt", lambda p: big_text(p, 30), None),
        ("text 30 MB, --time-limit 10", "slow.txt", lambda p: big_text(p, 30), None, "--time-limit", "10"),
        ("text 30 MB, --memory-limit 200", "slow.txt", lambda p: big_text(p, 30), None, "--memory-limit", "200"),
    ]
    print(f"{'case':48} {'exit':>4} {'seconds':>8} {'peak MB':>8} {'issue MB':>8}  stored reason")
    for title, name, build, before, *extra in cases:
        folder = tmp / name.replace(".", "_")
        folder.mkdir()
        f = folder / name
        build(f)
        db = folder / "x.duckdb"
        out = subprocess.run([sys.executable, "-c", MEASURE, *ingest_cmd([f], db, *extra)], capture_output=True, text=True, env=ENV).stdout.split()
        rc, secs, peak_kib = int(out[0]), float(out[1]), int(out[2])
        con = duckdb.connect(str(db), read_only=True)
        err = con.execute("SELECT error FROM reports").fetchone()
        con.close()
        reason = "stored" if err and err[0] is None else (err[0].split("：", 1)[-1][:60] if err else "-")
        print(f"{title:48} {rc:>4} {secs:>8.1f} {peak_kib / 1024:>8.0f} {before or '-':>8}  {reason}", flush=True)
        shutil.rmtree(folder)


def _tree(root: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.extend(kids.get(p, []))
        todo.extend(kids.get(p, []))
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def mixed(tmp: Path, n: int) -> None:
    from store_helpers import write_synthetic

    folder = tmp / "batch"
    good = write_synthetic(folder, n, seed=3)
    rng = random.Random(1)
    bad = []
    for i, src in enumerate(rng.sample(good, n // 20)):  # 5 % corrupt
        kind = i % 4
        p = folder / f"bad{i:04d}{['.txt', '.bin', '.txt', '.docx'][kind]}"
        if kind == 0:
            p.write_bytes(src.read_bytes()[: 40])  # cut short: reads, but is not a report
        elif kind == 1:
            p.write_bytes(rng.randbytes(5000))
        elif kind == 2:
            p.write_bytes(b"")
        else:
            p.write_bytes(b"PK\x03\x04" + rng.randbytes(300))
        bad.append(p)
    dups = []
    for i, src in enumerate(rng.sample(good, 10)):
        d = folder / f"copy{i:02d}.txt"
        d.write_bytes(src.read_bytes())
        dups.append(d)
    hostile = [folder / "range.xlsx", folder / "bomb.docx", folder / "bomb.xlsx", folder / "huge.png"]
    hostile[0].write_bytes(huge_range_xlsx())
    hostile[1].write_bytes(zip_bomb(report_docx(), "word/media/image1.bin", 200))
    hostile[2].write_bytes(zip_bomb(report_xlsx(), "xl/media/image1.bin", 200))
    hostile[3].write_bytes(png(30000, 30000, rows=16))
    big_text(folder / "huge.txt", 200)
    hostile.append(folder / "huge.txt")
    files = sorted(folder.iterdir())
    db = tmp / "batch.duckdb"
    kills, orphans, t0 = 0, 0, time.monotonic()
    for delay in (4.0, 5.0, 6.0):
        proc = subprocess.Popen(ingest_cmd([folder], db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, start_new_session=True)
        time.sleep(delay)
        if proc.poll() is not None:
            break
        workers = _tree(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the ingest itself: its workers must follow on their own
        proc.wait()
        kills += 1
        time.sleep(3)
        orphans += sum(_alive(p) for p in workers)
        for p in workers:
            if _alive(p):
                os.kill(p, signal.SIGKILL)
    rc = subprocess.call(ingest_cmd([folder], db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    secs = time.monotonic() - t0
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT source_path, sha256, error FROM reports").fetchall()
    con.close()
    import hashlib

    paths = {p for p, _, _ in rows}
    shas = [s for _, s, _ in rows]
    stored = sum(1 for _, _, e in rows if e is None)
    failed = sum(1 for _, _, e in rows if e is not None)
    # a file is lost when neither its content (hash) nor its path is in the store
    missing = [f for f in files if hashlib.sha256(f.read_bytes()).hexdigest() not in set(shas) and str(f) not in paths]
    dup_rows = len(shas) - len(set(shas))
    same_content = len(files) - len({hashlib.sha256(f.read_bytes()).hexdigest() for f in files})
    print(f"files {len(files)} ({n} reports, {len(bad)} corrupt = 5 %, {len(dups)} copies, {len(hostile)} hostile)")
    print(f"kill -9 of the running ingest: {kills}; orphan workers after the kills: {orphans}; last run exit {rc}; {secs:.0f} s in all")
    print(f"stored {stored}, failed {failed}, skipped as the same content {same_content} (the {len(dups)} copies, empty and cut-short files alike), "
          f"lost {len(missing)}, duplicate rows {dup_rows}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--only", choices=("bombs", "mixed"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-hostile-"))
    try:
        if args.only in (None, "bombs"):
            print("== hostile files, each ingested alone (budget 60 s / 1 GiB)")
            bombs(tmp)
        if args.only in (None, "mixed"):
            print(f"== mixed batch under kill -9 ({args.n} reports)")
            mixed(tmp, args.n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
