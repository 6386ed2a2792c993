"""Issue 13 (ingest start-up): the fast paths of the ingest's fixed costs store what the plain forms store."""

from __future__ import annotations

from store_helpers import copy_seeds, store_rows, write_synthetic

from xxgk.store import connect
from xxgk.store import ingest as ingest_mod


def test_the_end_on_one_thread_stores_what_the_parallel_end_stores(tmp_path, monkeypatch):
    """Below a row group of reports the grouping and the cube run on DuckDB's one thread;
    with every thread (the plain form) the rows are the same, cube included."""
    files = copy_seeds(tmp_path / "in") + write_synthetic(tmp_path / "in" / "gen", 40)
    one = connect(tmp_path / "one.duckdb")
    assert not ingest_mod._parallel_pays(one)  # an empty store: one thread
    ingest_mod.ingest(one, files, jobs=2)
    monkeypatch.setattr(ingest_mod, "_parallel_pays", lambda con: True)
    every = connect(tmp_path / "every.duckdb")
    every.execute("SET threads = 4")
    ingest_mod.ingest(every, files, jobs=2)
    assert every.execute("SELECT current_setting('threads')").fetchone()[0] == 4  # the setting is given back
    a, b = store_rows(one), store_rows(every)
    assert a["summary_cube"] and a["report_figures"] and len(a["reports"]) == 45
    for table in a:
        assert a[table] == b[table], table
