"""Batch ingest: many files → the store, in parallel, resumable, idempotent.

* The main process hashes every file once (sha256 of its bytes) and skips
  those already stored for this parser version — and repeats within the run;
  the hash travels with the file to its worker.
* An executor parses the files: worker processes on this machine
  (:class:`LocalPool` on :class:`xxgk.workers.BudgetPool`, 2 by default, as many as
  the files are worth — :func:`workers_for`: each
  file has a time and memory budget, 60 s / 1 GiB by default; the worker that
  goes over is replaced and the file recorded as failed with the reason,
  ``超出时间限制 60 秒``; workers die with the ingesting process) or the workers of
  a Dask distributed cluster (:class:`xxgk.store.cluster.DaskPool`).  Either
  reads, extracts and checks one file per task and returns plain column lists;
  the loop below does not care which.
* The main process is the single writer: it resolves agencies and commits
  results in batches, one transaction each (smaller at the tail: :func:`batch_limits`).  Killing a worker or the whole run
  loses only the batch in flight; a re-run skips what was committed.
* A worker that dies (segfault, OOM, SIGKILL) breaks the pool: the files that
  were in flight are retried one at a time in a fresh pool, and a file that
  kills its worker alone is recorded as failed.
* After the batches: reports stored before a checker existed are checked,
  and the cross-year rules (XG6xx) run for every report whose agency has a
  report of the year before and has not been compared with it yet.  The pairs a
  batch makes are compared ahead, while the workers parse (:class:`CrossAhead`),
  and their findings kept aside until the end, which stores those of the pairs
  that are still pairs once copies are grouped.
"""

from __future__ import annotations

import hashlib
import os
import queue
import signal
import stat
import time
from array import array
from collections import Counter, deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Iterable

import duckdb

from .. import __version__
from ..workers import Budget, BudgetPool, OverBudget, WorkerDied, WorkersCannotStart
from .agencies import AgencyResolver
from .checks import checker_available, cross_year_findings, run_checks
from .records import finding_rows, iso_date, records_from_store
from .bulk import insert_columns
from .schema import transaction
from .cube import FIGURES, fill_figures
from .db import has_table
from .wide import insert_wide, wide_keys
# the worker side (parse_one) lives in .work, which a worker imports without DuckDB
from .work import _as_columns, _fail, _slots, cell_columns, ocr_threads_for, parse_one, set_ocr_threads  # noqa: F401

PARSER_VERSION = __version__


@dataclass
class IngestResult:
    total: int = 0
    ingested: int = 0
    duplicates: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (path, message zh, message en)
    severities: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    unchecked: int = 0  # reports stored without single-report checks (no checker yet)
    cross_checked: int = 0
    cross_pending: int = 0  # pairs waiting for a checker
    interrupted: bool = False
    seconds: float = 0.0
    copies: int = 0  # reports that are another form of a stored report (counted once)
    superseded: int = 0  # earlier versions of a corrected report (the later one counts)


# ------------------------------------------------------------------ writer side


