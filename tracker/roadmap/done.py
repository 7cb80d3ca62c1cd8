"""Which planned LPs and MRD time points the record shows as done, and how a past one
that is not reads.

The rule (docs/roadmap-format.md, "Done or not entered"): a planned LP is **done** when an
LP entry not marked planned has the same day; a planned MRD time point is done when a
milestone not marked planned, an MRD result or a marrow check, has the same day.  Nothing
is guessed from a nearby day.  A planned LP or MRD time point on a day before today with no
such entry reads "planned for 12 Mar, not entered": what the record holds, never advice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from tracker.dates import day_month
from tracker.i18n import tr
from tracker.model import CnsVisit, Milestone
from tracker.mrd import CARRIES_MRD
from tracker.roadmap.plan import Plan, PlanItem, What


def entered_items(
    plan: Plan, visits: Sequence[CnsVisit], milestones: Sequence[Milestone]
) -> dict[str, dt.date]:
    """Item id → the day of the entry that shows the planned LP or MRD time point done."""
    lp_days = {v.date for v in visits if not v.planned}
    mrd_days = {
        m.date for m in milestones if not m.planned and (m.kind in CARRIES_MRD or m.mrd is not None)
    }
    return {
        it.id: it.date
        for it in plan.items
        if it.date is not None
        and (
            (it.what is What.LP and it.date in lp_days)
            or (it.what is What.MRD and it.date in mrd_days)
        )
    }


def entered_status(item: PlanItem, entered: Mapping[str, dt.date], today: dt.date) -> str | None:
    """How a planned LP or MRD time point stands by the record: "done on 12 Mar",
    "planned for 12 Mar, not entered" (before ``today``, no entry), or None (how sure
    its date is says the rest)."""
    if item.id in entered:
        return tr("done on {date}").format(date=day_month(entered[item.id]))
    if item.what in (What.LP, What.MRD) and item.date is not None and item.date < today:
        return tr("planned for {date}, not entered").format(date=day_month(item.date))
    return None
