"""XG5xx — 表二 and plausibility: figures that are possible but probably wrong, and the narrative."""

from __future__ import annotations

import re
from collections.abc import Iterator


from ...layouts import all_cell_keys
from ...model import Finding
from ..context import Context, fmt
from ..registry import rule


@rule(
    "XG501",
    "warning",
    "本年制发件数大于现行有效件数",
    "More issued than in force",
    layouts=("2021",),
    doc="""
检查：表二规章、行政规范性文件的“本年制发件数”大于“现行有效件数”而“本年废止件数”为 0。
依据：本年制发的文件在年末一般仍然有效，除非被废止；制发多于现行有效而无废止，多半是把栏目填反了，或“现行有效”只统计了部分文件。
修改：核对三栏口径：现行有效件数是截至年末全部有效文件的数量，包含本年制发的。

Warns when 本年制发件数 exceeds 现行有效件数 with nothing repealed (2021 layout): documents issued this year are
normally still in force at year end. Fix: check the columns; 现行有效 counts every document in force at year end.
""",
)
def issued_vs_in_force(ctx: Context) -> Iterator[Finding]:
    for r in ("rules", "normative"):
        ik, rk, fk = (f"t2.{r}.issued", f"t2.{r}.repealed", f"t2.{r}.in_force")
        i, f = ctx.v(ik), ctx.v(fk)
        if i is None or f is None or ctx.n(rk):
            continue
        if i > f:
            yield ctx.finding(
                "XG501",
                [ik, rk, fk],
                f"表二 {ctx.row_label('t2', r)}：{ctx.col_label('t2', 'issued')} {fmt(i)} 大于 {ctx.col_label('t2', 'in_force')} {fmt(f)}，且没有废止",
                f"Table 2, {r}: {fmt(i)} issued but only {fmt(f)} in force, none repealed",
            )


@rule(
    "XG502",
    "warning",
    "本年新公开数量大于对外公开总数量",
    "More newly published than published in total",
    layouts=("2019",),
    doc="""
检查：表二（2019 年格式）规章、规范性文件的“本年新公开数量”大于“对外公开总数量”。
依据：对外公开总数量是累计已公开的数量，包含本年新公开的，不可能更小。
修改：核对两栏，总数量应为历年累计（含本年）。

Warns when 本年新公开数量 exceeds 对外公开总数量 (2019 layout): the total published includes this year's.
Fix: the total is cumulative, including this year's.
""",
)
def published_vs_total(ctx: Context) -> Iterator[Finding]:
    for r in ("rules", "normative"):
        pk, tk = f"t2.{r}.published", f"t2.{r}.total"
        p, t = ctx.v(pk), ctx.v(tk)
        if p is not None and t is not None and p > t:
            yield ctx.finding(
                "XG502",
                [pk, tk],
                f"表二 {ctx.row_label('t2', r)}：{ctx.col_label('t2', 'published')} {fmt(p)} 大于 {ctx.col_label('t2', 'total')} {fmt(t)}",
                f"Table 2, {r}: {fmt(p)} newly published exceeds the {fmt(t)} published in total",
            )


@rule(
    "XG503",
    "error",
    "上一年项目数量加本年增减为负",
    "Previous count plus change below zero",
    layouts=("2019",),
    doc="""
检查：表二（2019 年格式）行政许可、其他对外管理服务事项、行政处罚、行政强制、行政事业性收费的“上一年项目数量 + 本年增/减”小于 0。
依据：项目数量不能为负；减少的项目不可能多于原有的项目。
修改：核对“本年增/减”的数字和符号。

Errors when 上一年项目数量 + 本年增/减 is below zero (2019 layout): a body cannot drop more items than it had.
Fix: check the figure and sign of 本年增/减.
""",
)
def negative_items(ctx: Context) -> Iterator[Finding]:
    for r in ("license", "other_service", "penalty", "coercion", "fee"):
        pk, ck = f"t2.{r}.prev", f"t2.{r}.change"
        p, c = ctx.v(pk), ctx.v(ck)
        if p is None or c is None:
            continue
        if p + c < 0:
            yield ctx.finding(
                "XG503",
                [pk, ck],
                f"表二 {ctx.row_label('t2', r)}：{ctx.col_label('t2', 'prev')} {fmt(p)} + {ctx.col_label('t2', 'change')} {fmt(c)} = {fmt(p + c)}，小于 0",
                f"Table 2, {r}: previous {fmt(p)} + change {fmt(c)} = {fmt(p + c)}, below zero",
                culprit=ck,
            )


