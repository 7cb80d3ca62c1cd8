"""Medicines given at home, as the team wrote them: one plan per drug and dose, its
schedule an RFC 5545 RRULE (:mod:`tracker.schedule`).  A dose change ends a plan and
starts the next one, which ``follows`` it, so the history stays visible."""

from __future__ import annotations

from tracker import schedule
from tracker.kinds.fields import Choice, Date, Link, Text
from tracker.kinds.kind import QT_TRANSLATE_NOOP, Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import MedicineForm, MedicinePlan


def validate_plan(p: MedicinePlan) -> Problems:
    """The plan's own rules, each problem under its field's name."""
    problems: Problems = {}
    if not p.drug.strip():
        problems["drug"] = "Drug: name the medicine (choose one from the list or type its name)"
    why = schedule.problem(p.schedule)
    if why is not None:
        problems["schedule"] = f"Schedule: {why}"
    if p.end_date is not None and p.end_date < p.start_date:
        problems["end_date"] = (
            f"End: {p.end_date.isoformat()} is before the start ({p.start_date.isoformat()})"
        )
    return problems


def _validate(p: MedicinePlan, context: Context) -> Problems:
    return validate_plan(p)


def describe(p: MedicinePlan) -> str:
    return f"the medicine plan {p.drug} from {p.start_date.isoformat()}"


MEDICINE_PLAN = Kind(
    key="medicine_plan",
    model=MedicinePlan,
    table="medicine_plan",
    json="medicine_plans",
    fields=(
        Text("drug", "Drug", strip=True),
        Date("start_date", "Start"),
        Text("dose_amount", "Dose"),
        Text("dose_unit", "Dose unit"),
        Text("strength", "Strength"),
        Choice("form", "Form", enum=MedicineForm, default=MedicineForm.TABLET),
        Text("schedule", "Schedule"),
        Date("end_date", "End", optional=True),
        Text("team_note", "What the team said"),
        Link("follows_id", "Follows", json="follows_uid", target="medicine_plan"),
    ),
    singular=QT_TRANSLATE_NOOP("kinds", "medicine plan"),
    plural=QT_TRANSLATE_NOOP("kinds", "medicine plans"),
    describe=describe,
    order_by="start_date, id",
    sort_key=date_sort_key("start_date"),
    dates=(DateRule("start_date"), DateRule("end_date")),
    validate=_validate,
    json_required_since=5,
)
