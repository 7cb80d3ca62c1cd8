"""Backups, copies and restore (tracker/store/backup.py), and where a record should not live.

Each check has its control: a backup that verifies is shown to fail verification
once a byte changes; thinning is run over sixteen simulated months with a fake
clock; restore is shown to refuse a bad backup and to replace the file (a new
inode), never to write into it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, fixed_clock

from tracker import cli
from tracker.io.json_export import write_json
from tracker.model import (
    Child,
    CnsVisit,
    CountResult,
    CountValue,
    ItDose,
    ItDrug,
    LpProcedure,
    Phase,
    PhaseKind,
)
from tracker.store import SCHEMA_VERSION, Record, RecordError, RecordInUse, durable
from tracker.store.backup import (
    choose_kept,
    copy_record,
    daily_backup_if_due,
    days_since_last_copy,
    last_copy,
    list_backups,
    make_backup,
    newest_verified_backup,
    restore,
    save_copy,
    thin_backups,
)
from tracker.store.backup_file import (
    BEFORE_RESTORE,
    DAILY,
    BackupInfo,
    backup_problems,
    backups_folder,
    manifest_path,
    verify_backup,
)
from tracker.store.integrity import quarantine
from tracker.store.places import looks_off_computer, sync_folder_warning

DATA = Path(__file__).resolve().parent / "data"


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC))


def value(code: str, number: float, unit: str = "10^9/L") -> CountValue:
    canonical = {"hgb": "g/L"}.get(code, "10^9/L")
    return CountValue(code, f"{number:g}", unit, number, number, canonical)


def fill(rec: Record) -> Child:
    child, _ = rec.save(
        Child(name="Mila 🌷", birth_date=dt.date(2026, 1, 10), diagnosis_date=dt.date(2026, 5, 12))
    )
    assert child.id is not None
    phase, _ = rec.save(Phase(child.id, PhaseKind.INDUCTION, actual_start=dt.date(2026, 5, 20)))
    for day in range(1, 11):
        rec.save(
            CountResult(
                child.id,
                dt.date(2026, 6, day),
                note=f"count {day} — שלום",
                values=(value("wbc", day / 2), value("plt", 20 + day), value("hgb", 90, "g/L")),
            )
        )
    rec.save(
        CnsVisit(
            child.id,
            dt.date(2026, 6, 3),
            LpProcedure.LP_WITH_IT,
            phase_id=phase.id,
            it_drugs=(ItDose(ItDrug.METHOTREXATE, "6 mg"),),
        )
    )
    return child


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "family.sqlite"


@pytest.fixture
def rec(path: Path, clock: Clock) -> Iterator[Record]:
    r = Record.open(path, create=True, clock=clock)
    fill(r)
    yield r
    r.close()


def dump(path: Path) -> dict[str, Any]:
    """Every row of every table and the header fields that matter, read-only."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
            "application_id": conn.execute("PRAGMA application_id").fetchone()[0],
            "schema": conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall(),
            **{t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables},
        }
    finally:
        conn.close()


def restored(path: Path) -> dict[str, Any]:
    """:func:`dump` without the save counter, which a restore raises above every backup's."""
    found = dump(path)
    found["meta"] = [row for row in found.get("meta", []) if row[1] != "saves"]
    return found


