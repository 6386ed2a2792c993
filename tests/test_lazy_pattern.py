"""A pattern only some inputs need is compiled when first used (start-up time, issue 13)."""

from __future__ import annotations

import re

from xxgk.text import LazyPattern


def test_lazy_pattern_compiles_on_first_use_and_finds_what_re_finds():
    src = "[\u3400-\u9fff]+"
    lazy = LazyPattern(src)
    assert "findall" not in vars(lazy)  # nothing compiled at import
    text = "GBK 段落 mixed 中文 text"
    assert lazy.findall(text) == re.compile(src).findall(text) == ["段落", "中文"]
    assert "findall" in vars(lazy)  # the compiled pattern's method, found directly from now on
