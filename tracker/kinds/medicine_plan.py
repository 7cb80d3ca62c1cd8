"""Medicines given at home, as the team wrote them: one plan per drug and dose, its
schedule an RFC 5545 RRULE (:mod:`tracker.schedule`).  A dose change ends a plan and
starts the next one, which ``follows`` it, so the history stays visible.

The program records the dose the family copies from the team's sheet; it never works one
out (no dose per kg or per m², no advice): where a family would ask, "ask your team".

A plan may start after today (the team said "from Monday"): it is kept, listed as
starting on its date and not counted as current before then.  Its start, like its end,
must not precede the date of birth.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace

from tracker import forms, medicines, schedule
from tracker.analytes import parse_number
from tracker.dates import parse_date, parse_optional_date
from tracker.kinds.fields import Choice, Date, Link, Text
from tracker.kinds.kind import QT_TRANSLATE_NOOP, Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Child, Comparator, MedicineForm, MedicinePlan

FORM_NAMES = {
    MedicineForm.TABLET.value: "tablet",
    MedicineForm.LIQUID.value: "liquid",
    MedicineForm.CAPSULE.value: "capsule",
    MedicineForm.OTHER.value: "other",
}

# A unit per body size means a dose still to be worked out; the family types the dose the
# team wrote for the child ("20 mg"), never a per-kg or per-m² one.  Matched on the unit
# as plain words (:func:`_unit_words`): "mg/M²", "mg／kg", "mg per kilo", "mg/sq m".
_PER_BODY = re.compile(r"/ ?(kg|m2|lb)\b")
_BODY_WORDS = (
    (re.compile(r"\bper\b"), "/"),
    (re.compile(r"\bkilo(gram(me)?)?s?\b"), "kg"),
    (re.compile(r"\b(pounds?|lbs)\b"), "lb"),
    (re.compile(r"\b(sq\.? ?m|square ?met(re|er)s?|m ?\^ ?2|m 2)\b"), "m2"),
)


def _unit_words(unit: str) -> str:
    """``unit`` folded (NFKC: "／" is "/", "²" is "2"), in lower case, without invisible
    characters, one space between words, body-size words as symbols."""
    text = "".join(
        c for c in unicodedata.normalize("NFKC", unit).casefold() if not forms.blank(c) or c == " "
    )
    text = " ".join(text.split())
    for pattern, symbol in _BODY_WORDS:
        text = pattern.sub(symbol, text)
    return text


def amount_problem(text: str) -> str | None:
    """Why ``text`` is not a dose amount as the team writes one (a number, decimal point or
    comma), or None."""
    try:
        parsed = parse_number(text)
    except ValueError as exc:
        return f"Dose: {exc}".replace("a count or measurement", "a dose")
    if parsed.comparator is not Comparator.EQUAL:
        return f"Dose: “{text.strip()}” is not one dose; type the dose the team wrote (e.g. 20)"
    if parsed.value <= 0:
        return f"Dose: {text.strip()} is no dose; type the dose the team wrote (e.g. 20)"
    return None


def validate_plan(p: MedicinePlan, context: Context | None = None) -> Problems:
    """The plan's own rules, each problem under its field's name (its dates' order with
    the date of birth is the kind's date rules)."""
    problems: Problems = {}
    if forms.blank(p.drug):
        problems["drug"] = "Drug: name the medicine (choose one from the list or type its name)"
    amount, unit = ("" if forms.blank(t) else t.strip() for t in (p.dose_amount, p.dose_unit))
    if not amount and not unit:
        problems["dose_amount"] = (
            "Dose: type the dose as the team wrote it (e.g. 20 and mg); if you do not have "
            f"it, {medicines.ASK_YOUR_TEAM}"
        )
    elif not unit:
        problems["dose_unit"] = (
            f"Dose unit: give the unit the team wrote beside {amount} (e.g. mg, mL, tablet)"
        )
    elif not amount:
        problems["dose_amount"] = f"Dose: give the amount the team wrote before {unit} (e.g. 20)"
    else:
        why = amount_problem(amount)
        if why is not None:
            problems["dose_amount"] = why
        if _PER_BODY.search(_unit_words(unit)):
            problems["dose_unit"] = (
                f"Dose unit: “{unit}” is a dose per body size; type the dose the team wrote "
                "for your child (e.g. 20 mg). This program never works a dose out: "
                f"{medicines.ASK_YOUR_TEAM}"
            )
    why = schedule.problem(p.schedule)
    if why is not None:
        problems["schedule"] = f"Schedule: {why}"
    if p.end_date is not None and p.end_date < p.start_date:
        problems["end_date"] = (
            f"End: {p.end_date.isoformat()} is before the start ({p.start_date.isoformat()})"
        )
    if p.follows_id is not None:
        why = _follows_problem(p, context)
        if why is not None:
            problems["follows_id"] = why
    return problems


def _follows_problem(p: MedicinePlan, context: Context | None) -> str | None:
    if p.id is not None and p.follows_id == p.id:
        return "Follows: a plan cannot follow itself"
    if context is None:
        return None
    before = next((o for o in context.entries("medicine_plan") if o.id == p.follows_id), None)
    if before is None:
        return None  # unlinked or another child's: the store names it (a link's own rule)
    if not medicines.same_drug(before.drug, p.drug):
        return (
            f"Follows: the plan this one follows is of {before.drug.strip()}, not "
            f"{p.drug.strip()}; a dose change follows an earlier plan of the same medicine"
        )
    if before.start_date >= p.start_date:
        return (
            f"Follows: the plan this one follows starts on {before.start_date.isoformat()}, "
            f"not before this one ({p.start_date.isoformat()}); a dose change follows an "
            "earlier plan"
        )
    return None


def _validate(p: MedicinePlan, context: Context) -> Problems:
    return validate_plan(p, context)


def describe(p: MedicinePlan) -> str:
    return f"the medicine plan {p.drug} from {p.start_date.isoformat()}"


# ------------------------------------------------------------ the form


def plan_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
    follows_id: int | None = None,
    context: Context | None = None,
) -> MedicinePlan:
    """The dialog's fields (drug, strength, form, dose_amount, dose_unit, schedule,
    start_date, end_date, team_note) as a plan; every problem beside its field
    (forms.FormErrors).  ``schedule`` is the RRULE the schedule picker built."""
    c = forms.Collector()
    assert child.id is not None
    window = forms.form_window(today, child)
    start = c.run("start_date", parse_date, forms.field_text(f, "start_date"), "Start", window)
    end = c.run("end_date", parse_optional_date, forms.field_text(f, "end_date"), "End", window)
    form = c.choice(f, "form", MedicineForm, MedicineForm.TABLET.value, "Form", FORM_NAMES)
    p = MedicinePlan(
        child_id=child.id,
        drug=" ".join(forms.field_text(f, "drug").split()),
        start_date=start or child.birth_date,
        dose_amount=forms.field_text(f, "dose_amount"),
        dose_unit=" ".join(forms.field_text(f, "dose_unit").split()),
        strength=" ".join(forms.field_text(f, "strength").split()),
        form=form,
        schedule=forms.field_text(f, "schedule"),
        end_date=end,
        team_note=forms.field_text(f, "team_note"),
        follows_id=follows_id,
        id=id,
        uid=uid,
    )
    rules = context or Context(child, today)
    if start is not None:
        found = MEDICINE_PLAN.problems(p, rules)
    else:
        found = {k: m for k, m in validate_plan(p, rules).items() if k != "end_date"}
    for field, message in found.items():
        c.add(field, message)
    c.raise_if_any()
    return p


