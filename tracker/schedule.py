"""A home medicine's schedule, kept as an RFC 5545 RRULE and expanded with ``dateutil.rrule``.

The program knows the schedules families are given (capabilities.md §2): daily, every N
days, weekly on chosen weekdays (co-trimoxazole on Saturday and Sunday, methotrexate on
Friday), each optionally at set hours of the day; and "as needed", kept as the empty
string (no due doses: one is logged when given).  :func:`problem` refuses anything else in
plain words, so a rule read from a file is never half understood.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from dateutil.rrule import DAILY, WEEKLY, rrule, weekday

AS_NEEDED = ""

# RFC 5545 weekday codes, Monday first (datetime.date.weekday() order).
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_KEYS = {"FREQ", "INTERVAL", "BYDAY", "BYHOUR"}


def daily(every_days: int = 1, hours: Sequence[int] = ()) -> str:
    """The RRULE of a dose every day (or every ``every_days`` days), at ``hours`` if given."""
    parts = ["FREQ=DAILY"]
    if every_days != 1:
        parts.append(f"INTERVAL={every_days}")
    return _with_hours(parts, hours)


def weekly(weekdays: Iterable[int], hours: Sequence[int] = ()) -> str:
    """The RRULE of a dose on ``weekdays`` (0 = Monday … 6 = Sunday) each week."""
    days = sorted(set(weekdays))
    if not days:
        raise ValueError("a weekly schedule needs at least one weekday")
    parts = ["FREQ=WEEKLY", "BYDAY=" + ",".join(DAY_CODES[d] for d in days)]
    return _with_hours(parts, hours)


def _with_hours(parts: list[str], hours: Sequence[int]) -> str:
    if hours:
        parts.append("BYHOUR=" + ",".join(str(h) for h in sorted(set(hours))))
    return ";".join(parts)


class Parsed:
    """A schedule read: ``freq`` "daily" / "weekly" / "as needed", ``interval`` in days or
    weeks, ``weekdays`` (0 = Monday) for a weekly one, ``hours`` of the day (may be empty)."""

    __slots__ = ("freq", "hours", "interval", "weekdays")

    def __init__(
        self,
        freq: str,
        interval: int = 1,
        weekdays: tuple[int, ...] = (),
        hours: tuple[int, ...] = (),
    ) -> None:
        self.freq = freq
        self.interval = interval
        self.weekdays = weekdays
        self.hours = hours


def problem(rule: str) -> str | None:
    """Why ``rule`` is not a schedule this program keeps, in plain words, or ``None``."""
    try:
        parse(rule)
    except ValueError as exc:
        return str(exc)
    return None


def parse(rule: str) -> Parsed:
    """``rule`` read, or ValueError saying in plain words what is wrong and what is kept."""
    if rule == AS_NEEDED:
        return Parsed("as needed")
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        key, sep, value = part.partition("=")
        key = key.strip().upper()
        if not sep or key not in _KEYS or key in parts:
            raise ValueError(
                f"the schedule {rule!r} is not one this program keeps: daily, every N days, "
                "weekly on chosen weekdays (each at chosen hours), or as needed"
            )
        parts[key] = value.strip().upper()
    freq = parts.get("FREQ")
    if freq not in ("DAILY", "WEEKLY"):
        raise ValueError(
            f"the schedule {rule!r} must repeat daily or weekly (FREQ=DAILY or FREQ=WEEKLY)"
        )
    interval = 1
    if "INTERVAL" in parts:
        text = parts["INTERVAL"]
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 366:
            raise ValueError(
                f"the schedule's interval {text!r} must be a whole number from 1 to 366"
            )
        interval = int(text)
    weekdays: tuple[int, ...] = ()
    if "BYDAY" in parts:
        if freq != "WEEKLY":
            raise ValueError("weekdays (BYDAY) belong to a weekly schedule only")
        codes = [code.strip() for code in parts["BYDAY"].split(",")]  # "SA, SU" too
        if any(code not in DAY_CODES for code in codes) or len(set(codes)) != len(codes):
            raise ValueError(
                f"the schedule's weekdays {parts['BYDAY']!r} must be among "
                "MO,TU,WE,TH,FR,SA,SU, each once"
            )
        weekdays = tuple(sorted(DAY_CODES.index(code) for code in codes))
    elif freq == "WEEKLY":
        raise ValueError("a weekly schedule names its weekdays (BYDAY=FR, BYDAY=SA,SU)")
    if freq == "WEEKLY" and interval != 1:
        raise ValueError(
            "a weekly schedule repeats every week (every N days is a daily schedule with INTERVAL)"
        )
    hours: tuple[int, ...] = ()
    if "BYHOUR" in parts:
        texts = [t.strip() for t in parts["BYHOUR"].split(",")]  # "8, 20" too
        if any(not t.isascii() or not t.isdigit() or not 0 <= int(t) <= 23 for t in texts):
            raise ValueError(
                f"the schedule's hours {parts['BYHOUR']!r} must be whole hours from 0 to 23"
            )
        hours = tuple(sorted({int(t) for t in texts}))
        if len(hours) != len(texts):
            raise ValueError(f"the schedule's hours {parts['BYHOUR']!r} name an hour twice")
    return Parsed("daily" if freq == "DAILY" else "weekly", interval, weekdays, hours)


def describe(rule: str) -> str:
    """The schedule in words: "daily", "every 2 days", "weekly on Friday", "on Saturday and
    Sunday each week, at 08:00 and 20:00", "as needed"."""
    p = parse(rule)
    if p.freq == "as needed":
        return "as needed"
    if p.freq == "daily":
        text = "daily" if p.interval == 1 else f"every {p.interval} days"
    else:
        names = [DAY_NAMES[d] for d in p.weekdays]
        if p.weekdays == (0, 1, 2, 3, 4):
            text = "on weekdays (Monday to Friday)"
        elif len(names) == 1:
            text = f"weekly on {names[0]}"
        else:
            text = "on " + ", ".join(names[:-1]) + " and " + names[-1] + " each week"
    if p.hours:
        times = [f"{h:02d}:00" for h in p.hours]
        text += ", at " + (
            times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1]
        )
    return text


def occurrences(
    rule: str, start: dt.date, end: dt.date | None, first: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.time | None]]:
    """The due doses of a plan running ``start`` … ``end`` (open: ``None``) that fall on
    ``first`` … ``last`` (both included), in order: (date, hour of day or ``None``)."""
    p = parse(rule)
    if p.freq == "as needed":
        return []
    lo = max(start, first)
    hi = last if end is None else min(end, last)
    if hi < lo:
        return []
    # The rule is expanded from the first due day on or after ``lo``, not from the plan's
    # start: the same days (every N days keeps its phase; a weekly rule repeats every
    # week), without walking years of a running plan to reach one day.
    if p.freq == "daily":
        skip = -(-(lo - start).days // p.interval) * p.interval
        first_due = start + dt.timedelta(days=skip)
        rr = rrule(DAILY, interval=p.interval, dtstart=dt.datetime.combine(first_due, dt.time()))
    else:
        rr = rrule(
            WEEKLY,
            byweekday=[weekday(d) for d in p.weekdays],
            dtstart=dt.datetime.combine(lo, dt.time()),
        )
    days = rr.between(
        dt.datetime.combine(lo, dt.time()), dt.datetime.combine(hi, dt.time()), inc=True
    )
    if not p.hours:
        return [(d.date(), None) for d in days]
    return [(d.date(), dt.time(h)) for d in days for h in p.hours]
