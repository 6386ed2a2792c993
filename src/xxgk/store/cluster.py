"""Parsing on a Dask distributed cluster: ``xxgk ingest --cluster tcp://HOST:8786``.

:class:`DaskPool` is an :class:`xxgk.store.ingest.Executor`: the ingest loop
hands it files exactly as it hands them to the local process pool, and the
results come back to the one writer in this process — so the store, the
resume after an interruption, the duplicate check and the failure rows are the
very same as a local ingest.  What the cluster adds:

* The workers read the files by their path: every worker must see the same
  paths (a shared folder — NFS, a mounted bucket — or the same copy on each
  machine).  Each worker needs the same xxgk installed (``pip install xxgk``
  with the same ``requirements.lock``).
* A worker that dies (killed, out of memory, its machine gone) loses nothing:
  the scheduler runs its tasks again on another worker.  A file that kills
  every worker it is given (the scheduler's ``allowed-failures``, 3 by
  default) is recorded as failed, with the same message as a local crash.
* OCR uses one thread per task unless ``XXGK_OCR_THREADS`` is set on the
  workers: run one single-threaded worker process per core
  (``dask worker ADDRESS --nworkers N --nthreads 1``).

docs/scale.md says how to run a cluster on N machines.
"""

from __future__ import annotations

import uuid

from .ingest import BROKEN, DIED, DONE, Executor, parse_one, set_ocr_threads


def parse_task(path: str, sha: str | None) -> dict:
    """What a cluster worker runs: :func:`xxgk.store.ingest.parse_one` with one OCR thread."""
    set_ocr_threads(1)
    return parse_one(path, sha)


class ClusterError(RuntimeError):
    """The cluster cannot be reached, or lost the work (its scheduler went away)."""


class DaskPool(Executor):
    """Files parsed by the workers of the Dask scheduler at ``address``."""

    def __init__(self, address: str, per_thread: int = 16, timeout: float | None = None):
        from distributed import Client

        try:  # timeout None: dask's distributed.comm.timeouts.connect (30 s unless configured)
            self.client = Client(address, set_as_default=False, **({"timeout": timeout} if timeout else {}))
        except (OSError, TimeoutError) as e:
            raise ClusterError(f"cannot reach the Dask scheduler at {address} ({e})") from None
        threads = sum(self.client.nthreads().values()) or 1
        self.capacity = max(8, threads * per_thread)  # enough queued work that no worker waits
        self.address = address

    def threads(self) -> int:
        return sum(self.client.nthreads().values())

    def submit(self, path: str, sha: str | None):
        return self.client.submit(parse_task, path, sha, key=f"xxgk-parse-{uuid.uuid4().hex}", pure=False)

    def wait(self, handles, timeout: float) -> list:
        from distributed import wait as dask_wait

        handles = list(handles)
        try:
            with self.client.as_current():
                dask_wait(handles, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass
        return [h for h in handles if h.done()]

    def outcome(self, handle) -> tuple[str, dict | None]:
        from distributed import KilledWorker

        try:
            # a result lost with its worker (killed after it finished the task) is computed again by the
            # scheduler, since this client still wants it: result() waits for that
            return DONE, handle.result()
        except KilledWorker:  # it killed every worker it was given: this file's fault
            return DIED, None
        except Exception as exc:  # cancelled (the scheduler went away) or a failure outside parse_one
            raise ClusterError(
                f"the cluster lost the work ({handle.status}: {type(exc).__name__} {exc}); run the same command again to resume"
            ) from None

    def recover(self) -> None:  # never BROKEN: the scheduler reschedules a dead worker's tasks itself
        pass

    def close(self, cancel: bool) -> None:
        try:
            self.client.close()
        except Exception:  # closing a client whose scheduler is gone
            pass


__all__ = ["BROKEN", "ClusterError", "DaskPool", "parse_task"]
