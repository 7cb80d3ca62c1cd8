"""Where the program may write a file the family chose: never over the record or its own files.

Every writer that takes a target from the family (exports, the summary PDF, a
screenshot, a copy or backup) calls :func:`check_write_target` first.  The
record's companions are the record, its ``-journal``/``-wal``/``-shm``, its
``.lock``, every file the program sets aside beside it (``.damaged``, ``.foreign``,
``.unfinished``, ``.before-restore``, also numbered ``-N`` and with the journals that
went with them), the ``backups`` folder beside it and every file in that folder.
A target is refused when

- it is the same file as a companion (device + inode: a hard link, a symlink or
  another path to the same folder all count), or
- its name, with every link resolved, is a companion's name (also when that file
  does not exist yet: a file called ``<record>-journal`` would be taken for an
  unfinished save), or it lies in the backups folder, or
- it exists and is not a regular file (a named pipe, a device, a socket): the atomic
  write would replace it with a regular file, or
- it lies (links resolved) in ``/proc``, ``/sys`` or ``/dev``: the system's own files,
  never a place to save (a write there fails oddly, or lands in memory), or
- it is a symbolic link (dangling or not): the atomic write would replace the link with
  a file and leave what it points to as it was, and writing through it would put the file
  wherever the link leads (a dangling one: anywhere); refused, naming where it points.

Nothing here writes.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from tracker.i18n import N_, tr
from tracker.store.backup_file import BACKUP_FOLDER, BEFORE_RESTORE
from tracker.store.errors import RecordError
from tracker.store.files import has_our_mark
from tracker.store.integrity import DAMAGED_SUFFIX
from tracker.store.journal import FOREIGN_SUFFIX
from tracker.store.lock import LOCK_SUFFIX
from tracker.store.record import UNFINISHED_SUFFIX

_SIBLINGS = ("-journal", "-wal", "-shm")
_RECORD = N_("the treatment record itself (or a link to it)")
_FOLDER = N_("the record's backups folder")
_Identity = tuple[int, int]


def check_write_target(
    target: Path | str,
    record_path: Path | str,
    *,
    copy_of_the_record: bool = False,
    replaces: tuple[str, ...] = (),
) -> None:
    """Raise RecordError (one plain sentence, nothing written) if writing ``target`` could
    replace or change the record at ``record_path`` or one of its companions, or (unless
    the file written is a copy of the record, replacing an older copy) another record; or,
    given ``replaces`` (the file endings of what is written, ".ics"), if ``target`` is an
    existing file of another kind (``-o notes.txt`` would have replaced the family's notes
    with a calendar)."""
    target, record = Path(target), Path(os.path.realpath(record_path))
    folder, backups = record.parent, record.parent / BACKUP_FOLDER
    pattern = _companion_names(record.name)
    known: dict[_Identity, str] = {}
    for entry in _entries(folder):
        if pattern.match(entry.name.casefold()):
            _note(known, entry, _what(record.name, entry.name))
    _note(known, backups, tr(_FOLDER))
    for entry in _entries(backups):
        _note(known, entry, tr("one of the record's backups"))
    what = known.get(_identity(target) or (-1, -1))
    if what is None:
        try:
            resolved = Path(os.path.realpath(target))
        except (OSError, ValueError):  # a name no file can have: the writer refuses it itself
            return
        parent = _identity(resolved.parent)
        if parent is not None and parent == _identity(folder):
            if pattern.match(resolved.name.casefold()):
                what = _what(record.name, resolved.name)
            elif resolved.name.casefold() == BACKUP_FOLDER:
                what = tr(_FOLDER)
        elif parent is not None and parent == _identity(backups):
            what = tr("inside the record's backups folder")
    if what is None:
        what = _unsafe(target)
    if what is None and not copy_of_the_record and _is_a_record(target):
        what = tr("a treatment record (an export, picture or PDF never replaces one)")
    if what is None:
        if replaces and target.is_file() and target.suffix.casefold() not in replaces:
            raise RecordError(
                tr(
                    "{target} already exists and is not a {items} file; writing would "
                    "replace it. Choose another file name, or delete that file first. "
                    "Nothing was written."
                ).format(target=target, items=" or ".join(replaces))
            )
        return
    raise RecordError(
        tr("{target} is {what}; choose another file name or folder. Nothing was written.").format(
            target=target, what=what
        )
    )


def check_regular_target(target: Path | str) -> None:
    """Raise RecordError if ``target`` exists and is not a regular file (a named pipe, a
    device, a socket), is a system file or a link: for a writer that has no record to
    guard, only its target."""
    what = _unsafe(Path(target))
    if what is not None:
        raise RecordError(
            tr(
                "{target} is {what}; choose another file name or folder. Nothing was written."
            ).format(target=target, what=what)
        )


_SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))


def _unsafe(target: Path) -> str | None:
    """Why ``target`` is no place for a file the program writes, whatever the record: not
    a regular file, a system file, or a link (see the module's list), else None."""
    what = _not_a_regular_file(target)
    if what is not None:
        return what
    try:
        resolved = Path(os.path.realpath(target))
    except (OSError, ValueError):
        return None  # a name no file can have: the writer refuses it itself
    if any(resolved == f or f in resolved.parents for f in _SYSTEM_FOLDERS):
        return tr("a system file, not a place to save")
    try:
        points_to = os.readlink(target)
    except (OSError, ValueError):
        return None  # not a link
    if not os.path.exists(target):
        return tr("a link to {points_to}, which does not exist").format(points_to=points_to)
    return tr("a link to {points_to} (saving would replace the link, not that file)").format(
        points_to=points_to
    )


def _not_a_regular_file(target: Path) -> str | None:
    """Why an existing ``target`` (links followed) that is neither a regular file nor a
    folder must not be written: a named pipe, a device or a socket would be replaced by a
    regular file (or, kept, fed the bytes).  A folder is each writer's own refusal."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return None  # not there (yet): a new file
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        kind = tr("a named pipe")
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    else:
        kind = "not a file"
    return tr("not a regular file ({kind})").format(kind=kind)


def _is_a_record(target: Path) -> bool:
    """Whether ``target`` is an existing file that carries a treatment record's header."""
    try:
        if not stat.S_ISREG(os.stat(target).st_mode):
            return False
        with open(target, "rb") as fh:
            head = fh.read(72)
    except OSError:
        return False
    return has_our_mark(head)


def _companion_names(name: str) -> re.Pattern[str]:
    """The record's name, then any of its SQLite files' suffixes and set-aside suffixes
    (each also numbered ``-N``, as :func:`durable.move_aside` makes them), or its lock."""
    base, sib = re.escape(name.casefold()), "|".join(_SIBLINGS)
    aside = "|".join(re.escape(s) for s in _set_aside_suffixes())
    return re.compile(
        rf"^{base}(?:{sib})?(?:(?:{aside})(?:-\d+)?(?:{sib})?)*(?:{re.escape(LOCK_SUFFIX)})?$"
    )


def _set_aside_suffixes() -> dict[str, str]:
    """Every suffix under which the program sets a file aside beside the record (never
    deleted, so never to be written over), and what such a file is, in words."""
    return {
        DAMAGED_SUFFIX: tr("a copy of the record set aside as damaged"),
        FOREIGN_SUFFIX: tr("a file set aside from beside the record as not part of it"),
        UNFINISHED_SUFFIX: tr("a record set aside because its making was cut short"),
        f".{BEFORE_RESTORE}": tr("a file set aside from beside the record before a restore"),
    }


def _what(record_name: str, name: str) -> str:
    rest = name[len(record_name) :].casefold()
    if not rest:
        return tr(_RECORD)
    for suffix, what in _set_aside_suffixes().items():  # the damaged copy's first
        if suffix in rest:
            return what
    if rest == LOCK_SUFFIX:
        return tr("the record's lock file")
    return tr("the record's journal of unfinished saves")


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _identity(path: Path) -> _Identity | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _note(known: dict[_Identity, str], path: Path, what: str) -> None:
    ident = _identity(path)
    if ident is not None:
        known.setdefault(ident, what)
