"""The fill-in workbook (openpyxl): the template, blank or with a record's figures
(read back by :mod:`xxgk.extract.workbook`).

One sheet per table in the form's shape (merged header cells), input cells
only where the form has a figure, totals as formulas, the 表三 balance as a
check row that turns red, data validation by cell kind, a sheet for the
agency, year and date, and one for the narrative sections.  A hidden sheet
``_xxgk`` maps every cell key to its place, so reading back never depends
on guessing positions.

Formulas written by openpyxl carry no cached value until a spreadsheet
program recalculates them: reading back computes every total from the
detail cells.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..layouts import SECTIONS, Layout, cell_kind, layout_for, template_for_year
from ..model import Meta, Record
from ..extract.workbook import KEY_SHEET, MARKER, META_SHEET, TEXT_SHEET, all_cells
from ..totals import relations
from .grids import official_grid

TOP = 3  # first row of a table grid

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
_TOTAL_FILL = PatternFill("solid", fgColor="E8E8E8")
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_RED_FILL = PatternFill("solid", fgColor="FFC7CE")
_NA_FILL = PatternFill("lightGray", fgColor="BFBFBF")  # no figure here: locked
_FONT = "宋体"
OK_WORD, BAD_WORD = "平衡", "不平衡"


def _validation(kind: str) -> DataValidation:
    if kind == "signed":
        dv = DataValidation(type="whole", operator="between", formula1="-100000000", formula2="100000000")
        dv.error, dv.prompt = "请填写整数（减少填负数）", "整数，减少填负数"
    elif kind == "amount":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        dv.error, dv.prompt = "请填写不小于 0 的数", "金额，可含小数"
    else:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        dv.error, dv.prompt = "请填写不小于 0 的整数", "件数：不小于 0 的整数"
    dv.errorTitle = "数据有误"
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.allow_blank = True
    return dv


def _table_sheet(wb: Workbook, layout: Layout, tkey: str, record: Record | None, keymap: dict[str, str]) -> None:
    table = layout.table(tkey)
    ws = wb.create_sheet(table.number)
    grid = official_grid(layout, tkey, all_cells(layout))
    width = len(grid[0])
    ws.cell(1, 1, f"{table.number}　{table.title}").font = Font(name=_FONT, bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    totals = {rel.total: rel for rel in relations(layout, all_cells(layout)) if rel.total.startswith(tkey + ".")}
    pos: dict[str, str] = {}
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is not None and cell.key:
                pos[cell.key] = f"{get_column_letter(c + 1)}{TOP + r}"
    validations: dict[str, DataValidation] = {}
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            xr, xc = TOP + r, c + 1
            x = ws.cell(xr, xc)
            x.border = _BORDER
            if cell is None:
                continue
            if cell.key is not None and cell.colspan > 1:
                # a single figure in a row of several columns (表二 行政许可 …): the figure goes in the
                # first column; the cells beside it are locked and shaded, never an input that is ignored
                for cc in range(xc + 1, xc + cell.colspan):
                    beside = ws.cell(xr, cc)
                    beside.border = _BORDER
                    beside.fill = _NA_FILL
                    beside.protection = Protection(locked=True)
            elif cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=xr, start_column=xc, end_row=xr + cell.rowspan - 1, end_column=xc + cell.colspan - 1)
                for rr in range(xr, xr + cell.rowspan):
                    for cc in range(xc, xc + cell.colspan):
                        ws.cell(rr, cc).border = _BORDER
            x.alignment = Alignment(horizontal="left" if cell.role in ("label", "note") else "center", vertical="center", wrap_text=True)
            x.font = Font(name=_FONT, size=10, bold=cell.role == "head")
            if cell.key is None:
                x.value = cell.text
                if cell.role == "head":
                    x.fill = _HEAD_FILL
                continue
            keymap[cell.key] = f"{ws.title}!{pos[cell.key]}"
            rel = totals.get(cell.key)
            if rel is not None:
                x.value = "=SUM(" + ",".join(pos[k] for k in rel.details if k in pos) + ")"
                x.fill = _TOTAL_FILL
                continue
            kind = cell_kind(cell.key)
            dv = validations.get(kind)
            if dv is None:
                dv = validations[kind] = _validation(kind)
                ws.add_data_validation(dv)
            dv.add(x)
            x.fill = _INPUT_FILL
            x.protection = Protection(locked=False)
            if kind == "amount":
                x.number_format = "0.####"
            if record is not None and record.cells.get(cell.key) is not None:
                x.value = record.cells[cell.key]
    if tkey == "t3":
        _balance_row(ws, layout, grid, pos)
    widths = {"t2": [24, 18, 18, 18], "t3": [8, 12, 40] + [10] * (width - 3), "t4": [9] * width}[tkey]
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False
    _page_setup(ws, landscape=tkey == "t4", last_row=TOP + len(grid) + (1 if tkey == "t3" else -1), last_col=width)


def _page_setup(ws, landscape: bool, last_row: int, last_col: int) -> None:
    """A4, fitted to the page width, centred, the print area the form itself."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"


