"""Growth measurements: weight, length/height and head circumference of one day, as typed
beside the value in kg / cm; BSA (Mosteller) for information only.

Conversions are exact by definition: 1 lb = 0.45359237 kg, 1 oz = 1/16 lb, 1 in = 2.54 cm.
Weights are shown in kg with up to 3 decimals (domain.md §5.2).  The program records and
shows; it never works out a dose, and the BSA is labelled with its formula and connected
to nothing else.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tracker import forms
from tracker.analytes import format_number, parse_number
from tracker.dates import parse_date
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import LONG_TEXT, Date, Number, Text
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Child, Growth

# LOINC codes for a later exchange format (issue 14), domain.md §5.2 (FHIR vital-signs value
# sets); not shown anywhere.
LOINC_BODY_WEIGHT = "29463-7"
LOINC_BODY_HEIGHT = "8302-2"
LOINC_INFANT_LENGTH = "8306-3"  # Body height --lying
LOINC_HEAD_CIRCUMFERENCE = "9843-4"

KG_PER_LB = Fraction("0.45359237")  # exact, by definition
OZ_PER_LB = 16
CM_PER_IN = Fraction("2.54")  # exact, by definition

BSA_LABEL = N_("BSA (Mosteller formula), for information only")
BSA_SOURCE = "Mosteller, NEJM 1987;317:1098"  # i18n: not shown (a citation)

_N = r"(\d+(?:[.,]\d+)?)"
# Every spelling read, and its factor to kg / cm.  Only spellings with one meaning: "gr"
# (a grain as often as a gram), a lone "k" or "m", stones and milligrams are not read.
_KG_WORDS = ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes")
_G_WORDS = ("g", "gm", "gms", "gram", "grams", "gramme", "grammes")
_LB_WORDS = ("lb", "lbs", "pound", "pounds")
_OZ_WORDS = ("oz", "ounce", "ounces")
_CM_WORDS = ("cm", "cms", "centimetre", "centimetres", "centimeter", "centimeters")
_MM_WORDS = ("mm", "millimetre", "millimetres", "millimeter", "millimeters")
_IN_WORDS = ("in", "inch", "inches", '"', "″")
KG_FACTORS: dict[str, Fraction] = {
    **dict.fromkeys(_KG_WORDS, Fraction(1)),
    **dict.fromkeys(_G_WORDS, Fraction(1, 1000)),
    **dict.fromkeys(_LB_WORDS, KG_PER_LB),
}
CM_FACTORS: dict[str, Fraction] = {
    **dict.fromkeys(_CM_WORDS, Fraction(1)),
    **dict.fromkeys(_MM_WORDS, Fraction(1, 10)),
    **dict.fromkeys(_IN_WORDS, CM_PER_IN),
}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WEIGHT_ONE = re.compile(rf"^{_N}\s*({_alternatives(KG_FACTORS)})\.?$", re.IGNORECASE)
_WEIGHT_LB_OZ = re.compile(
    rf"^{_N}\s*(?:{_alternatives(_LB_WORDS)})\.?\s*,?\s*{_N}\s*(?:{_alternatives(_OZ_WORDS)})\.?$",
    re.IGNORECASE,
)
_LENGTH = re.compile(rf"^{_N}\s*({_alternatives(CM_FACTORS)})\.?$", re.IGNORECASE)
_BARE = re.compile(rf"^{_N}$")
_NEGATIVE = re.compile(r"^[-−‐‑–]\s*\d")  # a minus sign (hyphen, U+2212, dashes) before a number
# The labels (English, translated where a message names them) and their "below zero" message.
_NEGATIVE_MESSAGES = {
    "Weight": N_(
        "{field}: “{text}” is below zero; a weight cannot be negative, so type the number "
        "without a minus sign"
    ),
    "Length/height": N_(
        "{field}: “{text}” is below zero; a length cannot be negative, so type the number "
        "without a minus sign"
    ),
    "Length": N_(
        "{field}: “{text}” is below zero; a length cannot be negative, so type the number "
        "without a minus sign"
    ),
    "Head circumference": N_(  # i18n: not shown (a key)
        "{field}: “{text}” is below zero; a head circumference cannot be negative, so type the "
        "number without a minus sign"
    ),
}


def _number(text: str, label: str) -> Fraction:
    """A number as typed (decimal point or comma), exactly."""
    try:
        parse_number(text)  # its refusals: "1,200" (a thousands separator or a decimal comma?)
    except ValueError as exc:
        raise ValueError(tr("{field}: {problem}").format(field=tr(label), problem=exc)) from None
    return Fraction(text.replace(",", "."))


def _refuse_negative(s: str, label: str) -> None:
    if _NEGATIVE.match(s):
        message = _NEGATIVE_MESSAGES.get(
            label,
            N_(
                "{field}: “{text}” is below zero; it cannot be negative, so type the number "
                "without a minus sign"
            ),
        )
        raise ValueError(tr(message).format(field=tr(label), text=s))


def parse_weight(text: str) -> float:
    """The weight typed as ``text`` ("7.85 kg", "7850 g", "15 lb", "15 lb 4 oz"; also
    "kgs", "kilos", "grams", "pounds", "ounces" …: :data:`KG_FACTORS`) in kg."""
    s = " ".join(text.split())
    _refuse_negative(s, "Weight")
    if m := _WEIGHT_LB_OZ.match(s):
        lb, oz = _number(m.group(1), "Weight"), _number(m.group(2), "Weight")
        if oz >= OZ_PER_LB:
            raise ValueError(
                tr("Weight: “{text}” has {oz} oz; a pound has 16 ounces").format(
                    text=s, oz=m.group(2)
                )
            )
        return float((lb + oz / OZ_PER_LB) * KG_PER_LB)
    if m := _WEIGHT_ONE.match(s):
        return float(_number(m.group(1), "Weight") * KG_FACTORS[m.group(2).lower()])
    if _BARE.match(s):
        raise ValueError(
            tr(
                "Weight: “{text}” has no unit; write kg, g, lb or lb and oz (e.g. 7.85 kg, "
                "7850 g, 15 lb 4 oz)"
            ).format(text=s)
        )
    raise ValueError(
        tr(
            "Weight: “{text}” is not a weight this program reads; write a number and kg, g, lb "
            "or lb and oz (e.g. 7.85 kg, 7850 g, 15 lb 4 oz)"
        ).format(text=s)
    )


def parse_length(text: str, label: str = N_("Length")) -> float:
    """A length typed as ``text`` ("68 cm", "680 mm", "26.75 in"; :data:`CM_FACTORS`) in cm."""
    s = " ".join(text.split())
    _refuse_negative(s, label)
    if m := _LENGTH.match(s):
        return float(_number(m.group(1), label) * CM_FACTORS[m.group(2).lower()])
    if _BARE.match(s):
        raise ValueError(
            tr(
                "{field}: “{text}” has no unit; write cm, mm or in (e.g. 68 cm, 680 mm, 26.75 in)"
            ).format(field=tr(label), text=s)
        )
    raise ValueError(
        tr(
            "{field}: “{text}” is not a length this program reads; write a number and cm, mm "
            "or in (e.g. 68 cm, 680 mm, 26.75 in)"
        ).format(field=tr(label), text=s)
    )


def format_kg(kg: float) -> str:
    """A weight in kg with up to 3 decimals (domain.md §5.2): "7.85 kg"."""
    return f"{format_number(round(kg, 3), 3)} kg"


def format_cm(cm: float) -> str:
    return f"{format_number(round(cm, 1), 1)} cm"


def shown(text: str, value: float | None, unit: str) -> str:
    """A measurement as typed, with its kg / cm value beside it when typed in another unit
    ("15 lb 4 oz (6.917 kg)"); "" when not given."""
    if not text or value is None:
        return text
    canonical = format_kg(value) if unit == "kg" else format_cm(value)
    factors = KG_FACTORS if unit == "kg" else CM_FACTORS
    typed = re.search(r"\d\s*([^\d\s.]+)\.?$", text)
    if typed and factors.get(typed.group(1).lower()) == 1:
        return text  # typed in kg / cm: as typed, its figures kept ("68.25 cm", not "68.2")
    return f"{text} ({canonical})"


# ------------------------------------------------------------ typing-slip checks
# These are input checks against typing slips (a misplaced decimal point, grams or pounds
# typed as kg, mm typed as cm), NOT clinical limits or reference values, and they are never
# shown as such: the message says it is this program's check.  They are deliberately wide:
# far outside any measurement of a child of that age in either direction, so that a real
# measurement, however unusual, never trips them (the family's and team's numbers always
# win).  "Under 2" is the child's age on the day measured.


@dataclass(frozen=True)
class _Limits:
    weight_kg: tuple[float, float]
    length_cm: tuple[float, float]
    head_cm: tuple[float, float]


_UNDER_TWO = _Limits(weight_kg=(0.3, 30.0), length_cm=(20.0, 130.0), head_cm=(15.0, 65.0))
_OLDER = _Limits(weight_kg=(1.0, 250.0), length_cm=(30.0, 250.0), head_cm=(20.0, 80.0))


def _limits(child: Child, day: dt.date) -> tuple[_Limits, bool]:
    """The checks for the child's age that day, and whether the child is under two."""
    if (day - child.birth_date).days < 731:  # under two years (730 days and a leap day)
        return _UNDER_TWO, True
    return _OLDER, False


