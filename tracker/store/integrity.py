"""Is the record whole, and unchanged since the program last wrote it?

- :func:`quick_check`: SQLite's cheap structural check, run by ``Record.open``.
- :func:`find_problems` / :func:`check_record`: the full check behind
  ``treatment-tracker check``: structure (``integrity_check``), links
  (``foreign_key_check``), format version and program mark, and every row's
  seal (:mod:`tracker.store.checksums`), naming in plain words any entry that
  was changed outside the program ("a blood count of 2026-05-10 was changed
  outside the program").
- :func:`quarantine`: move a damaged record aside as ``<name>.damaged`` (never
  deleted, never overwritten) so that a backup can take its place.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import analytes, labels
from tracker.store import checksums, durable, schema
from tracker.store.errors import NotARecord, RecordError, WrongLayout, translated
from tracker.store.files import APPLICATION_ID, check_record_file
from tracker.store.lock import RecordLock
from tracker.store.schema import MIGRATIONS, SEALED_SINCE, SEALED_TABLES

DAMAGED_SUFFIX = ".damaged"
_SIBLINGS = ("-journal", "-wal", "-shm")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a record; ``message`` says it in plain words."""

    kind: str  # "structure", "link", "format", "changed", "unsealed", "unreadable"
    message: str
    table: str | None = None
    row_id: int | None = None

    def __str__(self) -> str:
        return self.message


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Raise NotARecord if SQLite's quick structural check finds the file damaged."""
    with translated(path, "open the record"):
        lines = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
    if lines != ["ok"]:
        raise NotARecord(
            f"{path} is damaged (SQLite's check says: {first_finding(lines)}). It has not been "
            "changed; restore it from a backup."
        )


@functools.cache
def expected_columns(version: int) -> frozenset[tuple[str, str]]:
    """Every (table, column) of a record of format ``version``, as the program makes it."""
    conn = sqlite3.connect(":memory:")
    try:
        for step in MIGRATIONS[:version]:
            step(conn)
        return _columns(conn)
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection) -> frozenset[tuple[str, str]]:
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )
    ]
    return frozenset(
        (table, str(col[1]))
        for table in tables
        for col in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))
    )


def schema_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """Why the tables of the open file are not those of a record of format ``version``."""
    if not 1 <= version <= len(MIGRATIONS):
        return f"its format number ({version}) is not one of a treatment record"
    found = _columns(conn)
    wanted = expected_columns(version)
    if found == wanted:
        return _identity_problem(conn, version)
    missing = sorted({t for t, _ in wanted - found})
    if missing:
        return f"the table {missing[0]} of a record of format {version} is missing or different"
    extra = sorted({t for t, _ in found - wanted})
    return f"it has the table {extra[0]}, which a record of format {version} does not have"


_IDENTITY_SINCE = 3  # record format 3 gave every record an id and a save counter (meta rows)


