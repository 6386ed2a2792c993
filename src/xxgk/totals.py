"""The totals of the three tables, computed from their details.

A rendered report prints totals that are right by construction: every total
is the sum of its details.  A total the input gives is kept when it agrees;
when it disagrees the report is refused (the caller shows the checker's
message), unless the caller asks to keep the given figures.

Blank is never zero: a total whose details are all blank (or absent) is not
computed — the given total, blank or not, is kept.  A total left blank beside
filled details is filled in.

The relations (report-json.md keys):

* 表三 every row: ``total`` = the six applicant columns (``org_subtotal``,
  when the report has it, = the five 法人或其他组织 columns);
* 表三 ``total`` row = the result rows （一）…（六）, column by column;
* 表四 every group: ``total`` = 结果维持 + 结果纠正 + 其他结果 + 尚未审结;
* 表三 balance (not a total, a check): 一 + 二 = 三（七） + 四 in every column.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layouts import T3_COLUMNS, T4_COLUMNS, T4_ROWS, Layout, label_of, layout_for
from .model import Record, Value

_APPLICANTS = [c.key for c in T3_COLUMNS if c.key not in ("org_subtotal", "total")]
_ORGS = [k for k in _APPLICANTS if k != "natural"]
_T4_DETAILS = [c.key for c in T4_COLUMNS if c.key != "total"]
# rows of 表三 that are not results (everything else up to 总计 is a result row)
_T3_NOT_RESULTS = ("new", "carried_in", "total", "carried_out")


@dataclass(frozen=True)
class Relation:
    total: str  # the cell key of the total
    details: tuple[str, ...]
    rule: str  # the checker's rule id for a disagreement


@dataclass(frozen=True)
class Conflict:
    """A given figure that disagrees with what its details make."""

    rule: str
    where: tuple[str, ...]
    given: Value
    computed: Value
    message: str
    message_en: str


def _num(v: Value) -> str:
    if v is None:
        return "空"
    return f"{v:g}" if isinstance(v, float) else str(v)


def t3_row_keys(layout: Layout, cells: dict) -> list[str]:
    """The 表三 row keys of a record, in layout order (the single 2019 （六）
    row kept in a 2021 report included)."""
    keys = [r.key for r in layout.table("t3").rows]
    if "other" not in keys and any(k.startswith("t3.other.") for k in cells):
        first = next((i for i, r in enumerate(layout.table("t3").rows) if r.group == "other_group"), len(keys) - 2)
        keys.insert(first, "other")
    return keys


def relations(layout: Layout, cells: dict) -> list[Relation]:
    """Every total of the record, in the order they must be computed."""
    out: list[Relation] = []
    has_sub = any(k.endswith(".org_subtotal") for k in cells if k.startswith("t3."))
    rows = t3_row_keys(layout, cells)
    results = [r for r in rows if r not in _T3_NOT_RESULTS]

    def column(c: str) -> Relation:
        return Relation(f"t3.total.{c}", tuple(f"t3.{r}.{c}" for r in results), "XG303")

    out.extend(column(c) for c in _APPLICANTS)
    for r in rows:
        if has_sub:
            out.append(Relation(f"t3.{r}.org_subtotal", tuple(f"t3.{r}.{c}" for c in _ORGS), "XG302"))
            out.append(Relation(f"t3.{r}.total", (f"t3.{r}.natural", f"t3.{r}.org_subtotal"), "XG302"))
        else:
            out.append(Relation(f"t3.{r}.total", tuple(f"t3.{r}.{c}" for c in _APPLICANTS), "XG302"))
    out.extend(column(c) for c in (["org_subtotal"] if has_sub else []) + ["total"])
    for r in T4_ROWS:
        out.append(Relation(f"t4.{r.key}.total", tuple(f"t4.{r.key}.{c}" for c in _T4_DETAILS), "XG401"))
    return out


def _sum(values: list[Value]) -> Value:
    present = [v for v in values if v is not None]
    if not present:
        return None
    s = sum(present)
    return round(s, 6) if isinstance(s, float) else s


def _differs(a: Value, b: Value) -> bool:
    return abs(float(a) - float(b)) > 1e-6  # type: ignore[arg-type]


def compute_totals(record: Record, keep_given: bool = False) -> tuple[dict[str, Value], list[Conflict]]:
    """The record's cells with every total computed, and the given totals
    that disagree with their details (kept as given when ``keep_given``)."""
    layout = layout_for(record.meta.template)
    cells = dict(record.cells)
    conflicts: list[Conflict] = []
    for rel in relations(layout, cells):
        present = [k for k in rel.details if k in cells]
        if rel.total not in cells:
            if not present:
                continue  # neither the total nor its details: nothing to print
            cells[rel.total] = None  # the form has the total beside its details
        computed = _sum([cells[k] for k in present])
        if computed is None:
            continue
        given = cells[rel.total]
        if given is None:
            cells[rel.total] = computed
        elif _differs(given, computed):
            conflicts.append(_conflict(rel, given, computed, layout))
            if not keep_given:
                cells[rel.total] = computed
    balance = balance_failures(layout, cells)
    return cells, conflicts + balance


def balance_failures(layout: Layout, cells: dict) -> list[Conflict]:
    """Columns of 表三 where 一 + 二 ≠ 三（七） + 四 (XG301)."""
    out: list[Conflict] = []
    for c in layout.table("t3").columns:
        keys = [f"t3.{r}.{c.key}" for r in ("new", "carried_in", "total", "carried_out")]
        if not all(k in cells for k in keys):
            continue
        vals = [cells[k] for k in keys]
        if all(v is None for v in vals):
            continue
        left = _sum(vals[:2]) or 0
        right = _sum(vals[2:]) or 0
        if _differs(left, right):
            out.append(
                Conflict(
                    "XG301",
                    tuple(keys),
                    left,
                    right,
                    f"表三 {c.label}列：一+二 = {_num(left)}，三（七）+四 = {_num(right)}，本列勾稽关系不成立",
                    f"table 3, column {c.key}: new + carried in = {_num(left)}, total + carried out = {_num(right)}; the balance fails",
                )
            )
    return out


def _conflict(rel: Relation, given: Value, computed: Value, layout: Layout) -> Conflict:
    where = (rel.total, *rel.details)
    label = label_of(rel.total, layout.template)
    return Conflict(
        rel.rule,
        where,
        given,
        computed,
        f"{label}：填报 {_num(given)}，明细合计 {_num(computed)}，两者不一致",
        f"{rel.total}: given {_num(given)}, the details add up to {_num(computed)}",
    )