def _slip(label: str, shown_value: str, low: float, high: float, unit: str, young: bool) -> str:
    message = (
        tr(
            "{field}: {value} is outside {low}–{high} {unit}, this program's check against "
            "typing slips for a child under 2; check the number and its unit"
        )
        if young
        else tr(
            "{field}: {value} is outside {low}–{high} {unit}, this program's check against "
            "typing slips for a child; check the number and its unit"
        )
    )
    return message.format(
        field=tr(label),
        value=shown_value,
        low=format_number(low, 1),
        high=format_number(high, 1),
        unit=unit,
    )


_MEASURES: tuple[tuple[str, str, str, str], ...] = (
    # (text field, value field, label, unit)
    ("weight_text", "weight_kg", N_("Weight"), "kg"),
    ("length_text", "length_cm", N_("Length/height"), "cm"),
    ("head_text", "head_cm", N_("Head circumference"), "cm"),
)


def _parse(field: str, text: str, label: str) -> float:
    return parse_weight(text) if field == "weight_text" else parse_length(text, label)


def validate_growth(g: Growth, child: Child) -> Problems:
    """The entry's own rules (its dates are the kind's date rules): at least one
    measurement, each readable with its unit, its kg / cm value the one its text gives, and
    inside the typing-slip checks above."""
    errors: dict[str, str] = {}
    if not (g.weight_text or g.length_text or g.head_text):
        errors["weight_text"] = tr(
            "Weight: give at least one of weight, length/height or head circumference"
        )
        return errors
    limits, who = _limits(child, g.date)
    for text_field, value_field, label, unit in _MEASURES:
        text: str = getattr(g, text_field)
        value: float | None = getattr(g, value_field)
        if not text:
            if value is not None:
                errors[text_field] = tr(
                    "{field}: a value in {unit} is given without what was typed"
                ).format(field=tr(label), unit=unit)
            continue
        try:
            parsed = _parse(text_field, text, label)
        except ValueError as exc:
            errors[text_field] = str(exc)
            continue
        if value is None or not math.isclose(value, parsed, rel_tol=1e-9):
            given = tr("none") if value is None else f"{format_number(value, 12)} {unit}"
            errors[text_field] = tr(
                "{field}: the value in {unit} ({given}) does not match “{text}”, which is "
                "{value} {unit}"
            ).format(
                field=tr(label), unit=unit, given=given, text=text, value=format_number(parsed, 12)
            )
            continue
        low, high = getattr(limits, value_field)
        if not low <= parsed <= high:
            where = shown(text, parsed, unit)
            errors[text_field] = _slip(label, where, low, high, unit, who)
    return errors


