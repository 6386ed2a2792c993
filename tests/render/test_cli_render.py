"""xxgk render on the command line: inputs, outputs, one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from typer.testing import CliRunner

import xxgk
from xxgk.cli import app
from xxgk.model import record_to_builtins
from xxgk.render.example import example_record
from xxgk.render.report import expected_record
from render_records import assert_same

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "example-2024.xlsx"
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_markdown_to_stdout_reads_back(tmp_path):
    res = run("render", EXAMPLE, "--to", "md")
    assert res.exit_code == 0, res.output
    md = res.stdout
    assert md.startswith("# 示例市生态环境局2024年政府信息公开工作年度报告\n")
    assert "## 三、收到和处理政府信息公开申请情况" in md and "| （七）总计 | 44 | 8 | 1 | 2 | 2 | 1 | 58 |" in md
    p = tmp_path / "r.md"
    p.write_text(md, encoding="utf-8")
    assert_same(expected_record(example_record()), xxgk.parse_path(p))


def test_html_is_one_self_contained_page(tmp_path):
    out = tmp_path / "r.html"
    res = run("render", EXAMPLE, "--to", "html", "-o", out)
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    # nothing fetched from elsewhere: no script, no external link, image or font
    assert "<script" not in html and not re.search(r"""(src|href)\s*=|@import|url\(""", html)
    assert '<td rowspan="3" colspan="3" class="note">' in html  # 表三's note over 3×3
    assert '<th colspan="10">行政诉讼</th>' in html
    assert '<td data-key="t3.total.total">58</td>' in html


def test_yaml_record_with_blank_totals(tmp_path):
    rec = example_record()
    d = record_to_builtins(rec)
    d.pop("source")
    p = tmp_path / "r.yaml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "r.txt"
    res = run("render", p, "--to", "txt", "-o", out)
    assert res.exit_code == 0, res.output
    assert xxgk.parse_path(out).cells["t3.new.total"] == 62


def test_json_from_parse_is_an_input(tmp_path):
    seed = SEEDS[0]
    res = run("parse", seed, "--format", "json")
    p = tmp_path / "seed.json"
    p.write_text(res.stdout, encoding="utf-8")
    out = tmp_path / "seed.txt"
    res = run("render", p, "--to", "txt", "-o", out)
    assert res.exit_code == 0, res.output
    assert_same(expected_record(xxgk.parse_path(seed)), xxgk.parse_path(out))


def test_report_in_the_wrong_layout_for_its_year_is_printed_with_a_warning(tmp_path):
    seed = next(p for p in SEEDS if p.name.startswith("003"))  # a 2021 report in the 2019 layout
    res = run("render", seed, "--to", "txt", "-o", tmp_path / "a.txt", "--keep-given")
    assert res.exit_code == 0, res.output
    assert "XG105" in res.output


def test_errors_are_one_line(tmp_path):
    missing = run("render", tmp_path / "nope.xlsx", "--to", "docx")
    assert missing.exit_code == 2 and "nope.xlsx" in missing.output and "文件不存在" in missing.output
    assert len(missing.output.strip().splitlines()) == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    res = run("render", bad, "--to", "md", "--lang", "en")
    assert res.exit_code == 2 and "bad.json" in res.output and "invalid JSON" in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
    fmt = run("render", EXAMPLE, "--to", "odt")
    assert fmt.exit_code == 2 and "odt" in fmt.output


def test_docx_written_next_to_the_input(tmp_path):
    src = tmp_path / "filled.xlsx"
    src.write_bytes(EXAMPLE.read_bytes())
    res = run("render", src, "--to", "docx")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "filled.docx").read_bytes()[:2] == b"PK"


def test_empty_template_renders_with_warnings(tmp_path):
    t = tmp_path / "t.xlsx"
    assert run("template", "--year", 2020, "--xlsx", t).exit_code == 0
    res = run("render", t, "--to", "txt", "-o", tmp_path / "t.txt")
    assert res.exit_code == 0, res.output
    assert "未填写机关名称" in res.output and "XG201" in res.output
    back = xxgk.parse_path(tmp_path / "t.txt")
    assert back.meta.template == "2019" and back.meta.year == 2020
    assert back.cells["t2.license.change"] is None  # blank stays blank, never 0


def test_cells_of_the_other_layout_are_named(tmp_path):
    p = tmp_path / "r.json"
    p.write_text(json.dumps({"meta": {"agency": "某县人民政府", "year": 2022, "published": "2023-01-10"},
                             "cells": {"t2.rules.made": 1, "t3.new.natural": 2}}, ensure_ascii=False), encoding="utf-8")
    res = run("render", p, "--to", "txt", "-o", tmp_path / "r.txt")
    assert res.exit_code == 0, res.output
    assert "t2.rules.made" in res.output and "2021" in res.output
