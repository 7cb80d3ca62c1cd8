"""Dates and times typed in the family's locale (issue 15): "01/05/2026" is 1 May where
dates are written day first, 5 January where they are written month first, and refused
(ISO only) where no locale is installed; a date that could be read both ways is named."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import i18n
from tracker.dates import ambiguous_date, format_age, parse_date, parse_time
from tracker.i18n import formats

MAY_1 = dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("01/05/2026", "DMY", MAY_1),
        ("1.5.2026", "DMY", MAY_1),
        ("1-5-2026", "DMY", MAY_1),
        ("31/12/2026", "DMY", dt.date(2026, 12, 31)),
        ("01/05/2026", "MDY", dt.date(2026, 1, 5)),
        ("12/31/2026", "MDY", dt.date(2026, 12, 31)),
        ("2026-05-01", "DMY", MAY_1),  # ISO is read in every locale
        ("2026-05-01", "MDY", MAY_1),
        ("2026-05-01", "YMD", MAY_1),
    ],
)
def test_a_date_reads_in_the_locale_order(text: str, order: str, expected: dt.date) -> None:
    assert parse_date(text, "Date", order=order) == expected


@pytest.mark.parametrize(
    ("text", "order", "said"),
    [
        ("01/05/2026", "YMD", "year-month-day"),  # as before the locales: ISO only
        ("2026/05/01", "YMD", "year-month-day"),
        ("1.5.2026", "YMD", "year-month-day"),
        ("01/05/26", "DMY", "day/month/year"),  # a year in full: 26 is not a century
        ("01/05-2026", "DMY", "day/month/year"),  # one separator throughout
        ("001/05/2026", "DMY", "day/month/year"),
        ("１/５/2026", "DMY", "day/month/year"),  # fullwidth digits
        ("2026/05/01", "MDY", "month/day/year"),
    ],
)
def test_other_spellings_are_refused_naming_the_order(text: str, order: str, said: str) -> None:
    with pytest.raises(ValueError, match=rf"^Date: “.*” is not a date; write it as {said}"):
        parse_date(text, "Date", order=order)


@pytest.mark.parametrize(
    ("text", "order"), [("31/02/2026", "DMY"), ("13/13/2026", "DMY"), ("02/30/2026", "MDY")]
)
def test_a_day_not_in_the_calendar_is_named(text: str, order: str) -> None:
    with pytest.raises(ValueError, match="is not a day of the calendar"):
        parse_date(text, "Date", order=order)


def test_the_order_comes_from_the_installed_formats() -> None:
    class DayFirst(formats.Formats):
        date_order = "DMY"

    assert formats.current().date_order == "YMD"
    with pytest.raises(ValueError):
        parse_date("01/05/2026")
    formats.install(DayFirst())
    try:
        assert parse_date("01/05/2026") == MAY_1
    finally:
        formats.install(formats.Formats())


@given(st.dates(), st.sampled_from(["/", ".", "-"]), st.booleans())
def test_any_date_written_day_first_reads_back_as_itself(
    d: dt.date, separator: str, padded: bool
) -> None:
    day, month = (f"{d.day:02d}", f"{d.month:02d}") if padded else (str(d.day), str(d.month))
    text = separator.join([day, month, f"{d.year:04d}"])
    assert parse_date(text, order="DMY") == d


@given(st.dates(), st.sampled_from(["/", ".", "-"]), st.booleans())
def test_any_date_written_month_first_reads_back_as_itself(
    d: dt.date, separator: str, padded: bool
) -> None:
    day, month = (f"{d.day:02d}", f"{d.month:02d}") if padded else (str(d.day), str(d.month))
    text = separator.join([month, day, f"{d.year:04d}"])
    assert parse_date(text, order="MDY") == d


@given(st.dates(), st.sampled_from(["DMY", "MDY", "YMD"]))
def test_any_iso_date_reads_back_in_every_order(d: dt.date, order: str) -> None:
    assert parse_date(d.isoformat(), order=order) == d


@pytest.mark.parametrize(
    ("text", "order", "ambiguous"),
    [
        ("01/05/2026", "DMY", True),
        ("1.5.2026", "MDY", True),
        ("05/05/2026", "DMY", False),  # the same either way
        ("13/05/2026", "DMY", False),  # 13 can only be the day
        ("05/13/2026", "MDY", False),
        ("2026-05-01", "DMY", False),  # ISO says which is which
        ("01/05/2026", "YMD", False),  # not a date there
        ("not a date", "DMY", False),
    ],
)
def test_a_date_that_reads_two_ways_is_ambiguous(text: str, order: str, ambiguous: bool) -> None:
    assert ambiguous_date(text, order) is ambiguous


@given(st.dates(), st.sampled_from(["DMY", "MDY"]))
def test_ambiguous_means_the_swap_is_another_date(d: dt.date, order: str) -> None:
    first, second = (d.day, d.month) if order == "DMY" else (d.month, d.day)
    text = f"{first}/{second}/{d.year:04d}"
    swapped = f"{second}/{first}/{d.year:04d}"
    try:
        other = parse_date(swapped, order=order)
    except ValueError:
        other = d
    assert ambiguous_date(text, order) is (other != d)


@pytest.mark.parametrize("text", ["9:30", "09:30", "9h30", "9.30"])
def test_times_in_the_forms_families_type(text: str) -> None:
    assert parse_time(text) == dt.time(9, 30)


def test_date_messages_read_in_spanish_and_french() -> None:
    with i18n.using("es"):
        with pytest.raises(ValueError, match=r"no es una fecha.*día/mes/año"):
            parse_date("2026/05/01", "Fecha", order="DMY")
        assert format_age(dt.date(2026, 1, 1), dt.date(2026, 2, 2)) == "1 mes y 1 día"
        assert format_age(dt.date(2026, 1, 1), dt.date(2026, 3, 4)) == "2 meses y 3 días"
    with i18n.using("fr"):
        with pytest.raises(ValueError, match=r"n’est pas une heure"):
            parse_time("midi", "Heure")
        assert format_age(dt.date(2026, 1, 1), dt.date(2026, 3, 4)) == "2 mois et 3 jours"


def test_a_date_that_reads_two_ways_is_read_back_in_words() -> None:
    from tracker.forms import read_back

    assert read_back("01/05/2026", "DMY") == "1 May 2026"
    assert read_back("01/05/2026", "MDY") == "5 January 2026"
    assert read_back("13/05/2026", "DMY") is None  # only one reading
    assert read_back("2026-05-01", "DMY") is None  # ISO says which is which
    assert read_back("31/02/2026", "MDY") is None  # not a date: the form's check says so