class _Writer:
    """Buffers worker results and commits them in batches (one transaction each)."""

    OLDER_HELD = 200_000  # hashes of another parser version's reports held in memory at most

    def __init__(self, con: duckdb.DuckDBPyConnection, parser_version: str, result: IngestResult):
        self.con = con
        self.version = parser_version
        self.result = result
        self.agencies = AgencyResolver(con)
        self.next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM reports").fetchone()[0]
        self.wide_keys = wide_keys(con)
        self.wide_pos = {k: i for i, k in enumerate(self.wide_keys)}
        self.figures = has_table(con, FIGURES)
        # hashes of current reports parsed by another parser version: a new parse of one of them makes
        # the old one not current (none in a store of this version: the batch skips that update).
        # None when there are too many to hold: every batch runs the update.
        older = con.execute("SELECT count(*) FROM reports WHERE current AND parser_version <> ?", [parser_version]).fetchone()[0]
        self.older: set[str] | None = None
        if older <= self.OLDER_HELD:
            self.older = {
                r[0] for r in con.execute("SELECT DISTINCT sha256 FROM reports WHERE current AND parser_version <> ?", [parser_version]).fetchall()
            }
        # failed rows a file of this run may replace (none: the batch skips that delete)
        self.had_failed = bool(con.execute("SELECT count(*) FROM reports WHERE error IS NOT NULL").fetchone()[0])
        self.buf: list[dict] = []
        self.stored: tuple[int, int] | None = None

    def add(self, item: dict) -> None:
        self.buf.append(item)

    def _lut(self):
        """all_cell_keys() place → the wide table's column (-1: none), for the slots the workers send."""
        import numpy as np

        if getattr(self, "_lut_cache", None) is None:
            self._lut_cache = np.array([self.wide_pos.get(k, -1) for k in _slots()] + [-1], dtype=np.int64)
        return self._lut_cache

    def _insert_wide(self, rid_all, keys: list[str], values, flags, slots) -> None:
        """The batch's rows of the wide table, straight from the cells being inserted (numpy: no loop over cells).

        ``rid_all``, ``values``, ``flags`` (1 blank) and ``slots`` (:func:`cell_columns`) run along the cells."""
        import numpy as np

        lut = self._lut()
        slots = np.asarray(slots, dtype=np.int64)
        positions = lut[np.where(slots < 0, len(lut) - 1, slots)]
        for j in np.flatnonzero(slots < 0).tolist():  # a key outside the layouts' keys: the table may still have it
            positions[j] = self.wide_pos.get(keys[j], -1)
        mask = positions >= 0
        rid = rid_all[mask]
        if not len(rid):
            return
        wide_ids, rows = np.unique(rid, return_inverse=True)
        blanks: dict[int, list[str]] = {}
        for j in np.flatnonzero(mask & ((flags & 1) == 1)).tolist():
            blanks.setdefault(int(rid_all[j]), []).append(keys[j])
        insert_wide(self.con, self.wide_keys, wide_ids, rows, positions[mask], values[mask], blanks)

    def flush(self) -> None:
        if not self.buf:
            return
        import numpy as np

        now = time.strftime("%Y-%m-%d %H:%M:%S")
        rep: dict[str, list] = {k: [] for k in _REPORT_COLS}
        cell_ids: list[int] = []
        counts: list[int] = []
        named: list[tuple[int, list[str]]] = []  # (first cell, keys) of records whose keys are not all in the layouts
        raws: list[tuple[int, list]] = []  # (first cell, raw texts) of records with raw texts
        values = array("d")
        flags = bytearray()
        slots = array("h")
        secs: list[tuple] = []
        finds: list[tuple] = []
        con = self.con
        self.agencies.prepare([(it.get("meta") or (None, None))[1] for it in self.buf])
        first_id = self.next_id
        try:
            for it in self.buf:
                rid = self.next_id
                self.next_id += 1
                title, agency, year, published, template = it.get("meta") or (None, None, None, None, None)
                aid = self.agencies.resolve(agency) if agency else None
                prov, city, county, level = self.agencies.region(aid)
                n, n_blank, n_unc = 0, 0, 0
                if it.get("cells"):
                    ck, cv, cr, cf, cs, n_blank, n_unc = _as_columns(it["cells"])
                    n = len(cs)
                    if n:
                        cell_ids.append(rid)
                        counts.append(n)
                        if ck is not None:  # keys outside the layouts: named one by one
                            named.append((len(slots), ck))
                        values.extend(cv)
                        if cr is not None:
                            raws.append((len(slots), cr))
                        flags.extend(cf)
                        slots.extend(cs)
                if not it.get("sha"):  # unreadable: no content hash; keyed by its path
                    it["sha"] = "unreadable:" + hashlib.sha256(it["path"].encode()).hexdigest()
                sev = Counter(f[1] for f in it.get("findings") or ())
                row = dict(
                    id=rid, sha256=it["sha"], parser_version=self.version, source_path=it["path"], format=it.get("format"),
                    title=title, agency=agency, agency_id=aid, province=prov, city=city, county=county, level=level,
                    year=year, layout=template, published=_iso(published), parsed_at=now,
                    error=it.get("error"), error_en=it.get("error_en"), checked=bool(it.get("checked")), current=not it.get("error"),
                    n_cells=n, n_blank=n_blank, n_uncertain=n_unc, notes=it.get("notes"),
                    n_errors=sev["error"], n_warnings=sev["warning"], n_infos=sev["info"],
                )
                for k in _REPORT_COLS:
                    rep[k].append(row[k])
                secs.extend((rid, *sec) for sec in it.get("sections") or ())
                finds.extend((rid, *f, None) for f in it.get("findings") or ())
            parsed = [sha for sha, e in zip(rep["sha256"], rep["error"]) if not e]
            keys = _keys_of(slots, named)
            raw = np.full(len(slots), None, dtype=object)
            for at, texts in raws:
                raw[at : at + len(texts)] = texts
            fl = np.frombuffer(bytes(flags), dtype=np.uint8)
            vals = np.frombuffer(values.tobytes(), dtype=np.float64) if len(values) else np.zeros(0)
            cells = {
                "report_id": np.repeat(np.asarray(cell_ids, dtype=np.int64), counts), "key": keys, "value": vals, "raw": raw,
                "blank": (fl & 1) == 1, "uncertain": (fl & 2) == 2,
            }
            with transaction(con):
                # a file that failed before and is tried again replaces its failed row
                if self.had_failed:
                    _drop_failed_rows(con, self.version, rep["sha256"], [p for p, e in zip(rep["source_path"], rep["error"]) if not e])
                self.agencies.write()
                if self.older is not None:
                    parsed = [sha for sha in parsed if sha in self.older]
                if parsed:  # an older parser version's rows stay, but are no longer current
                    # cross-year findings against them stop counting on the reports that hold them
                    con.execute(
                        """UPDATE reports SET n_errors = n_errors - d.e, n_warnings = n_warnings - d.w, n_infos = n_infos - d.i
                           FROM (SELECT f.report_id, count(*) FILTER (WHERE f.severity = 'error') AS e, count(*) FILTER (WHERE f.severity = 'warning') AS w,
                                        count(*) FILTER (WHERE f.severity = 'info') AS i
                                 FROM findings f JOIN reports p ON p.id = f.previous_id
                                 WHERE p.current AND p.sha256 IN (SELECT unnest(?::VARCHAR[])) GROUP BY f.report_id) d
                           WHERE d.report_id = reports.id""",
                        [parsed],
                    )
                    con.execute("UPDATE reports SET current = false WHERE current AND sha256 IN (SELECT unnest(?::VARCHAR[]))", [parsed])
                insert_columns(con, "reports", _REPORT_TYPES, rep)
                if len(keys):
                    insert_columns(con, "cells", _CELL_TYPES, cells)
                    self._insert_wide(cells["report_id"], keys, vals, fl, slots)
                    if self.figures:  # what the summary needs of each report beyond its cells (store/cube.py)
                        fill_figures(con, first_id, self.next_id - 1)
                if secs:
                    insert_columns(con, "sections", _SECTION_TYPES, dict(zip(_SECTION_TYPES, zip(*secs))))
                if finds:
                    insert_columns(con, "findings", _FINDING_TYPES, dict(zip(_FINDING_TYPES, zip(*finds))))
        except BaseException:
            self.agencies.rollback()
            self.next_id = first_id
            raise
        self.stored = (first_id, self.next_id - 1)  # the ids this batch gave its reports
        res = self.result
        for it in self.buf:
            for f in it.get("findings") or ():
                res.severities[f[1]] += 1
                res.rules[f[0]] += 1
            if it.get("error"):
                res.failed.append((it["path"], it["error"], it.get("error_en") or it["error"]))
            else:
                res.ingested += 1
                res.unchecked += not it.get("checked")
        self.buf.clear()


