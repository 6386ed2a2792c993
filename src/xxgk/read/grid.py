"""Merged cells → a rectangular grid, the same way for every reader with real tables.

The extractor reads a table row as its label followed by its figures, and
takes an empty cell after the label for a blank (``None``).  So that a merged
cell never shifts a figure nor invents a blank, every reader (HTML
``rowspan``/``colspan``, DOCX ``gridSpan``/``vMerge``, XLSX merged ranges)
represents a merged cell like this:

* a **label** (text that is not a figure) is repeated in every position it
  covers: ``三、本年度办理结果`` spanning the first column of 表三 stands in
  front of every result row, and a row label spread over three columns is
  read three times before the row's figures — no empty filler ever sits
  between a label and its figures;
* a **figure or an empty cell** is given once.  The positions it covers to
  its right are moved to the end of its row as ``''`` (the row keeps the
  table's width and the figures stay consecutive after their label:
  ``规章 | 13 | 13 (two columns) | 524`` reads ``['规章', '13', '13', '524', '']``;
  the extractor drops blanks past a row's last column); the positions it
  covers below it are ``''`` in place.

Every other ``''`` is an empty cell of the source.  Rows are padded with
``''`` to the table's width; rows without any text are dropped.
"""

from __future__ import annotations

import re

# the text of a cell that is a figure (or a placeholder for one), not a label
_FIGURE_LIKE = re.compile(r"^[\s\d.,，．%+\-−－—/\\()（）增减加少个件项条次份篇宗例万元亿无]*$")
MAX_SPAN = 200


def is_label(text: str) -> bool:
    return bool(text) and not _FIGURE_LIKE.match(text)


class GridBuilder:
    """Collects cells with their spans, then lays them out (see the module doc)."""

    def __init__(self) -> None:
        self._grid: dict[tuple[int, int], str | None] = {}  # None: moved to the row's end
        self.width = 0
        self.nrows = 0

    def occupied(self, r: int, c: int) -> bool:
        return (r, c) in self._grid

    def place(self, r: int, c: int, text: str, rowspan: int = 1, colspan: int = 1) -> None:
        """A cell whose top-left corner is (r, c)."""
        if rowspan == 1 and colspan == 1:  # (most cells: nothing to lay out)
            self._grid.setdefault((r, c), text)
            if c >= self.width:
                self.width = c + 1
            if r >= self.nrows:
                self.nrows = r + 1
            return
        label = is_label(text)
        for dr in range(rowspan):
            for dc in range(colspan):
                if dr == dc == 0:
                    v: str | None = text
                elif label:
                    v = text
                else:
                    v = "" if dc == 0 else None
                self._grid.setdefault((r + dr, c + dc), v)
        self.width = max(self.width, c + colspan)
        self.nrows = max(self.nrows, r + rowspan)

    def cover(self, r: int, c: int, origin_text: str, colspan: int = 1) -> None:
        """Positions (r, c…c+colspan-1) covered by a cell that starts in an earlier row."""
        label = is_label(origin_text)
        for dc in range(colspan):
            self._grid.setdefault((r, c + dc), origin_text if label else ("" if dc == 0 else None))
        self.width = max(self.width, c + colspan)
        self.nrows = max(self.nrows, r + 1)

    def text_at(self, r: int, c: int) -> str | None:
        return self._grid.get((r, c))

    def rows(self) -> list[list[str]]:
        out = []
        get = self._grid.get
        width = self.width
        cols = range(width)
        for r in range(self.nrows):
            row = _moved_to_end([get((r, c), "") for c in cols], width)
            if any(row):
                out.append(row)
        return out


def _moved_to_end(row: list, width: int) -> list:
    """A laid-out row whose positions marked None (a merged figure given once) move to its end."""
    if None in row:
        row = [v for v in row if v is not None]
        row.extend([""] * (width - len(row)))
    return row


_FREE = object()  # (a position of lay_out's rows no cell covers yet)


def lay_out(rows: list[list[str]], spans: dict[tuple[int, int], tuple[int, int]]) -> list[list[str]]:
    """The grid of cells given row by row as their texts, laid out as HTML lays out a
    table: each cell takes the first position of its row that no cell before it covers
    — the same grid as :meth:`GridBuilder.place` cell by cell, then
    :meth:`GridBuilder.rows`.  ``spans``: (rowspan, colspan) of the merged cells, by
    (row, the cell's place in its row); every other cell covers one position.  ``rows``'
    lists become the grid's (they are not copied).  (Rows kept as lists, not a position
    dictionary, and a row without merged cells placed as a whole: a table's cells are
    laid out at a fraction of the cost.)"""
    grid: list[list] = []  # rows of texts; None: moved to the row's end; _FREE: not covered
    width = 0
    merged_rows = {r for r, _ in spans}
    for r, row in enumerate(rows):
        if r not in merged_rows:
            # (no merged cell starts in the row: its cells fill the positions cells above
            # leave free, in order, and the rest follow them)
            if r == len(grid):
                grid.append(row)
            else:
                line = grid[r]
                k, n = 0, len(row)
                if _FREE in line:
                    for c, v in enumerate(line):
                        if v is _FREE:
                            if k == n:
                                break
                            line[c] = row[k]
                            k += 1
                line.extend(row[k:])
                row = line
            if len(row) > width:
                width = len(row)
            continue
        if r == len(grid):
            grid.append([])
        line = grid[r]
        n = len(line)
        c = 0
        for j, text in enumerate(row):
            while c < n and line[c] is not _FREE:
                c += 1
            rs, cs = spans.get((r, j), (1, 1))
            if rs == 1 and cs == 1:
                if c == n:
                    line.append(text)
                    n += 1
                else:
                    line[c] = text
                c += 1
            else:
                # what the cell puts in its positions: a label in every one; a figure once,
                # the rest of its first row moved to the row's end, blank in the rows below
                end = c + cs
                if is_label(text):
                    seg = rest = [text] * cs
                else:
                    seg, rest = [text] + [None] * (cs - 1), [""] + [None] * (cs - 1)
                for rr in range(r, r + rs):
                    if rr == len(grid):
                        grid.append([])
                    below = grid[rr]
                    m = len(below)
                    if m <= c:  # (no cell covers any of its positions in this row yet)
                        if m < c:
                            below.extend([_FREE] * (c - m))
                        below.extend(seg)
                    else:
                        if m < end:
                            below.extend([_FREE] * (end - m))
                        for dc in range(cs):
                            if below[c + dc] is _FREE:
                                below[c + dc] = seg[dc]
                    seg = rest
                n = len(line)
                c = end
            if c > width:
                width = c
    out = []
    for line in grid:
        if _FREE in line:
            line = ["" if v is _FREE else v for v in line]
        if len(line) < width:
            line.extend([""] * (width - len(line)))
        line = _moved_to_end(line, width)
        if any(line):
            out.append(line)
    return out
