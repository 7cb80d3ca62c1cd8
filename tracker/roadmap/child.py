"""A roadmap applied to one child: the entries to save for a plan, and what moved.

Pure: it reads entries and gives entries (tracker.kinds.roadmap's ``Roadmap`` with its
items, and ``Phase`` entries), the caller saves them together as one step.

- :func:`apply_template`: a new roadmap for a child from a template, an arm and the first
  start, with a planned phase entry for every phase whose start is known ("planned from
  Interfant-21"); phases with unknown dates exist only as plan items.
- :func:`facts_of`: what the record knows (the linked phases' real starts and ends, the
  items fixed by hand, the first start) as the plan arithmetic's Facts.
- :func:`pending_moves`: the items whose stored date differs from the plan worked out now
  (a linked phase really started 3 days late, or a length was filled in), with the reason.
- :func:`synced`: the roadmap with the plan's dates and the reasons, and the phase entries
  to create or move with it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from tracker.dates import date_window
from tracker.i18n import tr
from tracker.i18n.formats import date_text
from tracker.model import Phase, PlanItemEntry, Roadmap
from tracker.roadmap.link import link_phases
from tracker.roadmap.plan import Facts, Plan, PlanItem, Sureness, What, chain, compute_plan
from tracker.roadmap.read import RoadmapError, stored_template
from tracker.roadmap.shift import (
    Move,
    Shift,
    days_text,
    is_moved,
    plan_warnings,
    preview_shift,
    refuse_impossible,
)
from tracker.roadmap.template import At, PhasePlan, Template, TimePoint, latest_point_day
from tracker.roadmap.write import template_text


def template_of(roadmap: Roadmap) -> Template:
    """The child's own copy of the template; RoadmapError if it cannot be read."""
    return stored_template(roadmap.template)


def planned_from(protocol: str) -> str:
    return tr("planned from {protocol}").format(protocol=protocol)


def is_planned_from(note: str) -> bool:
    """Whether ``note`` is a :func:`planned_from` note (the default a new roadmap's phases
    get), in English or in the current language: one the family did not write."""
    prefixes = ("planned from ", planned_from(""))  # i18n: not shown
    return any(prefix and note.startswith(prefix) for prefix in prefixes)


@dataclass(frozen=True, slots=True)
class Applied:
    """What to save together (one transaction, one undo step)."""

    roadmap: Roadmap
    phases: tuple[Phase, ...]  # new phase entries (id None) and moved ones
    moves: tuple[Move, ...] = ()
    # on applying: the template phases (by key) linked to a phase entry the child had
    linked: tuple[tuple[str, Phase], ...] = ()
    warnings: tuple[str, ...] = ()  # what it leaves odd but possible (Shift.warnings)


def facts_of(roadmap: Roadmap, phases: Sequence[Phase]) -> Facts:
    """The first start, the linked phases' real starts and ends, the items fixed by hand."""
    by_uid = {p.uid: p for p in phases}
    started: dict[str, dt.date] = {}
    ended: dict[str, dt.date] = {}
    for item in roadmap.items:
        phase = by_uid.get(item.phase_uid) if item.phase_uid else None
        if phase is None:
            continue
        key, _, what = item.item_id.rpartition(".")
        if what == What.START.value and phase.actual_start is not None:
            started[key] = phase.actual_start
        elif what == What.END.value and phase.actual_end is not None:
            ended[key] = phase.actual_end
    fixed = {i.item_id: i.date for i in roadmap.items if i.fixed and i.date is not None}
    return Facts(roadmap.first_start, started, ended, fixed)


def plan_of(roadmap: Roadmap, phases: Sequence[Phase]) -> Plan:
    """The plan as it is now; RoadmapError if the template copy or a fact is unusable."""
    return compute_plan(template_of(roadmap), roadmap.arm, facts_of(roadmap, phases))


