"""The summary of :mod:`xxgk.store.summary` as text (rich), CSV, XLSX or JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..layouts import LAYOUT_2021, T3_APPLICANT_GROUP, T4, column_label, label_of
from ..safe_write import neutral, neutral_row
from .measures import RATES, summary_keys
from .summary import t3_shape, t4_shape

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


def _left_out(r: dict, lang: str) -> str:
    parts = []
    if r.get("left_out_blank"):
        parts.append(_w(lang, f"{r['left_out_blank']} 份有空白", f"{r['left_out_blank']} with blanks"))
    if r.get("left_out_impossible"):
        parts.append(_w(lang, f"{r['left_out_impossible']} 份数据矛盾（纠错数大于已审结数）", f"{r['left_out_impossible']} contradictory (more corrected than decided)"))
    return _w(lang, "，", ", ").join(parts)


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
    _print_balance(console, s.get("balance"), lang)
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
    _print_missing(console, s, lang)


def _print_balance(console: Console, bal: dict | None, lang: str) -> None:
    """The summed 表三/表四 checked like one report (over the reports without blank cells)."""
    if not bal or not bal["reports"]:
        return
    head = _w(lang, f"汇总表勾稽关系（按 {bal['reports']} 份无空白报告的合计核对）：", f"balance of the summed tables ({bal['reports']} reports without blanks): ")
    if not bal["findings"]:
        console.print(head + _w(lang, "平衡", "holds"), style="green")
        return
    console.print(head + _w(lang, f"{len(bal['findings'])} 处不平衡", f"{len(bal['findings'])} failures"), style="bold red")
    for f in bal["findings"]:
        console.print(f"  {f['rule']} " + (f["message_en"] if lang == "en" else f["message"]), markup=False)


def _print_missing(console: Console, s: dict, lang: str) -> None:
    missing, late = s.get("missing"), s.get("late")
    if missing is None:
        return
    year = s["filter"].get("year")
    console.print(_w(lang, f"{year}年度未发布年报的机关 {len(missing)} 个（按机关名录）", f"{len(missing)} agencies on the register have not published for {year}"), style="bold red" if missing else "bold green")
    for m in missing:
        console.print(f"  {m['name']}", markup=False)
    if late:
        console.print(_w(lang, f"逾期发布（XG701）{len(late)} 份", f"{len(late)} published late (XG701)"), style="bold yellow")
        for x in late:
            console.print(f"  {x['agency']}  {x['published'] or ''}", markup=False)


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
    tbl.add_column(_w(lang, "依据报告数", "reports"), justify="right")
    tbl.add_column(_w(lang, "未计入", "left out"))
    for rd in RATES:
        r = rates[rd.key]
        tbl.add_row(
            rd.zh if lang != "en" else rd.en,
            _pct(r),
            f"{_fmt_num(r['numerator']) or '—'} / {_fmt_num(r['denominator']) or '—'}",
            str(r.get("reports", "")),
            _left_out(r, lang),
        )
    console.print(tbl)
    console.print(
        _w(lang, "比率只按所需单元格全部填写的报告计算；标 * 的比率有报告因空白或数据矛盾未计入。", "rates use only the reports that fill every cell they need; * some reports were left out (blanks or contradictions)."),
        style="dim",
    )


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


def _long_rows(s: dict, keys: bool = True) -> list[list]:
    """group, key, label, sum, reports, blank, missing, incomplete — cells then rates
    (without ``keys``: group, label, … with the official label of the cell, column_label)."""
    out = []
    blocks = s["groups"] if s.get("groups") is not None else [{"group": "", **s}]
    for b in blocks:
        for k in summary_keys():
            v = b["cells"].get(k)
            if v is None:
                continue
            head = [b["group"], k, label_of(k)] if keys else [b["group"], column_label(k)]
            out.append([*head, v["sum"] if v["reports"] else None, v["reports"], v["blank"], v["missing"], bool(v["blank"])])
        for rd in RATES:
            r = b["rates"][rd.key]
            head = [b["group"], f"rate.{rd.key}", rd.zh] if keys else [b["group"], rd.zh]
            out.append([*head, r["value"], r.get("reports"), r.get("left_out_blank"), r.get("left_out_impossible"), r["incomplete"]])
    return out


LONG_HEADER = ["group", "key", "label", "sum", "reports", "blank", "missing", "incomplete"]
# the same columns headed in Chinese (the cell named by its official label); for a rate, 报告数 is
# the reports it rests on, 空白 and 缺少 those left out for blanks and for contradictory figures
LONG_HEADER_ZH = ["分组", "项目", "合计或比率", "报告数", "空白", "缺少或矛盾", "不完整"]


def summary_csv(s: dict, keys: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(LONG_HEADER if keys else LONG_HEADER_ZH)
    for row in _long_rows(s, keys):
        if not keys:
            row = [("是" if v else "") if isinstance(v, bool) else v for v in row]
        w.writerow(["" if v is None else neutral(v) for v in row])
    return buf.getvalue()


def summary_json(s: dict) -> str:
    return json.dumps(s, ensure_ascii=False, indent=1)


def write_summary_xlsx(s: dict, path: str | Path, keys: bool = False) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    warn = PatternFill("solid", fgColor="FFF2CC")
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _T3_NUMBER
    rows, cols = t3_shape()
    ws.append([""] + [lab for _, lab in cols])
    for rk, rlab in rows:
        keys_ = [f"t3.{rk}.{ck}" for ck, _ in cols]
        if not any(k in s["cells"] for k in keys_):
            continue
        _xl_row(ws, rlab, [s["cells"].get(k) for k in keys_], warn)
    _lay_out(ws, [46] + [11] * len(cols), number="#,##0")
    ws4 = wb.create_sheet(T4.number)
    rows4, cols4 = t4_shape()
    ws4.append([""] + [lab for _, lab in cols4])
    for rk, rlab in rows4:
        _xl_row(ws4, rlab, [s["cells"].get(f"t4.{rk}.{ck}") for ck, _ in cols4], warn)
    _lay_out(ws4, [28] + [11] * len(cols4), number="#,##0")
    wr = wb.create_sheet("比率")
    wr.append(["比率", "数值", "分子", "分母", "依据报告数", "因空白未计入", "因数据矛盾未计入"])
    for rd in RATES:
        r = s["rates"][rd.key]
        wr.append(neutral_row([rd.zh, r["value"], r["numerator"], r["denominator"], r.get("reports"), r.get("left_out_blank"), r.get("left_out_impossible")]))
    _lay_out(wr, [14, 10, 10, 10, 12, 14, 18], number="#,##0")
    for (cell,) in wr.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = "0.0%"
    wl = wb.create_sheet("明细")
    wl.append(LONG_HEADER if keys else LONG_HEADER_ZH)
    for row in _long_rows(s, keys):
        wl.append(neutral_row(row))
    _lay_out(wl, [12, 18, 40, 10, 8, 8, 8, 8] if keys else [12, 48, 12, 8, 8, 12, 8], number="#,##0.####")
    wru = wb.create_sheet("规则")
    wru.append(["规则", "级别", "报告数", "发现数"])
    for r in s["rules"]:
        wru.append(neutral_row([r["rule"], r["severity"], r["reports"], r["findings"]]))
    _lay_out(wru, [10, 10, 10, 10])
    wk = wb.create_sheet("排名")
    wk.append(["机关", "报告数", "错误", "警告"])
    for r in s["ranking"]:
        wk.append(neutral_row([r["agency"], r["reports"], r["errors"], r["warnings"]]))
    _lay_out(wk, [36, 10, 10, 10])
    if s.get("missing") is not None:
        wm = wb.create_sheet("未发布")
        wm.append(["机关", "省", "市", "县", "上级机关"])
        for m in s["missing"]:
            wm.append(neutral_row([m["name"], m["province"], m["city"], m["county"], m.get("parent")]))
        _lay_out(wm, [36, 12, 12, 12, 30])
        if s.get("late"):
            wl2 = wb.create_sheet("逾期发布")
            wl2.append(["机关", "发布日期", "说明"])
            for x in s["late"]:
                wl2.append(neutral_row([x["agency"], x["published"], x["message"]]))
            _lay_out(wl2, [36, 12, 60])
            for (cell,) in wl2.iter_rows(min_row=2, min_col=2, max_col=2):
                cell.number_format = "yyyy-mm-dd"
    for sheet in wb.worksheets:
        for c in sheet[1]:
            c.font = bold
            c.alignment = Alignment(wrap_text=True, vertical="center")
    wb.save(str(path))


def _lay_out(ws, widths: list[int], number: str | None = None) -> None:
    """Column widths, the header row (and label column) frozen, a filter, a number format on the figures."""
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    if number:
        for row in ws.iter_rows(min_row=2, min_col=2):
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = number


def _xl_row(ws, label: str, figs: list, fill) -> None:
    vals = [(f["sum"] if f and f["reports"] else None) for f in figs]
    ws.append(neutral_row([label, *vals]))
    for cell, f in zip(ws[ws.max_row][1:], figs):
        if f and f["blank"]:
            cell.fill = fill
            from openpyxl.comments import Comment

            cell.comment = Comment(f"{f['blank']} 份报告此格为空，合计不完整", "xxgk")
