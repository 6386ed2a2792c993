"""Interrupting an ingest loses nothing committed, and a re-run resumes — with real processes killed.

The ingest runs in a child process (its own session) that prints its progress;
the test kills it, or one of its parsing workers, with SIGKILL (or sends
Ctrl-C) part-way, then checks the DuckDB file: no duplicate, no lost report,
no half-written batch.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import write_synthetic

from xxgk.store import connect
from xxgk.store.ingest import ingest

SRC = Path(__file__).resolve().parents[2] / "src"
CHILD = """
import sys
from pathlib import Path
from xxgk.store import connect
from xxgk.store.ingest import ingest
con = connect(sys.argv[1])
files = sorted(Path(sys.argv[2]).glob("*.txt"))
res = ingest(con, files, jobs=2, batch_size=15, batch_seconds=0.3, progress=lambda done, total: print(done, flush=True))
print("END", res.ingested, len(res.failed), res.interrupted, flush=True)
"""

pytestmark = pytest.mark.slow


def _start(db: Path, folder: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def _wait_progress(proc: subprocess.Popen, at_least: int) -> int:
    for line in proc.stdout:
        if line.startswith("END"):
            pytest.fail("the ingest finished before it could be interrupted: " + line)
        if int(line) >= at_least:
            return int(line)
    pytest.fail("the child stopped early: " + proc.stderr.read()[-2000:])


def _worker_pids(parent: int) -> list[int]:
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_bytes().rsplit(b")", 1)[1].split()
            cmd = Path(f"/proc/{d}/cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == parent and b"spawn_main" in cmd:
            pids.append(int(d))
    return pids


def _check_complete(db: Path, files: list[Path]) -> None:
    con = connect(db)
    rows = con.execute("SELECT source_path, count(*) FROM reports GROUP BY 1").fetchall()
    assert sorted(p for p, _ in rows) == sorted(str(f) for f in files)  # none lost
    assert all(n == 1 for _, n in rows)  # none twice
    assert con.execute("SELECT count(DISTINCT sha256) FROM reports").fetchone()[0] == len(files)
    assert con.execute("SELECT count(*) FROM reports WHERE error IS NOT NULL").fetchone()[0] == 0
    # every report has all of its cells: no half-written batch
    bad = con.execute(
        "SELECT count(*) FROM reports r WHERE n_cells <> (SELECT count(*) FROM cells c WHERE c.report_id = r.id)"
    ).fetchone()[0]
    assert bad == 0
    con.close()


def test_sigkill_of_the_whole_run_then_resume(tmp_path):
    files = write_synthetic(tmp_path / "in", 160)
    db = tmp_path / "x.duckdb"
    proc = _start(db, tmp_path / "in")
    _wait_progress(proc, 60)
    os.killpg(proc.pid, signal.SIGKILL)  # the writer and its workers, mid-run
    proc.wait()
    con = connect(db)
    committed = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert committed < len(files)
    res = ingest(con, files, jobs=2)
    con.close()
    assert res.duplicates == committed
    assert res.ingested == len(files) - committed
    _check_complete(db, files)


def test_sigkill_of_one_worker_mid_batch(tmp_path):
    files = write_synthetic(tmp_path / "in", 120, seed=11)
    db = tmp_path / "x.duckdb"
    proc = _start(db, tmp_path / "in")
    _wait_progress(proc, 20)
    workers = _worker_pids(proc.pid)
    assert workers, "no worker process found"
    os.kill(workers[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    end = [line for line in out.splitlines() if line.startswith("END")]
    assert end, err[-2000:]
    _, ingested, failed, interrupted = end[0].split()
    # the files in flight were retried in a fresh pool: all ingested, none failed
    assert (int(ingested), int(failed), interrupted) == (len(files), 0, "False")
    _check_complete(db, files)


def test_ctrl_c_commits_and_a_rerun_resumes(tmp_path):
    files = write_synthetic(tmp_path / "in", 400, seed=13)
    db = tmp_path / "x.duckdb"
    proc = _start(db, tmp_path / "in")
    _wait_progress(proc, 30)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    end = [line for line in out.splitlines() if line.startswith("END")]
    assert end and end[0].split()[3] == "True", err[-2000:]
    done = int(end[0].split()[1])
    assert 0 < done < len(files)
    con = connect(db)
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == done  # everything received was committed
    res = ingest(con, files, jobs=2)
    con.close()
    assert (res.duplicates, res.ingested) == (done, len(files) - done)
    _check_complete(db, files)
