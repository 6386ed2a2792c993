"""Budgeted worker processes: one file never stalls or sinks a batch.

:class:`BudgetPool` runs tasks (a module-level function and its arguments) in
worker processes started with ``spawn``, each worker running one task at a
time (small tasks are sent to it a few at a time, queued behind the one it
runs), and hands back :class:`concurrent.futures.Future` objects:

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

The pool knows which task each worker runs (each worker answers its tasks in
order, and says its CPU time with every answer), so a file that crashes or
exhausts its worker is named exactly; no retry-to-find-the-culprit is needed.
The tasks queued behind it go back to the queue and run in a fresh worker.
"""

from __future__ import annotations

import importlib
import itertools
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
    from .allocator import keep_freed_memory

    keep_freed_memory()
    for name in warm:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the task itself will report a broken import
            pass
    _backstop(memory)
    cpu = time.process_time  # this process's CPU seconds, all threads (the clock /proc reports)
    conn.send(("ready", None, cpu()))
    tasks: deque = deque()
    while True:
        if not tasks:  # a message is a list of (func, args): the tasks queued for this worker
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return
            if msg is None:
                return
            tasks.extend(msg)
        func, args = tasks.popleft()
        try:
            result = ("ok", func(*args), cpu())
        except MemoryError:
            conn.send(("memory", None, cpu()))
            os._exit(3)  # a worker that ran out of memory is not reused
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            result = ("err", e, cpu())
        try:
            conn.send(result)
        except MemoryError:
            conn.send(("memory", None, cpu()))
            os._exit(3)
        except Exception as e:  # noqa: BLE001 - a result or error that does not pickle
            conn.send(("err", RuntimeError(f"{type(e).__name__}: {e}"), cpu()))


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


PREFETCH_SECONDS = 0.05  # a worker holds about this much work queued behind its current task
PREFETCH_MAX = 32  # tasks queued to one worker at most
PREFETCH_BYTES = 32 << 10  # task messages waiting unread in a busy worker's pipe at most (far below its buffer)


_SERIAL = itertools.count()


