"""XG1xx — structure and layout: sections, tables, rows, layout against year."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ...layouts import LAYOUTS, SECTIONS, T3_2021_OTHER_GROUP, template_for_year
from ...model import Finding
from ...text import norm_label, strip_numbering
from ..context import Context
from ..registry import ALL_LAYOUTS, rule

CN = "〇一二三四五六七八九十"
STANDARD = ("2019", "2021")


def cn(n: int | None) -> str:
    if n is None:
        return "?"
    return CN[n] if 0 <= n <= 10 else str(n)


def _standard_format_applies(ctx: Context) -> bool:
    """The report should follow one of the two official layouts (reports on 2019 and later)."""
    if ctx.year is not None and ctx.year < 2019:
        return False
    if ctx.template in STANDARD:
        return True
    return ctx.template is None and ctx.year is not None


@rule(
    "XG101",
    "error",
    "缺少标准部分",
    "Standard section missing",
    layouts=("2019", "2021", None),
    doc="""
检查：年报是否包含格式规定的六个部分（一、总体情况 … 六、其他需要报告的事项）。按编号和关键词识别，不要求标题一字不差。
依据：《政府信息公开条例》第五十条列明年报内容，国办公开办函〔2019〕60号、〔2021〕30号格式据此规定六个部分，“不能遗漏”。
修改：补上缺少的部分；没有内容的部分也要保留标题并写明情况（如“本年度无行政复议、行政诉讼”）。

Checks that the report has the six sections of the official format (一 general situation … 六 other matters),
recognised by numeral and key words. Article 50 of the Regulation lists the content and both formats fix the
six sections. Fix: add the missing section; keep its heading even when there is nothing to report.
""",
)
def missing_section(ctx: Context) -> Iterator[Finding]:
    if not _standard_format_applies(ctx):
        return
    present = {s.no for s in ctx.rec.sections if s.no is not None}
    for sec in SECTIONS:
        if sec.no not in present:
            yield ctx.finding(
                "XG101",
                [f"section:{sec.no}"],
                f"缺少第{cn(sec.no)}部分“{sec.title}”",
                f"section {sec.no} “{sec.title}” is missing",
            )


@lru_cache(maxsize=1024)
def _body(title: str) -> str:
    return strip_numbering(norm_label(title)).rstrip(":：。.")


def _distance_le1(a: str, b: str) -> bool:
    """Edit distance at most 1 (one character slipped, added or dropped)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        return sum(x != y for x, y in zip(a, b)) == 1
    if la > lb:
        a, b = b, a
    for i in range(len(b)):
        if b[:i] + b[i + 1 :] == a:
            return True
    return False


_STANDARD_BODIES = {s.no: [_body(s.title), *(_body(v) for v in s.variants)] for s in SECTIONS}


@rule(
    "XG102",
    "warning",
    "部分标题、顺序或增设部分不合格式",
    "Section title, order or extra section departs from the format",
    layouts=("2019", "2021", None),
    doc="""
检查：六个部分的标题是否沿用格式的表述、编号是否连贯、顺序是否为一至六，以及是否另加了格式没有的部分（如“工作计划”“工作成效”）。一个字的笔误不计；标题以标准表述开头、后面接着正文的，也不计。
依据：统一格式的目的在于各机关年报可比、可汇总；格式规定了六个部分及其标题，增设或改名会让读者和汇总工具找不到对应内容。
修改：按格式使用标准标题和编号；格式外的内容并入最接近的部分（如下一年工作计划写入“五、存在的主要问题及改进情况”）。

Checks that section titles keep the official wording (a one-character slip is tolerated), that they are numbered
and ordered 一 to 六, and that no section outside the format was added. The common format exists so that reports
can be compared and aggregated. Fix: use the standard titles and numbering; move extra content into the closest
standard section.
""",
)
def section_titles(ctx: Context) -> Iterator[Finding]:
    if not _standard_format_applies(ctx):
        return
    last_no = 0
    for s in ctx.rec.sections:
        title = re.sub(r"\s+", "", s.title)
        if s.no is None:
            where = [f"section:extra:{s.printed}" if s.printed else "section:extra"]
            yield ctx.finding(
                "XG102",
                where,
                f"格式之外增设了部分“{title}”",
                f"a section outside the format was added: “{title}”",
            )
            continue
        std = next(x for x in SECTIONS if x.no == s.no)
        reasons, reasons_en = [], []
        body = _body(title)
        bodies = _STANDARD_BODIES[s.no]
        if body not in bodies and not any(_distance_le1(body[: len(b)], b) or _distance_le1(body, b) for b in bodies):
            reasons.append(f"标题应为“{std.title}”")
            reasons_en.append(f"the title should be “{std.title}”")
        if s.printed is not None and s.printed != s.no:
            reasons.append(f"编号印为“{cn(s.printed)}”，应为“{cn(s.no)}”")
            reasons_en.append(f"numbered {s.printed} instead of {s.no}")
        if s.no < last_no:
            reasons.append("位置在后面的部分之后，顺序颠倒")
            reasons_en.append("it comes after a later section")
        last_no = max(last_no, s.no)
        if reasons:
            yield ctx.finding(
                "XG102",
                [f"section:{s.no}"],
                f"第{cn(s.no)}部分“{title}”：" + "；".join(reasons),
                f"section {s.no} “{title}”: " + "; ".join(reasons_en),
            )


