"""Each seed report parses to exactly its expected record.

The expected records (tests/fixtures/expected/*.yaml) were written by reading
the documents; here they are expanded into cell keys through the layout
definitions and compared key for key: every cell, blank vs zero, no key the
document does not have, plus meta, raw texts and the sections.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import xxgk
from xxgk.layouts import T3_OTHER_SINGLE, layout_for
from conftest import FIXTURES, SEEDS

EXPECTED = FIXTURES / "expected"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def expected_cells(spec: dict) -> dict:
    lay = layout_for(spec["meta"]["template"])
    cells: dict = {}
    for tkey in ("t2", "t3"):
        table = lay.table(tkey)
        rows = {r.key: r for r in table.rows}
        rows.setdefault("other", T3_OTHER_SINGLE) if tkey == "t3" else None
        for rkey, values in (spec.get(tkey) or {}).items():
            cols = [c for c in table.columns_of(rows[rkey]) if not c.optional]
            assert len(values) == len(cols), f"{tkey}.{rkey}: {len(values)} values for {len(cols)} columns"
            for col, v in zip(cols, values):
                cells[f"{tkey}.{rkey}.{col.key}"] = v
    if "t4" in spec:
        t4 = lay.table("t4")
        keys = [f"t4.{r.key}.{c.key}" for r in t4.rows for c in t4.columns]
        assert len(spec["t4"]) == 15
        cells.update(zip(keys, spec["t4"]))
    return cells


def load(seed: Path) -> dict:
    return yaml.safe_load((EXPECTED / f"{seed.stem}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=SEED_FILES, ids=[p.stem[:3] for p in SEED_FILES])
def case(request):
    seed = request.param
    return xxgk.parse_path(seed), load(seed)


def test_every_seed_has_an_expected_record():
    assert len(SEED_FILES) == 5
    for seed in SEED_FILES:
        assert (EXPECTED / f"{seed.stem}.yaml").exists()


def test_cells_exact(case):
    rec, spec = case
    want = expected_cells(spec)
    got = rec.cells
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    wrong = {k: (want[k], got[k]) for k in want.keys() & got.keys() if want[k] != got[k] or (want[k] is None) != (got[k] is None) or type(want[k]) is not type(got[k]) and not isinstance(want[k], float)}
    assert not missing, f"cells the parser lost: {missing}"
    assert not extra, f"cells the document does not have: {extra}"
    assert not wrong, f"wrong cells (want, got): {wrong}"


def test_blank_is_not_zero(case):
    rec, spec = case
    want = expected_cells(spec)
    for k, v in want.items():
        if v is None:
            assert rec.cells[k] is None, k
        elif v == 0:
            assert rec.cells[k] == 0 and rec.cells[k] is not None, k


def test_meta_exact(case):
    rec, spec = case
    m = spec["meta"]
    assert rec.meta.agency == m["agency"]
    assert rec.meta.year == m["year"]
    assert rec.meta.template == m["template"]
    assert rec.meta.published == m["published"]
    assert rec.meta.title == m["title"]


def test_raw_texts(case):
    rec, spec = case
    assert rec.raw == (spec.get("raw") or {})


def test_sections(case):
    rec, spec = case
    got = [(s.no, s.title) for s in rec.sections]
    want = [(no, title) for no, title, _ in spec["sections"]]
    assert got == want
    for s, (_, _, start) in zip(rec.sections, spec["sections"]):
        assert s.text.startswith(start), (s.title, s.text[:40])
        if not start:
            assert s.text == ""


def test_nothing_uncertain_in_seeds(case):
    rec, _ = case
    assert rec.uncertain == []


def test_cli_json_lines_and_bad_file(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "parse", "--format", "json", str(SEED_FILES[0]), str(bad), str(SEED_FILES[1])],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2  # the two good files, one JSON object a line
    recs = [json.loads(line) for line in lines]
    assert recs[0]["schema_version"] == 1
    assert recs[0]["meta"]["agency"] == "金华市生态环境局金东分局"
    assert list(recs[0])[:4] == ["schema_version", "source", "meta", "cells"]
    assert str(bad) in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_text_view_shows_official_tables():
    proc = subprocess.run([sys.executable, "-m", "xxgk.cli", "parse", str(SEED_FILES[2])], capture_output=True, text=True, env={"COLUMNS": "200", **__import__("os").environ})
    assert proc.returncode == 0
    assert "第二十条第（一）项" in proc.stdout
    assert "黔东南州生态环境局" in proc.stdout
    assert "2568.714" in proc.stdout
