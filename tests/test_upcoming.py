"""One list of what comes next (walkthrough finding 11): the header's "Next" is the first
row of the Plan tab's What's next, appointments, entered LPs and the roadmap's items
together, today's appointment while its time has not passed; a fresh plan whose lengths
are unknown still has a next thing."""

from __future__ import annotations

import datetime as dt

from tracker.model import Appointment, Child, CnsVisit, Phase
from tracker.roadmap.child import apply_template
from tracker.roadmap.read import shipped_template
from tracker.store import Record
from tracker.upcoming import whats_coming

TODAY = dt.date(2026, 11, 24)  # a Tuesday


def _fresh(record: Record, child: Child, first: dt.date):  # type: ignore[no-untyped-def]
    assert child.id is not None
    applied = apply_template(
        shipped_template("interfant-21"), "MR", child_id=child.id, first_start=first, today=TODAY
    )
    with record.batch("apply"):
        for p in applied.phases:
            record.save(p)
        roadmap, _ = record.save(applied.roadmap)
    return roadmap


def _coming(record: Record, child: Child, roadmap, now=None, n=5):  # type: ignore[no-untyped-def]
    assert child.id is not None
    return whats_coming(
        roadmap=roadmap,
        phases=record.entries(Phase, child.id),
        visits=record.entries(CnsVisit, child.id),
        appointments=record.entries(Appointment, child.id),
        milestones=[],
        today=TODAY,
        now=now,
        n=n,
    )


def test_a_fresh_plan_with_unknown_lengths_still_has_a_next_thing(
    record: Record, child: Child
) -> None:
    """Started a week ago, induction's length unknown: nothing dated lies ahead, the
    roadmap's undated items are what comes next."""
    roadmap = _fresh(record, child, TODAY - dt.timedelta(days=10))
    rows = _coming(record, child, roadmap)
    assert rows and rows[0].date is None
    assert rows[0].what.startswith("LP “end of induction")
    assert rows[0].short == "planned LP in Induction"
    assert rows[0].sure.startswith("unknown (the length of Induction is unknown")


def test_appointments_and_the_plan_in_one_list_today_first(record: Record, child: Child) -> None:
    assert child.id is not None
    roadmap = _fresh(record, child, TODAY)
    record.save(
        Appointment(
            child.id,
            dt.date(2026, 10, 13),
            dt.time(8, 15),
            "Family doctor, counts",
            repeat="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        )
    )
    rows = _coming(record, child, roadmap, now=dt.time(7, 0))
    assert [(r.date, r.time, r.short) for r in rows[:2]] == [
        (TODAY, dt.time(8, 15), "Appointment (Family doctor, counts)"),  # today, at 08:15
        (TODAY, None, "Prednisone prophase starts"),
    ]
    assert sum(r.short.startswith("Appointment") for r in rows) == 1  # a series: its next
    later = _coming(record, child, roadmap, now=dt.time(9, 30))
    assert later[0].short == "Prednisone prophase starts"  # 08:15 has passed
    assert any(r.date == dt.date(2026, 12, 8) and r.time == dt.time(8, 15) for r in later)


def test_an_lp_entered_as_planned_is_listed_once(record: Record, child: Child) -> None:
    """Induction's end LP (its length filled in) and the team's LP entered two days later."""
    from dataclasses import replace

    assert child.id is not None
    t = shipped_template("interfant-21")
    t = replace(
        t, phases=tuple(replace(p, length_days=28) if p.key == "ind" else p for p in t.phases)
    )
    applied = apply_template(t, "MR", child_id=child.id, first_start=TODAY, today=TODAY)
    with record.batch("apply"):
        for p in applied.phases:
            record.save(p)
        roadmap, _ = record.save(applied.roadmap)
    end = TODAY + dt.timedelta(days=7 + 27)
    record.save(CnsVisit(child.id, end + dt.timedelta(days=2), planned=True))
    rows = _coming(record, child, roadmap, n=20)
    lps = [r for r in rows if "LP" in r.short or "Lumbar" in r.short]
    assert [(r.date, r.what) for r in lps] == [
        (end + dt.timedelta(days=2), "Lumbar puncture (entered on the CNS tab)")
    ]
    assert lps[0].why.startswith("the roadmap's LP “end of induction")


def _first(today: dt.date, *, phases=(), milestones=(), visits=()) -> tuple[dt.date, str] | None:  # type: ignore[no-untyped-def]
    rows = whats_coming(
        roadmap=None,
        phases=list(phases),
        visits=list(visits),
        appointments=[],
        milestones=list(milestones),
        today=today,
        milestone_labels={"mrd_result": "MRD result"},
        n=1,
    )
    return (rows[0].date, rows[0].short) if rows and rows[0].date else None


def test_entries_ahead_the_nearest_first_today_counting() -> None:
    """Phase entries' planned starts, milestones and LPs entered ahead (what the header
    counted before the roadmap's items joined them); today's planned ones count too, a
    phase that really started does not, nor a milestone recorded today."""
    from tracker.model import Milestone, MilestoneKind, PhaseKind

    d = dt.date
    cons = Phase(1, PhaseKind.CONSOLIDATION, "", planned_start=d(2026, 12, 7), id=1)
    named = Phase(1, PhaseKind.OTHER, "Blinatumomab 2", planned_start=d(2027, 1, 4), id=2)
    mrd = Milestone(1, d(2026, 12, 20), MilestoneKind.MRD_RESULT, planned=True)
    lps = [CnsVisit(1, d(2026, 12, 9), planned=True), CnsVisit(1, d(2026, 12, 2), planned=True)]
    assert _first(TODAY) is None
    assert _first(TODAY, phases=[cons], milestones=[mrd], visits=lps) == (
        d(2026, 12, 2),
        "Lumbar puncture",
    )
    assert _first(TODAY, phases=[cons], milestones=[mrd]) == (
        d(2026, 12, 7),
        "Consolidation starts",
    )
    assert _first(TODAY, milestones=[mrd]) == (d(2026, 12, 20), "MRD result")
    assert _first(TODAY, phases=[named]) == (d(2027, 1, 4), "Blinatumomab 2 starts")
    started = Phase(
        1, PhaseKind.INDUCTION, "", planned_start=d(2026, 12, 1), actual_start=d(2026, 11, 20)
    )
    done_today = Milestone(1, TODAY, MilestoneKind.MRD_RESULT)
    assert _first(TODAY, phases=[started], milestones=[done_today]) is None
    assert _first(TODAY, visits=[CnsVisit(1, TODAY, planned=True)]) == (TODAY, "Lumbar puncture")
    assert _first(TODAY, visits=[CnsVisit(1, TODAY)]) is None  # done today: not ahead


def test_an_mrd_check_done_today_is_not_next(record: Record, child: Child) -> None:
    """The day-8 MRD check is today and the family has entered its result: What's next
    (and so the header) must not still offer it."""
    from tracker.model import Milestone, MilestoneKind

    assert child.id is not None
    roadmap = _fresh(record, child, TODAY - dt.timedelta(days=7))

    def today_rows() -> list[str]:
        assert child.id is not None
        rows = whats_coming(
            roadmap=roadmap,
            phases=record.entries(Phase, child.id),
            visits=[],
            appointments=[],
            milestones=record.entries(Milestone, child.id),
            today=TODAY,
            n=20,
        )
        return [r.short for r in rows if r.date == TODAY]

    assert "planned MRD check in Prednisone prophase" in today_rows()
    record.save(Milestone(child.id, TODAY, MilestoneKind.MRD_RESULT, result_text="0.01%"))
    assert "planned MRD check in Prednisone prophase" not in today_rows()
