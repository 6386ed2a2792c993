"""What an ingest worker does with one file: read, extract, check, and the rows for the writer.

It imports neither DuckDB nor the writer's modules: a worker process (local or
on a Dask cluster) loads only the parser and the checker.
:func:`parse_one` never raises; its result is a dict of plain values that the
single writer (:mod:`xxgk.store.ingest`) inserts.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from functools import cache, lru_cache

from .checks import run_checks
from .records import finding_rows, section_rows


def set_ocr_threads(threads: int) -> None:
    """OCR (onnxruntime) threads of this worker: the cores shared out among the workers, unless the user chose."""
    import os

    if threads > 0 and not os.environ.get("XXGK_OCR_THREADS"):
        os.environ["XXGK_OCR_THREADS"] = str(threads)


def ocr_threads_for(jobs: int) -> int:
    """Each of ``jobs`` workers on this machine gets its share of the cores for OCR (at least one)."""
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, cores // max(1, jobs))


def _fail(path: str, sha: str, fmt: str | None, zh: str, en: str) -> dict:
    return {"path": path, "sha": sha, "format": fmt, "error": zh, "error_en": en}


@cache
def _slots() -> dict[str, int]:
    """Each cell key's place in :func:`xxgk.layouts.all_cell_keys` (the wide table's columns when it was made)."""
    from ..layouts import all_cell_keys

    return {k: i for i, k in enumerate(all_cell_keys())}


def cell_columns(rec) -> tuple:
    """A record's cells as the writer inserts them, built in the worker and cheap to send:
    ``(keys, values, raws, flags, slots, n_blank, n_uncertain)`` — ``values`` an
    ``array('d')`` (NaN where the cell is blank), ``flags`` one byte a cell (1 blank,
    2 uncertain), ``slots`` an ``array('h')`` of each key's place in
    :func:`xxgk.layouts.all_cell_keys` (-1 for a key outside it).  ``keys`` is None when
    every key has a place (the writer reads them from ``slots``: 200 strings fewer to send),
    ``raws`` None when no cell has a raw text."""
    nan = float("nan")
    cells = rec.cells
    keys = list(cells)
    vals = list(cells.values())
    values = array("d", [nan if v is None else v for v in vals])
    raw = rec.raw
    raws = [raw.get(k) for k in keys] if raw else None
    flags = bytearray(len(keys))
    n_blank = 0
    for i, v in enumerate(vals):
        if v is None:
            flags[i] = 1
            n_blank += 1
    n_unc = 0
    if rec.uncertain:
        unc = set(rec.uncertain)
        for i, k in enumerate(keys):
            if k in unc:
                flags[i] |= 2
                n_unc += 1
    slots = _slots_of(tuple(keys))
    return (None if -1 not in slots else keys), values, raws, bytes(flags), slots, n_blank, n_unc


@lru_cache(maxsize=256)
def _slots_of(keys: tuple[str, ...]) -> array:
    """The slots of a record's keys (records of one layout share their key order: computed once)."""
    slot = _slots()
    return array("h", [slot.get(k, -1) for k in keys])


def _as_columns(ck) -> tuple:
    """The writer's cell columns from either form a caller hands it: :func:`cell_columns`,
    or the plain lists of :func:`xxgk.store.records.cell_rows` (keys, values, raws, blanks, uncertains)."""
    if len(ck) == 7:
        return ck
    keys, values, raws, blanks, uncs = ck
    nan = float("nan")
    slot = _slots()
    return (
        list(keys), array("d", [nan if v is None else float(v) for v in values]), list(raws),
        bytes(bool(b) | (bool(u) << 1) for b, u in zip(blanks, uncs)), array("h", [slot.get(k, -1) for k in keys]),
        sum(map(bool, blanks)), sum(map(bool, uncs)),
    )


def parse_one(path: str, sha: str | None = None) -> dict:
    """Read, extract and check one file; never raises (errors are returned).

    ``sha`` is the file's sha256 when the caller has hashed it already (each file is hashed once)."""
    from .. import parse_bytes
    from ..read import ReadError, detect_format, file_bytes

    try:
        data = file_bytes(path)
    except ReadError as e:
        return _fail(path, sha or "", None, e.message("zh"), e.message("en"))
    sha = sha or hashlib.sha256(data).hexdigest()
    fmt = None
    try:
        fmt = detect_format(data)
        rec = parse_bytes(data, path)  # a fill-in workbook too; a file that is not a report is refused
    except ReadError as e:
        return _fail(path, sha, fmt, e.message("zh"), e.message("en"))
    except Exception as e:  # an extractor bug must not stop the batch
        return _fail(path, sha, fmt, f"{path}：解析失败（{type(e).__name__}: {e}）", f"{path}: parsing failed ({type(e).__name__}: {e})")
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
        "cells": cell_columns(rec),
        "sections": section_rows(rec),
        "findings": finding_rows(findings),
        "checked": checked,
    }
