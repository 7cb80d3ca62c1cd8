"""The dates an importer accepts at all, before any rule of the record is asked.

``summary --from 0001-01-01`` crashed the PDF writer (issue 9), and a date
nine thousand years ahead in an import file would reach it the same way.  So a
date read from a file lies between :data:`EARLIEST` and :data:`YEARS_AHEAD`
years after today; the rules of each kind (``tracker.forms.validate_*``: not
before the child's birth, not in the future for a blood count…) then narrow it.

This is the importers' own check until the shared window in ``tracker.dates``
is there; the two should become one.
"""

from __future__ import annotations

import datetime as dt

EARLIEST = dt.date(1900, 1, 1)  # no one alive was born before it
YEARS_AHEAD = 5  # appointments and planned phases are months ahead, not years


def latest(today: dt.date) -> dt.date:
    """The last day a file may name: :data:`YEARS_AHEAD` years after ``today``."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def outside(d: dt.date, today: dt.date) -> str | None:
    """Why ``d`` is not a date the program accepts, or None."""
    last = latest(today)
    if EARLIEST <= d <= last:
        return None
    return (
        f"{d.isoformat()} is outside the dates the program keeps "
        f"({EARLIEST.isoformat()} to {last.isoformat()})"
    )
