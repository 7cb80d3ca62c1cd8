"""Strict dates, the child's age, day-of-phase, the current phase and what comes next."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.dates import (
    day_of_phase,
    format_age,
    iso,
    parse_date,
    parse_optional_date,
    parse_time,
)
from tracker.model import (
    CnsVisit,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Phase,
    PhaseKind,
)
from tracker.phases import CurrentPhase, current_phase

TODAY = dt.date(2026, 11, 24)
D = dt.date.fromisoformat


# ---------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14", dt.date(2026, 3, 14)),
        ("  2026-03-14\t", dt.date(2026, 3, 14)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("0001-01-01", dt.date(1, 1, 1)),
    ],
)
def test_parse_date_accepts_year_month_day(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-W01-1",  # ISO week date: fromisoformat would give 2025-12-29
        "2026W011",
        "20260101",  # basic format: fromisoformat would accept it
        "2026-1-1",
        "26-01-01",
        "2026/01/01",
        "01-02-2026",
        "14.03.2026",
        "2026-01-01T00:00",
        "2026-01-01 08:30",
        "2026-001",  # ordinal date
        "+2026-01-01",
        "",
        "   ",
        "today",
        "٢٠٢٦-٠١-٠١",  # Arabic-Indic digits
        "２０２６-０１-０１",  # fullwidth digits
        "2026-0١-01",
        "2026‐01‐01",  # U+2010 hyphens
    ],
)
def test_parse_date_refuses_other_spellings(text: str) -> None:
    expected = (
        r"Date of birth: please enter the date"
        if not text.strip()
        else r"Date of birth: .*not a date.*year-month-day"
    )
    with pytest.raises(ValueError, match=expected):
        parse_date(text, "Date of birth")


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31"]
)
def test_parse_date_refuses_days_not_in_the_calendar(text: str) -> None:
    with pytest.raises(ValueError, match=rf"Diagnosis date: {text} is not a day of the calendar"):
        parse_date(text, "Diagnosis date")


def test_parse_date_message_names_the_field_and_shows_an_example() -> None:
    with pytest.raises(ValueError) as info:
        parse_date("14/03/2026", "Actual start")
    message = str(info.value)
    assert message.startswith("Actual start:")
    assert "14/03/2026" in message
    assert "2026-03-14" in message  # an example of what is accepted


@given(st.dates())
def test_parse_date_round_trips_isoformat(d: dt.date) -> None:
    assert parse_date(d.isoformat()) == d


@given(st.text(max_size=20))
def test_parse_date_raises_only_value_error(text: str) -> None:
    """Random text is refused with ValueError (never another exception) or is an ISO date."""
    try:
        d = parse_date(text)
    except ValueError:
        return
    assert d.isoformat() == text.strip()  # anything accepted is exactly year-month-day


def test_parse_optional_date() -> None:
    assert parse_optional_date(None) is None
    assert parse_optional_date("") is None
    assert parse_optional_date("  ") is None
    assert parse_optional_date("2026-05-12") == dt.date(2026, 5, 12)
    with pytest.raises(ValueError, match="Planned end"):
        parse_optional_date("2026-05-32", "Planned end")


def test_iso() -> None:
    assert iso(None) is None
    assert iso(dt.date(2026, 1, 2)) == "2026-01-02"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30", dt.time(8, 30)),
        ("00:00", dt.time(0, 0)),
        (" 23:59 ", dt.time(23, 59)),
        ("9:30", dt.time(9, 30)),  # the forms a family types (issue 15): no leading zero,
        ("9.30", dt.time(9, 30)),  # a dot,
        ("9h30", dt.time(9, 30)),  # or French's "h"
        ("21h05", dt.time(21, 5)),
    ],
)
def test_parse_time_accepts_hours_minutes(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["0830", "08:30:00", "8:3", "8h", "08:30Z", "٠٨:٣٠", "", "noon", "8,30", "8 h 30"]
)
def test_parse_time_refuses_other_spellings(text: str) -> None:
    with pytest.raises(ValueError, match=r"Time: .*not a time.*hours:minutes"):
        parse_time(text)


@pytest.mark.parametrize("text", ["24:00", "12:60", "99:99"])
def test_parse_time_refuses_impossible_times(text: str) -> None:
    with pytest.raises(ValueError, match="not a time of day"):
        parse_time(text)


# ---------------------------------------------------------------------- age


def months_days(text: str) -> tuple[int, int]:
    """ "1 month 3 days" → (1, 3); "27 days" → (0, 27); "2 months" → (2, 0)."""
    m = re.fullmatch(r"(?:(\d+) months?)?\s?(?:(\d+) days?)?", text)
    assert m and text, f"not a months/days age: {text!r}"
    return int(m.group(1) or 0), int(m.group(2) or 0)


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        ("2026-01-10", "2026-01-10", "0 days"),
        ("2026-01-10", "2026-01-11", "1 day"),
        ("2026-01-10", "2026-02-09", "30 days"),
        ("2026-01-10", "2026-03-11", "2 months 1 day"),
        ("2026-01-10", "2026-05-22", "4 months 12 days"),
        ("2026-01-10", "2026-11-24", "10 months 14 days"),
        ("2026-01-10", "2028-01-09", "23 months 30 days"),
        ("2026-01-10", "2028-01-10", "2 years"),
        ("2026-01-10", "2028-02-10", "2 years 1 month"),
        ("2026-01-10", "2029-12-09", "3 years 10 months"),
        ("2024-02-29", "2026-02-28", "2 years"),
        ("2024-02-29", "2028-02-28", "3 years 11 months"),
        ("2024-02-29", "2028-02-29", "4 years"),
    ],
)
def test_format_age(birth: str, on: str, expected: str) -> None:
    assert format_age(D(birth), D(on)) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2026-02-01", (0, 1)),
        ("2026-02-27", (0, 27)),
        ("2026-02-28", (1, 0)),  # the shortest month: a month has passed on its last day
        ("2026-03-01", (1, 1)),
        ("2026-03-30", (1, 30)),
        ("2026-03-31", (2, 0)),
        ("2026-04-30", (3, 0)),
        ("2026-05-01", (3, 1)),
    ],
)
def test_format_age_born_on_the_31st(on: str, expected: tuple[int, int]) -> None:
    assert months_days(format_age(D("2026-01-31"), D(on))) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2024-03-28", (0, 28)),
        ("2024-03-29", (1, 0)),
        ("2025-02-28", (12, 0)),  # no 29 February in 2025: the first birthday is the 28th
        ("2025-03-01", (12, 1)),
    ],
)
def test_format_age_born_on_29_february(on: str, expected: tuple[int, int]) -> None:
    assert months_days(format_age(D("2024-02-29"), D(on))) == expected


def test_format_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        format_age(D("2026-01-10"), D("2026-01-09"))


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)))
def test_age_in_months_and_days_grows_every_day(birth: dt.date) -> None:
    """Up to two years, each day reads older than the day before, across every month end."""
    previous = (-1, -1)
    for n in range(0, 731):
        text = format_age(birth, birth + dt.timedelta(days=n))
        if "year" in text:
            assert n >= 700
            break
        now = months_days(text)
        assert now > previous, (birth, n, text)
        previous = now


# ---------------------------------------------------------------------- day of phase


@pytest.mark.parametrize(
    ("start", "on", "day"),
    [
        ("2026-05-20", "2026-05-20", 1),
        ("2026-05-20", "2026-05-21", 2),
        ("2026-05-20", "2026-05-27", 8),  # "day 8" of a prophase is a week after day 1
        ("2026-05-20", "2026-06-22", 34),
        ("2024-02-28", "2024-03-01", 3),  # across 29 February
        ("2026-12-31", "2027-01-01", 2),
    ],
)
def test_day_of_phase_counts_the_start_as_day_1(start: str, on: str, day: int) -> None:
    assert day_of_phase(D(start), D(on)) == day


# ---------------------------------------------------------------------- current phase


def phase(
    kind: PhaseKind = PhaseKind.INDUCTION,
    *,
    id: int,
    ps: str | None = None,
    pe: str | None = None,
    as_: str | None = None,
    ae: str | None = None,
    name: str = "",
) -> Phase:
    def d(text: str | None) -> dt.date | None:
        return D(text) if text else None

    return Phase(
        1,
        kind,
        name=name,
        planned_start=d(ps),
        planned_end=d(pe),
        actual_start=d(as_),
        actual_end=d(ae),
        id=id,
    )


def test_no_phases_no_current_phase() -> None:
    assert current_phase([], TODAY) is None


def test_only_past_and_future_phases() -> None:
    phases = [
        phase(PhaseKind.PROPHASE, id=1, as_="2026-05-13", ae="2026-05-19"),
        phase(PhaseKind.CONSOLIDATION, id=2, ps="2026-12-01"),
    ]
    assert current_phase(phases, TODAY) is None


def test_current_phase_and_its_day() -> None:
    running = phase(id=1, as_="2026-11-10", ae="2026-12-15")
    found = current_phase([running], TODAY)
    assert found == CurrentPhase(running, 15)
    assert found.label == "Induction · day 15"


def test_start_and_end_days_are_inside_the_phase() -> None:
    p = phase(id=1, as_="2026-11-24", ae="2026-11-30")
    assert current_phase([p], D("2026-11-24")) == CurrentPhase(p, 1)
    assert current_phase([p], D("2026-11-30")) == CurrentPhase(p, 7)
    assert current_phase([p], D("2026-11-23")) is None
    assert current_phase([p], D("2026-12-01")) is None


def test_actual_dates_win_over_planned() -> None:
    p = phase(id=1, ps="2026-10-01", pe="2026-10-31", as_="2026-11-10", ae="2026-12-10")
    assert (p.start, p.end) == (D("2026-11-10"), D("2026-12-10"))
    assert current_phase([p], TODAY) == CurrentPhase(p, 15)
    assert current_phase([p], D("2026-10-15")) is None  # planned dates no longer count


def test_a_started_phase_runs_past_its_planned_end_until_an_actual_end() -> None:
    """Treatment is often delayed: once started, only an actual end (or a later phase) ends it."""
    p = phase(id=1, ps="2026-11-01", pe="2026-11-20", as_="2026-11-10")
    assert current_phase([p], D("2026-11-20")) == CurrentPhase(p, 11)
    assert current_phase([p], TODAY) == CurrentPhase(p, 15)
    later = phase(id=2, as_="2026-11-22")
    assert current_phase([p, later], TODAY) == CurrentPhase(later, 3)


def test_planned_end_bounds_a_phase_that_is_still_all_plan() -> None:
    p = phase(id=1, ps="2026-11-01", pe="2026-11-20")
    assert current_phase([p], D("2026-11-20")) == CurrentPhase(p, 20)
    assert current_phase([p], TODAY) is None


def test_actual_end_before_planned_end_ends_the_phase() -> None:
    stopped = phase(id=1, ps="2026-11-01", pe="2026-12-31", as_="2026-11-01", ae="2026-11-20")
    assert current_phase([stopped], TODAY) is None


def test_actual_start_later_than_planned_sets_day_1() -> None:
    late = phase(id=1, ps="2026-11-01", pe="2026-12-31", as_="2026-11-10")
    assert current_phase([late], TODAY) == CurrentPhase(late, 15)


def test_planned_phase_not_marked_started_counts_from_its_planned_start() -> None:
    planned = phase(id=1, ps="2026-11-20", pe="2026-12-20")
    assert current_phase([planned], TODAY) == CurrentPhase(planned, 5)


def test_open_ended_phase_runs_from_its_start() -> None:
    maintenance = phase(PhaseKind.MAINTENANCE, id=1, as_="2026-06-29")
    assert current_phase([maintenance], TODAY) == CurrentPhase(maintenance, 149)
    assert current_phase([maintenance], D("2028-06-29")) is not None
    assert current_phase([maintenance], D("2026-06-28")) is None


def test_overlapping_phases_the_later_start_wins() -> None:
    maintenance = phase(PhaseKind.MAINTENANCE, id=1, as_="2026-06-29")
    blina = phase(PhaseKind.OTHER, id=2, as_="2026-11-20", ae="2026-12-17", name="Blinatumomab")
    found = current_phase([blina, maintenance], TODAY)
    assert found == CurrentPhase(blina, 5)
    assert found.label == "Blinatumomab · day 5"
    after = current_phase([blina, maintenance], D("2026-12-18"))
    assert after is not None and after.phase is maintenance


def test_overlapping_phases_same_start_the_later_entry_wins() -> None:
    a = phase(PhaseKind.INDUCTION, id=3, as_="2026-11-01")
    b = phase(PhaseKind.OTHER, id=7, as_="2026-11-01")
    assert current_phase([b, a], TODAY) == CurrentPhase(b, 24)
    assert current_phase([a, b], TODAY) == CurrentPhase(b, 24)


# ---------------------------------------------------------------------- next planned


def milestone(date: str, kind: MilestoneKind = MilestoneKind.MARROW_CHECK) -> Milestone:
    return Milestone(1, D(date), kind, planned=True)


def visit(date: str) -> CnsVisit:
    return CnsVisit(1, D(date), LpProcedure.LP_WITH_IT, planned=True)


def test_a_real_running_phase_wins_over_a_planned_one_that_covers_today() -> None:
    """A plan's phase whose planned dates cover today (a roadmap applied in the past) does
    not hide the phase really running (the demo's maintenance, issue 13)."""
    real = phase(PhaseKind.MAINTENANCE, id=1, ps="2026-06-01", as_="2026-06-04")
    planned = phase(PhaseKind.CONSOLIDATION, id=2, ps="2026-11-15", pe="2026-12-31")
    assert current_phase([real, planned], TODAY) == CurrentPhase(real, 174)
    assert current_phase([planned, real], TODAY) == CurrentPhase(real, 174)
    ended = phase(PhaseKind.MAINTENANCE, id=1, as_="2026-06-04", ae="2026-11-01")
    assert current_phase([ended, planned], TODAY) == CurrentPhase(planned, 10)
