"""Agencies in the store: one agency however its name is written.

Names, regions and levels come from :mod:`xxgk.agency`;
:class:`AgencyResolver` maps a spelling to an agency id, creating the agency
the first time; :func:`merge` and :func:`rename` are the hand corrections.
"""

from __future__ import annotations

import duckdb

from ..agency import LEVELS, Region, level_of, normalise_name, region_of, regions_of  # noqa: F401
from .schema import transaction

# ------------------------------------------------------------------ the table


def _next_id(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return (con.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone() or (1,))[0]


class AgencyResolver:
    """Spellings → agency ids for the single writer: new agencies are created in bulk.

    Call :meth:`prepare` with a batch's spellings, then :meth:`resolve` each,
    then :meth:`write` inside the batch's transaction.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        rows = con.execute("SELECT spelling, norm, agency_id FROM agency_aliases").fetchall()
        self.alias: dict[str, int] = {norm: aid for _, norm, aid in rows}
        self.spellings: set[str] = {sp for sp, _, _ in rows}
        self.info: dict[int, tuple] = {
            r[0]: r[1:] for r in con.execute("SELECT id, province, city, county, level FROM agencies").fetchall()
        }
        self.next_id = _next_id(con, "agencies")
        self.new_agencies: list[tuple] = []
        self.new_aliases: list[tuple] = []

    def prepare(self, spellings: list[str | None]) -> None:
        """Look up the regions of the spellings not seen yet (one cpca call for the batch)."""
        fresh = [s for s in spellings if s and normalise_name(s) and normalise_name(s) not in self.alias]
        if fresh:
            regions_of(fresh)

    def resolve(self, spelling: str | None) -> int | None:
        norm = normalise_name(spelling or "")
        if not norm:
            return None
        aid = self.alias.get(norm)
        if aid is not None:
            if spelling not in self.spellings:  # a new way of writing a known agency
                self.spellings.add(spelling)
                self.new_aliases.append((spelling, norm, aid))
            return aid
        region = region_of(spelling)
        level, tier = level_of(spelling, region)
        aid = self.next_id
        self.next_id += 1
        self.new_agencies.append((aid, spelling.strip(), norm, region.province, region.city, region.county, level, tier))
        self.new_aliases.append((spelling, norm, aid))
        self.spellings.add(spelling)
        self.alias[norm] = aid
        self.info[aid] = (region.province, region.city, region.county, level)
        return aid

    def write(self) -> None:
        """Insert the agencies created since the last write (inside the caller's transaction)."""
        if self.new_agencies:
            _bulk(self.con, "agencies", ("id", "name", "norm", "province", "city", "county", "level", "tier"), self.new_agencies)
        if self.new_aliases:
            _bulk(self.con, "agency_aliases", ("spelling", "norm", "agency_id"), self.new_aliases)
        self.new_agencies, self.new_aliases = [], []

    def rollback(self) -> None:
        """Forget what was created since the last write (the transaction was rolled back)."""
        for aid, _, norm, *_ in self.new_agencies:
            self.info.pop(aid, None)
            self.alias.pop(norm, None)
        for spelling, *_ in self.new_aliases:
            self.spellings.discard(spelling)
        self.new_agencies, self.new_aliases = [], []

    def region(self, aid: int | None) -> tuple:
        if aid is None:
            return (None, None, None, None)
        return self.info.get(aid, (None, None, None, None))


def _bulk(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from .bulk import insert_rows

    insert_rows(con, table, columns, rows)


def find_agency(con: duckdb.DuckDBPyConnection, ref: str) -> int | None:
    """An agency by id, display name or any spelling (normalised)."""
    ref = ref.strip()
    if ref.isdigit():
        row = con.execute("SELECT id FROM agencies WHERE id = ?", [int(ref)]).fetchone()
        if row:
            return row[0]
    row = con.execute("SELECT id FROM agencies WHERE name = ? AND merged_into IS NULL", [ref]).fetchone()
    if row:
        return row[0]
    row = con.execute("SELECT agency_id FROM agency_aliases WHERE norm = ? LIMIT 1", [normalise_name(ref)]).fetchone()
    return row[0] if row else None


def merge(con: duckdb.DuckDBPyConnection, keep: int, gone: int) -> int:
    """Merge agency ``gone`` into ``keep``: its spellings and reports move over.  Returns reports moved."""
    if keep == gone:
        return 0
    with transaction(con):
        moved = con.execute("SELECT count(*) FROM reports WHERE agency_id = ?", [gone]).fetchone()[0]
        con.execute("UPDATE agency_aliases SET agency_id = ? WHERE agency_id = ?", [keep, gone])
        con.execute("UPDATE agencies SET merged_into = ? WHERE id = ? OR merged_into = ?", [keep, gone, gone])
        _copy_region(con, keep, "agency_id = ?", [gone])
    from .dedup import group_reports

    group_reports(con)  # the two agencies' reports of one year may be one report
    return moved


def _copy_region(con: duckdb.DuckDBPyConnection, aid: int, where: str, params: list) -> None:
    con.execute(
        f"""UPDATE reports SET agency_id = a.id, province = a.province, city = a.city, county = a.county, level = a.level
            FROM agencies a WHERE a.id = ? AND reports.{where}""",
        [aid, *params],
    )


def rename(con: duckdb.DuckDBPyConnection, aid: int, new_name: str) -> None:
    """Give an agency a new display name (its old spellings stay linked; the new one is linked too)."""
    norm = normalise_name(new_name)
    if not norm:
        raise ValueError("empty name")
    other = con.execute("SELECT agency_id FROM agency_aliases WHERE norm = ? LIMIT 1", [norm]).fetchone()
    if other and other[0] != aid:
        raise ValueError(f"另一机关已使用此名称（编号 {other[0]}），请用 merge 合并")
    region = region_of(new_name)
    level, tier = level_of(new_name, region)
    with transaction(con):
        con.execute(
            "UPDATE agencies SET name = ?, norm = ?, province = coalesce(?, province), city = coalesce(?, city), county = coalesce(?, county), level = coalesce(?, level), tier = coalesce(?, tier) WHERE id = ?",
            [new_name.strip(), norm, region.province, region.city, region.county, level, tier, aid],
        )
        con.execute("INSERT OR IGNORE INTO agency_aliases (spelling, norm, agency_id) VALUES (?, ?, ?)", [new_name.strip(), norm, aid])
        _copy_region(con, aid, "agency_id = ?", [aid])
    from .cube import refresh

    refresh(con)  # its reports may have moved to another region


def list_agencies(con: duckdb.DuckDBPyConnection, like: str | None = None) -> list[dict]:
    """Every live agency with its region, level, spellings and reports by year."""
    sql = """
        SELECT a.id, a.name, a.province, a.city, a.county, a.level, a.tier,
               (SELECT string_agg(DISTINCT s.spelling, ' | ') FROM agency_aliases s WHERE s.agency_id = a.id) AS spellings,
               (SELECT string_agg(y || '×' || n, ' ' ORDER BY y) FROM
                    (SELECT year AS y, count(*) AS n FROM current_reports r WHERE r.agency_id = a.id GROUP BY year)) AS years,
               (SELECT count(*) FROM current_reports r WHERE r.agency_id = a.id) AS n,
               (SELECT string_agg(r.year || (CASE r.variant WHEN 'copy' THEN ' 副本 ' ELSE ' 旧版 ' END) || regexp_extract(r.source_path, '[^/\\\\]+$')
                                  || '→' || regexp_extract(p.source_path, '[^/\\\\]+$'), '；' ORDER BY r.year, r.id)
                  FROM parsed_reports r JOIN reports p ON p.id = r.primary_id
                  WHERE r.agency_id = a.id AND r.variant IN ('copy', 'superseded')) AS alternates
        FROM agencies a WHERE a.merged_into IS NULL"""
    params: list = []
    if like:
        sql += " AND (a.name LIKE ? OR a.norm LIKE ?)"
        params = [f"%{like}%", f"%{normalise_name(like)}%"]
    sql += " ORDER BY a.province NULLS LAST, a.city NULLS LAST, a.county NULLS LAST, a.name"
    cols = ["id", "name", "province", "city", "county", "level", "tier", "spellings", "years", "reports", "alternates"]
    return [dict(zip(cols, r)) for r in con.execute(sql, params).fetchall()]
