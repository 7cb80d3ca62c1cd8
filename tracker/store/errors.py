"""What can go wrong with a record file, in words a parent can act on.

*Environment* problems (disk full, read-only, locked, damaged, too new, not a
record) get a clear message and change nothing; anything else from SQLite is a
bug and travels as the original exception.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.i18n import tr

# Primary SQLite result codes (https://www.sqlite.org/rescode.html)
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_NOMEM = 7
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
SQLITE_READONLY_ROLLBACK = SQLITE_READONLY | (3 << 8)  # a hot journal, opened read-only
SQLITE_READONLY_DBMOVED = SQLITE_READONLY | (4 << 8)  # the file was renamed or deleted under us


class RecordError(Exception):
    """A problem with the record file itself; ``str()`` is the message for the family."""


class NotARecord(RecordError):
    """The file is not a treatment record (not SQLite, another program's, empty, damaged)."""


class WrongLayout(NotARecord):
    """The file has our program mark but not the tables of a record of its format (another
    tool made or changed it): refused as it is, never moved aside or replaced."""


class RecordDamaged(NotARecord):
    """A read (or save) met damage inside the record file (SQLite: "database disk image is
    malformed", SQLITE_CORRUPT / SQLITE_NOTADB): the file is kept as it is.  ``path``: the
    record file."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None


class RecordUnreadable(RecordError):
    """The file cannot be read for lack of permission: not damage; nothing is to be moved."""


class TooNew(RecordError):
    """The record was written by a newer version of the program."""


class RecordInUse(RecordError):
    """Another copy of the program has the record open."""


class CannotSave(RecordError):
    """A save failed for a reason outside the program (disk full, read-only, I/O error)."""


class ValidationFailed(RecordError):
    """A record to be saved breaks a rule; ``errors`` maps field → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def environment_error(exc: sqlite3.Error, path: Path | str, doing: str) -> RecordError | None:
    """Translate an SQLite error caused by the machine into a RecordError, else None."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    nothing_lost = tr("nothing that was saved before is lost")
    if primary == SQLITE_FULL:
        return CannotSave(
            tr("Could not {doing}: the disk is full; {nothing_lost}.").format(
                doing=doing, nothing_lost=nothing_lost
            )
        )
    if code == SQLITE_READONLY_ROLLBACK:
        return RecordError(
            tr(
                "Could not {doing}: a save to {path} was cut short (the program or the "
                "computer stopped in the middle of it) and has not been undone yet; the "
                "record has not been changed. Open the record in the program: it undoes "
                "that save only after checking, on a private copy, that it belongs to "
                "this record, and nothing saved before is lost."
            ).format(doing=doing, path=path)
        )
    if code == SQLITE_READONLY_DBMOVED:
        return CannotSave(moved_message(path, doing))
    if primary == SQLITE_READONLY:
        return CannotSave(
            tr("Could not {doing}: the record file {path} is read-only; {nothing_lost}.").format(
                doing=doing, path=path, nothing_lost=nothing_lost
            )
        )
    if primary == SQLITE_IOERR and _nearly_full(path):
        return CannotSave(
            tr("Could not {doing}: the disk is full; {nothing_lost}.").format(
                doing=doing, nothing_lost=nothing_lost
            )
        )
    if primary == SQLITE_IOERR:
        return CannotSave(
            tr(
                "Could not {doing}: the computer reported a problem writing to the disk "
                "(it may be full or failing); {nothing_lost}."
            ).format(doing=doing, nothing_lost=nothing_lost)
        )
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return RecordInUse(
            tr(
                "Could not {doing}: the record {path} is in use by another copy of the program."
            ).format(doing=doing, path=path)
        )
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return RecordDamaged(
            tr(
                "Could not {doing}: the record file {path} is damaged. Restore it from a backup."
            ).format(doing=doing, path=path),
            path,
        )
    if primary == SQLITE_CANTOPEN:
        return CannotSave(
            tr("Could not {doing}: the file {path} cannot be opened.").format(
                doing=doing, path=path
            )
        )
    return None


def moved_message(path: Path | str, doing: str, *, done: bool = False) -> str:
    """The record file was renamed, deleted or replaced while this program had it open.

    ``done``: the save was made, but into the old file, not the one now at ``path``.
    """
    moved = tr(
        "the record file {path} was moved or replaced by another program while it was open"
    ).format(path=path)
    if done:
        return tr(
            "Could not {doing}: {moved}, so this is not in the file now at {path}. "
            "Close the record and open it again, then check your latest entries and "
            "enter again what is missing."
        ).format(doing=doing, moved=moved, path=path)
    return tr(
        "Could not {doing}: {moved}, so this was not saved. Close the record and "
        "open it again, then check your latest entries and enter again what is "
        "missing."
    ).format(doing=doing, moved=moved)


def _nearly_full(path: Path | str) -> bool:
    """Whether the disk holding ``path`` has (almost) no room left: SQLite reports some
    full disks as a plain I/O error."""
    try:
        st = os.statvfs(Path(path).parent)
    except (OSError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < 256 * 1024


@contextmanager
def translated(path: Path | str, doing: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        mapped = environment_error(exc, path, doing)
        if mapped is None:
            raise
        raise mapped from exc
