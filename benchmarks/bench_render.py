"""Speed of the renderer: milliseconds to render one report in each format.

    python benchmarks/bench_render.py           # ms per report and format (seeds + the example)

No target is set by the issue; the figures are recorded in docs/benchmarks.md.
PDF is LibreOffice's conversion and is timed only when ``soffice`` exists.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))


def bench_render(rounds: int = 3) -> dict:
    import xxgk
    from xxgk.render.example import example_record
    from xxgk.render.output import render_record
    from xxgk.render.pdf import soffice

    records = [xxgk.parse_path(p) for p in sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))]
    records.append(example_record())
    formats = ["md", "txt", "html", "docx"]
    out: dict[str, float] = {}
    for to in formats:
        render_record(records[-1], to, keep_given=True)  # warm up
        best = float("inf")
        for _ in range(rounds):
            t0 = time.perf_counter()
            for rec in records:
                render_record(rec, to, keep_given=True)
            best = min(best, (time.perf_counter() - t0) / len(records))
        out[to] = best * 1000
    if soffice():
        t0 = time.perf_counter()
        render_record(records[-1], "pdf")
        out["pdf"] = (time.perf_counter() - t0) * 1000
    return out


def main() -> None:
    for to, ms in bench_render().items():
        print(f"render --to {to:5s} {ms:8.1f} ms per report")


if __name__ == "__main__":
    main()
