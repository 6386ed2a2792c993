"""Plain text, Markdown and crawled page text → Document.

The reader decodes the bytes, normalises the text and cuts it into blocks:

* a run of tab-separated lines becomes a :class:`Table` (one row a line);
* the "one cell a line" layout that Word-to-text converters write (each cell
  on its own line behind a tab, rows separated by blank lines) becomes a
  :class:`Table` with one row per group of lines;
* Markdown pipe tables become a :class:`Table`;
* runs of two or more spaces between figures (whitespace-aligned columns)
  become a :class:`Table` row when the line holds several figures;
* every other non-empty line is a :class:`Paragraph`.

Crawler headers (``标题:``, ``发布时间:``, ``发布机构:`` followed by a
``==== 正文 ====`` rule) go into the document's title, published date and
agency; web-page chrome is left to the extractor, which ignores what is not
a report.
"""

from __future__ import annotations

import codecs
import re

from ..model import Document, Paragraph, Source, Table
from ..text import LazyPattern, tidy
from .errors import ReadError
from .script import NOTE as SCRIPT_NOTE, fold_text

_CRAWL_RULE = re.compile(r"^=+\s*正文\s*=+\s*$")
_CRAWL_FIELD = re.compile(r"^(标题|发布时间|文号|发布机构|栏目|原文链接|本地目录)[:：]\s*(.*)$")
_MD_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_FIGURE = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")
_ALIGNED_SPLIT = re.compile(r" {2,}")


def decode_bom(data: bytes) -> str | None:
    """The text of bytes that start with a UTF-8 or UTF-16 byte order mark, else None."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
    return None


def decode(data: bytes, path: str = "", what: str = "文本", what_en: str = "text") -> str:
    """Bytes → str: BOMs first, then strict UTF-8, then GB18030, then a detector."""
    text = decode_bom(data)
    if text is not None:
        return text
    return decode_guess(data, path, what, what_en)


def decode_guess(data: bytes, path: str = "", what: str = "文本", what_en: str = "text") -> str:
    """Bytes without a BOM or a declared charset: UTF-16 told by its zero bytes, strict UTF-8,
    UTF-8 and GB18030 mixed part by part, GB18030, then a detector."""
    enc = utf16_guess(data[:4096])
    if enc is not None:
        return data.decode(enc, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = decode_parts(data)
    if mixed is not None:
        return mixed
    # GB2312 and GBK are subsets of GB18030: decode with the superset.
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError(path, f"无法识别{what}编码", "请另存为 UTF-8 或 GB18030 编码后重试", f"unknown {what_en} encoding", "save it as UTF-8 or GB18030 and retry")
    return str(best)


def utf16_guess(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for text in UTF-16 without a byte order mark, else None.
    Such text has zero bytes (its line ends and digits) — text in any 8-bit or multi-byte
    encoding never has — and read in the right byte order it is nearly all Chinese, CJK
    punctuation and printable ASCII (binary data, or the wrong order, is not)."""
    n = len(sample) - len(sample) % 2
    if n < 16 or sample[:n].count(0) < 2:
        return None
    best, enc = 0.0, None
    for name in ("utf-16-le", "utf-16-be"):
        text = sample[:n].decode(name, errors="replace")
        share = len(_UTF16_TEXT.findall(text)) / len(text)
        if share > best:
            best, enc = share, name
    return enc if best >= 0.9 else None


_UTF16_TEXT = LazyPattern("[\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff00-\uffef\u2010-\u203f\x20-\x7e\r\n\t\u00a0-\u00ff]")


# Parts of a page: bytes between line ends and tag brackets.  These ASCII bytes are never
# inside a multi-byte character of UTF-8, GBK or GB18030, so a page can be cut at them safely.
_PART_SPLIT = re.compile(rb"([\n<>])")
_CJK = LazyPattern("[\u3400-\u9fff]")  # compiled for a page not in UTF-8 only


def decode_parts(data: bytes) -> str | None:
    """Text that is mostly UTF-8 with some parts in GBK/GB18030 (a paragraph pasted from an old
    page), or the other way round: each part decoded on its own — as UTF-8 when it is valid UTF-8
    holding Chinese or plain ASCII, else as GB18030.  None when no part is Chinese in UTF-8
    (the whole is then one legacy encoding)."""
    parts = _PART_SPLIT.split(data)
    out: list[str] = []
    utf8_cjk = False
    for part in parts:
        if part.isascii():
            out.append(part.decode("ascii"))
            continue
        try:
            text = part.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and _CJK.search(text):
            utf8_cjk = True
            out.append(text)
            continue
        try:
            out.append(part.decode("gb18030"))
        except UnicodeDecodeError:
            out.append(text if text is not None else part.decode("utf-8", errors="replace"))
    return "".join(out) if utf8_cjk else None


