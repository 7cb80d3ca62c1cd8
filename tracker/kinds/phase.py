"""Treatment phases (prophase, induction, …), planned and actual dates."""

from __future__ import annotations

from tracker import forms, labels
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Text
from tracker.kinds.kind import Context, DateRule, Kind, Problems
from tracker.model import Phase, PhaseKind


def _validate(phase: Phase, context: Context) -> Problems:
    assert context.child is not None
    return forms.validate_phase(phase, context.child, context.today)


def _start(p: Phase) -> tuple[str, str]:
    start = p.start
    return (start.isoformat() if start else "", p.uid)


PHASE = Kind(
    key="phase",
    model=Phase,
    table="phase",
    json="phases",
    fields=(
        Choice("kind", N_("Kind"), enum=PhaseKind, default=PhaseKind.OTHER),
        Text("name", N_("Name"), strip=True),
        *(Date(name, label, optional=True) for name, label in labels.PHASE_DATES.items()),
        Text("notes", N_("Notes"), longest=LONG_TEXT),
    ),
    singular=N_("phase"),
    plural=N_("phases"),
    describe=lambda p: tr("the phase {name} starting {date}").format(
        name=p.display_name, date=date_text(p.start) if p.start else str(p.start)
    ),
    order_by="coalesce(actual_start, planned_start), id",  # i18n: not shown
    sort_key=_start,
    dates=(
        DateRule("planned_start"),
        DateRule("planned_end"),
        DateRule("actual_start", not_in_future=True),
        DateRule("actual_end", not_in_future=True),
    ),
    validate=_validate,
)
