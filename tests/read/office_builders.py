"""Build real report documents (HTML, DOCX, XLSX) for the reader tests and benchmarks.

A report is described once — the official 2021 layout's three tables with
their merged cells, every label imported from :mod:`xxgk.layouts` — and
written out with the real libraries (python-docx, openpyxl) or as HTML with
``rowspan``/``colspan``.  The figures are known, so a test can compare every
cell the parser returns with what was written.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from io import BytesIO

from xxgk.layouts import LAYOUT_2021, SECTIONS, T3_APPLICANT_GROUP, T3_HEADER_GROUP, T3_NOTE, T4_SUIT_GROUP, Table

AGENCY = "某某市测试局"
YEAR = 2023
TITLE = f"{AGENCY}{YEAR}年政府信息公开工作年度报告"
DATE_LINE = f"{YEAR + 1}年1月20日"


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


Spec = list[list[Cell]]  # rows of cells, HTML style (covered positions omitted)


def known_values(blank_every: int = 0) -> dict[str, int | float | None]:
    """A figure for every cell of the 2021 layout (no optional columns).

    Figures are varied (0, one digit, several digits, an amount with a
    decimal); with ``blank_every`` every n-th cell is left empty (None)."""
    out: dict[str, int | float | None] = {}
    for i, key in enumerate(LAYOUT_2021.cell_keys()):
        if blank_every and i % blank_every == blank_every - 1:
            out[key] = None
        elif key == "t2.fee.amount":
            out[key] = 12.5
        else:
            out[key] = (i * 37) % 101 if i % 3 else 0
    return out


def _fmt(v) -> str:
    return "" if v is None else str(v)


def t2_spec(values: dict) -> Spec:
    t2 = LAYOUT_2021.table("t2")
    rows: Spec = []
    for block in t2.blocks:
        rows.append([Cell(block.label, colspan=4)])
        if len(block.columns) == 1:
            rows.append([Cell("信息内容"), Cell(block.columns[0].label, colspan=3)])
        else:
            rows.append([Cell("信息内容")] + [Cell(c.label) for c in block.columns])
        for r in block.rows:
            if len(block.columns) == 1:
                rows.append([Cell(r.label), Cell(_fmt(values[f"t2.{r.key}.{block.columns[0].key}"]), colspan=3)])
            else:
                rows.append([Cell(r.label)] + [Cell(_fmt(values[f"t2.{r.key}.{c.key}"])) for c in block.columns])
    return rows


def t3_spec(values: dict) -> Spec:
    t3: Table = LAYOUT_2021.table("t3")
    cols = [c for c in t3.columns if not c.optional]
    legal = [c for c in cols if c.key not in ("natural", "total")]
    rows: Spec = [
        [Cell(T3_NOTE, rowspan=3, colspan=3), Cell(T3_HEADER_GROUP, colspan=len(cols))],
        [Cell(cols[0].label, rowspan=2), Cell(T3_APPLICANT_GROUP, colspan=len(legal)), Cell(cols[-1].label, rowspan=2)],
        [Cell(c.label) for c in legal],
    ]
    groups = {g.key: g for g in t3.groups}
    results = groups["results"]
    in_results = [r for r in t3.rows if r.group is not None]
    first_in_group: dict[str, str] = {}
    for r in t3.rows:
        if r.group and r.group not in first_in_group:
            first_in_group[r.group] = r.key
    for r in t3.rows:
        figures = [Cell(_fmt(values[f"t3.{r.key}.{c.key}"])) for c in cols]
        label = r.full_label
        if r.group is None:
            rows.append([Cell(label, colspan=3)] + figures)
            continue
        row: list[Cell] = []
        if r is in_results[0]:
            row.append(Cell(results.full_label, rowspan=len(in_results)))
        if r.group == "results":
            row.append(Cell(label, colspan=2))
        else:
            if first_in_group[r.group] == r.key:
                n = sum(1 for x in t3.rows if x.group == r.group)
                row.append(Cell(groups[r.group].full_label, rowspan=n))
            row.append(Cell(label))
        rows.append(row + figures)
    return rows


def t4_spec(values: dict) -> Spec:
    t4 = LAYOUT_2021.table("t4")
    review, direct, after = t4.rows
    n = len(t4.columns)
    return [
        [Cell(review.label, colspan=n), Cell(T4_SUIT_GROUP, colspan=2 * n)],
        [Cell(c.label, rowspan=2) for c in t4.columns] + [Cell(direct.label, colspan=n), Cell(after.label, colspan=n)],
        [Cell(c.label) for c in t4.columns] * 2,
        [Cell(_fmt(values[f"t4.{r.key}.{c.key}"])) for r in t4.rows for c in t4.columns],
    ]


def report_parts(values: dict) -> list[str | Spec]:
    """The report in reading order: paragraphs (str) and tables (Spec)."""
    s = {sec.no: sec.title for sec in SECTIONS}
    return [
        TITLE,
        s[1],
        f"{YEAR}年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。",
        s[2],
        t2_spec(values),
        s[3],
        t3_spec(values),
        s[4],
        t4_spec(values),
        s[5],
        "一是公开内容还不够全面；二是解读形式比较单一。下一步将持续改进。",
        s[6],
        "本年度未收取信息处理费。",
        AGENCY,
        DATE_LINE,
    ]


def positions(spec: Spec) -> tuple[list[tuple[int, int, Cell]], int, int]:
    """Top-left (row, col) of every cell of an HTML-style spec, and the grid size."""
    taken: set[tuple[int, int]] = set()
    out = []
    width = 0
    for r, row in enumerate(spec):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    return out, len(spec), width


# ------------------------------------------------------------------ writers


def to_html(parts: list, *, charset: str = "utf-8", chrome: bool = True, soup: bool = False) -> bytes:
    """An HTML page; ``soup`` writes cells the way Word pastes them into a CMS."""
    body: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if soup:
                half = len(part) // 2
                body.append(f'<p class="MsoNormal"><span style="font-family:仿宋_GB2312">{html.escape(part[:half])}</span>'
                            f'<span lang="EN-US"><font face="仿宋">{html.escape(part[half:])}</font></span><o:p></o:p></p>')
            else:
                body.append(f"<p>{html.escape(part)}</p>")
            continue
        rows = []
        for row in part:
            tds = []
            for cell in row:
                attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
                text = html.escape(cell.text)
                if soup:
                    inner = f'<p align="center"><span style="font-size:10.5pt">{text}</span><span><o:p>&nbsp;</o:p></span></p>' if text else "<p><o:p>&nbsp;</o:p></p>"
                else:
                    inner = text or "&nbsp;"
                tds.append(f"<td{attrs}>{inner}</td>")
            rows.append("<tr>" + "".join(tds) + "</tr>")
        body.append('<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>")
    head = f'<meta charset="{charset}"><title>{html.escape(TITLE)}_政务公开_{AGENCY}</title>'
    nav = footer = ""
    if chrome:
        head += "<style>td{border:1px solid #000}</style><script>var nav = ['首页', '政府信息公开', '统计信息'];</script>"
        nav = ('<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/bsfw">办事服务</a> '
               '<a href="/gzbg">政府工作报告</a> <a href="/tjxx">统计信息</a></div>'
               '<nav><ul><li><a href="/a">机构概况</a></li><li><a href="/b">政策文件</a></li></ul></nav>'
               '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政府信息公开年报</a></div>')
        footer = ("<footer><p>主办单位：某某市人民政府办公室 备案号：京ICP备00000000号</p>"
                  "<p>2019年度 2020年度 2021年度 年度报告 政府工作报告</p></footer>"
                  "<script>document.write('<p>统计代码</p>');</script>")
    page = (f"<!DOCTYPE html>\n<html><head>{head}</head><body>{nav}"
            f'<div class="article">' + "\n".join(body) + f"</div>{footer}</body></html>")
    return page.encode(charset)


def to_docx(parts: list) -> bytes:
    """A Word document made with python-docx; merged cells are real Word merges."""
    import docx

    d = docx.Document()
    for part in parts:
        if isinstance(part, str):
            d.add_paragraph(part)
            continue
        cells, nrows, width = positions(part)
        table = d.add_table(rows=nrows, cols=width)
        table.style = "Table Grid"
        grid = table._cells  # once: table.cell() rebuilds this list on every call
        for r, c, cell in cells:
            grid[r * width + c].text = cell.text
        for r, c, cell in cells:  # a merge keeps the text of the one non-empty cell
            if cell.rowspan > 1 or cell.colspan > 1:
                table.cell(r, c).merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
    buf = BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_xlsx(parts: list) -> bytes:
    """A workbook made with openpyxl: the prose and the three tables on one
    sheet, one table under the other, with merged ranges."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年报"
    row0 = 1
    for part in parts:
        if isinstance(part, str):
            ws.cell(row=row0, column=1, value=part)
            row0 += 1
            continue
        cells, nrows, _ = positions(part)
        for r, c, cell in cells:
            value: object = cell.text
            if cell.text and cell.text.replace(".", "", 1).isdigit():
                value = float(cell.text) if "." in cell.text else int(cell.text)
            ws.cell(row=row0 + r, column=1 + c, value=value if cell.text else None)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=row0 + r, start_column=1 + c, end_row=row0 + r + cell.rowspan - 1, end_column=c + cell.colspan)
        row0 += nrows
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
