"""The text reader's line loop (:func:`xxgk.read.text._blocks`, which looks at each
line's stripped text and cell-line shape once) reads exactly what the plain loop it
replaced reads: generated lines of every shape the reader knows (one cell a line,
tab rows, pipe tables, aligned columns, headings, prose), and the seeds and corpus."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.read.text import (
    _ALIGNED_SPLIT, _FIGURE, _MD_HEADING, Paragraph, Table, _blocks, _is_cell_line, _is_figure_cell, _is_pipe_line,
    _join_text_parts, _opens_pipe_stream, _pipe_region_end, decode, pipe_tables,
)
from xxgk.text import tidy

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def _blocks_plain(lines: list[str], base: int = 0):
    """Lines → blocks; ``base`` is the number of source lines before ``lines``
    (each block records the 1-based source line it starts on)."""
    i, n = 0, len(lines)
    # most text has no "|" at all: then no line can open a pipe table
    pipes = any("|" in line for line in lines)
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped and not line.startswith("\t"):
            i += 1
            continue
        if line[:1] == "\t" and _is_cell_line(line):
            rows: list[list[str]] = []
            starts: list[int] = []
            while i < n and (_is_cell_line(lines[i]) or (not lines[i].strip() and i + 1 < n and _is_cell_line(lines[i + 1]))):
                if not lines[i].strip() and not lines[i].startswith("\t"):
                    i += 1  # a blank line between two rows
                    continue
                starts.append(base + i + 1)
                row: list[str] = []
                while i < n and lines[i] and (_is_cell_line(lines[i]) or (row and "\t" not in lines[i] and lines[i].strip())):
                    if _is_cell_line(lines[i]):
                        row.append(lines[i][1:].strip())
                    else:  # a cell continued on the next line
                        row[-1] = (row[-1] + "\n" + lines[i].strip()).strip()
                    i += 1
                rows.append(row)
                if i < n and lines[i] and not _is_cell_line(lines[i]):
                    break
            yield Table(rows=rows, lines=starts, style="cell-lines")
            continue
        if "\t" in line:
            rows, starts = [], []
            while i < n and "\t" in lines[i] and not _is_cell_line(lines[i]):
                rows.append([c.strip() for c in lines[i].split("\t")])
                starts.append(base + i + 1)
                i += 1
            yield Table(rows=rows, lines=starts, style="tabs")
            continue
        if pipes and (_is_pipe_line(stripped) or _opens_pipe_stream(lines, i)):
            end = _pipe_region_end(lines, i)
            if end > i:
                yield from pipe_tables(lines[i:end], base + i)
                i = end
                continue
        parts = _ALIGNED_SPLIT.split(stripped) if "  " in stripped else (stripped,)
        figures = sum(bool(_FIGURE.match(p)) or _is_figure_cell(p) for p in parts) if len(parts) >= 2 else 0
        if (len(parts) >= 3 and figures >= 2) or (len(parts) >= 2 and figures == len(parts) - 1 and not _is_figure_cell(parts[0])):
            # columns aligned with spaces: a row, but a blank cell cannot be seen;
            # text pieces side by side are one label that held a double space
            # (or a group label and its row's, which read the same joined)
            yield Table(rows=[_join_text_parts(parts)], reliable_blanks=False, lines=[base + i + 1], style="aligned")
            i += 1
            continue
        if stripped[0] == "#":
            stripped = _MD_HEADING.sub("", stripped)
        yield Paragraph(text=stripped.replace("**", "") if "**" in stripped else stripped, line=base + i + 1)
        i += 1


_PIECES = ["\t", "\t", " ", "  ", "规章", "其他", "总计", "0", "12", "-", "|", "||", "#", " **", "\u3000", "一、", "(二)"]
_line = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.lists(_line, max_size=30), st.integers(0, 5))
def test_line_loop_reads_generated_lines_as_the_plain_loop(lines, base):
    assert list(_blocks(lines, base)) == list(_blocks_plain(lines, base))


def test_line_loop_reads_real_texts_as_the_plain_loop():
    files = sorted((REPO / "tests" / "fixtures").rglob("*.txt")) + sorted((REPO / "tests" / "fixtures").rglob("*.md"))
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.rglob("*") if p.suffix in (".txt", ".md"))
    seen = 0
    for f in files:
        lines = tidy(decode(f.read_bytes(), str(f))).split("\n")
        blocks = list(_blocks(lines))
        assert blocks == list(_blocks_plain(lines)), f
        seen += any(isinstance(b, Table) and b.style == "cell-lines" for b in blocks)
    assert seen >= 2  # (two of the seeds are written one cell a line)
