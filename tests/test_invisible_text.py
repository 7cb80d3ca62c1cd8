"""Text made only of invisible, format or control characters is empty to the rules (a dose
unit or a drug name of NUL, a zero-width space, a soft hyphen or a word joiner), and a dose
per body size is seen however it is spelled (issue 12, an attacker's findings)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY

from tracker import forms
from tracker.forms import FormErrors
from tracker.kinds.medicine_plan import plan_from_form
from tracker.model import Child

MILA = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)
INVISIBLE = ["\x00", "\u200b", "\u00ad", "\u2060", " \u200b\u00ad\t", "\ufeff", "\u3000"]


def _errors(**over: str) -> dict[str, str]:
    fields = {
        "drug": "6-mercaptopurine",
        "dose_amount": "20",
        "dose_unit": "mg",
        "schedule": "FREQ=DAILY",
        "start_date": "2026-11-01",
        "form": "tablet",
    } | over
    with pytest.raises(FormErrors) as caught:
        plan_from_form(fields, child=MILA, today=TODAY)
    return caught.value.errors


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_text_is_blank(text: str) -> None:
    assert forms.blank(text)


@pytest.mark.parametrize("text", ["mg", "a\u200bb", "\u00b2", "·"])
def test_visible_text_is_not_blank(text: str) -> None:
    assert not forms.blank(text)


@pytest.mark.parametrize("unit", INVISIBLE)
def test_an_invisible_unit_is_no_unit(unit: str) -> None:
    assert "unit the team wrote beside 20" in _errors(dose_unit=unit)["dose_unit"]


@pytest.mark.parametrize("drug", INVISIBLE)
def test_an_invisible_drug_name_is_no_name(drug: str) -> None:
    assert "name the medicine" in _errors(drug=drug)["drug"]


@pytest.mark.parametrize(
    "unit",
    [
        "mg/sq m",
        "mg/sq. m",
        "mg／kg",
        "mg / kilogram",
        "mg per kilo",
        "mg per kilograms",
        "mg/M²",
        "mg/m^2",
        "mg per m2",
        "mg/kg/day",
        "mg/m2/day",
        "mg/square metre",
        "mg/\u200bkg",
        "mg/lb",
    ],
)
def test_a_dose_per_body_size_is_refused_however_spelled(unit: str) -> None:
    assert "never works a dose out" in _errors(dose_unit=unit)["dose_unit"]


@pytest.mark.parametrize("unit", ["mg", "mL", "tablet", "mg/mL", "mg/5 mL", "microgram", "sachet"])
def test_ordinary_units_are_kept(unit: str) -> None:
    plan = plan_from_form(
        {
            "drug": "6-mercaptopurine",
            "dose_amount": "20",
            "dose_unit": unit,
            "schedule": "FREQ=DAILY",
            "start_date": "2026-11-01",
            "form": "tablet",
        },
        child=MILA,
        today=TODAY,
    )
    assert plan.dose_unit == unit
