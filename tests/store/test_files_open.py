"""Files a clerk opens as they are: CSV with a BOM and Chinese headings, XLSX laid out."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from store_helpers import seed_files, seeds_db  # noqa: F401  (the fixture)
from typer.testing import CliRunner

import xxgk
from xxgk.cli import app
from xxgk.layouts import all_cell_keys, column_label
from xxgk.render.pdf import soffice
from xxgk.store import connect
from xxgk.store.export import META_COLUMNS, META_LABELS


def test_export_csv_has_a_bom_and_official_labels_keys_on_request(seeds_db, tmp_path):
    out = tmp_path / "w.csv"
    assert CliRunner().invoke(app, ["export", "--db", str(seeds_db), "-o", str(out)]).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads UTF-8 only with it
    with open(out, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert header[: len(META_COLUMNS)] == [META_LABELS[c] for c in META_COLUMNS]
    assert "表三·一、本年新收政府信息公开申请数量·自然人" in header
    assert header[len(META_COLUMNS) :] == [column_label(k) for k in all_cell_keys()]
    keyed = tmp_path / "k.csv"
    assert CliRunner().invoke(app, ["export", "--db", str(seeds_db), "-o", str(keyed), "--keys"]).exit_code == 0
    with open(keyed, encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f)) == [*META_COLUMNS, *all_cell_keys()]
    # the summary's CSV: Chinese headings, a BOM when written to a file
    s = tmp_path / "s.csv"
    assert CliRunner().invoke(app, ["summary", "--db", str(seeds_db), "--format", "csv", "-o", str(s)]).exit_code == 0
    assert s.read_bytes().startswith(b"\xef\xbb\xbf")
    text = s.read_text(encoding="utf-8-sig")
    assert text.startswith("分组,项目,") and "表三·一、本年新收政府信息公开申请数量·总计" in text


def _calc() -> bool:
    """LibreOffice with Calc (its spreadsheet library beside soffice)."""
    exe = soffice()
    if exe is None:
        return False
    program = Path(exe).resolve().parent
    return any(program.glob("libsclo.so")) or any(Path("/usr/lib/libreoffice/program").glob("libsclo.so"))


@pytest.mark.skipif(not _calc(), reason="LibreOffice Calc not installed")
def test_csv_opens_in_libreoffice_calc_with_correct_chinese(seeds_db, tmp_path):
    out = tmp_path / "导出.csv"
    assert CliRunner().invoke(app, ["export", "--db", str(seeds_db), "-o", str(out)]).exit_code == 0
    # Calc's CSV import as a clerk picks it (comma, quote, Unicode UTF-8), converted headless and read back
    cmd = [soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
           "--infilter=CSV Text - txt - csv (StarCalc):44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path / "calc"), str(out)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    ws = load_workbook(tmp_path / "calc" / "导出.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[0] == "文件"  # the BOM is not read as text
    assert header[len(META_COLUMNS) :] == [column_label(k) for k in all_cell_keys()]
    by_path = {r[0]: r for r in rows[1:]}
    for p in seed_files():
        rec = xxgk.parse_path(p)
        row = by_path[str(p)]
        if rec.meta.agency:
            con = connect(seeds_db, read_only=True)
            name = con.execute("SELECT coalesce(a.name, r.agency) FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id WHERE r.source_path = ?", [str(p)]).fetchone()[0]
            con.close()
            assert row[header.index("机关")] == name
        for k in ("t3.new.total", "t4.review.upheld"):
            v = rec.cells.get(k)
            assert row[header.index(column_label(k))] == v, (p.name, k)  # blank stays empty, numbers are numbers


def test_xlsx_files_are_laid_out(seeds_db, tmp_path):
    x = tmp_path / "w.xlsx"
    assert CliRunner().invoke(app, ["export", "--db", str(seeds_db), "-o", str(x)]).exit_code == 0
    ws = load_workbook(x).active
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref
    assert ws.column_dimensions["A"].width >= 20 and ws.column_dimensions["C"].width >= 20
    assert ws["A1"].font.bold and ws.cell(1, len(META_COLUMNS) + 1).value == column_label(all_cell_keys()[0])
    s = tmp_path / "s.xlsx"
    assert CliRunner().invoke(app, ["summary", "--db", str(seeds_db), "--format", "xlsx", "-o", str(s)]).exit_code == 0
    wb = load_workbook(s)
    rates = wb["比率"]
    assert rates.freeze_panes == "B2" and rates["A1"].value == "比率"
    values = [r for r in rates.iter_rows(min_row=2) if isinstance(r[1].value, (int, float))]
    assert values and all(r[1].number_format == "0.0%" for r in values)
    t3 = wb.worksheets[0]
    assert t3.column_dimensions["A"].width >= 40 and t3.freeze_panes == "B2"
    assert any(c.number_format == "#,##0" for row in t3.iter_rows(min_row=2, min_col=2) for c in row if isinstance(c.value, int))
