"""Many files at once: read → extract (→ check) on every core, results in the order given.

::

    from xxgk.batch import parse_files
    for path, result in parse_files(paths, jobs=4):
        ...  # result is a Record, or the ReadError that file raised

One file, or a few, are parsed in this process (starting worker processes costs
more than they would save).  From ``min_pool`` files on, a process pool of
``jobs`` workers (all cores by default) parses them in chunks; the results come
back in the order of ``paths`` however the work was shared out.  With ``check``
each worker also runs the checker (``check_record``) and the record carries its
findings.  ``xxgk parse`` and ``xxgk check`` are thin faces over this.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .model import Record
from .read.errors import ReadError

MIN_POOL = 48  # below this many files, one process is faster than starting a pool


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


def parse_one(path: str | Path, check: CheckOptions | None = None) -> Record:
    """One file's record (with its findings when ``check`` is given); raises ReadError."""
    from . import parse_path

    rec = parse_path(path)
    if check is not None:
        from .check import check_record

        rec.findings = check_record(rec, previous=check.previous, select=check.select, ignore=check.ignore)
    return rec


def _work(args: tuple[str, CheckOptions | None]) -> tuple[str, object]:
    """Worker side: never raises a ReadError across the process boundary (it does not pickle), returns its parts."""
    path, check = args
    try:
        return "ok", parse_one(path, check)
    except ReadError as e:
        return "read_error", (e.path, e.cause, e.hint, e.cause_en, e.hint_en)


def parse_files(
    paths: Iterable[str | Path], jobs: int | None = None, check: CheckOptions | None = None, min_pool: int = MIN_POOL
) -> Iterator[tuple[Path, Record | ReadError]]:
    """(path, record or ReadError) for every path, in the order given (see the module doc)."""
    files = [Path(p) for p in paths]
    jobs = default_jobs() if jobs is None else max(1, int(jobs))
    if jobs == 1 or len(files) < max(2, min_pool):
        for p in files:
            try:
                yield p, parse_one(p, check)
            except ReadError as e:
                yield p, e
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: the same start on every platform, and no copy of whatever this process holds open
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for p, (kind, value) in zip(files, pool.map(_work, [(str(p), check) for p in files], chunksize=chunk)):
            yield p, (value if kind == "ok" else ReadError(*value))