@rule(
    "XG103",
    "error",
    "缺少标准统计表",
    "Standard table missing",
    layouts=("2019", "2021", None),
    doc="""
检查：表二（主动公开）、表三（收到和处理申请）、表四（行政复议、行政诉讼）是否都在。
依据：格式以表格报告第二、三、四部分，三张表是年报的核心数据，主管部门据此汇总。
修改：补上缺少的表，按格式原样保留全部行列，没有发生的事项填 0。

Checks that Tables 2, 3 and 4 are all present: the format reports sections 二–四 as tables and supervisors
aggregate them. Fix: add the missing table with every row and column of the format, writing 0 where nothing happened.
""",
)
def missing_table(ctx: Context) -> Iterator[Finding]:
    if not _standard_format_applies(ctx):
        return
    lay = LAYOUTS.get(ctx.template or "", None) or LAYOUTS.get(template_for_year(ctx.year) or "", ctx.layout)
    from ...extract import UNREAD_TABLE

    unread = {n[len(UNREAD_TABLE) :].split()[0] for n in ctx.rec.notes if n.startswith(UNREAD_TABLE)}
    for t in lay.tables:
        if not ctx.has_table(t.key) and t.key not in unread:
            yield ctx.finding(
                "XG103",
                [t.key],
                f"缺少{t.number}（{t.title[2:]}）",
                f"{t.number} (Table {t.key[1]}) is missing",
            )


_SHAPES: dict[tuple, tuple[tuple, frozenset[str]]] = {}


def _table_shape(template: str, tkey: str, variant: bool, rows: tuple) -> tuple[tuple, frozenset[str]]:
    """(row, its non-optional cell keys) for every row, and all those keys (built once per shape)."""
    got = _SHAPES.get((template, tkey, variant))
    if got is None:
        got = _SHAPES[(template, tkey, variant)] = _build_shape(LAYOUTS[template].table(tkey), rows)
    return got


def _build_shape(t, rows: tuple) -> tuple[tuple, frozenset[str]]:
    per_row = tuple((r, tuple(f"{t.key}.{r.key}.{c.key}" for c in t.columns_of(r) if not c.optional)) for r in rows)
    return per_row, frozenset(k for _, keys in per_row for k in keys)


def _runs(labels: list[str]) -> str:
    if len(labels) <= 4:
        return "、".join(labels)
    return f"{labels[0]} 至 {labels[-1]} 等 {len(labels)} 行"


