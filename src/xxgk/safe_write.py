"""Writing output files safely: never over the store or an existing file by accident,
never half a file, never a live formula.

* :func:`check_output` refuses a target that is a folder, the store itself (or its
  write-ahead log), or an existing file unless ``force``;
* :func:`atomic_path` / :func:`write_bytes` / :func:`write_text` write to a
  temporary file beside the target and rename it into place, so a crash or a
  full disk leaves the old file (or none), never a torn one;
* :func:`neutral` / :func:`neutral_row` apply the OWASP CSV-injection rule to
  every text cell written to CSV or XLSX: a text that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so that no
  spreadsheet runs it as a formula.  Numbers stay numbers.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    """A cell value safe to write to CSV/XLSX (text that could start a formula is quoted)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutral_row(row: Iterable) -> list:
    return [neutral(v) for v in row]


class OutputRefused(Exception):
    """An output file that must not be written; ``message(lang)`` says why in one line."""

    def __init__(self, path: str | Path, zh: str, en: str):
        self.path = str(path)
        self.zh = zh
        self.en = en
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        return f"{self.path}: {self.en}" if lang == "en" else f"{self.path}：{self.zh}"


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def check_output(path: str | Path, *, force: bool = False, protect: Iterable[str | Path] = ()) -> Path:
    """The target, or :class:`OutputRefused` (a folder, a protected file such as the store, an existing file without ``force``)."""
    p = Path(path)
    if p.is_dir():
        raise OutputRefused(p, "这是一个目录，请给出输出文件名", "is a folder; give an output file name")
    for q in protect:
        q = Path(q)
        for guarded in (q, Path(str(q) + ".wal")):
            if _same(p, guarded):
                raise OutputRefused(p, "不能写在数据库文件上（这会毁掉数据库）", "refusing to write over the database itself")
    if (p.exists() or p.is_symlink()) and not force:
        raise OutputRefused(p, "文件已存在，未覆盖（确需覆盖请加 --force）", "the file exists and was not overwritten (use --force to overwrite it)")
    return p


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto it when the block ends without an error."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=p.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # the permissions of an ordinary new file, not mkstemp's 0600
    try:
        yield Path(tmp)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)
