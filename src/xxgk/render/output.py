"""Record → the bytes of a report in one format (the ``xxgk render`` core)."""

from __future__ import annotations

from ..model import Record
from .report import Report, prepare

FORMATS = ("docx", "html", "md", "txt", "pdf")


def render_report(rep: Report, to: str) -> bytes:
    if to == "md":
        from .text import render_report_text

        return render_report_text(rep, "markdown", markdown=True).encode("utf-8")
    if to == "txt":
        from .text import render_report_text

        return render_report_text(rep).encode("utf-8")
    if to == "html":
        from .html import render_html

        return render_html(rep).encode("utf-8")
    if to in ("docx", "pdf"):
        from .docx import render_docx

        data = render_docx(rep)
        if to == "pdf":
            from .pdf import docx_to_pdf

            data = docx_to_pdf(data)
        return data
    raise ValueError(f"unknown format {to!r}; one of {', '.join(FORMATS)}")


def render_record(record: Record, to: str, keep_given: bool = False, lang: str = "zh") -> tuple[bytes, Report]:
    """The report in format ``to``; raises :class:`~xxgk.render.report.RefusedTotals`
    when given totals disagree with their details (unless ``keep_given``)."""
    rep = prepare(record, keep_given=keep_given, lang=lang)
    return render_report(rep, to), rep
