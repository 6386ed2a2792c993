"""The ``xxgk`` command.  Words shown to users are Chinese; ``--lang en`` for English.

Each sub-command is a thin layer over the library: read → extract → check →
store / render.  A file that cannot be read prints one line naming the file
and the cause, and the others go on; the exit status is 2 when any file
failed.
"""

from __future__ import annotations

from contextlib import contextmanager

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from . import __version__
from .read import ReadError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="xxgk：政府信息公开工作年度报告的解析、检查、入库与生成工具 (parse, check, store and render annual reports).",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

LangOpt = Annotated[str, typer.Option("--lang", help="界面语言 zh|en (language of messages)")]


from .cli_files import StoreUnavailable, _open, expand_paths, open_store, say, tr  # noqa: E402  (the file commands and the store's opening live there, without typer)
from .cli_files import close_store as _close_db  # noqa: E402


def say_error(lang: str, msg: str) -> None:
    say(err, tr(lang, "错误", "error"), "red", msg)


def report_error(e: ReadError, lang: str) -> None:
    say_error(lang, e.message(lang))


TimeOpt = Annotated[float, typer.Option("--time-limit", help="每个文件的时间上限（秒），超出即记为失败 (seconds per file)")]
MemoryOpt = Annotated[int, typer.Option("--memory-limit", help="每个文件的内存上限（MB），超出即记为失败 (MB per file)")]

JobsOpt = Annotated[Optional[int], typer.Option("--jobs", "-j", help="并行解析进程数，默认为全部核心 (parallel processes; all cores by default)")]


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="报告文件或目录 (report files or folders)")],
    format: Annotated[str, typer.Option("--format", "-f", help="text|json")] = "text",
    provenance: Annotated[bool, typer.Option("--provenance", help="JSON 中附上每个单元格的来源（行号、位置、定位方式） (each cell's source in the JSON)")] = False,
    jobs: JobsOpt = None,
    time_limit: TimeOpt = 60.0,
    memory_limit: MemoryOpt = 1024,
    lang: LangOpt = "zh",
) -> None:
    """解析报告，输出三张表（或 JSON 记录）。Parse reports into records."""
    from .cli_files import run_parse

    raise typer.Exit(run_parse(files, format, lang, jobs, out=out, err=err, provenance=provenance, seconds=time_limit, memory_mb=memory_limit))


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="报告文件或目录 (report files or folders)")],
    format: Annotated[str, typer.Option("--format", "-f", help="text|json|csv")] = "text",
    select: Annotated[Optional[list[str]], typer.Option("--select", help="只检查这些规则或前缀，如 XG3 (only these rules or prefixes)")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="不检查这些规则或前缀，如 XG201 (skip these rules)")] = None,
    previous: Annotated[Optional[Path], typer.Option("--previous", help="同一机关上一年度的年报，用于 XG6xx (last year's report)")] = None,
    jobs: JobsOpt = None,
    time_limit: TimeOpt = 60.0,
    memory_limit: MemoryOpt = 1024,
    lang: LangOpt = "zh",
) -> None:
    """检查报告是否符合格式和勾稽关系（退出码：0 无错误，1 有错误，2 命令失败）。Check reports like a linter."""
    from .cli_files import run_check

    raise typer.Exit(run_check(files, format, select, ignore, previous, lang, jobs, out=out, err=err, seconds=time_limit, memory_mb=memory_limit))


@app.command()
def rules(
    rule: Annotated[Optional[str], typer.Argument(help="规则编号或前缀，如 XG301、XG3 (a rule id or prefix)")] = None,
    lang: LangOpt = "zh",
) -> None:
    """列出全部检查规则，或显示一条规则的说明。List the check rules or show one rule's documentation."""
    from rich.table import Table as RichTable

    from .check import RULES
    from .check.output import SEVERITY_ZH, STYLE, doc_parts
    from .check.registry import matches

    if rule and rule.strip().upper() in RULES:
        r = RULES[rule.strip().upper()]
        zh, en = doc_parts(r.doc)
        sev = r.severity if lang == "en" else SEVERITY_ZH[r.severity]
        lays = tr(lang, "、", ", ").join(x or tr(lang, "未知", "unknown") for x in r.layouts)
        out.print(f"[bold]{r.id}[/bold] [{STYLE[r.severity]}]{sev}[/{STYLE[r.severity]}]  [bold]{tr(lang, r.title, r.title_en)}[/bold]")
        out.print(tr(lang, f"适用格式：{lays}", f"layouts: {lays}") + (tr(lang, "（需要上一年度年报 --previous）", " (needs --previous)") if r.needs_previous else ""))
        out.print()
        out.print(en if lang == "en" else zh, markup=False)
        raise typer.Exit(0)
    chosen = [r for rid, r in sorted(RULES.items()) if not rule or matches(rid, [rule])]
    if not chosen:
        say_error(lang, tr(lang, f"没有这样的规则：{rule}", f"no such rule: {rule}"))
        raise typer.Exit(2)
    tbl = RichTable(title=tr(lang, "xxgk 检查规则", "xxgk check rules"), title_justify="left")
    tbl.add_column(tr(lang, "规则", "rule"), style="bold")
    tbl.add_column(tr(lang, "级别", "severity"))
    tbl.add_column(tr(lang, "格式", "layouts"))
    tbl.add_column(tr(lang, "检查内容", "what it finds"))
    for r in chosen:
        sev = r.severity if lang == "en" else SEVERITY_ZH[r.severity]
        lays = ",".join(x for x in r.layouts if x in ("2019", "2021", "pre2019")) or "-"
        tbl.add_row(r.id, f"[{STYLE[r.severity]}]{sev}[/{STYLE[r.severity]}]", lays, tr(lang, r.title, r.title_en))
    out.print(tbl)
