"""The text reader: encodings, line ends, odd spaces, crawler headers, format from the bytes."""

from __future__ import annotations

import codecs

import pytest

import xxgk
from xxgk.read import ReadError, detect_format
from conftest import SEEDS

SEED = SEEDS / "002_8ee4de38da30fbe5.txt"


@pytest.fixture(scope="module")
def reference():
    return xxgk.parse_path(SEED)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gb18030"),
        # GBK cannot hold » or the typographic spaces of the page: write them as GBK would show them
        lambda t: t.translate({0xBB: ">", 0x2002: " ", 0x2003: " ", 0xA0: " "}).encode("gbk"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with BOM
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace("\n", "\r").encode("utf-8"),
    ],
    ids=["gb18030", "gbk", "utf8-bom", "utf16-bom", "crlf", "cr"],
)
def test_encodings_and_line_ends_give_the_same_record(reference, encode):
    text = SEED.read_text(encoding="utf-8")
    rec = xxgk.parse_bytes(encode(text), "x.txt")
    assert rec.cells == reference.cells
    assert rec.meta.agency == reference.meta.agency
    assert [s.title for s in rec.sections] == [s.title for s in reference.sections]


def test_full_width_digits_nbsp_and_ideographic_spaces(reference):
    text = SEED.read_text(encoding="utf-8")
    table_start = text.index("二、主动公开政府信息情况")
    head, tail = text[:table_start], text[table_start:]
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    tail = tail.translate(fw).replace(" ", "\u00a0")
    rec = xxgk.parse_bytes((head + tail).encode("utf-8"), "x.txt")
    assert rec.cells == reference.cells


def test_crawler_header_gives_title_date_and_agency():
    body = SEED.read_text(encoding="utf-8")
    page = (
        "标题: 黔东南州生态环境局2020年政府信息公开工作报告\n发布时间: 2021-01-28 10:03\n文号: \n"
        "发布机构: 黔东南州生态环境局\n==================== 正文 ====================\n" + body
    )
    rec = xxgk.parse_bytes(page.encode("utf-8"), "page.txt")
    assert rec.meta.published == "2021-01-28"
    assert rec.meta.agency == "黔东南州生态环境局"
    assert rec.meta.year == 2020


def test_format_is_told_from_the_bytes_not_the_name():
    assert detect_format(b"%PDF-1.7 ...") == "pdf"
    assert detect_format(b"<!DOCTYPE html><html><body><table></table></body></html>") == "html"
    assert detect_format("一、总体情况".encode("gb18030")) == "text"
    assert detect_format(b"\x89PNG\r\n\x1a\n....") == "image"


@pytest.mark.parametrize("data, cause", [(b"", "文件为空"), (b"   \n\n", "文件为空"), (b"\x00\x01\x02\x03" * 100, "不支持")])
def test_unreadable_files_give_one_clear_error(data, cause):
    with pytest.raises(ReadError) as e:
        xxgk.parse_bytes(data, "bad.bin")
    assert "bad.bin" in str(e.value) and cause in str(e.value)
    assert "\n" not in str(e.value)


def test_missing_file():
    with pytest.raises(ReadError) as e:
        xxgk.parse_path("/no/such/report.txt")
    assert "文件不存在" in str(e.value)
