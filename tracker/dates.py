"""Strict date/time parsing and the calendar arithmetic the header shows.

``date.fromisoformat`` also accepts ``2026-W01-1`` and ``20260101``
(reliability.md), so dates typed or stored are checked against an explicit
ASCII pattern first.  Age and day-of-phase use dateutil's ``relativedelta``.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_TIME = re.compile(r"^\d{2}:\d{2}$", re.ASCII)


def parse_date(text: str, field: str = "Date") -> dt.date:
    s = text.strip()
    if not s:
        raise ValueError(f"{field}: please enter the date, as year-month-day (e.g. 2026-03-14)")
    if not _DATE.match(s):
        raise ValueError(
            f"{field}: “{s}” is not a date; write it as year-month-day, e.g. 2026-03-14"
        )
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"{field}: {s} is not a day of the calendar") from None


def parse_optional_date(text: str | None, field: str = "Date") -> dt.date | None:
    if text is None or not text.strip():
        return None
    return parse_date(text, field)


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
