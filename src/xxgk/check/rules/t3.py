"""XG3xx — the arithmetic of 表三 (收到和处理政府信息公开申请情况).

Three families of relations hold in a correct 表三 (blank counted as 0):

* balance, per column: 一 new + 二 carried_in = 三（七） total + 四 carried_out   (XG301)
* row sums, per row: 总计 = the six applicant columns (小计 = the five 法人 columns when printed)  (XG302)
* result sums, per column: （七）总计 = （一）+…+（六） (2021: （六）'s three sub-rows)   (XG303)

A finding names a culprit when the arithmetic singles out one cell: a row
whose 总计 is 0 or blank beside non-zero applicant cells; the one cell whose
correction alone repairs every failing relation of the table (a single slip);
or, for a balance or result-sum failure, the 总计 cell already singled
out by its row whose row-sum value repairs this relation too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ...layouts import T3_COLUMNS
from ...model import Finding
from ..context import T3_APPLICANTS, T3_ORGS, Context, _t3_rows, fmt
from ..registry import rule


@dataclass
class Relation:
    kind: str  # balance / row / orgs / results
    name: str  # column key or row key
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    residual: float = 0  # Σplus − Σminus
    culprit: str | None = None
    implied: dict[str, float] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        return [*self.plus, *self.minus]

    def coeff(self, key: str) -> int:
        return 1 if key in self.plus else -1


# (kind, name, plus keys, minus keys, all keys as a frozenset)
Shape = tuple[str, str, tuple[str, ...], tuple[str, ...], frozenset[str]]


@lru_cache(maxsize=16)
def _shape(template: str, single_other: bool, subtotal: bool) -> tuple[Shape, ...]:
    """Every relation of a 表三 of this layout and variant (built once per shape)."""
    out: list[Shape] = []
    rows = [r.key for r in _t3_rows(template, single_other)]
    results = [r for r in rows if r not in ("new", "carried_in", "total", "carried_out")]
    cols = [c.key for c in T3_COLUMNS if c.key != "org_subtotal" or subtotal]

    def add(kind: str, name: str, plus: list[str], minus: list[str]) -> None:
        out.append((kind, name, tuple(plus), tuple(minus), frozenset(plus + minus)))

    for c in cols:
        add("balance", c, [f"t3.new.{c}", f"t3.carried_in.{c}"], [f"t3.total.{c}", f"t3.carried_out.{c}"])
    for r in rows:
        add("row", r, [f"t3.{r}.{c}" for c in T3_APPLICANTS], [f"t3.{r}.total"])
        if "org_subtotal" in cols:
            add("orgs", r, [f"t3.{r}.{c}" for c in T3_ORGS], [f"t3.{r}.org_subtotal"])
    for c in cols:
        add("results", c, [f"t3.{r}.{c}" for r in results], [f"t3.total.{c}"])
    return tuple(out)


class T3Arithmetic:
    """Every relation of one record's 表三, evaluated once (cached on the context)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        cells = ctx.cells
        present = cells.keys()
        get = cells.get
        shape = _shape(ctx.layout.template, ctx.t3_single_other, ctx.t3_subtotal)
        # relations whose cells are all present; only failing ones become objects
        self.present: list[tuple[Shape, float]] = []
        self.failing: list[Relation] = []
        for sh in shape:
            if not present >= sh[4]:
                continue
            # blank (None) counts as 0: filter(None, …) drops blanks and zeros alike
            res = sum(filter(None, map(get, sh[2]))) - sum(filter(None, map(get, sh[3])))
            self.present.append((sh, res))
            if res != 0:
                self.failing.append(Relation(sh[0], sh[1], sh[2], sh[3], res))
        if self.failing:
            self._culprits()

    def _culprits(self) -> None:
        n = self.ctx.n
        # 1. a row whose 总计 (or 小计) is 0 or blank beside non-zero applicant cells
        for rel in self.failing:
            if rel.kind in ("row", "orgs"):
                tk = rel.minus[0]
                if not n(tk) and any(n(k) for k in rel.plus):
                    rel.culprit = tk
                    rel.implied[tk] = n(tk) + rel.residual
        # 2. the one cell whose correction repairs every failing relation of 表三:
        #    it lies in all of them, and every relation it is in fails by the same amount
        if not any(r.culprit for r in self.failing):
            common = set(self.failing[0].keys).intersection(*(r.keys for r in self.failing[1:]))
            found = []
            for k in common:
                rels = [(res, 1 if k in sh[2] else -1) for sh, res in self.present if k in sh[4]]
                if len(rels) == len(self.failing) and all(res for res, _ in rels):
                    deltas = {-res * c for res, c in rels}
                    if len(deltas) == 1:
                        found.append((k, deltas.pop()))
            if len(found) == 1:
                k, d = found[0]
                for rel in self.failing:
                    rel.culprit = k
                    rel.implied[k] = n(k) + d
        # 3. a balance / results failure repaired by a row's singled-out 总计
        singled = {r.culprit: r.implied[r.culprit] for r in self.failing if r.kind == "row" and r.culprit}
        for rel in self.failing:
            if rel.culprit or rel.kind not in ("balance", "results"):
                continue
            fits = [k for k in rel.keys if k in singled and rel.residual + rel.coeff(k) * (singled[k] - n(k)) == 0]
            if len(fits) == 1:
                rel.culprit = fits[0]

    def failing_of(self, kind: str) -> list[Relation]:
        return [r for r in self.failing if r.kind == kind]


