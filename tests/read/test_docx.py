"""The DOCX reader on the corpus's official blank template and on documents made with python-docx."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import docx
import pytest
from docx.oxml import parse_xml

import xxgk
from xxgk.layouts import LAYOUT_2021
from xxgk.model import Paragraph, Table
from xxgk.read import ReadError, read_bytes
from conftest import corpus_file, gold_file
from gold_compare import expected_diff, wrong_cells
from office_builders import AGENCY, YEAR, known_values, report_parts, to_docx


def tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def save(d) -> bytes:
    buf = BytesIO()
    d.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ corpus


def test_official_blank_template_is_a_2021_report_with_every_cell_blank():
    record = xxgk.parse_path(corpus_file("041.docx"))
    wrong, spurious, meta = wrong_cells(record, gold_file("041.json"))
    assert (wrong, spurious, meta) == ([], [], {})
    assert record.meta.template == "2021"
    assert set(record.cells) == set(LAYOUT_2021.cell_keys())
    assert all(v is None for v in record.cells.values())
    gold = json.loads(gold_file("041.json").read_text(encoding="utf-8"))
    assert len(record.cells) == len(gold["cells"]) == 200


def test_blank_template_tables_in_body_order():
    doc = xxgk.read_path(corpus_file("041.docx"))
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds.count("Table") == 3
    # each table follows its section heading
    for heading, table_no in (("二、主动公开政府信息情况", 0), ("三、收到和处理政府信息公开申请情况", 1), ("四、政府信息公开行政复议、行政诉讼情况", 2)):
        i = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph) and b.text == heading)
        assert doc.blocks[i + 1] is tables(doc)[table_no]


# ------------------------------------------------------------------ generated documents


def test_generated_report_with_merged_cells_reads_every_cell():
    values = known_values(blank_every=11)
    record = xxgk.parse_bytes(to_docx(report_parts(values)), "report.docx")
    assert record.source.format == "docx"
    assert expected_diff(record, values) == []
    assert (record.meta.year, record.meta.template, record.meta.agency) == (YEAR, "2021", AGENCY)
    assert not record.uncertain


def test_merged_cells_are_laid_out_once():
    d = docx.Document()
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "第二十条第（五）项"  # gridSpan, a label
    t.cell(1, 0).text = "信息内容"
    t.cell(1, 1).merge(t.cell(1, 3)).text = "本年处理决定数量"
    t.cell(2, 0).merge(t.cell(3, 0)).text = "行政处罚"  # vMerge, a label
    t.cell(2, 1).merge(t.cell(2, 2)).text = "7"  # gridSpan, a figure
    t.cell(2, 3).text = "8"
    t.cell(3, 1).text = "1"
    rows = tables(read_bytes(save(d), "t.docx"))[0].rows
    assert rows == [
        ["第二十条第(五)项"] * 4,
        ["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"],
        ["行政处罚", "7", "8", ""],  # the merged figure once, its covered position moved to the end
        ["行政处罚", "1", "", ""],
    ]


def test_cell_paragraphs_are_lines_and_tabs_spaces():
    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "结果"
    t.cell(0, 0).add_paragraph("纠正")
    t.cell(0, 1).text = ""
    rows = tables(read_bytes(save(d), "t.docx"))[0].rows
    assert rows == [["结果\n纠正", ""]]


_TEXT_BOX = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
      <w:p><w:r><w:t>某某局</w:t></w:r></w:p><w:p><w:r><w:t>2024年1月20日</w:t></w:r></w:p>
    </w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>某某局</w:t></w:r></w:p><w:p><w:r><w:t>2024年1月20日</w:t></w:r></w:p>
    </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""


def test_text_box_read_once_after_its_anchor_paragraph():
    d = docx.Document()
    p = d.add_paragraph("六、其他需要报告的事项")
    p._p.append(parse_xml(_TEXT_BOX))
    d.add_paragraph("无。")
    doc = read_bytes(save(d), "t.docx")
    assert texts(doc) == ["六、其他需要报告的事项", "某某局", "2024年1月20日", "无。"]


def test_line_breaks_in_a_paragraph_cut_it():
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("一、总体情况")
    p.add_run().add_break()
    p.add_run("本年度")
    p.add_run("\t工作")
    assert texts(read_bytes(save(d), "t.docx")) == ["一、总体情况", "本年度 工作"]


def test_an_empty_document_reads_as_no_blocks():
    assert read_bytes(save(docx.Document()), "t.docx").blocks == []


def test_corrupt_docx_is_a_clear_error():
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<not xml")
    with pytest.raises(ReadError) as e:
        read_bytes(buf.getvalue(), "broken.docx")
    assert str(e.value).startswith("broken.docx：")


def test_truncated_docx_is_a_clear_error():
    data = save(docx.Document())
    with pytest.raises(ReadError) as e:
        read_bytes(data[: len(data) // 2], "cut.docx")
    assert "cut.docx" in str(e.value)


def test_grid_before_shifts_a_row_to_its_grid_column():
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for c, text in enumerate(("信息内容", "本年制发件数", "本年废止件数")):
        t.cell(0, c).text = text
    row = t.rows[1]._tr
    # the second row skips its first grid column (w:gridBefore), as Word writes a ragged row
    row.remove(row.tc_lst[0])
    row.get_or_add_trPr().append(parse_xml('<w:gridBefore xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:val="1"/>'))
    docx.table._Cell(row.tc_lst[0], t).text = "3"  # the row's first cell sits in grid column 1
    rows = tables(read_bytes(save(d), "t.docx"))[0].rows
    assert rows == [["信息内容", "本年制发件数", "本年废止件数"], ["", "3", ""]]
