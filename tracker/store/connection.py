"""Opening the record's SQLite file with its settings, its lock, and one write transaction.

Settings per design.md §2: ``isolation_level=None`` (every save is one explicit
``BEGIN IMMEDIATE … COMMIT``), rollback journal, ``synchronous=FULL``, ``foreign_keys=ON``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.i18n import tr
from tracker.store import journal
from tracker.store.errors import CannotSave, NotARecord, translated
from tracker.store.lock import RecordLock
from tracker.store.schema import count_save
from tracker.store.structure import check_schema


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection with the record's settings; SQLite's refusals become RecordErrors.

    Read-write: foreign keys on, ``synchronous=FULL``, rollback journal (the file
    at rest is whole on its own), a short busy timeout.  Read-only: ``mode=ro``
    and ``query_only``, so nothing can be written through it.

    A journal or WAL beside the file is played into it only when it is proven the
    record's own (:mod:`tracker.store.journal`): for writing (the caller holds the lock)
    another one is set aside, for reading it is refused plainly.  The file's tables must
    be those of a record of its format (NotARecord otherwise, nothing changed).
    """
    conn, _ = open_connection(path, read_only)
    return conn


def open_connection(
    path: Path, read_only: bool = False
) -> tuple[sqlite3.Connection, list[journal.SetAside]]:
    """:func:`connect`, also saying what was set aside from beside the record."""
    if read_only:
        journal.refuse_strays(path)
        moved: list[journal.SetAside] = []
    else:
        with translated(path, tr("open the record")):
            try:
                moved = journal.settle(path)
            except OSError as exc:
                raise CannotSave(
                    tr(
                        "Could not open the record: a file beside {path} that is not part of it "
                        "could not be set aside ({strerror}); nothing was changed."
                    ).format(path=path, strerror=exc.strerror)
                ) from exc
    conn = configured(path, read_only)
    try:
        with translated(path, tr("open the record")):
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        check_schema(conn, path, version)
    except BaseException:
        conn.close()
        raise
    return conn, moved


def configured(path: Path, read_only: bool) -> sqlite3.Connection:
    with translated(path, tr("open the record")):
        if read_only:
            uri = path.resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            conn.row_factory = sqlite3.Row
            if read_only:
                conn.execute("PRAGMA query_only = ON")
                conn.execute("PRAGMA busy_timeout = 5000")
            else:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA busy_timeout = 2000")
        except BaseException:
            conn.close()
            raise
        return conn


def same_version(conn: sqlite3.Connection, path: Path, version: int) -> None:
    with translated(path, tr("open the record")):
        found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found != version:  # changed between the look and the open
        raise NotARecord(
            tr("{path} changed while it was being opened; try again.").format(path=path)
        )


def take_lock(path: Path) -> RecordLock:
    """The one-writer lock for ``path`` (on ``<record>.lock`` and on the record itself).

    Never "no lock": RecordInUse if another copy of the program has the record,
    OnlyReadable if it cannot be changed here (read-only disk, folder or file),
    CannotSave with what to do if the lock file cannot be used (tracker/store/lock.py).
    """
    lock = RecordLock.acquire(path)
    try:
        lock.require_writable()
    except BaseException:
        lock.release()
        raise
    return lock


@contextmanager
def transaction(conn: sqlite3.Connection, *, saves_above: int = 0) -> Iterator[None]:
    """One write transaction that raises the save counter (to more than ``saves_above``);
    any error rolls it back (if SQLite has not already) and is raised."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        # Backups are ordered by this counter (tracker/store/backup.py).
        count_save(conn, at_least=saves_above)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
