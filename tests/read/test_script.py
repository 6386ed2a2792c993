"""Reports in traditional characters (a site's 繁體 version) read as the same record as in simplified.

The traditional versions are made by OpenCC (``s2t``, phrase by phrase, as a site's
conversion does) from every real report we have in text or HTML: the seeds, the
fixture pages from further websites, and the corpus when it is present.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xxgk
from xxgk.read.hanzi_table import TRADITIONAL
from xxgk.read.script import NOTE, fold, fold_document, is_traditional

from conftest import CORPUS, FIXTURES, REPO

S2T = opencc.OpenCC("s2t")


def _reports() -> list[Path]:
    """The real reports written in simplified characters (a fixture page published in traditional
    ones, as its provenance says, is read by tests/test_pages_accuracy.py against its gold)."""
    pages = json.loads((FIXTURES / "pages" / "provenance.json").read_text(encoding="utf-8"))
    traditional = {p["file"] for p in pages if "traditional characters" in p["serialisation"]}
    files = sorted((FIXTURES / "seeds").glob("*.txt"))
    files += sorted(p for p in (FIXTURES / "pages").glob("*.txt") if p.name not in traditional)
    if (CORPUS / "raw").is_dir():
        files += sorted(p for p in (CORPUS / "raw").iterdir() if p.suffix in (".txt", ".md", ".html"))
        files += sorted((CORPUS / "sites").glob("*.txt"))
    return files


REPORTS = _reports()


def test_the_table_is_what_the_pinned_opencc_gives():
    """hanzi_table.py is generated (scripts/gen_hanzi.py): from this OpenCC and these layouts, unchanged."""
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_hanzi.py"), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


@given(st.text(alphabet=TRADITIONAL[:400] + "第二十条项规章0123456789 |、（）()年", max_size=200))
def test_folding_keeps_a_texts_length(text):
    """One character for one (the positions of the record's provenance stay right)."""
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_a_report_in_traditional_characters_reads_as_in_simplified(path):
    data = path.read_bytes()
    plain = xxgk.parse_bytes(data, path.name)
    trad = xxgk.parse_bytes(S2T.convert(data.decode("utf-8")).encode("utf-8"), path.name)
    assert NOTE in trad.notes and NOTE not in plain.notes
    assert trad.cells == plain.cells
    assert trad.uncertain == plain.uncertain
    assert trad.provenance == plain.provenance
    assert (trad.meta.year, trad.meta.template) == (plain.meta.year, plain.meta.template)
    # the title and agency as found, folded as the traditional text writes them (反覆 stays 反覆 in prose)
    for got, want in ((trad.meta.title, plain.meta.title), (trad.meta.agency, plain.meta.agency)):
        assert got == (fold(S2T.convert(want)) if want else want)
    assert [(s.no, s.title) for s in trad.sections] == [(s.no, fold(S2T.convert(s.title))) for s in plain.sections]


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_a_report_in_simplified_characters_is_left_as_it_is(path):
    doc = xxgk.read_bytes(path.read_bytes(), path.name)
    assert not doc.notes  # (not folded as it was read)
    assert not fold_document(doc)


def test_a_simplified_report_quoting_traditional_names_stays_simplified():
    """A few traditional characters (a quoted name, a 繁體 link in the chrome) do not make a report traditional."""
    text = "香港特別行政區政府與澳門來賓參觀。" + "某某县财政局2023年政府信息公开工作年度报告。一、总体情况。本机关认真贯彻落实条例，主动公开政府信息。" * 3
    assert not is_traditional(text)
    assert is_traditional(S2T.convert(text))
    # the opening words written in traditional script once (a quotation): the count decides
    quoted = "引用《中華人民共和國政府信息公開條例》原文。" + text
    assert not is_traditional(quoted)


def test_the_fixture_page_published_in_traditional_characters_is_read_as_simplified():
    rec = xxgk.parse_path(FIXTURES / "pages" / "524.txt")
    assert NOTE in rec.notes
    assert rec.meta.agency == "麻阳苗族自治县板栗树乡人民政府"
    assert rec.meta.template == "2021" and rec.cells["t2.license.decisions"] == 4
