"""Is the record whole, and unchanged since the program last wrote it?

- :func:`quick_check`: SQLite's cheap structural check, run by ``Record.open``
  (whether the tables are a record's is :mod:`tracker.store.structure`).
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

import contextlib
import functools
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import analytes, range_units
from tracker.i18n import tr
from tracker.kinds import CHILD, all_kinds, by_key, by_table, children_of, tables
from tracker.kinds.kind import definite, sentence_start
from tracker.progress import Cancelled, Progress, no_progress, part_of
from tracker.store import checksums, durable, schema
from tracker.store.errors import NotARecord, RecordError, translated
from tracker.store.files import APPLICATION_ID, check_record_file
from tracker.store.journal import FOREIGN_SUFFIX, refuse_strays
from tracker.store.lock import RecordLock
from tracker.store.schema import SEALED_SINCE, sealed_tables
from tracker.store.structure import expected_columns, first_finding, schema_problem

DAMAGED_SUFFIX = ".damaged"
_SIBLINGS = ("-journal", "-wal", "-shm")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a record; ``message`` says it in plain words."""

    kind: str  # "structure", "link", "format", "changed", "unsealed", "unreadable", "rule"
    message: str
    table: str | None = None
    row_id: int | None = None

    def __str__(self) -> str:
        return self.message


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Raise NotARecord if SQLite's quick structural check finds the file damaged."""
    with translated(path, tr("open the record")):
        lines = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
    if lines != ["ok"]:
        raise NotARecord(
            tr(
                "{path} is damaged (SQLite's check says: {value}). It has not been "
                "changed; restore it from a backup."
            ).format(path=path, value=first_finding(lines))
        )


