"""Hypothesis strategies: valid records of either layout, and how to compare
a record with what parsing its rendering gives back."""

from __future__ import annotations

import datetime as dt

import msgspec
from hypothesis import strategies as st

from xxgk.layouts import SECTIONS, cell_kind, layout_for
from xxgk.model import Meta, Record, SectionText, Source

PLACES = ["示例市", "东城区", "青山县", "临江市", "北湖区", "南岭县", "西塘镇", "河口市"]
BODIES = ["生态环境局", "人民政府", "教育局", "自然资源和规划局", "人民政府办公室", "发展和改革委员会", "市场监督管理局", "卫生健康委员会"]
# words that hold no official label, no numeral heading, no figure and no
# date, joined by full-width punctuation, which the narrative keeps
PHRASES = [
    "本机关", "认真贯彻落实", "政务公开", "工作要求", "进一步", "完善", "制度建设", "网站平台", "信息发布", "及时",
    "准确", "全面", "加强", "业务培训", "监督保障", "群众满意度", "持续提升", "规范", "栏目", "更新", "解读", "回应关切",
]

_APPLICANTS = ("natural", "commercial", "research", "social", "legal", "other")


@st.composite
def lines(draw, min_lines: int = 1, max_lines: int = 3) -> str:
    out = []
    for _ in range(draw(st.integers(min_lines, max_lines))):
        words = draw(st.lists(st.sampled_from(PHRASES), min_size=3, max_size=14))
        seps = draw(st.lists(st.sampled_from(["、", "，", "；", "“", "”", "（", "）"]), min_size=len(words) - 1, max_size=len(words) - 1))
        out.append(words[0] + "".join(s + w for s, w in zip(seps, words[1:])) + "。")
    return "\n".join(out)


def _maybe_blank(draw, v, blanks: bool):
    """Blank (None) now and then: blank is a fact of its own, never 0."""
    return None if blanks and draw(st.integers(0, 9)) == 0 else v


@st.composite
def records(draw, template: str | None = None) -> Record:
    template = template or draw(st.sampled_from(["2019", "2021"]))
    blanks = draw(st.booleans())
    layout = layout_for(template)
    year = draw(st.integers(2019, 2020) if template == "2019" else st.integers(2021, 2026))
    agency = draw(st.sampled_from(PLACES)) + draw(st.sampled_from(BODIES))
    published = None
    if draw(st.integers(0, 3)):
        published = (dt.date(year + 1, 1, 1) + dt.timedelta(days=draw(st.integers(0, 88)))).isoformat()
    cells: dict = {}
    for key in layout.table("t2").cell_keys():
        kind = cell_kind(key)
        if kind == "signed":
            cells[key] = _maybe_blank(draw, draw(st.integers(-80, 80)), blanks)
        elif kind == "amount":
            cents = draw(st.integers(0, 999_999))
            cells[key] = _maybe_blank(draw, cents // 100 if cents % 100 == 0 and draw(st.booleans()) else round(cents / 100, 2), blanks)
        else:
            cells[key] = _maybe_blank(draw, draw(st.integers(0, 3000)), blanks)
    t3 = layout.table("t3")
    results = [r.key for r in t3.rows if r.key not in ("new", "carried_in", "total", "carried_out")]
    for col in _APPLICANTS:
        small = draw(st.booleans())
        hi = 3 if small else 40
        detail = {r: _maybe_blank(draw, draw(st.integers(0, hi)), blanks) for r in results}
        carried_out = _maybe_blank(draw, draw(st.integers(0, hi)), blanks)
        on_hand = sum(v for v in detail.values() if v is not None) + (carried_out or 0)
        carried_in = draw(st.integers(0, min(on_hand, 15)))
        for r, v in detail.items():
            cells[f"t3.{r}.{col}"] = v
        cells[f"t3.carried_out.{col}"] = carried_out
        cells[f"t3.carried_in.{col}"] = carried_in
        cells[f"t3.new.{col}"] = on_hand - carried_in
    for r in layout.table("t4").rows:
        for c in ("upheld", "corrected", "other", "pending"):
            cells[f"t4.{r.key}.{c}"] = _maybe_blank(draw, draw(st.integers(0, 12)), blanks)
    # totals: left blank here on purpose for half the records (the renderer
    # computes them), given correctly for the others
    if draw(st.booleans()):
        from xxgk.totals import compute_totals

        tmp = Record(source=Source(path="x", sha256="", format="text"), meta=Meta(template=template), cells=cells)
        cells = compute_totals(tmp)[0]
    for key in layout.cell_keys():
        cells.setdefault(key, None)
    ordered = {k: cells[k] for k in layout.cell_keys()}
    sections = []
    for s in SECTIONS:
        text = draw(lines(0, 2)) if s.no in (2, 3, 4) else draw(lines(1, 4))
        sections.append(SectionText(no=s.no, title=s.title, text=text))
    meta = Meta(agency=agency, year=year, published=published, template=template)
    return Record(source=Source(path="generated", sha256="", format="text"), meta=meta, cells=ordered, sections=sections)


def comparable(rec: Record) -> dict:
    """What a round trip must keep: every cell (value and type), the meta and
    the sections' numbers and texts."""
    return {
        "cells": {k: (v, type(v).__name__) for k, v in rec.cells.items()},
        "meta": msgspec.to_builtins(rec.meta),
        "sections": [(s.no, s.text) for s in rec.sections],
    }


def assert_same(expected: Record, got: Record) -> None:
    a, b = comparable(expected), comparable(got)
    missing = sorted(set(a["cells"]) - set(b["cells"]))
    extra = sorted(set(b["cells"]) - set(a["cells"]))
    assert not missing and not extra, f"cell keys differ: missing {missing[:8]}, extra {extra[:8]}"
    wrong = {k: (a["cells"][k], b["cells"][k]) for k in a["cells"] if a["cells"][k] != b["cells"][k]}
    assert not wrong, f"cells differ (expected, got): {dict(list(wrong.items())[:8])}"
    assert a["meta"] == b["meta"]
    diff = [(x, y) for x, y in zip(a["sections"], b["sections"]) if x != y]
    assert not diff and len(a["sections"]) == len(b["sections"]), f"sections differ, first: {diff[:1]}"
