"""Is an open file laid out as a record of this program, and whole after a recovery?

- :func:`check_schema` / :func:`schema_problem`: its tables and columns are exactly those
  the program's migrations make for its format number (and format 3's id and save
  counter are there), so no other program's SQLite file is taken for a record.
- :func:`problems_after_recovery`: a private copy into which SQLite played a journal or
  WAL is a whole record (structure, program mark, format, tables); the journal check
  (:mod:`tracker.store.journal`) lets a journal in only then.

Only reads; the full check of a record (links, seals) is :mod:`tracker.store.integrity`.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

from tracker.i18n import tr
from tracker.store import schema
from tracker.store.errors import WrongLayout, translated
from tracker.store.files import APPLICATION_ID
from tracker.store.schema import MIGRATIONS


@functools.cache
def expected_columns(version: int) -> frozenset[tuple[str, str, bool]]:
    """Every (table, column, whether it may be NULL) of a record of format ``version``, as
    the program makes it (format 10 only let a plan's form be NULL)."""
    conn = sqlite3.connect(":memory:")
    try:
        for step in MIGRATIONS[:version]:
            step(conn)
        return _columns(conn)
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection) -> frozenset[tuple[str, str, bool]]:
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )
    ]
    return frozenset(
        (table, str(col[1]), not col[3])  # pragma_table_info: cid, name, type, notnull, …
        for table in tables
        for col in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))
    )


def schema_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """Why the tables of the open file are not those of a record of format ``version``."""
    if not 1 <= version <= len(MIGRATIONS):
        return tr("its format number ({version}) is not one of a treatment record").format(
            version=version
        )
    found = _columns(conn)
    wanted = expected_columns(version)
    if found == wanted:
        return _identity_problem(conn, version)
    missing = sorted({t for t, *_ in wanted - found})
    if missing:
        return tr(
            "the table {value} of a record of format {version} is missing or different"
        ).format(value=missing[0], version=version)
    extra = sorted({t for t, *_ in found - wanted})
    return tr("it has the table {value}, which a record of format {version} does not have").format(
        value=extra[0], version=version
    )


_IDENTITY_SINCE = 3  # record format 3 gave every record an id and a save counter (meta rows)


def _identity_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """Format 3 added rows, not columns: its id and save counter tell it from format 2."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'"
    ).fetchone():
        return None if version < _IDENTITY_SINCE else tr("it has no table meta")
    keys = {
        str(r[0])
        for r in conn.execute(
            "SELECT key FROM meta WHERE key IN (?, ?)", (schema.META_RECORD_ID, schema.META_SAVES)
        )
    }
    if version >= _IDENTITY_SINCE and len(keys) < 2:
        return tr(
            "the record id and save counter of a record of format {version} are missing"
        ).format(version=version)
    if version < _IDENTITY_SINCE and keys:
        return tr(
            "it holds the record id and save counter of format {IDENTITY_SINCE} "
            "although it says it is format {version}"
        ).format(IDENTITY_SINCE=_IDENTITY_SINCE, version=version)
    return None


def check_schema(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Raise NotARecord, naming what is wrong, unless the tables are a record's."""
    with translated(path, tr("open the record")):
        problem = schema_problem(conn, version)
    if problem:
        raise WrongLayout(
            tr(
                "{path} is not a treatment record this program can open: {problem}. The "
                "file has not been changed."
            ).format(path=path, problem=problem)
        )


def problems_after_recovery(conn: sqlite3.Connection) -> str | None:
    """The first thing wrong with a private copy after SQLite played a journal or WAL into it:
    a whole treatment record (structure, program mark, format, tables) or not.

    Seals and links are not asked for: a record may carry an entry changed outside the
    program (``check`` names it, the program opens it), and undoing a save cut short gives
    back the record as it was before that save, that entry included; a save that sealed it
    again would make any comparison with the half-written file look worse."""
    integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        return tr("a damaged file (SQLite's check says: {value})").format(
            value=first_finding(integrity)
        )
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return tr("a file that is not a treatment record")
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    problem = schema_problem(conn, version)
    if problem:
        return tr("a file that is not a whole record ({problem})").format(problem=problem)
    return None


def first_finding(lines: list[str]) -> str:
    """The first line of an integrity report that says something (not "*** in database")."""
    for line in lines:
        text = " ".join(line.split())
        if text and not text.startswith("***"):
            return text
    return " ".join(lines[0].split()) if lines else tr("no answer")
