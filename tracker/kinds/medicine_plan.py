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
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from tracker import forms, medicines, schedule
from tracker.analytes import parse_number
from tracker.dates import parse_date, parse_optional_date
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.dose import doses_off_plan, doses_text, when_text
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Link, Text
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Child, Comparator, DoseLog, MedicineForm, MedicinePlan

FORM_NAMES = medicines.FORM_NAMES

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


# "20 mg/mL", "5 mg per ml": a strength per volume, which is a liquid's.
_PER_ML = re.compile(r"(/|\bper)\s*(\d+(\.\d+)?\s*)?ml\b", re.IGNORECASE)


def per_ml(strength: str) -> bool:
    """Whether ``strength`` is per mL ("20 mg/mL"): a liquid's strength."""
    return _PER_ML.search(strength) is not None


def amount_problem(text: str) -> str | None:
    """Why ``text`` is not a dose amount as the team writes one (a number, decimal point or
    comma), or None."""
    try:
        parsed = parse_number(text)
    except ValueError as exc:
        said = str(exc).replace(tr("a count or measurement"), tr("a dose"))
        return tr("Dose: {problem}").format(problem=said)
    if parsed.comparator is not Comparator.EQUAL:
        return tr("Dose: “{text}” is not one dose; type the dose the team wrote (e.g. 20)").format(
            text=text.strip()
        )
    if parsed.value <= 0:
        return tr("Dose: {text} is no dose; type the dose the team wrote (e.g. 20)").format(
            text=text.strip()
        )
    return None


_AMOUNT_AND_UNIT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([^\d\s.,].*?)\s*$")


def split_dose(amount: str, unit: str) -> tuple[str, str]:
    """``amount`` and ``unit`` as two fields when the amount was typed with its unit
    ("20 mg") and the unit field is empty or holds that same unit; else as they are."""
    match = _AMOUNT_AND_UNIT.match(amount)
    if match is None or amount_problem(match.group(1)) is not None:
        return amount, unit
    typed = " ".join(match.group(2).split())
    if forms.blank(unit):
        return match.group(1), typed
    if typed.casefold() == " ".join(unit.split()).casefold():
        return match.group(1), unit
    return amount, unit


def unit_clash(amount: str, unit: str) -> str | None:
    """Why the amount typed with a unit of its own ("2.5 mL") cannot stand beside another
    chosen unit ("mg"), saying what to do; None when it has no other unit."""
    match = _AMOUNT_AND_UNIT.match(amount)
    if match is None or amount_problem(match.group(1)) is not None or forms.blank(unit):
        return None
    number, typed, chosen = match.group(1), " ".join(match.group(2).split()), unit.strip()
    if typed.casefold() == " ".join(chosen.split()).casefold():
        return None
    return tr(
        "Dose: “{amount}” is in {typed} but the dose unit is {chosen}: type {number} "
        "here and choose {typed} as the unit, or type the dose in {chosen} as the team wrote it"
    ).format(amount=amount.strip(), typed=typed, chosen=chosen, number=number)


