"""A home medicine's schedule, kept as an RFC 5545 RRULE and expanded with ``dateutil.rrule``.

The program knows the schedules families are given (capabilities.md §2): daily, every N
days, weekly on chosen weekdays (co-trimoxazole on Saturday and Sunday, methotrexate on
Friday), each optionally at set hours of the day; and "as needed", kept as the empty
string (no due doses: one is logged when given).  :func:`problem` refuses anything else in
plain words, so a rule read from a file is never half understood.

A repeating clinic appointment keeps the same RRULE text with what a series of visits
needs (:func:`parse_repeat`, :func:`describe_repeat`, :func:`repeat_dates`: every N days,
weeks on chosen weekdays, or months; until a day or a number of times), read apart from a
dose schedule so that neither accepts the other's rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule, weekday

from tracker.i18n import N_, tr, trc, trn
from tracker.i18n.formats import date_text, time_text

AS_NEEDED = ""

# RFC 5545 weekday codes, Monday first (datetime.date.weekday() order).
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
"""The weekdays in English, Monday first; :func:`day_name` gives one in the language."""


def day_name(day: int) -> str:
    """The weekday ``day`` (0 = Monday) in the current language."""
    return tr(DAY_NAMES[day])


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
        raise ValueError(tr("a weekly schedule needs at least one weekday"))
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
        return Parsed("as needed")  # i18n: not shown
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        key, sep, value = part.partition("=")
        key = key.strip().upper()
        if not sep or key not in _KEYS or key in parts:
            raise ValueError(
                tr(
                    "the schedule {rule} is not one this program keeps: daily, every N days, "
                    "weekly on chosen weekdays (each at chosen hours), or as needed"
                ).format(rule=repr(rule))
            )
        parts[key] = value.strip().upper()
    freq = parts.get("FREQ")
    if freq not in ("DAILY", "WEEKLY"):
        raise ValueError(
            tr(
                "the schedule {rule} must repeat daily or weekly (FREQ=DAILY or FREQ=WEEKLY)"
            ).format(rule=repr(rule))
        )
    interval = 1
    if "INTERVAL" in parts:
        text = parts["INTERVAL"]
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 366:
            raise ValueError(
                tr("the schedule's interval {text} must be a whole number from 1 to 366").format(
                    text=repr(text)
                )
            )
        interval = int(text)
    weekdays: tuple[int, ...] = ()
    if "BYDAY" in parts:
        if freq != "WEEKLY":
            raise ValueError(tr("weekdays (BYDAY) belong to a weekly schedule only"))
        codes = [code.strip() for code in parts["BYDAY"].split(",")]  # "SA, SU" too
        if any(code not in DAY_CODES for code in codes) or len(set(codes)) != len(codes):
            raise ValueError(
                tr(
                    "the schedule's weekdays {text} must be among MO,TU,WE,TH,FR,SA,SU, each once"
                ).format(text=repr(parts["BYDAY"]))
            )
        weekdays = tuple(sorted(DAY_CODES.index(code) for code in codes))
    elif freq == "WEEKLY":
        raise ValueError(tr("a weekly schedule names its weekdays (BYDAY=FR, BYDAY=SA,SU)"))
    if freq == "WEEKLY" and interval != 1:
        raise ValueError(
            tr(
                "a weekly schedule repeats every week (every N days is a daily schedule with "
                "INTERVAL)"
            )
        )
    hours: tuple[int, ...] = ()
    if "BYHOUR" in parts:
        texts = [t.strip() for t in parts["BYHOUR"].split(",")]  # "8, 20" too
        if any(not t.isascii() or not t.isdigit() or not 0 <= int(t) <= 23 for t in texts):
            raise ValueError(
                tr("the schedule's hours {text} must be whole hours from 0 to 23").format(
                    text=repr(parts["BYHOUR"])
                )
            )
        hours = tuple(sorted({int(t) for t in texts}))
        if len(hours) != len(texts):
            raise ValueError(
                tr("the schedule's hours {text} name an hour twice").format(
                    text=repr(parts["BYHOUR"])
                )
            )
    return Parsed("daily" if freq == "DAILY" else "weekly", interval, weekdays, hours)


def describe(rule: str) -> str:
    """The schedule in words: "daily", "every 2 days", "weekly on Friday", "on Saturday and
    Sunday each week, at 08:00 and 20:00", "as needed"."""
    p = parse(rule)
    if p.freq == "as needed":  # i18n: not shown
        return tr("as needed")
    if p.freq == "daily":
        if p.interval == 1:
            text = tr("daily")
        else:
            text = trn("every {n} day", "every {n} days", p.interval).format(n=p.interval)
    else:
        names = [day_name(d) for d in p.weekdays]
        if p.weekdays == (0, 1, 2, 3, 4):
            text = tr("on weekdays (Monday to Friday)")
        elif len(names) == 1:
            text = tr("weekly on {day}").format(day=names[0])
        else:
            text = tr("on {days} each week").format(days=_names(names))
    if p.hours:
        times = [time_text(dt.time(h)) for h in p.hours]
        text = tr("{schedule}, at {times}").format(schedule=text, times=_names(times))
    return text


