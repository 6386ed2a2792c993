"""The labels that cut a glued paragraph are found exactly where the spaced pattern finds them.

``extract.tokens`` searches the official labels as a literal alternation in a copy of the
text without white space (cheap to compile at start-up) instead of one pattern that allows
white space between any two characters of every label.  Both must find the same labels at
the same places, for any text.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.extract.tokens import _split_pattern, split_glued

SEARCH = _split_pattern()
SPACED = re.compile("|".join(r"\s*".join(re.escape(ch) for ch in lab) for lab in SEARCH.labels))
WHITE = [" ", "  ", "\n", "\t", "\u3000", "\u00a0", "\x0b", "\u2028", "\r\n"]


@st.composite
def glued_text(draw) -> str:
    """Labels (some broken by white space between any two characters), figures, white space and other words."""
    parts = []
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["label", "spaced", "figure", "white", "word"]))
        if kind in ("label", "spaced"):
            lab = draw(st.sampled_from(SEARCH.labels))
            if kind == "spaced":
                lab = "".join(ch + (draw(st.sampled_from(WHITE)) if draw(st.booleans()) else "") for ch in lab)
            cut = draw(st.integers(0, len(lab)))  # sometimes only a piece of a label
            parts.append(lab if draw(st.booleans()) else lab[:cut])
        elif kind == "figure":
            parts.append(str(draw(st.integers(0, 10**9))))
        elif kind == "white":
            parts.append(draw(st.sampled_from(WHITE)))
        else:
            parts.append(draw(st.text(alphabet="本年其他、（）()。规章行政处罚许可总计 ", max_size=6)))
    return "".join(parts)


def _spans(matches) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in matches]


@settings(max_examples=300, deadline=None)
@given(glued_text())
def test_same_matches_as_the_spaced_pattern(text):
    assert _spans(SEARCH.finditer(text)) == _spans(SPACED.finditer(text))
    a, b = SEARCH.match(text), SPACED.match(text)
    assert (a is None) == (b is None)
    if a is not None:
        assert (a.start(), a.end(), a.group()) == (b.start(), b.end(), b.group())


def test_a_label_broken_by_line_ends_is_cut_out_with_its_white_space():
    text = "规  章\n0 0 0 行政规范性\n文件 24 3 3"
    assert _spans(SEARCH.finditer(text)) == _spans(SPACED.finditer(text)) == [(0, 4), (11, 19)]
    assert split_glued(text) == ["规  章", "0 0 0", "行政规范性\n文件", "24 3 3"]


def test_lazy_pattern_compiles_on_first_use_and_finds_what_re_finds():
    from xxgk.text import LazyPattern

    src = "[\u3400-\u9fff]+"
    lazy = LazyPattern(src)
    assert "findall" not in vars(lazy)  # nothing compiled at import
    text = "GBK 段落 mixed 中文 text"
    assert lazy.findall(text) == re.compile(src).findall(text) == ["段落", "中文"]
    assert "findall" in vars(lazy)  # the compiled pattern's method, found directly from now on
