"""Findings as the ``xxgk check`` command prints them: text (rich), JSON records, CSV rows."""

from __future__ import annotations

import csv
import io

from rich.console import Console
from rich.markup import escape

from ..model import Finding, Record, encode_record
from ..safe_write import neutral_row
from .registry import RULES

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def message(f: Finding, lang: str) -> str:
    return f.message_en if lang == "en" else f.message


def print_text(console: Console, path: str, findings: list[Finding], lang: str = "zh") -> None:
    """One file: its path, then one line per finding."""
    console.print(f"[bold]{escape(path)}[/bold]")
    if not findings:
        console.print("  [green]" + ("no findings" if lang == "en" else "未发现问题") + "[/green]")
        return
    for f in findings:
        sev = f"{f.severity:<7}" if lang == "en" else SEVERITY_ZH[f.severity]
        console.print(f"  [bold]{f.rule}[/bold] [{STYLE[f.severity]}]{sev}[/{STYLE[f.severity]}]  {escape(message(f, lang))}")


def summary_line(files: int, counts: dict[str, int], failed: int, lang: str = "zh") -> str:
    if lang == "en":
        s = f"{files} file(s) checked: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
        return s + (f"; {failed} file(s) could not be read" if failed else "")
    s = f"检查了 {files} 个文件：错误 {counts['error']} 个，警告 {counts['warning']} 个，提示 {counts['info']} 个"
    return s + (f"；{failed} 个文件无法读取" if failed else "")


def json_line(record: Record) -> str:
    """The record of report-json.md with ``findings`` filled, on one line."""
    return encode_record(record).decode("utf-8")


CSV_HEADER = ("file", "rule", "severity", "title", "where", "culprit", "message")


def csv_rows(path: str, findings: list[Finding], lang: str = "zh") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for f in findings:
        r = RULES.get(f.rule)
        title = (r.title_en if lang == "en" else r.title) if r else ""
        w.writerow(neutral_row((path, f.rule, f.severity, title, " ".join(f.where), f.culprit or "", message(f, lang))))
    return buf.getvalue()


def csv_header() -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(CSV_HEADER)
    return buf.getvalue()


def doc_parts(doc: str) -> tuple[str, str]:
    """A rule's documentation: the Chinese paragraph(s) and the English one."""
    parts = doc.strip().split("\n\n", 1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else parts[0].strip())