def validate_plan(p: MedicinePlan, context: Context | None = None) -> Problems:
    """The plan's own rules, each problem under its field's name (its dates' order with
    the date of birth is the kind's date rules)."""
    problems: Problems = {}
    if forms.blank(p.drug):
        problems["drug"] = tr(
            "Medicine: name the medicine (choose one from the list or type its name)"
        )
    amount, unit = ("" if forms.blank(t) else t.strip() for t in (p.dose_amount, p.dose_unit))
    if not amount and not unit:
        pass  # no dose entered yet (formats 6-8 kept such plans): shown as "dose not entered"
    elif not unit:
        problems["dose_unit"] = tr(
            "Dose unit: give the unit the team wrote beside {amount} (e.g. mg, mL, tablet)"
        ).format(amount=amount)
    elif not amount:
        problems["dose_amount"] = tr(
            "Dose: give the amount the team wrote before {unit} (e.g. 20)"
        ).format(unit=unit)
    else:
        why = amount_problem(amount)
        if why is not None:
            problems["dose_amount"] = unit_clash(amount, unit) or why
        if _PER_BODY.search(_unit_words(unit)):
            # the end is medicines.ASK_YOUR_TEAM's words
            problems["dose_unit"] = tr(
                "Dose unit: “{unit}” is a dose per body size; type the dose the team wrote "
                "for your child (e.g. 20 mg). This program never works a dose out: ask your team"
            ).format(unit=unit)
    if per_ml(p.strength) and p.form in (MedicineForm.TABLET, MedicineForm.CAPSULE):
        problems["form"] = (
            tr("Form: a strength per mL is a liquid's ({strength}), not a tablet's: choose Liquid")
            if p.form is MedicineForm.TABLET
            else tr(
                "Form: a strength per mL is a liquid's ({strength}), not a capsule's: choose Liquid"
            )
        ).format(strength=p.strength.strip())
    why = schedule.problem(p.schedule)
    if why is not None:
        problems["schedule"] = tr("Schedule: {problem}").format(problem=why)
    if p.end_date is not None and p.end_date < p.start_date:
        problems["end_date"] = tr("End: {end} is before the start ({start})").format(
            end=date_text(p.end_date), start=date_text(p.start_date)
        )
    if p.follows_id is not None:
        why = _follows_problem(p, context)
        if why is not None:
            problems["follows_id"] = why
    if context is not None and "schedule" not in problems and "end_date" not in problems:
        for field, message in (_overlap_problem(p, context), _doses_problem(p, context)):
            if field:
                problems.setdefault(field, message)
    return problems


def _doses_problem(p: MedicinePlan, context: Context) -> tuple[str, str]:
    """A saved plan's edit must keep every dose logged for it inside its dates and on its
    schedule (else adherence drops them and Today offers them again)."""
    if p.id is None:
        return "", ""
    off = doses_off_plan(p, list(context.find("dose", plan_id=p.id)))
    if not off:
        return "", ""
    dates = tr(
        "{field}: {doses} for this plan would no longer be inside its dates; change or "
        "delete those doses first (for a new dose from a date, use Change dose)"
    )
    if off[0].due_date < p.start_date:
        field, label, message = "start_date", tr("Start"), dates
    elif p.end_date is not None and off[-1].due_date > p.end_date:
        field, label, message = "end_date", tr("End"), dates
    else:
        field, label, message = (
            "schedule",
            tr("Schedule"),
            tr(
                "{field}: {doses} for this plan would no longer be on its schedule; change or "
                "delete those doses first (for a new dose from a date, use Change dose)"
            ),
        )
    return field, message.format(field=label, doses=doses_text(off))


def _due_on(parsed: schedule.Parsed, start: dt.date, day: dt.date) -> bool:
    if parsed.freq == "daily":
        return (day - start).days % parsed.interval == 0
    return day.weekday() in parsed.weekdays


def common_due(a: MedicinePlan, b: MedicinePlan) -> tuple[dt.date, dt.time | None] | None:
    """The first dose both plans give at once (the same day and hour) while both run, or
    None: alternating doses (25 mg Monday to Friday, 12.5 mg at the weekend) share none.
    Two as-needed plans of one medicine running at once share every day."""
    lo = max(a.start_date, b.start_date)
    ends = [e for e in (a.end_date, b.end_date) if e is not None]
    hi = min(ends) if ends else None
    if hi is not None and hi < lo:
        return None
    pa, pb = schedule.parse(a.schedule), schedule.parse(b.schedule)
    if pa.freq == "as needed" or pb.freq == "as needed":  # i18n: not shown
        return (lo, None) if pa.freq == pb.freq else None
    if pa.hours and pb.hours:
        hours = sorted(set(pa.hours) & set(pb.hours))
        if not hours:
            return None
    else:
        hours = sorted(pa.hours or pb.hours)
    at = dt.time(hours[0]) if hours else None
    period = math.lcm(*(x.interval if x.freq == "daily" else 7 for x in (pa, pb)))
    for n in range(period):
        day = lo + dt.timedelta(days=n)
        if hi is not None and day > hi:
            break
        if _due_on(pa, a.start_date, day) and _due_on(pb, b.start_date, day):
            return day, at
    return None


