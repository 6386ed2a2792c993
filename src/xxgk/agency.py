"""Who an agency is, from its name: one key for its spellings, its kind, region and level.

One module for every stage that needs it (the checker's XG504/XG701, the
store's agencies and summaries):

* :func:`normalise_name` folds the ways one body's name is written (spaces,
  punctuation, full/half width, 管理委员会/管委会, 人民政府/政府 …) to one key.
* :func:`agency_kind` tells, by the name's ending, the legal kind of body
  (``government``, ``department``, ``township``) and its level
  (``national``/``province``/``city``/``county``) — fast, no data set; this is
  what the checker uses for publication deadlines and 规章 power.
* :func:`region_of` reads province / city / county from the name with cpca (an
  offline administrative-division library, imported lazily; its matcher is called
  name by name, so pandas, which its ``transform`` would build a table with, is
  never loaded), each distinct name once.  Names that use the short form of an autonomous prefecture or
  county (黔东南州, 互助县) are expanded from cpca's own division list first.
* :func:`level_of` gives the administrative level used in summaries
  (部委 / 省 / 市 / 县 / 乡镇 / 部门) from the kind and the region found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

LEVELS = ("部委", "省", "市", "县", "乡镇", "部门")

# spelling variants of the same word (long form → the form kept in the key)
_SYNONYMS = (
    ("管理委员会", "管委会"),
    ("人民政府", "政府"),
    ("办事处", ""),  # 某某街道办事处 = 某某街道
    ("中华人民共和国", ""),
)
_DROP = re.compile(r"[\s\u3000·•・\-—_－–,，.。、;；:：!！?？\"'“”‘’「」『』《》〈〉<>()（）\[\]【】{}／/\\|]+")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """The key under which spellings of one agency meet (empty for an empty name).  Kept for the
    names seen last: a batch looks each of its names up several times, an agency recurs year after year."""
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


def _one_region(cp, name: str) -> Region:
    """cpca's reading of one name: the same matcher and rules as ``cpca.transform``, one name at a time
    (transform builds a pandas DataFrame of the same dicts; pandas costs ≈ 0.4 s to import)."""
    found = cp._get_one_addr(_expand(unicodedata.normalize("NFKC", name)), False, {})
    prov, city, county = (v if isinstance(v, str) and v else None for v in (found["省"], found["市"], found["区"]))
    if city in _MUNICIPAL_CITY:
        city = None
    return Region(prov, city, county)


def regions_of(names: list[str]) -> list[Region]:
    """Province / city / county named in each agency name (None where not named); each distinct name is read once."""
    todo = list(dict.fromkeys(n for n in names if n and n not in _region_cache))
    if todo:
        cp = _cpca()
        for name in todo:
            if len(_region_cache) > 200_000:
                _region_cache.clear()
            _region_cache[name] = _one_region(cp, name)
    return [_region_cache.get(n, Region()) if n else Region() for n in names]


def region_of(name: str) -> Region:
    return regions_of([name])[0]


# ------------------------------------------------------------------ levels

_CENTRAL = re.compile(r"^(国务院|国家|中国|全国|最高人民|海关总署|中央)|^(外交部|国防部|教育部|科学技术部|工业和信息化部|公安部|民政部|司法部|财政部|人力资源和社会保障部|自然资源部|生态环境部|住房和城乡建设部|交通运输部|水利部|农业农村部|商务部|文化和旅游部|应急管理部|审计署|退役军人事务部|中国人民银行)")
# a government or its general office stands for the government's own tier in summaries
_GOVERNMENT_OR_OFFICE = re.compile(r"(人民政府|政府)(办公厅|办公室)?$")


def level_of(name: str, region: Region | None = None) -> tuple[str | None, str | None]:
    """(level, tier): level is one of LEVELS; tier is the government tier a 部门 belongs to."""
    n = normalise_name(name)
    if not n:
        return None, None
    region = region or region_of(name)
    if _TOWNSHIP.search(n):
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
    is_government = bool(_GOVERNMENT_OR_OFFICE.search(n)) and not re.search(r"(局|委|厅|办|中心|院)政府", n)
    # the government itself, or its general office, is the tier; anything else is a department
    if is_government:
        return tier, None
    return "部门", tier


# ------------------------------------------------------------------ kinds

Kind = Literal["government", "township", "department"]
Level = Literal["national", "province", "city", "county"]

_TOWNSHIP = re.compile(r"(乡|镇|街道|街道办|片区|苏木)(人民政府|政府|办事处|党委|党工委|管委会)?$|街道办事处|(乡|镇|街道)(人民政府|政府)")
_GOVERNMENT = re.compile(r"(人民政府|政府)$")
_DEPARTMENT = re.compile(r"(部|委|委员会|局|分局|厅|办|办公室|办公厅|室|署|院|中心|处|所|站|队|会|行|社|馆|校|集团|公司)$")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


@dataclass(frozen=True)
class AgencyKind:
    kind: Kind | None
    level: Level | None


def _level(name: str) -> Level | None:
    body = name
    for m in _MUNICIPALITIES:
        if body.startswith(m):
            body = body[len(m) :]
            if re.search(r"(区|县)", body[:6]):
                return "county"
            return "province"
    body = re.sub(r"^.{2,8}?(省|自治区)", "", body)
    # the last administrative unit named before the body's own name decides
    body = re.sub(r"(市场|城市|都市|自治区|社区|园区|开发区|新区|片区|小区|街区|景区|矿区|林区|垦区|保护区|地区|示范区|试验区)", "", body)
    units = re.findall(r"(县|区|旗|市|州|盟)", body)
    if units:
        last = units[-1]
        return "county" if last in ("县", "区", "旗") else "city"
    if name != body:
        return "province"
    if re.match(r"^(国家|国务院|中国|中华人民共和国)", name) or re.search(r"(部|委员会|总局|署)$", name):
        return "national"
    return None


@lru_cache(maxsize=1024)
def agency_kind(name: str | None) -> AgencyKind:
    if not name:
        return AgencyKind(None, None)
    name = re.sub(r"\s+", "", name)
    if _TOWNSHIP.search(name):
        return AgencyKind("township", "county")
    if _GOVERNMENT.search(name):
        return AgencyKind("government", _level(name))
    if _DEPARTMENT.search(name):
        return AgencyKind("department", _level(name))
    return AgencyKind(None, _level(name))


# ------------------------------------------------------------------ region codes


@cache
def _adcodes() -> dict[str, str]:
    """12-digit 行政区划代码 → name, from cpca's own list (offline)."""
    from importlib import resources

    text = resources.files(_cpca().__name__).joinpath("resources/adcodes.csv").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        parts = line.split(",")
        if len(parts) >= 2 and parts[0].isdigit():
            out[parts[0]] = parts[1]
    return out


def region_of_code(code: str | int | None) -> Region | None:
    """The region of a 行政区划代码 (6 or 12 digits: 350128 → 福建省 福州市 平潭县); None when unknown."""
    c = re.sub(r"\D", "", str(code or ""))
    if len(c) not in (6, 9, 12):
        return None
    c = c.ljust(12, "0")
    names = _adcodes()
    if c not in names:
        return None
    prov = names.get(c[:2] + "0" * 10)
    city = names.get(c[:4] + "0" * 8) if c[2:4] != "00" else None
    county = names.get(c[:6] + "0" * 6) if c[4:6] != "00" else None
    if city in _MUNICIPAL_CITY:
        city = None
    return Region(prov, city, county)
