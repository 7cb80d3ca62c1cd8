"""The one place the program reads the wall clock; everything else is handed a ``Clock``.

Tests pass a fixed clock instead (tests/test_clock.py keeps it so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """Now, as an aware datetime in this computer's time zone."""
    return dt.datetime.now().astimezone()
