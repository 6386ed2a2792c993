"""OCR reader: images the tests render with Pillow (a ruled table, skewed and
blurred like a scan), an image-only PDF, the corpus scan 042 (a scan of 002)
and broken images."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import xxgk
from xxgk.extract import OCR_MIN_CONFIDENCE
from xxgk.model import Paragraph, Table
from xxgk.read import ReadError, read_bytes, read_path

from conftest import corpus_file
from pdfgen import PdfMaker

ROWS = [
    ["item", "new", "old", "total"],
    ["first", "12", "0", "12"],
    ["second", "305", "", "305"],
    ["third", "7", "41", "48"],
]
BORDERLESS = [["fourth", "16", "5", "21"], ["fifth", "8", "0", "8"]]


def _table_image(skew: float = 0.6, blur: float = 0.8) -> bytes:
    """A page with a heading, a line of prose and a ruled 4×4 table."""
    font = ImageFont.load_default(size=30)
    img = Image.new("L", (1240, 760), 255)
    d = ImageDraw.Draw(img)
    d.text((420, 60), "Annual Report 2023", font=font, fill=0)
    d.text((120, 140), "The table below gives the figures of the year.", font=font, fill=0)
    x0, y0, widths, height = 120, 240, [330, 200, 200, 200], 70
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    for r in range(len(ROWS) + 1):
        d.line([(xs[0], y0 + r * height), (xs[-1], y0 + r * height)], fill=0, width=3)
    for x in xs:
        d.line([(x, y0), (x, y0 + len(ROWS) * height)], fill=0, width=3)
    for r, row in enumerate(ROWS):
        for c, cell in enumerate(row):
            d.text((xs[c] + 20, y0 + r * height + 18), cell, font=font, fill=0)
    # the same kind of table without rules: columns aligned by white space
    for r, row in enumerate(BORDERLESS):
        for c, cell in enumerate(row):
            d.text((xs[c] + 20, 620 + r * 50), cell, font=font, fill=0)
    img = img.rotate(skew, resample=Image.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(blur))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _grid_texts(doc) -> list[list[list[str]]]:
    return [b.rows for b in doc.blocks if isinstance(b, Table)]


def test_ocr_of_a_skewed_blurred_table_image():
    doc = read_bytes(_table_image(), "scan.png")
    assert doc.source.format == "image"
    table, loose = [b for b in doc.blocks if isinstance(b, Table)]
    assert [[c.replace(" ", "") for c in r] for r in table.rows] == ROWS  # an empty cell stays blank, '0' stays 0
    assert table.confidence is not None
    assert [len(r) for r in table.confidence] == [len(r) for r in table.rows]
    assert all(0.0 <= c <= 1.0 for r in table.confidence for c in r)
    assert table.confidence[2][2] == 1.0  # a cell without ink is a certain blank
    paras = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paras[0].replace(" ", "") == "AnnualReport2023"
    assert doc.blocks.index(table) > 1  # the table after the text above it
    # rows of a table without rules: one row per line, blanks not trusted; the
    # lone 0 of "fifth" comes out of the recogniser as "o" and is read again
    # among digit readings only
    assert loose.rows == BORDERLESS and loose.reliable_blanks is False
    assert loose.confidence is not None and len(loose.confidence[0]) == 4


@pytest.mark.slow
def test_image_only_pdf_is_read_by_ocr():
    img = Image.open(io.BytesIO(_table_image(skew=0.0)))
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=150)
    doc = read_bytes(buf.getvalue(), "scan.pdf")
    assert doc.source.format == "image"
    assert [[c.replace(" ", "") for c in r] for r in _grid_texts(doc)[0]] == ROWS


@pytest.mark.parametrize(
    ("data", "cause"),
    [(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "损坏"), (b"\xff\xd8\xff\xe0" + b"garbage" * 10, "损坏")],
)
def test_broken_images_give_one_clear_line(data, cause):
    with pytest.raises(ReadError) as info:
        read_bytes(data, "scan.png")
    msg = str(info.value)
    assert msg.startswith("scan.png：") and cause in msg and "\n" not in msg


def test_low_ocr_confidence_makes_a_cell_uncertain():
    """The extractor reports an OCR'd cell below the threshold as uncertain
    (a real document's grid, with the confidences an OCR would attach)."""
    doc = read_path(corpus_file("002.pdf"))
    t3 = next(b for b in doc.blocks if isinstance(b, Table) and any("本年新收" in c for r in b.rows for c in r))
    t3.confidence = [[0.99] * len(r) for r in t3.rows]
    r = next(i for i, row in enumerate(t3.rows) if any("本年新收" in c for c in row))
    c = next(i for i, cell in enumerate(t3.rows[r]) if cell == "21")  # 自然人
    t3.confidence[r][c] = OCR_MIN_CONFIDENCE - 0.2
    rec = xxgk.parse_document(doc)
    assert rec.cells["t3.new.natural"] == 21  # the reading is kept …
    assert rec.uncertain == ["t3.new.natural"]  # … and reported
    assert any("t3.new.natural" in n for n in rec.notes)


@pytest.mark.slow
def test_corpus_scan_042_reads_like_its_text_pdf_002():
    scan = xxgk.parse_path(corpus_file("042.pdf"))
    text = xxgk.parse_path(corpus_file("002.pdf"))
    assert scan.source.format == "image"
    assert (scan.meta.year, scan.meta.template) == (2023, "2021") == (text.meta.year, text.meta.template)
    keys = set(text.cells)
    same = sum(1 for k in keys if k in scan.cells and scan.cells[k] == text.cells[k])
    assert same / len(keys) >= 0.97
    assert not set(scan.cells) - keys


def _cjk_font() -> str | None:
    """A font file with Chinese glyphs (a sans one when there is), or None."""
    if shutil.which("fc-list") is None:
        return None
    files = [
        ln.split(":")[0].strip()
        for ln in subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout.splitlines()
    ]
    files = sorted((f for f in files if f), key=lambda f: ("Sans" not in f, "Bold" in f, f))
    return files[0] if files else None


@pytest.mark.slow
@pytest.mark.skipif(_cjk_font() is None, reason="no CJK font (fc-list :lang=zh)")
def test_ocr_of_a_chinese_table_is_mapped_by_labels():
    from xxgk.layouts import layout_for

    t2 = layout_for("2021").table("t2")
    rows = [r for r in t2.rows if r.columns and len(r.columns) == 3][:2]
    font = ImageFont.truetype(_cjk_font(), 28)
    img = Image.new("L", (1240, 700), 255)
    d = ImageDraw.Draw(img)
    d.text((200, 50), "某某县人民政府2023年政府信息公开工作年度报告", font=font, fill=0)
    d.text((120, 120), "二、主动公开政府信息情况", font=font, fill=0)
    xs, y0, h = [120, 470, 670, 870, 1070], 200, 70
    grid = [["信息内容"] + [c.label for c in rows[0].columns]] + [
        [r.label, str(10 * i), str(10 * i + 1), ""] for i, r in enumerate(rows, 1)
    ]
    for r in range(len(grid) + 1):
        d.line([(xs[0], y0 + r * h), (xs[-1], y0 + r * h)], fill=0, width=3)
    for x in xs:
        d.line([(x, y0), (x, y0 + len(grid) * h)], fill=0, width=3)
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            d.text((xs[c] + 10, y0 + r * h + 20), cell, font=ImageFont.truetype(_cjk_font(), 20 if r == 0 else 26), fill=0)
    buf = io.BytesIO()
    img.filter(ImageFilter.GaussianBlur(0.6)).save(buf, "PNG")
    rec = xxgk.parse_bytes(buf.getvalue(), "scan.png")
    assert rec.source.format == "image" and rec.meta.year == 2023
    for i, row in enumerate(rows, 1):
        keys = [f"t2.{row.key}.{c.key}" for c in row.columns]
        assert [rec.cells.get(k, "missing") for k in keys] == [10 * i, 10 * i + 1, None]


@pytest.mark.slow
def test_pdf_with_a_text_page_and_a_scanned_page():
    """Each page is read its own way, in page order; the document is an OCR'd one."""
    import pypdfium2 as pdfium

    m = PdfMaker()
    p = m.page()
    m.text(p, 72, 80, "Page one has a text layer.")
    text_pdf = pdfium.PdfDocument(m.save())
    img = Image.open(io.BytesIO(_table_image(skew=0.3)))
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=150)
    text_pdf.import_pages(pdfium.PdfDocument(buf.getvalue()))
    out = io.BytesIO()
    text_pdf.save(out)
    doc = read_bytes(out.getvalue(), "mixed.pdf")
    assert doc.source.format == "image"
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "Page one has a text layer."
    assert [[c.replace(" ", "") for c in r] for r in _grid_texts(doc)[0]] == ROWS


