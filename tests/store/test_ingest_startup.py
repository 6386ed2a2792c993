"""Issue 13 (ingest start-up): the fast paths of the ingest's fixed costs store what the plain forms store."""

from __future__ import annotations

import random
from pathlib import Path

from store_helpers import copy_seeds, store_rows, write_synthetic

from xxgk.layouts import layout_for

from xxgk.store import connect
from xxgk.store import ingest as ingest_mod
from xxgk.store.synth import random_cells, report_text


def _two_years(folder: Path, n: int) -> list[Path]:
    """``n`` agencies with a report for 2021 and 2022 each (cross-year pairs)."""
    rng = random.Random(5)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        previous = None
        for year in (2021, 2022):
            cells = random_cells(layout_for("2021"), rng, scale=20, previous=previous)
            previous = dict(cells)
            p = folder / f"a{i:03d}_{year}.txt"
            p.write_text(report_text(f"杭州市西湖区第{i}号财政局", year, cells, template="2021"), encoding="utf-8")
            out.append(p)
    return out


def test_the_end_on_one_thread_stores_what_the_parallel_end_stores(tmp_path, monkeypatch):
    """Below a row group of reports the grouping and the cube run on DuckDB's one thread;
    with every thread (the plain form) the rows are the same, cube included."""
    files = copy_seeds(tmp_path / "in") + write_synthetic(tmp_path / "in" / "gen", 40)
    one = connect(tmp_path / "one.duckdb")
    assert not ingest_mod._parallel_pays(one)  # an empty store: one thread
    ingest_mod.ingest(one, files, jobs=2)
    monkeypatch.setattr(ingest_mod, "_parallel_pays", lambda con: True)
    every = connect(tmp_path / "every.duckdb")
    every.execute("SET threads = 4")
    ingest_mod.ingest(every, files, jobs=2)
    assert every.execute("SELECT current_setting('threads')").fetchone()[0] == 4  # the setting is given back
    a, b = store_rows(one), store_rows(every)
    assert a["summary_cube"] and a["report_figures"] and len(a["reports"]) == 45
    for table in a:
        assert a[table] == b[table], table


def test_workers_are_started_for_what_the_files_are_worth(tmp_path):
    from xxgk.batch import MIN_POOL

    short = write_synthetic(tmp_path / "short", 2 * MIN_POOL + 1)
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-1.4\n")
    workers_for = ingest_mod.workers_for
    assert workers_for([], 2) == 1
    assert workers_for(short[:5], 2) == 1  # a handful of short texts: one worker
    assert workers_for(short[:MIN_POOL], 2) == 1 and workers_for(short[: MIN_POOL + 1], 2) == 2
    assert workers_for(short, 8) == 3 and workers_for(short, 2) == 2
    assert workers_for([big], 2) == 1 and workers_for([big, big], 2) == 2 and workers_for([big, *short[:1]], 4) == 2
    assert workers_for(short, 1) == 1


def test_a_few_files_on_one_worker_store_what_two_workers_store(tmp_path):
    files = copy_seeds(tmp_path / "in")
    planned = ingest_mod.LocalPool(2)
    a = connect(tmp_path / "planned.duckdb")
    res_a = ingest_mod.ingest(a, files, executor=planned)
    assert planned.jobs == 1  # five short texts: one worker started
    plain = ingest_mod.LocalPool(2)
    plain.plan = lambda files: None  # the plain form: every job gets a worker
    b = connect(tmp_path / "plain.duckdb")
    res_b = ingest_mod.ingest(b, files, executor=plain)
    assert plain.jobs == 2
    assert (res_a.ingested, res_a.cross_checked, res_a.severities) == (res_b.ingested, res_b.cross_checked, res_b.severities) and res_a.ingested == 5
    rows_a, rows_b = store_rows(a), store_rows(b)
    for table in rows_a:
        assert rows_a[table] == rows_b[table], table


def test_batches_are_small_only_at_the_tail():
    limits = ingest_mod.batch_limits
    assert limits(False, 5000, 1000, 2.0) == (1000, 2.0)  # files still to hand out
    assert limits(True, 2999, 1000, 2.0) == (1000, 2.0)  # all handed out (the queue holds them), most still to come
    assert limits(True, 1000, 1000, 2.0) == (250, 0.5)  # the tail: the batch after the workers finish is small
    assert limits(True, 0, 1, 2.0) == (1, 0.5)


def test_the_rows_do_not_depend_on_the_batches(tmp_path):
    """Batches of every size store the same rows (ids aside): one batch, batches of 7 with a tail of 1."""
    files = copy_seeds(tmp_path / "in") + write_synthetic(tmp_path / "in" / "gen", 40, seed=3) + _two_years(tmp_path / "in" / "pairs", 10)
    one = connect(tmp_path / "one.duckdb")
    first = ingest_mod.ingest(one, files, jobs=2, batch_size=100_000, batch_seconds=1e9)
    many = connect(tmp_path / "many.duckdb")
    res = ingest_mod.ingest(many, files, jobs=2, batch_size=7, batch_seconds=1e9)
    assert res.ingested == first.ingested == 65 and res.cross_checked == first.cross_checked == 10
    a, b = store_rows(one), store_rows(many)
    for table in a:
        assert a[table] == b[table], table


