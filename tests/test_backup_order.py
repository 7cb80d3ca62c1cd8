"""Backups are ordered and chosen by what they hold, never by a clock that may be wrong.

Every date a backup carries comes from the computer's clock, and so does every
timestamp inside it.  What orders them is the record's save counter (record format 3),
which every write transaction raises and every backup's manifest repeats.  Each test
here was seen to fail on the code before it (thinning and choosing by the name's date,
grouping by file name stem).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from test_disk_full import NOTHING_LOST, skip_without_private_mounts

import tracker.store.connection as connection_module
from tracker.model import Child, CountResult, CountValue
from tracker.store import APPLICATION_ID, Record, schema
from tracker.store.backup import (
    choose_kept,
    choose_kept_by_content,
    daily_backup_if_due,
    list_backups,
    make_backup,
    newest_verified_backup,
    restore,
    thin_backups,
)
from tracker.store.backup_file import DAILY, BackupInfo, backups_folder
from tracker.store.schema import record_identity


class Clock:
    """The computer's clock as the program sees it: set by the test, wrong when told."""

    def __init__(self, start: dt.datetime) -> None:
        self.real = start
        self.error = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return self.real + self.error

    def next_day(self) -> None:
        self.real += dt.timedelta(days=1)


@dataclass
class Made:
    info: BackupInfo
    real_day: dt.date
    counts: int
    clock_right: bool


def add_count(rec: Record, day: dt.date) -> None:
    child = rec.children()[0]
    assert child.id is not None
    rec.save(
        CountResult(child.id, day, values=(CountValue("plt", "50", "10^9/L", 50, 50, "10^9/L"),))
    )


def live_a_day(rec: Record, clock: Clock, made: list[Made], counts: int) -> int:
    """A start: the family enters the day's blood count, the daily backup runs."""
    if clock.error < dt.timedelta(0) or clock.real.year < 2026:
        rec.set_meta("a note", clock.real.isoformat())  # a save, but fewer rows to check
        # (and with the clock set back the program would call a real date "the future")
    else:
        add_count(rec, clock.real.date())
        counts += 1
    info = daily_backup_if_due(rec, clock)
    if info is not None:
        made.append(Made(info, clock.real.date(), counts, clock.error == dt.timedelta(0)))
    return counts


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[2 * page : 3 * page] = bytes(page)
    path.write_bytes(bytes(data))


def test_sixteen_months_with_a_clock_that_ran_30_days_ahead_for_two_weeks(tmp_path: Path) -> None:
    """2025-08-01 to 2026-11-24 with a start every day; from 2026-10-20 to 2026-11-02 the
    clock shows 30 days ahead (so the last days before today and 8 days after it are taken
    by stale backups), then it is corrected.  The real days keep their 7 dailies, 5
    weeklies and 12 monthlies, today's backup is made although a stale one bears today's
    date, and the backup offered after damage holds every entry."""
    clock = Clock(dt.datetime(2025, 8, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    made: list[Made] = []
    counts = 0
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2023, 12, 1)))
        while clock.real.date() <= TODAY:
            ahead = dt.date(2026, 10, 20) <= clock.real.date() <= dt.date(2026, 11, 2)
            clock.error = dt.timedelta(days=30 if ahead else 0)
            counts = live_a_day(rec, clock, made, counts)
            clock.next_day()
        clock.error = dt.timedelta(0)
        clock.real -= dt.timedelta(days=1)  # back to today, the clock right
        thin_backups(backups_folder(path), clock)

    # A name freed by thinning may be given again: a backup is its name and its counter.
    kept = {(b.path, b.saves) for b in list_backups(path)}
    real = [m for m in made if m.clock_right]
    stale = [m for m in made if not m.clock_right]
    assert len(stale) == 14
    assert len(real) == (TODAY - dt.date(2025, 8, 1)).days + 1 - 14  # one every real day
    # The real days keep exactly what they would keep had the clock never been wrong.
    chosen = choose_kept([m.info.created for m in real])
    assert {(real[i].info.path, real[i].info.saves) for i in chosen} <= kept
    week = [m.real_day for m in real if (m.info.path, m.info.saves) in kept][-7:]
    assert week == [TODAY - dt.timedelta(days=n) for n in range(6, -1, -1)]
    # The stale ones take no real slot and are thinned among themselves.
    kept_stale = [m for m in stale if (m.info.path, m.info.saves) in kept]
    assert 0 < len(kept_stale) <= len(choose_kept([m.info.created for m in stale]))
    assert len(kept) == len(chosen) + len(kept_stale)
    # Newest content first, and the one offered after damage holds every entry.
    listed = list_backups(path)
    assert [b.saves for b in listed] == sorted((b.saves or 0 for b in listed), reverse=True)
    best = newest_verified_backup(path)
    assert best is not None and best.counts == counts
    assert best.path == real[-1].info.path and best.created.date() == TODAY


