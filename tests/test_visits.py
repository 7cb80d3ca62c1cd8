"""Repeating appointments: the RRULE they keep (tracker.schedule), the dates they stand for
with moved and cancelled ones (tracker.visits), the rules beside their field, and the
header's next visit and the printed summary's plan taking series into account."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from dateutil.rrule import rrulestr

from tracker import schedule, visits
from tracker.forms import FormErrors, appointment_from_form
from tracker.kinds import by_key
from tracker.kinds.kind import Context
from tracker.model import Appointment, Child
from tracker.summary import default_range
from tracker.upcoming import Coming, whats_coming

CHILD = Child(name="Mila", birth_date=dt.date(2026, 3, 1), id=1)
TODAY = dt.date(2026, 12, 1)  # a Tuesday
FORTNIGHT_TU = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"


def series(rule: str = FORTNIGHT_TU, day: dt.date = TODAY, **kw: object) -> Appointment:
    return Appointment(1, day, dt.time(8, 30), "Family doctor", "Health centre", repeat=rule, **kw)  # type: ignore[arg-type]


def dates(a: Appointment, first: dt.date, last: dt.date) -> list[dt.date]:
    return [v.date for v in visits.visits(a, first, last)]


# ---------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (FORTNIGHT_TU, "every 2 weeks on Tuesday"),
        ("FREQ=WEEKLY;INTERVAL=12", "every 12 weeks"),
        (
            "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270601",
            "weekly on Monday and Thursday, until 2027-06-01",
        ),
        ("FREQ=MONTHLY;COUNT=6", "every month, 6 times"),
        ("FREQ=DAILY;INTERVAL=3;COUNT=1", "every 3 days, once"),
        ("", ""),
    ],
)
def test_a_repeat_in_words(rule: str, words: str) -> None:
    assert schedule.describe_repeat(rule) == words


def test_a_repeat_written_is_read_back() -> None:
    rule = schedule.repeat_rule("weekly", 2, [1], until=dt.date(2027, 3, 2))
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270302"
    r = schedule.parse_repeat(rule)
    assert r is not None
    assert (r.freq, r.interval, r.weekdays, r.until, r.count) == (
        "weekly",
        2,
        (1,),
        dt.date(2027, 3, 2),
        None,
    )


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=YEARLY", "daily, weekly or monthly"),
        ("FREQ=WEEKLY;COUNT=0", "from 1 to 1000"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "not both"),
        ("FREQ=DAILY;BYDAY=MO", "weekly repeat only"),
        ("FREQ=WEEKLY;BYHOUR=9", "not one this program keeps"),
        ("FREQ=WEEKLY;UNTIL=2027-01-01", "YYYYMMDD"),
    ],
)
def test_a_repeat_the_program_does_not_keep_is_named(rule: str, words: str) -> None:
    why = schedule.repeat_problem(rule)
    assert why is not None and words in why


def test_the_medicine_schedule_is_unchanged_by_the_repeat() -> None:
    """A weekly dose schedule still repeats every week (the appointment's rule is apart)."""
    assert schedule.problem("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU") is not None
    assert schedule.problem("FREQ=WEEKLY;BYDAY=FR") is None


# ---------------------------------------------------------------------- the dates


def test_the_dates_of_a_series_are_those_dateutil_gives() -> None:
    a = series(FORTNIGHT_TU + ";COUNT=6")
    expected = [
        d.date() for d in rrulestr(a.repeat, dtstart=dt.datetime.combine(a.date, dt.time()))
    ]
    assert dates(a, dt.date(2026, 1, 1), dt.date(2028, 1, 1)) == expected
    assert expected[1] == dt.date(2026, 12, 15) and len(expected) == 6


def test_every_12_weeks_keeps_the_first_dates_weekday() -> None:
    a = series("FREQ=WEEKLY;INTERVAL=12;COUNT=3")
    assert dates(a, TODAY, dt.date(2028, 1, 1)) == [
        TODAY,
        TODAY + dt.timedelta(weeks=12),
        TODAY + dt.timedelta(weeks=24),
    ]


def test_one_date_moved_and_one_cancelled() -> None:
    a = series(FORTNIGHT_TU + ";COUNT=4")
    a = visits.cancelled(a, dt.date(2026, 12, 29))
    change = visits.change_for(a, dt.date(2026, 12, 15))
    a = visits.with_change(a, replace(change, date=dt.date(2026, 12, 17), place="Day clinic"))
    shown = visits.visits(a, TODAY, dt.date(2027, 6, 1))
    assert [v.date for v in shown] == [TODAY, dt.date(2026, 12, 17), dt.date(2027, 1, 12)]
    moved = shown[1]
    assert moved.moved and moved.original_date == dt.date(2026, 12, 15)
    assert moved.place == "Day clinic" and moved.with_whom == "Family doctor"
    every = visits.visits(a, TODAY, dt.date(2027, 6, 1), cancelled=True)
    assert [v.date for v in every if v.cancelled] == [dt.date(2026, 12, 29)]
    # a moved date is found by where it is now, not where the series had it
    assert dates(a, dt.date(2026, 12, 15), dt.date(2026, 12, 15)) == []
    # put back: the series' own date again, the other change kept
    back = visits.put_back(a, dt.date(2026, 12, 15))
    assert dates(back, dt.date(2026, 12, 15), dt.date(2026, 12, 17)) == [dt.date(2026, 12, 15)]
    assert [c.original_date for c in back.changes] == [dt.date(2026, 12, 29)]


def test_a_change_edited_again_keeps_its_uid() -> None:
    a = visits.cancelled(series(), dt.date(2026, 12, 15))
    a = replace(a, changes=(replace(a.changes[0], uid="u-1"),))
    again = visits.with_change(
        a, replace(visits.change_for(a, dt.date(2026, 12, 15)), cancelled=False)
    )
    assert again.changes[0].uid == "u-1" and not again.changes[0].cancelled


# ---------------------------------------------------------------------- the rules


def problems(a: Appointment) -> dict[str, str]:
    return by_key("appointment").problems(a, Context(CHILD, TODAY))


def test_a_series_that_never_takes_place_is_refused_beside_its_until() -> None:
    why = problems(series(FORTNIGHT_TU + ";UNTIL=20261124"))
    assert why["repeat"].startswith("Until: ")
    assert "before its first date 2026-12-01" in why["repeat"]


def test_a_series_must_start_on_one_of_its_weekdays() -> None:
    why = problems(series(FORTNIGHT_TU, day=dt.date(2026, 12, 2)))
    assert "2026-12-02 is a Wednesday, not a Tuesday" in why["date"]


def test_a_monthly_series_from_the_31st_is_refused() -> None:
    assert "28th" in problems(series("FREQ=MONTHLY", day=dt.date(2026, 12, 31)))["date"]


def test_a_moved_date_before_birth_is_refused() -> None:
    a = series()
    c = visits.change_for(a, dt.date(2026, 12, 15))
    why = problems(visits.with_change(a, replace(c, date=dt.date(2025, 12, 15))))
    assert "before the date of birth (2026-03-01)" in why["changes"]


def test_a_change_of_a_date_the_series_does_not_have_is_refused() -> None:
    a = visits.cancelled(series(), dt.date(2026, 12, 15))
    why = problems(replace(a, repeat="FREQ=WEEKLY;INTERVAL=3;BYDAY=TU"))
    assert "2026-12-15 is not one of the dates of this series" in why["changes"]


def test_a_series_with_every_date_cancelled_is_refused() -> None:
    a = series(FORTNIGHT_TU + ";COUNT=2")
    a = visits.cancelled(visits.cancelled(a, TODAY), dt.date(2026, 12, 15))
    assert "every date of this series is cancelled" in problems(a)["changes"]


def test_changes_belong_to_a_series_only() -> None:
    a = visits.cancelled(series(), dt.date(2026, 12, 15))
    assert "only a repeating appointment" in problems(replace(a, repeat=""))["changes"]


def test_the_form_keeps_the_changes_and_puts_the_reason_beside_the_date() -> None:
    kept = visits.cancelled(series(), dt.date(2026, 12, 15)).changes
    a = appointment_from_form(
        {"date": "2026-12-01", "repeat": FORTNIGHT_TU}, child=CHILD, today=TODAY, changes=kept
    )
    assert a.changes == kept and a.repeat == FORTNIGHT_TU
    with pytest.raises(FormErrors) as caught:
        appointment_from_form(
            {"date": "2026-12-02", "repeat": FORTNIGHT_TU}, child=CHILD, today=TODAY
        )
    assert set(caught.value.errors) == {"date"}  # a Wednesday: the first date is off the rule


# ---------------------------------------------------------------------- next, and the summary


def header_next(today: dt.date, appointments: list[Appointment], now: dt.time) -> Coming | None:
    """The header's "Next" for these appointments alone (tracker.upcoming's first row)."""
    rows = whats_coming(
        roadmap=None,
        phases=[],
        visits=[],
        appointments=appointments,
        milestones=[],
        today=today,
        now=now,
        n=1,
    )
    return rows[0] if rows else None


def test_the_header_next_is_the_series_next_date() -> None:
    """The series began a month ago: its next date is the one to come, not its first one
    (today's at 08:30 has passed at 09:00)."""
    a = series(day=dt.date(2026, 11, 3))  # every 2 weeks from 3 November: 17 Nov, 1 Dec, 15 Dec
    upcoming = header_next(TODAY, [a], dt.time(9, 0))
    assert upcoming is not None and upcoming.date == dt.date(2026, 12, 15)


def test_an_appointment_later_today_is_the_next_one() -> None:
    """Today's date of a series is next while its time has not passed, or all day when
    it has no time (the agenda lists it first too)."""
    day = dt.date(2026, 11, 24)
    a = replace(series(day=day), time=dt.time(15, 0))
    upcoming = header_next(day, [a], dt.time(9, 30))
    assert upcoming is not None
    assert (upcoming.date, upcoming.time) == (day, dt.time(15, 0))
    upcoming = header_next(day, [a], dt.time(15, 1))
    assert upcoming is not None and upcoming.date == dt.date(2026, 12, 8)
    untimed = replace(a, time=None)
    upcoming = header_next(day, [untimed], dt.time(23, 0))
    assert upcoming is not None and upcoming.date == day


def test_the_summary_plans_an_appointment_later_today() -> None:
    from tracker.summary import _plan

    day = dt.date(2026, 11, 24)
    a = replace(series(day=day), time=dt.time(15, 0))
    lines = _plan([], [], [], [a], day, now=dt.time(9, 30))
    assert [e.date for e in lines] == [day]
    assert "15:00" in lines[0].text
    lines = _plan([], [], [], [a], day, now=dt.time(16, 0))
    assert [e.date for e in lines] == [dt.date(2026, 12, 8)]


def test_the_header_next_skips_a_cancelled_date_and_finds_a_moved_one() -> None:
    a = visits.cancelled(series(day=dt.date(2026, 11, 3)), dt.date(2026, 12, 15))
    upcoming = header_next(TODAY, [a], dt.time(9, 0))
    assert upcoming is not None and upcoming.date == dt.date(2026, 12, 29)
    c = visits.change_for(a, dt.date(2026, 12, 29))
    a = visits.with_change(a, replace(c, date=dt.date(2026, 12, 23)))
    upcoming = header_next(TODAY, [a], dt.time(9, 0))
    assert upcoming is not None and upcoming.date == dt.date(2026, 12, 23)


def test_the_summary_starts_from_the_series_last_visit() -> None:
    a = series(day=dt.date(2026, 11, 3))
    start, _end, reason = default_range([a], TODAY)
    assert start == dt.date(2026, 11, 17)
    assert reason == "since the last appointment on 2026-11-17"


def test_the_summary_plans_the_series_next_visits() -> None:
    from tracker.summary import _plan

    a = visits.cancelled(series(day=dt.date(2026, 11, 3)), dt.date(2026, 12, 15))
    single = Appointment(1, dt.date(2027, 2, 1), None, "Dr. B")
    lines = _plan([], [], [], [a, single], TODAY, now=dt.time(9, 0))
    # the series once, by its next date as it stands, saying how it repeats
    assert [e.date for e in lines] == [dt.date(2026, 12, 29), dt.date(2027, 2, 1)]
    assert "every 2 weeks on Tuesday" in lines[0].text


# ---------------------------------------------------------------------- the timeline lane


def test_the_appointments_lane_draws_each_date_of_a_series_but_not_cancelled_ones() -> None:
    from tracker import timeline as tl

    a = replace(series(FORTNIGHT_TU + ";COUNT=4", day=dt.date(2026, 11, 17)), id=3)
    a = visits.cancelled(a, dt.date(2026, 12, 15))
    c = visits.change_for(a, dt.date(2026, 12, 29))
    a = visits.with_change(a, replace(c, date=dt.date(2026, 12, 30)))
    single = Appointment(1, dt.date(2026, 10, 1), None, "Dr. B", id=4)
    t = tl.build([], [], [], [], TODAY, lanes=["appointments"], appointments=[a, single])
    lane = t.lane("appointments")
    assert lane is not None and lane.title == "Appointments"
    days = [tl.date_of(m.x) for m in lane.marks]
    assert days == [
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 17),
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 30),
    ]
    assert all(m.ref == tl.Ref("appointment", 3) for m in lane.marks[1:])
    moved = lane.marks[3]
    assert "moved from 2026-12-29" in moved.tooltip
    assert "every 2 weeks on Tuesday" in moved.tooltip
    assert moved.planned and not lane.marks[0].planned