def occurrences(
    rule: str, start: dt.date, end: dt.date | None, first: dt.date, last: dt.date
) -> list[tuple[dt.date, dt.time | None]]:
    """The due doses of a plan running ``start`` … ``end`` (open: ``None``) that fall on
    ``first`` … ``last`` (both included), in order: (date, hour of day or ``None``)."""
    p = parse(rule)
    if p.freq == "as needed":  # i18n: not shown
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


# ---------------------------------------------------------------------- appointments
# A clinic visit that repeats ("counts every 2 weeks on Tuesday", "LP every 12 weeks"): the
# same RRULE text, with what a series of visits needs and a dose schedule does not (every N
# weeks, every N months, until a day or a number of times) and without hours (the
# appointment has its own time).  The series' first date is the appointment's date (the
# iCalendar DTSTART): a weekly rule names that date's weekday, so the first date is one of
# the rule's dates in this program and in every calendar the file goes to.

_REPEAT_KEYS = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}
_FREQS = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly"}
MAX_COUNT = 1000
MAX_INTERVAL = 366  # every 366 days, weeks or months at most
NO_REPEAT = ""


class Repeat:
    """A series read: ``freq`` "daily" / "weekly" / "monthly", ``interval`` in days, weeks
    or months, ``weekdays`` (0 = Monday) for a weekly one (empty: the first date's weekday),
    ``until`` (the last day it may fall on) or ``count`` (how many times), or neither
    (open-ended)."""

    __slots__ = ("count", "freq", "interval", "until", "weekdays")

    def __init__(
        self,
        freq: str,
        interval: int = 1,
        weekdays: tuple[int, ...] = (),
        until: dt.date | None = None,
        count: int | None = None,
    ) -> None:
        self.freq = freq
        self.interval = interval
        self.weekdays = weekdays
        self.until = until
        self.count = count


def repeat_rule(
    freq: str,
    interval: int = 1,
    weekdays: Iterable[int] = (),
    until: dt.date | None = None,
    count: int | None = None,
) -> str:
    """The RRULE text of a series ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270601")."""
    code = {v: k for k, v in _FREQS.items()}[freq]
    parts = [f"FREQ={code}"]
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    days = sorted(set(weekdays))
    if days:
        parts.append("BYDAY=" + ",".join(DAY_CODES[d] for d in days))
    if until is not None:
        parts.append(f"UNTIL={until:%Y%m%d}")
    if count is not None:
        parts.append(f"COUNT={count}")
    return ";".join(parts)