def _validate(g: Growth, context: Context) -> Problems:
    assert context.child is not None
    return validate_growth(g, context.child)


# ------------------------------------------------------------ the form


def growth_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
) -> Growth:
    """The dialog's fields (date, weight_text, length_text, head_text, measured_by, note)
    as an entry; every problem beside its field (forms.FormErrors)."""
    c = forms.Collector()
    assert child.id is not None
    date = c.run(
        "date", parse_date, forms.field_text(f, "date"), tr("Date"), forms.form_window(today, child)
    )
    values: dict[str, float | None] = {}
    texts: dict[str, str] = {}
    for text_field, value_field, label, _unit in _MEASURES:
        text = " ".join(forms.field_text(f, text_field).split())
        texts[text_field] = text
        values[value_field] = c.run(text_field, _parse, text_field, text, label) if text else None
    g = Growth(
        child_id=child.id,
        date=date or child.birth_date,
        weight_text=texts["weight_text"],
        weight_kg=values["weight_kg"],
        length_text=texts["length_text"],
        length_cm=values["length_cm"],
        head_text=texts["head_text"],
        head_cm=values["head_cm"],
        measured_by=forms.field_text(f, "measured_by"),
        note=forms.field_text(f, "note"),
        id=id,
        uid=uid,
    )
    if date is not None:
        for field, message in GROWTH.problems(g, Context(child, today)).items():
            c.add(field, message)
    elif not c.errors:
        for field, message in validate_growth(g, child).items():
            c.add(field, message)
    c.raise_if_any()
    return g