def saves(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT value FROM meta WHERE key = 'saves'").fetchone()[0])
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def add_count(rec: Record, day: int, note: str = "later") -> None:
    child = rec.children()[0]
    assert child.id is not None
    rec.save(CountResult(child.id, dt.date(2026, 9, day), note=note, values=(value("plt", 99),)))


# ---------------------------------------------------------------------- making and verifying


def test_backup_round_trip_is_logically_equal_verified_and_private(
    rec: Record, path: Path, clock: Clock
) -> None:
    info = make_backup(rec, DAILY, clock)
    folder = path.parent / "backups"
    assert info.path.parent == folder == backups_folder(path)
    assert info.path.name == "family.20261124-093000.daily.backup.sqlite"
    assert mode(folder) == 0o700
    assert mode(info.path) == 0o600
    assert mode(info.manifest) == 0o600
    assert dump(info.path) == dump(path)  # same rows, ids, uids, schema, version and mark
    assert integrity(info.path) == "ok"
    assert verify_backup(info.path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "family.20261124-093000.daily.backup.json",
        "family.20261124-093000.daily.backup.sqlite",
    ]
    manifest = json.loads(info.manifest.read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256(info.path.read_bytes()).hexdigest()
    assert manifest["size"] == info.path.stat().st_size
    # the copy is not byte-identical (SQLite's header counters differ) but logically equal
    assert info.sha256 == manifest["sha256"]


def test_backup_info_says_what_it_holds(rec: Record, path: Path, clock: Clock) -> None:
    make_backup(rec, DAILY, clock)
    clock.advance(hours=2)
    add_count(rec, 1)
    make_backup(rec, "before-import", clock)
    newest, older = list_backups(path)
    assert (newest.reason, older.reason) == ("before-import", DAILY)
    assert newest.created == dt.datetime(2026, 11, 24, 11, 30)
    assert newest.children == ("Mila 🌷",)
    assert (newest.counts, older.counts) == (11, 10)
    assert (newest.last_count, older.last_count) == (dt.date(2026, 9, 1), dt.date(2026, 6, 10))
    assert newest.last_change is not None and newest.last_change.startswith("2026-11-24T")
    assert newest.verified is True and older.verified is True
    assert newest.size == newest.path.stat().st_size
    assert newest.reason_text == "before an import"


def test_verify_catches_any_change_and_never_writes(rec: Record, path: Path, clock: Clock) -> None:
    info = make_backup(rec, DAILY, clock)
    folder = info.path.parent
    before = snapshot(folder)
    assert verify_backup(info.path)
    assert snapshot(folder) == before, "verifying changed or created a file"

    data = bytearray(info.path.read_bytes())
    spot = bytes(data).index(b"count 7")  # inside a stored note
    data[spot + 6] ^= 0x01
    flipped = folder / "flipped.backup.sqlite"
    flipped.write_bytes(bytes(data))
    shutil.copyfile(info.manifest, manifest_path(flipped))
    assert integrity(flipped) == "ok"  # SQLite's own check does not see it …
    assert "fingerprint" in backup_problems(flipped)[0]  # … the manifest does
    manifest_path(flipped).unlink()
    assert not verify_backup(flipped)  # no manifest: not verified
    problems = backup_problems(flipped, need_manifest=False)
    assert problems == ["some entries in it were changed outside the program"]  # the seals do

    forged = json.loads(info.manifest.read_text(encoding="utf-8"))
    forged["sha256"] = "0" * 64
    info.manifest.write_text(json.dumps(forged), encoding="utf-8")
    assert not verify_backup(info.path)
    info.path.write_bytes(b"not a database at all")
    assert not verify_backup(info.path)
    assert [b.verified for b in list_backups(path)] == [False]


def test_the_copy_being_made_has_no_syncs_of_its_own_but_its_journal(
    rec: Record, path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temporary copy is synced once by us when it is whole, then checked, then renamed
    (a kill before that leaves a temp the next cleanup removes): SQLite syncing it as well
    would only make every backup and copy slower.  Its journal stays: beside a copy cut
    short it shows the temp is ours to clear (test_backup_kill)."""
    seen: list[tuple[str, str, int]] = []
    real = sqlite3.connect

    class Watched(sqlite3.Connection):
        def close(self) -> None:
            mode = self.execute("PRAGMA journal_mode").fetchone()[0]
            sync = self.execute("PRAGMA synchronous").fetchone()[0]
            seen.append((self.execute("PRAGMA database_list").fetchone()[2], mode, sync))
            super().close()

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(database).endswith(durable.TEMP_SUFFIX):  # written, not a read-only check
            kwargs["factory"] = Watched
        return real(database, *args, **kwargs)

    (path.parent / "stick").mkdir()
    monkeypatch.setattr(sqlite3, "connect", connect)
    info = make_backup(rec, DAILY, clock)
    save_copy(rec, path.parent / "stick" / "family-copy.sqlite", clock=clock, off_computer=True)
    monkeypatch.undo()
    assert [(Path(name).parent.name, mode, sync) for name, mode, sync in seen] == [
        ("backups", "delete", 0),
        ("stick", "delete", 0),
    ]
    assert verify_backup(info.path)


def test_a_failed_backup_leaves_nothing(
    rec: Record, path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_backup(rec, DAILY, clock)
    folder = backups_folder(path)
    before = snapshot(folder)

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    clock.advance(days=1)
    with pytest.raises(RecordError) as info:
        make_backup(rec, DAILY, clock)
    assert str(info.value) == (
        "Could not make a backup: the disk is full; nothing that was saved before is lost."
    )
    monkeypatch.undo()
    assert snapshot(folder) == before  # no half backup, no temp file


# ---------------------------------------------------------------------- daily and thinning


def test_a_daily_backup_lists_the_backups_once(
    rec: Record, path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daily backup reads the backups (every manifest) once to decide, not a second time
    to make the backup: it runs at every start, and the folder holds two dozen of them."""
    import tracker.store.backup as backup_module

    for _ in range(3):
        assert daily_backup_if_due(rec, clock) is not None
        clock.advance(days=1)
    listed = []
    real = backup_module.list_backups

    def counted(*args: Any, **kwargs: Any) -> list[BackupInfo]:
        listed.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(backup_module, "list_backups", counted)
    assert daily_backup_if_due(rec, clock) is not None
    assert len(listed) == 1
    assert len(real(path)) == 4 and all(b.verified for b in real(path))


def test_daily_backup_once_a_day(rec: Record, path: Path, clock: Clock) -> None:
    first = daily_backup_if_due(rec, clock)
    assert first is not None and first.reason == DAILY
    clock.advance(hours=8)
    assert daily_backup_if_due(rec, clock) is None  # the same day
    clock.advance(hours=10)  # the next morning
    second = daily_backup_if_due(rec, clock)
    assert second is not None
    assert [b.path for b in list_backups(path)] == [second.path, first.path]


def test_a_migration_backup_counts_as_the_day_s_backup(
    rec: Record, path: Path, clock: Clock
) -> None:
    make_backup(rec, "before-update", clock)
    assert daily_backup_if_due(rec, clock) is None


def test_rotation_over_sixteen_simulated_months_keeps_the_right_set(tmp_path: Path) -> None:
    """A start every day from 2025-08-01 to 2026-11-24: 7 dailies, 5 weeklies, 12 monthlies,
    and the three months before those (August to October 2025) thinned away entirely."""
    clock = Clock(dt.datetime(2025, 8, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    made = 0
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2023, 12, 1)))
        while clock.now.date() <= TODAY:
            made += daily_backup_if_due(rec, clock) is not None
            clock.advance(days=1)
    assert made == (TODAY - dt.date(2025, 8, 1)).days + 1
    kept = [b.created.date().isoformat() for b in list_backups(path)]
    dailies = [f"2026-11-{d}" for d in range(24, 17, -1)]
    weeklies = ["2026-11-15", "2026-11-08", "2026-11-01", "2026-10-25", "2026-10-18"]  # Sundays
    monthlies = [  # the last day of each month before, newest first
        "2026-10-31",
        "2026-09-30",
        "2026-08-31",
        "2026-07-31",
        "2026-06-30",
        "2026-05-31",
        "2026-04-30",
        "2026-03-31",
        "2026-02-28",
        "2026-01-31",
        "2025-12-31",
        "2025-11-30",
    ]
    assert kept == sorted(dailies + weeklies + monthlies, reverse=True)
    assert all(b.verified for b in list_backups(path))
    files = sorted(p.name for p in backups_folder(path).iterdir())
    assert len(files) == 2 * len(kept)  # each with its manifest, no leftovers


def test_choose_kept_on_small_cases() -> None:
    day = dt.datetime(2026, 11, 24, 9)
    assert choose_kept([]) == set()
    # several on one day: only the newest of the day
    same_day = [day, day.replace(hour=10), day.replace(hour=8)]
    assert choose_kept(same_day) == {1}
    # 10 consecutive days: 7 dailies, then weeklies for the older ones' weeks
    days = [day - dt.timedelta(days=n) for n in range(10)]
    kept = choose_kept(days)
    assert {0, 1, 2, 3, 4, 5, 6} <= kept
    assert len(kept) <= 10
    assert choose_kept(days, daily=2, weekly=0, monthly=0) == {0, 1}


# SQLite's rollback journal header as a kill leaves it: magic (zeros until synced), nonce,
# page count, sector size 512, page size 4096.
JOURNAL_HEAD = bytes(12) + bytes.fromhex("2e8e6407") + bytes(4) + bytes.fromhex("0000020000001000")


def spoil(backup: Path) -> None:
    """Change one byte of a backup: its fingerprint no longer matches its manifest."""
    data = bytearray(backup.read_bytes())
    data[-10] ^= 0xFF
    backup.write_bytes(bytes(data))


def test_the_newest_verified_backup_is_never_thinned(rec: Record, path: Path, clock: Clock) -> None:
    """If every newer backup is damaged, the last good one stays, however old it is."""
    good = make_backup(rec, DAILY, clock)
    for day in range(40):
        clock.advance(days=1)
        add_count(rec, 1 + day % 28, note=f"day {day}")
        bad = make_backup(rec, DAILY, clock)
        spoil(bad.path)
    removed = thin_backups(backups_folder(path), clock)
    assert good.path not in removed
    assert good.path.exists()
    assert newest_verified_backup(path) == list_backups(path)[-1]
    assert list_backups(path)[-1].path == good.path
    # the control: with the good one verifiable no longer, thinning removes it
    spoil(good.path)
    thin_backups(backups_folder(path), clock)
    assert not good.path.exists()


def test_thinning_clears_only_our_abandoned_temp_files(
    rec: Record, path: Path, clock: Clock
) -> None:
    """Our temp names that no running copy holds go, whatever any clock says; nothing else."""
    info = make_backup(rec, DAILY, clock)
    folder = info.path.parent
    header = info.path.read_bytes()[:4096]
    left = folder / ".family.20261124-093000.daily.backup.sqlite.abcd1234.tmp"
    journal = folder / ".family.20261124-093000.daily.backup.sqlite.abcd1234.tmp-journal"
    empty = folder / ".family.20261124-093000.daily.backup.json.k2j4h6g8.tmp"
    not_ours = folder / ".family.x.backup.sqlite.zzzz9999.tmp"  # our name, another's content
    mine = folder / "notes.txt"
    left.write_bytes(header)
    journal.write_bytes(JOURNAL_HEAD)  # SQLite's journal
    empty.write_bytes(b"")
    not_ours.write_bytes(b"SQLite format 3\x00" + bytes(100))
    mine.write_text("x")
    for p in (left, journal, empty, not_ours, mine):
        os.utime(p, (0, 0))
    with durable.held_temp(folder, "family.20261124-093001.daily.backup.sqlite") as live:
        live.write_bytes(header)  # a backup another copy of the program is making right now
        thin_backups(folder, clock)
        assert live.exists()
    assert not left.exists() and not journal.exists() and not empty.exists()
    assert not_ours.exists() and mine.exists() and info.path.exists() and info.manifest.exists()


def test_a_copy_clears_only_our_abandoned_copies_in_a_folder_not_ours(
    rec: Record, path: Path, tmp_path: Path, clock: Clock
) -> None:
    """On a stick or in the home folder, only what our copies leave goes: a whole or
    half-written copy of a record and SQLite's journal; not another program's temp file,
    empty or not, though its name looks like ours."""
    stick = tmp_path / "stick"
    stick.mkdir()
    whole = stick / ".family-2026-11-01.sqlite.abcd1234.tmp"
    whole.write_bytes(path.read_bytes())
    half = stick / ".family-2026-11-02.sqlite.efgh5678.tmp"
    half.write_bytes(bytes(8192))
    half_journal = stick / ".family-2026-11-02.sqlite.efgh5678.tmp-journal"
    half_journal.write_bytes(JOURNAL_HEAD)
    empty_copy = stick / ".family-2026-11-03.sqlite.ijkl9012.tmp"
    empty_copy.write_bytes(b"")
    keep = {
        stick / ".settings.json.mnop3456.tmp": b"",  # another program's, being written
        stick / ".photo.jpg.qrst7890.tmp": b"\xff\xd8\xff" + bytes(100),
        stick / ".other.sqlite.uvwx1234.tmp": b"SQLite format 3\x00" + bytes(100),
        stick / ".zeros.bin.yzab5678.tmp": bytes(4096),  # zeros, but no journal beside
        stick / ".x.sqlite.cdef9012.tmp-journal": b"not a journal",
    }
    for p, data in keep.items():
        p.write_bytes(data)
    save_copy(rec, stick / "family-2026-11-24.sqlite", clock=clock)
    assert not any(p.exists() for p in (whole, half, half_journal, empty_copy))
    assert all(p.read_bytes() == data for p, data in keep.items())


def test_thinning_removes_orphan_manifests_only(rec: Record, path: Path, clock: Clock) -> None:
    """A manifest whose backup is gone (a kill between two renames or two deletes) goes at
    the next thinning; one whose backup is still being written, or that is not ours, stays."""
    first = make_backup(rec, DAILY, clock)
    clock.advance(hours=1)
    second = make_backup(rec, BEFORE_RESTORE, clock)
    folder = first.path.parent
    first.path.unlink()  # the orphan
    foreign = folder / "family.20261124-093000.daily.backup.json.bak"
    foreign.write_text("{}")
    lookalike = folder / "other.20261124-093000.daily.backup.json"
    lookalike.write_text('{"format": "someone else"}')
    third = folder / "family.20261124-113000.daily.backup.json"
    data = json.loads(second.manifest.read_text(encoding="utf-8"))
    third.write_text(json.dumps({**data, "file": third.name[: -len(".json")] + ".sqlite"}))
    with durable.held_temp(folder, "family.20261124-113000.daily.backup.sqlite"):
        removed = thin_backups(folder, clock)  # third's backup is being made: it stays
        assert third.exists()
    assert first.manifest in removed and not first.manifest.exists()
    removed = thin_backups(folder, clock)  # the maker was killed: its temp file goes, then
    assert third in removed and not third.exists()
    assert second.path.exists() and second.manifest.exists()
    assert foreign.exists() and lookalike.exists()


# ---------------------------------------------------------------------- copies


def test_save_copy_is_verified_private_atomic_and_remembered(
    rec: Record, path: Path, clock: Clock, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    target = stick / "family-copy.sqlite"
    target.write_bytes(b"an older copy")
    inode = target.stat().st_ino
    assert days_since_last_copy(rec, clock) is None
    info = save_copy(rec, target, clock=clock, off_computer=True, overwrite=True)
    assert target.stat().st_ino != inode  # replaced by rename, not written into
    assert mode(target) == 0o600
    assert integrity(target) == "ok"
    assert backup_problems(target, need_manifest=False) == []
    assert info.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert sorted(p.name for p in stick.iterdir()) == ["family-copy.sqlite"]
    copy = dump(target)
    original = dump(path)
    # the note about the copy is written after it: the copy holds only the id and counter
    assert [row[1] for row in copy.pop("meta")] == ["record_id", "saves"]
    assert {k: v for k, v in original.items() if k != "meta"} == copy
    assert last_copy(rec) is not None
    clock.advance(days=9, hours=3)
    assert days_since_last_copy(rec, clock) == 9
    with Record.open(target, clock=clock) as opened:  # the copy is a whole record
        assert opened.children()[0].name == "Mila 🌷"


def test_only_a_copy_off_the_computer_resets_the_reminder(
    rec: Record, clock: Clock, tmp_path: Path
) -> None:
    save_copy(rec, tmp_path / "beside.sqlite", clock=clock, off_computer=False)
    note = last_copy(rec)
    assert note is not None and note.off_computer is False
    assert days_since_last_copy(rec, clock) is None
    save_copy(rec, tmp_path / "stick.sqlite", clock=clock, off_computer=True)
    assert days_since_last_copy(rec, clock) == 0
    clock.advance(days=40)
    save_copy(rec, tmp_path / "beside.sqlite", clock=clock, off_computer=False, overwrite=True)
    assert days_since_last_copy(rec, clock) == 40
    assert rec.problems() == []  # the notes are sealed like everything else


def test_save_copy_refusals(rec: Record, path: Path, tmp_path: Path) -> None:
    before = path.read_bytes()
    with pytest.raises(RecordError, match="record itself"):
        save_copy(rec, path)
    with pytest.raises(RecordError, match="folder"):
        save_copy(rec, tmp_path)
    with pytest.raises(RecordError, match="does not exist"):
        save_copy(rec, tmp_path / "nowhere" / "copy.sqlite")
    assert path.read_bytes() == before


def test_copy_record_works_while_the_program_has_it_open(
    rec: Record, path: Path, tmp_path: Path
) -> None:
    with pytest.raises(RecordInUse):
        Record.open(path)  # the control: it really is open for writing
    target = tmp_path / "cli-backup.sqlite"
    info = copy_record(path, target)
    assert dump(target) == dump(path)
    assert info.size == target.stat().st_size
    assert mode(target) == 0o600


# ---------------------------------------------------------------------- restore


def test_restore_round_trip_with_a_safety_backup(path: Path, clock: Clock) -> None:
    with Record.open(path, create=True, clock=clock) as rec:
        fill(rec)
        good = make_backup(rec, DAILY, clock)
        clock.advance(hours=1)
        add_count(rec, 2, note="typed after the backup")
    changed = dump(path)
    inode = path.stat().st_ino
    result = restore(path, good.path, clock)
    assert restored(path) == restored(good.path)
    assert result.safety_backup is not None
    assert saves(path) > saves(result.safety_backup.path) > saves(good.path)  # counts on
    assert path.stat().st_ino != inode  # a new file renamed into place, never written over
    assert mode(path) == 0o600
    assert result.safety_backup is not None and result.safety_backup.reason == BEFORE_RESTORE
    assert dump(result.safety_backup.path) == changed  # nothing typed is lost
    assert verify_backup(result.safety_backup.path)
    assert result.damaged is None
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        assert all(c.note != "typed after the backup" for c in rec.counts(1))


def test_restore_refuses_a_backup_that_does_not_verify(
    rec: Record, path: Path, clock: Clock
) -> None:
    info = make_backup(rec, DAILY, clock)
    rec.close()
    before = path.read_bytes()
    data = bytearray(info.path.read_bytes())
    spot = bytes(data).index(b"count 3")
    data[spot] ^= 0x20
    info.path.write_bytes(bytes(data))
    with pytest.raises(RecordError, match="cannot be restored") as refused:
        restore(path, info.path, clock)
    assert "fingerprint" in str(refused.value)
    assert "The record was not changed." in str(refused.value)
    assert path.read_bytes() == before
    assert len(list_backups(path)) == 1  # no safety backup either: nothing was started


def test_restore_refuses_while_the_record_is_open(rec: Record, path: Path, clock: Clock) -> None:
    info = make_backup(rec, DAILY, clock)
    add_count(rec, 3)
    before = dump(path)
    with pytest.raises(RecordInUse, match="open in another copy of the program"):
        restore(path, info.path, clock)
    assert dump(path) == before


def test_restore_moves_a_damaged_record_aside(rec: Record, path: Path, clock: Clock) -> None:
    info = make_backup(rec, DAILY, clock)
    rec.close()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[4 * page : 5 * page] = bytes(page)  # a page of the record zeroed
    path.write_bytes(bytes(data))
    damaged_bytes = path.read_bytes()
    result = restore(path, info.path, clock)
    assert result.safety_backup is None
    assert result.damaged == path.with_name("family.sqlite.damaged")
    assert result.damaged.read_bytes() == damaged_bytes  # kept, never deleted
    assert restored(path) == restored(info.path)


def test_quarantine_never_overwrites(rec: Record, path: Path, clock: Clock) -> None:
    with pytest.raises(RecordInUse):
        quarantine(path)
    rec.close()
    first = quarantine(path)
    assert first.name == "family.sqlite.damaged"
    Record.open(path, create=True, clock=clock).close()
    second = quarantine(path)
    assert second.name == "family.sqlite.damaged-2"
    assert first.exists() and second.exists() and not path.exists()


def test_restoring_an_older_format_backup_updates_the_restored_copy(
    path: Path, clock: Clock
) -> None:
    """The copy is brought up to this program's format as it is restored (the backup file
    itself, the record as it was, is never changed), so the open updates nothing more."""
    old = path.parent / "old-format.sqlite"
    shutil.copyfile(DATA / "record-v1.sqlite", old)
    before = old.read_bytes()
    Record.open(path, create=True, clock=clock).close()
    restore(path, old, clock)
    assert dump(path)["user_version"] == SCHEMA_VERSION
    assert old.read_bytes() == before
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        assert len(rec.children()) == 2
    reasons = sorted(b.reason for b in list_backups(path))
    assert reasons == ["before-restore"]


# ---------------------------------------------------------------------- command line


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


def test_cli_backup_then_restore(rec: Record, path: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "copy.sqlite"
    code, out, err = run("backup", "--db", str(path), str(out_file))
    assert code == 0, err
    assert f"written to {out_file}" in out
    add_count(rec, 4, note="after the CLI backup")
    code, _, err = run("restore", "--db", str(path), str(out_file))
    assert code == 1 and "open in another copy" in err
    rec.close()
    code, out, err = run("restore", "--db", str(path), str(out_file))
    assert code == 0, err
    assert "The record as it was before is kept in" in out
    assert restored(path) == restored(out_file)


def test_cli_restore_refuses_wrong_files(rec: Record, path: Path, tmp_path: Path) -> None:
    rec.close()
    before = path.read_bytes()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    for backup in (notes, tmp_path / "missing.sqlite", path):
        code, _, err = run("restore", "--db", str(path), str(backup))
        assert code == 1
        assert err.count("\n") == 1, err
    assert path.read_bytes() == before


def other_programs_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", ["text", "other-database", "png", "link", "folder"])
def test_cli_restore_refuses_a_target_that_is_not_a_record(
    rec: Record, path: Path, tmp_path: Path, kind: str
) -> None:
    """``restore --db FILE`` over a file that is not one of our records: refused, untouched,
    nothing renamed ``.damaged``, nothing new beside it."""
    backup = make_backup(rec, DAILY)
    rec.close()
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    target = folder / "target.sqlite"
    if kind == "text":
        target.write_text("my shopping list\n")
    elif kind == "other-database":
        other_programs_database(target)
    elif kind == "png":
        target.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    elif kind == "link":
        target.symlink_to(path)
    else:
        target.mkdir()
    before = snapshot(folder)
    code, out, err = run("restore", "--db", str(target), str(backup.path))
    assert code == 1, out
    assert err.count("\n") == 1, err
    assert "nothing was changed" in err
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == ["target.sqlite"]


def test_restore_over_a_missing_file_creates_the_record(
    rec: Record, path: Path, tmp_path: Path, clock: Clock
) -> None:
    """A new computer: the record file is not there yet; it is made from the backup."""
    backup = make_backup(rec, DAILY, clock)
    target = tmp_path / "new" / "family.sqlite"
    result = restore(target, backup.path, clock)
    assert result.safety_backup is None and result.damaged is None
    assert restored(target) == restored(backup.path)
    assert mode(target) == 0o600


def test_restore_over_an_empty_record_file_keeps_it_aside(
    rec: Record, path: Path, tmp_path: Path, clock: Clock
) -> None:
    """A 0-byte record (a crash during the first start) holds nothing: it is set aside and
    the backup put in its place."""
    backup = make_backup(rec, DAILY, clock)
    target = tmp_path / "empty.sqlite"
    target.write_bytes(b"")
    result = restore(target, backup.path, clock)
    assert result.damaged is not None and result.damaged.read_bytes() == b""
    assert restored(target) == restored(backup.path)


@pytest.mark.parametrize("companion", ["", "-journal", ".lock", "hardlink"])
def test_restore_refuses_the_record_or_its_companions_as_the_backup(
    rec: Record, path: Path, tmp_path: Path, companion: str
) -> None:
    rec.close()
    if companion == "hardlink":
        chosen = tmp_path / "looks-like-a-backup.sqlite"
        os.link(path, chosen)
    else:
        chosen = path.with_name(path.name + companion)
        if not chosen.exists():
            shutil.copyfile(path, chosen)  # a journal-named copy of the record: still refused
    before = snapshot(tmp_path)
    with pytest.raises(RecordError, match="not a backup"):
        restore(path, chosen)
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------------- where records live


@pytest.mark.parametrize(
    ("folder", "service"),
    [
        ("Dropbox", "Dropbox"),
        ("Dropbox (Personal)", "Dropbox"),
        ("OneDrive - Erasmus MC", "OneDrive"),
        ("Google Drive/My Drive", "Google Drive"),
        ("Library/Mobile Documents/com~apple~CloudDocs", "iCloud Drive"),
        ("iCloud Drive", "iCloud Drive"),
        ("Nextcloud", "Nextcloud"),
    ],
)
def test_sync_folders_are_named(tmp_path: Path, folder: str, service: str) -> None:
    record = tmp_path / folder / "family.sqlite"
    warning = sync_folder_warning(record, mounts_file=tmp_path / "no-mounts")
    assert warning is not None
    assert service in warning
    assert str(record) in warning
    assert "Save a copy" in warning
    assert looks_off_computer(record, mounts_file=tmp_path / "no-mounts")


def test_ordinary_folders_get_no_warning(tmp_path: Path) -> None:
    for name in ("Documents", "dropboxes-of-toys", "TreatmentTracker"):
        path = tmp_path / name / "family.sqlite"
        assert sync_folder_warning(path, mounts_file=tmp_path / "none") is None


@pytest.mark.parametrize("fs_type", ["nfs4", "cifs", "smb3", "fuse.sshfs", "fuse.rclone"])
def test_network_shares_are_named(tmp_path: Path, fs_type: str) -> None:
    share = tmp_path / "share point"
    share.mkdir()
    mounts = tmp_path / "mounts"
    escaped = str(share).replace(" ", "\\040")
    mounts.write_text(
        f"/dev/vda / ext4 rw 0 0\nserver:/x {escaped} {fs_type} rw 0 0\n", encoding="utf-8"
    )
    warning = sync_folder_warning(share / "family.sqlite", mounts_file=mounts)
    assert warning is not None and "network drive" in warning and fs_type in warning
    assert looks_off_computer(share / "copy.sqlite", mounts_file=mounts)
    # the control: the same folder on an ordinary disk
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\n/dev/vdb {escaped} ext4 rw 0 0\n")
    assert sync_folder_warning(share / "family.sqlite", mounts_file=mounts) is None
    assert not looks_off_computer(share / "copy.sqlite", mounts_file=mounts)


def test_a_usb_stick_is_off_the_computer(tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\n/dev/sdb1 {stick} vfat rw 0 0\n")
    assert looks_off_computer(stick / "copy.sqlite", mounts_file=mounts)
    assert not looks_off_computer(tmp_path / "copy.sqlite", mounts_file=mounts)


# ---------------------------------------------------------------------- permissions


def test_every_file_and_folder_the_program_creates_is_private(tmp_path: Path, clock: Clock) -> None:
    home = tmp_path / "data" / "TreatmentTracker"
    path = home / "family.sqlite"
    out = tmp_path / "chosen"
    out.mkdir()
    with Record.open(path, create=True, clock=clock) as rec:
        fill(rec)
        daily_backup_if_due(rec, clock)
        make_backup(rec, "before-import", clock)
        save_copy(rec, out / "copy.sqlite", clock=clock, off_computer=True)
        write_json(rec, out / "export.json", clock())
    copy_record(path, out / "cli.sqlite")
    clock.advance(days=1)
    backup: BackupInfo = list_backups(path)[-1]
    restore(path, backup.path, clock)
    quarantine(path)
    restore(path, backup.path, clock)
    created = [p for p in tmp_path.rglob("*") if p != out]
    assert len(created) > 10
    for p in created:
        expected = 0o700 if p.is_dir() else 0o600
        assert mode(p) == expected, f"{p.relative_to(tmp_path)} is {oct(mode(p))}"
    names = {p.name for p in created}
    assert not any(n.endswith((".tmp", "-journal", ".lock")) for n in names), names


def test_a_copy_never_replaces_a_file_silently(tmp_path: Path) -> None:
    """A copy or ``backup`` refuses an existing file (the window's dialog asks first and then
    says so), a name written as a folder, and a record open in another copy of the program."""
    import datetime as dt

    from tracker.model import Child
    from tracker.store import CannotSave, Record, RecordInUse
    from tracker.store.backup import copy_record, save_copy

    source = tmp_path / "mine.sqlite"
    rec = Record.open(source, create=True, clock=fixed_clock)
    rec.save(Child(name="Ava", birth_date=dt.date(2026, 3, 1)))
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    with pytest.raises(CannotSave, match="already exists"):
        copy_record(source, notes)
    with pytest.raises(CannotSave, match="already exists"):
        save_copy(rec, notes)
    assert notes.read_text() == "keep me"
    with pytest.raises(CannotSave, match="folder"):
        copy_record(source, str(tmp_path / "outdir") + "/")
    assert not (tmp_path / "outdir").exists()
    other_path = tmp_path / "other.sqlite"
    other = Record.open(other_path, create=True)  # open for writing elsewhere: locked
    before = other_path.read_bytes()
    with pytest.raises(RecordInUse, match="open in another copy"):
        save_copy(rec, other_path, overwrite=True)
    assert other_path.read_bytes() == before
    other.close()
    save_copy(rec, notes, overwrite=True)  # the family agreed in the file dialog
    assert notes.read_bytes().startswith(b"SQLite format 3")
    rec.close()
