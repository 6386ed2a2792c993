"""The arithmetic and layout rules on the hand-checked gold records of ../shared/corpus.

Each gold record lists the rules (XG301, XG302, XG303, XG401, XG105, XG201) the
document breaks as published; the checker must raise exactly those on the gold cells.
"""

from __future__ import annotations

import json

import pytest

from xxgk.check import check_record
from xxgk.model import Meta, Record, Source

GOLD = ["001", "003", "004", "005", "007", "008", "009", "011", "013", "015", "018", "019", "021", "023", "025", "027", "029", "031", "033", "035", "037", "039", "041", "043"]
GOLD_RULES = ["XG301", "XG302", "XG303", "XG401", "XG105", "XG201"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", GOLD)
def test_gold_rules_expected(name):
    from conftest import gold_file

    d = json.loads(gold_file(f"{name}.json").read_text(encoding="utf-8"))
    m = d["meta"]
    rec = Record(
        source=Source(path=d["file"], sha256="", format="text"),
        meta=Meta(agency=m.get("agency"), year=m.get("year"), published=m.get("published"), template=m.get("template")),
        cells=d["cells"],
        uncertain=d.get("uncertain", []),
    )
    got = sorted({f.rule for f in check_record(rec, select=GOLD_RULES)})
    assert got == sorted(d.get("rules_expected") or [])
