"""The desk's state: the store it owns, and the queue of uploads being ingested.

DuckDB allows one writing process; the desk is it.  It opens the store once
(read-write) and gives every request its own cursor on that connection
(DuckDB's way for threads).  Uploads become jobs that one background thread
ingests, one after the other, through :func:`xxgk.store.ingest.ingest` — the
same function as ``xxgk ingest`` — so two browsers uploading at once lose
nothing and a file uploaded twice is stored once.  A job's progress (files
done, rate, failures so far) lives here, so a page reloaded mid-run finds it.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..store import connect
from ..store.ingest import IngestResult, ingest
from .uploads import Limits


@dataclass
class Job:
    id: int
    names: list[str]  # what the browser sent (file names, zip members)
    files: list[Path]  # what is ingested (the kept copies)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, reason) refused before ingest
    state: str = "queued"  # queued | running | done | error
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    done: int = 0
    result: IngestResult = field(default_factory=IngestResult)
    error: str | None = None

    def as_dict(self) -> dict:
        r = self.result
        end = self.finished or time.time()
        secs = (end - self.started) if self.started else 0.0
        failed = []
        for p, zh, _ in list(r.failed):
            name = Path(p).name.split("-", 1)[-1]  # the kept copy's name: <hash>-<name as uploaded>
            failed.append({"name": name, "reason": zh.replace(str(p), name)})
        failed += [{"name": n, "reason": why} for n, why in self.refused]
        return {
            "id": self.id,
            "state": self.state,
            "total": len(self.files),
            "done": self.done,
            "ingested": r.ingested,
            "duplicates": r.duplicates,
            "failed": failed,
            "n_failed": len(failed),
            "rate": round(self.done / secs, 1) if secs > 0 else 0.0,
            "seconds": round(secs, 1),
            "error": self.error,
            "errors_found": r.severities.get("error", 0),
            "warnings_found": r.severities.get("warning", 0),
        }


class Desk:
    def __init__(self, db: str | Path, jobs: int = 2, upload_dir: str | Path | None = None, limits: Limits | None = None):
        self.db = Path(db)
        self.con = connect(self.db)
        self.jobs_n = max(1, int(jobs))
        self.upload_dir = (Path(upload_dir) if upload_dir else Path(str(self.db) + ".uploads")).resolve()  # kept paths stay valid from any folder
        self.limits = limits or Limits()
        self.jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._run, name="xxgk-ingest", daemon=True)
        self._worker.start()
        self.generation = 0  # bumped by every write: caches keyed on it are exact
        self._cache: dict = {}
        self._cache_lock = threading.Lock()
        self._last_bump = time.time()
        self.on_change: list = []  # called (in a thread) after a write: e.g. to warm the dashboard again
        self._warmers: list[threading.Thread] = []

    def cursor(self):
        return self.con.cursor()

    # ---------------------------------------------------------------- results kept until the next write

    def memo(self, key: tuple, compute):
        """``compute()``, kept until the store changes (the desk is its only writer, so the cache is exact)."""
        full = (key, self.generation)
        with self._cache_lock:
            if full in self._cache:
                return self._cache[full]
        value = compute()
        with self._cache_lock:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[full] = value
        return value

    def changed(self, warm: bool = True) -> None:
        """The store was written: forget kept results (and warm the usual ones again in the background)."""
        with self._cache_lock:
            self.generation += 1
            self._cache.clear()
            self._last_bump = time.time()
        if warm and not self._stop.is_set():
            for fn in self.on_change:
                t = threading.Thread(target=fn, daemon=True)
                self._warmers = [w for w in self._warmers if w.is_alive()] + [t]
                t.start()

    # ---------------------------------------------------------------- jobs

    def submit(self, names: list[str], files: list[Path], refused: list[tuple[str, str]]) -> Job:
        with self._lock:
            job = Job(id=next(self._ids), names=names, files=files, refused=refused)
            self.jobs[job.id] = job
        if files:
            self._queue.put(job)
        else:
            job.state, job.finished = "done", time.time()
        return job

    def job(self, job_id: int) -> Job | None:
        return self.jobs.get(job_id)

    def recent_jobs(self, n: int = 10) -> list[Job]:
        with self._lock:
            return sorted(self.jobs.values(), key=lambda j: -j.id)[:n]

    def busy(self) -> bool:
        return any(j.state in ("queued", "running") for j in self.jobs.values())

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None or self._stop.is_set():
                if job is not None:
                    job.state, job.error = "error", "审阅台关闭，未入库：重新上传即可"
                return
            job.state, job.started = "running", time.time()
            cur = self.con.cursor()
            try:
                def tick(done: int, total: int, job: Job = job) -> None:
                    job.done = done
                    if time.time() - self._last_bump > 10:  # while a long ingest runs, the figures follow every 10 s
                        self.changed(warm=False)

                ingest(cur, job.files, jobs=self.jobs_n, progress=tick, result=job.result, stop_event=self._stop)
                job.state = "error" if job.result.interrupted else "done"
                if job.result.interrupted:
                    job.error = "审阅台关闭，入库中断：已入库的保留，重新上传同一批文件即可继续"
            except Exception as e:  # the job fails in one line; the desk goes on
                job.state, job.error = "error", f"入库中断：{type(e).__name__}: {e}".splitlines()[0]
            finally:
                job.finished = time.time()
                cur.close()
                self.changed()

    def wait_idle(self, timeout: float = 600) -> bool:
        end = time.time() + timeout
        while self.busy() and time.time() < end:
            time.sleep(0.1)
        return not self.busy()

    def close(self) -> None:
        """Stop: an ingest in flight commits what it has and its parsing processes end; then the store is closed."""
        self._stop.set()
        self._queue.put(None)
        self._worker.join(timeout=120)
        for t in self._warmers:
            t.join(timeout=120)
        try:
            self.con.close()
        except Exception:
            pass
