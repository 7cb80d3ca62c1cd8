"""Plan arithmetic: the date of every planned item of a template in one arm, or why not.

Phases chain by "after": a phase starts the day after the one before it ends, plus its
planned gap; day 1 is a phase's first day, so a phase of ``n`` days ends on day ``n``.
What really happened wins over the plan, and a date fixed by hand wins over both
arithmetic and the chain: a phase's real start or end (``Facts.started`` / ``ended``),
then a date fixed by hand (``Facts.fixed``, by item id), then the arithmetic.  An item
whose date depends on a length nobody knows yet stays undated with the reason
("unknown (after Induction, whose length is unknown)").

Item ids are stable across arms and edits of other phases: ``<phase>.start``,
``<phase>.end``, ``<phase>.lp<n>`` and ``<phase>.mrd<n>``, ``n`` counting from 1 in the
phase's list in the template (an LP for another arm keeps its number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.roadmap.read import RoadmapError
from tracker.roadmap.template import At, PhasePlan, Template, TimePoint

TOO_FAR = N_("too far ahead to date")
"""Why an item has no date when its arithmetic falls after 9999-12-31, the last day a date
can have (a shift or a fixed date that would do so is refused: shift.refuse_impossible)."""


class What(StrEnum):
    START = "start"
    END = "end"
    LP = "lp"
    MRD = "mrd"


class Sureness(StrEnum):
    DONE = "done"  # it really happened on that day (a phase's real start or end)
    FIXED = "fixed"  # fixed by hand (the family or the team gave the day)
    PLANNED = "planned"  # worked out from the template and the days before it
    UNKNOWN = "unknown"  # a length (or the first start) is not known yet


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about one child's plan besides the template.

    ``first_start``: the day the first phase of the arm starts (planned or real);
    ``started`` / ``ended``: the phases that really started / ended, by phase key;
    ``fixed``: the items whose day was fixed by hand, by item id (they never move)."""

    first_start: dt.date | None = None
    started: Mapping[str, dt.date] = field(default_factory=dict)
    ended: Mapping[str, dt.date] = field(default_factory=dict)
    fixed: Mapping[str, dt.date] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlanItem:
    id: str
    phase: str  # the phase key
    phase_name: str
    what: What
    label: str  # "start", "end", or the LP / time point's label
    date: dt.date | None
    sureness: Sureness
    why_unknown: str | None = None  # set when date is None

    @property
    def description(self) -> str:
        """How a message names the item: "the start of Protocol IB", "LP “day 15” in IB"."""
        if self.what is What.START:
            return tr("the start of {phase}").format(phase=self.phase_name)
        if self.what is What.END:
            return tr("the end of {phase}").format(phase=self.phase_name)
        if self.what is What.LP:
            return tr("LP “{label}” in {phase}").format(label=self.label, phase=self.phase_name)
        return tr("MRD time point “{label}” in {phase}").format(
            label=self.label, phase=self.phase_name
        )

    @property
    def when(self) -> str:
        """The date as shown, or "unknown (after Induction, whose length is unknown)"."""
        if self.date is not None:
            return date_text(self.date)
        return tr("unknown ({why})").format(why=self.why_unknown)


@dataclass(frozen=True, slots=True)
class Plan:
    protocol: str
    arm: str
    phases: tuple[str, ...]  # the arm's phase keys, in chain order
    items: tuple[PlanItem, ...]  # phase by phase: start, LPs, MRD time points, end

    def item(self, item_id: str) -> PlanItem:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def dates(self) -> dict[str, dt.date | None]:
        return {it.id: it.date for it in self.items}


def chain(template: Template, arm: str) -> tuple[PhasePlan, ...]:
    """The arm's phases from its first, each followed by the one that starts after it."""
    if template.arm(arm) is None:
        raise RoadmapError(
            tr("The roadmap “{roadmap}” has no arm “{arm}”; its arms are {arms}.").format(
                roadmap=template.protocol,
                arm=arm,
                arms=", ".join(f"“{a.key}”" for a in template.arms),
            )
        )
    phases = [p for p in template.phases if arm in p.arms]
    following: dict[str, PhasePlan] = {}
    first: PhasePlan | None = None
    for p in phases:
        link = p.predecessor(arm)
        if link is None:
            first = p
        else:
            following[link.phase] = p
    result: list[PhasePlan] = []
    here = first
    while here is not None:  # the reader refuses forks and cycles: this is one path
        result.append(here)
        here = following.get(here.key)
    return tuple(result)


def item_ids(phase: PhasePlan, arm: str) -> tuple[str, ...]:
    """The ids of the phase's items in ``arm`` (start, LPs, MRD time points, end)."""
    ids = [f"{phase.key}.start"]
    ids += [f"{phase.key}.lp{n}" for n, t in _points(phase.lps, arm)]
    ids += [f"{phase.key}.mrd{n}" for n, t in _points(phase.mrd, arm)]
    return (*ids, f"{phase.key}.end")


def compute_plan(template: Template, arm: str, facts: Facts) -> Plan:
    """Every planned item's date in ``arm``; RoadmapError for a fact about no such phase."""
    phases = chain(template, arm)
    _check_facts(template, arm, phases, facts)
    items: list[PlanItem] = []
    prev_end: dt.date | None = None
    prev_why = ""
    for p in phases:
        link = p.predecessor(arm)
        gap = None if link is None else link.gap_days
        start, s_sure, s_why = _start(p, gap, facts, prev_end, prev_why)
        end, e_sure, e_why, next_why = _end(p, facts, start, s_why)

        items.append(_edge(p, What.START, start, s_sure, s_why))
        edges = _Edges(start, s_why, end, e_why)
        items += [
            _point(p, f"{p.key}.lp{n}", What.LP, t, facts, edges) for n, t in _points(p.lps, arm)
        ]
        items += [
            _point(p, f"{p.key}.mrd{n}", What.MRD, t, facts, edges) for n, t in _points(p.mrd, arm)
        ]
        items.append(_edge(p, What.END, end, e_sure, e_why))
        prev_end, prev_why = end, next_why
    return Plan(template.protocol, arm, tuple(p.key for p in phases), tuple(items))


