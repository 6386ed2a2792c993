"""The XLSX reader on workbooks made with openpyxl."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest

import xxgk
from xxgk.model import Table
from xxgk.read import ReadError, read_bytes
from gold_compare import expected_diff
from office_builders import AGENCY, YEAR, known_values, report_parts, to_xlsx


def save(wb) -> bytes:
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_generated_report_workbook_reads_every_cell():
    values = known_values(blank_every=11)
    record = xxgk.parse_bytes(to_xlsx(report_parts(values)), "report.xlsx")
    assert record.source.format == "xlsx"
    assert expected_diff(record, values) == []
    assert (record.meta.year, record.meta.template, record.meta.agency) == (YEAR, "2021", AGENCY)


def test_used_range_merged_ranges_and_number_formats():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = "第二十条第（一）项"
    ws.merge_cells("B2:E2")  # a merged label
    ws.append([])
    ws["B3"], ws["C3"], ws["E3"] = "规章", 13, 524.0
    ws.merge_cells("C3:D3")  # a merged figure
    ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "行政事业性收费", 2.5, 0, None
    rows = [b for b in read_bytes(save(wb), "t.xlsx").blocks if isinstance(b, Table)][0].rows
    assert rows == [
        ["第二十条第(一)项"] * 4,
        ["规章", "13", "524", ""],  # the merged figure once; 524.0 written as the sheet shows it
        ["行政事业性收费", "2.5", "0", ""],
    ]


def test_every_sheet_in_order():
    wb = openpyxl.Workbook()
    wb.active.append(["行政复议", "维持"])
    wb.create_sheet("表三").append(["自然人", "总计"])
    blocks = read_bytes(save(wb), "t.xlsx").blocks
    assert [b.rows[0] for b in blocks] == [["行政复议", "维持"], ["自然人", "总计"]]


def test_corrupt_workbook_is_a_clear_error():
    data = bytearray(to_xlsx(report_parts(known_values())))
    # keep the zip directory, break the sheet's compressed data
    i = data.find(b"xl/worksheets/sheet1.xml") + 40
    data[i : i + 200] = b"\x00" * 200
    with pytest.raises(ReadError) as e:
        read_bytes(bytes(data), "broken.xlsx")
    assert str(e.value).startswith("broken.xlsx：")


def test_formatted_empty_columns_and_rows_are_not_cells():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "规章", 1
    ws["F1"].number_format = "0.00"  # formatted, empty
    ws["A9"].number_format = "0.00"
    ws["F9"] = None
    (table,) = read_bytes(save(wb), "t.xlsx").blocks
    assert table.rows == [["规章", "1"]]


def test_a_vertically_merged_label_stands_in_every_row():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = "三、本年度办理结果", "（一）予以公开", 4
    ws["B2"], ws["C2"] = "（二）部分公开", 0
    ws.merge_cells("A1:A2")
    (table,) = read_bytes(save(wb), "t.xlsx").blocks
    assert table.rows == [["三、本年度办理结果", "(一)予以公开", "4"], ["三、本年度办理结果", "(二)部分公开", "0"]]
