"""Every cell says where it came from (record.provenance, ``xxgk explain``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import xxgk
from xxgk.explain import explain_cell
from xxgk.model import PLACEMENTS

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

PIPE_STREAM = """某某县某某镇2022年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第（一）项
|
||||
信息内容
|
本年制发件数
|
本年废止件数
|
现行有效件数
|
规章
|
0
|
1
|
2
|
行政规范性文件
|
7
|
|
9
|
三、收到和处理政府信息公开申请情况
"""


def _write(tmp_path: Path, text: str, name: str = "r.txt") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_every_cell_has_a_source_and_a_known_placement():
    for seed in sorted(SEEDS.glob("*.txt")):
        rec = xxgk.parse_path(seed)
        assert rec.provenance is not None and set(rec.provenance) == set(rec.cells), seed.name
        assert {s.how for s in rec.provenance.values()} <= set(PLACEMENTS)


def test_text_cell_points_at_its_source_line(tmp_path):
    path = _write(tmp_path, PIPE_STREAM)
    lines = PIPE_STREAM.split("\n")
    rec = xxgk.parse_path(path)
    assert rec.cells["t2.normative.repealed"] is None and rec.cells["t2.normative.in_force"] == 9
    src = rec.provenance["t2.rules.in_force"]
    assert src.how == "label" and src.text == "2"
    assert lines[src.line - 1] == "2"  # the cell's own line
    exp = explain_cell(path, "t2.rules.in_force")
    assert exp.style == "pipe-stream" and "第" in exp.where
    marked = [t for t, hit in exp.snippet if hit]
    assert marked[0] == "规章" and marked[-1] == "2"  # from the row's label to the cell


def test_explain_a_cell_the_document_lacks(tmp_path):
    exp = explain_cell(_write(tmp_path, PIPE_STREAM), "t3.new.total")
    assert not exp.present and exp.source is None


def test_provenance_only_in_json_when_asked(tmp_path):
    path = _write(tmp_path, PIPE_STREAM)
    run = [sys.executable, "-m", "xxgk.cli", "parse", str(path), "--format", "json"]
    plain = json.loads(subprocess.run(run, capture_output=True, text=True, check=True).stdout)
    assert "provenance" not in plain  # report-json stays as it was
    full = json.loads(subprocess.run(run + ["--provenance"], capture_output=True, text=True, check=True).stdout)
    assert full["provenance"]["t2.rules.made" if "t2.rules.made" in full["cells"] else "t2.rules.issued"]["how"] == "label"


def test_explain_command(tmp_path):
    path = _write(tmp_path, PIPE_STREAM)
    res = subprocess.run([sys.executable, "-m", "xxgk.cli", "explain", str(path), "t2.normative.in_force"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "行名定位" in res.stdout and "▶ 行政规范性文件" in res.stdout
    bad = subprocess.run([sys.executable, "-m", "xxgk.cli", "explain", str(path), "t9.x.y"], capture_output=True, text=True)
    assert bad.returncode == 2 and "未知的单元格键名" in bad.stderr
    js = subprocess.run([sys.executable, "-m", "xxgk.cli", "explain", str(path), "t2.rules.issued", "-f", "json"], capture_output=True, text=True)
    assert json.loads(js.stdout)[0]["how"] == "label"


@pytest.mark.skipif(not (CORPUS / "raw" / "027.txt").exists(), reason="corpus not present")
def test_glued_figures_say_they_were_decoded():
    rec = xxgk.parse_path(CORPUS / "raw" / "027.txt")
    assert rec.provenance["t3.new.total"].how == "glued"


@pytest.mark.skipif(not (CORPUS / "raw" / "016.html").exists(), reason="corpus not present")
def test_html_cell_points_at_its_grid_cell():
    exp = explain_cell(CORPUS / "raw" / "016.html", "t3.new.total")
    src = exp.source
    assert src.how == "label" and src.row and src.col
    (line, hit), = exp.snippet
    assert hit and f"[{src.text}]" in line and str(exp.value) == src.text
