"""One backup file: its name, its manifest, making it from an open connection, and proving it whole.

A backup is made with SQLite's online backup API from an open connection into a
private temporary file in the target folder → fsync → ``integrity_check`` of the
copy (and of every row's seal) → rename over the final name → fsync the folder, with
a manifest beside it (``….backup.json``: its SHA-256 and what it holds), so that a
backup can show it is intact and whose it is without trusting its name.

This module knows nothing of an open :class:`~tracker.store.record.Record`:
``Record.open`` backs up its bare connection here before a migration, and
:mod:`tracker.store.backup` (the record's backups, copies and restore) builds on it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tracker.clock import Clock
from tracker.i18n import N_, tr
from tracker.kinds import tables
from tracker.progress import Progress, no_progress, part_of
from tracker.store import durable, schema
from tracker.store.errors import CannotSave, RecordError, translated
from tracker.store.files import APPLICATION_ID, check_record_file
from tracker.store.integrity import changed_rows, open_read_only, stoppable
from tracker.store.schema import SEALED_SINCE
from tracker.store.structure import first_finding

BACKUP_FOLDER = "backups"
DAILY = "daily"
BEFORE_UPDATE = "before-update"
BEFORE_RESTORE = "before-restore"
BEFORE_IMPORT = "before-import"
REASONS: dict[str, str] = {
    DAILY: N_("daily backup"),
    BEFORE_UPDATE: N_("before the record was updated for a new version of the program"),
    BEFORE_RESTORE: N_("before a backup was restored"),
    BEFORE_IMPORT: N_("before an import"),
}
MANIFEST_FORMAT = "treatment-tracker-backup"
MANIFEST_VERSION = 2  # 2: with the record's id and save counter

_SUFFIX = ".backup.sqlite"
BACKUP_NAME = re.compile(
    r"^(?P<stem>.+)\.(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?"
    r"\.(?P<reason>[a-z]+(?:-[a-z]+)*)\.backup\.sqlite$"
)
MANIFEST_NAME = re.compile(BACKUP_NAME.pattern.replace(r"\.sqlite$", r"\.json$"))
STAMP = "%Y%m%d-%H%M%S"
CHUNK = 1 << 20
COPY_PAGES = 256  # pages a backup copies between the moments a save may come in


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file, as the restore list shows it (newest first)."""

    path: Path
    created: dt.datetime  # the program's clock when it was made (from its name)
    reason: str  # DAILY, BEFORE_UPDATE, BEFORE_RESTORE, BEFORE_IMPORT
    size: int
    record_name: str = ""
    record_format: int | None = None
    children: tuple[str, ...] = ()  # the children's names in it
    counts: int | None = None  # number of blood counts in it
    last_count: dt.date | None = None  # the date of its newest blood count
    last_change: str | None = None  # when anything in it was last changed (ISO, UTC)
    record_id: str | None = None  # the identity of the record it is a backup of
    saves: int | None = None  # the record's save counter in it: what orders backups
    sha256: str | None = None
    verified: bool | None = None  # None: not looked at; False: see ``problem``
    problem: str | None = None

    @property
    def manifest(self) -> Path:
        return manifest_path(self.path)

    @property
    def reason_text(self) -> str:
        return tr(REASONS.get(self.reason, self.reason))


def backups_folder(record_path: Path) -> Path:
    return Path(record_path).parent / BACKUP_FOLDER


def manifest_path(backup: Path) -> Path:
    name = backup.name
    base = name[: -len(".sqlite")] if name.endswith(".sqlite") else name
    return backup.with_name(base + ".json")


