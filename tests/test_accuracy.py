"""The accuracy scorer (unit) and the accuracy of the text formats on the real corpus."""

from __future__ import annotations

import pytest

from conftest import CORPUS
from xxgk.accuracy import run, same_value, score_record
from xxgk.model import Meta, Record, Source


def _rec(cells: dict, **meta) -> Record:
    return Record(source=Source("x.txt", "0", "text"), meta=Meta(**meta), cells=cells, uncertain=["t3.new.research"])


GOLD = {
    "file": "x.txt",
    "meta": {"agency": "某局", "year": 2023, "published": "2024-01-02", "template": "2021"},
    "cells": {"t3.new.natural": 3, "t3.new.commercial": None, "t3.new.research": 5, "t4.review.total": 0, "t2.fee.amount": 1.5},
    "uncertain": ["t3.new.research"],
}


def test_scorer_counts_exact_blank_missing_spurious_and_meta():
    rec = _rec(
        {"t3.new.natural": 3, "t3.new.commercial": 0, "t3.new.research": 50, "t2.fee.amount": 1.5000000000001, "t3.new.total": 8},
        agency="某局",
        year=2022,
        published="2024-01-02",
        template="2021",
    )
    ds = score_record(rec, GOLD)
    # 4 scored cells (research is uncertain in gold and skipped)
    assert ds.scored == 4 and ds.skipped == 1
    # natural and amount exact; blank vs 0 is wrong; t4.review.total missing
    assert ds.correct == 2
    kinds = {w.key: w.kind for w in ds.wrong}
    assert kinds == {"t3.new.commercial": "value", "t4.review.total": "missing", "t3.new.total": "spurious"}
    assert ds.spurious == 1 and ds.denominator == 5
    assert ds.meta == {"year": (2023, 2022)} and not ds.meta_ok
    assert ds.per_table["t3"] == [2, 1, 1] and ds.per_table["t4"] == [1, 0, 0]
    # the parser flagged the gold-uncertain cell as uncertain
    assert ds.uncertain_missed == []


def test_scorer_failed_parse_scores_zero():
    ds = score_record(None, GOLD, "x.txt", "text")
    assert ds.correct == 0 and ds.scored == 4 and not ds.meta_ok


def test_same_value_blank_is_not_zero():
    assert same_value(None, None) and same_value(0, 0.0) and same_value(7539.443252, 75394432.52 / 10000)
    assert not same_value(None, 0) and not same_value(0, None) and not same_value(1, 2)


TEXT_FORMATS = {"text"}


@pytest.fixture(scope="module")
def text_report():
    if not (CORPUS / "raw").is_dir() or not (CORPUS / "gold").is_dir():
        pytest.skip("corpus not present")
    return run(CORPUS, formats=TEXT_FORMATS)


def test_text_formats_reach_the_targets(text_report):
    """Crawled text and Markdown: ≥ 99.5% exact, no spurious cell, meta right."""
    tot = text_report.total()
    wrong = [(w.file, w.key, w.gold, w.got) for d in text_report.docs for w in d.wrong]
    assert tot.docs >= 15
    assert tot.spurious == 0, wrong
    assert tot.accuracy >= 0.995, wrong
    meta = {d.file: d.meta for d in text_report.docs if not d.meta_ok}
    assert meta == {}


def test_text_formats_year_and_layout_on_every_document(text_report):
    """Documents without gold: year and layout as provenance.json gives them."""
    bad = [(c.file, c.expected, c.got) for c in text_report.layout_checks if not c.ok]
    assert text_report.layout_checks and bad == []


def test_text_formats_published_date_follows_gold(text_report):
    bad = {d.file: d.meta["published"] for d in text_report.docs if "published" in d.meta}
    assert bad == {}


@pytest.fixture(scope="module")
def sites_report():
    from xxgk.accuracy import sites_corpus

    where = sites_corpus(CORPUS)
    if not (where / "gold").is_dir():
        pytest.skip("sites corpus not present")
    return run(where)


def test_sites_pages_reach_the_targets(sites_report):
    """Report pages of 39 websites: ≥ 99.5 % exact, no spurious cell, every page's tables found."""
    tot = sites_report.total()
    wrong = [(w.file, w.key, w.gold, w.got) for d in sites_report.docs for w in d.wrong]
    assert tot.docs >= 40 and tot.errors == 0
    assert tot.spurious == 0, wrong
    assert tot.accuracy >= 0.995, wrong
    # no page whose tables are present comes out without them
    assert all(d.correct > 0 for d in sites_report.docs), [d.file for d in sites_report.docs if not d.correct]
    # per site, too
    assert all(t.accuracy >= 0.995 for t in sites_report.by_site().values())
    bad = {d.file: d.meta for d in sites_report.docs if {"year", "template"} & set(d.meta)}
    assert bad == {}
