"""The decoder of figures run together (crawled page text), on the layout's columns."""

from __future__ import annotations

import pytest

from xxgk.extract import glued
from xxgk.layouts import LAYOUT_2019, LAYOUT_2021

T3 = [c for c in LAYOUT_2021.table("t3").columns if not c.optional]
T3_SUBTOTAL = list(LAYOUT_2021.table("t3").columns)
T4 = [c for _ in LAYOUT_2021.table("t4").rows for c in LAYOUT_2021.table("t4").columns]


def cols(layout, table: str, row: str):
    t = layout.table(table)
    return list(t.columns_of(t.row(row)))


def test_t3_row_one_reading_is_certain():
    d = glued.decode(["690000069"], T3)
    assert d.texts == ["69", "0", "0", "0", "0", "0", "69"]
    assert d.uncertain == set() and d.violations == 0


def test_t3_row_with_a_space_between_cells():
    d = glued.decode(["2600000 26"], T3)
    assert d.texts == ["26", "0", "0", "0", "0", "0", "26"] and not d.uncertain


def test_no_leading_zeros_all_zero_row():
    d = glued.decode(["0000000"], T3)
    assert d.texts == ["0"] * 7 and not d.uncertain


def test_gap_stands_for_a_blank_cell_only_when_digits_are_short():
    # 023.txt 四、结转下年度继续办理 '0 00000': six digits for seven cells
    d = glued.decode(["0 00000"], T3)
    assert d.texts == ["0", None, "0", "0", "0", "0", "0"]


def test_several_readings_fit_the_cells_they_disagree_on_are_uncertain():
    d = glued.decode(["110000011"], T3)
    assert d.texts == ["11", "0", "0", "0", "0", "0", "11"]  # the likelier: 11, not 1 and 10
    assert d.uncertain == {0, 1}
    assert ("1", "10", "0", "0", "0", "0", "11") in d.fitting


def test_a_single_reading_that_breaks_the_sum_is_kept_as_published():
    d = glued.decode(["1000003"], T3)
    assert d.texts == ["1", "0", "0", "0", "0", "0", "3"]
    assert d.uncertain == set() and d.violations == 1


def test_subtotal_column_is_a_constraint():
    # 8 cells with 法人或其他组织小计: 5 + 2 org = 2 subtotal, total 7
    d = glued.decode(["52000027"], T3_SUBTOTAL)
    assert d.texts == ["5", "2", "0", "0", "0", "0", "2", "7"] and not d.uncertain


def test_more_figures_than_cells_is_not_decoded():
    assert glued.decode(["1 2 3 4 5 6 7 8"], T3) is None
    assert glued.decode(["规章 12"], T3) is None


def test_t4_misleading_spaces_fifteen_digits():
    d = glued.decode_groups(["10 0 1 200 0 0 0 0 0 0 00"], T4, 5)
    assert d.texts == ["1", "0", "0", "1", "2"] + ["0"] * 10 and not d.uncertain


