"""The reader is general: a record written in any style seen in the wild reads back.

Every style of :mod:`serialgen` (one test each, on a fixed record of each
layout), random records in random combinations of styles (a property test),
and the real gold records re-written in every style.  The text is read by the
library's entry point (:func:`xxgk.parse_bytes`) and must give back exactly
the cells written (value, blank vs 0, no extra key), the year and the agency.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from serialgen import (
    BLANKS,
    CHANGES,
    CMS,
    EMPTY_SHOWN,
    FILLERS,
    HEADERS,
    HEADINGS,
    MERGED,
    NAMED,
    ONE_CELL_A_LINE,
    ROWS,
    VARIANTS,
    UNITS,
    Style,
    serialise,
    single_options,
)

import xxgk
from xxgk.layouts import cell_kind, layout_for

# ============================================================================
# KNOWN_FAILING — styles the reader does not read yet.  Remove an entry when
# the reader learns the style (the test is strict: it fails once it passes).
# The property test draws no option listed here.
# ============================================================================
# A key is a style of serialgen.NAMED, or "style[2019]" / "style[2021]" when
# only one layout fails, or "style[gold]" when only real gold records fail.
KNOWN_FAILING: dict[str, str] = {
}
KNOWN_FAILING_STYLES = {k.split("[")[0] for k in KNOWN_FAILING if not k.endswith("[gold]")}

AGENCIES = ("某某县某某镇人民政府", "金华市生态环境局金东分局", "黔东南州生态环境局", "双塔区前进街道", "西藏自治区政府国资委")


WHOLE_ROWS = {"t2.rules": None, "t2.normative": 0, "t3.carried_in": 0, "t3.denied_secret": None, "t4.suit_direct": 0}
EDGES = {"t4.review.upheld": None, "t4.suit_after_review.total": None}  # a row of figures that starts and ends blank


def fixed_cells(template: str) -> dict:
    """Every cell of the layout: figures, zeros, blanks, changes of each sign,
    decimal amounts, and whole rows of blanks and of zeros."""
    changes = iter([-4, 3, 0, 12, -1, 0, 7] * 4)
    cells: dict = {}
    for i, k in enumerate(layout_for(template).cell_keys()):
        kind = cell_kind(k)
        if i % 11 == 3:
            v = None
        elif kind == "signed":
            v = next(changes)
        elif i % 5 == 0:
            v = 0
        elif kind == "amount":
            v = (12.5, 3, 0.75)[i % 3]
        else:
            v = i
        cells[k] = EDGES.get(k, WHOLE_ROWS.get(k.rsplit(".", 1)[0], v))
    return cells


FIXED = {"2019": (fixed_cells("2019"), AGENCIES[1], 2020), "2021": (fixed_cells("2021"), AGENCIES[2], 2023)}


def read_back(text: str) -> xxgk.Record:
    data = text.encode("utf-8")
    return xxgk.parse_bytes(data, f"serialised-{hashlib.sha1(data).hexdigest()[:10]}.txt")


def mismatch(expected: dict, agency: str, year: int, rec: xxgk.Record) -> list[str]:
    """What the reader got wrong (empty: nothing)."""
    out = []
    if rec.meta.agency != agency:
        out.append(f"agency {rec.meta.agency!r} != {agency!r}")
    if rec.meta.year != year:
        out.append(f"year {rec.meta.year!r} != {year!r}")
    got = rec.cells
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    if missing:
        out.append(f"{len(missing)} cells missing: {missing[:6]}")
    if extra:
        out.append(f"{len(extra)} extra cells: {extra[:6]}")
    wrong = [
        f"{k}: {got[k]!r} != {v!r}"
        for k, v in expected.items()
        if k in got and (got[k] != v or (got[k] is None) != (v is None) or type(got[k]) is bool)
    ]
    if wrong:
        out.append(f"{len(wrong)} cells wrong: {wrong[:6]}")
    return out


def assert_reads_back(template: str, cells: dict, agency: str, year: int, style: Style) -> None:
    text, expected = serialise(template, cells, agency, year, style)
    assert expected, "nothing to write"
    bad = mismatch(expected, agency, year, read_back(text))
    assert not bad, "\n".join(bad)


def _marks(*keys: str) -> list:
    for k in keys:
        if k in KNOWN_FAILING:
            return [pytest.mark.xfail(strict=True, reason=KNOWN_FAILING[k])]
    return []


STYLE_PARAMS = [pytest.param(name, marks=_marks(name), id=name) for name in NAMED]
STYLE_LAYOUT_PARAMS = [
    pytest.param(name, template, marks=_marks(name, f"{name}[{template}]"), id=f"{name}-{template}")
    for name in NAMED
    for template in ("2019", "2021")
]


def test_known_failing_names_are_styles():
    assert {k.split("[")[0] for k in KNOWN_FAILING} <= set(NAMED)


def test_every_named_style_is_one_option_or_a_page():
    """Each named style adds one option to the plain one (or is a whole page as found)."""
    for name, style in NAMED.items():
        assert not style.problems(), name
        assert name in style.features() or name.startswith("page_"), (name, style.features())


def test_every_option_has_a_named_style():
    """Every value of every option of serialgen.Style is a named style, so it has a test of its own."""
    for style in single_options():
        assert style.features() <= set(NAMED), (style, style.features() - set(NAMED))


@pytest.mark.parametrize(("name", "template"), STYLE_LAYOUT_PARAMS)
def test_style_reads_back(name, template):
    cells, agency, year = FIXED[template]
    assert_reads_back(template, cells, agency, year, NAMED[name])


# ---------------------------------------------------------------- property test


def _feature_ok(**kw) -> bool:
    return not (Style(**kw).features() - {"rows_pipes"}) & KNOWN_FAILING_STYLES


def _choice(field: str, values) -> st.SearchStrategy:
    ok = [v for v in values if _feature_ok(**{field: v})]
    return st.sampled_from(ok)


@st.composite
def styles(draw) -> Style:
    rows = draw(st.sampled_from([r for r in ROWS if f"rows_{r}" not in KNOWN_FAILING_STYLES]))
    kw: dict = {"rows": rows}
    if rows == "pipes":
        kw["lead_bar"] = draw(_choice("lead_bar", [False, True]))
        kw["compact"] = draw(_choice("compact", [False, True]))
        if not kw["compact"]:
            kw["trail_bar"] = draw(_choice("trail_bar", [True, False]))
        if kw.get("trail_bar", True):
            kw["trail_space"] = draw(_choice("trail_space", [False, True]))
    if rows == "cell_bar":
        kw["compact"] = draw(_choice("compact", [False, True]))
    if rows in ("cell_bar", "bar_lines"):
        kw["row_sep"] = draw(_choice("row_sep", ["", "|"]))
    if rows in ("pipes", "cell_bar", "bar_lines"):
        kw["filler"] = draw(_choice("filler", FILLERS))
    if rows in ("pipes", "cell_bar", "bar_lines", "tabs"):
        kw["gap"] = draw(_choice("gap", [True, False]))
    merged = [m for m in MERGED if m != "empty_cells" or rows in (*EMPTY_SHOWN, "aligned")]
    kw["merged"] = draw(_choice("merged", merged))
    headers = [h for h in HEADERS if not Style(rows=rows, header=h, blank="/").problems()]
    kw["header"] = draw(_choice("header", headers))
    drawn = draw(st.lists(_choice("variants", [frozenset({v}) for v in VARIANTS]), max_size=3))
    kw["variants"] = frozenset(v for one in drawn for v in one)
    kw["halfwidth"] = draw(_choice("halfwidth", [False, True]))
    kw["value_spaces"] = draw(_choice("value_spaces", [False, True]))
    blanks = [x for x in BLANKS if x.strip() or rows in EMPTY_SHOWN]
    kw["blank"] = draw(_choice("blank", blanks))
    kw["change"] = draw(_choice("change", CHANGES))
    kw["zero_change"] = draw(_choice("zero_change", [False, True]))
    kw["units"] = draw(_choice("units", UNITS))
    kw["cms"] = draw(_choice("cms", CMS))
    kw["headings"] = draw(_choice("headings", HEADINGS))
    kw["extra_cell"] = draw(_choice("extra_cell", [False, True])) if rows in ("pipes", "cell_bar", "markdown", "tabs") else False
    style = Style(**kw)
    assume(not style.problems())
    assume(not style.features() & KNOWN_FAILING_STYLES)
    return style


def _random_value(rnd: random.Random, kind: str, blank: float, zero: float):
    x = rnd.random()
    if x < blank:
        return None
    if x < blank + zero:
        return 0
    if kind == "signed":
        return rnd.choice([rnd.randint(-500, -1), rnd.randint(1, 500), rnd.randint(1, 9)])
    if kind == "amount":
        return rnd.choice([rnd.randint(1, 99999), round(rnd.uniform(0.01, 9999), 2), rnd.randint(1, 99999) / 100])
    return rnd.choice([rnd.randint(1, 9), rnd.randint(10, 3000)])


@st.composite
def records(draw) -> tuple[str, dict, str, int]:
    """A record of either layout; its cells come from a drawn seed (drawing
    ~200 cells one by one would cost more than reading them back), with
    drawn shares of blanks and zeros, whole blank or zero rows included."""
    template = draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.integers(2019, 2020) if template == "2019" else st.integers(2021, 2025))
    blank = draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]))
    zero = draw(st.sampled_from([0.0, 0.3, 0.9])) * (1 - blank)
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    cells = {k: _random_value(rnd, cell_kind(k), blank, zero) for k in layout_for(template).cell_keys()}
    return template, cells, draw(st.sampled_from(AGENCIES)), year


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(records(), styles())
def test_any_record_in_any_combination_of_styles_reads_back(record, style):
    template, cells, agency, year = record
    assert_reads_back(template, cells, agency, year, style)


# ---------------------------------------------------------------- the real gold records


def gold_records() -> list[tuple[str, dict]]:
    out = []
    for d in (CORPUS / "gold", CORPUS / "sites" / "gold"):
        for p in sorted(d.glob("*.json")):
            g = json.loads(p.read_text(encoding="utf-8"))
            m = g.get("meta", {})
            if m.get("template") in ("2019", "2021") and m.get("agency") and m.get("year") and g.get("cells"):
                out.append((f"{d.parent.name}/{p.stem}", g))
    return out


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=_marks(f"{n}[gold]"), id=n) for n in NAMED if n not in KNOWN_FAILING_STYLES]
)
def test_gold_records_read_back_in_every_style(name):
    golds = gold_records()
    if not golds:
        pytest.skip(f"no gold records under {CORPUS}")
    failures = []
    for gid, g in golds:
        m = g["meta"]
        text, expected = serialise(m["template"], g["cells"], m["agency"], m["year"], NAMED[name])
        bad = mismatch(expected, m["agency"], m["year"], read_back(text))
        if bad:
            failures.append(f"{gid}: " + "; ".join(bad))
    assert not failures, f"{len(failures)}/{len(golds)} gold records:\n" + "\n".join(failures[:8])
