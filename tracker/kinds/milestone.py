"""Milestones: marrow checks, MRD results, remission, risk changes, …"""

from __future__ import annotations

from tracker import forms
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Flag, Group, Number, Text
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Milestone, MilestoneKind, Mrd, MrdMethod, MrdQualifier, MrdSample


def _validate(m: Milestone, context: Context) -> Problems:
    assert context.child is not None
    return forms.validate_milestone(m, context.child, context.today)


MILESTONE = Kind(
    key="milestone",
    model=Milestone,
    table="milestone",
    json="milestones",
    fields=(
        Date("date", N_("Date")),
        Choice("kind", N_("Kind"), enum=MilestoneKind, default=MilestoneKind.OTHER),
        Text("result_text", N_("Result"), longest=LONG_TEXT),
        Flag("planned", N_("Planned")),
        Group(
            "mrd",
            N_("MRD"),
            model=Mrd,
            prefix="mrd_",
            present="qualifier",
            fields=(
                Text("entered", N_("MRD as typed")),
                Number("fraction", N_("MRD")),
                Choice(
                    "qualifier",
                    N_("MRD reported as"),
                    enum=MrdQualifier,
                    default=MrdQualifier.QUANTIFIED,
                ),
                Choice("method", N_("MRD method"), enum=MrdMethod, optional=True),
                Choice("sample", N_("MRD sample"), enum=MrdSample, optional=True),
            ),
        ),
        Text("notes", N_("Notes"), longest=LONG_TEXT),
    ),
    singular=N_("milestone"),
    plural=N_("milestones"),
    describe=lambda m: tr("a milestone of {date}").format(date=date_text(m.date)),
    order_by="date, id",  # i18n: not shown
    sort_key=date_sort_key("date"),
    dates=(DateRule("date", not_in_future=True, unless="planned"),),
    validate=_validate,
)
