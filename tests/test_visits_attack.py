"""What an independent tester found in repeating appointments, each pinned by a test: a
moved date follows the series' new time (unless the family gave it its own), a refusal
about the series' first date stands beside the date, and ordinals read 1st, 2nd, 3rd…"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from tracker import schedule, visits
from tracker.forms import FormErrors, appointment_from_form
from tracker.model import Appointment, Child

CHILD = Child(name="Mila", birth_date=dt.date(2026, 3, 1), id=1)
TODAY = dt.date(2026, 12, 1)  # a Tuesday
FORTNIGHT_TU = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
D15 = dt.date(2026, 12, 15)


def series() -> Appointment:
    return Appointment(
        1, TODAY, dt.time(8, 30), "Family doctor", "Health centre", repeat=FORTNIGHT_TU, id=7
    )


def moved(a: Appointment, **kw: object) -> Appointment:
    return visits.with_change(a, replace(visits.change_for(a, D15), **kw))  # type: ignore[arg-type]


def edited(a: Appointment, **fields: str) -> Appointment:
    typed = {
        "date": a.date.isoformat(),
        "time": a.time.strftime("%H:%M") if a.time else "",
        "with_whom": a.with_whom,
        "place": a.place,
        "note": a.note,
        "repeat": a.repeat,
        **fields,
    }
    return appointment_from_form(
        typed, child=CHILD, id=a.id, uid=a.uid, today=TODAY, changes=a.changes, series_before=a
    )


def visit_of(a: Appointment, original: dt.date) -> visits.Visit:
    [v] = [
        v for v in visits.visits(a, TODAY, TODAY.replace(year=2027)) if v.original_date == original
    ]
    return v


# ---------------------------------------------------------------------- 1. the series' new time


def test_a_date_moved_to_another_day_only_follows_the_series_new_time() -> None:
    a = moved(series(), date=dt.date(2026, 12, 17))  # the time copied from the series
    later = edited(a, time="10:15")
    v = visit_of(later, D15)
    assert (v.date, v.time) == (dt.date(2026, 12, 17), dt.time(10, 15))


def test_a_date_given_its_own_time_keeps_it_when_the_series_time_changes() -> None:
    a = moved(series(), date=dt.date(2026, 12, 17), time=dt.time(14, 0))
    later = edited(a, time="10:15")
    assert visit_of(later, D15).time == dt.time(14, 0)
    assert visit_of(later, dt.date(2026, 12, 29)).time == dt.time(10, 15)  # not moved


def test_the_place_and_who_follow_the_series_too_unless_given_their_own() -> None:
    a = moved(series(), date=dt.date(2026, 12, 17), with_whom="Dr. Vos")
    later = edited(a, with_whom="Dr. Amsel", place="New health centre")
    v = visit_of(later, D15)
    assert (v.with_whom, v.place) == ("Dr. Vos", "New health centre")


def test_a_series_edited_without_its_earlier_form_keeps_its_changes_as_they_are() -> None:
    a = moved(series(), date=dt.date(2026, 12, 17))
    kept = appointment_from_form(
        {"date": "2026-12-01", "time": "10:15", "repeat": FORTNIGHT_TU},
        child=CHILD,
        today=TODAY,
        changes=a.changes,
    )
    assert kept.changes == a.changes


# ---------------------------------------------------------------------- 2. beside the date


def refused(a: Appointment, **fields: str) -> dict[str, str]:
    with pytest.raises(FormErrors) as caught:
        edited(a, **fields)
    return caught.value.errors


def test_a_last_day_before_the_first_date_is_refused_beside_the_until() -> None:
    """The last day typed is the odd one out: beside the repeat, where Until is."""
    errors = refused(series(), repeat=FORTNIGHT_TU + ";UNTIL=20261124")
    assert set(errors) == {"repeat"}, errors
    assert errors["repeat"].startswith("Until: "), errors
    assert "ends on 2026-11-24, before its first date 2026-12-01" in errors["repeat"]


def test_a_first_date_off_the_weekdays_or_past_the_28th_is_refused_beside_the_date() -> None:
    assert set(refused(series(), date="2026-12-02")) == {"date"}  # a Wednesday
    errors = refused(series(), date="2026-12-31", repeat="FREQ=MONTHLY")
    assert set(errors) == {"date"}
    assert "from the 31st" in errors["date"], errors


def test_a_first_date_after_a_changed_date_is_refused_beside_the_date() -> None:
    a = visits.cancelled(series(), D15)
    errors = refused(a, date="2026-12-29")  # a Tuesday of the series, after the 15th
    assert set(errors) == {"date"}, errors
    assert "2026-12-15" in errors["date"] and "before this first date" in errors["date"], errors


def test_a_changed_date_the_new_rule_does_not_have_is_refused_beside_the_repeat() -> None:
    a = visits.cancelled(series(), D15)
    errors = refused(a, repeat="FREQ=WEEKLY;INTERVAL=3;BYDAY=TU")
    assert set(errors) == {"repeat"}, errors
    assert "2026-12-15 is not one of the dates of this series" in errors["repeat"]
    errors = refused(a, repeat="")
    assert set(errors) == {"repeat"}, errors


# ---------------------------------------------------------------------- 3. ordinals


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (14, "14th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (24, "24th"),
        (28, "28th"),
        (29, "29th"),
        (30, "30th"),
        (31, "31st"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_ordinals(n: int, words: str) -> None:
    assert schedule.ordinal(n) == words


@pytest.mark.parametrize(("day", "words"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (22, "22nd")])
def test_a_monthly_series_says_its_day(day: int, words: str) -> None:
    start = dt.date(2026, 12, day)
    assert schedule.describe_repeat("FREQ=MONTHLY", start) == f"every month on the {words}"
    assert (
        schedule.describe_repeat("FREQ=MONTHLY;INTERVAL=3;COUNT=4", start)
        == f"every 3 months on the {words}, 4 times"
    )
    assert schedule.describe_repeat("FREQ=MONTHLY") == "every month"  # no first date known


@pytest.mark.parametrize(("day", "words"), [(29, "29th"), (30, "30th"), (31, "31st")])
def test_the_refusal_of_a_monthly_series_past_the_28th_says_the_day_rightly(
    day: int, words: str
) -> None:
    why = schedule.start_problem("FREQ=MONTHLY", dt.date(2027, 1, day))
    assert why is not None and f"from the {words} " in why, why