def arithmetic(ctx: Context) -> T3Arithmetic:
    a = getattr(ctx, "_t3_arith", None)
    if a is None:
        a = T3Arithmetic(ctx)
        ctx._t3_arith = a  # type: ignore[attr-defined]
    return a


def _sum(ctx: Context, keys: list[str]) -> int | float:
    return sum(ctx.n(k) for k in keys)


def _culprit_text(ctx: Context, key: str | None, keys: list[str] | None = None) -> tuple[str, str]:
    zh = en = ""
    if key:
        zh, en = f"，可能有误的是 {ctx.cell_label(key)}", f"; the likely culprit is {key}"
    unsure = [k for k in keys or [] if k in ctx.rec.uncertain]
    if unsure:
        zh += f"（{'、'.join(ctx.cell_label(k) for k in unsure)} 的读数不确定）"
        en += f" ({', '.join(unsure)} uncertain)"
    return zh, en


@rule(
    "XG301",
    "error",
    "表三 各列勾稽关系不成立",
    "Table 3 column balance fails",
    doc="""
检查：表三每一列（自然人、各类法人或其他组织、总计）是否满足表头注明的勾稽关系：一（本年新收）+ 二（上年结转）= 三（七）总计 + 四（结转下年度继续办理）。
依据：格式在表三左上角写明“第一项加第二项之和，等于第三项加第四项之和”：手上的每一件申请，要么本年办结（计入某个办理结果），要么结转下年。
修改：逐列核对。常见原因：办理结果只填在某一行而漏填“（七）总计”，或申请人分类在新收和办理结果中不一致。

Checks in every column of Table 3 the relation printed in its corner: new (一) + carried in (二) = results total
（七） + carried over (四). Every request on hand is either answered this year (one result row) or carried over.
Fix: check column by column; usual causes are a （七）总计 row left at 0 or applicants classified differently in
一 and in the results.
""",
)
def balance(ctx: Context) -> Iterator[Finding]:
    for rel in arithmetic(ctx).failing_of("balance"):
        c = rel.name
        a, b = _sum(ctx, rel.plus), _sum(ctx, rel.minus)
        zh, en = _culprit_text(ctx, rel.culprit, rel.keys)
        yield ctx.finding(
            "XG301",
            rel.keys,
            f"表三 {ctx.col_label('t3', c)}列：一+二 = {fmt(a)}，三（七）+四 = {fmt(b)}，勾稽关系不成立{zh}",
            f"Table 3, column {c}: new + carried in = {fmt(a)}, results total + carried over = {fmt(b)}; the balance fails{en}",
            culprit=rel.culprit,
        )


@rule(
    "XG302",
    "error",
    "表三 行的总计不等于各类申请人之和",
    "Table 3 row total differs from the applicant columns",
    doc="""
检查：表三每一行的“总计”是否等于自然人和五类法人或其他组织（商业企业、科研机构、社会公益组织、法律服务机构、其他）之和；各类申请人有数而总计为 0 或留空，也在此列。印有“法人或其他组织小计”列时，同时核对小计。
依据：“总计”列按定义是该行各类申请人之和，每件申请只按一类申请人计数。
修改：重新相加填写总计；若总计正确，核对是哪一类申请人填错。

Checks that every row's 总计 equals 自然人 plus the five kinds of 法人或其他组织 (a 0 or blank 总计 beside
non-zero applicant cells included; a printed 小计 column is checked too). Each request is counted once, under one
kind of applicant. Fix: add the row up again; if the total is right, find the wrong applicant cell.
""",
)
def row_sum(ctx: Context) -> Iterator[Finding]:
    for rel in arithmetic(ctx).failing:
        if rel.kind not in ("row", "orgs"):
            continue
        r = rel.name
        tk = rel.minus[0]
        s = _sum(ctx, rel.plus)
        nonzero = [f"{ctx.col_label('t3', k.split('.')[2])} {fmt(ctx.v(k))}" for k in rel.plus if ctx.n(k)]
        what = "各类申请人之和" if rel.kind == "row" else "五类法人或其他组织之和"
        head = ctx.col_label("t3", tk.split(".")[2])
        zh, en = _culprit_text(ctx, rel.culprit, rel.keys)
        yield ctx.finding(
            "XG302",
            rel.keys,
            f"表三 {ctx.row_label('t3', r)}：{head} = {fmt(ctx.v(tk))}，而{what} = {fmt(s)}（{'，'.join(nonzero) or '全为 0'}）{zh}",
            f"Table 3, row {r}: {tk.split('.')[2]} = {fmt(ctx.v(tk)) if ctx.v(tk) is not None else 'blank'}, "
            f"but the applicant columns add up to {fmt(s)}{en}",
            culprit=rel.culprit,
        )