def apply_template(
    template: Template,
    arm: str,
    *,
    child_id: int,
    first_start: dt.date | None,
    today: dt.date,
    phases: Sequence[Phase] = (),
) -> Applied:
    """A new roadmap of ``template`` in ``arm`` and the planned phases whose start is known.

    ``phases``: the child's phase entries.  Each phase of the arm that one of them stands
    for (same kind or name, chain order: :mod:`tracker.roadmap.link`) is linked to it and
    not created again: its real start and end are facts of the plan, and a planned start or
    end it has without a real one is the family's date, kept as fixed by hand.  The first
    phase's start is the linked entry's when it has one."""
    arm_chain = chain(template, arm)
    links = link_phases(arm_chain, phases)
    items: list[PlanItemEntry] = []
    for key, phase in links.items():
        for what, real, planned in (
            (What.START, phase.actual_start, phase.planned_start),
            (What.END, phase.actual_end, phase.planned_end),
        ):
            kept = planned if real is None else None
            item_id = f"{key}.{what.value}"
            items.append(PlanItemEntry(item_id, kept, fixed=kept is not None, phase_uid=phase.uid))
    first = arm_chain[0].key if arm_chain else ""
    if first in links and links[first].start is not None:
        first_start = links[first].start
    roadmap = Roadmap(
        child_id,
        template.protocol,
        arm,
        template_text(template),
        today,
        first_start=first_start,
        items=tuple(items),
        note=planned_from(template.protocol),
    )
    plan = compute_plan(template, arm, facts_of(roadmap, phases))
    applied = synced(roadmap, phases, plan, {})
    return replace(applied, linked=tuple(links.items()))


def synced(
    roadmap: Roadmap,
    phases: Sequence[Phase],
    plan: Plan,
    reasons: Mapping[str, str],
    moves: Sequence[Move] = (),
) -> Applied:
    """``roadmap`` with the plan's dates as its items' (``reasons`` by item id replace the
    "moved because"), keeping the items of phases that really started (history, from
    another arm too), and the phase entries to create (phases whose start is now known)
    or whose planned dates move.  A planned item back on the day its plan gives (the
    template's arithmetic from the first start alone: :func:`plan_dates`) keeps no "moved"
    reason: a shift of +7 days and then -7 leaves it plainly planned."""
    template = template_of(roadmap)
    on_plan = plan_dates(template, roadmap)
    existing = {i.item_id: i for i in roadmap.items}
    by_uid = {p.uid: p for p in phases}
    items: list[PlanItemEntry] = []
    changed: list[Phase] = []
    phase_uids: dict[str, str] = {}
    for key in plan.phases:
        start, end = plan.item(f"{key}.start"), plan.item(f"{key}.end")
        linked = existing.get(start.id)
        phase = by_uid.get(linked.phase_uid) if linked and linked.phase_uid else None
        if phase is None and start.date is not None:
            p = template.phase(key)
            assert p is not None
            phase = Phase(
                roadmap.child_id,
                p.kind,
                p.name,
                planned_start=start.date,
                planned_end=end.date,
                notes=planned_from(roadmap.protocol),
                uid=str(uuid.uuid4()),
            )
            changed.append(phase)
        elif phase is not None:
            moved = _moved_phase(phase, start, end)
            if moved is not None:
                changed.append(moved)
        phase_uids[key] = phase.uid if phase is not None else ""
    in_plan = {it.id for it in plan.items}
    for it in plan.items:
        old = existing.get(it.id)
        link = phase_uids[it.phase] if it.what in (What.START, What.END) else ""
        because = reasons.get(it.id, old.moved_because if old else "")
        back = it.sureness is Sureness.PLANNED and it.date == on_plan.get(it.id)
        if back and because.startswith("moved"):
            because = ""
        items.append(
            PlanItemEntry(
                it.id,
                it.date,
                fixed=it.sureness is Sureness.FIXED and old is not None and old.fixed,
                moved_because=because,
                phase_uid=link,
                uid=old.uid if old else "",
            )
        )
    for old in roadmap.items:  # another arm's phases that really started: history
        history = old.phase_uid in by_uid and by_uid[old.phase_uid].actual_start is not None
        if old.item_id not in in_plan and history:
            items.append(old)
    return Applied(replace(roadmap, items=tuple(items)), tuple(changed), tuple(moves))


def plan_dates(template: Template, roadmap: Roadmap) -> dict[str, dt.date | None]:
    """The day the plan gives each item: the template's arithmetic from the roadmap's first
    start alone (no real start or end, no date fixed by hand)."""
    return compute_plan(template, roadmap.arm, Facts(roadmap.first_start)).dates()


