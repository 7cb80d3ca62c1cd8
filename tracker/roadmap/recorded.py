"""What "It really started on…" does to the phase entry itself, in words, for the preview.

A phase the family recorded already (it has a *Started on*) gets a new real start and keeps
its recorded end: a block that really began three days earlier than written down still
ended when it ended, so only the start changes and the phase is that much longer (or
shorter).  The preview says so before anything is saved (walkthrough finding 2).
"""

from __future__ import annotations

import datetime as dt

from tracker.i18n import tr
from tracker.i18n.formats import date_text
from tracker.model import Phase
from tracker.roadmap.shift import days_text


def real_start_change(phase: Phase, day: dt.date, today: dt.date) -> str:
    """The sentence for the phase entry whose real start becomes ``day``."""
    name = phase.display_name
    old = phase.actual_start
    if old is None:
        if phase.planned_start:
            return tr(
                "{phase} (planned to start {planned}): its real start is recorded as {date}."
            ).format(phase=name, planned=date_text(phase.planned_start), date=date_text(day))
        return tr("{phase}: its real start is recorded as {date}.").format(
            phase=name, date=date_text(day)
        )
    if old == day:
        return tr("{phase} (recorded): its start stays {date}.").format(
            phase=name, date=date_text(day)
        )
    values = {"phase": name, "old": date_text(old), "new": date_text(day)}
    end = phase.actual_end
    if end is not None:
        before, after = (end - old).days + 1, (end - day).days + 1
        return tr(
            "{phase} (recorded): start {old} → {new}; only the start changes, its end stays "
            "{end}, so it is {days} instead of {days_before}."
        ).format(end=date_text(end), days=days_text(after), days_before=days_text(before), **values)
    if phase.planned_end:
        head = tr(
            "{phase} (recorded): start {old} → {new}; only the start changes; no end is "
            "recorded yet (its planned end stays {planned_end})"
        ).format(planned_end=date_text(phase.planned_end), **values)
    else:
        head = tr(
            "{phase} (recorded): start {old} → {new}; only the start changes; no end is "
            "recorded yet"
        ).format(**values)
    if day <= today and old <= today:
        return tr("{text}, so today is day {day} of it instead of {day_before}.").format(
            text=head, day=(today - day).days + 1, day_before=(today - old).days + 1
        )
    return tr("{text}.").format(text=head)
