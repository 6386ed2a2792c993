"""Speed of the clerk's steps over a large store: grouping copies, and the summary with its checks.

    python benchmarks/bench_dedup.py [REPORTS]     # default 20,000 reports

A store is built directly in SQL (no parsing): REPORTS reports of 2021-layout
cells (the keys of the layout, random counts), one in ten published twice (the
second form with the same cells, as a page and its text are), one in fifty
re-published with different cells (a corrected version).  Timed: one
:func:`xxgk.store.dedup.group_reports` (what every ingest runs at its end) and
:func:`xxgk.store.summary.summarise` (which now adds the rates from complete
reports and the check of the summed tables).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))


def build(con, n: int) -> None:
    from xxgk.layouts import layout_for

    keys = layout_for("2021").cell_keys()
    con.execute("CREATE TEMP TABLE k AS SELECT unnest(?::VARCHAR[]) AS key, generate_subscripts(?::VARCHAR[], 1) AS i", [keys, keys])
    # report r: agency r (copies and corrections share the agency of the report they repeat)
    con.execute(
        f"""INSERT INTO agencies (id, name, norm, province, level)
            SELECT r, '机关' || r, '机关' || r, '某省', '部门' FROM range(1, {n} + 1) t(r)"""
    )
    con.execute(
        f"""INSERT INTO reports (id, sha256, parser_version, source_path, format, agency, agency_id, province, level, year, layout,
                                 parsed_at, checked, current, n_cells, n_blank, n_uncertain)
            SELECT r, 'h' || r, 'bench', 'r' || r || '.txt', 'text', '机关' || r, r, '某省', '部门', 2023, '2021', now(), true, true, {len(keys)}, 0, 0
            FROM range(1, {n} + 1) t(r)"""
    )
    # copies (every 10th report again as HTML) and corrections (every 50th, other figures, later)
    con.execute(
        f"""INSERT INTO reports (id, sha256, parser_version, source_path, format, agency, agency_id, province, level, year, layout,
                                 published, parsed_at, checked, current, n_cells, n_blank, n_uncertain)
            SELECT {n} + r, 'c' || r, 'bench', 'r' || r || '.html', 'html', '机关' || r, r, '某省', '部门', 2023, '2021', NULL, now(), true, true, {len(keys)}, 0, 0
            FROM range(10, {n} + 1, 10) t(r)
            UNION ALL
            SELECT 2 * {n} + r, 'v' || r, 'bench', 'r' || r || '-更正.txt', 'text', '机关' || r, r, '某省', '部门', 2023, '2021', DATE '2024-03-01', now(), true, true, {len(keys)}, 0, 0
            FROM range(50, {n} + 1, 50) t(r)"""
    )
    con.execute(
        """INSERT INTO cells (report_id, key, value, blank, uncertain)
           SELECT r.id, k.key,
                  CASE WHEN r.id > 2 * (SELECT max(id) FROM reports WHERE sha256 LIKE 'h%') THEN (hash(r.id, k.i) % 50)
                       ELSE (hash(CASE WHEN r.sha256 LIKE 'c%' THEN r.agency_id ELSE r.id END, k.i) % 40) END,
                  false, false
           FROM reports r, k"""
    )


def bench(n: int = 20_000) -> dict:
    from xxgk.store import connect
    from xxgk.store.dedup import group_reports
    from xxgk.store.summary import summarise

    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        build(con, n)
        built = time.perf_counter() - t0
        total = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        t0 = time.perf_counter()
        res = group_reports(con)
        dedup = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = group_reports(con)
        dedup_again = time.perf_counter() - t0
        t0 = time.perf_counter()
        s = summarise(con, year=2023)
        summ = time.perf_counter() - t0
        t0 = time.perf_counter()
        summarise(con, by="region")
        summ_by = time.perf_counter() - t0
        con.close()
    assert res.copies == n // 10 and res.superseded == n // 50, (res.copies, res.superseded)
    assert again.copies == res.copies and s["reports"] == n
    return {"reports": total, "build_s": built, "dedup_s": dedup, "dedup_again_s": dedup_again, "summary_s": summ, "summary_by_region_s": summ_by}


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    r = bench(n)
    print(f"store of {r['reports']} reports ({n} distinct, {n // 10} copies, {n // 50} corrected versions) built in {r['build_s']:.1f} s")
    print(f"group_reports: {r['dedup_s'] * 1000:.0f} ms (again, nothing new: {r['dedup_again_s'] * 1000:.0f} ms)")
    print(f"summarise --year: {r['summary_s'] * 1000:.0f} ms; --by region: {r['summary_by_region_s'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
