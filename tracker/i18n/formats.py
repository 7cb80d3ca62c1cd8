"""How dates, times and numbers read in messages: the window installs its own (QLocale,
the family's locale); without it (the command line, tests) dates stay ISO 8601.

``tracker/`` cannot use QLocale, so a message built here formats its typed values through
these functions, and the window's :class:`Formats` decides how they read.
"""

from __future__ import annotations

import datetime as dt

from tracker.i18n import trc


class Formats:
    """ISO dates, 24-hour times and a decimal point: the files' own forms, and what the
    program shows where no locale was installed."""

    decimal_point = "."
    """The decimal separator a number is shown with (files always keep ".")."""

    date_order = "YMD"
    """The order in which the family types a date with slashes or dots: "DMY", "MDY" or
    "YMD" (ISO only)."""

    def date(self, value: dt.date) -> str:
        return value.isoformat()

    def time(self, value: dt.time) -> str:
        return value.strftime("%H:%M")

    def date_time(self, value: dt.datetime) -> str:
        return f"{self.date(value.date())} {self.time(value.time())}"

    def number(self, value: float, decimals: int | None = None) -> str:
        if decimals is None:
            text = f"{value:g}" if isinstance(value, float) else str(value)
        else:
            text = f"{value:.{decimals}f}"
        return text

    def date_in_words(self, value: dt.date) -> str:
        """A date no reader can take two ways: "1 May 2026" (its month in the language)."""
        return f"{value.day} {month_name(value.month)} {value.year}"


def month_name(month: int) -> str:
    """The month's name in the current language (months are named in a date in words)."""
    names = (
        trc("month", "January"),
        trc("month", "February"),
        trc("month", "March"),
        trc("month", "April"),
        trc("month", "May"),
        trc("month", "June"),
        trc("month", "July"),
        trc("month", "August"),
        trc("month", "September"),
        trc("month", "October"),
        trc("month", "November"),
        trc("month", "December"),
    )
    return names[month - 1]


_formats: Formats = Formats()


def install(formats: Formats) -> None:
    """Format every value from now on with ``formats`` (the window's locale)."""
    global _formats
    _formats = formats


def current() -> Formats:
    return _formats


def date_text(value: dt.date) -> str:
    return _formats.date(value)


def time_text(value: dt.time) -> str:
    return _formats.time(value)


def date_time_text(value: dt.datetime) -> str:
    return _formats.date_time(value)


def number_text(value: float, decimals: int | None = None) -> str:
    return _formats.number(value, decimals)


def decimal_text(text: str) -> str:
    """A number already written with a decimal point (``analytes.format_number``), shown
    with the locale's separator: "0.5" → "0,5" in Spanish and French."""
    point = _formats.decimal_point
    return text if point == "." else text.replace(".", point)


def date_in_words(value: dt.date) -> str:
    return _formats.date_in_words(value)
