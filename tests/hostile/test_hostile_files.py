"""Hostile files: no single file stalls or sinks a batch.

Every test builds its hostile input in a temporary folder (hostile_inputs.py)
and asserts the bounded outcome: the one-line reason, the exit status, the
rest of the batch stored.  Budgets are made small through the command's own
options so that each test takes seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import duckdb
import pytest
from hostile_inputs import SEEDS, big_text, huge_range_xlsx, png, report_docx, report_xlsx, seed_text, zip_bomb
from typer.testing import CliRunner

import xxgk
from xxgk.cli import app
from xxgk.read import ReadError, read_bytes, read_path

runner = CliRunner()
SRC = Path(__file__).resolve().parents[2] / "src"


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _seeds(folder: Path, n: int = 5) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(p, folder / p.name)) for p in sorted(SEEDS.glob("*.txt"))[:n]]


def _rows(db: Path) -> dict[str, str | None]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {Path(p).name: e for p, e in con.execute("SELECT source_path, error FROM reports").fetchall()}
    finally:
        con.close()


# ------------------------------------------------------------------ the readers' own bounds


def test_a_used_range_of_the_whole_sheet_is_read_sparsely():
    doc = read_bytes(huge_range_xlsx(), "range.xlsx")  # openpyxl: ws["A1"]="x"; ws["XFD1048576"]=1
    assert [b.rows for b in doc.blocks] == [[["x", ""], ["", "1"]]]


@pytest.mark.parametrize("build, member", [(report_docx, "word/media/image1.bin"), (report_xlsx, "xl/media/image1.bin")])
def test_zip_bombs_are_refused_before_any_member_is_read(build, member):
    with pytest.raises(ReadError) as e:
        read_bytes(zip_bomb(build(), member, mb=100), "bomb")
    assert "压缩炸弹" in str(e.value) and "1028:1" in str(e.value)
    read_bytes(build(), "fine")  # the same container without the bomb reads


def test_an_image_header_of_30000_by_30000_is_refused_unread():
    with pytest.raises(ReadError) as e:
        read_bytes(png(30000, 30000, rows=2), "huge.png")
    assert "像素过多" in str(e.value)


def test_opencv_fallback_is_capped_too(tmp_path):
    """OpenCV (the fallback decoder) refuses more pixels than our cap once xxgk's image reader is loaded."""
    img = tmp_path / "big.png"
    img.write_bytes(png(11000, 10000))  # 110 million pixels, all present
    code = (
        "import sys, numpy as np; import xxgk.read.image; import cv2\n"
        "try:\n    out = cv2.imdecode(np.fromfile(sys.argv[1], np.uint8), cv2.IMREAD_GRAYSCALE)\n"
        "except cv2.error:\n    out = None\n"
        "print('decoded' if out is not None else 'refused')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("OPENCV_IO_MAX_IMAGE_PIXELS", None)
    r = subprocess.run([sys.executable, "-c", code, str(img)], capture_output=True, text=True, env=env, timeout=120)
    assert r.stdout.strip() == "refused", r.stderr[-2000:]


def test_huge_text_is_refused_before_it_is_read(tmp_path):
    p = big_text(tmp_path / "huge.txt", 200)
    with pytest.raises(ReadError) as e:
        read_path(p)
    assert "文本过大" in str(e.value) and "200 MB" in str(e.value)


# ------------------------------------------------------------------ zip damage and OS errors


def _corrupt_variants() -> list[tuple[str, bytes]]:
    """A DOCX with its ZIP headers damaged in the ways fuzzing found."""
    good = report_docx()
    cd = good.rfind(b"PK\x01\x02", 0, good.rfind(b"PK\x05\x06"))  # the last central directory entry
    first_cd = good.find(b"PK\x01\x02")
    out = []
    b = bytearray(good)
    b[first_cd + 10 : first_cd + 12] = (99).to_bytes(2, "little")  # an unknown compression method
    out.append(("method", bytes(b)))
    b = bytearray(good)
    b[first_cd + 8 : first_cd + 10] = (1).to_bytes(2, "little")  # the "encrypted" flag
    out.append(("encrypted", bytes(b)))
    b = bytearray(good)
    b[first_cd + 28 : first_cd + 30] = (0xFFFF).to_bytes(2, "little")  # a file name running past the directory
    out.append(("name-length", bytes(b)))
    b = bytearray(good)
    b[cd + 42 : cd + 46] = (len(good) + 1000).to_bytes(4, "little")  # a member offset past the end
    out.append(("offset", bytes(b)))
    b = bytearray(good)
    b[first_cd + 8 : first_cd + 10] = (0x800).to_bytes(2, "little")  # "names are UTF-8"…
    b[first_cd + 46 : first_cd + 48] = b"\xff\xfe"  # …and a name that is not (once a UnicodeDecodeError traceback)
    out.append(("utf8-name", bytes(b)))
    b = bytearray(good)
    eocd = good.rfind(b"PK\x05\x06")
    b[eocd + 16 : eocd + 20] = (0xFFFFFFF0).to_bytes(4, "little")  # a central directory offset past the end
    out.append(("directory-offset", bytes(b)))
    b = bytearray(good)
    loc = good.find(b"PK\x03\x04", 10)
    b[loc + 26 : loc + 28] = (0xFFF0).to_bytes(2, "little")  # a local header whose name length lies
    out.append(("local-header", bytes(b)))
    return out


@pytest.mark.parametrize("name, data", _corrupt_variants(), ids=[n for n, _ in _corrupt_variants()])
def test_zip_header_damage_is_a_read_error(name, data):
    try:
        xxgk.parse_bytes(data, f"{name}.docx")
    except ReadError as e:
        assert f"{name}.docx" in str(e) and "\n" not in str(e)


def test_a_symlink_loop_is_reported_by_parse_and_by_ingest(tmp_path):
    folder = tmp_path / "in"
    seeds = _seeds(folder, 2)
    loop = folder / "loop.txt"
    loop.symlink_to(loop)
    r = _run("parse", loop)
    assert r.exit_code == 2 and "符号链接循环" in r.output and "Traceback" not in r.output
    r = _run("ingest", folder, "--db", tmp_path / "x.duckdb", "--jobs", "1")
    assert r.exit_code == 2 and "符号链接循环" in r.output
    rows = _rows(tmp_path / "x.duckdb")
    assert "符号链接循环" in rows["loop.txt"]
    assert all(rows[p.name] is None for p in seeds)


def test_paths_with_markup_characters_are_printed_literally(tmp_path):
    folder = tmp_path / "["
    folder.mkdir()
    good = folder / "x]"
    good.write_text(seed_text(), encoding="utf-8")
    bad = folder / "[bold]坏[red].docx"
    bad.write_bytes(b"PK\x03\x04broken")
    r = _run("parse", good, bad)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert f"{bad}：文件已损坏" in r.output  # the path as it is, brackets and all
    r = _run("check", folder)
    assert r.exit_code == 2 and str(good) in r.output and str(bad) in r.output


# ------------------------------------------------------------------ budgets in a batch


def test_a_mixed_batch_stores_every_good_file_and_names_every_hostile_one(tmp_path):
    folder = tmp_path / "in"
    seeds = _seeds(folder)
    (folder / "range.xlsx").write_bytes(huge_range_xlsx())
    (folder / "bomb.docx").write_bytes(zip_bomb(report_docx(), "word/media/image1.bin"))
    (folder / "bomb.xlsx").write_bytes(zip_bomb(report_xlsx(), "xl/media/image1.bin"))
    (folder / "huge.png").write_bytes(png(30000, 30000, rows=2))
    big_text(folder / "huge.txt", 200)
    db = tmp_path / "x.duckdb"
    r = _run("ingest", folder, "--db", db, "--jobs", "2", "--time-limit", "30", "--memory-limit", "700")
    assert r.exit_code == 2, r.output
    rows = _rows(db)
    assert all(rows[p.name] is None for p in seeds)  # the rest of the batch is stored
    assert rows["range.xlsx"] is None or "超出" not in rows["range.xlsx"]  # read in bounded time (sparsely)
    assert "压缩炸弹" in rows["bomb.docx"] and "压缩炸弹" in rows["bomb.xlsx"]
    assert "像素过多" in rows["huge.png"]
    assert "文本过大" in rows["huge.txt"]
    # range.xlsx holds no report at all: read in bounded time, then refused as not a report (or stored)
    assert f"失败 {4 + (rows['range.xlsx'] is not None)} 份" in r.output


def test_a_file_over_its_time_budget_is_failed_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    seeds = _seeds(folder, 2)
    # a real report repeated: ≈ 4 s of CPU to parse here (2026-12), four times the limit, so that a
    # faster parser or machine still cannot finish it in time (16 MB and 2 s once could)
    big_text(folder / "slow.txt", 32)
    db = tmp_path / "x.duckdb"
    r = _run("ingest", folder, "--db", db, "--jobs", "1", "--time-limit", "1")
    assert r.exit_code == 2
    rows = _rows(db)
    assert "超出时间限制 1 秒" in rows["slow.txt"]
    assert all(rows[p.name] is None for p in seeds)
    r = _run("parse", folder / "slow.txt", seeds[0], "--time-limit", "1", "--format", "json")
    assert r.exit_code == 2 and "超出时间限制 1 秒" in r.output and '"cells"' in r.output


def test_a_file_over_its_memory_budget_is_failed_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    seeds = _seeds(folder, 2)
    big_text(folder / "fat.txt", 20)  # decoding and splitting it needs well over 80 MB
    db = tmp_path / "x.duckdb"
    r = _run("ingest", folder, "--db", db, "--jobs", "2", "--memory-limit", "80")
    assert r.exit_code == 2
    rows = _rows(db)
    assert "超出内存限制 80 MB" in rows["fat.txt"]
    assert all(rows[p.name] is None for p in seeds)
    r = _run("check", folder / "fat.txt", seeds[0], "--memory-limit", "80")
    assert r.exit_code == 2 and "超出内存限制 80 MB" in r.output


def test_a_file_that_failed_and_now_reads_replaces_its_failed_row(tmp_path):
    folder = tmp_path / "in"
    _seeds(folder, 1)
    target = tmp_path / "elsewhere.txt"
    link = folder / "link.txt"
    link.symlink_to(target)  # unreadable: the target is missing
    repaired = folder / "report.docx"
    repaired.write_bytes(b"PK\x03\x04broken")  # corrupt, later saved again
    db = tmp_path / "x.duckdb"
    assert _run("ingest", folder, "--db", db).exit_code == 2
    rows = _rows(db)
    assert rows["link.txt"] and rows["report.docx"]
    target.write_text(seed_text().replace("生态环境局", "教育局"), encoding="utf-8")
    repaired.write_bytes(report_docx())
    r = _run("ingest", folder, "--db", db)
    assert r.exit_code == 0, r.output
    con = duckdb.connect(str(db), read_only=True)
    per_path = con.execute("SELECT source_path, count(*), count(error) FROM reports GROUP BY 1").fetchall()
    con.close()
    assert sorted((Path(p).name, n, e) for p, n, e in per_path) == [(p.name, 1, 0) for p in sorted(folder.iterdir())]


# ------------------------------------------------------------------ text decoding


def test_one_gbk_paragraph_does_not_reject_a_utf8_page():
    page = ("<html><head><meta charset='utf-8'></head><body><p>" + "</p><p>".join(seed_text().splitlines()) + "</p></body></html>")
    head, tail = page.split("</p><p>", 1)
    gbk_par = "本机关依申请公开情况如下（这一段是从旧网页粘贴的 GBK 文字）"
    mixed = (head + "</p><p>").encode("utf-8") + gbk_par.encode("gbk") + ("</p><p>" + tail).encode("utf-8")
    doc = read_bytes(mixed, "mixed.html")
    text = "\n".join(getattr(b, "text", "") for b in doc.blocks)
    assert gbk_par in text
    assert xxgk.parse_bytes(mixed, "mixed.html").cells == xxgk.parse_bytes(page.encode("utf-8"), "clean.html").cells


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_reads_like_utf8(encoding):
    text = seed_text()
    assert xxgk.parse_bytes(text.encode(encoding), "r.txt").cells == xxgk.parse_bytes(text.encode("utf-8"), "r.txt").cells


def test_zip_members_in_bounds_are_not_mistaken_for_bombs():
    data = report_docx()
    names = zipfile.ZipFile(BytesIO(data)).namelist()
    assert any(n.startswith("word/") for n in names)
    assert xxgk.parse_bytes(data, "r.docx").cells


def test_error_messages_stay_on_one_line(tmp_path):
    """A file name holding a line break, and a library's multi-line message, still give one line."""
    buf = BytesIO()
    with zipfile.ZipFile(BytesIO(report_xlsx())) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                info.filename = "[Content_Types].xmX"  # no manifest: openpyxl answers in three lines
            dst.writestr(info, data)
    name = tmp_path / "two\nlines.xlsx"
    name.write_bytes(buf.getvalue())
    with pytest.raises(ReadError) as e:
        read_path(name)
    assert "\n" not in e.value.message("zh") and "\n" not in e.value.message("en")
    assert "two\\nlines.xlsx" in str(e.value)
    # openpyxl's "Unable to read workbook: could not read manifest …" spans three lines (found by make fuzz)
    multi = ReadError("r.xlsx", "Excel 文件已损坏（Unable to read workbook.\nThis is most probably…\nPlease see…）")
    assert multi.message() == "r.xlsx：Excel 文件已损坏（Unable to read workbook. This is most probably… Please see…）"
    r = _run("parse", name)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1


def test_a_huge_scanned_pdf_page_is_rendered_within_the_pixel_cap():
    """A scan on a page of 14400×14400 pt (the largest PDF allows) would render at 1.5–4×
    into half a billion pixels or more; OCR renders it within the cap."""
    import pypdfium2 as pdfium
    from PIL import Image

    from xxgk.read.image import render_scale
    from xxgk.read.limits import MAX_PIXELS

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(14400, 14400)
    img = pdfium.PdfImage.new(pdf)
    img.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("L", (400, 400), 255)))
    img.set_matrix(pdfium.PdfMatrix().scale(14400, 14400))
    page.insert_obj(img)
    page.gen_content()
    buf = BytesIO()
    pdf.save(buf)
    page = pdfium.PdfDocument(buf.getvalue())[0]
    scale = render_scale(page)
    assert (page.get_width() * scale) * (page.get_height() * scale) <= MAX_PIXELS
