"""Batch ingest: many files → the store, in parallel, resumable, idempotent.

* The main process hashes every file (sha256 of its bytes) and skips those
  already stored for this parser version — and repeats within the run.
* Worker processes (:class:`xxgk.workers.BudgetPool`, 2 by default) read,
  extract and check one file each and return plain column lists.  Each file
  has a time and memory budget (60 s / 1 GiB by default); the worker that
  goes over is replaced and the file recorded as failed with the reason
  (``超出时间限制 60 秒``).  Workers die with the ingesting process.
* The main process is the single writer: it resolves agencies and commits
  results in batches, one transaction each.  Killing a worker or the whole run
  loses only the batch in flight; a re-run skips what was committed.
* A worker that dies (segfault, OOM, SIGKILL) touches only the file it was
  parsing: a fresh worker takes its place and tries the file once more (it may
  have been killed from outside); a file that kills its worker twice is
  recorded as failed.
* After the batches: reports stored before a checker existed are checked,
  and the cross-year rules (XG6xx) run for every report whose agency has a
  report of the year before and has not been compared with it yet.
"""

from __future__ import annotations

import hashlib
import json
import signal
import time
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import duckdb

from .. import __version__
from ..workers import Budget, BudgetPool, OverBudget, WorkerDied, WorkersCannotStart
from .agencies import AgencyResolver
from .checks import checker_available, cross_year_findings, run_checks
from .records import cell_rows, finding_rows, iso_date, records_from_store, section_rows
from .schema import transaction

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


# ------------------------------------------------------------------ worker side


def _fail(path: str, sha: str, fmt: str | None, zh: str, en: str) -> dict:
    return {"path": path, "sha": sha, "format": fmt, "error": zh, "error_en": en}


def parse_one(path: str) -> dict:
    """Read, extract and check one file; never raises (errors are returned)."""
    from ..extract import extract
    from ..read import ReadError, detect_format, file_bytes, read_bytes

    try:
        data = file_bytes(path)
    except ReadError as e:
        return _fail(path, "", None, e.message("zh"), e.message("en"))
    sha = hashlib.sha256(data).hexdigest()
    fmt = None
    try:
        fmt = detect_format(data)
        doc = read_bytes(data, path)
        rec = extract(doc)
    except ReadError as e:
        return _fail(path, sha, fmt, e.message("zh"), e.message("en"))
    except Exception as e:  # an extractor bug must not stop the batch
        return _fail(path, sha, fmt, f"{path}：解析失败（{type(e).__name__}: {e}）", f"{path}: parsing failed ({type(e).__name__}: {e})")
    if not rec.cells and not rec.sections and rec.meta.year is None:  # nothing of an annual report in it
        return _fail(
            path, sha, fmt,
            f"{path}：不像政府信息公开工作年度报告（未找到年度、标准章节或统计表），未入库",
            f"{path}: does not look like an annual disclosure report (no year, standard sections or tables found); not stored",
        )
    try:
        findings, checked = run_checks(rec)
    except Exception as e:
        findings, checked = [], False
        rec.notes.append(f"checker failed: {type(e).__name__}: {e}")
    m = rec.meta
    return {
        "path": path,
        "sha": sha,
        "format": rec.source.format,
        "meta": (m.title, m.agency, m.year, m.published, m.template),
        "notes": json.dumps(rec.notes, ensure_ascii=False) if rec.notes else None,
        "cells": cell_rows(rec),
        "sections": section_rows(rec),
        "findings": finding_rows(findings),
        "checked": checked,
    }


# ------------------------------------------------------------------ writer side


