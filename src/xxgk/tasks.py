"""What a budgeted worker (:mod:`xxgk.workers`) does for one file of ``parse`` or ``check``.

Each task raises nothing but :class:`xxgk.read.ReadError`: an extractor or
checker failure on a malformed file is turned into the same one-line error.
"""

from __future__ import annotations

from .model import Record
from .read import ReadError


def parse_file(path: str) -> Record:
    from . import parse_path

    try:
        return parse_path(path)
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 - an extractor failure is the file's error line, never a traceback
        raise ReadError(str(path), f"解析失败（{type(e).__name__}: {e}）", "文件可能已损坏", f"parsing failed ({type(e).__name__}: {e})", "the file may be corrupt") from None


def parse_json(path: str, provenance: bool = False) -> bytes:
    """The record of ``path`` as one line of report-json (what ``xxgk parse --format json`` prints)."""
    from .model import encode_record

    return encode_record(parse_file(path), provenance)


def check_file(path: str, previous: Record | None = None, select: list[str] | None = None, ignore: list[str] | None = None) -> Record:
    """The record of ``path`` with its findings."""
    from .check import check_record

    rec = parse_file(path)
    try:
        rec.findings = check_record(rec, previous=previous, select=select, ignore=ignore)
    except Exception as e:  # noqa: BLE001
        raise ReadError(str(path), f"检查失败（{type(e).__name__}: {e}）", "", f"checking failed ({type(e).__name__}: {e})") from None
    return rec
