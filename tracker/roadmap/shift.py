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

from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text
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
        raise ValueError("give either started or ended")  # i18n: not shown
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
        message = (
            tr(
                "{phase} cannot have started on {date}: that is after today ({today}); "
                "enter the day it really started. Nothing was changed."
            )
            if verb == "started"
            else tr(
                "{phase} cannot have ended on {date}: that is after today ({today}); "
                "enter the day it really ended. Nothing was changed."
            )
        )
        raise RoadmapError(
            message.format(phase=p.name, date=date_text(day), today=date_text(today))
        )
    old_day = before.item(event).date
    started_ = verb == "started"
    if old_day is not None and day != old_day:
        late = day > old_day
        if started_:
            how = tr("started late") if late else tr("started early")
        else:
            how = tr("ended late") if late else tr("ended early")
    else:
        how = (tr("started on {date}") if started_ else tr("ended on {date}")).format(
            date=date_text(day)
        )
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
            tr(
                "The start of {phase} is not known yet ({why}), so it cannot be moved by a "
                "number of days; enter the day it really started instead."
            ).format(phase=start.phase_name, why=start.why_unknown)
        )
    try:
        day = start.date + dt.timedelta(days=days)
    except OverflowError:
        raise RoadmapError(
            tr(
                "{phase} cannot start {days} days from {date}: that is outside the calendar. "
                "Nothing was changed."
            ).format(phase=start.phase_name, days=f"{days:,}", date=date_text(start.date))
        ) from None
    if phase in facts.started or (today is not None and day <= today):
        return preview_shift(template, arm, facts, phase, started=day, birth=birth, today=today)
    event = f"{phase}.start"
    unfixed = replace(facts, fixed={k: v for k, v in facts.fixed.items() if k != event})
    if compute_plan(template, arm, unfixed).item(event).date == day:
        new_facts = unfixed
    else:
        new_facts = replace(facts, fixed={**facts.fixed, event: day})
    how = tr("was moved to {date}").format(date=date_text(day))
    return _shift(template, arm, current, new_facts, (event, day, "start", how), p, birth)


