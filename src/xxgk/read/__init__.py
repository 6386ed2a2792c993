"""Readers: bytes of any format → :class:`xxgk.model.Document`.

The format is told from the bytes, never from the file name.  Each format
has one module here with a ``read_<format>(data, source)`` function, listed
in :data:`READERS`.  A reader raises :class:`ReadError` for a file it cannot
read; nothing else may escape.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import os
import stat
import re
from pathlib import Path
from typing import Callable

from ..model import Document, Source
from .errors import ReadError
from .limits import MAX_FILE_BYTES, MAX_TEXT_BYTES, check_file_size, check_text_size, check_zip
from .script import fold_document
from .text import utf16_guess

__all__ = ["ReadError", "detect_format", "file_bytes", "read_bytes", "read_path", "READERS"]

# format → "module:function"; imported lazily so that a missing optional
# dependency of one reader never breaks the others.
READERS: dict[str, str] = {
    "text": "xxgk.read.text:read_text",
    "html": "xxgk.read.html:read_html",
    "docx": "xxgk.read.docx:read_docx",
    "doc": "xxgk.read.doc:read_doc",
    "pdf": "xxgk.read.pdf:read_pdf",
    "image": "xxgk.read.image:read_image",
    "xlsx": "xxgk.read.xlsx:read_xlsx",
}

_HTML = re.compile(rb"<\s*(!doctype\s+html|html|head|body|table|div|p|meta|span)[\s>/]", re.I)


def detect_format(data: bytes) -> str:
    """The format of a file from its first bytes."""
    head = data[:8]
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile  # only for a zip (a text parse does not pay for it)
        from io import BytesIO

        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except Exception:  # noqa: BLE001 - any damage to the archive: a corrupt ZIP, told by read_bytes
            return "zip"
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if data[:64].lstrip()[:5] == b"{\\rtf":  # RTF, often published as .doc: read like an old Word file
        return "doc"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head[:4] in (b"II*\x00", b"MM\x00*") or head.startswith(b"BM"):
        return "image"
    sample = data[:4096]
    if b"\x00" in sample and not (sample.startswith(b"\xff\xfe") or sample.startswith(b"\xfe\xff")):
        enc = utf16_guess(sample)
        if enc is None:
            return "binary"
        return "html" if _HTML.search(sample.decode(enc, "ignore").encode("utf-8")) else "text"
    low = sample.lower()
    if b"mime-version" in low and b"multipart/related" in low:
        return "html"  # a MIME HTML archive (.mht, Word's single-file web page)
    if _HTML.search(sample) or _HTML.search(data[:65536]):
        return "html"
    return "text"


def _reader(fmt: str) -> Callable[[bytes, Source], Document]:
    module, func = READERS[fmt].split(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        raise ReadError("", f"读取 {fmt} 格式所需的组件未安装（{e.name}）", "请运行 make setup 重新安装依赖", f"the {fmt} reader needs {e.name}", "run make setup") from e
    return getattr(mod, func)


def read_bytes(data: bytes, path: str = "<bytes>") -> Document:
    if not data or data.isspace():
        raise ReadError(path, "文件为空", "请确认下载完整", "the file is empty", "check that the download is complete")
    fmt = detect_format(data)
    if fmt in ("zip", "docx", "xlsx"):
        check_zip(data, path)  # a corrupt archive or a zip bomb, before any member is read
    elif fmt in ("text", "html"):
        check_text_size(len(data), path)
    if fmt not in READERS:
        raise ReadError(path, f"不支持的文件格式（{fmt}）", "支持 txt/md/html/docx/doc/pdf/png/jpg/xlsx", f"unsupported format ({fmt})", "supported: txt/md/html/docx/doc/pdf/png/jpg/xlsx")
    source = Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format=fmt if fmt != "xlsx" else "xlsx")
    try:
        reader = _reader(fmt)
    except ReadError as e:
        e.path = path
        raise ReadError(path, e.cause, e.hint, e.cause_en, e.hint_en) from e
    try:
        doc = reader(data, source)
    except ReadError:
        raise
    except Exception as e:  # a reader bug or a malformed file: never a traceback
        raise ReadError(path, f"文件无法解析（{type(e).__name__}: {e}）", "文件可能已损坏", f"cannot parse the file ({type(e).__name__}: {e})", "the file may be corrupt") from e
    if fmt != "text":  # (the text reader folds its text itself, before it reads the lines)
        fold_document(doc)  # a document in traditional characters reads as simplified (read/script.py)
    return doc


def file_bytes(path: str | Path) -> bytes:
    """The bytes of a file, or a :class:`ReadError` saying why not (never more than the size limit)."""
    p = str(path)
    try:
        st = os.stat(p)
        if stat.S_ISDIR(st.st_mode):
            raise ReadError(p, "这是一个目录", "", "is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(p, "不是普通文件（设备、管道或套接字）", "", "not a regular file (a device, pipe or socket)")
        check_file_size(st.st_size, p)
        with open(p, "rb") as f:
            if st.st_size > MAX_TEXT_BYTES and detect_format(f.read(65536)) in ("text", "html"):
                check_text_size(st.st_size, p)  # refused before the whole file is read
            f.seek(0)
            data = f.read(MAX_FILE_BYTES + 1)
        check_file_size(len(data), p)  # it grew while being read
        return data
    except OSError as e:
        raise _os_error(p, e) from None


def _os_error(path: str, e: OSError) -> ReadError:
    if e.errno == errno.ELOOP:
        return ReadError(path, "符号链接循环（链接最终指向自己）", "请修正或删除该链接", "a symbolic link loop (the link points back to itself)", "fix or remove the link")
    if e.errno == errno.ENOENT and os.path.islink(path):
        return ReadError(path, "符号链接指向的文件不存在", "请修正或删除该链接", "a broken symbolic link", "fix or remove the link")
    if isinstance(e, FileNotFoundError):
        return ReadError(path, "文件不存在", "", "no such file")
    if isinstance(e, IsADirectoryError):
        return ReadError(path, "这是一个目录", "", "is a directory")
    if isinstance(e, PermissionError):
        return ReadError(path, "没有读取权限", "", "permission denied")
    return ReadError(path, f"无法读取文件（{e.strerror or e}）", "", f"cannot read the file ({e.strerror or e})")


def read_path(path: str | Path) -> Document:
    return read_bytes(file_bytes(path), str(path))
