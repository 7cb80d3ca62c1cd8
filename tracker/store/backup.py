"""Backups that prove they are whole, a copy to take off the computer, and restore.

Every copy of a record is made the same way (Anki, Zotero, KeePassXC; reliability.md):
SQLite's online backup API from an open connection into a private temporary
file in the target folder → fsync → ``integrity_check`` of the copy (and of
every row's seal) → rename over the final name → fsync the folder.  So a copy
is either whole or not there, and never changes the record it was taken from.
How one backup file is made, named, described and checked is
:mod:`tracker.store.backup_file`; this module is what is done with them for an open
record.

Automatic backups live in ``backups/`` beside the record (folder 0700, files
0600), one file each, named ``<record>.<YYYYMMDD-HHMMSS>.<reason>.backup.sqlite``,
with a manifest beside it (``….backup.json``) holding its SHA-256 and what it
holds (children, number of blood counts, newest entry, the record's name, id and
save counter), so that a backup can show it is intact and whose it is without
trusting its name.  They are made before every migration, before a restore or an
import, and on the first start of each day (:func:`daily_backup_if_due`), and
thinned per record to the last 7 dailies, 5 weeklies and 12 monthlies; the one
with the newest content that verifies is never deleted.

Backups are ordered by what they hold, not by their dates: every date (and every
timestamp inside a record) comes from the computer's clock, which may have run
ahead and been corrected.  The record's save counter (record format 3, raised by
every write transaction, :func:`tracker.store.schema.count_save`) orders them;
a backup dated after now, or after one with newer content, takes no real day's
slot (:func:`choose_kept_by_content`).  Our temporary files are held by an OS lock
while they are written (:func:`tracker.store.durable.held_temp`), so the next copy,
thinning or start removes what a kill left without asking any clock.

:func:`save_copy` is File ▸ Save a copy…: a verified copy wherever the family
chooses (a USB stick, another computer), remembered in the record so that the
program can say how long ago a copy left the computer (:func:`days_since_last_copy`).

:func:`restore` replaces the record from a backup without ever writing over it
in place: the backup is verified, the current record backed up first (or moved
aside as ``.damaged`` if it is damaged), the backup copied to a temporary file
beside the record, brought up to this program's record format there (the backup
itself is never changed), given the replaced record's id and a save counter above
every backup of it, synced, and renamed over it, all while holding the record's
one-writer lock.  So what is saved after a restore is always the newest content,
even when the backup was made by an older version of the program.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import json
import os
import re
import sqlite3
import stat
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tracker.clock import Clock, system_clock
from tracker.i18n import tr
from tracker.progress import Cancelled, Progress, no_progress, part_of
from tracker.store import checksums, durable, schema
from tracker.store.backup_file import (
    BACKUP_NAME,
    BEFORE_RESTORE,
    CHUNK,
    DAILY,
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    STAMP,
    BackupInfo,
    backup_connection,
    backup_problems,
    backups_folder,
    copy_refused,
    file_digest,
    manifest_path,
    read_manifest,
    remove_unfinished,
    verified_temp,
    verify_backup,
)
from tracker.store.connection import connect, transaction
from tracker.store.errors import (
    CannotSave,
    NotARecord,
    RecordError,
    RecordInUse,
    RecordUnreadable,
    TooNew,
    WrongLayout,
    translated,
)
from tracker.store.files import APPLICATION_ID, SQLITE_MAGIC, check_record_file, has_our_mark
from tracker.store.integrity import move_damaged_aside, open_read_only, quick_check
from tracker.store.journal import JOURNAL_MAGIC
from tracker.store.lock import RecordLock, lock_path
from tracker.store.places import looks_off_computer
from tracker.store.record import Record
from tracker.store.targets import check_write_target

KEEP_DAILY = 7
KEEP_WEEKLY = 5
KEEP_MONTHLY = 12

META_LAST_COPY = "last_copy"
META_LAST_OFF_COMPUTER_COPY = "last_off_computer_copy"


# ---------------------------------------------------------------------- what a backup is


@dataclass(frozen=True, slots=True)
class CopyInfo:
    """A copy made by :func:`save_copy` or :func:`copy_record`."""

    path: Path
    made_at: dt.datetime
    size: int
    sha256: str
    off_computer: bool


@dataclass(frozen=True, slots=True)
class LastCopy:
    made_at: dt.datetime
    path: str
    off_computer: bool


@dataclass(frozen=True, slots=True)
class RestoreResult:
    record_path: Path
    restored_from: Path
    safety_backup: BackupInfo | None  # the record as it was just before, if it was whole
    damaged: Path | None  # where a damaged record was moved aside, if it was damaged


# ---------------------------------------------------------------------- making one


def make_backup(
    record: Record,
    reason: str,
    clock: Clock | None = None,
    *,
    folder: Path | None = None,
    progress: Progress = no_progress,
) -> BackupInfo:
    """A verified backup of the open record in ``backups/`` (or ``folder``).

    Rows unchanged since the newest earlier backup in ``backups/`` (today's daily one),
    if it still matches its manifest, are not re-verified (as for the daily backup), so
    a backup before an import does not recompute years of seals.  Raises CannotSave
    (disk full, folder not writable: nothing is left behind) or RecordError (the copy
    did not verify).
    """
    record_id, saves = schema.record_identity(record.connection)
    base: Path | None = None
    if folder is None:
        found = [
            b
            for b in list_backups(record.path, verify=False)
            if record_id is None or b.record_id in (None, record_id)
        ]
        if saves is not None:
            _count_on_above(record, saves, found)
        with_manifest = [b for b in found if b.sha256 and b.record_format == schema.SCHEMA_VERSION]
        base = with_manifest[0].path if with_manifest else None
    return backup_connection(
        record.connection,
        record.path,
        reason,
        clock or record.clock,
        folder=folder,
        base=base,
        progress=progress,
    )


def _count_on_above(record: Record, saves: int | None, found: Sequence[BackupInfo]) -> None:
    """An older copy of this record put back by hand (a restore counts on by itself) holds,
    now, the newest content: it counts on above its backups before the next one is made,
    so that backups made from here on are the ones offered after damage."""
    highest = max((b.saves for b in found if b.saves is not None), default=None)
    if saves is not None and highest is not None and saves < highest and not record.read_only:
        record.count_on_above(highest)


def list_backups(
    record_path: Path,
    *,
    folder: Path | None = None,
    verify: bool = True,
    progress: Progress = no_progress,
) -> list[BackupInfo]:
    """The backups of ``record_path``, newest content first (``verified`` filled in if
    ``verify``).

    Only backups whose manifest names this record file (a manifest-less one of the same
    stem is listed too, as unverifiable).  They are ordered by the save counter they hold,
    then by their name's date: every date comes from a clock that may have been wrong.
    The record's id is not asked for: a damaged record cannot say it, and a record started
    again under the same name should still be offered its old backups.  ``progress`` hears
    of the backups verified (the slow part: each one's fingerprint and structure) and may
    stop the listing (Cancelled); safe on any thread (it only reads the backups).
    """
    record_path = Path(record_path)
    found: list[tuple[tuple[int, str, int], BackupInfo]] = []
    where = folder or backups_folder(record_path)
    if not where.is_dir():
        return []
    listed: list[tuple[Path, re.Match[str], dict[str, Any] | None]] = []
    for entry in sorted(where.iterdir()):
        m = BACKUP_NAME.match(entry.name)
        if not m or m["stem"] != record_path.stem or not entry.is_file():
            continue
        manifest = read_manifest(entry)
        if manifest is not None and manifest.get("record") not in (None, record_path.name):
            continue  # another record with the same stem (family.db beside family.sqlite)
        listed.append((entry, m, manifest))
    total = 100 * len(listed)
    progress(0, total)
    for n, (entry, m, manifest) in enumerate(listed):
        info = _info(entry, m, manifest)
        if verify:
            problems = backup_problems(entry, progress=part_of(progress, 100 * n, 100, total))
            info = replace(info, verified=not problems, problem=problems[0] if problems else None)
        found.append((_order(info.saves, m), info))
        progress(100 * (n + 1), total)
    found.sort(key=lambda item: item[0], reverse=True)
    return [info for _, info in found]


def _order(saves: int | None, m: re.Match[str]) -> tuple[int, str, int]:
    """Newest content first: save counter (unknown: lowest), then name date, then number."""
    return (-1 if saves is None else saves, m["stamp"], int(m["n"] or 1))


def _info(path: Path, m: re.Match[str], manifest: dict[str, Any] | None) -> BackupInfo:
    created = dt.datetime.strptime(m["stamp"], STAMP)
    size = path.stat().st_size
    info = BackupInfo(path=path, created=created, reason=m["reason"], size=size)
    if manifest is None:
        return info
    try:
        last_count = manifest.get("last_count")
        return replace(
            info,
            record_name=str(manifest.get("record") or ""),
            record_format=_int_or_none(manifest.get("record_format")),
            children=tuple(str(c) for c in manifest.get("children") or ()),
            counts=_int_or_none(manifest.get("counts")),
            last_count=dt.date.fromisoformat(last_count) if last_count else None,
            last_change=str(manifest["last_change"]) if manifest.get("last_change") else None,
            record_id=str(manifest["record_id"]) if manifest.get("record_id") else None,
            saves=_int_or_none(manifest.get("saves")),
            sha256=str(manifest.get("sha256") or "") or None,
        )
    except (TypeError, ValueError):
        return info


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def newest_verified_backup(record_path: Path, *, folder: Path | None = None) -> BackupInfo | None:
    """The backup of ``record_path`` with the newest content (highest save counter) that
    verifies, to offer after damage; None if none does."""
    for info in list_backups(record_path, folder=folder, verify=False):
        problems = backup_problems(info.path)
        if not problems:
            return replace(info, verified=True)
    return None


# ---------------------------------------------------------------------- daily, thinning


@dataclass(frozen=True, slots=True)
class DailyBackup:
    """Today's backup, decided on (:func:`daily_backup_due`) and not yet made."""

    base: Path | None  # the newest earlier backup of this record: it may vouch for rows


def daily_backup_if_due(record: Record, clock: Clock | None = None) -> BackupInfo | None:
    """On the first start of a day: a backup, then thinning.  None if one exists today.

    The two halves, :func:`daily_backup_due` (on the thread that owns the record) and
    :func:`make_daily_backup` (any thread), in one go."""
    due = daily_backup_due(record, clock)
    return None if due is None else make_daily_backup(record, due, clock)


def make_daily_backup(
    record: Record,
    due: DailyBackup,
    clock: Clock | None = None,
    progress: Progress = no_progress,
) -> BackupInfo:
    """Make the daily backup decided on, then thin the backups: safe on another thread.

    It reads the record through a connection of its own (:meth:`Record.reader`), in
    steps between which saves go in (the copy then starts again: it always holds one
    moment of the record), and writes only in ``backups/``.  Rows unchanged since the
    previous backup, whose fingerprint still matches, are not re-verified."""
    clock = clock or record.clock
    reader = record.reader()
    try:
        info = backup_connection(
            reader.connection, record.path, DAILY, clock, base=due.base, progress=progress
        )
    finally:
        reader.close()
    thin_backups(info.path.parent, clock)
    return info


def daily_backup_due(record: Record, clock: Clock | None = None) -> DailyBackup | None:
    """Whether today's backup is still to be made (None: one exists today).

    The hook for the program's start (after the record is open, its lock held), on the
    record's own thread (it may raise the save counter, a save): it clears what a killed
    restore, copy or backup of this record left beside it, and decides."""
    clock = clock or record.clock
    _clear_abandoned(record.path.parent, record.path.name)
    clear_after_killed_copies(record.path)
    if backups_folder(record.path).is_dir():  # what a killed backup or restore left there
        _clear_abandoned(backups_folder(record.path), own=True)
    today = clock().date()
    record_id, saves = schema.record_identity(record.connection)
    found = [
        b
        for b in list_backups(record.path, verify=False)
        if record_id is None or b.record_id in (None, record_id)
    ]
    _count_on_above(record, saves, found)
    newest = found[0].saves if found else None
    # Today's backup counts only if it holds the newest content: one dated today by a
    # clock that ran ahead (and was corrected since) holds older content than later ones.
    if any(b.created.date() == today and b.saves == newest for b in found):
        return None
    # the backup is made without listing the backups again: the record counted on above
    # them just now
    with_manifest = [b for b in found if b.sha256 and b.record_format == schema.SCHEMA_VERSION]
    return DailyBackup(base=with_manifest[0].path if with_manifest else None)


def choose_kept(
    stamps: Sequence[dt.datetime],
    *,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[int]:
    """Which backups (indexes into ``stamps``, any order) thinning keeps.

    Going from the newest: the newest backup of each of the last ``daily`` days that
    have one; then the newest of each of the ``weekly`` weeks before those (ISO weeks
    not already represented); then the newest of each of the ``monthly`` months not
    already represented.
    """
    order = sorted(range(len(stamps)), key=lambda i: stamps[i], reverse=True)
    kept: set[int] = set()
    days: set[dt.date] = set()
    weeks: set[tuple[int, int]] = set()
    months: set[tuple[int, int]] = set()
    n_daily = n_weekly = n_monthly = 0
    for i in order:
        when = stamps[i]
        day = when.date()
        week = tuple(when.isocalendar())[:2]
        month = (when.year, when.month)
        if n_daily < daily and day not in days:
            n_daily += 1
        elif n_weekly < weekly and week not in weeks and day not in days:
            n_weekly += 1
        elif n_monthly < monthly and month not in months and day not in days:
            n_monthly += 1
        else:
            continue
        kept.add(i)
        days.add(day)
        weeks.add((week[0], week[1]))
        months.add(month)
    return kept


@dataclass(frozen=True, slots=True)
class _Found:
    path: Path
    stamp: dt.datetime  # from its name: the clock when it was made, right or wrong
    saves: int  # -1: not known (made before record format 3)
    order: tuple[int, str, int]


def choose_kept_by_content(
    entries: Sequence[tuple[int, dt.datetime]], now: dt.datetime
) -> set[int]:
    """Which of one record's backups (``(save counter, name date)``, any order) the date
    slots keep (:func:`choose_kept`), when the dates may come from a wrong clock.

    A backup whose date lies after ``now``, or after that of a backup holding newer content
    (a higher counter), was dated by a clock set ahead (or the clock is behind now): such
    doubtful backups take none of the real days' slots but are thinned among themselves by
    the same rule, so they neither crowd out the real days nor stay for ever in any number,
    and nothing is thrown away only because today's clock is wrong.
    """
    order = sorted(range(len(entries)), key=lambda i: entries[i], reverse=True)
    trusted: list[int] = []
    doubtful: list[int] = []
    earliest_newer: dt.datetime | None = None  # among trusted ones with a higher counter
    i = 0
    while i < len(order):
        saves = entries[order[i]][0]
        j = i
        while j < len(order) and entries[order[j]][0] == saves:
            j += 1
        same = order[i:j]
        for k in same:
            stamp = entries[k][1]
            if stamp > now or (earliest_newer is not None and stamp > earliest_newer):
                doubtful.append(k)
            else:
                trusted.append(k)
        dates = [entries[k][1] for k in same if k in trusted]
        if dates:
            earliest = min(dates)
            earliest_newer = earliest if earliest_newer is None else min(earliest_newer, earliest)
        i = j
    kept: set[int] = set()
    for pool in (trusted, doubtful):
        kept.update(pool[x] for x in choose_kept([entries[k][1] for k in pool]))
    return kept


def thin_backups(folder: Path, clock: Clock) -> list[Path]:
    """Delete the backups thinning does not keep; returns the files removed.

    Per record, as its manifest names it (file name and record id; a backup no manifest of
    ours names is never deleted): :func:`choose_kept_by_content`, plus the backup with the
    newest content that verifies (never deleted).  Also clears our own temporary files
    that no running copy of the program holds (left by a kill) and manifests whose backup
    is gone.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    now = clock().replace(tzinfo=None)
    removed = _clear_abandoned(folder, own=True)
    removed += _clear_orphan_manifests(folder)
    groups: dict[tuple[str, str], list[_Found]] = {}
    for entry in sorted(folder.iterdir()):
        m = BACKUP_NAME.match(entry.name)
        if not m or not entry.is_file() or entry.is_symlink():
            continue
        manifest = read_manifest(entry)
        if manifest is None or not manifest.get("record"):
            continue  # nothing says whose it is: it stays
        saves = _int_or_none(manifest.get("saves"))
        key = (str(manifest["record"]), str(manifest.get("record_id") or ""))
        stamp = dt.datetime.strptime(m["stamp"], STAMP)
        groups.setdefault(key, []).append(
            _Found(entry, stamp, -1 if saves is None else saves, _order(saves, m))
        )
    for entries in groups.values():
        entries.sort(key=lambda e: e.order, reverse=True)
        kept = choose_kept_by_content([(e.saves, e.stamp) for e in entries], now)
        for i, e in enumerate(entries):
            if verify_backup(e.path):
                kept.add(i)
                break
        for i, e in enumerate(entries):
            if i in kept:
                continue
            for p in (e.path, manifest_path(e.path)):  # a kill between: an orphan manifest
                try:
                    p.unlink()
                    removed.append(p)
                except FileNotFoundError:
                    pass
    durable.fsync_folder(folder)
    return removed


def _clear_orphan_manifests(folder: Path) -> list[Path]:
    """Our manifests whose backup is gone (a kill while a backup was made or thinned)."""
    removed: list[Path] = []
    for entry in sorted(folder.iterdir()):
        m = MANIFEST_NAME.match(entry.name)
        if not m or entry.is_symlink() or not entry.is_file():
            continue
        backup = entry.with_name(entry.name[: -len(".json")] + ".sqlite")
        # Looked for in this order: while a backup is being made its temp file exists until
        # the rename that puts the backup itself in place.
        if any(folder.glob(f".{glob.escape(backup.name)}.*{durable.TEMP_SUFFIX}")):
            continue
        if backup.exists() or backup.is_symlink():
            continue
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            continue
        if data.get("file") not in (None, backup.name):
            continue
        with contextlib.suppress(OSError):
            entry.unlink()
            removed.append(entry)
    return removed


def _clear_abandoned(folder: Path, name: str | None = None, *, own: bool = False) -> list[Path]:
    """Remove our temporary files in ``folder`` that no running copy of the program holds
    (left by a kill: a backup, copy or restore cut short), and their journals.

    Only our own names (``.<name>.<random>.tmp``, see :data:`durable.TEMP_NAME`; with
    ``name``, only those of that final name) and our own content (:func:`_ours`; ``own``:
    the folder is ours, ``backups/``): anything else is never touched.
    """
    removed: list[Path] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:  # journals sort after their temp file, so they go after it
        m = durable.TEMP_NAME.match(entry.name)
        if not m or (name is not None and m["name"] != name):
            continue
        if not _ours(entry, own=own or name is not None, journal=bool(m["journal"])):
            continue
        if durable.remove_if_abandoned(entry):
            removed.append(entry)
    return removed


def _looks_like_journal(head: bytes) -> bool:
    """SQLite's rollback journal header: its magic (zeros until the journal is synced),
    then sector and page sizes that are powers of two."""
    if len(head) < 28 or head[:8] not in (JOURNAL_MAGIC, bytes(8)):
        return False
    sector, page = struct.unpack(">II", head[20:28])
    return all(n >= 512 and n & (n - 1) == 0 for n in (sector, page)) and page <= 65536


def _ours(path: Path, *, own: bool, journal: bool) -> bool:
    """Whether a temp-named file holds what we write there: a SQLite file with our
    application id; a copy the backup API was writing (its first page, written last, still
    zeros, with SQLite's journal beside it); SQLite's journal; and, in a folder of ours or
    under the exact name we write, an empty file or one of our manifests.  Elsewhere (a USB
    stick, the home folder) an empty file counts only under a ``.sqlite`` name."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError:
        return False
    m = durable.TEMP_NAME.match(path.name)
    if not head:
        return own or bool(m and m["name"].endswith(".sqlite"))
    if journal:
        return _looks_like_journal(head) or (own and not any(head))
    if head.startswith(SQLITE_MAGIC):
        if len(head) < 72:
            return True  # cut short before the header was whole: a copy being written
        return has_our_mark(head)
    if not any(head):
        try:
            with open(path.with_name(path.name + "-journal"), "rb") as fh:
                return _looks_like_journal(fh.read(28))
        except OSError:
            return False
    return own and f'"format": "{MANIFEST_FORMAT}"'.encode() in head


# ---------------------------------------------------------------------- copies


def save_copy(
    record: Record,
    target: Path,
    *,
    clock: Clock | None = None,
    off_computer: bool | None = None,
    overwrite: bool = False,
    progress: Progress = no_progress,
) -> CopyInfo:
    """File ▸ Save a copy…: a verified copy of the open record at ``target`` (replaced atomically
    when ``overwrite`` says the family agreed to replace an existing file).

    ``off_computer`` says whether the copy leaves this computer (USB stick, network,
    cloud folder); None guesses from where ``target`` is.  The record remembers the
    copy (see :func:`last_copy`, :func:`days_since_last_copy`) unless it is read-only.
    The two halves, :func:`make_copy` (any thread) and :func:`note_copy` (the record's
    own thread: a save), in one go.
    """
    info = make_copy(
        record,
        target,
        clock=clock,
        off_computer=off_computer,
        overwrite=overwrite,
        progress=progress,
    )
    note_copy(record, info)
    return info


def make_copy(
    record: Record,
    target: Path,
    *,
    clock: Clock | None = None,
    off_computer: bool | None = None,
    overwrite: bool = False,
    progress: Progress = no_progress,
) -> CopyInfo:
    """The copy of :func:`save_copy`, safe on another thread: it reads the record through
    a connection of its own (:meth:`Record.reader`; a save made meanwhile goes in between
    two steps and the copy starts again, so it holds one moment of the record) and writes
    only the copy.  ``progress`` hears of the copy and its check and may stop it
    (Cancelled): then no file is left at ``target`` (an existing one is unchanged)."""
    typed = str(target)
    target = Path(target)
    clock = clock or record.clock
    check_copy_target(record.path, target, overwrite=overwrite, typed=typed)
    reader = record.reader()
    try:
        with _copy_noted(record.path, target):
            return _copy_to(reader.connection, target, clock, "save a copy", off_computer, progress)
    finally:
        reader.close()


def note_copy(record: Record, info: CopyInfo) -> None:
    """Remember in the record the copy :func:`make_copy` made (on the record's own thread:
    it is a save); nothing for a read-only record, and a record that cannot save keeps
    the copy without the note."""
    if record.read_only:
        return
    note = {
        "made_at": info.made_at.isoformat(),
        "path": str(info.path),
        "off_computer": info.off_computer,
    }
    try:
        with record.batch(tr("note the copy in the record")):
            record.set_meta(META_LAST_COPY, json.dumps(note, ensure_ascii=False))
            if info.off_computer:
                record.set_meta(META_LAST_OFF_COMPUTER_COPY, info.made_at.isoformat())
    except CannotSave:
        pass  # the copy is made; only the reminder's date could not be noted


def copy_record(record_path: Path, target: Path | str, clock: Clock = system_clock) -> CopyInfo:
    """``treatment-tracker backup``: a verified copy through a read-only connection.

    Needs no lock, so it works while the program has the record open.
    """
    typed = str(target)
    record_path, target = Path(record_path), Path(target)
    try:
        check_record_file(record_path, schema.SCHEMA_VERSION)
    except FileNotFoundError:
        raise NotARecord(
            tr("There is no record file at {record_path}.").format(record_path=record_path)
        ) from None
    check_copy_target(record_path, target, typed=typed)
    conn = connect(record_path, read_only=True)
    try:
        with _copy_noted(record_path, target):
            return _copy_to(conn, target, clock, tr("make the backup"), None)
    finally:
        conn.close()


def _copy_to(
    conn: sqlite3.Connection,
    target: Path,
    clock: Clock,
    doing: str,
    off: bool | None,
    progress: Progress = no_progress,
) -> CopyInfo:
    # What a copy killed earlier left in this folder (a whole record under a dot name):
    # only our own names, only files no running copy of the program holds.
    _clear_abandoned(target.parent)
    with verified_temp(conn, target, doing, progress=progress) as (tmp, sha, size, _):
        try:
            durable.replace(tmp, target)
        except OSError as exc:
            raise copy_refused(doing, target, exc) from exc
    made_at = clock()
    return CopyInfo(
        path=target,
        made_at=made_at,
        size=size,
        sha256=sha,
        off_computer=looks_off_computer(target) if off is None else off,
    )


_COPY_NOTE = "copy-under-way.json"
_COPY_NOTE_FORMAT = "treatment-tracker-copy-under-way"


@contextlib.contextmanager
def _copy_noted(record_path: Path, target: Path) -> Iterator[None]:
    """While a copy is written (often onto a USB stick), a note in the record's ``backups/``
    says where, held like a temp file: if the copy is killed, the next start clears what it
    left there (:func:`clear_after_killed_copies`), even if no copy goes there again.
    Without a writable ``backups/`` there is no note; the next copy there still clears up."""
    stack = contextlib.ExitStack()
    note: Path | None = None
    try:
        folder = durable.private_folder(backups_folder(record_path))
        note = stack.enter_context(durable.held_temp(folder, _COPY_NOTE))
        data = {"format": _COPY_NOTE_FORMAT, "folder": str(target.parent.absolute())}
        with open(note, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, ensure_ascii=False))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass
    with stack:
        try:
            yield
        finally:
            if note is not None:
                remove_unfinished(note)


def clear_after_killed_copies(record_path: Path) -> list[Path]:
    """What copies of this record that were killed left where they were written (our temp
    names and content only); the notes of copies still under way are left alone."""
    removed: list[Path] = []
    folder = backups_folder(record_path)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = durable.TEMP_NAME.match(entry.name)
        if not m or m["name"] != _COPY_NOTE or m["journal"]:
            continue
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not durable.remove_if_abandoned(entry):
            continue  # a copy under way, or not ours to remove
        removed.append(entry)
        if isinstance(data, dict) and data.get("format") == _COPY_NOTE_FORMAT:
            where = Path(str(data.get("folder")))
            if where.is_dir():
                removed += _clear_abandoned(where)
    return removed


def check_copy_target(
    record_path: Path, target: Path, *, overwrite: bool = False, typed: str = ""
) -> None:
    """Refuse a target that is a folder, the record itself, missing its folder, an open
    record, or (unless ``overwrite``: the file dialog already asked) any existing file.
    :func:`make_copy` asks it; a window asks it first too, so a refusal is said at once."""
    if target.is_dir() or typed.endswith(("/", os.sep)):
        raise CannotSave(
            tr(
                "{target} is a folder (or is written as one); choose a file name for the copy."
            ).format(target=target)
        )
    # the record, its journal, lock, backups… (an older copy may be replaced: it is asked)
    check_write_target(target, record_path, copy_of_the_record=True)
    if not target.parent.is_dir():
        raise CannotSave(
            tr("Could not save the copy: the folder {parent} does not exist.").format(
                parent=target.parent
            )
        )
    if target.exists() or target.is_symlink():
        if lock_path(target).exists():
            try:
                RecordLock.acquire(target).release()
            except RecordInUse:
                raise RecordInUse(
                    tr(
                        "{target} is a record open in another copy of the program; choose "
                        "another name for the copy. Nothing was changed."
                    ).format(target=target)
                ) from None
        if not overwrite:
            raise CannotSave(
                tr(
                    "{target} already exists; choose a new file name for the copy (nothing "
                    "was changed)."
                ).format(target=target)
            )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def last_copy(record: Record) -> LastCopy | None:
    """The last copy saved with :func:`save_copy` (anywhere), or None."""
    text = record.meta(META_LAST_COPY)
    if text is None:
        return None
    try:
        data = json.loads(text)
        return LastCopy(
            made_at=dt.datetime.fromisoformat(data["made_at"]),
            path=str(data["path"]),
            off_computer=bool(data["off_computer"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def days_since_last_copy(record: Record, clock: Clock | None = None) -> int | None:
    """Whole days since a copy last left the computer; None if one never did."""
    text = record.meta(META_LAST_OFF_COMPUTER_COPY)
    if text is None:
        return None
    try:
        made = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    now = (clock or record.clock)()
    if made.tzinfo is not None and now.tzinfo is not None:
        made = made.astimezone(now.tzinfo)
    return max(0, (now.date() - made.date()).days)


# ---------------------------------------------------------------------- restore


def restore(
    record_path: Path,
    backup_path: Path,
    clock: Clock = system_clock,
    progress: Progress = no_progress,
) -> RestoreResult:
    """Replace the record at ``record_path`` with the backup at ``backup_path``, safely.

    The backup must verify (fingerprint if it has a manifest, structure, seals).
    The record must not be open in the program (RecordInUse): close it first, then
    open it again afterwards.  The current record is backed up first (or, if it is
    damaged, moved aside as ``<name>.damaged``); the backup is copied to a temporary
    file beside the record, synced and renamed over it.  On any failure the record
    is left as it was.

    Only one of our records is replaced (whole or damaged: a file with our mark, or an
    empty one); any other file is refused untouched (NotARecord).  A missing record file
    is created from the backup (a new computer, a lost laptop).  A backup of an older
    format is brought up to this program's format on the copy (the same migration an open
    runs), so the record is not updated again on its next open.  The restored record keeps
    the id of the record it replaces (if that has one; else the backup's; else a new one)
    and its save counter is set above every backup of it and above the record it replaces,
    so that its next backups count as the newest content and are thinned with its own.

    ``progress`` hears of it (safe on any thread: nothing here touches an open record).
    It may stop the restore (Cancelled) only while the backup is being verified; once the
    record's lock is taken the restore goes to its end (or fails, changing nothing) and
    Cancel is no longer heard.
    """
    record_path, backup_path = Path(record_path), Path(backup_path)
    _check_restore_source(record_path, backup_path)
    _check_restore_target(record_path)
    progress(0, 100)
    problems = backup_problems(
        backup_path, need_manifest=False, progress=part_of(progress, 0, 25, 100)
    )
    if problems:
        raise RecordError(
            tr(
                "The backup {backup_path} cannot be restored: {reason}. The record was not changed."
            ).format(backup_path=backup_path, reason=problems[0].rstrip("."))
        )
    sha, _ = file_digest(backup_path)
    progress(30, 100)
    if not record_path.parent.is_dir():
        durable.private_folder(record_path.parent)
    told = _unstoppable(progress)  # from here on the restore is not stopped half-way
    with RecordLock.acquire(record_path):
        safety: BackupInfo | None = None
        damaged: Path | None = None
        _check_restore_target(record_path)  # again, now that no other copy can change it
        _clear_abandoned(record_path.parent, record_path.name)
        if record_path.exists() or record_path.is_symlink():
            safety, damaged = _set_current_aside(record_path, clock, part_of(told, 30, 40, 100))
        known = [b.saves for b in list_backups(record_path, verify=False) if b.saves is not None]
        replaced_id, replaced_saves = (
            (safety.record_id, safety.saves) if safety is not None else _sealed_identity(damaged)
        )
        if replaced_saves is not None:
            known.append(replaced_saves)
        try:
            for sibling in ("-journal", "-wal", "-shm"):
                extra = record_path.with_name(record_path.name + sibling)
                if extra.exists():
                    durable.move_aside(extra, ".before-restore")
            _place_copy(
                backup_path,
                record_path,
                sha,
                max(known, default=0),
                replaced_id,
                part_of(told, 70, 30, 100),
            )
        except BaseException:
            if damaged is not None and not record_path.exists():
                # put it back where it was: nothing changed
                durable.rename_no_replace(damaged, record_path)
                for sibling in ("-journal", "-wal", "-shm"):
                    moved = damaged.with_name(damaged.name + sibling)
                    back = record_path.with_name(record_path.name + sibling)
                    if moved.exists():
                        durable.rename_no_replace(moved, back)
            raise
    told(100, 100)
    return RestoreResult(record_path, backup_path, safety, damaged)


def _unstoppable(progress: Progress) -> Progress:
    """``progress`` that is told how far the work is but can no longer stop it."""

    def told(done: int, total: int) -> None:
        with contextlib.suppress(Cancelled):
            progress(done, total)

    return told


_COMPANIONS = ("-journal", "-wal", "-shm", ".lock")


def _check_restore_source(record_path: Path, backup_path: Path) -> None:
    """Refuse the record itself, or its journal, lock or other companions, as the backup."""
    for suffix in ("", *_COMPANIONS):
        companion = record_path.with_name(record_path.name + suffix)
        if not (companion.exists() or companion.is_symlink()):
            continue
        if _same_file(companion, backup_path):
            what = (
                tr("the record itself")
                if not suffix
                else tr("the record's {name} file").format(name=suffix.lstrip("-."))
            )
            raise RecordError(
                tr(
                    "{backup_path} is {what}, not a backup; choose a backup to restore. The "
                    "record was not changed."
                ).format(backup_path=backup_path, what=what)
            )


def _check_restore_target(record_path: Path) -> None:
    """Refuse to replace a file that is not one of our records (another program's database,
    a text file, a link, one that cannot be read).  A damaged record of ours is fine: it
    is moved aside, never lost."""
    try:
        check_record_file(record_path, schema.SCHEMA_VERSION)
    except FileNotFoundError:
        return
    except NotARecord as exc:
        if not damaged_but_ours(record_path):
            raise NotARecord(
                tr(
                    "{reason}; a backup is restored only over a treatment record, so nothing "
                    "was changed."
                ).format(reason=str(exc).rstrip("."))
            ) from None


def damaged_but_ours(path: Path) -> bool:
    """An ordinary file that is empty or carries our application id, however damaged."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return False
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError:
        return False  # cannot be read: a permission problem, not damage
    return not head or has_our_mark(head)


def _set_current_aside(
    record_path: Path, clock: Clock, progress: Progress = no_progress
) -> tuple[BackupInfo | None, Path | None]:
    """Back up the current record; if it is damaged, move it aside instead (never lost)."""
    try:
        check_record_file(record_path, schema.SCHEMA_VERSION)
        conn = connect(record_path)  # read-write: the first read rolls back an unfinished save
        try:
            quick_check(conn, record_path)
            return (
                backup_connection(conn, record_path, BEFORE_RESTORE, clock, progress=progress),
                None,
            )
        finally:
            conn.close()
    except (TooNew, CannotSave, RecordInUse, RecordUnreadable, WrongLayout):
        raise  # newer, disk full, not writable, busy, unreadable, another tool's tables:
        # not damage, so refused with nothing changed
    except (NotARecord, RecordError):
        return None, move_damaged_aside(record_path)


def _sealed_identity(damaged: Path | None) -> tuple[str | None, int | None]:
    """The id and save counter a damaged record set aside still holds, if it can be read
    and their rows' seals match (else None: nothing from a damaged file is trusted)."""
    if damaged is None:
        return None, None
    try:
        conn = open_read_only(damaged, immutable=True)
    except RecordError:
        return None, None
    try:
        cur = conn.execute(
            "SELECT * FROM meta WHERE key IN (?, ?)", (schema.META_RECORD_ID, schema.META_SAVES)
        )
        names = checksums.column_names(cur)
        rows = [checksums.as_dict(names, values) for values in cur.fetchall()]
    except sqlite3.Error:
        return None, None
    finally:
        conn.close()
    found = {
        str(row["key"]): str(row["value"])
        for row in rows
        if row.get(checksums.COLUMN) == checksums.row_checksum("meta", row)
    }
    record_id = found.get(schema.META_RECORD_ID) or None
    saves = found.get(schema.META_SAVES, "")
    return record_id, int(saves) if saves.isdigit() else None


def _place_copy(
    source: Path,
    target: Path,
    sha: str,
    saves_floor: int,
    record_id: str | None,
    progress: Progress = no_progress,
) -> None:
    doing = tr("restore the backup")
    stack = contextlib.ExitStack()
    try:
        tmp = stack.enter_context(durable.held_temp(target.parent, target.name))
    except OSError as exc:
        raise copy_refused(doing, target, exc) from exc
    with stack:
        try:
            try:
                h = hashlib.sha256()
                size, done = max(1, source.stat().st_size), 0
                with open(source, "rb") as src, open(tmp, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        h.update(chunk)
                        dst.write(chunk)
                        done += len(chunk)
                        progress(min(done, size), 2 * size)  # the copy, then its check
                    dst.flush()
                    os.fsync(dst.fileno())
            except OSError as exc:
                raise copy_refused(doing, target, exc) from exc
            if h.hexdigest() != sha or file_digest(tmp)[0] != sha:
                raise RecordError(
                    tr(
                        "Could not {doing}: the backup changed while it was being copied; the "
                        "record was not changed."
                    ).format(doing=doing)
                )
            _count_on(tmp, target, saves_floor, record_id)
            try:
                durable.replace(tmp, target)
            except OSError as exc:
                raise copy_refused(doing, target, exc) from exc
        finally:
            remove_unfinished(tmp)


def _count_on(tmp: Path, target: Path, saves_floor: int, record_id: str | None) -> None:
    """Make the copy (the temp file, before it is renamed into place) the record's newest
    content: brought up to this program's format by the same :func:`schema.migrate` an
    open runs, in a transaction of its own; then, in another, given ``record_id`` (the id of
    the record it replaces; None: the one it has, or the new one its migration gave it)
    and a save counter above ``saves_floor``."""
    with translated(target, tr("restore the backup")):
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA journal_mode = DELETE")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version < schema.SCHEMA_VERSION:
                schema.migrate(conn, version, APPLICATION_ID)
            with transaction(conn, saves_above=saves_floor):
                if record_id:
                    schema.set_record_id(conn, record_id)
        finally:
            conn.close()
