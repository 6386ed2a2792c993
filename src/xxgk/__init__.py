"""xxgk — 政府信息公开工作年度报告: parse, check, store and render.

Library use::

    import xxgk
    record = xxgk.parse_path("report.pdf")      # -> xxgk.model.Record
    record.cells["t3.new.total"]

The pipeline is visible in the package: ``read`` (bytes → Document),
``extract`` (Document → Record), ``check`` (Record → findings), ``store``,
``render`` and ``cli``.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

from .model import Document, Record  # noqa: E402
from .read import ReadError, read_bytes, read_path  # noqa: E402


def parse_document(doc: Document) -> Record:
    """The record of a document; :class:`~xxgk.extract.kind.NotAReport` (a ReadError)
    when the document is not an annual report at all."""
    from .extract import extract
    from .extract.kind import check_is_report

    rec = extract(doc)
    check_is_report(doc, rec)
    return rec


def parse_bytes(data: bytes, path: str = "<bytes>") -> Record:
    """The record of a report's bytes, in any format — xxgk's own fill-in workbook included."""
    if data[:4] == b"PK\x03\x04":  # only a zip can be a workbook (openpyxl is not imported for the rest)
        from .extract.workbook import is_workbook, record_of_workbook

        if is_workbook(data):
            return record_of_workbook(data, path)
    return parse_document(read_bytes(data, path))


def parse_path(path: str | Path) -> Record:
    from .read import file_bytes

    return parse_bytes(file_bytes(Path(path)), str(path))


__all__ = ["Document", "Record", "ReadError", "parse_bytes", "parse_document", "parse_path", "read_bytes", "read_path", "__version__"]