def backup_connection(
    conn: sqlite3.Connection,
    record_path: Path,
    reason: str,
    clock: Clock,
    *,
    folder: Path | None = None,
    base: Path | None = None,
    progress: Progress = no_progress,
) -> BackupInfo:
    """:func:`make_backup` from a bare connection (``Record.open`` before a migration).

    ``base``: an earlier backup of the same record; if it still matches its manifest and
    was verified whole, the new copy's seals are checked only where it differs from it
    (:func:`trusted_base`).  ``progress`` hears of the copy and the check."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")  # i18n: not shown
    record_path = Path(record_path)
    doing = "make a backup"
    target_folder = folder or backups_folder(record_path)
    try:
        durable.private_folder(target_folder)
    except OSError as exc:
        raise copy_refused(doing, target_folder, exc, folder=True) from exc
    now = clock()
    target = _free_name(target_folder, record_path.stem, now, reason)
    manifest = manifest_path(target)
    with verified_temp(conn, target, doing, base=base, progress=progress) as (
        tmp,
        sha,
        size,
        contents,
    ):
        info = BackupInfo(
            path=target,
            created=now.replace(tzinfo=None, microsecond=0),
            reason=reason,
            size=size,
            record_name=record_path.name,
            sha256=sha,
            verified=contents.pop("seals_ok"),
            **contents,
        )
        # The manifest goes into place first: a kill between the two renames leaves a
        # manifest without its backup, which the next thinning removes (never a backup that
        # no manifest names, which nothing could attribute to its record).
        try:
            with durable.held_temp(target_folder, manifest.name) as manifest_tmp:
                try:
                    with open(manifest_tmp, "wb") as fh:
                        fh.write(_manifest_bytes(info, now))
                        fh.flush()
                        os.fsync(fh.fileno())
                    durable.replace(manifest_tmp, manifest)  # each rename synced in turn
                    durable.replace(tmp, target)
                except OSError as exc:
                    raise copy_refused(doing, target, exc) from exc
                finally:
                    remove_unfinished(manifest_tmp)
        except OSError as exc:
            raise copy_refused(doing, target, exc) from exc
        except BaseException:
            if not target.exists():  # the name was free: this manifest is the one just written
                remove_unfinished(manifest)
            raise
    if not info.verified:
        info = replace(info, problem=tr("some entries were changed outside the program"))
    return info


def _free_name(folder: Path, stem: str, now: dt.datetime, reason: str) -> Path:
    stamp = now.strftime(STAMP)
    n = 1
    while True:
        extra = f"-{n}" if n > 1 else ""
        target = folder / f"{stem}.{stamp}{extra}.{reason}{_SUFFIX}"
        if not (target.exists() or manifest_path(target).exists()):
            return target
        n += 1


@contextlib.contextmanager
def verified_temp(
    source: sqlite3.Connection,
    target: Path,
    doing: str,
    *,
    base: Path | None = None,
    progress: Progress = no_progress,
) -> Iterator[tuple[Path, str, int, dict[str, Any]]]:
    """Copy ``source`` into a private temp file beside ``target``, sync and verify it.

    The copy goes in steps of :data:`COPY_PAGES` pages: between them the source is free,
    so a save on another connection waits at most one step (SQLite then starts the copy
    again, so it always holds one moment of the record).  ``base``, ``progress``: see
    :func:`backup_connection`.

    Yields the temp file (for the caller to rename inside the ``with``), its SHA-256,
    size and what it holds.  The temp file is held (:func:`durable.held_temp`) until the
    block ends, so no cleanup takes it from under a running copy, and whatever is left of
    it then (an error, a rename that did not happen) is removed.
    """
    stack = contextlib.ExitStack()
    try:
        tmp = stack.enter_context(durable.held_temp(target.parent, target.name))
    except OSError as exc:
        raise copy_refused(doing, target, exc) from exc
    with stack:
        try:
            with translated(target, doing):
                dest = sqlite3.connect(tmp, isolation_level=None)
                try:
                    # No syncs of SQLite's own: the temp is synced once, whole, just below
                    # (a kill before then leaves a temp to clear, its journal beside it
                    # marking it as ours).
                    dest.execute("PRAGMA synchronous = OFF")

                    copy_part = part_of(progress, 0, 50, 100)  # the copy: the first half

                    def copied(_status: int, remaining: int, total: int) -> None:
                        copy_part(total - remaining, total)

                    source.backup(dest, pages=COPY_PAGES, progress=copied)
                finally:
                    dest.close()
            try:
                durable.fsync_file(tmp)
            except OSError as exc:
                raise copy_refused(doing, target, exc) from exc
            problems, contents = inspect(
                tmp,
                base=base if trusted_base(base) else None,
                progress=part_of(progress, 50, 50, 100),
            )
            progress(1, 1)
            if problems:
                raise RecordError(
                    tr(
                        "Could not {doing}: the copy did not check out as whole ({value}); "
                        "nothing was replaced and the record was not changed."
                    ).format(doing=doing, value=problems[0])
                )
            sha, size = file_digest(tmp)
            yield tmp, sha, size, contents
        finally:
            remove_unfinished(tmp)


def _manifest_bytes(info: BackupInfo, now: dt.datetime) -> bytes:
    data = {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "file": info.path.name,
        "sha256": info.sha256,
        "size": info.size,
        "made_at": now.isoformat(timespec="seconds"),
        "reason": info.reason,
        "record": info.record_name,
        "record_format": info.record_format,
        "children": list(info.children),
        "counts": info.counts,
        "last_count": info.last_count.isoformat() if info.last_count else None,
        "last_change": info.last_change,
        "record_id": info.record_id,
        "saves": info.saves,
        "seals_ok": info.verified,
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def remove_unfinished(path: Path) -> None:
    """Remove an unfinished file and its journal; one that will not go is named as ours
    (a dot and ``.tmp``) and cleared by a later thinning or copy."""
    for p in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            p.unlink()


def copy_refused(doing: str, target: Path, exc: OSError, *, folder: bool = False) -> CannotSave:
    where = target if folder else target.parent
    if durable.is_disk_full(exc):
        reason = tr("the disk is full")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = tr("the folder {where} cannot be written to").format(where=where)
    elif exc.errno == errno.ENOENT:
        reason = tr("the folder {where} does not exist").format(where=where)
    else:
        reason = exc.strerror or str(exc)
    return CannotSave(
        tr("Could not {doing}: {reason}; nothing that was saved before is lost.").format(
            doing=doing, reason=reason
        )
    )


# ---------------------------------------------------------------------- looking at one


def file_digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def trusted_base(base: Path | None) -> bool:
    """Whether ``base`` (an earlier backup) can vouch for the rows it holds: its manifest
    says every seal was right when it was made, and its SHA-256 fingerprint and size
    still match (nothing changed it since)."""
    if base is None:
        return False
    manifest = read_manifest(base)
    if manifest is None or manifest.get("seals_ok") is not True:
        return False
    if manifest.get("record_format") != schema.SCHEMA_VERSION:
        return False
    try:
        sha, size = file_digest(base)
    except OSError:
        return False
    return sha == manifest.get("sha256") and size == manifest.get("size")


def inspect(
    path: Path,
    *,
    seals: bool = True,
    base: Path | None = None,
    progress: Progress = no_progress,
) -> tuple[list[str], dict[str, Any]]:
    """Structure problems of a record copy at rest (read-only, immutable) and what it holds.

    With ``seals`` the contents include ``seals_ok``: False when a link is broken or some
    row's seal does not match (the slow part: about 10 µs a row).  ``base``: a backup
    already found trusted (:func:`trusted_base`); only rows that differ from its rows have
    their seals recomputed.  ``progress`` hears of it and may stop it (Cancelled).
    """
    try:
        conn = open_read_only(path, immutable=True)
    except RecordError as exc:
        return [str(exc)], {}
    try:
        if base is not None:
            with translated(base, tr("check the copy")):
                conn.execute("ATTACH DATABASE ? AS base", (_immutable_uri(base),))
        with translated(path, tr("check the copy")):
            progress(0, 100)
            with stoppable(conn, lambda: progress(0, 100)):
                lines = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            progress(20, 100)
            if lines != ["ok"]:
                return [tr("SQLite's check says: {value}").format(value=first_finding(lines))], {}
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return [tr("it is not a treatment record")], {}
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > schema.SCHEMA_VERSION:
                return [tr("it was made by a newer version of the program")], {}
            contents = _contents(conn, version)
            if seals:
                ok = not conn.execute("PRAGMA foreign_key_check").fetchall()
                against = "base" if base is not None else None
                contents["seals_ok"] = ok and (
                    version < SEALED_SINCE
                    or not changed_rows(conn, against, progress=part_of(progress, 20, 80, 100))
                )
            progress(100, 100)
    except RecordError as exc:
        return [str(exc)], {}
    finally:
        conn.close()
    return [], contents


def _immutable_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro&immutable=1"


def _contents(conn: sqlite3.Connection, version: int) -> dict[str, Any]:
    present = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    children = tuple(str(r[0]) for r in conn.execute("SELECT name FROM child ORDER BY id"))
    counts, last = conn.execute("SELECT count(*), max(taken_date) FROM count_result").fetchone()
    changes = [
        conn.execute(f"SELECT max(updated_at) FROM {t}").fetchone()[0]
        for t in tables()
        if t in present
    ]
    known = [c for c in changes if c]
    record_id, saves = schema.record_identity(conn)
    return {
        "record_id": record_id,
        "saves": saves,
        "record_format": version,
        "children": children,
        "counts": int(counts),
        "last_count": dt.date.fromisoformat(last) if last else None,
        "last_change": max(known) if known else None,
    }


def read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None
    return data


def backup_problems(
    path: Path, *, need_manifest: bool = True, progress: Progress = no_progress
) -> list[str]:
    """Why the backup at ``path`` cannot be trusted, in plain words; empty if it verifies.

    Checks its fingerprint against the manifest (required unless ``need_manifest`` is
    False; if a manifest exists it must match), that it is a treatment record no newer
    than this program, SQLite's full ``integrity_check``, and every row's seal (read from
    the manifest when the fingerprint matches: they were checked when the backup was
    made; recomputed otherwise).  Read-only: the file is never changed and nothing is
    created beside it.  ``progress`` hears of the check and may stop it (Cancelled).
    """
    path = Path(path)
    try:
        check_record_file(path, schema.SCHEMA_VERSION)
    except FileNotFoundError:
        return [tr("{path} is missing").format(path=path)]
    except RecordError as exc:
        return [str(exc)]
    manifest = read_manifest(path)
    if manifest is None:
        if need_manifest:
            return [
                tr("its fingerprint file {name} is missing or unreadable").format(
                    name=manifest_path(path).name
                )
            ]
    else:
        sha, size = file_digest(path)
        if sha != manifest.get("sha256") or size != manifest.get("size"):
            return [tr("it was changed after it was made (its SHA-256 fingerprint does not match)")]
    progress(0, 100)
    problems, contents = inspect(
        path, seals=manifest is None, progress=part_of(progress, 10, 90, 100)
    )
    if problems:
        return problems
    seals_ok = contents["seals_ok"] if manifest is None else manifest.get("seals_ok") is True
    if not seals_ok:
        return [tr("some entries in it were changed outside the program")]
    return []


def verify_backup(path: Path) -> bool:
    """True if the backup is intact: manifest SHA-256, integrity_check and row seals."""
    return not backup_problems(path)