def _moved_phase(phase: Phase, start: PlanItem, end: PlanItem) -> Phase | None:
    """The phase entry with its planned dates moved to the plan's (a real date stays)."""
    planned_start = phase.planned_start if phase.actual_start is not None else start.date
    planned_end = phase.planned_end if phase.actual_end is not None else end.date
    if planned_start is None and phase.actual_start is None:
        return None  # no longer dated: the entry keeps its last planned dates
    if (planned_start, planned_end) == (phase.planned_start, phase.planned_end):
        return None
    return replace(phase, planned_start=planned_start, planned_end=planned_end)


def stored_dates(roadmap: Roadmap) -> dict[str, dt.date | None]:
    return {i.item_id: i.date for i in roadmap.items}


def pending_moves(roadmap: Roadmap, phases: Sequence[Phase]) -> tuple[Move, ...]:
    """The items whose date as last applied differs from the plan now, with the reason:
    a linked phase that really started or ended on another day ("moved 3 days after
    Induction started late"), else a change of the plan's lengths."""
    template = template_of(roadmap)
    facts = facts_of(roadmap, phases)
    now = compute_plan(template, roadmap.arm, facts)
    stored = stored_dates(roadmap)
    reasons: dict[str, str] = {}
    # replay the real starts and ends not yet applied, in plan order, for their reasons
    base = Facts(roadmap.first_start, {}, {}, facts.fixed)
    for key in now.phases:
        for what, known in (("started", facts.started), ("ended", facts.ended)):
            if key not in known:
                continue
            item_id = f"{key}.{'start' if what == 'started' else 'end'}"
            day = known[key]
            try:
                shift = preview_shift(
                    template,
                    roadmap.arm,
                    base,
                    key,
                    started=day if what == "started" else None,
                    ended=day if what == "ended" else None,
                )
            except RoadmapError:
                shift = None
            if stored.get(item_id) != day and shift is not None:
                reasons[item_id] = (
                    tr("it really started on {date}")
                    if what == "started"
                    else tr("it really ended on {date}")
                ).format(date=date_text(day))
                for m in shift.moves:
                    reasons[m.item.id] = m.reason
            base = shift.facts if shift is not None else base
    moves = []
    for it in now.items:
        old = stored.get(it.id)
        if it.id in stored and old == it.date:
            continue
        if it.id not in stored and it.date is None:
            continue
        reason = reasons.get(it.id) or _edited_reason(old, it.date)
        moves.append(Move(it, old, it.date, reason))
    return tuple(moves)


def _edited_reason(old: dt.date | None, new: dt.date | None) -> str:
    if old is None:
        return tr("dated now that the plan's lengths were filled in")
    if new is None:
        return tr("no longer dated: a length it depends on is unknown now")
    delta = (new - old).days
    if delta > 0:
        message = tr("moved {days} later after the plan's lengths were edited")
    else:
        message = tr("moved {days} earlier after the plan's lengths were edited")
    return message.format(days=days_text(abs(delta)))


def apply_moves(roadmap: Roadmap, phases: Sequence[Phase], moves: Sequence[Move]) -> Applied:
    """The roadmap (and its phases) as the plan is now, the moves' reasons written down."""
    plan = plan_of(roadmap, phases)
    return synced(roadmap, phases, plan, {m.item.id: m.reason for m in moves}, moves)


def record_real_start(
    roadmap: Roadmap,
    phases: Sequence[Phase],
    phase_key: str,
    day: dt.date,
    birth: dt.date,
    today: dt.date | None = None,
) -> tuple[Shift, Applied]:
    """What moves when the phase ``phase_key`` really started on ``day`` (RoadmapError
    with the plain message if impossible: before ``birth``, or after ``today``), and what
    to save: the phase entry with its real start, the roadmap with the new dates and
    reasons."""
    template = template_of(roadmap)
    facts = facts_of(roadmap, phases)
    shift = preview_shift(
        template, roadmap.arm, facts, phase_key, started=day, birth=birth, today=today
    )
    item = next((i for i in roadmap.items if i.item_id == f"{phase_key}.start"), None)
    by_uid = {p.uid: p for p in phases}
    phase = by_uid.get(item.phase_uid) if item is not None and item.phase_uid else None
    if phase is None:
        p = template.phase(phase_key)
        assert p is not None
        phase = Phase(
            roadmap.child_id,
            p.kind,
            p.name,
            notes=planned_from(roadmap.protocol),
            uid=str(uuid.uuid4()),
        )
    started = replace(phase, actual_start=day)
    others = [p for p in phases if p.uid != started.uid]
    linked = replace(
        roadmap,
        items=tuple(
            replace(i, phase_uid=started.uid) if i.item_id == f"{phase_key}.start" else i
            for i in roadmap.items
        ),
    )
    reasons = {m.item.id: m.reason for m in shift.moves}
    applied = synced(linked, [*others, started], shift.after, reasons, shift.moves)
    rest = [p for p in applied.phases if p.uid != started.uid]
    moved_self = next((p for p in applied.phases if p.uid == started.uid), started)
    return shift, replace(applied, phases=(moved_self, *rest))


