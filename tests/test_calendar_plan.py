"""The roadmap's planned LPs and MRD checks in the family's calendar (.ics): all-day events
marked planned (TENTATIVE; a day fixed by the team CONFIRMED), UIDs from the plan items'
own uids (stable across exports and moves), SEQUENCE and LAST-MODIFIED from the last save,
so a moved check keeps its UID with a higher SEQUENCE; names left out when redacted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tracker.io.ics import UID_DOMAIN, calendar_bytes, entries_of, sequence_of
from tracker.model import Child, Phase, Roadmap
from tracker.roadmap.child import Applied, apply_template, fix_date, record_real_start
from tracker.roadmap.read import shipped_template
from tracker.store import Record

FIRST = dt.date(2026, 9, 1)
TODAY = dt.date(2026, 9, 20)  # in induction: its end-of-induction LP and marrow to come


class Clock:
    """A clock the test moves on: each save after a tick is a later change."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, minutes: int = 5) -> None:
        self.now += dt.timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rec(tmp_path: Path, clock: Clock) -> Iterator[Record]:
    with Record.open(tmp_path / "plan.sqlite", create=True, clock=clock) as r:
        yield r


def _save(rec: Record, applied: Applied) -> Roadmap:
    with rec.batch("apply"):
        for p in applied.phases:
            rec.save(p)
        roadmap, _ = rec.save(applied.roadmap)
    return roadmap


@pytest.fixture
def mila(rec: Record) -> tuple[Child, Roadmap]:
    child, _ = rec.save(
        Child(
            name="Mila van Dijk",
            birth_date=dt.date(2026, 3, 1),
            hospital="Prinses Maxima Centrum",
        )
    )
    assert child.id is not None
    t = shipped_template("interfant-21")
    t = replace(
        t,
        phases=tuple(replace(p, length_days=33) if p.key == "ind" else p for p in t.phases),
    )
    applied = apply_template(t, "MR", child_id=child.id, first_start=FIRST, today=TODAY)
    return child, _save(rec, applied)


