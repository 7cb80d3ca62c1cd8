"""Where the child is in treatment: the current phase, its day, what comes next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.dates import day_of_phase
from tracker.model import Appointment, CnsVisit, Milestone, Phase
from tracker.visits import next_visits


@dataclass(frozen=True, slots=True)
class CurrentPhase:
    phase: Phase
    day: int

    @property
    def label(self) -> str:
        return f"{self.phase.display_name} · day {self.day}"


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


@dataclass(frozen=True, slots=True)
class NextEvent:
    date: dt.date
    label: str
    time: dt.time | None = None  # an appointment's


def next_planned(
    phases: Iterable[Phase],
    milestones: Iterable[Milestone],
    visits: Iterable[CnsVisit],
    today: dt.date,
    milestone_labels: dict[str, str] | None = None,
    appointments: Iterable[Appointment] = (),
    planned: Iterable[NextEvent] = (),
    now: dt.time | None = None,
) -> NextEvent | None:
    """The nearest future phase start, milestone, lumbar puncture, clinic appointment or
    ``planned`` item of a roadmap (its LPs and MRD checks: tracker.roadmap.child); an
    appointment later today (its time not passed at ``now``, or none given) is next."""
    candidates: list[NextEvent] = [e for e in planned if e.date > today]
    for p in phases:
        if p.actual_start is None and p.planned_start is not None and p.planned_start > today:
            candidates.append(NextEvent(p.planned_start, f"{p.display_name} starts"))
    labels = milestone_labels or {}
    for m in milestones:
        if m.date > today:
            candidates.append(NextEvent(m.date, labels.get(m.kind.value, m.kind.value)))
    for v in visits:
        if v.date > today:
            candidates.append(NextEvent(v.date, "Lumbar puncture"))
    for due in next_visits(list(appointments), today, 1, now=now):  # a series' next date
        who = f" ({due.with_whom})" if due.with_whom else ""
        candidates.append(NextEvent(due.date, f"Appointment{who}", due.time))
    return min(candidates, key=lambda e: e.date) if candidates else None
