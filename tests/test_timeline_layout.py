"""The timeline's layout without Qt: packing, visible ranges, ticks, thinning, build()."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import analytes
from tracker import timeline as tl
from tracker.analytes import format_number
from tracker.demo import DIAGNOSIS_DAYS_AGO, build_demo
from tracker.model import CnsVisit, CountResult, Milestone, Phase, PhaseKind
from tracker.store import Record
from tracker.timeline import (
    Lane,
    Mark,
    Point,
    Ref,
    Series,
    Span,
    date_of,
    pack,
    preset_range,
    thin,
    ticks,
    x_of,
)

# ---------------------------------------------------------------------- helpers


_RESULT = CountResult(1, dt.date(2026, 1, 1), values=(), id=1)


def _point(x: float, y: float = 1.0, i: int = 0) -> Point:
    return Point(x, y, "", Ref("count", i), _RESULT, "anc", "×10⁹/L")


def _series(xs: list[float]) -> Series:
    points = [_point(x, float(i), i) for i, x in enumerate(xs)]
    return Series("anc", "ANC", "×10⁹/L", points, [], [], 0.0, 1.0, gap_days=45.0)


def _mark(x: float, i: int) -> Mark:
    return Mark(x, 0, "", "circle", True, "other", Ref("milestone", i), f"m{i}")


def _span(x0: float, x1: float, i: int) -> Span:
    return Span(x0, x1, 0, f"s{i}", "other", False, False, Ref("phase", i), "", dt.date(2026, 1, 1))


def _depth(intervals: list[tuple[float, float]]) -> int:
    """The most half-open intervals [a, b) covering one point: the fewest rows possible."""
    events = sorted(
        [(a, 1) for a, b in intervals if b > a] + [(b, -1) for a, b in intervals if b > a]
    )
    depth = best = 0
    for _, step in events:  # ends (-1) sort before starts (+1) at the same x: touching is fine
        depth += step
        best = max(best, depth)
    return best


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# ---------------------------------------------------------------------- lane packing


def test_pack_touching_intervals_share_a_row() -> None:
    assert pack([(0, 1), (1, 2), (2, 3)]) == [0, 0, 0]


def test_pack_overlapping_intervals_stack_and_reuse_freed_rows() -> None:
    # b overlaps a; c starts when a ends and takes a's row again
    assert pack([(0, 10), (5, 15), (10, 12)]) == [0, 1, 0]


def test_pack_returns_rows_in_input_order() -> None:
    assert pack([(5, 15), (0, 10), (10, 12)]) == [1, 0, 0]
    assert pack([]) == []


intervals = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 60)).map(
        lambda t: (float(t[0]), float(t[0] + t[1]))
    ),
    max_size=40,
)


@given(intervals)
def test_pack_never_overlaps_in_a_row_and_uses_the_fewest_rows(
    items: list[tuple[float, float]],
) -> None:
    rows = pack(items)
    assert len(rows) == len(items)
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            if rows[i] == rows[j]:
                assert not _overlap(a, items[j]), (a, items[j])
    assert max(rows, default=-1) + 1 == _depth(items)


# ---------------------------------------------------------------------- visible ranges


def test_visible_slice_adds_one_neighbour_each_side() -> None:
    s = _series([float(x) for x in range(10)])
    assert s.visible_slice(3.5, 6.5) == (3, 8)  # 4, 5, 6 inside; 3 and 7 for the lines


def test_visible_slice_edges_are_inclusive() -> None:
    s = _series([float(x) for x in range(10)])
    assert s.visible_slice(4.0, 6.0) == (3, 8)  # 4 and 6 lie on the edges: inside
    assert s.visible_slice(0.0, 9.0) == (0, 10)  # no neighbour beyond the ends


def test_visible_slice_outside_the_data_keeps_only_the_nearest_point() -> None:
    s = _series([float(x) for x in range(10)])
    assert s.visible_slice(-20.0, -10.0) == (0, 1)
    assert s.visible_slice(20.0, 30.0) == (9, 10)
    assert s.visible_slice(4.2, 4.8) == (4, 6)  # between two points: both neighbours
    assert _series([]).visible_slice(0.0, 1.0) == (0, 0)


def test_visible_slice_keeps_every_point_on_the_same_day() -> None:
    s = _series([1.0, 2.0, 2.0, 2.0, 3.0])
    assert s.visible_slice(2.0, 2.0) == (0, 5)


@given(
    st.lists(st.floats(-100, 100, allow_nan=False), max_size=40).map(sorted),
    st.floats(-120, 120, allow_nan=False),
    st.floats(0, 100, allow_nan=False),
)
def test_visible_slice_holds_everything_visible_and_one_more_at_most(
    xs: list[float], x0: float, days: float
) -> None:
    x1 = x0 + days
    i, j = _series(xs).visible_slice(x0, x1)
    inside = [k for k, x in enumerate(xs) if x0 <= x <= x1]
    assert all(i <= k < j for k in inside)
    assert sum(1 for x in xs[i:j] if x < x0) <= 1
    assert sum(1 for x in xs[i:j] if x > x1) <= 1


def test_visible_marks_is_a_closed_range() -> None:
    lane = Lane("milestones", "M", marks=[_mark(x, i) for i, x in enumerate([1, 2, 2, 3, 4])])
    assert [m.ref.id for m in lane.visible_marks(2, 3)] == [1, 2, 3]
    assert lane.visible_marks(4.5, 9) == []
    assert lane.visible_marks(-9, 0.5) == []
    assert [m.ref.id for m in lane.visible_marks(-9, 99)] == [0, 1, 2, 3, 4]


def test_visible_spans_include_spans_touching_the_range() -> None:
    lane = Lane(
        "phases", "P", spans=[_span(0, 5, 0), _span(5, 10, 1), _span(12, 20, 2), _span(30, 31, 3)]
    )
    assert [s.ref.id for s in lane.visible_spans(10, 12)] == [1, 2]  # both touch an edge
    assert [s.ref.id for s in lane.visible_spans(6, 7)] == [1]  # inside a span
    assert [s.ref.id for s in lane.visible_spans(-5, 40)] == [0, 1, 2, 3]
    assert lane.visible_spans(21, 29) == []


# ---------------------------------------------------------------------- ticks


def _x(y: int, m: int, d: int) -> float:
    return x_of(dt.date(y, m, d))


def _dates(found: list[tl.Tick]) -> list[dt.date]:
    return [date_of(t.x) for t in found]


def _assert_well_formed(found: list[tl.Tick], x0: float, x1: float) -> None:
    assert found, "no ticks"
    for t in found:
        assert t.x == float(int(t.x)), f"{t} is not at midnight"
        assert date_of(t.x).toordinal() == t.x
        assert math.floor(x0) <= t.x <= x1
        assert t.label
    assert all(a.x < b.x for a, b in itertools.pairwise(found)), "not increasing"


@pytest.mark.parametrize(
    ("days", "width", "step_days"),
    [
        (10, 1000, {1}),  # 100 px a day: every day
        (30, 1000, {2}),  # 33 px a day: every other day
        (60, 1000, {7}),  # 17 px a day: weekly
        (400, 1000, {28, 29, 30, 31}),  # 2.5 px a day: monthly
        (3 * 365, 1000, {90, 91, 92}),  # quarterly
        (10 * 365, 1000, {365, 366}),  # yearly
        (60 * 365, 1000, {365 * 5 + k for k in (1, 2)}),  # every 5 years
    ],
)
def test_tick_step_follows_pixel_density(days: int, width: int, step_days: set[int]) -> None:
    x0 = _x(2026, 1, 1)
    x1 = x0 + days
    found = ticks(x0, x1, width)
    _assert_well_formed(found, x0, x1)
    gaps = {int(b.x - a.x) for a, b in itertools.pairwise(found)}
    assert gaps <= step_days, gaps
    assert all(g * width / days >= 56 for g in gaps)  # never closer than the minimum


def test_weekly_ticks_fall_on_mondays() -> None:
    found = ticks(_x(2026, 3, 1), _x(2026, 4, 30), 1000)
    assert {d.weekday() for d in _dates(found)} == {0}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 3, 25), dt.date(2026, 4, 2)),  # Europe springs forward 29 Mar
        (dt.date(2026, 3, 5), dt.date(2026, 3, 12)),  # USA 8 Mar
        (dt.date(2026, 10, 22), dt.date(2026, 10, 30)),  # Europe falls back 25 Oct
    ],
)
def test_daily_ticks_across_daylight_saving_changes_stay_on_dates(
    start: dt.date, end: dt.date
) -> None:
    x0, x1 = x_of(start), x_of(end)
    found = ticks(x0, x1, 2000)
    _assert_well_formed(found, x0, x1)
    assert [t.x for t in found] == [float(x) for x in range(int(x0), int(x1) + 1)]


def test_daily_ticks_over_a_month_end_start_the_new_month_with_its_name() -> None:
    found = ticks(_x(2027, 1, 29), _x(2027, 2, 2), 1000)
    assert _dates(found) == [dt.date(2027, 1, d) for d in (29, 30, 31)] + [
        dt.date(2027, 2, d) for d in (1, 2)
    ]
    assert [t.label for t in found] == ["29 Jan", "30", "31", "1 Feb", "2"]
    assert [t.major for t in found] == [True, False, False, True, False]


def test_monthly_ticks_from_the_31st_land_on_the_first_of_each_month() -> None:
    found = ticks(_x(2027, 1, 31), _x(2027, 12, 31), 1000)
    _assert_well_formed(found, _x(2027, 1, 31), _x(2027, 12, 31))
    assert _dates(found) == [dt.date(2027, m, 1) for m in range(2, 13)]


def test_leap_day_is_a_tick_in_2028_and_not_in_2027() -> None:
    leap = _dates(ticks(_x(2028, 2, 27), _x(2028, 3, 2), 1000))
    assert dt.date(2028, 2, 29) in leap
    assert leap == [dt.date(2028, 2, 27) + dt.timedelta(days=k) for k in range(5)]
    plain = _dates(ticks(_x(2027, 2, 27), _x(2027, 3, 2), 1000))
    assert plain == [
        dt.date(2027, 2, 27),
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 2),
    ]


def test_year_boundary_labels() -> None:
    monthly = ticks(_x(2026, 12, 1), _x(2027, 3, 15), 300)
    assert [(t.label, t.major) for t in monthly] == [
        ("Dec 2026", True),
        ("Jan 2027", True),
        ("Feb", False),
        ("Mar", False),
    ]
    yearly = ticks(_x(2024, 6, 1), _x(2029, 6, 1), 500)
    assert [t.label for t in yearly] == ["2025", "2026", "2027", "2028", "2029"]
    assert all(t.major for t in yearly)
    assert _dates(yearly)[0] == dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("start", "end", "width", "label"),
    [
        (dt.date(2026, 10, 15), dt.date(2027, 3, 15), 600, "Nov 2026"),  # monthly
        (dt.date(2026, 3, 10), dt.date(2026, 5, 10), 1000, "16 Mar"),  # weekly, from a Tuesday
    ],
)
def test_the_first_visible_tick_names_its_month_or_year(
    start: dt.date, end: dt.date, width: int, label: str
) -> None:
    first = ticks(x_of(start), x_of(end), width)[0]
    assert (first.label, first.major) == (label, True)


def test_no_ticks_for_an_empty_range_or_no_width() -> None:
    assert ticks(10.0, 10.0, 500) == []
    assert ticks(10.0, 5.0, 500) == []
    assert ticks(0.0, 10.0, 0) == []


# ---------------------------------------------------------------------- thinning


@st.composite
def dense_series(draw: st.DrawFn) -> tuple[list[Point], float, float, int]:
    x0 = draw(st.floats(0, 1000, allow_nan=False))
    days = draw(st.floats(1, 500, allow_nan=False))
    xs = sorted(draw(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=300)))
    ys = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=len(xs), max_size=len(xs)))
    columns = draw(st.integers(1, 60))
    points = [_point(x0 + f * days, y, i) for i, (f, y) in enumerate(zip(xs, ys, strict=True))]
    return points, x0, x0 + days, columns


@settings(max_examples=200)
@given(dense_series())
def test_thin_keeps_each_columns_extremes(case: tuple[list[Point], float, float, int]) -> None:
    points, x0, x1, columns = case
    out = thin(points, x0, x1, columns)
    ids = [p.ref.id for p in out]
    assert ids == sorted(ids), "not in the input's order"
    assert all(a.x <= b.x for a, b in itertools.pairwise(out)), "not sorted by x"
    assert set(ids) <= {p.ref.id for p in points}
    if len(points) <= 2 * columns:
        assert out == points  # nothing to thin
        return
    width = (x1 - x0) / columns
    by_column: dict[int, list[Point]] = {}
    for p in points:
        by_column.setdefault(math.floor((p.x - x0) / width), []).append(p)
    kept: dict[int, list[Point]] = {}
    for p in out:
        kept.setdefault(math.floor((p.x - x0) / width), []).append(p)
    for col, members in by_column.items():
        survivors = kept.get(col, [])
        assert len(survivors) <= 4, f"column {col}: {len(survivors)} points"
        assert min(p.y for p in survivors) == min(p.y for p in members), f"lost a nadir in {col}"
        assert max(p.y for p in survivors) == max(p.y for p in members), f"lost a peak in {col}"
    assert out[0] is points[0] and out[-1] is points[-1]


def test_thin_reduces_a_long_series_to_a_few_points_per_column() -> None:
    points = [_point(i / 100, math.sin(i), i) for i in range(10_000)]  # 100 days
    out = thin(points, 0.0, 100.0, 200)
    assert len(out) <= 4 * 201
    assert min(p.y for p in out) == min(p.y for p in points)
    assert max(p.y for p in out) == max(p.y for p in points)


# ---------------------------------------------------------------------- build() on the demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Record, int]]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    record = Record.open(path, create=True, clock=fixed_clock)
    child_id = build_demo(record, TODAY)
    yield record, child_id
    record.close()


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


def _diagnosis_day(offset: int) -> dt.date:
    return TODAY - dt.timedelta(days=DIAGNOSIS_DAYS_AGO) + dt.timedelta(days=offset)


def test_build_lays_out_every_lane_in_order(demo: tuple[Record, int]) -> None:
    timeline = _build(demo)
    assert [lane.key for lane in timeline.lanes] == [
        "phases",
        "milestones",
        "cns",
        "anc",
        "hgb",
        "plt",
    ]
    assert timeline.today == x_of(TODAY)
    assert timeline.first <= x_of(_diagnosis_day(0))
    assert timeline.last > timeline.today
    only = _build(demo, lanes=["cns", "plt"])
    assert [lane.key for lane in only.lanes] == ["cns", "plt"]
    with pytest.raises(ValueError, match="unknown lane"):
        _build(demo, lanes=["fevers"])


def test_phase_spans_never_overlap_in_a_row(demo: tuple[Record, int]) -> None:
    lane = _build(demo).lane("phases")
    assert lane is not None and lane.spans
    assert all(0 <= s.row < lane.rows for s in lane.spans)
    assert [s.x0 for s in lane.spans] == sorted(s.x0 for s in lane.spans)
    for i, a in enumerate(lane.spans):
        assert a.x1 > a.x0
        for b in lane.spans[i + 1 :]:
            if a.row == b.row:
                assert not _overlap((a.x0, a.x1), (b.x0, b.x1)), (a.label, b.label)


def test_phase_spans_use_actual_dates_and_flag_planned_ones(demo: tuple[Record, int]) -> None:
    record, child_id = demo
    phases = {p.id: p for p in record.entries(Phase, child_id)}
    lane = _build(demo).lane("phases")
    assert lane is not None
    for span in lane.spans:
        p = phases[span.ref.id]
        assert span.ref == Ref("phase", p.id)
        assert span.planned == (p.actual_start is None)
        assert span.x0 == x_of(p.actual_start or p.planned_start)  # type: ignore[arg-type]
        if p.actual_start is not None and p.actual_end is None and p.planned_end:
            # running: solid to today, then the planned rest up to the planned end
            assert span.x1 == x_of(TODAY) + 1
            assert span.plan_x1 == x_of(p.planned_end) + 1
        elif p.end is not None:
            assert span.x1 == x_of(p.end) + 1  # the end day is covered
    planned = [s for s in lane.spans if s.planned]
    assert [s.label for s in planned] == ["Off therapy"]
    assert "Still to come" in planned[0].tooltip
    running = next(s for s in lane.spans if s.label == "Maintenance")
    assert not running.planned
    assert running.x0 <= x_of(TODAY) < running.x1  # today lies inside the running phase
    assert "running" in running.tooltip


def test_an_open_ended_phase_is_drawn_to_today() -> None:
    phases = [
        Phase(1, PhaseKind.MAINTENANCE, "Maintenance", actual_start=TODAY - dt.timedelta(40), id=1),
        Phase(1, PhaseKind.OTHER, "Starts today", actual_start=TODAY, id=2),
    ]
    lane = tl.build(phases, [], [], [], TODAY, lanes=["phases"]).lane("phases")
    assert lane is not None
    first, second = lane.spans
    assert first.open_ended and second.open_ended
    assert first.x1 == x_of(TODAY) + 1 and second.x1 == x_of(TODAY) + 1
    assert first.row != second.row  # both cover today


def test_milestone_and_lp_marks_are_sorted_and_same_day_ones_stack(
    demo: tuple[Record, int],
) -> None:
    record, child_id = demo
    timeline = _build(demo)
    for key, expected in (
        ("milestones", record.entries(Milestone, child_id)),
        ("cns", record.entries(CnsVisit, child_id)),
    ):
        lane = timeline.lane(key)
        assert lane is not None
        xs = [m.x for m in lane.marks]
        assert xs == sorted(xs)
        assert len(lane.marks) == len(expected)
        assert {m.ref.id for m in lane.marks} == {e.id for e in expected}
        assert all(m.x == math.floor(m.x) + 0.5 for m in lane.marks)  # mid-day
        for a, b in itertools.pairwise(lane.marks):
            if a.x == b.x:
                assert b.row == a.row + 1
        assert lane.rows == max(m.row for m in lane.marks) + 1
    milestones = timeline.lane("milestones")
    assert milestones is not None
    day33 = [m for m in milestones.marks if m.x == x_of(_diagnosis_day(32)) + 0.5]
    assert [m.row for m in day33] == [0, 1, 2]  # marrow + two MRD results that day
    planned = [m for m in milestones.marks if m.planned]
    assert planned and all(not m.filled for m in planned)
    lps = timeline.lane("cns")
    assert lps is not None
    assert sum(m.planned for m in lps.marks) == 2


def test_series_points_are_sorted_in_the_latest_unit(demo: tuple[Record, int]) -> None:
    record, child_id = demo
    counts = record.counts(child_id)
    timeline = _build(demo)
    for code in tl.CHART_ANALYTES:
        lane = timeline.lane(code)
        assert lane is not None and lane.series is not None
        series = lane.series
        xs = [p.x for p in series.points]
        assert xs == sorted(xs)
        latest = max(
            (r for r in counts if r.value(code) is not None),
            key=lambda r: (r.taken_date, r.taken_time or dt.time(), r.id or 0),
        )
        value = latest.value(code)
        assert value is not None
        a = analytes.analyte(code)
        unit = a.unit(value.unit)
        assert unit is not None
        assert series.unit == unit.label
        assert unit.label in lane.title
        last = series.points[-1]
        assert last.ref == Ref("count", latest.id)
        assert last.y == pytest.approx(value.normalised_value / unit.factor)
        assert latest.taken_date.isoformat() in last.tooltip
        assert unit.label in last.tooltip
        assert 0 <= series.y_min < series.y_max
        assert series.y_max >= max(p.y for p in series.points)


def test_default_thresholds_in_the_display_unit(demo: tuple[Record, int]) -> None:
    timeline = _build(demo)
    for code, canonical in (("anc", 0.5), ("plt", 20.0)):
        lane = timeline.lane(code)
        assert lane is not None and lane.series is not None
        unit = analytes.analyte(code).unit(lane.series.unit)
        assert unit is not None
        (line,) = lane.series.thresholds
        assert line.y == pytest.approx(canonical / unit.factor)
        assert format_number(canonical / unit.factor) in line.label
        assert lane.series.unit in line.label
        assert line.source  # every default line says where it comes from
    hgb = timeline.lane("hgb")  # domain.md §6: the Hb note depends on the team's trigger
    assert hgb is not None and hgb.series is not None and hgb.series.thresholds == []


def test_hb_threshold_is_converted_to_g_per_dl(demo: tuple[Record, int]) -> None:
    timeline = _build(demo, display_units={"hgb": "g/dL"}, thresholds={"hgb": 80.0})
    lane = timeline.lane("hgb")
    assert lane is not None and lane.series is not None
    assert lane.series.unit == "g/dL"
    assert [t.y for t in lane.series.thresholds] == [pytest.approx(8.0)]


def test_the_legend_says_each_line_in_the_unit_it_is_drawn_in(demo: tuple[Record, int]) -> None:
    timeline = _build(demo, display_units={"anc": "/µL", "plt": "/µL"})
    legend = tl.threshold_legend(timeline)
    assert "severe neutropenia below 500 /µL" in legend
    assert "low platelets below 20,000 /µL" in legend or "low platelets below 20000 /µL" in legend
    assert "0.5 ×10⁹/L" not in legend and "g/dL" not in legend and "hemoglobin" not in legend
    assert "Hematol Oncol Clin N Am 2016;30:695" in legend
    assert tl.threshold_legend(_build(demo, thresholds=dict.fromkeys(tl.CHART_ANALYTES))) == ""


def test_thresholds_hidden_with_none_and_replaced_with_a_value(demo: tuple[Record, int]) -> None:
    hidden = _build(demo, thresholds=dict.fromkeys(tl.CHART_ANALYTES))
    for code in tl.CHART_ANALYTES:
        lane = hidden.lane(code)
        assert lane is not None and lane.series is not None
        assert lane.series.thresholds == []
    own = _build(demo, thresholds={"anc": 1.0})
    anc = own.lane("anc")
    assert anc is not None and anc.series is not None
    assert [t.y for t in anc.series.thresholds] == [pytest.approx(1.0)]
    plt = own.lane("plt")  # not named: keeps its default
    assert plt is not None and plt.series is not None
    assert [t.y for t in plt.series.thresholds] == [pytest.approx(20.0)]


def test_day_of_phase_on_given_dates(demo: tuple[Record, int]) -> None:
    timeline = _build(demo)
    assert timeline.day_of_phase(x_of(_diagnosis_day(0))) == ("Prednisone prophase", 1)
    assert timeline.day_of_phase(x_of(_diagnosis_day(7))) == ("Induction", 1)
    assert timeline.day_of_phase(x_of(_diagnosis_day(7)) + 0.75) == ("Induction", 1)
    assert timeline.day_of_phase(x_of(_diagnosis_day(21))) == ("Induction", 15)
    assert timeline.day_of_phase(x_of(_diagnosis_day(34))) == ("Induction", 28)
    assert timeline.day_of_phase(x_of(_diagnosis_day(35))) is None  # between two blocks
    assert timeline.day_of_phase(x_of(TODAY)) == ("Maintenance", 360)
    assert timeline.day_of_phase(x_of(_diagnosis_day(-1))) is None


def test_preset_ranges(demo: tuple[Record, int]) -> None:
    timeline = _build(demo)
    today = x_of(TODAY)
    assert preset_range("2w", timeline) == (today - 10, today + 4)
    x0, x1 = preset_range("3m", timeline)
    assert x1 == today + 14  # two weeks of what is planned
    assert (date_of(x0), date_of(x1)) == (dt.date(2026, 9, 8), dt.date(2026, 12, 8))
    phases = timeline.lane("phases")
    assert phases is not None
    t0, t1 = preset_range("treatment", timeline)
    assert t0 < min(s.x0 for s in phases.spans) and t1 > max(s.x1 for s in phases.spans)
    a0, a1 = preset_range("all", timeline)
    assert a0 < timeline.first and a1 > timeline.last
    assert a0 <= t0 and t1 <= a1
    no_phases = _build(demo, lanes=["anc"])
    assert preset_range("treatment", no_phases) == preset_range("all", no_phases)
