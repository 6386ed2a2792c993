"""XG2xx — cell content: blanks, text instead of figures, negative or fractional counts, fee unit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from operator import is_not

from ...layouts import cell_kind
from ...model import Finding
from ..context import TABLE_KEYS, Context, fmt
from ..registry import rule

_SHOWN = 6
_NOT_NONE = partial(is_not, None)


def _list(ctx: Context, keys: list[str]) -> str:
    labels = [ctx.cell_label(k) for k in keys[:_SHOWN]]
    more = f"等 {len(keys)} 个" if len(keys) > _SHOWN else ""
    return "、".join(labels) + more


@rule(
    "XG201",
    "warning",
    "空白单元格",
    "Blank cells",
    doc="""
检查：统计表中留空的单元格（每张表一条，列出全部空格）。
依据：空白和 0 含义不同：0 表示没有发生，空白表示没有填报或不知道。格式要求逐项填报，没有数据的填 0。
修改：把空格填为 0，或填上实际数字。

Lists the blank cells of each table (one finding per table). Blank is not zero: 0 says nothing happened, a blank
says nothing was reported. Fix: write 0 or the real figure in every cell.
""",
)
def blank_cells(ctx: Context) -> Iterator[Finding]:
    if None not in ctx.cells.values():
        return
    raw = ctx.rec.raw
    by_table: dict[str, list[str]] = {}
    for k, v in ctx.cells.items():
        if v is None and k not in raw:
            by_table.setdefault(k[:2], []).append(k)
    if not by_table:
        return
    for t in ctx.layout.tables:
        blanks = by_table.get(t.key)
        if not blanks:
            continue
        every = len(blanks) == len(ctx.cells.keys() & TABLE_KEYS[t.key])
        listed = "全部单元格都是空白" if every else _list(ctx, blanks)
        yield ctx.finding(
            "XG201",
            blanks,
            f"{t.number} 有 {len(blanks)} 个空白单元格（没有数据应填 0）：{listed}",
            f"{t.number} (Table {t.key[1]}) has {len(blanks)} blank cell(s); write 0 where there is nothing to report",
        )


@rule(
    "XG202",
    "error",
    "单元格不是数字",
    "Cell holds text, not a number",
    doc="""
检查：单元格里写的是文字而不是数字，如只写“减”而没有数、写“无”“—”“见附件”。
依据：统计表只能填数字，文字无法汇总，也看不出实际数量；“本年增/减”应写出带符号的数（如 -60 或“减60”）。
修改：改为数字；没有的填 0；增减写明数量。

Finds cells holding text instead of a number: 减 without a figure, 无, —, 见附件. The tables are statistics and
text cannot be added up; 本年增/减 needs the signed figure (-60, 减60). Fix: write the number (0 if none).
""",
)
def text_cells(ctx: Context) -> Iterator[Finding]:
    for key, raw in ctx.rec.raw.items():
        if ctx.v(key) is None and key in ctx:
            tkey = key.split(".")[0]
            yield ctx.finding(
                "XG202",
                [key],
                f"{ctx.number(tkey)} {ctx.cell_label(key)} 写的是“{raw}”，不是数字",
                f"{ctx.number(tkey)} (Table {tkey[1]}) {key} holds “{raw}”, not a number",
                culprit=key,
            )


@rule(
    "XG203",
    "error",
    "件数为负数或非整数",
    "Count negative or not whole",
    doc="""
检查：件数、项目数是否为非负整数（“本年增/减”可以为负，金额可以有小数，不在此列）。
依据：表中的件数、项目数都是计数，只能是 0 或正整数；负数或小数说明填错了栏目或单位。
修改：核对原始台账，填入正确的整数。

Checks that counts are whole numbers ≥ 0 (the signed 本年增/减 and the amounts excepted). A negative or
fractional count means a wrong column or unit. Fix: enter the correct whole number.
""",
)
def bad_counts(ctx: Context) -> Iterator[Finding]:
    values = ctx.cells.values()
    if float not in set(map(type, values)) and min(filter(_NOT_NONE, values), default=0) >= 0:
        return  # whole numbers ≥ 0 only
    for key, v in ctx.cells.items():
        if v is None or not (v < 0 or (isinstance(v, float) and not v.is_integer())):
            continue
        if cell_kind(key) == "count":
            tkey = key.split(".")[0]
            yield ctx.finding(
                "XG203",
                [key],
                f"{ctx.number(tkey)} {ctx.cell_label(key)} = {fmt(v)}，件数应为非负整数",
                f"{ctx.number(tkey)} (Table {tkey[1]}) {key} = {fmt(v)}; a count must be a whole number ≥ 0",
                culprit=key,
            )


_YUAN = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*元")
_FEE_LIMIT = 10000  # 万元 (1 亿元): implausible for a township or a department


@rule(
    "XG204",
    "warning",
    "收费金额疑似以元填报",
    "Fee amount looks like yuan",
    layouts=("2021",),
    doc="""
检查：表二“行政事业性收费 本年收费金额（单位：万元）”是否像是按“元”填的：乡镇、部门的金额达到 1 亿元以上，或者与正文中以“元”写出的金额相同。
依据：2021 年格式规定该栏单位为万元；按元填写会把金额放大一万倍。
修改：换算为万元（元数 ÷ 10000）后填写。

Checks whether the fee amount (unit 万元 = 10,000 yuan) was entered in yuan: 1 亿元 or more for a township or a
department, or the same figure the text gives in 元. Fix: divide the yuan figure by 10,000.
""",
)
def fee_unit(ctx: Context) -> Iterator[Finding]:
    key = "t2.fee.amount"
    v = ctx.v(key)
    if v is None or v <= 0:
        return
    text = "\n".join(s.text for s in ctx.rec.sections)
    quoted = set()
    for m in _YUAN.finditer(text):  # "N元" only: "N万元" does not match
        try:
            quoted.add(float(m.group(1).replace(",", "").replace("，", "")))
        except ValueError:
            pass
    if float(v) in quoted:
        yield ctx.finding(
            "XG204",
            [key],
            f"表二 {ctx.cell_label(key)} = {fmt(v)}，与正文中的 {fmt(v)} 元相同，疑似按元填报",
            f"the fee amount {fmt(v)} (10,000 yuan) equals the {fmt(v)} yuan quoted in the text; probably entered in yuan",
            culprit=key,
        )
    elif ctx.agency.kind in ("township", "department") and v >= _FEE_LIMIT:
        yield ctx.finding(
            "XG204",
            [key],
            f"表二 {ctx.cell_label(key)} = {fmt(v)}（即 {fmt(v / 10000)} 亿元），对本机关而言过大，疑似按元填报",
            f"the fee amount {fmt(v)} (10,000 yuan) is implausibly large for this body; probably entered in yuan",
            culprit=key,
        )
