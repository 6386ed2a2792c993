"""xxgk's own fill-in workbook, filled by a clerk, read back as a record.

The workbook (written by :mod:`xxgk.render.workbook`) keeps a hidden sheet
``_xxgk`` that maps every cell key to its place, so reading it back never
depends on guessing positions: nothing is found, every cell is read where
its key says.  Formulas carry no cached value until a spreadsheet program
recalculates them, so the totals are computed from the details
(:mod:`xxgk.totals`); a total the clerk typed over a formula is a given
total: it is kept, for the checker to see.

The first stage and the second in one, for one format: bytes → record.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..layouts import SECTIONS, Layout, cell_kind, layout_for
from ..model import Meta, Record, SectionText, Source
from ..read.errors import ReadError
from ..totals import compute_totals, relations

MARKER = "xxgk-workbook"
KEY_SHEET = "_xxgk"
META_SHEET = "基本信息"
TEXT_SHEET = "正文"


def all_cells(layout: Layout) -> dict:
    """Every cell of a layout, blank."""
    return {k: None for k in layout.cell_keys()}


def is_workbook(data: bytes) -> bool:
    """Whether the bytes are a workbook made by :func:`build_workbook`."""
    if data[:4] != b"PK\x03\x04":
        return False
    import zipfile
    from io import BytesIO

    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            return "xl/workbook.xml" in z.namelist() and KEY_SHEET.encode() in z.read("xl/workbook.xml")
    except Exception:  # a damaged zip (bad header, undecodable names …) is not our workbook; its reader says why
        return False


def _value(v):
    """A cell's content as a record value: formulas and text that is not a
    number are left to the renderer (None)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    s = str(v).strip()
    if not s or s.startswith("="):
        return None
    try:
        return int(s)
    except ValueError:
        try:
            return float(s)
        except ValueError:
            return None


def read_workbook(data: bytes, path: str = "<workbook>") -> Record:
    """A filled workbook → a record (totals left to the renderer)."""
    from io import BytesIO

    from openpyxl import load_workbook

    try:
        wb = load_workbook(BytesIO(data), data_only=False)
    except Exception as e:  # a damaged file: one line, no traceback
        raise ReadError(path, f"工作簿无法打开（{type(e).__name__}）", "请用 xxgk template 重新生成模板", f"cannot open the workbook ({type(e).__name__})") from e
    if KEY_SHEET not in wb.sheetnames or wb[KEY_SHEET].cell(1, 1).value != MARKER:
        raise ReadError(path, "不是 xxgk 生成的填报表", "请用 xxgk template 生成模板后填写", "not a workbook made by xxgk template")
    ks = wb[KEY_SHEET]
    template = str(ks.cell(1, 2).value)
    keymap = {str(a): str(b) for a, b in ks.iter_rows(min_row=2, max_col=2, values_only=True) if a and b}

    def get(where: str):
        sheet, coord = where.split("!")
        return wb[sheet][coord].value

    layout = layout_for(template)
    totals = {rel.total for rel in relations(layout, all_cells(layout))}
    cells = {}
    problems: list[str] = []
    for key in layout.cell_keys():
        if key not in keymap:
            continue
        raw = get(keymap[key])
        if key in totals and isinstance(raw, str) and raw.startswith("="):
            cells[key] = None  # a formula: computed by the renderer
            continue
        v = _value(raw)
        if raw not in (None, "") and v is None:
            problems.append(f"{keymap[key]}「{raw}」")
        if isinstance(v, float) and cell_kind(key) != "amount":
            if not v.is_integer():
                problems.append(f"{keymap[key]}「{raw}」")
            v = int(v)
        cells[key] = v
    if problems:
        raise ReadError(path, "以下单元格不是数字：" + "、".join(problems[:5]), "请改为数字或留空", "cells that are not numbers: " + ", ".join(problems[:5]))
    agency = get(keymap["meta.agency"])
    year = get(keymap["meta.year"])
    published = get(keymap["meta.published"])
    title = get(keymap["meta.title"])
    if isinstance(published, dt.datetime):
        published = published.date().isoformat()
    elif isinstance(published, dt.date):
        published = published.isoformat()
    elif published:
        from ..extract.meta import parse_date

        published = parse_date(str(published))
    try:
        year = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        raise ReadError(path, f"报告年度「{year}」不是年份", "请填写四位年份", f"the year '{year}' is not a year") from None
    sections = []
    for sec in SECTIONS:
        where = keymap.get(f"section.{sec.no}")
        text = get(where) if where else None
        sections.append(SectionText(no=sec.no, title=sec.title, text=_clean_text(text)))
    meta = Meta(
        title=str(title).strip() if title else None,
        agency=str(agency).strip() if agency else None,
        year=year,
        published=published or None,
        template=template,
    )
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format="xlsx")
    return Record(source=source, meta=meta, cells=cells, sections=sections)


def _clean_text(text) -> str:
    if text is None:
        return ""
    lines = [ln.strip() for ln in str(text).replace("\r\n", "\n").split("\n")]
    return "\n".join(ln for ln in lines if ln)


def record_of_workbook(data: bytes, path: str = "<workbook>") -> Record:
    """A filled workbook as the report it makes: its totals (formulas in the
    workbook) computed from the details exactly as the renderer prints them;
    totals the clerk typed over a formula are kept as given, so the checker
    sees them.  What every command that takes a report reads from a workbook."""
    import msgspec

    rec = read_workbook(data, path)
    cells, _ = compute_totals(rec, keep_given=True)
    return msgspec.structs.replace(rec, cells=cells)
