"""The ``xxgk`` command.  Words shown to users are Chinese; ``--lang en`` for English.

Each sub-command is a thin layer over the library: read → extract → check →
store / render.  A file that cannot be read prints one line naming the file
and the cause, and the others go on; the exit status is 2 when any file
failed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

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


def tr(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders are walked recursively (hidden files skipped)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*") if q.is_file() and not any(part.startswith(".") for part in q.relative_to(p).parts)))
        else:
            files.append(p)
    return files


def report_error(e: ReadError, lang: str) -> None:
    err.print(f"[red]{tr(lang, '错误', 'error')}[/red] {e.message(lang)}", markup=True, highlight=False)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="报告文件或目录 (report files or folders)")],
    format: Annotated[str, typer.Option("--format", "-f", help="text|json")] = "text",
    lang: LangOpt = "zh",
) -> None:
    """解析报告，输出三张表（或 JSON 记录）。Parse reports into records."""
    from . import parse_path
    from .model import encode_record
    from .render.console import print_record

    failed = 0
    for path in expand_paths(files):
        try:
            rec = parse_path(path)
        except ReadError as e:
            report_error(e, lang)
            failed += 1
            continue
        if format == "json":
            sys.stdout.write(encode_record(rec).decode("utf-8") + "\n")
            sys.stdout.flush()
        else:
            print_record(out, rec, lang)
    raise typer.Exit(2 if failed else 0)


def _rule_list(values: list[str] | None) -> list[str]:
    """``--select XG3 --select XG201`` or ``--select XG3,XG201``."""
    return [x.strip().upper() for v in values or [] for x in v.split(",") if x.strip()]


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="报告文件或目录 (report files or folders)")],
    format: Annotated[str, typer.Option("--format", "-f", help="text|json|csv")] = "text",
    select: Annotated[Optional[list[str]], typer.Option("--select", help="只检查这些规则或前缀，如 XG3 (only these rules or prefixes)")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="不检查这些规则或前缀，如 XG201 (skip these rules)")] = None,
    previous: Annotated[Optional[Path], typer.Option("--previous", help="同一机关上一年度的年报，用于 XG6xx (last year's report)")] = None,
    lang: LangOpt = "zh",
) -> None:
    """检查报告是否符合格式和勾稽关系（退出码：0 无错误，1 有错误，2 命令失败）。Check reports like a linter."""
    from . import parse_path
    from .check import RULES, check_record, summary
    from .check.output import csv_header, csv_rows, json_line, print_text, summary_line
    from .check.registry import matches

    if format not in ("text", "json", "csv"):
        err.print(tr(lang, f"[red]错误[/red] 未知的输出格式：{format}（可选 text、json、csv）", f"[red]error[/red] unknown format: {format} (text, json or csv)"))
        raise typer.Exit(2)
    sel, ign = _rule_list(select), _rule_list(ignore)
    unknown = [p for p in sel + ign if not any(matches(r, [p]) for r in RULES)]
    if unknown:
        err.print(tr(lang, f"[red]错误[/red] 没有这样的规则：{'、'.join(unknown)}（xxgk rules 列出全部规则）", f"[red]error[/red] no such rule: {', '.join(unknown)} (see xxgk rules)"))
        raise typer.Exit(2)
    prev_rec = None
    if previous is not None:
        try:
            prev_rec = parse_path(previous)
        except ReadError as e:
            report_error(e, lang)
            raise typer.Exit(2)
    failed = 0
    checked = 0
    totals = {"error": 0, "warning": 0, "info": 0}
    if format == "csv":
        sys.stdout.write(csv_header())
    for path in expand_paths(files):
        try:
            rec = parse_path(path)
        except ReadError as e:
            report_error(e, lang)
            failed += 1
            continue
        findings = check_record(rec, previous=prev_rec, select=sel or None, ignore=ign or None)
        rec.findings = findings
        checked += 1
        for k, v in summary(findings).items():
            totals[k] += v
        if format == "json":
            sys.stdout.write(json_line(rec) + "\n")
        elif format == "csv":
            sys.stdout.write(csv_rows(str(path), findings, lang))
        else:
            print_text(out, str(path), findings, lang)
        sys.stdout.flush()
    if format == "text":
        out.print(summary_line(checked, totals, failed, lang), style="bold red" if totals["error"] else "bold green")
    raise typer.Exit(2 if failed else 1 if totals["error"] else 0)


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
        err.print(tr(lang, f"[red]错误[/red] 没有这样的规则：{rule}", f"[red]error[/red] no such rule: {rule}"))
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
        err.print(f"[red]{tr(lang, '错误', 'error')}[/red] " + tr(lang, f"{year}年没有统一的年报格式（2019 年起适用）", f"there is no standard report layout for {year} (from 2019 on)"))
        raise typer.Exit(2)
    path = xlsx or Path(f"年报填报表-{year}.xlsx")
    try:
        write_workbook(path, year)
    except OSError as e:
        err.print(f"[red]{tr(lang, '错误', 'error')}[/red] {path}：" + tr(lang, f"无法写入（{e.strerror}）", f"cannot write ({e.strerror})"))
        raise typer.Exit(2) from None
    lay = layout_for(fmt)
    err.print(tr(lang, f"已生成 {path}（{lay.name}，{lay.document}）", f"wrote {path} ({fmt} layout, {lay.document})"))


@app.command()
def render(
    input: Annotated[Path, typer.Argument(help="填好的填报表、JSON/YAML 记录或任一年报文件 (filled workbook, JSON/YAML record or any report)")],
    to: Annotated[str, typer.Option("--to", "-t", help="docx|html|md|txt|pdf")] = "docx",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="输出文件；md/txt/html 缺省输出到屏幕 (output file; md/txt/html default to stdout)")] = None,
    keep_given: Annotated[bool, typer.Option("--keep-given", help="保留填报的合计数，即使与明细不符 (keep given totals that disagree)")] = False,
    lang: LangOpt = "zh",
) -> None:
    """按官方格式生成年报（合计自动计算）。Render a report in the official layout."""
    from .render.output import FORMATS, render_record
    from .render.pdf import INSTALL_HINT, INSTALL_HINT_EN, PdfUnavailable, soffice
    from .render.inputs import load_record
    from .render.report import RefusedTotals

    def fail(msg: str) -> None:
        err.print(f"[red]{tr(lang, '错误', 'error')}[/red] {msg}", markup=True, highlight=False)
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
        err.print(f"[yellow]{tr(lang, '提示', 'warning')}[/yellow] {input}：{w}", markup=True, highlight=False)
    if output is None and to in ("md", "txt", "html"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if output is None:
        output = input.with_suffix("." + to)
        if output.resolve() == input.resolve():
            output = input.with_name(input.stem + ".xxgk." + to)
    try:
        output.write_bytes(data)
    except OSError as e:
        fail(f"{output}：" + tr(lang, f"无法写入（{e.strerror}）", f"cannot write ({e.strerror})"))
    err.print(tr(lang, f"已生成 {output}", f"wrote {output}"))


def main() -> None:  # the console script
    app()


if __name__ == "__main__":
    main()
