"""The office's own register of agencies: who they are, where, and who must report.

A register is a CSV or XLSX file, one agency a line, with the columns (Chinese
or English headers)::

    机关名称 name | 别名 aliases | 区划代码 region_code | 层级 level | 上级机关 parent

Aliases are separated by ``；`` ``;`` ``、`` or ``|``.  :func:`load_register`
joins every line to the agency of the store that has its name or one of its
aliases (creating it when no report of it was stored yet; agencies found under
two of its spellings are merged), gives it the register's region and level,
and keeps the register as the list of agencies expected to report, so
:func:`missing_agencies` says who has not published for a year and
:func:`late_reports` who published late (XG701).  :func:`set_region` gives
one agency a region by hand.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..agency import LEVELS, Region, level_of, normalise_name, region_of, region_of_code
from .agencies import _copy_region, find_agency, merge
from .schema import transaction

HEADERS = {
    "name": ("name", "机关名称", "名称", "机关", "单位名称", "单位"),
    "aliases": ("aliases", "alias", "别名", "其他名称", "曾用名"),
    "region_code": ("region_code", "region", "code", "区划代码", "行政区划代码", "地区代码"),
    "level": ("level", "层级", "级别"),
    "parent": ("parent", "上级机关", "上级", "主管部门"),
}
_SPLIT = re.compile(r"[；;、|]+")


class RegisterError(ValueError):
    """A register that cannot be read (one line: the file and the cause)."""


@dataclass
class RegisterLine:
    name: str
    aliases: list[str] = field(default_factory=list)
    region_code: str | None = None
    level: str | None = None
    parent: str | None = None


@dataclass
class RegisterResult:
    lines: int = 0
    created: int = 0  # agencies with no report yet
    merged: int = 0  # agencies joined because the register names them as one
    unknown_codes: list[str] = field(default_factory=list)


def _rows_of(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as e:
            raise RegisterError(f"{path}：工作簿无法打开（{type(e).__name__}）") from None
        return [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegisterError(f"{path}：无法识别文件编码（应为 UTF-8 或 GBK 的 CSV，或 XLSX）")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def read_register(path: str | Path) -> list[RegisterLine]:
    """The lines of a register file; :class:`RegisterError` when it cannot be read."""
    path = Path(path)
    try:
        rows = [r for r in _rows_of(path) if any(r)]
    except OSError as e:
        raise RegisterError(f"{path}：无法读取（{e.strerror or e}）") from None
    if not rows:
        raise RegisterError(f"{path}：文件是空的")
    head = [h.strip().lower() for h in rows[0]]
    col: dict[str, int] = {}
    for field_, names in HEADERS.items():
        for i, h in enumerate(head):
            if h in names:
                col.setdefault(field_, i)
    if "name" not in col:
        raise RegisterError(f"{path}：第一行应为表头，至少有“机关名称”（name）一列")

    def get(row: list[str], f: str) -> str:
        i = col.get(f)
        return row[i].strip() if i is not None and i < len(row) else ""

    out = []
    for row in rows[1:]:
        name = get(row, "name")
        if not name:
            continue
        aliases = [a.strip() for a in _SPLIT.split(get(row, "aliases")) if a.strip()]
        code = re.sub(r"\.0$", "", get(row, "region_code")) or None
        out.append(RegisterLine(name, aliases, code, get(row, "level") or None, get(row, "parent") or None))
    return out


def _set_agency_region(con: duckdb.DuckDBPyConnection, aid: int, region: Region, level: str | None, source: str) -> None:
    con.execute(
        "UPDATE agencies SET province = ?, city = ?, county = ?, level = coalesce(?, level), region_source = ? WHERE id = ?",
        [region.province, region.city, region.county, level, source, aid],
    )
    _copy_region(con, aid, "agency_id = ?", [aid])


def _ensure_agency(con: duckdb.DuckDBPyConnection, name: str) -> tuple[int, bool]:
    aid = find_agency(con, name)
    if aid is not None:
        return _live(con, aid), False
    region = region_of(name)
    level, tier = level_of(name, region)
    aid = con.execute("SELECT coalesce(max(id), 0) + 1 FROM agencies").fetchone()[0]
    con.execute(
        "INSERT INTO agencies (id, name, norm, province, city, county, level, tier) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [aid, name.strip(), normalise_name(name), region.province, region.city, region.county, level, tier],
    )
    con.execute("INSERT OR IGNORE INTO agency_aliases (spelling, norm, agency_id) VALUES (?, ?, ?)", [name.strip(), normalise_name(name), aid])
    return aid, True


def _live(con: duckdb.DuckDBPyConnection, aid: int) -> int:
    """The agency an id stands for now (following merges)."""
    for _ in range(20):
        row = con.execute("SELECT merged_into FROM agencies WHERE id = ?", [aid]).fetchone()
        if not row or row[0] is None:
            return aid
        aid = row[0]
    return aid


def load_register(con: duckdb.DuckDBPyConnection, path: str | Path) -> RegisterResult:
    """Load a register (replacing the one loaded before); see the module doc."""
    lines = read_register(path)
    res = RegisterResult(lines=len(lines))
    entries: list[tuple] = []
    for ln in lines:
        aid, created = _ensure_agency(con, ln.name)
        res.created += created
        for sp in [ln.name, *ln.aliases]:
            other = find_agency(con, sp)
            if other is not None and _live(con, other) != aid:
                merge(con, aid, _live(con, other))
                res.merged += 1
            norm = normalise_name(sp)
            if norm:
                con.execute("INSERT OR IGNORE INTO agency_aliases (spelling, norm, agency_id) VALUES (?, ?, ?)", [sp.strip(), norm, aid])
        level = ln.level if ln.level in LEVELS else None
        if ln.region_code:
            region = region_of_code(ln.region_code)
            if region is None:
                res.unknown_codes.append(ln.region_code)
            else:
                with transaction(con):
                    _set_agency_region(con, aid, region, level, "register")
        elif level:
            con.execute("UPDATE agencies SET level = ? WHERE id = ?", [level, aid])
            _copy_region(con, aid, "agency_id = ?", [aid])
        entries.append((aid, ln.name, ln.region_code, ln.level, ln.parent))
    with transaction(con):
        con.execute("DELETE FROM register")
        if entries:
            con.executemany("INSERT INTO register (agency_id, name, region_code, level, parent) VALUES (?, ?, ?, ?, ?)", entries)
    from .dedup import group_reports

    group_reports(con)  # agencies joined by the register may have one report in two forms
    return res


def set_region(con: duckdb.DuckDBPyConnection, aid: int, region: str, level: str | None = None) -> Region:
    """Give an agency a region by hand: a 行政区划代码 (350128) or names (福建省福州市平潭县)."""
    reg = region_of_code(region) if re.fullmatch(r"\s*\d{6,12}\s*", region) else region_of(region)
    if reg is None or not (reg.province or reg.city or reg.county):
        raise ValueError(f"无法识别的地区：{region}（可填行政区划代码，如 350128，或省市县名称）")
    if level is not None and level not in LEVELS:
        raise ValueError(f"层级应为 {'、'.join(LEVELS)} 之一")
    with transaction(con):
        _set_agency_region(con, aid, reg, level, "hand")
    from .cube import refresh

    refresh(con)  # the summary's pre-aggregates of the groups its reports left and joined
    return reg


def _region_cond(region: str | None, alias: str = "a") -> tuple[str, list]:
    if not region:
        return "TRUE", []
    return f"({alias}.province LIKE ? OR {alias}.city LIKE ? OR {alias}.county LIKE ?)", [f"{region}%"] * 3


def has_register(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM register").fetchone()[0])


def missing_agencies(con: duckdb.DuckDBPyConnection, year: int, region: str | None = None) -> list[dict]:
    """The register's agencies with no report for ``year`` (in ``region``)."""
    cond, params = _region_cond(region)
    rows = con.execute(
        f"""SELECT DISTINCT a.id, a.name, a.province, a.city, a.county, g.parent
            FROM register g JOIN agencies a ON a.id = g.agency_id
            WHERE a.merged_into IS NULL AND {cond}
              AND NOT EXISTS (SELECT 1 FROM current_reports r WHERE r.agency_id = a.id AND r.year = ?)
            ORDER BY a.province NULLS LAST, a.city NULLS LAST, a.county NULLS LAST, a.name""",
        [*params, int(year)],
    ).fetchall()
    cols = ["id", "name", "province", "city", "county", "parent"]
    return [dict(zip(cols, r)) for r in rows]


def late_reports(con: duckdb.DuckDBPyConnection, year: int, region: str | None = None) -> list[dict]:
    """Reports on ``year`` published after the statutory date (XG701), by agency."""
    cond, params = _region_cond(region, "r")
    rows = con.execute(
        f"""SELECT r.id, coalesce(a.name, r.agency), r.published, f.message
            FROM current_reports r LEFT JOIN agencies a ON a.id = r.agency_id
            JOIN findings f ON f.report_id = r.id AND f.rule = 'XG701'
            WHERE r.year = ? AND {cond} ORDER BY 2""",
        [int(year), *params],
    ).fetchall()
    return [dict(zip(["report_id", "agency", "published", "message"], r)) for r in rows]
