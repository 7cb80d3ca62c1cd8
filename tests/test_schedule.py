"""A home medicine's schedule: RRULE text built, read, described and expanded."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import schedule

D = dt.date


def test_built_rules_are_the_rfc_5545_text_families_are_given() -> None:
    assert schedule.daily() == "FREQ=DAILY"
    assert schedule.daily(2) == "FREQ=DAILY;INTERVAL=2"
    assert schedule.weekly([4]) == "FREQ=WEEKLY;BYDAY=FR"
    assert schedule.weekly([6, 5]) == "FREQ=WEEKLY;BYDAY=SA,SU"
    assert schedule.weekly([5, 6], hours=[20, 8]) == "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=8,20"


def test_described_in_words() -> None:
    assert schedule.describe("FREQ=DAILY") == "daily"
    assert schedule.describe("FREQ=DAILY;INTERVAL=3") == "every 3 days"
    assert schedule.describe("FREQ=WEEKLY;BYDAY=FR") == "weekly on Friday"
    assert schedule.describe("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=8,20") == (
        "on Saturday and Sunday each week, at 08:00 and 20:00"
    )
    assert schedule.describe("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR") == "on weekdays (Monday to Friday)"
    assert schedule.describe("") == "as needed"


def test_occurrences_in_a_window() -> None:
    # 2026-03-06 is a Friday.
    fridays = schedule.occurrences(
        "FREQ=WEEKLY;BYDAY=FR", D(2026, 3, 1), None, D(2026, 3, 1), D(2026, 3, 31)
    )
    assert [d for d, _ in fridays] == [
        D(2026, 3, 6),
        D(2026, 3, 13),
        D(2026, 3, 20),
        D(2026, 3, 27),
    ]
    daily = schedule.occurrences(
        "FREQ=DAILY", D(2026, 3, 1), D(2026, 3, 4), D(2026, 2, 1), D(2026, 3, 31)
    )
    assert daily == [(D(2026, 3, d), None) for d in (1, 2, 3, 4)]
    every2 = schedule.occurrences(
        "FREQ=DAILY;INTERVAL=2", D(2026, 3, 1), None, D(2026, 3, 2), D(2026, 3, 7)
    )
    assert [d for d, _ in every2] == [
        D(2026, 3, 3),
        D(2026, 3, 5),
        D(2026, 3, 7),
    ]  # counted from the start
    twice = schedule.occurrences(
        "FREQ=DAILY;BYHOUR=8,20", D(2026, 3, 1), None, D(2026, 3, 1), D(2026, 3, 1)
    )
    assert twice == [(D(2026, 3, 1), dt.time(8)), (D(2026, 3, 1), dt.time(20))]
    assert schedule.occurrences("", D(2026, 3, 1), None, D(2026, 3, 1), D(2026, 3, 31)) == []


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY",
        "FREQ=DAILY;COUNT=3",
        "FREQ=DAILY;BYDAY=MO",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;BYDAY=FR,FR",
        "FREQ=WEEKLY;BYDAY=FR;INTERVAL=2",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;INTERVAL=٣",
        "FREQ=DAILY;BYHOUR=24",
        "FREQ=DAILY;FREQ=DAILY",
        "daily",
    ],
)
def test_other_rules_are_refused_in_words(rule: str) -> None:
    message = schedule.problem(rule)
    assert message and "schedule" in message


@given(st.text(max_size=60))
def test_any_text_is_read_or_refused_never_raises_otherwise(rule: str) -> None:
    if schedule.problem(rule) is None:
        schedule.describe(rule)
        schedule.occurrences(rule, D(2026, 1, 1), None, D(2026, 1, 1), D(2026, 1, 15))


@given(st.sets(st.integers(0, 6), min_size=1), st.sets(st.integers(0, 23), max_size=3))
def test_weekly_rules_round_trip(days: set[int], hours: set[int]) -> None:
    rule = schedule.weekly(days, sorted(hours))
    parsed = schedule.parse(rule)
    assert parsed.weekdays == tuple(sorted(days)) and parsed.hours == tuple(sorted(hours))
    got = schedule.occurrences(rule, D(2026, 1, 5), None, D(2026, 1, 5), D(2026, 1, 11))
    assert {d.weekday() for d, _ in got} == days
    assert len(got) == len(days) * max(1, len(hours))


@given(
    rule=st.sampled_from(
        [
            "FREQ=DAILY",
            "FREQ=DAILY;INTERVAL=3",
            "FREQ=DAILY;INTERVAL=2;BYHOUR=8,20",
            "FREQ=WEEKLY;BYDAY=FR",
            "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9",
        ]
    ),
    start_offset=st.integers(0, 400),
    span=st.integers(0, 60),
    first_offset=st.integers(-30, 500),
    length=st.integers(0, 40),
)
def test_occurrences_of_any_window_are_those_of_the_whole_rule(
    rule: str, start_offset: int, span: int, first_offset: int, length: int
) -> None:
    """Expanding from the window (fast on years of a plan) gives the days the rule gives
    from the plan's start."""
    from dateutil.rrule import rrulestr

    start = dt.date(2025, 1, 1) + dt.timedelta(days=start_offset)
    end = start + dt.timedelta(days=span * 10)
    first = start + dt.timedelta(days=first_offset)
    last = first + dt.timedelta(days=length)
    whole = rrulestr(
        rule.split(";BYHOUR")[0], dtstart=dt.datetime.combine(start, dt.time())
    ).between(
        dt.datetime.combine(max(start, first), dt.time()),
        dt.datetime.combine(min(end, last), dt.time()),
        inc=True,
    )
    days = [d.date() for d in whole]
    got = schedule.occurrences(rule, start, end, first, last)
    assert sorted({d for d, _ in got}) == days