def _overlap_problem(p: MedicinePlan, context: Context) -> tuple[str, str]:
    """Two plans of one medicine may run at once only on different days or hours."""
    for other in context.entries("medicine_plan"):
        if other is p or (p.id is not None and other.id == p.id):
            continue
        if not medicines.same_drug(other.drug, p.drug) or schedule.problem(other.schedule):
            continue
        both = common_due(p, other)
        if both is None:
            continue
        field, label = (
            ("end_date", tr("End"))
            if other.start_date >= p.start_date
            else ("start_date", tr("Start"))
        )
        return field, tr(
            "{field}: this plan would run at the same time as {plan}, both due on {when}; "
            "end one plan the day before the other starts (or give them different days or hours)"
        ).format(field=label, plan=medicines.plan_line(other), when=when_text(*both))
    return "", ""


def _follows_problem(p: MedicinePlan, context: Context | None) -> str | None:
    if p.id is not None and p.follows_id == p.id:
        return tr("Follows: a plan cannot follow itself")
    if context is None:
        return None
    before = next((o for o in context.entries("medicine_plan") if o.id == p.follows_id), None)
    if before is None:
        return None  # unlinked or another child's: the store names it (a link's own rule)
    if not medicines.same_drug(before.drug, p.drug):
        return tr(
            "Follows: the plan this one follows is of {before}, not {drug}; a dose change "
            "follows an earlier plan of the same medicine"
        ).format(before=before.drug.strip(), drug=p.drug.strip())
    if before.start_date >= p.start_date:
        return tr(
            "Follows: the plan this one follows starts on {before}, not before this one "
            "({start}); a dose change follows an earlier plan"
        ).format(before=date_text(before.start_date), start=date_text(p.start_date))
    for other in context.entries("medicine_plan"):
        if other is p or (p.id is not None and other.id == p.id):
            continue
        if other.follows_id == p.follows_id:
            return _changed_already(other)
    return None


def _changed_already(later: MedicinePlan, label: str = "") -> str:
    """``label``: the field named first (the form's "New dose from"; "Follows" if none)."""
    return tr("{field}: this plan was already changed on {date} ({plan}); change that one").format(
        field=label or tr("Follows"),
        date=date_text(later.start_date),
        plan=medicines.plan_line(later),
    )


def _validate(p: MedicinePlan, context: Context) -> Problems:
    return validate_plan(p, context)


