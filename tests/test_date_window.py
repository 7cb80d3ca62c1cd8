"""One window for every date typed or read: from the date of birth to 10 years ahead.

``summary --from 0001-01-01`` crashed with a segmentation fault (issue 9); the
forms took 0001-01-01 as a date of birth and 9999-12-31 as a planned date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tracker.dates import EARLIEST, YEARS_AHEAD, date_window, parse_date, parse_optional_date
from tracker.forms import (
    FormErrors,
    appointment_from_form,
    child_from_form,
    cns_visit_from_form,
    count_from_form,
    milestone_from_form,
    phase_from_form,
    question_from_form,
)
from tracker.model import Child

TODAY = dt.date(2026, 11, 24)
CHILD = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)
FAR = "9999-12-31"
EARLY = "0001-01-01"


def test_the_window_runs_from_birth_to_ten_years_ahead() -> None:
    window = date_window(TODAY, CHILD.birth_date)
    assert (window.earliest, window.latest) == (CHILD.birth_date, dt.date(2036, 11, 24))
    assert YEARS_AHEAD == 10
    assert date_window(TODAY) == date_window(TODAY, None)
    assert date_window(TODAY).earliest == EARLIEST == dt.date(1900, 1, 1)
    assert date_window(dt.date(2028, 2, 29)).latest == dt.date(2038, 2, 28)
    assert date_window(dt.date(9995, 1, 1)).latest == dt.date.max  # no overflow at the end
    for inside in (CHILD.birth_date, TODAY, window.latest):
        assert window.check(inside) == inside
    before = window.problem(dt.date(2026, 1, 9), "From")
    assert before is not None and before.startswith("From: 2026-01-09 is before the date of birth")
    ahead = window.problem(dt.date(2036, 11, 25), "To")
    assert ahead is not None and "more than 10 years ahead" in ahead and "2036-11-24" in ahead


def test_parse_date_applies_a_window_when_given_one() -> None:
    window = date_window(TODAY, CHILD.birth_date)
    assert parse_date(EARLY) == dt.date(1, 1, 1)  # without a window: only the calendar
    for text, says in ((EARLY, "before the date of birth"), (FAR, "more than 10 years ahead")):
        with pytest.raises(ValueError, match=says):
            parse_date(text, "Date", window)
        with pytest.raises(ValueError, match=says):
            parse_optional_date(text, "Date", window)
    assert parse_optional_date("", "Date", window) is None


def _errors(make: Callable[[], Any]) -> dict[str, str]:
    with pytest.raises(FormErrors) as info:
        make()
    return info.value.errors


FORMS: dict[str, tuple[Callable[[str], Any], str]] = {
    "child birth": (
        lambda d: child_from_form({"name": "Mila", "birth_date": d}, today=TODAY),
        "birth_date",
    ),
    "child diagnosis": (
        lambda d: child_from_form(
            {"name": "Mila", "birth_date": "2026-01-10", "diagnosis_date": d}, today=TODAY
        ),
        "diagnosis_date",
    ),
    "phase": (
        lambda d: phase_from_form(
            {"kind": "induction", "planned_start": "2026-12-01", "planned_end": d},
            child=CHILD,
            today=TODAY,
        ),
        "planned_end",
    ),
    "phase without today": (
        lambda d: phase_from_form(
            {"kind": "induction", "planned_start": "2026-12-01", "planned_end": d}, child=CHILD
        ),
        "planned_end",
    ),
    "milestone": (
        lambda d: milestone_from_form(
            {"date": d, "kind": "bone_marrow", "planned": "1"}, child=CHILD, today=TODAY
        ),
        "date",
    ),
    "count": (
        lambda d: count_from_form({"taken_date": d}, [], child=CHILD, today=TODAY),
        "taken_date",
    ),
    "lumbar puncture": (
        lambda d: cns_visit_from_form(
            {"date": d, "procedure": "lp_it", "planned": "1"}, [], child=CHILD, today=TODAY
        ),
        "date",
    ),
    "appointment": (
        lambda d: appointment_from_form({"date": d}, child=CHILD, today=TODAY),
        "date",
    ),
    "appointment without today": (
        lambda d: appointment_from_form({"date": d}, child=CHILD),
        "date",
    ),
    "question": (
        lambda d: question_from_form({"text": "When?", "added_on": d}, child=CHILD, today=TODAY),
        "added_on",
    ),
}


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("typed", [EARLY, FAR])
def test_every_form_refuses_a_date_outside_the_window(form: str, typed: str) -> None:
    make, field = FORMS[form]
    message = _errors(lambda: make(typed))[field]
    assert typed in message and ("before" in message or "years ahead" in message), message
    assert message.endswith("check the year") or "date of birth" in message, message


def test_a_planned_date_years_ahead_is_still_fine() -> None:
    appointment = appointment_from_form({"date": "2034-06-01"}, child=CHILD, today=TODAY)
    assert appointment.date == dt.date(2034, 6, 1)
    child = child_from_form({"name": "Grandma", "birth_date": "1900-01-01"}, today=TODAY)
    assert child.birth_date == EARLIEST
