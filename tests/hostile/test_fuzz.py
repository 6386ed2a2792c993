"""Fuzzing every reader (hypothesis over mutated real files).

Real files of every format (the seeds; DOCX/XLSX/HTML/PDF/PNG/JPEG built by
the readers' test builders) are mutated — bytes flipped, set, inserted,
deleted, blocks duplicated, files cut short, with a bias towards ZIP headers —
and read, extracted and checked in a budgeted worker.  Only xxgk's own
:class:`ReadError` may escape, and no input may go over its budget.

CI runs a few hundred examples with a fixed seed (``derandomize``);
``make fuzz`` runs many more with fresh randomness (``XXGK_FUZZ_EXAMPLES``,
``XXGK_FUZZ_RANDOM=1``).
"""

from __future__ import annotations

import os

import pytest
import worker_tasks as t
from hostile_inputs import fuzz_seeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.workers import Budget, BudgetPool, OverBudget

EXAMPLES = int(os.environ.get("XXGK_FUZZ_EXAMPLES", "50"))  # per format
# an image that decodes goes through OCR (seconds each on this machine): a fifth as many examples
SHARE = {"image": 0.2}
RANDOM = os.environ.get("XXGK_FUZZ_RANDOM") == "1"
BUDGET = Budget(seconds=float(os.environ.get("XXGK_FUZZ_SECONDS", "30")), memory_mb=1024)
SEEDS = fuzz_seeds()
COUNTS: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="module")
def pool():
    with BudgetPool(1, BUDGET, warm=("xxgk.extract", "xxgk.check")) as p:
        yield p
    if COUNTS:
        print("\nfuzz examples per format (outcome: count):", COUNTS)


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    heads = [i for i in range(len(data) - 1) if data[i : i + 2] == b"PK"]
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        if heads and draw(st.booleans()):  # near a ZIP header: where the damage found by fuzzing was
            pos = min(len(data) - 1, draw(st.sampled_from(heads)) + draw(st.integers(0, 46)))
        else:
            pos = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(("flip", "set", "insert", "delete", "dup", "cut")))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[pos] = draw(st.sampled_from((0, 0xFF, 0x7F, 0x80, draw(st.integers(0, 255)))))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "dup":
            n = draw(st.integers(1, 256))
            data[pos:pos] = data[pos : pos + n]
        else:
            del data[pos:]
    return bytes(data)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_fuzz_reader(fmt, pool):
    counts = COUNTS.setdefault(fmt, {})
    examples = max(8, int(EXAMPLES * SHARE.get(fmt, 1.0)))

    @settings(max_examples=examples, deadline=None, derandomize=not RANDOM, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
    @given(data=mutated(SEEDS[fmt]))
    def run(data: bytes) -> None:
        try:
            outcome = pool.submit(t.parse_and_check, data).result()
        except OverBudget as e:
            pytest.fail(f"{fmt}: an input went over its budget ({e}); {len(data)} bytes")
        counts[outcome] = counts.get(outcome, 0) + 1

    run()
    assert sum(counts.values()) >= examples
