"""The HTML reader on the corpus's real pages and on pages made here."""

from __future__ import annotations

import pytest

import xxgk
from xxgk.model import Paragraph, Table
from xxgk.read import ReadError, read_bytes
from conftest import corpus_file, gold_file
from gold_compare import expected_diff, wrong_cells
from office_builders import AGENCY, TITLE, YEAR, Cell, known_values, report_parts, to_html


def tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


# ------------------------------------------------------------------ corpus


@pytest.mark.parametrize("raw, gold", [("019.html", "019.json"), ("043.html", "043.json"), ("043.html", "029.json")])
def test_corpus_pages_match_gold(raw, gold):
    record = xxgk.parse_path(corpus_file(raw))
    wrong, spurious, meta = wrong_cells(record, gold_file(gold))
    assert wrong == []
    assert spurious == []
    assert meta == {}
    assert record.source.format == "html"


def test_019_word_soup_labels_split_across_spans_and_empty_legal_person_columns():
    doc = xxgk.read_path(corpus_file("019.html"))
    t3 = next(t for t in tables(doc) if any("本年度办理结果" in c for r in t.rows for c in r))
    new = next(r for r in t3.rows if r[0].startswith("一、本年新收"))
    # label spread over three columns, then 自然人, five empty 法人 columns, 总计
    assert new[:3] == [new[0]] * 3
    assert new[3:] == ["26", "", "", "", "", "", "26"]
    record = xxgk.parse_document(doc)
    assert record.cells["t3.new.commercial"] is None  # an empty cell is blank, never 0
    assert record.meta.published == "2024-01-17"


def test_043_page_chrome_is_not_the_report():
    doc = xxgk.read_path(corpus_file("043.html"))
    assert doc.title == "平潭综合实验区自然资源与生态环境局2024年政府信息公开工作年度报告"
    assert doc.agency == "平潭综合实验区自然资源与生态环境局"
    assert doc.published.startswith("2025-01-27")
    joined = "\n".join(texts(doc))
    assert "gklist" not in joined and "function" not in joined  # scripts
    assert "领导之窗" not in joined  # the link menu
    assert len(tables(doc)) == 3
    t4 = tables(doc)[2]
    assert t4.rows[-1] == ["1", "0", "0", "1", "2"] + ["0"] * 10  # '&nbsp;1', '0&nbsp;&nbsp;' padding


def test_044_numbers_split_over_spans_and_padded_cells():
    record = xxgk.parse_path(corpus_file("044.html"))
    assert (record.meta.year, record.meta.template) == (2024, "2021")
    assert [record.cells[f"t3.new.{c}"] for c in ("natural", "commercial", "research", "social", "legal", "other", "total")] == [58, 0, 0, 0, 0, 0, 58]
    assert all(record.cells[k] == 0 for k in record.cells if k.startswith("t4."))
    assert len([k for k in record.cells if k.startswith("t4.")]) == 15
    assert not record.uncertain


def test_045_missing_rules_row_and_t4_headers_one_character_per_paragraph():
    record = xxgk.parse_path(corpus_file("045.html"))
    assert (record.meta.year, record.meta.template) == (2025, "2021")
    assert "t2.rules.issued" not in record.cells  # the page has no 规章 row
    assert record.cells["t2.normative.issued"] == 7
    assert record.cells["t3.unable_not_held.total"] == 2
    assert record.cells["t3.unable_need_create.total"] == 1
    t4 = [record.cells[f"t4.{r}.{c}"] for r in ("review", "suit_direct", "suit_after_review") for c in ("upheld", "corrected", "other", "pending", "total")]
    assert t4 == [2, 1, 0, 0, 3, 3, 3, 0, 0, 6, 2, 0, 0, 0, 2]


def test_016_fragment_with_blank_cells_and_misaligned_colspans():
    record = xxgk.parse_path(corpus_file("016.html"))
    assert (record.meta.year, record.meta.template) == (2019, "2019")
    # 规章 | 13 | 13 (colspan 2) | 524: the merged figure counts once
    assert [record.cells[f"t2.rules.{c}"] for c in ("made", "published", "total")] == [13, 13, 524]
    assert [record.cells[f"t2.fee.{c}"] for c in ("prev", "change")] == [0, 0]
    assert record.cells["t3.new.natural"] == 821
    assert record.cells["t3.new.research"] is None  # &nbsp; is a blank cell
    assert record.cells["t3.new.total"] == 859
    assert record.cells["t3.granted.total"] is None  # total column left blank in some rows
    assert not record.uncertain


# ------------------------------------------------------------------ generated pages


def test_generated_report_with_rowspan_colspan_reads_every_cell():
    values = known_values(blank_every=11)
    record = xxgk.parse_bytes(to_html(report_parts(values)), "report.html")
    assert expected_diff(record, values) == []
    assert (record.meta.year, record.meta.template, record.meta.agency) == (YEAR, "2021", AGENCY)