# ------------------------------------------------------------------ the store

DbOpt = Annotated[Path, typer.Option("--db", help="数据库文件 (the DuckDB store)")]
_DEFAULT_DB = Path("xxgk.duckdb")



def _open_db(db: Path, lang: str, read_only: bool = False, config: dict | None = None):
    """The store, or one line saying why not (exit 2).  While another process (an ingest)
    holds the database, a reading command waits with a message instead of failing on the lock."""
    try:
        return open_store(db, lang, read_only=read_only, config=config, err=err)
    except StoreUnavailable:
        raise typer.Exit(2) from None


def _wide() -> Console:
    """The console for wide tables: the terminal as it is, or 200 columns when piped (never squeezed to 80)."""
    return out if out.is_terminal else Console(width=200, highlight=False, soft_wrap=True)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="报告文件或目录，目录递归读取 (files or folders, recursive)")],
    db: DbOpt = _DEFAULT_DB,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="并行解析进程数 (parallel parsing processes)")] = 2,
    cluster: Annotated[Optional[str], typer.Option("--cluster", help="交给 Dask 集群解析，如 tcp://10.0.0.5:8786 (parse on a Dask cluster; docs/scale.md)")] = None,
    time_limit: TimeOpt = 60.0,
    memory_limit: MemoryOpt = 1024,
    lang: LangOpt = "zh",
) -> None:
    """批量入库：解析、检查并存入数据库，可中断续跑。Ingest reports into the store (resumable)."""
    from .cli_files import run_ingest

    raise typer.Exit(run_ingest(paths, db, jobs, cluster, seconds=time_limit, memory_mb=memory_limit, lang=lang, out=out, err=err))


agencies_app = typer.Typer(help="机关：列出、合并、改名。Agencies: list, merge, rename.", no_args_is_help=False)
app.add_typer(agencies_app, name="agencies")


