"""A roadmap applied to a child who has phases already (the demo: Robin's real prophase to
maintenance, entered by hand): each phase of the template links to the child's phase of
the same kind or name, in chain order, its real dates are the plan's facts, and only the
phases the child does not have are created."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

from tracker.demo import build_demo
from tracker.model import Child, Phase, PhaseKind, Roadmap
from tracker.roadmap.child import Applied, apply_template, pending_moves, plan_of
from tracker.roadmap.link import link_phases, name_words
from tracker.roadmap.plan import Sureness, chain
from tracker.roadmap.read import shipped_template
from tracker.store import Record


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Record]:
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        yield rec


def _robin(demo: Record) -> Child:
    [child] = demo.entries(Child)
    return child


def _apply(demo: Record, child: Child) -> Applied:
    assert child.id is not None
    return apply_template(
        shipped_template("interfant-21"),
        "MR",
        child_id=child.id,
        first_start=TODAY,
        today=TODAY,
        phases=demo.entries(Phase, child.id),
    )


def test_the_demos_phases_are_linked_in_chain_order_and_none_is_made_twice(demo: Record):
    child = _robin(demo)
    assert child.id is not None
    before = demo.entries(Phase, child.id)
    applied = _apply(demo, child)
    linked = {key: p.name for key, p in applied.linked}
    assert linked == {
        "pro": "Prednisone prophase",
        "ind": "Induction",
        "blina1": "Blinatumomab 1",  # entered as a consolidation: linked by its name
        "cons": "Protocol IB",  # the courses after blinatumomab 1: the next consolidation
        "blina2": "Blinatumomab 2",
        "mt": "Maintenance",
    }
    assert applied.phases == ()  # nothing new: every phase of the arm is there already
    with demo.batch("apply"):
        roadmap, _ = demo.save(applied.roadmap)
    after = demo.entries(Phase, child.id)
    assert after == before
    kinds_starts = [(p.kind, p.start) for p in after]
    assert len(set(kinds_starts)) == len(kinds_starts)  # no block twice
    # the plan's dates are the real ones
    by_name = {p.name: p for p in after}
    plan = plan_of(roadmap, after)
    for key, name in linked.items():
        real = by_name[name]
        start = plan.item(f"{key}.start")
        assert (start.date, start.sureness) == (real.actual_start, Sureness.DONE)
        if real.actual_end is not None:
            assert plan.item(f"{key}.end").date == real.actual_end
    # maintenance has not ended: its end is the team's planned end, kept as the family's
    mt_end = plan.item("mt.end")
    assert (mt_end.date, mt_end.sureness) == (by_name["Maintenance"].planned_end, Sureness.FIXED)
    assert roadmap.first_start == by_name["Prednisone prophase"].actual_start
    assert pending_moves(roadmap, after) == ()  # nothing waits to move


def test_a_phase_the_child_lacks_is_created_after_the_linked_ones(demo: Record):
    child = _robin(demo)
    assert child.id is not None
    for p in demo.entries(Phase, child.id):
        if p.name not in ("Prednisone prophase", "Induction"):
            demo.delete(Phase, p.id)  # the demo as it stood at the end of induction
    applied = _apply(demo, child)
    assert [k for k, _ in applied.linked] == ["pro", "ind"]
    # blinatumomab 1 (28 days) and the courses after it, whose start follows from it
    blina, cons = applied.phases
    assert cons.planned_start == blina.planned_end + dt.timedelta(days=1)  # type: ignore[operator]
    induction = next(p for _, p in applied.linked if p.kind is PhaseKind.INDUCTION)
    assert induction.actual_end is not None
    assert blina.name == "Blinatumomab, cycle 1"
    assert blina.planned_start == induction.actual_end + dt.timedelta(days=1)


def test_links_keep_chain_order_and_prefer_names_and_kinds():
    t = shipped_template("interfant-21")
    arm = chain(t, "MR")

    def phase(kind: PhaseKind, name: str, start: int) -> Phase:
        return Phase(1, kind, name, actual_start=dt.date(2026, 1, 1) + dt.timedelta(days=start))

    # two consolidations: the blinatumomab course by its name, the courses after it by kind
    entries = [
        phase(PhaseKind.CONSOLIDATION, "Protocol IB", 60),
        phase(PhaseKind.CONSOLIDATION, "Blinatumomab 1", 30),
        phase(PhaseKind.INDUCTION, "Induction", 0),
    ]
    links = {k: p.name for k, p in link_phases(arm, entries).items()}
    assert links == {"ind": "Induction", "blina1": "Blinatumomab 1", "cons": "Protocol IB"}
    # an induction entered after the consolidation is not linked out of order
    out_of_order = [
        phase(PhaseKind.CONSOLIDATION, "Courses", 0),
        phase(PhaseKind.INDUCTION, "I", 9),
    ]
    assert len(link_phases(arm, out_of_order)) == 1
    assert name_words("Blinatumomab, cycle 1") == name_words("blinatumomab 1")
    assert name_words("Blinatumomab, cycle 2 (replaces one chemotherapy course)") == {
        "blinatumomab",
        "2",
    }
    assert link_phases(arm, []) == {}


def test_a_planned_phase_the_family_entered_keeps_its_date(demo: Record):
    child = _robin(demo)
    assert child.id is not None
    t = shipped_template("interfant-21")
    day = dt.date(2027, 1, 4)
    planned = Phase(child.id, PhaseKind.INDUCTION, "Induction", planned_start=day)
    applied = apply_template(
        t, "MR", child_id=child.id, first_start=None, today=TODAY, phases=[planned]
    )
    roadmap = applied.roadmap
    items = {i.item_id: i for i in roadmap.items}
    assert items["ind.start"].fixed and items["ind.start"].date == day
    assert plan_of(roadmap, [planned]).item("ind.start").sureness is Sureness.FIXED
    assert Roadmap is type(roadmap)
