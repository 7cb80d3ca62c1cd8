"""Turning what a family typed into records, with a plain reason for every refusal.

Each ``*_from_form`` function takes the form's text fields (a mapping of field
name to text) and returns the record, or raises :class:`FormErrors` naming each
field that is wrong and why.  ``validate_*`` holds the rules that apply to a
record however it was made (a form, an import); the store runs them on save.
The UI shows the messages beside the fields and holds no rules of its own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from tracker import analytes, labels, range_units, schedule, visits
from tracker.analytes import format_number, parse_number
from tracker.dates import (
    DateWindow,
    date_window,
    future_problem,
    parse_date,
    parse_optional_date,
    parse_time,
)
from tracker.dates import ambiguous_date as ambiguous_date  # the window asks it
from tracker.dates import read_back as read_back
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.model import (
    Appointment,
    CentralLine,
    Child,
    CnsStatus,
    CnsVisit,
    Comparator,
    CountResult,
    CountValue,
    ItDose,
    ItDrug,
    Kmt2aStatus,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    OccurrenceChange,
    OtherResult,
    Phase,
    PhaseKind,
    PrednisoneResponse,
    Question,
    RiskGroup,
    Sex,
    TeamThreshold,
    ThresholdPurpose,
    YesNoUnknown,
)
from tracker.mrd import CARRIES_MRD, MRD_OPTIONAL, is_bare_number, parse_mrd


class FormErrors(ValueError):
    """Field name → plain message, for every field that is wrong."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


_E = TypeVar("_E", bound=StrEnum)


class Collector:
    """Gathers a form's problems, one per field (the first), while it is read; for the form
    parsers here and in a kind's own module (docs/adding-a-kind.md)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def run(self, field: str, fn, *args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except ValueError as exc:
            self.add(field, str(exc))
            return None

    def choice(
        self,
        f: Mapping[str, str],
        field: str,
        enum: type[_E],
        default: str,
        label: str,
        names: Mapping[str, str],
    ) -> _E:
        """The enum member chosen in ``field`` (``default`` when empty); an unknown value is
        recorded as the field's error and ``default`` stands in."""
        return self.run(
            field, _choice, enum, field_text(f, field) or default, label, names
        ) or enum(default)

    def raise_if_any(self) -> None:
        if self.errors:
            raise FormErrors(self.errors)


def field_text(f: Mapping[str, str], key: str) -> str:
    """What was typed in the form's field ``key``, without surrounding spaces."""
    return (f.get(key) or "").strip()


# What a rule reads as nothing typed: spaces, control characters (NUL…), format characters
# (zero-width space, word joiner, soft hyphen, byte-order mark), line and paragraph marks.
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def blank(text: str) -> bool:
    """Whether ``text`` holds nothing a person can see: empty, or only spaces and
    invisible, format or control characters ("\\x00", a zero-width space, a soft hyphen)."""
    return all(unicodedata.category(c) in _INVISIBLE for c in text)


def form_window(today: dt.date | None, child: Child | None = None) -> DateWindow:
    """The dates a form accepts (tracker.dates.date_window): up to YEARS_AHEAD years after
    ``today`` (after the date of birth where a caller gives no today).  A date before the
    date of birth is refused by each form's own check, which names the child."""
    if today is None:
        assert child is not None
        today = child.birth_date
    return date_window(today)


def _choice(enum, value: str, field: str, names: Mapping[str, str]):  # type: ignore[no-untyped-def]
    try:
        return enum(value)
    except ValueError:
        accepted = ", ".join(names.values())
        raise ValueError(
            tr("{field}: “{value}” is not one of the choices ({accepted})").format(
                field=field, value=value, accepted=accepted
            )
        ) from None


# --------------------------------------------------------------------------- child


def child_from_form(
    f: Mapping[str, str], *, today: dt.date, id: int | None = None, uid: str = ""
) -> Child:
    c = Collector()
    name = field_text(f, "name")
    if not name:
        c.add("name", tr(_NO_NAME))
    window = form_window(today)
    birth = c.run(
        "birth_date", parse_date, field_text(f, "birth_date"), tr("Date of birth"), window
    )
    diagnosis = c.run(
        "diagnosis_date",
        parse_optional_date,
        field_text(f, "diagnosis_date"),
        tr("Diagnosis date"),
        window,
    )
    wbc_text, wbc_unit = (
        field_text(f, "wbc_at_diagnosis_text"),
        field_text(f, "wbc_at_diagnosis_unit"),
    )
    wbc: float | None = None
    if wbc_text:
        parsed = c.run("wbc_at_diagnosis_text", _count_value, "wbc", wbc_text, wbc_unit)
        if parsed is not None:
            wbc = parsed.normalised_value
    child = Child(
        name=name,
        birth_date=birth or today,
        sex=c.choice(f, "sex", Sex, "unknown", tr("Sex"), labels.SEX),
        diagnosis_date=diagnosis,
        immunophenotype=field_text(f, "immunophenotype"),
        kmt2a_status=c.choice(
            f, "kmt2a_status", Kmt2aStatus, "unknown", tr("KMT2A status"), labels.KMT2A
        ),
        kmt2a_partner=field_text(f, "kmt2a_partner"),
        wbc_at_diagnosis_text=wbc_text,
        wbc_at_diagnosis_unit=wbc_unit if wbc_text else "",
        wbc_at_diagnosis=wbc,
        cns_status_at_diagnosis=c.choice(
            f,
            "cns_status_at_diagnosis",
            CnsStatus,
            "unknown",
            tr("CNS status"),
            labels.CNS_STATUS,
        ),
        prednisone_response=c.choice(
            f,
            "prednisone_response",
            PrednisoneResponse,
            "unknown",
            tr("Prednisone response"),
            labels.PREDNISONE,
        ),
        protocol=field_text(f, "protocol"),
        risk_group=c.choice(f, "risk_group", RiskGroup, "unknown", tr("Risk group"), labels.RISK),
        risk_group_text=field_text(f, "risk_group_text"),
        hospital=field_text(f, "hospital"),
        team_contacts=field_text(f, "team_contacts"),
        notes=field_text(f, "notes"),
        central_line=c.choice(
            f, "central_line", CentralLine, "unknown", tr("Central line"), labels.CENTRAL_LINE
        ),
        central_line_text=field_text(f, "central_line_text"),
        allergies=field_text(f, "allergies"),
        no_known_allergies=field_text(f, "no_known_allergies") in ("1", "true", "yes"),
        phone_day=field_text(f, "phone_day"),
        phone_24h=field_text(f, "phone_24h"),
        blood_product_notes=field_text(f, "blood_product_notes"),
        id=id,
        uid=uid,
    )
    checks = validate_child(child, today) if birth is not None else validate_card_fields(child)
    for field, message in checks.items():
        c.add(field, message)
    c.raise_if_any()
    return child


