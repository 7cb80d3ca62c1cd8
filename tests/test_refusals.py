"""Wrong files: each is refused with its own plain message and left exactly as it was.

A generated corpus (reliability.md, test recipe 3): empty, text, lookalike
formats, truncated records, header byte flips, another program's SQLite, a
newer record, links, folders, a missing file.  For each we check the error
class, that the message names the problem and the file, that the bytes
(SHA-256) and mtime did not change and that no file appeared beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from unprivileged import run_unprivileged, unprivileged_folder

from tracker.model import Child, CountResult, CountValue, Milestone, MilestoneKind
from tracker.store import SCHEMA_VERSION, NotARecord, Record, RecordError, TooNew
from tracker.store.errors import RecordUnreadable
from tracker.store.files import APPLICATION_ID, check_record_file

CLOCK_NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return CLOCK_NOW


def build_real_record(path: Path) -> None:
    """A small but real record with some rows, so that it spans many pages."""
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        assert child.id is not None
        for day in range(1, 29):
            plt = CountValue("plt", str(day * 10), "K/µL", day * 10.0, day * 10.0, "10^9/L")
            rec.save(CountResult(child.id, dt.date(2026, 6, day), values=(plt,)))
            rec.save(
                Milestone(child.id, dt.date(2026, 7, day), MilestoneKind.OTHER, notes="x" * 300)
            )


@pytest.fixture(scope="module")
def real_record(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("real") / "real.sqlite"
    build_real_record(path)
    data = path.read_bytes()
    assert len(data) >= 8 * 4096  # several pages, so halving it loses pages
    return data


# ---------------------------------------------------------------------- the corpus

Maker = Callable[[Path, bytes], Path]  # (empty folder, a real record's bytes) -> the wrong file


@dataclass(frozen=True)
class Case:
    name: str
    make: Maker
    error: type[RecordError]
    words: tuple[str, ...]  # each must appear in the message (case-insensitive)


def write(name: str, content: bytes) -> Maker:
    def make(folder: Path, real: bytes) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return make


def from_real(change: Callable[[bytes], bytes], name: str = "family.sqlite") -> Maker:
    def make(folder: Path, real: bytes) -> Path:
        path = folder / name
        path.write_bytes(change(real))
        return path

    return make


def flip(offset: int, mask: int = 0xFF) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        b = bytearray(data)
        b[offset] ^= mask
        return bytes(b)

    return change


def set_header(offset: int, value: bytes) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        return data[:offset] + value + data[offset + len(value) :]

    return change


def sqlite_file(*pragmas: str, table: str = "CREATE TABLE notes (id INTEGER, body TEXT)") -> Maker:
    """A database written by plain sqlite3 (another program), with optional pragmas."""

    def make(folder: Path, real: bytes) -> Path:
        path = folder / "family.sqlite"
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            for p in pragmas:
                conn.execute(p)
            conn.execute(table)
            conn.execute("INSERT INTO notes VALUES (1, 'hello')")
        finally:
            conn.close()
        return path

    return make


def real_with_pragma(pragma: str) -> Maker:
    """A copy of a real record changed through SQLite itself (so the file stays whole)."""

    def make(folder: Path, real: bytes) -> Path:
        path = folder / "family.sqlite"
        path.write_bytes(real)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute(pragma)
        finally:
            conn.close()
        path.chmod(0o600)
        return path

    return make


def zip_of_record(folder: Path, real: bytes) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("family.sqlite", real)
    path = folder / "family.zip"
    path.write_bytes(buffer.getvalue())
    return path


def symlink_to_record(folder: Path, real: bytes) -> Path:
    target = folder / "real.sqlite"
    target.write_bytes(real)
    link = folder / "family.sqlite"
    link.symlink_to(target)
    return link


def dangling_symlink(folder: Path, real: bytes) -> Path:
    link = folder / "family.sqlite"
    link.symlink_to(folder / "gone.sqlite")
    return link


def a_folder(folder: Path, real: bytes) -> Path:
    path = folder / "family.sqlite"
    path.mkdir()
    (path / "inside.txt").write_text("not a record")
    return path


def a_fifo(folder: Path, real: bytes) -> Path:
    path = folder / "family.sqlite"
    os.mkfifo(path)
    return path


def missing(folder: Path, real: bytes) -> Path:
    return folder / "family.sqlite"


RNG = random.Random(20261124)
NOISE = bytes(RNG.randrange(128, 256) for _ in range(4096))  # high bytes: never "text"

DAMAGED = ("damaged header",)
TRUNCATED = ("shorter than its header says",)
OTHER_PROGRAM = ("another program",)

CASES: list[Case] = [
    Case("empty", write("family.sqlite", b""), NotARecord, ("empty", "0 bytes")),
    Case("text", write("family.sqlite", b"Dear team,\nMila's counts:\n"), NotARecord, ("text",)),
    Case("text-bom", write("family.txt", "\ufeffNotes — ok\n".encode()), NotARecord, ("text",)),
    Case("csv", write("family.csv", b"date,wbc\r\n2026-06-01,3.4\r\n"), NotARecord, ("text",)),
    Case("json", write("family.json", b'{"child": "Mila"}'), NotARecord, ("JSON",)),
    Case("png", write("family.png", b"\x89PNG\r\n\x1a\n" + NOISE), NotARecord, ("PNG",)),
    Case("jpeg", write("family.jpg", b"\xff\xd8\xff\xe0" + NOISE), NotARecord, ("JPEG",)),
    Case("gif", write("family.gif", b"GIF89a" + NOISE), NotARecord, ("GIF",)),
    Case("pdf", write("family.pdf", b"%PDF-1.7\n" + NOISE), NotARecord, ("PDF",)),
    Case("zip", zip_of_record, NotARecord, ("ZIP",)),
    Case("binary-noise", write("family.sqlite", NOISE), NotARecord, ("not a treatment record",)),
    Case("magic-only", write("family.sqlite", b"SQLite format 3\x00"), NotARecord, ("cut short",)),
    Case("header-only", from_real(lambda b: b[:100]), NotARecord, TRUNCATED),
    Case("truncated-half", from_real(lambda b: b[: len(b) // 2]), NotARecord, TRUNCATED),
    Case("truncated-one-page", from_real(lambda b: b[:4096]), NotARecord, TRUNCATED),
    Case("truncated-odd", from_real(lambda b: b[: len(b) - 1]), NotARecord, TRUNCATED),
    Case("truncated-50", from_real(lambda b: b[:50]), NotARecord, ("cut short",)),
    Case("flip-magic-0", from_real(flip(0)), NotARecord, ("not a treatment record",)),
    Case("flip-magic-15", from_real(flip(15, 0x01)), NotARecord, ("not a treatment record",)),
    Case("flip-page-size", from_real(flip(16)), NotARecord, DAMAGED),
    Case("page-size-odd", from_real(set_header(16, b"\x10\x01")), NotARecord, DAMAGED),
    Case("page-size-tiny", from_real(set_header(16, b"\x01\x00")), NotARecord, DAMAGED),
    Case("flip-write-version", from_real(flip(18)), NotARecord, DAMAGED),
    Case("flip-read-version", from_real(flip(19)), NotARecord, DAMAGED),
    Case("flip-reserved-bytes", from_real(flip(20)), NotARecord, DAMAGED),
    Case("flip-payload-fraction", from_real(flip(21, 0x01)), NotARecord, DAMAGED),
    Case("flip-schema-format", from_real(flip(47)), NotARecord, DAMAGED),
    Case("flip-page-count", from_real(flip(28, 0x01)), NotARecord, TRUNCATED),
    Case("flip-application-id", from_real(flip(71)), NotARecord, OTHER_PROGRAM),
    Case("flip-application-id-hi", from_real(flip(68, 0x01)), NotARecord, OTHER_PROGRAM),
    Case("flip-user-version-up", from_real(flip(62, 0x01)), TooNew, ("newer version",)),
    Case("flip-user-version-sign", from_real(flip(60, 0x80)), NotARecord, ("unfinished",)),
    Case("other-sqlite", sqlite_file(), NotARecord, OTHER_PROGRAM),
    Case("other-sqlite-wal", sqlite_file("PRAGMA journal_mode=WAL"), NotARecord, OTHER_PROGRAM),
    Case(
        "other-sqlite-versioned",
        sqlite_file("PRAGMA user_version = 1", "PRAGMA application_id = 1"),
        NotARecord,
        OTHER_PROGRAM,
    ),
    Case(
        "our-mark-no-version",
        sqlite_file(f"PRAGMA application_id = {APPLICATION_ID}"),
        NotARecord,
        ("unfinished",),
    ),
    Case(
        "too-new",
        real_with_pragma(f"PRAGMA user_version = {SCHEMA_VERSION + 1}"),
        TooNew,
        ("newer version", f"format {SCHEMA_VERSION + 1}", "has not been changed"),
    ),
    Case(
        "much-too-new",
        real_with_pragma("PRAGMA user_version = 2147483647"),
        TooNew,
        ("newer version",),
    ),
    Case("symlink", symlink_to_record, NotARecord, ("link",)),
    Case("dangling-symlink", dangling_symlink, NotARecord, ("link",)),
    Case("folder", a_folder, NotARecord, ("folder",)),
    Case("fifo", a_fifo, NotARecord, ("not an ordinary file",)),
    Case("missing", missing, NotARecord, ("no record file",)),
]


# ---------------------------------------------------------------------- observing a file


@dataclass(frozen=True)
class Snapshot:
    listing: tuple[str, ...]
    sha256: str | None
    mtime_ns: int | None
    mode: int | None


def snapshot(path: Path) -> Snapshot:
    listing = tuple(sorted(os.listdir(path.parent)))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Snapshot(listing, None, None, None)
    digest = None
    if stat.S_ISREG(st.st_mode):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    elif stat.S_ISLNK(st.st_mode) and path.exists():
        digest = hashlib.sha256(path.resolve().read_bytes()).hexdigest()
    elif stat.S_ISDIR(st.st_mode):
        digest = repr(sorted(os.listdir(path)))
    return Snapshot(listing, digest, st.st_mtime_ns, st.st_mode)


def make_case(case: Case, tmp_path: Path, real: bytes) -> Path:
    folder = tmp_path / "chosen"
    folder.mkdir()
    path = case.make(folder, real)
    if path.exists() and not path.is_symlink() and path.is_file():
        # an old mtime, so that any write (even within the same clock tick) would show
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return path


# ---------------------------------------------------------------------- the tests


@pytest.mark.parametrize("create", [False, True], ids=["open", "open-create"])
@pytest.mark.parametrize("case", [c for c in CASES if c.name != "missing"], ids=lambda c: c.name)
def test_wrong_file_is_refused_untouched(
    case: Case, create: bool, tmp_path: Path, real_record: bytes
) -> None:
    path = make_case(case, tmp_path, real_record)
    before = snapshot(path)
    with pytest.raises(RecordError) as info:
        Record.open(path, create=create, clock=clock)
    assert type(info.value) is case.error, str(info.value)
    message = str(info.value)
    for word in case.words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"
    assert str(path) in message
    assert snapshot(path) == before


def test_missing_file_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "family.sqlite"
    with pytest.raises(NotARecord, match="no record file") as info:
        Record.open(path, clock=clock)
    assert str(path) in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_missing_file_in_missing_folder_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "not" / "there.sqlite"
    with pytest.raises(NotARecord):
        Record.open(path, clock=clock)
    assert list(tmp_path.iterdir()) == []


def _unreadable_file_is_refused(folder: Path, real_record: bytes) -> None:
    path = folder / "family.sqlite"
    path.write_bytes(real_record)
    path.chmod(0o600)
    before = snapshot(path)
    path.chmod(0)
    try:
        with pytest.raises(RecordUnreadable, match="permission"):
            Record.open(path, clock=clock)
        assert sorted(p.name for p in folder.iterdir()) == ["family.sqlite"]
    finally:
        path.chmod(0o600)
    assert snapshot(path) == before


def test_unreadable_file_is_refused(real_record: bytes) -> None:
    """Run as an unprivileged user (tests/unprivileged.py): root can read any file."""
    with unprivileged_folder() as folder:
        run_unprivileged(_unreadable_file_is_refused, folder, real_record)


def test_corpus_is_big_and_messages_differ() -> None:
    """Every kind of wrong file gets a message of its own, not one catch-all."""
    assert len(CASES) * 2 >= 50
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.words for c in CASES}) >= 15


def test_real_record_opens(tmp_path: Path, real_record: bytes) -> None:
    """The control: the unmodified bytes are accepted, so each refusal is the change's doing."""
    path = tmp_path / "family.sqlite"
    path.write_bytes(real_record)
    assert check_record_file(path, SCHEMA_VERSION) == SCHEMA_VERSION
    with Record.open(path, clock=clock) as rec:
        assert len(rec.children()) == 1
        assert rec.problems() == []


def test_symlink_is_refused_even_to_a_good_record(tmp_path: Path, real_record: bytes) -> None:
    link = symlink_to_record(tmp_path, real_record)
    with pytest.raises(NotARecord, match="link"):
        Record.open(link, clock=clock)
    with Record.open(link.resolve(), clock=clock):
        pass  # the file it points to is fine


@pytest.mark.parametrize("offset", range(100))
def test_any_header_flip_is_refused_or_harmless(
    offset: int, tmp_path: Path, real_record: bytes
) -> None:
    """Flip each header byte: never a raw SQLite error, and the file is never changed."""
    folder = tmp_path / "chosen"
    folder.mkdir()
    path = folder / "family.sqlite"
    path.write_bytes(flip(offset)(real_record))
    before = snapshot(path)
    try:
        rec = Record.open(path, clock=clock)
    except RecordError as exc:
        assert str(path) in str(exc)
    else:
        rec.close()
    assert snapshot(path) == before