@rule(
    "XG104",
    "error",
    "统计表缺行缺列",
    "Table rows or columns missing",
    doc="""
检查：表格存在，但格式的行或列被删减：如表三只剩“一、二、三、四”四行（办理结果未分项）、2021 年格式的表三把“（六）其他处理”的三个子项并为一行、表四不足 15 个数据。
依据：格式要求表格行列“不得删减”，分项数据是判断答复是否合法的依据；合并行会让勾稽关系无法核对。
修改：按格式恢复全部行列并逐项填写，没有的填 0。

Checks that a present table keeps every row and column of its layout: a Table 3 reduced to the four rows
一–四, a 2021 Table 3 with a single （六） row instead of its three sub-rows, a Table 4 with fewer than 15 figures.
The breakdown is what shows whether replies were lawful, and merged rows cannot be cross-checked.
Fix: restore every row and column and fill them in (0 where nothing happened).
""",
)
def missing_rows(ctx: Context) -> Iterator[Finding]:
    if not _standard_format_applies(ctx):
        return
    for t in ctx.layout.tables:
        if not ctx.has_table(t.key):
            continue
        rows = ctx.t3_rows if t.key == "t3" else t.rows
        cells = ctx.cells
        present = cells.keys()
        shape = _table_shape(ctx.layout.template, t.key, ctx.t3_single_other if t.key == "t3" else False, tuple(rows))
        if present >= shape[1]:
            continue
        missing_rows: list[str] = []
        missing_keys: list[str] = []
        partial: list[str] = []
        for r, keys in shape[0]:
            absent = [k for k in keys if k not in cells]
            if not absent:
                continue
            missing_keys.extend(absent)
            if len(absent) == len(keys):
                missing_rows.append(ctx.row_label(t.key, r.key))
            else:
                partial.extend(absent)
        if not missing_keys:
            continue
        parts, parts_en = [], []
        if missing_rows:
            parts.append(f"缺少 {_runs(missing_rows)}")
            parts_en.append(f"{len(missing_rows)} row(s) missing")
        if partial:
            parts.append(f"缺少单元格 {'、'.join(ctx.cell_label(k) for k in partial[:6])}{'等' if len(partial) > 6 else ''}")
            parts_en.append(f"{len(partial)} cell(s) missing")
        yield ctx.finding(
            "XG104",
            missing_keys,
            f"{t.number}不完整：" + "；".join(parts),
            f"{t.number} (Table {t.key[1]}) is incomplete: " + "; ".join(parts_en),
        )
    # a 2021 layout whose 表三 keeps the single （六） row: the three sub-rows are missing
    if ctx.layout.template == "2021" and any(r.key == "other" for r in ctx.t3_rows):
        t = ctx.table("t3")
        subs = [r for r in t.rows if r.group == "other_group"]
        keys = [f"t3.{r.key}.{c}" for r in subs for c in ctx.t3_columns]
        yield ctx.finding(
            "XG104",
            keys,
            f"表三不完整：{T3_2021_OTHER_GROUP.full_label} 沿用了 2019 年格式的单行，缺少 2021 年格式的三个子项",
            "Table 3 is incomplete: （六） is the single row of the 2019 layout, the three sub-rows of the 2021 layout are missing",
        )


