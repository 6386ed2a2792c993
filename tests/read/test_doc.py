"""Old binary Office files: converted by LibreOffice when installed, a clear message otherwise."""

from __future__ import annotations

import subprocess

import pytest

import xxgk
from xxgk.read import ReadError, read_bytes
from xxgk.read.doc import soffice
from gold_compare import expected_diff
from office_builders import AGENCY, YEAR, known_values, report_parts, to_docx

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_with(stream: str) -> bytes:
    """An OLE container's first bytes with one directory entry name (not a whole file)."""
    return OLE + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64


@pytest.mark.skipif(soffice() is not None, reason="LibreOffice is installed: the conversion is tested instead")
def test_without_libreoffice_the_message_names_the_package():
    with pytest.raises(ReadError) as e:
        read_bytes(ole_with("WordDocument"), "old.doc")
    msg = str(e.value)
    assert msg.startswith("old.doc：") and "LibreOffice" in msg and "libreoffice-writer" in msg


def test_an_encrypted_office_file_says_so():
    # a password-protected .docx/.xlsx is an OLE container with an EncryptedPackage stream
    with pytest.raises(ReadError) as e:
        read_bytes(ole_with("EncryptedPackage"), "secret.docx")
    assert "加密" in str(e.value) and "encrypted" in e.value.message("en")


def test_a_powerpoint_file_is_unsupported():
    with pytest.raises(ReadError) as e:
        read_bytes(ole_with("PowerPoint Document"), "slides.ppt")
    assert "PowerPoint" in str(e.value)


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_doc_converted_by_libreoffice_reads_every_cell(tmp_path):
    values = known_values(blank_every=11)
    src = tmp_path / "report.docx"
    src.write_bytes(to_docx(report_parts(values)))
    # make a real .doc with LibreOffice, then read it back through LibreOffice
    subprocess.run(
        [soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    record = xxgk.parse_path(tmp_path / "report.doc")
    assert record.source.format == "doc"
    assert expected_diff(record, values) == []
    assert (record.meta.year, record.meta.template, record.meta.agency) == (YEAR, "2021", AGENCY)


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_rtf_published_as_doc_is_read_through_libreoffice(tmp_path):
    values = known_values(blank_every=13)
    src = tmp_path / "report.docx"
    src.write_bytes(to_docx(report_parts(values)))
    subprocess.run(
        [soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "rtf", "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    data = (tmp_path / "report.rtf").read_bytes()
    assert data.startswith(b"{\\rtf")
    record = xxgk.parse_bytes(data, "report.doc")
    assert record.source.format == "doc"
    assert expected_diff(record, values) == []


def test_rtf_is_detected_from_the_bytes():
    from xxgk.read import detect_format

    assert detect_format(b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl}}") == "doc"


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_corrupt_doc_is_a_clear_error():
    with pytest.raises(ReadError) as e:
        read_bytes(ole_with("WordDocument"), "broken.doc")
    assert str(e.value).startswith("broken.doc：")