def test_an_open_series_is_drawn_half_a_year_ahead() -> None:
    from tracker import timeline as tl

    a = replace(series(), id=3)
    t = tl.build([], [], [], [], TODAY, lanes=["appointments"], appointments=[a])
    lane = t.lane("appointments")
    assert lane is not None
    last = tl.date_of(lane.marks[-1].x)
    assert TODAY + dt.timedelta(days=tl.SERIES_AHEAD_DAYS - 14) < last
    assert last <= TODAY + dt.timedelta(days=tl.SERIES_AHEAD_DAYS)


def test_moving_a_date_before_birth_is_refused_beside_the_date() -> None:
    from tracker.kinds.agenda import moved_from_form

    a = series()
    fields = {"date": "2026-12-16", "time": "10:00", "place": "Day clinic"}
    moved = moved_from_form(a, dt.date(2026, 12, 15), fields, child=CHILD, today=TODAY)
    [c] = moved.changes
    assert (c.original_date, c.date, c.time, c.place) == (
        dt.date(2026, 12, 15),
        dt.date(2026, 12, 16),
        dt.time(10, 0),
        "Day clinic",
    )
    with pytest.raises(FormErrors) as caught:
        moved_from_form(a, dt.date(2026, 12, 15), {"date": "2026-02-01"}, child=CHILD, today=TODAY)
    assert set(caught.value.errors) == {"date"}
    assert "before the date of birth" in caught.value.errors["date"]


