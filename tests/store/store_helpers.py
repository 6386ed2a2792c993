"""Helpers of the store tests (generated reports, the seeds)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from xxgk.layouts import layout_for
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
