"""What every rule reads: the record, the layout it uses and small helpers.

Cells: ``ctx.v(key)`` is the value or None (blank or missing), ``ctx.n(key)``
the value with blank counted as 0 (the arithmetic of the form), ``key in ctx``
whether the document has the cell at all.  Labels always come from
:mod:`xxgk.layouts`.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

from ..layouts import LAYOUT_2021, T3_COLUMNS, T3_OTHER_SINGLE, Layout, Row, Table, all_cell_keys, layout_for
from ..model import Finding, Record
from ..agency import AgencyKind, agency_kind
from .registry import RULES, Severity

T3_HEAD = ("new", "carried_in")
T3_TAIL = ("total", "carried_out")
T3_APPLICANTS = tuple(c.key for c in T3_COLUMNS if c.key not in ("total", "org_subtotal"))
T3_ORGS = T3_APPLICANTS[1:]


TABLE_KEYS = {t: frozenset(k for k in all_cell_keys() if k.startswith(t + ".")) for t in ("t2", "t3", "t4")}
_T3_OTHER_KEYS = frozenset(f"t3.other.{c.key}" for c in T3_COLUMNS)
_T3_OTHER_SUB_KEYS = frozenset(
    f"t3.{r.key}.{c.key}" for r in LAYOUT_2021.table("t3").rows if r.group == "other_group" for c in T3_COLUMNS
)
_T3_SUBTOTAL_KEYS = frozenset(k for k in all_cell_keys() if k.startswith("t3.") and k.endswith(".org_subtotal"))


@lru_cache(maxsize=8)
def _t3_rows(template: str, single_other: bool) -> tuple[Row, ...]:
    rows = list(layout_for(template).table("t3").rows)
    if single_other:
        sub = [i for i, r in enumerate(rows) if r.group == "other_group"]
        rows[sub[0] : sub[-1] + 1] = [T3_OTHER_SINGLE]
    return tuple(rows)


def fmt(v: int | float | None) -> str:
    if v is None:
        return "空"
    if isinstance(v, float):
        return f"{v:g}" if not v.is_integer() else str(int(v))
    return str(v)


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

    @cached_property
    def tables_present(self) -> frozenset[str]:
        keys = self.cells.keys()
        return frozenset(t for t, ks in TABLE_KEYS.items() if not keys.isdisjoint(ks))

    def has_table(self, tkey: str) -> bool:
        return tkey in self.tables_present

    def table(self, tkey: str) -> Table:
        return self.layout.table(tkey)

    # ------------------------------------------------------------ 表三 shape
    @cached_property
    def t3_rows(self) -> list[Row]:
        """表三's rows in the layout the document uses; a 2021 report that keeps
        the single （六） row has ``other`` in place of the three sub-rows."""
        return list(_t3_rows(self.layout.template, self.t3_single_other))

    @cached_property
    def t3_single_other(self) -> bool:
        """A 2021-layout 表三 that keeps the 2019 single （六） row instead of its sub-rows."""
        keys = self.cells.keys()
        return self.layout.template == "2021" and not keys.isdisjoint(_T3_OTHER_KEYS) and keys.isdisjoint(_T3_OTHER_SUB_KEYS)

    @cached_property
    def t3_result_rows(self) -> list[str]:
        return [r.key for r in self.t3_rows if r.key not in T3_HEAD + T3_TAIL]

    @cached_property
    def t3_subtotal(self) -> bool:
        return not self.cells.keys().isdisjoint(_T3_SUBTOTAL_KEYS)

    @cached_property
    def t3_columns(self) -> list[str]:
        """Column keys of 表三 the document has (the optional 小计 only when present)."""
        return [c.key for c in T3_COLUMNS if c.key != "org_subtotal" or self.t3_subtotal]

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
