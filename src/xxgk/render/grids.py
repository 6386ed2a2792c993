"""The three tables as grids of cells, in the official shape.

Every output format prints the same grids: :func:`official_grid` gives the
form's grid with its merged cells (DOCX, HTML, the workbook), and
:func:`flat_grid` the same rows with one label column and no merges, the
shape the text reader reads back (Markdown, plain text).  Rows whose cells
the record does not have at all are left out (a report that collapsed
表三 is printed collapsed), so that parsing the output gives back the same
cell keys.  Every label comes from :mod:`xxgk.layouts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..layouts import (
    T3_APPLICANT_GROUP,
    T3_HEADER_GROUP,
    T3_LABEL_COLUMNS,
    T3_OTHER_SINGLE,
    T3_RESULTS_GROUP,
    T4_SUIT_GROUP,
    Column,
    Layout,
    Row,
    Table,
    label_span,
)
from ..model import Value
from ..totals import t3_row_keys


@dataclass
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    role: str = "value"  # head | label | value | note
    key: str | None = None  # the cell key of a value


Grid = list[list["GCell | None"]]  # None: a position covered by a merged cell


def fmt(v: Value) -> str:
    """A figure as printed: blank → '', 12 → '12', 323.6 → '323.6', -60 → '-60'."""
    if v is None:
        return ""
    if isinstance(v, float):
        s = repr(v)
        if "e" in s or "E" in s:
            s = format(Decimal(s), "f")
        return s
    return str(v)


def cell_text(cells: dict, key: str, raw: dict | None = None) -> str:
    """What to print in a cell: the figure, or for a blank cell the text the
    source held in it (a lone 减), so that re-typesetting keeps it."""
    v = cells.get(key)
    if v is None and raw and key in raw:
        return raw[key]
    return fmt(v)


def _value(cells: dict, key: str, colspan: int = 1, raw: dict | None = None) -> GCell:
    return GCell(cell_text(cells, key, raw), colspan=colspan, role="value", key=key)


def t2_columns_header(t2: Table) -> str:
    """信息内容 — the header of 表二's label column (from the layout)."""
    return t2.header[1]


def _has_row(cells: dict, tkey: str, row: Row, cols: tuple[Column, ...]) -> bool:
    return any(f"{tkey}.{row.key}.{c.key}" in cells for c in cols)


def t3_columns(table: Table, cells: dict) -> list[Column]:
    has_sub = any(k.startswith("t3.") and k.endswith(".org_subtotal") for k in cells)
    return [c for c in table.columns if not c.optional or has_sub]


def t3_rows(layout: Layout, cells: dict) -> list[Row]:
    """The 表三 rows the record has, in layout order."""
    t3 = layout.table("t3")
    cols = t3_columns(t3, cells)
    by_key = {r.key: r for r in t3.rows}
    by_key.setdefault("other", T3_OTHER_SINGLE)
    return [by_key[k] for k in t3_row_keys(layout, cells) if _has_row(cells, "t3", by_key[k], tuple(cols))]


def has_table(cells: dict, tkey: str) -> bool:
    return any(k.startswith(tkey + ".") for k in cells)


# ---------------------------------------------------------------- official grids

T2_WIDTH = 4


def official_grid(layout: Layout, tkey: str, cells: dict, raw: dict | None = None) -> Grid:
    return {"t2": _t2_official, "t3": _t3_official, "t4": _t4_official}[tkey](layout, cells, raw or {})


def _spans(n: int, width: int) -> list[int]:
    """Column spans of n figures over ``width`` columns: the last one takes the rest."""
    return [1] * (n - 1) + [width - (n - 1)]


def _t2_official(layout: Layout, cells: dict, raw: dict) -> Grid:
    t2 = layout.table("t2")
    grid: Grid = []
    for block in t2.blocks:
        rows = [r for r in block.rows if _has_row(cells, "t2", r, block.columns)]
        if not rows:
            continue
        spans = _spans(len(block.columns), T2_WIDTH - 1)
        grid.append([GCell(block.label, colspan=T2_WIDTH, role="head"), None, None, None])
        line: list[GCell | None] = [GCell(t2_columns_header(t2), role="head")]
        for c, s in zip(block.columns, spans):
            line.append(GCell(c.label, colspan=s, role="head"))
            line.extend([None] * (s - 1))
        grid.append(line)
        for r in rows:
            line = [GCell(r.label, role="label")]
            for c, s in zip(block.columns, spans):
                line.append(_value(cells, f"t2.{r.key}.{c.key}", s, raw))
                line.extend([None] * (s - 1))
            grid.append(line)
    return grid


