"""Cell text → number.

Published cells hold more than digits: ``减60``, ``加10``, ``117(增)``, ``4个``,
``323.6万``, ``14.35万元``, ``1,234``, full-width digits, or just ``减``.
:func:`parse_cell` turns one cell's text into a :class:`CellValue` that says
the value, whether the cell is blank, and whether the text was not a plain
number (then the record keeps it in ``raw``).

It never repairs or guesses: a ``减`` with no figure is ``value=None`` with
its raw text kept, for the checker to report.
"""

from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal

import msgspec

from .text import clean, kept_if_short, squeeze

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?"
_UNITS = r"(?:个|件|项|条|次|份|篇|宗|例|人次|家|批次)"
_SIGNED = re.compile(
    rf"^(?P<pre>减少|减|增加|增|加|新增|\+|-|−|－)?\s*(?P<num>{_NUM})\s*(?P<yuan>万元|万|元|亿元)?\s*{_UNITS}?\s*"
    rf"(?:[(（](?P<post>增|减|增加|减少)[)）])?$"
)
# "no change" written in words (本年增/减 of a block that did not change): 0
_NO_CHANGE = re.compile(r"^(?:未增未减|未增减|无增减|无增无减|不增不减|持平|无变化|没有变化|不变)$")
# a cell that holds a figure written wrongly (--253, 12-, 1O2): a figure to
# report as unreadable, never a label (numbering such as 2. or 3、 is not one)
_FIGURE_LIKE = re.compile(r"^(?:[-+−－]{2,}\d[\d.,]*|\d[\d.,]*[-+−－]|\d+[oO][\doO]*|[oO]\d+)$")
_PLACEHOLDER = re.compile(r"^(?:减|增|加|减少|增加|无|/|\\|—+|-+|–|－|―|×|x|X|空|暂无|见附件|未填)$")

NEGATIVE = {"减", "减少", "-", "−", "－"}


class CellValue(msgspec.Struct, frozen=True):
    value: int | float | None
    blank: bool  # nothing at all in the cell
    raw: str | None  # the source text when it was not a plain number
    ok: bool  # the text was understood (a number, or blank)
    note: str | None = None


BLANK = CellValue(None, True, None, True)


# a figure or a placeholder for one is never longer
VALUE_TEXT_MAX = 24


def is_value_text(text: str) -> bool:
    """Whether a cell's text is a figure or a placeholder for one (not a label)."""
    return len(text) <= VALUE_TEXT_MAX and _is_value_text(text)


@lru_cache(maxsize=8192)
def _is_value_text(text: str) -> bool:
    t = clean(text).strip().replace(" ", "")
    if not t:
        return True
    return bool(_SIGNED.match(t) or _PLACEHOLDER.match(t) or _NO_CHANGE.match(t) or _FIGURE_LIKE.match(t))


@lru_cache(maxsize=8192)
def parse_cell(text: str | None, kind: str = "count") -> CellValue:
    """Parse one cell.  ``kind`` (``count``, ``signed`` or ``amount``, the column's in layouts)
    does not change the reading: a figure's own text says whether it is an integer or a
    decimal, and a sign is read wherever it is written (the checker judges it)."""
    if text is None:
        return BLANK
    t = clean(text).strip()
    compact = squeeze(t)
    if not compact:
        return BLANK
    m = _SIGNED.match(compact)
    if not m:
        if _NO_CHANGE.match(compact):
            return CellValue(0, False, compact, True)
        return CellValue(None, False, compact, False)
    num = m.group("num").replace(",", "")
    sign = -1 if (m.group("pre") in NEGATIVE or m.group("post") in ("减", "减少")) else 1
    note = None
    if "." in num:
        dec = Decimal(num)
    else:
        dec = Decimal(int(num))
    yuan = m.group("yuan")
    if yuan == "元":
        dec = dec / Decimal(10000)
        note = "元→万元"
    elif yuan == "亿元":
        dec = dec * Decimal(10000)
        note = "亿元→万元"
    dec = dec * sign
    # counts are integers, amounts decimals; an amount written without a
    # decimal point stays an integer
    value: int | float = int(dec) if dec == dec.to_integral_value() and "." not in num else float(dec)
    plain = compact == num and "," not in m.group("num")
    return CellValue(value, False, None if plain else compact, True, note)


@kept_if_short(8192)  # (figures repeat within a report and from one to the next: a kept one is a lookup in C)
def cell_value(text: str) -> CellValue:
    """:func:`parse_cell` of a cell's text (not None), as the table reader asks it for every cell."""
    return parse_cell(text)
