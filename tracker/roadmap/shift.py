"""Plans that move: what a phase's real start or end (on another day than planned) moves.

:func:`preview_shift` works the plan out before and after the new fact and lists every
item whose date changes, with the reason shown to the family ("moved 3 days after IB
started late").  Items fixed by hand never move (the arithmetic leaves them where they
are), nor do the items that chain after them.  A shift that would put an item before the
child's birth, or make a phase end before it starts, is refused with a plain message and
changes nothing (nothing here stores anything: the caller applies ``Shift.facts``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from tracker.roadmap.plan import Facts, Plan, PlanItem, What, compute_plan
from tracker.roadmap.read import RoadmapError
from tracker.roadmap.template import Template


@dataclass(frozen=True, slots=True)
class Move:
    item: PlanItem  # as it is after the shift
    old: dt.date | None
    new: dt.date | None
    reason: str  # "moved 3 days after IB started late"


@dataclass(frozen=True, slots=True)
class Shift:
    facts: Facts  # the facts with the new real start or end: what to apply
    before: Plan
    after: Plan
    moves: tuple[Move, ...]  # the other items whose date changes, in plan order


def preview_shift(
    template: Template,
    arm: str,
    facts: Facts,
    phase: str,
    *,
    started: dt.date | None = None,
    ended: dt.date | None = None,
    birth: dt.date | None = None,
) -> Shift:
    """What moves when ``phase`` really started (or ended) on that day; RoadmapError if the
    result is impossible (before ``birth``, or an end before its start)."""
    if (started is None) == (ended is None):
        raise ValueError("give either started or ended")
    before = compute_plan(template, arm, facts)
    p = template.phase(phase)
    if p is None or phase not in before.phases:
        raise RoadmapError(
            f"The roadmap “{template.protocol}” has no phase “{phase}” in the arm “{arm}”."
        )
    if started is not None:
        event, day, verb = f"{phase}.start", started, "started"
        new_facts = replace(facts, started={**facts.started, phase: started})
    else:
        assert ended is not None
        event, day, verb = f"{phase}.end", ended, "ended"
        new_facts = replace(facts, ended={**facts.ended, phase: ended})
    if birth is not None and day < birth:
        raise RoadmapError(
            f"{p.name} cannot have {verb} on {day.isoformat()}: that is before the child's "
            f"birth ({birth.isoformat()}); check the date. Nothing was changed."
        )
    after = compute_plan(template, arm, new_facts)
    old_day = before.item(event).date
    how = f"{verb} on {day.isoformat()}"
    if old_day is not None and day != old_day:
        how = f"{verb} {'late' if day > old_day else 'early'}"
    moves: list[Move] = []
    for item in after.items:
        old = before.item(item.id).date
        if item.id == event or item.date == old:
            continue
        moves.append(Move(item, old, item.date, _reason(old, item.date, p.name, how)))
    refuse_impossible(after, moves, birth)
    return Shift(new_facts, before, after, tuple(moves))


def shift_start_by(
    template: Template,
    arm: str,
    facts: Facts,
    phase: str,
    days: int,
    birth: dt.date | None = None,
) -> Shift:
    """:func:`preview_shift` for a phase that really starts ``days`` after its date in the
    plan (before it, for a negative number)."""
    current = compute_plan(template, arm, facts)
    if phase not in current.phases:
        raise RoadmapError(
            f"The roadmap “{template.protocol}” has no phase “{phase}” in the arm “{arm}”."
        )
    start = current.item(f"{phase}.start")
    if start.date is None:
        raise RoadmapError(
            f"The start of {start.phase_name} is not known yet ({start.why_unknown}), so it "
            "cannot be moved by a number of days; enter the day it really started instead."
        )
    try:
        day = start.date + dt.timedelta(days=days)
    except OverflowError:
        raise RoadmapError(
            f"{start.phase_name} cannot start {days:,} days from {start.date.isoformat()}: "
            "that is outside the calendar. Nothing was changed."
        ) from None
    return preview_shift(template, arm, facts, phase, started=day, birth=birth)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _reason(old: dt.date | None, new: dt.date | None, name: str, how: str) -> str:
    if old is None:
        return f"dated now that {name} {how}"
    if new is None:
        return f"no longer dated now that {name} {how}"
    delta = (new - old).days
    if delta > 0:
        return f"moved {_days(delta)} after {name} {how}"
    return f"moved {_days(-delta)} earlier after {name} {how}"


def refuse_impossible(after: Plan, moves: list[Move], birth: dt.date | None) -> None:
    """RoadmapError (a plain message) if a move puts an item before ``birth`` or an end
    precedes its phase's start in ``after``."""
    if birth is not None:
        for m in moves:
            if m.new is not None and m.new < birth:
                raise RoadmapError(
                    f"This would move {m.item.description} to {m.new.isoformat()}, before the "
                    f"child's birth ({birth.isoformat()}); check the date. Nothing was changed."
                )
    starts = {it.phase: it for it in after.items if it.what is What.START}
    for end in (it for it in after.items if it.what is What.END):
        start = starts[end.phase]
        if start.date is not None and end.date is not None and end.date < start.date:
            held = {"done": " (the day it really ended)", "fixed": " (a day fixed by hand)"}
            raise RoadmapError(
                f"This would make {end.phase_name} end on {end.date.isoformat()}"
                f"{held.get(end.sureness.value, '')}, before it starts on "
                f"{start.date.isoformat()}; change that date first. Nothing was changed."
            )
