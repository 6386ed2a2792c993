"""The section splitter on the title variants real reports use."""

from __future__ import annotations

import pytest

from xxgk.extract.sections import cn_number, split_sections, standard_no
from xxgk.extract.tokens import tokens_of
from xxgk.model import Document, Paragraph, Source


def sections_of(*lines: str):
    doc = Document(source=Source(path="t", sha256="", format="text"), blocks=[Paragraph(text=l) for l in lines])
    return split_sections(tokens_of(doc), set())


@pytest.mark.parametrize(
    "title, no",
    [
        ("一、总体情况", 1),
        ("一、总体概况", 1),
        ("二、主动公开政府信息情况", 2),
        ("三、收到和处理政府信息公开申请情况", 3),
        ("四、政府信息公开申请情况", 3),
        ("四、政府信息公开行政复议、行政诉讼情况", 4),
        ("五、政府信息公开工作存在的主要问题及改进情况", 5),
        ("五、存在的问题及改进情况", 5),
        ("五、工作成效和主要问题", 5),
        ("六、其他需要报告的事项", 6),
        ("七、其他需要报告的事项", 6),
        ("二、工作机制保障", None),
        ("六、2021年政务公开工作主要思路和计划", None),
    ],
)
def test_standard_number_by_key_words(title, no):
    assert standard_no(title) == no


def test_cn_numbers():
    assert [cn_number(s) for s in ("一", "五", "十", "十一", "二十", "二十三")] == [1, 5, 10, 11, 20, 23]


def test_numbered_list_inside_a_section_is_not_a_heading():
    secs = sections_of(
        "一、总体情况", "正文。",
        "五、存在的主要问题及改进情况", "问题如下：",
        "一、继续加大主动公开力度。充分发挥门户网站、微博、微信等渠道作用。",
        "二、及时准确回应社会关注。继续做好重要政策解读。",
        "六、其他需要报告的事项", "无。",
    )
    assert [(s.no, s.title) for s in secs] == [(1, "一、总体情况"), (5, "五、存在的主要问题及改进情况"), (6, "六、其他需要报告的事项")]
    assert "一、继续加大主动公开力度" in secs[1].text


def test_table_of_contents_is_skipped_and_seventh_section_kept():
    secs = sections_of(
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、其他需要报告的事项", "目录",
        "一、总体情况：", "今年……",
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "五、工作成效和主要问题", "……",
        "六、下一年工作计划", "……",
        "七、其他需要报告的事项", "无",
    )
    assert [(s.no, s.printed) for s in secs] == [(1, 1), (2, 2), (3, 3), (5, 5), (None, 6), (6, 7)]
    assert secs[0].title == "一、总体情况"
    assert secs[0].text == "今年……"


def test_heading_with_text_on_the_same_line():
    secs = sections_of("一、总体情况 2024年，我局坚持……", "二、主动公开政府信息情况")
    assert secs[0].title == "一、总体情况"
    assert secs[0].text.startswith("2024年")


def test_sections_missing_are_missing():
    secs = sections_of("一、总体情况", "a", "二、主动公开政府信息情况", "b", "五、存在的主要问题及改进情况", "c")
    assert {s.no for s in secs} == {1, 2, 5}
