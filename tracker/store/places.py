"""Where a file lives: cloud-sync folders, network shares, removable drives.

Live records in cloud-sync folders (Dropbox, OneDrive…) and on network shares
are the classic way programs like this one lost data (a sync program copies a
half-saved file, or keeps two versions; a share drops mid-save), so the program
warns when the record is placed there (:func:`sync_folder_warning`).  A *copy*
there is fine, and even counts as off the computer (:func:`looks_off_computer`).
Nothing here writes; names are compared without regard to case.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

from tracker.i18n import tr

# Folder names the sync programs create, lower-case; a name that starts with one of the
# prefixes and goes on after a space, dash or bracket also counts ("OneDrive - Company",
# "Dropbox (Personal)"), but not "dropboxes".
_SYNC_NAMES: dict[str, str] = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "google drive": "Google Drive",  # i18n: not shown
    "googledrive": "Google Drive",  # i18n: not shown
    "my drive": "Google Drive",  # i18n: not shown
    "icloud drive": "iCloud Drive",  # i18n: not shown
    "iclouddrive": "iCloud Drive",  # i18n: not shown
    "mobile documents": "iCloud Drive",  # i18n: not shown
    "com~apple~clouddocs": "iCloud Drive",  # i18n: not shown
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "pcloud drive": "pCloud",  # i18n: not shown
    "mega": "MEGA",
    "box": "Box",
    "box sync": "Box",  # i18n: not shown
    "seadrive": "Seafile",
    "syncthing": "Syncthing",
}
_SYNC_PREFIXES = ("dropbox", "onedrive", "google drive", "nextcloud", "owncloud")  # i18n: not shown
_NETWORK_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "sshfs",
        "afs",
        "ncpfs",
        "9p",
        "ceph",
        "glusterfs",
        "davfs",
        "webdav",
        "afpfs",
        "lustre",
        "gpfs",
    }
)
_REMOVABLE_TYPES = frozenset(
    {"vfat", "exfat", "msdos", "ntfs", "ntfs3", "fuseblk", "udf", "iso9660"}
)
_REMOVABLE_PLACES = ("/media/", "/run/media/", "/mnt/", "/Volumes/")
_ESCAPE = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True, slots=True)
class Mount:
    point: str
    fs_type: str


def sync_service(path: Path) -> str | None:
    """The cloud-sync service whose folder holds ``path`` (by folder name), or None."""
    for part in PurePath(os.path.abspath(path)).parts[:-1] or ():
        key = part.strip().casefold()
        if key in _SYNC_NAMES:
            return _SYNC_NAMES[key]
        for prefix in _SYNC_PREFIXES:
            if key.startswith(prefix) and key[len(prefix)] in " -_(":
                return _SYNC_NAMES[prefix]
        if key == "cloudstorage":  # macOS: ~/Library/CloudStorage/<Provider>-<account>
            return tr("a cloud-storage service")
    return None


def read_mounts(mounts_file: Path = Path("/proc/mounts")) -> list[Mount]:
    """The mounted file systems (Linux); empty where there is no such list."""
    try:
        text = mounts_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found: list[Mount] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            point = _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[1])
            found.append(Mount(point, fields[2]))
    return found


def mount_of(path: Path, mounts: list[Mount]) -> Mount | None:
    """The mount holding ``path`` (the longest mount point that contains it)."""
    target = _existing(path)
    best: Mount | None = None
    for m in mounts:
        point = m.point.rstrip("/") or "/"
        inside = point == "/" or target == point or target.startswith(point + "/")
        if inside and (best is None or len(point) >= len(best.point.rstrip("/") or "/")):
            best = m
    return best


def _existing(path: Path) -> str:
    """The real path of ``path`` or of its nearest existing folder (a record not made yet)."""
    p = Path(os.path.abspath(path))
    while not p.exists() and p != p.parent:
        p = p.parent
    return os.path.realpath(p)


def is_network(fs_type: str) -> bool:
    kind = fs_type.casefold()
    return kind in _NETWORK_TYPES or kind.startswith("fuse.") or kind.startswith("nfs")


def sync_folder_warning(path: Path, *, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """A plain warning if the record at ``path`` is in a cloud-sync folder or on a network
    share; None if the place is fine."""
    path = Path(path)
    service = sync_service(path)
    if service is not None:
        return tr(
            "The record {path} is in a {service} folder. Sync programs can copy a "
            "file while it is being saved, or keep two versions of it, and records "
            "kept there have been damaged that way. Keep the record on this computer "
            "(for example in the usual place) and use File ▸ Save a copy… to put "
            "copies in the {service} folder."
        ).format(path=path, service=service)
    if sys.platform.startswith("linux"):
        mount = mount_of(path, read_mounts(mounts_file))
        if mount is not None and is_network(mount.fs_type):
            return tr(
                "The record {path} is on a network drive ({fs_type} at {point}). If the "
                "connection drops while the record is being saved, it can be damaged. "
                "Keep the record on this computer and use File ▸ Save a copy… to put "
                "copies on the network drive."
            ).format(path=path, fs_type=mount.fs_type, point=mount.point)
    return None


def looks_off_computer(target: Path, *, mounts_file: Path = Path("/proc/mounts")) -> bool:
    """Whether a copy at ``target`` leaves this computer: a cloud-sync folder, a network
    share, or a removable drive (USB stick, memory card).  A guess; the program may ask."""
    target = Path(target)
    if sync_service(target) is not None:
        return True
    if sys.platform == "win32":
        system = os.environ.get("SYSTEMDRIVE", "C:").casefold()
        drive = os.path.splitdrive(os.path.abspath(target))[0].casefold()
        return bool(drive) and drive != system
    where = _existing(target.parent)
    if sys.platform == "darwin":
        return where.startswith("/Volumes/")
    mount = mount_of(target.parent, read_mounts(mounts_file))
    if mount is None or mount.point in ("/", ""):
        return False
    if is_network(mount.fs_type):
        return True
    return mount.fs_type.casefold() in _REMOVABLE_TYPES or any(
        (mount.point + "/").startswith(place) for place in _REMOVABLE_PLACES
    )
