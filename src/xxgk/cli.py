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


def main() -> None:  # the console script
    app()


if __name__ == "__main__":
    main()
