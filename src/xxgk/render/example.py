"""The filled example workbook of ``examples/`` (a fictitious agency).

Regenerate it with ``python -m xxgk.render.example examples/example-2024.xlsx``.
Only detail cells are filled; the totals are the workbook's formulas.
"""

from __future__ import annotations

import sys

from ..layouts import SECTIONS, layout_for
from ..model import Meta, Record, SectionText, Source

YEAR = 2024
AGENCY = "示例市生态环境局"

# 表三 details by row: natural, commercial, research, social, legal, other
_T3 = {
    "new": (46, 9, 1, 2, 3, 1),
    "carried_in": (3, 1, 0, 0, 0, 0),
    "granted": (20, 4, 1, 1, 1, 0),
    "partial": (5, 1, 0, 0, 1, 0),
    "denied_secret": (0, 0, 0, 0, 0, 0),
    "denied_law": (0, 0, 0, 0, 0, 0),
    "denied_safety": (0, 0, 0, 0, 0, 0),
    "denied_third_party": (1, 1, 0, 0, 0, 0),
    "denied_internal": (0, 0, 0, 0, 0, 0),
    "denied_process": (2, 0, 0, 0, 0, 0),
    "denied_enforcement": (0, 0, 0, 0, 0, 0),
    "denied_inquiry": (0, 0, 0, 0, 0, 0),
    "unable_not_held": (9, 2, 0, 1, 0, 1),
    "unable_need_create": (1, 0, 0, 0, 0, 0),
    "unable_unclear": (1, 0, 0, 0, 0, 0),
    "ignored_petition": (2, 0, 0, 0, 0, 0),
    "ignored_duplicate": (1, 0, 0, 0, 0, 0),
    "ignored_publication": (0, 0, 0, 0, 0, 0),
    "ignored_excessive": (0, 0, 0, 0, 0, 0),
    "ignored_confirm": (0, 0, 0, 0, 0, 0),
    "other_no_correction": (1, 0, 0, 0, 0, 0),
    "other_no_fee": (0, 0, 0, 0, 0, 0),
    "other_misc": (1, 0, 0, 0, 0, 0),
    "carried_out": (5, 2, 0, 0, 1, 0),
}
_T2 = {
    "t2.rules.issued": 0,
    "t2.rules.repealed": 0,
    "t2.rules.in_force": 0,
    "t2.normative.issued": 3,
    "t2.normative.repealed": 1,
    "t2.normative.in_force": 27,
    "t2.license.decisions": 412,
    "t2.penalty.decisions": 58,
    "t2.coercion.decisions": 6,
    "t2.fee.amount": 12.35,
}
# 表四 details: upheld, corrected, other, pending
_T4 = {"review": (2, 0, 1, 0), "suit_direct": (1, 0, 0, 1), "suit_after_review": (0, 0, 0, 0)}

_TEXTS = {
    1: "2024年，示例市生态环境局认真贯彻落实《中华人民共和国政府信息公开条例》，围绕生态环境保护中心工作，持续推进主动公开、依申请公开、政府信息管理、平台建设和监督保障各项工作。\n"
    "（一）主动公开。全年在门户网站主动公开政府信息1286条，其中环境质量信息412条、行政处罚信息58条。\n"
    "（二）依申请公开。全年新收政府信息公开申请62件（另有上年结转4件），均在法定期限内答复。",
    2: "",
    3: "",
    4: "",
    5: "一是部分栏目更新不够及时；二是政策解读形式较为单一。下一步，本局将健全栏目更新提醒机制，丰富图表、视频等解读形式。",
    6: "本年度未收取信息处理费。本局按照本市政务公开工作要点要求完成各项任务，人大代表建议和政协委员提案办理结果均已公开。",
}


def example_record() -> Record:
    layout = layout_for("2021")
    t3 = layout.table("t3")
    cells: dict = dict(_T2)
    applicants = [c.key for c in t3.columns if c.key not in ("org_subtotal", "total")]
    for row, values in _T3.items():
        for col, v in zip(applicants, values):
            cells[f"t3.{row}.{col}"] = v
    for row, values in _T4.items():
        for col, v in zip(("upheld", "corrected", "other", "pending"), values):
            cells[f"t4.{row}.{col}"] = v
    sections = [SectionText(no=s.no, title=s.title, text=_TEXTS[s.no]) for s in SECTIONS]
    meta = Meta(agency=AGENCY, year=YEAR, published="2025-01-20", template="2021")
    return Record(source=Source(path="example", sha256="", format="xlsx"), meta=meta, cells=cells, sections=sections)


def main(argv: list[str]) -> None:
    from .workbook import write_workbook

    path = argv[0] if argv else "examples/example-2024.xlsx"
    write_workbook(path, YEAR, example_record())
    print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
