"""What the summary sums and the rates it gives: the keys of 表三 and 表四 (in the official order)
and the rates, each a numerator over a denominator of summed cells.

Defined here, apart from the queries: the pre-aggregates (:mod:`xxgk.store.cube`), the
summary (:mod:`xxgk.store.summary`) and its checks all read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..layouts import LAYOUT_2021, T3_COLUMNS, T3_OTHER_SINGLE, T4, Row


@dataclass(frozen=True)
class RateDef:
    key: str
    zh: str
    en: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    minus: tuple[str, ...] = ()


def _t3_rows() -> list[Row]:
    """表三's rows in the official order: the 2021 layout, with 2019's single （六） row before its sub-rows."""
    rows = list(LAYOUT_2021.table("t3").rows)
    idx = next(i for i, r in enumerate(rows) if r.group == "other_group")
    rows.insert(idx, T3_OTHER_SINGLE)
    return rows


T3_ROWS = _t3_rows()
_DENIED = tuple(f"t3.{r.key}.total" for r in T3_ROWS if r.group == "denied")
_SUITS = ("suit_direct", "suit_after_review")

RATES = (
    RateDef("granted_rate", "予以公开率", "share granted", ("t3.granted.total",), ("t3.total.total",)),
    RateDef("partial_rate", "部分公开率", "share partly granted", ("t3.partial.total",), ("t3.total.total",)),
    RateDef("denied_rate", "不予公开率", "share denied", _DENIED, ("t3.total.total",)),
    RateDef("review_correction_rate", "复议纠错率", "review correction rate", ("t4.review.corrected",), ("t4.review.total",), ("t4.review.pending",)),
    RateDef(
        "suit_correction_rate",
        "诉讼纠错率",
        "lawsuit correction rate",
        tuple(f"t4.{s}.corrected" for s in _SUITS),
        tuple(f"t4.{s}.total" for s in _SUITS),
        tuple(f"t4.{s}.pending" for s in _SUITS),
    ),
)


def summary_keys() -> list[str]:
    keys = [f"t3.{r.key}.{c.key}" for r in T3_ROWS for c in T3_COLUMNS]
    keys += [f"t4.{r.key}.{c.key}" for r in T4.rows for c in T4.columns]
    return keys
