"""A change of arm (risk group MR → HR) for a child already in treatment.

What really happened stays: every phase of the old arm that really started (up to the one
the child is in now, "the current real phase") keeps its place, dates and items, the items
fixed by hand among them.  The new arm offers only its **remaining** phases: those after the
last of its phases the child has been through.  They follow the current real phase (the day
after its end, real or planned) and never start before today, so no planned phase is dated
in the past or overlaps a real one.

The child's route is written into the child's own copy of the template as an arm of its own
(``HR-from-2026-11-24``, "High risk (HR) from 2026-11-24, after Medium risk (MR) until
Maintenance"): the old arm's phases up to the current one, then the new arm's remaining ones.
The template's own arms stay as they were, so a plan saved as a template still holds them
unchanged.  When nothing really started yet, or the route is the new arm's own chain from
its start, the roadmap simply takes the new arm.

Pure: :func:`change_arm` gives what to save (the roadmap and its phases: ``Applied``) and
what the preview says; the caller saves it with the child's risk group and the optional
risk-group change milestone as one step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tracker.i18n import tr
from tracker.i18n.formats import date_text
from tracker.model import Child, Milestone, MilestoneKind, Phase, RiskGroup, Roadmap
from tracker.roadmap.child import Applied, facts_of, synced, template_of
from tracker.roadmap.plan import Plan, PlanItem, compute_plan
from tracker.roadmap.plan import chain as arm_chain
from tracker.roadmap.read import RoadmapError, stored_template
from tracker.roadmap.template import MAX_GAP_DAYS, After, Arm, PhasePlan, Template, TimePoint
from tracker.roadmap.write import template_text

ROUTE_MARK = "-from-"
"""What a route arm's key holds between the team's arm and the day of the change."""


@dataclass(frozen=True, slots=True)
class ArmChange:
    """What a change of arm keeps, offers and drops, and what to save."""

    old_arm: str
    new_arm: str  # the arm the team named (its key in the template)
    applied: Applied  # the roadmap (its arm, maybe a route arm) and the phases to save
    kept: tuple[str, ...]  # the phases that really started: they stay as they are
    offered: tuple[PlanItem, ...]  # the starts of the new arm's remaining phases
    dropped_fixed: tuple[PlanItem, ...]  # dates fixed by hand whose item is not in the new arm
    dropped_phases: tuple[str, ...]  # the old arm's phases not begun, no longer planned

    def lines(self) -> list[str]:
        """The preview's sentences, in plain words."""
        out: list[str] = []
        if self.kept:
            out.append(
                tr(
                    "Kept as they are (they really started): {phases}, with their dates and "
                    "everything entered."
                ).format(phases="; ".join(self.kept))
            )
        if self.offered:
            offered = "; ".join(
                tr("{phase}, from {date}").format(phase=it.phase_name, date=it.when)
                for it in self.offered
            )
            if self.kept:
                message = tr("Offered from {arm}: {phases} (after {last}, never before today).")
            else:
                message = tr("Offered from {arm}: {phases}.")
            out.append(
                message.format(
                    arm=self.new_arm, phases=offered, last=self.kept[-1] if self.kept else ""
                )
            )
        else:
            out.append(
                tr("{arm} has no phase left after the ones already begun.").format(arm=self.new_arm)
            )
        if self.dropped_phases:
            out.append(
                tr("No longer planned (not in {arm}): {phases}.").format(
                    arm=self.new_arm, phases="; ".join(self.dropped_phases)
                )
            )
        if self.dropped_fixed:
            out.append(
                tr("Dates fixed by hand that go (their item is not in {arm}): {items}.").format(
                    arm=self.new_arm,
                    items="; ".join(
                        tr("{item} on {date}").format(item=it.description, date=it.when)
                        for it in self.dropped_fixed
                    ),
                )
            )
        return out


def team_arm(arm: str) -> str:
    """The arm the team named, for a route arm's key ("HR-from-2026-11-24" → "HR")."""
    return arm.split(ROUTE_MARK, 1)[0]


