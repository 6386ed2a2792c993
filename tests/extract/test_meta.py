"""Report metadata found in the text: the title a sentence of the opening names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xxgk
from xxgk.layouts import REGULATION, SECTIONS
from xxgk.text import norm_label

AGENCIES = ["湛江市人民政府地方志办公室", "子长市人民政府", "某某县财政局", "中共某县委机构编制委员会办公室", "某区统计局", "某县政务公开办公室"]
S1, S2 = SECTIONS[0].title, SECTIONS[1].title  # (一、总体情况, 二、主动公开政府信息情况)
NAMES = ["政府信息公开工作年度报告", "政府信息公开年度报告", "政府信息公开工作报告"]
# the verbs real openings put before the title they name, as written
LEAD_INS = ["特编制", "现公布", "现发布", "特发布", "编制了", "现予公布", "特此公布", "形成了", "现将", "印发", "编制本报告现向社会公开", "现向社会公布"]
CLAUSES = [
    f"根据《{REGULATION}》要求，",
    f"根据《{REGULATION}》和上级有关文件要求编制本报告，",
    "依照有关规定,",
]
TAILS = ["。本报告所列数据统计期限自{y}年1月1日起至{y}年12月31日止。", "。如对本报告有疑问，请与本机关联系。"]


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("lead_in", LEAD_INS)
@settings(max_examples=15, deadline=None)
@given(st.sampled_from(CLAUSES), st.integers(2019, 2025), st.sampled_from(["年", "年度"]), st.sampled_from(NAMES), st.sampled_from(TAILS))
def test_a_title_named_in_the_opening_sentence_is_the_title_without_its_verb(lead_in, agency, clause, year, nian, name, tail):
    """An opening that names the report (…要求，特编制某局2023年政府信息公开工作年度报告。) gives the
    title from the agency on, and so the agency: the verb before it is the sentence's, not the title's."""
    opening = f"{clause}{lead_in}{agency}{year}{nian}{name}{tail.format(y=year)}"
    text = f"{opening}\n{S1}\n{year}年，我单位认真贯彻落实《条例》，做好政府信息公开工作。\n"
    rec = xxgk.parse_bytes(text.encode(), "page.txt")
    assert rec.meta.title == norm_label(f"{agency}{year}{nian}{name}")
    assert rec.meta.agency == agency
    assert rec.meta.year == year


def test_an_agency_whose_name_holds_a_lead_in_verb_keeps_it():
    """编制 opens 机构编制委员会办公室 (an agency), not only 特编制 (a verb): the agency stays whole."""
    text = f"依照有关规定,编制委员会办公室2022年政府信息公开工作年度报告如下。本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。\n{S1}\n"
    rec = xxgk.parse_bytes(text.encode(), "page.txt")
    assert rec.meta.title == "编制委员会办公室2022年政府信息公开工作年度报告"


@pytest.mark.parametrize("agency", AGENCIES)
@settings(max_examples=10, deadline=None)
@given(st.integers(2019, 2025), st.sampled_from(NAMES))
def test_a_title_broken_after_its_agency_is_joined_whatever_the_agency(agency, year, name):
    """孝感市人民政府办公室 / 2020年政府信息公开工作年度报告 on two lines is one title, for every
    agency — 机构编制委员会办公室 and 政务公开办公室 included (their names hold a verb and the work)."""
    text = f"{agency}\n{year}年{name}\n{S1}\n本年度，我单位认真做好政府信息公开工作。\n"
    rec = xxgk.parse_bytes(text.encode(), "page.txt")
    assert rec.meta.title == f"{agency}{year}年{name}"
    assert rec.meta.agency == agency


# (an agency, the word it calls itself by)
SELVES = [("荣昌区林业局", "我局"), ("厉山镇人民政府", "我镇"), ("某某街道办事处", "我街道"), ("某县卫生健康委员会", "我委"), ("某乡人民政府", "我乡")]
OPENERS = ["今年以来", "2020年", "2023年度", "本年度", "一年来"]
VERBS = ["认真贯彻落实区委、区政府的部署", "坚持以公开为常态", "高度重视政府信息公开工作", "严格按照《条例》要求"]


@pytest.mark.parametrize("agency,self_word", SELVES)
@pytest.mark.parametrize("form", ["subject", "work", "contact", "contact with address"])
@settings(max_examples=8, deadline=None)
@given(st.sampled_from(OPENERS), st.sampled_from(VERBS))
def test_an_agency_named_only_in_the_text_is_found_where_the_report_calls_itself_so(agency, self_word, form, opener, verb):
    """No title, no header: the agency is the subject of an opening sentence (今年以来，某区林业局认真…),
    the one whose disclosure work the report does (为做好某局政府信息公开工作) or the office the reader
    is sent to (请与某镇人民政府联系, 请与某局(地址:…)), where the report calls itself by its word (我局)."""
    subject = agency if form == "subject" else self_word
    said = f"{opener}，{subject}{verb}，主动公开政府信息。"
    lead = f"为认真做好{agency}政府信息公开工作，{self_word}按照《条例》要求精心组织。" if form == "work" else ""
    tail = {
        "contact": f"如对本报告有任何疑问，请与{agency}联系（电话：0000-1234567）。",
        "contact with address": f"如有疑问请与{agency}（地址：某路1号，联系电话：0000-1234567）。",
    }.get(form, "")
    text = f"{lead}根据《{REGULATION}》，特向社会公布{self_word}本年度信息公开工作年度报告。{tail}\n{S1}\n{said}\n{S2}\n"
    rec = xxgk.parse_bytes(text.encode(), "page.txt")
    assert rec.meta.agency == agency


@pytest.mark.parametrize("office", ["某县人民政府办公室", "县政务公开办公室", "某市人民政府"])
def test_a_department_sending_its_reader_to_another_office_is_not_taken_for_it(office):
    """我局's report that sends the reader to the government's office: that office is not the agency."""
    text = (f"根据《{REGULATION}》，现将我局本年度政府信息公开工作情况报告如下。如有疑问，请与{office}联系。\n"
            f"{S1}\n今年以来，我局认真贯彻落实《条例》，主动公开政府信息。\n")
    rec = xxgk.parse_bytes(text.encode(), "page.txt")
    assert rec.meta.agency is None


@pytest.mark.parametrize("agency", ["两城镇人民政府", "某县人民政府", "某市生态环境局", "某街道办事处"])
@pytest.mark.parametrize("office", ["党政办公室", "办公室", "综合办公室", "办公厅"])
@pytest.mark.parametrize("how", ["编制", f"根据《{REGULATION}》要求编制", "负责编写"])
def test_the_agency_whose_office_compiled_the_report(agency, office, how):
    """本报告由某镇人民政府党政办公室编制: the report is the 镇人民政府's (its office compiles it)."""
    text = f"本报告是根据《{REGULATION}》要求，由{agency}{office}{how}。内容包括总体情况等六部分。\n{S1}\n本年度认真做好政府信息公开工作。\n"
    rec = xxgk.parse_bytes(text.encode(), "page.txt")
    assert rec.meta.agency == agency


