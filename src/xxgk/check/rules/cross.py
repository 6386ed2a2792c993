"""XG6xx — across reports: this year's record against the same agency's previous one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ...model import Finding
from ..context import Context, fmt
from ..registry import ALL_LAYOUTS, rule

SIMILAR = 0.90


def _consecutive(ctx: Context) -> bool:
    """The previous record is the year before (or a year cannot be told)."""
    a, b = ctx.year, ctx.prev.meta.year if ctx.prev else None
    return a is None or b is None or b == a - 1


@rule(
    "XG601",
    "error",
    "上年结转与上年报告的结转下年度不符",
    "Carried in differs from last year's carried over",
    needs_previous=True,
    doc="""
检查：本年表三“二、上年结转政府信息公开申请数量”是否逐列等于上一年度年报的“四、结转下年度继续办理”。
依据：上年结转下来的申请，就是上年年报报告要结转的申请，两者是同一批申请。
修改：核对两年的台账；若上年年报有误，应在本年报告中说明。

Checks that this year's 二 carried in equals, column by column, last year's 四 carried over: they are the same
requests. Fix: reconcile the registers; explain any correction of last year's report.
""",
)
def carried(ctx: Context) -> Iterator[Finding]:
    if not _consecutive(ctx):
        return
    prev = ctx.prev.cells
    for c in ctx.t3_columns:
        ik, ok = f"t3.carried_in.{c}", f"t3.carried_out.{c}"
        if ik not in ctx or ok not in prev:
            continue
        now, then = ctx.n(ik), prev[ok] or 0
        if now != then:
            yield ctx.finding(
                "XG601",
                [ik],
                f"表三 {ctx.col_label('t3', c)}列：本年“{ctx.row_label('t3', 'carried_in')}” = {fmt(now)}，"
                f"上年报告“{ctx.row_label('t3', 'carried_out')}” = {fmt(then)}",
                f"Table 3, column {c}: carried in {fmt(now)}, last year's report carried over {fmt(then)}",
                culprit=ik,
            )


def _narrative(rec) -> str:
    text = "".join(s.text for s in rec.sections if s.no in (1, 5, 6))
    return re.sub(r"[\s\d０-９]+", "", text)


SHINGLE = 5


_KEPT_TEXT = 20_000  # (a longer narrative's shingles, megabytes of them, are not kept)


def _shingles(text: str) -> frozenset[str]:
    """A text's 5-character shingles, kept for the last texts compared: a report is compared
    with the year before it and the year after, and a batch compares an agency's years together."""
    return _kept_shingles(text) if len(text) <= _KEPT_TEXT else _shingles_of(text)


def _shingles_of(text: str) -> frozenset[str]:
    return frozenset({text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)})


_kept_shingles = lru_cache(maxsize=16)(_shingles_of)


def similarity(a: str, b: str) -> float:
    """Share of common 5-character shingles (1.0 = same text): linear in the text length."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / max(len(sa), len(sb))


@rule(
    "XG602",
    "warning",
    "正文与上年高度雷同",
    "Narrative nearly identical to last year's",
    layouts=ALL_LAYOUTS,
    needs_previous=True,
    doc="""
检查：第一、五、六部分的正文（去掉数字后）与上年年报的相似度是否达到 90%（相同的五字片段所占比例）。
依据：2021 年格式明确把“内容雷同、敷衍塞责”列为追责情形；年报应如实反映本年度的工作。
修改：按本年度实际情况重写总体情况、存在问题及改进情况等部分。

Warns when sections 一, 五 and 六 (digits removed) are at least 90% similar to last year's: the 2021 format names
“内容雷同” among the faults that lead to accountability. Fix: write this year's report from this year's work.
""",
)
def same_text(ctx: Context) -> Iterator[Finding]:
    a, b = _narrative(ctx.rec), _narrative(ctx.prev)
    if len(a) < 50 or len(b) < 50:
        return
    r = similarity(a, b)
    if r >= SIMILAR:
        yield ctx.finding(
            "XG602",
            ["section:1", "section:5", "section:6"],
            f"第一、五、六部分正文与上年报告的相似度为 {r:.0%}",
            f"sections 1, 5 and 6 are {r:.0%} similar to last year's report",
        )


@rule(
    "XG603",
    "warning",
    "现行有效件数与上年不衔接",
    "In force does not roll forward",
    layouts=("2021",),
    needs_previous=True,
    doc="""
