"""Blood counts: one draw (date, maybe a time, the lab) and its values, each as typed."""

from __future__ import annotations

import contextlib
import math
from typing import Any

from tracker import analytes, forms
from tracker.anc import calculate_anc
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import (
    LONG_TEXT,
    Choice,
    Date,
    Derived,
    Flag,
    Json,
    JsonReader,
    KeyPath,
    Number,
    Rows,
    Text,
    Time,
)
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Comparator, CountResult, CountValue, OtherResult

# The export format that added the lab's flag and comment, the hours after an infusion and
# the results of tests the program does not know (tracker.io.json_export.VERSION then).
LAB_NOTES_SINCE = 3


def _validate(result: CountResult, context: Context) -> Problems:
    assert context.child is not None
    return forms.validate_count(result, context.child, context.today)


def _taken_at(c: CountResult) -> str:
    date = c.taken_date.isoformat()
    return f"{date}T{c.taken_time.strftime('%H:%M')}" if c.taken_time else date


def _taken_at_agrees(c: CountResult, value: Any) -> str | None:
    expected = _taken_at(c)
    if value != expected:
        return tr("“{value}” does not match taken_date and taken_time (“{expected}”)").format(
            value=value, expected=expected
        )
    return None


def _calculated(c: CountResult) -> list[Json]:
    """A worked-out ANC (no ANC reported, WBC and neutrophil % given), marked as such.

    It is not part of the record: a reader that loads the file back skips it."""
    if c.value("anc") is not None:
        return []
    calc = calculate_anc(c)
    if calc is None:
        return []
    return [
        {
            "uid": None,
            "analyte": "anc",
            "value": calc.value,
            "value_text": "",
            "unit": "",
            "comparator": "",
            "normalised_value": calc.value,
            "canonical_unit": analytes.COUNT_CANONICAL,
            "range_text": "",
            "range_low": None,
            "range_high": None,
            "lab_flag": "",
            "lab_comment": "",
            "hours_after": None,
            "calculated": True,
            "basis": calc.label,
        }
    ]


def _is_calculated(check: JsonReader, obj: dict[str, Any], path: KeyPath) -> bool:
    """A worked-out ANC the export added (``"calculated": true``, no uid): not part of the
    record, left out.  Anything else marked so is refused: it would be left out too."""
    if not check.flag(obj, "calculated", path):
        return False
    if obj.get("uid") is None and obj.get("analyte") == "anc":
        return True
    check.add(
        (*path, "calculated"),
        tr(
            "only a worked-out ANC (with “uid”: null) is marked calculated; this value was typed "
            "and would be left out: write false"
        ),
    )
    return False


def _value_agrees(
    check: JsonReader, v: dict[str, Any], path: KeyPath, cv: CountValue, unusable: frozenset[str]
) -> bool:
    """A blood value of a file: a known analyte and unit, and numbers that are what the
    form's parsers make of the typed text.  False: the value cannot be used (a field it
    is measured by was not right: its own problem is noted, nothing more is said of it)."""
    a = analytes.BY_CODE.get(cv.analyte)
    if a is None:
        if "analyte" not in unusable:
            codes = ", ".join(analytes.CODES)
            check.add(
                (*path, "analyte"),
                tr("“{code}” is not a blood value this program knows ({codes})").format(
                    code=cv.analyte, codes=codes
                ),
            )
        return False
    if unusable & {"value", "normalised_value", "comparator", "value_text", "unit"}:
        return False
    if not cv.value_text.strip():
        check.add((*path, "value_text"), tr("is empty; it holds the value as it was typed"))
    if cv.value < 0:
        check.add((*path, "value"), tr("{name} cannot be negative").format(name=a.name))
    known = a.unit(cv.unit)
    if known is None:
        check.add((*path, "unit"), analytes.unknown_unit_message(a, cv.unit))
    elif abs(cv.value * known.factor - cv.normalised_value) > 1e-9 * max(
        1.0, abs(cv.normalised_value)
    ):
        check.add(
            (*path, "normalised_value"),
            tr("{normalised} is not {value} {unit} in {canonical}").format(
                normalised=repr(cv.normalised_value),
                value=repr(cv.value),
                unit=cv.unit,
                canonical=a.canonical_unit,
            ),
        )
    if cv.canonical_unit != a.canonical_unit:
        check.add(
            (*path, "canonical_unit"),
            tr("must be “{unit}” for {name}").format(unit=a.canonical_unit, name=a.name),
        )
    _typed_text_agrees(check, path, cv)
    return True


