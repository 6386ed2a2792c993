"""Decode figures run together without separators (``690000069``).

Crawled page text loses the cell borders of a table, so a 表三 row of
``69 0 0 0 0 0 69`` arrives as ``690000069``, a 表四 row of fifteen figures as
``10 0 1 200 0 0 0 0 0 0 00`` (spaces that fall between some cells only) and
a 表二 row as ``2433``.  What the layout fixes decides between the readings:

* the number of cells of the row (from the layout's columns);
* published figures have no leading zeros; white space, a sign (``-18``,
  ``减``) and a unit (``1个``, ``246900元``) always end or start a figure;
  a sign only stands in a signed column (本年增/减), a decimal only in an
  amount column; a run too short for the cells leaves a cell blank only
  where the text has a gap;
* the sums: a 表三 row's 总计 is the sum of its applicant columns (and the
  法人或其他组织小计 of its five organisation columns), a 表四 group's 总计
  the sum of its four results;
* plausibility (the XG5xx rules): 现行有效 ≥ 制发 − 废止, 对外公开总数 ≥
  新公开, 上一年项目数量 + 增/减 ≥ 0;
* across the rows of 表三 (see :func:`balance_t3`): 一 + 二 = （七） + 四 per
  column and （七） = the sum of the result rows, used only to choose between
  readings a row leaves open;
* the report's own words (see :func:`with_evidence`): a clause that names the
  row and the column and states the figure (制发行政规范性文件62件) keeps the
  readings that agree with it, when one does.

Every reading of the text is tried (a depth-first walk over the digits,
pruned by length and, for 表四, by each group's sum; bounded).  The readings
that break nothing "fit"; when exactly one fits, the row is certain.  When
several fit, the most likely one is kept (figures of balanced length, no
figure ending in a zero, zeros as figures of their own, the longest last —
how tables are filled; for 采购项目数量/采购总金额 a typical amount per
purchase) and every cell on which the fitting readings disagree is reported
uncertain.  When none fits, the one that breaks the least is kept and the
cells that differ between the closest readings are uncertain; a row whose
text allows only one reading is certain whatever its arithmetic (the checker
reports the arithmetic).

Nothing here repairs a published figure: the constraints choose between
readings of the text, they never change a digit.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from itertools import product

import msgspec

from ..layouts import Column, Row
from ..text import norm_label

_PIECE = re.compile(
    r"(?P<sign>减少|增加|减|增|加|[-+−－])?(?P<num>\d+(?:\.\d+)?)(?P<unit>万元|亿元|元|万|个|件|项|条|次|宗|家)?"
)
_MAX_READINGS = 600  # beyond this many readings a row is open in every cell anyway
_MAX_COMBOS = 4096


class Run(msgspec.Struct):
    """Digits that no separator cuts: one or more figures."""

    digits: str  # with the decimal point, if any
    sign: str = ""  # a sign written before the run: belongs to its first figure
    unit: str = ""  # a unit written after the run: belongs to its last figure
    gap_before: bool = False  # white space (or a unit) separates it from the run before


class Decoded(msgspec.Struct):
    texts: list[str | None]
    uncertain: set[int]
    # every reading that fits as well as the chosen one (for choices across rows)
    fitting: list[tuple[str | None, ...]] = msgspec.field(default_factory=list)
    readings: int = 0  # how many readings the text allows at all
    violations: int = 0  # constraints the chosen reading breaks


_NON_DIGIT = re.compile(r"\D")


@lru_cache(maxsize=8192)
def digits_of(text: str | None) -> str:
    return _NON_DIGIT.sub("", text) if text else ""


def runs_of(texts: list[str | None]) -> list[Run] | None:
    """The value texts cut into runs; None if anything but figures is there."""
    runs: list[Run] = []
    gap = False
    for t in texts:
        if t is None or not t.strip():
            gap = True
            continue
        pos = 0
        s = t.strip()
        while pos < len(s):
            if s[pos].isspace():
                gap = True
                pos += 1
                continue
            m = _PIECE.match(s, pos)
            if not m:
                return None
            sign = m.group("sign") or ""
            runs.append(Run(m.group("num"), sign, m.group("unit") or "", gap or bool(runs and runs[-1].unit) or bool(sign)))
            gap = False
            pos = m.end()
        gap = True  # the next text is another token
    return runs


def _readings(runs: list[Run], n: int, allow_blanks: bool, prune=None, budget: int = 60_000):
    """Every reading of the runs as exactly n cells (figures keep their order).

    A reading is a tuple of cell texts (None for a blank).  A figure never
    starts with 0 (unless it is 0 or 0.x), never spans two runs, and a
    decimal part stays at the end of its run.  With ``allow_blanks`` a gap
    between two runs may stand for one empty cell.  ``prune(cells)`` may
    reject a partial reading early (表四's group sums).  The search is a
    depth-first walk over the digits, bounded by ``budget`` steps.
    """
    out: list[tuple] = []
    tail = [0] * (len(runs) + 1)  # digits in the runs after run i
    gaps = [0] * (len(runs) + 1)  # gaps that may hold a blank after run i
    for i in range(len(runs) - 1, -1, -1):
        tail[i] = tail[i + 1] + len(runs[i].digits.replace(".", ""))
        gaps[i] = gaps[i + 1] + (1 if allow_blanks and i + 1 < len(runs) and runs[i + 1].gap_before else 0)
    steps = 0
    acc: list[str | None] = []

    def rec(ri: int, pos: int) -> None:
        nonlocal steps
        steps += 1
        if steps > budget or len(out) >= _MAX_READINGS:
            return
        run = runs[ri]
        s = run.digits
        left = n - len(acc)
        if pos == len(s):
            if ri + 1 == len(runs):
                if left == 0:
                    out.append(tuple(acc))
                return
            rec(ri + 1, 0)
            if allow_blanks and runs[ri + 1].gap_before and left > len(runs) - ri - 1:
                acc.append(None)
                if prune is None or prune(acc):
                    rec(ri + 1, 0)
                acc.pop()
            return
        # every later run needs a figure; the digits left must fill the cells left
        rest_digits = len(s) - pos - s.count(".", pos) + tail[ri + 1]
        if left < len(runs) - ri or rest_digits + gaps[ri] < left:
            return
        dot = s.find(".")
        if dot >= 0 and pos > dot:
            return
        if s[pos] == "0" and not (pos + 1 < len(s) and s[pos + 1] == "."):
            ends: range | tuple = (pos + 1,)
        else:
            ends = range(pos + 1, len(s) + 1)
        for end in ends:
            if dot >= 0 and (end == dot or (end > dot and end != len(s))):
                continue  # a decimal figure ends its run, and the point is inside it
            if s[end - 1] == ".":
                continue
            cell = s[pos:end]
            if pos == 0 and run.sign:
                cell = run.sign + cell
            if end == len(s) and run.unit:
                cell += run.unit
            acc.append(cell)
            if prune is None or prune(acc):
                rec(ri, end)
            acc.pop()

    rec(0, 0)
    return out


@lru_cache(maxsize=8192)  # (the readings of a row share most of their cells)
def _value(text: str | None) -> float:
    if not text:
        return 0.0
    m = _PIECE.fullmatch(text)
    if not m:
        return 0.0
    v = float(m.group("num"))
    if (m.group("sign") or "") in ("减", "减少", "-", "−", "－"):
        v = -v
    return v


class Constraints(msgspec.Struct, frozen=True):
    """What the layout says about one row's cells (by position)."""

    sums: tuple[tuple[tuple[int, ...], int], ...] = ()  # (parts, total)
    at_least: tuple[tuple[int, tuple[int, ...], tuple[int, ...]], ...] = ()  # cell ≥ Σ plus − Σ minus
    non_negative: tuple[tuple[int, ...], ...] = ()  # Σ cells ≥ 0
    signed: frozenset[int] = frozenset()  # cells that may carry a sign
    amounts: frozenset[int] = frozenset()  # cells that may carry a decimal / money unit
    per_item: tuple[int, int] | None = None  # (count, amount) of one row: 采购项目数量 / 采购总金额


_ORG = ("commercial", "research", "social", "legal", "other")
_APPLICANTS = ("natural", *_ORG)


def constraints_for(cols: list[Column]) -> Constraints:
    """The constraints of a row with these columns (any table)."""
    keys = [c.key for c in cols]
    ix = {k: i for i, k in enumerate(keys)}
    sums: list[tuple[tuple[int, ...], int]] = []
    at_least: list = []
    non_neg: list = []
    if "total" in ix and "natural" in ix:  # 表三
        sums.append((tuple(ix[k] for k in _APPLICANTS if k in ix), ix["total"]))
        if "org_subtotal" in ix:
            sums.append((tuple(ix[k] for k in _ORG if k in ix), ix["org_subtotal"]))
    elif "total" in ix and "pending" in ix:  # a 表四 group
        sums.append((tuple(ix[k] for k in ("upheld", "corrected", "other", "pending")), ix["total"]))
    if {"issued", "repealed", "in_force"} <= ix.keys():
        at_least.append((ix["in_force"], (ix["issued"],), (ix["repealed"],)))
    if {"published", "total"} <= ix.keys() and "made" in ix:
        at_least.append((ix["total"], (ix["published"],), ()))
    if {"prev", "change"} <= ix.keys():
        non_neg.append((ix["prev"], ix["change"]))
    signed = frozenset(i for i, c in enumerate(cols) if c.kind == "signed")
    amounts = frozenset(i for i, c in enumerate(cols) if c.kind == "amount")
    counts = [i for i, c in enumerate(cols) if c.kind == "count"]
    per_item = (counts[0], next(iter(amounts))) if len(counts) == 1 and len(amounts) == 1 else None
    return Constraints(tuple(sums), tuple(at_least), tuple(non_neg), signed, amounts, per_item)


def _admissible(reading: tuple, cons: Constraints) -> bool:
    """Signs only in signed columns, decimals and money units only in amount columns."""
    for i, t in enumerate(reading):
        if t is None:
            continue
        if t[0] in "减增加-+−－" and i not in cons.signed:
            return False
        if ("." in t or t.endswith(("元", "万"))) and i not in cons.amounts:
            return False
    return True


def _violations(values: list[float], cons: Constraints) -> tuple[int, int]:
    """(broken sums, broken plausibility rules)."""
    hard = sum(1 for parts, total in cons.sums if abs(sum(values[i] for i in parts) - values[total]) > 1e-9)
    soft = sum(1 for cell, plus, minus in cons.at_least if values[cell] < sum(values[i] for i in plus) - sum(values[i] for i in minus))
    soft += sum(1 for cells in cons.non_negative if sum(values[i] for i in cells) < 0)
    return hard, soft


# a purchase of government procurement averages 10万–100万元 (log10 of 元)
_TYPICAL_PER_ITEM = 5.5


def _per_item(reading: tuple, cons: Constraints | None) -> float:
    """How far a (count, amount) pair is from a typical amount per item."""
    if cons is None or cons.per_item is None:
        return 0.0
    c, a = (reading[i] for i in cons.per_item)
    count, amount = _value(c), _value(a)
    if not count or not amount:
        return 3.0  # possible, but not typical
    yuan = amount * (1 if a.endswith("元") and not a.endswith("万元") else (10000 if a.endswith(("万元", "万")) else 1))
    return round(abs(math.log10(yuan / count) - _TYPICAL_PER_ITEM), 1)


def _likelihood(reading: tuple, cons: Constraints | None = None) -> tuple:
    """Smaller is likelier: a typical amount per purchase, figures of balanced
    length, no figure ending in a zero, zeros as figures of their own, the
    longest at the end (totals)."""
    if cons is not None and cons.per_item is not None:
        rest = tuple(t for i, t in enumerate(reading) if i not in cons.amounts)
        return (_per_item(reading, cons), *_likelihood(rest))
    lens = [len(digits_of(t)) for t in reading if t is not None]
    zeros = sum(1 for t in reading if t is not None and digits_of(t) == "0")
    trailing = sum(1 for t in reading if t is not None and len(digits_of(t.split(".")[0])) > 1 and digits_of(t.split(".")[0]).endswith("0"))
    spread = (max(lens) - min(lens)) if lens else 0
    return (spread, trailing, -zeros, tuple(-x for x in reversed(lens)))


def _differing(readings: list[tuple]) -> set[int]:
    if len(readings) < 2:
        return set()
    return {i for i in range(len(readings[0])) if len({r[i] for r in readings}) > 1}


_DECODED: dict[tuple, Decoded | None] = {}


def decode(texts: list[str | None], cols: list[Column], cons: Constraints | None = None) -> Decoded | None:
    """Read the value texts of one row as ``len(cols)`` cells.

    None when the texts are not glued figures (anything but figures, or
    more figures than cells: the caller reports those).  Results are
    remembered (a report repeats ``0000000`` for most rows).
    """
    key = (tuple(texts), tuple(id(c) for c in cols), cons)
    if key in _DECODED:
        d = _DECODED[key]
        return None if d is None else Decoded(list(d.texts), set(d.uncertain), list(d.fitting), d.readings, d.violations)
    d = _decode(texts, cols, cons)
    if len(_DECODED) > 4096:
        _DECODED.clear()
    _DECODED[key] = d
    return None if d is None else Decoded(list(d.texts), set(d.uncertain), list(d.fitting), d.readings, d.violations)


def _decode(texts: list[str | None], cols: list[Column], cons: Constraints | None = None) -> Decoded | None:
    runs = runs_of(texts)
    if not runs:
        return None
    n = len(cols)
    if len(runs) > n:
        return None
    cons = cons or constraints_for(cols)
    cands = [r for r in _readings(runs, n, False) if _admissible(r, cons)]
    if not cands:
        cands = [r for r in _readings(runs, n, True) if _admissible(r, cons)]
    if not cands:
        return None
    d = choose(cands, cons)
    if len(cands) >= _MAX_READINGS:
        d.uncertain = set(range(n))  # not every reading was seen: nothing is certain
    return d


def choose(cands: list[tuple], cons: Constraints) -> Decoded:
    scored = []
    for c in cands:
        vals = [_value(t) for t in c]
        hard, soft = _violations(vals, cons)
        blanks = sum(1 for t in c if t is None)
        scored.append(((hard, soft, blanks), c))
    best = min(s for s, _ in scored)
    fitting = [c for s, c in scored if s == best]
    fitting.sort(key=lambda r: _likelihood(r, cons))
    chosen = fitting[0]
    if len(cands) == 1:
        uncertain: set[int] = set()
    elif best[0] or best[1]:
        # nothing fits: every cell the readings leave open is uncertain
        uncertain = _differing(fitting) or _differing(cands)
    else:
        uncertain = _differing(fitting)
    return Decoded(list(chosen), uncertain, fitting, len(cands), best[0] + best[1])


# ---------------------------------------------------------------- 表四


def decode_groups(texts: list[str | None], cols: list[Column], group: int) -> Decoded | None:
    """A row of several groups of ``group`` cells (表四's 15 figures), each
    group with its own sum: the search checks a group's sum as soon as the
    group is read, so that long rows stay fast."""
    runs = runs_of(texts)
    if not runs:
        return None
    n = len(cols)
    if len(runs) > n:
        return None
    cons = Constraints(sums=tuple((tuple(range(g, g + group - 1)), g + group - 1) for g in range(0, n, group)))

    def prune(acc: list) -> bool:
        k = len(acc)
        if k % group:
            return True
        vals = [_value(t) for t in acc[k - group :]]
        return abs(sum(vals[:-1]) - vals[-1]) <= 1e-9

    for blanks in (False, True):
        fitting = _readings(runs, n, blanks, prune)
        if fitting:
            # the text's readings that break no sum (how many readings there
            # are at all only matters when exactly one fits)
            fitting.sort(key=_likelihood)
            unc = _differing(fitting) if len(fitting) < _MAX_READINGS else set(range(n))
            return Decoded(list(fitting[0]), unc, fitting, len(fitting), 0)
    # nothing fits: the reading that breaks the fewest sums (the checker reports it)
    for blanks in (False, True):
        cands = _readings(runs, n, blanks, None, budget=50_000)
        if cands:
            return choose(cands, cons)
    return None


# ---------------------------------------------------------------- across 表三's rows


def balance_t3(rows: dict[str, tuple[list[str], Decoded]]) -> dict[str, Decoded]:
    """Choose between the readings of the 表三 rows that several readings fit,
    with the column balance: 一 + 二 = （七） + 四 and （七） = Σ result rows.

    ``rows`` maps a row key to (its column keys, its decoding).  Returns the
    rows whose choice changed.  A row is made certain only when exactly one
    combination of readings balances every column.
    """
    open_rows = [k for k, (_, d) in rows.items() if len(d.fitting) > 1 and not d.violations]
    if not open_rows:
        return {}
    options = [rows[k][1].fitting for k in open_rows]
    n_combos = 1
    for o in options:
        n_combos *= len(o)
    if n_combos > _MAX_COMBOS:
        return {}
    cols = rows[open_rows[0]][0]
    balance = ("new", "carried_in", "total", "carried_out")
    results = [k for k in rows if k not in balance]

    def cell(key: str, r, ci: int) -> float | None:
        """The figure of row ``key`` in column ``ci`` in its reading ``r``."""
        ckeys = rows[key][0]
        if cols[ci] not in ckeys:
            return None
        i = ckeys.index(cols[ci])
        if i >= len(r) or (r[i] is not None and not _PIECE.fullmatch(r[i])):
            return None  # a cell missing or not a figure: no balance to check
        return _value(r[i])

    # each row's figures column by column: a fixed row's once, an open row's for each of
    # its readings (the combinations below only look them up)
    columns = range(len(cols))
    fixed = {k: [cell(k, d.texts, ci) for ci in columns] for k, (_, d) in rows.items() if k not in open_rows}
    by_reading = [[[cell(k, r, ci) for ci in columns] for r in opts] for k, opts in zip(open_rows, options)]
    absent = [None] * len(cols)

    scored = []
    for combo in product(*(range(len(o)) for o in options)):
        figures = dict(fixed)
        figures.update((k, by_reading[j][i]) for j, (k, i) in enumerate(zip(open_rows, combo)))
        balanced = [figures.get(k, absent) for k in balance]
        parts_of = [figures[k] for k in results]
        bad = 0
        for ci in columns:
            a = [f[ci] for f in balanced]
            if None not in a and abs(a[0] + a[1] - a[2] - a[3]) > 1e-9:
                bad += 1
            tot = a[2]
            parts = [f[ci] for f in parts_of]
            if tot is not None and parts and None not in parts and abs(sum(parts) - tot) > 1e-9:
                bad += 1
        scored.append((bad, tuple(o[i] for o, i in zip(options, combo))))
    best = min(b for b, _ in scored)
    winners = [c for b, c in scored if b == best]
    if len(winners) == len(scored):
        return {}  # the balance does not tell the readings apart
    changed: dict[str, Decoded] = {}
    for i, key in enumerate(open_rows):
        ckeys, d = rows[key]
        choices = [w[i] for w in winners]
        choices_sorted = sorted(set(choices), key=_likelihood)
        chosen = choices_sorted[0]
        unc = _differing(choices_sorted) if best == 0 else _differing(d.fitting)
        changed[key] = Decoded(list(chosen), unc, choices_sorted, d.readings, 0)
    return changed


# ---------------------------------------------------------------- the report's own words

_CLAUSE = re.compile(r"[。；;，,！!？?\n]")
_PROSE_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:件|条|起|个|项|宗)")
_STEM_NOISE = re.compile(r"本年度?|件数|数量|处理|\(.*?\)|（.*?）")


