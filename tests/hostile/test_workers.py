"""The budgeted worker pool (xxgk.workers) with real processes: over-budget tasks are
stopped and their worker replaced, a crash fails only its task, and workers die with
their parent — also under ``kill -9`` of an ``xxgk ingest``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import worker_tasks as t
from hostile_inputs import SEEDS, big_text

from xxgk.workers import Budget, BudgetPool, OverBudget, WorkerDied

SRC = Path(__file__).resolve().parents[2] / "src"
HERE = Path(__file__).resolve().parent


def test_over_budget_tasks_are_stopped_and_the_pool_goes_on():
    with BudgetPool(2, Budget(seconds=1.0, memory_mb=200)) as pool:
        slow, spinning, crash, bad = pool.submit(t.sleep, 60), pool.submit(t.spin, 60), pool.submit(t.crash), pool.submit(t.fail)
        fine = [pool.submit(t.echo, i) for i in range(20)]
        for fut in (slow, spinning):
            with pytest.raises(OverBudget) as e:
                fut.result(timeout=60)
            assert e.value.kind == "time"
        assert "超出时间限制 1 秒" == OverBudget("time", pool.budget).message()
        with pytest.raises(WorkerDied):
            crash.result(timeout=60)
        with pytest.raises(ValueError, match="own error"):
            bad.result(timeout=60)
        assert [f.result(timeout=60) for f in fine] == list(range(20))
        assert pool.replaced >= 3  # two timed out, one crashed


def test_a_task_over_its_memory_budget_is_stopped():
    with BudgetPool(1, Budget(seconds=120, memory_mb=200)) as pool:
        with pytest.raises(OverBudget) as e:
            pool.submit(t.grow, 4000).result(timeout=120)
        assert e.value.kind == "memory" and e.value.message() == "超出内存限制 200 MB"
        assert pool.submit(t.echo, "next").result(timeout=60) == "next"


def test_one_huge_allocation_fails_inside_the_worker():
    with BudgetPool(1, Budget(seconds=30, memory_mb=200)) as pool:
        with pytest.raises(OverBudget) as e:
            pool.submit(t.huge_allocation).result(timeout=60)
        assert e.value.kind == "memory"
        assert pool.submit(t.echo, "next").result(timeout=60) == "next"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _children(parent: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == parent:
                out.append(int(d))
    return out


def _wait_gone(pids: list[int], seconds: float = 10.0) -> list[int]:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        left = [p for p in pids if _alive(p)]
        if not left:
            return []
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def test_workers_die_when_their_parent_is_killed(tmp_path):
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); import worker_tasks as t\n"
        "from xxgk.workers import BudgetPool\n"
        "if __name__ == '__main__':\n"
        "    pool = BudgetPool(2)\n"
        "    futs = [pool.submit(t.spin, 600), pool.submit(t.sleep, 600)]\n"
        "    print('busy', flush=True)\n"
        "    time.sleep(600)\n"
    )
    script = tmp_path / "parent.py"
    script.write_text(code, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(HERE)], stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(SRC)))
    try:
        assert proc.stdout.readline().strip() == "busy"
        end = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 and time.monotonic() < end:
            time.sleep(0.1)
        workers = _children(proc.pid)
        assert len(workers) >= 2
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, not its process group
        proc.wait()
        assert _wait_gone(workers) == []
    finally:
        if proc.poll() is None:
            proc.kill()


def test_kill_9_of_an_ingest_leaves_no_worker_behind(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        big_text(folder / f"slow{i}.txt", 3)  # keeps both workers busy for seconds
    for p in sorted(SEEDS.glob("*.txt")):
        (folder / p.name).write_bytes(p.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "xxgk.cli", "ingest", str(folder), "--db", str(tmp_path / "x.duckdb"), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(SRC)))
    try:
        end = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < end:
            workers = [p for p in _children(proc.pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
            if len(workers) >= 2:
                break
            time.sleep(0.1)
        assert len(workers) >= 2, "the ingest started no workers"
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _wait_gone(workers) == []
    finally:
        if proc.poll() is None:
            proc.kill()


def test_small_tasks_go_several_to_a_message_and_each_keeps_its_own_budget():
    with BudgetPool(2, Budget(seconds=1.0, memory_mb=200)) as pool:
        quick = [pool.submit_small(t.echo, i) for i in range(400)]
        assert [f.result(timeout=60) for f in quick] == list(range(400))
        assert pool.messages < 200  # queued behind the running task, a few at a time
        # queued behind each other, 0.4 s of CPU each: the budget (1 s) is each task's, not the batch's
        spins = [pool.submit_small(t.spin, 0.4) for _ in range(8)]
        assert all(f.result(timeout=120) > 0 for f in spins)
        assert pool.replaced == 0


def test_tasks_queued_behind_a_killed_one_run_on_and_only_it_fails():
    with BudgetPool(2, Budget(seconds=1.0, memory_mb=200)) as pool:
        assert [f.result(timeout=60) for f in [pool.submit_small(t.echo, i) for i in range(200)]] == list(range(200))
        # small tasks have been timed: the next ones are sent several to a worker, the crash and the
        # endless task among them
        futs = [pool.submit_small(t.crash) if i == 30 else pool.submit_small(t.spin, 60) if i == 60 else pool.submit_small(t.echo, i) for i in range(200)]
        with pytest.raises(WorkerDied):
            futs[30].result(timeout=60)
        with pytest.raises(OverBudget):
            futs[60].result(timeout=60)
        assert [f.result(timeout=60) for i, f in enumerate(futs) if i not in (30, 60)] == [i for i in range(200) if i not in (30, 60)]
        assert pool.replaced == 2


def test_a_big_task_is_never_queued_behind_another():
    """Only tasks submitted as small wait in a busy worker: a big one goes to a worker with nothing to do."""
    with BudgetPool(2, Budget(seconds=30, memory_mb=200)) as pool:
        assert [f.result(timeout=60) for f in [pool.submit_small(t.echo, i) for i in range(100)]] == list(range(100))
        long = pool.submit(t.sleep, 3)
        time.sleep(0.5)  # it runs in one worker
        quick = [pool.submit(t.pid) for _ in range(6)]  # big tasks: each waits for a free worker
        pids = {f.result(timeout=60) for f in quick}
        assert not long.done() and len(pids) == 1  # all ran in the free worker, none waited behind the sleep
        assert long.result(timeout=60) == 3


def test_a_task_given_to_a_pool_whose_workers_cannot_start_fails_at_once(tmp_path, monkeypatch):
    """An eagerly started pool whose workers die on start stops its supervisor before any task is
    given; a task submitted after that fails with WorkersCannotStart instead of waiting forever."""
    import sys

    from xxgk.workers import BudgetPool, WorkersCannotStart

    (tmp_path / "xxgk_test_dies_on_import.py").write_text("import os\nos._exit(3)\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])  # the spawned workers get this path
    pool = BudgetPool(1, warm=("xxgk_test_dies_on_import",), eager=True)
    try:
        pool._thread.join(120)
        assert not pool._thread.is_alive()
        fut = pool.submit(os.getpid)
        with pytest.raises(WorkersCannotStart):
            fut.result(timeout=10)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
