"""The issue-13 walkthrough's plan findings on the demo child (in maintenance), pure:

- a change of arm (MR → HR) for a child already in treatment (finding 1): the phases begun
  stay with every item (those fixed by hand too), only the new arm's remaining phases are
  offered, dated from where the child is now, never in the past;
- a roadmap LP that is an LP the family entered as planned (finding 3): once, as the entry,
  in the calendar and on the timeline's Plan lane.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

from tracker.demo import build_demo
from tracker.model import Child, Phase, RiskGroup, Roadmap
from tracker.roadmap.arm import change_arm, child_in_arm, risk_group_of
from tracker.roadmap.child import (
    Applied,
    apply_template,
    fix_date,
    pending_moves,
    plan_of,
    template_of,
    with_lp_days,
    with_template,
)
from tracker.roadmap.plan import Sureness, chain
from tracker.roadmap.read import shipped_template
from tracker.roadmap.write import template_text
from tracker.store import Record


def _save(record: Record, applied: Applied) -> Roadmap:
    with record.batch("save"):
        for p in applied.phases:
            record.save(p)
        roadmap, _ = record.save(applied.roadmap)
    return roadmap


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Record, Child, Roadmap]]:
    """The demo child in maintenance, Interfant-21 (MR) applied, maintenance's LPs typed in
    and one fixed by hand, as the walkthrough did."""
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        [kid] = rec.entries(Child)
        assert kid.id is not None
        phases = rec.entries(Phase, kid.id)
        applied = apply_template(
            shipped_template("interfant-21"),
            "MR",
            child_id=kid.id,
            first_start=None,
            today=TODAY,
            phases=phases,
        )
        roadmap = _save(rec, applied)
        edited = with_template(roadmap, with_lp_days(template_of(roadmap), "mt", "435, 519"))
        roadmap = _save(rec, apply_moves_now(edited, rec.entries(Phase, kid.id)))
        fixed = fix_date(
            roadmap, rec.entries(Phase, kid.id), "mt.lp1", dt.date(2027, 2, 17), kid.birth_date
        )
        roadmap = _save(rec, fixed)
        yield rec, kid, roadmap


def apply_moves_now(roadmap: Roadmap, phases: list[Phase]) -> Applied:
    from tracker.roadmap.child import apply_moves

    return apply_moves(roadmap, phases, pending_moves(roadmap, phases))


def test_a_child_in_maintenance_keeps_its_history_and_is_offered_only_the_transplant(
    demo: tuple[Record, Child, Roadmap],
) -> None:
    rec, kid, roadmap = demo
    phases = rec.entries(Phase, kid.id)
    before = plan_of(roadmap, phases)
    change = change_arm(roadmap, phases, "HR", TODAY)
    # only the transplant is new, dated after maintenance's end, never in the past
    [new] = change.applied.phases
    assert new.name == "Allogeneic stem cell transplant" and new.id is None
    assert new.planned_start == dt.date(2027, 5, 14)  # maintenance ends 2027-05-13
    assert [it.phase for it in change.offered] == ["sct"]
    assert change.kept[-1] == "Maintenance" and "Blinatumomab 1" in change.kept
    assert not change.dropped_fixed and not change.dropped_phases
    saved = _save(rec, change.applied)
    after = plan_of(saved, rec.entries(Phase, kid.id))
    # every item of the old plan is still there with its date, the fixed LP fixed
    for it in before.items:
        assert after.item(it.id).date == it.date, it.id
    assert after.item("mt.lp1").date == dt.date(2027, 2, 17)
    assert after.item("mt.lp1").sureness is Sureness.FIXED
    assert after.item("mt.lp2").date is not None
    # no planned phase before today, none overlapping a real phase
    for p in rec.entries(Phase, kid.id):
        if p.actual_start is None and p.planned_start is not None:
            assert p.planned_start >= TODAY, p.name
    # the template's own arms are as shipped: the route is an arm of its own
    copy = template_of(saved)
    assert [p.key for p in chain(copy, "HR")] == ["pro", "ind", "blina1", "sct"]
    assert saved.arm.startswith("HR-from-") and copy.arm(saved.arm) is not None
    assert pending_moves(saved, rec.entries(Phase, kid.id)) == ()
    assert template_text(copy) == template_text(template_of(saved))
    # choosing HR again from the route: nothing changes, no second route arm
    again = change_arm(saved, rec.entries(Phase, kid.id), "HR", TODAY)
    assert again.applied.roadmap.arm == saved.arm
    assert template_of(again.applied.roadmap) == copy and again.applied.phases == ()


def test_a_fixed_date_whose_item_the_new_arm_lacks_is_named_before_it_goes(
    record: Record, child: Child
) -> None:
    assert child.id is not None
    t = shipped_template("interfant-21")
    t = replace(
        t,
        phases=tuple(
            replace(p, length_days={"ind": 33, "cons": 60}.get(p.key, p.length_days))
            for p in t.phases
        ),
    )
    first = dt.date(2026, 11, 1)
    roadmap = _save(
        record,
        apply_template(t, "MR", child_id=child.id, first_start=first, today=TODAY),
    )
    phases = record.entries(Phase, child.id)
    roadmap = _save(
        record, fix_date(roadmap, phases, "blina2.start", dt.date(2027, 3, 1), child.birth_date)
    )
    change = change_arm(roadmap, record.entries(Phase, child.id), "HR", TODAY)
    assert [it.id for it in change.dropped_fixed] == ["blina2.start"]
    text = " ".join(change.lines())
    assert "the start of Blinatumomab, cycle 2" in text and "2027-03-01" in text
    assert change.applied.roadmap.arm == "HR"  # nothing begun: simply the new arm
    assert (
        "Chemotherapy courses after blinatumomab 1 (from your protocol book) (its planned "
        "phase entry stays on the Phases tab until you delete it)" in change.dropped_phases
    )


def test_the_remaining_phases_never_start_in_the_past(record: Record, child: Child) -> None:
    """Blinatumomab 1 really ended two months ago and nothing started since: the transplant
    is planned from today, not the day after blinatumomab's end."""
    assert child.id is not None
    t = shipped_template("interfant-21")
    t = replace(
        t,
        phases=tuple(
            replace(p, length_days={"ind": 28}.get(p.key, p.length_days)) for p in t.phases
        ),
    )
    first = dt.date(2026, 7, 1)
    roadmap = _save(
        record, apply_template(t, "MR", child_id=child.id, first_start=first, today=TODAY)
    )
    by_name = {p.name: p for p in record.entries(Phase, child.id)}
    for name in ("Prednisone prophase", "Induction", "Blinatumomab, cycle 1"):
        p = by_name[name]
        record.save(replace(p, actual_start=p.planned_start, actual_end=p.planned_end))
    phases = record.entries(Phase, child.id)
    roadmap = _save(record, apply_moves_now(roadmap, phases))
    blina_end = plan_of(roadmap, phases).item("blina1.end").date
    assert blina_end is not None and blina_end < TODAY
    change = change_arm(roadmap, phases, "HR", TODAY)
    [sct] = change.offered
    assert sct.date == TODAY
    saved = _save(record, change.applied)
    assert plan_of(saved, record.entries(Phase, child.id)).item("sct.start").date == TODAY


