"""Helpers of the store tests (generated reports, the seeds) and the ``seeds_db`` fixture.

(Not a conftest.py: the top-level tests import ``conftest`` by that name.)
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from xxgk.layouts import layout_for
from xxgk.store import connect
from xxgk.store.ingest import ingest
from xxgk.store.synth import random_cells, report_text

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def write_synthetic(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """``n`` valid synthetic text reports (mixed layouts, distinct agencies) in ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        year = rng.choice((2019, 2020, 2021, 2022))
        tpl = "2021" if year >= 2021 else "2019"
        p = folder / f"r{i:04d}.txt"
        p.write_text(report_text(f"杭州市西湖区第{i}号教育局", year, random_cells(layout_for(tpl), rng, scale=20), template=tpl), encoding="utf-8")
        out.append(p)
    return out


def copy_seeds(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(p, folder / p.name)) for p in seed_files()]


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory):
    """A store holding the five seeds (module-scoped: ingested once, read by many tests)."""
    path = tmp_path_factory.mktemp("seeds") / "xxgk.duckdb"
    con = connect(path)
    res = ingest(con, seed_files(), jobs=1)
    assert res.ingested == 5 and not res.failed
    con.close()
    return path


def store_rows(con) -> dict[str, list]:
    """Every table's rows with report ids replaced by the file's hash and run-dependent columns
    left out (ids, times, paths' folders; the cube's ``sig``, a sum of id hashes)."""
    sha = "(SELECT sha256 FROM reports x WHERE x.id = {})"

    def columns(table: str, skip: tuple[str, ...]) -> str:
        cols = con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]).fetchall()
        return ", ".join('"' + c.replace('"', '""') + '"' for (c,) in cols if c not in skip)

    queries = {
        "reports": f"SELECT r.* EXCLUDE (id, agency_id, parsed_at, source_path, primary_id), regexp_replace(r.source_path, '^.*/', ''), {sha.format('r.primary_id')} FROM reports r",
        "cells": f"SELECT {sha.format('c.report_id')}, c.* EXCLUDE (report_id) FROM cells c",
        "sections": f"SELECT {sha.format('s.report_id')}, s.* EXCLUDE (report_id) FROM sections s",
        "findings": f"SELECT {sha.format('f.report_id')}, {sha.format('f.previous_id')}, f.* EXCLUDE (report_id, previous_id) FROM findings f",
        "report_cells": f"SELECT {sha.format('report_id')}, {columns('report_cells', ('report_id',))} FROM report_cells",
        "report_figures": f"SELECT {sha.format('report_id')}, {columns('report_figures', ('report_id',))} FROM report_figures",
        "summary_cube": f"SELECT {columns('summary_cube', ('sig',))} FROM summary_cube",
        "summary_blanks": "SELECT * FROM summary_blanks",
        "agencies": "SELECT * EXCLUDE (id, created_at) FROM agencies",
        "agency_aliases": "SELECT a.spelling, a.norm, g.name FROM agency_aliases a JOIN agencies g ON g.id = a.agency_id",
        "cross_checks": f"SELECT {sha.format('x.report_id')}, {sha.format('x.previous_id')} FROM cross_checks x",
    }
    return {name: sorted(con.execute(q).fetchall(), key=repr) for name, q in queries.items()}
