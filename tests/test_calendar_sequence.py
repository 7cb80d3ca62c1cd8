"""The calendar's SEQUENCE never goes down for an edited entry (walkthrough finding 18):
the demo's entries are stamped with the moment it is made (not "today at noon", later than
the family's first edits that morning), and an entry edited with the clock set back keeps
at least the SEQUENCE of when it was made."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from conftest import NOW, TODAY

from tracker.demo import write_demo
from tracker.io.ics import build_calendar, entries_of, sequence_of
from tracker.model import Appointment, Child
from tracker.store import Record


def _sequences(record: Record, child: Child) -> dict[str, int]:
    cal = build_calendar(entries_of(record, child), record.today(), NOW)
    return {str(e["uid"]): int(e["sequence"]) for e in cal.walk("VEVENT")}


def test_an_edit_on_the_demo_made_this_morning_raises_its_sequence(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    made = NOW  # 09:30 UTC: the demo made in the morning
    write_demo(path, TODAY, now=made)
    later = made + dt.timedelta(minutes=20)
    with Record.open(path, clock=lambda: later) as record:
        [kid] = record.entries(Child)
        assert kid.id is not None
        stamps = record.updated_times(Appointment)
        assert stamps and all(t <= made for t in stamps.values())
        before = _sequences(record, kid)
        visit = record.entries(Appointment, kid.id)[0]
        record.save(replace(visit, note="moved to the afternoon"))
        after = _sequences(record, kid)
    key = f"{visit.uid}@treatment-tracker.invalid"
    assert after[key] > before[key]
    assert after[key] > max(v for k, v in before.items() if k != key)


def test_a_demo_made_without_a_moment_is_stamped_at_the_start_of_its_day(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    write_demo(path, TODAY)
    with Record.open(path, clock=lambda: NOW) as record:
        stamps = record.updated_times(Appointment)
    start = dt.datetime.combine(TODAY, dt.time(0), tzinfo=dt.UTC)
    assert stamps and set(stamps.values()) == {start}


def test_an_edit_with_the_clock_set_back_never_lowers_the_sequence(tmp_path: Path) -> None:
    made = NOW
    clock = {"now": made}
    with Record.open(tmp_path / "r.sqlite", create=True, clock=lambda: clock["now"]) as record:
        kid, _ = record.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        assert kid.id is not None
        visit, _ = record.save(Appointment(kid.id, TODAY + dt.timedelta(days=3)))
        first = _sequences(record, kid)[f"{visit.uid}@treatment-tracker.invalid"]
        assert first == sequence_of(made)
        clock["now"] = made - dt.timedelta(hours=5)  # the computer's clock set back
        record.save(replace(visit, note="edited"))
        again = _sequences(record, kid)[f"{visit.uid}@treatment-tracker.invalid"]
    assert again >= first
