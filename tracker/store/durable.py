"""Small file operations that survive a crash or a power cut: private, synced, atomic.

A new file is written under a private temporary name in its final folder,
flushed and fsynced, then renamed over its final name (``os.replace``), and the
folder is fsynced so the rename itself is on disk.  Either the old file or the
whole new one is there afterwards, never half of one.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"
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


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
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
        if _rename_no_replace(path, target):
            return target
        n += 1


def _rename_no_replace(src: Path, dst: Path) -> bool:
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
