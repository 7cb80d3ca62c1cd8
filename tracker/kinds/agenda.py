"""Clinic appointments (past and planned) and the family's questions for the team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from tracker import forms, schedule, visits
from tracker.dates import parse_date, parse_time
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import LONG_TEXT, Date, Flag, Rows, Text, Time
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Appointment, Child, OccurrenceChange, Question


def _appointment_rules(a: Appointment, context: Context) -> Problems:
    assert context.child is not None
    found = forms.validate_appointment(a, context.child)
    for field, message in visits.problems(a, context.child).items():
        found.setdefault(field, message)
    return found


OCCURRENCE_CHANGE = Kind(
    key="occurrence_change",
    model=OccurrenceChange,
    table="appointment_change",
    json=None,
    parent="appointment",
    parent_column="appointment_id",
    part_of=True,
    fields=(
        Date("original_date", N_("Series date")),
        Date("date", N_("Date")),
        Flag("cancelled", N_("Cancelled")),
        Time("time", N_("Time")),
        Text("with_whom", N_("With")),
        Text("place", N_("Place")),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("changed date"),
    plural=N_("changed dates"),
    describe=lambda c: tr("a changed date ({date})").format(date=date_text(c.original_date)),
    order_by="original_date, id",  # i18n: not shown
    sort_key=lambda c: (c.original_date, c.uid),
    joiner="of",
)


def _question_rules(q: Question, context: Context) -> Problems:
    assert context.child is not None
    return forms.validate_question(q, context.child, context.today)


APPOINTMENT = Kind(
    key="appointment",
    model=Appointment,
    table="appointment",
    json="appointments",
    fields=(
        Date("date", N_("Date")),
        Time("time", N_("Time")),
        Text("with_whom", N_("With")),
        Text("place", N_("Place")),
        Text("note", N_("Note"), longest=LONG_TEXT),
        Text("repeat", N_("Repeat"), since=6, normal=schedule.normal_repeat),
        Rows(
            "changes",
            N_("Moved or cancelled dates"),
            kind="occurrence_change",
            key="original_date",
            since=6,
        ),
    ),
    singular=N_("appointment"),
    plural=N_("appointments"),
    describe=lambda a: tr("an appointment of {date}").format(date=date_text(a.date)),
    order_by="date, coalesce(time, ''), id",  # i18n: not shown
    sort_key=date_sort_key("date", "time"),
    dates=(DateRule("date"),),  # planned appointments lie in the future
    validate=_appointment_rules,
    json_required_since=2,
)

QUESTION = Kind(
    key="question",
    model=Question,
    table="question",
    json="questions",
    fields=(
        Date("added_on", N_("Date added")),
        Text("text", N_("Question"), strip=True, longest=LONG_TEXT),
        Flag("answered", N_("Answered")),
        Text("answer", N_("Answer"), longest=LONG_TEXT),
    ),
    singular=N_("question"),
    plural=N_("questions"),
    describe=lambda q: tr("a question added on {date}").format(date=date_text(q.added_on)),
    order_by="answered, added_on, id",  # i18n: not shown
    sort_key=date_sort_key("added_on"),
    dates=(DateRule("added_on", not_in_future=True),),
    validate=_question_rules,
    json_required_since=2,
)


def moved_from_form(
    a: Appointment,
    original: dt.date,
    fields: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
) -> Appointment:
    """``a`` with its date ``original`` moved or edited as the dialog's fields (date, time,
    with_whom, place, note) say; FormErrors beside the field (a rule of the series'
    changed dates beside the date)."""
    errors: dict[str, str] = {}
    day = time = None
    try:
        day = parse_date(fields.get("date", ""), tr("Date"), forms.form_window(today, child))
    except ValueError as exc:
        errors["date"] = str(exc)
    text = fields.get("time", "").strip()
    if text:
        try:
            time = parse_time(text, tr("Time"))
        except ValueError as exc:
            errors["time"] = str(exc)
    if errors:
        raise forms.FormErrors(errors)
    assert day is not None
    change = replace(
        visits.change_for(a, original),
        date=day,
        time=time,
        with_whom=fields.get("with_whom", "").strip(),
        place=fields.get("place", "").strip(),
        note=fields.get("note", ""),
        cancelled=False,
    )
    moved = visits.with_change(a, change)
    found = APPOINTMENT.problems(moved, Context(child, today))
    if found:
        raise forms.FormErrors({("date" if k == "changes" else k): v for k, v in found.items()})
    return moved
