"""Many files at once: read → extract (→ check) under a per-file budget, results in the order given.

::

    from xxgk.batch import parse_files
    for path, result in parse_files(paths, jobs=4):
        ...  # result is a Record, or the ReadError that file raised

Every file has a time and memory budget (:class:`xxgk.workers.Budget`, 60 s /
1 GiB by default).  A small text or web page (under :data:`IN_PROCESS_BYTES`,
whose reading is bounded by the readers' own size checks) is parsed in this
process, under a timer, when only a few files are given: starting a worker
costs more than such a file.  Every other file — PDF, scans, Office files,
large pages, and every file of a batch from ``min_pool`` files on — is parsed
by :class:`xxgk.workers.BudgetPool` workers (all cores by default), which are
replaced when they go over the budget and die with this process; the results
come back in the order of ``paths``.  With ``check`` each worker also runs
the checker and the record carries its findings.  With ``as_json`` each
result is the record already encoded as one line of report-json (bytes,
:func:`xxgk.model.encode_record`): a worker sends back those bytes instead of
the pickled record, so ``xxgk parse --format json`` costs this process only
the writing.  ``xxgk parse`` and ``xxgk check`` are thin faces over this.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .model import Record
from .read.errors import ReadError

MIN_POOL = 48  # below this many files, small text files are parsed in this process
IN_PROCESS_BYTES = 2 << 20  # a text or web page this small cannot go over the memory budget
SMALL_BYTES = 256 << 10  # a text or web page this small parses in milliseconds
_TEXT_SUFFIXES = frozenset({".txt", ".md", ".htm", ".html", ".shtml", ".xhtml"})


def small_file(path: str | Path) -> bool:
    """A short text or web page, by its name and size (no read): quick to parse, so a worker may
    hold it queued behind the file it is parsing (:meth:`xxgk.workers.BudgetPool.submit_small`).
    A file misnamed only costs balance between the workers, never a result."""
    name = str(path)
    dot = name.rfind(".")
    if dot < 0 or name[dot:].lower() not in _TEXT_SUFFIXES:
        return False
    try:
        return os.stat(name).st_size <= SMALL_BYTES
    except OSError:
        return False


@dataclass(frozen=True)
class CheckOptions:
    """What the checker runs in each worker (``xxgk check --select/--ignore/--previous``)."""

    select: list[str] | None = None
    ignore: list[str] | None = None
    previous: Record | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def parse_one(path: str | Path, check: CheckOptions | None = None, as_json: bool = False, provenance: bool = False) -> Record | bytes:
    """One file's record (with its findings when ``check`` is given), or its report-json with
    ``as_json``; raises ReadError only."""
    from .tasks import check_file, parse_file, parse_json

    if as_json and check is None:
        return parse_json(str(path), provenance)
    if check is None:
        return parse_file(str(path))
    rec = check_file(str(path), check.previous, check.select, check.ignore)
    if as_json:
        from .model import encode_record

        return encode_record(rec, provenance)
    return rec


def _small_text(p: Path) -> bool:
    """A small file whose first bytes say text or HTML (cheap and bounded: parsed in this process)."""
    try:
        if not p.is_file() or p.stat().st_size > IN_PROCESS_BYTES:
            return False
        with open(p, "rb") as f:
            head = f.read(4096)
    except OSError:
        return True  # reading it reports why, in one line
    from .read import detect_format

    return detect_format(head) in ("text", "html")


class _Timer:
    """A time budget for work done in this process (SIGALRM; the main thread only)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        import signal
        import threading

        self.armed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        if self.armed:
            from .workers import OverBudget

            def ring(signum, frame):
                raise OverBudget("time", self.budget)

            from .workers import Budget

            self.budget = Budget(self.seconds)
            self.old = signal.signal(signal.SIGALRM, ring)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.armed:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.old)
        return False


def _over(path: Path, e) -> ReadError:
    return ReadError(str(path), e.message("zh") + "（文件可能是恶意构造的或过于庞大）", "", e.message("en") + " (the file may be hostile or too large)")


def _died(path: Path, e) -> ReadError:
    return ReadError(str(path), "解析进程异常退出（文件可能触发了解析组件的崩溃）", "", f"the parsing process died ({e})")


def parse_files(
    paths: Iterable[str | Path],
    jobs: int | None = None,
    check: CheckOptions | None = None,
    min_pool: int = MIN_POOL,
    seconds: float = 60.0,
    memory_mb: int = 1024,
    as_json: bool = False,
    provenance: bool = False,
) -> Iterator[tuple[Path, Record | bytes | ReadError]]:
    """(path, record or ReadError) for every path, in the order given (see the module doc); with
    ``as_json`` the record comes as its line of report-json (bytes; ``provenance`` included when asked)."""
    from .workers import Budget, BudgetPool, OverBudget, WorkerDied, WorkersCannotStart

    files = [Path(p) for p in paths]
    jobs = default_jobs() if jobs is None else max(1, int(jobs))
    few = len(files) < max(2, min_pool)
    here = [few and _small_text(p) for p in files]
    pool: BudgetPool | None = None
    if not all(here):
        workers = 1 if few else jobs
        warm = ("xxgk.extract", "xxgk.check") if check is not None else ("xxgk.extract",)  # a parse never loads the checker
        pool = BudgetPool(workers, Budget(float(seconds), int(memory_mb)), warm=warm, eager=True)
    try:
        window: deque = deque()  # (path, future) in flight, in the order given
        todo = iter(zip(files, here))
        # enough files in flight that every worker has its current file and a few queued behind it
        capacity = (pool.jobs * 64) if pool is not None else 0

        def result(p: Path, fut) -> Record | bytes | ReadError:
            try:
                return fut.result()
            except ReadError as e:
                return e
            except OverBudget as e:
                return _over(p, e)
            except (WorkerDied, WorkersCannotStart) as e:
                return _died(p, e)

        for p, local in todo:
            if local:
                while window:  # what was sent out before comes first
                    q, fut = window.popleft()
                    yield q, result(q, fut)
                try:
                    with _Timer(float(seconds)):  # the parse only: the caller's time with the result is not the file's
                        out: Record | bytes | ReadError = parse_one(p, check, as_json, provenance)
                except ReadError as e:
                    out = e
                except OverBudget as e:
                    out = _over(p, e)
                yield p, out
                continue
            submit = pool.submit_small if small_file(p) else pool.submit
            window.append((p, submit(parse_one, str(p), check, as_json, provenance)))
            while len(window) > capacity:
                q, fut = window.popleft()
                yield q, result(q, fut)
        while window:
            q, fut = window.popleft()
            yield q, result(q, fut)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
