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


class Paragraph(msgspec.Struct, tag="p"):
    """One line or paragraph of text (already normalised by the reader)."""

    text: str


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


class Finding(msgspec.Struct, omit_defaults=True):
    rule: str
    severity: Literal["error", "warning", "info"]
    where: list[str]
    message: str
    message_en: str
    culprit: str | None = None  # the single cell the arithmetic singles out


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

    def to_json(self) -> bytes:
        return encode_record(self)


_ORDER = ("schema_version", "source", "meta", "cells", "raw", "uncertain", "sections", "findings", "notes")
_encoder = msgspec.json.Encoder()


def record_to_builtins(rec: Record) -> dict:
    d = msgspec.to_builtins(rec)
    return {k: d[k] for k in _ORDER if k in d}


def encode_record(rec: Record) -> bytes:
    return _encoder.encode(record_to_builtins(rec))


def record_from_json(data: bytes | str) -> Record:
    return msgspec.json.decode(data, type=Record)
