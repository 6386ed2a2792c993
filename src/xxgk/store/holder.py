"""Who holds a store.  DuckDB lets one process write a database file (or many
read it), never both; ``xxgk serve`` owns its store while it runs and leaves a
note beside it (``FILE.serve.json``: process id and address), so that another
command that cannot open the file can say in one line why, and where to go.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def note_path(db: str | Path) -> Path:
    return Path(str(db) + ".serve.json")


def claim(db: str | Path, url: str) -> Path:
    """Write the note of this process (the desk calls this once the store is open)."""
    p = note_path(db)
    p.write_text(json.dumps({"pid": os.getpid(), "url": url}, ensure_ascii=False), encoding="utf-8")
    return p


def release(db: str | Path) -> None:
    p = note_path(db)
    try:
        if json.loads(p.read_text(encoding="utf-8")).get("pid") == os.getpid():
            p.unlink()
    except (OSError, ValueError):
        pass


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would send Ctrl-C there: trust the note (the lock error says the rest)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def holder(db: str | Path) -> dict | None:
    """{'pid', 'url'} of the desk that holds ``db``, or None (no note, or its process is gone)."""
    try:
        info = json.loads(note_path(db).read_text(encoding="utf-8"))
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info if pid != os.getpid() and _alive(pid) else None
