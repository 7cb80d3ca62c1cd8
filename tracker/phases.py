"""Where the child is in treatment: the current phase and its day (what comes next:
tracker.upcoming)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.dates import day_of_phase
from tracker.i18n import tr
from tracker.model import Phase


@dataclass(frozen=True, slots=True)
class CurrentPhase:
    phase: Phase
    day: int

    @property
    def label(self) -> str:
        return tr("{phase} · day {day}").format(phase=self.phase.display_name, day=self.day)


def current_phase(phases: Iterable[Phase], today: dt.date) -> CurrentPhase | None:
    """The phase running today; when several overlap, the one that started last.

    Actual dates win over planned ones, and a phase that really started (``actual_start``)
    wins over a planned one whose planned dates cover today (a roadmap applied in the
    past): a planned phase counts only when no real phase is running.  A phase with a
    start and no end is running from its start on.
    """
    running: list[Phase] = []
    for p in phases:
        start, end = p.start, _end(p)
        if start is not None and start <= today and (end is None or today <= end):
            running.append(p)
    real = [p for p in running if p.actual_start is not None]
    running = real or running
    if not running:
        return None
    phase = max(running, key=lambda p: (p.start, p.id or 0))
    assert phase.start is not None
    return CurrentPhase(phase, day_of_phase(phase.start, today))


def _end(p: Phase) -> dt.date | None:
    """A phase that has actually started runs until its actual end is entered; the planned
    end only bounds a phase that is still all plan (treatment is often delayed)."""
    return p.actual_end if p.actual_start is not None else p.planned_end
