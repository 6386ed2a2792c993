"""Document → Record: the tables, the sections and the meta of one report."""

from __future__ import annotations

from ..layouts import layout_for
from ..model import Document, Meta, Record
from ..read.script import NOTE as SCRIPT_NOTE
from functools import cache

from .meta import AGENCY_END, is_date_line, signature, detect_template, find_agency, find_published, find_title, find_year
from .sections import is_section_heading, split_sections
from .tables import read_tables
from .tokens import StreamIndex, tokens_of
from ..text import norm_label, squeeze

__all__ = ["extract", "OCR_MIN_CONFIDENCE"]

# below this OCR confidence (0–1, rapidocr's score) a cell is uncertain
OCR_MIN_CONFIDENCE = 0.5


def _strip_signature(sections, agency: str | None) -> None:
    """The 落款 (agency and date under the last section) is meta, not narrative."""
    if not sections:
        return
    last = sections[-1]
    lines = last.text.split("\n")
    cut = len(lines)
    while cut > 0:
        line = lines[cut - 1].strip()
        compact = squeeze(line)
        if not compact:
            cut -= 1
        elif (sig := signature(line)) is not None and line[: sig[0]].strip() and len(line) - sig[0] <= 160:
            # a sentence run into the 落款 (无。 某某局2024年1月29日 附件下载): the sentence stays
            lines[cut - 1] = line[: sig[0]].strip()
            break
        elif is_date_line(line) and len(compact) <= 40:
            cut -= 1
        elif agency and compact == agency or (len(compact) <= 30 and cut < len(lines) and AGENCY_END.search(compact)):
            cut -= 1
        else:
            break
    last.text = "\n".join(lines[:cut]).strip()


# header cells are short: 第二十条第（一）项, 信息内容, 申请人情况, 结果维持
_HEADER_CELL_MAX = 16

# a note naming a table whose labels the text holds but whose cells were not read (rule XG110)
UNREAD_TABLE = "tables-unread:"


def unread_tables(tokens, layout, found: list[str]) -> list[str]:
    """Notes for tables the text shows by their header words (two of the
    layout's header phrases, each in a piece of text as short as a header
    cell and not a section heading) that were not read."""
    notes = []
    short: list[str] | None = None
    for table in layout.tables:
        if table.key in found:
            continue
        if short is None:
            short = [t.norm for t in tokens if t.norm and len(t.norm) <= _HEADER_CELL_MAX and not is_section_heading(t)]
        heads = [h for h in (norm_label(x) for x in table.header) if any(h in n for n in short)]
        if len(heads) >= 2:
            notes.append(f"{UNREAD_TABLE} {table.key} ({'、'.join(heads)})")
    return notes


@cache
def _cell_order(template: str) -> dict[str, int]:
    """The place of every cell key of a layout (optional cells included), in layout order."""
    return {k: i for i, k in enumerate(layout_for(template).cell_keys(with_optional=True))}


def _in_order_of(cells: dict, sources: dict) -> dict:
    """The cells' sources, in the cells' order (the table reader writes a cell and its
    source together: where the cells are in that order, the sources already are)."""
    if list(sources) == list(cells):
        return sources
    return {k: sources[k] for k in cells if k in sources}


def extract(doc: Document) -> Record:
    index = StreamIndex()
    tokens = tokens_of(doc, index)
    title, title_index = find_title(tokens, doc.title)
    published = find_published(tokens, doc.published, index.prose)
    year = find_year(title, tokens, published)
    template, marker_counts = detect_template(tokens, year)
    notes: list[str] = [SCRIPT_NOTE] if SCRIPT_NOTE in doc.notes else []  # (read in traditional characters: read/script.py)
    if marker_counts.get("2019") and marker_counts.get("2021"):
        notes.append(f"mixed-layout: 2019 标签 {marker_counts['2019']} 处，2021 标签 {marker_counts['2021']} 处")
    cells: dict = {}
    raw: dict = {}
    uncertain: list[str] = []
    used: set[int] = set()
    sources: dict = {}
    if template in ("2019", "2021"):
        res = read_tables(tokens, layout_for(template), index)
        order = _cell_order(template)
        # in layout order; a key the layout does not have (a single 其他 row, layouts.T3_OTHER_SINGLE) after them, as found
        found = res.cells
        places = list(map(order.get, found))
        if None not in places and places == sorted(places):
            cells = found  # (read in layout order already: most reports)
        else:
            ordered = [k for k in order if k in found]
            cells = {k: found[k] for k in ordered}
            if len(cells) < len(found):
                cells.update((k, v) for k, v in found.items() if k not in order)
        raw = res.raw
        # an OCR'd cell read with low confidence is reported, never trusted
        low = {k: c for k, c in res.confidence.items() if c < OCR_MIN_CONFIDENCE}
        notes.extend(f"ocr-low-confidence: {k} ({low[k]:.2f})" for k in sorted(low, key=lambda k: order.get(k, len(order))))
        uncertain = sorted(set(res.uncertain) | set(low), key=lambda k: order.get(k, len(order)))
        used = res.used_lines
        sources = res.sources
        notes.extend(res.notes)
        notes.extend(unread_tables(tokens, layout_for(template), res.tables_found))
    sections = split_sections(tokens, used, index)
    agency = find_agency(tokens, title, title_index, doc.agency)
    _strip_signature(sections, agency)
    meta = Meta(title=title, agency=agency, year=year, published=published, template=template)
    return Record(
        source=doc.source, meta=meta, cells=cells, raw=raw, uncertain=uncertain, sections=sections, notes=notes,
        provenance=_in_order_of(cells, sources) if cells else None,
    )
