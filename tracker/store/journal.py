"""A journal or WAL file beside a record is let into it only once it is proven the record's own.

SQLite rolls a *hot* rollback journal (``<record>-journal``) back into the file it opens, and
applies a ``<record>-wal`` it finds, without asking whose they are: another program's journal,
or the record's own stale one beside a different copy put in place, truncates and scrambles
the record (issue 9).  So before a record is opened:

- A hot journal (SQLite's own test: a read-only probe is refused with
  ``SQLITE_READONLY_ROLLBACK``, so a save in progress in another copy of the program, which
  holds SQLite's lock, is not one) must fit this file: its header
  (sqlite.org/fileformat.html §4) has the journal's magic, this file's page size, a sector
  size SQLite writes and no super-journal; the first page it keeps, if any, is one of ours;
  and on a private copy of record + journal the roll-back gives a record whose structure,
  program mark, format and tables pass.  Only then may SQLite roll it back (in place, as
  after any crash).  Seals and links are no test of ownership: the roll-back restores the
  record as it was before the save, with an entry the family may have had changed outside
  the program (``check`` names it), and pages of another copy of the record carry seals
  of their own.
- A non-empty ``-wal`` beside a record in rollback-journal mode (all of ours) is never its
  own, yet SQLite applies it, even read-only.  Beside a file in WAL mode (made so by another
  tool) it is checked on a private copy like a journal.

What is not proven the record's own is renamed ``<name>.foreign`` (``-2``, ``-3``…) when the
record is opened for writing, never deleted; a read-only use changes nothing and says what to
do.  A zero-length journal or one that is not hot is left to SQLite, which ignores it.
What cannot be checked (the disk is full, the journal cannot be read) is not taken for
another's: the record is not opened, nothing is moved, and the message says why
(:class:`CannotCheck`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tracker.i18n import tr
from tracker.store import durable
from tracker.store.errors import (
    SQLITE_BUSY,
    SQLITE_CANTOPEN,
    SQLITE_FULL,
    SQLITE_IOERR,
    SQLITE_LOCKED,
    SQLITE_NOMEM,
    SQLITE_READONLY,
    SQLITE_READONLY_ROLLBACK,
    CannotSave,
    RecordError,
)
from tracker.store.files import APPLICATION_ID, SQLITE_MAGIC
from tracker.store.structure import problems_after_recovery

JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
FOREIGN_SUFFIX = ".foreign"
JOURNAL = "-journal"
WAL = "-wal"


@dataclass(frozen=True, slots=True)
class Stray:
    """A file beside the record that SQLite would play into it, not proven the record's own."""

    path: Path
    reason: str  # why, in words: "it was written for a file with pages of 1024 bytes"


@dataclass(frozen=True, slots=True)
class SetAside:
    stray: Stray
    moved_to: Path

    def __str__(self) -> str:
        return tr(
            "{name} beside the record in {parent} was not part of it: {reason}; it "
            "was set aside as {name2} (nothing was deleted) and the record was "
            "opened as it is."
        ).format(
            name=self.stray.path.name,
            parent=self.stray.path.parent,
            reason=self.stray.reason,
            name2=self.moved_to.name,
        )