def describe(p: MedicinePlan) -> str:
    return tr("the medicine plan {drug} from {date}").format(
        drug=p.drug, date=date_text(p.start_date)
    )


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
    start = c.run("start_date", parse_date, forms.field_text(f, "start_date"), tr("Start"), window)
    end = c.run("end_date", parse_optional_date, forms.field_text(f, "end_date"), tr("End"), window)
    form = (  # left empty: not entered (no form is guessed)
        c.choice(f, "form", MedicineForm, MedicineForm.OTHER.value, tr("Form"), FORM_NAMES)
        if forms.field_text(f, "form")
        else None
    )
    amount, unit = split_dose(forms.field_text(f, "dose_amount"), forms.field_text(f, "dose_unit"))
    p = MedicinePlan(
        child_id=child.id,
        drug=" ".join(forms.field_text(f, "drug").split()),
        start_date=start or child.birth_date,
        dose_amount=amount,
        dose_unit=" ".join(unit.split()),
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
    on = c.run(
        "change_date", parse_date, forms.field_text(f, "change_date"), tr("New dose from"), window
    )
    if on is not None:
        why = change_date_problem(plan, on)
        if why is not None:
            c.add("change_date", why)
    later = (
        []
        if context is None
        else [o for o in context.entries("medicine_plan") if o.follows_id == plan.id]
    )
    if later:
        c.add("change_date", _changed_already(later[0], tr("New dose from")))
    c.raise_if_any()
    assert on is not None
    ended = replace(plan, end_date=on - dt.timedelta(days=1))
    if context is not None:
        saved = context.entries

        def entries(key: str) -> Sequence[Any]:
            return [
                ended if key == MEDICINE_PLAN.key and e.id == plan.id else e for e in saved(key)
            ]

        context = replace(context, entries=entries)
    fields = {
        "drug": plan.drug,
        "strength": plan.strength,
        "form": plan.form.value if plan.form is not None else "",
        "schedule": plan.schedule,
        **{k: v for k, v in f.items() if k != "change_date"},
        "start_date": on.isoformat(),
        "end_date": plan.end_date.isoformat() if plan.end_date else "",
    }
    new = plan_from_form(fields, child=child, today=today, follows_id=plan.id, context=context)
    return ended, new


def doses_logged_from(old: MedicinePlan, on: dt.date, context: Context) -> list[DoseLog]:
    """The doses logged for ``old`` on or after ``on``, in date and time order."""
    logged = [d for d in context.find("dose", plan_id=old.id) if d.due_date >= on]
    return sorted(logged, key=lambda d: (d.due_date, d.due_time or dt.time.min))


def start_after_doses(old: MedicinePlan, logged: Sequence[DoseLog]) -> dt.date:
    """The day after the last of ``logged`` (doses given at ``old``'s dose): where the new
    dose starts instead.  FormErrors on ``change_date`` when that is after ``old`` ends."""
    after = max(d.due_date for d in logged) + dt.timedelta(days=1)
    if old.end_date is not None and after > old.end_date:
        raise forms.FormErrors(
            {
                "change_date": tr(
                    "New dose from: the doses logged under {dose} run to {end}, the plan's end, "
                    "so the new dose cannot start after them; add a new plan instead"
                ).format(dose=medicines.dose_text(old), end=date_text(old.end_date))
            }
        )
    return after


def doses_to_move(old: MedicinePlan, new: MedicinePlan, context: Context) -> list[DoseLog]:
    """The doses logged for ``old`` on or after the day ``new`` (its dose change) starts:
    given at the new dose, they move to the new plan in the same step.  FormErrors on
    ``change_date`` naming those the new plan's schedule does not give."""
    moving = doses_logged_from(old, new.start_date, context)
    off = doses_off_plan(new, moving)
    if off:
        raise forms.FormErrors(
            {
                "change_date": tr(
                    "New dose from: {doses} for the old dose are not due in the new schedule "
                    "({schedule}); change the date or the schedule, or change those doses first"
                ).format(doses=doses_text(off), schedule=medicines.schedule_text(new))
            }
        )
    return moving


def change_date_problem(plan: MedicinePlan, on: dt.date) -> str | None:
    """Why a dose change from ``on`` cannot split ``plan``, or None."""
    if on <= plan.start_date:
        return tr(
            "New dose from: {date} is not after the plan's start ({start}); a new dose starts "
            "after the old one began (to correct the plan itself, edit it)"
        ).format(date=date_text(on), start=date_text(plan.start_date))
    if plan.end_date is not None and on > plan.end_date:
        return tr(
            "New dose from: {date} is after the plan's end ({end}); add a new plan instead"
        ).format(date=date_text(on), end=date_text(plan.end_date))
    return None


def stop_plan(plan: MedicinePlan, text: str, *, today: dt.date, child: Child) -> MedicinePlan:
    """The plan ended on the day typed (its last day given); FormErrors on ``end_date``
    when that day is outside the plan."""
    c = forms.Collector()
    last = c.run(
        "end_date", parse_date, text.strip(), tr("Last day given"), forms.form_window(today, child)
    )
    if last is not None:
        if last < plan.start_date:
            c.add(
                "end_date",
                tr("Last day given: {date} is before the plan's start ({start})").format(
                    date=date_text(last), start=date_text(plan.start_date)
                ),
            )
        elif plan.end_date is not None and last > plan.end_date:
            c.add(
                "end_date",
                tr(
                    "Last day given: {date} is after the plan's end ({end}); the plan already "
                    "stops then"
                ).format(date=date_text(last), end=date_text(plan.end_date)),
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
        Text("drug", N_("Medicine"), strip=True),  # the form's label
        Date("start_date", N_("Start")),
        Text("dose_amount", N_("Dose")),
        Text("dose_unit", N_("Dose unit")),
        Text("strength", N_("Strength")),
        Choice("form", N_("Form"), enum=MedicineForm, optional=True),  # null: not entered
        Text("schedule", N_("Schedule")),
        Date("end_date", N_("End"), optional=True),
        Text("team_note", N_("What the team said"), longest=LONG_TEXT),
        Link("follows_id", N_("Follows"), json="follows_uid", target="medicine_plan"),
    ),
    singular=N_("medicine plan"),
    plural=N_("medicine plans"),
    describe=describe,
    order_by="start_date, id",  # i18n: not shown
    sort_key=date_sort_key("start_date"),
    dates=(DateRule("start_date"), DateRule("end_date")),
    validate=_validate,
    json_required_since=5,
)
