"""The numbers the treatment team gave the family for one count (transfusion triggers, …)."""

from __future__ import annotations

from typing import Any

from tracker import analytes, forms, labels
from tracker.i18n import N_
from tracker.kinds.fields import LONG_TEXT, Choice, Derived, Number, Text
from tracker.kinds.kind import Context, Kind, Problems
from tracker.model import TeamThreshold, ThresholdPurpose


def _validate(t: TeamThreshold, context: Context) -> Problems:
    errors = forms.validate_threshold(t)
    for other in context.entries("threshold"):
        same = t.id is not None and other.id == t.id  # the entry itself, being edited
        if other.analyte == t.analyte and other.purpose == t.purpose and not same:
            purpose = labels.THRESHOLD_PURPOSE.get(t.purpose.value, t.purpose.value)
            place = context.where(other)
            errors["purpose"] = (
                f"What it is for: there is already a number for {_name(t)} and “{purpose}”"
                + (
                    f" (the first is {place}); one number per count and purpose"
                    if place
                    else "; edit that one instead"
                )
            )
            break
    if t.normalised_value < 0:
        errors.setdefault("normalised_value", "Value: cannot be negative")
    return errors


def _canonical(t: TeamThreshold) -> str:
    return analytes.analyte(t.analyte).canonical_unit


def _canonical_agrees(t: TeamThreshold, value: Any) -> str | None:
    a = analytes.BY_CODE.get(t.analyte)
    if a is not None and value != a.canonical_unit:
        return f"must be “{a.canonical_unit}” for {a.name}"
    return None


def _name(t: TeamThreshold) -> str:
    a = analytes.BY_CODE.get(t.analyte)
    return a.name if a else t.analyte


THRESHOLD = Kind(
    key="threshold",
    model=TeamThreshold,
    table="team_threshold",
    json="team_thresholds",
    fields=(
        Text("analyte", N_("Count"), codes=analytes.THRESHOLD_CODES),
        Choice(
            "purpose", N_("What it is for"), enum=ThresholdPurpose, default=ThresholdPurpose.OTHER
        ),
        Text("value_text", N_("Value")),
        Text("unit", N_("Unit")),
        Number("normalised_value", N_("Value in the standard unit"), optional=False, default=0.0),
        Derived(
            "canonical_unit",
            N_("Standard unit"),
            export=_canonical,
            reads=Text("canonical_unit"),
            agrees=_canonical_agrees,
        ),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("team threshold"),
    plural=N_("team thresholds"),
    describe=lambda t: f"the team's number for {_name(t)}",
    order_by="analyte, purpose, id",  # i18n: not shown
    sort_key=lambda t: (t.analyte, t.purpose.value, t.uid),
    validate=_validate,
    json_required_since=2,
)
