"""Totals are computed from their details; given totals that disagree are refused."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

import xxgk
from xxgk.cli import app
from xxgk.model import record_to_builtins
from xxgk.render.example import example_record
from xxgk.render.output import render_record
from xxgk.render.report import RefusedTotals, prepare
from xxgk.totals import compute_totals

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def _with(rec, **cells):
    new = dict(rec.cells)
    for k, v in cells.items():
        new[k.replace("__", ".")] = v
    return msgspec.structs.replace(rec, cells=new)


def test_totals_computed_from_details():
    cells, conflicts = compute_totals(example_record())
    assert conflicts == []
    assert cells["t3.new.total"] == 46 + 9 + 1 + 2 + 3 + 1
    assert cells["t3.total.natural"] == 44
    assert cells["t3.total.total"] == 58
    assert cells["t4.review.total"] == 3
    assert cells["t4.suit_direct.total"] == 2
    # 一 + 二 = 三（七） + 四 in the total column as well
    assert cells["t3.new.total"] + cells["t3.carried_in.total"] == cells["t3.total.total"] + cells["t3.carried_out.total"]


def test_blank_is_not_zero():
    rec = example_record()
    blank = {k: None for k in rec.cells if k.startswith("t4.review.")}
    cells, _ = compute_totals(_with(rec, **{k.replace(".", "__"): v for k, v in blank.items()}))
    assert cells["t4.review.total"] is None  # all details blank: the total stays blank
    one = _with(rec, t4__review__upheld=None)
    assert compute_totals(one)[0]["t4.review.total"] == 1  # 0 + 1 + 0 with one blank


def test_given_total_that_disagrees_is_refused():
    rec = _with(example_record(), t3__granted__total=99)
    with pytest.raises(RefusedTotals) as e:
        render_record(rec, "md")
    assert any(m.startswith("XG302") and "予以公开" in m and "99" in m for m in e.value.messages)
    # --keep-given prints it as given, with the message as a warning
    data, rep = render_record(rec, "md", keep_given=True)
    assert rep.cells["t3.granted.total"] == 99
    assert any(w.startswith("XG302") for w in rep.warnings)
    assert xxgk.parse_bytes(data, "x.md").cells["t3.granted.total"] == 99


def test_other_refusals_use_their_rule():
    rec = example_record()
    with pytest.raises(RefusedTotals) as e:
        prepare(_with(rec, t4__suit_direct__total=7))
    assert [c.rule for c in e.value.conflicts] == ["XG401"]
    with pytest.raises(RefusedTotals) as e:
        prepare(_with(rec, t3__total__natural=40))
    assert "XG303" in {c.rule for c in e.value.conflicts}
    with pytest.raises(RefusedTotals) as e:  # 表三 no longer balances in 自然人
        prepare(_with(rec, t3__new__natural=47))
    assert {c.rule for c in e.value.conflicts} == {"XG301"}
    assert any("自然人" in m for m in e.value.messages)


def test_seed_with_wrong_totals_refused_on_the_command_line(tmp_path):
    seed = next(SEEDS.glob("004_*.txt"))
    res = CliRunner().invoke(app, ["render", str(seed), "--to", "md"])
    assert res.exit_code == 2
    assert "XG302" in res.output and "予以公开" in res.output
    assert "Traceback" not in res.output
    ok = CliRunner().invoke(app, ["render", str(seed), "--to", "md", "--keep-given", "-o", str(tmp_path / "a.md")])
    assert ok.exit_code == 0, ok.output
    assert xxgk.parse_path(tmp_path / "a.md").cells["t3.granted.total"] == xxgk.parse_path(seed).cells["t3.granted.total"]


def test_json_record_with_wrong_total_refused(tmp_path):
    rec = _with(example_record(), t4__review__total=5)
    p = tmp_path / "r.json"
    p.write_text(json.dumps(record_to_builtins(rec), ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(app, ["render", str(p), "--to", "txt", "--lang", "en"])
    assert res.exit_code == 2
    assert "XG401" in res.output and "given totals disagree" in res.output