@agencies_app.callback(invoke_without_command=True)
def agencies_list(
    ctx: typer.Context,
    db: DbOpt = _DEFAULT_DB,
    search: Annotated[Optional[str], typer.Option("--search", "-s", help="按名称筛选 (filter by name)")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="列出名录中该年度未发布、逾期发布年报的机关 (who has not published for this year)")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="地区 (province, city or county)")] = None,
    lang: LangOpt = "zh",
) -> None:
    """列出机关及其各年度报告。List agencies with their reports by year."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table as RichTable

    from .store.agencies import list_agencies

    con = _open_db(db, lang, read_only=True)
    rows = list_agencies(con, search)
    tbl = RichTable(title=tr(lang, f"机关 {len(rows)} 个", f"{len(rows)} agencies"), title_justify="left")
    for h in (tr(lang, "编号", "id"), tr(lang, "机关", "agency"), tr(lang, "省", "province"), tr(lang, "市", "city"), tr(lang, "县", "county"), tr(lang, "层级", "level"), tr(lang, "年度×报告数", "year×reports"), tr(lang, "写法", "spellings"), tr(lang, "副本与旧版（只计一次）", "copies, earlier versions (counted once)")):
        tbl.add_column(h)
    for r in rows:
        level = r["level"] or ""
        if r["level"] == "部门" and r["tier"]:
            level = f"部门（{r['tier']}）"
        alt = r["alternates"] or ""
        if lang == "en":
            alt = alt.replace(" 副本 ", " copy ").replace(" 旧版 ", " earlier ").replace("；", "; ")
        tbl.add_row(str(r["id"]), r["name"], r["province"] or "", r["city"] or "", r["county"] or "", level, r["years"] or "", r["spellings"] or "", alt)
    _wide().print(tbl)
    if year is not None:
        _print_missing(con, year, region, lang)


def _print_missing(con, year: int, region: str | None, lang: str) -> None:
    """Who on the register has not published for ``year``, and who published late (XG701)."""
    from .store.register import has_register, late_reports, missing_agencies

    if not has_register(con):
        out.print(tr(lang, "尚未导入机关名录，无法列出未发布的机关（xxgk agencies load-register 名录.csv）", "no agency register loaded: cannot list who has not published (xxgk agencies load-register FILE)"), style="dim")
        return
    missing = missing_agencies(con, year, region)
    head = tr(lang, f"{year}年度未发布年报的机关 {len(missing)} 个（按机关名录）", f"{len(missing)} agencies on the register have not published for {year}")
    out.print(head, style="bold red" if missing else "bold green")
    for m in missing:
        place = " ".join(x for x in (m["province"], m["city"], m["county"]) if x)
        out.print(f"  {m['name']}" + (f"（{place}）" if place else ""))
    late = late_reports(con, year, region)
    if late:
        out.print(tr(lang, f"{year}年度逾期发布（XG701）{len(late)} 份", f"{len(late)} reports on {year} published late (XG701)"), style="bold yellow")
        for x in late:
            out.print(f"  {x['agency']}  {x['published'] or ''}")


@contextmanager
def _refused(lang: str, what: str = ""):
    """A store change the library refuses (ValueError): its reason as the error line, exit 2."""
    try:
        yield
    except ValueError as e:
        say_error(lang, f"{what}：{e}" if what else str(e))
        raise typer.Exit(2)


def _agency_or_exit(con, ref: str, lang: str) -> int:
    from .store.agencies import find_agency

    aid = find_agency(con, ref)
    if aid is None:
        say_error(lang, f"{ref}：{tr(lang, '找不到该机关（可用编号、名称或任一写法）', 'no such agency (use an id, a name or any spelling)')}")
        raise typer.Exit(2)
    return aid


@agencies_app.command("merge")
def agencies_merge(
    keep: Annotated[str, typer.Argument(help="保留的机关（编号或名称）(the agency kept)")],
    other: Annotated[str, typer.Argument(help="并入的机关（编号或名称）(the agency merged into it)")],
    db: DbOpt = _DEFAULT_DB,
    lang: LangOpt = "zh",
) -> None:
    """把机关 B 并入机关 A（同一机关的不同写法）。Merge agency B into agency A."""
    from .store.agencies import merge
    from .store.ingest import cross_check

    con = _open_db(db, lang)
    a, b = _agency_or_exit(con, keep, lang), _agency_or_exit(con, other, lang)
    if a == b:
        out.print(tr(lang, "两者已是同一机关。", "already the same agency."))
        return
    moved = merge(con, a, b)
    cross_check(con)
    name = con.execute("SELECT name FROM agencies WHERE id = ?", [a]).fetchone()[0]
    out.print(tr(lang, f"已合并：{moved} 份报告归入「{name}」（编号 {a}）", f"merged: {moved} reports now belong to {name} (id {a})"), markup=False)


@agencies_app.command("load-register")
def agencies_load_register(
    file: Annotated[Path, typer.Argument(help="机关名录 CSV/XLSX：机关名称、别名、区划代码、层级、上级机关 (the register)")],
    db: DbOpt = _DEFAULT_DB,
    lang: LangOpt = "zh",
) -> None:
    """导入本单位的机关名录：地区、层级、别名，以及应发布年报的机关清单。Load the agency register."""
    from .store.register import RegisterError, load_register

    con = _open_db(db, lang)
    try:
        res = load_register(con, file)
    except RegisterError as e:
        say_error(lang, str(e))
        raise typer.Exit(2)
    out.print(tr(lang, f"已导入名录 {res.lines} 个机关（其中 {res.created} 个尚无报告，合并同一机关的不同写法 {res.merged} 处）", f"register loaded: {res.lines} agencies ({res.created} without reports yet, {res.merged} spellings joined)"))
    if res.unknown_codes:
        say(err, tr(lang, "提示", "warning"), "yellow", tr(lang, f"无法识别的区划代码：{'、'.join(res.unknown_codes[:10])}", f"unknown region codes: {', '.join(res.unknown_codes[:10])}"))


@agencies_app.command("set-region")
def agencies_set_region(
    agency: Annotated[str, typer.Argument(help="机关（编号或名称）(the agency)")],
    region: Annotated[str, typer.Argument(help="行政区划代码（如 350128）或省市县名称 (a region code or names)")],
    level: Annotated[Optional[str], typer.Option("--level", help="层级：部委|省|市|县|乡镇|部门 (level)")] = None,
    db: DbOpt = _DEFAULT_DB,
    lang: LangOpt = "zh",
) -> None:
    """手工设定机关所在地区（及层级）。Set an agency's region by hand."""
    from .store.register import set_region

    con = _open_db(db, lang)
    aid = _agency_or_exit(con, agency, lang)
    with _refused(lang):
        reg = set_region(con, aid, region, level)
    place = " ".join(x for x in (reg.province, reg.city, reg.county) if x)
    out.print(tr(lang, f"已设定：编号 {aid} → {place}", f"set: id {aid} → {place}"))


@agencies_app.command("rename")
def agencies_rename(
    agency: Annotated[str, typer.Argument(help="机关（编号或名称）(the agency)")],
    new_name: Annotated[str, typer.Argument(help="新名称 (the new name)")],
    db: DbOpt = _DEFAULT_DB,
    lang: LangOpt = "zh",
) -> None:
    """给机关改名（旧写法仍归属该机关）。Rename an agency."""
    from .store.agencies import rename

    con = _open_db(db, lang)
    aid = _agency_or_exit(con, agency, lang)
    with _refused(lang, new_name):
        rename(con, aid, new_name)
    out.print(tr(lang, f"已改名：编号 {aid} →「{new_name.strip()}」", f"renamed: id {aid} → {new_name.strip()}"), markup=False)


ForceOpt = Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件 (overwrite an existing output file)")]


def _check_output(output: Path, force: bool, db: Path | None, lang: str) -> None:
    """Exit 2 with one line when ``output`` must not be written (a folder, the store, an existing file without --force)."""
    from .safe_write import OutputRefused, check_output

    try:
        check_output(output, force=force, protect=[db] if db is not None else [])
    except OutputRefused as e:
        say_error(lang, e.message(lang))
        raise typer.Exit(2) from None


