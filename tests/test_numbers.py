"""The cell parser on the variants published reports use."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.numbers import cell_value, is_value_text, parse_cell


@pytest.mark.parametrize(
    "text, kind, value, raw",
    [
        ("0", "count", 0, None),
        ("  12 ", "count", 12, None),
        ("１２３", "count", 123, None),  # full-width digits are plain digits
        ("1,234", "count", 1234, "1,234"),
        ("减60", "signed", -60, "减60"),
        ("减 60", "signed", -60, "减60"),
        ("加10", "signed", 10, "加10"),
        ("增10", "signed", 10, "增10"),
        ("+17", "signed", 17, "+17"),
        ("-5", "signed", -5, "-5"),
        ("117(增)", "signed", 117, "117(增)"),
        ("117（增）", "signed", 117, "117(增)"),
        ("5(减)", "signed", -5, "5(减)"),
        ("4个", "count", 4, "4个"),
        ("3件", "count", 3, "3件"),
        ("323.6万", "amount", 323.6, "323.6万"),
        ("14.35万元", "amount", 14.35, "14.35万元"),
        ("2568.714", "amount", 2568.714, None),
        ("0", "amount", 0, None),
        ("251000元", "amount", 25.1, "251000元"),
    ],
)
def test_numbers(text, kind, value, raw):
    cv = parse_cell(text, kind)
    assert cv.ok and not cv.blank
    assert cv.value == value
    assert type(cv.value) is type(value)
    assert cv.raw == (None if raw is None else raw.replace("（", "(").replace("）", ")"))


def test_counts_are_integers_and_amounts_decimals():
    assert isinstance(parse_cell("7", "count").value, int)
    assert isinstance(parse_cell("7.5", "amount").value, float)
    assert isinstance(parse_cell("7", "amount").value, int)  # written without a decimal point


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "\u00a0", None])
def test_blank_is_blank_not_zero(text):
    cv = parse_cell(text)
    assert cv.blank and cv.value is None and cv.raw is None


@pytest.mark.parametrize("text", ["减", "增", "无", "—", "/", "见附件"])
def test_placeholders_keep_their_text_and_no_value(text):
    cv = parse_cell(text, "signed")
    assert cv.value is None and not cv.blank
    assert cv.raw == text
    assert is_value_text(text)


def test_yuan_converted_to_wan_with_a_note():
    cv = parse_cell("251000元", "amount")
    assert cv.note == "元→万元"


@pytest.mark.parametrize("text", ["规章", "一、本年新收政府信息公开申请数量", "自然人", "总计"])
def test_labels_are_not_values(text):
    assert not is_value_text(text)
    assert not parse_cell(text).ok


_CELL_TEXTS = ["0", "12", " 12 ", "１２", "1,234", "减60", "117(增)", "4个", "14.35万元", "--253", "1O2", "无", "未增未减", "规章", "", " "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CELL_TEXTS), min_size=1, max_size=40).map("".join))
def test_the_kept_cell_value_is_the_parse_of_the_text(text):
    """cell_value, the table reader's kept reading of a cell's text (a lookup for a text seen
    before, short or too long to be kept), reads every text as parse_cell does, asked twice."""
    assert cell_value(text) == parse_cell(text)
    assert cell_value(text) == parse_cell(text)
