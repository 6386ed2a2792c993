"""The store's one door to the checker.

``xxgk.check.check_record`` is built on another branch; until it is merged it
raises NotImplementedError.  The store calls it only through :func:`run_checks`,
which reports whether the checker ran, so that reports ingested before the
checker existed are checked later (``reports.checked``) instead of being
stored as clean.
"""

from __future__ import annotations

from functools import cache

from ..model import Finding, Meta, Record, Source

CROSS_YEAR_PREFIX = "XG6"


def run_checks(record: Record, previous: Record | None = None, select: list[str] | None = None) -> tuple[list[Finding], bool]:
    """(findings, ran): the checker's findings, and False when no checker is available."""
    from ..check import check_record

    try:
        found = check_record(record, previous=previous, select=select)
    except NotImplementedError:
        return [], False
    return list(found), True


def cross_year_findings(record: Record, previous: Record) -> tuple[list[Finding], bool]:
    """The XG6xx findings of ``record`` against the same agency's previous-year report."""
    found, ran = run_checks(record, previous=previous, select=[CROSS_YEAR_PREFIX])
    return [f for f in found if f.rule.startswith(CROSS_YEAR_PREFIX)], ran


@cache
def checker_available() -> bool:
    probe = Record(source=Source(path="<probe>", sha256="", format="text"), meta=Meta(), cells={})
    try:
        _, ran = run_checks(probe)
    except Exception:  # a checker that fails on an empty record still exists
        return True
    return ran
