"""The summary of :mod:`xxgk.store.summary` as text (rich), CSV, XLSX or JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..safe_write import neutral, neutral_row
from ..layouts import LAYOUT_2021, T3_APPLICANT_GROUP, T4, label_of
from .summary import RATES, summary_keys, t3_shape, t4_shape

_T3_NUMBER = LAYOUT_2021.table("t3").number


def _w(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _fmt_num(v) -> str:
    if v is None:
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


def _cell_text(fig: dict | None) -> Text:
    if not fig:
        return Text("—", style="dim")
    if not fig["reports"]:
        return Text("空", style="dim italic") if fig["blank"] else Text("—", style="dim")
    s = _fmt_num(fig["sum"])
    if fig["blank"]:
        return Text(f"{s}*", style="bold yellow")
    return Text(s)


def _pct(r: dict) -> str:
    if r["value"] is None:
        return "—"
    return f"{r['value'] * 100:.1f}%" + ("*" if r["incomplete"] else "")


def print_summary(console: Console, s: dict, lang: str = "zh") -> None:
    f = s["filter"]
    scope = []
    if f.get("year"):
        scope.append(_w(lang, f"{f['year']}年度", f"year {f['year']}"))
    if f.get("region"):
        scope.append(f["region"])
    console.rule(_w(lang, "汇总", "summary") + (f"（{'，'.join(scope)}）" if scope else ""))
    console.print(_w(lang, f"报告 {s['reports']} 份", f"{s['reports']} reports"))
    cov = s.get("coverage")
    if cov and cov["expected"]:
        console.print(
            _w(lang, f"已报 {cov['received']} / 应报 {cov['expected']} 个机关（未报 {cov['missing_count']} 个）",
               f"received from {cov['received']} of {cov['expected']} agencies ({cov['missing_count']} missing)")
        )
    if s.get("groups") is not None:
        _print_groups(console, s, lang)
    else:
        _print_t3(console, s["cells"], lang)
        _print_t4(console, s["cells"], lang)
    _print_rates(console, s["rates"], lang)
    blanks = [(k, v["blank"]) for k, v in s["cells"].items() if v["blank"]]
    if blanks:
        console.print(
            _w(lang, "标 * 的合计不完整：有报告将该格留空（空格不计为 0）。", "* incomplete: some reports left the cell blank (a blank is not counted as 0)."),
            style="yellow",
        )
        if len(blanks) <= 12:
            console.print("　" + "；".join(f"{k}（{n} 份空白）" if lang != "en" else f"{k} ({n} blank)" for k, n in blanks), style="dim")
        else:
            console.print(_w(lang, f"　共 {len(blanks)} 个单元格有空白。", f"  {len(blanks)} cells have blanks."), style="dim")
    _print_rules(console, s["rules"], lang)
    _print_ranking(console, s["ranking"], lang)


def _print_t3(console: Console, cells: dict, lang: str) -> None:
    rows, cols = t3_shape()
    has_sub = any(k.endswith(".org_subtotal") and v["reports"] for k, v in cells.items())
    cols = [(k, lab) for k, lab in cols if k != "org_subtotal" or has_sub]
    tbl = RichTable(title=f"{_T3_NUMBER}（{_w(lang, '合计', 'sums')}）", title_justify="left")
    tbl.add_column("")
    for k, lab in cols:
        tbl.add_column(lab if k in ("natural", "total") else f"{T3_APPLICANT_GROUP}\n{lab}", justify="right")
    for rk, rlab in rows:
        keys = [f"t3.{rk}.{ck}" for ck, _ in cols]
        if not any(k in cells for k in keys):
            continue
        tbl.add_row(rlab, *[_cell_text(cells.get(k)) for k in keys])
    console.print(tbl)


def _print_t4(console: Console, cells: dict, lang: str) -> None:
    rows, cols = t4_shape()
    tbl = RichTable(title=f"{T4.number}（{_w(lang, '合计', 'sums')}）", title_justify="left")
    tbl.add_column("")
    for _, lab in cols:
        tbl.add_column(lab, justify="right")
    for rk, rlab in rows:
        tbl.add_row(rlab, *[_cell_text(cells.get(f"t4.{rk}.{ck}")) for ck, _ in cols])
    console.print(tbl)


def _print_rates(console: Console, rates: dict, lang: str) -> None:
    tbl = RichTable(title=_w(lang, "主要比率", "key rates"), title_justify="left")
    tbl.add_column(_w(lang, "比率", "rate"))
    tbl.add_column(_w(lang, "数值", "value"), justify="right")
    tbl.add_column(_w(lang, "分子/分母", "numerator/denominator"), justify="right")
    for rd in RATES:
        r = rates[rd.key]
        tbl.add_row(rd.zh if lang != "en" else rd.en, _pct(r), f"{_fmt_num(r['numerator']) or '—'} / {_fmt_num(r['denominator']) or '—'}")
    console.print(tbl)


def _print_rules(console: Console, rules: list[dict], lang: str) -> None:
    if not rules:
        console.print(_w(lang, "无检查发现（或尚未检查）。", "no findings (or not checked yet)."), style="dim")
        return
    tbl = RichTable(title=_w(lang, "违反规则的报告数", "reports breaking each rule"), title_justify="left")
    for h in (_w(lang, "规则", "rule"), _w(lang, "级别", "severity"), _w(lang, "报告数", "reports"), _w(lang, "发现数", "findings")):
        tbl.add_column(h, justify="right" if h in ("报告数", "发现数", "reports", "findings") else "left")
    for r in rules:
        tbl.add_row(r["rule"], r["severity"], str(r["reports"]), str(r["findings"]))
    console.print(tbl)


def _print_ranking(console: Console, ranking: list[dict], lang: str) -> None:
    if not ranking:
        return
    tbl = RichTable(title=_w(lang, "机关错误排名", "agencies by errors"), title_justify="left")
    for h in ("#", _w(lang, "机关", "agency"), _w(lang, "报告数", "reports"), _w(lang, "错误", "errors"), _w(lang, "警告", "warnings")):
        tbl.add_column(h)
    for i, r in enumerate(ranking, 1):
        tbl.add_row(str(i), Text(str(r["agency"] or "")), str(r["reports"]), str(r["errors"]), str(r["warnings"]))
    console.print(tbl)


_GROUP_COLS = ("t3.new.total", "t3.total.total", "t4.review.total")


def _print_groups(console: Console, s: dict, lang: str) -> None:
    by = s["filter"]["by"]
    names = {"region": ("地区", "region"), "level": ("层级", "level"), "agency": ("机关", "agency"), "year": ("年度", "year")}[by]
    tbl = RichTable(title=_w(lang, "分组汇总", "by group"), title_justify="left")
    tbl.add_column(names[0] if lang != "en" else names[1])
    tbl.add_column(_w(lang, "报告数", "reports"), justify="right")
    for k in _GROUP_COLS:
        tbl.add_column(label_of(k).replace(" · ", "\n"), justify="right")
    for rd in RATES:
        tbl.add_column(rd.zh if lang != "en" else rd.en, justify="right")
    tbl.add_column(_w(lang, "错误", "errors"), justify="right")
    for g in s["groups"]:
        tbl.add_row(Text(str(g["group"] or "")), str(g["reports"]), *[_cell_text(g["cells"].get(k)) for k in _GROUP_COLS], *[_pct(g["rates"][rd.key]) for rd in RATES], str(g["errors"]))
    console.print(tbl)


# ------------------------------------------------------------------ files


def _long_rows(s: dict) -> list[list]:
    """group, key, label, sum, reports, blank, missing, incomplete — cells then rates."""
    out = []
    blocks = s["groups"] if s.get("groups") is not None else [{"group": "", **s}]
    for b in blocks:
        for k in summary_keys():
            v = b["cells"].get(k)
            if v is None:
                continue
            out.append([b["group"], k, label_of(k), v["sum"] if v["reports"] else None, v["reports"], v["blank"], v["missing"], bool(v["blank"])])
        for rd in RATES:
            r = b["rates"][rd.key]
            out.append([b["group"], f"rate.{rd.key}", rd.zh, r["value"], None, None, None, r["incomplete"]])
    return out


LONG_HEADER = ["group", "key", "label", "sum", "reports", "blank", "missing", "incomplete"]


def summary_csv(s: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(LONG_HEADER)
    for row in _long_rows(s):
        w.writerow(["" if v is None else neutral(v) for v in row])
    return buf.getvalue()


def summary_json(s: dict) -> str:
    return json.dumps(s, ensure_ascii=False, indent=1)


def write_summary_xlsx(s: dict, path: str | Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    warn = PatternFill("solid", fgColor="FFF2CC")
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _T3_NUMBER
    rows, cols = t3_shape()
    ws.append([""] + [lab for _, lab in cols])
    for c in ws[1]:
        c.font = bold
    for rk, rlab in rows:
        keys = [f"t3.{rk}.{ck}" for ck, _ in cols]
        if not any(k in s["cells"] for k in keys):
            continue
        _xl_row(ws, rlab, [s["cells"].get(k) for k in keys], warn)
    ws4 = wb.create_sheet(T4.number)
    rows4, cols4 = t4_shape()
    ws4.append([""] + [lab for _, lab in cols4])
    for c in ws4[1]:
        c.font = bold
    for rk, rlab in rows4:
        _xl_row(ws4, rlab, [s["cells"].get(f"t4.{rk}.{ck}") for ck, _ in cols4], warn)
    wr = wb.create_sheet("比率")
    wr.append(["比率", "数值", "分子", "分母", "不完整"])
    for rd in RATES:
        r = s["rates"][rd.key]
        wr.append(neutral_row([rd.zh, r["value"], r["numerator"], r["denominator"], "是" if r["incomplete"] else ""]))
    wl = wb.create_sheet("明细")
    wl.append(LONG_HEADER)
    for row in _long_rows(s):
        wl.append(neutral_row(row))
    wru = wb.create_sheet("规则")
    wru.append(["规则", "级别", "报告数", "发现数"])
    for r in s["rules"]:
        wru.append(neutral_row([r["rule"], r["severity"], r["reports"], r["findings"]]))
    wk = wb.create_sheet("排名")
    wk.append(["机关", "报告数", "错误", "警告"])
    for r in s["ranking"]:
        wk.append(neutral_row([r["agency"], r["reports"], r["errors"], r["warnings"]]))
    wb.save(str(path))


def _xl_row(ws, label: str, figs: list, fill) -> None:
    vals = [(f["sum"] if f and f["reports"] else None) for f in figs]
    ws.append(neutral_row([label, *vals]))
    for cell, f in zip(ws[ws.max_row][1:], figs):
        if f and f["blank"]:
            cell.fill = fill
            from openpyxl.comments import Comment

            cell.comment = Comment(f"{f['blank']} 份报告此格为空，合计不完整", "xxgk")
