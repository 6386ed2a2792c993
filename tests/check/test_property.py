"""Property: a consistent 表三/表四 raises no XG3xx/XG4xx finding; changing any one 表三 cell raises one."""

from __future__ import annotations

from check_helpers import clean_record
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.check import check_record
from xxgk.layouts import T3_COLUMNS, T4, layout_for
from xxgk.model import Record

APPLICANTS = [c.key for c in T3_COLUMNS if c.key not in ("total", "org_subtotal")]
ORGS = APPLICANTS[1:]
SMALL = st.integers(min_value=0, max_value=30)


@st.composite
def consistent(draw) -> Record:
    template = draw(st.sampled_from(["2019", "2021"]))
    subtotal = draw(st.booleans())
    rec = clean_record(template)
    t3 = layout_for(template).table("t3")
    results = [r.key for r in t3.rows if r.key not in ("new", "carried_in", "total", "carried_out")]
    cells = rec.cells
    for c in APPLICANTS:
        for r in results:
            cells[f"t3.{r}.{c}"] = draw(SMALL)
        answered = sum(cells[f"t3.{r}.{c}"] for r in results)
        # at most a quarter carried over, so that XG304 (a plausibility warning) has nothing to say
        out = draw(st.integers(min_value=0, max_value=answered // 4))
        carried_in = draw(st.integers(min_value=0, max_value=out + answered // 4))
        cells[f"t3.total.{c}"] = answered
        cells[f"t3.carried_out.{c}"] = out
        cells[f"t3.carried_in.{c}"] = carried_in
        cells[f"t3.new.{c}"] = answered + out - carried_in
    rows = [r.key for r in t3.rows]
    for r in rows:
        cells[f"t3.{r}.total"] = sum(cells[f"t3.{r}.{c}"] for c in APPLICANTS)
        if subtotal:
            cells[f"t3.{r}.org_subtotal"] = sum(cells[f"t3.{r}.{c}"] for c in ORGS)
    for r in T4.rows:
        parts = [draw(SMALL) for _ in range(4)]
        for c, v in zip(T4.columns[:4], parts):
            cells[f"t4.{r.key}.{c.key}"] = v
        cells[f"t4.{r.key}.total"] = sum(parts)
    return rec


ARITH = ["XG3", "XG4"]


@settings(max_examples=120, deadline=None)
@given(consistent())
def test_consistent_records_raise_no_arithmetic_finding(rec):
    fs = check_record(rec, select=ARITH)
    assert fs == [], [(f.rule, f.message) for f in fs]


@settings(max_examples=200, deadline=None)
@given(consistent(), st.data())
def test_changing_one_t3_cell_raises_a_finding(rec, data):
    keys = sorted(k for k in rec.cells if k.startswith("t3."))
    key = data.draw(st.sampled_from(keys))
    delta = data.draw(st.integers(min_value=-30, max_value=30).filter(lambda d: d != 0))
    rec.cells[key] = rec.cells[key] + delta
    fs = check_record(rec, select=["XG301", "XG302", "XG303"])
    assert fs, key
    assert any(key in f.where for f in fs)
