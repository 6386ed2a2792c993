"""Speed of the HTML, DOCX and XLSX readers (bytes → Document), and of the whole parse.

Run alone: ``python benchmarks/bench_readers_office.py`` (or through
``benchmarks/run.py``).  Documents: the corpus's HTML pages and DOCX when
../shared/corpus is present, and reports generated with the real libraries
(tests/read/office_builders.py) always.  Prints the best-of-5 mean time per
document in milliseconds (wall clock and process CPU time) for reading, and
for the whole parse (read + extract); targets for reading: 5 ms for an HTML
report, 20 ms for a DOCX.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests" / "read"))

from xxgk import parse_document  # noqa: E402
from xxgk.read import read_bytes  # noqa: E402

CORPUS = Path(os.environ.get("XXGK_SHARED", REPO.parent / "shared")) / "corpus" / "raw"
TARGET_MS = {"html": 5.0, "docx": 20.0, "xlsx": 20.0}


def documents() -> list[tuple[str, str, bytes]]:
    docs: list[tuple[str, str, bytes]] = []
    if CORPUS.is_dir():
        for p in sorted(CORPUS.iterdir()):
            if p.suffix in (".html", ".docx"):
                docs.append((p.suffix[1:], f"corpus/{p.name}", p.read_bytes()))
    from office_builders import known_values, report_parts, to_docx, to_html, to_xlsx

    parts = report_parts(known_values(blank_every=11))
    docs.append(("html", "generated utf-8", to_html(parts)))
    docs.append(("html", "generated gbk word-soup", to_html(parts, charset="gbk", soup=True)))
    docs.append(("docx", "generated merged cells", to_docx(parts)))
    docs.append(("xlsx", "generated merged ranges", to_xlsx(parts)))
    return docs


def best_ms(fn, clock=time.perf_counter, repeat: int = 5, number: int = 10) -> float:
    fn()  # warm up (imports, caches)
    best = float("inf")
    for _ in range(repeat):
        t = clock()
        for _ in range(number):
            fn()
        best = min(best, (clock() - t) / number * 1000)
    return best


def main() -> int:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} on {os.cpu_count()} cores (a loaded machine inflates every figure)")
    rows = []
    for fmt, name, data in documents():
        read = best_ms(lambda: read_bytes(data, name))
        cpu = best_ms(lambda: read_bytes(data, name), clock=time.process_time)
        parse = best_ms(lambda: parse_document(read_bytes(data, name)))
        rows.append((fmt, name, len(data), read, cpu, parse))
    print(f"{'format':6} {'document':32} {'KiB':>6} {'read ms':>8} {'cpu ms':>7} {'parse ms':>9} {'target':>7}")
    for fmt, name, size, read, cpu, parse in rows:
        target = TARGET_MS[fmt]
        flag = "ok" if read <= target else "SLOW"
        print(f"{fmt:6} {name:32} {size / 1024:6.0f} {read:8.1f} {cpu:7.1f} {parse:9.1f} {target:6.0f}  {flag}")
    for fmt in ("html", "docx", "xlsx"):
        sel = [r for r in rows if r[0] == fmt]
        if sel:
            mean = sum(r[3] for r in sel) / len(sel)
            mean_cpu = sum(r[4] for r in sel) / len(sel)
            print(f"{fmt}: mean read {mean:.1f} ms ({mean_cpu:.1f} ms CPU) per document over {len(sel)} (target {TARGET_MS[fmt]:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
