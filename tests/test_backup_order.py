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
from dataclasses import dataclass
from pathlib import Path

from conftest import TODAY

from tracker.model import Child, CountResult, CountValue
from tracker.store import Record
from tracker.store.backup import (
    DAILY,
    BackupInfo,
    backups_folder,
    choose_kept,
    choose_kept_by_content,
    daily_backup_if_due,
    list_backups,
    make_backup,
    newest_verified_backup,
    restore,
    thin_backups,
)
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
    rec.save_count(
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


def test_three_years_with_a_clock_that_ran_30_days_ahead_for_two_weeks(tmp_path: Path) -> None:
    """2024-01-01 to 2026-11-24 with a start every day; from 2026-10-20 to 2026-11-02 the
    clock shows 30 days ahead (so the last days before today and 8 days after it are taken
    by stale backups), then it is corrected.  The real days keep their 7 dailies, 5
    weeklies and 12 monthlies, today's backup is made although a stale one bears today's
    date, and the backup offered after damage holds every entry."""
    clock = Clock(dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC))
    path = tmp_path / "family.sqlite"
    made: list[Made] = []
    counts = 0
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save_child(Child(name="Mila", birth_date=dt.date(2023, 12, 1)))
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
    assert len(real) == (TODAY - dt.date(2024, 1, 1)).days + 1 - 14  # one every real day
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
        rec.save_child(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
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
        rec.save_child(Child(name="Mila", birth_date=dt.date(2025, 12, 1)))
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
        a.save_child(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
        b.save_child(Child(name="Noor", birth_date=dt.date(2026, 2, 1)))
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
        rec.save_child(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
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
        rec.save_child(Child(name="Mila", birth_date=dt.date(2026, 1, 1)))
        before = make_backup(rec, DAILY, clock)
        add_count(rec, clock.real.date())
        after = make_backup(rec, DAILY, clock)
        rid, saves = record_identity(rec.connection)
    data = json.loads(after.manifest.read_text(encoding="utf-8"))
    assert data["record"] == "family.sqlite" and data["record_id"] == rid
    assert data["saves"] == saves == after.saves
    assert before.saves is not None and after.saves is not None and after.saves > before.saves
