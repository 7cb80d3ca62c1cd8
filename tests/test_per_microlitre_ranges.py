"""Issue 11: a monocyte or lymphocyte range printed in /µL whose numbers are also possible in
×10⁹/L (mono 0.4 ×10⁹/L with "300-450", lymph 3 ×10⁹/L with "1000-1900") is never flagged
against silently: the flag would depend on the unit the lab meant, so the form asks and a
lab CSV row is refused with its line and the reason."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import analytes
from tracker.assessment import make_assessor
from tracker.forms import count_questions, parse_range
from tracker.io.csv_import import plan_import, read_csv
from tracker.io.lab_values import parse_value
from tracker.model import Child, CountResult, CountValue

CASES = [
    ("mono", "0.4", "300-450"),  # inside if /µL, below if ×10⁹/L
    ("lymph", "3", "1000-1900"),  # above if /µL, below if ×10⁹/L: the flag turns round
    ("mono", "0.9", "300-450"),  # above if /µL, below if ×10⁹/L
]


def typed(code: str, text: str, range_text: str) -> CountValue:
    a = analytes.analyte(code)
    low, high = parse_range(range_text)
    number = float(text)
    return CountValue(
        code, text, "×10⁹/L", number, number, a.canonical_unit, range_text=range_text,
        range_low=low, range_high=high,
    )  # fmt: skip


@pytest.mark.parametrize(("code", "text", "range_text"), CASES)
def test_the_form_asks_which_unit_the_range_is_in(code: str, text: str, range_text: str) -> None:
    [question] = count_questions(
        CountResult(1, dt.date(2026, 11, 20), values=(typed(code, text, range_text),))
    )
    assert range_text in question and "/µL" in question and "×10⁹/L" in question


@pytest.mark.parametrize(("code", "text", "range_text"), CASES)
def test_a_lab_csv_row_is_refused_with_the_reason(code: str, text: str, range_text: str) -> None:
    with pytest.raises(ValueError, match="/µL"):
        parse_value(analytes.analyte(code), text, "×10⁹/L", range_text)


def test_the_refused_row_is_listed_by_its_line(record) -> None:  # type: ignore[no-untyped-def]
    child, _ = record.save(Child("Mila", dt.date(2026, 1, 10)))
    csv = (
        "Date,Time,Test,Result,Unit,Range\n"
        "2026-07-01,08:30,Lymphocytes,3,10^9/L,1000-1900\n"
        "2026-07-01,08:30,Monocytes,0.4,10^9/L,300-450\n"
    )
    plan = plan_import(read_csv(csv.encode()), record, child)
    assert [p.line for p in plan.problems] == [2, 3]
    assert plan.values_added == 0


def test_a_range_in_the_values_own_unit_is_not_asked_about() -> None:
    assert (
        count_questions(
            CountResult(1, dt.date(2026, 11, 20), values=(typed("lymph", "3", "1.0-1.9"),))
        )
        == []
    )
    assert (
        count_questions(
            CountResult(1, dt.date(2026, 11, 20), values=(typed("mono", "0.4", "0.3-0.45"),))
        )
        == []
    )


def test_one_reading_only_is_flagged_as_before() -> None:
    """Low whichever unit the lab meant: flagged low, not asked."""
    v = typed("lymph", "0.5", "1000-1900")
    assert count_questions(CountResult(1, dt.date(2026, 11, 20), values=(v,))) == []
    child = Child("Mila", dt.date(2026, 1, 10))
    found = make_assessor(child)(CountResult(1, dt.date(2026, 11, 20), values=(v,)), v)
    assert found is not None and found.word == "low"


def test_an_ordinary_low_hb_in_mmol_per_litre_is_not_asked_about() -> None:
    """5.6 beside 6.5-8.5 mmol/L would be "above" if the range were g/dL: but the value is not
    far outside its own range, so the lab's own unit is taken (no question on every low)."""
    a = analytes.analyte("hgb")
    v = parse_value(a, "5.6", "mmol/L", "6.5-8.5")
    assert v.range_low == 6.5
    assert count_questions(CountResult(1, dt.date(2026, 11, 20), values=(v,))) == []
