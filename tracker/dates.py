"""Strict date/time parsing and the calendar arithmetic the header shows.

``date.fromisoformat`` also accepts ``2026-W01-1`` and ``20260101``
(reliability.md), so dates typed or stored are checked against an explicit
ASCII pattern first.  Age and day-of-phase use dateutil's ``relativedelta``.

Every date typed or read must also lie in :func:`date_window`: from the child's
date of birth (1900-01-01 where there is no child yet) to ``YEARS_AHEAD`` years
after today.  Dates like 0001-01-01 or 9999-12-31 are typing slips, and at the
ends of the calendar the layout's arithmetic overflows (the summary crashed).
Use :func:`date_window` with ``parse_date(..., window=…)`` or
:meth:`DateWindow.check` wherever a date comes in (forms, the summary, imports).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_TIME = re.compile(r"^\d{2}:\d{2}$", re.ASCII)

YEARS_AHEAD = 10
"""How far ahead a date may lie: a 2-year treatment protocol, then years of follow-up
appointments, with room to spare; anything further is a typing slip."""
EARLIEST = dt.date(1900, 1, 1)
"""The earliest date where no date of birth is known yet (the date of birth itself)."""


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The dates the program accepts: ``earliest`` to ``latest``, both included."""

    earliest: dt.date
    latest: dt.date
    from_birth: bool = False

    def problem(self, d: dt.date, field: str = "Date") -> str | None:
        """The plain sentence saying why ``d`` is outside the window, or None."""
        if d < self.earliest:
            since = "the date of birth" if self.from_birth else "the earliest date accepted"
            return (
                f"{field}: {d.isoformat()} is before {since} ({self.earliest.isoformat()}); "
                "check the year"
            )
        if d > self.latest:
            return (
                f"{field}: {d.isoformat()} is more than {YEARS_AHEAD} years ahead (the latest "
                f"date accepted is {self.latest.isoformat()}); check the year"
            )
        return None

    def check(self, d: dt.date, field: str = "Date") -> dt.date:
        """``d`` itself, or ValueError with :meth:`problem`'s sentence."""
        problem = self.problem(d, field)
        if problem is not None:
            raise ValueError(problem)
        return d


def date_window(today: dt.date, birth: dt.date | None = None) -> DateWindow:
    """The one rule for dates typed or read: from ``birth`` (or 1900-01-01 without one) to
    ``YEARS_AHEAD`` years after ``today`` (the record's clock, never the wall clock)."""
    latest = _add_years(today, YEARS_AHEAD)
    if birth is None:
        return DateWindow(EARLIEST, latest)
    return DateWindow(birth, max(latest, birth), from_birth=True)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""The months as short words, the same in every locale (the timeline's ticks, "12 Mar")."""


def day_month(d: dt.date) -> str:
    """ "12 Mar": the day and the month, as the timeline's ticks and the plan say them."""
    return f"{d.day} {MONTHS[d.month - 1]}"


def future_problem(
    label: str, value: dt.date, today: dt.date, local_today: dt.date | None = None
) -> str:
    """Why ``value`` is refused as after ``today``.  ``local_today`` is the family's own
    date when ``today`` is a later one allowed for an export from a zone ahead (an import):
    the message then names the family's today, never the later date it was measured by."""
    if local_today is not None:
        return f"{label}: {value.isoformat()} is after today ({local_today.isoformat()})"
    return f"{label}: {value.isoformat()} is in the future; today is {today.isoformat()}"


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February, or past the calendar's end
        return d + relativedelta(years=years) if d.year + years <= dt.MAXYEAR else dt.date.max


def parse_date(text: str, field: str = "Date", window: DateWindow | None = None) -> dt.date:
    s = text.strip()
    if not s:
        raise ValueError(f"{field}: please enter the date, as year-month-day (e.g. 2026-03-14)")
    if not _DATE.match(s):
        raise ValueError(
            f"{field}: “{s}” is not a date; write it as year-month-day, e.g. 2026-03-14"
        )
    try:
        d = dt.date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"{field}: {s} is not a day of the calendar") from None
    return d if window is None else window.check(d, field)


def parse_optional_date(
    text: str | None, field: str = "Date", window: DateWindow | None = None
) -> dt.date | None:
    if text is None or not text.strip():
        return None
    return parse_date(text, field, window)


def parse_time(text: str, field: str = "Time") -> dt.time:
    s = text.strip()
    if not _TIME.match(s):
        raise ValueError(f"{field}: “{s}” is not a time; write it as hours:minutes, e.g. 08:30")
    try:
        return dt.time.fromisoformat(s)
    except ValueError:
        raise ValueError(f"{field}: {s} is not a time of day") from None


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def age(birth: dt.date, on: dt.date) -> relativedelta:
    return relativedelta(on, birth)


def format_age(birth: dt.date, on: dt.date) -> str:
    """ "4 months 12 days", "1 year 2 months"; before birth is an error."""
    if on < birth:
        raise ValueError("the date is before the date of birth")
    r = age(birth, on)
    months = r.years * 12 + r.months
    if months >= 24:
        parts = (
            [_plural(r.years, "year"), _plural(r.months, "month")]
            if r.months
            else [_plural(r.years, "year")]
        )
        return " ".join(parts)
    if months == 0:
        return _plural(r.days, "day")
    if r.days == 0:
        return _plural(months, "month")
    return f"{_plural(months, 'month')} {_plural(r.days, 'day')}"


def day_of_phase(start: dt.date, on: dt.date) -> int:
    """Day 1 is the first day of the phase (the protocol convention)."""
    return (on - start).days + 1


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