检查：2021 年格式表二：本年“现行有效件数”是否等于上年“现行有效件数”+ 本年“制发件数” − 本年“废止件数”（规章、行政规范性文件各自核对）。
依据：现行有效的文件只会因制发而增加、因废止而减少；口径不同（如把修改计入制发）时应在报告中说明，所以这是警告。
修改：核对文件清单，或在正文中说明统计口径。

Checks (2021 layout) that this year's 现行有效 = last year's 现行有效 + issued − repealed, for 规章 and
行政规范性文件. Counting practices differ, hence a warning. Fix: reconcile the list or explain the counting.
""",
)
def in_force(ctx: Context) -> Iterator[Finding]:
    if not _consecutive(ctx) or ctx.prev.meta.template != "2021":
        return
    prev = ctx.prev.cells
    for r in ("rules", "normative"):
        fk, ik, rk = f"t2.{r}.in_force", f"t2.{r}.issued", f"t2.{r}.repealed"
        if ctx.v(fk) is None or prev.get(fk) is None or ctx.v(ik) is None:
            continue
        want = prev[fk] + ctx.n(ik) - ctx.n(rk)
        if ctx.v(fk) != want:
            yield ctx.finding(
                "XG603",
                [fk, ik, rk],
                f"表二 {ctx.row_label('t2', r)}：{ctx.col_label('t2', 'in_force')} {fmt(ctx.v(fk))}，而上年 {fmt(prev[fk])} + "
                f"{ctx.col_label('t2', 'issued')} {fmt(ctx.n(ik))} − {ctx.col_label('t2', 'repealed')} {fmt(ctx.n(rk))} = {fmt(want)}",
                f"Table 2, {r}: in force {fmt(ctx.v(fk))}, but last year's {fmt(prev[fk])} + issued − repealed = {fmt(want)}",
            )


@rule(
    "XG604",
    "warning",
    "上一年项目数量与上年报告不衔接",
    "Previous item count does not roll forward",
    layouts=("2019",),
    needs_previous=True,
    doc="""
检查：2019 年格式表二：2020 年度报告的“上一年项目数量”是否等于 2019 年度报告的“上一年项目数量 + 本年增/减”（行政许可、其他对外管理服务事项、行政处罚、行政强制、行政事业性收费）。
依据：上一年项目数量就是上一年年末的项目数量，即上年报告中的期初数加增减。
修改：核对两年的项目清单。

Checks (2019 layout) that the 2020 report's 上一年项目数量 equals the 2019 report's 上一年项目数量 + 本年增/减,
row by row. Fix: reconcile the item lists of both years.
""",
)
def items_roll(ctx: Context) -> Iterator[Finding]:
    if not _consecutive(ctx) or ctx.prev.meta.template != "2019":
        return
    prev = ctx.prev.cells
    for r in ("license", "other_service", "penalty", "coercion", "fee"):
        pk, ck = f"t2.{r}.prev", f"t2.{r}.change"
        if ctx.v(pk) is None or prev.get(pk) is None or prev.get(ck) is None:
            continue
        want = prev[pk] + prev[ck]
        if ctx.v(pk) != want:
            yield ctx.finding(
                "XG604",
                [pk],
                f"表二 {ctx.row_label('t2', r)}：{ctx.col_label('t2', 'prev')} {fmt(ctx.v(pk))}，而上年报告 {fmt(prev[pk])} + "
                f"{ctx.col_label('t2', 'change')} {fmt(prev[ck])} = {fmt(want)}",
                f"Table 2, {r}: previous count {fmt(ctx.v(pk))}, last year's report gives {fmt(prev[pk])} + {fmt(prev[ck])} = {fmt(want)}",
                culprit=pk,
            )


@rule(
    "XG605",
    "warning",
    "统计数据与上年完全相同",
    "Every figure equals last year's",
    needs_previous=True,
    doc="""
检查：三张表的全部数字是否与上年年报完全相同（且不全为 0）。
依据：各项数字逐年完全相同几乎不可能，多半是照搬了上年的表格。
修改：按本年度台账重新填表。

Warns when every figure of the tables equals last year's (and not all are zero): almost certainly copied.
Fix: fill the tables from this year's records.
""",
)
def same_figures(ctx: Context) -> Iterator[Finding]:
    a, b = ctx.cells, ctx.prev.cells
    if not a or set(a) != set(b):
        return
    if any(a[k] != b[k] for k in a):
        return
    if not any(v for v in a.values()):
        return
    yield ctx.finding(
        "XG605",
        ["t2", "t3", "t4"],
        "三张表的全部数字与上年报告完全相同，疑似照搬上年数据",
        "every figure of the tables equals last year's report",
    )
