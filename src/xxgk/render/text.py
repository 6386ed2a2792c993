"""Record → plain text or Markdown in the official layout.

Every label comes from :mod:`xxgk.layouts`.  Several table styles are
offered because published text reports use all of them, and the parser's
property tests render random records in each style and read them back:

* ``tabs``      one table row a line, cells separated by tabs;
* ``cells``     one cell a line behind a tab, rows separated by a blank line
                (what Word-to-text converters write);
* ``lines``     one cell a line with nothing else (cannot show a blank cell);
* ``markdown``  pipe tables;
* ``aligned``   columns aligned with spaces (cannot show a blank cell).
"""

from __future__ import annotations

from typing import Iterable, Literal

from ..layouts import SECTIONS, T3_APPLICANT_GROUP, T3_HEADER_GROUP, T3_OTHER_SINGLE, T4_SUIT_GROUP, Layout, layout_for
from ..model import Record

Style = Literal["tabs", "cells", "lines", "markdown", "aligned"]
STYLES: tuple[Style, ...] = ("tabs", "cells", "lines", "markdown", "aligned")
BLANK_SAFE: tuple[Style, ...] = ("tabs", "cells", "markdown")  # styles that can show a blank cell


def fmt_value(v: int | float | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        return s if s not in ("", "-0") else "0"
    return str(v)


def _rows_t2(rec: Record, lay: Layout) -> Iterable[list[str]]:
    t = lay.table("t2")
    for block in t.blocks:
        yield [block.label]
        yield ["信息内容", *[c.label for c in block.columns]]
        for r in block.rows:
            yield [r.label, *[fmt_value(rec.cells.get(f"t2.{r.key}.{c.key}")) for c in block.columns]]


def _t3_rows(rec: Record, lay: Layout):
    t = lay.table("t3")
    rows = list(t.rows)
    if lay.template == "2021" and any(k.startswith("t3.other.") for k in rec.cells):
        idx = next(i for i, r in enumerate(rows) if r.group == "other_group")
        rows = [r for r in rows if r.group != "other_group"]
        rows.insert(idx, T3_OTHER_SINGLE)
    return rows


def _rows_t3(rec: Record, lay: Layout) -> Iterable[list[str]]:
    t = lay.table("t3")
    has_sub = any(k.endswith(".org_subtotal") for k in rec.cells)
    cols = [c for c in t.columns if not c.optional or has_sub]
    yield [t.note, T3_HEADER_GROUP]
    yield ["", cols[0].label, T3_APPLICANT_GROUP, cols[-1].label]
    yield ["", "", *[c.label for c in cols[1:-1]]]
    groups = {g.key: g for g in t.groups}
    shown: set[str] = set()
    for r in _t3_rows(rec, lay):
        keys = [f"t3.{r.key}.{c.key}" for c in cols]
        if not any(k in rec.cells for k in keys):
            continue
        if r.group and r.group in groups and r.group not in shown and groups[r.group].collapses_to != r.key:
            shown.add(r.group)
            g = groups[r.group]
            if r.group != "results":
                yield [g.full_label]
            elif r.key == "granted":
                yield [g.full_label]
        yield [r.full_label, *[fmt_value(rec.cells.get(k)) for k in keys]]


def _rows_t4(rec: Record, lay: Layout) -> Iterable[list[str]]:
    t = lay.table("t4")
    cols = [c.label for c in t.columns]
    yield [t.rows[0].label, T4_SUIT_GROUP]
    yield [*cols, t.rows[1].label, t.rows[2].label]
    yield ["", "", "", "", "", *cols, *cols]
    yield [fmt_value(rec.cells.get(f"t4.{r.key}.{c.key}")) for r in t.rows for c in t.columns]


def _table(rows: list[list[str]], style: Style) -> str:
    if style == "tabs":
        return "\n".join("\t".join(r) for r in rows)
    if style == "cells":
        return "\n\n".join("\n".join("\t" + c for c in r) for r in rows)
    if style == "lines":
        return "\n\n".join(c for r in rows for c in r if c)
    if style == "markdown":
        width = max(len(r) for r in rows)
        out = []
        for i, r in enumerate(rows):
            cells = r + [""] * (width - len(r))
            out.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
            if i == 0:
                out.append("|" + "---|" * width)
        return "\n".join(out)
    if style == "aligned":
        return "\n".join("    ".join(c for c in r if c) for r in rows)
    raise ValueError(style)


def render_text(rec: Record, style: Style = "tabs", markdown: bool = False) -> str:
    """The whole report as text: title, the six sections with the tables in
    sections 二–四, the agency and the date at the end."""
    lay = layout_for(rec.meta.template)
    m = rec.meta
    title = m.title or f"{m.agency or ''}{m.year or ''}年政府信息公开工作年度报告"
    h = "# " if markdown else ""
    h2 = "## " if markdown else ""
    parts = [h + title, ""]
    texts = {s.no: s for s in rec.sections if s.no is not None}
    has = lambda t: any(k.startswith(t + ".") for k in rec.cells)  # noqa: E731
    for sec in SECTIONS:
        given = texts.get(sec.no)
        parts.append(h2 + (given.title if given else sec.title))
        parts.append("")
        if given and given.text:
            parts.append(given.text)
            parts.append("")
        table = {2: "t2", 3: "t3", 4: "t4"}.get(sec.no)
        if table and has(table):
            rows = list({"t2": _rows_t2, "t3": _rows_t3, "t4": _rows_t4}[table](rec, lay))
            parts.append(_table(rows, style))
            parts.append("")
    if m.agency:
        parts.append(m.agency)
    if m.published:
        y, mo, d = m.published.split("-")
        parts.append(f"{int(y)}年{int(mo)}月{int(d)}日")
    return "\n".join(parts).rstrip() + "\n"


def render_markdown(rec: Record) -> str:
    return render_text(rec, style="markdown", markdown=True)
