"""Records for the checker's tests, built from the layouts (never from typed labels)."""

from __future__ import annotations

from pathlib import Path

import xxgk
from xxgk.check import check_record
from xxgk.layouts import SECTIONS, layout_for
from xxgk.model import Finding, Meta, Record, SectionText, Source

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "tests" / "fixtures" / "seeds"


def seed(prefix: str) -> Record:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return xxgk.parse_path(path)


def sections(year: int) -> list[SectionText]:
    text = {
        1: f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
        5: "存在的问题：公开的及时性有待提高。改进措施：加强培训。",
        6: "本年度未收取信息处理费。",
    }
    return [SectionText(no=s.no, title=s.title, text=text.get(s.no, ""), printed=s.no) for s in SECTIONS]


def clean_record(template: str = "2019", year: int | None = None, agency: str = "某某市人民政府办公室", published: str | None = None) -> Record:
    """A report with nothing wrong: every cell of the layout 0, six standard sections, dated on time."""
    year = year or (2020 if template == "2019" else 2022)
    lay = layout_for(template)
    cells: dict = {k: 0 for k in lay.cell_keys()}
    return Record(
        source=Source(path="test.txt", sha256="", format="text"),
        meta=Meta(
            title=f"{agency}{year}年政府信息公开工作年度报告",
            agency=agency,
            year=year,
            published=published or f"{year + 1}-01-20",
            template=template,
        ),
        cells=cells,
        sections=sections(year),
    )


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def run(rec: Record, rule: str, previous: Record | None = None) -> list[Finding]:
    return check_record(rec, previous=previous, select=[rule])
