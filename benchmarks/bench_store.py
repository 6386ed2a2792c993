"""Benchmark: the store at national scale — 2,000,000 reports on one machine.

    python benchmarks/bench_store.py                 # 2,000,000 reports (≈ 10 min to generate on 2 busy cores)
    python benchmarks/bench_store.py --n 200000      # smaller
    python benchmarks/bench_store.py --db PATH       # keep (or reuse) the generated store

Generates the store in the database itself (xxgk.store.synth.national_store:
≈ 167,000 agencies × 12 years, the cells of both layouts, findings, sections),
then measures, each figure beside its target:

* ``summary`` of one province-year (target ≤ 1 s) and of everything (≤ 3 s), the
  query alone (``summarise``), best of 3; and ``--by region`` of everything;
* report-list queries for the web (``list_reports``: first page of everything,
  a province-year page, an agency-name search) — target ≤ 300 ms each;
* ``xxgk export --format parquet`` of everything, as a separate process, with
  the peak RSS of that process (target ≤ 1 GiB);
* the migration of a version-1 store to the current schema (``--migrate-n``
  reports, default 100,000) and the size on disk.
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
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_ingest import run_measured  # noqa: E402

from xxgk.store import connect  # noqa: E402
from xxgk.store.lists import list_reports  # noqa: E402
from xxgk.store.schema import migrate  # noqa: E402
from xxgk.store.summary import summarise  # noqa: E402
from xxgk.store.synth import national_store  # noqa: E402


def best(fn, repeat: int = 3) -> tuple[float, float]:
    """(wall, CPU of this process — DuckDB's threads included) of the fastest of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t, time.process_time() - c))
    return min(times)


def line(what: str, secs: tuple[float, float], target: float, unit: str = "s") -> None:
    wall, cpu = secs
    fmt = (lambda x: f"{x * 1000:.0f} ms") if unit == "ms" else (lambda x: f"{x:.2f} s")
    tgt = f"{target * 1000:.0f} ms" if unit == "ms" else f"{target:.0f} s"
    print(f"{what:<52} {fmt(wall):>10} wall  {fmt(cpu):>10} CPU   target <= {tgt:<7} {'ok' if wall <= target else 'MISSED'}  (load {os.getloadavg()[0]:.1f})", flush=True)


def size_mib(db: Path) -> float:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file()) / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2_000_000)
    ap.add_argument("--db", type=Path, help="where the store is generated (reused when it exists)")
    ap.add_argument("--migrate-n", type=int, default=100_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-store-", dir=os.environ.get("XXGK_BENCH_TMP")))
    try:
        db = args.db or tmp / "national.duckdb"
        if not db.exists():
            con = connect(db)
            t = time.monotonic()
            info = national_store(con, args.n, progress=lambda done, total: print(f"  generated {done:,} / {total:,}", flush=True) if done % 500_000 == 0 else None)
            con.execute("CHECKPOINT")
            con.close()
            print(f"generated {info['reports']:,} reports of {info['agencies']:,} agencies in {time.monotonic() - t:.0f} s; size on disk {size_mib(db):,.0f} MiB")
        else:
            print(f"reusing {db} ({size_mib(db):,.0f} MiB)")
        con = connect(db, read_only=True)
        n, cells = con.execute("SELECT (SELECT count(*) FROM current_reports), (SELECT count(*) FROM cells)").fetchone()
        print(f"store: {n:,} current reports, {cells:,} long cells; {size_mib(db) / max(n, 1) * 1024:.2f} KiB per report on disk")
        year, prov = con.execute("SELECT year, province FROM reports WHERE province IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()
        s = summarise(con, year=year, region=prov)
        line(f"summary {prov} {year} ({s['reports']:,} reports)", best(lambda: summarise(con, year=year, region=prov)), 1.0)
        line(f"summary of everything ({n:,} reports)", best(lambda: summarise(con)), 3.0)
        line("summary of everything --by region", best(lambda: summarise(con, by="region"), 2), 3.0)
        line("list: first page of everything (by errors)", best(lambda: list_reports(con)), 0.3, "ms")
        line(f"list: {prov} {year}, page 3 by agency", best(lambda: list_reports(con, year=year, region=prov, order="agency", offset=100)), 0.3, "ms")
        line("list: agency name search, with errors", best(lambda: list_reports(con, search="第12", with_errors=True)), 0.3, "ms")
        line("list: one agency's reports", best(lambda: list_reports(con, agency_id=12345 % max(1, n // 12) + 1, order="year")), 0.3, "ms")
        con.close()
        out = tmp / "all.parquet"
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        secs, peak, rc, _, cpu = run_measured([sys.executable, "-m", "xxgk.cli", "export", "--db", str(db), "-o", str(out), "--lang", "en"], env)
        print(
            f"{'export --format parquet (' + format(n, ',') + ' reports)':<52} {secs:>8.1f} s   peak RSS {peak / 1024:,.0f} MiB   target <= 1024 MiB "
            f"{'ok' if peak <= 1024 * 1024 and rc == 0 else 'MISSED'} (exit {rc}, {out.stat().st_size / 2**20 if out.exists() else 0:,.0f} MiB file, {cpu:.0f} s CPU)",
            flush=True,
        )
        out.unlink(missing_ok=True)
        # the migration of a version-1 store
        old = tmp / "v1.duckdb"
        con = connect(":memory:")
        con.close()
        import duckdb

        con = duckdb.connect(str(old))
        migrate(con, target=1)
        national_store(con, args.migrate_n)
        con.close()
        t = time.monotonic()
        con = connect(old)
        mig = time.monotonic() - t
        print(f"migration 1 -> 2 of {args.migrate_n:,} reports: {mig:.1f} s ({mig / args.migrate_n * 1e6:.0f} µs per report -> {mig / args.migrate_n * args.n / 60:.0f} min for {args.n:,})")
        con.close()
    finally:
        if args.db is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
