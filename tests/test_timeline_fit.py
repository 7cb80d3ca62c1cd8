"""Issue 15, the timeline's drawing rules that need no Qt: the whole-treatment range, the
placement of axis and mark labels (inside the drawing area, never over each other)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import TODAY, fixed_clock

from tracker import timeline as tl
from tracker.demo import build_demo
from tracker.model import CnsVisit, CountResult, Milestone, Phase
from tracker.store import Record
from tracker.timeline import preset_range, x_of


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Record, int]]:
    path = tmp_path_factory.mktemp("fit") / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        child_id = rec.children()[0].id
        assert child_id is not None
        yield rec, child_id


def _build(demo: tuple[Record, int], **kwargs: object) -> tl.Timeline:
    record, child_id = demo
    return tl.build(
        record.entries(Phase, child_id),
        record.entries(Milestone, child_id),
        record.entries(CnsVisit, child_id),
        record.counts(child_id),
        TODAY,
        **kwargs,  # type: ignore[arg-type]
    )


def test_whole_treatment_includes_the_running_phases_planned_end(
    demo: tuple[Record, int],
) -> None:
    """Maintenance is running (day 360) and planned to end in 2027: "Whole treatment"
    stopped at today, cutting off the hatched planned rest."""
    record, child_id = demo
    started = [p for p in record.entries(Phase, child_id) if p.actual_start is not None]
    timeline = tl.build(started, [], [], [], TODAY)  # no planned phase after maintenance
    phases = timeline.lane("phases")
    assert phases is not None
    planned_ends = [s.plan_x1 for s in phases.spans if s.plan_x1 is not None]
    assert planned_ends, "the demo's maintenance has a planned end"
    _x0, x1 = preset_range("treatment", timeline)
    assert x1 > max(planned_ends)
    assert x1 > x_of(TODAY + dt.timedelta(days=120))


def test_whole_treatment_includes_the_plan_lanes_planned_items() -> None:
    phase = tl.Span(0, 10, 0, "Induction", "induction", False, False, tl.Ref("phase", 1), "", TODAY)
    lp = tl.Mark(40.5, 0, "LP", "circle", False, "plan", tl.Ref("roadmap", 1), "", True)
    timeline = tl.Timeline(
        [tl.Lane("phases", "Phases", 1, spans=[phase]), tl.Lane("plan", "Plan", 1, marks=[lp])],
        0,
        41,
        5,
        [],
    )
    assert preset_range("treatment", timeline)[1] > 40.5


_RESULT = CountResult(1, dt.date(2026, 1, 1), values=(), id=1)


def _chart(xs: list[float]) -> tl.Lane:
    points = [
        tl.Point(x, 1.0, "", tl.Ref("count", i), _RESULT, "anc", "") for i, x in enumerate(xs)
    ]
    series = tl.Series("anc", "ANC", "×10⁹/L", points, [], [], 0.0, 1.0, gap_days=45.0)
    return tl.Lane("anc", "ANC", 1, series=series)


def test_the_counts_charts_open_on_their_data() -> None:
    """A record whose counts ended two years ago: "3 months" showed empty charts; the
    counts' opening range is the last three months of data, filling the width."""
    today = x_of(TODAY)
    old = [today - 800 + 14 * k for k in range(20)]  # fortnightly, 9 months, long ago
    timeline = tl.Timeline([_chart(old)], old[0], old[-1] + 1, today, [])
    x0, x1 = preset_range("counts", timeline)
    shown = [x for x in old if x0 <= x <= x1]
    assert len(shown) >= 6 and shown[-1] == old[-1]
    assert (shown[-1] - shown[0]) / (x1 - x0) > 0.85  # the data fills the width
    recent = [today - 80 + 14 * k for k in range(6)]  # up to date: the 3-month preset
    timeline = tl.Timeline([_chart(recent)], recent[0], recent[-1] + 1, today, [])
    assert preset_range("counts", timeline) == preset_range("3m", timeline)
    empty = tl.Timeline([_chart([])], today, today + 1, today, [])
    assert preset_range("counts", empty) == preset_range("3m", empty)


def test_a_milestones_own_words_are_cut_after_a_word_never_inside_one() -> None:
    """ "Day 8 blood blas": the label of a milestone of kind Other was its text's first 16
    characters.  Now whole words, "…" where cut (the painter shortens further by width)."""
    from tracker.model import MilestoneKind

    m = Milestone(1, TODAY, MilestoneKind.OTHER, "Day 8 blood blasts 516/µL; good response", id=1)
    timeline = tl.build([], [m], [], [], TODAY, lanes=("milestones",))
    lane = timeline.lane("milestones")
    assert lane is not None
    (mark,) = lane.marks
    assert mark.label == "Day 8 blood blasts…"
    short = Milestone(1, TODAY, MilestoneKind.OTHER, "Port removed", id=2)
    lane = tl.build([], [short], [], [], TODAY, lanes=("milestones",)).lane("milestones")
    assert lane is not None and lane.marks[0].label == "Port removed"