def _stems(col: Column) -> set[str]:
    """The words of a column's label that a sentence would use (制发, 废止, 现行有效, 决定)."""
    out = set()
    for k in (*col.match_keys(), col.label):
        st = _STEM_NOISE.sub("", norm_label(k))
        if len(st) >= 2:
            out.add(st)
    return out


def _row_figures(prose: list[str], row: Row) -> list[tuple[str, float]]:
    """Each figure the narrative states in a clause naming the row, ending in the
    figure and its counting word (动态更新本年度制发的规范性文件88件, 作出行政处罚决定305起),
    with the clause's words before it (normalised): found once for all the row's columns."""
    row_keys = {norm_label(k) for k in row.match_keys()}
    found: list[tuple[str, float]] = []
    for text in prose:
        if not any(k in text for k in row_keys):
            continue
        for clause in _CLAUSE.split(text):
            if not any(k in clause for k in row_keys):
                continue
            for m in _PROSE_FIGURE.finditer(clause):
                head = norm_label(clause[: m.start()])
                if any(k in head for k in row_keys):
                    found.append((head, float(m.group(1))))
    return found


def _stated_for(figures: list[tuple[str, float]], col: Column) -> set[float]:
    """The figures the narrative states for one cell: those whose words name the column too."""
    stems = _stems(col)
    return {value for head, value in figures if any(st in head for st in stems)}


def with_evidence(d: Decoded, row: Row, cols: list[Column], prose: list[str]) -> Decoded:
    """Keep the readings whose figures the report's text states, column by
    column (a stated figure that no reading has is a contradiction for the
    checker, not a choice); the cells still open stay uncertain."""
    current = list(d.fitting)
    figures = _row_figures(prose, row)
    for i, col in enumerate(cols):
        stated = _stated_for(figures, col)
        if not stated:
            continue
        sub = [r for r in current if _value(r[i]) in stated]
        if sub:
            current = sub
    if len(current) == len(d.fitting):
        return d
    current.sort(key=_likelihood)
    return Decoded(list(current[0]), _differing(current), current, d.readings, d.violations)
