"""Which of a roadmap's planned LPs are LPs the family entered already (on the CNS tab,
marked planned): the same lumbar puncture, shown once, as the family's entry.

A planned LP of the roadmap and a planned LP entered by the family are one LP when the
entered one lies **in the same phase** (its phase entry is the one the roadmap's phase
stands for, or, with none chosen, its date lies within the phase as planned: from its start
to the day after its end, either end open while not known) and **at most
:data:`MATCH_DAYS` days away**.  Each is matched once, the nearest first (then the earlier).
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


def _in_phase(v: CnsVisit, it: PlanItem, plan: Plan, phase_ids: dict[str, int | None]) -> bool:
    if v.phase_id is not None and phase_ids.get(it.phase) is not None:
        return v.phase_id == phase_ids[it.phase]
    start = plan.item(f"{it.phase}.start").date
    end = plan.item(f"{it.phase}.end").date
    if start is not None and v.date < start:
        return False
    return end is None or v.date <= end + dt.timedelta(days=1)


def entered_lps(
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
            if gap <= MATCH_DAYS and _in_phase(v, it, plan, phase_ids):
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
