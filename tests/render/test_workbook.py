"""The fill-in workbook: its shape, formulas, validation and reading it back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.layouts import LAYOUT_2019, LAYOUT_2021, T3_NOTE
from xxgk.read.errors import ReadError
from xxgk.render.example import example_record
from xxgk.render.inputs import load_record
from xxgk.render.report import expected_record
from xxgk.extract.workbook import KEY_SHEET, read_workbook
from xxgk.render.workbook import build_workbook

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example-2024.xlsx"


def _keymap(wb) -> dict[str, str]:
    return {a: b for a, b in wb[KEY_SHEET].iter_rows(min_row=2, max_col=2, values_only=True)}


def _cell(wb, where: str):
    sheet, coord = where.split("!")
    return wb[sheet][coord]


@pytest.mark.parametrize(("year", "layout"), [(2020, LAYOUT_2019), (2024, LAYOUT_2021)])
def test_template_shape(tmp_path, year, layout):
    path = tmp_path / "t.xlsx"
    res = CliRunner().invoke(app, ["template", "--year", str(year), "--xlsx", str(path)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["基本信息", "表二", "表三", "表四", "正文", KEY_SHEET]
    assert wb[KEY_SHEET].sheet_state == "hidden"
    keys = _keymap(wb)
    assert set(layout.cell_keys()) <= set(keys)
    t3 = wb["表三"]
    # the note spans three rows and three columns, 申请人情况 the seven columns
    merged = {str(r) for r in t3.merged_cells.ranges}
    assert "A3:C5" in merged and "D3:J3" in merged and "E4:I4" in merged
    assert t3["A3"].value == T3_NOTE
    # totals are formulas over the right cells, details are unlocked inputs
    new_total = _cell(wb, keys["t3.new.total"])
    assert new_total.value.startswith("=SUM(") and new_total.value.count(",") == 5
    grand = _cell(wb, keys["t3.total.natural"])
    n_results = len([r for r in layout.table("t3").rows if r.group])-1
    assert grand.value.startswith("=SUM(") and grand.value.count(",") == n_results - 1
    assert _cell(wb, keys["t4.review.total"]).value.startswith("=SUM(")
    detail = _cell(wb, keys["t3.granted.natural"])
    assert detail.value is None and detail.protection.locked is False
    assert new_total.protection.locked is True and t3.protection.sheet is True
    # data validation: whole numbers ≥ 0 on counts, signed on 本年增/减, decimals on amounts
    kinds = {dv.type + ":" + (dv.operator or ""): dv for dv in t3.data_validations.dataValidation}
    assert "whole:greaterThanOrEqual" in kinds
    assert detail.coordinate in kinds["whole:greaterThanOrEqual"].sqref
    t2dv = {dv.type: dv for dv in wb["表二"].data_validations.dataValidation}
    fee = keys["t2.fee.amount"] if layout is LAYOUT_2021 else keys["t2.procurement.amount"]
    assert fee.split("!")[1] in t2dv["decimal"].sqref
    if layout is LAYOUT_2019:
        signed = [dv for dv in wb["表二"].data_validations.dataValidation if dv.operator == "between"]
        assert keys["t2.license.change"].split("!")[1] in signed[0].sqref
    # the balance check row turns red when it is not 平衡
    rules = [r for rng in t3.conditional_formatting for r in rng.rules]
    assert rules and "平衡" in rules[0].formula[0]
    check_row = [c for c in t3[t3.max_row] if isinstance(c.value, str) and c.value.startswith("=IF(")]
    assert len(check_row) == 7
    # meta and text sheets
    assert wb["基本信息"]["B4"].value == year
    assert wb["正文"]["A2"].value == "一、总体情况"


def test_template_refuses_years_without_the_format():
    res = CliRunner().invoke(app, ["template", "--year", "2015", "--xlsx", "/tmp/never.xlsx"])
    assert res.exit_code == 2 and "2015" in res.output and "Traceback" not in res.output


def test_filled_workbook_reads_back(tmp_path):
    rec = example_record()
    path = tmp_path / "filled.xlsx"
    build_workbook(2024, rec).save(path)
    back = read_workbook(path.read_bytes(), str(path))
    assert back.meta.agency == rec.meta.agency and back.meta.year == 2024 and back.meta.published == "2025-01-20"
    assert back.meta.template == "2021"
    for k, v in rec.cells.items():
        assert back.cells[k] == v, k
    # totals are formulas: read as blank, computed when rendering
    assert back.cells["t3.new.total"] is None
    assert expected_record(back).cells["t3.new.total"] == 62
    assert [s.text for s in back.sections] == [s.text for s in rec.sections]


def test_clerk_typed_a_wrong_total_over_the_formula(tmp_path):
    wb = build_workbook(2024, example_record())
    keys = _keymap(wb)
    _cell(wb, keys["t4.review.total"]).value = 9
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    res = CliRunner().invoke(app, ["render", str(path), "--to", "txt"])
    assert res.exit_code == 2 and "XG401" in res.output


def test_text_in_a_number_cell_is_one_clear_error(tmp_path):
    wb = build_workbook(2024, example_record())
    keys = _keymap(wb)
    _cell(wb, keys["t3.granted.natural"]).value = "二十"
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(ReadError) as e:
        load_record(path)
    assert "二十" in str(e.value) and "bad.xlsx" in str(e.value)
    res = CliRunner().invoke(app, ["render", str(path), "--to", "md"])
    assert res.exit_code == 2 and "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


def test_example_workbook_is_made_by_the_code():
    """examples/example-2024.xlsx is what xxgk.render.example writes."""
    checked_in = read_workbook(EXAMPLE.read_bytes(), str(EXAMPLE))
    rec = example_record()
    assert checked_in.cells == {k: rec.cells.get(k) for k in checked_in.cells}
    assert checked_in.meta.agency == rec.meta.agency
    assert [s.text for s in checked_in.sections] == [s.text for s in rec.sections]