@cache
def _key_names():
    import numpy as np

    return np.array([*_slots(), None], dtype=object)  # slot -1 → None


def _keys_of(slots: array, named: list[tuple[int, list[str]]]):
    """The cells' keys (an object array) from their slots, and the records that named theirs."""
    import numpy as np

    keys = _key_names()[np.frombuffer(slots.tobytes(), dtype=np.int16) if len(slots) else np.zeros(0, dtype=np.int16)]
    for at, ks in named:
        keys[at : at + len(ks)] = ks
    return keys


def _iso(published: str | None) -> str | None:
    d = iso_date(published)
    return d.isoformat() if d else None


# column → type of the rows the writer inserts (types: see insert_columns)
_REPORT_TYPES = {
    "id": "int", "sha256": "str", "parser_version": "str", "source_path": "str", "format": "str", "title": "str", "agency": "str",
    "agency_id": "int?", "province": "str", "city": "str", "county": "str", "level": "str", "year": "int?", "layout": "str",
    "published": "date", "parsed_at": "timestamp", "error": "str", "error_en": "str", "checked": "bool", "current": "bool",
    "n_cells": "int", "n_blank": "int", "n_uncertain": "int", "notes": "str", "n_errors": "int", "n_warnings": "int", "n_infos": "int",
}
_REPORT_COLS = tuple(_REPORT_TYPES)
_CELL_TYPES = {"report_id": "int", "key": "str", "value": "float?", "raw": "str", "blank": "bool", "uncertain": "bool"}
_CELL_COLS = tuple(_CELL_TYPES)
_SECTION_TYPES = {"report_id": "int", "seq": "int", "no": "int?", "printed": "int?", "title": "str", "text": "str"}
_FINDING_TYPES = {
    "report_id": "int", "rule": "str", "severity": "str", "cells": "str", "message": "str", "message_en": "str", "culprit": "str", "previous_id": "int?",
}
_FINDING_COLS = tuple(_FINDING_TYPES)


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    types = _FINDING_TYPES if table == "findings" else {c: "int" for c in columns}
    insert_columns(con, table, types, dict(zip(types, zip(*rows))) if rows else {c: [] for c in types})


