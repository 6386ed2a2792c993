"""What kind of body an agency is, from its name (simple suffix rules).

Used by XG504 (who may make 规章) and XG701 (which publication deadline).
The store issue will bring a proper region library; until then this module
is the one place that guesses a body's kind and level from its name.

* kind: ``government`` (…人民政府 / …政府), ``township`` (乡/镇/街道/片区 and
  their offices), ``department`` (部/委/局/厅/办/室/院/中心/… of a government).
* level: ``national``, ``province``, ``city`` (设区的市/州/盟), ``county``
  (县/区/旗/县级市) or None when the name does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["government", "township", "department"]
Level = Literal["national", "province", "city", "county"]

_TOWNSHIP = re.compile(r"(乡|镇|街道|片区|苏木)(人民政府|政府|办事处|党工委|管委会)?$|街道办事处|(乡|镇)人民政府")
_GOVERNMENT = re.compile(r"(人民政府|政府)$")
_DEPARTMENT = re.compile(r"(部|委|委员会|局|分局|厅|办|办公室|办公厅|室|署|院|中心|处|所|站|队|会|行|社|馆|校|集团|公司)$")
_PROVINCE = re.compile(r"^(.{2,8}?(省|自治区)|北京市|天津市|上海市|重庆市|国家|国务院|中国|中华人民共和国)")
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
