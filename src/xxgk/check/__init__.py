"""Record → findings: the linter (rules registry in the style of ruff).

Interface used by the CLI and the store::

    check_record(record, previous=None, select=None, ignore=None) -> list[Finding]

``previous`` is the same agency's report of the year before (XG6xx rules).
``select`` / ``ignore`` are lists of rule ids or prefixes (``XG3``, ``XG201``).
"""

from __future__ import annotations

from ..model import Finding, Record


def check_record(record: Record, previous: Record | None = None, select: list[str] | None = None, ignore: list[str] | None = None) -> list[Finding]:
    """Every finding of the selected rules on ``record`` (implemented in the check issue)."""
    raise NotImplementedError("the checker is built in the 'xxgk check' issue")