def _t3_official(layout: Layout, cells: dict, raw: dict) -> Grid:
    t3 = layout.table("t3")
    cols = t3_columns(t3, cells)
    n = len(cols)
    width = 3 + n
    orgs = [c for c in cols if c.key not in ("natural", "total")]
    groups = {g.key: g for g in t3.groups}
    grid: Grid = []
    h0: list[GCell | None] = [GCell(t3.note, rowspan=3, colspan=3, role="note"), None, None]
    h0 += [GCell(T3_HEADER_GROUP, colspan=n, role="head")] + [None] * (n - 1)
    h1: list[GCell | None] = [None, None, None, GCell(cols[0].label, rowspan=2, role="head")]
    h1 += [GCell(T3_APPLICANT_GROUP, colspan=len(orgs), role="head")] + [None] * (len(orgs) - 1)
    h1 += [GCell(cols[-1].label, rowspan=2, role="head")]
    h2: list[GCell | None] = [None] * 4 + [GCell(c.label, role="head") for c in orgs] + [None]
    grid += [h0, h1, h2]
    rows = t3_rows(layout, cells)
    in_results = [r for r in rows if r.group is not None]
    results_done = False
    seen_groups: set[str] = set()
    for r in rows:
        line: list[GCell | None] = [None] * 3
        span = label_span(t3, r)
        if span == T3_LABEL_COLUMNS:
            line = [GCell(r.full_label, colspan=span, role="label"), None, None]
        else:
            if not results_done:
                line[0] = GCell(groups[T3_RESULTS_GROUP].full_label, rowspan=len(in_results), role="label")
                results_done = True
            if span == T3_LABEL_COLUMNS - 1:
                line[1] = GCell(r.full_label, colspan=span, role="label")
            else:
                if r.group not in seen_groups:
                    members = [x for x in rows if x.group == r.group]
                    line[1] = GCell(groups[r.group].full_label, rowspan=len(members), role="label")
                    seen_groups.add(r.group)
                line[2] = GCell(r.full_label, role="label")
        line += [_value(cells, f"t3.{r.key}.{c.key}", raw=raw) for c in cols]
        assert len(line) == width
        grid.append(line)
    return grid


def _t4_official(layout: Layout, cells: dict, raw: dict) -> Grid:
    t4 = layout.table("t4")
    review, direct, after = t4.rows
    cols = t4.columns
    n = len(cols)
    h0: list[GCell | None] = [GCell(review.label, colspan=n, role="head")] + [None] * (n - 1)
    h0 += [GCell(T4_SUIT_GROUP, colspan=2 * n, role="head")] + [None] * (2 * n - 1)
    h1: list[GCell | None] = [GCell(c.label, rowspan=2, role="head") for c in cols]
    for r in (direct, after):
        h1 += [GCell(r.label, colspan=n, role="head")] + [None] * (n - 1)
    h2: list[GCell | None] = [None] * n + [GCell(c.label, role="head") for _ in (direct, after) for c in cols]
    data: list[GCell | None] = [_value(cells, f"t4.{r.key}.{c.key}", raw=raw) for r in t4.rows for c in cols]
    return [h0, h1, h2, data]


# ---------------------------------------------------------------- flat grids (text)


def flat_grid(layout: Layout, tkey: str, cells: dict, raw: dict | None = None) -> list[list[str]]:
    """The rows of a table for text output: one label column, group labels
    on rows of their own, header cells that a merge would cover left ''."""
    if tkey == "t2":
        t2 = layout.table("t2")
        out: list[list[str]] = []
        for block in t2.blocks:
            rows = [r for r in block.rows if _has_row(cells, "t2", r, block.columns)]
            if not rows:
                continue
            out.append([block.label])
            out.append([t2_columns_header(t2), *(c.label for c in block.columns)])
            for r in rows:
                out.append([r.label, *(cell_text(cells, f"t2.{r.key}.{c.key}", raw) for c in block.columns)])
        return out
    if tkey == "t3":
        t3 = layout.table("t3")
        cols = t3_columns(t3, cells)
        orgs = [c for c in cols if c.key not in ("natural", "total")]
        groups = {g.key: g for g in t3.groups}
        out = [
            [t3.note, T3_HEADER_GROUP] + [""] * (len(cols) - 1),
            ["", cols[0].label, T3_APPLICANT_GROUP] + [""] * (len(orgs) - 1) + [cols[-1].label],
            ["", ""] + [c.label for c in orgs] + [""],
        ]
        seen: set[str] = set()
        for r in t3_rows(layout, cells):
            for g in ("results", r.group) if r.group is not None else ():
                if g in groups and g not in seen:
                    out.append([groups[g].full_label])
                    seen.add(g)
            out.append([r.full_label, *(cell_text(cells, f"t3.{r.key}.{c.key}", raw) for c in cols)])
        return out
    t4 = layout.table("t4")
    review, direct, after = t4.rows
    cols = t4.columns
    n = len(cols)
    return [
        [review.label] + [""] * (n - 1) + [T4_SUIT_GROUP],
        [c.label for c in cols] + [direct.label] + [""] * (n - 1) + [after.label],
        [""] * n + [c.label for _ in (direct, after) for c in cols],
        [cell_text(cells, f"t4.{r.key}.{c.key}", raw) for r in t4.rows for c in cols],
    ]
