"""Fixtures of the store tests: a real DuckDB file in a temp dir, the seeds ingested once."""

from __future__ import annotations

import pytest
from store_helpers import seed_files

from xxgk.store import connect
from xxgk.store.ingest import ingest


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory):
    """A store holding the five seeds (module-scoped: ingested once, read by many tests)."""
    path = tmp_path_factory.mktemp("seeds") / "xxgk.duckdb"
    con = connect(path)
    res = ingest(con, seed_files(), jobs=1)
    assert res.ingested == 5 and not res.failed
    con.close()
    return path