def _balance_row(ws, layout: Layout, grid, pos: dict[str, str]) -> None:
    """Under 表三: for each column, 一 + 二 against 三（七）+ 四, red when it fails."""
    t3 = layout.table("t3")
    xr = TOP + len(grid) + 1
    label = ws.cell(xr, 1, "勾稽关系校验（一+二=三（七）+四）")
    label.font = Font(name=_FONT, size=10, bold=True)
    ws.merge_cells(start_row=xr, start_column=1, end_row=xr, end_column=3)
    first_value_col = next(c for c, cell in enumerate(grid[-1]) if cell is not None and cell.key) + 1
    for i, col in enumerate(c for c in t3.columns if not c.optional):
        new, cin, tot, out = (pos[f"t3.{r}.{col.key}"] for r in ("new", "carried_in", "total", "carried_out"))
        x = ws.cell(xr, first_value_col + i, f'=IF(N({new})+N({cin})=N({tot})+N({out}),"{OK_WORD}","{BAD_WORD}")')
        x.alignment = Alignment(horizontal="center")
        x.border = _BORDER
        x.font = Font(name=_FONT, size=10)
    first = get_column_letter(first_value_col)
    last = get_column_letter(first_value_col + len([c for c in t3.columns if not c.optional]) - 1)
    ws.conditional_formatting.add(
        f"{first}{xr}:{last}{xr}",
        FormulaRule(formula=[f'{first}{xr}<>"{OK_WORD}"'], fill=_RED_FILL, font=Font(color="9C0006", bold=True)),
    )


def _meta_sheet(ws, layout: Layout, year: int, record: Record | None, keymap: dict[str, str]) -> None:
    ws.title = META_SHEET
    ws.cell(1, 1, "政府信息公开工作年度报告　填报表").font = Font(name=_FONT, bold=True, size=14)
    ws.merge_cells("A1:B1")
    m = record.meta if record else Meta(year=year)
    rows = [
        ("meta.agency", "机关名称", m.agency),
        ("meta.year", "报告年度", m.year or year),
        ("meta.published", "成文日期", dt.date.fromisoformat(m.published) if m.published else None),
        ("meta.title", "报告标题（可不填，默认“机关名称+年度+政府信息公开工作年度报告”）", m.title),
    ]
    for i, (key, label, value) in enumerate(rows):
        r = 3 + i
        a = ws.cell(r, 1, label)
        a.font = Font(name=_FONT, size=11, bold=True)
        a.alignment = Alignment(wrap_text=True, vertical="center")
        b = ws.cell(r, 2, value)
        b.fill = _INPUT_FILL
        b.border = _BORDER
        b.protection = Protection(locked=False)
        b.font = Font(name=_FONT, size=11)
        keymap[key] = f"{ws.title}!B{r}"
    ws["B5"].number_format = "yyyy-mm-dd"
    dv = DataValidation(type="whole", operator="between", formula1="2008", formula2="2100", allow_blank=False)
    dv.error = "请填写四位年份"
    ws.add_data_validation(dv)
    dv.add("B4")
    dd = DataValidation(type="date", operator="greaterThan", formula1="DATE(2008,1,1)", allow_blank=True)
    dd.error = "请填写日期，如 2025-01-20"
    ws.add_data_validation(dd)
    dd.add("B5")
    ws.cell(8, 1, "格式").font = Font(name=_FONT, bold=True)
    ws.cell(8, 2, f"{layout.name}（{layout.document}）")
    ws.cell(9, 1, "填写说明").font = Font(name=_FONT, bold=True)
    ws.cell(9, 2, "黄色单元格为填报项，无数据填 0；灰色为自动合计；表三下方勾稽关系校验显示“不平衡”时变红，请核对。")
    ws.cell(9, 2).alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 70
    _page_setup(ws, landscape=False, last_row=9, last_col=2)


def _text_sheet(ws, record: Record | None, keymap: dict[str, str]) -> None:
    ws.cell(1, 1, "正文（各部分文字；二、三、四部分的表格在“表二”“表三”“表四”工作表中填写）").font = Font(name=_FONT, bold=True, size=12)
    ws.merge_cells("A1:B1")
    texts = {s.no: s.text for s in record.sections} if record else {}
    for i, sec in enumerate(SECTIONS):
        r = 2 + i
        a = ws.cell(r, 1, sec.title)
        a.font = Font(name=_FONT, bold=True)
        a.alignment = Alignment(vertical="top", wrap_text=True)
        b = ws.cell(r, 2, texts.get(sec.no) or None)
        b.alignment = Alignment(vertical="top", wrap_text=True)
        b.fill = _INPUT_FILL
        b.border = _BORDER
        ws.row_dimensions[r].height = 120
        keymap[f"section.{sec.no}"] = f"{ws.title}!B{r}"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    _page_setup(ws, landscape=True, last_row=1 + len(SECTIONS), last_col=2)


def build_workbook(year: int, record: Record | None = None) -> Workbook:
    """The template for a report on ``year`` (filled from ``record`` if given)."""
    template = template_for_year(year)
    if template not in ("2019", "2021"):
        raise ValueError(f"{year}年没有统一的年报格式（2019 年起适用）")
    layout = layout_for(template)
    wb = Workbook()
    keymap: dict[str, str] = {}
    _meta_sheet(wb.active, layout, year, record, keymap)
    for tkey in ("t2", "t3", "t4"):
        _table_sheet(wb, layout, tkey, record, keymap)
    _text_sheet(wb.create_sheet(TEXT_SHEET), record, keymap)
    ks = wb.create_sheet(KEY_SHEET)
    ks.sheet_state = "hidden"
    ks.append([MARKER, layout.template])
    for key, where in keymap.items():
        ks.append([key, where])
    return wb


def write_workbook(path: str | Path, year: int, record: Record | None = None) -> None:
    build_workbook(year, record).save(path)
