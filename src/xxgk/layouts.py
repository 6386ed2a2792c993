"""The two official layouts of the annual report, as data.

Everything that needs a table, row, column, label or section title reads it
from here: the extractor (to find and place cells), the checker (to know which
cells a layout has), the renderer (to print the official shape), the store
(to name columns) and the UI.  No official label is typed anywhere else.

Vocabulary
----------
* ``key``     the stable identifier of report-json.md (``t3.new.total``).
* ``label``   the official wording printed in the form.
* ``keys``    short distinctive phrases that identify a label in real
              documents, whose labels carry typos, line breaks, missing
              numbering and other variants.  Matching is done on normalised
              text (see :func:`xxgk.text.norm_label`).
* ``exact``   the label is too short or too common to be matched as a
              substring (``其他``, ``总计``): it must be the whole cell, after
              its numbering is removed.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import msgspec

Kind = Literal["count", "signed", "amount"]
TEMPLATES = ("2019", "2021")


class Column(msgspec.Struct, frozen=True):
    key: str
    label: str
    kind: Kind = "count"
    keys: tuple[str, ...] = ()
    exact: bool = False
    optional: bool = False  # present only when the document has it

    def match_keys(self) -> tuple[str, ...]:
        return self.keys or (self.label,)


class Row(msgspec.Struct, frozen=True):
    key: str
    label: str
    keys: tuple[str, ...] = ()
    exact: bool = False
    numbering: str = ""  # the official numbering printed before the label
    group: str | None = None  # key of the group label this row sits under
    columns: tuple[Column, ...] = ()  # only for 表二, whose blocks differ

    def match_keys(self) -> tuple[str, ...]:
        return self.keys or (self.label,)

    @property
    def full_label(self) -> str:
        return f"{self.numbering}{self.label}"


class Group(msgspec.Struct, frozen=True):
    """A label that spans several rows (（三）不予公开) and holds no figures.

    ``collapses_to`` names the row that receives the figures when a report
    prints the group as a single row of numbers (a 表三 collapsed to four rows
    puts 三、本年度办理结果 under ``total``; a 2021 report that keeps the 2019
    single （六） row puts it under ``other``).
    """

    key: str
    label: str
    keys: tuple[str, ...] = ()
    numbering: str = ""
    collapses_to: str | None = None

    def match_keys(self) -> tuple[str, ...]:
        return self.keys or (self.label,)

    @property
    def full_label(self) -> str:
        return f"{self.numbering}{self.label}"


class Block(msgspec.Struct, frozen=True):
    """A block of 表二: 第二十条第（一）项 with its columns and rows."""

    label: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


class Table(msgspec.Struct, frozen=True):
    key: str  # t2 / t3 / t4
    number: str  # 表二 …
    title: str  # the section title the table belongs to
    rows: tuple[Row, ...]
    columns: tuple[Column, ...] = ()  # uniform columns (表三, 表四)
    groups: tuple[Group, ...] = ()
    blocks: tuple[Block, ...] = ()  # 表二 only
    header: tuple[str, ...] = ()  # header phrases that mark the table
    note: str = ""

    def columns_of(self, row: Row) -> tuple[Column, ...]:
        return row.columns or self.columns

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def cell_keys(self, with_optional: bool = False) -> list[str]:
        out = []
        for r in self.rows:
            for c in self.columns_of(r):
                if c.optional and not with_optional:
                    continue
                out.append(f"{self.key}.{r.key}.{c.key}")
        return out


class Section(msgspec.Struct, frozen=True):
    no: int
    title: str
    keys: tuple[str, ...]  # any of these in a heading identifies the section
    variants: tuple[str, ...] = ()  # accepted official wordings


class Layout(msgspec.Struct, frozen=True):
    template: str  # "2019" / "2021"
    name: str
    document: str  # the instrument that set it
    years: tuple[int, int | None]  # report years it applies to
    tables: tuple[Table, ...]
    markers: tuple[str, ...]  # header phrases only this layout has
    sections: tuple[Section, ...] = ()

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def cell_keys(self, with_optional: bool = False) -> list[str]:
        return [k for t in self.tables for k in t.cell_keys(with_optional)]


# ---------------------------------------------------------------- sections

SECTIONS = (
    Section(1, "一、总体情况", ("总体情况", "总体概况", "概述", "基本情况")),
    Section(2, "二、主动公开政府信息情况", ("主动公开",)),
    Section(3, "三、收到和处理政府信息公开申请情况", ("收到和处理", "依申请公开", "申请情况")),
    Section(4, "四、政府信息公开行政复议、行政诉讼情况", ("行政复议", "行政诉讼")),
    Section(
        5,
        "五、存在的主要问题及改进情况",
        ("主要问题", "存在问题", "存在的问题", "改进情况", "问题及改进", "不足"),
        variants=("五、政府信息公开工作存在的主要问题及改进情况", "五、存在的问题及改进情况"),
    ),
    Section(6, "六、其他需要报告的事项", ("其他需要报告", "其他事项")),
)

# ---------------------------------------------------------------- 表二

_T2_2019_ITEMS = (
    Column("made", "本年新制作数量", keys=("新制作",)),
    Column("published", "本年新公开数量", keys=("新公开",)),
    Column("total", "对外公开总数量", keys=("公开总数",)),
)
_T2_2019_PROJECTS = (
    Column("prev", "上一年项目数量", keys=("上一年项目",)),
    Column("change", "本年增/减", kind="signed", keys=("增/减", "增减", "增(减)")),
    Column("decisions", "处理决定数量", keys=("处理决定",)),
)
_T2_2019_FEE = _T2_2019_PROJECTS[:2]
_T2_2019_PROCUREMENT = (
    Column("count", "采购项目数量", keys=("采购项目",)),
    Column("amount", "采购总金额", kind="amount", keys=("采购总金额", "总金额")),
)

T2_2019_BLOCKS = (
    Block(
        "第二十条第（一）项",
        _T2_2019_ITEMS,
        (
            Row("rules", "规章", exact=True, columns=_T2_2019_ITEMS),
            Row("normative", "规范性文件", keys=("规范性文件",), columns=_T2_2019_ITEMS),
        ),
    ),
    Block(
        "第二十条第（五）项",
        _T2_2019_PROJECTS,
        (
            Row("license", "行政许可", columns=_T2_2019_PROJECTS),
            Row("other_service", "其他对外管理服务事项", keys=("对外管理服务",), columns=_T2_2019_PROJECTS),
        ),
    ),
    Block(
        "第二十条第（六）项",
        _T2_2019_PROJECTS,
        (
            Row("penalty", "行政处罚", columns=_T2_2019_PROJECTS),
            Row("coercion", "行政强制", columns=_T2_2019_PROJECTS),
        ),
    ),
    Block(
        "第二十条第（八）项",
        _T2_2019_FEE,
        (Row("fee", "行政事业性收费", keys=("事业性收费",), columns=_T2_2019_FEE),),
    ),
    Block(
        "第二十条第（九）项",
        _T2_2019_PROCUREMENT,
        (Row("procurement", "政府集中采购", keys=("集中采购",), columns=_T2_2019_PROCUREMENT),),
    ),
)

_T2_2021_ITEMS = (
    Column("issued", "本年制发件数", keys=("制发件数", "本年制发")),
    Column("repealed", "本年废止件数", keys=("废止件数", "本年废止")),
    Column("in_force", "现行有效件数", keys=("有效件数", "现行有效")),
)
_T2_2021_DECISIONS = (Column("decisions", "本年处理决定数量", keys=("处理决定",)),)
_T2_2021_FEE = (Column("amount", "本年收费金额（单位：万元）", kind="amount", keys=("收费金额",)),)

T2_2021_BLOCKS = (
    Block(
        "第二十条第（一）项",
        _T2_2021_ITEMS,
        (
            Row("rules", "规章", exact=True, columns=_T2_2021_ITEMS),
            Row("normative", "行政规范性文件", keys=("规范性文件",), columns=_T2_2021_ITEMS),
        ),
    ),
    Block(
        "第二十条第（五）项",
        _T2_2021_DECISIONS,
        (Row("license", "行政许可", columns=_T2_2021_DECISIONS),),
    ),
    Block(
        "第二十条第（六）项",
        _T2_2021_DECISIONS,
        (
            Row("penalty", "行政处罚", columns=_T2_2021_DECISIONS),
            Row("coercion", "行政强制", columns=_T2_2021_DECISIONS),
        ),
    ),
    Block(
        "第二十条第（八）项",
        _T2_2021_FEE,
        (Row("fee", "行政事业性收费", keys=("事业性收费",), columns=_T2_2021_FEE),),
    ),
)


T2_ARTICLE = "第二十条"  # every block of 表二 is an item of article 20 of the regulation
T2_LABEL_HEADER = "信息内容"  # the header of 表二's label column


def _t2(blocks: tuple[Block, ...]) -> Table:
    return Table(
        key="t2",
        number="表二",
        title="二、主动公开政府信息情况",
        rows=tuple(r for b in blocks for r in b.rows),
        blocks=blocks,
        header=(T2_ARTICLE, T2_LABEL_HEADER),
    )


# ---------------------------------------------------------------- 表三

T3_COLUMNS = (
    Column("natural", "自然人"),
    Column("commercial", "商业企业", keys=("商业企业",)),
    Column("research", "科研机构"),
    Column("social", "社会公益组织", keys=("社会公益组织", "社会组织")),
    Column("legal", "法律服务机构"),
    Column("other", "其他", exact=True),
    Column("org_subtotal", "法人或其他组织小计", keys=("小计",), optional=True),
    Column("total", "总计", keys=("总计", "合计"), exact=True),
)
T3_APPLICANT_GROUP = "法人或其他组织"
T3_HEADER_GROUP = "申请人情况"
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_NOTE_KEY = "勾稽关系"  # the words that identify the note however it is broken
T3_RESULTS_GROUP = "results"  # the group 三、本年度办理结果 that holds （一）…（七）

_T3_GROUPS_COMMON = (
    Group(T3_RESULTS_GROUP, "本年度办理结果", numbering="三、", keys=("本年度办理结果", "办理结果"), collapses_to="total"),
    Group("denied", "不予公开", numbering="（三）", keys=("不予公开",)),
    Group("unable", "无法提供", numbering="（四）", keys=("无法提供",)),
    Group("ignored", "不予处理", numbering="（五）", keys=("不予处理",)),
)

_T3_ROWS_HEAD = (
    Row("new", "本年新收政府信息公开申请数量", numbering="一、", keys=("本年新收", "新收政府信息")),
    Row("carried_in", "上年结转政府信息公开申请数量", numbering="二、", keys=("上年结转",)),
    Row("granted", "予以公开", numbering="（一）", keys=("予以公开",), group="results"),
    Row(
        "partial",
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        numbering="（二）",
        keys=("部分公开",),
        group="results",
    ),
    Row("denied_secret", "属于国家秘密", numbering="1.", keys=("国家秘密",), group="denied"),
    Row("denied_law", "其他法律行政法规禁止公开", numbering="2.", keys=("禁止公开",), group="denied"),
    Row("denied_safety", "危及“三安全一稳定”", numbering="3.", keys=("三安全一稳定", "危及"), group="denied"),
    Row("denied_third_party", "保护第三方合法权益", numbering="4.", keys=("第三方",), group="denied"),
    Row("denied_internal", "属于三类内部事务信息", numbering="5.", keys=("内部事务",), group="denied"),
    Row("denied_process", "属于四类过程性信息", numbering="6.", keys=("过程性信息",), group="denied"),
    Row("denied_enforcement", "属于行政执法案卷", numbering="7.", keys=("执法案卷",), group="denied"),
    Row("denied_inquiry", "属于行政查询事项", numbering="8.", keys=("行政查询",), group="denied"),
    Row("unable_not_held", "本机关不掌握相关政府信息", numbering="1.", keys=("不掌握",), group="unable"),
    Row("unable_need_create", "没有现成信息需要另行制作", numbering="2.", keys=("另行制作", "没有现成"), group="unable"),
    Row("unable_unclear", "补正后申请内容仍不明确", numbering="3.", keys=("仍不明确", "补正后"), group="unable"),
    Row("ignored_petition", "信访举报投诉类申请", numbering="1.", keys=("信访", "举报投诉"), group="ignored"),
    Row("ignored_duplicate", "重复申请", numbering="2.", keys=("重复申请",), group="ignored"),
    Row("ignored_publication", "要求提供公开出版物", numbering="3.", keys=("出版物",), group="ignored"),
    Row("ignored_excessive", "无正当理由大量反复申请", numbering="4.", keys=("大量反复",), group="ignored"),
    Row(
        "ignored_confirm",
        "要求行政机关确认或重新出具已获取信息",
        numbering="5.",
        keys=("重新出具", "确认或重新"),
        group="ignored",
    ),
)
_T3_ROWS_TAIL = (
    Row("total", "总计", numbering="（七）", keys=("总计", "合计"), exact=True, group="results"),
    Row("carried_out", "结转下年度继续办理", numbering="四、", keys=("结转下年度", "下年度继续办理")),
)

T3_2019_ROWS = (
    *_T3_ROWS_HEAD,
    Row("other", "其他处理", numbering="（六）", keys=("其他处理",), group="results"),
    *_T3_ROWS_TAIL,
)
T3_2021_ROWS = (
    *_T3_ROWS_HEAD,
    Row(
        "other_no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        numbering="1.",
        keys=("逾期不补正",),
        group="other_group",
    ),
    Row(
        "other_no_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        numbering="2.",
        keys=("收费通知", "缴纳费用"),
        group="other_group",
    ),
    Row("other_misc", "其他", numbering="3.", exact=True, group="other_group"),
    *_T3_ROWS_TAIL,
)
# The single （六） row of the 2019 layout, kept by some 2021 reports.
T3_OTHER_SINGLE = T3_2019_ROWS[len(_T3_ROWS_HEAD)]
T3_2021_OTHER_GROUP = Group("other_group", "其他处理", numbering="（六）", keys=("其他处理",), collapses_to="other")


# 表三's label area is three columns wide: 三、本年度办理结果 in the first, its
# items （一）…（七） and the sub-groups （三）…（六） in the second, their
# numbered rows 1. 2. … in the third
T3_LABEL_COLUMNS = 3


def label_span(table: Table, row: Row) -> int:
    """How many columns of the table's label area a row's label covers in the
    official form (表三: 3 for 一、二、四, 2 for （一）（二）（七）…, 1 for numbered
    sub-rows; 表二 and 表四: 1)."""
    if table.key != "t3":
        return 1
    if row.group is None:
        return T3_LABEL_COLUMNS
    return T3_LABEL_COLUMNS - 1 if row.group == T3_RESULTS_GROUP else 1


def _t3(rows: tuple[Row, ...], groups: tuple[Group, ...]) -> Table:
    return Table(
        key="t3",
        number="表三",
        title="三、收到和处理政府信息公开申请情况",
        rows=rows,
        columns=T3_COLUMNS,
        groups=groups,
        header=(T3_HEADER_GROUP, T3_NOTE_KEY, T3_COLUMNS[0].label),
        note=T3_NOTE,
    )


# ---------------------------------------------------------------- 表四

T4_COLUMNS = (
    Column("upheld", "结果维持", keys=("维持",)),
    Column("corrected", "结果纠正", keys=("纠正",)),
    Column("other", "其他结果", keys=("其他结果",)),
    Column("pending", "尚未审结", keys=("尚未审结", "未审结")),
    Column("total", "总计", keys=("总计", "合计")),
)
T4_ROWS = (
    Row("review", "行政复议", keys=("行政复议",)),
    Row("suit_direct", "未经复议直接起诉", keys=("直接起诉",)),
    Row("suit_after_review", "复议后起诉", keys=("复议后起诉",)),
)
T4_SUIT_GROUP = "行政诉讼"

T4 = Table(
    key="t4",
    number="表四",
    title="四、政府信息公开行政复议、行政诉讼情况",
    rows=T4_ROWS,
    columns=T4_COLUMNS,
    header=(T4_ROWS[0].label, T4_SUIT_GROUP, T4_COLUMNS[0].label),
)

# the regulation every report is made under, and the report's own name (its title ends with it)
REGULATION = "中华人民共和国政府信息公开条例"
REPORT_NAME = "政府信息公开工作年度报告"

# ---------------------------------------------------------------- layouts

LAYOUT_2019 = Layout(
    template="2019",
    name=f"中华人民共和国{REPORT_NAME}格式（试行）",
    document="国办公开办函〔2019〕60号",
    years=(2019, 2020),
    tables=(_t2(T2_2019_BLOCKS), _t3(T3_2019_ROWS, _T3_GROUPS_COMMON), T4),
    markers=("新制作数量", "新公开数量", "对外公开总数", "上一年项目数量", "第二十条第(九)项", "集中采购", "采购总金额", "对外管理服务"),
    sections=SECTIONS,
)
LAYOUT_2021 = Layout(
    template="2021",
    name=f"中华人民共和国{REPORT_NAME}格式",
    document="国办公开办函〔2021〕30号",
    years=(2021, None),
    tables=(_t2(T2_2021_BLOCKS), _t3(T3_2021_ROWS, (*_T3_GROUPS_COMMON, T3_2021_OTHER_GROUP)), T4),
    markers=("制发件数", "废止件数", "现行有效件数", "收费金额", "逾期不补正", "缴纳费用"),
    sections=SECTIONS,
)
LAYOUTS = {"2019": LAYOUT_2019, "2021": LAYOUT_2021}


def layout_for(template: str | None) -> Layout:
    """The layout of a template name; unknown or missing falls back to 2021."""
    return LAYOUTS.get(template or "2021", LAYOUT_2021)


def template_for_year(year: int | None) -> str | None:
    """The layout the format requires for a report on ``year``."""
    if year is None:
        return None
    if year >= 2021:
        return "2021"
    if year >= 2019:
        return "2019"
    return "pre2019"


@cache
def all_cell_keys() -> tuple[str, ...]:
    """Every cell key of both layouts, in a stable order (for wide exports)."""
    seen: dict[str, None] = {}
    for lay in (LAYOUT_2019, LAYOUT_2021):
        for k in lay.cell_keys(with_optional=True):
            seen.setdefault(k, None)
    # the single （六） row that some 2021 reports keep
    for c in T3_COLUMNS:
        seen.setdefault(f"t3.other.{c.key}", None)
    return tuple(seen)


@cache
def cell_kind(key: str) -> Kind:
    """count / signed / amount for a cell key of either layout."""
    tkey, rkey, ckey = key.split(".")
    for lay in (LAYOUT_2019, LAYOUT_2021):
        t = lay.table(tkey)
        for r in t.rows:
            if r.key == rkey:
                for c in t.columns_of(r):
                    if c.key == ckey:
                        return c.kind
    return "count"


def label_of(key: str, template: str | None = None) -> str:
    """The official label of a cell key: ``表三 一、本年新收… · 总计``."""
    tkey, rkey, ckey = key.split(".")
    lays = [layout_for(template)] + [l for l in LAYOUTS.values() if l.template != template]
    for lay in lays:
        t = lay.table(tkey)
        for r in t.rows:
            if r.key == rkey:
                for c in t.columns_of(r):
                    if c.key == ckey:
                        return f"{t.number} {r.full_label} · {c.label}"
    if tkey == "t3" and rkey == "other":
        col = next((c for c in T3_COLUMNS if c.key == ckey), None)
        return f"表三 {T3_OTHER_SINGLE.full_label} · {col.label if col else ckey}"
    return key


def column_label(key: str, template: str | None = None) -> str:
    """A cell's official label as one column heading of an export or summary:
    ``表三·一、本年新收政府信息公开申请数量·自然人``, ``表三·（三）不予公开 1.属于国家秘密·总计``
    (a row inside a group of 表三 carries the group's label).  Unknown keys stay as they are."""
    parts = key.split(".")
    if len(parts) != 3:
        return key
    tkey, rkey, ckey = parts
    if tkey == "t3" and rkey == "other":
        col = next((c for c in T3_COLUMNS if c.key == ckey), None)
        return f"表三·{T3_OTHER_SINGLE.full_label}·{col.label if col else ckey}"
    lays = [layout_for(template)] + [lay for lay in LAYOUTS.values() if lay.template != template]
    for lay in lays:
        t = lay.table(tkey)
        for r in t.rows:
            if r.key != rkey:
                continue
            for c in t.columns_of(r):
                if c.key == ckey:
                    row = r.full_label
                    if tkey == "t3" and r.group:
                        g = next((g for g in t.groups if g.key == r.group and g.key != "results"), None)
                        row = f"{g.full_label} {row}" if g else row
                    elif tkey == "t4" and r.key != "review":
                        row = f"{T4_SUIT_GROUP} {row}"
                    return f"{t.number}·{row}·{c.label}"
    return key