# ------------------------------------------------------------------ the run


_NO_WORKERS = (
    "parsing processes cannot run (they die on start). A script that calls xxgk.store.ingest must guard "
    "its top level with `if __name__ == \"__main__\":` (worker processes are started with 'spawn')."
)




# What an executor says of a finished task (Executor.outcome)
DONE, DIED, BROKEN, OVER = "done", "died", "broken", "over"


class Executor:
    """Where files are parsed: the seam between the ingest loop and the workers.

    ``submit`` starts ``parse_one(path, sha)`` somewhere and returns a handle;
    ``wait(handles, timeout)`` returns those of ``handles`` (a collection of the
    handles in flight) that finished within ``timeout`` seconds;
    ``outcome`` is ``(DONE, item)``, ``(DIED, None)`` when this file's task
    killed its worker by itself, or ``(BROKEN, None)`` when the executor lost
    its workers and cannot tell whose fault it was (then :meth:`recover` gives a
    fresh one, and the loop retries the files that were in flight one at a time).
    ``capacity`` is how many files to keep in flight.
    """

    capacity: int = 1

    def submit(self, path: str, sha: str | None): ...

    def wait(self, handles: list, timeout: float) -> list: ...

    def outcome(self, handle) -> tuple[str, dict | None]: ...

    def recover(self) -> None: ...

    def close(self, cancel: bool) -> None: ...


class LocalPool(Executor):
    """Worker processes on this machine (:class:`xxgk.workers.BudgetPool`): each file has a time
    and memory budget, the worker that goes over is replaced, and workers die with this process."""

    def __init__(self, jobs: int, budget: Budget | None = None):
        self.jobs = max(1, int(jobs))
        self.budget = budget
        # enough queued work to keep the workers busy while the writer commits a batch and compares its
        # cross-year pairs (≈ 0.5 s of CPU for 1,000 text reports, seconds of wall time on a busy machine;
        # 64 files a worker ran out after ≈ 0.1 s and left the workers idle)
        self.capacity = self.jobs * 2048
        self.pool: BudgetPool | None = None
        self.finished: queue.SimpleQueue = queue.SimpleQueue()
        # OCR threads follow the worker count (the workers inherit the environment)
        if not os.environ.get("XXGK_OCR_THREADS"):
            os.environ["XXGK_OCR_THREADS"] = str(ocr_threads_for(self.jobs))

    def plan(self, files: list[str]) -> None:
        """As many workers as the files are worth, at most ``jobs`` (before the workers start):
        a worker costs ≈ 0.15 s of CPU to start — the parse of ≈ 75 short text files — so a
        few short files are parsed by one worker, not by two that each start for a handful."""
        if self.pool is None:
            self.jobs = workers_for(files, self.jobs)
            self.capacity = self.jobs * 2048

    def start(self) -> None:
        """Start the workers now: their start-up overlaps the writer's (the first file would start them anyway)."""
        if self.pool is None:
            self.pool = BudgetPool(self.jobs, self.budget, warm=("xxgk.extract", "xxgk.store.work"), eager=True)

    def submit(self, path: str, sha: str | None) -> Future:
        if self.pool is None:
            self.pool = BudgetPool(self.jobs, self.budget, warm=("xxgk.extract", "xxgk.store.work"))
        from ..batch import small_file

        submit = self.pool.submit_small if small_file(path) else self.pool.submit
        fut = submit(parse_one, path, sha)
        fut.add_done_callback(self.finished.put)  # registered once, when submitted
        return fut

    def wait(self, handles, timeout: float) -> list:
        """The handles that finished: read from the queue their callbacks fill — no waiter is
        registered on every pending future at each call (``concurrent.futures.wait`` would)."""
        out = []
        try:
            out.append(self.finished.get(timeout=timeout))
            while True:
                out.append(self.finished.get_nowait())
        except queue.Empty:
            pass
        return [f for f in out if f in handles]

    def outcome(self, handle: Future) -> tuple[str, dict | None]:
        try:
            return DONE, handle.result()
        except OverBudget as e:
            return OVER, e
        except WorkerDied:
            return DIED, None
        except WorkersCannotStart:
            raise RuntimeError(_NO_WORKERS) from None

    def recover(self) -> None:  # a BudgetPool replaces its own workers
        pass

    def close(self, cancel: bool) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=not cancel, cancel_futures=True)
            self.pool = None


