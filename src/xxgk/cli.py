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


@app.command()
def version() -> None:
    """显示版本。Show the version."""
    out.print(f"xxgk {__version__}")


def main() -> None:  # the console script
    app()


if __name__ == "__main__":
    main()
