"""Every rule: one record that breaks it and one that satisfies it.

Records are built from the layouts' keys (``clean_record``) and changed in the
one place the rule looks at.  ``test_every_rule_has_cases`` fails when a rule
is registered without cases here.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from check_helpers import clean_record, run
from check_helpers import seed as seed_record

from xxgk.check import RULES, check_record
from xxgk.layouts import LAYOUT_2021, SECTIONS
from xxgk.model import Record, SectionText


def copy(rec: Record) -> Record:
    return msgspec.json.decode(msgspec.json.encode(rec), type=Record)


def with_cells(rec: Record, **cells) -> Record:
    rec = copy(rec)
    for k, v in cells.items():
        rec.cells[k.replace("__", ".")] = v
    return rec


def set_cells(rec: Record, values: dict) -> Record:
    rec = copy(rec)
    rec.cells.update(values)
    return rec


def drop(rec: Record, prefix: str) -> Record:
    rec = copy(rec)
    rec.cells = {k: v for k, v in rec.cells.items() if not k.startswith(prefix)}
    return rec


def meta(rec: Record, **kw) -> Record:
    rec = copy(rec)
    for k, v in kw.items():
        setattr(rec.meta, k, v)
    return rec


def section(rec: Record, no: int, **kw) -> Record:
    rec = copy(rec)
    for s in rec.sections:
        if s.no == no:
            for k, v in kw.items():
                setattr(s, k, v)
    return rec


def without_section(rec: Record, no: int) -> Record:
    rec = copy(rec)
    rec.sections = [s for s in rec.sections if s.no != no]
    return rec


R19 = clean_record("2019")
R21 = clean_record("2021")
T3_ONE = {"t3.new.natural": 1, "t3.new.total": 1, "t3.granted.natural": 1, "t3.granted.total": 1, "t3.total.natural": 1, "t3.total.total": 1}

def flow(new: int = 0, carried_in: int = 0, granted: int = 0, carried_out: int = 0) -> dict:
    """表三 cells for requests from 自然人 only (natural and total columns)."""
    out = {}
    for row, v in (("new", new), ("carried_in", carried_in), ("granted", granted), ("total", granted), ("carried_out", carried_out)):
        out[f"t3.{row}.natural"] = out[f"t3.{row}.total"] = v
    return out


Case = tuple[Callable[[], Record], Callable[[], Record], Callable[[], Record | None]]
NOPREV: Callable[[], Record | None] = lambda: None  # noqa: E731


def _collapsed_t3(rec: Record) -> Record:
    rec = copy(rec)
    keep = ("t3.new.", "t3.carried_in.", "t3.total.", "t3.carried_out.")
    rec.cells = {k: v for k, v in rec.cells.items() if not k.startswith("t3.") or k.startswith(keep)}
    return rec


def _t21_single_other(rec: Record) -> Record:
    rec = drop(rec, "t3.other_")
    for c in ("natural", "commercial", "research", "social", "legal", "other", "total"):
        rec.cells[f"t3.other.{c}"] = 0
    return rec


def _extra_section(rec: Record) -> Record:
    rec = copy(rec)
    rec.sections.insert(5, SectionText(no=None, title="六、下一年度工作计划", text="……", printed=6))
    rec.sections[-1].printed = 7
    return rec


def _prev(rec: Record, year: int, **cells) -> Record:
    p = meta(rec, year=year, published=f"{year + 1}-01-20")
    return set_cells(p, {k.replace("__", "."): v for k, v in cells.items()})


CASES: dict[str, tuple] = {
    # rule: (breaking record, satisfying record, previous record for XG6xx)
    "XG101": (lambda: without_section(R19, 4), lambda: R19),
    "XG102": (lambda: section(R19, 5, title="五、工作成效和主要问题"), lambda: section(R19, 1, title="一、总体情况：")),
    "XG103": (lambda: drop(R21, "t4."), lambda: R21),
    "XG104": (lambda: _collapsed_t3(R19), lambda: R19),
    "XG105": (lambda: clean_record("2019", year=2021), lambda: clean_record("2021", year=2021)),
    "XG106": (lambda: meta(R19, agency=None), lambda: R19),
    "XG107": (lambda: msgspec.structs.replace(R21, notes=["mixed-layout: 2019 标签 2 处，2021 标签 5 处"]), lambda: R21),
    "XG108": (lambda: msgspec.structs.replace(R19, notes=["t3: 分组行“不予公开”后出现了数字"]), lambda: msgspec.structs.replace(R19, notes=["t3.granted: 多出 1 个数字，已忽略"])),
    "XG109": (
        lambda: msgspec.structs.replace(
            with_cells(R21, **{f"t3__new__{c}": None for c in ("natural", "total")}),
            notes=["t3.new: 无法确定各数字所属的列： 只读到 1 个数字（应有 7 个），空白单元格在原文中没有标记"],
            uncertain=["t3.new.natural", "t3.new.total"],
        ),
        lambda: R21,
    ),
    "XG110": (lambda: msgspec.structs.replace(drop(R21, "t2."), notes=["tables-unread: t2 (第二十条、信息内容)"]), lambda: R21),
    "XG111": (lambda: set_cells(R21, dict.fromkeys(R21.cells)), lambda: R21),
    "XG201": (lambda: with_cells(R21, t2__penalty__decisions=None), lambda: R21),
    "XG202": (
        lambda: msgspec.structs.replace(with_cells(R19, t2__license__change=None), raw={"t2.license.change": "减"}),
        lambda: msgspec.structs.replace(with_cells(R19, t2__license__change=-60, t2__license__prev=100), raw={"t2.license.change": "减60"}),
    ),
    "XG203": (lambda: with_cells(R21, t2__penalty__decisions=-3), lambda: with_cells(R21, t2__fee__amount=1.25)),
    "XG204": (
        lambda: section(with_cells(R21, t2__fee__amount=3200), 6, text="本年度收取信息处理费3200元。"),
        lambda: section(with_cells(R21, t2__fee__amount=0.32), 6, text="本年度收取信息处理费3200元。"),
    ),
    "XG301": (lambda: set_cells(R19, {**T3_ONE, "t3.new.natural": 2, "t3.new.total": 2, "t3.granted.natural": 1}), lambda: set_cells(R19, T3_ONE)),
    "XG302": (lambda: set_cells(R19, {**T3_ONE, "t3.granted.total": None}), lambda: set_cells(R19, T3_ONE)),
    "XG303": (lambda: set_cells(R21, {**T3_ONE, "t3.total.natural": 0, "t3.total.total": 0}), lambda: set_cells(R21, T3_ONE)),
    "XG304": (lambda: set_cells(R19, flow(new=40, granted=20, carried_out=20)), lambda: set_cells(R19, flow(new=40, granted=35, carried_out=5))),
    "XG401": (lambda: with_cells(R19, t4__review__upheld=2, t4__review__total=1), lambda: with_cells(R19, t4__review__upheld=2, t4__review__total=2)),
    "XG501": (
        lambda: with_cells(R21, t2__normative__issued=5, t2__normative__in_force=3),
        lambda: with_cells(R21, t2__normative__issued=5, t2__normative__repealed=4, t2__normative__in_force=3),
    ),
    "XG502": (lambda: with_cells(R19, t2__normative__published=5, t2__normative__total=3), lambda: with_cells(R19, t2__normative__published=3, t2__normative__total=5)),
    "XG503": (lambda: with_cells(R19, t2__penalty__prev=3, t2__penalty__change=-5), lambda: with_cells(R19, t2__penalty__prev=5, t2__penalty__change=-5)),
    "XG504": (
        lambda: meta(with_cells(R21, t2__rules__in_force=6), agency="某某县某某镇人民政府"),
        lambda: meta(with_cells(R21, t2__rules__in_force=6), agency="某某市人民政府"),
    ),
    "XG510": (
        lambda: section(set_cells(R19, T3_ONE), 1, text="全年共收到政府信息公开申请3件，均按时答复。"),
        lambda: section(set_cells(R19, T3_ONE), 1, text="全年共收到政府信息公开申请1件，均按时答复。"),
    ),
    "XG511": (lambda: section(R21, 6, text="无。"), lambda: R21),
    "XG512": (lambda: section(R19, 5, text="无。"), lambda: R19),
    "XG513": (
        lambda: section(R19, 6, text="本报告统计期限为2019年1月1日至2019年12月31日。"),
        lambda: section(R19, 6, text="本报告统计期限为2020年1月1日至2020年12月31日。"),
    ),
    "XG601": (
        lambda: with_cells(R21, t3__carried_in__natural=2, t3__carried_in__total=2, t3__new__natural=0, t3__total__natural=2, t3__total__total=2),
        lambda: set_cells(R21, flow(new=0, carried_in=3, granted=3)),
        lambda: _prev(R21, 2021, t3__carried_out__natural=3, t3__carried_out__total=3),
    ),
    "XG602": (
        lambda: R21,
        lambda: section(section(R21, 1, text="本年度围绕主动公开、依申请公开、政府信息管理开展了大量新的工作，平台改版上线。"), 5, text="问题在于解读材料偏少，下一步将加强政策解读。"),
        lambda: _prev(R21, 2021),
    ),
    "XG603": (
        lambda: with_cells(R21, t2__normative__issued=2, t2__normative__in_force=11),
        lambda: with_cells(R21, t2__normative__issued=2, t2__normative__repealed=1, t2__normative__in_force=9),
        lambda: _prev(R21, 2021, t2__normative__in_force=8),
    ),
    "XG604": (
        lambda: with_cells(R19, t2__license__prev=10),
        lambda: with_cells(R19, t2__license__prev=12),
        lambda: _prev(R19, 2019, t2__license__prev=10, t2__license__change=2),
    ),
    "XG605": (
        lambda: with_cells(R19, t2__penalty__decisions=7),
        lambda: with_cells(R19, t2__penalty__decisions=8),
        lambda: _prev(R19, 2019, t2__penalty__decisions=7),
    ),
    "XG701": (lambda: meta(R19, published="2021-02-20"), lambda: meta(R19, published="2021-01-31")),
    "XG702": (lambda: meta(R19, published=None), lambda: R19),
    "XG703": (lambda: meta(R19, published="2020-12-20"), lambda: R19),
}


# real text parsed by the real reader: a 表三 with one cell a paragraph (blanks leave no mark) …
_T3_CELL_LINES = """某某县某某局2022年政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况

