"""Ingest into a real DuckDB file: idempotence, parser upgrades, corrupt files, record round trip."""

from __future__ import annotations

import os

import pytest
from store_helpers import SEEDS, seeds_db, copy_seeds, seed_files  # noqa: F401 (seeds_db is a fixture)

import xxgk
from xxgk.store import connect, record_from_store
from xxgk.store.ingest import ingest
from xxgk.store.schema import SCHEMA_VERSION



def _counts(con) -> dict:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("reports", "cells", "sections", "findings", "agencies", "agency_aliases")}


def test_schema_is_versioned(tmp_path):
    db = tmp_path / "x.duckdb"
    con = connect(db)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    con.close()
    con = connect(db)  # opening again applies nothing twice
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_reingest_changes_nothing(tmp_path):
    db = tmp_path / "x.duckdb"
    con = connect(db)
    files = seed_files()
    first = ingest(con, files, jobs=2)
    assert (first.ingested, first.duplicates, first.failed) == (5, 0, [])
    before = _counts(con)
    assert before["reports"] == 5 and before["cells"] > 500
    # the same files again, and the same content under another name
    again = ingest(con, files + copy_seeds(tmp_path / "copies"), jobs=2)
    assert (again.ingested, again.duplicates, again.failed) == (0, 10, [])
    assert _counts(con) == before


@pytest.mark.parametrize("held", [200_000, 0], ids=["old-hashes-held", "too-many-to-hold"])
def test_parser_upgrade_reparses_and_keeps_the_old_version(tmp_path, monkeypatch, held):
    from xxgk.store.ingest import _Writer

    monkeypatch.setattr(_Writer, "OLDER_HELD", held)  # the writer knows the old version's hashes, or updates every batch
    con = connect(tmp_path / "x.duckdb")
    files = seed_files()
    ingest(con, files, jobs=1, parser_version="0.1.0")
    res = ingest(con, files, jobs=1, parser_version="0.2.0")
    assert res.ingested == 5 and res.duplicates == 0
    rows = con.execute("SELECT parser_version, count(*), count(*) FILTER (WHERE current) FROM reports GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [("0.1.0", 5, 0), ("0.2.0", 5, 5)]
    assert con.execute("SELECT count(*) FROM current_reports").fetchone()[0] == 5
    # the old version's cells are still there
    n_old = con.execute("SELECT count(*) FROM cells c JOIN reports r ON r.id = c.report_id WHERE r.parser_version = '0.1.0'").fetchone()[0]
    n_new = con.execute("SELECT count(*) FROM cells c JOIN reports r ON r.id = c.report_id WHERE r.parser_version = '0.2.0'").fetchone()[0]
    assert n_old == n_new > 0


def test_corrupt_file_in_the_middle_of_a_batch(tmp_path):
    folder = tmp_path / "in"
    seeds = copy_seeds(folder)
    bad_zip = folder / "002a_broken.docx"
    bad_zip.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    binary = folder / "002b_binary.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    empty = folder / "002c_empty.txt"
    empty.write_bytes(b"")
    files = sorted(folder.iterdir())
    assert files.index(bad_zip) not in (0, len(files) - 1)
    con = connect(tmp_path / "x.duckdb")
    res = ingest(con, files, jobs=2)
    assert res.ingested == len(seeds)
    failed = {p for p, _, _ in res.failed}
    assert failed == {str(bad_zip), str(binary), str(empty)}
    for _, zh, en in res.failed:
        assert "\n" not in zh and "Traceback" not in zh and en
    rows = dict(con.execute("SELECT source_path, error FROM reports WHERE error IS NOT NULL").fetchall())
    assert set(rows) == failed
    assert "为空" in rows[str(empty)]
    # failed files are tried again on the next run (a reader may have been installed), without piling up rows
    again = ingest(con, files, jobs=1)
    assert again.ingested == 0 and again.duplicates == len(seeds) and len(again.failed) == 3
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == len(seeds) + 3


def test_record_from_store_round_trip(seeds_db):
    con = connect(seeds_db, read_only=True)
    for path in seed_files():
        rec = xxgk.parse_path(path)
        rid = con.execute("SELECT id FROM current_reports WHERE source_path = ?", [str(path)]).fetchone()[0]
        back = record_from_store(con, rid)
        assert back.cells == rec.cells
        assert list(back.cells) == list(rec.cells)  # order kept
        assert back.raw == rec.raw
        assert back.uncertain == rec.uncertain
        assert back.meta == rec.meta
        assert back.source == rec.source
        assert [(s.no, s.title, s.text) for s in back.sections] == [(s.no, s.title, s.text) for s in rec.sections]


def test_blank_cells_are_stored_as_blank_not_zero(seeds_db):
    con = connect(seeds_db, read_only=True)
    rows = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE blank AND value IS NULL) FROM cells c JOIN reports r ON r.id = c.report_id WHERE r.source_path LIKE '%003_%' AND key LIKE 't3.%'"
    ).fetchone()
    assert rows[0] > 100 and rows[0] == rows[1]


