"""Bulk inserts: column lists → numpy arrays that DuckDB scans in place (no pandas, no row at a time)."""

from __future__ import annotations

import duckdb


def insert_columns(con: duckdb.DuckDBPyConnection, table: str, types: dict[str, str], columns: dict[str, list]) -> None:
    """Bulk insert of column lists through numpy arrays that DuckDB scans in place (no pandas, no row-at-a-time).

    Types: ``int`` (no NULL), ``int?`` and ``float?`` (None = NULL), ``str`` (None = NULL), ``bool``,
    ``date`` / ``timestamp`` (ISO strings or None).  A column of ``int``, ``float?`` (NaN = NULL) or
    ``bool`` may come as a numpy array."""
    import numpy as np

    arrays, exprs = {}, []
    for i, (name, kind) in enumerate(types.items()):
        values = columns[name]
        col = f"c{i}"
        if isinstance(values, np.ndarray) and kind in ("int", "float?", "bool"):  # already an array (NaN = NULL)
            arrays[col] = values.astype({"int": np.int64, "float?": np.float64, "bool": np.bool_}[kind], copy=False)
            exprs.append(f"CASE WHEN isnan({col}) THEN NULL ELSE {col} END" if kind == "float?" else col)
        elif kind == "int":
            arrays[col] = np.fromiter(values, dtype=np.int64, count=len(values))
            exprs.append(col)
        elif kind in ("int?", "float?"):
            arrays[col] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
            cast = "BIGINT" if kind == "int?" else "DOUBLE"
            exprs.append(f"CASE WHEN isnan({col}) THEN NULL ELSE CAST({col} AS {cast}) END")
        elif kind == "bool":
            arrays[col] = np.array(values, dtype=np.bool_)
            exprs.append(col)
        else:
            arrays[col] = np.array(values, dtype=object)
            sql_type = {"str": "VARCHAR", "date": "DATE", "timestamp": "TIMESTAMP"}[kind]
            exprs.append(f"CAST({col} AS {sql_type})")
    view = f"_xxgk_new_{table}"
    con.register(view, arrays)
    try:
        names = ", ".join(f'"{c}"' for c in types)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(exprs)} FROM {view}")
    finally:
        con.unregister(view)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows of Python values; each column is cast by DuckDB to the table's type."""
    import numpy as np

    arrays = {f"c{i}": np.array([r[i] for r in rows], dtype=object) for i in range(len(columns))}
    view = f"_xxgk_new_{table}"
    con.register(view, arrays)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(arrays)} FROM {view}")
    finally:
        con.unregister(view)
