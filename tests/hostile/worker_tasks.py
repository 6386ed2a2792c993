"""Tasks for the budgeted worker pool tests (module-level: a spawned worker imports them)."""

from __future__ import annotations

import os
import time


def echo(x):
    return x


def pid() -> int:
    return os.getpid()


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def spin(seconds: float) -> int:
    """Busy in pure computation (no sleep a signal could cut short)."""
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
    return n


def grow(mb: int) -> int:
    """Take memory 20 MB at a time, touching every page."""
    blocks = []
    for _ in range(mb // 20):
        blocks.append(bytearray(b"x" * (20 << 20)))
        time.sleep(0.01)
    return len(blocks)


def huge_allocation() -> int:
    return len(bytearray(64 << 30))  # 64 GiB at once: fails under the address-space backstop


def crash() -> None:
    os.abort()


def fail() -> None:
    raise ValueError("a task's own error")


def parse_and_check(data: bytes) -> str:
    """The whole pipeline on one input: 'ok', or 'ReadError' when xxgk refused it in one line;
    anything else escapes to the caller (a bug the fuzz test reports)."""
    from xxgk.check import check_record
    from xxgk.extract import extract
    from xxgk.read import ReadError, read_bytes

    try:
        doc = read_bytes(data, "fuzz")
    except ReadError as e:
        assert "\n" not in str(e)
        return "ReadError"
    check_record(extract(doc))
    return "ok"