def parse_repeat(rule: str) -> Repeat | None:
    """``rule`` read (None: it does not repeat), or ValueError in plain words."""
    if rule == NO_REPEAT:
        return None
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        key, sep, value = part.partition("=")
        key = key.strip().upper()
        if not sep or key not in _REPEAT_KEYS or key in parts:
            raise ValueError(
                tr(
                    "the repeat {rule} is not one this program keeps: every N days, every N "
                    "weeks on chosen weekdays or every N months, until a day or a number of "
                    "times"
                ).format(rule=repr(rule))
            )
        parts[key] = value.strip().upper()
    freq = _FREQS.get(parts.get("FREQ", ""))
    if freq is None:
        raise ValueError(
            tr(
                "the repeat {rule} must be daily, weekly or monthly "
                "(FREQ=DAILY, FREQ=WEEKLY or FREQ=MONTHLY)"
            ).format(rule=repr(rule))
        )
    interval = 1
    if "INTERVAL" in parts:
        text = parts["INTERVAL"]
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_INTERVAL:
            raise ValueError(
                tr("the repeat's interval {text} must be a whole number from 1 to {most}").format(
                    text=repr(text), most=MAX_INTERVAL
                )
            )
        interval = int(text)
    weekdays: tuple[int, ...] = ()
    if "BYDAY" in parts:
        if freq != "weekly":
            raise ValueError(tr("weekdays (BYDAY) belong to a weekly repeat only"))
        codes = [code.strip() for code in parts["BYDAY"].split(",")]
        if any(code not in DAY_CODES for code in codes) or len(set(codes)) != len(codes):
            raise ValueError(
                tr(
                    "the repeat's weekdays {text} must be among MO,TU,WE,TH,FR,SA,SU, each once"
                ).format(text=repr(parts["BYDAY"]))
            )
        weekdays = tuple(sorted(DAY_CODES.index(code) for code in codes))
    if "UNTIL" in parts and "COUNT" in parts:
        raise ValueError(
            tr("a repeat ends on a day (UNTIL) or after a number of times (COUNT), not both")
        )
    until = None
    if "UNTIL" in parts:
        # the day alone (docs/export-format.md): a date-time UNTIL would be a moment that
        # RFC 5545 reads in DTSTART's zone, excluding that day's later hours
        text = parts["UNTIL"]
        try:
            if not re.fullmatch(r"[0-9]{8}", text):
                raise ValueError
            until = dt.datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            raise ValueError(
                tr(
                    "the repeat's last day {text} must be a day written YYYYMMDD "
                    "(UNTIL=20270601), without a time"
                ).format(text=repr(text))
            ) from None
    count = None
    if "COUNT" in parts:
        text = parts["COUNT"]
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
            raise ValueError(
                tr(
                    "the repeat's number of times {text} must be a whole number from 1 to {most}"
                ).format(text=repr(text), most=MAX_COUNT)
            )
        count = int(text)
    return Repeat(freq, interval, weekdays, until, count)


def normal_repeat(rule: str) -> str:
    """``rule`` in the one form it is kept in (upper case, FREQ, INTERVAL, BYDAY, UNTIL,
    COUNT in that order, no INTERVAL=1); a rule this program does not keep is returned as
    it is, for :func:`repeat_problem` to name."""
    try:
        r = parse_repeat(rule.strip())
    except ValueError:
        return rule
    if r is None:
        return NO_REPEAT
    return repeat_rule(r.freq, r.interval, r.weekdays, r.until, r.count)


def repeat_problem(rule: str) -> str | None:
    """Why ``rule`` is not a repeat this program keeps, in plain words, or ``None``."""
    try:
        parse_repeat(rule)
    except ValueError as exc:
        return str(exc)
    return None


def ordinal(n: int) -> str:
    """``n`` as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 31st."""
    if n % 100 in (11, 12, 13):
        return trc("ordinal", "{n}th").format(n=n)
    if n % 10 == 1:
        return trc("ordinal", "{n}st").format(n=n)
    if n % 10 == 2:
        return trc("ordinal", "{n}nd").format(n=n)
    if n % 10 == 3:
        return trc("ordinal", "{n}rd").format(n=n)
    return trc("ordinal", "{n}th").format(n=n)