def with_template(roadmap: Roadmap, template: Template) -> Roadmap:
    """The roadmap with its template copy replaced (the family's lengths and LP days)."""
    return replace(roadmap, template=template_text(template))


def with_arm(roadmap: Roadmap, arm: str) -> Roadmap:
    """The roadmap in another arm (a change of risk group): the items of phases that really
    started stay (history), the plan of the new arm is worked out from there."""
    return replace(roadmap, arm=arm)


@dataclass(frozen=True, slots=True)
class Upcoming:
    """One planned thing still to come: "2026-12-03 · start of Maintenance · moved"."""

    date: dt.date | None
    what: str  # "the start of Maintenance", "LP “end of induction” in Induction"
    sure: str  # fixed by the team / planned / moved / unknown (after …)
    item_id: str
    why: str = ""  # why it moved, or why it is unknown


def how_sure(item: PlanItem, stored: PlanItemEntry | None) -> str:
    """How sure a planned item's date is, in words."""
    if item.sureness is Sureness.DONE:
        return tr("done")
    if item.sureness is Sureness.FIXED:
        return tr("fixed by the team")  # a day fixed by hand, or the first start as given
    if item.sureness is Sureness.UNKNOWN:
        return tr("unknown ({why})").format(why=item.why_unknown)
    if stored is not None and is_moved(stored.moved_because):
        return tr("moved")
    return tr("planned")


def whats_next(
    plan: Plan,
    roadmap: Roadmap,
    today: dt.date,
    n: int = 5,
    entered: Mapping[str, dt.date] | None = None,
) -> list[Upcoming]:
    """The next ``n`` planned things from ``today`` on, dated ones by date, then the ones
    whose date is unknown in plan order (so the family sees what is not dated yet); an LP
    or MRD time point the record shows done (``entered``: tracker.roadmap.done) is not
    next."""
    stored = {i.item_id: i for i in roadmap.items}
    dated: list[Upcoming] = []
    unknown: list[Upcoming] = []
    for it in plan.items:
        if it.sureness is Sureness.DONE or it.id in (entered or {}):
            continue
        old = stored.get(it.id)
        row = Upcoming(
            it.date,
            it.description,
            how_sure(it, old),
            it.id,
            (old.moved_because if old is not None else "") or (it.why_unknown or ""),
        )
        if it.date is None:
            unknown.append(row)
        elif it.date >= today:
            dated.append(row)
    dated.sort(key=lambda u: u.date or today)
    return (dated + unknown)[:n]


