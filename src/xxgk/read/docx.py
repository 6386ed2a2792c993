"""Word documents (.docx, WPS .docx) → Document.

The file is opened with python-docx; the body is then read in its own order
straight from its XML (``w:p`` and ``w:tbl``, also inside content controls
``w:sdt`` and ``w:customXml``):

* a paragraph becomes a :class:`Paragraph` (``w:br``/``w:cr`` cut it into
  several; tabs become spaces; deleted revisions and field codes are not
  text);
* the text of a text box (``w:txbxContent``, read once even when Word stores
  it twice as a drawing and as its VML fallback) follows the paragraph that
  anchors it, one paragraph per text-box paragraph — or a table when the
  text box holds one;
* a table becomes a :class:`Table` grid by its grid columns: ``w:gridBefore``
  / ``w:gridAfter`` skip columns, ``w:gridSpan`` spans columns and
  ``w:vMerge`` continues the cell above; merged cells are laid out as
  :mod:`xxgk.read.grid` says (a merged label repeated in every position it
  covers, a merged figure given once).  The paragraphs of a cell are its
  lines (``\\n``); a table nested in a cell is read as its own table after
  the outer one.

Headers, footers, comments and footnotes are not part of the report.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from ..model import Document, Paragraph, Source, Table
from ..text import clean
from .errors import ReadError
from .grid import MAX_SPAN, GridBuilder

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P, _TBL, _TR, _TC, _SDT, _SDTCONTENT, _CUSTOMXML = (f"{{{W}}}{n}" for n in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
_T, _TAB, _BR, _CR, _TXBX, _DELTEXT, _NOBREAKHYPHEN = (f"{{{W}}}{n}" for n in ("t", "tab", "br", "cr", "txbxContent", "delText", "noBreakHyphen"))
_TCPR, _TRPR, _GRIDSPAN, _VMERGE, _GRIDBEFORE, _GRIDAFTER = (f"{{{W}}}{n}" for n in ("tcPr", "trPr", "gridSpan", "vMerge", "gridBefore", "gridAfter"))
_VAL = f"{{{W}}}val"
_FALLBACK = f"{{{MC}}}Fallback"
_TEXT_TAGS = (_T, _TAB, _BR, _CR, _NOBREAKHYPHEN, _TXBX, _FALLBACK)


def _child(el, tag: str):
    """The first child with this tag (C-level; ``find`` goes through ElementPath)."""
    return next(el.iterchildren(tag), None)


def _int(el, default: int = 1) -> int:
    if el is None:
        return default
    try:
        return max(0, min(int(el.get(_VAL, default)), MAX_SPAN))
    except ValueError:
        return default


def _run_text(p) -> str:
    """The text of a paragraph, without the text boxes anchored in it."""
    out: list[str] = []
    has_box = next(p.iter(_TXBX, _FALLBACK), None) is not None
    if not has_box:
        for el in p.iter(_T, _TAB, _BR, _CR, _NOBREAKHYPHEN):
            tag = el.tag
            if tag == _T:
                out.append(el.text or "")
            elif tag == _TAB:
                out.append(" ")
            elif tag == _NOBREAKHYPHEN:
                out.append("-")
            else:
                out.append("\n")
        return "".join(out)

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag in (_TXBX, _FALLBACK):
                continue
            if tag == _T:
                out.append(child.text or "")
            elif tag == _TAB:
                out.append(" ")
            elif tag in (_BR, _CR):
                out.append("\n")
            elif tag == _NOBREAKHYPHEN:
                out.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(out)


def _text_boxes(p) -> list:
    """The text boxes anchored in a paragraph (not their VML fallback copies)."""
    boxes = []
    for box in p.iter(_TXBX):
        anc = box.getparent()
        while anc is not None and anc is not p and anc.tag != _FALLBACK:
            anc = anc.getparent()
        if anc is None or anc.tag != _FALLBACK:
            boxes.append(box)
    # a text box inside a text box is read with its outer box
    return [b for b in boxes if not any(o is not b and _inside(b, o) for o in boxes)]


def _inside(el, outer) -> bool:
    anc = el.getparent()
    while anc is not None:
        if anc is outer:
            return True
        anc = anc.getparent()
    return False


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in clean(text).split("\n") if line.strip()]


def _cell_text(tc, nested: list) -> str:
    lines: list[str] = []
    for child in tc:
        if child.tag == _P:
            lines.extend(_lines(_run_text(child)))
            for box in _text_boxes(child):
                for p in box.iter(_P):
                    lines.extend(_lines(_run_text(p)))
        elif child.tag == _TBL:
            nested.append(child)
        elif child.tag in (_SDT, _CUSTOMXML):
            for p in child.iter(_P):
                lines.extend(_lines(_run_text(p)))
    return "\n".join(lines)


def table_grid(tbl, nested: list | None = None) -> list[list[str]]:
    """A ``w:tbl`` as a rectangular grid (merged cells as :mod:`xxgk.read.grid` says)."""
    nested = nested if nested is not None else []
    g = GridBuilder()
    r = 0
    for tr in tbl.iterchildren(_TR, _SDT, _CUSTOMXML):
        rows = [tr] if tr.tag == _TR else list(tr.iter(_TR))
        for row in rows:
            trpr = _child(row, _TRPR)
            c = _int(_child(trpr, _GRIDBEFORE), 0) if trpr is not None else 0
            for tc in _row_cells(row):
                tcpr = _child(tc, _TCPR)
                span = 1
                merge = None
                if tcpr is not None:
                    span = max(1, _int(_child(tcpr, _GRIDSPAN), 1))
                    vm = _child(tcpr, _VMERGE)
                    if vm is not None:
                        merge = vm.get(_VAL, "continue")
                if merge == "continue" and r > 0:
                    origin = _origin_text(g, r, c)
                    g.cover(r, c, origin, span)
                else:
                    g.place(r, c, _cell_text(tc, nested), 1, span)
                c += span
            r += 1
    return g.rows()


def _row_cells(row):
    """The cells of a row, also those wrapped in a content control."""
    for child in row.iterchildren(_TC, _SDT, _CUSTOMXML):
        if child.tag == _TC:
            yield child
        else:
            for inner in child.iter(_TC):
                yield inner


def _origin_text(g: GridBuilder, r: int, c: int) -> str:
    """The text of the cell a vertical merge continues (the nearest one above)."""
    for rr in range(r - 1, -1, -1):
        t = g.text_at(rr, c)
        if t:
            return t
        if t is None:
            return ""
    return ""


class _Reader:
    def __init__(self) -> None:
        self.blocks: list = []

    def body(self, el) -> None:
        for child in el:
            tag = child.tag
            if tag == _P:
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child)
            elif tag in (_SDT, _CUSTOMXML, _SDTCONTENT):
                self.body(child)

    def paragraph(self, p) -> None:
        for line in _lines(_run_text(p)):
            self.blocks.append(Paragraph(text=line))
        for box in _text_boxes(p):
            self.body(box)

    def table(self, tbl) -> None:
        nested: list = []
        grid = table_grid(tbl, nested)
        if grid:
            if max(len(r) for r in grid) < 2:
                for row in grid:
                    for cell in row:
                        self.blocks.extend(Paragraph(text=line) for line in cell.split("\n") if line)
            else:
                self.blocks.append(Table(rows=grid))
        for t in nested:
            self.table(t)


def _open(data: bytes, path: str):
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ModuleNotFoundError as e:  # pragma: no cover - a broken install
        raise ReadError(path, f"读取 docx 需要 python-docx（{e.name}）", "请运行 make setup", f"reading docx needs python-docx ({e.name})", "run make setup") from e
    try:
        return docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError) as e:
        raise ReadError(path, f"Word 文件已损坏（{e}）", "请用 Word 或 WPS 打开后另存为 .docx 再试", f"the Word file is corrupt ({e})", "open it in Word or WPS and save it again as .docx") from e
    except ValueError as e:  # e.g. a .docm / template content type
        raise ReadError(path, f"不是可读取的 Word 文档（{e}）", "请另存为 .docx 再试", f"not a readable Word document ({e})", "save it as .docx and retry") from e
    except Exception as e:  # broken XML or package parts
        raise ReadError(path, f"Word 文件已损坏（{type(e).__name__}: {e}）", "请用 Word 或 WPS 打开后另存为 .docx 再试",
                        f"the Word file is corrupt ({type(e).__name__}: {e})", "open it in Word or WPS and save it again as .docx") from e


def read_docx(data: bytes, source: Source) -> Document:
    d = _open(data, source.path)
    body = d.element.body
    reader = _Reader()
    reader.body(body)
    return Document(source=source, blocks=reader.blocks)