def risk_group_of(arm: str) -> RiskGroup:
    """The child's risk group for an arm key: LR… low, MR… / SR… medium, HR… high."""
    key = team_arm(arm).upper()
    for prefix, group in (
        ("LR", RiskGroup.LOW),
        ("MR", RiskGroup.MEDIUM),
        ("SR", RiskGroup.MEDIUM),
        ("HR", RiskGroup.HIGH),
    ):
        if key.startswith(prefix):
            return group
    return RiskGroup.OTHER


def child_in_arm(child: Child, arm: str) -> Child:
    """The child with the risk group of ``arm`` (the team's words: the arm's key)."""
    return replace(child, risk_group=risk_group_of(arm), risk_group_text=team_arm(arm))


def risk_change_milestone(child_id: int, day: dt.date, old_arm: str, new_arm: str) -> Milestone:
    return Milestone(
        child_id,
        day,
        MilestoneKind.RISK_CHANGE,
        result_text=f"{team_arm(old_arm)} → {team_arm(new_arm)}",
    )


def change_arm(
    roadmap: Roadmap, phases: Sequence[Phase], new_arm: str, today: dt.date
) -> ArmChange:
    """The roadmap in ``new_arm`` from where the child is now (see the module's text);
    RoadmapError with a plain message if the new arm cannot follow the phases begun."""
    template = template_of(roadmap)
    if template.arm(new_arm) is None:
        raise RoadmapError(
            tr("The roadmap “{roadmap}” has no arm “{arm}”.").format(
                roadmap=template.protocol, arm=new_arm
            )
        )
    facts = facts_of(roadmap, phases)
    old_chain = arm_chain(template, roadmap.arm)
    new_chain = arm_chain(template, new_arm)
    before = compute_plan(template, roadmap.arm, facts)
    begun = [i for i, p in enumerate(old_chain) if p.key in facts.started]
    history = list(old_chain[: begun[-1] + 1]) if begun else []
    keys = {p.key for p in history}
    reached = [i for i, p in enumerate(new_chain) if p.key in keys]
    remaining = [p for p in new_chain[(reached[-1] + 1 if reached else 0) :] if p.key not in keys]
    route = [*history, *remaining]
    if [p.key for p in route] == [p.key for p in old_chain] and team_arm(new_arm) == team_arm(
        roadmap.arm
    ):
        arm, copy = roadmap.arm, template  # the route it is on already: nothing changes
    elif not history or [p.key for p in route] == [p.key for p in new_chain]:
        arm, copy = new_arm, template
    else:
        arm = _route_key(template, new_arm, today)
        copy = _with_route(template, roadmap.arm, new_arm, arm, history, remaining, today)
    changed = replace(roadmap, arm=arm, template=template_text(copy))
    plan = compute_plan(copy, arm, facts_of(changed, phases))
    if history and remaining:  # never dated in the past: a gap after the current phase
        first = plan.item(f"{remaining[0].key}.start").date
        if first is not None and first < today:
            late = (today - first).days
            if arm == new_arm:  # the new arm's own chain: it needs a route to hold the gap
                arm = _route_key(template, new_arm, today)
                copy = _with_route(template, roadmap.arm, new_arm, arm, history, remaining, today)
            copy = _with_gap(copy, remaining[0].key, arm, late)
            changed = replace(roadmap, arm=arm, template=template_text(copy))
            plan = compute_plan(copy, arm, facts_of(changed, phases))
    applied = synced(changed, phases, plan, _reasons(plan, remaining, new_arm))
    in_plan = {it.id for it in plan.items}
    fixed_gone = tuple(
        before.item(i.item_id)
        for i in roadmap.items
        if i.fixed and i.item_id not in in_plan and i.item_id in before.dates()
    )
    by_uid = {p.uid: p for p in phases}
    entry = {
        i.item_id.rpartition(".")[0]: by_uid[i.phase_uid]
        for i in roadmap.items
        if i.phase_uid in by_uid
    }
    stays = tr("{phase} (its planned phase entry stays on the Phases tab until you delete it)")
    dropped = tuple(
        stays.format(phase=p.name) if p.key in entry else p.name
        for p in old_chain
        if p.key not in keys and p.key not in {q.key for q in route}
    )
    return ArmChange(
        team_arm(roadmap.arm),
        team_arm(new_arm),
        applied,
        tuple(entry[p.key].display_name if p.key in entry else p.name for p in history),
        tuple(plan.item(f"{p.key}.start") for p in remaining),
        fixed_gone,
        dropped,
    )


