"""Record → plain text or Markdown in the official layout.

Every label comes from :mod:`xxgk.layouts`; the table rows are those of
:func:`xxgk.render.grids.flat_grid` (one label column, group labels such as
三、本年度办理结果 and （三）不予公开 on rows of their own).  Several table
styles are offered because published text reports use all of them, and the
parser's property tests render random records in each style and read them
back:

* ``tabs``      one table row a line, cells separated by tabs;
* ``cells``     one cell a line behind a tab, rows separated by a blank line
                (what Word-to-text converters write);
* ``lines``     one cell a line with nothing else (cannot show a blank cell);
* ``markdown``  pipe tables;
* ``aligned``   columns aligned with spaces (cannot show a blank cell).

Two entry points:

* :func:`render_text` / :func:`render_markdown` print a record *as given*
  (totals untouched) — what the parser's property tests need;
* :func:`render_report_text` prints a prepared :class:`~xxgk.render.report.Report`
  (totals computed, official section titles, 落款) — what ``xxgk render`` uses.
"""

from __future__ import annotations

from typing import Literal

from ..model import Record
from .grids import fmt, flat_grid
from .report import Report, prepare

Style = Literal["tabs", "cells", "lines", "markdown", "aligned"]
STYLES: tuple[Style, ...] = ("tabs", "cells", "lines", "markdown", "aligned")
BLANK_SAFE: tuple[Style, ...] = ("tabs", "cells", "markdown")  # styles that can show a blank cell

fmt_value = fmt  # a figure as printed: blank → '', 323.6 → '323.6'


def _md_cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def _table(rows: list[list[str]], style: Style) -> str:
    if style == "tabs":
        return "\n".join("\t".join(r) for r in rows)
    if style == "cells":
        return "\n\n".join("\n".join("\t" + c for c in r) for r in rows)
    if style == "lines":
        return "\n\n".join(c for r in rows for c in r if c)
    if style == "markdown":
        width = max(len(r) for r in rows)
        out = []
        for i, r in enumerate(rows):
            cells = [_md_cell(c) for c in r] + [""] * (width - len(r))
            out.append("| " + " | ".join(cells) + " |")
            if i == 0:
                out.append("|" + "---|" * width)
        return "\n".join(out)
    if style == "aligned":
        return "\n".join("    ".join(c for c in r if c) for r in rows)
    raise ValueError(style)


def render_report_text(rep: Report, style: Style = "tabs", markdown: bool = False) -> str:
    """The whole report as text: title, the six sections with the tables in
    sections 二–四, the agency and the date at the end."""
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    blocks: list[str] = [h1 + rep.title, *rep.cover, *rep.preamble]
    for part in rep.parts:
        blocks.append(h2 + part.heading)
        table = ""
        if part.table and rep.layout is not None:
            table = _table(flat_grid(rep.layout, part.table, rep.cells, rep.record.raw), style)
        # Markdown needs a blank line between paragraphs, text does not
        text = list(part.lines) if markdown else (["\n".join(part.lines)] if part.lines else [])
        order = ([table] if table else []) + text if part.text_after_table else text + ([table] if table else [])
        blocks += order
    if rep.signature:
        blocks.append(("  \n" if markdown else "\n").join(rep.signature))
    return "\n\n".join(blocks) + "\n"


def render_text(rec: Record, style: Style = "tabs", markdown: bool = False) -> str:
    """A record as given (totals not recomputed) as text."""
    return render_report_text(prepare(rec, as_given=True), style, markdown)


def render_markdown(rec: Record) -> str:
    return render_text(rec, style="markdown", markdown=True)
