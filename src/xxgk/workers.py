"""Budgeted worker processes: one file never stalls or sinks a batch.

:class:`BudgetPool` runs tasks (a module-level function and its arguments) in
worker processes started with ``spawn``, one task per worker at a time, and
hands back :class:`concurrent.futures.Future` objects:

* every task has a **time and memory budget** (:class:`Budget`, 60 s and
  1 GiB of resident memory by default).  A supervising thread watches each
  busy worker's CPU time and resident memory (``/proc``); the worker that
  goes over is killed and replaced, and the task's future fails with
  :class:`OverBudget` (``超出时间限制 60 秒`` / ``超出内存限制 1024 MB``).
  Time is the worker's CPU time, so that a machine busy with other work does
  not fail a file; a task that hangs without using the CPU is stopped after
  :data:`WALL_FACTOR` times its budget of wall-clock time.
  A worker also carries an address-space limit well above the budget as a
  backstop, so that one huge allocation fails inside it (``MemoryError``)
  instead of exhausting the machine between two looks;
* a worker that dies on its own (segfault, OOM killer, ``kill -9``) fails
  only the task it was running, with :class:`WorkerDied`; a fresh worker
  takes its place;
* **workers die with their parent**: on Linux each worker asks the kernel
  for ``SIGKILL`` when its parent goes (``PR_SET_PDEATHSIG``), and every
  worker also watches its parent's pid once a second, so a ``kill -9`` of
  the parent never leaves orphans working on.

The pool knows which task each worker runs, so a file that crashes or
exhausts its worker is named exactly; no retry-to-find-the-culprit is needed.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Future

# multiprocessing, concurrent.futures and ctypes are imported where a pool starts: a one-file
# parse in this process imports this module for its budget and errors only.

DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 1024


@dataclass(frozen=True)
class Budget:
    """What one task may use: wall-clock seconds and resident memory (MB)."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB

    @property
    def memory(self) -> int:
        return int(self.memory_mb) << 20


class OverBudget(Exception):
    """A task went over its time or memory budget; its worker was replaced."""

    def __init__(self, kind: str, budget: Budget):
        self.kind = kind  # "time" | "memory"
        self.budget = budget
        super().__init__(self.message("en"))

    def __reduce__(self):
        return (OverBudget, (self.kind, self.budget))

    def message(self, lang: str = "zh") -> str:
        secs = f"{self.budget.seconds:g}"
        if self.kind == "time":
            return f"time limit of {secs} s exceeded" if lang == "en" else f"超出时间限制 {secs} 秒"
        mb = self.budget.memory_mb
        return f"memory limit of {mb} MB exceeded" if lang == "en" else f"超出内存限制 {mb} MB"


class WorkerDied(Exception):
    """The worker running a task died (a crash of a parsing component, a kill)."""


class WorkersCannotStart(RuntimeError):
    """Fresh workers die before they are ready (e.g. a script without a ``__main__`` guard)."""


# ------------------------------------------------------------------ worker side

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent dies (Linux), and watch the parent's pid everywhere."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="xxgk-parent-watch", daemon=True).start()


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _backstop(memory: int) -> None:
    """An address-space limit far above the budget: a single huge allocation fails here, not in the machine."""
    try:
        import resource
    except ImportError:  # not on this system
        return
    base = _vm_size()
    if not base:
        return
    limit = base + 2 * memory + (1 << 30)
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def _worker_main(conn, parent: int, warm: tuple[str, ...], memory: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    _die_with_parent(parent)
    for name in warm:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the task itself will report a broken import
            pass
    _backstop(memory)
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        func, args = msg
        try:
            result = ("ok", func(*args))
        except MemoryError:
            conn.send(("memory", None))
            os._exit(3)  # a worker that ran out of memory is not reused
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            result = ("err", e)
        try:
            conn.send(result)
        except MemoryError:
            conn.send(("memory", None))
            os._exit(3)
        except Exception as e:  # noqa: BLE001 - a result or error that does not pickle
            conn.send(("err", RuntimeError(f"{type(e).__name__}: {e}")))


# ------------------------------------------------------------------ parent side


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
WALL_FACTOR = 5  # a task that hangs without using the CPU is stopped after this many times its budget


def _cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) a process has used."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, ValueError, IndexError):
        return 0.0


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class _Worker:
    def __init__(self, ctx, warm: tuple[str, ...], memory: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, os.getpid(), warm, memory), daemon=True, name="xxgk-worker")
        self.proc.start()
        child.close()
        self.ready = False
        self.task: tuple[Future, float] | None = None  # (future, wall-clock deadline)
        self.cpu0 = 0.0  # the worker's CPU seconds when its task began
        self.peak = 0

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, ValueError):
            pass
        self.proc.join(5)
        try:
            self.conn.close()
        except OSError:
            pass


