"""XG7xx — publication: the date the report states against the statutory deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...model import Finding
from ..context import Context
from ..registry import ALL_LAYOUTS, rule


def _date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


@rule(
    "XG701",
    "warning",
    "晚于法定期限发布",
    "Published after the statutory date",
    layouts=ALL_LAYOUTS,
    doc="""
检查：年报所署日期是否晚于法定期限：县级以上人民政府部门为次年 1 月 31 日，县级以上人民政府本级年报为次年 3 月 31 日（2018 年度及以前一律为 3 月 31 日）。乡镇、街道的期限由地方规定，不在此检查。机关类别按名称判断。
依据：《条例》第四十九条：部门应于每年 1 月 31 日前公布上一年度年报；县级以上地方人民政府的主管部门应于每年 3 月 31 日前公布本级政府年报。
修改：按期公布；已逾期的，在报告中说明原因。

Checks the stated date against the statutory deadline: 31 January of the next year for departments of governments
at county level and above, 31 March for a government's own report (31 March for all up to the 2018 reports).
Townships have local deadlines and are not checked. Art. 49 of the Regulation. Fix: publish on time.
""",
)
def late(ctx: Context) -> Iterator[Finding]:
    d = _date(ctx.rec.meta.published)
    if d is None or ctx.year is None:
        return
    kind = ctx.agency.kind
    if ctx.year <= 2018:
        deadline, who = date(ctx.year + 1, 3, 31), "年报"
    elif kind == "department":
        deadline, who = date(ctx.year + 1, 1, 31), "政府部门年报"
    elif kind == "government":
        deadline, who = date(ctx.year + 1, 3, 31), "政府本级年报"
    else:
        return
    if d > deadline:
        yield ctx.finding(
            "XG701",
            ["meta.published"],
            f"{who}应于 {deadline.isoformat()} 前公布，所署日期为 {d.isoformat()}",
            f"due by {deadline.isoformat()}, dated {d.isoformat()}",
        )


@rule(
    "XG702",
    "info",
    "未注明日期",
    "No date stated",
    layouts=ALL_LAYOUTS,
    doc="""
检查：年报是否写明了落款日期或发布日期。
依据：日期是判断是否按期公布的依据（《条例》第四十九条）。
修改：在文末落款处写明机关名称和日期。

Notes a report that states no date (落款日期 or 发布时间); the date is what shows whether it was published on time.
Fix: sign and date the report.
""",
)
def no_date(ctx: Context) -> Iterator[Finding]:
    if not ctx.rec.meta.published:
        yield ctx.finding("XG702", ["meta.published"], "年报未注明落款或发布日期", "the report states no date")


@rule(
    "XG703",
    "error",
    "报告年度未结束即已发布",
    "Dated before the year ended",
    layouts=ALL_LAYOUTS,
    doc="""
检查：所署日期是否早于报告年度结束（次年 1 月 1 日之前）。
依据：年报报告整个自然年度的情况，年度未结束时数据不可能完整；多为日期或年度写错。
修改：更正日期或报告年度。

Errors when the report is dated before the year it reports on has ended: the figures cannot be complete; usually
the date or the year is wrong. Fix: correct the date or the year.
""",
)
def too_early(ctx: Context) -> Iterator[Finding]:
    d = _date(ctx.rec.meta.published)
    if d is None or ctx.year is None:
        return
    if d < date(ctx.year + 1, 1, 1):
        yield ctx.finding(
            "XG703",
            ["meta.published", "meta.year"],
            f"所署日期 {d.isoformat()} 早于 {ctx.year} 年度结束",
            f"dated {d.isoformat()}, before the end of {ctx.year}",
        )
