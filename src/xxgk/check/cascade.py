"""Findings that share one cause, grouped under it.

One blank total column of 表三 makes every row's 总计 disagree with its
applicant columns (XG302, a finding per row) and the column's （七）总计 with
its result rows (XG303): fourteen findings, one mistake.  :func:`cascades`
finds such groups — findings whose blank cells lie in one column of one table
— so the output can show the cause once with its consequences under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..layouts import label_of
from ..model import Finding, Record

_KEY = re.compile(r"^(t[34])\.([a-z_0-9]+)\.([a-z_0-9]+)$")
_TABLE = {"t3": "表三", "t4": "表四"}


@dataclass
class Cascade:
    table: str  # t3 / t4
    column: str  # the column key (total, natural …)
    blank: list[str]  # the blank cells of that column named by the findings
    findings: list[Finding] = field(default_factory=list)

    def cause(self, lang: str = "zh") -> str:
        col = label_of(self.blank[0]).split(" · ")[-1] if self.blank else self.column
        if lang == "en":
            return f"{len(self.blank)} blank cell(s) in column “{self.column}” of Table {self.table[1]} cause the {len(self.findings)} findings below"
        return f"{_TABLE.get(self.table, self.table)}“{col}”列有 {len(self.blank)} 个单元格留空，由此引起以下 {len(self.findings)} 个问题"


def _blank_column(rec: Record, f: Finding) -> tuple[str, str, list[str]] | None:
    """(table, column, blank cells) when the finding's blank cells lie in one column."""
    if f.culprit and f.culprit in rec.cells and rec.cells[f.culprit] is None:
        m = _KEY.match(f.culprit)  # the arithmetic singles out a blank cell: its column is the cause
        return (m.group(1), m.group(3), [f.culprit]) if m else None
    blanks = [k for k in f.where if k in rec.cells and rec.cells[k] is None]
    cols = set()
    for k in blanks:
        m = _KEY.match(k)
        if m:
            cols.add((m.group(1), m.group(3)))
    if len(cols) != 1:
        return None
    t, c = cols.pop()
    if f.culprit is None:  # no single cell singled out: the blanks must be most of what it names
        named = [k for k in f.where if _KEY.match(k)]
        if len(set(blanks)) * 2 < len(named):
            return None
    return t, c, list(dict.fromkeys(blanks))


def cascades(rec: Record, findings: list[Finding], least: int = 3) -> tuple[list[Cascade], list[Finding]]:
    """(groups of at least ``least`` findings caused by one blank column, the other findings)."""
    groups: dict[tuple[str, str], Cascade] = {}
    for f in findings:
        if f.rule in ("XG201",):  # the blank-cell finding names the cause itself
            continue
        bc = _blank_column(rec, f)
        if bc is None:
            continue
        t, c, blanks = bc
        g = groups.setdefault((t, c), Cascade(t, c, []))
        g.findings.append(f)
        g.blank.extend(b for b in blanks if b not in g.blank)
    kept = [g for g in groups.values() if len(g.findings) >= least]
    grouped = {id(f) for g in kept for f in g.findings}
    return kept, [f for f in findings if id(f) not in grouped]
