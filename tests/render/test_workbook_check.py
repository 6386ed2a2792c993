"""Every command that takes a report takes xxgk's own fill-in workbook."""

from __future__ import annotations

import json

import msgspec
import pytest
from typer.testing import CliRunner

import xxgk
from xxgk.check import check_record
from xxgk.cli import app
from xxgk.render.example import example_record
from xxgk.render.output import render_record
from xxgk.render.workbook import write_workbook
from xxgk.store import connect
from xxgk.store.ingest import ingest


def _broken(rec):
    cells = dict(rec.cells)
    cells["t3.carried_out.natural"] = (cells.get("t3.carried_out.natural") or 0) + 3
    return msgspec.structs.replace(rec, cells=cells)


@pytest.mark.parametrize("variant", ["filled", "unbalanced"])
def test_a_filled_workbook_has_the_findings_of_its_rendered_docx(tmp_path, variant):
    rec = example_record() if variant == "filled" else _broken(example_record())
    wb = tmp_path / "填报表.xlsx"
    write_workbook(wb, rec.meta.year, rec)
    res = CliRunner().invoke(app, ["check", str(wb), "--format", "json"])
    got = json.loads(res.stdout)
    from_workbook = sorted((f["rule"], f["message"]) for f in got["findings"])
    # the workbook's sections and tables are present, its year and agency known
    assert not {r for r, _ in from_workbook} & {"XG101", "XG103", "XG104", "XG106"}
    assert got["meta"]["agency"] == rec.meta.agency and got["meta"]["year"] == rec.meta.year
    docx = tmp_path / "年报.docx"
    assert CliRunner().invoke(app, ["render", str(wb), "--to", "docx", "-o", str(docx), "--keep-given"]).exit_code == 0
    from_docx = sorted((f.rule, f.message) for f in check_record(xxgk.parse_path(docx)))
    assert from_workbook == from_docx
    assert res.exit_code == (1 if any(r == "XG301" for r, _ in from_workbook) else 0)
    if variant == "unbalanced":
        assert {r for r, _ in from_workbook} == {"XG301"}


def test_parse_and_ingest_take_the_workbook(tmp_path):
    rec = example_record()
    wb = tmp_path / "填报表.xlsx"
    write_workbook(wb, rec.meta.year, rec)
    res = CliRunner().invoke(app, ["parse", str(wb), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["cells"]["t3.new.total"] is not None
    con = connect(tmp_path / "x.duckdb")
    r = ingest(con, [wb], jobs=1)
    assert r.ingested == 1 and not r.failed
    row = con.execute("SELECT agency, year, format, n_cells - n_blank FROM reports").fetchone()
    assert row[:3] == (rec.meta.agency, rec.meta.year, "xlsx") and row[3] > 0
    assert con.execute("SELECT count(*) FROM findings WHERE rule IN ('XG101', 'XG106')").fetchone()[0] == 0
    con.close()
