"""Write docs/rules.md from the rule registry (the registry is the source).

    python scripts/gen_docs.py          # rewrite docs/rules.md
    python scripts/gen_docs.py --check  # exit 1 if docs/rules.md is out of date (a test runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

from xxgk.check import RULES
from xxgk.check.output import doc_parts

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
SEV = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}


def render() -> str:
    out = [
        "# 检查规则 · Check rules",
        "",
        "Generated from the rule registry (`src/xxgk/check/rules/`) by `scripts/gen_docs.py`; do not edit by hand.",
        "Ids never change meaning; new rules take new ids. `xxgk rules ID` prints the same text.",
        "",
        "| id | severity | layouts | 规则 | rule |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rid, r in sorted(RULES.items()):
        lays = ", ".join(x or "unknown" for x in r.layouts)
        out.append(f"| [{rid}](#{rid.lower()}) | {SEV[r.severity]} | {lays} | {r.title} | {r.title_en} |")
    for rid, r in sorted(RULES.items()):
        zh, en = doc_parts(r.doc)
        out += ["", f"## {rid}", "", f"**{r.title}** — {r.title_en} ({SEV[r.severity]})" + (" — needs the previous year's report" if r.needs_previous else ""), "", zh.strip(), ""]
        if en.strip():
            out += [en.strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        return 0 if DOC.exists() and DOC.read_text(encoding="utf-8") == text else 1
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
