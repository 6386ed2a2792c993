"""Findings that go back to the agency: 整改通知 (DOCX, PDF) and the list of all findings (XLSX)."""

from __future__ import annotations

import zipfile
from io import BytesIO

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import xxgk
from xxgk.check import check_record
from xxgk.cli import app
from xxgk.render.letter import FINDINGS_COLUMNS
from xxgk.render.pdf import soffice
from xxgk.store import connect

from conftest import SEEDS


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(BytesIO(data)).paragraphs)


def test_letter_for_seed_001_holds_its_xg301_finding_with_the_numbers(tmp_path):
    seed = sorted(SEEDS.glob("001_*.txt"))[0]
    rec = xxgk.parse_path(seed)
    found = check_record(rec)
    xg301 = [f for f in found if f.rule == "XG301"]
    assert xg301
    out = tmp_path / "通知.docx"
    res = CliRunner().invoke(app, ["letter", str(seed), "-o", str(out), "--deadline", "2025-02-28", "--office", "某区政务公开办"])
    assert res.exit_code == 0, res.output
    text = _text(out.read_bytes())
    assert text.splitlines()[0].startswith(f"关于{rec.meta.agency}") and "整改通知" in text.splitlines()[0]
    assert f"{rec.meta.agency}：" in text
    c = rec.cells
    for f in xg301:
        assert f.message in text
        col = f.where[0].split(".")[2]
        left = (c.get(f"t3.new.{col}") or 0) + (c.get(f"t3.carried_in.{col}") or 0)
        right = (c.get(f"t3.total.{col}") or 0) + (c.get(f"t3.carried_out.{col}") or 0)
        assert f"一+二 = {left}，三（七）+四 = {right}" in f.message
    # the table cell by its official label, what to correct, the deadline, the signature
    assert "涉及单元格：表三·一、本年新收政府信息公开申请数量·自然人" in text
    assert "整改要求：" in text and "2025年2月28日前" in text and text.rstrip().splitlines()[-2] == "某区政务公开办"
    # every error and warning is there, numbered
    assert all(f.message in text for f in found if f.severity in ("error", "warning"))


def test_batch_letters_from_the_store_into_a_zip_and_the_findings_list(tmp_path):
    from xxgk.store.ingest import ingest

    db = tmp_path / "s.duckdb"
    con = connect(db)
    ingest(con, sorted(SEEDS.glob("*.txt")), jobs=1)
    with_findings = {
        name
        for (name,) in con.execute(
            """SELECT DISTINCT coalesce(a.name, r.agency) FROM current_reports r LEFT JOIN agencies a ON a.id = r.agency_id
               JOIN findings f ON f.report_id = r.id WHERE f.severity IN ('error', 'warning')"""
        ).fetchall()
    }
    n_findings = con.execute("SELECT count(*) FROM findings WHERE severity IN ('error', 'warning')").fetchone()[0]
    con.close()
    z = tmp_path / "通知.zip"
    res = CliRunner().invoke(app, ["letter", "--db", str(db), "-o", str(z), "--findings-xlsx", str(tmp_path / "问题.xlsx")])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(z) as zf:
        names = zf.namelist()
        assert len(names) == len(with_findings) and all(n.startswith("整改通知-") and n.endswith(".docx") for n in names)
        for n in names:
            assert "整改要求" in _text(zf.read(n))
    ws = load_workbook(tmp_path / "问题.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert tuple(rows[0]) == FINDINGS_COLUMNS and len(rows) - 1 == n_findings
    assert ws.auto_filter.ref and ws.freeze_panes == "A2"
    assert {r[0] for r in rows[1:]} == with_findings
    # a folder: one file per agency
    res = CliRunner().invoke(app, ["letter", "--db", str(db), "-o", str(tmp_path / "folder")])
    assert res.exit_code == 0 and len(list((tmp_path / "folder").glob("*.docx"))) == len(with_findings)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")
def test_letter_as_pdf(tmp_path):
    import pdfplumber

    seed = sorted(SEEDS.glob("001_*.txt"))[0]
    res = CliRunner().invoke(app, ["letter", str(seed), "-o", str(tmp_path / "folder"), "--pdf"])
    assert res.exit_code == 0, res.output
    (pdf,) = list((tmp_path / "folder").glob("*.pdf"))
    with pdfplumber.open(pdf) as doc:
        text = "".join(p.extract_text() or "" for p in doc.pages)
    assert "整改通知" in text and "XG301" in text


def test_a_letter_puts_a_cascade_under_its_cause(tmp_path):
    from conftest import corpus_file

    from xxgk.check.cascade import cascades

    path = corpus_file("016.html")
    rec = xxgk.parse_path(path)
    (g,), _ = cascades(rec, check_record(rec))
    out = tmp_path / "016.docx"
    assert CliRunner().invoke(app, ["letter", str(path), "-o", str(out)]).exit_code == 0
    text = _text(out.read_bytes())
    cause = text.index(g.cause())
    for j, f in enumerate(g.findings, 1):
        assert text.index(f"{j}. {f.message}（{f.rule}）") > cause


def test_letters_never_overwrite_without_force(tmp_path):
    seed = sorted(SEEDS.glob("001_*.txt"))[0]
    out = tmp_path / "通知.docx"
    out.write_bytes(b"earlier notice")
    res = CliRunner().invoke(app, ["letter", str(seed), "-o", str(out)])
    assert res.exit_code == 2 and "--force" in res.output and out.read_bytes() == b"earlier notice"
    res = CliRunner().invoke(app, ["letter", str(seed), "-o", str(out), "--force"])
    assert res.exit_code == 0 and "整改通知" in _text(out.read_bytes())
