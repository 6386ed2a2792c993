"""表四 is read where no 表三 was (a 表三 published as an image, cut from the page, left out).

Made from every real report we have whose tables are blocks of their own (web pages,
Word files, pipe tables of crawled text): the block of 表三 taken out, 表四 must read as
it reads in the whole report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from msgspec.structs import replace

import xxgk
from xxgk.extract import extract
from xxgk.layouts import T3_HEADER_GROUP, T4, T4_SUIT_GROUP
from xxgk.model import Table
from xxgk.text import norm_label

from conftest import CORPUS, FIXTURES

T4_WORDS = (T4.rows[0].label, T4.columns[0].label)  # (行政复议, 结果维持: both stand in 表四's block)


def _reports() -> list[Path]:
    files = sorted((FIXTURES / "seeds").glob("*.txt")) + sorted((FIXTURES / "pages").glob("*.txt"))
    if (CORPUS / "raw").is_dir():
        files += sorted(p for p in (CORPUS / "raw").iterdir() if p.suffix in (".txt", ".md", ".html", ".docx"))
        files += sorted((CORPUS / "sites").glob("*.txt"))
    return files


def _text(block) -> str:
    return norm_label(" ".join(c for row in block.rows for c in row)) if type(block) is Table else norm_label(block.text)


def _without_t3(doc):
    """The document without the table block that holds 表三 (and not 表四), or None where there is none."""
    blocks = [b for b in doc.blocks if not (type(b) is Table and T3_HEADER_GROUP in _text(b) and not all(w in _text(b) for w in T4_WORDS))]
    return replace(doc, blocks=blocks) if len(blocks) == len(doc.blocks) - 1 else None


CASES = []
for _path in _reports():
    _doc = xxgk.read_path(_path)
    _whole = extract(_doc)
    _t4 = {k: v for k, v in _whole.cells.items() if k.startswith("t4.")}
    _cut = _without_t3(_doc) if len(_t4) == 15 else None
    if _cut is not None:
        CASES.append(pytest.param(_cut, _t4, id=_path.name))


def test_there_are_reports_to_cut():
    assert len(CASES) >= 1


@pytest.mark.parametrize("doc,t4", CASES)
def test_t4_reads_the_same_without_t3(doc, t4):
    rec = extract(doc)
    assert not any(k.startswith("t3.") for k in rec.cells)
    assert {k: v for k, v in rec.cells.items() if k.startswith("t4.")} == t4


@pytest.mark.parametrize("path", sorted((FIXTURES / "seeds").glob("*.txt")), ids=lambda p: p.name)
def test_t4_words_before_t3_do_not_open_t4(path):
    """表四's header words standing in the text before 表三 (a contents list, a heading) open no 表四:
    表三 after them is read as in the whole report."""
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    words = "\n".join((T4.rows[0].label, T4_SUIT_GROUP, T4.columns[0].label))
    moved = xxgk.parse_bytes(f"{first}\n{words}\n{rest}".encode(), path.name)
    whole = xxgk.parse_bytes(text.encode(), path.name)
    assert {k: v for k, v in moved.cells.items() if k.startswith("t3.")} == {k: v for k, v in whole.cells.items() if k.startswith("t3.")}
