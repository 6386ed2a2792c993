"""The store's two smallest tools over a DuckDB connection: a transaction that is never left
open, and whether a table exists.  (Below every other module of the store: the schema's
migrations, the pre-aggregates and the writers all use them.)"""

from __future__ import annotations

from contextlib import contextmanager

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN … COMMIT, rolled back on any exception (Ctrl-C included) — never left open."""
    try:
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # BEGIN itself did not happen
        raise


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = current_database()", [table]
        ).fetchone()[0]
    )