class _Worker:
    def __init__(self, ctx, warm: tuple[str, ...], memory: int):
        self.serial = next(_SERIAL)  # tells a replacement from the worker it replaced (ids and fds are reused)
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, os.getpid(), warm, memory), daemon=True, name="xxgk-worker")
        self.proc.start()
        child.close()
        self.ready = False
        # the tasks sent to this worker, in the order it runs them: the first is running, the rest wait
        # in its pipe or its own queue — (future, func, args, small, bytes of its share of the message)
        self.tasks: deque[tuple[Future, object, tuple, bool, int]] = deque()
        self.unread = 0  # bytes of task messages sent and not all answered yet
        self.deadline = 0.0  # wall-clock deadline of the running task
        self.started = 0.0  # when the running task began (as far as this process can tell)
        self.cpu0 = 0.0  # the worker's CPU seconds when its running task began
        self.cpu = 0.0  # the worker's CPU seconds at its last message
        self.peak = 0

    def begin(self, now: float, wall: float) -> None:
        """The first of ``tasks`` starts now (the worker says its CPU time with every message)."""
        self.started = now
        self.deadline = now + wall
        self.cpu0 = self.cpu
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
    """Worker processes with a per-task time and memory budget (see the module doc).

    Small tasks (:meth:`submit_small`) are sent a few at a time: a worker gets the
    next ones queued behind its current task (about :data:`PREFETCH_SECONDS` of work,
    judged from the tasks done so far), so it never waits for this process between
    two of them.  Each task
    still has its own budget, measured from the moment the one before it finished;
    when a worker is killed or dies, only its running task fails and the tasks
    queued behind it go back to the queue, in order."""

    def __init__(self, jobs: int = 2, budget: Budget | None = None, warm: tuple[str, ...] = (), poll: float = 0.05, eager: bool = False):
        self.jobs = max(1, int(jobs))
        self.budget = budget or Budget()
        self.warm = tuple(warm)
        self.poll = poll
        self.eager = eager  # start the workers now (their imports overlap the caller's), not at the first task
        import multiprocessing

        self._ctx = multiprocessing.get_context("spawn")  # never fork a process that holds DuckDB threads
        self._queue: deque[tuple[Future, object, tuple, bool]] = deque()  # (future, func, args, small)
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._closing = False
        self._cancel = False
        self._error: Exception | None = None  # why the supervisor stopped, if it did
        self._workers: list[_Worker] = []
        self.replaced = 0  # workers killed or dead and replaced
        self.messages = 0  # task messages sent to workers (several tasks a message when tasks are small)
        self._start_failures = 0
        self._mean = None  # running mean of a task's wall time (seconds), for the prefetch depth
        self._watched = 0.0
        import select

        # POSIX: one poll object over the workers' pipes and sentinels (None: multiprocessing's wait, e.g. on Windows)
        self._poller = select.poll() if os.name == "posix" and hasattr(select, "poll") else None
        self._poll_key: tuple | None = None
        self._fds: dict = {}
        self._thread = threading.Thread(target=self._supervise, name="xxgk-pool", daemon=True)
        self._thread.start()

    # -------------------------------------------------------------- public

    def submit(self, func, *args) -> Future:
        """Run ``func(*args)`` in a worker that has nothing else to do."""
        return self._submit(func, args, False)

    def submit_small(self, func, *args) -> Future:
        """Like :meth:`submit`, for a task the caller knows to be small (a short text file): it may be
        queued behind a worker's running task.  Only small tasks are: a worker never holds big
        ones another worker could have started."""
        return self._submit(func, args, True)

    def _submit(self, func, args: tuple, small: bool) -> Future:
        from concurrent.futures import Future

        fut: Future = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the pool is shut down")
            if self._error is not None:  # the supervisor has stopped (workers that cannot start): fail at once, never wait
                fut.set_exception(self._error)
                return fut
            self._queue.append((fut, func, args, small))
            first = len(self._queue) == 1
        if first:  # a queue that held tasks already is read at the next answer of a worker (or the next poll)
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
            err = e if isinstance(e, Exception) else RuntimeError(str(e))
            with self._lock:
                self._error = err  # tasks submitted from now on fail with it (an eager pool may fail before the first task)
            self._fail_all(err)
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
            pending.extend(t[0] for t in w.tasks)
            w.tasks.clear()
        for fut in pending:
            if not fut.done():
                fut.set_exception(e)

    def _busy(self) -> bool:
        return any(w.tasks for w in self._workers)

    def _ready(self, timeout: float) -> tuple[list, list[_Worker], list[_Worker]]:
        """(wake-up, workers with messages, workers whose process ended) within ``timeout`` seconds.

        On POSIX one ``poll`` object, made again only when the workers change (``multiprocessing``'s
        ``wait`` builds a selector and registers every handle at each call: ≈ 0.1 ms a result)."""
        if self._poller is None:
            from multiprocessing.connection import wait as _wait_any

            conns = {w.conn: w for w in self._workers}
            sentinels = {w.proc.sentinel: w for w in self._workers}
            ready = _wait_any([*conns, *sentinels, self._wake_r], timeout=timeout)
            return (
                [self._wake_r] if self._wake_r in ready else [],
                [conns[o] for o in ready if o in conns],
                [sentinels[o] for o in ready if o in sentinels],
            )
        import select

        key = tuple(w.serial for w in self._workers)
        if key != self._poll_key:
            poller = select.poll()
            fds: dict[int, tuple[bool, _Worker | None]] = {self._wake_r: (False, None)}
            poller.register(self._wake_r, select.POLLIN)
            for w in self._workers:
                for fd, is_conn in ((w.conn.fileno(), True), (w.proc.sentinel, False)):
                    fds[fd] = (is_conn, w)
                    poller.register(fd, select.POLLIN)
            self._poller, self._fds, self._poll_key = poller, fds, key
        wake, msgs, ended = [], [], []
        for fd, _ in self._poller.poll(max(0, int(timeout * 1000))):
            is_conn, w = self._fds.get(fd, (False, None))
            if w is None:
                wake.append(fd)
            elif is_conn:
                msgs.append(w)
            else:
                ended.append(w)
        return wake, msgs, ended

    def _loop(self) -> None:
        while True:
            with self._lock:
                closing, cancel, queued = self._closing, self._cancel, bool(self._queue)
            if cancel or (closing and not queued and not self._busy()):
                if cancel:
                    for w in self._workers:
                        for fut, *_ in w.tasks:
                            if not fut.done():
                                fut.cancel() or fut.set_exception(RuntimeError("the pool was shut down"))
                        w.tasks.clear()
                        w.kill()
                    self._workers.clear()
                return
            if queued or self.eager or self._busy():
                while len(self._workers) < self.jobs:
                    self._workers.append(_Worker(self._ctx, self.warm, self.budget.memory))
            self._dispatch()
            wake, msgs, ended = self._ready(self.poll)
            if wake:
                try:
                    os.read(self._wake_r, 4096)
                except OSError:
                    pass
            for w in msgs:
                if w in self._workers:
                    self._drain(w)
            for w in ended:
                if w in self._workers and not w.proc.is_alive():
                    self._died(w)
            self._watch()

    def _depth(self) -> int:
        """How many small tasks a worker holds at most: one until a small task has been timed."""
        if self._mean is None:
            return 1
        return max(1, min(PREFETCH_MAX, int(PREFETCH_SECONDS / max(self._mean, 1e-4))))

    def _dispatch(self) -> None:
        depth = self._depth()
        for w in self._workers:
            if not w.ready:
                continue
            busy = bool(w.tasks)
            if busy and len(w.tasks) > depth // 2:  # topped up in batches, not one task at a time
                continue
            batch: list[tuple[Future, object, tuple, bool]] = []
            with self._lock:
                while self._queue and len(w.tasks) + len(batch) < depth:
                    if (busy or batch) and not self._queue[0][3]:  # only small tasks wait behind another
                        break
                    item = self._queue.popleft()
                    if item[0].running() or item[0].set_running_or_notify_cancel():
                        batch.append(item)
            if not batch:
                continue
            try:
                payload = _dumps([(func, args) for _, func, args, _ in batch])
            except Exception as e:  # noqa: BLE001 - e.g. arguments that do not pickle: those tasks fail alone
                self._send_one_by_one(w, batch, e)
                continue
            if busy and w.unread + len(payload) > PREFETCH_BYTES:  # large arguments wait until the worker reads
                self._requeue(batch)
                continue
            try:
                w.conn.send_bytes(payload)
            except (BrokenPipeError, OSError):  # the worker is gone: the tasks wait for the next one
                self._requeue(batch)
                continue
            self.messages += 1
            share = len(payload) // len(batch)
            w.unread += share * len(batch)
            w.tasks.extend((fut, func, args, small, share) for fut, func, args, small in batch)
            if not busy:
                w.begin(time.monotonic(), WALL_FACTOR * self.budget.seconds)

    def _send_one_by_one(self, w: _Worker, batch: list, first_error: Exception) -> None:
        """A batch that does not pickle: the tasks that do go back to the queue, the others fail."""
        keep = []
        for item in batch:
            try:
                _dumps([item[1:3]])
            except Exception as e:  # noqa: BLE001
                item[0].set_exception(e)
                continue
            keep.append(item)
        self._requeue(keep)

    def _requeue(self, batch) -> None:
        with self._lock:
            for item in reversed(batch):
                self._queue.appendleft(tuple(item[:4]))

    def _drain(self, w: _Worker, most: int = 64) -> None:
        """The worker's messages that are waiting, all in one wake-up (results come faster than wake-ups);
        then the workers get their next tasks."""
        try:
            for _ in range(most):
                self._receive(w)
                try:
                    if w not in self._workers or not _readable(w.conn):
                        return
                except (OSError, ValueError):  # closed: the worker was replaced
                    return
        finally:
            self._dispatch()

    def _receive(self, w: _Worker) -> None:
        try:
            kind, value, cpu = w.conn.recv()
        except (EOFError, OSError):
            self._died(w)
            return
        w.cpu = cpu
        if kind == "ready":
            w.ready = True
            self._start_failures = 0
            return
        if not w.tasks:
            return
        fut, _, _, small, share = w.tasks.popleft()
        w.unread -= share
        now = time.monotonic()
        if small:  # how long a small task takes: how many of them a worker may hold
            took = now - w.started
            self._mean = took if self._mean is None else 0.8 * self._mean + 0.2 * took
        if w.tasks:
            w.begin(now, WALL_FACTOR * self.budget.seconds)
        if kind == "ok":
            fut.set_result(value)
        elif kind == "memory":
            fut.set_exception(OverBudget("memory", self.budget))
            self._replace(w)
        else:
            fut.set_exception(value)

    def _died(self, w: _Worker) -> None:
        if w not in self._workers:
            return
        if not w.ready:
            self._start_failures += 1
        if w.tasks:
            fut = w.tasks.popleft()[0]
            if w.peak > 0.8 * self.budget.memory:  # killed by the system while near its budget
                fut.set_exception(OverBudget("memory", self.budget))
            else:
                fut.set_exception(WorkerDied(f"the worker process died (exit {w.proc.exitcode})"))
        self._replace(w)
        if self._start_failures >= 3:
            raise WorkersCannotStart("worker processes die on start")

    def _replace(self, w: _Worker) -> None:
        """Kill ``w``; the tasks queued behind its running one (already answered for) go back to the queue."""
        w.kill()
        self._requeue(list(w.tasks))
        w.tasks.clear()
        w.unread = 0
        if w in self._workers:
            self._workers.remove(w)
            self.replaced += 1

    def _watch(self) -> None:
        now = time.monotonic()
        if now - self._watched < self.poll:  # a look at /proc every poll interval, not at every message
            return
        self._watched = now
        for w in list(self._workers):
            if not w.tasks:
                continue
            rss = _rss(w.proc.pid)
            w.peak = max(w.peak, rss)
            slow = _cpu(w.proc.pid) - w.cpu0 > self.budget.seconds or now > w.deadline
            over = "time" if slow else "memory" if rss > self.budget.memory else None
            if over:
                fut = w.tasks.popleft()[0]
                self._replace(w)
                fut.set_exception(OverBudget(over, self.budget))


def _readable(conn) -> bool:
    """A message (or the end) waits in ``conn``: one ``select`` on POSIX (``Connection.poll`` builds a selector)."""
    if os.name != "posix":
        return conn.poll()
    import select

    return bool(select.select([conn.fileno()], [], [], 0)[0])


def _dumps(obj) -> bytes:
    from multiprocessing.reduction import ForkingPickler

    return bytes(ForkingPickler.dumps(obj))