PHONE_ACCEPTED = N_(
    "digits, spaces and + - ( ) . /, with an extension written as “ext. 123” or “x123”"
)
_NO_NAME = N_("Name: please type the child's name (a first name is enough)")
# An extension as each shipped language writes it, whatever the language shown: English
# "ext. 4", "x4", French "poste 4", "p. 4", Spanish "ext. 4", "extensión 4".
_EXTENSION = re.compile(
    r"\s*(?:ext\.?|extn\.?|extension|extensión|x|poste|p\.)\s*\d+\s*$", re.IGNORECASE
)
# \d and \s are Unicode's: other scripts' digits, and the no-break spaces and dashes of a
# number pasted from a web page or a letter, read as they look.
_PHONE = re.compile(r"[\d\s+\-\u2010-\u2015()./]+")
_PHONE_MIN_DIGITS = 3  # short hospital numbers and extensions exist; a slip has fewer


def phone_problem(text: str, label: str) -> str | None:
    """Why ``text`` does not read as a phone number, or None (empty is fine: not entered).

    Loose on purpose: any real number's way of writing (+44 20 7946 0123, (555) 010-1234,
    0161.123.4567, 2222 ext. 45) passes; only what is plainly not a number (a name, a
    number with letters in it, fewer than three digits) is refused."""
    typed = text.strip()
    if not typed:
        return None
    number = _EXTENSION.sub("", typed)
    digits = sum(ch.isdigit() for ch in number)
    if not _PHONE.fullmatch(number) or digits < _PHONE_MIN_DIGITS:
        return tr(
            "{field}: “{text}” does not read as a phone number; use {accepted} "
            "(names and other numbers go in Team contacts)"
        ).format(field=label, text=typed, accepted=tr(PHONE_ACCEPTED))
    return None


def validate_card_fields(child: Child) -> dict[str, str]:
    """The fever card's fields: a line called "other" says what it is, allergies are either
    listed or "none known" (not both), and the phone numbers read as numbers."""
    problems: dict[str, str] = {}
    if child.central_line is CentralLine.OTHER and not child.central_line_text.strip():
        problems["central_line_text"] = tr(
            "Central line: you chose “Other”; type what the team calls it"
        )
    if child.no_known_allergies and child.allergies.strip():
        problems["allergies"] = tr(
            "Allergies: “none known” is ticked and allergies are typed; untick it or clear the text"
        )
    for key, label in (("phone_day", tr("Day phone")), ("phone_24h", tr("24-hour phone"))):
        found = phone_problem(getattr(child, key), label)
        if found:
            problems[key] = found
    return problems


def validate_child(
    child: Child, today: dt.date, local_today: dt.date | None = None
) -> dict[str, str]:
    """The child's rules; ``local_today`` as in :func:`tracker.dates.future_problem`."""
    errors: dict[str, str] = validate_card_fields(child)
    if not child.name.strip():
        errors["name"] = tr(_NO_NAME)
    if child.birth_date > today:
        errors["birth_date"] = future_problem(
            tr("Date of birth"), child.birth_date, today, local_today
        )
    if child.diagnosis_date is not None:
        if child.diagnosis_date < child.birth_date:
            errors["diagnosis_date"] = tr(
                "Diagnosis date: {date} is before the date of birth ({birth})"
            ).format(date=date_text(child.diagnosis_date), birth=date_text(child.birth_date))
        elif child.diagnosis_date > today:
            errors["diagnosis_date"] = tr("Diagnosis date: {date} is in the future").format(
                date=date_text(child.diagnosis_date)
            )
    if child.risk_group is RiskGroup.OTHER and not child.risk_group_text.strip():
        errors["risk_group_text"] = tr(
            "Risk group: you chose “Other”; type what the team called it"
        )
    if child.wbc_at_diagnosis is not None and child.wbc_at_diagnosis < 0:
        errors["wbc_at_diagnosis_text"] = tr("WBC at diagnosis cannot be negative")
    return errors


# --------------------------------------------------------------------------- phase


def phase_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    id: int | None = None,
    uid: str = "",
    today: dt.date | None = None,
) -> Phase:
    c = Collector()
    assert child.id is not None
    kind = c.run("kind", _choice, PhaseKind, field_text(f, "kind"), tr("Kind"), labels.PHASE_KIND)
    dates = {
        key: c.run(key, parse_optional_date, field_text(f, key), label, form_window(today, child))
        for key, label in labels.PHASE_DATES.items()
    }
    phase = Phase(
        child_id=child.id,
        kind=kind or PhaseKind.OTHER,
        name=field_text(f, "name"),
        notes=field_text(f, "notes"),
        id=id,
        uid=uid,
        **dates,
    )
    if not c.errors:
        for field, message in validate_phase(phase, child, today).items():
            c.add(field, message)
    c.raise_if_any()
    return phase


