"""Findings that go back to the agency: a 整改通知 (DOCX) and the list of all findings (XLSX).

:func:`letter_docx` writes one notice to one agency in the style of an
official document (A4, GB/T 9704 margins, 仿宋 body, 黑体 headings, numbered
items): which report was checked, every finding in plain Chinese with the
table cell and its figures, what to correct (the rule's own 修改 guidance), a
deadline line and the office's signature.  :func:`findings_xlsx` writes every
finding of many reports as one filterable sheet with Chinese columns.

Both take :class:`LetterItem` lists, so the same code serves files checked on
the spot (``xxgk letter FILE``) and reports of the store
(:func:`xxgk.store.letters.letter_items`).
"""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path

from ..check.output import SEVERITY_ZH, doc_parts
from ..check.registry import RULES
from ..layouts import LAYOUT_2021, REGULATION, column_label

_T3_TOTAL = LAYOUT_2021.table("t3").row("total").full_label  # （七）总计
from ..model import Finding, LetterItem
from ..safe_write import neutral_row
from ..text import CN_NUMERALS

_KEY = re.compile(r"^t[234]\.[a-z_0-9]+\.[a-z_0-9]+$")


def fix_text(rule_id: str) -> str:
    """What to correct: the 修改 line of the rule's documentation."""
    r = RULES.get(rule_id)
    if r is None:
        return ""
    zh, _ = doc_parts(r.doc)
    m = re.search(r"修改[：:](.+)", zh, re.S)
    return re.sub(r"\s+", "", m.group(1)) if m else ""


def cells_text(f: Finding) -> str:
    """The table cells a finding names, by their official labels."""
    keys = [w for w in f.where if _KEY.match(w)]
    labels = [column_label(k) for k in (keys if not f.culprit else [f.culprit, *[k for k in keys if k != f.culprit]])]
    shown = "；".join(labels[:6]) + (f"等 {len(labels)} 个单元格" if len(labels) > 6 else "")
    return shown


def _cascades(it: LetterItem, found: list[Finding]):
    """The item's findings with those caused by one blank column grouped (see :mod:`xxgk.check.cascade`)."""
    if not it.blank:
        return [], found
    from ..check.cascade import cascades
    from ..model import Meta, Record, Source

    rec = Record(source=Source(path=it.source, sha256="", format="text"), meta=Meta(), cells=dict.fromkeys(it.blank))
    return cascades(rec, found)


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def letter_docx(
    items: list[LetterItem],
    office: str = "政务公开办公室",
    deadline: dt.date | None = None,
    today: dt.date | None = None,
    severities: tuple[str, ...] = ("error", "warning"),
) -> bytes:
    """The 整改通知 to one agency (every item has the same agency)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    from .docx import BODY_FONT, HEADING_FONT, TITLE_FONT, _para, set_font

    today = today or dt.date.today()
    deadline = deadline or today + dt.timedelta(days=15)
    agency = items[0].agency if items else ""
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    set_font(doc.styles["Normal"], BODY_FONT, 16)
    years = sorted({it.year for it in items if it.year})
    yt = "、".join(str(y) for y in years)
    title = f"关于{agency}{yt + '年度' if yt else ''}政府信息公开工作年度报告问题的整改通知"
    _para(doc, title, TITLE_FONT, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=16)
    _para(doc, f"{agency}：", BODY_FONT, 16)
    n_total = sum(1 for it in items for f in it.findings if f.severity in severities)
    _para(
        doc,
        f"根据《{REGULATION}》第四十九条、第五十条和年度报告格式的要求，我们对你单位发布的政府信息公开工作年度报告进行了检查，"
        f"发现以下 {n_total} 个问题，请逐项核实整改。",
        BODY_FONT,
        16,
        indent=True,
    )
    n = 0
    for k, it in enumerate(items, 1):
        head = f"{CN_NUMERALS[k - 1] if k <= 10 else k}、《{it.title or (agency + (str(it.year) + '年' if it.year else '') + '政府信息公开工作年度报告')}》"
        _para(doc, head, HEADING_FONT, 16)
        meta = f"报告年度：{it.year or '未能确定'}；发布日期：{it.published or '未注明'}；检查的文件：{Path(it.source).name}。"
        _para(doc, meta, BODY_FONT, 16, indent=True)
        found = [f for f in it.findings if f.severity in severities]
        if not found:
            _para(doc, "未发现需要整改的问题。", BODY_FONT, 16, indent=True)
            continue
        groups, rest = _cascades(it, found)
        for f in rest:
            n += 1
            r = RULES.get(f.rule)
            title_ = r.title if r else f.rule
            _para(doc, f"（{n}）{title_}（{f.rule}，{SEVERITY_ZH[f.severity]}）：{f.message}。".replace("。。", "。"), BODY_FONT, 16, indent=True)
            cells = cells_text(f)
            if cells:
                _para(doc, f"涉及单元格：{cells}。", BODY_FONT, 16, indent=True)
            fix = fix_text(f.rule)
            if fix:
                _para(doc, f"整改要求：{fix}", BODY_FONT, 16, indent=True)
        for g in groups:  # one blank column and the findings it causes: the cause once, its consequences under it
            n += 1
            _para(doc, f"（{n}）{g.cause()}：", BODY_FONT, 16, indent=True)
            for j, f in enumerate(g.findings, 1):
                _para(doc, f"{j}. {f.message}（{f.rule}）", BODY_FONT, 16, indent=True)
            _para(doc, f"整改要求：逐项填写该列留空的单元格（没有数据填 0），再核对各行合计和{_T3_TOTAL}。", BODY_FONT, 16, indent=True)
    _para(
        doc,
        f"请于{_cn_date(deadline)}前完成整改，按规定重新发布更正后的年度报告（注明“更正版”），并将整改情况书面报送{office}。",
        BODY_FONT,
        16,
        indent=True,
    )
    _para(doc, "", BODY_FONT, 16)
    _para(doc, office, BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, _cn_date(today), BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def safe_name(name: str) -> str:
    """A file name from an agency name."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "机关"


FINDINGS_COLUMNS = ("机关", "年度", "报告", "文件", "规则", "级别", "问题", "说明", "单元格", "整改要求")


def findings_xlsx(items: list[LetterItem], path: str | Path) -> int:
    """Every finding of ``items`` on one filterable sheet; returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "检查发现"
    ws.append(list(FINDINGS_COLUMNS))
    n = 0
    for it in items:
        for f in it.findings:
            r = RULES.get(f.rule)
            row = [it.agency, it.year, it.title, it.source, f.rule, SEVERITY_ZH.get(f.severity, f.severity), r.title if r else "", f.message, cells_text(f), fix_text(f.rule)]
            ws.append(neutral_row(row))  # a text from a report never runs as a formula
            n += 1
    widths = (30, 8, 40, 30, 8, 8, 28, 70, 50, 60)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="F2F2F2")
    for row in ws.iter_rows(min_row=2):
        for c in row[6:]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDINGS_COLUMNS))}{max(1, ws.max_row)}"
    wb.save(str(path))
    return n
