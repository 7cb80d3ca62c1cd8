"""Labels on the timeline never cover each other, a mark or the data, and are never cut.

Issue 11: two MRD milestones close together drew their "MRD …" labels over each other and
labels were cut at the edge of the view or page; the ANC reference line's label ("severe
neutropenia below 0.5") was drawn over the data line.  These tests compute the rectangles
the painter draws (the same functions paint and hit testing use) and check them at the two
window sizes families use most and on an A4 page.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QPageLayout

from tracker import timeline as layout
from tracker.analytes import format_number
from tracker.demo import build_demo
from tracker.model import (
    CnsVisit,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    Phase,
)
from tracker.mrd import parse_mrd
from tracker.store import Record
from ui.printing.document import PAPER_STYLE
from ui.printing.render import DOC_DPI, page_layout
from ui.timeline.painter import (
    PlacedMark,
    Style,
    label_font,
    placed_marks,
    point_positions,
    shortened,
    threshold_labels,
)
from ui.timeline.widget import TimelineWidget

pytestmark = pytest.mark.gui

SIZES = [(1024, 600), (1920, 1080)]


def _mrd(text: str, qualifier: MrdQualifier = MrdQualifier.QUANTIFIED) -> Mrd:
    value = parse_mrd(text) if text else None
    return Mrd(text, value, qualifier, MrdMethod.PCR_KMT2A, MrdSample.MARROW)


def _close_milestones(day0: dt.date) -> list[Milestone]:
    """A cluster of milestones within three days (two MRD results on one day, a long
    qualified one the next day), and a planned one at the very end of the range."""
    d = [day0 + dt.timedelta(days=n) for n in range(4)]
    items = [
        Milestone(1, d[0], MilestoneKind.MARROW_CHECK, "End-of-induction marrow"),
        Milestone(1, d[0], MilestoneKind.MRD_RESULT, "PCR", mrd=_mrd("3×10^-4")),
        Milestone(1, d[0], MilestoneKind.MRD_RESULT, "Flow", mrd=_mrd("0.02%")),
        Milestone(
            1,
            d[1],
            MilestoneKind.MRD_RESULT,
            "TP3",
            mrd=_mrd("0.01%", MrdQualifier.BELOW_QUANTIFIABLE_RANGE),
        ),
        Milestone(1, d[2], MilestoneKind.REMISSION, "Remission"),
        Milestone(1, d[3], MilestoneKind.MRD_RESULT, "After", mrd=_mrd("", MrdQualifier.NEGATIVE)),
        Milestone(1, d[3], MilestoneKind.PHASE_START, "Blinatumomab 1 started"),
    ]
    return [
        Milestone(m.child_id, m.date, m.kind, m.result_text, m.planned, m.mrd, m.notes, id=i + 1)
        for i, m in enumerate(items)
    ]


def _timeline(milestones: list[Milestone]) -> layout.Timeline:
    return layout.build([], milestones, [], [], TODAY, lanes=("milestones",))


def _check(placed: list[PlacedMark], area: QRectF, size: float) -> int:
    """No label over another label or over any mark; every label inside the lane's plot;
    a shortened label cut after a whole word, never inside a number.  How many are."""
    shortened = 0
    labels = [p for p in placed if p.label]
    assert labels, "no label at all: the test would prove nothing"
    symbols = [p.symbol(size) for p in placed]
    for i, a in enumerate(labels):
        assert a.rect is not None
        assert area.contains(a.rect), (a.text, a.rect, area)
        for b in labels[i + 1 :]:
            assert b.rect is not None
            assert not a.rect.intersects(b.rect), (a.text, b.text)
        for s, other in zip(symbols, placed, strict=True):
            assert not a.rect.intersects(s), (a.text, "covers the mark of", other.mark.label)
        if a.text != a.mark.label:  # shortened: the full text stays in the tooltip
            shortened += 1
            assert a.text.endswith("…") and a.mark.label.startswith(a.text[:-1].rstrip(" ("))
            numbers = [w for w in a.mark.label.split() if any(c.isdigit() for c in w)]
            assert all(n in a.text for n in numbers), (a.text, "cuts a number")
            assert a.mark.label.removeprefix("MRD ") in a.mark.tooltip
    return shortened


def _lane_area(timeline: layout.Timeline, rect: QRectF, style: Style, key: str) -> QRectF:
    from ui.timeline.painter import layout_lanes

    g = layout_lanes(timeline, rect, style)
    lane = g.lanes[key]
    return QRectF(g.plot.left(), lane.top(), g.plot.width(), lane.height())


def _a4_rect(timeline: layout.Timeline) -> QRectF:
    from ui.timeline.painter import required_height

    paint = page_layout("a4").paintRect(QPageLayout.Unit.Inch)
    return QRectF(0, 0, paint.width() * DOC_DPI, required_height(timeline, PAPER_STYLE))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("days", [14, 92, 400])
def test_close_milestone_labels_never_overlap_nor_leave_the_view(
    qapp, size: tuple[int, int], days: int
) -> None:  # type: ignore[no-untyped-def]
    start = TODAY - dt.timedelta(days=days - 5)
    milestones = _close_milestones(start + dt.timedelta(days=2))
    milestones.append(
        Milestone(1, TODAY + dt.timedelta(days=4), MilestoneKind.MARROW_CHECK, "End", True, id=99)
    )
    timeline = _timeline(milestones)
    widget = TimelineWidget()
    widget.resize(*size)
    widget.set_timeline(timeline)
    x0, x1 = layout.x_of(start), layout.x_of(TODAY) + 5
    widget.set_range(x0, x1)
    style = widget.painter.style
    rect = QRectF(widget.rect())
    placed = placed_marks(timeline, rect, x0, x1, style, label_font(widget.font(), style))
    marks = placed["milestones"]
    assert len(marks) == len(milestones)
    _check(marks, _lane_area(timeline, rect, style, "milestones"), style.mark_size)
    # the hit boxes are where the marks are drawn (one layout for both)
    centres = {(h.rect.center().x(), h.rect.center().y()) for h in widget.hit_items()}
    assert {(p.cx, p.cy) for p in marks} == centres


@pytest.mark.parametrize("days", [14, 31, 92])
def test_close_milestone_labels_on_an_a4_page(qapp, days: int) -> None:  # type: ignore[no-untyped-def]
    start = TODAY - dt.timedelta(days=days - 3)
    milestones = _close_milestones(start + dt.timedelta(days=1))
    milestones.append(Milestone(1, TODAY, MilestoneKind.MARROW_CHECK, "Last", id=99))
    timeline = _timeline(milestones)
    rect = _a4_rect(timeline)
    x0, x1 = layout.x_of(start) - 0.25, layout.x_of(TODAY) + 1.25  # as the summary does
    font = QFont("DejaVu Sans")
    placed = placed_marks(timeline, rect, x0, x1, PAPER_STYLE, label_font(font, PAPER_STYLE))
    marks = placed["milestones"]
    assert len(marks) == len(milestones)
    _check(marks, _lane_area(timeline, rect, PAPER_STYLE, "milestones"), PAPER_STYLE.mark_size)


# ---------------------------------------------------------------------- reference lines


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Record, int]]:
    path: Path = tmp_path_factory.mktemp("labels") / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        child_id = build_demo(rec, TODAY)
        yield rec, child_id


def _charts(demo: tuple[Record, int]) -> layout.Timeline:
    rec, cid = demo
    return layout.build(
        rec.entries(Phase, cid),
        rec.entries(Milestone, cid),
        rec.entries(CnsVisit, cid),
        rec.counts(cid),
        TODAY,
    )


def _covers_data(box: QRectF, points: list[QPointF]) -> bool:
    """Whether ``box`` covers a plotted point (its dot) or the line between two points."""
    for pt in points:
        if box.adjusted(-4, -4, 4, 4).contains(pt):
            return True
    for a, b in itertools.pairwise(points):
        if max(a.x(), b.x()) < box.left() or min(a.x(), b.x()) > box.right():
            continue
        for k in range(21):  # the segment, sampled finely enough for 1-px lines
            t = k / 20
            p = QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t)
            if box.adjusted(-1, -1, 1, 1).contains(p):
                return True
    return False


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("preset", ["2w", "3m", "treatment"])
def test_reference_line_labels_cover_no_plotted_point(
    qapp, demo: tuple[Record, int], size: tuple[int, int], preset: str
) -> None:  # type: ignore[no-untyped-def]
    timeline = _charts(demo)
    widget = TimelineWidget()
    widget.resize(*size)
    widget.set_timeline(timeline)
    widget.apply_preset(preset)
    x0, x1 = widget.visible_range()
    style = widget.painter.style
    rect = QRectF(widget.rect())
    from PySide6.QtGui import QFontMetricsF

    fm = QFontMetricsF(label_font(widget.font(), style))
    drawn = 0
    for lane in timeline.lanes:
        if lane.series is None or not lane.series.thresholds:
            continue
        area = _lane_area(timeline, rect, style, lane.key)
        points = point_positions(lane.series, area, x0, x1)
        for threshold, box, text in threshold_labels(lane.series, area, x0, x1, fm, timeline.today):
            if box is None:  # no free place: the legend (tooltip, caption) names the line
                continue
            drawn += 1
            assert text in (threshold.label, f"{format_number(threshold.y)} {lane.series.unit}")
            assert area.contains(box), (threshold.label, box, area)
            assert not _covers_data(box, points), (preset, size, threshold.label, box)
    if preset != "treatment":  # zoomed in, there is room: the labels are drawn, not dropped
        assert drawn == 2


def test_the_anc_label_moves_off_the_data_it_used_to_cover(qapp, demo) -> None:  # type: ignore[no-untyped-def]
    """The demo's maintenance ANC (about 1.3) runs just above the 0.5 line, under the
    label's old place (right-aligned above the line)."""
    timeline = _charts(demo)
    widget = TimelineWidget()
    widget.resize(1280, 560)
    widget.set_timeline(timeline)
    widget.apply_preset("3m")
    x0, x1 = widget.visible_range()
    style = widget.painter.style
    rect = QRectF(widget.rect())
    from PySide6.QtGui import QFontMetricsF

    fm = QFontMetricsF(label_font(widget.font(), style))
    lane = timeline.lane("anc")
    assert lane is not None and lane.series is not None
    area = _lane_area(timeline, rect, style, "anc")
    points = point_positions(lane.series, area, x0, x1)
    ((threshold, box, _text),) = threshold_labels(lane.series, area, x0, x1, fm, timeline.today)
    assert "severe neutropenia" in threshold.label
    assert box is not None and not _covers_data(box, points)


def test_a_shortened_label_is_cut_after_a_word_never_inside_a_number(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFontMetricsF

    fm = QFontMetricsF(label_font(QFont("DejaVu Sans"), Style()))
    text = "MRD < 0.01% (below the quantifiable range)"
    room = fm.horizontalAdvance("MRD < 0.01% (below…")
    assert shortened(text, fm, room) == "MRD < 0.01% (below…"
    assert shortened(text, fm, fm.horizontalAdvance("MRD < 0.01%…")) == "MRD < 0.01%…"
    assert shortened(text, fm, fm.horizontalAdvance("MRD < 0.01%")) == ""  # not "MRD < 0.0…"
    assert shortened("MRD 0.03%", fm, 1000) == ""  # nothing to leave out but the number
    assert shortened("End-of-therapy marrow", fm, fm.horizontalAdvance("End-of-therapy…")) == (
        "End-of-therapy…"
    )
