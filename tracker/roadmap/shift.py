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

from tracker.roadmap.plan import TOO_FAR, Facts, Plan, PlanItem, Sureness, What, compute_plan
from tracker.roadmap.read import RoadmapError
from tracker.roadmap.template import PhasePlan, Template


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
    # what the shift leaves odd, for the preview to show (a start fixed by hand before
    # the phase before it ends, an LP or MRD day fixed by hand outside its phase)
    warnings: tuple[str, ...] = ()


def preview_shift(
    template: Template,
    arm: str,
    facts: Facts,
    phase: str,
    *,
    started: dt.date | None = None,
    ended: dt.date | None = None,
    birth: dt.date | None = None,
    today: dt.date | None = None,
) -> Shift:
    """What moves when ``phase`` really started (or ended) on that day; RoadmapError if the
    result is impossible (before ``birth``, after ``today``, an end before its start, or a
    start before the real end of the phase before it)."""
    if (started is None) == (ended is None):
        raise ValueError("give either started or ended")
    before = compute_plan(template, arm, facts)
    p = _phase(template, arm, before, phase)
    if started is not None:
        event, day, verb = f"{phase}.start", started, "started"
        new_facts = replace(facts, started={**facts.started, phase: started})
    else:
        assert ended is not None
        event, day, verb = f"{phase}.end", ended, "ended"
        new_facts = replace(facts, ended={**facts.ended, phase: ended})
    if today is not None and day > today:
        raise RoadmapError(
            f"{p.name} cannot have {verb} on {day.isoformat()}: that is after today "
            f"({today.isoformat()}); enter the day it really {verb}. Nothing was changed."
        )
    old_day = before.item(event).date
    how = f"{verb} on {day.isoformat()}"
    if old_day is not None and day != old_day:
        how = f"{verb} {'late' if day > old_day else 'early'}"
    return _shift(template, arm, before, new_facts, (event, day, verb, how), p, birth)


def shift_start_by(
    template: Template,
    arm: str,
    facts: Facts,
    phase: str,
    days: int,
    birth: dt.date | None = None,
    *,
    today: dt.date | None = None,
) -> Shift:
    """:func:`preview_shift` for a phase that starts ``days`` after its date in the plan
    (before it, for a negative number).

    The new day is a real start only if the phase really started already (it is in
    ``facts.started``) or the day is not after ``today``; a day still to come (or any day
    without ``today``) is a plan: the start is fixed on it, and moving it back to the day
    the plan works out drops that fix again (+N then -N leaves the plan as it was)."""
    current = compute_plan(template, arm, facts)
    p = _phase(template, arm, current, phase)
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
    if phase in facts.started or (today is not None and day <= today):
        return preview_shift(template, arm, facts, phase, started=day, birth=birth, today=today)
    event = f"{phase}.start"
    unfixed = replace(facts, fixed={k: v for k, v in facts.fixed.items() if k != event})
    if compute_plan(template, arm, unfixed).item(event).date == day:
        new_facts = unfixed
    else:
        new_facts = replace(facts, fixed={**facts.fixed, event: day})
    how = f"was moved to {day.isoformat()}"
    return _shift(template, arm, current, new_facts, (event, day, "start", how), p, birth)


def _phase(template: Template, arm: str, plan: Plan, phase: str) -> PhasePlan:
    p = template.phase(phase)
    if p is None or phase not in plan.phases:
        raise RoadmapError(
            f"The roadmap “{template.protocol}” has no phase “{phase}” in the arm “{arm}”."
        )
    return p


def _shift(
    template: Template,
    arm: str,
    before: Plan,
    new_facts: Facts,
    what: tuple[str, dt.date, str, str],
    p: PhasePlan,
    birth: dt.date | None,
) -> Shift:
    """The shift to ``new_facts``; ``what``: the item moved, its day, the verb and how."""
    event, day, verb, how = what
    if birth is not None and day < birth:
        raise RoadmapError(
            f"{p.name} cannot have {verb} on {day.isoformat()}: that is before the child's "
            f"birth ({birth.isoformat()}); check the date. Nothing was changed."
        )
    after = compute_plan(template, arm, new_facts)
    moves: list[Move] = []
    for item in after.items:
        old = before.item(item.id).date
        if item.id == event or item.date == old:
            continue
        moves.append(Move(item, old, item.date, _reason(old, item.date, p.name, how)))
    refuse_impossible(after, moves, birth)
    warnings = plan_warnings(after, event)
    return Shift(new_facts, before, after, tuple(moves), tuple(warnings))