申请人情况

自然人

一、本年新收政府信息公开申请数量{new}

二、上年结转政府信息公开申请数量

0

0

0

0

0

0

0
"""
# … and a 表二 whose header is printed but whose rows are not text
_T2_UNREAD = """某某县某某局2022年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第（一）项
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
{rows}
三、收到和处理政府信息公开申请情况
"""


def _parsed(text: str) -> Record:
    import xxgk

    return xxgk.parse_bytes(text.encode("utf-8"), "example.txt")


def test_xg109_on_a_parsed_row_whose_blanks_leave_no_mark():
    """One figure where the row has seven, cells a paragraph each: uncertain cells and XG109, never blanks."""
    rec = _parsed(_T3_CELL_LINES.format(new="\n\n3"))
    keys = [f"t3.new.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other", "total")]
    assert all(k in rec.uncertain for k in keys)
    (f,) = run(rec, "XG109")
    assert set(keys) <= set(f.where) and "只读到 1 个数字" in f.message
    # the same row with all seven figures is read, certain, and raises nothing
    whole = _parsed(_T3_CELL_LINES.format(new="\n\n3\n\n0\n\n0\n\n0\n\n0\n\n0\n\n3"))
    assert [whole.cells[k] for k in keys] == [3, 0, 0, 0, 0, 0, 3] and not whole.uncertain
    assert run(whole, "XG109") == []


def test_xg110_on_a_parsed_table_whose_rows_are_not_text():
    rec = _parsed(_T2_UNREAD.format(rows="（表格见附件图片）"))
    assert not any(k.startswith("t2.") for k in rec.cells)
    (f,) = run(rec, "XG110")
    assert f.where == ["t2"] and f.severity == "error"
    assert not [x for x in run(rec, "XG103") if x.where == ["t2"]]  # not "missing": it is there, unread
    read = _parsed(_T2_UNREAD.format(rows="规章 | 0 | 0 | 0\n行政规范性文件 | 1 | 0 | 5"))
    assert read.cells["t2.normative.in_force"] == 5 and run(read, "XG110") == []


def test_every_rule_has_cases():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_breaks_and_holds(rule_id):
    case = CASES[rule_id]
    previous = case[2]() if len(case) > 2 else None
    broken, ok = case[0](), case[1]()
    found = run(broken, rule_id, previous)
    assert found, f"{rule_id} should fire"
    assert all(f.rule == rule_id and f.severity in ("error", "warning", "info") for f in found)
    assert all(f.message and f.message_en and f.where for f in found)
    assert run(ok, rule_id, previous) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_breaking_record_breaks_little_else(rule_id):
    """The record that breaks a rule raises nothing outside its own family of arithmetic."""
    case = CASES[rule_id]
    previous = case[2]() if len(case) > 2 else None
    ok = case[1]()
    # the satisfying records are clean: no finding of any rule (XG6xx against their previous one;
    # the test records share last year's narrative and most figures, which XG602/XG605 would note)
    others = [f for f in check_record(ok, previous=previous) if f.rule != rule_id and f.rule not in ("XG602", "XG605")]
    assert others == [], [(f.rule, f.message) for f in others]


def test_xg111_one_filled_cell_is_not_a_blank_template():
    nearly_blank = with_cells(set_cells(R21, dict.fromkeys(R21.cells)), t3__new__natural=0)
    assert run(nearly_blank, "XG111") == []
    assert run(msgspec.structs.replace(R21, cells={}), "XG111") == []  # no tables at all: XG103, not a blank form


def test_clean_records_have_no_findings():
    assert check_record(R19) == [] and check_record(R21) == []


def test_xg105_2021_layout_for_2020_is_a_warning():
    (f,) = run(meta(R21, year=2020, published="2021-01-10"), "XG105")
    assert f.severity == "warning"


def test_xg104_2021_single_other_row():
    (f,) = run(_t21_single_other(R21), "XG104")
    assert "t3.other_no_correction.natural" in f.where
    # the single row takes part in the results sum
    rec = set_cells(_t21_single_other(R21), {"t3.new.natural": 1, "t3.new.total": 1, "t3.other.natural": 1, "t3.other.total": 1})
    assert run(rec, "XG303") != []
    rec.cells["t3.total.natural"] = rec.cells["t3.total.total"] = 1
    assert run(rec, "XG303") == [] and run(rec, "XG301") == []


def test_xg102_extra_section_and_numbering():
    fs = run(_extra_section(R19), "XG102")
    assert [f.where for f in fs] == [["section:extra:6"], ["section:6"]]


def test_xg102_out_of_order():
    rec = copy(R19)
    rec.sections[4], rec.sections[5] = rec.sections[5], rec.sections[4]
    assert any("顺序" in f.message for f in run(rec, "XG102"))


def test_xg101_no_standard_tables_from_2019_on():
    rec = copy(R21)
    rec.meta.template = None
    rec.cells = {}
    assert {f.where[0] for f in run(rec, "XG103")} == {"t2", "t3", "t4"}
    rec.meta.year = 2015
    assert run(rec, "XG103") == []


def test_xg201_lists_blank_cells_of_each_table_once():
    rec = with_cells(R19, t3__new__natural=None, t3__granted__legal=None, t2__fee__prev=None)
    fs = run(rec, "XG201")
    assert [f.where for f in fs] == [["t2.fee.prev"], ["t3.new.natural", "t3.granted.legal"]]


def test_xg302_blank_total_beside_zero_applicants_is_only_blank():
    rec = with_cells(R19, t3__partial__total=None)
    assert run(rec, "XG302") == [] and run(rec, "XG201") != []


def test_xg302_org_subtotal_checked_when_printed():
    rec = copy(R19)
    for r in {k.split(".")[1] for k in rec.cells if k.startswith("t3.")}:
        rec.cells[f"t3.{r}.org_subtotal"] = 0
    assert run(rec, "XG302") == []
    rec.cells["t3.new.commercial"] = 1
    rec.cells["t3.new.total"] = 1
    fs = run(rec, "XG302")
    assert [f.where[-1] for f in fs] == ["t3.new.org_subtotal"]
    assert fs[0].culprit == "t3.new.org_subtotal"


def test_single_slip_is_named_culprit():
    """One wrong cell in an otherwise correct 表三: every failing relation names it."""
    rec = set_cells(R19, {**T3_ONE, "t3.granted.natural": 3})
    fs = check_record(rec, select=["XG3"])
    assert fs and {f.culprit for f in fs} == {"t3.granted.natural"}


def test_uncertain_cells_are_said():
    rec = set_cells(R19, {**T3_ONE, "t3.total.total": 0})
    rec.uncertain = ["t3.total.total"]
    assert any("不确定" in f.message for f in run(rec, "XG302"))


def test_xg504_kinds_of_body():
    rec = with_cells(R19, t2__rules__made=1)
    assert run(meta(rec, agency="海东市互助县生态环境局"), "XG504")
    assert run(meta(rec, agency="黔东南州生态环境局"), "XG504")
    assert run(meta(rec, agency="某某市某某区人民政府"), "XG504")
    assert not run(meta(rec, agency="浙江省人民政府"), "XG504")
    assert not run(meta(rec, agency="生态环境部"), "XG504")
    assert not run(meta(rec, agency="国家市场监督管理总局"), "XG504")


def test_xg701_government_has_until_march():
    gov = meta(R19, agency="某某县人民政府", published="2021-03-20")
    assert run(gov, "XG701") == []
    assert run(meta(gov, published="2021-04-02"), "XG701")
    township = meta(R19, agency="某某县某某镇人民政府", published="2021-06-01")
    assert run(township, "XG701") == []


def test_xg6xx_need_consecutive_years():
    broken, _, prev = CASES["XG601"]
    assert run(broken(), "XG601", meta(prev(), year=2019)) == []
    assert run(broken(), "XG601") == []  # no previous report, no XG6xx


def test_select_and_ignore():
    rec = meta(with_cells(R19, t3__new__natural=None), published=None)
    assert {f.rule for f in check_record(rec)} == {"XG201", "XG702"}
    assert {f.rule for f in check_record(rec, select=["XG2"])} == {"XG201"}
    assert {f.rule for f in check_record(rec, ignore=["XG201"])} == {"XG702"}
    assert check_record(rec, select=["XG7"], ignore=["XG702"]) == []


def test_layouts_list_in_rules_are_honoured():
    assert RULES["XG501"].layouts == ("2021",) and RULES["XG502"].layouts == ("2019",)
    # a 2019-layout record never gets a 2021-only rule, whatever its cells
    rec = with_cells(R19, t2__fee__amount=99999)
    assert run(rec, "XG204") == []


def test_rule_documentation_is_complete():
    for r in RULES.values():
        assert r.title and r.title_en and r.severity in ("error", "warning", "info")
        zh, _, en = r.doc.partition("\n\n")
        assert "检查" in zh and "修改" in zh and en.strip(), r.id


def test_sections_of_layout_are_used():
    assert [s.no for s in R21.sections] == [s.no for s in SECTIONS]
    assert LAYOUT_2021.table("t3").rows


def test_structure_rules_only_from_2019_on():
    """A 2018 report predates the standard format: no section or table is required of it."""
    rec = without_section(drop(_collapsed_t3(R19), "t4."), 4)
    assert {f.rule for f in check_record(rec, select=["XG1"])} == {"XG101", "XG103", "XG104"}
    old = meta(rec, year=2018, published="2019-03-01", title="某某市人民政府办公室2018年政府信息公开工作年度报告")
    assert check_record(old, select=["XG1"]) == []


def test_xg602_near_copy_with_a_new_year_and_one_sentence_changed():
    last = seed_record("001")
    this = copy(last)
    this.meta.year = last.meta.year + 1
    for s in this.sections:
        if s.no == 5:
            s.text = s.text.replace("宣传和引导工作需要进一步加强", "信息发布的时效性需要提高")
    fs = run(this, "XG602", last)
    assert fs and "%" in fs[0].message
    other = seed_record("002")
    assert run(this, "XG602", other) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="政府信息公开工作年度报告本局", max_size=40), st.text(alphabet="政府信息公开工作年度报告本局", max_size=40))
def test_narrative_similarity_with_kept_shingles_is_the_plain_share(a, b):
    """XG602's shingles are kept for the last texts compared: the share is the plain one,
    however often a text is compared."""
    from xxgk.check.rules.cross import SHINGLE, similarity

    def plain(x: str, y: str) -> float:
        sx = {x[i : i + SHINGLE] for i in range(len(x) - SHINGLE + 1)}
        sy = {y[i : i + SHINGLE] for i in range(len(y) - SHINGLE + 1)}
        return len(sx & sy) / max(len(sx), len(sy)) if sx and sy else 0.0

    assert similarity(a, b) == plain(a, b)
    assert similarity(b, a) == plain(b, a) and similarity(a, b) == plain(a, b)  # (again, from the kept shingles)
