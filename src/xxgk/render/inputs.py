"""What ``xxgk render`` reads: a filled workbook, a JSON/YAML record, or any
report xxgk can parse.  Every failure is a :class:`ReadError` (one line)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from ..model import Record
from ..read import file_bytes
from ..read.errors import ReadError
from ..extract.workbook import is_workbook, read_workbook


def load_record(path: str | Path) -> Record:
    p = Path(path)
    data = file_bytes(p)
    if is_workbook(data):
        return read_workbook(data, str(path))
    head = data.lstrip()[:1]
    if head == b"{" or p.suffix.lower() == ".json":
        return record_from_mapping(_decode(data, str(path), "json"), data, str(path))
    if p.suffix.lower() in (".yaml", ".yml"):
        return record_from_mapping(_decode(data, str(path), "yaml"), data, str(path))
    from .. import parse_bytes

    return parse_bytes(data, str(path))


def _decode(data: bytes, path: str, kind: str) -> dict:
    try:
        if kind == "json":
            obj = msgspec.json.decode(data)
        else:
            import yaml

            obj = yaml.safe_load(data.decode("utf-8-sig"))
    except Exception as e:
        raise ReadError(path, f"{kind.upper()} 格式有误（{str(e).splitlines()[0][:80]}）", "", f"invalid {kind.upper()} ({str(e).splitlines()[0][:80]})") from None
    if not isinstance(obj, dict):
        raise ReadError(path, "不是一份年报记录（应为对象）", "格式见 report-json.md", "not a record (expected an object)")
    return obj


def record_from_mapping(obj: dict, data: bytes, path: str) -> Record:
    """A record written by hand or by ``xxgk parse --format json``; only
    ``meta`` and ``cells`` are needed."""
    obj = dict(obj)
    obj.setdefault("source", {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "format": "text"})
    obj.setdefault("meta", {})
    obj.setdefault("cells", {})
    if isinstance(obj.get("meta"), dict) and obj["meta"].get("published") is not None:
        obj["meta"] = {**obj["meta"], "published": str(obj["meta"]["published"])}
    try:
        return msgspec.convert(obj, Record)
    except msgspec.ValidationError as e:
        raise ReadError(path, f"记录字段有误（{e}）", "格式见 report-json.md", f"invalid record ({e})") from None