def read_text(data: bytes, source: Source) -> Document:
    # (in traditional script: folded before the lines are looked at, see read/script.py)
    text, folded = fold_text(decode(data, source.path))
    doc = text_to_document(text, source)
    if folded:
        doc.notes.append(SCRIPT_NOTE)
    return doc


def text_to_document(text: str, source: Source) -> Document:
    text = tidy(text)
    lines = text.split("\n")
    doc = Document(source=source, blocks=[])
    body = _crawler_header(lines, doc)
    doc.blocks = list(_blocks(body, len(lines) - len(body)))
    return doc


def _crawler_header(lines: list[str], doc: Document) -> list[str]:
    for i, line in enumerate(lines[:40]):
        if "正文" in line and _CRAWL_RULE.match(line.strip()):
            for head in lines[:i]:
                m = _CRAWL_FIELD.match(head.strip())
                if not m or not m.group(2).strip():
                    continue
                name, value = m.group(1), m.group(2).strip()
                if name == "标题":
                    doc.title = value
                elif name == "发布时间":
                    doc.published = value
                elif name == "发布机构":
                    doc.agency = value
            return lines[i + 1 :]
    return lines


def _is_cell_line(line: str) -> bool:
    """A line of the 'one cell a line' layout: a leading tab, no other tab."""
    return line[:1] == "\t" and line.count("\t") == 1


def _blocks(lines: list[str], base: int = 0):
    """Lines → blocks; ``base`` is the number of source lines before ``lines``
    (each block records the 1-based source line it starts on)."""
    i, n = 0, len(lines)
    # each line's stripped text, and whether it is a line of the "one cell a line"
    # layout (:func:`_is_cell_line`), found once: the loops below look at lines again
    strips = [line.strip() for line in lines]
    cell: list[bool] | None = None  # (found at the first line with a tab: most text has none)
    # most text has no "|" at all: then no line can open a pipe table
    pipes = "|" in "".join(lines)
    while i < n:
        line = lines[i]
        stripped = strips[i]
        if not stripped and line[:1] != "\t":
            i += 1
            continue
        if "\t" in line and cell is None:
            cell = [line[:1] == "\t" and line.count("\t") == 1 for line in lines]
        if cell is not None and cell[i]:
            rows: list[list[str]] = []
            starts: list[int] = []
            while i < n and (cell[i] or (not strips[i] and i + 1 < n and cell[i + 1])):
                if not strips[i] and lines[i][:1] != "\t":
                    i += 1  # a blank line between two rows
                    continue
                starts.append(base + i + 1)
                row: list[str] = []
                while i < n and lines[i] and (cell[i] or (row and "\t" not in lines[i] and strips[i])):
                    if cell[i]:
                        row.append(strips[i])  # (a cell line's text: what follows its only tab, stripped)
                    else:  # a cell continued on the next line
                        row[-1] = (row[-1] + "\n" + strips[i]).strip()
                    i += 1
                rows.append(row)
                if i < n and lines[i] and not cell[i]:
                    break
            yield Table(rows=rows, lines=starts, style="cell-lines")
            continue
        if "\t" in line:
            rows, starts = [], []
            while i < n and "\t" in lines[i] and not cell[i]:
                rows.append([c.strip() for c in lines[i].split("\t")])
                starts.append(base + i + 1)
                i += 1
            yield Table(rows=rows, lines=starts, style="tabs")
            continue
        # (the "|" each test needs, looked for first: most lines of a text with a pipe table have none)
        if pipes and (("|" in stripped and _is_pipe_line(stripped)) or (i + 1 < n and "|" in lines[i + 1] and _opens_pipe_stream(lines, i))):
            end = _pipe_region_end(lines, i)
            if end > i:
                yield from pipe_tables(lines[i:end], base + i)
                i = end
                continue
        if "  " in stripped:
            parts = _ALIGNED_SPLIT.split(stripped)
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


def _join_text_parts(parts: list[str]) -> list[str]:
    out: list[str] = []
    for p in parts:
        if out and not _is_figure_cell(p) and not _is_figure_cell(out[-1]):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return out


# ---------------------------------------------------------------- pipe tables
#
# Web stores keep a page's table as text with "|" between cells, in one of
# several serialisations (seen on many government sites):
#
# * a row per line:            规章 | 0 | 0 | 0 |       (leading/trailing "|" optional)
# * a cell per line, each ending " |":  规章 |  /  0 |  /  0 |   (a lone "|" is an empty cell)
# * a cell per line with "|" lines between:  规章  /  |  /  0  /  |  /  0
# * fillers between rows: |||, ||, | ||||, | | | | |
#
# In all of them a "|" closes a cell, and a line end closes a cell only where
# no "|" stands next to it.  The reader finds which of the two shapes a run of
# lines has (rows on lines, or a stream of cells) and yields the grid; in a
# stream, a row starts at each cell that is text (a label) and holds the
# figures and empty cells that follow it.


