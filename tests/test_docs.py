"""Generated documentation is up to date with the code it documents."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_rules_doc_is_generated_from_the_registry():
    rc = subprocess.call([sys.executable, str(REPO / "scripts" / "gen_docs.py"), "--check"])
    assert rc == 0, "docs/rules.md is stale: run `python scripts/gen_docs.py`"


def test_every_rule_of_the_spec_is_registered():
    from xxgk.check import RULES

    spec = REPO / "docs" / "rules.md"
    assert spec.exists()
    ids = {f"XG{n}" for n in (101, 102, 103, 104, 105, 106, 107, 108, 201, 202, 203, 204, 301, 302, 303, 304, 401, 501, 502, 503, 504, 510, 511, 512, 513, 601, 602, 603, 604, 605, 701, 702, 703)}
    assert ids <= set(RULES)
