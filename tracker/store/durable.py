"""Small file operations that survive a crash or a power cut: private, synced, atomic.

A new file is written under a private temporary name in its final folder,
flushed and fsynced, then renamed over its final name (``os.replace``), and the
folder is fsynced so the rename itself is on disk.  Either the old file or the
whole new one is there afterwards, never half of one.

This module is the only place that renames a file (tests/test_atomic_writes.py keeps it
so): every writer goes through :func:`replacing` (or :func:`write_atomically` for bytes),
or, when it holds its temp file itself (the backups), through :func:`replace`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tracker.i18n import tr
from tracker.store.errors import CannotSave

try:
    import fcntl
except ImportError:  # Windows: no flock, so no temp file is ever taken for abandoned
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".tmp"
# What private_temp names look like: ".<final name>.<8 random characters>.tmp" (tempfile's
# alphabet), and the journal SQLite may leave beside one.
TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp(?P<journal>-journal)?$")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and missing parents) readable only by its owner (0700).

    ``Path.mkdir(parents=True)`` would give the parents the default mode (0755),
    so each missing folder is made here, outermost first.
    """
    missing = []
    probe = folder
    while not probe.is_dir():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for new in reversed(missing):
        new.mkdir(mode=0o700, exist_ok=True)
    st = folder.stat()
    if stat.S_IMODE(st.st_mode) != 0o700 and st.st_uid == _uid():
        folder.chmod(0o700)
    return folder


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def private_temp(folder: Path, name: str) -> Path:
    """A new, empty 0600 file in ``folder`` whose name marks it as ours and unfinished."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def held_temp(folder: Path, name: str) -> Iterator[Path]:
    """:func:`private_temp`, held for the ``with`` block by an OS lock that dies with the
    process: while it is held, :func:`remove_if_abandoned` leaves the file alone; after a
    kill, the next cleanup removes it (no clock involved)."""
    tmp = private_temp(folder, name)
    try:
        fd = os.open(tmp, os.O_RDONLY | os.O_CLOEXEC | _NOFOLLOW)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    try:
        if fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield tmp
    finally:
        os.close(fd)


def remove_if_abandoned(path: Path) -> bool:
    """Remove one of our temporary files (see :data:`TEMP_NAME`) that no running process
    holds (:func:`held_temp`); a journal goes only once its temporary file is gone.
    True if it was removed.  Callers decide which of our names they may clear."""
    m = TEMP_NAME.match(path.name)
    if m is None or fcntl is None:
        return False
    if m["journal"]:
        main = path.with_name(path.name[: -len("-journal")])
        if main.exists() or main.is_symlink():
            return False
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                path.unlink()
                return True
        except OSError:
            pass
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | _NOFOLLOW)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a running copy of the program is still writing it
        try:
            path.unlink()
        except OSError:
            return False
        return True
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | _NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable where the platform allows (POSIX)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the file itself is synced
    finally:
        os.close(fd)


def replace(tmp: Path, target: Path) -> None:
    """Rename a finished, synced temporary file over ``target`` and sync the folder."""
    os.replace(tmp, target)
    fsync_folder(target.parent)


def move_aside(path: Path, suffix: str) -> Path:
    """Rename ``path`` to ``<name><suffix>`` (or ``…<suffix>-2``, ``-3``…): never overwrites."""
    n = 1
    while True:
        target = path.with_name(f"{path.name}{suffix}" + (f"-{n}" if n > 1 else ""))
        if rename_no_replace(path, target):
            return target
        n += 1


def rename_no_replace(src: Path, dst: Path) -> bool:
    """Rename unless ``dst`` exists; False if it does.  A hard link makes it race-free."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if dst.exists() or dst.is_symlink():  # no hard links here (FAT, some shares)
            return False
        os.rename(src, dst)
        fsync_folder(dst.parent)
        return True
    os.unlink(src)
    fsync_folder(dst.parent)
    return True


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


@contextlib.contextmanager
def temp_beside(target: Path) -> Iterator[Path]:
    """A private temp file beside ``target`` for a writer that is handed a file name (Qt's
    PDF and image writers, the exports), held (:func:`held_temp`) for the ``with`` block and
    removed if the block fails; the block renames it over ``target`` when it is whole.

    First the temps of the same target that no running process holds (left by a writer
    that was killed) are removed, with their journals: our own name form for this target only."""
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        entries = []
    for entry in sorted(entries):  # a temp before its journal (which goes only after it)
        m = TEMP_NAME.match(entry.name)
        if m is not None and m["name"] == target.name:
            remove_if_abandoned(entry)
    with held_temp(target.parent, target.name) as tmp:
        try:
            yield tmp
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """The one way a file is written whole: the ``with`` block writes (and may check) a
    private temp file beside ``target`` (:func:`temp_beside`), given by name so that any
    writer can use it (Qt's PDF and image writers too); when the block ends normally the
    temp is fsynced, renamed over ``target`` and the folder fsynced (:func:`replace`).  If
    the block or any of that fails, the temp is removed and ``target`` is as it was."""
    with temp_beside(target) as tmp:
        yield tmp
        fsync_file(tmp)
        replace(tmp, target)


def write_atomically(target: Path, payload: bytes, what: str) -> None:
    """Write ``payload`` to ``target`` (0600) through :func:`replacing`.

    Raises :class:`CannotSave` (:func:`cannot_save`, the ``OSError`` as its cause) when the
    disk or folder refuses; ``target`` is then untouched."""
    try:
        with replacing(target) as tmp:
            fd = os.open(tmp, os.O_WRONLY | os.O_CLOEXEC | _NOFOLLOW)
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
    except OSError as exc:
        raise cannot_save(what, target, exc) from exc


def cannot_save(what: str, target: Path, exc: OSError) -> CannotSave:
    """The plain sentence for ``what`` (an export, the summary, a picture) that could not be
    written whole to ``target`` by :func:`replacing`: why, and that nothing changed."""
    if target.is_file():
        unchanged = tr("the existing file {target} is unchanged").format(target=target)
    else:
        unchanged = tr("nothing was written")
    if is_disk_full(exc):  # EFBIG too: a size limit
        reason = tr("the disk is full")
    elif exc.errno in (errno.EACCES, errno.EPERM) and exc.filename2 == str(target):
        # the finished file could not be renamed over the old one: that file itself is
        # protected (chattr +i, or a sticky folder where it belongs to someone else)
        reason = tr(
            "{target} is protected against changes (locked or marked unchangeable); "
            "choose another file name, or remove the protection"
        ).format(target=target)
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = tr("the folder {parent} cannot be written to").format(parent=target.parent)
    elif exc.errno == errno.ENOENT:
        reason = tr("the folder {parent} does not exist").format(parent=target.parent)
    elif exc.errno == errno.EISDIR:
        reason = tr("{target} is a folder; give a file name").format(target=target)
    elif exc.errno in (None, errno.EIO):  # a writer that stopped short, or the disk
        reason = tr("{value} (the disk may be full)").format(value=exc.strerror or exc)
    else:
        reason = exc.strerror or str(exc)
    return CannotSave(
        tr("Could not write {what} to {target}: {reason}; {unchanged}.").format(
            what=what, target=target, reason=reason, unchanged=unchanged
        )
    )
