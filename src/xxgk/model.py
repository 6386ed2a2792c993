"""The two data types that flow through the pipeline.

``Document`` is what a reader makes of a file (bytes of any format): text
blocks in reading order, some of them cell grids.  ``Record`` is what the
extractor makes of a document: the record of report-json.md.  Both are
msgspec structs, so they are fast to build and to encode as JSON.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Format = Literal["text", "html", "docx", "doc", "pdf", "image", "xlsx"]
Value = int | float | None


class Paragraph(msgspec.Struct, tag="p", omit_defaults=True):
    """One line or paragraph of text (already normalised by the reader).

    ``line`` is the 1-based line of the source text it starts on (text
    formats), ``page`` the 1-based page (PDF, scans), when the reader knows.
    """

    text: str
    line: int | None = None
    page: int | None = None


class Table(msgspec.Struct, tag="table"):
    """A cell grid as the source shows it.

    ``rows`` holds every row's cell texts, merged cells repeated or left ''
    as the reader decides (readers document their choice).  ``confidence``
    is parallel to ``rows`` for OCR'd grids (None elsewhere).
    ``reliable_blanks`` says whether an empty string really is an empty cell
    of the source (True for HTML/DOCX/tab-separated text, False for a grid
    guessed from loose text).
    """

    rows: list[list[str]]
    confidence: list[list[float]] | None = None
    reliable_blanks: bool = True
    # where each row stands in the source, when the reader knows: the 1-based
    # source line of the row's first cell (text formats) and the page (PDF, scans)
    lines: list[int] | None = None
    page: int | None = None
    # the source line of every cell, where cells of a row stand on lines of their own
    cell_lines: list[list[int]] | None = None
    # the serialisation the reader found the grid in (text formats: pipe-rows,
    # pipe-stream, tabs, cell-lines, markdown, aligned), for explain and debugging
    style: str | None = None


Block = Paragraph | Table


class Source(msgspec.Struct):
    path: str
    sha256: str
    format: Format


class Document(msgspec.Struct):
    source: Source
    blocks: list[Block]
    title: str | None = None  # the page or document title, when the format has one
    published: str | None = None  # a publication date given by the container (发布时间)
    agency: str | None = None  # a publisher given by the container (发布机构)
    notes: list[str] = msgspec.field(default_factory=list)


class Meta(msgspec.Struct):
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    template: str | None = None


class SectionText(msgspec.Struct):
    no: int | None  # the standard section (1–6) this is, None for an extra section
    title: str
    text: str
    printed: int | None = None  # the numeral printed in the document (七 → 7)


class CellSource(msgspec.Struct, omit_defaults=True, gc=False):
    """Where one cell of the record came from and how it was placed.

    (``gc=False``: strings and numbers only, never in a reference cycle; the
    cyclic collector need not track the hundreds a report makes.)

    ``how`` is one of :data:`PLACEMENTS`; ``text`` the source text the value
    was read from; ``block``/``row``/``col`` the cell in the document's
    blocks (1-based; ``row``/``col`` of a grid), ``line``/``page`` its place
    in the source file when the reader knows it.
    """

    how: str
    text: str = ""
    block: int | None = None
    row: int | None = None
    col: int | None = None
    line: int | None = None
    page: int | None = None


# how a cell was placed: its row named by a label; a row of figures without its
# label placed by the layout's row order; figures run together decoded; 表四's
# figures in their fixed order; a row read as a group label's single row; a row
# whose figures could not be placed in columns (uncertain)
PLACEMENTS = {
    "label": ("行名定位", "labelled row"),
    "orphan": ("无行名，按格式行序补位", "row without its label, placed by the layout's row order"),
    "glued": ("连写数字按格式拆分", "figures run together, decoded with the layout's constraints"),
    "t4-sequence": ("表四按固定顺序", "Table 4's figures in their fixed order"),
    "group": ("分组行作为单行", "a group label read as its single row"),
    "unplaced": ("无法定位到列，标为不确定", "figures that could not be placed in columns (uncertain)"),
}


class Finding(msgspec.Struct, omit_defaults=True):
    rule: str
    severity: Literal["error", "warning", "info"]
    where: list[str]
    message: str
    message_en: str
    culprit: str | None = None  # the single cell the arithmetic singles out


class LetterItem(msgspec.Struct):
    """One report of an agency and the findings to send back to it (a 整改通知): what
    the letter writer takes, from files checked on the spot or from the store."""

    agency: str
    year: int | None
    title: str | None
    source: str
    published: str | None
    findings: list[Finding] = msgspec.field(default_factory=list)
    blank: frozenset[str] = frozenset()  # the report's blank cells (to group findings under one blank column)


class Record(msgspec.Struct):
    source: Source
    meta: Meta
    cells: dict[str, Value]
    raw: dict[str, str] = msgspec.field(default_factory=dict)
    uncertain: list[str] = msgspec.field(default_factory=list)
    sections: list[SectionText] = msgspec.field(default_factory=list)
    findings: list[Finding] = msgspec.field(default_factory=list)
    # what the extractor noticed and the checker reports (unknown rows, …)
    notes: list[str] = msgspec.field(default_factory=list)
    schema_version: int = 1
    # each cell's source (not part of report-json unless asked: parse --provenance)
    provenance: dict[str, CellSource] | None = None

    def to_json(self) -> bytes:
        return encode_record(self)


_ORDER = ("schema_version", "source", "meta", "cells", "raw", "uncertain", "sections", "findings", "notes")
_encoder = msgspec.json.Encoder()


def _report_json(rec: Record, provenance: bool) -> dict:
    """The record's fields in report-json's order (structs left as they are)."""
    out = {k: getattr(rec, k) for k in _ORDER}
    if provenance and rec.provenance is not None:
        out["provenance"] = rec.provenance
    return out


def record_to_builtins(rec: Record, provenance: bool = False) -> dict:
    return msgspec.to_builtins(_report_json(rec, provenance))


def encode_record(rec: Record, provenance: bool = False) -> bytes:
    # (encoded straight from the structs: the cells' sources are not converted unless asked)
    return _encoder.encode(_report_json(rec, provenance))


def record_from_json(data: bytes | str) -> Record:
    return msgspec.json.decode(data, type=Record)
