"""The parser on real crawled page text and converter Markdown of the corpus (by path)."""

from __future__ import annotations

import pytest

import xxgk
from conftest import corpus_file

T3_COLS = ("natural", "commercial", "research", "social", "legal", "other", "total")


def parse(name: str):
    return xxgk.parse_path(corpus_file(name))


def row(rec, table: str, key: str, cols=T3_COLS):
    return [rec.cells.get(f"{table}.{key}.{c}", "absent") for c in cols]


def test_029_glued_rows_and_t4_with_misleading_spaces():
    r = parse("029.txt")
    assert (r.meta.year, r.meta.template, r.meta.published) == (2024, "2021", "2025-01-27")
    assert r.meta.agency == "平潭综合实验区自然资源与生态环境局"
    assert row(r, "t3", "new") == [69, 0, 0, 0, 0, 0, 69]
    assert row(r, "t3", "unable_not_held") == [37, 0, 0, 0, 0, 0, 37]  # '3700000372.' the next label's number cut off
    assert row(r, "t4", "review", ("upheld", "corrected", "other", "pending", "total")) == [1, 0, 0, 1, 2]
    # 2433: 24|3|3 is impossible, 2|4|33 and 2|43|3 are not: issued certain, the rest uncertain
    assert [r.cells[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [2, 4, 33]
    assert r.uncertain == ["t2.normative.repealed", "t2.normative.in_force"]
    # 2021 （六） sub-rows, no single （六） row
    assert row(r, "t3", "other_misc") == [0] * 7 and "t3.other.total" not in r.cells
    # sections are found in the one-paragraph body
    assert [s.no for s in r.sections] == [1, 2, 3, 4, 5, 6]


def test_023_gap_is_a_blank_cell():
    r = parse("023.txt")
    assert row(r, "t3", "carried_out") == [0, None, 0, 0, 0, 0, 0]
    assert r.cells["t2.normative.issued"] == 1  # labelled 规范性文件 without 行政


def test_027_rows_printed_without_figures_are_blank_and_missing_rules_row_absent():
    r = parse("027.txt")
    assert not any(k.startswith("t2.rules.") for k in r.cells)
    assert row(r, "t3", "other_no_fee") == [None] * 7 and row(r, "t3", "other_misc") == [None] * 7
    assert row(r, "t3", "total") == [1, 0, 0, 0, 0, 0, 1]


def test_015_column_balance_chooses_between_row_readings():
    r = parse("015.txt")
    assert row(r, "t3", "granted") == [22, 0, 0, 0, 0, 0, 22]
    assert row(r, "t3", "partial") == [19, 1, 0, 0, 0, 0, 20]
    assert not any(k.startswith("t3.") for k in r.uncertain)


def test_011_t4_seventeen_digits_and_label_number_cut():
    r = parse("011.txt")
    t4 = [r.cells[f"t4.{g}.{c}"] for g in ("review", "suit_direct", "suit_after_review") for c in ("upheld", "corrected", "other", "pending", "total")]
    assert t4 == [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]
    assert r.cells["t2.normative.issued"] == 62


def test_007_signed_change_and_amount_in_yuan():
    r = parse("007.txt")
    assert (r.cells["t2.penalty.prev"], r.cells["t2.penalty.change"]) == (2648, -18)
    assert (r.cells["t2.fee.prev"], r.cells["t2.fee.change"]) == (35, -15)
    assert r.cells["t2.procurement.amount"] == pytest.approx(7380.28959)
    assert "t2.procurement.amount" in r.uncertain and "t2.penalty.prev" not in r.uncertain
    assert row(r, "t3", "other") == [4, 0, 0, 0, 0, 0, 4]


def test_008_typo_heading_ends_t3_and_spaced_t4():
    r = parse("008.txt")
    assert row(r, "t3", "carried_out") == [0] * 7
    assert row(r, "t4", "review", ("upheld", "corrected", "other", "pending", "total")) == [0, 1, 1, 0, 2]
    assert [r.cells[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [88, 55, 698]


def test_009_unit_separates_procurement_and_signature_date():
    r = parse("009.txt")
    assert r.cells["t2.procurement.count"] == 1 and r.cells["t2.procurement.amount"] == pytest.approx(24.69)
    assert r.meta.published == "2020-01-02"  # the 落款, not the page's 发布时间 2020-01-06


@pytest.mark.parametrize("name", ["013.txt", "017.txt", "018.txt", "020.txt", "031.txt", "032.txt", "040.txt"])
def test_pre2019_reports_have_no_standard_cells(name):
    r = parse(name)
    assert r.meta.template == "pre2019"
    assert r.cells == {}
    assert r.meta.year is not None and r.meta.year < 2019


def test_013_signature_before_the_attachment():
    r = parse("013.txt")
    assert (r.meta.year, r.meta.published) == (2011, "2012-02-20")


def test_005_markdown_rows_of_figures_without_labels():
    r = parse("005.md")
    assert (r.meta.year, r.meta.template, r.meta.agency) == (2024, "2021", "上海市科委")
    assert row(r, "t3", "partial") == [0] * 7
    assert row(r, "t3", "denied_internal") == [1, 0, 0, 0, 0, 0, 1]
    assert row(r, "t3", "unable_not_held") == [4, 0, 0, 0, 0, 0, 4]
    assert row(r, "t3", "unable_need_create") == [6, 0, 0, 0, 0, 0, 6]
    assert row(r, "t3", "other_no_correction") == [8, 2, 0, 0, 0, 0, 10]
    assert row(r, "t3", "other_no_fee") == [0] * 7  # the stray '1' among its label lines is not a row
    assert row(r, "t3", "carried_out") == [1, 0, 0, 0, 0, 0, None]
    # 表二's 规章 / 规范性文件 rows printed after 收费
    assert [r.cells[f"t2.normative.{c}"] for c in ("issued", "repealed", "in_force")] == [13, 0, 55]


def test_006_markdown_title_over_two_lines():
    r = parse("006.md")
    assert (r.meta.year, r.meta.template, r.meta.agency) == (2025, "2021", "上海市人民政府办公厅")
    assert row(r, "t3", "ignored_petition") == [61, 1, 0, 0, 0, 0, 62]
    assert row(r, "t3", "unable_unclear") == [3, 0, 0, 0, 0, 0, 3]
    assert row(r, "t3", "other_no_correction") == [40, 1, 0, 0, 2, 0, 43]
    assert row(r, "t3", "total") == [1139, 48, 0, 0, 4, 0, 1191]


def test_038_heading_glued_to_the_last_t4_figure():
    r = parse("038.txt")
    assert row(r, "t4", "review", ("upheld", "corrected", "other", "pending", "total")) == [0] * 5


def test_the_reports_own_words_pin_a_reading_and_nothing_more():
    # 011: '6233440', the text says 制发行政规范性文件62件: issued certain, the rest open
    r = parse("011.txt")
    assert [k for k in r.uncertain if k.startswith("t2.")] == ["t2.normative.repealed", "t2.normative.in_force"]
    # 008: 现行有效…698件 and 制发的规范性文件88件 pin all three
    r = parse("008.txt")
    assert not any(k.startswith("t2.") for k in r.uncertain)
    # 035: 作出行政处罚决定305起 pins decisions; prev/change stay open
    r = parse("035.txt")
    assert r.cells["t2.penalty.decisions"] == 305
    assert "t2.penalty.decisions" not in r.uncertain and {"t2.penalty.prev", "t2.penalty.change"} <= set(r.uncertain)
    # 015: the text's 现行有效…393件 contradicts the table's 470: the table is read as published
    r = parse("015.txt")
    assert r.cells["t2.normative.in_force"] == 470 and "t2.normative.in_force" in r.uncertain


def test_032_title_from_the_body_not_the_page():
    r = parse("032.txt")
    # the page calls it 平潭市场监督管理局; the report's own first line names the agency in full
    assert r.meta.agency == "平潭综合实验区市场监督管理局" and r.meta.year == 2016


def test_sections_of_a_glued_body_hold_narrative_only():
    r = parse("039.txt")
    secs = {s.no: s for s in r.sections}
    assert sorted(secs) == [1, 2, 3, 4, 5, 6]
    # the sentence before 表三's header stays, the header and the figures do not
    assert secs[3].text == "2023年,共收到政府信息公开申请0条。"
    assert secs[4].title == "四、政府信息公开行政复议与行政诉讼情况"
    # the 落款 run into the last sentence is meta, the sentence stays
    assert secs[6].text == "无。"
    r = parse("010.txt")
    assert r.sections[-1].text == "无其他需要报告事项。"  # 落款, 抄送 and page footer cut


@pytest.mark.parametrize("txt, html", [("029.txt", "043.html"), ("030.txt", "044.html"), ("026.txt", "045.html")])
def test_crawled_text_reads_as_its_original_page(txt, html):
    """043–045 are the original HTML pages of three crawled texts: the glued
    text must give the same record (its best readings included)."""
    pytest.importorskip("xxgk.read.html")
    a, b = parse(txt), parse(html)
    assert a.cells == b.cells
    assert (a.meta.year, a.meta.template, a.meta.agency, a.meta.published) == (b.meta.year, b.meta.template, b.meta.agency, b.meta.published)
