"""What comes next for one child, from one list: the Plan tab's **What's next** lists its
first rows and the header's **Next** is its first row, so the two always agree.

The list holds, from today on: the roadmap's planned items (its phase starts and ends, LPs
and MRD time points; tracker.roadmap.child.whats_next), the next date of every appointment
(a series gives its next date only; one today counts while its time has not passed), the
lumbar punctures entered as planned on the CNS tab (a roadmap LP that is one of them is
listed once, as the entry: tracker.roadmap.planned_entries), the planned starts of phase entries
the roadmap does not stand for, and milestones entered ahead.  Dated rows come by date (a
row with a time before the all-day ones of its day), then the roadmap's items whose date is
not known yet, in plan order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.i18n import N_, tr
from tracker.model import Appointment, CnsVisit, Milestone, Phase, Roadmap
from tracker.roadmap.child import plan_of, whats_next
from tracker.roadmap.done import entered_items
from tracker.roadmap.plan import What
from tracker.roadmap.planned_entries import planned_lp_entries
from tracker.roadmap.read import RoadmapError
from tracker.visits import next_visits


@dataclass(frozen=True, slots=True)
class Coming:
    """One thing still to come: "2026-12-03 · the start of Maintenance · moved"."""

    date: dt.date | None
    what: str  # as What's next says it: "LP “day 435” in Maintenance"
    sure: str  # fixed by the team / planned / moved / unknown (…) / booked / entered
    short: str  # as the header says it: "planned LP in Maintenance"
    time: dt.time | None = None  # an appointment's
    why: str = ""  # why it moved, why it is unknown, or what else it is
    item_id: str = ""  # a roadmap item's id ("" for an entry)


def _roadmap_rows(
    roadmap: Roadmap,
    phases: Sequence[Phase],
    visits: Sequence[CnsVisit],
    milestones: Sequence[Milestone],
    today: dt.date,
) -> tuple[list[Coming], dict[str, str], set[str]]:
    """The roadmap's rows (not the LPs and MRD checks the record shows done), the entered
    LPs it has (entry uid → the roadmap's words), and the uids of the phase entries it
    stands for."""
    plan = plan_of(roadmap, phases)
    done = entered_items(plan, visits, milestones)
    entered = planned_lp_entries(plan, roadmap, phases, [v for v in visits if v.date >= today])
    also = {v.uid: plan.item(item_id).description for item_id, v in entered.items()}
    linked = {i.phase_uid for i in roadmap.items if i.phase_uid}
    rows = []
    for u in whats_next(plan, roadmap, today, len(plan.items), done):
        if u.item_id in entered:
            continue
        it = plan.item(u.item_id)
        short = {
            What.START: N_("{phase} starts"),
            What.END: N_("{phase} ends"),
            What.LP: N_("planned LP in {phase}"),
            What.MRD: N_("planned MRD check in {phase}"),
        }[it.what]
        short = tr(short).format(phase=it.phase_name)
        rows.append(Coming(u.date, u.what, u.sure, short, why=u.why, item_id=u.item_id))
    return rows, also, linked


def whats_coming(
    *,
    roadmap: Roadmap | None,
    phases: Sequence[Phase],
    visits: Sequence[CnsVisit],
    appointments: Sequence[Appointment],
    milestones: Sequence[Milestone],
    today: dt.date,
    now: dt.time | None = None,
    milestone_labels: Mapping[str, str] | None = None,
    n: int = 5,
) -> list[Coming]:
    """The next ``n`` things to come (see the module's text); a roadmap that cannot be read
    adds none of its items (the Plan tab says why)."""
    rows: list[Coming] = []
    also: dict[str, str] = {}
    linked: set[str] = set()
    if roadmap is not None:
        with contextlib.suppress(RoadmapError):  # the Plan tab says why
            rows, also, linked = _roadmap_rows(roadmap, phases, visits, milestones, today)
    for a in appointments:
        for due in next_visits([a], today, 1, now=now):
            label = (
                tr("Appointment ({with_whom})").format(with_whom=due.with_whom)
                if due.with_whom
                else tr("Appointment")
            )
            rows.append(Coming(due.date, label, tr("booked"), label, due.time, due.place))
    for v in visits:
        if v.planned and v.date >= today:
            why = tr("the roadmap's {item}").format(item=also[v.uid]) if v.uid in also else ""
            what = tr("Lumbar puncture (entered on the CNS tab)")
            rows.append(Coming(v.date, what, tr(_AS_PLANNED), tr("Lumbar puncture"), why=why))
    for p in phases:
        start = p.planned_start
        if p.uid not in linked and p.actual_start is None and start is not None and start >= today:
            what = tr("the start of {phase}").format(phase=p.display_name)
            starts = tr("{phase} starts").format(phase=p.display_name)
            rows.append(Coming(start, what, tr(_AS_PLANNED), starts))
    names = milestone_labels or {}
    for m in milestones:
        if m.date > today or (m.planned and m.date == today):  # not one recorded today
            label = names.get(m.kind.value, m.kind.value)
            rows.append(Coming(m.date, label, tr("entered"), label))
    dated = [r for r in rows if r.date is not None]
    dated.sort(key=lambda r: (r.date, r.time is None, r.time or dt.time.min))
    return (dated + [r for r in rows if r.date is None])[:n]


_AS_PLANNED = N_("entered as planned")