# ---------------------------------------------------------------------- a date moved onto another


def test_a_date_moved_onto_another_date_of_the_series_is_refused_beside_the_date() -> None:
    """Two visits on one day of one series is not a move: the family is told to cancel the
    date instead."""
    from tracker.kinds.agenda import moved_from_form

    a = series()  # 1 Dec, 15 Dec, 29 Dec …
    with pytest.raises(FormErrors) as caught:
        moved_from_form(a, TODAY, {"date": "2026-12-15"}, child=CHILD, today=TODAY)
    assert set(caught.value.errors) == {"date"}
    said = caught.value.errors["date"]
    assert "2026-12-15 is already a date of this series" in said
    assert "cancel the visit of 2026-12-01 instead" in said
    # onto a cancelled date, or a day the series does not have, is a move
    gone = visits.cancelled(a, dt.date(2026, 12, 15))
    moved_from_form(gone, TODAY, {"date": "2026-12-15"}, child=CHILD, today=TODAY)
    # two dates moved onto one day
    c = visits.change_for(a, dt.date(2026, 12, 15))
    a = visits.with_change(a, replace(c, date=dt.date(2026, 12, 16)))
    with pytest.raises(FormErrors) as caught:
        moved_from_form(a, TODAY, {"date": "2026-12-16"}, child=CHILD, today=TODAY)
    assert (
        "2026-12-16 is already the date of the visit moved from 2026-12-15"
        in (caught.value.errors["date"])
    )


