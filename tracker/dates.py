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

from tracker.i18n import formats, tr, trc, trn

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
"""A date as files keep it: YYYY-MM-DD and nothing else."""
_LOCAL_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$", re.ASCII)
"""A date typed in the locale's order: two numbers of one or two digits and a four-digit
year, with the same "/", "." or "-" between them ("01/05/2026", "1.5.2026")."""
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$", re.ASCII)
"""Hours and minutes: "09:30", "9:30", "9.30", "9h30" (as French writes it)."""
DATE_ORDERS = ("DMY", "MDY", "YMD")

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

    def problem(self, d: dt.date, field: str = "") -> str | None:
        """The plain sentence saying why ``d`` (the field called ``field``, "Date" in the
        current language when not given) is outside the window, or None."""
        field = field or tr("Date")
        if d < self.earliest:
            if self.from_birth:
                message = tr(
                    "{field}: {date} is before the date of birth ({earliest}); check the year"
                )
            else:
                message = tr(
                    "{field}: {date} is before the earliest date accepted ({earliest}); "
                    "check the year"
                )
            return message.format(
                field=field, date=formats.date_text(d), earliest=formats.date_text(self.earliest)
            )
        if d > self.latest:
            return tr(
                "{field}: {date} is more than {years} years ahead (the latest date accepted "
                "is {latest}); check the year"
            ).format(
                field=field,
                date=formats.date_text(d),
                years=YEARS_AHEAD,
                latest=formats.date_text(self.latest),
            )
        return None

    def check(self, d: dt.date, field: str = "") -> dt.date:
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
"""The months as short English words (the keys of :func:`short_month`)."""


def short_month(month: int) -> str:
    """The month as a short word in the current language ("Mar"; the timeline's ticks)."""
    names = (
        trc("short month", "Jan"),
        trc("short month", "Feb"),
        trc("short month", "Mar"),
        trc("short month", "Apr"),
        trc("short month", "May"),
        trc("short month", "Jun"),
        trc("short month", "Jul"),
        trc("short month", "Aug"),
        trc("short month", "Sep"),
        trc("short month", "Oct"),
        trc("short month", "Nov"),
        trc("short month", "Dec"),
    )
    return names[month - 1]


def day_month(d: dt.date) -> str:
    """ "12 Mar": the day and the month, as the timeline's ticks and the plan say them."""
    return tr("{day} {month}").format(day=d.day, month=short_month(d.month))


def future_problem(
    label: str, value: dt.date, today: dt.date, local_today: dt.date | None = None
) -> str:
    """Why ``value`` is refused as after ``today``.  ``local_today`` is the family's own
    date when ``today`` is a later one allowed for an export from a zone ahead (an import):
    the message then names the family's today, never the later date it was measured by."""
    if local_today is not None:
        return tr("{field}: {date} is after today ({today})").format(
            field=label, date=formats.date_text(value), today=formats.date_text(local_today)
        )
    return tr("{field}: {date} is in the future; today is {today}").format(
        field=label, date=formats.date_text(value), today=formats.date_text(today)
    )


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February, or past the calendar's end
        return d + relativedelta(years=years) if d.year + years <= dt.MAXYEAR else dt.date.max


def parse_date(
    text: str, field: str = "", window: DateWindow | None = None, order: str | None = None
) -> dt.date:
    """The date typed: ISO 8601 (2026-05-01) always, and in a locale that writes dates
    day first ("DMY") or month first ("MDY") also "01/05/2026", "1.5.2026" or "1-5-2026"
    in that order, with the year in full.  ``order`` is the locale's
    (:attr:`tracker.i18n.formats.Formats.date_order` when not given); "YMD" takes ISO only."""
    if order is None:
        order = formats.current().date_order
    field = field or tr("Date")
    s = text.strip()
    if not s:
        raise ValueError(
            _date_example(
                order,
                tr("{field}: please enter the date, as year-month-day (e.g. {example})"),
                tr("{field}: please enter the date, as day/month/year (e.g. {example})"),
                tr("{field}: please enter the date, as month/day/year (e.g. {example})"),
            ).format(field=field, example=_EXAMPLES[order])
        )
    if ISO_DATE.match(s):
        year, month, day = int(s[:4]), int(s[5:7]), int(s[8:])
    else:
        local = _LOCAL_DATE.match(s) if order in ("DMY", "MDY") else None
        if local is None:
            raise ValueError(
                _date_example(
                    order,
                    tr(
                        "{field}: “{text}” is not a date; "
                        "write it as year-month-day, e.g. {example}"
                    ),
                    tr(
                        "{field}: “{text}” is not a date; "
                        "write it as day/month/year, e.g. {example}"
                    ),
                    tr(
                        "{field}: “{text}” is not a date; "
                        "write it as month/day/year, e.g. {example}"
                    ),
                ).format(field=field, text=s, example=_EXAMPLES[order])
            )
        first, second, year = int(local.group(1)), int(local.group(3)), int(local.group(4))
        day, month = (first, second) if order == "DMY" else (second, first)
    try:
        d = dt.date(year, month, day)
    except ValueError:
        raise ValueError(
            tr("{field}: {text} is not a day of the calendar").format(field=field, text=s)
        ) from None
    return d if window is None else window.check(d, field)