@dataclass(frozen=True, slots=True)
class _Edges:
    start: dt.date | None
    start_why: str
    end: dt.date | None
    end_why: str


def _point(
    p: PhasePlan, pid: str, what: What, t: TimePoint, facts: Facts, edges: _Edges
) -> PlanItem:
    if pid in facts.fixed:
        return PlanItem(pid, p.key, p.name, what, t.label, facts.fixed[pid], Sureness.FIXED)
    if t.at is At.END:
        base, why = edges.end, edges.end_why
    else:
        base, why = edges.start, edges.start_why
        if base is not None and t.at is At.DAY:
            assert t.day is not None
            base = _add(base, t.day - 1)
            why = why or TOO_FAR
    if base is None:
        return PlanItem(pid, p.key, p.name, what, t.label, None, Sureness.UNKNOWN, why)
    return PlanItem(pid, p.key, p.name, what, t.label, base, Sureness.PLANNED)


def _points(points: tuple[TimePoint, ...] | None, arm: str) -> list[tuple[int, TimePoint]]:
    return [(n, t) for n, t in enumerate(points or (), start=1) if t.arms is None or arm in t.arms]


def _add(d: dt.date, days: int) -> dt.date | None:
    try:
        return d + dt.timedelta(days=days)
    except OverflowError:
        return None


def _start(
    p: PhasePlan, gap: int | None, facts: Facts, prev_end: dt.date | None, prev_why: str
) -> tuple[dt.date | None, Sureness, str]:
    """The start, its sureness and why it is unknown; ``gap`` None: the arm's first phase."""
    if p.key in facts.started:
        return facts.started[p.key], Sureness.DONE, ""
    if f"{p.key}.start" in facts.fixed:
        return facts.fixed[f"{p.key}.start"], Sureness.FIXED, ""
    if gap is None:
        if facts.first_start is None:
            return (
                None,
                Sureness.UNKNOWN,
                tr("the start of {phase} is not entered yet").format(phase=p.name),
            )
        return facts.first_start, Sureness.FIXED, ""
    if prev_end is None:
        return None, Sureness.UNKNOWN, prev_why
    start = _add(prev_end, 1 + gap)
    if start is None:
        return None, Sureness.UNKNOWN, tr(TOO_FAR)
    return start, Sureness.PLANNED, ""


def _end(
    p: PhasePlan, facts: Facts, start: dt.date | None, s_why: str
) -> tuple[dt.date | None, Sureness, str, str]:
    """The end, its sureness, why it is unknown, and why the next phase's start is."""
    after_this = tr("after {phase}, whose length is unknown").format(phase=p.name)
    if p.key in facts.ended:
        return facts.ended[p.key], Sureness.DONE, "", ""
    if f"{p.key}.end" in facts.fixed:
        return facts.fixed[f"{p.key}.end"], Sureness.FIXED, "", ""
    if start is None:
        return None, Sureness.UNKNOWN, s_why, s_why
    if p.length_days is None:
        unknown = tr("the length of {phase} is unknown").format(phase=p.name)
        return None, Sureness.UNKNOWN, unknown, after_this
    end = _add(start, p.length_days - 1)
    if end is None:
        return None, Sureness.UNKNOWN, tr(TOO_FAR), tr(TOO_FAR)
    return end, Sureness.PLANNED, "", ""


def _edge(p: PhasePlan, what: What, date: dt.date | None, sure: Sureness, why: str) -> PlanItem:
    return PlanItem(
        f"{p.key}.{what.value}", p.key, p.name, what, what.value, date, sure, why or None
    )


def _check_facts(template: Template, arm: str, phases: tuple[PhasePlan, ...], facts: Facts) -> None:
    """A fact about a phase or item the template does not have is refused; facts about
    another arm's phases (history before a change of risk group) are left out."""
    keys = {p.key for p in template.phases}
    for what, known in (("started", facts.started), ("ended", facts.ended)):
        for key in known:
            if key not in keys:
                message = (
                    tr(
                        "The plan says phase “{phase}” started, "
                        "but the roadmap “{roadmap}” has no such phase."
                    )
                    if what == "started"
                    else tr(
                        "The plan says phase “{phase}” ended, "
                        "but the roadmap “{roadmap}” has no such phase."
                    )
                )
                raise RoadmapError(message.format(phase=key, roadmap=template.protocol))
    for item_id in facts.fixed:
        key = item_id.rpartition(".")[0]
        phase = template.phase(key)
        if phase is None or not any(item_id in item_ids(phase, a.key) for a in template.arms):
            raise RoadmapError(
                tr(
                    "A date was fixed for “{item}”, but the roadmap “{roadmap}” has no such item."
                ).format(item=item_id, roadmap=template.protocol)
            )


def in_date_order(items: tuple[PlanItem, ...]) -> list[PlanItem]:
    """The items phase by phase (the plan's order of phases), each phase's in date order:
    its dated items by date, then the undated ones; items of one day keep the plan's order
    (start, LPs, MRD time points, end), so the list is stable."""
    order: dict[str, int] = {}
    for it in items:
        order.setdefault(it.phase, len(order))
    return sorted(
        items,
        key=lambda it: (order[it.phase], it.date is None, it.date or dt.date.min),
    )
