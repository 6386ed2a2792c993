"""Make small real PDFs for the reader tests with pdfium (pypdfium2), not with
the library under test: text objects in a standard font and ruling lines."""

from __future__ import annotations

import ctypes
from io import BytesIO

import pypdfium2 as pdfium
import pypdfium2.raw as raw

A4 = (595.0, 842.0)


class PdfMaker:
    def __init__(self) -> None:
        self.pdf = pdfium.PdfDocument.new()
        self.pages: list = []

    def page(self):
        p = self.pdf.new_page(*A4)
        self.pages.append(p)
        return p

    def text(self, page, x: float, top: float, s: str, size: float = 10.5) -> None:
        """Text with its baseline `size` points under `top` (top measured from the page top)."""
        obj = raw.FPDFPageObj_NewTextObj(self.pdf.raw, b"Helvetica", ctypes.c_float(size))
        buf = ctypes.create_string_buffer((s + "\0").encode("utf-16-le"))
        raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, A4[1] - top - size)
        raw.FPDFPage_InsertObject(page.raw, obj)

    def line(self, page, x0: float, top0: float, x1: float, top1: float) -> None:
        path = raw.FPDFPageObj_CreateNewPath(ctypes.c_float(x0), ctypes.c_float(A4[1] - top0))
        raw.FPDFPath_LineTo(path, ctypes.c_float(x1), ctypes.c_float(A4[1] - top1))
        raw.FPDFPath_SetDrawMode(path, 0, True)
        raw.FPDFPageObj_SetStrokeColor(path, 0, 0, 0, 255)
        raw.FPDFPageObj_SetStrokeWidth(path, ctypes.c_float(0.8))
        raw.FPDFPage_InsertObject(page.raw, path)

    def grid(
        self,
        page,
        x0: float,
        top: float,
        widths: list[float],
        rows: list[list[str]],
        height: float = 20,
        close_bottom: bool = True,
    ) -> float:
        """A ruled table; returns the y of its bottom."""
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w)
        bottom = top + height * len(rows)
        for r, row in enumerate(rows):
            y = top + r * height
            self.line(page, xs[0], y, xs[-1], y)
            for c, cell in enumerate(row):
                if cell:
                    self.text(page, xs[c] + 3, y + 4, cell)
        if close_bottom:
            self.line(page, xs[0], bottom, xs[-1], bottom)
        for x in xs:
            self.line(page, x, top, x, bottom)
        return bottom

    def save(self) -> bytes:
        for p in self.pages:
            raw.FPDFPage_GenerateContent(p.raw)
        buf = BytesIO()
        self.pdf.save(buf)
        return buf.getvalue()
