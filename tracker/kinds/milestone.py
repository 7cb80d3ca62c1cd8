"""Milestones: marrow checks, MRD results, remission, risk changes, …"""

from __future__ import annotations

from tracker import forms
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Flag, Group, Number, Text
from tracker.kinds.kind import QT_TRANSLATE_NOOP, Context, DateRule, Kind, Problems, date_sort_key
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
        Date("date", "Date"),
        Choice("kind", "Kind", enum=MilestoneKind, default=MilestoneKind.OTHER),
        Text("result_text", "Result", longest=LONG_TEXT),
        Flag("planned", "Planned"),
        Group(
            "mrd",
            "MRD",
            model=Mrd,
            prefix="mrd_",
            present="qualifier",
            fields=(
                Text("entered", "MRD as typed"),
                Number("fraction", "MRD"),
                Choice(
                    "qualifier",
                    "MRD reported as",
                    enum=MrdQualifier,
                    default=MrdQualifier.QUANTIFIED,
                ),
                Choice("method", "MRD method", enum=MrdMethod, optional=True),
                Choice("sample", "MRD sample", enum=MrdSample, optional=True),
            ),
        ),
        Text("notes", "Notes", longest=LONG_TEXT),
    ),
    singular=QT_TRANSLATE_NOOP("kinds", "milestone"),
    plural=QT_TRANSLATE_NOOP("kinds", "milestones"),
    describe=lambda m: f"a milestone of {m.date.isoformat()}",
    order_by="date, id",
    sort_key=date_sort_key("date"),
    dates=(DateRule("date", not_in_future=True, unless="planned"),),
    validate=_validate,
)
