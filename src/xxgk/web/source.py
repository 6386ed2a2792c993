"""The source document beside the tables: PDF pages and scans as images, every other format as the
reader sees it (its paragraphs and tables, read again from the kept original by :mod:`xxgk.read`)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from ..model import Paragraph, Table
from ..read import ReadError, detect_format, read_bytes

IMAGE_FORMATS = ("png", "jpeg", "jpg", "tiff", "image", "bmp", "gif", "webp")
MAX_PAGES = 40


def _kind(fmt: str | None) -> str:
    if fmt and fmt.startswith("pdf"):
        return "pdf"
    if fmt and (fmt in IMAGE_FORMATS or fmt.startswith("image")):
        return "image"
    return "text"


def source_view(row: dict) -> dict:
    """What the page shows of the original: {'kind': pdf|image|text|missing, ...}."""
    p = Path(row["source_path"])
    if not p.is_file():
        return {"kind": "missing", "path": str(p)}
    data = p.read_bytes()
    try:
        fmt = detect_format(data)
    except ReadError:
        fmt = row.get("format")
    kind = _kind(fmt or row.get("format"))
    if kind == "pdf":
        return {"kind": "pdf", "pages": min(_pdf_pages(str(p)), MAX_PAGES), "more": _pdf_pages(str(p)) > MAX_PAGES}
    if kind == "image":
        return {"kind": "image", "pages": 1, "more": False}
    try:
        doc = read_bytes(data, str(p))
    except ReadError as e:
        return {"kind": "error", "message": e.message("zh")}
    blocks = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            blocks.append({"p": b.text})
        elif isinstance(b, Table):
            blocks.append({"table": b.rows})
    return {"kind": "text", "blocks": blocks, "format": fmt}


@lru_cache(maxsize=64)
def _pdf_pages(path: str) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except Exception:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


@lru_cache(maxsize=128)
def page_png(path: str, n: int) -> bytes | None:
    """Page ``n`` (0-based) of a PDF, or the image of a scan, as PNG bytes; None when there is no such page."""
    p = Path(path)
    if not p.is_file():
        return None
    head = p.read_bytes()[:8]
    if head.startswith(b"%PDF"):
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(p))
        try:
            if not 0 <= n < len(pdf):
                return None
            img = pdf[n].render(scale=1.6).to_pil()
        finally:
            pdf.close()
    else:
        if n != 0:
            return None
        from PIL import Image

        try:
            img = Image.open(p)
            img.load()
        except Exception:
            return None
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="PNG", optimize=False)
    return buf.getvalue()


@lru_cache(maxsize=16)
def _parsed(path: str, mtime: float):
    """(record with provenance, document, bytes) of a kept original, parsed again (a few recent ones kept)."""
    from .. import parse_document

    data = Path(path).read_bytes()
    doc = read_bytes(data, path)
    return parse_document(doc), doc, data


def explain(row: dict, key: str):
    """Where a cell of a stored report came from (:func:`xxgk.explain.explain_record`, as ``xxgk explain``),
    read again from the kept original; None when the original is gone or unreadable."""
    from ..explain import explain_record

    p = Path(row["source_path"])
    if not p.is_file():
        return None
    try:
        rec, doc, data = _parsed(str(p), p.stat().st_mtime)
    except ReadError:
        return None
    return explain_record(rec, doc, data, key)
