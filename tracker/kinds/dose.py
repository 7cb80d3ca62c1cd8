"""What happened to each due dose of a home medicine (given, partly given, vomited,
missed, held by the team), and the as-needed doses, logged when given.

A missed dose is logged as quickly as a given one and in the same plain words: self-report
over-states adherence (capabilities.md §2), so nothing here blames or advises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from tracker import forms, medicines, schedule
from tracker.dates import parse_date, parse_time
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text, time_text
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Link, Text, Time
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Child, DoseLog, DoseStatus, MedicinePlan

# What happened, in the family's words (never "non-compliant", never "forgot").
DOSE_STATUS = {
    "given": N_("Given"),
    "partly_given": N_("Partly given"),
    "vomited": N_("Vomited"),
    "missed": N_("Missed"),
    "held_by_team": N_("Held by the team"),
}

# A time it was given belongs to a dose that went in (or came back up).
WITH_GIVEN_TIME = frozenset({DoseStatus.GIVEN, DoseStatus.PARTLY_GIVEN, DoseStatus.VOMITED})

ASK_AFTER_VOMITING = N_("Whether to give it again: ask your team.")


def when_text(day: dt.date, at: dt.time | None) -> str:
    """ "2026-11-20 at 19:00", or the date alone for a dose without a time of day."""
    if at is None:
        return date_text(day)
    return tr("{date} at {time}").format(date=date_text(day), time=time_text(at))


def plan_dose_text(p: MedicinePlan) -> str:
    """The dose as the team wrote it: "25 mg" ("dose not entered" for a plan without one)."""
    return medicines.dose_text(p)


def _plan(d: DoseLog, context: Context) -> MedicinePlan | None:
    if d.plan_id is None:
        return None
    for p in context.entries("medicine_plan"):
        if p.id == d.plan_id:
            found: MedicinePlan = p
            return found
    return None


def validate_dose(d: DoseLog, plan: MedicinePlan | None) -> Problems:
    """The dose's own rules, each problem under its field's name.  A dose whose plan was
    deleted is unlinked (``plan_id`` None), as every link is; the form asks for a plan."""
    problems: Problems = {}
    if d.given_time is not None and d.status not in WITH_GIVEN_TIME:
        problems["given_time"] = tr(
            "Given at: a dose logged as “{status}” has no time it was given; clear the time, "
            "or choose Given, Partly given or Vomited"
        ).format(status=tr(DOSE_STATUS[d.status.value]))
    if d.status is DoseStatus.PARTLY_GIVEN and not d.amount.strip():
        problems["amount"] = tr(
            "Amount given: say how much went in (e.g. 0.3 mL, half a tablet) for a dose "
            "partly given"
        )
    if plan is None:
        return problems
    if d.due_date < plan.start_date or (plan.end_date is not None and d.due_date > plan.end_date):
        until = date_text(plan.end_date) if plan.end_date else tr("now")
        problems["due_date"] = tr(
            "Due: {date} is outside the plan of {drug} ({start} to {end}); choose a day the "
            "plan ran"
        ).format(
            date=date_text(d.due_date),
            drug=plan.drug,
            start=date_text(plan.start_date),
            end=until,
        )
    elif plan.schedule != schedule.AS_NEEDED and schedule.problem(plan.schedule) is None:
        due = schedule.occurrences(
            plan.schedule, plan.start_date, plan.end_date, d.due_date, d.due_date
        )
        if (d.due_date, d.due_time) not in due:
            words = schedule.describe(plan.schedule)
            field = "due_time" if any(day == d.due_date for day, _ in due) else "due_date"
            values = {
                "field": tr("Due at") if field == "due_time" else tr("Due"),
                "drug": plan.drug,
                "when": when_text(d.due_date, d.due_time),
                "schedule": words,
                "choices": ", ".join(when_text(a, b) for a, b in due),
            }
            problems[field] = (
                tr(
                    "{field}: {drug} is not due on {when} (its schedule: {schedule}); "
                    "choose one of {choices}"
                )
                if due
                else tr("{field}: {drug} is not due on {when} (its schedule: {schedule})")
            ).format(**values)
    return problems


def doses_off_plan(plan: MedicinePlan, doses: Sequence[DoseLog]) -> list[DoseLog]:
    """The ``doses`` that fall outside ``plan``'s dates or are not one of its due doses
    (its schedule read once for all of them), in date order."""
    inside: list[DoseLog] = []
    off: list[DoseLog] = []
    for d in doses:
        ran = plan.start_date <= d.due_date and (
            plan.end_date is None or d.due_date <= plan.end_date
        )
        (inside if ran else off).append(d)
    if inside and plan.schedule != schedule.AS_NEEDED and schedule.problem(plan.schedule) is None:
        due = set(
            schedule.occurrences(
                plan.schedule,
                plan.start_date,
                plan.end_date,
                min(d.due_date for d in inside),
                max(d.due_date for d in inside),
            )
        )
        off += [d for d in inside if (d.due_date, d.due_time) not in due]
    return sorted(off, key=lambda d: (d.due_date, d.due_time or dt.time.min))


def doses_text(doses: Sequence[DoseLog]) -> str:
    """ "2 doses logged (2026-11-20 at 19:00 to 2026-11-22 at 19:00)"."""
    first, last = doses[0], doses[-1]
    start = when_text(first.due_date, first.due_time)
    if len(doses) == 1:
        return tr("1 dose logged ({when})").format(when=start)
    return tr("{n} doses logged ({start} to {end})").format(
        n=len(doses), start=start, end=when_text(last.due_date, last.due_time)
    )


def _first_log(d: DoseLog, context: Context) -> DoseLog | None:
    """The other log of the same due dose (plan, date and time), if there is one."""
    if d.plan_id is None:
        return None
    same = context.find("dose", plan_id=d.plan_id, due_date=d.due_date, due_time=d.due_time)
    for other in same:
        if not (d.id is not None and other.id == d.id) and other is not d:
            found: DoseLog = other
            return found
    return None


def _validate(d: DoseLog, context: Context) -> Problems:
    plan = _plan(d, context)
    problems = validate_dose(d, plan)
    # An as-needed dose is an event of its own (given again in the evening), never a
    # second log of one due dose.
    as_needed = plan is not None and plan.schedule == schedule.AS_NEEDED
    first = None if as_needed else _first_log(d, context)
    if first is not None:
        drug = plan.drug if plan is not None else tr("this medicine")
        place = context.where(first)
        message = (
            tr(
                "Due: the dose of {drug} due {when} is already logged as “{status}” "
                "(the first is {place})"
            )
            if place
            else tr(
                "Due: the dose of {drug} due {when} is already logged as “{status}”; "
                "change that one instead"
            )
        )
        problems.setdefault(
            "due_date",
            message.format(
                drug=drug,
                when=when_text(d.due_date, d.due_time),
                status=tr(DOSE_STATUS[first.status.value]),
                place=place,
            ),
        )
    return problems


def dose_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    plans: Sequence[MedicinePlan],
    doses: Sequence[DoseLog] = (),
    id: int | None = None,
    uid: str = "",
) -> DoseLog:
    """The dialog's fields (plan_id: the plan's row id as text; due_date, due_time,
    status, given_time, amount, note) as an entry; every problem beside its field
    (forms.FormErrors).  Unlike the store, the form asks for the medicine."""
    c = forms.Collector()
    assert child.id is not None
    plan_text = forms.field_text(f, "plan_id")
    plan: MedicinePlan | None = None
    if plan_text:
        plan = next((p for p in plans if str(p.id) == plan_text), None)
    if plan is None:
        c.add("plan_id", tr("Medicine: choose the medicine this dose is of"))
    due = c.run(
        "due_date",
        parse_date,
        forms.field_text(f, "due_date"),
        tr("Due"),
        forms.form_window(today, child),
    )
    due_time_text = forms.field_text(f, "due_time")
    due_time = c.run("due_time", parse_time, due_time_text, tr("Due at")) if due_time_text else None
    status = c.choice(
        f, "status", DoseStatus, DoseStatus.GIVEN.value, tr("What happened"), DOSE_STATUS
    )
    given_text = forms.field_text(f, "given_time")
    given = c.run("given_time", parse_time, given_text, tr("Given at")) if given_text else None
    d = DoseLog(
        child_id=child.id,
        plan_id=plan.id if plan is not None else None,
        due_date=due or today,
        status=status,
        due_time=due_time,
        given_time=given,
        amount=forms.field_text(f, "amount"),
        note=forms.field_text(f, "note"),
        id=id,
        uid=uid,
    )
    if due is not None:
        entries: dict[str, Sequence[Any]] = {"medicine_plan": plans, "dose": doses}
        context = Context(child, today, lambda key: entries.get(key, ()))
        for field, message in DOSE.problems(d, context).items():
            c.add(field, message)
    c.raise_if_any()
    return d


def describe(d: DoseLog) -> str:
    return tr("the dose of {when}").format(when=when_text(d.due_date, d.due_time))


DOSE = Kind(
    key="dose",
    model=DoseLog,
    table="dose",
    json="doses",
    fields=(
        Link("plan_id", N_("Medicine"), json="plan_uid", target="medicine_plan"),
        Date("due_date", N_("Due")),
        Time("due_time", N_("Due at")),
        Choice("status", N_("What happened"), enum=DoseStatus, default=DoseStatus.GIVEN),
        Time("given_time", N_("Given at")),
        Text("amount", N_("Amount given")),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("dose"),
    plural=N_("doses"),
    describe=describe,
    order_by="due_date, due_time, id",  # i18n: not shown
    sort_key=date_sort_key("due_date", "due_time"),
    dates=(DateRule("due_date", not_in_future=True),),
    validate=_validate,
    json_required_since=5,
)
