"""What "It really started on…" does to the phase entry itself, in words, for the preview.

A phase the family recorded already (it has a *Started on*) gets a new real start and keeps
its recorded end: a block that really began three days earlier than written down still
ended when it ended, so only the start changes and the phase is that much longer (or
shorter).  The preview says so before anything is saved (walkthrough finding 2).
"""

from __future__ import annotations

import datetime as dt

from tracker.model import Phase


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def real_start_change(phase: Phase, day: dt.date, today: dt.date) -> str:
    """The sentence for the phase entry whose real start becomes ``day``."""
    name = phase.display_name
    old = phase.actual_start
    if old is None:
        planned = (
            f" (planned to start {phase.planned_start.isoformat()})" if phase.planned_start else ""
        )
        return f"{name}{planned}: its real start is recorded as {day.isoformat()}."
    if old == day:
        return f"{name} (recorded): its start stays {day.isoformat()}."
    head = f"{name} (recorded): start {old.isoformat()} → {day.isoformat()}; only the start changes"
    end = phase.actual_end
    if end is not None:
        before, after = (end - old).days + 1, (end - day).days + 1
        return (
            f"{head}, its end stays {end.isoformat()}, so it is {_days(after)} instead of "
            f"{_days(before)}."
        )
    planned_end = (
        f" (its planned end stays {phase.planned_end.isoformat()})" if phase.planned_end else ""
    )
    text = f"{head}; no end is recorded yet{planned_end}"
    if day <= today and old <= today:
        text += (
            f", so today is day {(today - day).days + 1} of it instead of {(today - old).days + 1}"
        )
    return text + "."