def imported(tmp_path, change):  # type: ignore[no-untyped-def]
    """The problems of a JSON export of one child with a fortnightly series, changed."""

    from conftest import fixed_clock

    from tracker.io.json_export import dumps, export_record
    from tracker.io.json_import import JsonImportError, read_export
    from tracker.store import Record

    with Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock) as rec:
        child, _ = rec.save(replace(CHILD, id=None))
        rec.save(replace(series(day=dt.date(2026, 11, 24)), child_id=child.id))
        doc = export_record(rec, fixed_clock())
    change(doc["children"][0]["appointments"][0])
    try:
        read_export(dumps(doc).encode(), dt.date(2026, 11, 24))
    except JsonImportError as exc:
        return exc.problems
    return []


def test_an_imported_date_moved_onto_another_of_the_series_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    def move(a: dict) -> None:  # type: ignore[type-arg]
        a["changes"] = [
            {
                "original_date": "2026-12-08",
                "date": "2026-12-22",
                "cancelled": False,
                "time": None,
                "with_whom": "",
                "place": "",
                "note": "",
                "uid": "5d3c1c9e-8f6e-4a55-9d55-3b0f3f1e2a11",
            }
        ]

    found = imported(tmp_path, move)
    assert any("2026-12-22 is already a date of this series" in p for p in found), found
    assert all(p.startswith("line ") for p in found), found