_RULES_KEYS = tuple(k for k in all_cell_keys() if k.startswith("t2.rules."))


@rule(
    "XG504",
    "warning",
    "无权制定规章的机关填报了规章",
    "Rules reported by a body that cannot make them",
    layouts=("2019", "2021"),
    doc="""
检查：乡镇、街道，县级人民政府及其部门，设区的市人民政府的工作部门，在表二“规章”一行填了非零数字。机关类别按名称判断（…乡/镇/街道；…县/区；…市…局）。
依据：《立法法》规定规章由国务院部门和省、自治区、直辖市及设区的市、自治州人民政府制定；上述机关无权制定规章，规章一行一般应为 0，常见错误是把行政规范性文件或内部文件填进规章。
修改：把文件改填到“规范性文件”行或删去，规章行填 0。

Warns when a township/street office, a county-level government or department, or a department of a city
government reports non-zero 规章 figures (its kind is guessed from its name). Only State Council departments and
provincial and city governments make 规章 (Legislation Law); such bodies usually put normative documents in the
wrong row. Fix: move them to 规范性文件 and write 0.
""",
)
def rules_power(ctx: Context) -> Iterator[Finding]:
    a = ctx.agency
    cannot = a.kind == "township" or (a.level == "county") or (a.kind == "department" and a.level == "city")
    if not cannot:
        return
    keys = [k for k in _RULES_KEYS if ctx.n(k) > 0]
    if not keys:
        return
    figures = "，".join(f"{ctx.col_label('t2', k.split('.')[2])} {fmt(ctx.v(k))}" for k in keys)
    yield ctx.finding(
        "XG504",
        keys,
        f"表二 {ctx.row_label('t2', 'rules')} 一行有数字（{figures}），而{ctx.rec.meta.agency}无权制定规章",
        f"Table 2: 规章 has figures ({', '.join(f'{k} = {fmt(ctx.v(k))}' for k in keys)}) but {ctx.rec.meta.agency} cannot make 规章",
    )


_NUM = r"(\d+)\s*(?:件|条|个|份|起|宗|次)"
_NEW_TEXT = (
    re.compile(r"(?:收到|受理|新收|接到|接收)[^。；;，,]{0,12}?申请(?:共计|共|合计|总计|数量为|数为)?\s*" + _NUM),
    re.compile(r"(?:收到|受理|新收|接到|接收)[^。；;，,]{0,6}?" + _NUM + r"[^。；;，,]{0,6}?(?:政府信息公开|信息公开|依申请公开)?申请"),
    re.compile(r"有\s*" + _NUM + r"\s*(?:申请公开政府信息|政府信息公开申请|依申请公开)"),
)
_SECTION_1_3 = (1, 3)
_DIGIT = re.compile(r"\d")


@rule(
    "XG510",
    "warning",
    "正文数字与表格不符",
    "Text contradicts the tables",
    doc="""
检查：正文中写出的本年收到（新收）政府信息公开申请件数是否与表三“一、本年新收政府信息公开申请数量”的总计一致（也接受把上年结转计入的说法）。
依据：正文是对表格的说明，两处数字应当一致；不一致时读者无从判断哪个正确。
修改：核对台账，统一正文和表格的数字。

Checks that the number of requests the text says were received this year equals Table 3 一 new (total column),
or new + carried in. The narrative describes the tables; when they differ nobody can tell which is right.
Fix: make the text and the tables agree.
""",
)
def text_vs_tables(ctx: Context) -> Iterator[Finding]:
    nk = "t3.new.total"
    new = ctx.v(nk)
    if new is None:
        return
    # only the sentences that speak of requests and give a figure
    text = "。".join(
        re.sub(r"\s+", "", seg)
        for s in ctx.rec.sections
        if s.no in _SECTION_1_3 and "申请" in s.text
        for seg in s.text.split("。")
        if "申请" in seg and _DIGIT.search(seg)
    )
    if not text:
        return
    said = []
    for rx in _NEW_TEXT:
        said.extend(int(m.group(1)) for m in rx.finditer(text))
    if not said:
        return
    ok = {new, new + ctx.n("t3.carried_in.total")}
    if any(s in ok for s in said):
        return
    yield ctx.finding(
        "XG510",
        [nk],
        f"正文写本年收到申请 {said[0]} 件，表三 {ctx.cell_label(nk)} 为 {fmt(new)}",
        f"the text says {said[0]} requests were received, Table 3 new (total) says {fmt(new)}",
    )


