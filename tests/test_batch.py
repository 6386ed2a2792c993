"""Many files on every core (xxgk.batch), and the fast face of `xxgk parse` / `xxgk check`."""

from __future__ import annotations

import ast
import json
import re
import os
import shutil
import subprocess
import sys

from conftest import REPO, SEEDS

from xxgk.batch import CheckOptions, parse_files
from xxgk.model import encode_record
from xxgk.read.errors import ReadError


def _folder(tmp_path, copies: int):
    seeds = sorted(SEEDS.glob("*.txt"))
    files = []
    for i in range(copies):
        p = tmp_path / f"{i:03d}_{seeds[i % len(seeds)].name}"
        shutil.copyfile(seeds[i % len(seeds)], p)
        files.append(p)
    bad = tmp_path / "007_empty.txt"
    bad.write_bytes(b"")
    files.insert(7, bad)
    return files


def test_pool_gives_the_records_of_one_process_in_the_order_given(tmp_path):
    files = _folder(tmp_path, 12)
    files.reverse()  # the order given, not the order of the names
    serial = list(parse_files(files, jobs=1))
    pooled = list(parse_files(files, jobs=2, min_pool=2))
    assert [p for p, _ in pooled] == files
    for (p1, a), (p2, b) in zip(serial, pooled):
        assert p1 == p2
        if isinstance(a, ReadError):
            assert isinstance(b, ReadError) and b.message("en") == a.message("en") and b.path == a.path
        else:
            assert encode_record(a, True) == encode_record(b, True)  # provenance crosses the process boundary too
    assert sum(isinstance(r, ReadError) for _, r in pooled) == 1


def test_pool_runs_the_checker_with_its_options(tmp_path):
    files = _folder(tmp_path, 6)
    got = {p.name: r for p, r in parse_files(files, jobs=2, min_pool=2, check=CheckOptions(select=["XG3"]))}
    rules = {r.rule for rec in got.values() if not isinstance(rec, ReadError) for r in rec.findings}
    assert rules and all(r.startswith("XG3") for r in rules)


def test_cli_folder_in_parallel_keeps_the_order_and_the_one_line_error(tmp_path):
    files = _folder(tmp_path, 60)  # above the pool threshold
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-m", "xxgk", "parse", str(tmp_path), "--format", "json", "-j", "2"], capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    paths = [json.loads(line)["source"]["path"] for line in proc.stdout.splitlines()]
    assert paths == [str(p) for p in sorted(files) if p.stat().st_size]
    assert len(proc.stderr.strip().splitlines()) == 1 and "007_empty.txt" in proc.stderr and "Traceback" not in proc.stderr


def test_fast_face_never_imports_typer_or_pydantic_and_matches_typer(tmp_path):
    seed = sorted(SEEDS.glob("*.txt"))[2]
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), COLUMNS="200")
    probe = "import sys; from xxgk.cli_files import fast_main; c = fast_main(sys.argv[1:]); print(sorted(m for m in ('typer', 'pydantic', 'markdown_it', 'pygments') if m in sys.modules), file=sys.stderr); sys.exit(c)"
    for args in (["parse", str(seed)], ["check", str(seed), "--select", "XG3", "--lang", "en"]):
        fast = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env)
        assert fast.stderr.strip().splitlines()[-1] == "[]"
        slow = subprocess.run([sys.executable, "-c", "from xxgk.cli import app; app()", *args], capture_output=True, text=True, env=env)
        assert fast.stdout == slow.stdout and fast.returncode == slow.returncode
    # --help and unknown options are typer's business
    help_ = subprocess.run([sys.executable, "-m", "xxgk", "parse", "--help"], capture_output=True, text=True, env=env)
    assert help_.returncode == 0 and "--jobs" in help_.stdout


def test_cli_json_from_the_workers_is_the_record_of_one_process(tmp_path):
    files = _folder(tmp_path, 60)  # above the pool threshold: the workers send the lines already encoded
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-m", "xxgk", "parse", str(tmp_path), "--format", "json", "--provenance", "-j", "2"], capture_output=True, env=env)
    lines = proc.stdout.splitlines()
    here = parse_files(sorted(files), jobs=1, min_pool=10**6)  # every file parsed in this process
    expected = [encode_record(rec, True) for _, rec in here if not isinstance(rec, ReadError)]
    assert len(lines) == 60 and lines == expected
    assert all(b'"provenance"' in line for line in lines)


def test_one_file_parse_imports_only_what_its_path_needs():
    """One small text file is parsed in this process: no worker pool (multiprocessing,
    concurrent.futures, ctypes), no zip or workbook reader, no encoding detector for UTF-8,
    no typer, and no rich: to a pipe the view is plain, on a terminal xxgk writes rich's colour
    codes itself, with the same characters (start-up time, issue 13; rich stays for a Windows console)."""
    seed = sorted(SEEDS.glob("*.txt"))[0]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR")}
    env.update(PYTHONPATH=str(REPO / "src"), COLUMNS="120")
    never = ("typer", "pydantic", "markdown_it", "pygments", "multiprocessing", "concurrent.futures", "ctypes", "zipfile",
             "charset_normalizer", "openpyxl", "numpy", "duckdb", "xxgk.check", "xxgk.store", "rich")
    probe = (
        "import sys; from xxgk.cli_files import fast_main; c = fast_main(sys.argv[1:]); "
        f"print(sorted(m for m in {never!r} if m in sys.modules), file=sys.stderr); sys.exit(c)"
    )
    outputs = {}
    for fmt, colour in (("text", ""), ("json", ""), ("text", "1")):
        run_env = dict(env, FORCE_COLOR=colour) if colour else env
        proc = subprocess.run([sys.executable, "-c", probe, "parse", str(seed), "--format", fmt], capture_output=True, text=True, env=run_env)
        assert proc.returncode == 0, proc.stderr
        imported = set(ast.literal_eval(proc.stderr.strip().splitlines()[-1]))
        assert imported == set(), (fmt, colour, imported)
        outputs[fmt, colour] = proc.stdout
    assert json.loads(outputs["json", ""])["meta"]["agency"] == "金华市生态环境局金东分局"
    plain, coloured = outputs["text", ""], outputs["text", "1"]
    assert "金华市生态环境局金东分局" in plain and "表三" in plain and "\x1b[" not in plain
    assert "\x1b[" in coloured and re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
