"""Is a document an annual report at all?

A file that has neither a table of the official layout, nor one of the six
standard sections, nor a layout marker, nor the words 政府信息公开 next to
年度报告/年报 anywhere in its text is not a report: it is refused with that
reason (:class:`NotAReport`, a :class:`~xxgk.read.errors.ReadError`), so no
command stores or checks it as a clean report.  A blank template *is* a
report form: it passes here and the checker says it is blank (XG111).
"""

from __future__ import annotations

import re

from ..model import Document, Paragraph, Record, Table
from ..read.errors import ReadError
from ..text import squeeze

_TOPIC = re.compile(r"信息公开")
_KIND = re.compile(r"年度报告|年报|工作报告|年度工作")
_SCAN_CHARS = 200_000


class NotAReport(ReadError):
    """The file was read, but it is not a government information disclosure annual report."""


def _text(doc: Document) -> str:
    parts: list[str] = [doc.title or ""]
    size = 0
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            parts.append(b.text)
            size += len(b.text)
        elif isinstance(b, Table):
            for row in b.rows:
                parts.append(" ".join(row))
                size += sum(map(len, row))
        if size > _SCAN_CHARS:
            break
    return squeeze("\n".join(parts))


def refusal(doc: Document, rec: Record) -> tuple[str, str] | None:
    """(reason zh, reason en) when the document is not an annual report, else None."""
    if rec.cells or rec.meta.template is not None or any(s.no is not None for s in rec.sections):
        return None
    text = _text(doc)
    if _TOPIC.search(text) and _KIND.search(text):
        return None
    if not text:
        return "文件没有文字内容，不是政府信息公开工作年度报告", "the file holds no text; it is not an annual report"
    return (
        "不是政府信息公开工作年度报告：没有格式规定的统计表和部分，也没有提到“政府信息公开”“年度报告”",
        "not a government information disclosure annual report: no official table or section, and no mention of 政府信息公开 / 年度报告",
    )


def check_is_report(doc: Document, rec: Record) -> None:
    """Raise :class:`NotAReport` when the document is not an annual report."""
    why = refusal(doc, rec)
    if why is not None:
        raise NotAReport(doc.source.path, why[0], "未入库、未检查；如确为年报，请检查文件是否完整", why[1], "not stored or checked; if it is a report, check that the file is complete")
