"""A record → the report to print: layout, title, sections, tables, signature.

:func:`prepare` does everything the output formats share: it picks the
layout, computes the totals (refusing given totals that disagree, see
:mod:`xxgk.totals`), orders the sections under their official titles
and says where each table goes.  The writers (docx, html, text) only typeset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..layouts import REGULATION, SECTIONS, Layout, layout_for, template_for_year
from ..model import Record, Value
from ..text import CN_NUMERALS, NUMERAL
from ..totals import Conflict, compute_totals

# the table each standard section holds
SECTION_TABLES = {2: "t2", 3: "t3", 4: "t4"}
_NUMERAL_PREFIX = re.compile(rf"^\s*{NUMERAL}{{1,3}}\s*[、.．]\s*")


class RefusedTotals(Exception):
    """Given totals disagree with their details (or 表三 does not balance)."""

    def __init__(self, conflicts: list[Conflict], messages: list[str]):
        self.conflicts = conflicts
        self.messages = messages
        super().__init__("; ".join(messages))


@dataclass
class Part:
    """One section of the report: its heading, its text lines and its table."""

    no: int | None  # the standard section (1–6), None for an extra one
    heading: str  # 一、总体情况
    lines: list[str]
    table: str | None = None  # t2 / t3 / t4
    text_after_table: bool = False


@dataclass
class Report:
    record: Record
    layout: Layout | None  # None for a report without the standard tables
    title: str
    preamble: list[str]
    parts: list[Part]
    cells: dict[str, Value]
    agency: str | None
    date: str | None  # 2021年1月7日
    cover: list[str] = field(default_factory=list)  # lines under the title
    signature: list[str] = field(default_factory=list)  # 落款: agency, date
    warnings: list[str] = field(default_factory=list)
    warnings_en: list[str] = field(default_factory=list)


def report_title(record: Record) -> str:
    m = record.meta
    if m.title:
        return m.title
    year = f"{m.year}年" if m.year else ""
    return f"{m.agency or ''}{year}政府信息公开工作年度报告"


def date_text(iso: str | None) -> str | None:
    if not iso:
        return None
    y, mo, d = iso.split("-")
    return f"{int(y)}年{int(mo)}月{int(d)}日"


def preamble(year: int | None, layout: Layout | None) -> list[str]:
    """The opening sentence: the legal basis, the format, the statistics period."""
    if not year:
        return []
    fmt = f"和《{layout.name}》" if layout is not None else ""
    return [
        f"本报告根据《{REGULATION}》（以下简称《条例》）{fmt}要求编制。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    ]


def _words(title: str) -> str:
    """A heading without its numeral: 五、工作成效 → 工作成效."""
    return _NUMERAL_PREFIX.sub("", title).strip()


def choose_layout(record: Record) -> tuple[Layout | None, str | None]:
    """The layout to print, and a warning when it is not the one the year requires."""
    wanted = template_for_year(record.meta.year)
    used = record.meta.template if record.meta.template in ("2019", "2021") else None
    has_cells = bool(record.cells)
    if used is None:
        if not has_cells and wanted not in ("2019", "2021"):
            return None, None
        used = wanted if wanted in ("2019", "2021") else "2021"
    warning = None
    if wanted in ("2019", "2021") and used != wanted and has_cells:
        warning = used
    return layout_for(used), warning


def parts_of(record: Record, layout: Layout | None, cells: dict) -> list[Part]:
    """The sections in official order under their official titles; the
    standard sections the record lacks are added (empty); extra sections
    stay after the section they followed, with their own title words."""
    std = {s.no: s for s in SECTIONS}
    by_no: dict[int, list] = {}
    extras: dict[int, list] = {}  # standard number they follow → extra sections
    last = 0
    for s in record.sections:
        if s.no in std and s.no not in by_no:
            by_no[s.no] = [s]
            last = s.no
        else:
            extras.setdefault(last, []).append(s)
    order: list[tuple[int | None, str, str]] = []  # (no, title words, text)
    for x in extras.get(0, []):
        order.append((None, _words(x.title), x.text))
    for no in sorted(std):
        sec = by_no.get(no)
        order.append((no, _words(std[no].title), sec[0].text if sec else ""))
        for x in extras.get(no, []):
            order.append((None, _words(x.title), x.text))
    parts: list[Part] = []
    for i, (no, words, text) in enumerate(order):
        lines = [ln for ln in text.split("\n") if ln.strip()]
        table = SECTION_TABLES.get(no) if no is not None else None
        if table and (layout is None or not any(k.startswith(table + ".") for k in cells)):
            table = None
        # the text reader takes short lines right after 表二 for its header:
        # a section's own text goes before 表二 and after 表三/表四
        parts.append(Part(no, f"{CN_NUMERALS[i] if i < 10 else i + 1}、{words}", lines, table, False))
    return parts


def _gaps(record: Record, layout: Layout | None, cells: dict, warnings: list[str], warnings_en: list[str]) -> None:
    """What the report lacks: agency, date, figures (blank is printed blank, never 0)."""
    from ..layouts import label_of

    if not record.meta.agency:
        warnings.append("未填写机关名称，落款处空缺")
        warnings_en.append("no agency: the signature is left out")
    if not record.meta.published:
        warnings.append("未填写成文日期，落款处不写日期")
        warnings_en.append("no date: the signature has no date")
    if layout is None:
        return
    known = set(layout.cell_keys(with_optional=True))
    stray = [k for k in cells if k not in known and not k.startswith("t3.other.")]
    if stray:
        warnings.append(f"{len(stray)} 个单元格不属于{layout.template}年格式，未印出：{'、'.join(stray[:3])}")
        warnings_en.append(f"{len(stray)} cells are not in the {layout.template} layout and are left out: {', '.join(stray[:3])}")
    blank = [k for k in layout.cell_keys(with_optional=True) if k in cells and cells[k] is None]
    if blank:
        shown = "、".join(label_of(k, layout.template) for k in blank[:3]) + ("等" if len(blank) > 3 else "")
        warnings.append(f"XG201 {len(blank)} 个单元格空白，按空白印出（格式要求无数据填 0）：{shown}")
        warnings_en.append(f"XG201 {len(blank)} blank cells printed blank (the format expects 0): {', '.join(blank[:3])}")


def line_blocks(lines: list[str]) -> list[str | list[list[str]]]:
    """Text lines, with runs of tab-separated lines (a small table the
    source had inside a section) turned into grids."""
    out: list[str | list[list[str]]] = []
    for ln in lines:
        if "\t" in ln:
            row = [c.strip() for c in ln.split("\t")]
            if out and isinstance(out[-1], list):
                out[-1].append(row)
            else:
                out.append([row])
        else:
            out.append(ln)
    return out


def prepare(record: Record, keep_given: bool = False, lang: str = "zh", as_given: bool = False) -> Report:
    """The report to print.  Totals are computed and given ones checked
    (:class:`RefusedTotals` unless ``keep_given``); ``as_given`` prints the
    cells exactly as the record has them, without computing or checking."""
    layout, mismatch = choose_layout(record)
    rec = record
    if layout is not None and record.meta.template != layout.template:
        import msgspec

        rec = msgspec.structs.replace(record, meta=msgspec.structs.replace(record.meta, template=layout.template))
    if layout is None or as_given:
        cells, conflicts = dict(record.cells), []
    else:
        cells, conflicts = compute_totals(rec, keep_given=keep_given)
    warnings: list[str] = []
    warnings_en: list[str] = []
    if conflicts:
        messages = checker_messages(rec, conflicts, lang)
        if not keep_given:
            raise RefusedTotals(conflicts, messages)
        warnings += messages
        warnings_en += messages
    if mismatch:
        wanted = template_for_year(record.meta.year)
        warnings.append(f"XG105 {record.meta.year}年度报告应使用{wanted}年格式，记录使用{mismatch}年格式，按记录的格式生成")
        warnings_en.append(f"XG105 a report on {record.meta.year} requires the {wanted} layout; the record uses {mismatch}, printed as is")
    if not as_given:
        _gaps(record, layout, cells, warnings, warnings_en)
    title = report_title(record)
    agency, date = record.meta.agency, date_text(record.meta.published)
    cover: list[str] = []
    signature: list[str] = []
    if date:
        signature = [x for x in (agency, date) if x]
    elif agency:
        from ..extract.meta import agency_from_title

        if agency_from_title(title) != agency:
            cover = [agency]
    return Report(
        record=rec,
        layout=layout,
        title=title,
        preamble=preamble(record.meta.year, layout),
        parts=parts_of(record, layout, cells),
        cells=cells,
        agency=agency,
        date=date,
        cover=cover,
        signature=signature,
        warnings=warnings,
        warnings_en=warnings_en,
    )


def expected_record(record: Record, keep_given: bool = False) -> Record:
    """What parsing the rendered report must give back: the record with its
    totals computed, the layout it is printed in, its title, and the
    standard sections it lacked (empty)."""
    import msgspec

    from ..model import SectionText

    rep = prepare(record, keep_given=keep_given)
    sections = [SectionText(no=p.no, title=p.heading, text="\n".join(ln.strip() for ln in p.lines)) for p in rep.parts]
    meta = msgspec.structs.replace(record.meta, title=rep.title, template=rep.layout.template if rep.layout else record.meta.template)
    return msgspec.structs.replace(record, meta=meta, cells=rep.cells, sections=sections)


def checker_messages(record: Record, conflicts: list[Conflict], lang: str = "zh") -> list[str]:
    """The messages to show for refused totals: the checker's own findings
    (XG3xx/XG4xx) when the checker is available, else ours."""
    rules = sorted({c.rule for c in conflicts})
    try:
        from ..check import check_record

        findings = check_record(record, select=rules)
    except NotImplementedError:
        findings = None
    if findings:
        found = [f for f in findings if f.rule in rules]
        if found:
            return [f"{f.rule} {f.message_en if lang == 'en' else f.message}" for f in found]
    return [f"{c.rule} {c.message_en if lang == 'en' else c.message}" for c in conflicts]
