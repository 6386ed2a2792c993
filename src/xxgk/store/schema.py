"""The DuckDB schema of the store, as versioned migrations.

``connect(path)`` opens (or creates) the database file and applies every
migration the file has not seen yet, each in its own transaction, recording
it in ``schema_version``.  Migrations are append-only: never edit one that
has shipped, add the next number.  docs/store.md documents the tables.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .db import has_table, transaction  # noqa: F401 (transaction: the store's modules take it from here)

DEFAULT_DB = "xxgk.duckdb"

# (version, description, SQL statements)
MIGRATIONS: list[tuple[int, str, tuple]] = [
    (
        1,
        "reports, cells, findings, sections, agencies, cross-year checks",
        (
            """CREATE TABLE agencies (
                id INTEGER PRIMARY KEY,
                name VARCHAR NOT NULL,          -- display name (as first seen, or renamed by hand)
                norm VARCHAR NOT NULL,          -- normalised name of that display name
                province VARCHAR, city VARCHAR, county VARCHAR,
                level VARCHAR,                  -- 部委 省 市 县 乡镇 部门
                tier VARCHAR,                   -- for a 部门: the tier of its government (中央 省 市 县 乡镇)
                merged_into INTEGER,            -- set when merged into another agency
                created_at TIMESTAMP DEFAULT current_timestamp
            )""",
            """CREATE TABLE agency_aliases (
                spelling VARCHAR PRIMARY KEY,   -- every spelling seen, as written
                norm VARCHAR NOT NULL,          -- its normalised form: the key spellings meet under
                agency_id INTEGER NOT NULL
            )""",
            """CREATE TABLE reports (
                id INTEGER PRIMARY KEY,
                sha256 VARCHAR NOT NULL,
                parser_version VARCHAR NOT NULL,
                source_path VARCHAR NOT NULL,
                format VARCHAR,
                title VARCHAR,
                agency VARCHAR,                 -- the agency as the report writes it
                agency_id INTEGER,
                province VARCHAR, city VARCHAR, county VARCHAR,
                level VARCHAR,
                year INTEGER,
                layout VARCHAR,                 -- meta.template: 2019 / 2021 / pre2019 / NULL
                published DATE,                 -- the date the document states
                parsed_at TIMESTAMP NOT NULL,
                error VARCHAR,                  -- NULL when parsed; the one-line reason otherwise
                error_en VARCHAR,
                checked BOOLEAN NOT NULL DEFAULT false,  -- single-report checks have run
                current BOOLEAN NOT NULL DEFAULT false,  -- the newest successful parse of this file
                n_cells INTEGER, n_blank INTEGER, n_uncertain INTEGER,
                notes VARCHAR,                  -- JSON list of the extractor's notes
                UNIQUE (sha256, parser_version)
            )""",
            """CREATE TABLE cells (
                report_id INTEGER NOT NULL,
                key VARCHAR NOT NULL,           -- t3.new.total (report-json.md)
                value DOUBLE,                   -- NULL = blank (or text that is not a number)
                raw VARCHAR,                    -- the source text when it was not a plain number
                blank BOOLEAN NOT NULL,         -- value IS NULL: shown but empty, never 0
                uncertain BOOLEAN NOT NULL
            )""",
            """CREATE TABLE findings (
                report_id INTEGER NOT NULL,
                rule VARCHAR NOT NULL,
                severity VARCHAR NOT NULL,
                cells VARCHAR,                  -- JSON list of the cell keys / sections named
                message VARCHAR,
                message_en VARCHAR,
                culprit VARCHAR,
                previous_id INTEGER             -- XG6xx: the previous-year report compared with
            )""",
            """CREATE TABLE sections (
                report_id INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                no INTEGER,
                printed INTEGER,
                title VARCHAR,
                text VARCHAR
            )""",
            """CREATE TABLE cross_checks (
                report_id INTEGER NOT NULL,
                previous_id INTEGER NOT NULL,
                checked_at TIMESTAMP DEFAULT current_timestamp
            )""",
            "CREATE INDEX cells_report ON cells (report_id)",
            "CREATE INDEX findings_report ON findings (report_id)",
            # the newest successful parse of every distinct file: what summaries and exports read
            "CREATE VIEW current_reports AS SELECT * FROM reports WHERE current",
        ),
    ),
    (
        2,
        "report_cells: one row per report, one column per cell key; findings counted on reports",
        (
            lambda con: _wide().migrate_wide(con),
            # pre-aggregates for report lists: single-report findings plus cross-year ones
            "ALTER TABLE reports ADD COLUMN n_errors INTEGER DEFAULT 0",
            "ALTER TABLE reports ADD COLUMN n_warnings INTEGER DEFAULT 0",
            "ALTER TABLE reports ADD COLUMN n_infos INTEGER DEFAULT 0",
            """UPDATE reports SET n_errors = f.e, n_warnings = f.w, n_infos = f.i
               FROM (SELECT report_id, count(*) FILTER (WHERE severity = 'error') AS e, count(*) FILTER (WHERE severity = 'warning') AS w,
                            count(*) FILTER (WHERE severity = 'info') AS i FROM findings
                     -- a cross-year finding against a report that is no longer current does not count
                     WHERE previous_id IS NULL OR previous_id IN (SELECT id FROM reports WHERE current) GROUP BY report_id) f
               WHERE f.report_id = reports.id""",
        ),
    ),
    (
        3,
        "one report per agency and year: copies and corrected versions (counted, primary_id, variant); the agency register",
        (
            # copies of one report (an HTML page and its crawled text, a PDF and its scan) and the
            # earlier version of a corrected re-publication stay stored but do not count
            "DROP VIEW current_reports",
            "ALTER TABLE reports ADD COLUMN counted BOOLEAN DEFAULT true",
            "ALTER TABLE reports ADD COLUMN primary_id INTEGER",  # the counted report this one is a copy / earlier version of
            "ALTER TABLE reports ADD COLUMN variant VARCHAR",  # NULL | 'copy' | 'superseded' (earlier version) | 'correction' (the later one)
            "UPDATE reports SET counted = true",
            # what summaries, exports and agency lists read: the newest parse of every file, one per report
            "CREATE VIEW current_reports AS SELECT * FROM reports WHERE current AND coalesce(counted, true)",
            # every current parse, copies included (to list the alternates)
            "CREATE VIEW parsed_reports AS SELECT * FROM reports WHERE current",
            """CREATE TABLE register (
                agency_id INTEGER NOT NULL,     -- the agency the register line names
                name VARCHAR NOT NULL,          -- the name as the register writes it
                region_code VARCHAR,            -- 行政区划代码 (6 or 12 digits)
                level VARCHAR,
                parent VARCHAR,                 -- the supervising body, as written
                loaded_at TIMESTAMP DEFAULT current_timestamp
            )""",
            "ALTER TABLE agencies ADD COLUMN region_source VARCHAR",  # NULL (from the name) | 'register' | 'hand'
        ),
    ),
    (
        4,
        "review status of each report (待审/已审/退回), kept by content hash across parser versions",
        (
            """CREATE TABLE reviews (
                sha256 VARCHAR PRIMARY KEY,     -- the report's file (reports.sha256): survives a re-parse
                status VARCHAR NOT NULL,        -- 已审 / 退回 (no row: 待审)
                note VARCHAR,                   -- the reviewer's remark
                updated_at TIMESTAMP DEFAULT current_timestamp
            )""",
        ),
    ),
    (
        5,
        "pre-aggregates of the summary: report_figures (per report), summary_cube and summary_blanks (per year, province, city and level)",
        (lambda con: _cube().migrate_cube(con),),
    ),
]


def _cube():
    from . import cube

    return cube


def _wide():
    from . import wide

    return wide

SCHEMA_VERSION = MIGRATIONS[-1][0]

# A read-only connection for SQL typed by a user: no files but the store, no network,
# no extensions installed or loaded, and the settings locked so that SQL cannot undo them.
SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


def migrate(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations this database lacks (up to ``target``, for tests of a migration); return its version."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)")
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    have = row[0] or 0
    if have > SCHEMA_VERSION:
        raise RuntimeError(f"database schema version {have} is newer than this xxgk ({SCHEMA_VERSION})")
    for version, desc, statements in MIGRATIONS:
        if version <= have or version > target:
            continue
        with transaction(con):
            for sql in statements:  # SQL, or a function of the connection for a step SQL alone cannot do
                sql(con) if callable(sql) else con.execute(sql)
            con.execute("INSERT INTO schema_version (version, description) VALUES (?, ?)", [version, desc])
    return min(target, SCHEMA_VERSION)


def _behind(path: str) -> bool:
    """Whether the store at ``path`` has a schema older than this xxgk's (False when it cannot tell)."""
    try:
        with duckdb.connect(path, read_only=True) as con:
            return has_table(con, "schema_version") and (con.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0) < SCHEMA_VERSION
    except duckdb.Error:
        return False


def _migrate_file(path: str) -> None:
    """Apply the missing migrations with a short writing connection; a store another process holds is left as it is."""
    try:
        con = duckdb.connect(path)
    except duckdb.Error:
        return
    try:
        con.execute("SET enable_progress_bar = false")
        migrate(con)
    finally:
        con.close()


def connect(path: str | Path = DEFAULT_DB, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store (creating it when absent, unless read-only) at its current schema.
    ``config``: DuckDB settings for a read-only connection (see :data:`SANDBOX`)."""
    path = str(path)
    if read_only:
        if path != ":memory:" and not Path(path).exists():
            raise FileNotFoundError(path)
        cfg = dict(config or {})
        lock = cfg.pop("lock_configuration", False)
        if path != ":memory:" and _behind(path):
            _migrate_file(path)  # a store written by an older xxgk: migrated once, then read
        con = duckdb.connect(path, read_only=True, config=cfg)
        con.execute("SET enable_progress_bar = false")
        if lock:
            con.execute("SET lock_configuration = true")
        return con
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(path)
    con.execute("SET enable_progress_bar = false")
    migrate(con)
    return con
