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


@pytest.mark.parametrize("year", [2020, 2024])
def test_workbook_prints_on_a4_and_locks_the_cells_beside_single_figures(tmp_path, year):
    from openpyxl import load_workbook

    from xxgk.layouts import layout_for, template_for_year
    from xxgk.render.grids import official_grid
    from xxgk.extract.workbook import KEY_SHEET

    path = tmp_path / "t.xlsx"
    assert CliRunner().invoke(app, ["template", "--year", str(year), "--xlsx", str(path)]).exit_code == 0
    wb = load_workbook(path)
    for name in wb.sheetnames:
        ws = wb[name]
        if name == KEY_SHEET:
            continue
        assert int(ws.page_setup.paperSize) == 9 and ws.print_area, name  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, name
    # the print area is the form: 表三 down to its balance row, nothing beyond
    t3 = wb["表三"]
    assert t3.print_area.endswith(f"${t3.max_row}") and "勾稽关系校验" in str(t3.cell(t3.max_row, 1).value)
    # 表二: every row with a single figure — the figure is an input, the cells beside it are locked
    keys = {a: b for a, b in wb[KEY_SHEET].iter_rows(min_row=2, max_col=2, values_only=True)}
    t2 = wb["表二"]
    lay = layout_for(template_for_year(year))
    grid = official_grid(lay, "t2", dict.fromkeys(lay.cell_keys()))
    singles = [c.key for row in grid for c in row if c is not None and c.key and c.colspan > 1]
    assert singles  # 2019: 收费 本年增/减, 采购金额; 2021: 行政许可, 处罚, 强制, 收费金额
    for key in singles:
        cell = t2[keys[key].split("!")[1]]
        assert cell.protection.locked is False
        for beside in t2[cell.row][cell.column :]:
            assert beside.protection.locked is True and beside.fill.fill_type == "lightGray", (key, beside.coordinate)
    assert t2.protection.sheet
