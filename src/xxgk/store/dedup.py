"""One report per agency and year: copies grouped, corrected versions ordered.

Ingest skips byte-identical files only.  The same report published in two
forms (an HTML page and its crawled text, a PDF and its scan) has different
bytes, so it arrives twice; and an agency that re-publishes a corrected report
(更正版) has two different reports for one year.  :func:`group_reports` runs
after every ingest (and after a merge or a region change) over every
(agency, year) that has more than one current report:

* reports whose cells are the same or nearly the same (≥ 90 % of the filled
  cells equal) — or, without tables, whose text is nearly the same — are one
  report: the best source is kept (table markup over crawled text, a text
  layer over a scan, then fewer uncertain and blank cells), the others are
  its copies (``variant = 'copy'``, ``primary_id`` = the kept one, not counted);
* different reports of one agency-year are versions: the later one (by its
  stated date, then a 更正/修订 title, then the order of ingest) is counted and
  flagged ``variant = 'correction'``; the earlier ones are ``'superseded'``.

Only counted reports are in the view ``current_reports``, so summaries,
exports, the agency list and the cross-year rules count each report once;
view ``parsed_reports`` keeps every current parse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from .schema import transaction

# how good a source is for its figures: table markup > text layer > crawled text > scan
FORMAT_RANK = {"html": 4, "docx": 4, "xlsx": 4, "doc": 3, "pdf": 3, "text": 2, "image": 1}
SAME_CELLS = 0.9  # share of the filled cells that must be equal for two reports to be one
SAME_TEXT = 0.8  # Jaccard similarity of the text's 4-grams, for reports without tables
_MIN_CELLS = 5
_CORRECTED = re.compile(r"更正|修订|修正|重新发布")


@dataclass
class DedupResult:
    groups: int = 0  # agency-years with more than one report
    copies: int = 0  # reports that are copies of another (not counted)
    superseded: int = 0  # earlier versions replaced by a corrected one (not counted)
    corrections: list[tuple[int, list[int]]] = field(default_factory=list)  # (counted report, earlier ones)


@dataclass
class _Rep:
    id: int
    format: str | None
    title: str | None
    published: object
    n_cells: int
    n_blank: int
    n_uncertain: int
    grams: frozenset = frozenset()

    def quality(self) -> tuple:
        return (FORMAT_RANK.get(self.format or "", 0), -(self.n_uncertain or 0), -(self.n_blank or 0), self.n_cells or 0, -self.id)

    def order(self) -> tuple:
        """Which of two versions is the later one."""
        return (self.published is not None, str(self.published or ""), bool(_CORRECTED.search(self.title or "")), self.id)


def same_report(a: _Rep, b: _Rep, pairs: dict[tuple[int, int], tuple[int, int]]) -> bool:
    """Are two reports of one agency-year the same report (copies)?  ``pairs`` holds, for
    two reports, (filled cells they share, of those the equal ones) — from :func:`_pairs`."""
    fa, fb = a.n_cells - a.n_blank, b.n_cells - b.n_blank
    if fa >= _MIN_CELLS or fb >= _MIN_CELLS:
        common, equal = pairs.get((min(a.id, b.id), max(a.id, b.id)), (0, 0))
        return equal >= SAME_CELLS * (fa + fb - common)
    if not a.grams or not b.grams:
        return False
    return len(a.grams & b.grams) >= SAME_TEXT * len(a.grams | b.grams)


def _pairs(con: duckdb.DuckDBPyConnection, groups: list[list[_Rep]]) -> dict[tuple[int, int], tuple[int, int]]:
    """For every two reports of one group: (filled cells they share, equal ones) — compared in SQL."""
    ids = [r.id for g in groups for r in g]
    grp = [i for i, g in enumerate(groups) for _ in g]
    rows = con.execute(
        """WITH m AS (SELECT unnest(?::INTEGER[]) AS id, unnest(?::INTEGER[]) AS grp),
                c AS MATERIALIZED (SELECT m.grp, c.report_id AS id, c.key, c.value FROM cells c JOIN m ON m.id = c.report_id
                                   WHERE c.value IS NOT NULL)
           SELECT a.id, b.id, count(*), count(*) FILTER (WHERE abs(a.value - b.value) < 1e-9)
           FROM c a JOIN c b ON a.grp = b.grp AND a.key = b.key AND a.id < b.id
           GROUP BY a.id, b.id""",
        [ids, grp],
    ).fetchall()
    return {(a, b): (int(common), int(equal)) for a, b, common, equal in rows}


def _grams(text: str) -> frozenset:
    t = re.sub(r"\s+", "", text or "")
    return frozenset(t[i : i + 4] for i in range(max(0, len(t) - 3)))


def group_reports(con: duckdb.DuckDBPyConnection) -> DedupResult:
    """Mark copies and superseded versions (see the module doc); returns what was found."""
    res = DedupResult()
    multi = con.execute(
        """SELECT agency_id, year FROM reports WHERE current AND error IS NULL AND agency_id IS NOT NULL AND year IS NOT NULL
           GROUP BY agency_id, year HAVING count(*) > 1"""
    ).fetchall()
    reps: dict[tuple, list[_Rep]] = defaultdict(list)
    if multi:
        rows = con.execute(
            """SELECT r.id, r.agency_id, r.year, r.format, r.title, r.published, coalesce(r.n_cells, 0), coalesce(r.n_blank, 0), coalesce(r.n_uncertain, 0)
               FROM reports r JOIN (SELECT unnest(?::INTEGER[]) AS a, unnest(?::INTEGER[]) AS y) m ON m.a = r.agency_id AND m.y = r.year
               WHERE r.current AND r.error IS NULL ORDER BY r.id""",
            [[a for a, _ in multi], [y for _, y in multi]],
        ).fetchall()
        by_id: dict[int, _Rep] = {}
        for rid, aid, year, fmt, title, published, n, nb, nu in rows:
            rep = _Rep(rid, fmt, title, published, n, nb, nu)
            reps[(aid, year)].append(rep)
            by_id[rid] = rep
        pairs = _pairs(con, list(reps.values()))
        few = [r.id for r in by_id.values() if r.n_cells - r.n_blank < _MIN_CELLS]
        if few:
            for rid, text in con.execute(
                "SELECT report_id, string_agg(text, '' ORDER BY seq) FROM sections WHERE report_id IN (SELECT unnest(?::INTEGER[])) GROUP BY report_id",
                [few],
            ).fetchall():
                by_id[rid].grams = _grams(text)
    else:
        pairs = {}
    marks: list[tuple[int, bool, int | None, str | None]] = []  # (id, counted, primary_id, variant)
    for members in reps.values():
        res.groups += 1
        clusters: list[list[_Rep]] = []
        for rep in sorted(members, key=_Rep.quality, reverse=True):
            home = next((c for c in clusters if same_report(c[0], rep, pairs)), None)
            if home is None:
                clusters.append([rep])
            else:
                home.append(rep)
        # the versions, latest first: the latest is counted
        clusters.sort(key=lambda c: max(r.order() for r in c), reverse=True)
        for i, cl in enumerate(clusters):
            best = cl[0]
            if i == 0:
                marks.append((best.id, True, None, "correction" if len(clusters) > 1 else None))
            else:
                marks.append((best.id, False, clusters[0][0].id, "superseded"))
                res.superseded += 1
            for other in cl[1:]:
                marks.append((other.id, False, best.id, "copy"))
                res.copies += 1
        if len(clusters) > 1:
            res.corrections.append((clusters[0][0].id, [c[0].id for c in clusters[1:]]))
    with transaction(con):
        # reports no longer in a group of several (after a merge, a new parse …) count again
        con.execute("UPDATE reports SET counted = true, primary_id = NULL, variant = NULL WHERE NOT counted OR variant IS NOT NULL OR primary_id IS NOT NULL")
        if marks:
            con.execute(
                """UPDATE reports SET counted = m.c, primary_id = m.p, variant = m.v
                   FROM (SELECT unnest(?::INTEGER[]) AS id, unnest(?::BOOLEAN[]) AS c, unnest(?::INTEGER[]) AS p, unnest(?::VARCHAR[]) AS v) m
                   WHERE reports.id = m.id""",
                [[m[0] for m in marks], [m[1] for m in marks], [m[2] for m in marks], [m[3] for m in marks]],
            )
    from .cube import refresh

    refresh(con)  # the summary's pre-aggregates of the groups whose counted reports changed
    return res


def alternates(con: duckdb.DuckDBPyConnection, report_id: int) -> list[dict]:
    """The copies and earlier versions linked to a counted report."""
    cols = ["id", "source_path", "format", "variant", "published"]
    rows = con.execute(
        "SELECT id, source_path, format, variant, published FROM parsed_reports WHERE primary_id = ? ORDER BY variant, id", [report_id]
    ).fetchall()
    return [dict(zip(cols, r)) for r in rows]


def variants_by_report(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every report that is not counted, with the counted one it belongs to (for the agency list and the web)."""
    cols = ["id", "source_path", "format", "variant", "primary_id", "primary_path", "agency_id", "year"]
    rows = con.execute(
        """SELECT r.id, r.source_path, r.format, r.variant, r.primary_id, p.source_path, r.agency_id, r.year
           FROM parsed_reports r LEFT JOIN reports p ON p.id = r.primary_id
           WHERE r.variant IN ('copy', 'superseded') ORDER BY r.agency_id, r.year, r.id"""
    ).fetchall()
    return [dict(zip(cols, r)) for r in rows]