def fix_date(
    roadmap: Roadmap,
    phases: Sequence[Phase],
    item_id: str,
    day: dt.date,
    birth: dt.date,
    today: dt.date | None = None,
) -> Applied:
    """The item ``item_id`` fixed by hand on ``day`` (the family's or the team's date wins
    and never moves), and what moves after it, with the same warnings as a shift's
    (``Applied.warnings``: a start before the phase before it ends, an LP outside its
    phase); RoadmapError with the plain message if ``day`` is outside the dates a form
    accepts (:func:`tracker.dates.date_window` from ``today``), or that would put an item
    before birth, after the calendar's last day, or an end before its start."""
    if not any(i.item_id == item_id for i in roadmap.items):
        raise RoadmapError(
            tr("The plan has no item “{item}”; apply the roadmap again.").format(item=item_id)
        )
    before = plan_of(roadmap, phases)
    what = before.item(item_id).description
    named = f"{what[0].upper()}{what[1:]}"
    if day < birth:
        raise RoadmapError(
            tr(
                "{item} cannot be on {date}: that is before the child's birth ({birth}); "
                "check the date. Nothing was changed."
            ).format(item=named, date=date_text(day), birth=date_text(birth))
        )
    if today is not None and (problem := date_window(today, birth).problem(day, named)):
        raise RoadmapError(tr("{problem}. Nothing was changed.").format(problem=problem))
    items = tuple(
        replace(i, date=day, fixed=True, moved_because="") if i.item_id == item_id else i
        for i in roadmap.items
    )
    edited = replace(roadmap, items=items)
    after = plan_of(edited, phases)
    moves: list[Move] = []
    for it in after.items:
        old = before.item(it.id).date if it.id in before.dates() else None
        if it.id == item_id or old == it.date:
            continue
        moves.append(Move(it, old, it.date, _fixed_reason(old, it.date, what)))
    refuse_impossible(after, moves, birth)
    applied = synced(edited, phases, after, {m.item.id: m.reason for m in moves}, moves)
    return replace(applied, warnings=tuple(plan_warnings(after, item_id)))


def _fixed_reason(old: dt.date | None, new: dt.date | None, what: str) -> str:
    if old is None or new is None:
        if new:
            return tr("dated now that {item} was fixed by hand").format(item=what)
        return tr("no longer dated now that {item} was fixed by hand").format(item=what)
    delta = (new - old).days
    if delta > 0:
        message = tr("moved {days} after {item} was fixed by hand")
    else:
        message = tr("moved {days} earlier after {item} was fixed by hand")
    return message.format(days=days_text(abs(delta)), item=what)


def lp_days_text(phase: PhasePlan) -> str:
    """The phase's LPs on a day of the phase, as typed back: "1, 15, 29" ("" when none)."""
    return ", ".join(str(t.day) for t in phase.lps or () if t.at is At.DAY and t.day is not None)


def with_lp_days(template: Template, phase_key: str, text: str) -> Template:
    """The template with the phase's LPs on days of the phase as typed ("1, 15, 29", from the
    family's protocol book).  The family's days win: once they type days other than those
    the phase has, they are the phase's LPs, and the template's own LPs at its start or end
    ("end of induction (~day 33)") go; typed as they were, or left empty, the template's
    LPs at the start or end stay.  ValueError with a plain sentence for what is not a list
    of days of the phase."""
    phase = template.phase(phase_key)
    if phase is None:
        raise ValueError(tr("the roadmap has no phase “{phase}”").format(phase=phase_key))
    days: list[int] = []
    for part in text.replace(";", ",").split(","):
        word = part.strip()
        if not word:
            continue
        if not word.isdigit() or int(word) < 1:
            raise ValueError(
                tr(
                    "{phase}: “{text}” is not a day of the phase; type the LP days as whole "
                    "numbers from 1, separated by commas (e.g. 1, 15, 29)"
                ).format(phase=phase.name, text=word)
            )
        days.append(int(word))
    last = latest_point_day(phase.length_days)
    late = [d for d in days if d > last]
    if late and phase.length_days is not None:
        raise ValueError(
            tr(
                "{phase}: day {day} is more than a day after the end of the phase's {length} "
                "days; give a day from 1 to {last} ({last}: the day after its last day), or "
                "change the length"
            ).format(phase=phase.name, day=late[0], length=phase.length_days, last=last)
        )
    if late:
        raise ValueError(
            tr(
                "{phase}: day {day} is far more than any protocol; give a day from 1 to {last}"
            ).format(phase=phase.name, day=late[0], last=f"{last:,}")
        )
    kept = tuple(t for t in phase.lps or () if t.at is not At.DAY)
    typed = tuple(TimePoint(f"day {d}", At.DAY, d) for d in sorted(set(days)))
    if typed and lp_days_text(phase) != lp_days_text(replace(phase, lps=typed)):
        kept = ()  # the family's own LP days replace the template's approximate ones
    lps: tuple[TimePoint, ...] | None = kept + typed
    if not lps and phase.lps is None:
        lps = None  # still not known
    return replace(
        template,
        phases=tuple(replace(p, lps=lps) if p.key == phase_key else p for p in template.phases),
    )
