"""Temperatures taken at home, and the team's own fever rules (tracker.fever has the
numbers: °C / °F, the typing-slip check, the rule in force on a day)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from tracker import fever, forms
from tracker.dates import parse_date, parse_time
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text, time_text
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Flag, Number, Text, Time
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Child, FeverRule, Temperature, TemperatureSite, TemperatureUnit

SITE_LABELS: dict[str, str] = {
    "armpit": N_("Armpit"),
    "ear": N_("Ear"),
    "forehead": N_("Forehead"),
    "mouth": N_("Mouth"),
    "other": N_("Other (as typed)"),
}
UNIT_LABELS: dict[str, str] = {"C": "°C", "F": "°F"}
DONE_LABELS: dict[str, str] = {  # what was done: a record, never advice
    "called_team": N_("Called the team"),
    "went_to_hospital": N_("Went to hospital"),
    "gave_paracetamol": N_("Gave paracetamol"),
}
INFANT_DAYS = 365  # under one year: the dialog offers "armpit" first (domain.md §5.1)


def _value_problems(value_text: str, unit: TemperatureUnit, celsius: float, label: str) -> Problems:
    """The stored reading's text reads, with its unit, as its °C value (within the
    typing-slip check): the same rule for the form, the store and an import."""
    try:
        used, parsed = fever.parse_temperature(value_text, unit, tr(label))
    except ValueError as exc:
        return {"value_text": str(exc)}
    if used is not unit:  # pragma: no cover - parse_temperature refuses a disagreement
        return {
            "value_text": tr("{field}: the unit does not match “{text}”").format(
                field=tr(label), text=value_text
            )
        }
    if not math.isclose(celsius, parsed, rel_tol=1e-9):
        return {
            # both in full (38.00001, 38.0): rounded alike they would read as one number
            "value_text": tr(
                "{field}: the value in °C ({value}) does not match “{text}”, which is {parsed} °C"
            ).format(field=tr(label), value=repr(celsius), text=value_text, parsed=repr(parsed))
        }
    return {}


def validate_temperature(t: Temperature) -> Problems:
    errors = _value_problems(t.value_text, t.unit, t.celsius, N_("Temperature"))
    if t.site is TemperatureSite.OTHER and not t.site_text.strip():
        errors["site_text"] = tr("How it was taken: type how, for “other”")
    elif t.site is not TemperatureSite.OTHER and t.site_text.strip():
        errors["site_text"] = tr("How it was taken: words are kept only for “other”")
    return errors


def _temperature_rules(t: Temperature, _context: Context) -> Problems:
    return validate_temperature(t)


def default_site(child: Child, today: dt.date) -> TemperatureSite | None:
    """The dialog's first choice: armpit for an infant (domain.md §5.1: oral or armpit,
    never rectal; infants usually armpit); None (not chosen) for an older child."""
    if (today - child.birth_date).days < INFANT_DAYS:
        return TemperatureSite.ARMPIT
    return None


def _unit(c: forms.Collector, f: Mapping[str, str]) -> TemperatureUnit | None:
    text = forms.field_text(f, "unit")
    if not text:
        return None
    return c.choice(f, "unit", TemperatureUnit, "C", tr("Unit"), UNIT_LABELS)


def temperature_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
) -> Temperature:
    """The dialog's fields (date, time, value_text, unit, site, site_text, called_team,
    went_to_hospital, gave_paracetamol, done_text, note) as an entry; each problem beside
    its field."""
    c = forms.Collector()
    assert child.id is not None
    date = c.run(
        "date", parse_date, forms.field_text(f, "date"), tr("Date"), forms.form_window(today, child)
    )
    time_text = forms.field_text(f, "time")
    time = c.run("time", parse_time, time_text, tr("Time")) if time_text else None
    value_text = " ".join(forms.field_text(f, "value_text").split())
    chosen = _unit(c, f)
    parsed = c.run("value_text", fever.parse_temperature, value_text, chosen, tr("Temperature"))
    unit, celsius = parsed if parsed is not None else (chosen or TemperatureUnit.CELSIUS, 0.0)
    site_code = forms.field_text(f, "site")
    site = (
        c.choice(f, "site", TemperatureSite, "armpit", tr("How it was taken"), SITE_LABELS)
        if site_code
        else None
    )
    t = Temperature(
        child_id=child.id,
        date=date or child.birth_date,
        time=time,
        value_text=value_text,
        unit=unit,
        celsius=celsius,
        site=site,
        site_text=forms.field_text(f, "site_text") if site is TemperatureSite.OTHER else "",
        called_team=forms.field_text(f, "called_team") in ("1", "true", "yes"),
        went_to_hospital=forms.field_text(f, "went_to_hospital") in ("1", "true", "yes"),
        gave_paracetamol=forms.field_text(f, "gave_paracetamol") in ("1", "true", "yes"),
        done_text=forms.field_text(f, "done_text"),
        note=forms.field_text(f, "note"),
        id=id,
        uid=uid,
    )
    # the date's rules even when the number did not read (each field's first problem wins)
    if date is not None:
        problems = TEMPERATURE.problems(t, Context(child, today))
    else:
        problems = validate_temperature(t) if parsed is not None else {}
    for field, message in problems.items():
        c.add(field, message)
    c.raise_if_any()
    return t


def done_words(t: Temperature) -> str:
    """What was done, in words ("Called the team; went to hospital; …"), "" for nothing."""
    parts = [tr(label) for name, label in DONE_LABELS.items() if getattr(t, name)]
    if t.done_text:
        parts.append(t.done_text)
    return "; ".join(parts[:1] + [p[:1].lower() + p[1:] for p in parts[1:]])


def site_words(t: Temperature) -> str:
    if t.site is None:
        return ""
    if t.site is TemperatureSite.OTHER:
        return t.site_text
    return tr(SITE_LABELS[t.site.value]).lower()


def _when(t: Temperature) -> str:
    return date_text(t.date) + (f" {time_text(t.time)}" if t.time else "")


TEMPERATURE = Kind(
    key="temperature",
    model=Temperature,
    table="temperature",
    json="temperatures",
    fields=(
        Date("date", N_("Date")),
        Time("time", N_("Time")),
        Text("value_text", N_("Temperature")),
        Choice("unit", N_("Unit"), enum=TemperatureUnit, default=TemperatureUnit.CELSIUS),
        Number("celsius", N_("Temperature in °C"), optional=False, default=0.0),
        Choice("site", N_("How it was taken"), enum=TemperatureSite, optional=True),
        Text("site_text", N_("How it was taken (other)")),
        Flag("called_team", N_("Called the team")),
        Flag("went_to_hospital", N_("Went to hospital")),
        Flag("gave_paracetamol", N_("Gave paracetamol")),
        Text("done_text", N_("Also done"), longest=LONG_TEXT),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("temperature"),
    plural=N_("temperatures"),
    describe=lambda t: tr("a temperature of {when}").format(when=_when(t)),
    order_by="date, coalesce(time, ''), id",  # i18n: not shown
    sort_key=date_sort_key("date", "time"),
    dates=(DateRule("date", not_in_future=True),),
    validate=_temperature_rules,
    json_required_since=5,
)


# ------------------------------------------------------------ the team's fever rule


def validate_fever_rule(r: FeverRule) -> Problems:
    return _value_problems(r.value_text, r.unit, r.celsius, N_("Fever number"))


def _fever_rule_rules(r: FeverRule, context: Context) -> Problems:
    errors = validate_fever_rule(r)
    for other in context.entries("fever_rule"):
        same = r.id is not None and other.id == r.id  # the entry itself, being edited
        if other.given_on == r.given_on and not same:
            place = context.where(other)
            message = (
                tr(
                    "Given on: a fever rule of {date} is already entered ({place}); "
                    "one rule per day"
                )
                if place
                else tr(
                    "Given on: a fever rule of {date} is already entered; edit that one instead"
                )
            )
            errors["given_on"] = message.format(date=date_text(r.given_on), place=place)
            break
    return errors


def fever_rule_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
    others: tuple[FeverRule, ...] = (),
) -> FeverRule:
    """The dialog's fields (given_on, value_text, unit, rule_text) as an entry."""
    c = forms.Collector()
    assert child.id is not None
    given = c.run(
        "given_on",
        parse_date,
        forms.field_text(f, "given_on"),
        tr("Given on"),
        forms.form_window(today, child),
    )
    value_text = " ".join(forms.field_text(f, "value_text").split())
    chosen = _unit(c, f)
    parsed = c.run("value_text", fever.parse_temperature, value_text, chosen, tr("Fever number"))
    unit, celsius = parsed if parsed is not None else (chosen or TemperatureUnit.CELSIUS, 0.0)
    r = FeverRule(
        child_id=child.id,
        given_on=given or child.birth_date,
        value_text=value_text,
        unit=unit,
        celsius=celsius,
        rule_text=forms.field_text(f, "rule_text"),
        id=id,
        uid=uid,
    )
    if given is not None:  # its date's rules even when the number did not read
        context = Context(child, today, lambda key: others if key == "fever_rule" else ())
        for field, message in FEVER_RULE.problems(r, context).items():
            c.add(field, message)
    c.raise_if_any()
    return r


FEVER_RULE = Kind(
    key="fever_rule",
    model=FeverRule,
    table="fever_rule",
    json="fever_rules",
    fields=(
        Date("given_on", N_("Given on")),
        Text("value_text", N_("Fever number")),
        Choice("unit", N_("Unit"), enum=TemperatureUnit, default=TemperatureUnit.CELSIUS),
        Number("celsius", N_("Fever number in °C"), optional=False, default=0.0),
        Text("rule_text", N_("The rule as given"), longest=LONG_TEXT),
    ),
    singular=N_("fever rule"),
    plural=N_("fever rules"),
    describe=lambda r: tr("the fever rule given on {date}").format(date=date_text(r.given_on)),
    order_by="given_on, id",  # i18n: not shown
    sort_key=date_sort_key("given_on"),
    dates=(DateRule("given_on", not_in_future=True),),
    validate=_fever_rule_rules,
    json_required_since=5,
)
