"""Where did a cell come from?  (``xxgk explain FILE KEY``)

Every cell the extractor writes carries a :class:`xxgk.model.CellSource`:
the document block, grid row and column, the source line or page, the text
the value was read from, and how the cell was placed (a labelled row, a row
of figures placed by the layout's row order, figures run together and
decoded, 表四's fixed order, …).  :func:`explain_cell` turns that into what
a person needs to see why a page came out as it did: the official label, the
value, the placement in words and the source snippet with the cell marked.
The CLI prints it; the web desk can show the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .layouts import label_of
from .model import PLACEMENTS, CellSource, Document, Paragraph, Record, Table

# how many source lines to show around a text cell
_CONTEXT = 2


@dataclass
class CellExplanation:
    key: str
    label: str  # the official label: 表三 一、本年新收… · 总计
    value: int | float | None
    present: bool  # the record has this cell (False: the document has no such cell)
    raw: str | None = None
    uncertain: bool = False
    source: CellSource | None = None
    how: str = ""  # the placement in words (Chinese)
    how_en: str = ""
    where: str = ""  # the place in the source in words (Chinese)
    where_en: str = ""
    style: str | None = None  # the serialisation the table was read from
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # (source line, holds the cell)
    notes: list[str] = field(default_factory=list)  # the extractor's notes about this row

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "present": self.present,
            "raw": self.raw,
            "uncertain": self.uncertain,
            "how": self.source.how if self.source else None,
            "how_text": self.how,
            "where": self.where,
            "style": self.style,
            "source": None if self.source is None else {
                k: getattr(self.source, k) for k in ("text", "block", "row", "col", "line", "page")
            },
            "snippet": [{"text": t, "cell": hit} for t, hit in self.snippet],
            "notes": self.notes,
        }


def _where(src: CellSource, block: object) -> tuple[str, str]:
    zh, en = [], []
    if src.page is not None:
        zh.append(f"第 {src.page} 页")
        en.append(f"page {src.page}")
    if src.line is not None:
        zh.append(f"第 {src.line} 行")
        en.append(f"line {src.line}")
    if isinstance(block, Table) and src.row is not None:
        zh.append(f"表格（文档第 {src.block} 块）第 {src.row} 行第 {src.col} 格")
        en.append(f"grid (document block {src.block}) row {src.row} cell {src.col}")
    elif isinstance(block, Paragraph):
        zh.append(f"段落（文档第 {src.block} 块）")
        en.append(f"paragraph (document block {src.block})")
    return "，".join(zh), ", ".join(en)


def _text_lines(doc: Document, data: bytes) -> list[str] | None:
    if doc.source.format != "text":
        return None
    from .read.text import decode
    from .text import tidy

    return tidy(decode(data, doc.source.path)).split("\n")


def _snippet(src: CellSource, block: object, lines: list[str] | None) -> list[tuple[str, bool]]:
    if lines is not None and src.line is not None:
        # the row's lines: from the line its label stands on to the cell's own
        start = src.line
        if isinstance(block, Table) and block.lines and src.row is not None and src.row <= len(block.lines):
            start = min(start, block.lines[src.row - 1])
        first = max(1, start - _CONTEXT)
        last = min(len(lines), src.line + _CONTEXT)
        return [(lines[i - 1], start <= i <= src.line) for i in range(first, last + 1)]
    if isinstance(block, Table) and src.row is not None:
        row = block.rows[src.row - 1]
        cells = [f"[{c}]" if k + 1 == src.col else c for k, c in enumerate(row)]
        return [(" | ".join(cells), True)]
    if isinstance(block, Paragraph):
        return [(block.text, True)]
    return []


def explain_record(rec: Record, doc: Document, data: bytes, key: str) -> CellExplanation:
    """The explanation of one cell of a record parsed from ``doc`` (read from ``data``)."""
    present = key in rec.cells
    exp = CellExplanation(
        key=key,
        label=label_of(key, rec.meta.template),
        value=rec.cells.get(key),
        present=present,
        raw=rec.raw.get(key),
        uncertain=key in rec.uncertain,
    )
    tkey, _, rest = key.partition(".")
    rkey = rest.partition(".")[0]
    exp.notes = [n for n in rec.notes if n.startswith((f"{tkey}.{rkey}:", f"{tkey}:"))]
    src = (rec.provenance or {}).get(key)
    if src is None:
        return exp
    exp.source = src
    exp.how, exp.how_en = PLACEMENTS.get(src.how, (src.how, src.how))
    block = doc.blocks[src.block - 1] if src.block and 0 < src.block <= len(doc.blocks) else None
    exp.where, exp.where_en = _where(src, block)
    if isinstance(block, Table):
        exp.style = block.style
    exp.snippet = _snippet(src, block, _text_lines(doc, data))
    return exp


def explain_cell(path: str | Path, key: str) -> CellExplanation:
    """Parse a file and explain one cell (raises :class:`xxgk.ReadError` for an unreadable file)."""
    from . import parse_document
    from .read import file_bytes, read_bytes

    data = file_bytes(path)
    doc = read_bytes(data, str(path))
    rec = parse_document(doc)
    return explain_record(rec, doc, data, key)
