"""Print a parsed record's tables compactly (a debugging aid)."""
import sys

import xxgk
from xxgk.layouts import layout_for

for path in sys.argv[1:]:
    r = xxgk.parse_path(path)
    print("==", path, r.meta)
    lay = layout_for(r.meta.template)
    for t in lay.tables:
        for row in t.rows:
            cols = t.columns_of(row)
            vals = []
            for c in cols:
                k = f"{t.key}.{row.key}.{c.key}"
                vals.append(("-" if k not in r.cells else ("·" if r.cells[k] is None else str(r.cells[k]))) + ("?" if k in r.uncertain else ""))
            print(f"  {t.key}.{row.key:22s}", " ".join(f"{v:>5s}" for v in vals))
    extra = [k for k in r.cells if k.startswith("t3.other.") and lay.template == "2021"]
    if extra:
        print("  t3.other", [r.cells[k] for k in extra])
    print("  raw", r.raw, "uncertain", r.uncertain, "notes", r.notes)
