"""DOCX → PDF with LibreOffice (``soffice --headless --convert-to pdf``)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer；其他系统见 libreoffice.org），或改用 --to docx"
INSTALL_HINT_EN = "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer; others: libreoffice.org), or use --to docx"


class PdfUnavailable(Exception):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, timeout: float = 180) -> bytes:
    exe = soffice()
    if exe is None:
        raise PdfUnavailable("未找到 LibreOffice（soffice），无法生成 PDF")
    with tempfile.TemporaryDirectory(prefix="xxgk-pdf-") as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx)
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(f"LibreOffice 转换超时（{timeout:.0f} 秒）") from None
        out = Path(tmp) / "report.pdf"
        if proc.returncode != 0 or not out.exists():
            msg = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise PdfUnavailable("LibreOffice 转换失败" + (f"（{msg[-1][:120]}）" if msg else ""))
        return out.read_bytes()
