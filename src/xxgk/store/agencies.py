"""Agencies: one agency however its name is written, with its region and level.

* :func:`normalise_name` folds the ways one body's name is written (spaces,
  punctuation, full/half width, 管理委员会/管委会, 人民政府/政府 …) to one key.
* :func:`region_of` reads province / city / county from the name with cpca (an
  offline administrative-division library; imported lazily — it loads pandas —
  and cached).  Names that use the short form of an autonomous prefecture or
  county (黔东南州, 互助县) are expanded from cpca's own division list first.
* :func:`level_of` tells 部委 / 省 / 市 / 县 / 乡镇 / 部门 from the name and
  the region found.
* :func:`resolve` maps a spelling to an agency id, creating the agency the
  first time; :func:`merge` and :func:`rename` are the hand corrections.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import duckdb

from .schema import transaction

LEVELS = ("部委", "省", "市", "县", "乡镇", "部门")

# spelling variants of the same word (long form → the form kept in the key)
_SYNONYMS = (
    ("管理委员会", "管委会"),
    ("人民政府", "政府"),
    ("办事处", ""),  # 某某街道办事处 = 某某街道
    ("中华人民共和国", ""),
)
_DROP = re.compile(r"[\s\u3000·•・\-—_－–,，.。、;；:：!！?？\"'“”‘’「」『』《》〈〉<>()（）\[\]【】{}／/\\|]+")


def normalise_name(name: str) -> str:
    """The key under which spellings of one agency meet (empty for an empty name)."""
    s = unicodedata.normalize("NFKC", name or "")
    s = _DROP.sub("", s)
    for long, short in _SYNONYMS:
        s = s.replace(long, short)
    return s


# ------------------------------------------------------------------ regions


@cache
def _cpca():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cpca imports pkg_resources
        import cpca
    return cpca


@cache
def _short_forms() -> tuple[tuple[str, str], ...]:
    """(short, official) names of autonomous divisions, from cpca's own data.

    黔东南苗族侗族自治州 is usually written 黔东南州, 互助土族自治县 互助县:
    drop the nationality names (cpca ships the list of the 56) and 自治.
    """
    from importlib import resources

    cp = _cpca()
    nations = resources.files(cp.__name__).joinpath("resources/56_nations.csv").read_text("utf-8").split()
    stems = sorted({n.removesuffix("族") for n in nations if n}, key=len, reverse=True)
    out: dict[str, str] = {}
    text = resources.files(cp.__name__).joinpath("resources/adcodes.csv").read_text("utf-8")
    for line in text.splitlines()[1:]:
        parts = line.split(",")
        if len(parts) < 2 or not parts[1].endswith(("自治州", "自治县", "自治旗")):
            continue
        name = parts[1]
        body, kind = name[:-3], name[-1]
        changed = True
        while changed:
            changed = False
            body = body.removesuffix("族")
            for st in stems:
                if body.endswith(st) and len(body) > len(st):
                    body, changed = body[: -len(st)], True
                    break
        if len(body) >= 2 and body + kind != name:
            out.setdefault(body + kind, name)
    return tuple(sorted(out.items(), key=lambda kv: len(kv[0]), reverse=True))


def _expand(name: str) -> str:
    for short, full in _short_forms():
        if short in name and full not in name:
            name = name.replace(short, full)
    return name


@dataclass(frozen=True)
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None


_MUNICIPAL_CITY = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


_region_cache: dict[str, Region] = {}


def regions_of(names: list[str]) -> list[Region]:
    """Province / city / county named in each agency name (None where not named); one cpca call."""
    todo = list(dict.fromkeys(n for n in names if n and n not in _region_cache))
    if todo:
        df = _cpca().transform([_expand(unicodedata.normalize("NFKC", n)) for n in todo])
        for name, prov, city, county in zip(todo, df["省"], df["市"], df["区"]):
            prov, city, county = (v if isinstance(v, str) and v else None for v in (prov, city, county))
            if city in _MUNICIPAL_CITY:
                city = None
            if len(_region_cache) > 200_000:
                _region_cache.clear()
            _region_cache[name] = Region(prov, city, county)
    return [_region_cache.get(n, Region()) if n else Region() for n in names]


def region_of(name: str) -> Region:
    return regions_of([name])[0]


# ------------------------------------------------------------------ levels

_CENTRAL = re.compile(r"^(国务院|国家|中国|全国|最高人民|海关总署|中央)|^(外交部|国防部|教育部|科学技术部|工业和信息化部|公安部|民政部|司法部|财政部|人力资源和社会保障部|自然资源部|生态环境部|住房和城乡建设部|交通运输部|水利部|农业农村部|商务部|文化和旅游部|应急管理部|审计署|退役军人事务部|中国人民银行)")
_TOWN = re.compile(r"(乡|镇|街道|街道办|苏木)(政府|人民政府|党委|党工委)?$|(乡|镇|街道)(政府|人民政府)")
_GOVERNMENT = re.compile(r"(人民政府|政府)(办公厅|办公室)?$")


def level_of(name: str, region: Region | None = None) -> tuple[str | None, str | None]:
    """(level, tier): level is one of LEVELS; tier is the government tier a 部门 belongs to."""
    n = normalise_name(name)
    if not n:
        return None, None
    region = region or region_of(name)
    if _TOWN.search(n):
        return "乡镇", None
    if region.county:
        tier = "县"
    elif region.city:
        tier = "市"
    elif region.province:
        tier = "省"
    elif _CENTRAL.search(n):
        return "部委", None
    else:
        return None, None
    # a district or county-level city named inside a city's agency (金东分局 of 金华市…) stays 市-level
    is_government = bool(_GOVERNMENT.search(n)) and not re.search(r"(局|委|厅|办|中心|院)政府", n)
    # the government itself, or its general office, is the tier; anything else is a department
    if is_government:
        return tier, None
    return "部门", tier


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
    import pandas as pd

    df = pd.DataFrame(rows, columns=list(columns), dtype=object)
    name = f"_xxgk_new_{table}"
    con.register(name, df)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")
    finally:
        con.unregister(name)


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


def list_agencies(con: duckdb.DuckDBPyConnection, like: str | None = None) -> list[dict]:
    """Every live agency with its region, level, spellings and reports by year."""
    sql = """
        SELECT a.id, a.name, a.province, a.city, a.county, a.level, a.tier,
               (SELECT string_agg(DISTINCT s.spelling, ' | ') FROM agency_aliases s WHERE s.agency_id = a.id) AS spellings,
               (SELECT string_agg(y || '×' || n, ' ' ORDER BY y) FROM
                    (SELECT year AS y, count(*) AS n FROM current_reports r WHERE r.agency_id = a.id GROUP BY year)) AS years,
               (SELECT count(*) FROM current_reports r WHERE r.agency_id = a.id) AS n
        FROM agencies a WHERE a.merged_into IS NULL"""
    params: list = []
    if like:
        sql += " AND (a.name LIKE ? OR a.norm LIKE ?)"
        params = [f"%{like}%", f"%{normalise_name(like)}%"]
    sql += " ORDER BY a.province NULLS LAST, a.city NULLS LAST, a.county NULLS LAST, a.name"
    cols = ["id", "name", "province", "city", "county", "level", "tier", "spellings", "years", "reports"]
    return [dict(zip(cols, r)) for r in con.execute(sql, params).fetchall()]
