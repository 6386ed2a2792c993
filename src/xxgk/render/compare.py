"""Two records side by side: the cells that differ, and the narrative sections as a text diff.

The similarity of the narrative is the cross-year rule's own measure
(:func:`xxgk.check.rules.cross.similarity`, XG602), so what the compare page
shows is what the checker judged.  Used by ``xxgk compare`` and the desk's 对比 page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..check.rules.cross import similarity
from ..layouts import SECTIONS, label_of
from ..model import Record

_TITLES = {s.no: s.title for s in SECTIONS}


@dataclass
class SectionDiff:
    no: int | None
    title: str
    similarity: float  # 1.0 = the same text (digits and spaces ignored, as XG602 does)
    ops: list[tuple[str, str]] = field(default_factory=list)  # (equal|delete|insert, text): a → b


@dataclass
class Comparison:
    cells: dict[str, tuple]  # key → (value in a, value in b), only where they differ (a blank is None)
    same: int  # cells present in both and equal
    sections: list[SectionDiff]
    narrative_similarity: float


def cell_label(key: str, template: str | None = None) -> str:
    """The official label of a cell key (表三 一、本年新收… · 总计); other places a finding names (meta.published) as they are."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] in ("t2", "t3", "t4"):
        try:
            return label_of(key, template)
        except (KeyError, ValueError):
            return key
    return key


def _norm(text: str) -> str:
    return re.sub(r"[\s\d０-９]+", "", text)


def text_ops(a: str, b: str) -> list[tuple[str, str]]:
    """A character diff of two texts (Chinese has no spaces to cut words at), merged into runs."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out.append(("equal", a[i1:i2]))
        else:
            if i2 > i1:
                out.append(("delete", a[i1:i2]))
            if j2 > j1:
                out.append(("insert", b[j1:j2]))
    return out


def compare_records(a: Record, b: Record, max_chars: int = 20000) -> Comparison:
    keys = list(dict.fromkeys([*a.cells, *b.cells]))
    diff = {k: (a.cells.get(k), b.cells.get(k)) for k in keys if a.cells.get(k) != b.cells.get(k) or (k in a.cells) != (k in b.cells)}
    same = sum(1 for k in keys if k in a.cells and k in b.cells and a.cells[k] == b.cells[k])
    by_no_a = {s.no: s for s in a.sections if s.no is not None}
    by_no_b = {s.no: s for s in b.sections if s.no is not None}
    sections = []
    for no in sorted(set(by_no_a) | set(by_no_b)):
        ta = by_no_a[no].text if no in by_no_a else ""
        tb = by_no_b[no].text if no in by_no_b else ""
        sim = similarity(_norm(ta), _norm(tb))
        ops = text_ops(ta[:max_chars], tb[:max_chars])
        sections.append(SectionDiff(no=no, title=_TITLES.get(no, f"第{no}部分"), similarity=sim, ops=ops))
    na = "".join(s.text for s in a.sections if s.no in (1, 5, 6))
    nb = "".join(s.text for s in b.sections if s.no in (1, 5, 6))
    return Comparison(cells=diff, same=same, sections=sections, narrative_similarity=similarity(_norm(na), _norm(nb)))