def companion(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def strays(path: Path) -> list[Stray]:
    """The journal and WAL beside ``path`` that are not proven its own (see the module text).

    The record and its companions are not changed: the check runs on a private copy made
    beside the record under one of the program's held temp names, removed afterwards.
    Raises :class:`CannotCheck` (nothing moved) when the check cannot be run.
    """
    found: list[Stray] = []
    wal = companion(path, WAL)
    if _size(wal) > 0:
        reason = _wal_problem(path, wal)
        if reason:
            found.append(Stray(wal, reason))
            return found  # the journal's turn comes once the WAL is out of the way
    journal = companion(path, JOURNAL)
    if _size(journal) > 0 and is_hot(path):
        reason = journal_problem(path, journal)
        if reason:
            found.append(Stray(journal, reason))
    return found


def settle(path: Path) -> list[SetAside]:
    """Before opening ``path`` for writing (lock held): set aside what is not its own."""
    moved: list[SetAside] = []
    for _ in range(2):  # a foreign WAL first, then the journal
        found = strays(path)
        if not found:
            break
        for stray in found:
            moved.append(SetAside(stray, durable.move_aside(stray.path, FOREIGN_SUFFIX)))
    return moved


def refuse_strays(path: Path) -> None:
    """Before a read-only use: raise a plain RecordError if a stray lies beside ``path``."""
    for stray in strays(path):
        raise RecordError(
            tr(
                "{path} lies beside the record but is not part of it: {reason}; the "
                "record has not been changed. Open the record in the program: it sets "
                "that file aside (nothing is deleted) and opens the record without it."
            ).format(path=stray.path, reason=stray.reason)
        )


def is_hot(path: Path) -> bool:
    """SQLite's own answer: would opening ``path`` roll a journal back into it?"""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        return getattr(exc, "sqlite_errorcode", None) == SQLITE_READONLY_ROLLBACK
    finally:
        conn.close()
    return False


def journal_problem(path: Path, journal: Path) -> str | None:
    """Why the hot ``journal`` cannot be this record's own; None when it is proven its own."""
    try:
        db_head = _read(path, 100)
        size = _size(journal)
        with open(journal, "rb") as fh:
            head = fh.read(28)
            first = _first_page_image(fh, head, size)
            fh.seek(max(size - 8, 0))
            tail = fh.read(8)
    except OSError as exc:
        raise CannotCheck(journal, _unreadable(exc)) from exc
    if len(head) < 28 or head[:8] != JOURNAL_MAGIC:
        return tr("it is not an SQLite journal")
    _records, _nonce, initial_pages, sector, page_size = struct.unpack(">IIIII", head[8:28])
    own_page_size = _page_size(db_head)
    if page_size != own_page_size:
        return tr(
            "it was written for a file with pages of {page_size} bytes, not {own_page_size}"
        ).format(page_size=page_size, own_page_size=own_page_size)
    if sector < 512 or sector > 65536 or sector & (sector - 1):
        return tr("its sector size ({sector}) is not one SQLite writes").format(sector=sector)
    if initial_pages == 0:
        return tr("undoing it would leave an empty file")
    if size > sector and tail == JOURNAL_MAGIC:
        return tr("it belongs to a save across several files, which this program never makes")
    if first is not None and (
        not first.startswith(SQLITE_MAGIC)
        or _page_size(first) != own_page_size
        or struct.unpack(">I", first[68:72])[0] != APPLICATION_ID
    ):
        return tr("it holds the first page of another program's file")
    if first is not None:
        # A save counts itself once in page 1 (offset 24): a crash leaves the file's count
        # where the journal's copy has it, or one ahead.  A copy put in place since differs.
        (kept,) = struct.unpack(">I", first[24:28])
        (now,) = struct.unpack(">I", db_head[24:28])
        if now not in (kept, (kept + 1) & 0xFFFFFFFF):
            return tr("it was left by an unfinished save to another copy of the record")
    return _problem_on_private_copy(path, journal, JOURNAL)


def _wal_problem(path: Path, wal: Path) -> str | None:
    try:
        head = _read(path, 100)
    except OSError as exc:
        raise CannotCheck(wal, _unreadable(exc)) from exc
    if len(head) < 20 or head[18:20] != b"\x02\x02":
        return tr("the record keeps its saves in a rollback journal, never in a WAL file")
    return _problem_on_private_copy(path, wal, WAL)


def _problem_on_private_copy(path: Path, extra: Path, suffix: str) -> str | None:
    """Copy record + ``extra`` beside the record, let SQLite play it there, check the result.

    The copy is one of the program's held temp names (:func:`durable.held_temp`, 0600, in the
    record's own folder): a copy left by a kill is removed by the cleanup at the next start,
    and a private record is never copied to a shared temporary folder.  Raises
    :class:`CannotCheck` when the check cannot be run (disk full, no room, cannot read).
    """
    problem: str | None
    try:
        with durable.held_temp(path.parent, path.name) as copy:
            played = companion(copy, suffix)
            try:
                shutil.copyfile(path, copy)
                _copy_private(extra, played)
                try:
                    conn = sqlite3.connect(copy, isolation_level=None)
                    try:
                        conn.execute("PRAGMA integrity_check(1)").fetchall()  # plays it back
                        if suffix == WAL:
                            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                        problem = problems_after_recovery(conn)
                    finally:
                        conn.close()
                except sqlite3.Error as exc:
                    if _not_about_the_file(exc):
                        raise CannotCheck(extra, _sqlite_why(exc)) from exc
                    problem = tr("a damaged file (SQLite says: {exc})").format(exc=exc)
                if problem is None and suffix == JOURNAL and _size(played) > 0:
                    problem = tr("SQLite did not finish undoing it")
            finally:
                for left in (played, companion(copy, "-shm"), copy):
                    with contextlib.suppress(OSError):
                        left.unlink()
    except OSError as exc:
        raise CannotCheck(extra, _os_why(exc)) from exc
    return (
        None if problem is None else tr("undoing it would leave {problem}").format(problem=problem)
    )


def _copy_private(src: Path, dst: Path) -> None:
    """Copy ``src`` to a new 0600 file ``dst`` (never over an existing one)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(dst, flags, 0o600)
    with open(fd, "wb") as out, open(src, "rb") as fh:
        shutil.copyfileobj(fh, out)


class CannotCheck(CannotSave):
    """A journal or WAL beside the record could not be checked (disk full, unreadable…):
    the record is not opened, and nothing is moved, since it may well be the record's own."""

    def __init__(self, extra: Path, why: tuple[str, str]) -> None:
        self.path = extra
        reason, advice = why
        super().__init__(
            tr(
                "{extra}, an unfinished save beside the record, could not be checked: "
                "{reason}; nothing was changed; {advice} and open the record again."
            ).format(extra=extra, reason=reason, advice=advice)
        )


def _os_why(exc: OSError) -> tuple[str, str]:
    """Why a check could not be run, and what to do, for the family."""
    if durable.is_disk_full(exc):
        return tr("the disk is full"), tr("free some space on it")
    if exc.errno == errno.EROFS:
        return (
            tr("the record's folder is read-only"),
            tr("copy the record together with that file to a folder you can write to"),
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            tr(
                "a file there cannot be read or written (it may belong to another user "
                "of the computer)"
            ),
            tr("ask whoever looks after the computer to make the record's folder yours again"),
        )
    return tr("the computer reported a problem ({value})").format(value=exc.strerror or exc), tr(
        "try again later"
    )


def _sqlite_why(exc: sqlite3.Error) -> tuple[str, str]:
    primary = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if primary == SQLITE_FULL:
        return _os_why(OSError(errno.ENOSPC, tr("disk full")))
    if primary == SQLITE_READONLY:
        return _os_why(OSError(errno.EROFS, "read-only"))
    if primary == SQLITE_CANTOPEN:
        return _os_why(OSError(errno.EACCES, tr("cannot open")))
    return tr("the computer reported a problem ({exc})").format(exc=exc), tr("try again later")


def _not_about_the_file(exc: sqlite3.Error) -> bool:
    """An SQLite error on the private copy that says nothing about the journal's owner."""
    primary = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    return primary in (
        SQLITE_FULL,
        SQLITE_IOERR,
        SQLITE_NOMEM,
        SQLITE_CANTOPEN,
        SQLITE_READONLY,
        SQLITE_BUSY,
        SQLITE_LOCKED,
    )


def _first_page_image(fh: BinaryIO, head: bytes, size: int) -> bytes | None:
    """The journal's saved copy of page 1, if its first part holds one."""
    if len(head) < 28 or head[:8] != JOURNAL_MAGIC:
        return None
    records, _nonce, _initial, sector, page_size = struct.unpack(">IIIII", head[8:28])
    if not 512 <= sector <= 65536 or not 512 <= page_size <= 65536:
        return None
    step = page_size + 8
    if records in (0, 0xFFFFFFFF):
        records = max(size - sector, 0) // step
    for n in range(min(records, 1_000_000)):
        offset = sector + n * step
        if offset + step > size:
            break
        fh.seek(offset)
        if struct.unpack(">I", fh.read(4))[0] == 1:
            return fh.read(page_size)
    return None


def _page_size(head: bytes) -> int:
    (value,) = struct.unpack(">H", head[16:18])
    return 65536 if value == 1 else int(value)


def _read(path: Path, n: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def _unreadable(exc: OSError) -> tuple[str, str]:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            tr(
                "it cannot be read (it may belong to another user of the computer, left "
                "by running the program as administrator)"
            ),
            tr("ask whoever looks after the computer to make that file yours again"),
        )
    return _os_why(exc)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() or path.is_symlink() else 0
    except OSError:
        return 0