def _typed_text_agrees(check: JsonReader, path: KeyPath, cv: CountValue) -> None:
    """The typed text is the truth: the numbers stored beside it must be what the form's
    parsers (``analytes.parse_number``, ``forms.parse_range``) make of it, or the record
    would say one thing in ``check`` and another in the CSV export."""
    value_text, range_text = cv.value_text, cv.range_text
    if value_text.strip():
        try:
            typed = analytes.parse_number(value_text)
        except ValueError as exc:
            check.add((*path, "value_text"), str(exc))
        else:
            if not _same_number(typed.value, cv.value):
                check.add(
                    (*path, "value"),
                    tr("{value} does not match value_text “{text}” ({typed})").format(
                        value=_exact(cv.value), text=value_text, typed=_exact(typed.value)
                    ),
                )
            if typed.comparator != cv.comparator:
                check.add(
                    (*path, "comparator"),
                    tr("“{comparator}” does not match value_text “{text}” (“{typed}”)").format(
                        comparator=cv.comparator.value,
                        text=value_text,
                        typed=typed.comparator.value,
                    ),
                )
    wanted: tuple[float | None, float | None] = (None, None)
    if range_text.strip():
        with contextlib.suppress(ValueError):  # a range kept only as printed has no limits
            wanted = forms.parse_range(range_text)
    for key, stored, expected in (
        ("range_low", cv.range_low, wanted[0]),
        ("range_high", cv.range_high, wanted[1]),
    ):
        if (stored is None) != (expected is None) or (
            stored is not None and expected is not None and not _same_number(stored, expected)
        ):
            shown = tr("none") if stored is None else _exact(stored)
            said = (
                _exact(expected)
                if expected is not None
                else (tr("no range") if not range_text.strip() else tr("no such limit"))
            )
            check.add(
                (*path, key),
                tr("{value} does not match range_text “{text}” ({expected})").format(
                    value=shown, text=range_text, expected=said
                ),
            )


def _exact(value: float) -> str:
    """Enough figures that two numbers ``_same_number`` tells apart print differently."""
    return analytes.format_number(value, 12)


def _same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def _analyte_order(v: CountValue) -> tuple[Any, ...]:
    codes = analytes.CODES
    return (codes.index(v.analyte) if v.analyte in codes else len(codes), v.uid)


COUNT_VALUE = Kind(
    key="count_value",
    model=CountValue,
    table="count_value",
    json=None,
    parent="count",
    parent_column="result_id",
    part_of=True,
    fields=(
        Text("analyte", N_("Blood value"), codes=analytes.CODES),
        Number("value", N_("Value"), optional=False, default=0.0),
        Text("value_text", N_("Value as typed")),
        Text("unit", N_("Unit")),
        Choice("comparator", N_("Comparator"), enum=Comparator, default=Comparator.EQUAL),
        Number("normalised_value", N_("Value in the standard unit"), optional=False, default=0.0),
        Text("canonical_unit", N_("Standard unit")),
        Text("range_text", N_("Lab range as printed")),
        Number("range_low", N_("Lab range, low")),
        Number("range_high", N_("Lab range, high")),
        Text("lab_flag", N_("Lab's flag"), since=LAB_NOTES_SINCE),
        Text("lab_comment", N_("Lab's comment"), since=LAB_NOTES_SINCE, longest=LONG_TEXT),
        Number("hours_after", N_("Hours since the infusion started"), since=LAB_NOTES_SINCE),
        Derived("calculated", N_("Calculated"), export=lambda v: False, reads=Flag("calculated")),
    ),
    singular=N_("blood value"),
    plural=N_("blood values"),
    describe=lambda v: tr("a blood value ({name})").format(
        name=analytes.BY_CODE[v.analyte].name if v.analyte in analytes.BY_CODE else v.analyte
    ),
    order_by="id",
    sort_key=_analyte_order,
    check_json=_value_agrees,
    skip_json=_is_calculated,
    export_only=("basis",),
)

COUNT_OTHER = Kind(
    key="count_other",
    model=OtherResult,
    table="count_other",
    json=None,
    parent="count",
    parent_column="result_id",
    part_of=True,
    fields=(
        Text("name", N_("Test"), strip=True),
        Text("value_text", N_("Result as printed"), longest=LONG_TEXT),
        Text("unit", N_("Unit")),
        Text("range_text", N_("Lab range as printed")),
        Text("lab_flag", N_("Lab's flag")),
        Text("lab_comment", N_("Lab's comment"), longest=LONG_TEXT),
    ),
    singular=N_("other lab result"),
    plural=N_("other lab results"),
    describe=lambda o: tr("a lab result ({name})").format(name=o.name),
    order_by="id",
    sort_key=lambda o: (o.name.casefold(), o.uid),
)

COUNT = Kind(
    key="count",
    model=CountResult,
    table="count_result",
    json="counts",
    fields=(
        Derived(
            "taken_at",
            N_("Taken at"),
            export=_taken_at,
            reads=Text("taken_at"),
            agrees=_taken_at_agrees,
        ),
        Date("taken_date", N_("Date")),
        Time("taken_time", N_("Time")),
        Text("source", N_("Lab")),
        Text("note", N_("Note"), longest=LONG_TEXT),
        Rows("values", N_("Values"), kind="count_value", key="analyte"),
        Rows(
            "others",
            N_("Other lab results"),
            kind="count_other",
            key="name",
            json="other_results",
            since=LAB_NOTES_SINCE,
        ),
    ),
    singular=N_("blood count"),
    plural=N_("blood counts"),
    describe=lambda c: tr("a blood count of {date}").format(date=date_text(c.taken_date)),
    order_by="taken_date, coalesce(taken_time, ''), id",  # i18n: not shown
    sort_key=date_sort_key("taken_date", "taken_time"),
    dates=(DateRule("taken_date", not_in_future=True),),
    validate=_validate,
    export_extra=_calculated,
)
