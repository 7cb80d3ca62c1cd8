"""A roadmap applied to a child: the stored kind's rules, applying a template (items and
planned phases), a late start moving the later items (fixed ones stay), the refusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from tracker.model import Child, Phase, Roadmap
from tracker.roadmap.child import (
    Applied,
    apply_moves,
    apply_template,
    pending_moves,
    plan_of,
    record_real_start,
    template_of,
    with_arm,
    with_template,
)
from tracker.roadmap.read import RoadmapError, shipped_template
from tracker.store import Record, ValidationFailed

FIRST = dt.date(2026, 9, 1)


def _save(record: Record, applied: Applied) -> tuple[Roadmap, list[Phase]]:
    with record.batch("apply the roadmap"):
        phases = [record.save(p)[0] for p in applied.phases]
        roadmap, _ = record.save(applied.roadmap)
    return roadmap, phases


def _filled() -> Any:
    """Interfant-21 with an induction of 33 days and courses of 60 (the demo's book)."""
    t = shipped_template("interfant-21")
    phases = tuple(
        replace(p, length_days={"ind": 33, "cons": 60}.get(p.key, p.length_days)) for p in t.phases
    )
    return replace(t, phases=phases)


def _applied(record: Record, child: Child, template: Any = None) -> tuple[Roadmap, list[Phase]]:
    assert child.id is not None
    applied = apply_template(
        template or shipped_template("interfant-21"),
        "MR",
        child_id=child.id,
        first_start=FIRST,
        today=record.today(),
    )
    return _save(record, applied)


def test_apply_creates_items_and_planned_phases_for_known_dates(record: Record, child: Child):
    roadmap, phases = _applied(record, child)
    ids = [i.item_id for i in roadmap.items]
    assert ids[:4] == ["pro.start", "pro.mrd1", "pro.end", "ind.start"]
    assert "ind.lp1" in ids and "mt.end" in ids and "sct.start" not in ids  # MR only
    # prophase (7 days) and induction (start known, length not) get phase entries
    assert [(p.name, p.planned_start, p.planned_end) for p in phases] == [
        ("Prednisone prophase", FIRST, dt.date(2026, 9, 7)),
        ("Induction", dt.date(2026, 9, 8), None),
    ]
    assert all(p.notes == "planned from Interfant-21" for p in phases)
    item = {i.item_id: i for i in roadmap.items}
    assert item["ind.start"].phase_uid == phases[1].uid
    assert item["blina1.start"].date is None and item["blina1.start"].phase_uid == ""
    stored = record.entries(Roadmap, child.id)
    assert stored == [roadmap]
    assert record.entries(Phase, child.id) == phases


def test_a_template_that_cannot_be_read_or_an_arm_it_lacks_is_refused(record: Record, child: Child):
    roadmap, _ = _applied(record, child)
    with pytest.raises(ValidationFailed) as caught:
        record.save(replace(roadmap, arm="LR"))
    assert "“LR” is not one of the roadmap's arms" in caught.value.errors["arm"]
    with pytest.raises(ValidationFailed) as caught:
        record.save(replace(roadmap, template="{"))
    assert "template" in caught.value.errors
    bad = replace(roadmap.items[0], item_id="nope.start")
    with pytest.raises(ValidationFailed) as caught:
        record.save(replace(roadmap, items=(bad, *roadmap.items[1:])))
    assert "“nope.start” is not an item" in caught.value.errors["items"]
    early = replace(roadmap.items[0], date=dt.date(2025, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        record.save(replace(roadmap, items=(early, *roadmap.items[1:])))
    assert "before the date of birth" in caught.value.errors["items"]


def test_filling_in_lengths_dates_the_later_phases(record: Record, child: Child):
    roadmap, phases = _applied(record, child)
    edited = with_template(roadmap, _filled())
    moves = pending_moves(edited, phases)
    moved = {m.item.id: m for m in moves}
    assert moved["ind.end"].old is None and moved["ind.end"].new == dt.date(2026, 10, 10)
    assert moved["blina1.start"].new == dt.date(2026, 10, 11)
    assert moved["ind.end"].reason == "dated now that the plan's lengths were filled in"
    roadmap, _ = _save(record, apply_moves(edited, phases, moves))
    names = {p.name: p for p in record.entries(Phase, child.id)}
    assert names["Induction"].planned_end == dt.date(2026, 10, 10)
    assert names["Blinatumomab, cycle 1"].planned_start == dt.date(2026, 10, 11)
    assert pending_moves(roadmap, record.entries(Phase, child.id)) == ()


def test_a_late_start_moves_every_later_item_but_not_the_fixed_ones(record: Record, child: Child):
    roadmap, _ = _applied(record, child, _filled())
    items = {i.item_id: i for i in roadmap.items}
    assert items["blina1.start"].date == dt.date(2026, 10, 11)
    fixed_day = dt.date(2026, 12, 24)
    pinned = tuple(
        replace(i, date=fixed_day, fixed=True) if i.item_id == "blina2.start" else i
        for i in roadmap.items
    )
    roadmap, _ = record.save(replace(roadmap, items=pinned))
    phases = record.entries(Phase, child.id)
    shift, applied = record_real_start(
        roadmap, phases, "blina1", dt.date(2026, 10, 14), child.birth_date
    )
    moved = {m.item.id: m for m in shift.moves}
    assert moved["blina1.end"].new == dt.date(2026, 11, 10)
    assert moved["cons.start"].reason == "moved 3 days after Blinatumomab, cycle 1 started late"
    assert "blina2.start" not in moved  # fixed by hand: never moves
    roadmap, _ = _save(record, applied)
    items = {i.item_id: i for i in roadmap.items}
    assert items["cons.start"].date == dt.date(2026, 11, 11)
    assert items["cons.start"].moved_because.startswith("moved 3 days after")
    assert items["blina2.start"].date == fixed_day and items["blina2.start"].fixed
    blina = next(p for p in record.entries(Phase, child.id) if p.name.startswith("Blina"))
    assert blina.actual_start == dt.date(2026, 10, 14)
    assert blina.planned_start == dt.date(2026, 10, 11)  # the plan as it was: history
    assert pending_moves(roadmap, record.entries(Phase, child.id)) == ()


def test_a_phase_started_late_elsewhere_is_a_pending_move_with_its_reason(
    record: Record, child: Child
):
    roadmap, phases = _applied(record, child)
    pro = phases[0]
    record.save(replace(pro, actual_start=FIRST + dt.timedelta(days=2)))
    moves = pending_moves(roadmap, record.entries(Phase, child.id))
    assert [(m.item.id, m.reason) for m in moves][:4] == [
        ("pro.start", "it really started on 2026-09-03"),
        ("pro.mrd1", "moved 2 days after Prednisone prophase started late"),
        ("pro.end", "moved 2 days after Prednisone prophase started late"),
        ("ind.start", "moved 2 days after Prednisone prophase started late"),
    ]


def test_a_real_start_after_today_is_refused(record: Record, child: Child):
    roadmap, phases = _applied(record, child)
    with pytest.raises(RoadmapError, match="after today"):
        record_real_start(
            roadmap, phases, "pro", dt.date(2200, 1, 1), child.birth_date, record.today()
        )


def test_a_start_before_birth_is_refused_with_the_plain_message(record: Record, child: Child):
    roadmap, phases = _applied(record, child)
    with pytest.raises(RoadmapError, match="before the child's birth"):
        record_real_start(roadmap, phases, "pro", dt.date(2025, 12, 1), child.birth_date)


def test_a_change_of_arm_keeps_the_phases_that_really_started(record: Record, child: Child):
    roadmap, phases = _applied(record, child, _filled())
    _shift, applied = record_real_start(roadmap, phases, "pro", FIRST, child.birth_date)
    roadmap, _ = _save(record, applied)
    phases = record.entries(Phase, child.id)
    high = with_arm(roadmap, "HR")
    moves = pending_moves(high, phases)
    assert any(m.item.id == "sct.start" for m in moves)
    roadmap, _ = _save(record, apply_moves(high, phases, moves))
    ids = [i.item_id for i in roadmap.items]
    assert "sct.start" in ids and "cons.start" not in ids
    assert plan_of(roadmap, record.entries(Phase, child.id)).item("pro.start").date == FIRST
    assert template_of(roadmap).protocol == "Interfant-21"


def test_a_date_fixed_by_hand_moves_what_follows_and_then_never_moves(record: Record, child: Child):
    from tracker.roadmap.child import fix_date

    roadmap, phases = _applied(record, child, _filled())
    later = dt.date(2026, 11, 13)  # the team moved the courses 5 days later
    applied = fix_date(roadmap, phases, "cons.start", later, child.birth_date)
    moved = {m.item.id: m for m in applied.moves}
    assert "cons.start" not in moved
    assert moved["cons.end"].reason == (
        "moved 5 days after the start of Chemotherapy courses after blinatumomab 1 "
        "(from your protocol book) was fixed by hand"
    )
    roadmap, _ = _save(record, applied)
    item = {i.item_id: i for i in roadmap.items}["cons.start"]
    assert item.fixed and item.date == later
    phases = record.entries(Phase, child.id)
    shift, applied = record_real_start(
        roadmap, phases, "blina1", dt.date(2026, 10, 14), child.birth_date
    )
    assert "cons.start" not in {m.item.id for m in shift.moves}
    roadmap, _ = _save(record, applied)
    assert {i.item_id: i for i in roadmap.items}["cons.start"].date == later
    with pytest.raises(RoadmapError, match="before the child's birth"):
        fix_date(roadmap, phases, "mt.start", dt.date(2025, 1, 1), child.birth_date)
    with pytest.raises(RoadmapError, match="before it starts"):
        fix_date(roadmap, phases, "cons.end", dt.date(2026, 11, 1), child.birth_date)


def test_the_timeline_draws_the_plans_lps_and_mrd_hollow_and_unknown_lengths_open(
    record: Record, child: Child
):
    from tracker import timeline

    roadmap, phases = _applied(record, child)
    drawn = timeline.build(
        phases, [], [], [], dt.date(2026, 9, 1), lanes=("phases", "plan"), roadmaps=[roadmap]
    )
    plan = drawn.lane("plan")
    assert plan is not None and plan.title == "Plan (LPs and MRD checks)"
    [day8] = plan.marks  # the only one dated: the MRD on day 8 (the start of induction)
    assert not day8.filled and day8.planned and day8.shape == "diamond"
    assert day8.x == timeline.x_of(dt.date(2026, 9, 8)) + 0.5
    assert "planned from Interfant-21" in day8.tooltip
    induction = next(s for s in drawn.lane("phases").spans if s.label.startswith("Induction"))
    assert induction.open_ended and induction.planned
    assert induction.label == "Induction (length unknown)"
    assert "planned from Interfant-21; length unknown" in induction.tooltip
    assert induction.x1 - induction.x0 == timeline.OPEN_PLAN_DAYS


def test_lp_days_from_the_protocol_book_are_planned_items(record: Record, child: Child):
    from tracker.roadmap.child import lp_days_text, with_lp_days

    t = with_lp_days(_filled(), "ind", "15, 1; 29")
    ind = t.phase("ind")
    assert ind is not None and lp_days_text(ind) == "1, 15, 29"
    # the family's days win: the template's "end of induction (~day 33)" LP goes
    assert ind.lps is not None and [p.at.value for p in ind.lps] == ["day"] * 3
    roadmap, _ = _applied(record, child, t)
    items = {i.item_id: i for i in roadmap.items}
    assert items["ind.lp1"].date == dt.date(2026, 9, 8)  # day 1
    assert items["ind.lp3"].date == dt.date(2026, 10, 6)  # day 29
    assert "ind.lp4" not in items
    with pytest.raises(ValueError, match="day 40 is more than a day after the end of the phase's"):
        with_lp_days(t, "ind", "40")
    with pytest.raises(ValueError, match="“x” is not a day"):
        with_lp_days(t, "ind", "1, x")


def _moved(roadmap: Roadmap) -> dict[str, str]:
    return {i.item_id: i.moved_because for i in roadmap.items if i.moved_because}


def test_an_item_back_on_its_plan_date_reads_as_planned_again(record: Record, child: Child):
    """A fix of +7 days then back: the later items are on the days the plan gives, with no
    "moved 7 days earlier" left on them (how sure: "planned", not "moved")."""
    from tracker.roadmap.child import fix_date, how_sure

    roadmap, phases = _applied(record, child, _filled())
    planned = {i.item_id: i.date for i in roadmap.items}
    day = planned["blina1.start"]
    assert day is not None
    there, _ = _save(
        record,
        fix_date(roadmap, phases, "blina1.start", day + dt.timedelta(days=7), child.birth_date),
    )
    assert _moved(there)["cons.start"].startswith("moved 7 days after")
    back, _ = _save(
        record,
        fix_date(there, record.entries(Phase, child.id), "blina1.start", day, child.birth_date),
    )
    assert {i.item_id: i.date for i in back.items} == planned
    assert _moved(back) == {}
    plan = plan_of(back, record.entries(Phase, child.id))
    stored = {i.item_id: i for i in back.items}
    assert how_sure(plan.item("cons.start"), stored["cons.start"]) == "planned"


def test_lengths_edited_and_edited_back_leave_no_moved_reason(record: Record, child: Child):
    """The preview says "moved 7 days later after the plan's lengths were edited"; once
    applied the items are on the days the edited plan gives: planned, no "moved" kept (and
    none after the length is edited back)."""
    roadmap, phases = _applied(record, child, _filled())
    planned = {i.item_id: i.date for i in roadmap.items}
    for length, word in ((40, "later"), (33, "earlier")):  # induction 7 days longer, then back
        t = template_of(roadmap)
        edited = with_template(
            roadmap,
            replace(
                t,
                phases=tuple(
                    replace(p, length_days=length) if p.key == "ind" else p for p in t.phases
                ),
            ),
        )
        phases = record.entries(Phase, child.id)
        moves = pending_moves(edited, phases)
        reasons = {m.item.id: m.reason for m in moves}
        assert reasons["cons.start"] == f"moved 7 days {word} after the plan's lengths were edited"
        roadmap, _ = _save(record, apply_moves(edited, phases, moves))
        assert _moved(roadmap) == {}
    assert {i.item_id: i.date for i in roadmap.items} == planned


def test_a_date_fixed_beyond_the_date_window_is_refused(record: Record, child: Child):
    """The forms' rule (tracker.dates.date_window): at most 10 years after today."""
    from tracker.roadmap.child import fix_date

    roadmap, phases = _applied(record, child, _filled())
    with pytest.raises(RoadmapError) as caught:
        fix_date(
            roadmap, phases, "blina1.start", dt.date(9999, 1, 1), child.birth_date, record.today()
        )
    assert str(caught.value) == (
        "The start of Blinatumomab, cycle 1: 9999-01-01 is more than 10 years ahead (the "
        "latest date accepted is 2036-11-24); check the year. Nothing was changed."
    )
    last = dt.date(2036, 11, 24)
    assert fix_date(roadmap, phases, "mt.end", last, child.birth_date, record.today())


def test_a_move_past_the_calendars_last_day_is_refused_not_left_unknown(
    record: Record, child: Child
):
    """Without a today to measure by (or a real start near 9999-12-31): what follows would
    fall after 9999-12-31; refused, not shown as "unknown"."""
    from tracker.roadmap.child import facts_of, fix_date
    from tracker.roadmap.shift import preview_shift

    roadmap, phases = _applied(record, child, _filled())
    with pytest.raises(RoadmapError) as caught:
        fix_date(roadmap, phases, "blina1.start", dt.date(9999, 12, 1), child.birth_date)
    assert str(caught.value) == (
        "This would put the end of Chemotherapy courses after blinatumomab 1 (from your "
        "protocol book) after 9999-12-31, the last day a date can have; check the date. "
        "Nothing was changed."
    )
    with pytest.raises(RoadmapError, match="after 9999-12-31, the last day a date can have"):
        preview_shift(
            template_of(roadmap),
            "MR",
            facts_of(roadmap, phases),
            "blina1",
            started=dt.date(9999, 12, 20),
        )


def test_an_lp_on_the_day_after_the_phases_last_day_is_one_rule_for_file_and_dialog():
    """Day n + 1 of a phase of n days (the day after its last day) is accepted in a template
    file (tracker.roadmap.read) and typed as an LP day alike; day n + 2 refused by both."""
    from tracker.roadmap.child import with_lp_days
    from tracker.roadmap.read import parse_template
    from tracker.roadmap.template import latest_point_day
    from tracker.roadmap.write import template_text

    t = _filled()  # consolidation: 60 days
    assert latest_point_day(60) == 61
    typed = with_lp_days(t, "cons", "1, 61")
    cons = typed.phase("cons")
    assert cons is not None and [p.day for p in cons.lps or ()][-1] == 61
    assert parse_template(template_text(typed).encode(), "ours.json") == typed  # the file too
    with pytest.raises(ValueError) as caught:
        with_lp_days(t, "cons", "62")
    assert str(caught.value) == (
        "Chemotherapy courses after blinatumomab 1 (from your protocol book): day 62 is more "
        "than a day after the end of the phase's 60 days; give a day from 1 to 61 (61: the "
        "day after its last day), or change the length"
    )
    with pytest.raises(RoadmapError, match="is on day 62, more than a day after the end"):
        parse_template(template_text(typed).replace('"day": 61', '"day": 62').encode(), "x.json")


def test_a_real_start_corrected_back_to_its_plan_day_leaves_no_moved_reason(
    record: Record, child: Child
):
    """ "It really started on…" 7 days late, then corrected to the planned day: the items
    after it are on the plan's days again and say nothing moved."""
    roadmap, phases = _applied(record, child, _filled())
    planned = {i.item_id: i.date for i in roadmap.items}
    day = planned["blina1.start"]
    assert day is not None
    for start in (day + dt.timedelta(days=7), day):
        phases = record.entries(Phase, child.id)
        _shift, applied = record_real_start(roadmap, phases, "blina1", start, child.birth_date)
        roadmap, _ = _save(record, applied)
    assert {i.item_id: i.date for i in roadmap.items} == planned
    assert not any(why.startswith("moved") for why in _moved(roadmap).values())
