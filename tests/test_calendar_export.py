"""The family's calendar (.ics): parsed back with icalendar, series expanded with
dateutil to the dates the program shows, stable UIDs, redaction, escaping, and the
command line's writer safety."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import fixed_clock
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from tracker import cli, visits
from tracker.io.ics import UID_DOMAIN, CalendarEntries, calendar_bytes
from tracker.model import (
    Appointment,
    Child,
    CnsVisit,
    ItDose,
    ItDrug,
    Phase,
    PhaseKind,
)
from tracker.store import Record

TODAY = dt.date(2026, 12, 1)
STAMP = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CHILD = Child(name="Mila van Dijk", birth_date=dt.date(2026, 3, 1), hospital="Prinses Maxima", id=1)


def series() -> Appointment:
    a = Appointment(
        1,
        dt.date(2026, 11, 3),
        dt.time(8, 30),
        "Dr. de Vries; Mila's counts",
        "Health centre, Utrecht",
        "Bring the diary,\nand Mila's card",
        repeat="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270302",
        uid="11111111-1111-4111-8111-111111111111",
    )
    a = visits.cancelled(a, dt.date(2026, 12, 29))
    moved = visits.change_for(a, dt.date(2026, 12, 15))
    a = visits.with_change(a, replace(moved, date=dt.date(2026, 12, 16), time=dt.time(10, 0)))
    return replace(a, changes=tuple(replace(c, uid=f"c-{i}") for i, c in enumerate(a.changes)))


def entries(*appointments: Appointment) -> CalendarEntries:
    lp = CnsVisit(
        1,
        dt.date(2026, 12, 9),
        it_drugs=(ItDose(ItDrug.METHOTREXATE, "8 mg"),),
        planned=True,
        id=5,
        uid="22222222-2222-4222-8222-222222222222",
    )
    past_lp = CnsVisit(1, dt.date(2026, 5, 13), id=6, uid="33333333-3333-4333-8333-333333333333")
    phase = Phase(
        1,
        PhaseKind.MAINTENANCE,
        "Maintenance for Mila",
        planned_start=dt.date(2027, 1, 11),
        id=7,
        uid="44444444-4444-4444-8444-444444444444",
    )
    single = Appointment(
        1, dt.date(2027, 1, 5), None, "LP + clinic", uid="55555555-5555-4555-8555-555555555555"
    )
    return CalendarEntries(CHILD, (*appointments, single), (lp, past_lp), (phase,))


def parsed(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(cal: Calendar) -> list:  # type: ignore[type-arg]
    return list(cal.walk("VEVENT"))


def expand(cal: Calendar, uid: str, last: dt.date) -> list[dt.date]:
    """The series' dates as a calendar would show them: the master's RRULE and EXDATEs
    expanded with dateutil, then each RECURRENCE-ID override moved to its DTSTART."""
    master = next(e for e in events(cal) if e["uid"] == uid and "recurrence-id" not in e)
    start = master.decoded("dtstart")
    rules = rruleset()
    rules.rrule(rrulestr(master["rrule"].to_ical().decode(), dtstart=start))
    ex = master.get("exdate")
    for block in ex if isinstance(ex, list) else [ex] if ex is not None else []:
        for d in block.dts:
            rules.exdate(d.dt)
    found = {d: d for d in rules.between(start, dt.datetime.combine(last, dt.time.max), inc=True)}
    for e in events(cal):
        if e["uid"] == uid and "recurrence-id" in e:
            found[e.decoded("recurrence-id")] = e.decoded("dtstart")
    return sorted(d.date() for d in found.values())


def test_the_file_parses_back_and_the_series_expands_to_the_dates_the_app_shows() -> None:
    a = series()
    cal = parsed(calendar_bytes(entries(a), TODAY, STAMP))
    last = dt.date(2027, 12, 31)
    shown = [v.date for v in visits.visits(a, a.date, last)]
    assert expand(cal, f"{a.uid}@{UID_DOMAIN}", last) == shown
    assert dt.date(2026, 12, 29) not in shown and dt.date(2026, 12, 16) in shown
    master = next(e for e in events(cal) if "rrule" in e)
    assert master["rrule"].to_ical() == b"FREQ=WEEKLY;UNTIL=20270302T235959;INTERVAL=2;BYDAY=TU"
    assert master.decoded("dtstart") == dt.datetime(2026, 11, 3, 8, 30)  # floating: no zone
    assert master.decoded("dtstart").tzinfo is None


def test_planned_lps_and_phase_starts_are_all_day_events() -> None:
    cal = parsed(calendar_bytes(entries(), TODAY, STAMP))
    by_uid = {str(e["uid"]).split("@")[0]: e for e in events(cal)}
    lp = by_uid["22222222-2222-4222-8222-222222222222"]
    assert lp.decoded("dtstart") == dt.date(2026, 12, 9)  # VALUE=DATE
    assert "Lumbar puncture (planned): Methotrexate" in str(lp["summary"])
    assert "33333333-3333-4333-8333-333333333333" not in by_uid  # done, not in the plan
    phase = by_uid["44444444-4444-4444-8444-444444444444"]
    assert phase.decoded("dtstart") == dt.date(2027, 1, 11)
    assert b"DTSTART;VALUE=DATE:20270111" in phase.to_ical()


def test_uids_are_stable_across_exports_and_after_an_edit() -> None:
    a = series()
    first = {str(e["uid"]) for e in events(parsed(calendar_bytes(entries(a), TODAY, STAMP)))}
    later = STAMP + dt.timedelta(days=3)
    edited = replace(a, place="Day clinic", time=dt.time(9, 0))
    edited = visits.cancelled(edited, dt.date(2027, 1, 12))
    again = parsed(calendar_bytes(entries(edited), TODAY, later))
    assert {str(e["uid"]) for e in events(again)} == first
    assert all(u.endswith("@" + UID_DOMAIN) for u in first)
    assert calendar_bytes(entries(a), TODAY, STAMP) == calendar_bytes(entries(a), TODAY, STAMP)


def test_redaction_leaves_no_name_date_of_birth_or_hospital() -> None:
    a = replace(series(), note="Born 2026-03-01 at Prinses Maxima; Mila van Dijk")
    data = calendar_bytes(entries(a), TODAY, STAMP, redact=True)
    text = parsed(data).to_ical().decode()
    for word in ("Mila", "Dijk", "2026-03-01", "Prinses", "Maxima"):
        assert word not in text and word.lower() not in text.lower()
    assert "SUMMARY:M. V. D. · Appointment" in text
    plain = calendar_bytes(entries(a), TODAY, STAMP).decode()
    assert "Mila" in plain


def test_special_characters_are_escaped_and_come_back() -> None:
    a = series()
    data = calendar_bytes(entries(a), TODAY, STAMP)
    assert b"Dr. de Vries\\; Mila's counts" in data
    assert b"Health centre\\, Utrecht" in data
    assert b"Bring the diary\\,\\nand Mila's card" in data
    master = next(e for e in events(parsed(data)) if "rrule" in e)
    assert str(master["location"]) == "Health centre, Utrecht"
    assert str(master["description"]) == "Bring the diary,\nand Mila's card"


# ---------------------------------------------------------------------- the command line


@pytest.fixture
def record_file(tmp_path: Path) -> Path:
    path = tmp_path / "family.tracker"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=dt.date(2026, 3, 1)))
        assert child.id is not None
        rec.save(replace(series(), child_id=child.id, uid="", changes=()))
    return path


def run_cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err, today=TODAY)
    return code, out.getvalue() + err.getvalue()


def test_the_command_writes_a_private_file_that_parses(record_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    code, said = run_cli("calendar", "--db", str(record_file), "-o", str(target))
    assert code == 0, said
    assert "calendar event" in said
    cal = parsed(target.read_bytes())
    assert any("rrule" in e for e in events(cal))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    uids = {str(e["uid"]) for e in events(cal)}
    code, said = run_cli("calendar", "--db", str(record_file), "-o", str(target), "--redact")
    assert code == 0, said
    again = parsed(target.read_bytes())
    assert {str(e["uid"]) for e in events(again)} == uids
    assert "Mila" not in target.read_text()


def test_the_command_refuses_a_named_pipe(record_file: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "plan.ics"
    os.mkfifo(fifo)
    code, said = run_cli("calendar", "--db", str(record_file), "-o", str(fifo))
    assert code != 0
    assert "is not a regular file" in said
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_the_command_names_the_children_when_one_must_be_chosen(
    record_file: Path, tmp_path: Path
) -> None:
    with Record.open(record_file, clock=fixed_clock) as rec:
        rec.save(Child(name="Noor", birth_date=dt.date(2025, 1, 1)))
    code, said = run_cli("calendar", "--db", str(record_file), "-o", str(tmp_path / "p.ics"))
    assert code != 0 and "--child NAME" in said
    code, said = run_cli(
        "calendar", "--db", str(record_file), "-o", str(tmp_path / "p.ics"), "--child", "noor"
    )
    assert code == 0, said
