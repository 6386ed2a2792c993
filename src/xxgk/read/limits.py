"""Bounds on what a reader accepts, checked before anything is decompressed or decoded.

A hostile or broken file must fail in a second with a one-line reason, not
eat the machine: the size of a file, of the text of a page, of the members of
a ZIP container (DOCX/XLSX) and of the pixels of an image are capped here,
once, for every reader.  (The per-file time and memory budget of
:mod:`xxgk.workers` catches what these bounds cannot foresee.)
"""

from __future__ import annotations

from .errors import ReadError

MAX_FILE_BYTES = 256 << 20  # any file: a scanned report of 300 pages is well under this
MAX_TEXT_BYTES = 32 << 20  # text and web pages: a report is a few hundred KB
MAX_PIXELS = 100_000_000  # one image or rendered page (A3 at 600 dpi is 70 million)
MAX_ZIP_MEMBERS = 10_000
MAX_UNZIPPED = 256 << 20  # all members of a DOCX/XLSX together, as declared
MAX_RATIO = 200  # a member's declared size over its compressed size…
RATIO_FROM = 8 << 20  # …checked for members larger than this


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB"


def check_file_size(size: int, path: str) -> None:
    if size > MAX_FILE_BYTES:
        raise ReadError(path, f"文件过大（{_mb(size)}，上限 {_mb(MAX_FILE_BYTES)}），不像一份年报", "请确认文件内容",
                        f"the file is too large ({_mb(size)}, limit {_mb(MAX_FILE_BYTES)}); not an annual report", "check what the file holds")


def check_text_size(size: int, path: str) -> None:
    if size > MAX_TEXT_BYTES:
        raise ReadError(path, f"文本过大（{_mb(size)}，上限 {_mb(MAX_TEXT_BYTES)}），不像一份年报", "请确认文件内容",
                        f"the text is too large ({_mb(size)}, limit {_mb(MAX_TEXT_BYTES)}); not an annual report", "check what the file holds")


def check_pixels(width: int, height: int, path: str) -> None:
    if width * height > MAX_PIXELS:
        raise ReadError(path, f"图片像素过多（{width}×{height}，上限 {MAX_PIXELS // 1_000_000} 百万像素），可能是图片炸弹", "请提供正常分辨率的扫描件（300 dpi 即可）",
                        f"too many pixels ({width}×{height}, limit {MAX_PIXELS // 1_000_000} million): possibly a decompression bomb", "scan at a normal resolution (300 dpi is enough)")


def check_zip(data: bytes, path: str) -> None:
    """Refuse a ZIP container whose members would inflate beyond the limits (a zip bomb)
    before any member is read.  Readers go through :mod:`zipfile`, which never inflates
    a member past its declared size, so the declared sizes are what counts."""
    import zipfile  # only for a zip (a text parse does not pay for it)
    from io import BytesIO

    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    except Exception as e:  # noqa: BLE001 - any damage to the central directory
        raise corrupt_zip(path, e) from e
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _bomb(path, f"{len(infos)} 个成员", f"{len(infos)} members")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _bomb(path, f"{info.filename} 解压后 {_mb(info.file_size)}，压缩比 {ratio}:1", f"{info.filename} inflates to {_mb(info.file_size)}, ratio {ratio}:1")
    if total > MAX_UNZIPPED:
        raise _bomb(path, f"解压后共 {_mb(total)}，上限 {_mb(MAX_UNZIPPED)}", f"inflates to {_mb(total)}, limit {_mb(MAX_UNZIPPED)}")


def _bomb(path: str, zh: str, en: str) -> ReadError:
    return ReadError(path, f"压缩炸弹（{zh}），拒绝读取", "这不是正常的 Word/Excel 文件，请检查来源",
                     f"a zip bomb ({en}); refused", "this is not a normal Word/Excel file; check where it came from")


def corrupt_zip(path: str, e: object = None) -> ReadError:
    why = f"（{type(e).__name__}）" if e is not None else ""
    return ReadError(path, f"文件已损坏（ZIP/Office 文件不完整）{why}", "请重新下载或用 Word/WPS/Excel 打开后另存再试",
                     f"the file is corrupt (an incomplete ZIP/Office file){' (' + type(e).__name__ + ')' if e is not None else ''}",
                     "download it again, or open and save it again in Word/WPS/Excel")