def _identity_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """Format 3 added rows, not columns: its id and save counter tell it from format 2."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'"
    ).fetchone():
        return None if version < _IDENTITY_SINCE else "it has no table meta"
    keys = {
        str(r[0])
        for r in conn.execute(
            "SELECT key FROM meta WHERE key IN (?, ?)", (schema.META_RECORD_ID, schema.META_SAVES)
        )
    }
    if version >= _IDENTITY_SINCE and len(keys) < 2:
        return f"the record id and save counter of a record of format {version} are missing"
    if version < _IDENTITY_SINCE and keys:
        return (
            f"it holds the record id and save counter of format {_IDENTITY_SINCE} although it "
            f"says it is format {version}"
        )
    return None


def check_schema(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Raise NotARecord, naming what is wrong, unless the tables are a record's."""
    with translated(path, "open the record"):
        problem = schema_problem(conn, version)
    if problem:
        raise WrongLayout(
            f"{path} is not a treatment record this program can open: {problem}. "
            "The file has not been changed."
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
        return f"a damaged file (SQLite's check says: {first_finding(integrity)})"
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return "a file that is not a treatment record"
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    problem = schema_problem(conn, version)
    if problem:
        return f"a file that is not a whole record ({problem})"
    return None


def first_finding(lines: list[str]) -> str:
    """The first line of an integrity report that says something (not "*** in database")."""
    for line in lines:
        text = " ".join(line.split())
        if text and not text.startswith("***"):
            return text
    return " ".join(lines[0].split()) if lines else "no answer"


def find_problems(conn: sqlite3.Connection) -> list[Problem]:
    """Everything wrong with the open record; an empty list means all is well."""
    found: list[Problem] = []
    integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        found.extend(Problem("structure", f"integrity: {line}") for line in integrity)
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        found.append(
            Problem("link", f"{table} row {rowid} points to a missing {parent}", table, rowid)
        )
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version != schema.SCHEMA_VERSION:
        found.append(
            Problem("format", f"record format {version}, expected {schema.SCHEMA_VERSION}")
        )
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    if app != APPLICATION_ID:
        found.append(Problem("format", "the file's program mark is not Treatment Tracker's"))
    if version >= SEALED_SINCE:
        found.extend(changed_rows(conn))
    return found


def changed_rows(conn: sqlite3.Connection) -> list[Problem]:
    """Rows whose seal does not match their content, each named in plain words."""
    found: list[Problem] = []
    existing = {
        str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    for table in SEALED_TABLES:
        if table not in existing:
            found.append(Problem("format", f"the table of {_KIND.get(table, table)} is missing"))
            continue
        if not checksums.has_checksums(conn, table):
            found.append(Problem("format", f"the table {table} has no check marks"))
            continue
        try:
            broken = list(checksums.broken_rows(conn, table))
        except sqlite3.DatabaseError as exc:
            found.append(
                Problem(
                    "unreadable",
                    f"the {_KIND.get(table, table)} cannot be read ({exc}); the file is damaged",
                    table,
                )
            )
            continue
        for row, had_seal in broken:
            what = describe_row(conn, table, row)
            where = f"(table {table}, row {row['id']})"
            if had_seal:
                message = f"{what} was changed outside the program {where}"
                kind = "changed"
            else:
                message = (
                    f"{what} was added or changed outside the program: it has no check mark {where}"
                )
                kind = "unsealed"
            found.append(Problem(kind, message, table, int(row["id"])))
    return found


_KIND = {
    "child": "children",
    "phase": "phases",
    "milestone": "milestones",
    "count_result": "blood counts",
    "count_value": "blood values",
    "cns_visit": "lumbar punctures",
    "cns_it_drug": "intrathecal drugs",
    "team_threshold": "team thresholds",
    "appointment": "appointments",
    "question": "questions",
    "meta": "program notes",
}


def describe_row(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> str:
    """A row as a parent would recognise it: "a blood count of 2026-05-10"."""
    try:
        return _describe(conn, table, row)
    except (sqlite3.DatabaseError, KeyError, TypeError, ValueError):
        return f"an entry in {_KIND.get(table, table)}"


def _describe(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> str:
    if table == "child":
        return f"the entry for the child {row['name']!s}"
    if table == "phase":
        start = row["actual_start"] or row["planned_start"]
        name = row["name"] or labels.PHASE_KIND.get(str(row["kind"]), str(row["kind"]))
        return f"the phase {name} starting {start}"
    if table == "milestone":
        return f"a milestone of {row['date']}"
    if table == "count_result":
        return f"a blood count of {row['taken_date']}"
    if table == "count_value":
        found = conn.execute(
            "SELECT taken_date FROM count_result WHERE id = ?", (row["result_id"],)
        ).fetchone()
        name = _analyte_name(str(row["analyte"]))
        when = f" of {found[0]}" if found else ""
        return f"a blood value ({name}) in the blood count{when}"
    if table == "cns_visit":
        return f"a lumbar puncture of {row['date']}"
    if table == "cns_it_drug":
        found = conn.execute(
            "SELECT date FROM cns_visit WHERE id = ?", (row["visit_id"],)
        ).fetchone()
        drug = labels.IT_DRUG.get(str(row["drug"]), str(row["drug"]))
        when = f" of {found[0]}" if found else ""
        return f"an intrathecal drug ({drug}) of the lumbar puncture{when}"
    if table == "team_threshold":
        return f"the team's number for {_analyte_name(str(row['analyte']))}"
    if table == "appointment":
        return f"an appointment of {row['date']}"
    if table == "question":
        return f"a question added on {row['added_on']}"
    if table == "meta":
        return f"the program's note “{row['key']}”"
    return f"an entry in {table}"


def _analyte_name(code: str) -> str:
    found = analytes.BY_CODE.get(code)
    return found.name if found else code


def open_read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot write (``immutable`` also skips locks and journals, so a
    journal or WAL beside the file is never played into what is read).

    Without ``immutable``, a journal or WAL beside the file that is not its own is refused
    plainly (:func:`tracker.store.journal.refuse_strays`) instead of being played into it.
    """
    query = "?mode=ro&immutable=1" if immutable else "?mode=ro"
    if not immutable:
        from tracker.store.journal import refuse_strays

        refuse_strays(path)
    with translated(path, "read the record"):
        conn = sqlite3.connect(path.resolve().as_uri() + query, uri=True, isolation_level=None)
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
        except BaseException:
            conn.close()
            raise
    return conn


def check_record(path: Path) -> list[Problem]:
    """The full check of the record file at ``path``, read-only (nothing is written).

    A file that is not a record at all raises NotARecord/TooNew like ``Record.open``.
    """
    try:
        check_record_file(path, schema.SCHEMA_VERSION)
    except FileNotFoundError:
        raise NotARecord(f"There is no record file at {path}.") from None
    conn = open_read_only(path)
    try:
        with translated(path, "check the record"):
            return find_problems(conn)
    except NotARecord as exc:
        return [Problem("structure", str(exc))]
    finally:
        conn.close()


def quarantine(record_path: Path) -> Path:
    """Move a damaged record aside as ``<name>.damaged`` (``-2``, ``-3``… if taken).

    Nothing is deleted or overwritten; an unfinished save's journal goes with the
    file, under the name SQLite would look for, and so do journals set aside from beside
    it as not its own (``.foreign``).  Refused (RecordInUse) while the
    record is open in the program.  Returns where the file is now.  Then offer
    ``backup.newest_verified_backup`` and ``backup.restore``.
    """
    record_path = Path(record_path)
    if not (record_path.exists() or record_path.is_symlink()):
        raise RecordError(f"There is no record file at {record_path} to move aside.")
    with RecordLock.acquire(record_path):
        return move_damaged_aside(record_path)


def move_damaged_aside(record_path: Path) -> Path:
    """:func:`quarantine` for a caller that already holds the record's lock."""
    moved = durable.move_aside(record_path, DAMAGED_SUFFIX)
    for sibling in _SIBLINGS:
        extra = record_path.with_name(record_path.name + sibling)
        beside = moved.with_name(moved.name + sibling)
        if extra.exists() and not durable.rename_no_replace(extra, beside):
            durable.move_aside(extra, DAMAGED_SUFFIX)
    _move_set_aside_with(record_path, moved)
    durable.fsync_folder(record_path.parent)
    return moved


def _move_set_aside_with(record_path: Path, moved: Path) -> None:
    """The journals and WALs set aside from beside the record as not its own
    (``<name>-journal.foreign``, ``-2``…) go with it, under its new name: they are part of
    its story (if one was its own after all, it is beside the file it belongs to), and
    beside the record that takes its place they would be taken for that one's.  Never
    over an existing file: a taken name gets the next number."""
    from tracker.store.journal import FOREIGN_SUFFIX

    pattern = re.compile(
        rf"^{re.escape(record_path.name)}(?P<sib>{'|'.join(_SIBLINGS)})"
        rf"{re.escape(FOREIGN_SUFFIX)}(?:-\d+)?$"
    )
    try:
        entries = sorted(record_path.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None or not (entry.is_file() or entry.is_symlink()):
            continue
        base = f"{moved.name}{m['sib']}{FOREIGN_SUFFIX}"
        target = moved.with_name(entry.name.replace(record_path.name, moved.name, 1))
        n = 1
        while not durable.rename_no_replace(entry, target):  # never over an existing file
            n += 1
            target = moved.with_name(f"{base}-{n}")