@rule(
    "XG105",
    "error",
    "格式与年度不符",
    "Layout does not match the year",
    layouts=ALL_LAYOUTS,
    doc="""
检查：年报使用的表格格式是否与报告年度相符：2021 年度起应使用国办公开办函〔2021〕30号格式（错误）；2019、2020 年度使用了 2021 年格式（警告，多为年度写错）；2019 年度起仍用自由格式（错误）。
依据：30号文规定自 2021 年度年报起使用新格式，旧表的表二口径（新制作/新公开、项目数量）与新表（制发/废止/现行有效、收费金额）不同，无法汇总。
修改：按报告年度换用相应格式重新填表；若是年度写错，更正标题和统计期限。

Checks that the layout matches the year: from the 2021 report on the 2021 format (国办公开办函〔2021〕30号) is
mandatory (error); a 2019/2020 report in the 2021 layout is a warning (often a wrong year); a free-form report for
2019 or later is an error. Table 2 of the two layouts counts different things, so reports in the wrong layout
cannot be aggregated. Fix: redo the tables in the layout of the year, or correct the year.
""",
)
def layout_year(ctx: Context) -> Iterator[Finding]:
    want = template_for_year(ctx.year)
    have = ctx.template
    if want is None or have is None or want == have:
        return
    where = ["meta.template", "meta.year"]
    if want == "2021" and have in ("2019", "pre2019"):
        name = " 2019 年试行格式" if have == "2019" else "非标准格式"
        yield ctx.finding(
            "XG105",
            where,
            f"{ctx.year} 年度年报使用了{name}，2021 年度起应使用{LAYOUTS['2021'].document}格式",
            f"a {ctx.year} report in the {'2019 trial layout' if have == '2019' else 'free form'}; the 2021 format is mandatory from the 2021 report on",
        )
    elif want == "2019" and have == "2021":
        yield ctx.finding(
            "XG105",
            where,
            f"{ctx.year} 年度年报使用了 2021 年格式（该年度应使用 2019 年试行格式），请核对年度",
            f"a {ctx.year} report in the 2021 layout (the 2019 trial layout applies); check the year",
            severity="warning",
        )
    elif want == "2019" and have == "pre2019":
        yield ctx.finding(
            "XG105",
            where,
            f"{ctx.year} 年度年报未使用{LAYOUTS['2019'].document}规定的格式",
            f"a {ctx.year} report not in the 2019 trial layout",
        )


@rule(
    "XG106",
    "warning",
    "无法确定年度或机关",
    "Year or agency cannot be determined",
    layouts=ALL_LAYOUTS,
    doc="""
检查：能否从标题或正文确定报告年度和发布机关。
依据：年报标题应为“××（机关）××年政府信息公开工作年度报告”，年度和机关是归档、比对上年报告和判断发布时限的依据。
修改：在标题中写明机关全称和报告年度。

Checks that the year reported on and the agency can be told from the title or text: the title should read
“<agency> <year> 政府信息公开工作年度报告”; both are needed to file the report, compare it with last year's and
apply the deadline. Fix: state the agency's full name and the year in the title.
""",
)
def year_agency(ctx: Context) -> Iterator[Finding]:
    if ctx.year is None:
        yield ctx.finding("XG106", ["meta.year"], "无法确定报告年度", "the year reported on cannot be determined")
    if not ctx.rec.meta.agency:
        yield ctx.finding("XG106", ["meta.agency"], "无法确定发布机关", "the agency cannot be determined")


@rule(
    "XG107",
    "error",
    "新旧格式混用",
    "Labels of both layouts mixed",
    layouts=ALL_LAYOUTS,
    doc="""
检查：同一份年报中是否同时出现 2019 年试行格式和 2021 年格式特有的表头或行名（如“本年新制作数量”与“本年制发件数”）。
依据：两版格式的表二、表三口径不同，混用后数据无法按任何一版汇总。
修改：按报告年度对应的格式统一重填全部表格。

Checks whether labels only the 2019 layout has and labels only the 2021 layout has both occur in one report
(e.g. 本年新制作数量 and 本年制发件数). The two layouts count differently, so mixed tables fit neither.
Fix: redo all tables in the layout of the report's year.
""",
)
def mixed_layout(ctx: Context) -> Iterator[Finding]:
    for note in ctx.rec.notes:
        if note.startswith("mixed-layout:"):
            detail = note.split(":", 1)[1].strip()
            yield ctx.finding(
                "XG107",
                ["meta.template"],
                f"同一份年报混用了新旧两版表格（{detail}）",
                f"the report mixes labels of the 2019 and the 2021 layouts ({detail})",
            )


# extractor notes about rows the layout lacks (not "多出 N 个数字": extra figures are often the reader's doing)
_EXTRA_NOTE = re.compile(r"^(t[234])(?:\.(\w+))?:\s*(.*(?:分组行|未知|格式没有).*)$")


