"""The table styles of xxgk.render.text that can show every cell read back.

(``lines`` and ``aligned`` cannot show a blank cell and run figures together;
they belong to the parser's own property tests.)
"""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings

import xxgk
from xxgk.render.example import example_record
from xxgk.render.report import expected_record
from xxgk.render.text import BLANK_SAFE, render_text
from render_records import assert_same, records


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("style", BLANK_SAFE)
def test_styles_read_back(style, template):
    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rec=records(template))
    def check(rec):
        full = expected_record(rec)
        text = render_text(full, style=style, markdown=style == "markdown")
        assert_same(full, xxgk.parse_bytes(text.encode(), f"x.{'md' if style == 'markdown' else 'txt'}"))

    check()


@pytest.mark.parametrize("style", BLANK_SAFE)
def test_record_printed_as_given(style):
    """render_text prints the cells as they are: a wrong total stays wrong."""
    rec = expected_record(example_record())
    rec = msgspec.structs.replace(rec, cells={**rec.cells, "t3.granted.total": 99})
    back = xxgk.parse_bytes(render_text(rec, style=style, markdown=style == "markdown").encode(), "x.txt")
    assert back.cells["t3.granted.total"] == 99


def test_blank_cell_beside_multi_digit_figures():
    """A blank cell beside multi-digit figures stays blank (46 is not cut into 4 and 6)."""
    rec = expected_record(example_record())
    rec = msgspec.structs.replace(rec, cells={**rec.cells, "t3.new.total": None})
    back = xxgk.parse_bytes(render_text(rec, style="tabs").encode(), "x.txt")
    assert [back.cells[f"t3.new.{c}"] for c in ("natural", "commercial", "other", "total")] == [46, 9, 1, None]