def validate_phase(phase: Phase, child: Child, today: dt.date | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    said = labels.PHASE_DATES
    for key, value in (("actual_start", phase.actual_start), ("actual_end", phase.actual_end)):
        if today is not None and value is not None and value > today:
            errors[key] = tr(
                "{field}: {date} is in the future; for a phase still to come, give planned "
                "dates instead"
            ).format(field=said[key], date=date_text(value))
    if phase.planned_start is None and phase.actual_start is None:
        errors["actual_start"] = tr(
            "Start: give the actual start date, or a planned start date for a phase still to come"
        )
    for start_key, end_key, start, end in (
        ("planned_start", "planned_end", phase.planned_start, phase.planned_end),
        ("actual_start", "actual_end", phase.actual_start, phase.actual_end),
    ):
        if start is not None and end is not None and end < start:
            errors[end_key] = tr("{field}: {date} is before “{other}” ({other_date})").format(
                field=said[end_key],
                date=date_text(end),
                other=said[start_key],
                other_date=date_text(start),
            )
        planned = start_key == "planned_start"
        if end is not None and start is None and not (planned and phase.actual_start):
            errors.setdefault(
                start_key,
                tr("{field}: an end date needs a start date").format(field=said[start_key]),
            )
    for key, value in (
        ("planned_start", phase.planned_start),
        ("planned_end", phase.planned_end),
        ("actual_start", phase.actual_start),
        ("actual_end", phase.actual_end),
    ):
        if value is not None and value < child.birth_date:
            errors.setdefault(key, _before_birth(key, value, child))
    return errors


def _before_birth(key: str, value: dt.date, child: Child) -> str:
    label = labels.PHASE_DATES.get(key) or tr(_DATE_LABELS.get(key, "Date"))
    return tr("{field}: {date} is before {name}'s date of birth ({birth})").format(
        field=label, date=date_text(value), name=child.name, birth=date_text(child.birth_date)
    )


_DATE_LABELS = {"date": N_("Date"), "taken_date": N_("Date"), "added_on": N_("Added on")}
"""The labels of the other forms' date fields, as their messages name them."""


# --------------------------------------------------------------------------- milestone


def milestone_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
) -> Milestone:
    c = Collector()
    assert child.id is not None
    date = c.run("date", parse_date, field_text(f, "date"), tr("Date"), form_window(today, child))
    kind = c.run(
        "kind", _choice, MilestoneKind, field_text(f, "kind"), tr("Kind"), labels.MILESTONE_KIND
    )
    planned = field_text(f, "planned") in ("1", "true", "yes")
    mrd: Mrd | None = None
    if kind in CARRIES_MRD and not (kind in MRD_OPTIONAL and _no_mrd(f)):
        qualifier = c.choice(
            f,
            "mrd_qualifier",
            MrdQualifier,
            "quantified",
            tr("MRD reported as"),
            labels.MRD_QUALIFIER,
        )
        entered = field_text(f, "mrd_value")
        fraction = None
        if entered:
            notation = field_text(f, "mrd_notation")
            if notation not in ("", "percent", "fraction"):
                c.add("mrd_notation", tr("MRD: choose percent or fraction"))
                notation = ""
            fraction = c.run("mrd_value", _parse_mrd_as, entered, notation)
            if notation == "percent" and is_bare_number(entered):
                entered = entered + "%"
        elif qualifier is MrdQualifier.QUANTIFIED and not planned:  # a planned check has none yet
            c.add(
                "mrd_value",
                tr(
                    "MRD value: type the value (for example 0.01% or 1e-4), or choose how it was "
                    "reported (negative, positive not quantifiable, below quantifiable range)"
                ),
            )
        method = field_text(f, "mrd_method")
        sample = field_text(f, "mrd_sample")
        mrd = Mrd(
            entered=entered,
            fraction=fraction,
            qualifier=qualifier,
            method=c.run("mrd_method", _choice, MrdMethod, method, tr("Method"), labels.MRD_METHOD)
            if method
            else None,
            sample=c.run("mrd_sample", _choice, MrdSample, sample, tr("Sample"), labels.MRD_SAMPLE)
            if sample
            else None,
        )
    milestone = Milestone(
        child_id=child.id,
        date=date or today,
        kind=kind or MilestoneKind.OTHER,
        result_text=field_text(f, "result_text"),
        planned=planned,
        mrd=mrd,
        notes=field_text(f, "notes"),
        id=id,
        uid=uid,
    )
    if date is not None and kind is not None:
        for field, message in validate_milestone(milestone, child, today).items():
            c.add(field, message)
    c.raise_if_any()
    return milestone


def _no_mrd(f: Mapping[str, str]) -> bool:
    """A marrow check whose MRD part is left as it opens (no value, method or sample, and
    "measured value"): a check without an MRD result, not an MRD result missing its value."""
    untouched = field_text(f, "mrd_qualifier") in ("", MrdQualifier.QUANTIFIED.value)
    typed = ("mrd_value", "mrd_method", "mrd_sample")
    return untouched and not any(field_text(f, key) for key in typed)


def _parse_mrd_as(text: str, notation: str) -> float:
    return parse_mrd(text, bare_as=notation)


