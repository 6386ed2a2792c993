"""What makes a summary trustworthy: rates from complete reports only, and the
summed 表三/表四 checked with the rules of one report.

* every rate of :data:`~xxgk.store.measures.RATES` is computed over the reports
  that give *every* cell it needs (a report that left one of them blank is left
  out, never read as 0), saying how many reports it rests on; a report whose own
  figures make the rate impossible (结果纠正 larger than the cases decided) is left
  out too and counted, so a summed rate can never exceed 100 % — which reports
  those are is decided once per report when it is stored
  (:func:`xxgk.store.cube.fill_figures`);
* :func:`balance_of_sums` — the summed 表三/表四 of the reports without blank
  cells, as one report's record, checked with the balance rules (XG301
  一+二=三（七）+四, XG302, XG303, XG401).
"""

from __future__ import annotations

from ..model import Finding, Meta, Record, Source
from .measures import RATES

BALANCE_RULES = ("XG301", "XG302", "XG303", "XG401")


def empty_rates() -> dict[str, dict]:
    return {
        rd.key: {"label": rd.zh, "label_en": rd.en, "value": None, "numerator": None, "denominator": None, "reports": 0, "left_out_blank": 0, "left_out_impossible": 0, "incomplete": False}
        for rd in RATES
    }


def balance_of_sums(sums: dict[str, float]) -> list[Finding]:
    """The balance rules on summed cells (the summary's ``balance``: 表三/表四 of the reports without blanks)."""
    from ..check import check_record

    cells = dict(sums)
    if not cells:
        return []
    # 2019 reports have the single （六） row, 2021 reports its three sub-rows: the sums are checked
    # with the single row (each sub-row folded into it), which both layouts' figures fill
    folded: dict = {}
    for k, v in cells.items():
        parts = k.split(".")
        if parts[0] == "t3" and parts[1].startswith("other_"):
            key = f"t3.other.{parts[2]}"
            if v is not None:
                folded[key] = (folded.get(key) or 0) + v
            else:
                folded.setdefault(key, None)
    for k, v in folded.items():
        cells[k] = v if cells.get(k) is None else cells[k] + (v or 0)
    cells = {k: v for k, v in cells.items() if not k.split(".")[1].startswith("other_")}
    template = "2021"
    rec = Record(source=Source(path="<summary>", sha256="", format="text"), meta=Meta(template=template), cells=cells)
    return check_record(rec, select=list(BALANCE_RULES))
