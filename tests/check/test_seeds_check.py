"""The checker on the five seed reports: exactly what a careful reader finds, nothing on what is correct.

Each expectation below was verified against the document itself (tests/fixtures/seeds/).
"""

from __future__ import annotations

from collections import Counter

import pytest
from check_helpers import seed

from xxgk.check import check_record


def findings(prefix: str):
    return check_record(seed(prefix))


def counts(fs) -> Counter:
    return Counter(f.rule for f in fs)


def test_000_collapsed_t3_missing_t4_and_sections():
    # 金华 金东分局 2020, 2019 layout: 表三 printed as four rows (三、本年度办理结果 as one row),
    # no 表四, no section 四 (it appears only in the table of contents), 五 renamed 工作成效和主要问题,
    # an extra 六、2021年…工作思路和计划, so 其他需要报告的事项 is numbered 七.  All figures are 0.
    fs = findings("000")
    assert counts(fs) == Counter({"XG101": 1, "XG102": 3, "XG103": 1, "XG104": 1})
    by = {f.rule: f for f in fs}
    assert by["XG101"].where == ["section:4"]
    assert by["XG103"].where == ["t4"]
    xg104 = by["XG104"]
    assert "t3.granted.natural" in xg104.where and "t3.other.total" in xg104.where
    assert not any(k.startswith(("t3.new.", "t3.total.", "t3.carried_in.", "t3.carried_out.")) for k in xg104.where)
    assert len(xg104.where) == 19 * 7
    xg102 = {tuple(f.where) for f in fs if f.rule == "XG102"}
    assert xg102 == {("section:5",), ("section:extra:6",), ("section:6",)}
    # dated 2021-01-07: on time for a department, no date finding
    assert not {"XG701", "XG702", "XG703"} & set(counts(fs))


def test_001_natural_column_and_text_without_figure():
    # 市中区生态环境分局 2020: 一 new 2 (自然人 2, 总计 2); the two requests are entered as
    # （四）1.本机关不掌握 自然人 2 with that row's 总计 0, and （七）总计 left all 0.
    # 本年增/减 of 行政许可 and 行政处罚 is "减" with no figure.  No date.  The text says
    # "本年度有1起申请公开政府信息的情况" while the table has 2 new requests.
    fs = findings("001")
    assert counts(fs) == Counter({"XG202": 2, "XG301": 2, "XG302": 1, "XG303": 1, "XG510": 1, "XG702": 1})
    xg301 = {f.where[0] for f in fs if f.rule == "XG301"}
    assert xg301 == {"t3.new.natural", "t3.new.total"}  # 2+0 ≠ 0+0 in 自然人 and 总计
    (xg302,) = [f for f in fs if f.rule == "XG302"]
    assert xg302.culprit == "t3.unable_not_held.total"
    assert "总计 = 0" in xg302.message and "自然人 2" in xg302.message
    (xg303,) = [f for f in fs if f.rule == "XG303"]
    assert "t3.total.natural" in xg303.where
    assert sorted(f.where[0] for f in fs if f.rule == "XG202") == ["t2.license.change", "t2.penalty.change"]
    assert all("减" in f.message for f in fs if f.rule == "XG202")


def test_002_results_total_row_left_zero_and_t4_direct_suit():
    # 黔东南州生态环境局 2020: 一 new 1 from a 商业企业, answered (一)予以公开 1, but （七）总计 all 0;
    # 表四 未经复议直接起诉 0+0+1+0 with 总计 0.  No date.
    fs = findings("002")
    assert counts(fs) == Counter({"XG301": 2, "XG303": 2, "XG401": 1, "XG702": 1})
    assert {f.where[0] for f in fs if f.rule == "XG301"} == {"t3.new.commercial", "t3.new.total"}
    assert {f.where[-1] for f in fs if f.rule == "XG303"} == {"t3.total.commercial", "t3.total.total"}
    (xg401,) = [f for f in fs if f.rule == "XG401"]
    assert xg401.where[-1] == "t4.suit_direct.total"
    assert xg401.culprit == "t4.suit_direct.total"
    assert "0+0+1+0 = 1" in xg401.message


def test_003_2021_report_in_2019_layout_with_blank_tables():
    # 海东市互助县生态环境局 2021 in the 2019 trial layout; 表二 blank except 行政处罚 (2, 2, 4),
    # 表三 and 表四 printed with every cell blank; no section 六.  Dated 2022-01-04 (on time).
    fs = findings("003")
    assert counts(fs) == Counter({"XG101": 1, "XG105": 1, "XG201": 3})
    by = {f.rule: f for f in fs}
    assert by["XG101"].where == ["section:6"]
    assert by["XG105"].severity == "error"
    blanks = {f.where[0].split(".")[0]: f for f in fs if f.rule == "XG201"}
    assert set(blanks) == {"t2", "t3", "t4"}
    assert len(blanks["t2"].where) == 19 and "t2.penalty.prev" not in blanks["t2"].where
    assert len(blanks["t3"].where) == 23 * 7
    assert len(blanks["t4"].where) == 15


def test_004_total_column_left_zero():
    # 江阴生态环境局 2020: 4 requests from 自然人, answered (一)予以公开 4, but the 总计 column of
    # （一） and of （七） is 0.  No date.
    fs = findings("004")
    assert counts(fs) == Counter({"XG301": 1, "XG302": 2, "XG702": 1})
    (xg301,) = [f for f in fs if f.rule == "XG301"]
    assert xg301.where == ["t3.new.total", "t3.carried_in.total", "t3.total.total", "t3.carried_out.total"]
    assert "一+二 = 4" in xg301.message and "三（七）+四 = 0" in xg301.message
    assert xg301.culprit == "t3.total.total"
    assert {f.culprit for f in fs if f.rule == "XG302"} == {"t3.granted.total", "t3.total.total"}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_finding_is_complete(prefix):
    for f in findings(prefix):
        assert f.where and f.message and f.message_en
        assert f.culprit is None or f.culprit in f.where
