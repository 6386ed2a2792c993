"""The store: an embedded DuckDB database of reports, cells, findings and sections.

::

    from xxgk.store import connect, ingest
    con = connect("xxgk.duckdb")
    result = ingest(con, paths, jobs=2)

Modules: ``schema`` (tables and versioned migrations), ``ingest`` (parallel,
resumable batch ingest), ``agencies`` (names, regions, levels, merge/rename),
``records`` (record ⇄ rows, :func:`record_from_store`), ``summary`` (the
regional summary), ``export`` (the wide table), ``checks`` (the door to the
checker).  docs/store.md documents the schema.
"""

from __future__ import annotations

__all__ = ["DEFAULT_DB", "SCHEMA_VERSION", "connect", "ingest", "record_from_store", "records_from_store"]


def ingest(con, paths, **kw):
    """See :func:`xxgk.store.ingest.ingest` (imported lazily)."""
    from .ingest import ingest as _ingest

    return _ingest(con, paths, **kw)


def __getattr__(name: str):
    """``connect``, ``record_from_store``… imported on first use: an ingest worker imports
    :mod:`xxgk.store.work` without loading DuckDB."""
    if name in ("DEFAULT_DB", "SCHEMA_VERSION", "connect"):
        from . import schema

        return getattr(schema, name)
    if name in ("record_from_store", "records_from_store"):
        from . import records

        return getattr(records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
