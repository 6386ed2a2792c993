"""Helpers of the desk's tests: a real desk served by uvicorn on a free loopback port, a real
Chromium (Debian's, driven by Playwright) — each skipped cleanly where it cannot run.

(Not a conftest.py: the top-level tests import ``conftest`` by that name.)
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# a test run photographs the pages into build/screenshots/ (not tracked); `make screenshots`
# sets XXGK_SCREENSHOTS=docs/screenshots to refresh the committed ones the README shows
SCREENSHOTS = Path(os.environ.get("XXGK_SCREENSHOTS") or REPO / "build" / "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def desk_server(db: Path, jobs: int = 1, limits=None):
    """(base url, desk) of a desk on ``db`` served by a real uvicorn in a thread."""
    import uvicorn

    from xxgk.web.app import create_app
    from xxgk.web.desk import Desk

    desk = Desk(db, jobs=jobs, limits=limits)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(desk), host="127.0.0.1", port=port, log_level="warning", access_log=False))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    end = time.time() + 30
    while not server.started and time.time() < end:
        time.sleep(0.05)
    assert server.started, "the desk did not start"
    try:
        yield f"http://127.0.0.1:{port}", desk
    finally:
        server.should_exit = True
        t.join(15)
        desk.close()


def get(url: str) -> tuple[int, bytes, dict]:
    url = urllib.parse.quote(url, safe=":/?&=%#+")
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def post_files(url: str, files: list[tuple[str, bytes]], accept_json: bool = True) -> tuple[int, bytes]:
    """A multipart upload as a browser sends it (field ``files``, once per file)."""
    boundary = "xxgkboundary" + os.urandom(8).hex()
    body = bytearray()
    for name, data in files:
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, data=bytes(body), method="POST", headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    if accept_json:
        req.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def chromium_path() -> str | None:
    for p in (os.environ.get("XXGK_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if p and Path(p).exists():
            return p
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    exe = chromium_path()
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        except Exception as e:  # a chromium that cannot start here
            pytest.skip(f"chromium cannot start: {str(e).splitlines()[0]}")
        yield b
        b.close()
