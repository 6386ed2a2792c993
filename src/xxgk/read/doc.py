"""Old binary Office files (OLE compound documents) → Document.

A ``.doc`` (or an RTF file, which sites often publish as .doc) is converted by LibreOffice (``soffice --headless --convert-to
docx``) and read by :mod:`xxgk.read.docx`; an ``.xls`` (the same container)
is converted to ``.xlsx`` and read by :mod:`xxgk.read.xlsx`.  The
document's ``source.format`` stays ``doc`` (``xlsx`` for a workbook).

Without LibreOffice the reader says which Debian/Ubuntu package to install
(``libreoffice-writer``, or ``libreoffice-calc`` for a workbook).  An
encrypted Office file (an OLE container holding ``EncryptedPackage``, which
is also what a password-protected .docx/.xlsx is) gets its own message:
nothing can read it without the password.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..model import Document, Source
from .errors import ReadError

CONVERT_TIMEOUT = 120  # seconds


def _has_stream(data: bytes, name: str) -> bool:
    # OLE directory entries hold their names in UTF-16LE
    return name.encode("utf-16-le") in data


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe:
            return exe
    for cand in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                 "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(cand):
            return cand
    return None


def convert(data: bytes, path: str, suffix: str, target: str) -> bytes:
    """Convert an Office file with LibreOffice; ``target`` is ``docx`` or ``xlsx``."""
    package = "libreoffice-writer" if target == "docx" else "libreoffice-calc"
    exe = soffice()
    if exe is None:
        raise ReadError(
            path,
            f"读取旧版 Office 文件（{suffix}）需要 LibreOffice，但未安装",
            f"请安装 LibreOffice（Debian/Ubuntu：sudo apt-get install {package}），或用 Word/WPS 另存为 .{target} 后再试",
            f"reading an old Office file ({suffix}) needs LibreOffice, which is not installed",
            f"install it (Debian/Ubuntu: sudo apt-get install {package}) or save the file as .{target} in Word/WPS",
        )
    with tempfile.TemporaryDirectory(prefix="xxgk-soffice-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", target, "--outdir", tmp, str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise ReadError(path, f"LibreOffice 转换超时（{CONVERT_TIMEOUT} 秒）", f"请用 Word/WPS 另存为 .{target} 后再试",
                            f"LibreOffice conversion timed out ({CONVERT_TIMEOUT} s)", f"save the file as .{target} and retry") from None
        except OSError as e:
            raise ReadError(path, f"无法运行 LibreOffice（{e}）", f"请检查 LibreOffice 安装（{package}）", f"cannot run LibreOffice ({e})", f"check the LibreOffice install ({package})") from e
        out = Path(tmp) / f"input.{target}"
        if proc.returncode != 0 or not out.exists():
            detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip().splitlines()
            why = detail[-1] if detail else f"exit status {proc.returncode}"
            raise ReadError(path, f"LibreOffice 无法转换此文件（{why}）",
                            f"文件可能已损坏或加密，或缺少 LibreOffice 组件 {package}；可用 Word/WPS 打开后另存为 .{target} 再试",
                            f"LibreOffice cannot convert the file ({why})",
                            f"it may be corrupt or encrypted, or the LibreOffice package {package} is missing; or save it as .{target} in Word/WPS")
        return out.read_bytes()


def read_doc(data: bytes, source: Source) -> Document:
    path = source.path
    if data[:64].lstrip()[:5] == b"{\\rtf":
        from .docx import read_docx

        return read_docx(convert(data, path, ".rtf", "docx"), source)
    if _has_stream(data, "EncryptedPackage") or _has_stream(data, "EncryptionInfo"):
        raise ReadError(path, "文件已加密（设有打开密码）", "请用 Word/WPS/Excel 输入密码打开，取消密码后另存再试",
                        "the file is encrypted (it has an opening password)", "open it with the password, remove the password and save it again")
    if _has_stream(data, "WordDocument"):
        from .docx import read_docx

        return read_docx(convert(data, path, ".doc", "docx"), source)
    if _has_stream(data, "Workbook") or _has_stream(data, "Book"):
        from .xlsx import read_xlsx

        converted = convert(data, path, ".xls", "xlsx")
        return read_xlsx(converted, Source(path=source.path, sha256=source.sha256, format="xlsx"))
    if _has_stream(data, "PowerPoint Document"):
        raise ReadError(path, "不支持的文件格式（PowerPoint 演示文稿）", "请导出为 PDF 或 Word 后再试",
                        "unsupported format (a PowerPoint presentation)", "export it as PDF or Word and retry")
    raise ReadError(path, "不支持的文件格式（未知的 OLE 复合文档）", "支持 txt/md/html/docx/doc/pdf/png/jpg/xlsx",
                    "unsupported format (an unknown OLE compound file)", "supported: txt/md/html/docx/doc/pdf/png/jpg/xlsx")