class BudgetPool:
    """Worker processes with a per-task time and memory budget (see the module doc)."""

    def __init__(self, jobs: int = 2, budget: Budget | None = None, warm: tuple[str, ...] = (), poll: float = 0.05, eager: bool = False):
        self.jobs = max(1, int(jobs))
        self.budget = budget or Budget()
        self.warm = tuple(warm)
        self.poll = poll
        self.eager = eager  # start the workers now (their imports overlap the caller's), not at the first task
        import multiprocessing

        self._ctx = multiprocessing.get_context("spawn")  # never fork a process that holds DuckDB threads
        self._queue: deque[tuple[Future, object, tuple]] = deque()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._closing = False
        self._cancel = False
        self._workers: list[_Worker] = []
        self.replaced = 0  # workers killed or dead and replaced
        self._start_failures = 0
        self._thread = threading.Thread(target=self._supervise, name="xxgk-pool", daemon=True)
        self._thread.start()

    # -------------------------------------------------------------- public

    def submit(self, func, *args) -> Future:
        from concurrent.futures import Future

        fut: Future = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the pool is shut down")
            self._queue.append((fut, func, args))
        self._poke()
        return fut

    def worker_pids(self) -> list[int]:
        return [w.proc.pid for w in list(self._workers) if w.proc.pid]

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closing = True
            if cancel_futures or not wait:
                self._cancel = True
                while self._queue:
                    self._queue.popleft()[0].cancel()
        self._poke()
        if wait or cancel_futures:
            self._thread.join()

    def __enter__(self) -> "BudgetPool":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown(wait=exc[0] is None, cancel_futures=exc[0] is not None)

    # -------------------------------------------------------------- supervisor

    def _poke(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except (BlockingIOError, OSError):
            pass

    def _supervise(self) -> None:
        try:
            self._loop()
        except BaseException as e:  # noqa: BLE001 - never leave a caller waiting forever
            self._fail_all(e if isinstance(e, Exception) else RuntimeError(str(e)))
        finally:
            for w in self._workers:
                try:
                    w.conn.send(None)
                except (OSError, ValueError):
                    pass
            for w in self._workers:
                w.proc.join(2)
                if w.proc.is_alive():
                    w.kill()
            self._workers.clear()
            for fd in (self._wake_r, self._wake_w):
                try:
                    os.close(fd)
                except OSError:
                    pass

    def _fail_all(self, e: Exception) -> None:
        with self._lock:
            pending = [q[0] for q in self._queue]
            self._queue.clear()
        for w in self._workers:
            if w.task:
                pending.append(w.task[0])
                w.task = None
        for fut in pending:
            if not fut.done():
                fut.set_exception(e)

    def _busy(self) -> bool:
        return any(w.task for w in self._workers)

    def _loop(self) -> None:
        from multiprocessing.connection import wait as _wait_any

        while True:
            with self._lock:
                closing, cancel, queued = self._closing, self._cancel, bool(self._queue)
            if cancel or (closing and not queued and not self._busy()):
                if cancel:
                    for w in self._workers:
                        if w.task and not w.task[0].done():
                            w.task[0].cancel() or w.task[0].set_exception(RuntimeError("the pool was shut down"))
                        w.kill()
                    self._workers.clear()
                return
            if queued or self.eager or self._busy():
                while len(self._workers) < self.jobs:
                    self._workers.append(_Worker(self._ctx, self.warm, self.budget.memory))
            self._dispatch()
            conns = {w.conn: w for w in self._workers}
            sentinels = {w.proc.sentinel: w for w in self._workers}
            ready = _wait_any([*conns, *sentinels, self._wake_r], timeout=self.poll)
            if self._wake_r in ready:
                try:
                    os.read(self._wake_r, 4096)
                except OSError:
                    pass
            for obj in ready:
                if obj in conns:
                    self._receive(conns[obj])
            for obj in ready:
                w = sentinels.get(obj)
                if w is not None and w in self._workers and not w.proc.is_alive():
                    self._died(w)
            self._watch()

    def _dispatch(self) -> None:
        for w in self._workers:
            if not w.ready or w.task is not None:
                continue
            while True:
                with self._lock:
                    if not self._queue:
                        return
                    fut, func, args = self._queue.popleft()
                if fut.running() or fut.set_running_or_notify_cancel():
                    break
            try:
                w.conn.send((func, args))
            except (BrokenPipeError, OSError):  # the worker is gone: the task waits for the next one
                with self._lock:
                    self._queue.appendleft((fut, func, args))
                continue
            except Exception as e:  # noqa: BLE001 - e.g. arguments that do not pickle
                fut.set_exception(e)
                continue
            w.task = (fut, time.monotonic() + WALL_FACTOR * self.budget.seconds)
            w.cpu0 = _cpu(w.proc.pid)
            w.peak = 0

    def _receive(self, w: _Worker) -> None:
        try:
            kind, value = w.conn.recv()
        except (EOFError, OSError):
            self._died(w)
            return
        if kind == "ready":
            w.ready = True
            self._start_failures = 0
            return
        fut = w.task[0] if w.task else None
        w.task = None
        if fut is None:
            return
        if kind == "ok":
            fut.set_result(value)
        elif kind == "memory":
            fut.set_exception(OverBudget("memory", self.budget))
            self._replace(w)
        else:
            fut.set_exception(value)
        self._dispatch()

    def _died(self, w: _Worker) -> None:
        if w not in self._workers:
            return
        if not w.ready:
            self._start_failures += 1
        if w.task:
            fut = w.task[0]
            w.task = None
            if w.peak > 0.8 * self.budget.memory:  # killed by the system while near its budget
                fut.set_exception(OverBudget("memory", self.budget))
            else:
                fut.set_exception(WorkerDied(f"the worker process died (exit {w.proc.exitcode})"))
        self._replace(w)
        if self._start_failures >= 3:
            raise WorkersCannotStart("worker processes die on start")

    def _replace(self, w: _Worker) -> None:
        w.kill()
        if w in self._workers:
            self._workers.remove(w)
            self.replaced += 1

    def _watch(self) -> None:
        now = time.monotonic()
        for w in list(self._workers):
            if not w.task:
                continue
            fut, deadline = w.task
            rss = _rss(w.proc.pid)
            w.peak = max(w.peak, rss)
            slow = _cpu(w.proc.pid) - w.cpu0 > self.budget.seconds or now > deadline
            over = "time" if slow else "memory" if rss > self.budget.memory else None
            if over:
                w.task = None
                self._replace(w)
                fut.set_exception(OverBudget(over, self.budget))