def validate_milestone(m: Milestone, child: Child, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if m.date < child.birth_date:
        errors["date"] = _before_birth("date", m.date, child)
    elif m.date > today and not m.planned:
        errors["date"] = tr(
            "Date: {date} is in the future; tick “Planned” for something still to come"
        ).format(date=date_text(m.date))
    if m.mrd is not None:
        if m.kind not in CARRIES_MRD:
            errors["kind"] = tr(
                "Kind: only an MRD result or a bone-marrow check can carry an MRD value"
            )
        if m.mrd.fraction is not None and not 0 <= m.mrd.fraction <= 1:
            errors["mrd_value"] = tr("MRD value: must be between 0 and 100%")
        if m.mrd.qualifier is MrdQualifier.QUANTIFIED and m.mrd.fraction is None and not m.planned:
            errors["mrd_value"] = tr("MRD value: type the value, or choose how it was reported")
        if m.mrd.qualifier is MrdQualifier.NEGATIVE and m.mrd.fraction not in (None, 0):
            errors["mrd_value"] = tr(
                "MRD value: a negative result has no value; clear the value or choose "
                "“Measured value”"
            )
    return errors


# --------------------------------------------------------------------------- counts


_RANGE = re.compile(
    r"^\s*(?:(?P<low>\d+(?:[.,]\d+)?)\s*(?:-|–|—|to)\s*(?P<high>\d+(?:[.,]\d+)?)"
    r"|(?P<op>[<>]=?|≤|≥)\s*(?P<bound>\d+(?:[.,]\d+)?))\s*$",
    re.ASCII,  # ASCII digits only; the dashes and ≤ ≥ are matched literally
)
_THOUSANDS = re.compile(r"\d+,\d{3}(?!\d)", re.ASCII)


def parse_range(text: str) -> tuple[float | None, float | None]:
    """A lab's printed range: "3.5-10.5", "3,5 – 10,5", "<5", ">150" (in the value's unit)."""
    m = _RANGE.match(text)
    if not m or (not text.isascii() and not set(text) & set("–—≤≥")):
        raise ValueError(
            tr(
                "“{text}” is not a range we can read; write it as on the report, "
                "for example 3.5-10.5, <5 or >150"
            ).format(text=text.strip())
        )

    if ambiguous := _THOUSANDS.search(text):
        raise ValueError(
            tr(
                "“{text}” is ambiguous: “{part}” could be a thousands separator or a decimal "
                "comma; write the range without the comma, or with a decimal point"
            ).format(text=text.strip(), part=ambiguous.group(0))
        )

    def num(s: str) -> float:
        value = float(s.replace(",", "."))
        if not math.isfinite(value):  # hundreds of digits overflow to inf
            raise ValueError(
                tr("“{text}…” holds a number far too large for a range").format(
                    text=text.strip()[:20]
                )
            )
        return value

    if m.group("low") is not None:
        low, high = num(m.group("low")), num(m.group("high"))
        if high < low:
            raise ValueError(
                tr("“{text}”: the upper limit is below the lower one").format(text=text.strip())
            )
        return low, high
    bound = num(m.group("bound"))
    return (None, bound) if m.group("op") in ("<", "<=", "≤") else (bound, None)


@dataclass(frozen=True, slots=True)
class ValueInput:
    """One analyte row of the count form, as typed."""

    analyte: str
    value_text: str
    unit: str
    range_text: str = ""
    uid: str = ""
    lab_flag: str = ""  # as the lab printed it ("L", "H", "*")
    lab_comment: str = ""
    hours_after: float | None = None  # a drug level: hours since the infusion started


def _count_value(
    code: str, value_text: str, unit_text: str, range_text: str = "", uid: str = ""
) -> CountValue:
    a = analytes.analyte(code)
    parsed = parse_number(value_text)
    unit = a.unit(unit_text)
    if unit is None:
        raise ValueError(analytes.unknown_unit_message(a, unit_text))
    problem = analytes.plausibility_problem(code, parsed.value, unit_text)
    if problem:
        raise ValueError(problem)
    return CountValue(
        analyte=code,
        value_text=value_text.strip(),
        unit=unit_text.strip(),
        value=parsed.value,
        normalised_value=parsed.value * unit.factor,
        canonical_unit=a.canonical_unit,
        comparator=parsed.comparator,
        range_text=range_text.strip(),
        uid=uid,
    )


def count_from_form(
    f: Mapping[str, str],
    values: Sequence[ValueInput],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
    others: Sequence[OtherResult] = (),
) -> CountResult:
    """``others``: results of tests the program does not know, kept as printed."""
    c = Collector()
    assert child.id is not None
    date = c.run(
        "taken_date", parse_date, field_text(f, "taken_date"), tr("Date"), form_window(today)
    )
    time_text = field_text(f, "taken_time")
    time = c.run("taken_time", parse_time, time_text, tr("Time")) if time_text else None
    parsed: list[CountValue] = []
    for v in values:
        name = analytes.analyte(v.analyte).name
        if not v.value_text.strip():
            if v.range_text.strip():  # never dropped without a word
                c.add(
                    f"{v.analyte}.value",
                    tr(
                        "{test}: the lab range {range} is typed but no value; type the value, "
                        "or clear the range"
                    ).format(test=name, range=v.range_text.strip()),
                )
            continue
        cv = c.run(f"{v.analyte}.value", _count_value_named, name, v)
        if cv is None:
            continue
        if v.range_text.strip():
            bounds = c.run(f"{v.analyte}.range", _named_range, name, v.range_text)
            if bounds is not None:
                cv = _with_range(cv, *bounds)
        cv = replace(
            cv,
            lab_flag=v.lab_flag.strip(),
            lab_comment=v.lab_comment.strip(),
            hours_after=v.hours_after,
        )
        parsed.append(cv)
    if not parsed and not others and not c.errors:
        c.add("values", tr(_NO_VALUES))
    result = CountResult(
        child_id=child.id,
        taken_date=date or today,
        taken_time=time,
        source=field_text(f, "source"),
        note=field_text(f, "note"),
        values=tuple(parsed),
        id=id,
        uid=uid,
        others=tuple(others),
    )
    if date is not None:
        for field, message in validate_count(result, child, today).items():
            if field == "values" and c.errors:
                continue  # a value was typed but is wrong: that message says enough
            c.add(field, message)
    c.raise_if_any()
    return result


def _count_value_named(name: str, v: ValueInput) -> CountValue:
    try:
        return _count_value(v.analyte, v.value_text, v.unit, v.range_text, v.uid)
    except ValueError as exc:
        message = str(exc)
        if not message.startswith(name):
            message = tr("{test}: {problem}").format(test=name, problem=message)
        raise ValueError(message) from None


def _named_range(name: str, text: str) -> tuple[float | None, float | None]:
    try:
        return parse_range(text)
    except ValueError as exc:
        raise ValueError(tr("{test} range: {problem}").format(test=name, problem=exc)) from None


def _with_range(cv: CountValue, low: float | None, high: float | None) -> CountValue:
    return CountValue(
        analyte=cv.analyte,
        value_text=cv.value_text,
        unit=cv.unit,
        value=cv.value,
        normalised_value=cv.normalised_value,
        canonical_unit=cv.canonical_unit,
        comparator=cv.comparator,
        range_text=cv.range_text,
        range_low=low,
        range_high=high,
        uid=cv.uid,
    )


def very_low_question(v: CountValue) -> str:
    """Asked (form) or noted (lab CSV) for a value below its typing-slip check: no other
    unit is suggested for a value that is possible in its own."""
    name = analytes.analyte(v.analyte).name
    return tr(
        "{test} {value} {unit} is very low. Is it as printed on the report, with its unit? "
        "(A check for typing and unit slips, not a medical judgement.)"
    ).format(test=name, value=v.value_text, unit=v.unit)


def count_questions(result: CountResult) -> list[str]:
    """What may be right but needs the family's word before it is saved (the form asks;
    a lab CSV row refuses with the same words): never guessed."""
    questions: list[str] = []
    for v in result.values:
        other = range_units.other_reading(v.analyte, v.value, v.range_low, v.range_high, v.unit)
        if other is not None:
            name = analytes.analyte(v.analyte).name
            where = range_units.two_readings(
                v.analyte, v.value, v.range_low, v.range_high, v.unit, other
            )
            questions.append(
                tr(
                    "{test} {value} {unit}: the lab range {range} puts it {where}. "
                    "Is the range printed in {unit}, like the value?"
                ).format(
                    test=name, value=v.value_text, unit=v.unit, range=v.range_text, where=where
                )
            )
        if range_units.fraction_reading(v.analyte, v.value, v.range_low, v.range_high):
            name = analytes.analyte(v.analyte).name
            questions.append(
                tr(
                    "{test} {value} %: the lab range {range} reads like fractions "
                    "({low}–{high} %). Is the range printed as it is typed?"
                ).format(
                    test=name,
                    value=v.value_text,
                    range=v.range_text,
                    low=format_number((v.range_low or 0) * 100),
                    high=format_number((v.range_high or 0) * 100),
                )
            )
        if analytes.very_low(v.analyte, v.normalised_value):
            questions.append(very_low_question(v))
    wbc, anc = result.value("wbc"), result.value("anc")
    if wbc is not None and anc is not None and anc.normalised_value > wbc.normalised_value:
        questions.append(
            tr(
                "The ANC {anc} {anc_unit} is larger than the white count {wbc} {wbc_unit} of "
                "the same draw (the neutrophils are part of the white cells). Are both as "
                "printed, with their units?"
            ).format(anc=anc.value_text, anc_unit=anc.unit, wbc=wbc.value_text, wbc_unit=wbc.unit)
        )
    return questions


def validate_count(result: CountResult, child: Child, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if result.taken_date < child.birth_date:
        errors["taken_date"] = _before_birth("taken_date", result.taken_date, child)
    elif result.taken_date > today:
        errors["taken_date"] = tr(
            "Date: {date} is in the future; a blood count is entered once the result is back"
        ).format(date=date_text(result.taken_date))
    if not result.values and not result.others:
        errors["values"] = tr(_NO_VALUES)
    names: set[str] = set()
    for i, other in enumerate(result.others):
        key = other.name.strip().casefold()
        if not key:
            errors[f"others.{i}.name"] = tr("Test: type the name of the test as the lab printed it")
        elif key in names:
            errors[f"others.{i}.name"] = tr(_TWICE).format(test=other.name.strip())
        elif analytes.find_analyte(other.name) is not None:
            known = analytes.find_analyte(other.name)
            assert known is not None
            errors[f"others.{i}.name"] = tr(
                "{test} is a test this program knows ({known}): type its value there, so that "
                "it is converted, flagged and drawn"
            ).format(test=other.name.strip(), known=known.name)
        names.add(key)
        if not other.value_text.strip():
            errors.setdefault(
                f"others.{i}.value",
                tr("{test}: type the result as the lab printed it").format(
                    test=other.name.strip() or tr("Test")
                ),
            )
    seen: set[str] = set()
    for v in result.values:
        name = analytes.analyte(v.analyte).name
        if v.analyte in seen:
            errors[f"{v.analyte}.value"] = tr(_TWICE).format(test=name)
        seen.add(v.analyte)
        if v.value < 0:
            errors[f"{v.analyte}.value"] = tr("{test} cannot be negative").format(test=name)
        if v.hours_after is not None and not analytes.analyte(v.analyte).timed:
            errors[f"{v.analyte}.value"] = tr(
                "{test}: hours since an infusion are kept for a drug level only; clear them"
            ).format(test=name)
        elif v.hours_after is not None and not 0 <= v.hours_after <= 10_000:
            errors[f"{v.analyte}.value"] = tr(
                "{test}: the hours since the infusion started cannot be negative (or more "
                "than 10,000); check them"
            ).format(test=name)
        problem = analytes.plausibility_problem(v.analyte, v.value, v.unit)
        if problem:
            errors.setdefault(f"{v.analyte}.value", problem)
        wrong_unit = range_units.range_unit_problem(
            v.analyte, v.range_low, v.range_high, v.unit, v.range_text
        )
        if wrong_unit:
            errors.setdefault(f"{v.analyte}.range", wrong_unit)
    # Segmented % and bands % are parts of the white count and cannot add up past 100.  A
    # total neutrophil % is commonly said to include the bands (domain.md §2.2, no primary
    # source), so total % + bands % is no such sum, and is not checked.
    segs, bands = result.value("seg_pct"), result.value("band_pct")
    total = (segs.value if segs else 0.0) + (bands.value if bands else 0.0)
    if segs is not None and bands is not None and total > 100:
        errors["band_pct.value"] = tr(
            "Segmented neutrophils % and bands % add up to {total}%, more than 100%"
        ).format(total=format_number(total))
    return errors


_NO_VALUES = N_("Values: type at least one result (for example WBC or platelets)")
_TWICE = N_("{test} appears twice in one blood count")


# --------------------------------------------------------------------------- CNS visits

_IT_ALIASES = {
    "mtx": ItDrug.METHOTREXATE,
    "methotrexate": ItDrug.METHOTREXATE,
    "methotrexat": ItDrug.METHOTREXATE,  # de, nl, nordic
    "metotrexato": ItDrug.METHOTREXATE,  # es, it, pt
    "metotreksat": ItDrug.METHOTREXATE,  # pl
    "ara-c": ItDrug.CYTARABINE,
    "arac": ItDrug.CYTARABINE,
    "cytarabine": ItDrug.CYTARABINE,
    "cytarabin": ItDrug.CYTARABINE,  # de, nl
    "citarabina": ItDrug.CYTARABINE,  # es, it, pt
    "cytarabina": ItDrug.CYTARABINE,  # pl
    "cytosine arabinoside": ItDrug.CYTARABINE,  # i18n: not shown
    "hc": ItDrug.HYDROCORTISONE,
    "hydrocortisone": ItDrug.HYDROCORTISONE,
    "hydrocortison": ItDrug.HYDROCORTISONE,  # de, nl
    "hidrocortisona": ItDrug.HYDROCORTISONE,  # es, pt
    "idrocortisone": ItDrug.HYDROCORTISONE,  # it
    "hydrokortyzon": ItDrug.HYDROCORTISONE,  # pl
    "solu-cortef": ItDrug.HYDROCORTISONE,  # the hydrocortisone product often used
    "prednisolone": ItDrug.PREDNISOLONE,
    "prednisolon": ItDrug.PREDNISOLONE,  # de, nl
    "prednisolona": ItDrug.PREDNISOLONE,  # es, pt
    "prednizolon": ItDrug.PREDNISOLONE,  # pl
    "pred": ItDrug.PREDNISOLONE,
}
# Drugs that must never be given into the spinal fluid (domain.md §3.2: only methotrexate,
# cytarabine and a corticosteroid are given intrathecally in ALL; intrathecal vinca alkaloids
# are fatal).  Names are compared as letters only (accents, case, spaces, dashes, dots,
# invisible characters and look-alike Cyrillic or Greek letters ignored), stems anywhere in
# the name and with a slip or two of spelling ("vincrystine"), so "vincristina",
# "Vincristinsulfat", "vin-cristine" and "Onсovin" with a Cyrillic с are caught;
# abbreviations only as whole words ("V.C.R." too), so "VCR" does not match inside a word.
_NEVER_INTRATHECAL_STEMS = {
    "vincristin": "vincristine",
    "vinkristin": "vincristine",  # nordic, cs
    "winkrystyn": "vincristine",  # pl
    "oncovin": "vincristine",
    "marqibo": "vincristine",
    "vincasar": "vincristine",
    "vinblastin": "vinblastine",
    "velban": "vinblastine",
    "velbe": "vinblastine",
    "vinorelbin": "vinorelbine",
    "navelbin": "vinorelbine",
    "vindesin": "vindesine",
    "eldisin": "vindesine",
    "vinflunin": "vinflunine",
    "javlor": "vinflunine",
    "vinca": N_("a vinca alkaloid"),
    "bortezomib": "bortezomib",
    "velcade": "bortezomib",
}
_NEVER_INTRATHECAL_WORDS = {
    "vcr": "vincristine",
    "vbl": "vinblastine",
    "vlb": "vinblastine",
    "vnr": "vinorelbine",
    "vds": "vindesine",
    "btz": "bortezomib",
}
# Cyrillic and Greek letters that look like Latin ones (a name pasted from a document).
_LOOK_ALIKES = str.maketrans(
    "асеорхуктмнвіјѕԁɡαβεικνορτυχ",
    "aceopxyktmhbijsdgabeikvoptux",
)


def _plain_key(text: str) -> str:
    """Lower case without accents, invisible characters or look-alike letters: "Bortézomib",
    "ＢＯＲＴＥＺＯＭＩＢ" and "bortezomib" are one name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )
    return "".join(kept).translate(_LOOK_ALIKES)


def _letters(key: str) -> str:
    return "".join(c for c in key if c.isalpha())


def _slips_allowed(stem: str) -> int:
    """How many letters may be wrong, missing or extra in a typed stem: none in a short
    one (a brand of five letters is too near other words), one from 6, two from 9."""
    return 0 if len(stem) < 6 else 1 if len(stem) < 9 else 2


def _near_substring(stem: str, key: str, slips: int) -> bool:
    """Whether some part of ``key`` is within ``slips`` edits of ``stem`` (Sellers' edit
    distance to the best-matching substring)."""
    if slips == 0:
        return stem in key
    previous = [0] * (len(key) + 1)  # a match may start anywhere in key
    for i, letter in enumerate(stem, 1):
        current = [i] + [0] * len(key)
        for j, other in enumerate(key, 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != other)
            )
        previous = current
    return min(previous) <= slips


def never_intrathecal(text: str) -> str | None:
    """The drug a typed name stands for when it must never be given intrathecally, else None."""
    key = _plain_key(text)
    letters = _letters(key)
    for slips in (False, True):  # the name as written first: "Navelbine" is vinorelbine
        for stem, generic in _NEVER_INTRATHECAL_STEMS.items():
            if _near_substring(stem, letters, _slips_allowed(stem) if slips else 0):
                return generic
    words = re.findall(r"[^\W\d_]+", key)
    runs = re.findall(r"(?:(?<![^\W\d_])[^\W\d_](?![^\W\d_])[\s.\-]*){2,}", key)
    for word in [*words, *(_letters(r) for r in runs)]:
        if word in _NEVER_INTRATHECAL_WORDS:
            return _NEVER_INTRATHECAL_WORDS[word]
    return None


def never_intrathecal_message(text: str) -> str | None:
    """The strong warning for a drug that must never go into the spinal fluid, else None."""
    generic = never_intrathecal(text)
    if generic is None:
        return None
    typed = text.strip()
    name = typed[:1].upper() + typed[1:]
    if generic not in _plain_key(typed):
        # a brand, abbreviation or other spelling: say which drug
        name = tr("{name} ({drug})").format(name=name, drug=tr(generic))
    return tr(
        "{drug} cannot be recorded as given intrathecally: it must never be given "
        "into the spinal fluid. If a report says so, please check it with your team now."
    ).format(drug=name)


_IT_BY_LETTERS = {_letters(_plain_key(k)): drug for k, drug in _IT_ALIASES.items()}


def _it_drug_named(text: str) -> ItDrug | None:
    """One of the four intrathecal drugs by an exact name (letters only: "Ara C", "ARA-C"),
    or a name with another for the same drug in brackets ("Cytarabine (Ara-C)")."""
    if any(c.isdigit() for c in text):  # "mtx 12": a dose in the name, not a name
        return None
    parts = [p for p in re.split(r"[()\[\]]", text) if p.strip()]
    found = {_IT_BY_LETTERS.get(_letters(_plain_key(p))) for p in parts}
    if len(found) == 1 and None not in found:
        return found.pop()
    return None


_DOSE = re.compile(r"^\d+(?:[.,]\d+)?\s*(?:mg|g|mcg|µg|μg|ug|mL|ml|units?|U)$", re.ASCII | re.I)


def parse_it_drug(text: str) -> ItDrug:
    """Map a typed drug name to one of the four intrathecal drugs, or refuse it plainly."""
    drug = _it_drug_named(text)
    if drug is not None:
        return drug
    never = never_intrathecal_message(text)
    if never is not None:
        raise ValueError(never)
    allowed = ", ".join(labels.IT_DRUG.values())
    raise ValueError(
        tr("“{text}” cannot be recorded as an intrathecal drug; only {allowed} can").format(
            text=text.strip(), allowed=allowed
        )
    )


def cns_visit_from_form(
    f: Mapping[str, str],
    drugs: Sequence[tuple[str, str]],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
    drug_uids: Mapping[str, str] | None = None,
) -> CnsVisit:
    """``drugs`` is (drug name as typed or chosen, dose text) per intrathecal drug given."""
    c = Collector()
    assert child.id is not None
    date = c.run("date", parse_date, field_text(f, "date"), tr("Date"), form_window(today, child))
    procedure = c.choice(f, "procedure", LpProcedure, "lp_it", tr("Procedure"), labels.LP_PROCEDURE)
    doses: list[ItDose] = []
    for i, (name, dose) in enumerate(drugs):
        if not name.strip():
            continue
        drug = c.run(f"it_drugs.{i}", parse_it_drug, name)
        if drug is not None and dose.strip() and not _DOSE.match(dose.strip()):
            c.add(
                "it_drugs",
                tr(
                    "{drug} dose: write the amount and its unit as on the chart, for example "
                    "8 mg or 2.5 mL"
                ).format(drug=labels.IT_DRUG[drug.value]),
            )
            drug = None
        if drug is not None:
            uid_ = (drug_uids or {}).get(drug.value, "")
            doses.append(ItDose(drug, dose.strip(), uid_))
    numbers: dict[str, float | None] = {}
    for key, label in (
        ("csf_wbc", tr("CSF white cells")),
        ("csf_rbc", tr("CSF red cells")),
        ("platelets", tr("Platelets that day")),
    ):
        numbers[key] = c.run(key, _labelled_number, field_text(f, key), label)
    phase_text = field_text(f, "phase_id")
    visit = CnsVisit(
        child_id=child.id,
        date=date or today,
        procedure=procedure or LpProcedure.LP_WITH_IT,
        phase_id=int(phase_text) if phase_text.isascii() and phase_text.isdigit() else None,
        it_drugs=tuple(doses),
        csf_wbc=numbers["csf_wbc"],
        csf_rbc=numbers["csf_rbc"],
        blasts_seen=c.choice(
            f, "blasts_seen", YesNoUnknown, "unknown", tr("Blasts seen"), labels.YES_NO
        ),
        cns_status=c.choice(
            f, "cns_status", CnsStatus, "pending", tr("CNS status"), labels.CNS_STATUS
        ),
        sedation=field_text(f, "sedation"),
        platelets=numbers["platelets"],
        complications=field_text(f, "complications"),
        planned=field_text(f, "planned") in ("1", "true", "yes"),
        note=field_text(f, "note"),
        id=id,
        uid=uid,
    )
    if date is not None and procedure is not None:
        for field, message in validate_cns_visit(visit, child, today).items():
            c.add(field, message)
    c.raise_if_any()
    return visit


def _labelled_number(text: str, label: str) -> float | None:
    if not text:
        return None
    try:
        return parse_number(text).value
    except ValueError as exc:
        raise ValueError(tr("{field}: {problem}").format(field=label, problem=exc)) from None


def validate_cns_visit(v: CnsVisit, child: Child, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if v.date < child.birth_date:
        errors["date"] = _before_birth("date", v.date, child)
    elif v.date > today and not v.planned:
        errors["date"] = tr(
            "Date: {date} is in the future; tick “Planned” for a lumbar puncture still to come"
        ).format(date=date_text(v.date))
    seen: set[ItDrug] = set()
    for _i, dose in enumerate(v.it_drugs):
        if not isinstance(dose.drug, ItDrug):
            errors["it_drugs"] = tr("“{drug}” cannot be recorded as an intrathecal drug").format(
                drug=dose.drug
            )
        elif dose.drug in seen:
            errors["it_drugs"] = tr("{drug} is listed twice").format(
                drug=labels.IT_DRUG[dose.drug.value]
            )
        seen.add(dose.drug)
    if v.procedure is LpProcedure.DIAGNOSTIC_LP and v.it_drugs:
        errors["procedure"] = tr(
            "Procedure: a diagnostic LP has no intrathecal drugs; choose “LP with intrathecal "
            "chemo” or remove the drugs"
        )
    for key, value, label, high in (
        ("csf_wbc", v.csf_wbc, tr("CSF white cells"), 100_000.0),
        ("csf_rbc", v.csf_rbc, tr("CSF red cells"), 10_000_000.0),
        ("platelets", v.platelets, tr("Platelets that day"), 3000.0),
    ):
        if value is not None and not 0 <= value <= high:
            errors[key] = tr("{field}: {value} is not possible (0 to {high})").format(
                field=label, value=format_number(value), high=f"{high:,.0f}"
            )
    return errors


# --------------------------------------------------------------------------- team thresholds


def threshold_from_form(
    f: Mapping[str, str], *, child: Child, id: int | None = None, uid: str = ""
) -> TeamThreshold:
    """A number the team gave (e.g. "platelets below 20 ×10⁹/L: transfusion")."""
    c = Collector()
    assert child.id is not None
    code = field_text(f, "analyte")
    a = analytes.BY_CODE.get(code) if code in analytes.THRESHOLD_CODES else None
    if a is None:
        c.add("analyte", tr(_NO_COUNT_CHOSEN))
    purpose = c.choice(
        f, "purpose", ThresholdPurpose, "watch", tr("What it is for"), labels.THRESHOLD_PURPOSE
    )
    value_text, unit = field_text(f, "value_text"), field_text(f, "unit")
    normalised = None
    if not value_text:
        c.add("value_text", tr("Value: type the number the team gave"))
    elif a is not None:
        parsed = c.run(
            "value_text", _count_value_named, a.name, ValueInput(a.code, value_text, unit)
        )
        if parsed is not None:
            if parsed.comparator is Comparator.LESS and purpose is ThresholdPurpose.NEXT_BLOCK:
                c.add(
                    "value_text",
                    tr(
                        "Value: a count needed to start the next block is a lower limit; type "
                        "the number, or >number if the team said “over” it"
                    ),
                )
            normalised = parsed.normalised_value
    c.raise_if_any()
    assert a is not None and purpose is not None and normalised is not None
    return TeamThreshold(
        child_id=child.id,
        analyte=a.code,
        purpose=purpose,
        value_text=value_text,
        unit=unit,
        normalised_value=normalised,
        note=field_text(f, "note"),
        id=id,
        uid=uid,
    )


def validate_threshold(t: TeamThreshold) -> dict[str, str]:
    errors: dict[str, str] = {}
    a = analytes.BY_CODE.get(t.analyte)
    if a is None:
        return {"analyte": tr(_NO_COUNT_CHOSEN)}
    unit = a.unit(t.unit)
    if unit is None:
        errors["value_text"] = analytes.unknown_unit_message(a, t.unit)
    elif abs(unit.factor * parse_number(t.value_text).value - t.normalised_value) > 1e-9 * max(
        1.0, t.normalised_value
    ):
        errors["value_text"] = tr("Value: the stored number does not match what was typed")
    else:
        problem = analytes.plausibility_problem(a.code, parse_number(t.value_text).value, t.unit)
        if problem:
            errors["value_text"] = problem
    return errors


_NO_COUNT_CHOSEN = N_("Count: choose which blood count the number is for")


# --------------------------------------------------------------------------- appointments


def appointment_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    id: int | None = None,
    uid: str = "",
    today: dt.date | None = None,
    changes: tuple[OccurrenceChange, ...] = (),
    series_before: Appointment | None = None,
) -> Appointment:
    """The dialog's fields (date, time, with_whom, place, note, repeat: an RRULE or "") as
    an appointment keeping ``changes`` (its moved and cancelled dates); every problem
    beside its field (a changed date the rule no longer has beside the repeat).  Given the
    appointment as it was saved (``series_before``), a changed date follows the series'
    new time, place, who and note where it had the series' own
    (:func:`tracker.visits.following`)."""
    c = Collector()
    assert child.id is not None
    date = c.run("date", parse_date, field_text(f, "date"), tr("Date"), form_window(today, child))
    time_text = field_text(f, "time")
    time = c.run("time", parse_time, time_text, tr("Time")) if time_text else None
    appointment = Appointment(
        child_id=child.id,
        date=date or child.birth_date,
        time=time,
        with_whom=field_text(f, "with_whom"),
        place=field_text(f, "place"),
        note=field_text(f, "note"),
        repeat=schedule.normal_repeat(field_text(f, "repeat")),
        changes=changes,
        id=id,
        uid=uid,
    )
    if series_before is not None:
        appointment = visits.following(series_before, appointment)
    if date is not None:
        for field, message in validate_appointment(appointment, child).items():
            c.add(field, message)
        for field, message in visits.problems(appointment, child).items():
            c.add("repeat" if field == "changes" else field, message)
    c.raise_if_any()
    return appointment


def validate_appointment(a: Appointment, child: Child) -> dict[str, str]:
    if a.date < child.birth_date:
        return {"date": _before_birth("date", a.date, child)}
    return {}


# --------------------------------------------------------------------------- questions


def question_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
) -> Question:
    c = Collector()
    assert child.id is not None
    added_text = field_text(f, "added_on")
    added = (
        c.run("added_on", parse_date, added_text, tr("Date added"), form_window(today))
        if added_text
        else today
    )
    question = Question(
        child_id=child.id,
        added_on=added or today,
        text=field_text(f, "text"),
        answered=field_text(f, "answered") in ("1", "true", "yes"),
        answer=field_text(f, "answer"),
        id=id,
        uid=uid,
    )
    for field, message in validate_question(question, child, today).items():
        c.add(field, message)
    c.raise_if_any()
    return question


def validate_question(q: Question, child: Child, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not q.text.strip():
        errors["text"] = tr("Question: type the question you want to ask")
    if q.added_on > today:
        errors["added_on"] = tr("Date added: {date} is in the future").format(
            date=date_text(q.added_on)
        )
    elif q.added_on < child.birth_date:
        errors["added_on"] = _before_birth("added_on", q.added_on, child)
    return errors