def test_gbk_word_soup_page_with_chrome():
    values = known_values(blank_every=7)
    data = to_html(report_parts(values), charset="gbk", soup=True)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_bytes(data, "report.html")
    assert doc.title.startswith(TITLE)
    joined = "\n".join(texts(doc))
    assert "统计代码" not in joined and "var nav" not in joined  # scripts
    assert "机构概况" not in joined  # <nav>
    assert "备案号" not in joined  # <footer>
    assert "政府工作报告" not in joined  # the link menu
    record = xxgk.parse_document(doc)
    assert expected_diff(record, values) == []
    assert (record.meta.year, record.meta.template, record.meta.agency) == (YEAR, "2021", AGENCY)


def test_encoding_from_the_bytes_when_the_page_does_not_say():
    page = "<html><body><p>某局2023年政府信息公开工作年度报告</p><table><tr><td>规章</td><td>1</td></tr></table></body></html>"
    doc = read_bytes(page.encode("gb18030"), "x.html")
    assert texts(doc) == ["某局2023年政府信息公开工作年度报告"]
    assert tables(doc)[0].rows == [["规章", "1"]]


def test_gb2312_declared_page_with_characters_outside_gb2312():
    # 镕 is not in GB2312 but pages declared GB2312 carry it (read as GB18030)
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>朱镕基</p></body></html>'
    doc = read_bytes(page.encode("gb18030"), "x.html")
    assert texts(doc) == ["朱镕基"]


def grid(html: str) -> list[list[str]]:
    doc = read_bytes(f"<html><body>{html}</body></html>".encode(), "x.html")
    (t,) = tables(doc)
    return t.rows


def test_merged_labels_repeat_and_merged_figures_count_once():
    rows = grid(
        "<table>"
        "<tr><td rowspan=2>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>5</td><td>6</td></tr>"
        "<tr><td>（三）不予公开</td><td>1.属于国家秘密</td><td>&nbsp;</td><td>0</td></tr>"
        "<tr><td>规章</td><td colspan=2>13</td><td>524</td><td></td></tr>"
        "<tr><td>行政许可</td><td colspan=4>&nbsp;</td></tr>"
        "</table>"
    )
    # (cell texts are normalised: NFKC folds （） to ())
    assert rows == [
        ["三、本年度办理结果", "(一)予以公开", "(一)予以公开", "5", "6"],
        ["三、本年度办理结果", "(三)不予公开", "1.属于国家秘密", "", "0"],
        ["规章", "13", "524", "", ""],  # the position 13 covers moves to the row's end
        ["行政许可", "", "", "", ""],
    ]


def test_br_in_a_cell_is_a_line_break_and_padding_paragraphs_vanish():
    rows = grid("<table><tr><td>结果<br/>纠正</td><td><p>&nbsp;</p><p>58</p><p><br/></p></td></tr></table>")
    assert rows == [["结果\n纠正", "58"]]


def test_nested_layout_tables_only_the_inner_data_table_is_a_grid():
    html = (
        "<table><tr><td><a href='/'>首页</a></td><td>"
        "<table><tr><td><p>二、主动公开政府信息情况</p>"
        "<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>3</td></tr></table>"
        "<p>三、收到和处理政府信息公开申请情况</p></td></tr></table>"
        "</td></tr></table>"
    )
    doc = read_bytes(f"<html><body>{html}</body></html>".encode(), "x.html")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Paragraph"]
    assert tables(doc)[0].rows == [["信息内容", "本年制发件数"], ["规章", "3"]]
    assert texts(doc) == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]


def test_one_column_table_is_text():
    doc = read_bytes("<html><body><table><tr><td><p>一、总体情况</p><p>正文</p></td></tr></table></body></html>".encode(), "x.html")
    assert tables(doc) == []
    assert texts(doc) == ["一、总体情况", "正文"]


def test_hidden_elements_and_comments_are_not_text():
    doc = read_bytes('<html><body><p>可见<!-- 注释 -->文字<span style="display: none">隐藏</span></p><div hidden>也隐藏</div></body></html>'.encode(), "x.html")
    assert texts(doc) == ["可见文字"]


def test_processing_instructions_are_not_text():
    page = "<p>可见<?php echo 1; ?>文字</p><table><tr><td>规章<?x ?></td><td><svg><?td ?></svg>1</td></tr></table>"
    doc = read_bytes(f"<html><body>{page}</body></html>".encode(), "x.html")
    assert texts(doc) == ["可见文字"]
    assert tables(doc)[0].rows == [["规章", "1"]]


def test_elements_hidden_by_style_alone_are_not_text():
    page = '<p>可见<span style="display:none">隐藏</span>文字</p><div style="visibility: HIDDEN">也隐藏</div><p style="color:red">红字</p>'
    doc = read_bytes(f"<html><body>{page}</body></html>".encode(), "x.html")
    assert texts(doc) == ["可见文字", "红字"]