class _Writer:
    """Buffers worker results and commits them in batches (one transaction each)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, parser_version: str, result: IngestResult):
        self.con = con
        self.version = parser_version
        self.result = result
        self.agencies = AgencyResolver(con)
        self.next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM reports").fetchone()[0]
        self.buf: list[dict] = []

    def add(self, item: dict) -> None:
        self.buf.append(item)

    def flush(self) -> None:
        if not self.buf:
            return
        import pandas as pd  # only the writer needs it (bulk inserts into DuckDB)

        now = time.strftime("%Y-%m-%d %H:%M:%S")
        rep: dict[str, list] = {k: [] for k in _REPORT_COLS}
        cells: dict[str, list] = {k: [] for k in ("report_id", "key", "value", "raw", "blank", "uncertain")}
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
                ck = it.get("cells") or ([], [], [], [], [])
                n = len(ck[0])
                if not it.get("sha"):  # unreadable: no content hash; keyed by its path
                    it["sha"] = "unreadable:" + hashlib.sha256(it["path"].encode()).hexdigest()
                row = dict(
                    id=rid, sha256=it["sha"], parser_version=self.version, source_path=it["path"], format=it.get("format"),
                    title=title, agency=agency, agency_id=aid, province=prov, city=city, county=county, level=level,
                    year=year, layout=template, published=iso_date(published), parsed_at=now,
                    error=it.get("error"), error_en=it.get("error_en"), checked=bool(it.get("checked")), current=not it.get("error"),
                    n_cells=n, n_blank=sum(ck[3]), n_uncertain=sum(ck[4]), notes=it.get("notes"),
                )
                for k in _REPORT_COLS:
                    rep[k].append(row[k])
                if n:
                    cells["report_id"].extend([rid] * n)
                    cells["key"].extend(ck[0])
                    cells["value"].extend(ck[1])
                    cells["raw"].extend(ck[2])
                    cells["blank"].extend(ck[3])
                    cells["uncertain"].extend(ck[4])
                secs.extend((rid, *sec) for sec in it.get("sections") or ())
                finds.extend((rid, *f, None) for f in it.get("findings") or ())
            parsed = [sha for sha, e in zip(rep["sha256"], rep["error"]) if not e]
            with transaction(con):
                # a file that failed before and is tried again replaces its failed row
                _drop_failed_rows(con, self.version, rep["sha256"], [p for p, e in zip(rep["source_path"], rep["error"]) if not e])
                self.agencies.write()
                if parsed:  # an older parser version's rows stay, but are no longer current
                    con.execute("UPDATE reports SET current = false WHERE current AND sha256 IN (SELECT unnest(?::VARCHAR[]))", [parsed])
                _insert(con, "reports", pd.DataFrame(rep, columns=list(_REPORT_COLS)).astype({"year": "Int64", "agency_id": "Int64"}))
                if cells["key"]:
                    _insert(con, "cells", pd.DataFrame(cells).astype({"value": "float64"}))
                if secs:
                    _insert(con, "sections", pd.DataFrame(secs, columns=["report_id", "seq", "no", "printed", "title", "text"]).astype({"no": "Int64", "printed": "Int64"}))
                if finds:
                    _insert_rows(con, "findings", _FINDING_COLS, finds)
        except BaseException:
            self.agencies.rollback()
            self.next_id = first_id
            raise
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


def _drop_failed_rows(con: duckdb.DuckDBPyConnection, version: str, shas: list[str], parsed_paths: list[str]) -> None:
    """A file tried again replaces its failed row: the same content (same hash), or a file at the
    same path that failed before (unreadable, or since repaired) and now reads fine."""
    con.execute(
        "DELETE FROM reports WHERE error IS NOT NULL AND ((parser_version = ? AND sha256 IN (SELECT unnest(?::VARCHAR[])))"
        " OR source_path IN (SELECT unnest(?::VARCHAR[])))",
        [version, shas, parsed_paths],
    )


_REPORT_COLS = (
    "id", "sha256", "parser_version", "source_path", "format", "title", "agency", "agency_id", "province", "city", "county",
    "level", "year", "layout", "published", "parsed_at", "error", "error_en", "checked", "current", "n_cells", "n_blank", "n_uncertain", "notes",
)


_FINDING_COLS = ("report_id", "rule", "severity", "cells", "message", "message_en", "culprit", "previous_id")


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    import pandas as pd

    df = pd.DataFrame(rows, columns=list(columns))
    for c in columns:
        if c.endswith("_id"):
            df[c] = df[c].astype("Int64")
    _insert(con, table, df)


def _insert(con: duckdb.DuckDBPyConnection, table: str, df) -> None:
    name = f"_xxgk_new_{table}"
    con.register(name, df)
    try:
        cols = ", ".join(f'"{c}"' for c in df.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")
    finally:
        con.unregister(name)


# ------------------------------------------------------------------ the run


_NO_WORKERS = (
    "parsing processes cannot run (they die on start). A script that calls xxgk.store.ingest must guard "
    "its top level with `if __name__ == \"__main__\":` (worker processes are started with 'spawn')."
)


def _pool(jobs: int, budget: Budget | None = None) -> BudgetPool:
    """Parsing workers with a per-file time and memory budget; they die with this process."""
    return BudgetPool(jobs, budget, warm=("xxgk.extract", "xxgk.store.checks"))


def _outcome(fut: Future, path: str) -> dict:
    """A worker's result, or the file's failure when its worker went over budget, died or could not start."""
    try:
        return fut.result()
    except OverBudget as e:
        zh, en = e.message("zh"), e.message("en")
        return _fail(path, _hash(Path(path)) or "", None, f"{path}：{zh}（文件可能是恶意构造的或过于庞大）", f"{path}: {en} (the file may be hostile or too large)")
    except WorkerDied:
        zh = f"{path}：解析进程异常退出（文件可能触发了解析组件的崩溃）"
        en = f"{path}: the parsing process died (the file may crash a parsing component)"
        return _fail(path, _hash(Path(path)) or "", None, zh, en)
    except WorkersCannotStart:
        raise RuntimeError(_NO_WORKERS) from None


def _hash(path: Path) -> str | None:
    try:
        if not path.is_file():  # a pipe or a device would block or never end; the worker reports it
            return None
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path | str],
    jobs: int = 2,
    batch_size: int = 200,
    batch_seconds: float = 2.0,
    parser_version: str = PARSER_VERSION,
    progress: Callable[[int, int], None] | None = None,
    cross_year: bool = True,
    budget: Budget | None = None,
    result: IngestResult | None = None,
    stop_event=None,
) -> IngestResult:
    """Ingest files into the store (see the module doc).  Ctrl-C commits what is done and returns.

    ``result``, when given, is filled as the run goes (a caller in another thread reads the
    failures so far from it, e.g. the desk's progress bar); ``stop_event`` (a threading.Event),
    when set, stops the run between batches as Ctrl-C does, and waits for the workers to end."""
    t0 = time.monotonic()
    files = [str(p) for p in paths]
    res = result if result is not None else IngestResult()
    res.total = len(files)
    # files that failed before are tried again (a reader may have been installed since); their old row is replaced
    known = {r[0] for r in con.execute("SELECT sha256 FROM reports WHERE parser_version = ? AND error IS NULL", [parser_version]).fetchall()}
    writer = _Writer(con, parser_version, res)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, len(files))

    todo: deque[str] = deque(files)  # not hashed yet: hashing overlaps with the workers' parsing
    seen: set[str] = set()

    def next_fresh() -> str | None:
        """The next file not stored yet (duplicates are counted and skipped)."""
        while todo:
            p = todo.popleft()
            sha = _hash(Path(p))
            if sha is not None and (sha in known or sha in seen):
                res.duplicates += 1
                tick()
                continue
            if sha is not None:
                seen.add(sha)
            return p
        return None

    last_flush = time.monotonic()

    def maybe_flush(force: bool = False) -> None:
        nonlocal last_flush
        if force or len(writer.buf) >= batch_size or (writer.buf and time.monotonic() - last_flush >= batch_seconds):
            writer.flush()
            last_flush = time.monotonic()

    jobs = max(1, int(jobs))
    window = jobs * 64  # enough queued work to keep the workers busy while the writer commits
    pool: BudgetPool | None = None
    inflight: dict[Future, str] = {}
    retried: set[str] = set()
    stop = _StopOnCtrlC(stop_event)
    try:
        while (todo or inflight) and not stop.requested:
            while todo and len(inflight) < window:
                p = next_fresh()
                if p is None:
                    break
                if pool is None:
                    pool = _pool(jobs, budget)
                inflight[pool.submit(parse_one, p)] = p
            if not inflight:
                continue
            finished, _ = wait(list(inflight), timeout=batch_seconds, return_when=FIRST_COMPLETED)
            for fut in finished:
                p = inflight.pop(fut)
                if isinstance(fut.exception(), WorkerDied) and p not in retried:
                    retried.add(p)  # a worker killed from outside gets a second chance; one the file kills twice does not
                    inflight[pool.submit(parse_one, p)] = p
                    continue
                writer.add(_outcome(fut, p))
                tick()
            maybe_flush()
        # Ctrl-C: what was received is committed below; the files in flight are parsed again next run
        res.interrupted = stop.requested
        maybe_flush(force=True)
        if pool is not None and not res.interrupted:  # the parsing is over: end the workers before the checks on the store
            pool.shutdown(wait=True)
            pool = None
        if cross_year and not stop.requested:
            check_stored(con, res, stop=stop)
            cross_check(con, res, stop=stop)
            res.interrupted = stop.requested
    finally:
        stop.restore()
        if pool is not None:
            pool.shutdown(wait=not res.interrupted or stop_event is not None, cancel_futures=True)
    res.seconds = time.monotonic() - t0
    return res


# ------------------------------------------------------------------ after the batches


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
    if not checker_available():
        return 0
    ids = [r[0] for r in con.execute("SELECT id FROM reports WHERE error IS NULL AND NOT checked ORDER BY id").fetchall()]
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
            con.execute("UPDATE reports SET checked = true WHERE id IN (SELECT unnest(?::INTEGER[]))", [done_ids])
        _count(res, rows)
    return len(ids)


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


def cross_check(con: duckdb.DuckDBPyConnection, res: IngestResult | None = None, chunk: int = 200, stop=None) -> int:
    """XG6xx for every (report, same agency's previous-year report) pair not compared yet."""
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
        recs = records_from_store(con, [x for pair in part for x in pair], with_findings=False)
        rows, compared = [], []
        for rid, pid in part:
            if rid not in recs or pid not in recs:
                continue
            try:
                found, _ = cross_year_findings(recs[rid], recs[pid])
            except Exception:  # a checker bug: this pair is compared again next time
                continue
            compared.append((rid, pid))
            rows.extend((rid, *f, pid) for f in finding_rows(found))
        with transaction(con):
            if rows:
                _insert_rows(con, "findings", _FINDING_COLS, rows)
            if compared:
                _insert_rows(con, "cross_checks", ("report_id", "previous_id"), compared)
        _count(res, rows)
        if res is not None:
            res.cross_checked += len(compared)
    return len(pairs)