def change_dose(
    plan: MedicinePlan,
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    context: Context | None = None,
) -> tuple[MedicinePlan, MedicinePlan]:
    """A dose change typed in the "Change dose" form (change_date, dose_amount, dose_unit,
    and optionally strength, form, schedule; team_note): the plan ended the day before the
    change and the new plan following it, from the change date to the old plan's end.  The
    change date must lie after the plan's start and on or before its end (else FormErrors
    on ``change_date``)."""
    c = forms.Collector()
    window = forms.form_window(today, child)
    on = c.run("change_date", parse_date, forms.field_text(f, "change_date"), "From", window)
    if on is not None:
        why = change_date_problem(plan, on)
        if why is not None:
            c.add("change_date", why)
    c.raise_if_any()
    assert on is not None
    fields = {
        "drug": plan.drug,
        "strength": plan.strength,
        "form": plan.form.value,
        "schedule": plan.schedule,
        **{k: v for k, v in f.items() if k != "change_date"},
        "start_date": on.isoformat(),
        "end_date": plan.end_date.isoformat() if plan.end_date else "",
    }
    new = plan_from_form(fields, child=child, today=today, follows_id=plan.id, context=context)
    return replace(plan, end_date=on - dt.timedelta(days=1)), new


def change_date_problem(plan: MedicinePlan, on: dt.date) -> str | None:
    """Why a dose change from ``on`` cannot split ``plan``, or None."""
    if on <= plan.start_date:
        return (
            f"From: {on.isoformat()} is not after the plan's start "
            f"({plan.start_date.isoformat()}); a new dose starts after the old one began "
            "(to correct the plan itself, edit it)"
        )
    if plan.end_date is not None and on > plan.end_date:
        return (
            f"From: {on.isoformat()} is after the plan's end ({plan.end_date.isoformat()}); "
            "add a new plan instead"
        )
    return None


def stop_plan(plan: MedicinePlan, text: str, *, today: dt.date, child: Child) -> MedicinePlan:
    """The plan ended on the day typed (its last day given); FormErrors on ``end_date``
    when that day is outside the plan."""
    c = forms.Collector()
    last = c.run("end_date", parse_date, text.strip(), "Last day", forms.form_window(today, child))
    if last is not None:
        if last < plan.start_date:
            c.add(
                "end_date",
                f"Last day: {last.isoformat()} is before the plan's start "
                f"({plan.start_date.isoformat()})",
            )
        elif plan.end_date is not None and last > plan.end_date:
            c.add(
                "end_date",
                f"Last day: {last.isoformat()} is after the plan's end "
                f"({plan.end_date.isoformat()}); the plan already stops then",
            )
    c.raise_if_any()
    assert last is not None
    return replace(plan, end_date=last)


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
