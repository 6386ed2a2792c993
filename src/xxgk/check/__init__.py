"""Record → findings: the linter (rules registry in the style of ruff).

Interface used by the CLI and the store::

    check_record(record, previous=None, select=None, ignore=None) -> list[Finding]

``previous`` is the same agency's report of the year before (XG6xx rules).
``select`` / ``ignore`` are lists of rule ids or prefixes (``XG3``, ``XG201``).

Every rule lives in :mod:`xxgk.check.rules` (one module per family) and is
registered in :data:`xxgk.check.registry.RULES` with its id, severity,
layouts, titles and documentation.

A finding's ``where`` names its place with the keys of report-json.md:
cell keys (``t3.new.total``), a whole table (``t4``) when the table is
missing, ``section:N`` for standard section N (``section:extra:N`` for an
added section printed with numeral N), and ``meta.year`` /
``meta.template`` / ``meta.agency`` / ``meta.published`` / ``meta.title``.
``culprit`` is the one cell the arithmetic singles out, when it does.
"""

from __future__ import annotations

from ..model import Finding, Record
from . import rules as _rules  # noqa: F401  (registers every rule)
from .context import Context
from .registry import RULES, Rule, selected

__all__ = ["RULES", "Rule", "check_record", "summary"]


def check_record(record: Record, previous: Record | None = None, select: list[str] | None = None, ignore: list[str] | None = None) -> list[Finding]:
    """Every finding of the selected rules on ``record``, in rule-id order."""
    ctx = Context(record, previous)
    out: list[Finding] = []
    for r in selected(select, ignore):
        if r.needs_previous and previous is None:
            continue
        if not r.applies_to(record.meta.template):
            continue
        out.extend(r.func(ctx))
    return out


def summary(findings: list[Finding]) -> dict[str, int]:
    """Counts by severity."""
    c = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        c[f.severity] += 1
    return c