@rule(
    "XG108",
    "warning",
    "格式没有的行或标签",
    "Row or label not in the layout",
    doc="""
检查：表格中出现格式没有的行、列或数据，如在“（三）不予公开”分组行上另填小计、在行末多出数字、增加“无法联系到申请人”等自设行。
依据：格式的行列是全国统一的统计口径；自设行列的数据无法汇总，也常导致重复计数。
修改：删去自设的行、列和小计，把数据归入格式规定的行。

Checks for rows, columns or figures the layout does not have: figures on a group label such as （三）不予公开
(a subtotal), extra figures at the end of a row, home-made rows. The layout is a national statistical standard;
extra rows cannot be aggregated and often count twice. Fix: remove them and put the figures in the official rows.
""",
)
def extra_rows(ctx: Context) -> Iterator[Finding]:
    for note in ctx.rec.notes:
        m = _EXTRA_NOTE.match(note)
        if not m:
            continue
        tkey, rkey, text = m.groups()
        where = [f"{tkey}.{rkey}" if rkey else tkey]
        yield ctx.finding("XG108", where, f"{ctx.number(tkey)} {text}", f"{ctx.number(tkey)} (Table {tkey[1]}): {text}")


@rule(
    "XG109",
    "warning",
    "表格无法完整读取",
    "Table cannot be read completely",
    doc="""
检查：表格的某一行能找到，但其中的数字无法确定各属于哪一列（例如每个单元格各占一行、空白单元格没有留下任何标记，一行七列只看到一个数字）。
这些单元格在记录中标为“不确定”（uncertain），值为空，不当作 0 也不当作空白。
依据：空白和 0 含义不同；无法确定的数字只能报告，不能猜。
修改：在表格中为每个空白单元格填写 0 或“—”等标记，或以表格（HTML/Word/Excel）形式发布。

A row of a table is found but its figures cannot be placed in its columns (cells on lines of their own and
empty cells that leave no mark: one figure seen where the row has seven). The row's cells are marked uncertain
in the record, never read as 0 or blank. Fix: mark every empty cell (0 or —), or publish the table as a table.
""",
)
def unplaced_rows(ctx: Context) -> Iterator[Finding]:
    from ...extract.tables import UNPLACED

    for note in ctx.rec.notes:
        if UNPLACED not in note:
            continue
        where, _, text = note.partition(":")
        tkey, _, rkey = where.partition(".")
        keys = [k for k in ctx.rec.uncertain if k.startswith(f"{where}.")] or [where]
        detail = text.replace(UNPLACED, "").strip()
        label = ctx.row_label(tkey, rkey) if rkey else tkey
        yield ctx.finding(
            "XG109",
            keys,
            f"{ctx.number(tkey)}“{label}”一行无法完整读取：{detail}，各单元格标为不确定",
            f"{ctx.number(tkey)} (Table {tkey[1]}) row {rkey}: its figures cannot be placed in their columns; its cells are marked uncertain",
        )


@rule(
    "XG110",
    "error",
    "有表格但未能读出",
    "Table present but not read",
    layouts=ALL_LAYOUTS,
    doc="""
检查：正文中有统计表的表头（如“第二十条”“信息内容”“申请人情况”），但没有读出任何一行数据。
这不是“缺少统计表”（XG103），而是表格的写法无法识别：记录中该表为空，不代表报告没有填报。
依据：主管部门据统计表汇总，读不出的表格需要人工核对，不能当作空表。
修改：以标准表格（HTML 表格、Word 表格）发布统计表，每行一个行名、每列一个单元格。

The text holds a table's header words (第二十条, 信息内容, 申请人情况 …) but no row of it could be read: the
table is there in a form the reader does not understand, so the record's empty table does not mean the report left
it empty. Needs a person to look. Fix: publish the table as a real table, one label and one cell per column a row.
""",
)
def unread_table(ctx: Context) -> Iterator[Finding]:
    from ...extract import UNREAD_TABLE

    for note in ctx.rec.notes:
        if not note.startswith(UNREAD_TABLE):
            continue
        rest = note[len(UNREAD_TABLE) :].strip()
        tkey, _, words = rest.partition(" ")
        yield ctx.finding(
            "XG110",
            [tkey],
            f"正文中有{ctx.number(tkey)}的表头{words}，但未能读出其中的数据，需人工核对",
            f"the text holds the header of {ctx.number(tkey)} (Table {tkey[1]}) {words} but none of its rows could be read; check by hand",
        )
