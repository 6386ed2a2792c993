"""Hostile users and slips of the hand: no command destroys or leaks.

Real DuckDB files, real processes holding the lock, real spreadsheets read
back with openpyxl.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from hostile_inputs import SEEDS, seed_text
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.store import connect
from xxgk.store.ingest import ingest

runner = CliRunner()
SRC = Path(__file__).resolve().parents[2] / "src"
EVIL = "=HYPERLINK(1)金华市生态环境局金东分局"  # an agency name that a spreadsheet would run as a formula


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """The seeds plus a report whose first line is a spreadsheet formula (its agency starts with '=')."""
    folder = tmp_path_factory.mktemp("in")
    for p in sorted(SEEDS.glob("*.txt")):
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "evil.txt").write_text(seed_text().replace("金华市生态环境局金东分局", EVIL), encoding="utf-8")
    db = folder.parent / "store.duckdb"
    con = connect(db)
    res = ingest(con, sorted(folder.iterdir()), jobs=1)
    agencies = {r[0] for r in con.execute("SELECT agency FROM reports").fetchall()}
    con.close()
    assert res.ingested == 6 and not res.failed
    assert EVIL in agencies  # the hostile name is in the store: the outputs below must defuse it
    return db


def _count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        con.close()


# ------------------------------------------------------------------ outputs


def test_export_never_writes_over_the_store(store):
    r = _run("export", "--db", store, "-o", store, "--format", "csv")
    assert r.exit_code == 2 and "数据库" in r.output
    assert _count(store) == 6  # the store is intact
    r = _run("export", "--db", store, "-o", str(store) + ".wal", "--format", "csv", "--force")
    assert r.exit_code == 2  # nor over its write-ahead log, even with --force
    link = store.parent / "alias.csv"
    link.symlink_to(store)
    r = _run("export", "--db", store, "-o", link, "--force")
    assert r.exit_code == 2 and _count(store) == 6


def test_outputs_refuse_existing_files_and_folders_without_force(store, tmp_path):
    out = tmp_path / "cells.csv"
    out.write_text("keep me", encoding="utf-8")
    r = _run("export", "--db", store, "-o", out)
    assert r.exit_code == 2 and "--force" in r.output and out.read_text(encoding="utf-8") == "keep me"
    r = _run("export", "--db", store, "-o", out, "--force")
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").startswith("path,")
    r = _run("summary", "--db", store, "-o", tmp_path)  # a folder
    assert r.exit_code == 2 and "目录" in r.output and "Traceback" not in r.output
    s = tmp_path / "s.csv"
    s.write_text("keep", encoding="utf-8")
    assert _run("summary", "--db", store, "--format", "csv", "-o", s).exit_code == 2
    assert s.read_text(encoding="utf-8") == "keep"
    assert _run("summary", "--db", store, "--format", "csv", "-o", s, "--force").exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []  # no temporary file left


def test_render_refuses_to_overwrite_without_force(tmp_path):
    src = tmp_path / "r.txt"
    src.write_text(seed_text(), encoding="utf-8")
    out = tmp_path / "r.md"
    out.write_text("keep", encoding="utf-8")
    r = _run("render", src, "--to", "md", "-o", out)
    assert r.exit_code == 2 and out.read_text(encoding="utf-8") == "keep"
    r = _run("render", src, "--to", "md", "-o", out, "--force")
    assert r.exit_code == 0 and out.read_text(encoding="utf-8") != "keep"
    r = _run("render", src, "--to", "txt", "-o", src, "--force")
    assert r.exit_code == 2 and src.read_text(encoding="utf-8") == seed_text()  # never over its own input


# ------------------------------------------------------------------ formula injection


def test_export_and_summary_neutralise_formulas(store, tmp_path):
    from openpyxl import load_workbook

    assert _run("export", "--db", store, "-o", tmp_path / "c.xlsx").exit_code == 0
    assert _run("summary", "--db", store, "--by", "agency", "--format", "xlsx", "-o", tmp_path / "s.xlsx").exit_code == 0
    for name in ("c.xlsx", "s.xlsx"):
        wb = load_workbook(tmp_path / name)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], name  # no live formula anywhere
        assert any(c.value == "'" + EVIL for c in cells), name  # the agency, quoted
        assert any(isinstance(c.value, (int, float)) and not isinstance(c.value, bool) for c in cells)  # numbers stay numbers
    assert _run("export", "--db", store, "-o", tmp_path / "c.csv").exit_code == 0
    assert _run("summary", "--db", store, "--by", "agency", "--format", "csv", "-o", tmp_path / "s.csv").exit_code == 0
    for name in ("c.csv", "s.csv"):
        with open(tmp_path / name, encoding="utf-8") as f:
            values = [v for row in csv.reader(f) for v in row]
        assert "'" + EVIL in values and EVIL not in values, name
        assert not [v for v in values if v[:1] in ("=", "+", "@")], name


# ------------------------------------------------------------------ query


def test_query_reads_only_the_store(store, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("secret", encoding="utf-8")
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    attempts = [
        f"COPY (SELECT 1) TO '{victim}'",
        f"SELECT * FROM read_text('{victim}')",
        "SELECT * FROM read_csv('/etc/passwd')",
        f"ATTACH '{other}' AS o (READ_WRITE)",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SELECT 1; DROP TABLE reports",
        "DELETE FROM reports",
        "CREATE TABLE t AS SELECT 1",
        "PRAGMA version",
    ]
    for sql in attempts:
        r = _run("query", "--db", store, sql)
        assert r.exit_code == 2, sql
        assert "Traceback" not in r.output and len(r.stderr.strip().splitlines()) == 1, (sql, r.output)
    assert victim.read_text(encoding="utf-8") == "secret" and _count(store) == 6
    for sql in ("SELECT count(*) AS n FROM reports", "WITH x AS (SELECT 1 AS a) SELECT * FROM x", "DESCRIBE reports", "SHOW TABLES"):
        assert _run("query", "--db", store, sql).exit_code == 0, sql


def test_query_has_a_row_limit_and_a_timeout(store):
    r = _run("query", "--db", store, "SELECT * FROM range(1000)", "--limit", "7")
    assert r.exit_code == 0 and "只显示前 7 行" in r.output
    t0 = time.monotonic()
    r = _run("query", "--db", store, "SELECT count(*) FROM range(100000000000)", "--timeout", "0.5")
    assert r.exit_code == 2 and "超出时间限制 0.5 秒" in r.output
    assert time.monotonic() - t0 < 60  # stopped, not run to its end (hours)


def test_query_prints_values_literally(store):
    r = _run("query", "--db", store, "SELECT '[/red] [bold]x' AS v")
    assert r.exit_code == 0 and "[/red] [bold]x" in r.output


# ------------------------------------------------------------------ the lock of a running ingest


def test_readers_wait_for_a_running_ingest(store, tmp_path):
    """A process holds the store for writing (as an ingest does); query, summary and export
    wait with a message and then answer — never a raw lock error."""
    db = tmp_path / "busy.duckdb"
    db.write_bytes(store.read_bytes())
    hold = "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(1.5); c.close()"
    for args in (("query", "--db", db, "SELECT count(*) FROM reports"), ("summary", "--db", db, "--format", "json"),
                 ("export", "--db", db, "-o", tmp_path / "e.csv")):
        holder = subprocess.Popen([sys.executable, "-c", hold, str(db)], stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(SRC)))
        try:
            assert holder.stdout.readline().strip() == "locked"
            r = _run(*args)
        finally:
            holder.wait(30)
        assert r.exit_code == 0, r.output
        assert "入库进行中，等待…" in r.output
        assert "lock" not in r.output.lower()