def warnings_of(plan: Plan) -> tuple[str, ...]:
    """What ``plan`` holds that is odd but possible (as :attr:`Shift.warnings`): a start
    before the previous phase's end, an LP or MRD day fixed by hand outside its phase."""
    return tuple(plan_warnings(plan, ""))


def plan_warnings(after: Plan, event: str) -> list[str]:
    """Refuse a real start before the real end of the phase before it when ``event`` is
    one of the two; list every other start before its previous phase's end (or, that end
    not known, before its start), and every LP or MRD day fixed by hand outside its phase
    (the day after its end is inside, as a day-8 count after a 7-day prophase).  For a
    shift's preview and for a date fixed by hand (:func:`tracker.roadmap.child.fix_date`)."""
    warnings: list[str] = []
    is_ = {Sureness.DONE: "was", Sureness.FIXED: "is fixed", Sureness.PLANNED: "is planned"}
    for prev, nxt in zip(after.phases, after.phases[1:], strict=False):
        end, start = after.item(f"{prev}.end"), after.item(f"{nxt}.start")
        begun = after.item(f"{prev}.start")
        if end.date is None and begun.date is not None and start.date is not None:
            if start.date < begun.date:  # a later phase before the start of the one before
                starts = "started" if begun.sureness is Sureness.DONE else "starts"
                warnings.append(
                    f"The start of {start.phase_name} {is_.get(start.sureness, 'is')} on "
                    f"{start.date.isoformat()}, before {begun.phase_name} {starts} on "
                    f"{begun.date.isoformat()}; change one of them if it moved."
                )
            continue
        if end.date is None or start.date is None or start.date >= end.date:
            continue
        if end.sureness is Sureness.DONE and start.sureness is Sureness.DONE:
            rule = "a phase cannot start before the one before it ended; check both dates"
            if event == start.id:
                raise RoadmapError(
                    f"{start.phase_name} cannot have started on {start.date.isoformat()}: "
                    f"{end.phase_name}, the phase before it, ended on "
                    f"{end.date.isoformat()}, and {rule}. Nothing was changed."
                )
            if event == end.id:
                raise RoadmapError(
                    f"{end.phase_name} cannot have ended on {end.date.isoformat()}: "
                    f"{start.phase_name}, the phase after it, started on "
                    f"{start.date.isoformat()}, and {rule}. Nothing was changed."
                )
        ends = "ended" if end.sureness is Sureness.DONE else "ends"
        warnings.append(
            f"The start of {start.phase_name} {is_.get(start.sureness, 'is')} on "
            f"{start.date.isoformat()}, before {end.phase_name} {ends} on "
            f"{end.date.isoformat()}; change one of them if it moved."
        )
    for it in after.items:
        if it.what not in (What.LP, What.MRD) or it.sureness is not Sureness.FIXED:
            continue
        assert it.date is not None
        first = after.item(f"{it.phase}.start").date
        last = after.item(f"{it.phase}.end").date
        if (first is None or it.date >= first) and (last is None or it.date <= _next(last)):
            continue
        span = " to ".join(d.isoformat() for d in (first, last) if d is not None)
        span = span if first and last else (f"from {span}" if first else f"until {span}")
        warnings.append(
            f"{it.description[0].upper()}{it.description[1:]} is fixed on "
            f"{it.date.isoformat()}, outside {it.phase_name} ({span}); "
            "change that date if it moved."
        )
    return warnings


def _next(day: dt.date) -> dt.date:
    return day if day == dt.date.max else day + dt.timedelta(days=1)


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
    """RoadmapError (a plain message) if a move puts an item before ``birth``, an item of
    ``after`` would fall after the calendar's last day, or an end precedes its phase's start
    in ``after``."""
    if birth is not None:
        for m in moves:
            if m.new is not None and m.new < birth:
                raise RoadmapError(
                    f"This would move {m.item.description} to {m.new.isoformat()}, before the "
                    f"child's birth ({birth.isoformat()}); check the date. Nothing was changed."
                )
    for it in after.items:
        if it.why_unknown == TOO_FAR:
            raise RoadmapError(
                f"This would put {it.description} after {dt.date.max.isoformat()}, the last "
                "day a date can have; check the date. Nothing was changed."
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