_EXAMPLES = {"YMD": "2026-03-14", "DMY": "14/03/2026", "MDY": "03/14/2026"}
"""A date written as the family may type it in each order (ISO is accepted in all)."""


def _date_example(order: str, ymd: str, dmy: str, mdy: str) -> str:
    """The sentence for ``order``: each is a whole sentence of its own, for translators."""
    return {"DMY": dmy, "MDY": mdy}.get(order, ymd)


def date_as_typed(value: dt.date, order: str | None = None) -> str:
    """``value`` written as the family types a date in ``order`` (the locale's when not
    given), with the year in full: "01/05/2026" (DMY), "05/01/2026" (MDY), ISO (YMD).
    What a date box shows: :func:`parse_date` reads it back to ``value``."""
    if order is None:
        order = formats.current().date_order
    day, month, year = f"{value.day:02d}", f"{value.month:02d}", f"{value.year:04d}"
    if order == "DMY":
        return f"{day}/{month}/{year}"
    if order == "MDY":
        return f"{month}/{day}/{year}"
    return value.isoformat()


def ambiguous_date(text: str, order: str) -> bool:
    """Whether ``text``, read in ``order``, could also be read with day and month swapped
    ("01/05/2026": 1 May or 5 January): both numbers are 12 or less and differ.  ISO text
    and text that is not a date are never ambiguous (the window shows such a date back in
    words before saving: :func:`tracker.i18n.formats.date_in_words`)."""
    if order not in ("DMY", "MDY"):
        return False
    local = _LOCAL_DATE.match(text.strip())
    if local is None:
        return False
    first, second = int(local.group(1)), int(local.group(3))
    return 1 <= first <= 12 and 1 <= second <= 12 and first != second


def read_back(text: str, order: str | None = None) -> str | None:
    """The date ``text`` stands for in words ("1 May 2026", :func:`formats.date_in_words`)
    when it could be read two ways in ``order`` (the locale's when not given), for the
    window to show before saving; None when it cannot be misread or is not a date."""
    if order is None:
        order = formats.current().date_order
    if not ambiguous_date(text, order):
        return None
    try:
        return formats.date_in_words(parse_date(text, order=order))
    except ValueError:
        return None


def parse_optional_date(
    text: str | None,
    field: str = "",
    window: DateWindow | None = None,
    order: str | None = None,
) -> dt.date | None:
    if text is None or not text.strip():
        return None
    return parse_date(text, field, window, order)


def parse_time(text: str, field: str = "") -> dt.time:
    """Hours and minutes, 24-hour: "09:30", "9:30", "9.30" or "9h30" (``field``: "Time" in
    the current language when not given)."""
    field = field or tr("Time")
    s = text.strip()
    found = _TIME.match(s)
    if found is None:
        raise ValueError(
            tr("{field}: “{text}” is not a time; write it as hours:minutes, e.g. {example}").format(
                field=field, text=s, example="08:30"
            )
        )
    try:
        return dt.time(int(found.group(1)), int(found.group(2)))
    except ValueError:
        raise ValueError(
            tr("{field}: {text} is not a time of day").format(field=field, text=s)
        ) from None


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def age(birth: dt.date, on: dt.date) -> relativedelta:
    return relativedelta(on, birth)


def format_age(birth: dt.date, on: dt.date) -> str:
    """ "4 months 12 days", "1 year 2 months"; before birth is an error."""
    if on < birth:
        raise ValueError("the date is before the date of birth")  # i18n: not shown
    r = age(birth, on)
    months = r.years * 12 + r.months
    if months >= 24:
        if r.months:
            return tr("{years} {months}").format(years=_years(r.years), months=_months(r.months))
        return _years(r.years)
    if months == 0:
        return trn("{n} day", "{n} days", r.days).format(n=r.days)
    if r.days == 0:
        return _months(months)
    return tr("{months} {days}").format(
        months=_months(months), days=trn("{n} day", "{n} days", r.days).format(n=r.days)
    )


def _years(n: int) -> str:
    return trn("{n} year", "{n} years", n).format(n=n)


def _months(n: int) -> str:
    return trn("{n} month", "{n} months", n).format(n=n)


def day_of_phase(start: dt.date, on: dt.date) -> int:
    """Day 1 is the first day of the phase (the protocol convention)."""
    return (on - start).days + 1
