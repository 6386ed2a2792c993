"""The rule registry: every rule of rules.md as a small unit (id, severity, layouts, docs, function).

A rule module declares its rules with :func:`rule`::

    @rule("XG301", "error", "表三 各列勾稽关系", "Table 3 column balance",
          doc=\"\"\"…\"\"\", layouts=("2019", "2021"))
    def balance(ctx: Context) -> Iterator[Finding]:
        ...

``check_record`` runs, in id order, every registered rule that is selected,
applies to the record's layout and (for XG6xx) has a previous record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..model import Finding

Severity = Literal["error", "warning", "info"]
ALL_LAYOUTS = ("2019", "2021", "pre2019", None)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str  # Chinese
    title_en: str
    doc: str  # what it checks, why the format requires it, how to fix (Chinese first, then English)
    layouts: tuple[str | None, ...]  # meta.template values the rule applies to
    func: Callable[..., Iterable[Finding]]
    needs_previous: bool = False

    @property
    def family(self) -> str:
        return self.id[:3]

    def applies_to(self, template: str | None) -> bool:
        return template in self.layouts


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    severity: Severity,
    title: str,
    title_en: str,
    *,
    doc: str,
    layouts: tuple[str | None, ...] = ("2019", "2021"),
    needs_previous: bool = False,
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    def register(func: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        RULES[id] = Rule(id, severity, title, title_en, doc.strip(), tuple(layouts), func, needs_previous)
        return func

    return register


def matches(rule_id: str, patterns: Iterable[str]) -> bool:
    """Does ``rule_id`` match one of the ids or prefixes (``XG3``, ``XG201``)?"""
    return any(rule_id.startswith(p.strip().upper()) for p in patterns if p.strip())


def selected(select: Iterable[str] | None, ignore: Iterable[str] | None) -> list[Rule]:
    sel = tuple(s for s in (select or []) if s.strip())
    ign = tuple(s for s in (ignore or []) if s.strip())
    return list(_selected(sel, ign, len(RULES)))


@lru_cache(maxsize=64)
def _selected(sel: tuple[str, ...], ign: tuple[str, ...], n_rules: int) -> tuple[Rule, ...]:
    """The rules of a selection, worked out once per selection (the store checks thousands of reports with one)."""
    out = []
    for rid in sorted(RULES):
        if sel and not matches(rid, sel):
            continue
        if ign and matches(rid, ign):
            continue
        out.append(RULES[rid])
    return tuple(out)
