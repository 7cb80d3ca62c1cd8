"""The numbers the treatment team gave the family for one count (transfusion triggers, …)."""

from __future__ import annotations

from typing import Any

from tracker import analytes, forms, labels
from tracker.i18n import N_, tr
from tracker.kinds.fields import LONG_TEXT, Choice, Derived, Number, Text
from tracker.kinds.kind import Context, Kind, Problems
from tracker.model import TeamThreshold, ThresholdPurpose


def _validate(t: TeamThreshold, context: Context) -> Problems:
    errors = forms.validate_threshold(t)
    for other in context.entries("threshold"):
        same = t.id is not None and other.id == t.id  # the entry itself, being edited
        if other.analyte == t.analyte and other.purpose == t.purpose and not same:
            purpose = tr(labels.THRESHOLD_PURPOSE.get(t.purpose.value, t.purpose.value))
            place = context.where(other)
            message = (
                tr(
                    "What it is for: there is already a number for {count} and “{purpose}” "
                    "(the first is {place}); one number per count and purpose"
                )
                if place
                else tr(
                    "What it is for: there is already a number for {count} and “{purpose}”; "
                    "edit that one instead"
                )
            )
            errors["purpose"] = message.format(count=_name(t), purpose=purpose, place=place)
            break
    if t.normalised_value < 0:
        errors.setdefault("normalised_value", tr("Value: cannot be negative"))
    return errors


def _canonical(t: TeamThreshold) -> str:
    return analytes.analyte(t.analyte).canonical_unit


def _canonical_agrees(t: TeamThreshold, value: Any) -> str | None:
    a = analytes.BY_CODE.get(t.analyte)
    if a is not None and value != a.canonical_unit:
        return tr("must be “{unit}” for {name}").format(unit=a.canonical_unit, name=a.name)
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
    describe=lambda t: tr("the team's number for {count}").format(count=_name(t)),
    order_by="analyte, purpose, id",  # i18n: not shown
    sort_key=lambda t: (t.analyte, t.purpose.value, t.uid),
    validate=_validate,
    json_required_since=2,
)
