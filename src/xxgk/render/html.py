"""Report → one self-contained HTML page (no script, no external resource),
fit to be pasted into or published on a government site."""

from __future__ import annotations

from html import escape

from .grids import Grid, official_grid
from .report import Report, line_blocks

CSS = """
body{margin:0;background:#f5f5f5;color:#222}
.xxgk-report{max-width:900px;margin:0 auto;padding:40px 56px;background:#fff;
 font-family:"FangSong","仿宋","FangSong_GB2312","仿宋_GB2312","STFangsong",serif;font-size:16pt;line-height:1.75}
.xxgk-report h1{font-family:"SimSun","宋体","Songti SC",serif;font-size:22pt;text-align:center;font-weight:bold;margin:0 0 1em}
.xxgk-report h2{font-family:"SimHei","黑体","Heiti SC",sans-serif;font-size:16pt;font-weight:normal;margin:.6em 0 .2em;text-indent:2em}
.xxgk-report p{margin:0;text-indent:2em}
.xxgk-report p.cover{text-align:center;text-indent:0}
.xxgk-report .signature p{text-align:right;text-indent:0}
.xxgk-report .signature{margin-top:2em}
.xxgk-report table{border-collapse:collapse;margin:.6em auto 1em;font-family:"SimSun","宋体",serif;font-size:10.5pt;line-height:1.4}
.xxgk-report td,.xxgk-report th{border:1px solid #000;padding:3px 5px;text-align:center;vertical-align:middle}
.xxgk-report th{font-weight:bold;background:#f2f2f2}
.xxgk-report td.label{text-align:left}
.xxgk-report td.note{font-size:9pt;text-align:left}
.xxgk-report table.t4{font-size:9pt}
@media print{body{background:#fff}.xxgk-report{padding:0;max-width:none}}
"""


def _table(grid: Grid, tkey: str) -> str:
    out = [f'<table class="{tkey}">']
    for row in grid:
        out.append("<tr>")
        for cell in row:
            if cell is None:
                continue
            tag = "th" if cell.role == "head" else "td"
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.role in ("label", "note"):
                attrs += f' class="{cell.role}"'
            if cell.key:
                attrs += f' data-key="{cell.key}"'
            out.append(f"<{tag}{attrs}>{escape(cell.text)}</{tag}>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def _text_block(block: str | list[list[str]]) -> str:
    if isinstance(block, str):
        return f"<p>{escape(block)}</p>"
    width = max(len(r) for r in block)
    rows = ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r + [""] * (width - len(r))) + "</tr>" for r in block]
    return '<table class="inline">' + "".join(rows) + "</table>"


def render_html(rep: Report) -> str:
    body: list[str] = [f"<h1>{escape(rep.title)}</h1>"]
    body += [f'<p class="cover">{escape(x)}</p>' for x in rep.cover]
    body += [f"<p>{escape(x)}</p>" for x in rep.preamble]
    for part in rep.parts:
        body.append(f"<h2>{escape(part.heading)}</h2>")
        table = ""
        if part.table and rep.layout is not None:
            table = _table(official_grid(rep.layout, part.table, rep.cells, rep.record.raw), part.table)
        text = [_text_block(x) for x in line_blocks(part.lines)]
        body += ([table] if table else []) + text if part.text_after_table else text + ([table] if table else [])
    if rep.signature:
        body.append('<div class="signature">' + "".join(f"<p>{escape(x)}</p>" for x in rep.signature) + "</div>")
    meta = ""
    if rep.record.meta.published:
        meta += f'<meta name="PubDate" content="{escape(rep.record.meta.published)}">\n'
    if rep.agency:
        meta += f'<meta name="ContentSource" content="{escape(rep.agency)}">\n'
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{meta}<title>{escape(rep.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        '<div class="xxgk-report">\n' + "\n".join(body) + "\n</div>\n</body>\n</html>\n"
    )