def test_t4_seventeen_digits_group_sums_pin_the_reading():
    # 011.txt: 复议 2,1,3,1,7; 直接起诉 0 ×5; 复议后起诉 13,2,4,0,19
    d = glued.decode_groups(["21317000001324019"], T4, 5)
    assert d.texts == ["2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]
    assert not d.uncertain


def test_t4_separate_cells_are_kept():
    texts = "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0".split()
    d = glued.decode_groups(texts, T4, 5)
    assert d.texts == texts


def test_t2_2021_plausibility_and_likelihood():
    c = cols(LAYOUT_2021, "t2", "normative")
    # 2433: 24|3|3 is impossible (3 in force < 24 − 3); 2|4|33 and 2|43|3 remain
    d = glued.decode(["2433"], c)
    assert d.texts == ["2", "4", "33"] and d.uncertain == {1, 2}
    # 2025: 20|2|5 is impossible, 2|0|25 is the only reading left: certain
    d = glued.decode(["2025"], c)
    assert d.texts == ["2", "0", "25"] and not d.uncertain
    # figures of balanced length are likelier
    assert glued.decode(["8855698"], c).texts == ["88", "55", "698"]
    assert glued.decode(["77132470"], c).texts == ["77", "132", "470"]


def test_sign_starts_the_signed_column():
    c = cols(LAYOUT_2019, "t2", "penalty")
    d = glued.decode(["2648-18538"], c)
    assert d.texts[0] == "2648" and d.texts[1].startswith("-")
    assert 0 not in d.uncertain and {1, 2} <= d.uncertain
    assert glued.decode(["35-15"], cols(LAYOUT_2019, "t2", "fee")).texts == ["35", "-15"]
    # a sign is never read into an unsigned column
    assert all(not t.startswith("-") for r in d.fitting for i, t in enumerate(r) if i != 1)


def test_units_end_a_figure():
    c = cols(LAYOUT_2019, "t2", "procurement")
    d = glued.decode(["1个246900元"], c)
    assert d.texts == ["1个", "246900元"] and not d.uncertain
    d = glued.decode(["9 152.2万元"], c)
    assert d.texts == ["9", "152.2万元"]


def test_decimal_stays_in_the_amount_column():
    c = cols(LAYOUT_2019, "t2", "procurement")
    d = glued.decode(["13575394432.52元"], c)
    assert d.texts[1].endswith(".52元") and "." not in d.texts[0]
    assert d.uncertain == {0, 1}


def test_balance_across_rows_chooses_between_readings():
    keys = [c.key for c in T3]
    new = glued.decode(["801000081"], T3)
    granted = glued.decode(["220000022"], T3)  # 22 … 22, or 2, 20 … 22
    partial = glued.decode(["1910000 20"], T3)  # 19,1 … 20 or 1,9,10 … 20
    rest = glued.decode(["390000039"], T3)
    total = glued.decode(["801000081"], T3)
    out = glued.decode(["0000000"], T3)
    assert len(granted.fitting) > 1
    rows = {
        "new": (keys, new),
        "carried_in": (keys, glued.decode(["0000000"], T3)),
        "granted": (keys, granted),
        "partial": (keys, partial),
        "unable_not_held": (keys, rest),
        "total": (keys, total),
        "carried_out": (keys, out),
    }
    changed = glued.balance_t3(rows)
    assert changed["granted"].texts == ["22", "0", "0", "0", "0", "0", "22"]
    assert not changed["granted"].uncertain
    assert changed["partial"].texts == ["19", "1", "0", "0", "0", "0", "20"] and not changed["partial"].uncertain


def test_runs_of():
    assert glued.runs_of(["12 3"]) is not None and len(glued.runs_of(["12 3"])) == 2
    assert glued.runs_of(["共12件"]) is None
    assert [r.digits for r in glued.runs_of(["2648-18538"])] == ["2648", "18538"]


@pytest.mark.parametrize("digits", ["0" * 30, "1" * 25])
def test_long_runs_stay_bounded(digits):
    # a 表四 with far too many digits must not hang
    d = glued.decode_groups([digits], T4, 5)
    assert d is None or len(d.texts) == 15


def test_balance_leaves_rows_open_when_it_cannot_tell():
    keys = [c.key for c in T3]
    granted = glued.decode(["220000022"], T3)
    rows = {"granted": (keys, granted)}  # no 总计 row: nothing to balance with
    assert glued.balance_t3(rows) == {}


def test_a_row_with_too_many_readings_is_uncertain_in_every_cell():
    # 40 digits for 7 cells: thousands of readings, none can be trusted
    d = glued.decode(["1234567891" * 4], T3)
    assert d is None or d.uncertain == set(range(7))


# ---- the balance's combinations look each row's figures up (read once a reading):
# the same choices as the first form, which read them again for every combination

from itertools import product  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from xxgk.extract.glued import _MAX_COMBOS, _PIECE, Decoded, _differing, _likelihood, _value  # noqa: E402

def _balance_t3_plain(rows: dict[str, tuple[list[str], Decoded]]) -> dict[str, Decoded]:
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
    results = [k for k in rows if k not in ("new", "carried_in", "total", "carried_out")]

    def value(key: str, chosen: dict[str, tuple], ci: int) -> float | None:
        if key not in rows:
            return None
        ckeys, d = rows[key]
        if cols[ci] not in ckeys:
            return None
        r = chosen.get(key, d.texts)
        i = ckeys.index(cols[ci])
        if i >= len(r) or (r[i] is not None and not _PIECE.fullmatch(r[i])):
            return None  # a cell missing or not a figure: no balance to check
        return _value(r[i])

    scored = []
    for combo in product(*options):
        chosen = dict(zip(open_rows, combo))
        bad = 0
        for ci in range(len(cols)):
            a = [value(k, chosen, ci) for k in ("new", "carried_in", "total", "carried_out")]
            if None not in a and abs(a[0] + a[1] - a[2] - a[3]) > 1e-9:
                bad += 1
            tot = a[2]
            parts = [value(k, chosen, ci) for k in results]
            if tot is not None and parts and None not in parts and abs(sum(parts) - tot) > 1e-9:
                bad += 1
        scored.append((bad, combo))
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


_T3_KEYS = ("new", "carried_in", "granted", "partial", "unable_not_held", "total", "carried_out")
_glued_row = st.lists(st.sampled_from(["0", "1", "2", "10", "12", "21", "3 0", "120", "1 1"]), min_size=1, max_size=4).map(lambda p: "".join(p) + "0" * 4)


@st.composite
def _balanced_t3(draw) -> list[str]:
    """The rows of a 表三 that balances, each row's figures run together (glued): the
    balance then has readings to choose between."""
    n = len(T3) - 1  # (the last column is the row's total)
    small = st.integers(0, 25)
    results = [[draw(small) for _ in range(n)] for _ in range(3)]
    total = [sum(col) for col in zip(*results)]
    out = [draw(small) for _ in range(n)]
    carried_in = [draw(st.integers(0, t + o)) for t, o in zip(total, out)]
    new = [t + o - c for t, o, c in zip(total, out, carried_in)]
    rows = [new, carried_in, *results, total, out]
    return ["".join(str(v) for v in (*row, sum(row))) for row in rows]


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(_glued_row, min_size=len(_T3_KEYS), max_size=len(_T3_KEYS)), _balanced_t3()))
def test_balance_chooses_as_the_plain_form(texts):
    keys = [c.key for c in T3]
    rows = {k: (keys, glued.decode([t], T3) or Decoded([None] * len(keys), set(range(len(keys))))) for k, t in zip(_T3_KEYS, texts)}
    assert glued.balance_t3(rows) == _balance_t3_plain(rows)
