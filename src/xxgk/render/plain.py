"""Report → Markdown or plain text, in the shapes the text reader reads back.

Plain text writes each table row as one line of tab-separated cells (the
layout Word's "save as text" and most crawlers produce); Markdown writes pipe
tables.  Both use :func:`xxgk.render.grids.flat_grid`: one label column, the
group labels (三、本年度办理结果, （三）不予公开 …) on rows of their own.
"""

from __future__ import annotations

from .grids import flat_grid
from .report import Report


def _md_cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def _md_table(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    out = []
    for i, r in enumerate(rows):
        cells = [_md_cell(c) for c in r] + [""] * (width - len(r))
        out.append("| " + " | ".join(cells) + " |")
        if i == 0:
            out.append("|" + "|".join(["---"] * width) + "|")
    return out


def _body(rep: Report, md: bool) -> list[str]:
    """Blocks of lines; the writer joins them with a blank line (Markdown) or
    a line break (text)."""
    blocks: list[list[str]] = []
    blocks.append([("# " if md else "") + rep.title])
    blocks += [[x] for x in rep.cover]
    for p in rep.preamble:
        blocks.append([p])
    for part in rep.parts:
        blocks.append([("## " if md else "") + part.heading])
        table: list[str] = []
        if part.table and rep.layout is not None:
            rows = flat_grid(rep.layout, part.table, rep.cells, rep.record.raw)
            table = _md_table(rows) if md else ["\t".join(r) for r in rows]
        text = [[ln] for ln in part.lines] if md else [part.lines] if part.lines else []
        if part.text_after_table:
            blocks += ([table] if table else []) + text
        else:
            blocks += text + ([table] if table else [])
    if rep.signature:
        blocks.append(rep.signature if not md else ["  \n".join(rep.signature)])
    return ["\n".join(b) for b in blocks]


def render_markdown(rep: Report) -> str:
    return "\n\n".join(_body(rep, md=True)) + "\n"


def render_text(rep: Report) -> str:
    return "\n\n".join(_body(rep, md=False)) + "\n"
