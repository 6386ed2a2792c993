"""`xxgk check` over a folder: progress, reports named by agency and year, a cascade under its cause."""

from __future__ import annotations

import shutil

from conftest import SEEDS, corpus_file
from typer.testing import CliRunner

import xxgk
from xxgk.check import check_record
from xxgk.check.cascade import cascades
from xxgk.cli import app


def test_reports_are_named_by_agency_and_year():
    res = CliRunner().invoke(app, ["check", str(SEEDS)])
    for p in sorted(SEEDS.glob("*.txt")):
        rec = xxgk.parse_path(p)
        if rec.meta.agency and rec.meta.year:
            assert f"{rec.meta.agency} {rec.meta.year}年度  {p}" in res.stdout


def test_progress_on_a_terminal(tmp_path, monkeypatch):
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, tmp_path / p.name)
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats the output as a terminal
    monkeypatch.setenv("COLUMNS", "120")
    res = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert "检查" in res.stderr and "5/5" in res.stderr  # the bar, with its count, on stderr
    monkeypatch.delenv("FORCE_COLOR")
    quiet = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert "5/5" not in quiet.stderr  # piped: no bar


def test_a_blank_total_column_is_one_cause_with_its_consequences():
    path = corpus_file("016.html")
    rec = xxgk.parse_path(path)
    found = check_record(rec)
    groups, rest = cascades(rec, found)
    (g,) = groups
    assert (g.table, g.column) == ("t3", "total")
    # every finding grouped names a blank cell of that column; every XG302 of the report is in the group
    assert all(any(rec.cells.get(k, 0) is None for k in [f.culprit, *f.where] if k and k.endswith(".total")) for f in g.findings)
    assert {id(f) for f in found if f.rule == "XG302"} <= {id(f) for f in g.findings}
    assert len(g.findings) + len(rest) == len(found)
    res = CliRunner().invoke(app, ["check", str(path)])
    out = res.stdout
    assert f"表三“总计”列有 {len(g.blank)} 个单元格留空，由此引起以下 {len(g.findings)} 个问题" in out
    # the consequences are printed under the cause, indented
    cause_at = out.index("由此引起")
    assert all(out.index(f.message[:20]) > cause_at for f in g.findings)


def test_findings_of_different_causes_are_not_grouped():
    seed = sorted(SEEDS.glob("001_*.txt"))[0]
    rec = xxgk.parse_path(seed)
    groups, rest = cascades(rec, check_record(rec))
    assert groups == [] and rest