def test_closing_on_one_thread_writes_what_the_plain_close_writes(tmp_path):
    files = copy_seeds(tmp_path / "in") + _two_years(tmp_path / "in" / "pairs", 3)
    for name, close in (("one", ingest_mod.close_after), ("plain", lambda con: con.close())):
        con = connect(tmp_path / f"{name}.duckdb")
        con.execute("SET threads = 4")
        ingest_mod.ingest(con, files, jobs=1)
        close(con)
        assert not (tmp_path / f"{name}.duckdb.wal").exists()  # written out (checkpointed) on close
    a, b = connect(tmp_path / "one.duckdb", read_only=True), connect(tmp_path / "plain.duckdb", read_only=True)
    rows_a, rows_b = store_rows(a), store_rows(b)
    assert len(rows_a["reports"]) == 11 and rows_a["summary_cube"]
    for table in rows_a:
        assert rows_a[table] == rows_b[table], table


def test_a_run_without_pairs_never_loads_the_checker_in_the_writer(tmp_path):
    """The single-report checks run in the workers; the writer loads the checker only for a cross-year
    pair (or a report stored before the checker existed), and finds the same either way."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    code = (
        "import sys\n"
        "from xxgk.store import connect, ingest\n"
        "if __name__ == '__main__':\n"
        "    res = ingest(connect(sys.argv[1]), sys.argv[2:], jobs=1)\n"
        "    print(res.ingested, res.cross_checked, sum(res.severities.values()), 'xxgk.check' in sys.modules)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(repo / "src"))
    seeds = [str(p) for p in copy_seeds(tmp_path / "in")]
    pairs = [str(p) for p in _two_years(tmp_path / "pairs", 1)]
    alone = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.duckdb"), *seeds], capture_output=True, text=True, env=env, check=True)
    ingested, cross, findings, loaded = alone.stdout.split()
    assert (ingested, cross, loaded) == ("5", "0", "False") and int(findings) > 0  # the workers checked them
    both = subprocess.run([sys.executable, "-c", code, str(tmp_path / "b.duckdb"), *seeds, *pairs], capture_output=True, text=True, env=env, check=True)
    assert both.stdout.split()[1:2] == ["1"] and both.stdout.split()[3] == "True"


def test_the_writer_hashes_regular_files_only_and_never_blocks(tmp_path):
    import hashlib
    import os

    data = bytes(range(256)) * 5000  # more than one read
    (tmp_path / "a.txt").write_bytes(data)
    assert ingest_mod._hash(tmp_path / "a.txt") == ingest_mod._hash(str(tmp_path / "a.txt")) == hashlib.sha256(data).hexdigest()
    (tmp_path / "empty.txt").write_bytes(b"")
    assert ingest_mod._hash(tmp_path / "empty.txt") == hashlib.sha256(b"").hexdigest()
    assert ingest_mod._hash(tmp_path) is None  # a folder
    assert ingest_mod._hash(tmp_path / "missing.txt") is None
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.txt")
        assert ingest_mod._hash(tmp_path / "pipe.txt") is None  # a pipe with no writer: not waited for
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    assert ingest_mod._hash(tmp_path / "link.txt") == hashlib.sha256(data).hexdigest()


def _expand_plain(paths: list[Path]) -> list[Path]:
    """expand_paths as it was written first (the reference of the faster form)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                sorted(
                    q
                    for q in p.rglob("*")
                    if (q.is_file() or (q.is_symlink() and not q.exists())) and not any(part.startswith(".") for part in q.relative_to(p).parts)
                )
            )
        else:
            files.append(p)
    return files


def test_expanding_folders_finds_what_the_plain_form_finds_in_its_order(tmp_path, monkeypatch):
    from xxgk.cli_files import expand_paths

    root = tmp_path / "in"
    for rel in ("a-b/x.txt", "a/b.txt", "a/b/c.txt", "a b/d.txt", "A/e.txt", "z.txt", "a.b/f.txt", ".hidden/g.txt",
                "a/.h.txt", "a/b/.git/h.txt", "年报/2024.txt", "年报/2023 更正.txt", "10/x.txt", "9/x.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    (root / "loop").symlink_to(root / "loop")
    (root / "a" / "link_dir").symlink_to(root / "年报")
    (root / "a" / "link.txt").symlink_to(root / "z.txt")
    for given in ([root], [root / "a"], [root, root / "z.txt"], [Path(str(root) + "/")]):
        assert expand_paths(given) == _expand_plain(given), given
    monkeypatch.chdir(tmp_path)
    assert expand_paths([Path("in")]) == _expand_plain([Path("in")]) and len(expand_paths([Path("in")])) == 14  # 11 files, two links that lead nowhere, a link to a file