@app.command()
def summary(
    db: DbOpt = _DEFAULT_DB,
    year: Annotated[Optional[int], typer.Option("--year", help="年度 (year reported on)")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="地区：省、市或县 (province, city or county)")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="分组 region|level|agency|year (group by)")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text|csv|xlsx|json")] = "text",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="输出文件 (output file; xlsx needs one)")] = None,
    keys: Annotated[bool, typer.Option("--keys", help="CSV/XLSX 用单元格键名和英文列名 (cell keys and English column names)")] = False,
    force: ForceOpt = False,
    lang: LangOpt = "zh",
) -> None:
    """区域汇总：表三、表四合计，主要比率，违规统计，机关排名。Regional summary."""
    from .store.summary import BY, summarise
    from .safe_write import atomic_path
    from .store.summary_out import print_summary, summary_csv, summary_json, write_summary_xlsx

    if by is not None and by not in BY:
        say_error(lang, f"--by {by}：{tr(lang, '应为', 'must be one of')} {'|'.join(BY)}")
        raise typer.Exit(2)
    if format not in ("text", "csv", "xlsx", "json"):
        say_error(lang, f"--format {format}：{tr(lang, '应为', 'must be one of')} text|csv|xlsx|json")
        raise typer.Exit(2)
    if format == "xlsx" and output is None:
        say_error(lang, f"--format xlsx：{tr(lang, '请用 -o 指定输出文件', 'give an output file with -o')}")
        raise typer.Exit(2)
    if output is not None:
        _check_output(output, force, db, lang)
    con = _open_db(db, lang, read_only=True)
    s = summarise(con, year=year, region=region, by=by)
    if year is not None:
        from .store.register import has_register, late_reports, missing_agencies

        if has_register(con):  # the register is the list of agencies expected to report
            s["missing"] = missing_agencies(con, year, region)
            s["late"] = late_reports(con, year, region)
    _close_db()  # read in full: the store is free again
    if format == "text" and not output:  # the official table is wide: do not squeeze it into 80 columns when piped
        print_summary(_wide(), s, lang)
        return
    if format in ("csv", "json") and not output:
        sys.stdout.write(summary_csv(s, keys=keys) if format == "csv" else summary_json(s) + "\n")
        return
    try:
        with atomic_path(output) as tmp:
            if format == "text":
                with open(tmp, "w", encoding="utf-8") as f:
                    print_summary(Console(file=f, width=200, highlight=False), s, lang)
            elif format == "xlsx":
                write_summary_xlsx(s, tmp, keys=keys)
            else:
                # a CSV file with a BOM: Excel on Windows reads it as UTF-8
                tmp.write_text(summary_csv(s, keys=keys) if format == "csv" else summary_json(s) + "\n", encoding="utf-8-sig" if format == "csv" else "utf-8")
    except OSError as e:
        say_error(lang, f"{output}：" + tr(lang, f"无法写入（{e.strerror or e}）", f"cannot write ({e.strerror or e})"))
        raise typer.Exit(2) from None
    out.print(tr(lang, f"已写入 {output}", f"written to {output}"), markup=False)


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件 (output file)")],
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="csv|xlsx|parquet（默认按扩展名）")] = None,
    db: DbOpt = _DEFAULT_DB,
    year: Annotated[Optional[int], typer.Option("--year", help="年度 (year)")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="地区 (province, city or county)")] = None,
    keys: Annotated[bool, typer.Option("--keys", help="列名用单元格键名（如 t3.new.total），便于程序处理 (cell keys as column names)")] = False,
    table: Annotated[str, typer.Option("--table", help="cells（每份报告一行）|findings（每条检查发现一行）")] = "cells",
    force: ForceOpt = False,
    lang: LangOpt = "zh",
) -> None:
    """导出宽表：每份报告一行，每个单元格一列（列名为官方表格标签）；--table findings 导出检查发现。Export one row per report, one column per cell (or the findings)."""
    from .store.export import FINDING_FORMATS, FORMATS, export as run_export, export_findings

    fmt = format or output.suffix.lstrip(".").lower()
    if table not in ("cells", "findings"):
        say_error(lang, f"--table {table}：{tr(lang, '应为', 'must be one of')} cells|findings")
        raise typer.Exit(2)
    if table == "findings":
        if fmt not in FINDING_FORMATS:
            say_error(lang, f"--format {fmt or '?'}：{tr(lang, '应为', 'must be one of')} {'|'.join(FINDING_FORMATS)}")
            raise typer.Exit(2)
        _check_output(output, force, db, lang)
        con = _open_db(db, lang, read_only=True)
        try:
            n = export_findings(con, output, fmt, year=year, region=region)
        except OSError as e:
            say_error(lang, f"{output}：" + tr(lang, f"无法写入（{e.strerror or e}）", f"cannot write ({e.strerror or e})"))
            raise typer.Exit(2) from None
        finally:
            _close_db()
        out.print(tr(lang, f"已导出 {n} 条检查发现到 {output}", f"exported {n} findings to {output}"), markup=False)
        return
    if fmt not in FORMATS:
        say_error(lang, f"--format {fmt or '?'}：{tr(lang, '应为', 'must be one of')} {'|'.join(FORMATS)}")
        raise typer.Exit(2)
    _check_output(output, force, db, lang)
    con = _open_db(db, lang, read_only=True)
    try:
        n = run_export(con, output, fmt, year=year, region=region, keys=keys)
    except OSError as e:
        say_error(lang, f"{output}：" + tr(lang, f"无法写入（{e.strerror or e}）", f"cannot write ({e.strerror or e})"))
        raise typer.Exit(2) from None
    finally:
        _close_db()
    out.print(tr(lang, f"已导出 {n} 份报告到 {output}", f"exported {n} reports to {output}"), markup=False)


QUERY_KINDS = ("SELECT",)  # DuckDB parses WITH, DESCRIBE and SHOW as SELECT statements