# ---------------------------------------------------------------------- loose rules


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;UNTIL=2027123199",
        "FREQ=DAILY;UNTIL=20271231garbage",
        "FREQ=DAILY;UNTIL=20270115T000000Z",
        "FREQ=DAILY;UNTIL=2027-01-15",
    ],
)
def test_a_last_day_is_a_date_written_yyyymmdd_only(rule: str) -> None:
    why = schedule.repeat_problem(rule)
    assert why is not None and "must be a day written YYYYMMDD" in why, why


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("byday=tu;freq=weekly;interval=2", FORTNIGHT_TU),
        ("FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,MO", "FREQ=WEEKLY;BYDAY=MO,TU"),
        (" count=6 ; freq=monthly", "FREQ=MONTHLY;COUNT=6"),
        ("until=20270601;FREQ=daily", "FREQ=DAILY;UNTIL=20270601"),
        ("", ""),
    ],
)
def test_a_repeat_is_kept_in_one_written_form(typed: str, kept: str) -> None:
    assert schedule.normal_repeat(typed) == kept
    a = appointment_from_form({"date": "2026-12-01", "repeat": typed}, child=CHILD, today=TODAY)
    assert a.repeat == kept


def test_an_imported_repeat_is_kept_normalised_and_a_loose_one_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import fixed_clock

    from tracker.io.json_export import dumps, export_record
    from tracker.io.json_import import read_export
    from tracker.store import Record

    with Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock) as rec:
        child, _ = rec.save(replace(CHILD, id=None))
        rec.save(replace(series(day=dt.date(2026, 11, 24)), child_id=child.id))
        doc = export_record(rec, fixed_clock())
    doc["children"][0]["appointments"][0]["repeat"] = "byday=tu;freq=weekly;interval=2"
    contents = read_export(dumps(doc).encode(), dt.date(2026, 11, 24))
    [a] = contents.children[0].of("appointment")
    assert a.repeat == FORTNIGHT_TU

    def loose(a: dict) -> None:  # type: ignore[type-arg]
        a["repeat"] = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20271231garbage"

    (tmp_path / "x").mkdir()
    found = imported(tmp_path / "x", loose)
    assert any("YYYYMMDD" in p and p.startswith("line ") for p in found), found
