"""The store's sub-commands end to end: ingest, agencies, summary, export, query (real DuckDB file)."""

from __future__ import annotations

import csv
import json

from store_helpers import copy_seeds
from typer.testing import CliRunner

from xxgk.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_store_commands(tmp_path):
    db = tmp_path / "x.duckdb"
    folder = tmp_path / "in"
    copy_seeds(folder)
    (folder / "zz_broken.docx").write_bytes(b"PK\x03\x04broken")
    r = _run("ingest", folder, "--db", db, "--jobs", "1")
    assert r.exit_code == 2  # one file failed
    assert "入库 5 份，重复跳过 0 份，失败 1 份" in r.stdout
    assert "zz_broken.docx" in r.output and "Traceback" not in r.output
    r = _run("ingest", folder, "--db", db, "--lang", "en")
    assert "ingested 0, skipped as duplicates 5, failed 1" in r.stdout

    r = _run("agencies", "--db", db)
    assert r.exit_code == 0 and "黔东南州生态环境局" in r.stdout and "机关 5 个" in r.stdout

    r = _run("summary", "--db", db)
    assert r.exit_code == 0
    assert "表三" in r.stdout and "复议纠错率" in r.stdout and "报告 5 份" in r.stdout
    assert "7*" in r.stdout  # 一、本年新收 总计 7, incomplete: 003 left it blank
    r = _run("summary", "--db", db, "--format", "json", "--year", "2020")
    data = json.loads(r.stdout)
    assert data["reports"] == 4 and data["cells"]["t3.new.total"]["sum"] == 7
    r = _run("summary", "--db", db, "--format", "csv", "--by", "level", "--keys")
    assert r.stdout.startswith("group,key,label,sum,reports,blank,missing,incomplete")
    r = _run("summary", "--db", db, "--by", "year", "--lang", "en")
    assert r.exit_code == 0 and "2021" in r.stdout and "share granted" in r.stdout
    assert _run("summary", "--db", db, "--by", "month").exit_code == 2
    r = _run("summary", "--db", db, "--format", "xlsx", "-o", tmp_path / "s.xlsx")
    assert r.exit_code == 0 and (tmp_path / "s.xlsx").exists()

    r = _run("export", "-o", tmp_path / "w.csv", "--db", db)
    assert r.exit_code == 0 and "已导出 5 份报告" in r.stdout
    with open(tmp_path / "w.csv", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 5
    assert _run("export", "-o", tmp_path / "w.txt", "--db", db).exit_code == 2

    # (after the summary: two agencies merged by hand make their two 2020 reports two versions of one)
    r = _run("agencies", "merge", "江阴生态环境局", "市中区生态环境分局", "--db", db)
    assert r.exit_code == 0 and "1 份报告" in r.stdout
    assert "机关 4 个" in _run("agencies", "--db", db).stdout
    r = _run("agencies", "rename", "江阴生态环境局", "江阴市生态环境局", "--db", db)
    assert r.exit_code == 0
    r = _run("agencies", "rename", "江阴市生态环境局", " ", "--db", db)  # refused: one line naming the new name, exit 2
    assert r.exit_code == 2 and "empty name" in r.output and "Traceback" not in r.output
    assert "江阴市生态环境局" in _run("agencies", "--db", db, "--search", "江阴").stdout
    r = _run("agencies", "merge", "不存在的机关", "江阴市生态环境局", "--db", db)
    assert r.exit_code == 2 and "找不到该机关" in r.output
    assert "旧版" in _run("agencies", "--db", db, "--search", "江阴").stdout
    assert json.loads(_run("summary", "--db", db, "--format", "json", "--year", "2020").stdout)["reports"] == 3

    r = _run("query", "SELECT count(*) AS n FROM parsed_reports", "--db", db)
    assert r.exit_code == 0 and "5" in r.stdout
    r = _run("query", "SELEC nonsense", "--db", db)
    assert r.exit_code == 2 and "错误 SQL：" in r.output and len(r.output.strip().splitlines()) == 1
    r = _run("query", "DELETE FROM reports", "--db", db)
    assert r.exit_code == 2  # read-only
    r = _run("summary", "--db", tmp_path / "none.duckdb")
    assert r.exit_code == 2 and "数据库不存在" in r.output


def test_ingest_fast_face_never_imports_typer_and_stores_what_the_typer_face_does(tmp_path):
    """`xxgk ingest` starts without typer (its workers start sooner); the typer face (CliRunner, --help)
    runs the same function: the same lines, exit status and rows."""
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    from store_helpers import store_rows

    from xxgk.store import connect

    repo = Path(__file__).resolve().parents[2]
    folder = tmp_path / "in"
    copy_seeds(folder)
    (folder / "zz_broken.docx").write_bytes(b"PK\x03\x04broken")
    env = dict(os.environ, PYTHONPATH=str(repo / "src"), COLUMNS="200")
    probe = (
        "import sys; from xxgk.cli_files import fast_main; c = fast_main(sys.argv[1:]); "
        "print(sorted(m for m in ('typer', 'pydantic') if m in sys.modules), file=sys.stderr); sys.exit(c)"
    )
    fast = subprocess.run([sys.executable, "-c", probe, "ingest", str(folder), "--db", str(tmp_path / "fast.duckdb"), "-j", "2", "--lang", "en"],
                          capture_output=True, text=True, env=env)
    assert fast.stderr.strip().splitlines()[-1] == "[]", fast.stderr
    slow = _run("ingest", folder, "--db", tmp_path / "typer.duckdb", "--jobs", "2", "--lang", "en")
    assert fast.returncode == slow.exit_code == 2  # the broken file
    timing = re.compile(r"\([0-9.]+ s, [0-9]+ files/s\)")
    assert timing.sub("", fast.stdout) == timing.sub("", slow.stdout) and "ingested 5, skipped as duplicates 0, failed 1" in fast.stdout
    assert "zz_broken.docx" in fast.stderr and "Traceback" not in fast.stderr
    a, b = connect(tmp_path / "fast.duckdb", read_only=True), connect(tmp_path / "typer.duckdb", read_only=True)
    rows_a, rows_b = store_rows(a), store_rows(b)
    assert rows_a["reports"] and rows_a["summary_cube"]
    for table in rows_a:
        assert rows_a[table] == rows_b[table], table
    # a store that cannot be opened: one line, exit 2, from either face
    bad = tmp_path / "not_a_store.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    fast = subprocess.run([sys.executable, "-c", probe, "ingest", str(folder), "--db", str(bad)], capture_output=True, text=True, env=env)
    slow = _run("ingest", folder, "--db", bad)
    assert fast.returncode == slow.exit_code == 2
    assert "无法打开数据库" in fast.stderr and "无法打开数据库" in slow.output and "Traceback" not in fast.stderr
    # --help is typer's
    help_ = subprocess.run([sys.executable, "-m", "xxgk", "ingest", "--help"], capture_output=True, text=True, env=env)
    assert help_.returncode == 0 and "--cluster" in help_.stdout


def test_ctrl_c_while_ingest_waits_for_the_store_is_one_line_not_a_traceback(tmp_path):
    """`xxgk ingest` waits while another process holds the store, and says Ctrl-C cancels: the fast face
    then ends as the typer face does (\"Aborted.\", status 1), never with a traceback."""
    import os
    import signal
    import subprocess
    import sys
    import threading
    from pathlib import Path

    import duckdb

    repo = Path(__file__).resolve().parents[2]
    folder = tmp_path / "in"
    copy_seeds(folder)
    db = tmp_path / "held.duckdb"
    holder = duckdb.connect(str(db))  # this process holds the file: another process cannot open it
    try:
        env = dict(os.environ, PYTHONPATH=str(repo / "src"))
        proc = subprocess.Popen([sys.executable, "-m", "xxgk", "ingest", str(folder), "--db", str(db), "--lang", "en"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        lines: list[str] = []
        waiting = threading.Event()

        def read() -> None:  # stderr as it comes: the interrupt goes once the command says it waits
            for line in proc.stderr:
                lines.append(line)
                if "waiting" in line:
                    waiting.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        assert waiting.wait(120), "".join(lines)
        os.kill(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
        reader.join(10)
        err = "".join(lines)
    finally:
        holder.close()
    assert proc.returncode == 1, err
    assert "waiting" in err and "Aborted." in err and "Traceback" not in err
