"""PDF reader: real WPS-made reports from the corpus and PDFs the tests draw
with pdfium (text objects and ruling lines), plus broken files."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import xxgk
from xxgk.model import Paragraph, Table
from xxgk.read import ReadError, read_bytes, read_path

from conftest import corpus_file, gold_file
from pdfgen import PdfMaker


def _cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


def _score(rec, gold: dict) -> tuple[float, list, list]:
    unc = set(gold.get("uncertain", []))
    keys = [k for k in gold["cells"] if k not in unc]
    wrong = [
        (k, gold["cells"][k], rec.cells.get(k, "MISSING")) for k in keys if k not in rec.cells or rec.cells[k] != gold["cells"][k]
    ]
    extra = [k for k in rec.cells if k not in gold["cells"]]
    return 1 - len(wrong) / len(keys), wrong, extra


@pytest.mark.parametrize("name", ["001", "003"])
def test_corpus_pdf_matches_gold(name):
    rec = xxgk.parse_path(corpus_file(f"{name}.pdf"))
    gold = json.loads(gold_file(f"{name}.json").read_text(encoding="utf-8"))
    share, wrong, extra = _score(rec, gold)
    assert share >= 0.995, wrong
    assert not extra
    assert rec.source.format == "pdf"
    assert rec.meta.year == gold["meta"]["year"]
    assert rec.meta.template == gold["meta"]["template"]
    assert rec.meta.agency == gold["meta"]["agency"]
    assert not rec.uncertain


def test_table_across_pages_is_one_grid_and_page_numbers_are_gone():
    doc = read_path(corpus_file("001.pdf"))
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    # 表三 runs from page 4 to page 5: one grid holding its first and last rows
    t3 = [t for t in tables if any("本年新收" in c for r in t.rows for c in r)]
    assert len(t3) == 1
    labels = [c for r in t3[0].rows for c in r]
    assert any("不掌握相关政府信息" in c for c in labels)  # page 4
    assert any("结转下年度继续办理" in c for c in labels)  # page 5
    assert any("逾期不补正" in c for c in labels)  # a label wrapped over three lines, joined
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert not [t for t in texts if t.strip("- ").isdigit()]
    # the title wrapped over two centred lines is one paragraph
    assert texts[0].replace(" ", "") == "淮安市人民政府2024年政府信息公开工作年度报告"
    # a paragraph broken by the page break is read as one
    assert any("建设'四最'一流营商环境" in t.replace(" ", "") or '建设"四最"' in t for t in texts) or any(
        "一流营商环境" in t for t in texts
    )


def test_scan_is_routed_to_ocr_only_for_image_pages():
    # 002 has a text layer on every page: no OCR, format pdf
    doc = read_path(corpus_file("002.pdf"))
    assert doc.source.format == "pdf"
    assert any(isinstance(b, Table) and any("本年新收" in c for r in b.rows for c in r) for b in doc.blocks)


FULL = "prose running over the whole measure of the page, on and on and on"


def _two_page_table() -> bytes:
    m = PdfMaker()
    p = m.page()
    m.text(p, 210, 60, "Annual Report 2023", 16)
    for i, line in enumerate([FULL, FULL, "it ends on a short line.", FULL, "and a second paragraph ends here."]):
        m.text(p, 72, 100 + 16 * i, line)
    widths = [150, 60, 60, 60]
    m.grid(p, 72, 600, widths, [["item", "new", "old", "total"], ["first row", "1", "2", "3"], ["second row", "10 5", "", "15"]])
    m.text(p, 290, 800, "- 1 -")
    p2 = m.page()
    m.grid(p2, 72, 60, widths, [["item", "new", "old", "total"], ["third row", "4", "5", "9"]], close_bottom=False)
    m.text(p2, 72, 200, "After the table.")
    m.text(p2, 290, 800, "- 2 -")
    return m.save()


def test_generated_pdf_grid_paragraphs_and_page_join():
    doc = read_bytes(_two_page_table(), "made.pdf")
    assert doc.source.format == "pdf"
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert paras[0] == "Annual Report 2023"
    # lines run on while the line above fills the measure
    assert paras[1] == f"{FULL} {FULL} it ends on a short line."
    assert paras[2] == f"{FULL} and a second paragraph ends here."
    assert "- 1 -" not in paras and "- 2 -" not in paras
    assert paras[-1] == "After the table."
    # one grid over two pages, the repeated header dropped
    assert len(tables) == 1
    rows = tables[0].rows
    assert [r[0] for r in rows] == ["item", "first row", "second row", "third row"]
    # two figures the geometry does not separate stay together; an empty cell is ''
    assert rows[2] == ["second row", "10 5", "", "15"]
    assert rows[3] == ["third row", "4", "5", "9"]  # the last rule is missing: still read
    assert tables[0].reliable_blanks and tables[0].confidence is None


def test_generated_pdf_table_without_rules_is_read_from_aligned_columns():
    m = PdfMaker()
    p = m.page()
    m.text(p, 72, 80, "Figures of the year, aligned in columns without any ruling:")
    for i, (label, figs) in enumerate([("first", ["1", "20", "21"]), ("second", ["0", "3", "3"])]):
        m.text(p, 72, 110 + 18 * i, label)
        for k, f in enumerate(figs):
            m.text(p, 300 + 70 * k, 110 + 18 * i, f)
    m.text(p, 72, 160, "Dated 2024-01-15, phone 0517 8722 2589 and a year 2023 in prose stay prose.")
    doc = read_bytes(m.save(), "aligned.pdf")
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    assert tables[0].rows == [["first", "1", "20", "21"], ["second", "0", "3", "3"]]
    assert tables[0].reliable_blanks is False  # a gap may hide a blank cell or not
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras[-1].startswith("Dated 2024-01-15")


def _encrypted_pdf() -> bytes:
    """A PDF with a standard-security /Encrypt dictionary whose password is not empty."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    ident = b"<00112233445566778899aabbccddeeff>"
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1,
        ident,
        ident,
        xref,
    )
    return bytes(out)