def test_the_writer_stores_the_same_rows_from_the_workers_compact_cells_and_from_plain_lists(tmp_path):
    """Workers send a record's cells as compact columns (cell_columns); callers that build rows
    themselves (the synthetic store) hand the writer plain lists (cell_rows): same tables."""
    from xxgk.store.ingest import IngestResult, _Writer, parse_one
    from xxgk.store.records import cell_rows

    tables = []
    for form in ("compact", "lists"):
        con = connect(tmp_path / f"{form}.duckdb")
        writer = _Writer(con, "test", IngestResult())
        for path in seed_files():
            item = parse_one(str(path))
            if form == "lists":
                item["cells"] = cell_rows(xxgk.parse_path(str(path)))
            writer.add(item)
        writer.flush()
        got = {t: con.execute(f"SELECT * EXCLUDE (parsed_at) FROM {t} ORDER BY ALL" if t == "reports" else f"SELECT * FROM {t} ORDER BY ALL").fetchall()
               for t in ("reports", "cells", "report_cells")}
        assert got["cells"] and len(got["report_cells"]) == 5
        assert sum(r[4] for r in got["cells"]) > 0  # some blank cells: stored blank (NULL), not 0
        assert all(r[2] is None for r in got["cells"] if r[4])
        blank = [(rid, key) for rid, key, _, _, b, _ in got["cells"] if b]
        wide = [con.execute(f'SELECT "{key}" IS NULL AND list_contains(blank_keys, ?) FROM report_cells WHERE report_id = ?', [key, rid]).fetchone()[0]
                for rid, key in blank]
        assert wide and all(wide)  # blank in the wide table too: NULL and listed, never 0 or NaN
        tables.append(got)
        con.close()
    assert tables[0] == tables[1]


def test_an_ingest_worker_parses_without_loading_duckdb():
    """The task the writer sends (pickled by reference) loads the parser and the checker, not the store's engine."""
    import pickle
    import subprocess
    import sys

    from conftest import REPO
    from xxgk.store.ingest import parse_one

    task = pickle.dumps((parse_one, (str(seed_files()[0]),)))
    code = "import pickle, sys; f, a = pickle.loads(sys.stdin.buffer.read()); r = f(*a); print(len(r['cells'][4]), 'duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], input=task, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")}, check=True)
    cells, duck = out.stdout.decode().split()
    assert int(cells) > 10 and duck == "False"


def test_the_writer_finds_regions_without_pandas(tmp_path):
    """The writer reads agencies' regions with cpca's matcher and never loads pandas (≈ 0.4 s of every ingest)."""
    import subprocess
    import sys

    from conftest import REPO

    db = tmp_path / "x.duckdb"
    code = (
        "import sys; from pathlib import Path; from xxgk.store import connect; from xxgk.store.ingest import ingest\n"
        "if __name__ == '__main__':\n"
        "    con = connect(sys.argv[1]); res = ingest(con, sorted(Path(sys.argv[2]).glob('*.txt')), jobs=1)\n"
        "    regions = con.execute('SELECT count(*) FROM agencies WHERE province IS NOT NULL').fetchone()[0]\n"
        "    print(res.ingested, regions, 'pandas' in sys.modules)\n"
    )
    script = tmp_path / "run.py"
    script.write_text(code, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script), str(db), str(SEEDS)], capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")}, check=True, timeout=300
    )
    ingested, regions, pandas = out.stdout.decode().split()
    assert int(ingested) == len(seed_files()) and int(regions) >= 1 and pandas == "False"


def test_cells_travel_as_slots_and_a_key_outside_the_layouts_by_name(tmp_path):
    """A worker sends a record's cell keys as their places in the layouts; a record holding a key the
    layouts do not know sends its keys by name.  The writer stores both records' cells in their order."""
    from xxgk.store.ingest import IngestResult, _Writer
    from xxgk.store.work import cell_columns

    rec = xxgk.parse_path(str(seed_files()[0]))
    plain = cell_columns(rec)
    assert plain[0] is None and len(plain[4]) == len(rec.cells) > 10 and -1 not in plain[4]
    odd = xxgk.parse_path(str(seed_files()[0]))
    odd.cells = {"t3.local.extra": 7, **odd.cells}
    odd.raw["t3.local.extra"] = "七"
    named = cell_columns(odd)
    assert named[0] == list(odd.cells) and named[4][0] == -1
    con = connect(tmp_path / "x.duckdb")
    writer = _Writer(con, "test", IngestResult())
    for i, cols in enumerate((plain, named)):
        writer.add({"path": f"/r{i}.txt", "sha": f"{i}" * 64, "format": "text", "meta": (None, None, 2021, None, "2021"), "cells": cols})
    writer.flush()
    for rid, r in ((1, rec), (2, odd)):
        rows = con.execute("SELECT key, value, raw FROM cells WHERE report_id = ? ORDER BY rowid", [rid]).fetchall()
        assert [k for k, _, _ in rows] == list(r.cells)
        assert [v for _, v, _ in rows] == [None if v is None else float(v) for v in r.cells.values()]
        assert [x for _, _, x in rows] == [r.raw.get(k) for k in r.cells]
    assert con.execute('SELECT count(*) FROM report_cells WHERE report_id = 2 AND "t3.new.total" IS NOT NULL').fetchone()[0] == 1
    back = record_from_store(con, 2)
    assert back.cells == odd.cells and list(back.cells) == list(odd.cells) and back.raw.get("t3.local.extra") == "七"