def test_after_damage_the_backup_with_the_newest_content_is_offered(tmp_path: Path) -> None:
    """The clock ran 30 days ahead for two weeks, was corrected, then the record was damaged:
    the stale "future" backup (14 days of entries missing) is not the one offered."""
    clock = Clock(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    made: list[Made] = []
    counts = 0
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
        for day in range(40):
            clock.error = dt.timedelta(days=30 if 10 <= day < 24 else 0)
            counts = live_a_day(rec, clock, made, counts)
            clock.next_day()
    damage(path)
    best = newest_verified_backup(path)
    assert best is not None
    assert best.counts == counts  # every entry, not the stale 2026-10-24 one
    assert best.path == made[-1].info.path
    stale = max((m for m in made if not m.clock_right), key=lambda m: m.info.created)
    assert stale.info.created > best.created  # the name's date would have chosen it
    result = restore(path, best.path, clock)
    assert result.damaged is not None
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        assert len(rec.counts(rec.children()[0].id or 0)) == counts


def test_a_clock_set_years_back_thins_no_history_away(tmp_path: Path) -> None:
    """The other way round (a flat clock battery): the real history is what looks wrong
    now, and it is thinned only among itself, by the same rule; nothing extra is lost."""
    clock = Clock(dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    made: list[Made] = []
    counts = 0
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2025, 12, 1)))
        for _ in range(120):
            counts = live_a_day(rec, clock, made, counts)
            clock.next_day()
        history = {b.path for b in list_backups(path)}
        clock.error = dt.timedelta(days=-365 * 20)
        for _ in range(10):
            counts = live_a_day(rec, clock, made, counts)
            clock.next_day()
    kept = {b.path for b in list_backups(path)}
    assert history <= kept
    best = newest_verified_backup(path)
    assert best is not None and best.counts == counts