@rule(
    "XG303",
    "error",
    "表三（七）总计不等于各办理结果之和",
    "Table 3 results total differs from the result rows",
    doc="""
检查：表三每一列的“（七）总计”是否等于（一）予以公开至（六）其他处理各行之和（2021 年格式的（六）为三个子项之和，2019 年格式为单行）。
依据：“（七）总计”是本年度办结申请的合计；格式规定部分公开的只计入“（二）部分公开”，每件申请只有一个办理结果。
修改：重新相加填写（七）总计；若总计正确，查找漏填或多填的结果行。

Checks in every column that （七）总计 equals the sum of the result rows （一）…（六） (2021: the three sub-rows
of （六）; 2019: its single row). Each answered request has exactly one result. Fix: add the results up again,
or find the result row that was left out or counted twice.
""",
)
def results_sum(ctx: Context) -> Iterator[Finding]:
    for rel in arithmetic(ctx).failing_of("results"):
        c = rel.name
        s, t = _sum(ctx, rel.plus), ctx.v(rel.minus[0])
        nonzero = [f"{ctx.row_label('t3', k.split('.')[1])} {fmt(ctx.v(k))}" for k in rel.plus if ctx.n(k)]
        zh, en = _culprit_text(ctx, rel.culprit, rel.keys)
        yield ctx.finding(
            "XG303",
            rel.keys,
            f"表三 {ctx.col_label('t3', c)}列：（一）至（六）之和 = {fmt(s)}（{'，'.join(nonzero) or '全为 0'}），"
            f"{ctx.row_label('t3', 'total')} = {fmt(t)}{zh}",
            f"Table 3, column {c}: result rows add up to {fmt(s)}, results total = {fmt(t) if t is not None else 'blank'}{en}",
            culprit=rel.culprit,
        )


CARRY_SHARE = 0.35
CARRY_MIN_NEW = 20


@rule(
    "XG304",
    "warning",
    "结转下年度的申请过多",
    "Too many requests carried over",
    doc="""
检查：“四、结转下年度继续办理”是否多于“一、本年新收”，或在本年新收不少于 20 件时结转比例超过 35%。
依据：《条例》第三十三条规定答复期限为 20 个工作日，延长不超过 20 个工作日；结转下年的一般只是年末最后几周收到的申请。结转过多可能是超期未办，也可能是填错了行。
修改：核对结转申请的收到日期和办理情况；超期的应尽快办结并说明原因。

Warns when more requests are carried into next year than were received this year, or when more than 35% are
carried over with at least 20 received. The legal reply limit is 20 (+20) working days (art. 33), so only requests
of the last weeks should be carried over. Fix: check the carried-over requests' dates; explain any overdue ones.
""",
)
def carried_over(ctx: Context) -> Iterator[Finding]:
    nk, ok = "t3.new.total", "t3.carried_out.total"
    new, out = ctx.v(nk), ctx.v(ok)
    if new is None or out is None or out <= 0:
        return
    if out > new:
        yield ctx.finding(
            "XG304",
            [ok, nk],
            f"表三 {ctx.row_label('t3', 'carried_out')} {fmt(out)} 件，多于{ctx.row_label('t3', 'new')} {fmt(new)} 件，请核对是否超期未办",
            f"Table 3: {fmt(out)} requests carried over, more than the {fmt(new)} received this year",
        )
    elif new >= CARRY_MIN_NEW and out / new > CARRY_SHARE:
        yield ctx.finding(
            "XG304",
            [ok, nk],
            f"表三 {ctx.row_label('t3', 'carried_out')} {fmt(out)} 件，占{ctx.row_label('t3', 'new')} {fmt(new)} 件的 {out / new:.0%}，"
            "比例偏高（法定答复期限最长 20+20 个工作日）",
            f"Table 3: {fmt(out)} of {fmt(new)} requests ({out / new:.0%}) carried over; the legal limit is 20 (+20) working days",
        )
