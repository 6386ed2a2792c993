"""Property tests: random valid records rendered as text in every supported
text layout parse back to the same cells, meta and section texts."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xxgk
from xxgk.layouts import SECTIONS, cell_kind, layout_for
from xxgk.model import Meta, Record, SectionText, Source
from xxgk.render.text import BLANK_SAFE, STYLES, render_text

AGENCIES = ["金华市生态环境局金东分局", "黔东南州生态环境局", "平潭综合实验区社会事业局", "上海市人民政府办公厅", "海东市互助县生态环境局", "某某县某某镇人民政府"]
SENTENCES = [
    "我局认真贯彻落实《中华人民共和国政府信息公开条例》，不断完善制度。",
    "全年主动公开政府信息共计若干条，及时回应社会关切。",
    "信息公开的广度和深度仍需加强。",
    "下一步，我们将继续加大主动公开力度，提升公开质量。",
    "本年度未收取信息处理费。",
    "无。",
]


def value(kind: str, blanks: bool):
    if kind == "signed":
        v = st.integers(-500, 500)
    elif kind == "amount":
        v = st.one_of(st.integers(0, 99999), st.decimals(0, 9999, places=3, allow_nan=False, allow_infinity=False).map(float))
    else:
        v = st.integers(0, 3000)
    return st.one_of(st.none(), v) if blanks else v


@st.composite
def records(draw, blanks: bool):
    template = draw(st.sampled_from(["2019", "2021"]))
    lay = layout_for(template)
    year = draw(st.integers(2019, 2020) if template == "2019" else st.integers(2021, 2025))
    agency = draw(st.sampled_from(AGENCIES))
    published = f"{year + 1}-01-{draw(st.integers(1, 28)):02d}"
    cells = {k: draw(value(cell_kind(k), blanks)) for k in lay.cell_keys()}
    sections = [
        SectionText(no=s.no, title=s.title, text="\n".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=0, max_size=3))))
        for s in SECTIONS
    ]
    meta = Meta(title=f"{agency}{year}年政府信息公开工作年度报告", agency=agency, year=year, published=published, template=template)
    return Record(source=Source(path="generated", sha256="", format="text"), meta=meta, cells=cells, sections=sections)


def roundtrip(rec: Record, style: str) -> Record:
    text = render_text(rec, style=style)
    data = text.encode("utf-8")
    return xxgk.parse_bytes(data, f"generated-{style}-{hashlib.sha1(data).hexdigest()[:8]}.txt")


def assert_same(rec: Record, back: Record, style: str) -> None:
    assert back.meta.agency == rec.meta.agency, style
    assert back.meta.year == rec.meta.year, style
    assert back.meta.template == rec.meta.template, style
    assert back.meta.published == rec.meta.published, style
    assert set(back.cells) == set(rec.cells), (style, set(back.cells) ^ set(rec.cells))
    wrong = {k: (rec.cells[k], back.cells[k]) for k in rec.cells if rec.cells[k] != back.cells[k] or (rec.cells[k] is None) != (back.cells[k] is None)}
    assert not wrong, (style, wrong)
    assert back.uncertain == [], style
    got = {s.no: s.text for s in back.sections}
    for s in rec.sections:
        assert got.get(s.no) == s.text, (style, s.no)


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(records(blanks=True), st.sampled_from(BLANK_SAFE))
def test_roundtrip_with_blank_cells(rec, style):
    assert_same(rec, roundtrip(rec, style), style)


@SETTINGS
@given(records(blanks=False), st.sampled_from(STYLES))
def test_roundtrip_every_text_style(rec, style):
    assert_same(rec, roundtrip(rec, style), style)