def test_menus_are_dropped_but_text_with_links_stays():
    page = (
        '<ul><li><a href="/">首页</a></li><li><a href="/a">政务<br>公开</a></li></ul>'
        '<p>详见<a href="/r">附件</a>。</p><div>第一行<br>第二行<span>续</span></div>'
    )
    doc = read_bytes(f"<html><body>{page}</body></html>".encode(), "x.html")
    assert texts(doc) == ["详见附件。", "第一行", "第二行续"]


def test_text_holding_the_readers_private_marks_reads_as_is():
    from xxgk.read.html import _SEGMENT, _SEP

    page = f"<p>甲{_SEP}乙</p><p>丙</p><table><tr><td>丁{_SEGMENT}<span>戊</span></td><td>1</td></tr></table>"
    doc = read_bytes(f"<html><body>{page}</body></html>".encode(), "x.html")
    assert texts(doc) == [f"甲{_SEP}乙", "丙"]
    assert tables(doc)[0].rows == [[f"丁{_SEGMENT}戊", "1"]]


def test_a_cell_holding_the_separator_of_cells_keeps_its_place():
    from xxgk.read.html import _SEP

    page = f"<table><tr><td>甲{_SEP}乙</td><td>1</td></tr><tr><td>丙</td><td>2</td></tr></table>"
    doc = read_bytes(f"<html><body>{page}</body></html>".encode(), "x.html")
    assert tables(doc)[0].rows == [[f"甲{_SEP}乙", "1"], ["丙", "2"]]


@pytest.mark.parametrize("data", [b"<html></html>", b"<html><body>  </body></html>"])
def test_a_page_without_text_reads_as_an_empty_document(data):
    assert read_bytes(data, "x.html").blocks == []


def test_an_empty_file_is_a_clear_error():
    with pytest.raises(ReadError) as e:
        read_bytes(b"   \n", "empty.html")
    assert "empty.html" in str(e.value) and "空" in str(e.value)


def _split_t3(parts: list, variant: str) -> list:
    """The report with 表三 cut in two tables at a page break (in the middle of a merged group)."""
    i = next(k for k, p in enumerate(parts) if isinstance(p, list) and any(c.text.startswith("三、") for r in p for c in r))
    t3 = parts[i]
    cut = 14
    head, tail = t3[:cut], [list(r) for r in t3[cut:]]
    n_results = sum(1 for r in tail if not r[0].text.startswith("四、"))
    # the merged 三、本年度办理结果 column goes on in the second table: Word writes the
    # continued cell empty, some editors repeat the label
    anchor = "" if variant == "empty group cell" else "三、本年度办理结果"
    tail[0].insert(0, Cell(anchor, rowspan=n_results))
    if variant == "repeated header":
        tail = t3[:3] + tail
    between = ["（续表）"] if variant == "continued paragraph" else []
    return parts[:i] + [head] + between + [tail] + parts[i + 1 :]


@pytest.mark.parametrize("variant", ["bare", "repeated header", "continued paragraph", "empty group cell"])
def test_a_table_split_in_two_tables_reads_as_one(variant):
    values = known_values(blank_every=9)
    parts = _split_t3(report_parts(values), variant)
    record = xxgk.parse_bytes(to_html(parts), "split.html")
    assert expected_diff(record, values) == []


def test_t4_header_and_figures_in_separate_tables():
    values = known_values(blank_every=9)
    parts = report_parts(values)
    i = len(parts) - 1 - next(k for k, p in enumerate(reversed(parts)) if isinstance(p, list))
    t4 = parts[i]
    parts[i : i + 1] = [t4[:3], t4[3:]]
    record = xxgk.parse_bytes(to_html(parts), "split.html")
    assert expected_diff(record, values) == []


def test_a_table_caption_is_a_paragraph_before_the_grid():
    doc = read_bytes("<html><body><table><caption>表三<br>收到和处理</caption><tr><td>自然人</td><td>总计</td></tr></table></body></html>".encode(), "x.html")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Paragraph", "Table"]
    assert texts(doc) == ["表三", "收到和处理"]
    assert tables(doc)[0].rows == [["自然人", "总计"]]


def test_hidden_in_upper_case_style_is_hidden_too():
    doc = read_bytes('<html><body><p>可见<span style="DISPLAY: NONE">隐藏</span></p></body></html>'.encode(), "x.html")
    assert texts(doc) == ["可见"]


def test_mime_html_archive_from_word_is_unpacked():
    # Word's "single file web page" (.mht, often published as .doc): MIME, quoted-printable, GB2312
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    values = known_values(blank_every=5)
    page = to_html(report_parts(values), charset="gbk", soup=True).decode("gbk")
    msg = MIMEMultipart("related")
    part = MIMEText(page, "html", "gb2312")
    msg.attach(part)
    data = msg.as_bytes()
    assert b"<td" not in data  # base64: nothing readable without unpacking
    record = xxgk.parse_bytes(data, "report.doc")
    assert record.source.format == "html"
    assert expected_diff(record, values) == []
