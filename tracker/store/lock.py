"""One writer per record: an operating-system lock on ``<record>.lock``.

The lock is ``flock`` (``msvcrt.locking`` on Windows) on a small private file
beside the record.  It belongs to the open file, so the operating system drops
it the moment the process ends, however it ends: after a crash or a kill the
next start finds it free at once (PID files and lock tables go stale; GnuCash
and KeePassXC users were locked out by them, reliability.md).

The lock file is removed on a clean release.  Because another process may have
opened the old file just before that, :meth:`RecordLock.acquire` checks after
locking that the name still leads to the file it locked, and tries again if not.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path

from tracker.store.errors import CannotSave, RecordInUse

LOCK_SUFFIX = ".lock"
_ATTEMPTS = 5


def lock_path(record_path: Path) -> Path:
    return record_path.with_name(record_path.name + LOCK_SUFFIX)


def in_use_message(record_path: Path) -> str:
    return (
        f"{record_path} is open in another copy of the program. Close it there first (or wait "
        "until it has finished), then try again; nothing was changed."
    )


class RecordLock:
    """Held while a record is open for writing; :meth:`release` (or process end) frees it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, record_path: Path) -> RecordLock:
        """Take the lock beside ``record_path`` or raise RecordInUse at once (no waiting)."""
        path = lock_path(record_path)
        for _ in range(_ATTEMPTS):
            try:
                fd = os.open(
                    path,
                    os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC,
                    0o600,
                )
            except OSError as exc:
                raise _cannot_lock(record_path, exc) from exc
            try:
                if not _try_lock(fd):
                    raise RecordInUse(in_use_message(record_path))
                if _same_file(path, fd):
                    _private(fd)
                    _note_owner(fd)
                    return cls(path, fd)
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the holder removed the file as we opened it: try the new one
        raise RecordInUse(in_use_message(record_path))

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Remove the lock file (still holding the lock, so no one else can be using it)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if _same_file(self.path, fd):
                self.path.unlink()
        except OSError:
            pass  # a lock file left behind is harmless: it is not locked any more
        finally:
            os.close(fd)  # closing the file drops the lock

    def __enter__(self) -> RecordLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
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


def _cannot_lock(record_path: Path, exc: OSError) -> CannotSave:
    if exc.errno == errno.ELOOP:
        return CannotSave(
            f"Could not open {record_path} for changes: its lock file {lock_path(record_path)} "
            "is a link; remove that link, then try again."
        )
    return CannotSave(
        f"Could not open {record_path} for changes: the folder {record_path.parent} cannot be "
        f"written to ({exc.strerror or exc}); nothing was changed."
    )
