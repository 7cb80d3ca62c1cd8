"""One writer per record: an operating-system lock on ``<record>.lock`` and on the record.

Two locks, both held by open files, so the operating system drops them the
moment the process ends, however it ends: after a crash or a kill the next start
finds them free at once (PID files and lock tables go stale; GnuCash and
KeePassXC users were locked out by them, reliability.md).

1. ``flock`` (``msvcrt.locking`` on Windows) on a small private file beside the
   record, ``<record>.lock``.  It also guards a record that does not exist yet
   (being created or restored), and older versions of the program take only it.
2. A lock on the record file itself, so what names the same file by another
   name cannot get a second writer: a hard link, a symlinked folder, or the same
   path after someone deleted ``<record>.lock`` while it was held.

   SQLite locks the record with POSIX ``fcntl`` byte-range locks on bytes
   0x40000000…0x400001FF, owned by the process; closing *any* descriptor of the
   file drops them.  Our lock must neither block those nor be dropped with them:

   * Linux: an *open-file-description* (OFD) write lock on the single byte
     ``RECORD_LOCK_BYTE`` (2 GiB less 64 KiB), far from SQLite's bytes and beyond
     any record's end.  OFD locks belong to our open file, not to the process, so
     SQLite's own opening and closing never drop it, and a second open in the same
     process is refused too.  Disjoint ranges never conflict with SQLite's locks
     (tests/test_lock.py: a lock on SQLite's own byte makes every save "busy").
     Unlike ``flock`` this stays right on NFS, where Linux emulates ``flock`` with
     a whole-file ``fcntl`` lock that *would* conflict with SQLite's own locks
     (every read of the record would come back "busy").  A record file we may
     not write gets a read lock (a write lock needs a writable file): any writer's
     lock refuses it and it refuses any writer; ``Record.open`` then reads only.
   * Other POSIX systems (macOS, BSD), and Linux before 3.15: ``flock`` on the
     record, independent of ``fcntl`` locks on local files (as on Linux:
     tests/test_lock.py checks both kinds on this machine).  On an NFS share this
     fallback could make SQLite report the record busy; the program warns about
     records on network shares anyway (reliability.md).
   * Windows: only the lock file (there a file that is open cannot be deleted,
     and SQLite's locks are mandatory, so the record itself is left alone); a
     replaced record is still noticed.

   Our descriptor on the record is opened before SQLite opens it and closed
   only after SQLite has closed it (:class:`~tracker.store.record.Record`
   releases the lock last), so it never drops SQLite's process-wide locks.  (A
   refused attempt opens and closes the record once; in this process that could
   drop the locks of a save running at that moment in another thread.)

It also tells whether the record was moved or replaced under us
(:meth:`RecordLock.check_in_place`): the path must still name the file we locked.

The lock file is removed on a clean release.  Because another process may have
opened the old file just before that, :meth:`RecordLock.acquire` checks after
locking that the name still leads to the file it locked, and tries again if not.

A lock that cannot be taken never means "open without it": a lock file that
belongs to someone else or cannot be opened refuses the open with what to do
(:class:`CannotSave`); a record that cannot be written here at all (read-only
disk, folder or file) raises :class:`OnlyReadable`, and ``Record.open`` then opens
it for reading only and says why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import struct
import sys
from pathlib import Path

from tracker.i18n import tr
from tracker.store.errors import CannotSave, RecordInUse, moved_message

LOCK_SUFFIX = ".lock"
RECORD_LOCK_BYTE = 0x7FFF0000  # < 2 GiB (fits every NFS server); SQLite locks 0x40000000…+511
_ATTEMPTS = 5

OFD_LOCKS = sys.platform.startswith("linux") and hasattr(os, "O_CLOEXEC")
# How the record itself is locked: "ofd", "flock" or "none" (tests try each).
_MECHANISM = "ofd" if OFD_LOCKS else ("none" if sys.platform == "win32" else "flock")
_F_OFD_SETLK = 37  # <fcntl.h>, Linux >= 3.15; Python's fcntl names it only on some builds
_NOT_HERE = (errno.EROFS, errno.EACCES, errno.EPERM)


class OnlyReadable(CannotSave):
    """The record cannot be changed here (read-only disk, folder or file): read it only.

    ``str()`` refuses the change; :attr:`reading_only` says why it was opened for
    reading only, for ``Record.open`` to pass on; :meth:`refusal` refuses a save.
    """

    def __init__(self, record_path: Path, why: str, to_change: str) -> None:
        self.record_path, self.why, self.to_change = record_path, why, to_change
        super().__init__(
            tr("Could not open {record_path} for changes: {why}; nothing was changed.").format(
                record_path=record_path, why=why
            )
        )

    @property
    def reading_only(self) -> str:
        return tr("{record_path} was opened for reading only because {why}; {to_change}.").format(
            record_path=self.record_path, why=self.why, to_change=self.to_change
        )

    def refusal(self, doing: str) -> str:
        return tr(
            "Could not {doing}: {why}, so the record was opened for reading only and "
            "nothing can be saved to it; {to_change}."
        ).format(doing=doing, why=self.why, to_change=self.to_change)


def lock_path(record_path: Path) -> Path:
    return record_path.with_name(record_path.name + LOCK_SUFFIX)


def in_use_message(record_path: Path) -> str:
    return tr(
        "{record_path} is open in another copy of the program. Close it there "
        "first (or wait until it has finished), then try again; nothing was "
        "changed."
    ).format(record_path=record_path)


class RecordLock:
    """Held while a record is open for writing; :meth:`release` (or process end) frees it."""

    def __init__(self, path: Path, fd: int, record_path: Path | None = None) -> None:
        self.path = path
        self.record_path = record_path if record_path is not None else path
        self._fd: int | None = fd
        self._record_fd: int | None = None
        self._identity: tuple[int, int] | None = None
        self._writable = True

    @classmethod
    def acquire(cls, record_path: Path) -> RecordLock:
        """Take both locks for ``record_path`` or raise at once (no waiting).

        RecordInUse: another copy has it.  OnlyReadable: it cannot be changed here.
        CannotSave: the lock file cannot be used (another user's, no permission, a
        link); the message says what to do.
        """
        record_path = Path(record_path)
        path = lock_path(record_path)
        for _ in range(_ATTEMPTS):
            fd = _open_lock_file(record_path, path)
            try:
                if not _try_flock(fd):
                    raise RecordInUse(in_use_message(record_path))
                if _same_file(path, fd):
                    _private(fd)
                    _note_owner(fd)
                    held = cls(path, fd, record_path)
                    break
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the holder removed the file as we opened it: try the new one
        else:
            raise RecordInUse(in_use_message(record_path))
        try:
            held.cover()
        except BaseException:
            held.release()
            raise
        return held

    def cover(self) -> None:
        """Lock the record file itself, if it exists (call again once a new record is made)."""
        if self._record_fd is not None:
            return
        if _MECHANISM == "none":  # not locked, but a replaced record is still noticed
            with contextlib.suppress(OSError):
                named = os.stat(self.record_path)
                self._identity = (named.st_dev, named.st_ino)
            return
        for _ in range(_ATTEMPTS):
            opened = _open_record(self.record_path)
            if opened is None:
                return  # nothing there yet (or not a plain file): the lock file guards it
            fd, writable = opened
            try:
                if not _try_record_lock(fd, writable):
                    raise RecordInUse(in_use_message(self.record_path))
                mine = os.fstat(fd)
                if _same_file(self.record_path, fd):
                    self._record_fd, self._identity = fd, (mine.st_dev, mine.st_ino)
                    self._writable = writable
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # replaced as we opened it: lock the one there now
        raise RecordInUse(in_use_message(self.record_path))

    def uncover(self) -> None:
        """Let go of the record file itself (it was moved aside); the lock file still
        guards the name until :meth:`cover` locks the file now there."""
        record_fd, self._record_fd, self._identity = self._record_fd, None, None
        self._writable = True
        if record_fd is not None:
            os.close(record_fd)

    def require_writable(self) -> None:
        """Raise OnlyReadable if the record file itself may not be written by us.

        Such a file is still locked (a read lock, which any writer's lock refuses), so
        it can be replaced by a restore or moved aside; only writing into it is not
        possible.
        """
        if not self._writable:
            raise _only_readable(self.record_path, errno.EACCES, file=True)

    def check_in_place(self, doing: str, *, done: bool = False) -> None:
        """Raise CannotSave if the record's path no longer names the file we hold.

        One ``stat``; call it before a save (``done=False``: nothing was written) and
        after (``done=True``: the save went into the file that was replaced).
        """
        if self._identity is None:
            return
        try:
            named = os.stat(self.record_path, follow_symlinks=False)
            now: tuple[int, int] | None = (named.st_dev, named.st_ino)
        except OSError:
            now = None
        if now != self._identity:
            raise CannotSave(moved_message(self.record_path, doing, done=done))

    def release(self) -> None:
        """Remove the lock file (still holding the lock, so no one else can be using it).

        Call it only after every SQLite connection of this process to the record is
        closed: closing our descriptor drops the process's POSIX locks on the file.
        """
        fd, self._fd = self._fd, None
        record_fd, self._record_fd, self._identity = self._record_fd, None, None
        if fd is None:
            return
        try:
            if _same_file(self.path, fd):
                self.path.unlink()
        except OSError:
            pass  # a lock file left behind is harmless: it is not locked any more
        finally:
            os.close(fd)  # closing the file drops the lock
            if record_fd is not None:
                os.close(record_fd)

    def __enter__(self) -> RecordLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _open_lock_file(record_path: Path, path: Path) -> int:
    try:
        fd = os.open(
            path,
            os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC,
            0o600,
        )
    except OSError as exc:
        raise _cannot_lock(record_path, path, exc) from exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        # a hard link to another file (the record, another record, a document): writing the
        # holder's process id into it would destroy that file
        os.close(fd)
        raise CannotSave(
            tr(
                "{path} is not the program's lock file: it is another name (a hard link) "
                "for an existing file, perhaps the record itself. Remove that name (the "
                "file it points to stays) and open {record_path} again; nothing was "
                "changed."
            ).format(path=path, record_path=record_path)
        )
    return fd


def _open_record(record_path: Path) -> tuple[int, bool] | None:
    """(descriptor, writable) on the record for its lock; None if no plain file is there.

    A file we may not write is opened for reading (its lock is then a read lock).
    """
    flags = os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
    writable = True
    try:
        try:
            fd = os.open(record_path, flags | os.O_RDWR)
        except PermissionError:
            writable = False
            fd = os.open(record_path, flags | os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None  # a link: refused as a record before this, and never written through
        if exc.errno == errno.EROFS:
            raise _only_readable(record_path, exc.errno, file=False) from exc
        if isinstance(exc, PermissionError):
            raise CannotSave(
                tr(
                    "Could not open {record_path} for changes: you do not have permission to "
                    "open it; nothing was changed."
                ).format(record_path=record_path)
            ) from exc
        raise CannotSave(
            tr("Could not open {record_path} for changes ({value}); nothing was changed.").format(
                record_path=record_path, value=exc.strerror or exc
            )
        ) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd, writable


def _try_flock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return False
        raise
    return True


def _try_record_lock(fd: int, writable: bool) -> bool:
    if _MECHANISM == "flock":
        return _try_flock(fd)  # an exclusive flock needs no write access
    import fcntl

    # struct flock {short l_type, l_whence; off_t l_start, l_len; pid_t l_pid}, with the
    # C compiler's padding (native alignment, rounded up to the alignment of off_t).
    layout = "hhqqi"
    align = struct.calcsize("bq") - struct.calcsize("q")
    size = -(-struct.calcsize(layout) // align) * align
    kind = fcntl.F_WRLCK if writable else fcntl.F_RDLCK  # a write lock needs a writable file
    request = struct.pack(layout, kind, os.SEEK_SET, RECORD_LOCK_BYTE, 1, 0)
    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_OFD_SETLK", _F_OFD_SETLK), request.ljust(size, b"\0"))
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return False
        if exc.errno == errno.EINVAL:  # a kernel older than 3.15: no OFD locks
            return _try_flock(fd)
        raise
    return True


def _same_file(path: Path, fd: int) -> bool:
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def _private(fd: int) -> None:
    if hasattr(os, "fchmod"):
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)


def _note_owner(fd: int) -> None:
    """Write the holder's process id into the file, for a person looking; nothing reads it."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except (OSError, AttributeError):
        pass


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return tr("user number {uid}").format(uid=uid)


def _only_readable(record_path: Path, code: int | None, *, file: bool) -> OnlyReadable:
    if code == errno.EROFS:
        return OnlyReadable(
            record_path,
            tr(
                "the disk the record is on is read-only (a locked memory card, or a disk "
                "the computer protected after an error)"
            ),
            tr("to make changes, copy it to a disk that can be written"),
        )
    if file:
        return OnlyReadable(
            record_path,
            tr("the record file itself is read-only (its permissions allow no changes)"),
            tr("to make changes, ask whoever manages this computer to let you change it"),
        )
    return OnlyReadable(
        record_path,
        tr("the folder {parent} cannot be written to").format(parent=record_path.parent),
        tr("to make changes, move the record to a folder of your own"),
    )


def _cannot_lock(record_path: Path, path: Path, exc: OSError) -> CannotSave:
    not_opened = tr("{record_path} was not opened for changes").format(record_path=record_path)
    if exc.errno == errno.ELOOP:
        return CannotSave(
            tr(
                "The lock file {path} is a link; remove that link and open the record "
                "again; {not_opened}."
            ).format(path=path, not_opened=not_opened)
        )
    if exc.errno not in _NOT_HERE:
        return CannotSave(
            tr("The lock file {path} cannot be made ({value}); {not_opened}.").format(
                path=path, value=exc.strerror or exc, not_opened=not_opened
            )
        )
    try:
        there = os.lstat(path)
    except OSError:
        there = None
    if exc.errno == errno.EROFS or there is None:  # nowhere to make it: nothing can change here
        return _only_readable(record_path, exc.errno, file=False)
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and there.st_uid != geteuid():
        owner = _owner_name(there.st_uid)
        return CannotSave(
            tr(
                "The lock file {path} belongs to another user ({owner}), probably left "
                "by running the program with sudo; remove that file (it holds no part of "
                "the record) and open the record again; {not_opened}."
            ).format(path=path, owner=owner, not_opened=not_opened)
        )
    return CannotSave(
        tr(
            "The lock file {path} cannot be opened (its permissions were changed); "
            "remove that file (it holds no part of the record) and open the record "
            "again; {not_opened}."
        ).format(path=path, not_opened=not_opened)
    )
