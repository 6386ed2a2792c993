"""The example workbook rendered to DOCX (opened and inspected with
python-docx) and to PDF with LibreOffice where it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.layouts import SECTIONS, T3_NOTE
from xxgk.render.pdf import soffice

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example-2024.xlsx"


@pytest.fixture(scope="module")
def example_docx(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "example.docx"
    res = CliRunner().invoke(app, ["render", str(EXAMPLE), "--to", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _texts(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_docx_tables_merges_and_values(example_docx):
    d = docx.Document(str(example_docx))
    assert len(d.tables) == 3
    t2, t3, t4 = d.tables
    # 表二: block titles span the four columns, 412 decisions on 行政许可
    rows = _texts(t2)
    assert rows[0] == ["第二十条第（一）项"] * 4
    assert ["行政规范性文件", "3", "1", "27"] in rows
    assert rows[rows.index(["行政许可", "412", "412", "412"])]  # one value merged over three columns
    assert t2.cell(0, 0)._tc is t2.cell(0, 3)._tc
    # 表三: the note is one cell over 3×3, totals computed from the details
    assert t3.cell(0, 0)._tc is t3.cell(2, 2)._tc and t3.cell(0, 0).text == T3_NOTE
    assert t3.cell(0, 3)._tc is t3.cell(0, 9)._tc and t3.cell(0, 3).text == "申请人情况"
    assert t3.cell(1, 3)._tc is t3.cell(2, 3)._tc and t3.cell(1, 3).text == "自然人"
    by_label = {r[2]: r[3:] for r in _texts(t3)[3:]}
    assert by_label["一、本年新收政府信息公开申请数量"] == ["46", "9", "1", "2", "3", "1", "62"]
    assert by_label["（七）总计"] == ["44", "8", "1", "2", "2", "1", "58"]
    assert by_label["四、结转下年度继续办理"] == ["5", "2", "0", "0", "1", "0", "8"]
    # 三、本年度办理结果 spans every result row in the first column
    first = [r[0] for r in _texts(t3)[3:]]
    assert first.count("三、本年度办理结果") == 22  # rowspan 22 in the 2021 format
    # 表四: 15 figures under a three-row header
    assert len(t4.rows) == 4 and [c.text for c in t4.rows[3].cells] == ["2", "0", "1", "0", "3", "1", "0", "0", "1", "2"] + ["0"] * 5
    assert t4.cell(0, 5)._tc is t4.cell(0, 14)._tc and t4.cell(0, 5).text == "行政诉讼"


def test_docx_text_fonts_and_signature(example_docx):
    d = docx.Document(str(example_docx))
    paras = [p.text for p in d.paragraphs if p.text.strip()]
    assert paras[0] == "示例市生态环境局2024年政府信息公开工作年度报告"
    for s in SECTIONS:
        assert s.title in paras
    assert paras[-2:] == ["示例市生态环境局", "2025年1月20日"]
    # Chinese fonts on the East Asian slot: 仿宋_GB2312 for the body, 宋体 in the tables
    normal = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"
    cell_style = d.tables[1].cell(5, 5).paragraphs[0].style
    assert cell_style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    title_run = next(p for p in d.paragraphs if p.text == paras[0]).runs[0]
    assert title_run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


@pytest.mark.slow
def test_docx_opens_in_libreoffice_and_converts_to_pdf(tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pdfplumber = pytest.importorskip("pdfplumber")
    out = tmp_path / "example.pdf"
    res = CliRunner().invoke(app, ["render", str(EXAMPLE), "--to", "pdf", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:5] == b"%PDF-"
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    flat = re.sub(r"\s+", " ", text)
    # the figures of the tables, computed totals included, in row order
    assert "46 9 1 2 3 1 62" in flat  # 一、本年新收
    assert "44 8 1 2 2 1 58" in flat  # （七）总计
    assert "2 0 1 0 3 1 0 0 1 2 0 0 0 0 0" in flat  # 表四
    assert "412" in flat and "12.35" in flat
    if _has_cjk_font():  # without one LibreOffice prints no Chinese glyphs at all
        compact = re.sub(r"\s+", "", text)  # PDF text puts spaces between digits and 汉字
        assert "示例市生态环境局2024年政府信息公开工作年度报告" in compact
        assert "三、收到和处理政府信息公开申请情况" in compact and "（七）总计" in compact
        assert compact.endswith("示例市生态环境局2025年1月20日")


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


def test_pdf_without_libreoffice_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on this PATH
    res = CliRunner().invoke(app, ["render", str(EXAMPLE), "--to", "pdf", "-o", str(tmp_path / "x.pdf")])
    assert res.exit_code == 2
    assert "LibreOffice" in res.output and "libreoffice-writer" in res.output
    assert not (tmp_path / "x.pdf").exists()


def test_docx_tables_keep_together_and_repeat_their_header(example_docx):
    """Header rows repeat on each page, no row splits across pages, the label column is wide,
    a heading stays with what follows, the official fonts have fallbacks in the font table."""
    from docx.shared import Mm

    d = docx.Document(str(example_docx))
    t2, t3, t4 = d.tables
    for t in (t2, t3, t4):
        rows = t._tbl.tr_lst
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
    flags = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in t3._tbl.tr_lst]
    # the three header rows of 表三 (申请人情况 / 自然人, 法人或其他组织 / 商业企业 …) and no other
    assert flags[:3] == [True] * 3 and not any(flags[3:])
    assert "申请人情况" in [c.text for c in t3.rows[0].cells]
    grid = [col.width for col in t3.columns]
    assert sum(grid[:3]) >= Mm(75) and grid[2] >= Mm(40)  # the label columns: a label wraps onto 2–3 lines, not 9
    assert t3._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    headings = [p for p in d.paragraphs if p.text in {s.title for s in SECTIONS}]
    assert len(headings) == 6 and all(p.paragraph_format.keep_with_next for p in headings)
    import zipfile

    with zipfile.ZipFile(example_docx) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)
    assert 'w:name="黑体"><w:altName w:val="SimHei"/>' in fonts


def test_seed_docx_as_pdf_repeats_table_three_header_on_every_page(tmp_path):
    """A seed whose 表三 crosses a page: every page holding its rows starts with its header."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if not _has_cjk_font():
        pytest.skip("no CJK font: LibreOffice prints no Chinese glyphs")
    pdfplumber = pytest.importorskip("pdfplumber")
    from xxgk.layouts import LAYOUT_2021, T3_HEADER_GROUP

    seed = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "seeds").glob("003_*.txt"))[0]
    out = tmp_path / "seed.pdf"
    res = CliRunner().invoke(app, ["render", str(seed), "--to", "pdf", "--keep-given", "-o", str(out)])
    assert res.exit_code == 0, res.output
    labels = [r.label for r in LAYOUT_2021.table("t3").rows if len(r.label) >= 4]
    pages = []
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            text = re.sub(r"\s+", "", page.extract_text() or "")
            rows_here = sum(1 for lab in labels if re.sub(r"\s+", "", lab) in text)
            if rows_here >= 2:
                pages.append(text)
    assert len(pages) >= 2  # 表三 crosses a page in this seed
    for text in pages:
        assert T3_HEADER_GROUP in text  # 申请人情况: the header row repeated