def _names(names: Sequence[str]) -> str:
    """ "a, b and c" in the current language."""
    if len(names) == 1:
        return names[0]
    return tr("{items} and {last}").format(items=", ".join(names[:-1]), last=names[-1])


def describe_repeat(rule: str, start: dt.date | None = None) -> str:
    """The series in words: "every 2 weeks on Tuesday", "every 12 weeks", "weekly on Monday
    and Thursday, until 2027-06-01", "every month, 6 times" ("every month on the 3rd, 6
    times" given its first date ``start``); "" when it does not repeat."""
    r = parse_repeat(rule)
    if r is None:
        return ""
    n = r.interval
    if r.freq == "daily":
        text = tr("every day") if n == 1 else trn("every {n} day", "every {n} days", n)
    elif r.freq == "weekly":
        text = tr("weekly") if n == 1 else trn("every {n} week", "every {n} weeks", n)
    else:
        text = tr("every month") if n == 1 else trn("every {n} month", "every {n} months", n)
    text = text.format(n=n)
    if r.weekdays:
        text = tr("{repeat} on {days}").format(
            repeat=text, days=_names([day_name(d) for d in r.weekdays])
        )
    if r.freq == "monthly" and start is not None:
        text = tr("{repeat} on the {ordinal}").format(repeat=text, ordinal=ordinal(start.day))
    if r.until is not None:
        text = tr("{repeat}, until {date}").format(repeat=text, date=date_text(r.until))
    if r.count is not None:
        text = trn("{repeat}, once", "{repeat}, {n} times", r.count).format(repeat=text, n=r.count)
    return text


def repeat_set(rule: str, start: dt.date) -> rrule | None:
    """The series' dates as a ``dateutil`` rule from ``start`` (the iCalendar DTSTART, at
    midnight; the UNTIL day included), or None when ``rule`` does not repeat."""
    r = parse_repeat(rule)
    if r is None:
        return None
    freq: Literal[1, 2, 3] = MONTHLY if r.freq == "monthly" else WEEKLY
    if r.freq == "daily":
        freq = DAILY
    return rrule(
        freq,
        interval=r.interval,
        byweekday=[weekday(d) for d in r.weekdays] or None,
        dtstart=dt.datetime.combine(start, dt.time()),
        until=dt.datetime.combine(r.until, dt.time()) if r.until else None,
        count=r.count,
    )


def repeat_dates(rule: str, start: dt.date, first: dt.date, last: dt.date) -> list[dt.date]:
    """The series' dates that fall on ``first`` … ``last`` (both included), in order; a
    rule that does not repeat has the one date ``start``."""
    rr = repeat_set(rule, start)
    if rr is None:
        return [start] if first <= start <= last else []
    days = rr.between(
        dt.datetime.combine(first, dt.time()), dt.datetime.combine(last, dt.time()), inc=True
    )
    return [d.date() for d in days]


def start_problem(rule: str, start: dt.date) -> str | None:
    """Why a series of ``rule`` cannot start on ``start``, in plain words, or None: its
    first date must be one of its dates, and it must have at least that one."""
    r = parse_repeat(rule)
    if r is None:
        return None
    if r.until is not None and r.until < start:
        return tr(
            "the repeat ends on {until}, before its first date {start}, so it would never take "
            "place; choose an earlier date or a later last day"
        ).format(until=date_text(r.until), start=date_text(start))
    if r.weekdays and start.weekday() not in r.weekdays:
        days = _names([day_name(d) for d in r.weekdays])
        return tr(
            "the first date {date} is a {day}, not a {days}; change the date or the days"
        ).format(date=date_text(start), day=day_name(start.weekday()), days=days)
    if r.freq == "monthly" and start.day > 28:
        return tr(
            "a monthly repeat from the {ordinal} would skip the months without that day; "
            "choose a date from the 1st to the 28th"
        ).format(ordinal=ordinal(start.day))
    return None
