"""Data flows one way: no stage of the pipeline imports a later one (docs/architecture.md).

read → extract → check → store → render → web.  The modules beside the pipeline
(layouts, model, text, numbers, totals, agency, …) import no stage at all.  The package
root (``parse_bytes``: read + extract) and the faces (cli, batch, tasks, workers) may
import anything.  Read from the source with ``ast``: lazy imports inside functions count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "xxgk"
STAGES = ("read", "extract", "check", "store", "render", "web")
SHARED = ("layouts", "model", "text", "numbers", "totals", "agency", "safe_write")


def _imports(path: Path) -> set[str]:
    """The xxgk modules a file imports (absolute names), wherever the import stands."""
    package = ["xxgk", *path.relative_to(SRC).with_suffix("").parts[:-1]]
    if path.name == "__init__.py":
        package = ["xxgk", *path.relative_to(SRC).parts[:-1]]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("xxgk"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("xxgk"):
                out.add(name)
                if not node.module or name == "xxgk":  # from .. import parse_bytes / from . import glued
                    out.update(f"{name}.{a.name}" for a in node.names)
    return out


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("stage", STAGES)
def test_no_stage_imports_a_later_one(stage):
    later = set(STAGES[STAGES.index(stage) + 1 :])
    bad = [(f.relative_to(SRC).as_posix(), m) for f in _files(SRC / stage) for m in sorted(_imports(f)) if _stage(m) in later]
    assert not bad, bad


def test_shared_modules_import_no_stage():
    bad = [(name, m) for name in SHARED for m in sorted(_imports(SRC / f"{name}.py")) if _stage(m)]
    assert not bad, bad


def test_the_import_reader_sees_lazy_and_relative_imports():
    """The test above can fail: the reader finds an import inside a function, relative or not."""
    found = _imports(SRC / "render" / "report.py")
    assert "xxgk.check" in found  # `from ..check import check_record` inside a function
    assert "xxgk.totals" in found and "xxgk.layouts" in found
