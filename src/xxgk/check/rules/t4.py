"""XG4xx — the arithmetic of 表四 (行政复议、行政诉讼)."""

from __future__ import annotations

from collections.abc import Iterator

from ...layouts import T4, T4_SUIT_GROUP
from ...model import Finding
from ..context import Context, fmt
from ..registry import rule

_PARTS = [c.key for c in T4.columns if c.key != "total"]
_GROUPS = [(r, [f"t4.{r.key}.{c}" for c in _PARTS], f"t4.{r.key}.total") for r in T4.rows]


@rule(
    "XG401",
    "error",
    "表四 总计不等于各结果之和",
    "Table 4 total differs from its parts",
    doc="""
检查：表四的行政复议、行政诉讼（未经复议直接起诉）、行政诉讼（复议后起诉）三组，各自的“总计”是否等于结果维持 + 结果纠正 + 其他结果 + 尚未审结。
依据：每一件复议或诉讼案件只有一种状态：已审结的按结果分为维持、纠正、其他，未审结的计入尚未审结，总计是四者之和。
修改：重新相加填写总计；若总计正确，核对各结果栏。

Checks for each of the three groups of Table 4 (review, suit without review, suit after review) that 总计 equals
upheld + corrected + other + pending: every case has exactly one of these states. Fix: add them up again, or find
the wrong part.
""",
)
def group_total(ctx: Context) -> Iterator[Finding]:
    if not ctx.has_table("t4"):
        return
    for r, keys, tk in _GROUPS:
        if tk not in ctx.cells or not all(k in ctx.cells for k in keys):
            continue
        s = sum(ctx.n(k) for k in keys)
        t = ctx.n(tk)
        if s == t:
            continue
        culprit = tk if not t and s else None
        parts = "+".join(fmt(ctx.n(k)) for k in keys)
        label = ctx.row_label("t4", r.key)
        if r.key != "review":
            label = f"{T4_SUIT_GROUP}·{label}"
        yield ctx.finding(
            "XG401",
            keys + [tk],
            f"表四 {label}：{'+'.join(ctx.col_label('t4', c) for c in _PARTS)} = {parts} = {fmt(s)}，总计 = {fmt(ctx.v(tk))}"
            + (f"，可能有误的是 {ctx.cell_label(tk)}" if culprit else ""),
            f"Table 4, {r.key}: upheld + corrected + other + pending = {parts} = {fmt(s)}, total = {fmt(ctx.v(tk))}"
            + (f"; the likely culprit is {tk}" if culprit else ""),
            culprit=culprit,
        )