def test_undecodable_text_layer_is_sent_to_ocr():
    from xxgk.read.pdf import unreadable_text

    def chars(texts):
        return [{"text": t} for t in texts]

    assert unreadable_text(chars(["(cid:12)"] * 40 + ["a"] * 10))
    assert unreadable_text(chars(["\ue012"] * 20 + ["年"] * 5))
    assert not unreadable_text(chars(list("淮安市人民政府2024年政府信息公开工作年度报告")))
    assert not unreadable_text(chars(["(cid:1)"] * 3))  # too few characters to judge


@pytest.mark.slow
def test_jpeg_and_a_two_page_tiff():
    img = Image.open(io.BytesIO(_table_image(skew=-0.4)))
    jpg = io.BytesIO()
    img.save(jpg, "JPEG", quality=85)
    doc = read_bytes(jpg.getvalue(), "scan.jpg")
    assert doc.source.format == "image"
    assert [[c.replace(" ", "") for c in r] for r in _grid_texts(doc)[0]] == ROWS
    # a multi-page TIFF: every page, in order
    second = Image.new("L", img.size, 255)
    ImageDraw.Draw(second).text((120, 100), "Second page of the scan.", font=ImageFont.load_default(size=30), fill=0)
    tif = io.BytesIO()
    img.save(tif, "TIFF", save_all=True, append_images=[second], compression="tiff_deflate")
    doc = read_bytes(tif.getvalue(), "scan.tif")
    assert [[c.replace(" ", "") for c in r] for r in _grid_texts(doc)[0]] == ROWS
    assert isinstance(doc.blocks[-1], Paragraph) and doc.blocks[-1].text.replace(" ", "") == "Secondpageofthescan."


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_page_scanned_sideways_or_upside_down(turn):
    img = Image.open(io.BytesIO(_table_image(skew=0.3))).rotate(turn, expand=True, fillcolor=255)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    doc = read_bytes(buf.getvalue(), "turned.png")
    assert [[c.replace(" ", "") for c in r] for r in _grid_texts(doc)[0]] == ROWS