def _reasons(plan: Plan, remaining: Sequence[PhasePlan], new_arm: str) -> dict[str, str]:
    keys = {p.key for p in remaining}
    why = tr("planned from {arm} after the change of risk group").format(arm=team_arm(new_arm))
    return {it.id: why for it in plan.items if it.phase in keys and it.date is not None}


def _route_key(template: Template, new_arm: str, today: dt.date) -> str:
    base = f"{team_arm(new_arm)[:20]}{ROUTE_MARK}{today.isoformat()}"
    key, n = base, 2
    while template.arm(key) is not None:
        key, n = f"{base}-{n}", n + 1
    return key


def _with_route(
    template: Template,
    old_arm: str,
    new_arm: str,
    route: str,
    history: Sequence[PhasePlan],
    remaining: Sequence[PhasePlan],
    today: dt.date,
) -> Template:
    """The template with the arm ``route``: ``history`` (of ``old_arm``) then ``remaining``
    (of ``new_arm``), each phase after the one before it; the other arms unchanged."""
    old, new = template.arm(old_arm), template.arm(new_arm)
    assert old is not None and new is not None
    order = [*history, *remaining]
    if order and order[0].after:
        raise RoadmapError(
            tr(
                "{phase} is not a first phase of the roadmap, so the change of arm cannot be "
                "planned from it; apply the roadmap again in the new arm."
            ).format(phase=order[0].name)
        )
    if history:
        name = tr("{arm} from {date}, after {old} until {last}").format(
            arm=new.name, date=date_text(today), old=old.name, last=history[-1].name
        )
    else:
        name = tr("{arm} from {date}, after {old}").format(
            arm=new.name, date=date_text(today), old=old.name
        )
    arm = Arm(
        route,
        name[:500],
        tr(
            "The change of risk group on {date}: the phases begun in {old}, then the remaining "
            "phases of {new}."
        ).format(date=date_text(today), old=old_arm, new=new_arm),
    )
    before = {p.key: order[i - 1].key for i, p in enumerate(order) if i > 0}
    from_arm = {**{p.key: old_arm for p in history}, **{p.key: new_arm for p in remaining}}
    phases: list[PhasePlan] = []
    for p in template.phases:
        if p.key in from_arm:
            p = _in_route(p, route, from_arm[p.key], before.get(p.key))
        phases.append(p)
    result = replace(template, arms=(*template.arms, arm), phases=tuple(phases))
    return stored_template(template_text(result))  # the reader's checks: a chain, one path


def _in_route(p: PhasePlan, route: str, came_from: str, after: str | None) -> PhasePlan:
    links = tuple(replace(link, arms=link.arms or p.arms) for link in p.after)
    if after is not None:
        links = (*links, After(after, (route,), 0))
    return replace(
        p,
        arms=(*p.arms, route),
        after=links,
        lps=_points(p.lps, came_from, route),
        mrd=_points(p.mrd, came_from, route),
    )


def _points(
    points: tuple[TimePoint, ...] | None, came_from: str, route: str
) -> tuple[TimePoint, ...] | None:
    if points is None:
        return None
    return tuple(
        replace(t, arms=(*t.arms, route)) if t.arms is not None and came_from in t.arms else t
        for t in points
    )


def _with_gap(template: Template, key: str, route: str, days: int) -> Template:
    """The route's link into ``key`` with a gap of ``days`` (at most a year: a later start
    is refused with what to do)."""
    if days > MAX_GAP_DAYS:
        raise RoadmapError(
            tr(
                "The phases of the new arm would start more than a year after the phase the "
                "child is in ended; enter the real end or start of the phases first."
            )
        )
    p = template.phase(key)
    assert p is not None
    links = tuple(
        replace(link, gap_days=link.gap_days + days)
        if link.arms is not None and route in link.arms
        else link
        for link in p.after
    )
    result = replace(
        template,
        phases=tuple(replace(q, after=links) if q.key == key else q for q in template.phases),
    )
    return stored_template(template_text(result))
