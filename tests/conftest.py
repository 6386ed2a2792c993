"""Shared test fixtures: where the seeds and the real corpus are.

The corpus (../shared/corpus beside the repository, or $XXGK_SHARED/corpus)
is never copied into the project; tests that need it skip when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = FIXTURES / "seeds"
SHARED = Path(os.environ.get("XXGK_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"


def corpus_file(name: str) -> Path:
    """A document of ../shared/corpus/raw, or skip the test when the corpus is absent."""
    p = CORPUS / "raw" / name
    if not p.exists():
        pytest.skip(f"corpus file {p} not present")
    return p


def gold_file(name: str) -> Path:
    p = CORPUS / "gold" / name
    if not p.exists():
        pytest.skip(f"gold record {p} not present")
    return p


@pytest.fixture
def seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
