"""A record shown in the terminal: the three tables in their official shape (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..layouts import T2_LABEL_HEADER, T4_SUIT_GROUP, Layout, layout_for
from ..model import Record


def _fmt(rec: Record, key: str) -> Text:
    if key not in rec.cells:
        return Text("—", style="dim")
    v = rec.cells[key]
    if v is None:
        raw = rec.raw.get(key)
        return Text(raw if raw else "空", style="yellow" if raw else "dim italic")
    s = str(v)
    if key in rec.uncertain:
        return Text(s + "?", style="bold yellow")
    return Text(s)


def _meta_line(rec: Record, lang: str) -> str:
    m = rec.meta
    if lang == "en":
        return f"agency: {m.agency or '?'}   year: {m.year or '?'}   layout: {m.template or '?'}   date: {m.published or '—'}"
    return f"机关：{m.agency or '未知'}　年度：{m.year or '未知'}　格式：{m.template or '未知'}　日期：{m.published or '未注明'}"


def print_record(console: Console, rec: Record, lang: str = "zh") -> None:
    console.rule(Text(rec.source.path, style="bold"))
    console.print(rec.meta.title or "", style="bold", markup=False)
    console.print(_meta_line(rec, lang), markup=False)
    if not rec.cells:
        console.print("未找到标准统计表" if lang != "en" else "no standard tables found", style="yellow")
        return
    lay = layout_for(rec.meta.template)
    _print_t2(console, rec, lay)
    _print_t3(console, rec, lay)
    _print_t4(console, rec, lay)
    if rec.uncertain:
        console.print(("不确定的单元格：" if lang != "en" else "uncertain cells: ") + "、".join(rec.uncertain), style="yellow")


def _print_t2(console: Console, rec: Record, lay: Layout) -> None:
    t = lay.table("t2")
    if not any(k.startswith("t2.") for k in rec.cells):
        return
    for block in t.blocks:
        tbl = RichTable(title=f"{t.number} {block.label}" if block is t.blocks[0] else block.label, title_justify="left", show_lines=False)
        tbl.add_column(T2_LABEL_HEADER)
        for c in block.columns:
            tbl.add_column(c.label, justify="right")
        for r in block.rows:
            tbl.add_row(r.label, *[_fmt(rec, f"t2.{r.key}.{c.key}") for c in block.columns])
        console.print(tbl)


def _print_t3(console: Console, rec: Record, lay: Layout) -> None:
    t = lay.table("t3")
    if not any(k.startswith("t3.") for k in rec.cells):
        return
    has_sub = any(k.endswith(".org_subtotal") for k in rec.cells)
    cols = [c for c in t.columns if not c.optional or has_sub]
    tbl = RichTable(title=f"{t.number} {t.title[2:]}", title_justify="left", caption=t.note, caption_justify="left")
    tbl.add_column("", min_width=16, ratio=3, overflow="fold")
    for c in cols:
        tbl.add_column(c.label, justify="right", ratio=1, overflow="fold")
    rows = list(t.rows)
    if any(k.startswith("t3.other.") for k in rec.cells) and lay.template == "2021":
        from ..layouts import T3_OTHER_SINGLE

        idx = next(i for i, r in enumerate(rows) if r.group == "other_group")
        rows.insert(idx, T3_OTHER_SINGLE)
    groups = {g.key: g for g in t.groups}
    shown: set[str] = set()
    for r in rows:
        keys = [f"t3.{r.key}.{c.key}" for c in cols]
        if not any(k in rec.cells for k in keys):
            continue
        g = groups.get(r.group or "")
        if g is not None and g.key not in shown and g.collapses_to != r.key:
            shown.add(g.key)
            tbl.add_row(Text(g.full_label, style="bold"))
        tbl.add_row(r.full_label, *[_fmt(rec, k) for k in keys])
    console.print(tbl)


def _print_t4(console: Console, rec: Record, lay: Layout) -> None:
    t = lay.table("t4")
    if not any(k.startswith("t4.") for k in rec.cells):
        console.print(f"{t.number}：未找到", style="yellow")
        return
    tbl = RichTable(title=f"{t.number} {t.title[2:]}", title_justify="left")
    tbl.add_column("")
    for c in t.columns:
        tbl.add_column(c.label, justify="right")
    for r in t.rows:
        prefix = "" if r.key == "review" else f"{T4_SUIT_GROUP}·"
        tbl.add_row(prefix + r.label, *[_fmt(rec, f"t4.{r.key}.{c.key}") for c in t.columns])
    console.print(tbl)