def find_problems(conn: sqlite3.Connection, progress: Progress = no_progress) -> list[Problem]:
    """Everything wrong with the open record; an empty list means all is well.

    ``progress`` hears of it (:mod:`tracker.progress`): SQLite's structural check is one
    step (about a tenth of the time), then every row's seal, then the rules."""
    found: list[Problem] = []
    progress(0, 100)
    with stoppable(conn, lambda: progress(0, 100)):
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    progress(10, 100)
    if integrity != ["ok"]:
        found.extend(Problem("structure", f"integrity: {line}") for line in integrity)
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        found.append(
            Problem(
                "link",
                tr("{table} row {rowid} points to a missing {parent}").format(
                    table=table, rowid=rowid, parent=parent
                ),
                table,
                rowid,
            )
        )
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version != schema.SCHEMA_VERSION:
        found.append(
            Problem(
                "format",
                tr("record format {version}, expected {SCHEMA_VERSION}").format(
                    version=version, SCHEMA_VERSION=schema.SCHEMA_VERSION
                ),
            )
        )
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    if app != APPLICATION_ID:
        found.append(Problem("format", tr("the file's program mark is not Treatment Tracker's")))
    if version >= SEALED_SINCE:
        found.extend(changed_rows(conn, progress=part_of(progress, 10, 75, 100)))
    progress(85, 100)
    if version == schema.SCHEMA_VERSION and schema_problem(conn, version) is None:
        found.extend(dated_before_birth(conn))  # the kinds' tables are as declared
        found.extend(links_across_children(conn))
        found.extend(shared_uids(conn))
        found.extend(ranges_in_another_unit(conn))
    progress(100, 100)
    return found


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows ``sql`` selects, each as a dict by column name."""
    cur = conn.execute(sql, params)
    names = checksums.column_names(cur)
    return [checksums.as_dict(names, values) for values in cur.fetchall()]


def links_across_children(conn: sqlite3.Connection) -> list[Problem]:
    """Links (a lumbar puncture's phase) to an entry of another child."""
    found: list[Problem] = []
    for kind in all_kinds():
        for f in kind.link_fields:
            target = by_key(f.target)
            assert f.column is not None  # a link is a column of its own
            for row in _rows(
                conn,
                f"SELECT e.* FROM {kind.table} e JOIN {target.table} t ON t.id = e.{f.column} "
                f"WHERE t.{target.parent_column} != e.{kind.parent_column} ORDER BY e.id",
            ):
                what = sentence_start(describe_row(conn, kind.table, row))
                found.append(
                    Problem(
                        "link",
                        tr(
                            "{what} is linked to {singular} {value} of another child (table "
                            "{table}, row {row}); open it and choose one of its own child's "
                            "{plural}"
                        ).format(
                            what=what,
                            singular=tr(target.singular),
                            value=row[f.column],
                            table=kind.table,
                            row=row["id"],
                            plural=tr(target.plural),
                        ),
                        kind.table,
                        int(row["id"]),
                    )
                )
    return found


def ranges_in_another_unit(conn: sqlite3.Connection) -> list[Problem]:
    """Blood values whose lab range cannot be in the value's unit (saved before the program
    refused them): never flagged against, and named here so the family can correct them."""
    found: list[Problem] = []
    for row in _rows(
        conn,
        "SELECT * FROM count_value WHERE range_low IS NOT NULL OR range_high IS NOT NULL "
        "ORDER BY id",
    ):
        if row["analyte"] not in analytes.BY_CODE:
            continue
        problem = range_units.range_unit_problem(
            row["analyte"], row["range_low"], row["range_high"], row["unit"], row["range_text"]
        )
        if problem:
            what = sentence_start(describe_row(conn, "count_value", row))
            found.append(
                Problem(
                    "rule",
                    tr(
                        "{what}: {problem}. It is not used for flags; correct it in that blood "
                        "count"
                    ).format(what=what, problem=problem),
                    "count_value",
                    int(row["id"]),
                )
            )
    return found


def shared_uids(conn: sqlite3.Connection) -> list[Problem]:
    """A uid held by more than one entry (of different kinds: each table keeps its own
    unique); an entry's uid is its identity in exports and between computers."""
    union = " UNION ALL ".join(  # i18n: not shown
        f"SELECT uid, '{t}' AS t FROM {t}" for t in tables()
    )
    rows = conn.execute(
        f"SELECT uid, group_concat(t, ', ') FROM ({union}) GROUP BY uid HAVING count(*) > 1"
    ).fetchall()
    return [
        Problem(
            "link",
            tr("the uid {uid} is held by more than one entry (in {where})").format(
                uid=uid, where=where
            ),
        )
        for uid, where in rows
    ]


def dated_before_birth(conn: sqlite3.Connection) -> list[Problem]:
    """Entries dated before their child's date of birth (the kinds' date rules): a record
    can hold them from before the program refused them, and its own export would then no
    longer load."""
    found: list[Problem] = []
    for child_id, name, birth in conn.execute("SELECT id, name, birth_date FROM child ORDER BY id"):
        for kind in children_of(CHILD):
            for column in kind.birth_date_columns:
                for row in _rows(
                    conn,
                    f"SELECT * FROM {kind.table} WHERE {kind.parent_column} = ? AND {column} < ? "
                    "ORDER BY id",
                    (child_id, birth),
                ):
                    what = describe_row(conn, kind.table, row)
                    found.append(
                        Problem(
                            "rule",
                            tr(
                                "{what} is before {name}'s date of birth ({birth}): correct "
                                "the date of birth or that entry's date"
                            ).format(what=sentence_start(what), name=name, birth=birth),
                            kind.table,
                            int(row["id"]),
                        )
                    )
    return found


PROGRESS_STEPS = 20_000
"""SQLite steps between two looks at ``progress`` within one query (a few milliseconds)."""


def _size(conn: sqlite3.Connection, table: str) -> int:
    """How many rows ``table`` has, to weigh the progress (0 if it cannot be read: the
    check itself then says so)."""
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0


@contextlib.contextmanager
def stoppable(conn: sqlite3.Connection, look: Callable[[], None]) -> Iterator[None]:
    """Within the block, ``look()`` (a progress call) is made every :data:`PROGRESS_STEPS`
    steps of SQLite's work on ``conn``, so a long query hears Cancel: SQLite interrupts it
    and :class:`~tracker.progress.Cancelled` is raised here (not the interruption)."""
    stopped: list[Cancelled] = []

    def handler() -> int:
        try:
            look()
        except Cancelled as exc:
            stopped.append(exc)
            return 1  # SQLite stops the query
        return 0

    conn.set_progress_handler(handler, PROGRESS_STEPS)
    try:
        yield
    except sqlite3.OperationalError:
        if stopped:
            raise stopped[0] from None
        raise
    finally:
        conn.set_progress_handler(None, 0)


def changed_rows(
    conn: sqlite3.Connection, against: str | None = None, *, progress: Progress = no_progress
) -> list[Problem]:
    """Rows whose seal does not match their content, each named in plain words.

    ``against``: an attached, verified copy; only rows that differ from its rows are
    looked at (:func:`tracker.store.checksums.broken_rows`).  ``progress`` hears of the
    rows looked at, table by table (weighed by their rows), and is looked at within a
    table too (:func:`stoppable`): Cancel stops the check there."""
    found: list[Problem] = []
    existing = {
        str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    wanted = sealed_tables()
    if 1 <= version < schema.SCHEMA_VERSION:  # an older format: only the tables it had
        had = {table for table, *_ in expected_columns(version)}
        wanted = tuple(t for t in wanted if t in had)
    sizes = {t: _size(conn, t) for t in wanted if t in existing}
    total, done = sum(sizes.values()), 0
    progress(0, total)
    for table in wanted:
        if table not in existing:
            found.append(
                Problem(
                    "format", tr("the table of {value} is missing").format(value=_plural(table))
                )
            )
            continue
        if not checksums.has_checksums(conn, table):
            found.append(
                Problem("format", tr("the table {table} has no check marks").format(table=table))
            )
            continue
        try:
            with stoppable(conn, functools.partial(progress, done, total)):
                broken = list(checksums.broken_rows(conn, table, against))
        except sqlite3.DatabaseError as exc:
            found.append(
                Problem(
                    "unreadable",
                    tr("the {value} cannot be read ({exc}); the file is damaged").format(
                        value=_plural(table), exc=exc
                    ),
                    table,
                )
            )
            continue
        done += sizes[table]
        progress(done, total)
        for row, had_seal in broken:
            what = describe_row(conn, table, row)
            where = f"(table {table}, row {row['id']})"
            if had_seal:
                message = tr("{what} was changed outside the program {where}").format(
                    what=what, where=where
                )
                kind = "changed"
            else:
                message = tr(
                    "{what} was added or changed outside the program: it has no check mark {where}"
                ).format(what=what, where=where)
                kind = "unsealed"
            found.append(Problem(kind, message, table, int(row["id"])))
    return found


def _plural(table: str) -> str:
    if table == "meta":
        return tr("program notes")
    kind = by_table(table)
    return kind.plural if kind is not None else table


def describe_row(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> str:
    """A row as a parent would recognise it: "a blood count of 2026-05-10" (its kind's
    ``describe``; a row that is part of an entry is named with it)."""
    try:
        return _describe(conn, table, row)
    except (sqlite3.DatabaseError, KeyError, TypeError, ValueError, AttributeError):
        return tr("an entry in {value}").format(value=_plural(table))


def _describe(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> str:
    if table == "meta":
        return tr("the program's note “{value}”").format(value=row["key"])
    kind = by_table(table)
    if kind is None:
        return tr("an entry in {table}").format(table=table)
    text = kind.describe(kind.from_row(row))
    if kind.part_of and kind.parent is not None:
        parent = by_key(kind.parent)
        found = _rows(
            conn, f"SELECT * FROM {parent.table} WHERE id = ?", (row[kind.parent_column],)
        )
        if found:
            whole = parent.describe(parent.from_row(found[0]))
            text += f" {kind.joiner} {definite(whole)}"
    return text


def open_read_only(
    path: Path, *, immutable: bool = False, any_thread: bool = False
) -> sqlite3.Connection:
    """A connection that cannot write (``immutable`` also skips locks and journals, so a
    journal or WAL beside the file is never played into what is read).

    Without ``immutable``, a journal or WAL beside the file that is not its own is refused
    plainly (:func:`tracker.store.journal.refuse_strays`) instead of being played into it.
    ``any_thread``: made on one thread, read on another (one thread at a time).
    """
    query = "?mode=ro&immutable=1" if immutable else "?mode=ro"
    if not immutable:
        refuse_strays(path)
    with translated(path, tr("read the record")):
        conn = sqlite3.connect(
            path.resolve().as_uri() + query,
            uri=True,
            isolation_level=None,
            check_same_thread=not any_thread,
        )
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
        except BaseException:
            conn.close()
            raise
    return conn


def check_record(path: Path, progress: Progress = no_progress) -> list[Problem]:
    """The full check of the record file at ``path``, read-only (nothing is written),
    through a connection of its own (so it may run on any thread; ``progress``: see
    :func:`find_problems`).

    A file that is not a record at all raises NotARecord/TooNew like ``Record.open``.
    """
    try:
        check_record_file(path, schema.SCHEMA_VERSION)
    except FileNotFoundError:
        raise NotARecord(tr("There is no record file at {path}.").format(path=path)) from None
    conn = open_read_only(path)
    try:
        with translated(path, tr("check the record")):
            return find_problems(conn, progress)
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
        raise RecordError(
            tr("There is no record file at {record_path} to move aside.").format(
                record_path=record_path
            )
        )
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
