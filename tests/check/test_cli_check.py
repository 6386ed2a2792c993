"""``xxgk check`` and ``xxgk rules`` as a user runs them (the real typer app, real seed files)."""

from __future__ import annotations

import csv
import io
import json
import re

from check_helpers import SEEDS
from typer.testing import CliRunner

from xxgk.check import RULES
from xxgk.cli import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def seed_path(prefix: str) -> str:
    (p,) = SEEDS.glob(f"{prefix}_*.txt")
    return str(p)


def invoke(*args: str):
    r = runner.invoke(app, list(args))
    return r, ANSI.sub("", r.stdout)


def test_text_output_grouped_with_summary_and_exit_1():
    r, out = invoke("check", seed_path("002"), seed_path("004"))
    assert r.exit_code == 1
    assert out.index("002_") < out.index("XG401") < out.index("004_")
    assert "表三 总计列：一+二 = 4，三（七）+四 = 0" in out
    assert "检查了 2 个文件：错误 8 个，警告 0 个，提示 2 个" in out


def test_english():
    r, out = invoke("check", seed_path("004"), "--lang", "en")
    assert "Table 3, column total: new + carried in = 4" in out
    assert "1 file(s) checked: 3 error(s), 0 warning(s), 1 info" in out


def test_exit_0_without_errors():
    r, out = invoke("check", seed_path("004"), "--select", "XG7")
    assert r.exit_code == 0
    assert "XG702" in out and "XG301" not in out


def test_select_ignore_prefixes_and_commas():
    r, out = invoke("check", seed_path("001"), "--select", "XG3,XG2", "--ignore", "XG303")
    assert {m for m in re.findall(r"XG\d{3}", out)} == {"XG202", "XG301", "XG302"}


def test_json_records_with_findings():
    r, _ = invoke("check", seed_path("002"), seed_path("003"), "--format", "json")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["meta"]["year"] for x in lines] == [2020, 2021]
    f = next(f for f in lines[0]["findings"] if f["rule"] == "XG401")
    assert f["severity"] == "error" and f["culprit"] == "t4.suit_direct.total" and f["message_en"]
    assert {f["rule"] for f in lines[1]["findings"]} == {"XG101", "XG105", "XG201"}
    assert lines[1]["cells"]["t3.new.total"] is None


def test_csv_one_finding_a_row():
    r, _ = invoke("check", seed_path("001"), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 8
    assert {row["rule"] for row in rows} >= {"XG202", "XG301", "XG302"}
    xg302 = next(row for row in rows if row["rule"] == "XG302")
    assert xg302["culprit"] == "t3.unable_not_held.total" and "t3.unable_not_held.natural" in xg302["where"].split()


def test_unreadable_file_one_line_others_go_on(tmp_path):
    missing = tmp_path / "nope.txt"
    r, out = invoke("check", str(missing), seed_path("004"))
    assert r.exit_code == 2
    assert "XG301" in out
    assert "nope.txt" in r.stderr and "Traceback" not in r.stderr
    assert len([x for x in r.stderr.splitlines() if x.strip()]) == 1


def test_previous_report(tmp_path):
    # the same report given as its own previous one: identical narrative (XG602) and figures (XG605),
    # both warnings; the years are not consecutive, so the year-to-year rules stay silent
    r, out = invoke("check", seed_path("002"), "--previous", seed_path("002"), "--select", "XG6")
    assert set(re.findall(r"XG\d{3}", out)) == {"XG602", "XG605"} and r.exit_code == 0
    r, out = invoke("check", seed_path("002"), "--previous", str(tmp_path / "missing.txt"))
    assert r.exit_code == 2


def test_bad_options_fail_with_2():
    assert invoke("check", seed_path("004"), "--format", "xml")[0].exit_code == 2
    assert invoke("check", seed_path("004"), "--select", "XG9")[0].exit_code == 2


def test_rules_lists_every_rule():
    r, out = invoke("rules")
    assert r.exit_code == 0
    assert all(rid in out for rid in RULES)


def test_rules_documentation():
    r, out = invoke("rules", "XG301")
    assert r.exit_code == 0
    assert "勾稽关系" in out and "修改" in out
    r, out = invoke("rules", "xg301", "--lang", "en")
    assert "carried" in out and "修改" not in out
    r, out = invoke("rules", "XG3")
    assert "XG304" in out and "XG401" not in out
    assert invoke("rules", "XG999")[0].exit_code == 2