def _is_pipe_line(line: str) -> bool:
    """A line with "|" between cells (not prose that happens to hold a "|")."""
    return "|" in line and all(len(c) <= _MAX_PIPE_CELL for c in line.split("|"))


def _pipe_only(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.replace("|", "").strip()


# a cell's text in a stream of cells is short; prose is not a cell
_MAX_STREAM_CELL = 120
_MAX_PIPE_CELL = 200


def _opens_pipe_stream(lines: list[str], i: int) -> bool:
    """A short line without "|" directly followed by a line of only "|"s (the
    first cell of a stream whose separators stand on lines of their own)."""
    s = lines[i].strip()
    if not s or len(s) > _MAX_STREAM_CELL:
        return False
    return i + 1 < len(lines) and _pipe_only(lines[i + 1])


def _pipe_region_end(lines: list[str], i: int) -> int:
    """The end of the run of lines that make one pipe-separated region.

    Lines with "|" belong to it; so does a short line without one that stands
    between two of them (a cell of a stream with "|" lines between cells), and
    blank lines inside it.
    """
    n = len(lines)
    j = i
    last = i
    while j < n:
        s = lines[j].strip()
        if not s:
            j += 1
            continue
        if _is_pipe_line(s):
            last = j + 1
            j += 1
            continue
        nxt = j + 1
        while nxt < n and not lines[nxt].strip():
            nxt += 1
        if len(s) <= _MAX_STREAM_CELL and nxt < n and _pipe_only(lines[nxt]) and (j == i or _pipe_only(lines[last - 1])):
            last = j + 1
            j += 1
            continue
        break
    return last


def _split_row(line: str) -> list[str]:
    """A row written on one line: one leading and one trailing "|" are
    delimiters, every other "|" separates two cells."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _stream_cells(lines: list[tuple[int, str]]) -> list[tuple[str, int]]:
    """The cells of a region read as one stream, each with the source line it
    starts on: "|" closes a cell; a line end closes one only where no "|"
    stands next to it."""
    cells: list[tuple[str, int]] = []
    cur: list[str] = []
    start = -1  # the line the cell being read starts on
    pending = False  # text since the last boundary
    prev_pipe_end = True  # the previous non-blank line ended with "|" (or this is the start)
    for no, raw in lines:
        s = raw.strip()
        if not s:
            continue
        if pending and not prev_pipe_end and not s.startswith("|"):
            cells.append((" ".join(cur).strip(), start))  # a line end between two cells
            cur, pending = [], False
        parts = s.split("|")
        for k, part in enumerate(parts):
            part = part.strip()
            if part:
                if not cur:
                    start = no
                cur.append(part)
                pending = True
            if k < len(parts) - 1:  # a "|" follows this part: it closes a cell
                cells.append((" ".join(cur).strip(), start if cur else no))
                cur, pending = [], False
        prev_pipe_end = s.endswith("|")
    if pending:
        cells.append((" ".join(cur).strip(), start))
    return cells


def _is_figure_cell(text: str) -> bool:
    from ..numbers import is_value_text  # a cell's text: figure, placeholder or empty

    return is_value_text(text)


def pipe_tables(lines: list[str], first: int = 0):
    """Blocks of a pipe-separated region whose first line is source line
    ``first + 1``: a :class:`Table` (or a paragraph for a lone line that only
    mentions a "|")."""
    content = [(first + k + 1, ln) for k, ln in enumerate(lines) if ln.strip()]
    rows_shaped = [ln for _, ln in content if len([c for c in _split_row(ln) if c]) >= 2]
    texts = [ln for _, ln in content if not _pipe_only(ln)]
    if len(content) == 1 and len(_split_row(content[0][1])) < 2:
        yield Paragraph(text=content[0][1].strip(), line=content[0][0])
        return
    if texts and len(rows_shaped) * 2 >= len(texts):
        # rows on lines; lines of only "|" are fillers between rows
        kept = [(no, _split_row(ln)) for no, ln in content if not _pipe_only(ln) and not _MD_SEP.match(ln.strip())]
        kept = [(no, r) for no, r in kept if any(r)]
        md = any(_MD_SEP.match(ln.strip()) for _, ln in content)
        yield Table(rows=[r for _, r in kept], lines=[no for no, _ in kept], style="markdown" if md else "pipe-rows")
        return
    rows: list[list[str]] = []
    at: list[list[int]] = []
    for cell, no in _stream_cells(content):
        if (cell and not _is_figure_cell(cell)) or not rows:
            rows.append([cell])
            at.append([no])
        else:
            rows[-1].append(cell)
            at[-1].append(no)
    kept = [(a, r) for a, r in zip(at, rows) if any(r)]
    yield Table(rows=[r for _, r in kept], lines=[a[0] for a, _ in kept], style="pipe-stream", cell_lines=[a for a, _ in kept])
