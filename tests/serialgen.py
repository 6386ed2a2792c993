"""Write a record as a plain-text report in any of the styles seen in the wild.

The test-side guard of the text reader: a record (a gold record, a
hypothesis-drawn record) is written as the text a government web page, a
crawler, a converter or ``pdftotext`` makes of a report, in a chosen
:class:`Style`; reading the text back must give the record again.  Every
table label, row, group, numbering and column comes from :mod:`xxgk.layouts`
through the renderer's grids (:func:`xxgk.render.grids.official_grid`, the
form with its merged cells, and :func:`xxgk.render.grids.flat_grid`, one
label column with the group labels on rows of their own); the variants below
are transformations of those labels, never labels typed again.

:func:`serialise` returns the text and the cells a reader must give back
(blank cells stay ``None``; only rows written whole are expected).

Styles (each a field of :class:`Style`; all fields combine freely within
:meth:`Style.problems`).  ``NNN`` is a page of ``../shared/corpus/sites``:

Row serialisation (``rows``)
  ``pipes``        one table row a line, `` | `` between cells (400, 411, 417,
                   424); ``lead_bar`` a ``|`` before the first cell (416),
                   ``trail_bar`` a ``|`` after the last (400), ``trail_space``
                   a space after it (416); ``compact`` writes an empty cell as
                   a bare ``|`` run, as crawlers do (``规章 | |||``, 411;
                   ``第二十条第(一)项 | |||``, 400).
  ``cell_bar``     one cell a line, each ending `` |`` (402, 407, 312); an
                   empty cell adds `` |`` to the line before (``0 | |``, 402;
                   feature ``cell_bar_empty``), or with ``compact`` a line of
                   bars (``|||``, 407).
  ``bar_lines``    one cell a line with a lone ``|`` line between cells (309).
  ``blank_lines``  one cell a line, cells separated by blank lines (300, 304).
  ``markdown``     pipe tables with ``|---|`` under the first row (corpus 005).
  ``tabs``         one row a line, tab-separated (Word/Excel copies).
  ``aligned``      columns aligned with spaces, as ``pdftotext -layout`` writes.
  ``row_sep``      ``|``: a lone ``|`` line between rows (402, 312, 309).
  ``filler``       a line of empty cells between rows: ``|||``, ``||``
                   (306, 407), ``| ||||``, ``| | | | | | |``.
  ``extra_cell``   every row ends with one more empty cell (``0 | |``, 312).
  ``gap``          paragraphs separated by a blank line (300) or not (309).

Merged cells (``merged``)
  ``own_line``     a group label on its own line (304: ``三、本年度办理结果``,
                   then ``(一)予以公开`` with its figures).
  ``shared``       a group label shares the line of its first sub-row
                   (``三、本年度办理结果 | （一）予以公开 | 0 | …``,
                   ``（三）不予公开 | 1.属于国家秘密 | …``): the HTML order.
  ``empty_cells``  cells covered by a merge written as empty cells
                   (``| | 2.其他法律行政法规禁止公开 | 0 | …``).

Header splits (``header``)
  ``break``        a header cell over two lines (``本年新`` / ``制作数量``,
                   302, 304, 418); a space in row-per-line styles.
  ``spaces``       header words split by spaces (``本年新 制作数量`` 417, 424;
                   ``科研 机构``, ``社会 公益 组织``, ``自然 人``).
  ``two_line``     表三's sub-header on two rows (``商业 | 科研 | …`` then
                   ``企业 | 机构 | …``; corpus 005).
  ``cut``          long header cells but a row's last cut to their first line
                   (``本年新 | 本年新 | 对外公开总数量``, 409).

Label variants (``variants``), each seen on real pages
  ``backslash``    ``本年增\\减`` for ``本年增/减``.
  ``short_count``  ``现行有效件`` for ``现行有效件数``.
  ``item_paren``   ``第二十条第(一项)`` (306).
  ``no_total``     ``对外公开数量`` for ``对外公开总数量``.
  ``quantity``     ``…数量`` for ``…件数`` (``本年制发数量``, ``现行有效数量``).
  ``normative``    ``规范性文件`` in place of ``行政规范性文件`` (2021 layout).
  ``double_space`` double spaces inside labels (``第二十条  第(一)项``).
  ``halfwidth``    half-width brackets and colons everywhere (``(一)``,
                   ``单位:万元``; most pages of ``sites``).
  ``value_spaces`` stray spaces in values (``' 0'``, ``'0 '``; 304).

Cell contents
  ``blank``        a blank cell written as an empty cell, ``/``, ``-``, ``—``,
                   ``无`` or a single space (the empty ones only where the
                   style can show an empty cell).
  ``change``       changes written ``3``/``-8`` (402: ``增1423``), ``cn``
                   (``增3``/``减4``) or ``signs`` (``+3``/``-8``);
                   ``zero_change`` writes 0 as ``未增未减``.
  ``units``        ``jian``: 表二 counts with ``件``; ``pici``: 表二 counts
                   with ``批次`` (``31批次``); ``wanyuan``: amounts with
                   ``万元`` (402: ``23600万元``).

Around the tables
  ``cms``          ``table``: a CMS metadata table before the report
                   (``索引号 | … | 发布机构 | X | 发文日期 | … |``, 411, 305);
                   ``only``: and the title does not name the agency.
  ``headings``     section 一's heading as ``一、工作基本情况``,
                   ``一、总体概述`` (300) or ``一、公开总体情况`` (303), every
                   heading without its numeral (``unnumbered``), or no
                   heading 二/三 at all (``no_2_3``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields

from xxgk.layouts import (
    LAYOUTS,
    SECTIONS,
    T2_ARTICLE,
    T3_COLUMNS,
    T4_COLUMNS,
    Column,
    Layout,
    layout_for,
)
from xxgk.render.grids import fmt, flat_grid, official_grid, t3_columns, t3_rows

ROWS = ("pipes", "cell_bar", "bar_lines", "blank_lines", "markdown", "tabs", "aligned")
PIPES_ONLY = ("lead_bar", "trail_bar", "trail_space")  # options of the pipes style alone
ONE_CELL_A_LINE = ("cell_bar", "bar_lines", "blank_lines")
EMPTY_SHOWN = ("pipes", "cell_bar", "markdown", "tabs")  # styles where an empty cell can be seen
MERGED = ("own_line", "shared", "empty_cells")
HEADERS = ("plain", "break", "spaces", "two_line", "cut")
VARIANTS = ("backslash", "short_count", "item_paren", "no_total", "quantity", "normative", "double_space")
UNITS = ("", "jian", "pici", "wanyuan")
BLANKS = ("", "/", "-", "—", "无", " ")
FILLERS = ("", "|||", "||", "| ||||", "| | | | | | |")
CHANGES = ("plain", "cn", "signs")
CMS = ("", "table", "only")
# section 一's heading as some reports word it
HEADING_WORDS = ("工作基本情况", "总体概述", "公开总体情况")
HEADINGS = ("official", *HEADING_WORDS, "unnumbered", "no_2_3")

SENTENCES = (
    "我单位认真贯彻落实《中华人民共和国政府信息公开条例》，不断完善制度。",
    "全年主动公开政府信息，及时回应社会关切。",
    "本年度依申请公开工作依法办理。",
    "本年度未发生政府信息公开行政复议、行政诉讼。",
    "信息公开的广度和深度仍需加强，下一步将继续提升公开质量。",
    "无。",
)
SECTION_TABLES = {2: "t2", 3: "t3", 4: "t4"}


@dataclass(frozen=True)
class Style:
    rows: str = "pipes"
    lead_bar: bool = True
    trail_bar: bool = True
    trail_space: bool = False
    compact: bool = False
    row_sep: str = ""  # "" or "|"
    filler: str = ""
    extra_cell: bool = False
    gap: bool = True
    merged: str = "own_line"
    header: str = "plain"
    variants: frozenset[str] = field(default_factory=frozenset)
    halfwidth: bool = False
    value_spaces: bool = False
    blank: str = ""
    change: str = "plain"
    zero_change: bool = False
    units: str = ""
    cms: str = ""
    headings: str = "official"

    def problems(self) -> list[str]:
        """Why this combination cannot show a record to a human reader (empty: it can)."""
        out = []
        if self.rows not in ROWS:
            out.append(f"unknown rows {self.rows}")
        if self.blank.strip() == "" and self.rows not in EMPTY_SHOWN:
            out.append("an empty blank cell cannot be seen one cell a line / aligned")
        if self.blank == " " and self.rows == "cell_bar":
            out.append("a one-space blank is an empty cell_bar cell: use ''")
        if self.merged == "empty_cells" and self.rows not in (*EMPTY_SHOWN, "aligned"):
            out.append("empty merged cells cannot be seen one cell a line")
        if self.rows == "cell_bar" and self.row_sep and (self.merged == "empty_cells" or not self.blank.strip()):
            out.append("a row's leading empty cell would look like a row separator")
        if self.extra_cell and self.rows not in ("pipes", "cell_bar", "markdown", "tabs"):
            out.append("an extra empty cell cannot be seen")
        if self.extra_cell and self.rows == "cell_bar" and self.blank.strip() == "":
            out.append("an extra empty cell after a blank cell hides which one is blank")
        if self.compact and self.rows not in ("pipes", "cell_bar"):
            out.append("compact is for pipes/cell_bar")
        if not self.trail_bar and (self.compact or self.trail_space):
            out.append("compact and trail_space write the trailing bar")
        if self.rows == "pipes" and not self.trail_bar and (self.extra_cell or self.blank.strip() == ""):
            out.append("without a trailing bar a last empty cell cannot be seen")
        if self.row_sep and self.rows not in ("cell_bar", "bar_lines"):
            out.append("row_sep is for one-cell-a-line styles with bars")
        if self.filler and self.rows not in ("pipes", "cell_bar", "bar_lines"):
            out.append("filler lines are for styles with bars")
        if self.rows in ("blank_lines", "markdown", "aligned") and not self.gap:
            out.append("these styles need blank lines between paragraphs")
        if self.header == "two_line" and self.rows in ONE_CELL_A_LINE:
            out.append("a two-line sub-header is a row-per-line style")
        if self.header == "break" and self.rows not in ONE_CELL_A_LINE:
            out.append("a header cell over two lines is for one-cell-a-line styles (use spaces)")
        return out

    def features(self) -> set[str]:
        """The names of :data:`NAMED` whose option this style uses (for KNOWN_FAILING)."""
        base = Style()
        out = {f"rows_{self.rows}"}
        for f in fields(self):
            v, d = getattr(self, f.name), getattr(base, f.name)
            if f.name in ("rows", "variants") or v == d:
                continue
            if f.name in PIPES_ONLY and self.rows != "pipes":
                continue  # these options do not change other styles
            if isinstance(v, bool):
                out.add(f.name if v else f"no_{f.name}")
            else:
                out.add(f"{f.name}_{_slug(v)}")
        out |= {f"variant_{v}" for v in self.variants}
        if self.rows == "cell_bar" and not self.blank.strip():
            out.add("cell_bar_empty")  # an empty cell as ' |' after the cell before it
        return out


def _slug(v: str) -> str:
    names = {"": "empty", "/": "slash", "-": "hyphen", "—": "dash", "无": "wu", " ": "space", "|": "bar",
             "|||": "3bars", "||": "2bars", "| ||||": "bar_4bars", "| | | | | | |": "spaced_bars",
             "工作基本情况": "work_basic", "总体概述": "overview", "公开总体情况": "disclosure_overall"}
    return names.get(v, v)


# ---------------------------------------------------------------- the styles, one per name

def _named() -> dict[str, Style]:
    s: dict[str, Style] = {}
    mark = "/"  # the blank marker of styles that cannot show an empty cell
    s["rows_pipes"] = Style()
    s["no_lead_bar"] = Style(lead_bar=False)
    s["no_trail_bar"] = Style(trail_bar=False, blank="/")
    s["trail_space"] = Style(trail_space=True)
    s["compact"] = Style(compact=True)
    s["rows_cell_bar"] = Style(rows="cell_bar", blank=mark)
    s["cell_bar_empty"] = Style(rows="cell_bar")
    s["rows_bar_lines"] = Style(rows="bar_lines", blank=mark)
    s["rows_blank_lines"] = Style(rows="blank_lines", blank=mark)
    s["rows_markdown"] = Style(rows="markdown")
    s["rows_tabs"] = Style(rows="tabs")
    s["rows_aligned"] = Style(rows="aligned", blank=mark)
    s["row_sep_bar"] = Style(rows="cell_bar", blank=mark, row_sep="|")
    for f in FILLERS[1:]:
        s[f"filler_{_slug(f)}"] = Style(filler=f)
    s["extra_cell"] = Style(extra_cell=True)
    s["no_gap"] = Style(gap=False)
    s["merged_shared"] = Style(merged="shared")
    s["merged_empty_cells"] = Style(merged="empty_cells")
    s["header_break"] = Style(rows="blank_lines", blank=mark, header="break")
    s["header_spaces"] = Style(header="spaces")
    s["header_two_line"] = Style(header="two_line")
    s["header_cut"] = Style(header="cut")
    for v in VARIANTS:
        s[f"variant_{v}"] = Style(variants=frozenset({v}))
    s["halfwidth"] = Style(halfwidth=True)
    s["value_spaces"] = Style(value_spaces=True)
    for b in BLANKS[1:]:
        s[f"blank_{_slug(b)}"] = Style(blank=b)
    s["change_cn"] = Style(change="cn")
    s["change_signs"] = Style(change="signs")
    s["zero_change"] = Style(zero_change=True)
    for u in UNITS[1:]:
        s[f"units_{u}"] = Style(units=u)
    s["cms_table"] = Style(cms="table")
    s["cms_only"] = Style(cms="only")
    for h in HEADINGS[1:]:
        s[f"headings_{_slug(h)}"] = Style(headings=h)
    # the crawler pages as found: each a combination of the options above
    s["page_400"] = Style(lead_bar=False, compact=True, merged="empty_cells")  # 第二十条第(一)项 | |||
    s["page_402"] = Style(rows="cell_bar", row_sep="|", blank=mark, gap=False, halfwidth=True, change="cn")
    s["page_407"] = Style(rows="cell_bar", compact=True, merged="empty_cells", gap=False, halfwidth=True)
    s["page_309"] = Style(rows="bar_lines", row_sep="|", blank=mark, gap=False, halfwidth=True)
    s["page_416"] = Style(trail_space=True, gap=False, halfwidth=True)
    s["page_304"] = Style(rows="blank_lines", header="break", value_spaces=True, blank=mark, halfwidth=True)
    for name, st in s.items():
        assert not st.problems(), (name, st.problems())
    return s


NAMED: dict[str, Style] = _named()


# ---------------------------------------------------------------- cells of a grid


@dataclass
class Cell:
    text: str
    role: str  # value | head (a column label) | block | label | note | cover
    key: str | None = None


_SENT = re.compile(r"^\x00(.+)\x00$")


def _column_labels() -> dict[str, Column]:
    out: dict[str, Column] = {}
    for lay in LAYOUTS.values():
        for t in lay.tables:
            for c in t.columns:
                out[c.label] = c
            for b in t.blocks:
                for c in b.columns:
                    out[c.label] = c
    return out


COLUMN_LABELS = _column_labels()
BLOCK_LABELS = {b.label for lay in LAYOUTS.values() for b in lay.table("t2").blocks}
NOTE = LAYOUTS["2021"].table("t3").note


def whole_rows(layout: Layout, cells: dict) -> dict:
    """The cells of the rows the record has whole (a row missing a column is
    left out: it is not written, and not expected back)."""
    out: dict = {}
    t2 = layout.table("t2")
    for b in t2.blocks:
        for r in b.rows:
            keys = [f"t2.{r.key}.{c.key}" for c in b.columns]
            if all(k in cells for k in keys):
                out.update({k: cells[k] for k in keys})
    if any(k.startswith("t3.") for k in cells):
        cols = t3_columns(layout.table("t3"), cells)
        for r in t3_rows(layout, cells):
            keys = [f"t3.{r.key}.{c.key}" for c in cols]
            if all(k in cells for k in keys):
                out.update({k: cells[k] for k in keys})
    t4 = layout.table("t4")
    keys = [f"t4.{r.key}.{c.key}" for r in t4.rows for c in t4.columns]
    if all(k in cells for k in keys):
        out.update({k: cells[k] for k in keys})
    return out


def _grid(layout: Layout, tkey: str, cells: dict, merged: str) -> list[list[Cell]]:
    sent = {k: f"\x00{k}\x00" for k in cells}
    rows: list[list[Cell]] = []
    if merged == "own_line":
        for r in flat_grid(layout, tkey, sent):
            rows.append([_cell(t) for t in r])
    else:
        for r in official_grid(layout, tkey, sent):
            line = []
            for g in r:
                if g is None:
                    if merged == "empty_cells":
                        line.append(Cell("", "cover"))
                    continue
                line.append(_cell(g.text))
            rows.append(line)
    return rows


def _cell(text: str) -> Cell:
    m = _SENT.match(text)
    if m:
        return Cell("", "value", m.group(1))
    if not text:
        return Cell("", "cover")
    if text in COLUMN_LABELS:
        return Cell(text, "head")
    if text in BLOCK_LABELS:
        return Cell(text, "block")
    if text == NOTE:
        return Cell(text, "note")
    return Cell(text, "label")


# ---------------------------------------------------------------- labels and values


_HALF = str.maketrans({"（": "(", "）": ")", "：": ":"})
_NUMBERING = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]）|\d+\.)")


def _split_at(text: str) -> int:
    return 2 if len(text) == 3 else len(text) // 2


def _split(text: str, how: str) -> str:
    """A column label split as a narrow header cell splits it."""
    if len(text) < 3:
        return text
    if how == "spaces" and len(text) <= 6:
        return " ".join(text[i:i + 2] for i in range(0, len(text), 2))
    i = _split_at(text)
    return text[:i] + ("\n" if how == "break" else " ") + text[i:]


def _label(c: Cell, style: Style, layout: Layout) -> str:
    t = c.text
    v = style.variants
    if c.role == "head":
        col = COLUMN_LABELS[t]
        if "backslash" in v and col.kind == "signed":
            t = t.replace("/", "\\")
        if "short_count" in v and col.key == "in_force":
            t = t[:-1]
        if "no_total" in v and col.key == "total" and t.endswith("总数量"):
            t = t.replace("总数量", "数量")
        if "quantity" in v and t.endswith("件数"):
            t = t[:-2] + "数量"
    elif c.role == "block":
        if "item_paren" in v:
            t = re.sub(r"（(.)）项$", r"（\1项）", t)
        if "double_space" in v:
            t = t.replace(T2_ARTICLE, T2_ARTICLE + "  ", 1)
    elif c.role == "label":
        if "normative" in v and layout.template == "2021":
            t2019 = LAYOUTS["2019"].table("t2").row("normative").label
            if t == layout.table("t2").row("normative").label:
                t = t2019
        if "double_space" in v:
            t = _NUMBERING.sub(r"\1  ", t, count=1)
    if style.halfwidth:
        t = t.translate(_HALF)
    if c.role == "head" and style.header in ("break", "spaces"):
        t = _split(t, style.header)
    return t


def value_text(v, kind: str, tkey: str, style: Style, n: int) -> str:
    """A figure as the style writes it; ``n`` counts the cells written (for value_spaces)."""
    if v is None:
        return style.blank
    if kind == "signed":
        if v == 0 and style.zero_change:
            s = "未增未减"
        elif style.change == "cn" and v != 0:
            s = f"增{v}" if v > 0 else f"减{-v}"
        elif style.change == "signs" and v > 0:
            s = f"+{v}"
        else:
            s = fmt(v)
    else:
        s = fmt(v)
        if kind == "amount" and style.units == "wanyuan":
            s += "万元"
        elif kind == "count" and tkey == "t2" and style.units == "jian":
            s += "件"
        elif kind == "count" and tkey == "t2" and style.units == "pici":
            s += "批次"
    if style.value_spaces:
        s = (" " + s) if n % 2 else (s + " ")
    return s


# ---------------------------------------------------------------- one table


def _rows_text(rows: list[list[Cell]], style: Style, layout: Layout, cells: dict, tkey: str) -> list[list[str]]:
    from xxgk.layouts import cell_kind

    out: list[list[str]] = []
    n = 0
    org_labels = {c.label for c in T3_COLUMNS if c.key not in ("natural", "total")}
    for r in rows:
        texts = []
        for c in r:
            if c.role == "value":
                texts.append(value_text(cells[c.key], cell_kind(c.key), tkey, style, n))
                n += 1
            elif c.role == "cover":
                texts.append("")
            else:
                texts.append(_label(c, style, layout))
        heads = [i for i, c in enumerate(r) if c.role == "head"]
        if style.header == "cut":  # all but the row's last header cell cut to their first line (409)
            texts = [t[:_split_at(t)] if i in heads[:-1] and len(t) >= 7 else t for i, t in enumerate(texts)]
        if style.header == "two_line" and any(c.role == "head" and c.text in org_labels for c in r):
            top, bottom = [], []
            for c, t in zip(r, texts):
                if c.role == "head" and c.text in org_labels and len(t) > 2:
                    i = _split_at(t)
                    top.append(t[:i])
                    bottom.append(t[i:])
                else:
                    top.append(t)
                    bottom.append("" if c.role == "head" else t)
            out += [top, bottom]
            continue
        if style.rows in ONE_CELL_A_LINE and style.merged != "empty_cells":
            # a merge's covered cells are nothing one cell a line
            texts = [t for c, t in zip(r, texts) if c.role != "cover"]
        if style.extra_cell:
            texts.append("")
        out.append(texts)
    # a two_line split leaves the label columns of the first row empty in one-cell-a-line styles
    return out


def _inline(t: str) -> str:
    return t.replace("\n", " ")


def _width(t: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in t)


def _pipe_row(texts: list[str], style: Style) -> str:
    texts = [_inline(t) for t in texts]
    # a row that starts with an empty cell shows it behind a leading bar
    # (``| | 2.其他法律…``): without one the empty cell would not be seen
    lead = style.lead_bar or not texts[0].strip()
    if style.compact:
        s = "".join(f"{t} | " if t.strip() else "|" for t in texts).rstrip()
        if lead:
            s = "| " + s
    else:
        s = " | ".join(texts)
        if lead:
            s = "| " + s
        if style.trail_bar:
            s = s + " |"
        while re.search(r"\|\s{2,}\|", s):
            s = re.sub(r"\|\s{2,}\|", "| |", s)
        s = s.lstrip()
    if style.trail_space:
        s += " "
    return s


def table_text(rows: list[list[str]], style: Style) -> str:
    lines: list[str] = []
    filler = [style.filler] if style.filler else []
    if style.rows == "pipes":
        for i, r in enumerate(rows):
            lines += (filler if i else []) + [_pipe_row(r, style)]
    elif style.rows == "tabs":
        lines = ["\t".join(_inline(t) for t in r) for r in rows]
    elif style.rows == "markdown":
        width = max(len(r) for r in rows)
        for i, r in enumerate(rows):
            cells = [_inline(t).replace("|", "｜") for t in r] + [""] * (width - len(r))
            lines.append("| " + " | ".join(cells) + " |")
            if i == 0:
                lines.append("|" + "---|" * width)
    elif style.rows == "aligned":
        width = max(len(r) for r in rows)
        grid = [[_inline(t) for t in r] + [""] * (width - len(r)) for r in rows]
        widths = [max(_width(r[j]) for r in grid) for j in range(width)]
        for r in grid:
            lines.append("".join(t + " " * (widths[j] - _width(t) + 3) for j, t in enumerate(r)).rstrip())
    elif style.rows == "cell_bar":
        for i, r in enumerate(rows):
            if i:
                lines += filler + ([style.row_sep] if style.row_sep else [])
            row: list[str] = []
            for t in r:
                if t.strip():
                    row.append(f"{t} |")
                elif style.compact:
                    if row and re.fullmatch(r"\|+", row[-1]):
                        row[-1] += "|"
                    else:
                        row.append("|")
                elif row:
                    row[-1] += " |"
                else:
                    row.append("|")
            lines += row
    elif style.rows == "bar_lines":
        for i, r in enumerate(rows):
            if i:  # the bar between two cells, then what ends a row
                lines += ["|"] + ([style.row_sep] if style.row_sep else []) + filler
            lines.append("\n|\n".join(r))
    elif style.rows == "blank_lines":
        lines = ["\n\n".join(t for r in rows for t in r)]
    else:
        raise ValueError(style.rows)
    return "\n".join(lines)


# ---------------------------------------------------------------- the whole report


def _heading(no: int, title: str, style: Style) -> str:
    if no == 1 and style.headings in HEADING_WORDS:
        title = title.split("、", 1)[0] + "、" + style.headings
    if style.headings == "unnumbered":
        title = title.split("、", 1)[1]
    return title.translate(_HALF) if style.halfwidth else title


def serialise(template: str, cells: dict, agency: str, year: int, style: Style) -> tuple[str, dict]:
    """The report text of a record in ``style``, and the cells a reader must give back."""
    bad = style.problems()
    if bad:
        raise ValueError(f"{style}: {bad}")
    layout = layout_for(template)
    expected = whole_rows(layout, cells)
    blocks: list[str] = []
    title = f"{agency}{year}年政府信息公开工作年度报告"
    published = f"{year + 1}-01-20"
    if style.cms:
        blocks.append(f"索引号 | 11330000002482/{year + 1}-00001 | 发布机构 | {agency} | 发文日期 | {published} |")
        if style.cms == "only":
            title = f"{year}年政府信息公开工作年度报告"
    blocks.append(title)
    for i, sec in enumerate(SECTIONS):
        if not (style.headings == "no_2_3" and sec.no in (2, 3)):
            blocks.append(_heading(sec.no, sec.title, style))
        sentence = SENTENCES[i]
        tkey = SECTION_TABLES.get(sec.no)
        table = ""
        if tkey and any(k.startswith(tkey + ".") for k in expected):
            rows = _rows_text(_grid(layout, tkey, expected, style.merged), style, layout, expected, tkey)
            table = table_text(rows, style)
        # as the renderer does: text before 表二, after 表三/表四
        blocks += [sentence, table] if tkey == "t2" else [table, sentence]
    sep = "\n\n" if style.gap else "\n"
    text = sep.join(b for b in blocks if b) + "\n"
    return text, expected


def serialise_record(rec, style: Style) -> tuple[str, dict]:
    """:func:`serialise` for an :class:`xxgk.model.Record`."""
    m = rec.meta
    return serialise(m.template, rec.cells, m.agency, m.year, style)


def single_options() -> list[Style]:
    """One style for each value of each option (the plain style otherwise;
    a blank marker where the option cannot show an empty cell)."""
    values = {
        "rows": ROWS, "merged": MERGED, "header": HEADERS, "blank": BLANKS, "filler": FILLERS,
        "change": CHANGES, "cms": CMS, "headings": HEADINGS, "units": UNITS, "row_sep": ("", "|"),
        "variants": [frozenset({v}) for v in VARIANTS],
    }
    out = []
    for f in fields(Style):
        default = getattr(Style(), f.name)
        for v in values.get(f.name, (not default,) if isinstance(default, bool) else ()):
            for rows in ROWS:
                for blank in ("", "/"):
                    kw = {"rows": rows, "blank": blank, f.name: v}
                    st = Style(**kw)
                    if not st.problems():
                        out.append(st)
                        break
                else:
                    continue
                break
            else:
                raise AssertionError(f"no style can show {f.name}={v!r}")
    return out
