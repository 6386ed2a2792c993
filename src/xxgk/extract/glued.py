"""Decode figures run together without separators (``690000069``).

Crawled page text loses the cell borders of a table, so a 表三 row of
``69 0 0 0 0 0 69`` arrives as ``690000069``.  The layout fixes how many cells
the row has; published figures have no leading zeros; and a row's 总计 is the
sum of its applicant columns (表三) or of its four results (表四).  Every
split of the digits into the right number of figures is tried, the
constraints keep the readings that fit, and:

* one reading fits → it is used, and the cells are certain;
* several fit → the most likely one is used and the cells on which the
  readings disagree are reported as uncertain;
* none fits → the reading that breaks the arithmetic least is used and every
  cell of the row is uncertain (the checker will report the arithmetic).

Nothing here repairs a published figure: the constraints choose between
readings of the text, they never change a digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from ..layouts import Column

_ATOM = re.compile(r"[-+]?\d+(?:\.\d+)?")
_MAX_SPLITS = 20000


@dataclass
class Decoded:
    texts: list[str | None]
    uncertain: set[int]


def digits_of(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def _runs(texts: list[str | None]) -> list[str] | None:
    """The value texts cut at white space; None if anything but figures is there."""
    runs: list[str] = []
    for t in texts:
        if not t:
            continue
        for piece in t.split():
            if not _ATOM.fullmatch(piece):
                return None
            runs.append(piece)
    return runs


def _count_splits(n: int, k: int) -> int:
    from math import comb

    return comb(n - 1, k - 1) if 1 <= k <= n else 0


def _splits(run: str, k: int):
    """Every way to cut one run of digits into k figures without leading zeros."""
    if _count_splits(len(run.lstrip("+-")), k) > _MAX_SPLITS:
        return  # far too many readings: leave the run undecoded
    if k == 1:
        if _valid(run):
            yield (run,)
        return
    sign = ""
    if run[0] in "+-":
        sign, run = run[0], run[1:]
    n = len(run)
    if k > n:
        return
    for cuts in combinations(range(1, n), k - 1):
        parts = []
        prev = 0
        for c in (*cuts, n):
            parts.append(run[prev:c])
            prev = c
        if all(_valid(p) for p in parts):
            if sign:
                parts[0] = sign + parts[0]
            yield tuple(parts)


def _valid(p: str) -> bool:
    body = p.lstrip("+-")
    if "." in body:
        whole = body.split(".")[0]
        return bool(whole) and (whole == "0" or not whole.startswith("0"))
    return body == "0" or not body.startswith("0")


def _readings(runs: list[str], n: int):
    """Every reading of the runs as exactly n figures (runs keep their order)."""
    count = 0

    def rec(i: int, left: int, acc: tuple[str, ...]):
        nonlocal count
        count += 1
        if count > _MAX_SPLITS:
            return
        if i == len(runs):
            if left == 0:
                yield acc
            return
        remaining_runs = len(runs) - i - 1
        for k in range(1, left - remaining_runs + 1):
            for parts in _splits(runs[i], k):
                yield from rec(i + 1, left - k, acc + parts)

    yield from rec(0, n, ())


def _num(s: str) -> float:
    return float(s)


def _violations(values: list[float], groups: list[tuple[list[int], int]]) -> float:
    return sum(abs(sum(values[i] for i in parts) - values[total]) for parts, total in groups)


def _choose(candidates: list[tuple[str, ...]], groups: list[tuple[list[int], int]]) -> Decoded | None:
    if not candidates:
        return None
    scored = [(_violations([_num(x) for x in c], groups), c) for c in candidates]
    best_score = min(s for s, _ in scored)
    fitting = [c for s, c in scored if s == best_score]
    # most likely first: the one whose figures are most alike in length from
    # the right (totals are the longest), then the first found
    fitting.sort(key=lambda c: tuple(-len(x) for x in reversed(c)))
    chosen = fitting[0]
    if best_score > 0:
        uncertain = set(range(len(chosen)))
    else:
        uncertain = {i for i in range(len(chosen)) if len({c[i] for c in fitting}) > 1}
    return Decoded(list(chosen), uncertain)


def _t3_groups(cols: list[Column]) -> list[tuple[list[int], int]]:
    keys = [c.key for c in cols]
    if "total" not in keys:
        return []
    total = keys.index("total")
    applicants = [i for i, k in enumerate(keys) if k in ("natural", "commercial", "research", "social", "legal", "other")]
    groups = [(applicants, total)]
    if "org_subtotal" in keys:
        orgs = [i for i, k in enumerate(keys) if k in ("commercial", "research", "social", "legal", "other")]
        groups.append((orgs, keys.index("org_subtotal")))
    return groups


def decode_row(table: str, row: str, texts: list[str | None], cols: list[Column]) -> Decoded | None:
    runs = _runs(texts)
    if not runs:
        return None
    n = len(cols)
    if len(runs) >= n:
        return None
    groups = _t3_groups(cols) if table == "t3" else []
    candidates = list(_readings(runs, n))
    return _choose(candidates, groups)


T4_GROUPS = [([0, 1, 2, 3], 4), ([5, 6, 7, 8], 9), ([10, 11, 12, 13], 14)]


def decode_t4(texts: list[str | None]) -> Decoded | None:
    runs = _runs(texts)
    if not runs or len(runs) >= 15:
        return None
    candidates = list(_readings(runs, 15))
    if not candidates:
        # spaces in crawled text can fall inside a figure: read the digits as one run
        candidates = list(_readings(["".join(r.lstrip("+-") for r in runs)], 15))
    return _choose(candidates, T4_GROUPS)