def test_the_childs_risk_group_follows_the_arm() -> None:
    assert risk_group_of("HR") is RiskGroup.HIGH
    assert risk_group_of("HR-from-2026-11-24") is RiskGroup.HIGH
    assert risk_group_of("MR-IB") is RiskGroup.MEDIUM
    assert risk_group_of("LR") is RiskGroup.LOW
    assert risk_group_of("all") is RiskGroup.OTHER
    kid = Child(name="Robin", birth_date=dt.date(2025, 1, 1), risk_group_text="MR")
    moved = child_in_arm(kid, "HR-from-2026-11-24")
    assert (moved.risk_group, moved.risk_group_text) == (RiskGroup.HIGH, "HR")


def _lp_events(rec: Record, kid: Child) -> list[tuple[dt.date, str]]:
    from tracker.io.ics import build_calendar, entries_of

    cal = build_calendar(entries_of(rec, kid), TODAY, dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    return sorted(
        (e.decoded("dtstart"), str(e["summary"]))
        for e in cal.walk("VEVENT")
        if "Lumbar puncture" in str(e["summary"])
    )


def test_a_roadmap_lp_a_few_days_from_an_entered_one_is_that_entry(
    demo: tuple[Record, Child, Roadmap],
) -> None:
    from tracker.model import CnsVisit
    from tracker.roadmap.planned_entries import planned_lp_entries

    rec, kid, roadmap = demo
    phases = rec.entries(Phase, kid.id)
    visits = rec.entries(CnsVisit, kid.id)
    planned = sorted(v.date for v in visits if v.planned)
    assert planned == [dt.date(2027, 2, 7), dt.date(2027, 5, 2)]  # the CNS tab's
    plan = plan_of(roadmap, phases)
    assert plan.item("mt.lp2").date == dt.date(2027, 5, 2)  # day 519: the same day
    assert plan.item("mt.lp1").date == dt.date(2027, 2, 17)  # fixed: 10 days from 02-07
    assert {k: v.date for k, v in planned_lp_entries(plan, roadmap, phases, visits).items()} == {
        "mt.lp2": dt.date(2027, 5, 2)
    }
    # the team's day two days after the entered LP: the same LP
    roadmap = _save(rec, fix_date(roadmap, phases, "mt.lp1", dt.date(2027, 2, 9), kid.birth_date))
    plan = plan_of(roadmap, phases)
    matched = planned_lp_entries(plan, roadmap, phases, visits)
    assert matched["mt.lp1"].date == dt.date(2027, 2, 7)
    # four days apart: two LPs
    far = fix_date(roadmap, phases, "mt.lp1", dt.date(2027, 2, 11), kid.birth_date).roadmap
    assert "mt.lp1" not in planned_lp_entries(plan_of(far, phases), far, phases, visits)
    # an entered LP of another phase is not the roadmap's, however near
    other = [replace(v, phase_id=1) if v.date == dt.date(2027, 2, 7) else v for v in visits]
    assert "mt.lp1" not in planned_lp_entries(plan, roadmap, phases, other)
    # the calendar and the timeline show each LP once: the entry
    lps = _lp_events(rec, kid)
    assert [d for d, _ in lps] == [dt.date(2027, 2, 7), dt.date(2027, 5, 2)]
    assert all(s.endswith("Lumbar puncture (planned)") or ": " in s for _, s in lps)
    assert not any("day 435" in s or "day 519" in s for _, s in lps)

    from tracker import timeline

    drawn = timeline.build(phases, [], visits, [], TODAY, lanes=("plan", "cns"), roadmaps=[roadmap])
    ahead = timeline.x_of(TODAY)
    plan_lps = [m for m in drawn.lane("plan").marks if m.label.startswith("LP") and m.x > ahead]
    assert plan_lps == []  # both are the CNS lane's