def _phase(template: Template, arm: str, plan: Plan, phase: str) -> PhasePlan:
    p = template.phase(phase)
    if p is None or phase not in plan.phases:
        raise RoadmapError(
            tr("The roadmap “{roadmap}” has no phase “{phase}” in the arm “{arm}”.").format(
                roadmap=template.protocol, phase=phase, arm=arm
            )
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
        if verb == "started":
            message = tr(
                "{phase} cannot have started on {date}: that is before the child's birth "
                "({birth}); check the date. Nothing was changed."
            )
        elif verb == "ended":
            message = tr(
                "{phase} cannot have ended on {date}: that is before the child's birth "
                "({birth}); check the date. Nothing was changed."
            )
        else:
            message = tr(
                "{phase} cannot start on {date}: that is before the child's birth ({birth}); "
                "check the date. Nothing was changed."
            )
        raise RoadmapError(
            message.format(phase=p.name, date=date_text(day), birth=date_text(birth))
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
    for prev, nxt in zip(after.phases, after.phases[1:], strict=False):
        end, start = after.item(f"{prev}.end"), after.item(f"{nxt}.start")
        begun = after.item(f"{prev}.start")
        if end.date is None and begun.date is not None and start.date is not None:
            if start.date < begun.date:  # a later phase before the start of the one before
                warnings.append(
                    _before_warning(start, begun, begun.sureness is Sureness.DONE, ends=False)
                )
            continue
        if end.date is None or start.date is None or start.date >= end.date:
            continue
        if end.sureness is Sureness.DONE and start.sureness is Sureness.DONE:
            if event == start.id:
                raise RoadmapError(
                    tr(
                        "{phase} cannot have started on {date}: {other}, the phase before it, "
                        "ended on {other_date}, and a phase cannot start before the one before "
                        "it ended; check both dates. Nothing was changed."
                    ).format(
                        phase=start.phase_name,
                        date=date_text(start.date),
                        other=end.phase_name,
                        other_date=date_text(end.date),
                    )
                )
            if event == end.id:
                raise RoadmapError(
                    tr(
                        "{phase} cannot have ended on {date}: {other}, the phase after it, "
                        "started on {other_date}, and a phase cannot start before the one "
                        "before it ended; check both dates. Nothing was changed."
                    ).format(
                        phase=end.phase_name,
                        date=date_text(end.date),
                        other=start.phase_name,
                        other_date=date_text(start.date),
                    )
                )
        warnings.append(_before_warning(start, end, end.sureness is Sureness.DONE, ends=True))
    for it in after.items:
        if it.what not in (What.LP, What.MRD) or it.sureness is not Sureness.FIXED:
            continue
        assert it.date is not None
        first = after.item(f"{it.phase}.start").date
        last = after.item(f"{it.phase}.end").date
        if (first is None or it.date >= first) and (last is None or it.date <= _next(last)):
            continue
        if first and last:
            span = tr("{start} to {end}").format(start=date_text(first), end=date_text(last))
        elif first:
            span = tr("from {start}").format(start=date_text(first))
        else:
            assert last is not None
            span = tr("until {end}").format(end=date_text(last))
        warnings.append(
            tr(
                "{item} is fixed on {date}, outside {phase} ({span}); change that date if it moved."
            ).format(
                item=it.description[0].upper() + it.description[1:],
                date=date_text(it.date),
                phase=it.phase_name,
                span=span,
            )
        )
    return warnings


def _before_warning(start: PlanItem, other: PlanItem, done: bool, *, ends: bool) -> str:
    """ "The start of B is planned on …, before A ends on …; change one of them if it
    moved." (``other`` the end of the phase before, or its start when ``ends`` is False;
    ``done``: that day really happened)."""
    how = {
        Sureness.DONE: "done",
        Sureness.FIXED: "fixed",
        Sureness.PLANNED: "planned",
    }.get(start.sureness, "other")
    key = (how, ends, done)
    message = tr(_BEFORE_WARNINGS[key])
    return message.format(
        phase=start.phase_name,
        date=date_text(start.date) if start.date else "",
        other=other.phase_name,
        other_date=date_text(other.date) if other.date else "",
    )


_BEFORE_WARNINGS = {
    ("done", True, True): N_(
        "The start of {phase} was on {date}, before {other} ended on {other_date}; "
        "change one of them if it moved."
    ),
    ("done", True, False): N_(
        "The start of {phase} was on {date}, before {other} ends on {other_date}; "
        "change one of them if it moved."
    ),
    ("done", False, True): N_(
        "The start of {phase} was on {date}, before {other} started on {other_date}; "
        "change one of them if it moved."
    ),
    ("done", False, False): N_(
        "The start of {phase} was on {date}, before {other} starts on {other_date}; "
        "change one of them if it moved."
    ),
    ("fixed", True, True): N_(
        "The start of {phase} is fixed on {date}, before {other} ended on {other_date}; "
        "change one of them if it moved."
    ),
    ("fixed", True, False): N_(
        "The start of {phase} is fixed on {date}, before {other} ends on {other_date}; "
        "change one of them if it moved."
    ),
    ("fixed", False, True): N_(
        "The start of {phase} is fixed on {date}, before {other} started on {other_date}; "
        "change one of them if it moved."
    ),
    ("fixed", False, False): N_(
        "The start of {phase} is fixed on {date}, before {other} starts on {other_date}; "
        "change one of them if it moved."
    ),
    ("planned", True, True): N_(
        "The start of {phase} is planned on {date}, before {other} ended on {other_date}; "
        "change one of them if it moved."
    ),
    ("planned", True, False): N_(
        "The start of {phase} is planned on {date}, before {other} ends on {other_date}; "
        "change one of them if it moved."
    ),
    ("planned", False, True): N_(
        "The start of {phase} is planned on {date}, before {other} started on {other_date}; "
        "change one of them if it moved."
    ),
    ("planned", False, False): N_(
        "The start of {phase} is planned on {date}, before {other} starts on {other_date}; "
        "change one of them if it moved."
    ),
    ("other", True, True): N_(
        "The start of {phase} is on {date}, before {other} ended on {other_date}; "
        "change one of them if it moved."
    ),
    ("other", True, False): N_(
        "The start of {phase} is on {date}, before {other} ends on {other_date}; "
        "change one of them if it moved."
    ),
    ("other", False, True): N_(
        "The start of {phase} is on {date}, before {other} started on {other_date}; "
        "change one of them if it moved."
    ),
    ("other", False, False): N_(
        "The start of {phase} is on {date}, before {other} starts on {other_date}; "
        "change one of them if it moved."
    ),
}
"""Each warning of a start before the phase before it, as a whole sentence: how sure the
start is, whether the other day is that phase's end or start, and whether it happened."""


def _next(day: dt.date) -> dt.date:
    return day if day == dt.date.max else day + dt.timedelta(days=1)


def days_text(n: int) -> str:
    """ "1 day", "12 days" in the current language."""
    return trn("{n} day", "{n} days", n).format(n=n)


_MOVED = N_("moved {days} after {name} {how}")
"""A reason a planned date moved (kept with the date, in the language it was written in);
every "moved …" reason starts with the same words, which :func:`is_moved` looks for."""


def is_moved(reason: str) -> bool:
    """Whether a stored reason says the date moved (not "dated now", "no longer dated"):
    in English, or in the current language."""
    translated = tr(_MOVED).split("{", 1)[0].strip()
    return reason.startswith("moved") or bool(
        translated and reason.startswith(translated)
    )  # i18n: not shown


def _reason(old: dt.date | None, new: dt.date | None, name: str, how: str) -> str:
    if old is None:
        return tr("dated now that {name} {how}").format(name=name, how=how)
    if new is None:
        return tr("no longer dated now that {name} {how}").format(name=name, how=how)
    delta = (new - old).days
    if delta > 0:
        return tr(_MOVED).format(days=days_text(delta), name=name, how=how)
    return tr("moved {days} earlier after {name} {how}").format(
        days=days_text(-delta), name=name, how=how
    )


def refuse_impossible(after: Plan, moves: list[Move], birth: dt.date | None) -> None:
    """RoadmapError (a plain message) if a move puts an item before ``birth``, an item of
    ``after`` would fall after the calendar's last day, or an end precedes its phase's start
    in ``after``."""
    if birth is not None:
        for m in moves:
            if m.new is not None and m.new < birth:
                raise RoadmapError(
                    tr(
                        "This would move {item} to {date}, before the child's birth ({birth}); "
                        "check the date. Nothing was changed."
                    ).format(item=m.item.description, date=date_text(m.new), birth=date_text(birth))
                )
    for it in after.items:
        if it.why_unknown == tr(TOO_FAR):
            raise RoadmapError(
                tr(
                    "This would put {item} after {date}, the last day a date can have; check "
                    "the date. Nothing was changed."
                ).format(item=it.description, date=date_text(dt.date.max))
            )
    starts = {it.phase: it for it in after.items if it.what is What.START}
    for end in (it for it in after.items if it.what is What.END):
        start = starts[end.phase]
        if start.date is not None and end.date is not None and end.date < start.date:
            if end.sureness is Sureness.DONE:
                message = tr(
                    "This would make {phase} end on {date} (the day it really ended), before "
                    "it starts on {start}; change that date first. Nothing was changed."
                )
            elif end.sureness is Sureness.FIXED:
                message = tr(
                    "This would make {phase} end on {date} (a day fixed by hand), before it "
                    "starts on {start}; change that date first. Nothing was changed."
                )
            else:
                message = tr(
                    "This would make {phase} end on {date}, before it starts on {start}; "
                    "change that date first. Nothing was changed."
                )
            raise RoadmapError(
                message.format(
                    phase=end.phase_name, date=date_text(end.date), start=date_text(start.date)
                )
            )