# ------------------------------------------------------------ for the summary and timeline


def bsa_m2(length_cm: float, weight_kg: float) -> float:
    """Body surface area by Mosteller's formula, √(height cm × weight kg / 3600), in m²
    (domain.md §5.2; Mosteller, NEJM 1987;317:1098).  For information only."""
    return math.sqrt(length_cm * weight_kg / 3600)


@dataclass(frozen=True)
class Bsa:
    date: dt.date
    m2: float
    weight_kg: float
    length_cm: float

    @property
    def text(self) -> str:
        return (
            f"{format_number(round(self.m2, 2), 2)}\u00a0m²"  # never wrapped away from its number
        )


def latest_bsa(entries: Iterable[Growth]) -> Bsa | None:
    """The BSA of the latest day with both a weight and a length (the latest of each that
    day); None when no day has both: it is never worked out across days."""
    by_day: dict[dt.date, tuple[float | None, float | None]] = {}
    for g in sorted(entries, key=lambda g: (g.date, g.id or 0)):
        w, length = by_day.get(g.date, (None, None))
        by_day[g.date] = (
            g.weight_kg if g.weight_kg is not None else w,
            g.length_cm if g.length_cm is not None else length,
        )
    for day in sorted(by_day, reverse=True):
        w, length = by_day[day]
        if w is not None and length is not None:
            return Bsa(day, bsa_m2(length, w), w, length)
    return None


def latest_weight(entries: Sequence[Growth]) -> Growth | None:
    weighed = [g for g in entries if g.weight_kg is not None]
    return max(weighed, key=lambda g: (g.date, g.id or 0), default=None)


def weight_line(entries: Sequence[Growth]) -> str | None:
    """ "Latest weight 7.85 kg on 2026-11-20" (as typed beside it if typed in lb or g)."""
    g = latest_weight(entries)
    if g is None:
        return None
    return tr("Latest weight {weight} on {date}").format(
        weight=shown(g.weight_text, g.weight_kg, "kg"), date=date_text(g.date)
    )


def bsa_line(entries: Sequence[Growth]) -> str | None:
    """The BSA line, only when it is of the day of the latest weight: a BSA of an older day
    beside today's weight would read as today's (the attack of issue 12's first piece)."""
    b = latest_bsa(entries)
    weight = latest_weight(entries)
    if b is None or weight is None or b.date != weight.date:
        return None
    return tr("{label}: {bsa} on {date}").format(
        label=tr(BSA_LABEL), bsa=b.text, date=date_text(b.date)
    )


def describe(g: Growth) -> str:
    return tr("a growth measurement of {date}").format(date=date_text(g.date))


GROWTH = Kind(
    key="growth",
    model=Growth,
    table="growth",
    json="growth",
    fields=(
        Date("date", N_("Date")),
        Text("weight_text", N_("Weight")),
        Number("weight_kg", N_("Weight in kg")),
        Text("length_text", N_("Length/height")),
        Number("length_cm", N_("Length/height in cm")),
        Text("head_text", N_("Head circumference")),
        Number("head_cm", N_("Head circumference in cm")),
        Text("measured_by", N_("Measured by")),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("growth measurement"),
    plural=N_("growth measurements"),
    describe=describe,
    order_by="date, id",  # i18n: not shown
    sort_key=date_sort_key("date"),
    dates=(DateRule("date", not_in_future=True),),
    validate=_validate,
    json_required_since=4,
)