def workers_for(files: list, jobs: int) -> int:
    """Workers worth starting for ``files``: one per :data:`xxgk.batch.MIN_POOL` short text files (the
    batch size from which ``xxgk parse`` starts workers at all), one per other file (PDF, scans, Office
    files, large pages take seconds each); at least one, at most ``jobs``."""
    from ..batch import MIN_POOL, small_file

    jobs = max(1, int(jobs))
    weight = 0
    for f in files:
        weight += 1 if small_file(f) else MIN_POOL
        if weight > (jobs - 1) * MIN_POOL:  # enough for every job: stop looking
            return jobs
    return max(1, min(jobs, -(-weight // MIN_POOL)))


def _over_budget(p: str, sha: str, e: OverBudget) -> dict:
    zh, en = e.message("zh"), e.message("en")
    return _fail(p, sha, None, f"{p}：{zh}（文件可能是恶意构造的或过于庞大）", f"{p}: {en} (the file may be hostile or too large)")


def _drop_failed_rows(con: duckdb.DuckDBPyConnection, version: str, shas: list[str], parsed_paths: list[str]) -> None:
    """A file tried again replaces its failed row: the same content (same hash), or a file at the
    same path that failed before (unreadable, or since repaired) and now reads fine."""
    con.execute(
        "DELETE FROM reports WHERE error IS NOT NULL AND ((parser_version = ? AND sha256 IN (SELECT unnest(?::VARCHAR[])))"
        " OR source_path IN (SELECT unnest(?::VARCHAR[])))",
        [version, shas, parsed_paths],
    )


def _hash(path: str | Path) -> str | None:
    """The sha256 of a regular file's bytes; None for anything else (a pipe or a device would block or
    never end, a folder, a file that cannot be read): the worker then reports why.  One ``open`` and
    its ``fstat`` (never blocking: O_NONBLOCK), no separate look at the path first."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def _died(p: str, sha: str) -> dict:
    zh = f"{p}：解析进程异常退出（文件可能触发了解析组件的崩溃）"
    en = f"{p}: the parsing process died (the file may crash a parsing component)"
    return _fail(p, sha, None, zh, en)


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path | str],
    jobs: int = 2,
    batch_size: int = 1000,
    batch_seconds: float = 2.0,
    parser_version: str = PARSER_VERSION,
    progress: Callable[[int, int], None] | None = None,
    cross_year: bool = True,
    executor: Executor | None = None,
    budget: Budget | None = None,
    result: IngestResult | None = None,
    stop_event=None,
) -> IngestResult:
    """Ingest files into the store (see the module doc).  Ctrl-C commits what is done and returns.

    ``executor`` parses the files (default: a :class:`LocalPool` of ``jobs`` processes;
    :class:`xxgk.store.cluster.DaskPool` for a cluster).  ``result``, when given, is filled as
    the run goes (a caller in another thread reads the failures so far from it, e.g. the desk's
    progress bar); ``stop_event`` (a threading.Event), when set, stops the run between batches
    as Ctrl-C does."""
    t0 = time.monotonic()
    files = [str(p) for p in paths]
    res = result if result is not None else IngestResult()
    res.total = len(files)
    # files that failed before are tried again (a reader may have been installed since); their old row is replaced
    known = {r[0] for r in con.execute("SELECT sha256 FROM reports WHERE parser_version = ? AND error IS NULL", [parser_version]).fetchall()}
    ex = executor if executor is not None else LocalPool(jobs, budget)
    if isinstance(ex, LocalPool):
        ex.plan(files)
    if files and not known and isinstance(ex, LocalPool):  # nothing stored yet: every file is parsed, start the workers now
        ex.start()
    if files:
        _preload()
    writer = _Writer(con, parser_version, res)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, len(files))

    todo: deque[str] = deque(files)  # not hashed yet: hashing overlaps with the workers' parsing
    seen: set[str] = set()

    def next_fresh() -> tuple[str, str | None] | None:
        """The next file not stored yet, with its hash (duplicates are counted and skipped)."""
        while todo:
            p = todo.popleft()
            sha = _hash(p)
            if sha is not None and (sha in known or sha in seen):
                res.duplicates += 1
                tick()
                continue
            if sha is not None:
                seen.add(sha)
            return p, sha
        return None

    last_flush = time.monotonic()

    # cross-year findings worked out while the workers parse, for the pairs a batch makes; kept aside
    # (never stored early) and used by cross_check at the end if the pair is still one after dedup
    # (the checker is imported only when a batch makes a pair: a run without one never loads it here)
    ahead = CrossAhead(con) if cross_year else None

    def maybe_flush(force: bool = False) -> None:
        nonlocal last_flush, ahead
        size, secs = batch_limits(not todo, len(inflight) + len(suspects), batch_size, batch_seconds)
        if force or len(writer.buf) >= size or (writer.buf and time.monotonic() - last_flush >= secs):
            writer.flush()
            last_flush = time.monotonic()
            if ahead is not None and writer.stored is not None and not stop.requested and (todo or inflight):
                try:
                    ahead.batch(*writer.stored)
                except duckdb.Error:  # only a head start: the end compares every pair itself
                    ahead = None

    retried: set[str] = set()  # files whose worker died once: a worker killed from outside gets a second chance
    suspects: deque[tuple[str, str | None]] = deque()  # in flight when the workers were lost: retried one at a time
    inflight: dict = {}  # handle → (path, sha)
    stop = _StopOnCtrlC(stop_event)
    closed = False
    threads = _one_thread(con)  # the writer's batches are small: DuckDB's own threads would only take cores from the workers
    try:
        while (todo or inflight or suspects) and not stop.requested:
            isolating = not todo and not inflight and suspects
            if isolating:
                job = suspects.popleft()
                inflight[ex.submit(*job)] = job
            while todo and len(inflight) < ex.capacity:
                job = next_fresh()
                if job is None:
                    break
                inflight[ex.submit(*job)] = job
            if not inflight:
                continue
            broken = False
            for handle in ex.wait(inflight, batch_seconds):
                p, sha = inflight.pop(handle)
                try:
                    kind, item = ex.outcome(handle)
                except RuntimeError:  # the executor lost its workers for good (a cluster gone): keep what was received
                    writer.flush()
                    raise
                if kind == DONE:
                    writer.add(item)
                    tick()
                elif kind == OVER:
                    writer.add(_over_budget(p, sha or _hash(p) or "", item))
                    tick()
                elif kind == DIED and not isolating and p not in retried:
                    retried.add(p)
                    inflight[ex.submit(p, sha)] = (p, sha)
                elif kind == DIED or isolating:  # it died alone (twice): this file kills its worker
                    writer.add(_died(p, sha or ""))
                    tick()
                else:
                    broken = True
                    suspects.append((p, sha))
            if broken:
                suspects.extend(inflight.values())
                inflight.clear()
                try:
                    ex.recover()
                except BaseException:
                    writer.flush()
                    raise
            maybe_flush()
        # Ctrl-C: what was received is committed below; the files in flight are parsed again next run
        res.interrupted = stop.requested
        maybe_flush(force=True)
        if not res.interrupted:  # the parsing is over: end the workers before the checks on the store
            ex.close(cancel=False)
            closed = True
        if _parallel_pays(con):  # the work on the whole store below (grouping, the cube) may use every core
            _set_threads(con, threads)
        if not stop.requested:
            _group_copies(con, res)
        if cross_year and not stop.requested:
            check_stored(con, res, stop=stop)
            cross_check(con, res, stop=stop, ahead=ahead.found if ahead is not None else None)
            res.interrupted = stop.requested
    finally:
        stop.restore()
        _set_threads(con, threads)
        if not closed:
            ex.close(cancel=res.interrupted)
    res.seconds = time.monotonic() - t0
    return res


def batch_limits(handed_out: bool, in_flight: int, batch_size: int, batch_seconds: float) -> tuple[int, float]:
    """(reports, seconds): what closes the batch being filled.

    At the tail — every file handed out, at most a batch still in flight — smaller batches: the
    last one, committed after the workers have finished, is then small (its commit and its
    cross-year pairs no longer leave a core idle).  Not before: a batch has fixed costs (its
    statements' planning, a commit, the cross-year pairs' queries), and a batch under a DuckDB
    row group of cells (122,880, ≈ 600 reports) goes through the write-ahead log before the
    checkpoint writes it again.  (The writer spent 1.5 s of CPU on 3,000 reports in batches of
    250 — the queue holds 4,096 files, so every file is handed out at once — and 0.7 s in 1,000s.)"""
    if handed_out and in_flight <= batch_size:
        return max(1, batch_size // 4), batch_seconds / 4
    return batch_size, batch_seconds


def _preload() -> None:
    """Load what the first batch needs (numpy for its arrays, cpca for the agencies' regions) in a
    thread, while the workers start and parse: ≈ 0.15 s of imports the first commit no longer waits for."""
    import sys
    import threading

    if "numpy" in sys.modules and "cpca" in sys.modules:
        return

    def load() -> None:
        try:
            import numpy  # noqa: F401

            from ..agency import _cpca

            _cpca()
        except Exception:  # noqa: BLE001 - only a head start: the writer imports them itself and says what fails
            pass

    threading.Thread(target=load, name="xxgk-preload", daemon=True).start()


ROW_GROUP = 122_880  # rows of a DuckDB row group: a scan is split among threads a row group at a time


def _parallel_pays(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether DuckDB's threads can share the scans of the store: not before the reports (one row each in
    ``report_cells``, which the cube sums) fill a row group.  Below that, every extra thread only builds its
    own hash table of the cube's ≈ 900 sums (≈ 0.1 s of CPU more per ingest, and no faster)."""
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0] >= ROW_GROUP
    except duckdb.Error:
        return True


def close_after(con: duckdb.DuckDBPyConnection) -> None:
    """Close the store after an ingest.  Closing writes what the ingest added (DuckDB's checkpoint):
    on one thread while the store is below a row group of reports, where more threads only add their
    set-up (the seeds' new store: 0.17 s of CPU instead of 0.22 s, and no slower)."""
    try:
        if not _parallel_pays(con):
            _one_thread(con)
    finally:
        con.close()


def _one_thread(con: duckdb.DuckDBPyConnection) -> int | None:
    """Set DuckDB to one thread; returns the setting before (None when it cannot be read or changed)."""
    try:
        before = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
        con.execute("SET threads = 1")
        return before
    except (duckdb.Error, TypeError, ValueError):
        return None


def _set_threads(con: duckdb.DuckDBPyConnection, threads: int | None) -> None:
    if threads is not None:
        try:
            con.execute(f"SET threads = {int(threads)}")
        except duckdb.Error:
            pass


# ------------------------------------------------------------------ after the batches


def _group_copies(con: duckdb.DuckDBPyConnection, res: IngestResult) -> None:
    """One report per agency and year (:mod:`xxgk.store.dedup`)."""
    from .dedup import group_reports

    found = group_reports(con)
    res.copies, res.superseded = found.copies, found.superseded


class _StopOnCtrlC:
    """Turns Ctrl-C (SIGINT) into a request to stop between batches, so no commit is ever cut in half."""

    def __init__(self, event=None) -> None:
        self._requested = False
        self._event = event  # a threading.Event another thread sets to stop the run (the desk shutting down)
        self._old = None
        try:
            self._old = signal.signal(signal.SIGINT, self._handler)
        except ValueError:  # not the main thread: Ctrl-C stays a KeyboardInterrupt
            self._old = None

    @property
    def requested(self) -> bool:
        return self._requested or (self._event is not None and self._event.is_set())

    def _handler(self, signum, frame) -> None:
        if self.requested:  # a second Ctrl-C: stop now (the open transaction is rolled back)
            raise KeyboardInterrupt
        self._requested = True

    def restore(self) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
            self._old = None


def check_stored(con: duckdb.DuckDBPyConnection, res: IngestResult | None = None, chunk: int = 500, stop=None) -> int:
    """Run the single-report checks on reports stored before a checker existed."""
    ids = [r[0] for r in con.execute("SELECT id FROM reports WHERE error IS NULL AND NOT checked ORDER BY id").fetchall()]
    if not ids or not checker_available():  # (the checker is imported only when a report waits for it)
        return 0
    for i in range(0, len(ids), chunk):
        if stop is not None and stop.requested:
            break
        part = ids[i : i + chunk]
        recs = records_from_store(con, part, with_findings=False)
        rows = []
        done_ids = []
        for rid, rec in recs.items():
            try:
                found, _ = run_checks(rec)
            except Exception:  # a checker bug: leave the report unchecked, go on
                continue
            done_ids.append(rid)
            rows.extend((rid, *f, None) for f in finding_rows(found))
        with transaction(con):
            if rows:
                _insert_rows(con, "findings", _FINDING_COLS, rows)
                _add_counts(con, rows)
            con.execute("UPDATE reports SET checked = true WHERE id IN (SELECT unnest(?::INTEGER[]))", [done_ids])
        _count(res, rows)
    return len(ids)


def _add_counts(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Keep reports.n_errors / n_warnings / n_infos (the report lists' pre-aggregates) in step with new findings."""
    per: dict[int, Counter] = {}
    for row in rows:
        per.setdefault(row[0], Counter())[row[2]] += 1
    ids = list(per)
    con.execute(
        """UPDATE reports SET n_errors = n_errors + d.e, n_warnings = n_warnings + d.w, n_infos = n_infos + d.i
           FROM (SELECT unnest(?::INTEGER[]) AS id, unnest(?::INTEGER[]) AS e, unnest(?::INTEGER[]) AS w, unnest(?::INTEGER[]) AS i) d
           WHERE d.id = reports.id""",
        [ids, [per[i]["error"] for i in ids], [per[i]["warning"] for i in ids], [per[i]["info"] for i in ids]],
    )


def _count(res: IngestResult | None, rows: list[tuple]) -> None:
    if res is not None:
        for row in rows:
            res.severities[row[2]] += 1
            res.rules[row[1]] += 1


PAIRS_SQL = """
    WITH cur AS (SELECT id, agency_id, year FROM current_reports WHERE agency_id IS NOT NULL AND year IS NOT NULL),
         pick AS (SELECT agency_id, year, min(id) AS id FROM cur GROUP BY agency_id, year)
    SELECT c.id, p.id FROM cur c JOIN pick p ON p.agency_id = c.agency_id AND p.year = c.year - 1
    WHERE NOT EXISTS (SELECT 1 FROM cross_checks x WHERE x.report_id = c.id AND x.previous_id = p.id)
    ORDER BY c.id
"""


def _compare(recs: dict, rid: int, pid: int) -> list[tuple] | None:
    """The rows of the XG6xx findings of report ``rid`` against ``pid`` (None: not compared)."""
    if rid not in recs or pid not in recs:
        return None
    try:
        found, _ = cross_year_findings(recs[rid], recs[pid])
    except Exception:  # a checker bug: this pair is compared again next time
        return None
    return [(rid, *f, pid) for f in finding_rows(found)]


class CrossAhead:
    """Cross-year findings worked out during the ingest, batch by batch, while the workers parse.

    After a batch is committed, the pairs it makes (its reports and the previous-year report
    :data:`PAIRS_SQL` picks, or the next-year reports that pick one of it) are compared from the
    store and the findings kept here, not stored.  At the end :func:`cross_check` takes the pairs
    that are still pairs once copies are grouped from here instead of reading and comparing them
    again; a pair that is no pair any more is dropped.  A pair's findings depend only on the two
    reports, which never change once stored, so what is stored is the same."""

    LIMIT = 200_000  # pairs kept at most (beyond, the end compares them as before)

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.found: dict[tuple[int, int], list[tuple] | None] = {}

    def batch(self, lo: int, hi: int) -> None:
        if len(self.found) >= self.LIMIT:
            return
        pairs = [tuple(p) for p in self.con.execute(PAIRS_SQL_TOUCHING, [lo, hi, lo, hi]).fetchall()]
        pairs = [p for p in pairs if p not in self.found]
        if not pairs or not checker_available():
            return
        recs = records_from_store(self.con, [x for pair in pairs for x in pair], with_findings=False)
        for rid, pid in pairs:
            self.found[(rid, pid)] = _compare(recs, rid, pid)


# the pairs of PAIRS_SQL with a report among ids lo..hi on either side
PAIRS_SQL_TOUCHING = PAIRS_SQL.replace("ORDER BY c.id", "AND (c.id BETWEEN ? AND ? OR p.id BETWEEN ? AND ?)\n    ORDER BY c.id")
assert PAIRS_SQL_TOUCHING != PAIRS_SQL


def cross_check(
    con: duckdb.DuckDBPyConnection, res: IngestResult | None = None, chunk: int = 1000, stop=None, ahead: dict | None = None
) -> int:
    """XG6xx for every (report, same agency's previous-year report) pair not compared yet
    (``ahead``: findings of pairs worked out already, by :class:`CrossAhead`)."""
    pairs = con.execute(PAIRS_SQL).fetchall()
    if not pairs:
        return 0
    if not checker_available():
        if res is not None:
            res.cross_pending = len(pairs)
        return 0
    for i in range(0, len(pairs), chunk):
        if stop is not None and stop.requested:
            break
        part = pairs[i : i + chunk]
        known = ahead or {}
        recs = records_from_store(con, [x for pair in part if tuple(pair) not in known for x in pair], with_findings=False)
        rows, compared = [], []
        for rid, pid in part:
            found = known[(rid, pid)] if (rid, pid) in known else _compare(recs, rid, pid)
            if found is None:
                continue
            compared.append((rid, pid))
            rows.extend(found)
        with transaction(con):
            if rows:
                _insert_rows(con, "findings", _FINDING_COLS, rows)
                _add_counts(con, rows)
            if compared:
                _insert_rows(con, "cross_checks", ("report_id", "previous_id"), compared)
        _count(res, rows)
        if res is not None:
            res.cross_checked += len(compared)
    return len(pairs)

