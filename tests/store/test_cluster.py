"""`xxgk ingest --cluster`: parsing on a real Dask cluster (scheduler and worker processes on loopback).

The cluster path must store exactly the rows local ingest stores, survive a
worker killed mid-batch (its tasks run again elsewhere, nothing twice) and
resume after the ingesting process itself is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import seed_files, write_synthetic

from conftest import CORPUS
from xxgk.store import connect
from xxgk.store.ingest import ingest

distributed = pytest.importorskip("distributed")

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def cluster():
    """A scheduler and two single-threaded worker processes (each under its nanny, which restarts it when killed)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1") as c:
        yield c


def _pool(cluster):
    from xxgk.store.cluster import DaskPool

    return DaskPool(cluster.scheduler_address)


def store_rows(con) -> dict[str, list]:
    """Every table's rows with report ids replaced by the file's hash and run-dependent columns left out."""
    sha = "(SELECT sha256 FROM reports x WHERE x.id = {})"
    wide_cols = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'report_cells' AND column_name <> 'report_id'").fetchall()]
    queries = {
        "reports": "SELECT * EXCLUDE (id, agency_id, parsed_at, source_path), regexp_replace(source_path, '^.*/', '') FROM reports",
        "cells": f"SELECT {sha.format('c.report_id')}, c.* EXCLUDE (report_id) FROM cells c",
        "sections": f"SELECT {sha.format('s.report_id')}, s.* EXCLUDE (report_id) FROM sections s",
        "findings": f"SELECT {sha.format('f.report_id')}, {sha.format('f.previous_id')}, f.* EXCLUDE (report_id, previous_id) FROM findings f",
        "report_cells": f"SELECT {sha.format('w.report_id')}, " + ", ".join(f'w."{c}"' for c in wide_cols) + " FROM report_cells w",
        "agencies": "SELECT * EXCLUDE (id, created_at) FROM agencies",
        "cross_checks": f"SELECT {sha.format('x.report_id')}, {sha.format('x.previous_id')} FROM cross_checks x",
    }
    return {name: sorted(con.execute(q).fetchall(), key=repr) for name, q in queries.items()}


def _same_as_local(tmp_path, files, cluster):
    local = connect(tmp_path / "local.duckdb")
    res_local = ingest(local, files, jobs=2)
    remote = connect(tmp_path / "cluster.duckdb")
    res_remote = ingest(remote, files, executor=_pool(cluster))
    assert (res_remote.ingested, len(res_remote.failed), res_remote.duplicates) == (res_local.ingested, len(res_local.failed), res_local.duplicates)
    a, b = store_rows(local), store_rows(remote)
    for table in a:
        assert a[table] == b[table], table
    return a


def test_cluster_stores_the_seeds_as_local_ingest_does(tmp_path, cluster):
    rows = _same_as_local(tmp_path, seed_files(), cluster)
    assert len(rows["reports"]) == 5 and len(rows["cells"]) > 800 and rows["findings"]


def _scanned(p: Path) -> bool:
    """A scan (no text layer): OCR takes a minute or more a page on a busy machine — left out of the comparison."""
    data = p.read_bytes()[:8]
    if not data.startswith(b"%PDF"):
        return data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*"))
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(p))
    try:
        return not any(doc[i].get_textpage().get_text_range().strip() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.mark.slow
def test_cluster_stores_the_corpus_as_local_ingest_does(tmp_path, cluster):
    raw = CORPUS / "raw"
    if not raw.is_dir():
        pytest.skip(f"corpus {raw} not present")
    files = sorted(p for p in raw.iterdir() if p.is_file() and not _scanned(p))
    rows = _same_as_local(tmp_path, files, cluster)
    assert len(rows["reports"]) == len(files)


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(tmp_path, cluster):
    files = write_synthetic(tmp_path / "in", 160)
    pool = _pool(cluster)
    pids = pool.client.run(os.getpid)  # the worker processes
    victim = sorted(pids.values())[0]
    killed = []

    def kill_at(done: int, total: int) -> None:
        if done >= 30 and not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(done)

    con = connect(tmp_path / "x.duckdb")
    res = ingest(con, files, executor=pool, progress=kill_at, batch_size=20)
    assert killed and killed[0] < len(files)
    assert res.ingested == len(files) and not res.failed and res.duplicates == 0
    n, distinct, wide = con.execute("SELECT count(*), count(DISTINCT sha256), (SELECT count(*) FROM report_cells) FROM reports").fetchone()
    assert n == distinct == wide == len(files)
    assert con.execute("SELECT count(*) FROM (SELECT report_id, key FROM cells GROUP BY ALL HAVING count(*) > 1)").fetchone()[0] == 0


CHILD = """
import sys
from pathlib import Path
from xxgk.store import connect
from xxgk.store.cluster import DaskPool
from xxgk.store.ingest import ingest
con = connect(sys.argv[1])
files = sorted(Path(sys.argv[2]).glob("*.txt"))
res = ingest(con, files, executor=DaskPool(sys.argv[3]), batch_size=15, batch_seconds=0.3, progress=lambda done, total: print(done, flush=True))
print("END", res.ingested, flush=True)
"""


def test_killed_ingest_resumes_on_the_cluster(tmp_path, cluster):
    files = write_synthetic(tmp_path / "in", 200, seed=11)
    db = tmp_path / "x.duckdb"
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(tmp_path / "in"), cluster.scheduler_address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    for line in proc.stdout:
        if line.startswith("END"):
            pytest.fail("the ingest finished before it could be killed")
        if int(line) >= 60:
            break
    proc.kill()  # the ingesting process (the cluster's client and the store's writer), mid-run
    proc.wait()
    con = connect(db)
    committed = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert 0 < committed < len(files)
    res = ingest(con, files, executor=_pool(cluster))
    assert res.duplicates == committed and res.ingested == len(files) - committed and not res.failed
    n, distinct, wide = con.execute("SELECT count(*), count(DISTINCT sha256), (SELECT count(*) FROM report_cells) FROM reports").fetchone()
    assert n == distinct == wide == len(files)


def test_cli_says_in_one_line_when_the_cluster_cannot_be_reached(tmp_path):
    seed = seed_files()[0]
    env = dict(os.environ, PYTHONPATH=str(SRC), DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
    proc = subprocess.run(
        [sys.executable, "-m", "xxgk", "ingest", str(seed), "--db", str(tmp_path / "x.duckdb"), "--cluster", "tcp://127.0.0.1:9", "--lang", "en"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 2
    assert "cannot reach the Dask cluster" in proc.stderr and "Traceback" not in proc.stderr
