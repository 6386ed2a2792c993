"""Spreadsheets (.xlsx) → Document: each sheet's used range as one grid.

Opened with openpyxl (cached values of formulas, never the formulas).  Sheets
come in workbook order, hidden sheets included (an agency that hid a sheet
still published it).  Each sheet's used range becomes a :class:`Table`;
merged ranges are laid out as :mod:`xxgk.read.grid` says (a merged label
repeated in every cell it covers, a merged figure given once).  A number is
written as the spreadsheet holds it (``3`` not ``3.0``); a date as ISO text;
an empty cell is ``''``.  The document's title is the text of the first
sheet's first row when that row holds one text (a title, often merged across
the table), else the workbook's title property.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from io import BytesIO

from ..model import Document, Paragraph, Source, Table
from ..text import clean
from .errors import ReadError
from .grid import GridBuilder


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".10f").rstrip("0").rstrip(".")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    lines = [" ".join(line.split()) for line in clean(str(value)).split("\n")]
    return "\n".join(line for line in lines if line)


MAX_GRID_CELLS = 1_000_000  # a used range larger than this is read sparsely


def sheet_grid(ws) -> list[list[str]]:
    """A worksheet's used range as a rectangular grid.  A range too large to lay out
    (one cell in A1 and one in XFD1048576 span 17 billion positions) keeps only its
    rows and columns that hold something."""
    if ws.max_row is None or ws.max_column is None:
        return []
    r0, c0 = ws.min_row, ws.min_column
    if (ws.max_row - r0 + 1) * (ws.max_column - c0 + 1) > MAX_GRID_CELLS:
        return _sparse_grid(ws)
    merged = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    g = GridBuilder()
    for row in ws.iter_rows(min_row=r0, max_row=ws.max_row, min_col=c0, max_col=ws.max_column):
        for cell in row:
            pos = (cell.row, cell.column)
            if pos in covered:
                continue
            rs, cs = merged.get(pos, (1, 1))
            g.place(cell.row - r0, cell.column - c0, _text(cell.value), rs, cs)
    rows = g.rows()
    # formatted but empty columns at the right are not part of the used range
    width = max((max((i + 1 for i, t in enumerate(r) if t), default=0) for r in rows), default=0)
    return [r[:width] for r in rows]


def _sparse_grid(ws) -> list[list[str]]:
    """The grid of the rows and columns that hold a value (merged ranges kept, counted in kept rows/columns)."""
    filled = {pos: _text(c.value) for pos, c in ws._cells.items() if c.value is not None and _text(c.value)}  # noqa: SLF001 - the cells present, not the range
    ranges = list(ws.merged_cells.ranges)
    rows = sorted({r for r, _ in filled} | {rng.min_row for rng in ranges})
    cols = sorted({c for _, c in filled} | {rng.min_col for rng in ranges})
    if len(rows) * len(cols) > MAX_GRID_CELLS:
        raise ValueError(f"a sheet with {len(filled)} cells over {len(rows)} rows and {len(cols)} columns")
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: i for i, c in enumerate(cols)}
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ranges:
        kr = [r for r in rows if rng.min_row <= r <= rng.max_row]
        kc = [c for c in cols if rng.min_col <= c <= rng.max_col]
        spans[(rng.min_row, rng.min_col)] = (len(kr), len(kc))
        covered.update((r, c) for r in kr for c in kc if (r, c) != (rng.min_row, rng.min_col))
    g = GridBuilder()
    for r in rows:
        for c in cols:
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            g.place(ri[r], ci[c], filled.get((r, c), ""), rs, cs)
    return g.rows()


def read_xlsx(data: bytes, source: Source) -> Document:
    try:
        import openpyxl
    except ModuleNotFoundError as e:  # pragma: no cover - a broken install
        raise ReadError(source.path, f"读取 xlsx 需要 openpyxl（{e.name}）", "请运行 make setup", f"reading xlsx needs openpyxl ({e.name})", "run make setup") from e
    try:
        wb = openpyxl.load_workbook(BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ReadError(source.path, f"Excel 文件已损坏（{e}）", "请用 Excel 或 WPS 打开后另存为 .xlsx 再试", f"the Excel file is corrupt ({e})", "open it in Excel or WPS and save it again as .xlsx") from e
    blocks: list = []
    title: str | None = None
    for ws in wb.worksheets:
        grid = sheet_grid(ws)
        if not grid:
            continue
        if title is None and not blocks:
            # a sheet's first row with one text (merged across or not) is its title
            texts = {t for t in grid[0] if t}
            if len(texts) == 1:
                title = texts.pop().replace("\n", "")
        if max(len(r) for r in grid) < 2:
            blocks.extend(Paragraph(text=line) for row in grid for cell in row for line in cell.split("\n") if line)
        else:
            blocks.append(Table(rows=grid))
    if title is None and wb.properties is not None and wb.properties.title:
        title = clean(wb.properties.title)
    return Document(source=source, blocks=blocks, title=title)