@app.command("reports")
def reports_cmd(
    db: DbOpt = _DEFAULT_DB,
    year: Annotated[Optional[int], typer.Option("--year", help="年度 (year)")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="地区：省、市或县 (province, city or county)")] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="层级 (level)")] = None,
    severity: Annotated[Optional[str], typer.Option("--severity", help="error|warning|info：有该级别问题的报告")] = None,
    rule: Annotated[Optional[str], typer.Option("--rule", help="有该规则问题的报告，如 XG301 (reports with this rule)")] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="待审|已审|退回 (review status)")] = None,
    search: Annotated[Optional[str], typer.Option("--search", "-s", help="机关名称包含 (agency name contains)")] = None,
    sort: Annotated[str, typer.Option("--sort", help="id|agency|region|level|year|errors|warnings|status，前加 - 为倒序")] = "id",
    page: Annotated[int, typer.Option("--page", help="页码 (page)")] = 1,
    per_page: Annotated[int, typer.Option("--per-page", help="每页行数 (rows a page)")] = 50,
    lang: LangOpt = "zh",
) -> None:
    """列出报告（与审阅台“报告”页相同的筛选）。List the reports, filtered as on the desk's list page."""
    from rich.table import Table as RichTable

    from .store.reports import STATUS_EN, ReportFilter, list_reports

    f = ReportFilter.from_mapping({"year": year, "region": region, "level": level, "severity": severity, "rule": rule, "status": status, "q": search})
    con = _open_db(db, lang, read_only=True)
    rows, total = list_reports(con, f, sort=sort.lstrip("-"), descending=sort.startswith("-"), page=page, per_page=per_page)
    tbl = RichTable(title=tr(lang, f"报告 {total} 份（第 {page} 页）", f"{total} reports (page {page})"), title_justify="left")
    for h in (tr(lang, "编号", "id"), tr(lang, "机关", "agency"), tr(lang, "地区", "region"), tr(lang, "层级", "level"), tr(lang, "年度", "year"),
              tr(lang, "格式", "layout"), tr(lang, "错误", "errors"), tr(lang, "警告", "warnings"), tr(lang, "状态", "status")):
        tbl.add_column(h)
    for r in rows:
        region_s = " ".join(x for x in (r["province"], r["city"], r["county"]) if x)
        tbl.add_row(str(r["id"]), r["agency"] or "", region_s, r["level"] or "", str(r["year"] or ""), r["layout"] or "", str(r["errors"]), str(r["warnings"]),
                    STATUS_EN[r["status"]] if lang == "en" else r["status"])
    _wide().print(tbl)


@app.command()
def review(
    ids: Annotated[list[int], typer.Argument(help="报告编号 (report ids)")],
    status: Annotated[str, typer.Option("--status", help="待审|已审|退回")],
    note: Annotated[Optional[str], typer.Option("--note", help="审阅意见 (a remark)")] = None,
    db: DbOpt = _DEFAULT_DB,
    lang: LangOpt = "zh",
) -> None:
    """设置报告的审阅状态（待审、已审、退回）。Set the review status of reports."""
    from .store.reports import STATUSES, set_status

    if status not in STATUSES:
        say_error(lang, f"--status {status}：{tr(lang, '应为', 'must be one of')} {'|'.join(STATUSES)}")
        raise typer.Exit(2)
    con = _open_db(db, lang)
    n = set_status(con, ids, status, note)
    out.print(tr(lang, f"已将 {n} 份报告设为「{status}」", f"{n} reports set to {status}"))


@app.command()
def compare(
    a: Annotated[int, typer.Argument(help="报告编号甲 (report id A)")],
    b: Annotated[int, typer.Argument(help="报告编号乙 (report id B)")],
    db: DbOpt = _DEFAULT_DB,
    lang: LangOpt = "zh",
) -> None:
    """逐格对比两份报告，并给出各部分正文的相似度（与审阅台“对比”页相同）。Compare two stored reports."""
    from rich.table import Table as RichTable

    from .render.compare import cell_label, compare_records
    from .store.records import record_from_store

    con = _open_db(db, lang, read_only=True)
    try:
        ra, rb = record_from_store(con, a), record_from_store(con, b)
    except KeyError as e:
        say_error(lang, f"{e.args[0]}：{tr(lang, '没有这份报告（或该文件未能读取）', 'no such report (or it failed to parse)')}")
        raise typer.Exit(2)
    cmp = compare_records(ra, rb)
    tbl = RichTable(title=tr(lang, f"不同的单元格 {len(cmp.cells)} 个（相同 {cmp.same} 个）", f"{len(cmp.cells)} cells differ ({cmp.same} the same)"), title_justify="left")
    for h in (tr(lang, "单元格", "cell"), f"#{a}", f"#{b}"):
        tbl.add_column(h)
    show = lambda v: tr(lang, "空", "blank") if v is None else str(v)  # noqa: E731
    for key, (va, vb) in cmp.cells.items():
        tbl.add_row(cell_label(key, ra.meta.template), show(va), show(vb))
    _wide().print(tbl)
    for sec in cmp.sections:
        out.print(f"{sec.title}：{tr(lang, '相似度', 'similarity')} {sec.similarity * 100:.1f}%")
    out.print(tr(lang, f"正文（一、五、六部分）相似度 {cmp.narrative_similarity * 100:.1f}%", f"narrative (sections 1, 5, 6) similarity {cmp.narrative_similarity * 100:.1f}%"))


