"""The desk over real HTTP (uvicorn on loopback) and a real DuckDB file: uploads (many files, zips,
duplicates, bad files, hostile archives, two uploaders at once), review status, exports equal to the
CLI's, the list's filters agreeing with the summary's numbers, and a CLI command on a held store."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import SEEDS
from web_helpers import desk_server, free_port, get, post_files
from xxgk.cli import app as cli_app
from xxgk.store import connect
from xxgk.store.reports import ReportFilter, list_reports
from xxgk.store.summary import summarise
from xxgk.store.synth import fill_store, random_cells, report_text
from xxgk.layouts import layout_for
from xxgk.web.uploads import MiB, Limits

runner = CliRunner()


def seeds() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]


def wait_job(base: str, job: int, timeout: float = 300) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        status, body, _ = get(f"{base}/api/jobs/{job}")
        j = json.loads(body)
        if j["state"] in ("done", "error"):
            return j
        time.sleep(0.2)
    raise AssertionError("the upload did not finish")


def upload(base: str, files: list[tuple[str, bytes]]) -> dict:
    status, body = post_files(base + "/upload", files)
    assert status == 200, body
    return wait_job(base, json.loads(body)["job"])


def synthetic(n: int, seed: int, tag: str) -> list[tuple[str, bytes]]:
    import random

    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = report_text(f"杭州市西湖区{tag}第{i}号教育局", 2022, random_cells(layout_for("2021"), rng, scale=20), template="2021", rng=rng)
        out.append((f"{tag}{i}.txt", text.encode("utf-8")))
    return out


def test_upload_counts_failures_and_duplicates(tmp_path):
    db = tmp_path / "d.duckdb"
    with desk_server(db) as (base, desk):
        bad = [("会议通知.txt", "会议通知\n定于下周一召开全体会议。\n".encode()), ("noise.bin", os.urandom(4000))]
        j = upload(base, seeds() + bad)
        assert (j["state"], j["total"], j["done"], j["ingested"], j["duplicates"], j["n_failed"]) == ("done", 7, 7, 5, 0, 2)
        reasons = {f["name"]: f["reason"] for f in j["failed"]}
        assert set(reasons) == {"会议通知.txt", "noise.bin"}
        assert "不是政府信息公开工作年度报告" in reasons["会议通知.txt"] and "不支持的文件格式" in reasons["noise.bin"]
        assert all("\n" not in r for r in reasons.values())
        # the same reports again, one of them renamed: nothing is counted twice
        again = seeds()
        again[0] = ("另一个名字.txt", again[0][1])
        j = upload(base, again)
        assert (j["ingested"], j["duplicates"]) == (0, 5)
        with desk.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM current_reports").fetchone()[0] == 5
        # the upload page names the failures, also after a reload (the job lives in the desk)
        status, body, _ = get(f"{base}/upload?job=1")
        assert status == 200 and "会议通知.txt" in body.decode() and "不支持的文件格式" in body.decode()


def _zip(members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", level) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_uploads_and_hostile_files(tmp_path):
    limits = Limits(max_file=1 * MiB, max_archive_total=20 * MiB, ratio_floor=1 * MiB, max_ratio=100)
    with desk_server(tmp_path / "z.duckdb", limits=limits) as (base, desk):
        batch = _zip({f"2020年/{n}": d for n, d in seeds()} | {"__MACOSX/._x": b"junk"})
        j = upload(base, [("一批.zip", batch)])
        assert (j["ingested"], j["n_failed"]) == (5, 0)
        climbing = _zip({"../../etc/evil.txt": b"x", "ok.txt": seeds()[0][1]})
        bomb = _zip({"zeros.txt": b"0" * (8 * MiB)})
        big = ("大文件.txt", b"x" * (2 * MiB))
        j = upload(base, [("climb.zip", climbing), ("bomb.zip", bomb), big])
        reasons = {f["name"]: f["reason"] for f in j["failed"]}
        assert j["ingested"] == 0 and set(reasons) == {"climb.zip", "bomb.zip", "大文件.txt"}
        assert "指向外部的路径" in reasons["climb.zip"] and "../../etc/evil.txt" in reasons["climb.zip"]
        assert "压缩炸弹" in reasons["bomb.zip"] or "超过上限" in reasons["bomb.zip"]
        assert "超过大小上限" in reasons["大文件.txt"]
        assert not any(p.name.endswith("evil.txt") for p in tmp_path.rglob("*"))
        # one request larger than everything an upload may hold: refused before it is read
        import http.client

        conn = http.client.HTTPConnection(base.split("//")[1], timeout=30)
        conn.putrequest("POST", "/upload")
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        conn.putheader("Content-Length", str(22 * MiB))
        conn.putheader("Accept", "application/json")
        conn.endheaders()
        conn.send(b"--x\r\n" + b"0" * 65536)
        r = conn.getresponse()
        assert r.status == 413 and "超过上限" in json.loads(r.read())["error"]
        conn.close()
        with desk.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM current_reports").fetchone()[0] == 5


def test_two_browsers_upload_at_once(tmp_path):
    a, b = synthetic(12, 1, "甲"), synthetic(12, 2, "乙")
    shared = seeds()
    results: list[dict] = []
    with desk_server(tmp_path / "c.duckdb", jobs=2) as (base, desk):
        ts = [threading.Thread(target=lambda f=f: results.append(upload(base, f))) for f in (a + shared, b + shared)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        assert all(r["state"] == "done" and r["n_failed"] == 0 for r in results)
        assert sum(r["ingested"] for r in results) == 12 + 12 + 5
        assert sum(r["duplicates"] for r in results) == 5
        with desk.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM current_reports").fetchone()[0] == 29


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("synth") / "s.duckdb"
    con = connect(db)
    fill_store(con, 400, seed=3)
    con.close()
    return db


def test_list_agrees_with_summary(synth_db):
    con = connect(synth_db, read_only=True)
    try:
        s = summarise(con, year=2023)
        _, total = list_reports(con, ReportFilter(year=2023))
        assert total == s["reports"] == 100
        _, n_err = list_reports(con, ReportFilter(year=2023, severity="error"))
        assert n_err == s["reports_with_errors"] > 0
        for r in s["rules"]:
            assert list_reports(con, ReportFilter(year=2023, rule=r["rule"]))[1] == r["reports"]
        top = s["ranking"][0]
        rows, n = list_reports(con, ReportFilter(year=2023, agency_id=top["agency_id"]))
        assert n == top["reports"] and sum(r["errors"] for r in rows) == top["errors"]
        # paging: every report once, in the order asked
        seen, page = [], 1
        while True:
            rows, total = list_reports(con, ReportFilter(), sort="errors", descending=True, page=page, per_page=70)
            if not rows:
                break
            seen += rows
            page += 1
        assert len(seen) == total == 400 and len({r["id"] for r in seen}) == 400
        assert [r["errors"] for r in seen] == sorted((r["errors"] for r in seen), reverse=True)
        rows, n = list_reports(con, ReportFilter(q="第3号"), sort="agency")
        assert n > 0 and all("第3号" in r["agency"] for r in rows)
    finally:
        con.close()


def test_pages_review_status_and_previous_year(synth_db, tmp_path):
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(synth_db, db)
    with desk_server(db) as (base, desk):
        for url in ("/reports", "/reports?sort=-errors&page=3", "/reports?year=2022&severity=error&status=待审", "/dashboard", "/dashboard?by=level", "/export", "/upload", "/compare"):
            status, body, _ = get(base + url)
            assert status == 200, url
            assert "Traceback" not in body.decode()
        # 2024's report of agency 1 has a 2023 report: the cells that changed carry last year's figure
        with desk.cursor() as cur:
            rid, prev = cur.execute(
                "SELECT r.id, p.id FROM current_reports r JOIN current_reports p ON p.agency_id = r.agency_id AND p.year = r.year - 1 WHERE r.year = 2024 ORDER BY r.id LIMIT 1"
            ).fetchone()
        status, body, _ = get(f"{base}/reports/{rid}")
        html = body.decode()
        assert status == 200 and re.search(r'class="v[^"]*\bchanged\b', html) and '<small class="prev">' in html
        assert f"/compare?a={prev}&amp;b={rid}" in html
        # a cell the extractor was unsure of is marked (and said so in its tooltip)
        with desk.cursor() as cur:
            cur.execute("UPDATE cells SET uncertain = true WHERE report_id = ? AND key = 't3.new.total'", [rid])
        html = get(f"{base}/reports/{rid}")[1].decode()
        td = re.search(r'<td data-key="t3\.new\.total"[^>]*>.*?</td>', html, re.S).group(0)
        assert "uncertain" in td and '<sup class="q">?</sup>' in td and "识别不确定" in td
        status, body, _ = get(f"{base}/compare?a={prev}&b={rid}")
        assert status == 200 and re.search(r'class="v diff"', body.decode())
        n_diff = int(re.search(r'id="n-diff">(\d+)<', body.decode()).group(1))
        with desk.cursor() as cur:
            agency = cur.execute("SELECT agency FROM reports WHERE id = ?", [rid]).fetchone()[0]
        status, body, _ = get(f"{base}/compare?agency={agency}&year1=2023&year2=2024")  # the same pair, chosen by agency and years
        assert int(re.search(r'id="n-diff">(\d+)<', body.decode()).group(1)) == n_diff
        # review status: set on the page, read by the same function the CLI uses
        form = urllib.parse.urlencode([("id", rid), ("id", prev), ("status", "已审"), ("note", "核对无误"), ("back", "/reports")])
        req = urllib.request.Request(f"{base}/reports/status", data=form.encode(), method="POST")
        with urllib.request.urlopen(req) as r:
            assert r.status == 200 and r.url.endswith("/reports")
        status, body, _ = get(f"{base}/reports?status=已审")
        assert re.search(r'id="total">2<', body.decode())
        status, body, _ = get(f"{base}/reports/{rid}")
        assert "核对无误" in body.decode()
    r = runner.invoke(cli_app, ["compare", str(prev), str(rid), "--db", str(db)])
    assert r.exit_code == 0 and f"不同的单元格 {n_diff} 个" in r.stdout
    r = runner.invoke(cli_app, ["reports", "--db", str(db), "--status", "已审"])
    assert r.exit_code == 0 and "报告 2 份" in r.stdout
    r = runner.invoke(cli_app, ["review", str(rid), "--status", "退回", "--db", str(db)])
    assert r.exit_code == 0
    assert "报告 1 份" in runner.invoke(cli_app, ["reports", "--db", str(db), "--status", "退回"]).stdout
    assert "报告 1 份" in runner.invoke(cli_app, ["reports", "--db", str(db), "--status", "已审"]).stdout


def test_exports_are_the_cli_files(tmp_path):
    db = tmp_path / "e.duckdb"
    with desk_server(db) as (base, desk):
        upload(base, seeds())
        got = {}
        for what, fmt in (("summary", "xlsx"), ("findings", "xlsx"), ("cells", "csv")):
            status, body, headers = get(f"{base}/export/{what}?format={fmt}&year=2020")
            assert status == 200 and "attachment" in headers.get("content-disposition", "")
            got[what] = tmp_path / f"web-{what}.{fmt}"
            got[what].write_bytes(body)
    cli = {"summary": tmp_path / "cli-summary.xlsx", "findings": tmp_path / "cli-findings.xlsx", "cells": tmp_path / "cli-cells.csv"}
    assert runner.invoke(cli_app, ["summary", "--db", str(db), "--year", "2020", "--format", "xlsx", "-o", str(cli["summary"])]).exit_code == 0
    assert runner.invoke(cli_app, ["export", "--db", str(db), "--year", "2020", "--table", "findings", "-o", str(cli["findings"])]).exit_code == 0
    assert runner.invoke(cli_app, ["export", "--db", str(db), "--year", "2020", "-o", str(cli["cells"])]).exit_code == 0
    assert got["cells"].read_bytes() == cli["cells"].read_bytes()

    def values(p: Path):
        wb = load_workbook(p)
        return [[[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets]

    for what in ("summary", "findings"):
        assert values(got[what]) == values(cli[what])
    ws = load_workbook(got["findings"]).active
    assert [c.value for c in ws[1]][:3] == ["报告编号", "机关", "省"] and ws.column_dimensions["K"].width >= 60
    assert ws.max_row - 1 == len([1 for row in ws.iter_rows(min_row=2) if row[7].value])  # one finding a row, each with its rule


def test_cli_on_a_store_the_desk_holds(tmp_path):
    db = tmp_path / "held.duckdb"
    connect(db).close()
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "xxgk.cli", "serve", "--db", str(db), "--port", str(port)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        end = time.time() + 60
        while time.time() < end:
            try:
                if get(f"http://127.0.0.1:{port}/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("xxgk serve did not start")
        r = subprocess.run([sys.executable, "-m", "xxgk.cli", "summary", "--db", str(db)], capture_output=True, text=True, timeout=120)
        assert r.returncode == 2
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and "审阅台" in lines[0] and str(port) in lines[0], r.stderr
        assert "Traceback" not in r.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert not Path(str(db) + ".serve.json").exists()
    assert runner.invoke(cli_app, ["summary", "--db", str(db)]).exit_code == 0  # free again


def test_closing_the_desk_mid_ingest_keeps_what_was_stored(tmp_path):
    import multiprocessing

    db = tmp_path / "stop.duckdb"
    before = {p.pid for p in multiprocessing.active_children()}  # (other tests in this process may have left their own)
    with desk_server(db, jobs=2) as (base, desk):
        status, body = post_files(base + "/upload", synthetic(150, 9, "丙"))
        job = desk.job(json.loads(body)["job"])
        end = time.time() + 120
        while job.done < 5 and time.time() < end:
            time.sleep(0.05)
    # the context closed the desk: the ingest stopped between batches and its workers ended
    assert job.state in ("done", "error") and job.finished is not None
    end = time.time() + 30  # a worker killed after its grace period is reaped a moment later on a loaded machine
    def ours():
        return [p for p in multiprocessing.active_children() if p.pid not in before and p.is_alive()]

    while time.time() < end and ours():
        time.sleep(0.2)
    assert ours() == []
    con = connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM current_reports").fetchone()[0] == job.result.ingested
    finally:
        con.close()
