"""The whole plan in date order inside each phase (walkthrough finding 12): an LP on day 7
comes before an MRD check at the end, undated items after dated ones, ties as planned."""

from __future__ import annotations

import datetime as dt

from tracker.model import PhaseKind
from tracker.roadmap.plan import Facts, compute_plan, in_date_order
from tracker.roadmap.template import After, Arm, At, PhasePlan, Template, TimePoint


def test_items_are_in_date_order_inside_each_phase_undated_last() -> None:
    t = Template(
        "Test",
        arms=(Arm("all", "All"),),
        phases=(
            PhasePlan(
                "a",
                "Block A",
                PhaseKind.INDUCTION,
                ("all",),
                length_days=28,
                lps=(TimePoint("day 22", At.DAY, 22), TimePoint("day 8", At.DAY, 8)),
                mrd=(TimePoint("start", At.START), TimePoint("day 15", At.DAY, 15)),
            ),
            PhasePlan(
                "b",
                "Block B",
                PhaseKind.CONSOLIDATION,
                ("all",),
                after=(After("a"),),
                lps=(TimePoint("end", At.END), TimePoint("day 3", At.DAY, 3)),
            ),
        ),
    )
    plan = compute_plan(t, "all", Facts(first_start=dt.date(2026, 5, 1)))
    ids = [it.id for it in in_date_order(plan.items)]
    assert ids == [
        "a.start",  # 05-01, with the MRD check at the start the same day: plan order
        "a.mrd1",
        "a.lp2",  # day 8
        "a.mrd2",  # day 15
        "a.lp1",  # day 22
        "a.end",  # 05-28
        "b.start",
        "b.lp2",  # day 3
        "b.lp1",  # at the end: unknown, after the dated ones
        "b.end",
    ]
    assert [it.id for it in plan.items][:6] == [
        "a.start",
        "a.lp1",
        "a.lp2",
        "a.mrd1",
        "a.mrd2",
        "a.end",
    ]
