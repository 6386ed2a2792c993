"""How the C library's allocator treats freed memory, set once by each xxgk process.

The HTML reader's parser (lexbor) allocates about 0.5 MiB for a 150 KiB page and
frees it with the tree.  glibc hands freed memory above its trim threshold
(128 KiB by default) back to the system at once, so every next page touched fresh
memory again: about 100 page faults a page, a tenth of the reading's CPU time,
spent in the kernel.  :func:`keep_freed_memory` lets glibc keep up to
:data:`KEEP_FREED_MEMORY` for the next page.

A process-wide setting, so the library never makes it on import: the processes
that parse one file after another make it — the worker processes
(``workers._worker_main``: every ``xxgk parse``/``check``/``ingest`` of more than a
few small text files, and the review desk's uploads, go through them) — and
``bench_parse``, which parses as a worker does.  (A command that parses a few
small texts in its own process reads no HTML, and does not pay for ``ctypes``.)
It does nothing on other C libraries (Windows, macOS) or where the user tuned
malloc through the environment.
"""

from __future__ import annotations

import os
import sys

KEEP_FREED_MEMORY = 32 << 20
_M_TRIM_THRESHOLD = -1  # (glibc's malloc.h)


def keep_freed_memory() -> bool:
    """Ask glibc to keep up to :data:`KEEP_FREED_MEMORY` of freed memory; whether it was asked."""
    if not sys.platform.startswith("linux"):
        return False
    if "MALLOC_TRIM_THRESHOLD_" in os.environ or "glibc.malloc" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:
        import ctypes  # (only here: nothing else at start-up needs it)

        return bool(ctypes.CDLL(None).mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_MEMORY))
    except Exception:  # noqa: BLE001 - a C library without mallopt (musl, …): leave it as it is
        return False
