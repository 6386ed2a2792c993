"""What every rule reads: the record, the layout it uses and small helpers.

Cells: ``ctx.v(key)`` is the value or None (blank or missing), ``ctx.n(key)``
the value with blank counted as 0 (the arithmetic of the form), ``key in ctx``
whether the document has the cell at all.  Labels always come from
:mod:`xxgk.layouts`.
"""

from __future__ import annotations

from functools import cached_property

from ..layouts import T3_COLUMNS, T3_OTHER_SINGLE, T4, Layout, Row, Table, layout_for
from ..model import Finding, Record
from .agency import AgencyKind, agency_kind
from .registry import RULES, Severity

T3_HEAD = ("new", "carried_in")
T3_TAIL = ("total", "carried_out")
T3_APPLICANTS = tuple(c.key for c in T3_COLUMNS if c.key not in ("total", "org_subtotal"))
T3_ORGS = T3_APPLICANTS[1:]


def fmt(v: int | float | None) -> str:
    if v is None:
        return "空"
    if isinstance(v, float):
        return f"{v:g}" if not v.is_integer() else str(int(v))
    return str(v)


def fmt_en(v: int | float | None) -> str:
    return "blank" if v is None else fmt(v)


class Context:
    def __init__(self, record: Record, previous: Record | None = None):
        self.rec = record
        self.prev = previous
        self.cells = record.cells
        self.template = record.meta.template
        self.year = record.meta.year
        self.layout: Layout = layout_for(self.template if self.template in ("2019", "2021") else None)

    # ------------------------------------------------------------ cells
    def __contains__(self, key: str) -> bool:
        return key in self.cells

    def v(self, key: str) -> int | float | None:
        return self.cells.get(key)

    def n(self, key: str) -> int | float:
        v = self.cells.get(key)
        return 0 if v is None else v

    def has_table(self, tkey: str) -> bool:
        p = tkey + "."
        return any(k.startswith(p) for k in self.cells)

    def table(self, tkey: str) -> Table:
        return self.layout.table(tkey)

    # ------------------------------------------------------------ 表三 shape
    @cached_property
    def t3_rows(self) -> list[Row]:
        """表三's rows in the layout the document uses; a 2021 report that keeps
        the single （六） row has ``other`` in place of the three sub-rows."""
        rows = list(self.table("t3").rows)
        if self.layout.template == "2021" and any(k.startswith("t3.other.") for k in self.cells):
            sub = [i for i, r in enumerate(rows) if r.group == "other_group"]
            if not any(f"t3.{rows[i].key}.total" in self.cells or f"t3.{rows[i].key}.natural" in self.cells for i in sub):
                rows[sub[0] : sub[-1] + 1] = [T3_OTHER_SINGLE]
        return rows

    @cached_property
    def t3_result_rows(self) -> list[str]:
        return [r.key for r in self.t3_rows if r.key not in T3_HEAD + T3_TAIL]

    @cached_property
    def t3_columns(self) -> list[str]:
        """Column keys of 表三 the document has (the optional 小计 only when present)."""
        sub = any(k.startswith("t3.") and k.endswith(".org_subtotal") for k in self.cells)
        return [c.key for c in T3_COLUMNS if c.key != "org_subtotal" or sub]

    # ------------------------------------------------------------ labels
    def row_label(self, tkey: str, rkey: str) -> str:
        if tkey == "t3" and rkey == "other":
            return T3_OTHER_SINGLE.full_label
        t = self.table(tkey)
        for r in t.rows:
            if r.key == rkey:
                if tkey != "t3":
                    return r.label
                g = next((g for g in t.groups if g.key == r.group and g.key != "results"), None)
                return f"{g.full_label} {r.full_label}" if g else r.full_label
        return rkey

    def col_label(self, tkey: str, ckey: str) -> str:
        t = self.table(tkey)
        for r in t.rows:
            for c in t.columns_of(r):
                if c.key == ckey:
                    return c.label
        if tkey == "t3":
            for c in T3_COLUMNS:
                if c.key == ckey:
                    return c.label
        return ckey

    def cell_label(self, key: str) -> str:
        """``规章·本年新制作数量`` — row and column of a cell, without the table."""
        tkey, rkey, ckey = key.split(".")
        return f"{self.row_label(tkey, rkey)}·{self.col_label(tkey, ckey)}"

    @staticmethod
    def t4_number() -> str:
        return T4.number

    def number(self, tkey: str) -> str:
        return self.table(tkey).number

    # ------------------------------------------------------------ agency
    @cached_property
    def agency(self) -> AgencyKind:
        return agency_kind(self.rec.meta.agency)

    # ------------------------------------------------------------ findings
    def finding(
        self,
        rule_id: str,
        where: list[str],
        message: str,
        message_en: str,
        culprit: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            rule=rule_id,
            severity=severity or RULES[rule_id].severity,
            where=where,
            message=message,
            message_en=message_en,
            culprit=culprit,
        )