def test_two_records_with_the_same_stem_never_thin_each_other(tmp_path: Path) -> None:
    """``family.sqlite`` and ``family.db`` in one folder, both backed up every day, family.db
    an hour later: each keeps its own dailies and its own newest verified backup."""
    clock = Clock(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    first, second = tmp_path / "family.sqlite", tmp_path / "family.db"
    with (
        Record.open(first, create=True, clock=clock) as a,
        Record.open(second, create=True, clock=clock) as b,
    ):
        a.save(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
        b.save(Child(name="Noor", birth_date=dt.date(2026, 2, 1)))
        for _ in range(40):
            add_count(a, clock.real.date())
            assert daily_backup_if_due(a, clock) is not None
            clock.real += dt.timedelta(hours=1)
            add_count(b, clock.real.date())
            assert daily_backup_if_due(b, clock) is not None
            clock.real += dt.timedelta(hours=23)
        id_a, _ = record_identity(a.connection)
        id_b, _ = record_identity(b.connection)
    assert id_a and id_b and id_a != id_b
    for path, name, rid in ((first, "Mila", id_a), (second, "Noor", id_b)):
        own = list_backups(path)
        assert {b.record_name for b in own} == {path.name}
        assert {b.record_id for b in own} == {rid}
        assert {b.children for b in own} == {(name,)}
        days = {b.created.date() for b in own}
        assert {clock.real.date() - dt.timedelta(days=n) for n in range(1, 8)} <= days
        best = newest_verified_backup(path)
        assert best is not None and best.counts == 40 and best.children == (name,)


def test_backups_of_another_record_under_the_same_name_are_left_alone(
    tmp_path: Path,
) -> None:
    """A record started again under the old name (a new id) does not thin away the old
    record's backups, and the old ones are still offered for restore."""
    clock = Clock(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
        for _ in range(30):
            add_count(rec, clock.real.date())
            daily_backup_if_due(rec, clock)
            clock.next_day()
    old = {b.path for b in list_backups(path)}  # as its own thinning left them
    assert len(old) > 7
    path.unlink()
    with Record.open(path, create=True, clock=clock) as rec:
        for _ in range(30):
            daily_backup_if_due(rec, clock)
            clock.next_day()
    listed = list_backups(path)
    assert old <= {b.path for b in listed}
    new = [b for b in listed if b.path not in old]
    assert len(new) == len(choose_kept([b.created for b in new]))  # thinned as its own


def test_choose_kept_by_content_on_small_cases() -> None:
    now = dt.datetime(2026, 11, 24, 9)
    day = dt.timedelta(days=1)
    # in order: the same as by date
    plain = [(n, now - (9 - n) * day) for n in range(10)]
    assert choose_kept_by_content(plain, now) == choose_kept([s for _, s in plain])
    # one dated ahead (counter 5) among them: it takes no real day's slot
    ahead = [*plain[:5], (5, now + 20 * day), *plain[6:]]
    kept = choose_kept_by_content(ahead, now)
    assert {3, 4, 6, 7, 8, 9} <= kept and 5 in kept  # kept, but in a pool of its own
    # dated after newer content, though not after now
    late = [(0, now - day), (1, now - 5 * day), (2, now - 4 * day)]
    assert choose_kept_by_content(
        late,
        now,
    ) == {0, 1, 2}


def test_the_manifest_names_the_record_its_id_and_save_counter(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
        before = make_backup(rec, DAILY, clock)
        add_count(rec, clock.real.date())
        after = make_backup(rec, DAILY, clock)
        rid, saves = record_identity(rec.connection)
    data = json.loads(after.manifest.read_text(encoding="utf-8"))
    assert data["record"] == "family.sqlite" and data["record_id"] == rid
    assert data["saves"] == saves == after.saves
    assert before.saves is not None and after.saves is not None and after.saves > before.saves


# ---------------------------------------------------------------------- restoring older formats

DATA = Path(__file__).resolve().parent / "data"


def stored_identity(path: Path) -> tuple[int, str | None, int | None]:
    """The file's format, record id and save counter, read without changing it."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        return (version, *record_identity(conn))
    finally:
        conn.close()


def test_restoring_a_format_2_backup_keeps_the_id_and_counts_on(tmp_path: Path) -> None:
    """A format-2 backup (made before the record was updated) restored over the format-3
    record it came from, at counter 21: the restored record is brought up to format 3 at
    once, keeps the record's id and counts on above 21, so what is saved afterwards is the
    newest content: after damage the backup offered is a post-restore one, not the stale
    pre-restore daily (issue 9 item 4(a)), and thinning sees one record, not two."""
    clock = Clock(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    shutil.copyfile(DATA / "record-v2.sqlite", path)
    with Record.open(path, clock=clock) as rec:  # a before-update backup, then format 3
        for k in range(20):
            rec.save(Child(name=f"K{k}", birth_date=dt.date(2025, 1, 1)))
        old_id, old_saves = record_identity(rec.connection)
        make_backup(rec, DAILY, clock)
    assert old_id is not None and old_saves == 21
    [v2] = [b for b in list_backups(path) if b.record_format == 2]
    assert v2.saves is None and v2.record_id is None
    clock.next_day()
    restore(path, v2.path, clock)
    version, new_id, new_saves = stored_identity(path)
    assert (version, new_id) == (schema.SCHEMA_VERSION, old_id)
    assert new_saves is not None and new_saves > old_saves
    assert {b.reason for b in list_backups(path)} == {"before-update", "daily", "before-restore"}
    with Record.open(path, clock=clock) as rec:  # no second update, no new id
        assert rec.problems() == []
        assert record_identity(rec.connection)[0] == old_id
        add_count(rec, clock.real.date())
        after = make_backup(rec, DAILY, clock)
    assert len(list_backups(path)) == 4  # no before-update backup on this open
    assert after.record_id == old_id and (after.saves or 0) > new_saves
    damage(path)
    best = newest_verified_backup(path)
    assert best is not None and best.path == after.path
    assert all(b.record_id in (None, old_id) for b in list_backups(path))


def test_restoring_a_format_1_backup_over_a_missing_record(tmp_path: Path) -> None:
    """No record to take the id from, and none in the backup: a new id, format 3, counted."""
    clock = Clock(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "new" / "family.sqlite"
    old = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "record-v1.sqlite", old)
    restore(path, old, clock)
    version, rid, saves = stored_identity(path)
    assert version == schema.SCHEMA_VERSION and rid is not None and saves is not None and saves >= 1
    assert stored_identity(old)[0] == 1  # the backup itself is never changed
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        assert len(rec.children()) == 2
    assert list_backups(path) == []  # nothing to update on open


def test_restoring_over_a_damaged_record_keeps_its_id_and_counter(tmp_path: Path) -> None:
    """The record being replaced is damaged (set aside, never backed up): what it still says
    of its id and counter is kept, so the restored record counts on above it."""
    clock = Clock(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    old = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "record-v2.sqlite", old)
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
        for _ in range(30):
            add_count(rec, clock.real.date())
        rid, saves = record_identity(rec.connection)
    assert rid is not None and saves is not None
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    size = len(data) // page
    data[(size - 1) * page :] = b"\xff" * page  # the last page: the meta page stays readable
    path.write_bytes(bytes(data))
    result = restore(path, old, clock)
    assert result.damaged is not None
    version, new_id, new_saves = stored_identity(path)
    assert (version, new_id) == (schema.SCHEMA_VERSION, rid)
    assert new_saves is not None and new_saves > saves


def test_a_restored_backup_takes_the_id_of_the_record_it_replaces(tmp_path: Path) -> None:
    """A format-3 backup with another id (the fixture's) restored over a record: the record
    keeps its own id, and counts on above the backup's counter and the record's."""
    clock = Clock(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    other = tmp_path / "other.sqlite"
    shutil.copyfile(DATA / "record-v3.sqlite", other)
    _, other_id, other_saves = stored_identity(other)
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
        rid, _ = record_identity(rec.connection)
    assert rid is not None and other_id is not None and other_saves is not None
    assert rid != other_id
    restore(path, other, clock)
    version, new_id, new_saves = stored_identity(path)
    assert (version, new_id) == (schema.SCHEMA_VERSION, rid)
    assert new_saves is not None and new_saves > other_saves
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []


# ---------------------------------------------------------------------- count_save's errors


class FailingUpdate(sqlite3.Connection):
    """A connection whose save-counter update fails as a full or failing disk would."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.startswith("UPDATE meta"):
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)


def test_an_error_inside_count_save_propagates(tmp_path: Path) -> None:
    path = tmp_path / "bare.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        schema.migrate(conn, 0, APPLICATION_ID)  # in a transaction of its own
    finally:
        conn.close()
    conn = sqlite3.connect(path, isolation_level=None, factory=FailingUpdate)
    try:
        conn.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError, match="disk is full"):
            schema.count_save(conn)
        conn.execute("ROLLBACK")
    finally:
        conn.close()


@pytest.mark.parametrize("version", [1, 2])
def test_count_save_in_an_older_format_counts_nothing(version: int, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / f"record-v{version}.sqlite", path)
    before = path.read_bytes()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        assert schema.count_save(conn) is None
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    assert path.read_bytes() == before


def full_at_the_counter(
    path: Path, make_full: Callable[[], None], make_room: Callable[[], None]
) -> dict[str, Any]:
    """In a forked child: save a blood count, then one whose disk is full exactly while the
    save counter is raised (``make_full`` runs just before :func:`schema.count_save`,
    ``make_room`` just after it: the room another program's file took is freed again)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(r)
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            out: dict[str, Any] = {}
            real = connection_module.count_save
            with Record.open(path, clock=clock_fixed) as rec:
                child = rec.children()[0]
                assert child.id is not None
                rec.save(count_on(child.id, 1))

                def full_then_count(conn: sqlite3.Connection, **kw: int) -> int | None:
                    make_full()
                    try:
                        return real(conn, **kw)
                    finally:
                        make_room()

                connection_module.count_save = full_then_count
                try:
                    rec.save(count_on(child.id, 2))
                    out["saved"] = True
                except BaseException as exc:
                    out["error"] = f"{type(exc).__name__}: {exc}"
            os.write(w, json.dumps(out).encode())
        except BaseException as exc:
            os.write(w, json.dumps({"crash": f"{type(exc).__name__}: {exc}"}).encode())
            code = 3
        finally:
            os._exit(code)
    os.close(w)
    chunks = []
    while chunk := os.read(r, 65536):
        chunks.append(chunk)
    os.close(r)
    os.waitpid(pid, 0)
    found: dict[str, Any] = json.loads(b"".join(chunks).decode())
    assert "crash" not in found, found
    return found


def clock_fixed() -> dt.datetime:
    return dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def count_on(child_id: int, k: int) -> CountResult:
    return CountResult(
        child_id,
        dt.date(2026, 6, k),
        note=f"save {k}",
        values=(CountValue("plt", "50", "10^9/L", 50, 50, "10^9/L"),),
    )


def saved_notes(path: Path) -> list[str]:
    with Record.open(path, clock=clock_fixed) as rec:
        assert rec.problems() == []
        return sorted(c.note for c in rec.counts(rec.children()[0].id or 0))


def test_a_full_disk_while_the_counter_is_raised_says_so(tmp_path: Path) -> None:
    """The disk-full recipe (a soft RLIMIT_FSIZE in a forked child), the limit set to the
    journal's size just as the save counter is raised: its page cannot be journalled.  The
    family is told of the disk (not "cannot commit"), and the record is whole without it."""
    path = tmp_path / "family.sqlite"
    with Record.open(path, create=True, clock=clock_fixed) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
    journal = path.with_name(path.name + "-journal")

    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)

    def limit_to_the_journal() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (journal.stat().st_size, hard))

    def lift_the_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))

    found = full_at_the_counter(path, limit_to_the_journal, lift_the_limit)
    assert found.get("error", "").startswith("CannotSave: Could not save the blood count: the")
    assert "disk" in found["error"] and NOTHING_LOST in found["error"]
    assert saved_notes(path) == ["save 1"]


def test_a_really_full_disk_while_the_counter_is_raised_says_the_disk_is_full(
    tmp_path: Path,
) -> None:
    """The same on a real full disk (a 1 MiB tmpfs in a private mount namespace, filled by
    another file just as the counter is raised, then freed): "the disk is full", and the
    save is not made without its counter."""
    skip_without_private_mounts(tmp_path)
    mount = tmp_path / "small"
    mount.mkdir()
    tests = Path(__file__).resolve().parent
    script = tmp_path / "full.py"
    script.write_text(
        textwrap.dedent(
            """
            import json, sys
            from pathlib import Path
            sys.path.insert(0, sys.argv[2])
            import datetime as dt
            from test_backup_order import clock_fixed, full_at_the_counter, saved_notes
            from tracker.model import Child
            from tracker.store import Record

            folder = Path(sys.argv[1])
            path = folder / "family.sqlite"
            with Record.open(path, create=True, clock=clock_fixed) as rec:
                rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
            filler = folder / "filler"

            def fill_the_disk() -> None:
                try:
                    with open(filler, "wb", buffering=0) as fh:
                        while True:
                            fh.write(bytes(4096))
                except OSError:
                    pass

            found = full_at_the_counter(path, fill_the_disk, filler.unlink)
            found["notes"] = saved_notes(path)
            print(json.dumps(found))
            """
        ),
        encoding="utf-8",
    )
    command = (
        f"mount -t tmpfs -o size=1m tmpfs '{mount}' && "
        f"exec '{sys.executable}' '{script}' '{mount}' '{tests}'"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", command], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found.get("error") == (
        f"CannotSave: Could not save the blood count: the disk is full; {NOTHING_LOST}."
    ), found
    assert found["notes"] == ["save 1"]


def test_a_record_copied_back_by_hand_counts_on_above_its_backups(tmp_path: Path) -> None:
    """A copy saved to a stick on day 3, nine busy days, then the stick's older copy put back
    by hand (``cp``): its counter is below the backups of the busy days, so without a
    correction those stale backups outranked every later one and were offered after damage
    (ten days of entries missing).  At the next start it counts on above them."""
    from tracker.store.backup import copy_record

    clock = Clock(dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    made: list[Made] = []
    rec = Record.open(path, create=True, clock=clock)
    rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    counts = 0
    stick = tmp_path / "stick.sqlite"
    for day in range(12):
        counts = live_a_day(rec, clock, made, counts)
        if day == 2:
            copy_record(path, stick, clock)
        clock.next_day()
    rec.close()
    shutil.copyfile(stick, path)  # the family puts the older copy back by hand
    rec = Record.open(path, clock=clock)
    for _ in range(3):
        live_a_day(rec, clock, made, 0)
        clock.next_day()
    last_day = made[-1].info
    rec.close()
    damage(path)
    offered = newest_verified_backup(path)
    assert offered is not None and offered.path == last_day.path, (offered, last_day)


def test_a_copy_put_back_counts_on_at_the_next_backup_of_any_kind(tmp_path: Path) -> None:
    """The same, for a family that only imports from the command line after putting the
    copy back: the backup made before each import counts on too, not only the daily one."""
    from tracker.store.backup import copy_record
    from tracker.store.backup_file import BEFORE_IMPORT

    clock = Clock(dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    made: list[Made] = []
    rec = Record.open(path, create=True, clock=clock)
    rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    stick = tmp_path / "stick.sqlite"
    counts = 0
    for day in range(8):
        counts = live_a_day(rec, clock, made, counts)
        if day == 1:
            copy_record(path, stick, clock)
        clock.next_day()
    rec.close()
    shutil.copyfile(stick, path)
    last = None
    for _ in range(3):
        with Record.open(path, clock=clock) as rec:
            last = make_backup(rec, BEFORE_IMPORT, clock)
            add_count(rec, clock().date())
        clock.next_day()
    assert last is not None
    damage(path)
    offered = newest_verified_backup(path)
    assert offered is not None and offered.path == last.path, (offered, last)