@app.command()
def serve(
    db: DbOpt = _DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="监听地址 (address to listen on)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口 (port)")] = 8000,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="上传入库的并行解析进程数 (parsing processes for uploads)")] = 2,
    lang: LangOpt = "zh",
) -> None:
    """启动审阅台（浏览器界面）：上传、报告、对比、看板、导出。Start the review desk in a browser."""
    from .web.serve import run

    con = _open_db(db, lang)  # the one line on a store that another process holds
    con.close()
    _open.clear()
    run(db, host=host, port=port, jobs=jobs, echo=lambda msg: err.print(msg, markup=False, highlight=False))


@app.command()
def letter(
    files: Annotated[Optional[list[Path]], typer.Argument(help="要检查并发通知的报告文件或目录；不给时从数据库取 (report files; else from the store)")] = None,
    db: DbOpt = _DEFAULT_DB,
    year: Annotated[Optional[int], typer.Option("--year", help="年度 (year)")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="地区 (province, city or county)")] = None,
    agency: Annotated[Optional[str], typer.Option("--agency", help="只给这一个机关（编号或名称）(one agency)")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="一个机关：.docx 文件；多个机关：目录或 .zip (a .docx, a folder or a .zip)")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时生成 PDF（需要 LibreOffice）(also PDF)")] = False,
    findings_xlsx: Annotated[Optional[Path], typer.Option("--findings-xlsx", help="另存全部问题清单（Excel，可筛选）(all findings as a sheet)")] = None,
    deadline: Annotated[Optional[str], typer.Option("--deadline", help="整改期限，如 2025-02-28（默认 15 天后）(deadline)")] = None,
    office: Annotated[str, typer.Option("--office", help="落款单位 (the sending office)")] = "政务公开办公室",
    force: ForceOpt = False,
    lang: LangOpt = "zh",
) -> None:
    """生成整改通知（Word，每个机关一份）和问题清单（Excel）。Write correction notices to agencies."""
    import datetime as dt
    import zipfile

    from .render.letter import findings_xlsx as write_findings, letter_docx, safe_name

    def fail(msg: str) -> None:
        say_error(lang, msg)
        raise typer.Exit(2)

    due = None
    if deadline:
        try:
            due = dt.date.fromisoformat(deadline)
        except ValueError:
            fail(tr(lang, f"--deadline {deadline}：日期应写成 2025-02-28", f"--deadline {deadline}: write the date as 2025-02-28"))
    failed = 0
    if files:
        from .check import check_record
        from .model import LetterItem

        from .batch import parse_files

        items: dict[str, list] = {}
        for _, rec in parse_files(expand_paths(files)):
            if isinstance(rec, ReadError):
                report_error(rec, lang)
                failed += 1
                continue
            found = check_record(rec)
            name = rec.meta.agency or tr(lang, "（未能确定机关）", "(agency unknown)")
            blank = frozenset(k for k, v in rec.cells.items() if v is None)
            items.setdefault(name, []).append(LetterItem(name, rec.meta.year, rec.meta.title, rec.source.path, rec.meta.published, found, blank))
        if agency:
            items = {k: v for k, v in items.items() if agency in k}
        items = {k: v for k, v in items.items() if any(f.severity in ("error", "warning") for it in v for f in it.findings)}
    else:
        from .store.letters import letter_items

        con = _open_db(db, lang, read_only=True)
        aid = _agency_or_exit(con, agency, lang) if agency else None
        items = letter_items(con, year=year, region=region, agency_id=aid)
    if not items:
        out.print(tr(lang, "没有需要整改的问题，未生成通知。", "no findings to send back; nothing written."))
        raise typer.Exit(2 if failed else 0)
    if pdf:
        from .render.pdf import INSTALL_HINT, INSTALL_HINT_EN, docx_to_pdf, soffice

        if soffice() is None:
            fail(tr(lang, f"未找到 LibreOffice，无法生成 PDF——{INSTALL_HINT}", f"LibreOffice not found, cannot make PDFs — {INSTALL_HINT_EN}"))
    docs: dict[str, bytes] = {}
    for name, its in items.items():
        data = letter_docx(its, office=office, deadline=due)
        base = f"整改通知-{safe_name(name)}"
        docs[base + ".docx"] = data
        if pdf:
            docs[base + ".pdf"] = docx_to_pdf(data)
    from .safe_write import atomic_path, write_bytes

    target = output or (Path(next(iter(docs))) if len(items) == 1 and not pdf else Path("整改通知"))
    # where each file goes; every one checked first (never the store, never an existing file without --force)
    if target.suffix.lower() == ".docx":
        if len(items) > 1:
            fail(tr(lang, f"{target}：有 {len(items)} 个机关，请给一个目录或 .zip", f"{target}: {len(items)} agencies; give a folder or a .zip"))
        files_out = {(target if fname.endswith(".docx") else target.with_suffix(".pdf")): data for fname, data in docs.items()}
    elif target.suffix.lower() == ".zip":
        files_out = {}
    else:
        files_out = {target / fname: data for fname, data in docs.items()}
    for p in [*(files_out or [target]), *([findings_xlsx] if findings_xlsx is not None else [])]:
        _check_output(p, force, db if not files else None, lang)
    try:
        if target.suffix.lower() == ".zip":
            with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                for fname, data in docs.items():
                    z.writestr(fname, data)
        for p, data in files_out.items():
            write_bytes(p, data)
        if findings_xlsx is not None:
            with atomic_path(findings_xlsx) as tmp:
                n = write_findings([it for its in items.values() for it in its], tmp)
            out.print(tr(lang, f"问题清单 {n} 条已写入 {findings_xlsx}", f"{n} findings written to {findings_xlsx}"), markup=False)
    except OSError as e:
        fail(f"{target}：" + tr(lang, f"无法写入（{e.strerror}）", f"cannot write ({e.strerror})"))
    out.print(tr(lang, f"已生成 {len(items)} 个机关的整改通知：{target}", f"correction notices for {len(items)} agencies: {target}"))
    raise typer.Exit(2 if failed else 0)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="一条只读 SQL 语句：SELECT/WITH/DESCRIBE/SHOW (one read-only statement)")],
    db: DbOpt = _DEFAULT_DB,
    limit: Annotated[int, typer.Option("--limit", help="最多显示行数 (rows shown at most)")] = 200,
    timeout: Annotated[float, typer.Option("--timeout", help="查询时间上限（秒）(seconds before the query is stopped)")] = 60.0,
    lang: LangOpt = "zh",
) -> None:
    """直接用 SQL 查询数据库（只读；表结构见 docs/store.md）。Query the store with SQL (read-only)."""
    import threading

    import duckdb
    from rich.table import Table as RichTable

    from .store.schema import SANDBOX

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        say_error(lang, f"SQL：{first}")
        raise typer.Exit(2)
    if len(statements) != 1:
        say_error(lang, tr(lang, f"SQL：只能执行一条语句（给了 {len(statements)} 条）", f"SQL: one statement only ({len(statements)} given)"))
        raise typer.Exit(2)
    kind = statements[0].type.name
    if kind not in QUERY_KINDS:
        say_error(lang, tr(lang, f"SQL：只允许 SELECT/WITH/DESCRIBE/SHOW 查询（这是 {kind}）", f"SQL: only SELECT/WITH/DESCRIBE/SHOW are allowed (this is {kind})"))
        raise typer.Exit(2)
    # read-only, no file but the store, no network, no extensions; settings locked
    con = _open_db(db, lang, read_only=True, config=SANDBOX)
    timer = threading.Timer(timeout, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        cols, rows = _run_query(con, sql, limit, timeout, lang)
    finally:
        timer.cancel()
        _close_db()  # a sandboxed connection is not left open for the next command of this process
    if cols is None:
        out.print(tr(lang, "完成。", "done."))
        return
    tbl = RichTable(show_lines=False)
    for c in cols:
        tbl.add_column(Text(c), overflow="fold")
    for row in rows[:limit]:
        tbl.add_row(*[Text("" if v is None else str(v)) for v in row])  # values literally, never markup
    _wide().print(tbl)
    more = tr(lang, f"（只显示前 {limit} 行）", f"(first {limit} rows shown)") if len(rows) > limit else ""
    out.print(tr(lang, f"{min(len(rows), limit)} 行", f"{min(len(rows), limit)} rows") + more, style="dim")


def _run_query(con, sql: str, limit: int, timeout: float, lang: str):
    """(column names, rows) of one statement, or exit 2 with one line."""
    import duckdb

    try:
        cur = con.execute(sql)
        if cur.description is None:
            return None, []
        return [d[0] for d in cur.description], cur.fetchmany(max(0, limit) + 1)
    except duckdb.InterruptException:
        say_error(lang, tr(lang, f"SQL：超出时间限制 {timeout:g} 秒，已停止", f"SQL: stopped after the time limit of {timeout:g} s"))
        raise typer.Exit(2) from None
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        say_error(lang, f"SQL：{first}")
        raise typer.Exit(2) from None


@app.command()
def version() -> None:
    """显示版本。Show the version."""
    out.print(f"xxgk {__version__}")


@app.command()
def template(
    year: Annotated[int, typer.Option("--year", help="报告年度，如 2024 (year reported on)")],
    xlsx: Annotated[Optional[Path], typer.Option("--xlsx", help="输出的 Excel 文件 (output workbook)")] = None,
    lang: LangOpt = "zh",
) -> None:
    """生成年报填报表（Excel）。Write a fill-in workbook for a report on YEAR."""
    from .layouts import layout_for, template_for_year
    from .render.workbook import write_workbook

    fmt = template_for_year(year)
    if fmt not in ("2019", "2021"):
        say_error(lang, tr(lang, f"{year}年没有统一的年报格式（2019 年起适用）", f"there is no standard report layout for {year} (from 2019 on)"))
        raise typer.Exit(2)
    path = xlsx or Path(f"年报填报表-{year}.xlsx")
    try:
        write_workbook(path, year)
    except OSError as e:
        say_error(lang, f"{path}：" + tr(lang, f"无法写入（{e.strerror}）", f"cannot write ({e.strerror})"))
        raise typer.Exit(2) from None
    lay = layout_for(fmt)
    err.print(tr(lang, f"已生成 {path}（{lay.name}，{lay.document}）", f"wrote {path} ({fmt} layout, {lay.document})"), markup=False)


@app.command()
def render(
    input: Annotated[Path, typer.Argument(help="填好的填报表、JSON/YAML 记录或任一年报文件 (filled workbook, JSON/YAML record or any report)")],
    to: Annotated[str, typer.Option("--to", "-t", help="docx|html|md|txt|pdf")] = "docx",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="输出文件；md/txt/html 缺省输出到屏幕 (output file; md/txt/html default to stdout)")] = None,
    keep_given: Annotated[bool, typer.Option("--keep-given", help="保留填报的合计数，即使与明细不符 (keep given totals that disagree)")] = False,
    force: ForceOpt = False,
    lang: LangOpt = "zh",
) -> None:
    """按官方格式生成年报（合计自动计算）。Render a report in the official layout."""
    from .render.output import FORMATS, render_record
    from .render.pdf import INSTALL_HINT, INSTALL_HINT_EN, PdfUnavailable, soffice
    from .render.inputs import load_record
    from .render.report import RefusedTotals
    from .safe_write import write_bytes

    def fail(msg: str) -> None:
        say_error(lang, f"{msg}")
        raise typer.Exit(2)

    if to not in FORMATS:
        fail(tr(lang, f"不支持的输出格式 {to}（可选 {'/'.join(FORMATS)}）", f"unknown output format {to} (one of {'/'.join(FORMATS)})"))
    if to == "pdf" and soffice() is None:
        fail(tr(lang, f"未找到 LibreOffice（soffice），无法生成 PDF——{INSTALL_HINT}", f"LibreOffice (soffice) not found, cannot make a PDF — {INSTALL_HINT_EN}"))
    try:
        record = load_record(input)
    except ReadError as e:
        fail(e.message(lang))
        return
    try:
        data, rep = render_record(record, to, keep_given=keep_given, lang=lang)
    except RefusedTotals as e:
        head = tr(lang, f"{input}：合计数与明细不符，未生成（核对后重填，或用 --keep-given 保留填报数）：", f"{input}: given totals disagree with their details, nothing written (fix them, or use --keep-given): ")
        fail(head + tr(lang, "；", "; ").join(e.messages))
        return
    except PdfUnavailable as e:
        fail(f"{input}：{e}")
        return
    for w in rep.warnings_en if lang == "en" else rep.warnings:
        say(err, tr(lang, "提示", "warning"), "yellow", f"{input}：{w}")
    if output is None and to in ("md", "txt", "html"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if output is None:
        output = input.with_suffix("." + to)
        if output.resolve() == input.resolve():
            output = input.with_name(input.stem + ".xxgk." + to)
    if output.exists() and output.resolve() == input.resolve():
        fail(tr(lang, f"{output}：不能覆盖输入文件本身", f"{output}: refusing to write over the input itself"))
    _check_output(output, force, None, lang)
    try:
        write_bytes(output, data)
    except OSError as e:
        fail(f"{output}：" + tr(lang, f"无法写入（{e.strerror}）", f"cannot write ({e.strerror})"))
    err.print(tr(lang, f"已生成 {output}", f"wrote {output}"), markup=False)


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="报告文件 (a report file)")],
    keys: Annotated[list[str], typer.Argument(help="单元格键名，如 t3.new.total (cell keys)")],
    format: Annotated[str, typer.Option("--format", "-f", help="text|json")] = "text",
    lang: LangOpt = "zh",
) -> None:
    """说明单元格的来源：原文位置、定位方式与原文片段。Explain where a cell came from."""
    import json

    from .explain import explain_record
    from .layouts import all_cell_keys
    from .read import file_bytes, read_bytes

    known = set(all_cell_keys())
    bad = [k for k in keys if k not in known]
    if bad:
        err.print(tr(lang, f"未知的单元格键名：{'、'.join(bad)}（如 t3.new.total，见 docs/report-json.md）",
                     f"unknown cell key(s): {', '.join(bad)} (e.g. t3.new.total, see docs/report-json.md)"), markup=False)
        raise typer.Exit(2)
    from . import parse_document

    try:
        data = file_bytes(file)
        doc = read_bytes(data, str(file))
    except ReadError as e:
        report_error(e, lang)
        raise typer.Exit(2)
    rec = parse_document(doc)
    exps = [explain_record(rec, doc, data, k) for k in keys]
    if format == "json":
        sys.stdout.write(json.dumps([e.to_dict() for e in exps], ensure_ascii=False) + "\n")
        raise typer.Exit(0)
    for e in exps:
        value = "空白" if e.value is None else str(e.value)
        if lang == "en":
            value = "blank" if e.value is None else str(e.value)
        out.print(f"{e.key}  {e.label}", markup=False)
        if not e.present:
            out.print(tr(lang, "  记录中没有这个单元格（文档中没有这一行或这张表）", "  the record has no such cell (the document has no such row or table)"), markup=False)
            for n in e.notes:
                out.print(f"  {tr(lang, '提示', 'note')}: {n}", markup=False)
            continue
        flags = []
        if e.uncertain:
            flags.append(tr(lang, "不确定", "uncertain"))
        if e.raw is not None:
            flags.append(tr(lang, f"原文“{e.raw}”", f"source text “{e.raw}”"))
        out.print(f"  {tr(lang, '值', 'value')}: {value}" + (f"（{'，'.join(flags)}）" if flags else ""), markup=False)
        if e.source is not None:
            out.print(f"  {tr(lang, '定位方式', 'placed by')}: {tr(lang, e.how, e.how_en)}", markup=False)
            out.print(f"  {tr(lang, '位置', 'where')}: {tr(lang, e.where, e.where_en)}" + (f"  [{e.style}]" if e.style else ""), markup=False)
            out.print(f"  {tr(lang, '读取的文字', 'text read')}: “{e.source.text}”", markup=False)
        for line, hit in e.snippet:
            out.print(f"  {'▶' if hit else ' '} {line}", markup=False)
        for n in e.notes:
            out.print(f"  {tr(lang, '提示', 'note')}: {n}", markup=False)
    raise typer.Exit(0)


def main() -> None:  # the console script: parse/check start without typer (xxgk.cli_files)
    from .cli_files import main as fast

    fast()


if __name__ == "__main__":
    main()
