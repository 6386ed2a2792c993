"""The process-wide allocator setting (xxgk.allocator): made by the entry points, never
by importing the library, and left alone where the user tuned malloc."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CODE = "import xxgk.read.html, sys; print('ctypes' in sys.modules); from xxgk.allocator import keep_freed_memory; print(keep_freed_memory())"


def _run(env_extra: dict) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_the_reader_leaves_the_allocator_alone_and_the_entry_point_sets_it():
    imported_ctypes, asked = _run({})
    assert imported_ctypes == "False"  # importing the HTML reader changed nothing process-wide
    assert asked == "True"


@pytest.mark.parametrize("env", [{"MALLOC_TRIM_THRESHOLD_": "131072"}, {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}])
def test_a_user_setting_of_malloc_is_kept(env):
    assert _run(env)[1] == "False"
