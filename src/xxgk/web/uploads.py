"""What an upload may bring in: size limits, and zip archives unpacked safely.

A zip whose member paths climb out (``../``, absolute paths, drive letters),
a zip bomb (a member that inflates past the limit or at an absurd ratio, or a
whole archive whose content exceeds the limit) and a file over the size limit
are refused with a one-line reason; nothing of a refused archive is ingested.
Sizes are never trusted from the archive's headers: every member is read
through a counter that stops at the limit.

(A small version of the upload-safety helpers; the ingest's own per-file
budgets may live elsewhere — this module is the desk's door.)
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_file: int = 100 * MiB  # one report (a scanned PDF can be large)
    max_archive_total: int = 2048 * MiB  # everything one zip unpacks to
    max_members: int = 20000
    max_ratio: int = 200  # uncompressed / compressed size of one member (text compresses ~10×)
    ratio_floor: int = 4 * MiB  # members smaller than this are never called bombs for their ratio


class Refused(Exception):
    """An upload (or a zip archive) that is not taken; ``str(e)`` is the one-line reason in Chinese."""


_SKIP = re.compile(r"(^|/)(__MACOSX|\.DS_Store|Thumbs\.db|desktop\.ini)(/|$)|(^|/)\.", re.I)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: zips made on Chinese Windows store GBK names without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def unsafe_path(name: str) -> bool:
    """Whether a member path would land outside the folder it is unpacked into."""
    n = name.replace("\\", "/")
    if n.startswith("/") or re.match(r"^[A-Za-z]:", n):
        return True
    return any(part == ".." for part in PurePosixPath(n).parts)


def is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06")


def safe_name(name: str) -> str:
    """A file name fit for the upload folder (the last part of a path, no control or reserved characters)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r'[\x00-\x1f<>:"|?*]', "_", base).strip(" .")
    return base[:120] or "file"


def store_bytes(chunks, name: str, folder: Path, limit: int) -> Path:
    """Write chunks to the upload folder under their content hash (the same bytes twice → one file);
    Refused when they pass ``limit`` bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".part-{hashlib.sha256(name.encode()).hexdigest()[:8]}-{id(chunks):x}"
    h = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "wb") as f:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise Refused(f"{name}：文件超过大小上限（{limit // MiB} MB），未接收")
                h.update(chunk)
                f.write(chunk)
        sha = h.hexdigest()
        dest = folder / sha[:2] / f"{sha[:16]}-{safe_name(name)}"
        if dest.exists():
            tmp.unlink()
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp.replace(dest)
        return dest
    finally:
        if tmp.exists():
            tmp.unlink()


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, archive: str, name: str):
    with zf.open(info) as src:
        got = 0
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                return
            got += len(chunk)
            if got > cap:
                raise Refused(f"{archive}：压缩包中的 {name} 解压后超过上限（{cap // MiB} MB），疑似压缩炸弹，整个压缩包未接收")
            yield chunk


def unpack_zip(archive: Path, display: str, folder: Path, limits: Limits = Limits()) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """The files of a zip, stored in ``folder``: ([(name, path)], [(name, reason refused)]).

    Raises Refused for the whole archive (unsafe paths, bombs, too many members, not a zip)."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as e:
        raise Refused(f"{display}：不是有效的 zip 压缩包（{e}）") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_members:
            raise Refused(f"{display}：压缩包内文件过多（{len(infos)} 个，上限 {limits.max_members} 个），未接收")
        names = [member_name(i) for i in infos]
        bad = [n for n in names if unsafe_path(n)]
        if bad:
            raise Refused(f"{display}：压缩包含有指向外部的路径（如 {bad[0]}），可能是恶意文件，整个压缩包未接收")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_archive_total:
            raise Refused(f"{display}：压缩包解压后共 {declared // MiB} MB，超过上限 {limits.max_archive_total // MiB} MB，未接收")
        for i, n in zip(infos, names):
            if i.file_size > limits.ratio_floor and i.file_size > limits.max_ratio * max(i.compress_size, 1):
                raise Refused(f"{display}：{n} 的压缩比异常（{i.file_size // max(i.compress_size, 1)} 倍），疑似压缩炸弹，整个压缩包未接收")
        stored: list[tuple[str, Path]] = []
        refused: list[tuple[str, str]] = []
        total = 0
        try:
            for i, n in zip(infos, names):
                if _SKIP.search(n):
                    continue
                if i.file_size > limits.max_file:
                    refused.append((n, f"{display}/{n}：文件超过大小上限（{limits.max_file // MiB} MB），未接收"))
                    continue
                if i.flag_bits & 0x1:
                    refused.append((n, f"{display}/{n}：文件已加密，无法读取"))
                    continue
                # the header's size may lie: read at most a little past it, and never past the limits
                cap = min(limits.max_file, i.file_size + 1, limits.max_archive_total - total)
                p = store_bytes(_read_capped(zf, i, cap, display, n), n, folder, limits.max_file)
                total += p.stat().st_size
                stored.append((n, p))
        except zipfile.BadZipFile as e:
            raise Refused(f"{display}：压缩包已损坏（{e}）") from None
        except Refused:
            raise
        return stored, refused