SELF_REFERENCES = ["我局", "我单位", "本局", "我镇", "本机关", "我街道", "我委", "本部门"]


@pytest.mark.parametrize("self_ref", SELF_REFERENCES)
@pytest.mark.parametrize("lead_in", ["编制", "特编制", "现公布", "现将", "形成了"])
@settings(max_examples=6, deadline=None)
@given(st.integers(2019, 2025), st.sampled_from(["年", "年度"]), st.sampled_from(NAMES))
def test_a_title_named_with_the_word_the_report_calls_itself_by_is_the_title_without_it(self_ref, lead_in, year, nian, name):
    """…要求，编制我局2021年度政府信息公开年度报告。: the title is 2021年度…; 我局 is the sentence's word
    for the agency, not a name (a title must not begin 我局)."""
    text = (f"根据《{REGULATION}》要求，{lead_in}{self_ref}{year}{nian}{name}。本报告所列数据统计期限自{year}年1月1日起至{year}年12月31日止。\n"
            f"{S1}\n{year}年，{self_ref}认真做好政府信息公开工作。\n")
    rec = xxgk.parse_bytes(text.encode(), "page.txt")
    assert rec.meta.title == norm_label(f"{year}{nian}{name}")
    assert rec.meta.year == year


@pytest.mark.parametrize("agency,self_word", SELVES)
@pytest.mark.parametrize("office", ["办公室", "党政办公室", "综合办公室", "党政办", "办"])
@pytest.mark.parametrize("how", ["请与{}联系（电话：0000-1234567）", "请与{}（地址：某路1号）", "请联系{}（电话：0000-1234567）"])
def test_the_agency_whose_own_office_the_reader_is_sent_to(agency, self_word, office, how):
    """请与昌江区工信局办公室联系 in a report that calls itself 我局: the agency is the 局, whose office
    answers the reader (a department's report that sends its reader to the government's office is
    not taken for it: test_a_department_sending_its_reader_to_another_office_is_not_taken_for_it)."""
    contact = how.format(agency + office)
    text = (f"根据《{REGULATION}》要求，编制{self_word}本年度政府信息公开工作年度报告。如对本报告有任何疑问，{contact}。\n"
            f"{S1}\n本年度，{self_word}认真贯彻落实《条例》，主动公开政府信息。\n")
    rec = xxgk.parse_bytes(text.encode(), "page.txt")
    assert rec.meta.agency == agency
