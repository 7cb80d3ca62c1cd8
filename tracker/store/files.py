"""Look at a file before SQLite touches it.

``sqlite3.connect()`` creates missing files, may create ``-wal``/``-shm``
siblings and rolls a hot journal back into the file it opens, so a file someone
chose is classified from its bytes first (reliability.md, "Opening a file
someone chose").  Nothing here writes.
"""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path

from tracker.i18n import N_, tr
from tracker.store.errors import NotARecord, RecordUnreadable, TooNew

APPLICATION_ID = 0x49414C4C  # "IALL": written into every record's header at offset 68
SQLITE_MAGIC = b"SQLite format 3\x00"

_LOOKALIKES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", N_("a ZIP archive (or an Office document)")),
    (b"%PDF", N_("a PDF document")),
    (b"\x89PNG", N_("a PNG picture")),
    (b"\xff\xd8\xff", N_("a JPEG picture")),
    (b"GIF8", N_("a GIF picture")),
    (b"{", N_("a JSON or text file")),
    (b"\xef\xbb\xbf", N_("a text file")),
)


def _describe(head: bytes) -> str:
    for magic, what in _LOOKALIKES:
        if head.startswith(magic):
            return tr(what)
    sample = head[:512]
    if sample and all(32 <= b < 127 or b in (9, 10, 13) for b in sample):
        return tr("a text file")
    return tr("not a treatment record")


def has_our_mark(head: bytes) -> bool:
    """Whether a file's first bytes are SQLite's with our application id (offset 68)."""
    return (
        head.startswith(SQLITE_MAGIC)
        and len(head) >= 72
        and struct.unpack(">I", head[68:72])[0] == APPLICATION_ID
    )


def check_record_file(path: Path, schema_version: int) -> int:
    """Return the file's schema version, or raise NotARecord / TooNew with a plain reason.

    A missing file raises FileNotFoundError (the caller decides whether to create it).
    """
    try:
        st = os.lstat(path)
    except PermissionError:
        raise _unreadable(path) from None
    if stat.S_ISLNK(st.st_mode):
        raise NotARecord(
            tr("{path} is a link to another file; open the file it points to instead.").format(
                path=path
            )
        )
    if stat.S_ISDIR(st.st_mode):
        raise NotARecord(tr("{path} is a folder, not a treatment record file.").format(path=path))
    if not stat.S_ISREG(st.st_mode):
        raise NotARecord(
            tr("{path} is not an ordinary file, so it cannot be a treatment record.").format(
                path=path
            )
        )
    if st.st_size == 0:
        raise NotARecord(
            tr("{path} is empty (0 bytes); it is not a treatment record.").format(path=path)
        )
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except PermissionError:
        raise _unreadable(path) from None
    if not header.startswith(SQLITE_MAGIC):
        raise NotARecord(
            tr("{path} is {value}, not a treatment record.").format(
                path=path, value=_describe(header)
            )
        )
    if len(header) < 100:
        raise NotARecord(
            tr("{path} is cut short (damaged); it is not a whole treatment record.").format(
                path=path
            )
        )
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    (change_counter,) = struct.unpack(">I", header[24:28])
    (page_count,) = struct.unpack(">I", header[28:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    (user_version,) = struct.unpack(">i", header[60:64])
    (application_id,) = struct.unpack(">I", header[68:72])
    (schema_format,) = struct.unpack(">I", header[44:48])
    if (
        page_size < 512
        or page_size & (page_size - 1)
        # Fields with fixed values (sqlite.org/fileformat.html §1.3); ours never reserve bytes.
        or header[18] not in (1, 2)
        or header[19] not in (1, 2)
        or header[20:24] != b"\x00\x40\x20\x20"
        or schema_format not in (1, 2, 3, 4)
    ):
        raise NotARecord(
            tr("{path} has a damaged header; it cannot be opened as a record.").format(path=path)
        )
    if application_id != APPLICATION_ID:
        raise NotARecord(
            tr("{path} is a database made by another program, not a treatment record.").format(
                path=path
            )
        )
    if user_version > schema_version:
        raise TooNew(
            tr(
                "{path} was saved by a newer version of Treatment Tracker (record format "
                "{user_version}; this version reads up to {schema_version}). Install the "
                "newer version to open it; the file has not been changed."
            ).format(path=path, user_version=user_version, schema_version=schema_version)
        )
    if user_version < 1:
        raise NotARecord(
            tr("{path} is an unfinished treatment record (no format version).").format(path=path)
        )
    if (
        valid_for == change_counter
        and st.st_size < page_size * page_count
        and not has_journal(path)  # a save cut short mid-write: SQLite rolls it back on open
    ):
        raise NotARecord(
            tr(
                "{path} is shorter than its header says (truncated or damaged); restore "
                "it from a backup. The file has not been changed."
            ).format(path=path)
        )
    return int(user_version)


def _unreadable(path: Path) -> RecordUnreadable:
    return RecordUnreadable(
        tr(
            "{path} cannot be read: you do not have permission to open it. It is a "
            "permission problem, not damage, and nothing was changed: start the "
            "program as the user who owns the file, or ask whoever looks after this "
            "computer to give you access."
        ).format(path=path)
    )


def is_unstarted(path: Path) -> bool:
    """Whether ``path`` is a record that was begun but never finished: an empty (0-byte)
    file, or a file with SQLite's header and no tables at all (and so no content).

    Such a file is what a program killed while it created a record left behind before
    records were made whole in a temporary file first.  A file with anything in it is not.
    """
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return False
        if st.st_size == 0:
            return True
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError:
        return False
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return False
    (page_size,) = struct.unpack(">H", head[16:18])
    page_size = 65536 if page_size == 1 else page_size
    (schema_cookie,) = struct.unpack(">I", head[40:44])
    (user_version,) = struct.unpack(">i", head[60:64])
    (application_id,) = struct.unpack(">I", head[68:72])
    # No table was ever made: the schema cookie is 0 and the file is one page (sqlite_master).
    return (
        schema_cookie == 0
        and user_version == 0
        and application_id in (0, APPLICATION_ID)
        and st.st_size <= page_size
        and not has_journal(path)
    )


def has_journal(path: Path) -> bool:
    """Whether a rollback journal or WAL with content lies beside ``path``.

    A program killed while it wrote a save leaves the file's header ahead of its body
    (page 1 is written first) and the journal that undoes it: not a truncated file.
    """
    for suffix in ("-journal", "-wal"):
        try:
            if os.stat(path.with_name(path.name + suffix)).st_size > 0:
                return True
        except OSError:
            pass
    return False
