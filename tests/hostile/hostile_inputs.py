"""Hostile inputs, built on the spot (never stored in the repository): for the tests of
tests/hostile and for benchmarks/bench_hostile.py.

Each builder makes one of the files that once stalled or sank a batch: a
spreadsheet whose used range spans the whole sheet, DOCX/XLSX zip bombs, an
image whose header claims 30000×30000 pixels, text too large to be a report,
a text too slow or too large to parse under a small budget.
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "read"))

from office_builders import known_values, report_parts, to_docx, to_xlsx  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def seed_text() -> str:
    return sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")


def huge_range_xlsx() -> bytes:
    """Two cells, in A1 and in XFD1048576: a used range of 17 billion positions."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "x"
    ws["XFD1048576"] = 1
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def report_docx() -> bytes:
    return to_docx(report_parts(known_values()))


def report_xlsx() -> bytes:
    return to_xlsx(report_parts(known_values()))


def zip_bomb(container: bytes, member: str, mb: int = 100) -> bytes:
    """``container`` (a DOCX or XLSX) with one more member of ``mb`` MB of zeros (deflated ~1000:1)."""
    buf = BytesIO()
    with zipfile.ZipFile(BytesIO(container)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        block = bytes(1 << 20)
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w") as f:
            for _ in range(mb):
                f.write(block)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, rows: int | None = None) -> bytes:
    """A grey PNG of ``width``×``height`` with valid chunks; only its first ``rows`` rows of
    pixel data are present when given (a header that claims far more than the file holds)."""
    raw = (b"\x00" + bytes(width)) * (height if rows is None else rows)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def big_text(path: Path, mb: float) -> Path:
    """A text file of about ``mb`` MB made of real report text (one report repeated)."""
    text = seed_text()
    n = max(1, int(mb * (1 << 20) / len(text.encode("utf-8"))))
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(n):
            f.write(text)
    return path


def report_html() -> bytes:
    from office_builders import to_html

    return to_html(report_parts(known_values()))


def report_pdf() -> bytes:
    """A small real PDF (pdfium): text lines and a ruled table."""
    from pdfgen import PdfMaker

    m = PdfMaker()
    page = m.page()
    for i, line in enumerate(["2023 annual report", "Table 3", "received 12 requests"]):
        m.text(page, 60, 60 + 18 * i, line)
    m.grid(page, 60, 140, [120, 60, 60], [["item", "2022", "2023"], ["new", "3", "4"], ["done", "5", "6"]])
    return m.save()


def small_image(fmt: str = "PNG") -> bytes:
    """A small picture of a few words (Pillow's own font)."""
    from PIL import Image, ImageDraw

    im = Image.new("L", (160, 48), 255)
    ImageDraw.Draw(im).text((6, 16), "2023 12 345", fill=0)
    buf = BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


def fuzz_seeds() -> dict[str, list[bytes]]:
    """Real files of every format a reader takes, to be mutated by the fuzz tests."""
    text = seed_text()
    return {
        "text": [text.encode("utf-8"), text.encode("gb18030"), text.encode("utf-16-le")],
        "html": [report_html()],
        "docx": [report_docx()],
        "xlsx": [report_xlsx()],
        "pdf": [report_pdf()],
        "image": [small_image("PNG"), small_image("JPEG")],
    }