def _events(rec: Record, child: Child, *, redact: bool = False) -> dict[str, Any]:
    stamp = dt.datetime(2026, 9, 20, 12, 0, tzinfo=dt.UTC)
    data = calendar_bytes(entries_of(rec, child), TODAY, stamp, redact=redact)
    return {str(e["summary"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def _checks(events: dict[str, Any]) -> dict[str, Any]:
    return {k: e for k, e in events.items() if "(planned" in k and "starts" not in k}


def test_planned_lps_and_mrd_checks_are_all_day_tentative_events(
    rec: Record, mila: tuple[Child, Roadmap]
) -> None:
    child, roadmap = mila
    checks = _checks(_events(rec, child))
    end_of_induction = FIRST + dt.timedelta(days=7 + 32)  # induction's 33rd day
    lp = next(e for k, e in checks.items() if k.startswith("Mila van Dijk · Lumbar puncture"))
    assert str(lp["summary"]) == (
        "Mila van Dijk · Lumbar puncture (planned): end of induction (~day 33): LP, CNS "
        "status (CNS1 needed before blinatumomab) · Induction"
    )
    assert lp.decoded("dtstart") == end_of_induction  # a date: an all-day event
    assert not isinstance(lp.decoded("dtstart"), dt.datetime)
    assert str(lp["status"]) == "TENTATIVE"
    assert str(lp["description"]) == "planned from Interfant-21"
    items = {i.item_id: i for i in roadmap.items}
    assert str(lp["uid"]) == f"{items['ind.lp1'].uid}@{UID_DOMAIN}"
    marrow = [k for k in checks if "MRD check (planned): end of induction" in k]
    assert len(marrow) == 1
    # the day-8 count lies before TODAY: history, not in the calendar
    assert not any("day 8" in k for k in checks)
    assert int(lp["sequence"]) == sequence_of(lp.decoded("last-modified"))
    assert int(lp["sequence"]) > 0


def test_uids_stay_and_a_moved_check_has_a_higher_sequence(
    rec: Record, mila: tuple[Child, Roadmap], clock: Clock
) -> None:
    child, roadmap = mila
    first = _checks(_events(rec, child))
    again = _checks(_events(rec, child))
    assert {k: str(e["uid"]) for k, e in first.items()} == {
        k: str(e["uid"]) for k, e in again.items()
    }
    assert {str(e["sequence"]) for e in first.values()} == {
        str(e["sequence"]) for e in again.values()
    }
    clock.tick()
    phases = rec.entries(Phase, child.id)
    _, applied = record_real_start(
        roadmap, phases, "pro", FIRST + dt.timedelta(days=2), child.birth_date
    )
    _save(rec, applied)
    moved = _checks(_events(rec, child))
    by_uid = {str(e["uid"]): e for e in moved.values()}
    for old in first.values():
        new = by_uid[str(old["uid"])]  # the same event, not a second one
        assert new.decoded("dtstart") == old.decoded("dtstart") + dt.timedelta(days=2)
        assert int(new["sequence"]) > int(old["sequence"])
        assert new.decoded("last-modified") > old.decoded("last-modified")
        assert "moved 2 days after Prednisone prophase started late" in str(new["description"])
    assert len(moved) == len(first)


def test_a_check_fixed_by_the_team_is_confirmed(
    rec: Record, mila: tuple[Child, Roadmap], clock: Clock
) -> None:
    child, roadmap = mila
    clock.tick()
    day = dt.date(2026, 10, 12)
    applied = fix_date(roadmap, rec.entries(Phase, child.id), "ind.lp1", day, child.birth_date)
    _save(rec, applied)
    [lp] = [e for k, e in _checks(_events(rec, child)).items() if "Lumbar puncture" in k]
    assert str(lp["summary"]).startswith(
        "Mila van Dijk · Lumbar puncture (planned, date fixed by the team): end of induction"
    )
    assert str(lp["status"]) == "CONFIRMED" and lp.decoded("dtstart") == day


def test_redacted_the_checks_name_nobody(rec: Record, mila: tuple[Child, Roadmap]) -> None:
    child, _ = mila
    stamp = dt.datetime(2026, 9, 20, 12, 0, tzinfo=dt.UTC)
    data = calendar_bytes(entries_of(rec, child), TODAY, stamp, redact=True)
    text = data.decode("utf-8")
    assert "Mila" not in text and "Dijk" not in text and "Maxima" not in text
    checks = _checks({str(e["summary"]): e for e in Calendar.from_ical(data).walk("VEVENT")})
    assert checks and all(k.startswith("M. V. D. · ") for k in checks)


def test_sequence_counts_seconds_from_2020() -> None:
    assert sequence_of(None) == 0
    assert sequence_of(dt.datetime(2020, 1, 1, 0, 1, tzinfo=dt.UTC)) == 60


def test_a_planned_lp_entered_on_the_plans_day_is_one_event_not_two(
    rec: Record, mila: tuple[Child, Roadmap]
) -> None:
    """The family entered the LP the plan also has (the same day): the calendar shows one
    lumbar puncture that day, the family's entry (with its drugs), not a second one."""
    from tracker.model import CnsVisit

    child, _ = mila
    assert child.id is not None
    end_of_induction = FIRST + dt.timedelta(days=7 + 32)
    rec.save(CnsVisit(child_id=child.id, date=end_of_induction, planned=True))
    events = _events(rec, child)
    lps = [e for k, e in events.items() if "Lumbar puncture" in k]
    assert [e.decoded("dtstart") for e in lps] == [end_of_induction]
    assert not any(
        k.startswith("Mila van Dijk · Lumbar puncture (planned):") and "induction" in k
        for k in events
    )
    # the marrow check of that day is still there: only an LP stands for an LP
    assert any("MRD check (planned): end of induction" in k for k in events)
