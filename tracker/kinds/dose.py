"""What happened to each due dose of a home medicine (given, partly given, vomited,
missed, held by the team), and the as-needed doses, logged when given."""

from __future__ import annotations

from tracker.kinds.fields import Choice, Date, Link, Text, Time
from tracker.kinds.kind import QT_TRANSLATE_NOOP, Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import DoseLog, DoseStatus


def validate_dose(d: DoseLog) -> Problems:
    """The dose's own rules, each problem under its field's name.  A dose whose plan was
    deleted is unlinked (``plan_id`` None), as every link is; the form asks for a plan."""
    return {}


def _validate(d: DoseLog, context: Context) -> Problems:
    return validate_dose(d)


def describe(d: DoseLog) -> str:
    return f"the dose of {d.due_date.isoformat()}"


DOSE = Kind(
    key="dose",
    model=DoseLog,
    table="dose",
    json="doses",
    fields=(
        Link("plan_id", "Medicine", json="plan_uid", target="medicine_plan"),
        Date("due_date", "Due"),
        Time("due_time", "Due at"),
        Choice("status", "What happened", enum=DoseStatus, default=DoseStatus.GIVEN),
        Time("given_time", "Given at"),
        Text("amount", "Amount given"),
        Text("note", "Note"),
    ),
    singular=QT_TRANSLATE_NOOP("kinds", "dose"),
    plural=QT_TRANSLATE_NOOP("kinds", "doses"),
    describe=describe,
    order_by="due_date, due_time, id",
    sort_key=date_sort_key("due_date", "due_time"),
    dates=(DateRule("due_date", not_in_future=True),),
    validate=_validate,
    json_required_since=5,
)
