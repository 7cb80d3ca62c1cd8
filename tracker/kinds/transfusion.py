"""Transfusions of blood products: when, which product, how much as typed, the reason as
the team told it and what happened.

The counts before and after a transfusion are never typed again here: they are linked from
the record's blood counts when shown (:func:`linked_counts`).  For red cells the linked
value is the haemoglobin, for platelets the platelet count; plasma and other products link
none.  The rule, written once:

- *before*: the latest count holding that value taken in the :data:`WINDOW_DAYS` days
  before the transfusion's day, or on its day at or before its time;
- *after*: the earliest one taken after its time on its day, or in the
  :data:`WINDOW_DAYS` days after its day;
- a count of the transfusion's own day is linked only when both have a time (else which
  came first is not known, and it is left out rather than guessed).

No threshold is shown with them: the family's team's own numbers are the team-threshold
kind; the program records and shows, it never says whether a transfusion was needed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker import analytes, forms
from tracker.analytes import format_number, parse_number
from tracker.dates import parse_date, parse_time
from tracker.display import (
    UnitPreference,
    converted_number,
    display_unit,
    typed_number,
    unit_spelling,
)
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text, number_text, time_text
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Number, Text, Time
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Child, CountResult, CountValue, Transfusion, TransfusionProduct

WINDOW_DAYS = 3  # how far before and after a transfusion a count is linked to it

PRODUCT_LABELS = {
    "red_cells": N_("Red cells"),
    "platelets": N_("Platelets"),
    "plasma": N_("Plasma"),
    "other": N_("Other"),
}
# The blood value each product is followed by (none for plasma and other products).
LINKED_ANALYTE = {TransfusionProduct.RED_CELLS: "hgb", TransfusionProduct.PLATELETS: "plt"}

# Typing-slip checks (not clinical limits, never shown as such): far outside any single
# transfusion of a child in either direction, so that a real one never trips them.
VOLUME_ML = (1.0, 2000.0)
UNITS = (0.1, 10.0)

_N = r"(\d+(?:[.,]\d+)?)"
# The unit words of every shipped language are read whatever the language shown (a record
# typed in Spanish opens in English): English, Spanish, French.
_VOLUME = re.compile(
    rf"^{_N}\s*(ml|millilitres?|milliliters?|mililitros?)\.?$",  # i18n: not shown
    re.IGNORECASE,
)
_UNITS = re.compile(
    rf"^{_N}\s*(units?|u|unidad|unidades|unit[ée]s?|ud|uds)\.?$",  # i18n: not shown
    re.IGNORECASE,
)
_BARE = re.compile(rf"^{_N}$")
# Typed with the English words: kept as typed, as every version before did ("90 ml").
_ENGLISH = re.compile(
    rf"^{_N}\s*(ml|millilitres?|milliliters?|units?|u)\.?$",  # i18n: not shown
    re.IGNORECASE,
)


def parse_amount(text: str) -> tuple[float | None, float | None]:
    """The amount typed as ``text`` ("150 mL", "1 unit", "2 units") as (mL, units), one of
    them set; ("", nothing) is (None, None)."""
    s = " ".join(text.split())
    if not s:
        return None, None
    volume, units = _VOLUME.match(s), _UNITS.match(s)
    if volume or units:
        m = volume or units
        assert m is not None
        try:
            value = parse_number(m.group(1)).value
        except ValueError as exc:
            raise ValueError(tr("Amount: {problem}").format(problem=exc)) from None
        if value <= 0:
            raise ValueError(
                tr(
                    "Amount: “{text}” is no amount; write how much was given (e.g. 150 mL, 1 unit)"
                ).format(text=s)
            )
        return (value, None) if volume else (None, value)
    if _BARE.match(s):
        raise ValueError(
            tr("Amount: “{text}” has no unit; write mL or units (e.g. 150 mL, 1 unit)").format(
                text=s
            )
        )
    raise ValueError(
        tr(
            "Amount: “{text}” is not an amount this program reads; write a number and mL or "
            "units (e.g. 150 mL, 1 unit)"
        ).format(text=s)
    )


def stored_amount(ml: float | None, units: float | None) -> str:
    """The one form an amount is stored in, whatever language it was typed in: English,
    as it was stored before ("150 mL", "1 unit", "2 units"), so every record reads alike."""
    if ml is not None:
        return f"{format_number(ml, 12)} mL"  # i18n: not shown
    if units is not None:
        n = format_number(units, 12)
        return f"{n} unit" if units == 1 else f"{n} units"  # i18n: not shown
    return ""


def amount_shown(t: Transfusion) -> str:
    """The amount in the language shown ("1 unidad", "2 unités", "150 mL"); what was typed
    when it holds no amount this program reads."""
    if t.volume_ml is not None:
        return tr("{n} mL").format(n=number_text(t.volume_ml))
    if t.units is not None:
        return _units(t.units)
    return t.amount_text


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9)


def product_name(t: Transfusion) -> str:
    """ "Platelets", or the other product as typed."""
    if t.product is TransfusionProduct.OTHER and t.product_text:
        return t.product_text
    return tr(PRODUCT_LABELS[t.product.value])


def _units(n: float) -> str:
    count = int(n) if float(n).is_integer() else 2  # a part of a unit reads as many
    return trn("{n} unit", "{n} units", count).format(n=number_text(n))


def _slip(shown_value: str, low: float, high: float, unit: str) -> str:
    return tr(
        "Amount: {value} is outside {low}–{high} {unit}, this program's check against typing "
        "slips; check the number and its unit"
    ).format(value=shown_value, low=format_number(low), high=format_number(high), unit=unit)


def validate_transfusion(t: Transfusion) -> Problems:
    """The entry's own rules (its date is the kind's date rule)."""
    errors: Problems = {}
    if t.product is TransfusionProduct.OTHER and not t.product_text.strip():
        errors["product_text"] = tr(
            "Other product: say which product was given (e.g. granulocytes)"
        )
    elif t.product is not TransfusionProduct.OTHER and t.product_text:
        errors["product_text"] = tr(
            "Other product: typed only for “Other”; this one is {product}"
        ).format(product=tr(PRODUCT_LABELS[t.product.value]))
    if t.volume_ml is not None and t.units is not None:
        errors["amount_text"] = tr(
            "Amount: give either a volume in mL or a number of units, not both"
        )
        return errors
    if not t.amount_text:
        if t.volume_ml is not None or t.units is not None:
            errors["amount_text"] = tr("Amount: a value is given without what was typed")
        return errors
    try:
        ml, units = parse_amount(t.amount_text)
    except ValueError as exc:
        errors["amount_text"] = str(exc)
        return errors
    if not (_same(ml, t.volume_ml) and _same(units, t.units)):
        typed = tr("{n} mL").format(n=number_text(ml)) if ml is not None else _units(units or 0)
        errors["amount_text"] = tr(
            "Amount: the value stored does not match “{text}”, which is {value}"
        ).format(text=t.amount_text, value=typed)
        return errors
    typed_value, unit = (ml, "mL") if ml is not None else (units, tr("units"))
    assert typed_value is not None
    low, high = VOLUME_ML if ml is not None else UNITS
    if not low <= typed_value <= high:
        errors["amount_text"] = _slip(t.amount_text, low, high, unit)
    return errors


def _validate(t: Transfusion, _context: Context) -> Problems:
    return validate_transfusion(t)


# ------------------------------------------------------------ the form


def transfusion_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
) -> Transfusion:
    """The dialog's fields (date, time, product, product_text, amount_text, reason, note)
    as an entry; every problem beside its field (forms.FormErrors)."""
    c = forms.Collector()
    assert child.id is not None
    date = c.run(
        "date", parse_date, forms.field_text(f, "date"), tr("Date"), forms.form_window(today, child)
    )
    time_text = forms.field_text(f, "time")
    time = c.run("time", parse_time, time_text, tr("Time")) if time_text else None
    if forms.field_text(f, "product"):
        product = c.choice(f, "product", TransfusionProduct, "other", tr("Product"), PRODUCT_LABELS)
    else:  # required by the kind: never guessed
        product = TransfusionProduct.OTHER
        names = [tr(n) for n in PRODUCT_LABELS.values()]
        c.add(
            "product",
            tr("Product: choose the product ({names} or {last})").format(
                names=", ".join(names[:-1]), last=names[-1]
            ),
        )
    product_text = forms.field_text(f, "product_text")
    if product is not TransfusionProduct.OTHER:
        product_text = ""  # a name typed for "Other" before another product was chosen
    amount = " ".join(forms.field_text(f, "amount_text").split())
    parsed = c.run("amount_text", parse_amount, amount) if amount else None
    ml, units = parsed if parsed is not None else (None, None)
    t = Transfusion(
        child_id=child.id,
        date=date or child.birth_date,
        time=time,
        product=product,
        product_text=product_text,
        amount_text=(
            stored_amount(ml, units)
            if parsed is not None and not _ENGLISH.match(amount)
            else amount
        ),
        volume_ml=ml,
        units=units,
        reason=forms.field_text(f, "reason"),
        note=forms.field_text(f, "note"),
        id=id,
        uid=uid,
    )
    if date is not None:
        for field, message in TRANSFUSION.problems(t, Context(child, today)).items():
            if field != "product_text" or "product" not in c.errors:  # not of the stand-in
                c.add(field, message)
    elif not c.errors:
        for field, message in validate_transfusion(t).items():
            c.add(field, message)
    c.raise_if_any()
    return t


# ------------------------------------------------------------ the counts before and after


@dataclass(frozen=True)
class Linked:
    """The counts linked to a transfusion: ``analyte`` is the value followed ("plt")."""

    analyte: str
    before: CountResult | None
    after: CountResult | None

    def value(self, which: CountResult | None) -> CountValue | None:
        return which.value(self.analyte) if which is not None else None


def _order(r: CountResult) -> tuple[dt.date, dt.time, int]:
    return (r.taken_date, r.taken_time or dt.time.min, r.id or 0)


def linked_counts(t: Transfusion, counts: Sequence[CountResult]) -> Linked | None:
    """The nearest count before and after ``t`` holding its product's value, within
    :data:`WINDOW_DAYS` days (the module's rule); None for a product that links none."""
    code = LINKED_ANALYTE.get(t.product)
    if code is None:
        return None
    window = dt.timedelta(days=WINDOW_DAYS)
    before: list[CountResult] = []
    after: list[CountResult] = []
    for r in counts:
        if r.value(code) is None:
            continue
        d = r.taken_date
        if d == t.date:
            if t.time is None or r.taken_time is None:
                continue  # which came first is not known
            (before if r.taken_time <= t.time else after).append(r)
        elif t.date - window <= d < t.date:
            before.append(r)
        elif t.date < d <= t.date + window:
            after.append(r)
    return Linked(
        code,
        max(before, key=_order, default=None),
        min(after, key=_order, default=None),
    )


def _in_unit(v: CountValue, unit_label: str | None) -> tuple[str, str, object]:
    """The value's number and unit label in ``unit_label`` (None: as the lab reported it,
    its unit as typed), and the unit itself (two labels of one unit compare equal)."""
    a = analytes.analyte(v.analyte)
    typed_unit = a.unit(v.unit)
    if unit_label is None or typed_unit is a.unit(unit_label):
        spelled = unit_spelling(v.analyte, v.unit)
        return v.comparator.value + typed_number(v), spelled, typed_unit or v.unit
    unit = a.unit(unit_label)
    assert unit is not None
    number = converted_number(v.normalised_value / unit.factor, v.value_text)
    return v.comparator.value + number, unit.label, unit


def _unit_for(code: str, preference: UnitPreference) -> str | None:
    return None if preference is UnitPreference.AS_REPORTED else display_unit(code, preference)


def jump_text(
    linked: Linked, preference: UnitPreference = UnitPreference.AS_REPORTED, *, short: bool = False
) -> str:
    """ "PLT 8 → 41 ×10⁹/L" in the units of ``preference`` (each with its own unit when
    the lab's units differ); one side alone says the other is missing; "" for neither
    when ``short`` (the timeline's label)."""
    return jump_in(linked, _unit_for(linked.analyte, preference), short=short)


def jump_in(linked: Linked, unit_label: str | None, *, short: bool = False) -> str:
    """:func:`jump_text` in ``unit_label`` (None: as the lab reported each)."""
    name = analytes.analyte(linked.analyte).short
    before, after = linked.value(linked.before), linked.value(linked.after)
    b = _in_unit(before, unit_label) if before is not None else None
    a = _in_unit(after, unit_label) if after is not None else None
    if b is not None and a is not None:
        if b[2] is a[2] or b[1] == a[1]:
            return f"{name} {b[0]} → {a[0]} {a[1]}"
        return f"{name} {b[0]} {b[1]} → {a[0]} {a[1]}"
    days = trn("{n} day", "{n} days", WINDOW_DAYS).format(n=WINDOW_DAYS)
    if b is not None:
        return (
            f"{name} {b[0]} → ?"
            if short
            else tr("{name} {value} {unit} before; none within {days} after").format(
                name=name, value=b[0], unit=b[1], days=days
            )
        )
    if a is not None:
        return (
            f"{name} ? → {a[0]}"
            if short
            else tr("{name} {value} {unit} after; none within {days} before").format(
                name=name, value=a[0], unit=a[1], days=days
            )
        )
    return (
        ""
        if short
        else tr("No {name} count within {days} before or after").format(name=name, days=days)
    )


def _when(r: CountResult) -> str:
    return date_text(r.taken_date) + (f" {time_text(r.taken_time)}" if r.taken_time else "")


def jump_details(
    linked: Linked, preference: UnitPreference = UnitPreference.AS_REPORTED
) -> list[str]:
    """One line per linked count, with when it was taken: for a tooltip."""
    return jump_details_in(linked, _unit_for(linked.analyte, preference))


def jump_details_in(linked: Linked, unit_label: str | None) -> list[str]:
    name = analytes.analyte(linked.analyte).short
    lines = []
    days = trn("{n} day", "{n} days", WINDOW_DAYS).format(n=WINDOW_DAYS)
    for missing, found, r in (
        (
            tr("{name} before: no count within {days}"),
            tr("{name} before: {value} {unit} ({when})"),
            linked.before,
        ),
        (
            tr("{name} after: no count within {days}"),
            tr("{name} after: {value} {unit} ({when})"),
            linked.after,
        ),
    ):
        v = linked.value(r)
        if r is None or v is None:
            lines.append(missing.format(name=name, days=days))
            continue
        number, unit, _ = _in_unit(v, unit_label)
        lines.append(found.format(name=name, value=number, unit=unit, when=_when(r)))
    return lines


def when(t: Transfusion) -> str:
    return date_text(t.date) + (f" {time_text(t.time)}" if t.time else "")


def describe(t: Transfusion) -> str:
    return tr("a transfusion of {date}").format(date=date_text(t.date))


TRANSFUSION = Kind(
    key="transfusion",
    model=Transfusion,
    table="transfusion",
    json="transfusions",
    fields=(
        Date("date", N_("Date")),
        Time("time", N_("Time")),
        Choice("product", N_("Product"), enum=TransfusionProduct, default=TransfusionProduct.OTHER),
        Text("product_text", N_("Other product")),
        Text("amount_text", N_("Amount")),
        Number("volume_ml", N_("Volume in mL")),
        Number("units", N_("Units")),
        Text("reason", N_("Reason"), longest=LONG_TEXT),
        Text("note", N_("Reaction or note"), longest=LONG_TEXT),
    ),
    singular=N_("transfusion"),
    plural=N_("transfusions"),
    describe=describe,
    order_by="date, coalesce(time, ''), id",  # i18n: not shown
    sort_key=date_sort_key("date", "time"),
    dates=(DateRule("date", not_in_future=True),),
    validate=_validate,
    json_required_since=5,
)