@pytest.mark.parametrize(
    ("data", "cause"),
    [
        (_encrypted_pdf(), "加密"),
        (b"%PDF-1.4\nthis is not a pdf at all\n", "损坏"),
        (_encrypted_pdf()[:150], "损坏"),
        (b"", "为空"),
    ],
)
def test_broken_pdfs_give_one_clear_line(data, cause):
    with pytest.raises(ReadError) as info:
        read_bytes(data, "report.pdf")
    msg = str(info.value)
    assert msg.startswith("report.pdf：") and cause in msg
    assert "\n" not in msg and "Traceback" not in msg
    assert info.value.message("en").startswith("report.pdf: ")


def test_blank_pdf_is_an_error_not_an_empty_report():
    m = PdfMaker()
    m.page()
    with pytest.raises(ReadError, match="没有可读取的文字"):
        read_bytes(m.save(), "blank.pdf")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(not _cjk_font(), reason="no CJK font (fc-list :lang=zh): LibreOffice would print 某 for every character")
def test_pdf_made_by_libreoffice_from_docx(tmp_path):
    import docx

    from xxgk.layouts import layout_for

    t2 = layout_for("2021").table("t2")
    d = docx.Document()
    d.add_paragraph("某某县人民政府2023年政府信息公开工作年度报告")
    d.add_paragraph("二、主动公开政府信息情况")
    rows = [r for r in t2.rows if r.columns and len(r.columns) == 3][:2]
    table = d.add_table(rows=1 + len(rows), cols=4)
    table.style = "Table Grid"
    for c, col in enumerate(rows[0].columns, 1):
        table.cell(0, c).text = col.label
    table.cell(0, 0).text = "信息内容"
    for r, row in enumerate(rows, 1):
        table.cell(r, 0).text = row.label
        for c in range(3):
            table.cell(r, c + 1).text = str(r * 10 + c)
    src = tmp_path / "made.docx"
    d.save(src)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    rec = xxgk.parse_path(tmp_path / "made.pdf")
    assert rec.meta.year == 2023
    for r, row in enumerate(rows, 1):
        for c, col in enumerate(row.columns):
            assert rec.cells[f"t2.{row.key}.{col.key}"] == r * 10 + c
