"""Past planned LPs and MRD time points: done when the record has the entry on that day
("done on 10 Oct", left out of What's next, drawn filled on the Plan lane), else "planned for
10 Oct, not entered" (never "missed"): tracker.roadmap.done."""

from __future__ import annotations

import datetime as dt

from test_roadmap_child import _applied, _filled

from tracker import timeline
from tracker.model import Child, CnsVisit, Milestone, MilestoneKind, Phase
from tracker.roadmap.child import plan_of, whats_next
from tracker.roadmap.done import entered_items, entered_status
from tracker.store import Record

END_OF_INDUCTION = dt.date(2026, 10, 10)  # ind.lp1 and ind.mrd1
TODAY = dt.date(2026, 11, 24)


def _entries(child: Child) -> tuple[list[CnsVisit], list[Milestone]]:
    assert child.id is not None
    lp = CnsVisit(child.id, END_OF_INDUCTION)
    planned_lp = CnsVisit(child.id, dt.date(2026, 9, 8), planned=True)  # planned: not done
    marrow = Milestone(child.id, dt.date(2026, 10, 11), MilestoneKind.MARROW_CHECK)
    other = Milestone(child.id, END_OF_INDUCTION, MilestoneKind.OTHER)  # not an MRD entry
    return [lp, planned_lp], [marrow, other]


def test_an_lp_or_mrd_entered_on_the_planned_day_is_done(record: Record, child: Child) -> None:
    roadmap, phases = _applied(record, child, _filled())
    plan = plan_of(roadmap, phases)
    visits, milestones = _entries(child)
    entered = entered_items(plan, visits, milestones)
    assert entered == {"ind.lp1": END_OF_INDUCTION, "blina1.mrd1": dt.date(2026, 10, 11)}
    status = {it.id: entered_status(it, entered, TODAY) for it in plan.items}
    assert status["ind.lp1"] == "done on 10 Oct"
    assert status["blina1.mrd1"] == "done on 11 Oct"
    assert status["ind.mrd1"] == "planned for 10 Oct, not entered"
    assert status["pro.mrd1"] == "planned for 8 Sep, not entered"
    assert status["blina2.mrd1"] is None  # still to come
    assert status["ind.start"] is None  # a phase's start: its phase entry says
    assert not any("missed" in (s or "") for s in status.values())


def test_a_planned_lp_entered_today_leaves_whats_next(record: Record, child: Child) -> None:
    roadmap, phases = _applied(record, child, _filled())
    plan = plan_of(roadmap, phases)
    visits, milestones = _entries(child)
    entered = entered_items(plan, visits, milestones)
    shown = [u.item_id for u in whats_next(plan, roadmap, END_OF_INDUCTION, 3)]
    assert shown[0] == "ind.lp1"
    shown = [u.item_id for u in whats_next(plan, roadmap, END_OF_INDUCTION, 3, entered)]
    assert "ind.lp1" not in shown and shown[0] == "ind.mrd1"


def test_the_plan_lane_draws_a_done_lp_filled_and_says_what_was_not_entered(
    record: Record, child: Child
) -> None:
    roadmap, _ = _applied(record, child, _filled())
    visits, milestones = _entries(child)
    for entry in (*visits, *milestones):
        record.save(entry)
    assert child.id is not None
    drawn = timeline.build(
        record.entries(Phase, child.id),
        record.entries(Milestone, child.id),
        record.entries(CnsVisit, child.id),
        [],
        TODAY,
        lanes=("plan",),
        roadmaps=[roadmap],
    )
    lane = drawn.lane("plan")
    assert lane is not None
    at = {(m.label, m.x): m for m in lane.marks}
    lp = at[("LP (done)", timeline.x_of(END_OF_INDUCTION) + 0.5)]
    assert lp.filled and not lp.planned and "done on 10 Oct" in lp.tooltip
    mrd = at[("MRD", timeline.x_of(END_OF_INDUCTION) + 0.5)]
    assert not mrd.filled and "planned for 10 Oct, not entered" in mrd.tooltip
