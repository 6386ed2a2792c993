"""The offline bundle (`make dist`) installs into a fresh venv with no index and no network, and the
desk starts from it (scripts/check_dist.py).  Skipped unless dist/ has been built: the bundle is
366 MiB, made by `make dist`, not by the test run."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def test_offline_bundle_installs_and_serves():
    if not (REPO / "dist" / "wheelhouse" / "linux_x86_64").is_dir():
        pytest.skip("no dist/wheelhouse: run `make dist` first")
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "check_dist.py")], capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "the desk works from the offline bundle" in r.stdout
