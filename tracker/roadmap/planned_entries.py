"""Which of a roadmap's planned LPs are LPs the family entered as planned (on the CNS tab,
marked planned, still to come): the same lumbar puncture, shown once, as the entry.  (An
LP entry that is not planned, done, is tracker.roadmap.done's matter where it exists.)

A planned LP of the roadmap and a planned LP entered by the family are one LP when they
are **at most :data:`MATCH_DAYS` days apart** and **of the same phase**: an entered LP that
names its phase (on the CNS tab) only matches the LPs of the roadmap's phase that stands for
that phase entry; one that names none is of whichever phase it falls in or beside (an LP two
days after induction ended as planned is still induction's end-of-induction LP).  Each is
matched once, the nearest first (then the earlier).
The team's date on the CNS tab is the one the family was given, so the entered LP is the
event: the calendar, the timeline's Plan lane and What's next show it, not the roadmap's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tracker.model import CnsVisit, Phase, Roadmap
from tracker.roadmap.plan import Plan, PlanItem, Sureness, What

MATCH_DAYS = 3
"""How far apart the two may be: a roadmap LP on day 435 and the team's date two days
later are one LP; the weekly LPs of induction (days 1, 8, 15…) stay apart."""


def _same_phase(v: CnsVisit, it: PlanItem, phase_ids: dict[str, int | None]) -> bool:
    """An entered LP that names its phase is in that one; one that names none may be any
    phase's (the days apart decide)."""
    return v.phase_id is None or phase_ids.get(it.phase) in (None, v.phase_id)


def planned_lp_entries(
    plan: Plan,
    roadmap: Roadmap,
    phases: Sequence[Phase],
    visits: Sequence[CnsVisit],
) -> dict[str, CnsVisit]:
    """The plan's LP items (by id) that are an LP the family entered as planned."""
    by_uid = {p.uid: p for p in phases}
    phase_ids: dict[str, int | None] = {}
    for i in roadmap.items:
        if i.phase_uid in by_uid and i.item_id.endswith(".start"):
            phase_ids[i.item_id.rpartition(".")[0]] = by_uid[i.phase_uid].id
    items = [
        it
        for it in plan.items
        if it.what is What.LP and it.date is not None and it.sureness is not Sureness.DONE
    ]
    pairs: list[tuple[int, dt.date, str, CnsVisit]] = []
    for v in visits:
        if not v.planned:
            continue
        for it in items:
            assert it.date is not None
            gap = abs((v.date - it.date).days)
            if gap <= MATCH_DAYS and _same_phase(v, it, phase_ids):
                pairs.append((gap, min(v.date, it.date), it.id, v))
    matched: dict[str, CnsVisit] = {}
    taken: set[str] = set()
    for _gap, _day, item_id, v in sorted(pairs, key=lambda p: (p[0], p[1], p[2], p[3].uid)):
        key = v.uid or str(id(v))
        if item_id in matched or key in taken:
            continue
        matched[item_id] = v
        taken.add(key)
    return matched
