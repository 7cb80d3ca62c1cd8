"""Issue 16: the timeline paints a lifetime of records in time that follows the screen,
not the history.  What makes it so must not change what is drawn: the thinning keeps
every stretch's lowest and highest value, the spans and scales found by bisection are
those a look at everything finds, the axis's dates are rrule's, what is kept between
paints draws what a new painter draws, and the hit boxes made lazily after a zoom are
those a new widget makes."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random

import pytest
from dateutil.rrule import DAILY, MO, MONTHLY, WEEKLY, YEARLY, rrule
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot

from tracker import timeline as tl
from tracker.model import CountResult
from tracker.timeline import Lane, Mark, Point, Ref, Series, Span, Timeline, thin_xy, ticks

_RESULT = CountResult(1, dt.date(2026, 1, 1), values=(), id=1)
DAY0 = 740_000.0  # an ordinal in 2026


def _series(xs: list[float], ys: list[float]) -> Series:
    points = [
        Point(x, y, "", Ref("count", i), _RESULT, "anc", "×10⁹/L")
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    ]
    return Series("anc", "ANC", "×10⁹/L", points, [], [], 0.0, 1.0, gap_days=45.0)


def _span(x0: float, x1: float, i: int, row: int = 0) -> Span:
    kind = ("induction", "consolidation", "maintenance")[i % 3]
    return Span(x0, x1, row, f"s{i}", kind, False, False, Ref("phase", i), "", dt.date(2026, 1, 1))


# ---------------------------------------------------------------------- thinning


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=0, max_size=300),
    st.sampled_from([0.25, 1.0, 2.0, 8.0, 64.0]),
)
def test_thinning_keeps_each_stretchs_first_last_lowest_and_highest(
    raw: list[float], bucket: float
) -> None:
    xs = sorted(raw)
    rng = random.Random(len(xs))
    ys = [rng.uniform(-50, 50) for _ in xs]
    out_x, out_y = thin_xy(xs, ys, bucket)
    pairs = list(zip(out_x, out_y, strict=True))
    assert out_x == sorted(out_x)
    assert set(pairs) <= set(zip(xs, ys, strict=True))
    if len(xs) <= 4:
        assert (out_x, out_y) == (xs, ys)
        return
    stretches: dict[int, list[tuple[float, float]]] = {}
    for x, y in zip(xs, ys, strict=True):
        stretches.setdefault(math.floor(x / bucket), []).append((x, y))
    kept: dict[int, list[tuple[float, float]]] = {}
    for x, y in pairs:
        kept.setdefault(math.floor(x / bucket), []).append((x, y))
    for key, inside in stretches.items():
        mine = kept[key]
        assert len(mine) <= 4 or mine == inside
        assert min(y for _, y in mine) == min(y for _, y in inside)
        assert max(y for _, y in mine) == max(y for _, y in inside)
        assert mine[0] == inside[0] and mine[-1] == inside[-1]


def test_thinning_a_lifetime_leaves_a_few_points_a_stretch_and_every_spike() -> None:
    xs = [float(d) for d in range(18_000)]  # a result a day for fifty years
    ys = [1.0 + 0.1 * math.sin(d) for d in range(18_000)]
    ys[12_345] = 40.0  # one high
    ys[777] = -3.0  # one low
    out_x, out_y = thin_xy(xs, ys, 16.0)
    assert len(out_x) <= 4 * (18_000 // 16 + 1)
    assert 40.0 in out_y and -3.0 in out_y


# ---------------------------------------------------------------------- bisection


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 500, allow_nan=False), st.floats(0, 60, allow_nan=False)),
        max_size=60,
    ),
    st.floats(-20, 520, allow_nan=False),
    st.floats(0, 300, allow_nan=False),
    st.booleans(),
)
def test_visible_spans_are_those_a_look_at_every_span_finds(
    raw: list[tuple[float, float]], x0: float, days: float, in_order: bool
) -> None:
    spans = [_span(a, a + w, i) for i, (a, w) in enumerate(raw)]
    if in_order:
        spans.sort(key=lambda s: s.x0)
    lane = Lane("phases", "Phases", spans=spans)
    x1 = x0 + days
    expected = [s for s in spans if (s.plan_x1 or s.x1) >= x0 and s.x0 <= x1]
    assert lane.visible_spans(x0, x1) == expected
    assert lane.visible_spans(x0, x1) == expected  # asked again: the same
    bounds = lane.span_range(x0, x1)
    if bounds is not None:
        lo, hi = bounds
        assert all(s in spans[lo:hi] for s in expected)
    lane.spans = spans[::2]  # another list: found again
    assert lane.visible_spans(x0, x1) == [s for s in expected if s in spans[::2]]


def test_the_highest_value_of_any_range_is_the_highest_of_its_points() -> None:
    rng = random.Random(7)
    ys = [rng.uniform(0, 100) for _ in range(700)]
    series = _series([float(i) for i in range(700)], ys)
    for _ in range(400):
        i = rng.randrange(0, 699)
        j = rng.randrange(i + 1, 701)
        assert series.highest(i, j) == max(ys[i:j])


def test_a_charts_scale_follows_a_new_threshold_list() -> None:
    series = _series([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    before = series.scale(0.0, 4.0)
    assert series.scale(0.0, 4.0) == before
    series.thresholds = [tl.Threshold(90.0, "high")]
    assert series.scale(0.0, 4.0)[1] >= 90.0


# ---------------------------------------------------------------------- the axis


_FREQ = {"day": DAILY, "week": WEEKLY, "month": MONTHLY, "year": YEARLY}


def test_the_axis_dates_are_those_rrule_gives() -> None:
    rng = random.Random(3)
    for _ in range(600):
        x0 = DAY0 - rng.uniform(0, 20_000)
        x1 = x0 + rng.choice([3, 14, 40, 91, 365, 800, 1900, 5000, 18_000]) * rng.uniform(0.5, 1.5)
        width = rng.choice([300.0, 900.0, 1780.0])
        per_day = width / (x1 - x0)
        unit, _freq, interval = next(
            (s for s in tl._STEPS if tl._STEP_DAYS[s[0]] * s[2] * per_day >= 56.0),
            tl._STEPS[-1],
        )
        start, end = tl.date_of(x0), tl.date_of(x1)
        anchor = tl._anchor(start, unit, interval)
        rule = rrule(
            _FREQ[unit],  # type: ignore[arg-type]
            interval=interval,
            dtstart=dt.datetime.combine(anchor, dt.time()),
            until=dt.datetime.combine(end, dt.time()),
            byweekday=MO if unit == "week" else None,
        )
        expected = [float(m.date().toordinal()) for m in rule if m.date() >= start]
        assert [t.x for t in ticks(x0, x1, width)] == expected


# ---------------------------------------------------------------------- painting


def _picture(painter, timeline: Timeline, x0: float, x1: float, size=(900, 300)) -> QImage:  # type: ignore[no-untyped-def]
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    p = QPainter(image)
    painter.paint(p, QRectF(0, 0, size[0], size[1]), timeline, x0, x1)
    p.end()
    return image


def _lifetime() -> Timeline:
    """Fifty years: a result a day with one spike, and thousands of short phases."""
    rng = random.Random(11)
    xs = [DAY0 - 18_000 + d for d in range(18_000)]
    ys = [rng.uniform(1, 3) for _ in xs]
    ys[9_000] = 30.0
    series = _series(xs, ys)
    spans = []
    x = DAY0 - 18_000
    for i in range(2_000):
        length = rng.choice([2.0, 5.0, 9.0])
        spans.append(_span(x, x + length, i, row=i % 2))
        x += length + rng.choice([0.0, 1.0])
    lanes = [Lane("phases", "Phases", rows=2, spans=spans), Lane("anc", "ANC", series=series)]
    return Timeline(lanes, DAY0 - 18_000, DAY0 + 1, DAY0, [])


def test_kept_pieces_draw_what_a_new_painter_draws_after_pans_and_zooms(qapp) -> None:  # type: ignore[no-untyped-def]
    from ui.timeline.painter import TimelinePainter

    timeline = _lifetime()
    painter = TimelinePainter()
    whole = (timeline.first - 10, timeline.last + 10)
    days = whole[1] - whole[0]
    steps = [whole]
    for k in range(1, 4):  # a pan at the same zoom: the kept pieces moved
        steps.append((whole[0] + k * days / 300, whole[1] + k * days / 300))
    for factor in (1.25, 1.25**2, 10.0):  # zoomed in, around the middle
        mid = (whole[0] + whole[1]) / 2
        steps.append((mid - days / factor / 2, mid + days / factor / 2))
    steps.append(whole)  # and back
    for x0, x1 in steps:
        assert _picture(painter, timeline, x0, x1) == _picture(TimelinePainter(), timeline, x0, x1)


def test_the_whole_history_at_a_glance_still_shows_the_spike(qapp) -> None:  # type: ignore[no-untyped-def]
    from ui.timeline.painter import TimelinePainter, layout_lanes

    timeline = _lifetime()
    painter = TimelinePainter()
    x0, x1 = timeline.first - 10, timeline.last + 10
    image = _picture(painter, timeline, x0, x1)
    g = layout_lanes(timeline, QRectF(0, 0, 900, 300), painter.style, x0, x1)
    area = g.lanes["anc"]
    column = round(g.plot.left() + (DAY0 - 18_000 + 9_000 - x0) * g.plot.width() / (x1 - x0))
    inner_top, inner_bottom = area.top() + 6, area.bottom() - 4
    _, y_max = timeline.lanes[1].series.scale(x0, x1)  # type: ignore[union-attr]
    spike_y = inner_bottom - 30.0 / y_max * (inner_bottom - inner_top)
    others_y = inner_bottom - 3.0 / y_max * (inner_bottom - inner_top)  # every other value

    def line_at(columns: range) -> list[int]:
        return [
            y
            for y in range(int(inner_top) - 2, int(inner_bottom) + 2)
            for c in columns
            if QColor(image.pixel(c, y)).blue() > 100 and QColor(image.pixel(c, y)).red() < 60
        ]

    # the one spike among 18,000 values, thinned at a glance, still reaches its height
    reached = line_at(range(column - 1, column + 2))
    assert reached and min(reached) <= spike_y + 2
    elsewhere = line_at(range(column - 60, column - 40))
    assert elsewhere and min(elsewhere) >= others_y - 2


# ---------------------------------------------------------------------- hit boxes


def _marks_lane(n: int) -> Lane:
    marks = [
        Mark(DAY0 - n + i, 0, "", "circle", True, "other", Ref("milestone", i + 1), f"m{i}")
        for i in range(n)
    ]
    return Lane("milestones", "Milestones", marks=marks)


@pytest.mark.gui
def test_hit_boxes_are_made_when_asked_for_after_a_zoom(qtbot: QtBot) -> None:
    from ui.timeline.widget import TimelineWidget

    spans = [_span(DAY0 - 60 + 10 * i, DAY0 - 52 + 10 * i, 100 + i) for i in range(6)]
    timeline = Timeline(
        [Lane("phases", "Phases", spans=spans), _marks_lane(40)], DAY0 - 60, DAY0 + 1, DAY0, []
    )
    w = TimelineWidget()
    qtbot.addWidget(w)
    w.resize(1000, 400)
    w.set_timeline(timeline)
    w.set_range(DAY0 - 70, DAY0 + 5)
    w.show()
    qtbot.waitExposed(w)
    w.repaint()
    w.zoom(1.25)
    w.repaint()
    assert w._hits == [] and w._lane_hit_lists == {}  # a zoom and its repaint make none
    hits = w.hit_items()
    fresh = TimelineWidget()
    qtbot.addWidget(fresh)
    fresh.resize(1000, 400)
    fresh.set_timeline(timeline)
    fresh.set_range(w.x0, w.x1)
    assert [(h.ref, h.rect) for h in hits] == [(h.ref, h.rect) for h in fresh.hit_items()]
    assert {h.ref.kind for h in hits} == {"phase", "milestone"}
    mark = next(h for h in hits if h.ref.kind == "milestone")
    assert w.hit_at(mark.rect.center()) == mark  # a mark over nothing else
    w.zoom(1.25)
    assert w._lane_hit_lists == {}
    # a hover looks at the lanes under the pointer only
    band = next(h for h in w.hit_items() if h.ref.kind == "phase")
    w._forget_hits()
    assert w.hit_at(QPointF(band.rect.center())) == band
    assert set(w._lane_hit_lists) == {"phases"}


def test_kept_spans_are_grown_by_a_pan_not_placed_again(qapp) -> None:  # type: ignore[no-untyped-def]
    from ui.timeline.painter import TimelinePainter

    timeline = _lifetime()
    lane = timeline.lanes[0]
    painter = TimelinePainter()
    days = 3_000.0
    x0 = timeline.first
    _picture(painter, timeline, x0, x0 + days)
    (kept,) = painter._narrow_kept.values()
    first = sum(len(v[0]) for v in kept[2].values()) + len(kept[3])
    _picture(painter, timeline, x0 + 30, x0 + days + 30)  # the same zoom, moved
    assert len(painter._narrow_kept) == 1
    grown = sum(len(v[0]) for v in kept[2].values()) + len(kept[3])
    brought_in = [s for s in lane.spans if x0 + days < s.x0 <= x0 + days + 30]
    assert first < grown <= first + len(brought_in) + 1
    assert all(a < b for a, b in itertools.pairwise(kept[3]))