@rule(
    "XG511",
    "warning",
    "第六部分未说明信息处理费",
    "Section 6 says nothing about the processing fee",
    doc="""
检查：2021 年度起的年报，“六、其他需要报告的事项”是否说明了信息处理费的收取情况（没有收取也要写明）。
依据：2021 年格式要求第六部分报告依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费的情况。
修改：在第六部分写明本年度发出收费通知的件数、金额和实际收取的金额，或写明“未收取信息处理费”。

For reports on 2021 and later: checks that section 六 states the information-processing fee position (even
when none was charged), as the 2021 format asks under 国办函〔2020〕109号. Fix: state the fee notices issued and
the amount collected, or that no fee was charged.
""",
)
def fee_statement(ctx: Context) -> Iterator[Finding]:
    if ctx.year is None or ctx.year < 2021:
        return
    sec = next((s for s in ctx.rec.sections if s.no == 6), None)
    if sec is None:
        return
    text = sec.title + sec.text
    if "处理费" in text or "收费" in text:
        return
    yield ctx.finding(
        "XG511",
        ["section:6"],
        "第六部分没有说明信息处理费的收取情况",
        "section 6 says nothing about the information-processing fee",
    )


_EMPTY = {"", "无", "暂无", "没有", "无此项", "本年度无"}


@rule(
    "XG512",
    "warning",
    "第五部分为空",
    "Section 5 empty",
    doc="""
检查：“五、存在的主要问题及改进情况”是否为空或只写了“无”。
依据：《条例》第五十条要求年报说明政府信息公开工作存在的主要问题及改进情况；这一部分不能空着。
修改：写明本年度工作中存在的问题和改进措施（2021 年格式还要求说明上年问题的整改情况）。

Warns when section 五 (problems and improvements) is empty or just 无: article 50 requires it. Fix: describe the
year's problems and the measures taken.
""",
)
def empty_problems(ctx: Context) -> Iterator[Finding]:
    sec = next((s for s in ctx.rec.sections if s.no == 5), None)
    if sec is None:
        return
    if len(sec.text) > 40:
        return
    body = re.sub(r"[\s。.，,；;：:、]", "", sec.text)
    if body in _EMPTY:
        yield ctx.finding("XG512", ["section:5"], "第五部分“存在的主要问题及改进情况”为空或只写了“无”", "section 5 is empty or just 无")


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(
    r"统计[^。]{0,24}?((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日?\s*(?:至|到|-|—|－|~|～|起至)+\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"
)


@rule(
    "XG513",
    "warning",
    "标题或统计期限的年份与报告年度不符",
    "Year in title or statistics period differs",
    layouts=("2019", "2021", "pre2019", None),
    doc="""
检查：标题中的年份、正文“统计期限为××年1月1日至××年12月31日”中的年份是否与报告年度一致。
依据：年报报告的是上一自然年度的情况；年份写错会让读者和汇总工具把报告归错年度，常见于沿用上年模板。
修改：更正标题和统计期限中的年份。

Checks that the year in the title and in the statistics period (……年1月1日至……年12月31日) equals the year
reported on; a wrong year, common when last year's report is reused, files the report under the wrong year.
Fix: correct the year.
""",
)
def year_mismatch(ctx: Context) -> Iterator[Finding]:
    if ctx.year is None:
        return
    title = ctx.rec.meta.title or ""
    years = {int(y) for y in _YEAR.findall(title)}
    if years and ctx.year not in years:
        yield ctx.finding(
            "XG513",
            ["meta.title", "meta.year"],
            f"标题中的年份（{'、'.join(map(str, sorted(years)))}）与报告年度 {ctx.year} 不符",
            f"the year in the title ({', '.join(map(str, sorted(years)))}) differs from the year reported on ({ctx.year})",
        )
    text = "\n".join(s.text for s in ctx.rec.sections)
    for m in _PERIOD.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a != ctx.year or b != ctx.year:
            yield ctx.finding(
                "XG513",
                ["meta.year"],
                f"统计期限写为 {a}年1月1日至{b}年12月31日，与报告年度 {ctx.year} 不符",
                f"the statistics period {a}-01-01 to {b}-12-31 differs from the year reported on ({ctx.year})",
            )
            break


