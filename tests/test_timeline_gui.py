"""The timeline on screen and on paper: painting, zoom, pan, hover, click, keyboard, lanes."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from tracker import timeline as layout
from tracker.analytes import format_number
from tracker.demo import DIAGNOSIS_DAYS_AGO, build_demo
from tracker.model import CnsVisit, CountResult, Milestone, Phase
from tracker.store import Record
from ui.timeline.painter import TimelinePainter
from ui.timeline.widget import Hit, TimelineWidget

pytestmark = pytest.mark.gui


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo record, built once for this module (closed: tests open it or a copy)."""
    path: Path = tmp_path_factory.mktemp("timeline") / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
    return path


@pytest.fixture(scope="module")
def demo(demo_file: Path) -> Iterator[Record]:
    """The demo record, open for the tests that only read it."""
    with Record.open(demo_file, read_only=True, clock=fixed_clock) as rec:
        yield rec


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Iterator[Record]:
    """A copy of the demo record of the test's own, open for writing."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    with Record.open(path, clock=fixed_clock) as rec:
        yield rec


@pytest.fixture
def timeline(demo: Record) -> layout.Timeline:
    child_id = demo.children()[0].id
    assert child_id is not None
    return layout.build(
        demo.entries(Phase, child_id),
        demo.entries(Milestone, child_id),
        demo.entries(CnsVisit, child_id),
        demo.counts(child_id),
        TODAY,
    )


@pytest.fixture
def widget(qtbot: QtBot, timeline: layout.Timeline) -> Iterator[TimelineWidget]:
    w = TimelineWidget()
    qtbot.addWidget(w)
    w.resize(1200, 700)
    w.set_timeline(timeline)
    w.show()
    qtbot.waitExposed(w)
    yield w
    QToolTip.hideText()
    if shiboken6.isValid(w):
        shiboken6.delete(w)


def _plot(w: TimelineWidget) -> tuple[float, float]:
    """Left edge and width of the time area, in widget pixels."""
    style = w.painter.style
    return style.title_width, w.width() - style.title_width - 8


def _day_at(w: TimelineWidget, px: float) -> float:
    left, width = _plot(w)
    x0, x1 = w.visible_range()
    return x0 + (px - left) / width * (x1 - x0)


def _wheel(
    w: TimelineWidget,
    pos: QPointF,
    dy: int,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    event = QWheelEvent(
        pos,
        w.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, dy),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(w, event)


def _clear_hit(w: TimelineWidget, kind: str) -> Hit:
    """An item of ``kind`` whose centre picks that very item (nothing smaller on top)."""
    for hit in w.hit_items():
        if hit.ref.kind == kind and w.hit_at(hit.rect.center()) == hit:
            return hit
    raise AssertionError(f"no clickable {kind} in {w.visible_range()}")


# ---------------------------------------------------------------------- painting


def test_paints_a_range_into_an_image(qapp: QApplication, timeline: layout.Timeline) -> None:
    image = QImage(1600, 900, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    blank = image.copy()
    p = QPainter(image)
    try:
        geometry = TimelinePainter().paint(
            p, QRectF(0, 0, 1600, 900), timeline, *layout.preset_range("3m", timeline)
        )
    finally:
        p.end()
    assert image != blank
    assert set(geometry.lanes) == {lane.key for lane in timeline.lanes}
    tops = [geometry.lanes[lane.key].top() for lane in timeline.lanes]
    assert tops == sorted(tops)
    assert all(r.bottom() <= 900 for r in geometry.lanes.values())


class _TextRecorder(QPainter):
    """A painter on an image that also keeps the text it was asked to draw."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args: object) -> None:
        self.texts.append(str(args[-1]))
        super().drawText(*args)  # type: ignore[call-overload]


def test_y_axis_numbers_are_plain(qapp: QApplication, timeline: layout.Timeline) -> None:
    """Issue 11: numbers printed with :g read "1e+06" (platelets in /µL)."""
    lane = timeline.lane("plt")
    assert lane is not None and lane.series is not None
    image = QImage(400, 200, QImage.Format.Format_ARGB32_Premultiplied)
    p = _TextRecorder(image)
    try:
        TimelinePainter()._y_labels(p, lane.series, QRectF(80, 0, 300, 200), 0.0, 1e6)
    finally:
        p.end()
    assert p.texts == ["0", "500000", "1000000"]


def test_paints_a_range_into_a_pdf(widget: TimelineWidget, tmp_path: Path) -> None:
    target = tmp_path / "timeline.pdf"
    writer = QPdfWriter(str(target))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setResolution(150)
    p = QPainter(writer)
    try:
        x0, x1 = layout.preset_range("all", widget.timeline)  # type: ignore[arg-type]
        widget.render_range(p, QRectF(0, 0, writer.width(), writer.height()), x0, x1)
    finally:
        p.end()
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 2000


# ---------------------------------------------------------------------- zoom and pan


def test_plus_and_minus_zoom_around_today(qtbot: QtBot, widget: TimelineWidget) -> None:
    """Issue 15: "+" zoomed around the middle, so two clicks left today and the newest data
    off screen.  With today in view it stays where it is on the axis."""
    assert widget.timeline is not None
    today = widget.timeline.today + 0.5
    x0, x1 = widget.visible_range()
    assert x0 < today < x1
    where = (today - x0) / (x1 - x0)
    with qtbot.waitSignal(widget.range_changed):
        qtbot.keyClick(widget, Qt.Key.Key_Plus)
    qtbot.keyClick(widget, Qt.Key.Key_Plus)
    a0, a1 = widget.visible_range()
    assert a1 - a0 == pytest.approx((x1 - x0) / 1.5**2)
    assert a0 < today < a1  # today is still on screen
    assert (today - a0) / (a1 - a0) == pytest.approx(where)
    qtbot.keyClick(widget, Qt.Key.Key_Minus)
    qtbot.keyClick(widget, Qt.Key.Key_Minus)
    qtbot.keyClick(widget, Qt.Key.Key_Minus)
    b0, b1 = widget.visible_range()
    assert b1 - b0 == pytest.approx((x1 - x0) * 1.5)
    assert (today - b0) / (b1 - b0) == pytest.approx(where)


def test_plus_zooms_around_the_selected_entry_then_the_middle(
    qtbot: QtBot, widget: TimelineWidget
) -> None:
    """Today out of view: around the entry ringed (the table's selection), else the
    middle."""
    assert widget.timeline is not None
    widget.set_range(widget.timeline.today - 400, widget.timeline.today - 300)
    x0, x1 = widget.visible_range()
    qtbot.keyClick(widget, Qt.Key.Key_Plus)
    a0, a1 = widget.visible_range()
    assert (a0 + a1) / 2 == pytest.approx((x0 + x1) / 2)
    hit = next(h for h in widget.hit_items() if h.ref.kind == "count")
    day = _day_at(widget, hit.rect.center().x())
    widget.highlight(hit.ref)
    where = (day - a0) / (a1 - a0)
    qtbot.keyClick(widget, Qt.Key.Key_Plus)
    qtbot.keyClick(widget, Qt.Key.Key_Plus)
    b0, b1 = widget.visible_range()
    assert b0 < day < b1
    assert (day - b0) / (b1 - b0) == pytest.approx(where, abs=0.02)


def test_ctrl_wheel_zooms_around_the_pointer(widget: TimelineWidget) -> None:
    left, width = _plot(widget)
    pos = QPointF(left + width * 0.8, 300)
    day = _day_at(widget, pos.x())
    x0, x1 = widget.visible_range()
    _wheel(widget, pos, 240, Qt.KeyboardModifier.ControlModifier)  # two notches in
    a0, a1 = widget.visible_range()
    assert a1 - a0 == pytest.approx((x1 - x0) / 1.25**2)
    assert _day_at(widget, pos.x()) == pytest.approx(day)  # the day under the pointer stays
    _wheel(widget, pos, -120, Qt.KeyboardModifier.ControlModifier)  # one notch out
    b0, b1 = widget.visible_range()
    assert b1 - b0 == pytest.approx((a1 - a0) * 1.25)
    assert _day_at(widget, pos.x()) == pytest.approx(day)


def test_arrows_and_wheel_pan(qtbot: QtBot, widget: TimelineWidget) -> None:
    x0, x1 = widget.visible_range()
    days = x1 - x0
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    assert widget.visible_range() == pytest.approx((x0 + days * 0.1, x1 + days * 0.1))
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    assert widget.visible_range() == pytest.approx((x0, x1))
    qtbot.keyClick(widget, Qt.Key.Key_PageDown)
    assert widget.visible_range() == pytest.approx((x0 + days * 0.9, x1 + days * 0.9))
    qtbot.keyClick(widget, Qt.Key.Key_PageUp)
    _wheel(widget, QPointF(600, 300), 120)  # wheel up: back in time, zoom unchanged
    assert widget.visible_range() == pytest.approx((x0 - days * 0.1, x1 - days * 0.1))


def test_drag_pans_and_does_not_open_anything(qtbot: QtBot, widget: TimelineWidget) -> None:
    x0, x1 = widget.visible_range()
    _, width = _plot(widget)
    start, end = QPointF(700, 400), QPointF(800, 400)
    with qtbot.assertNotEmitted(widget.item_activated):
        qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start.toPoint())
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            end,
            widget.mapToGlobal(end),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(widget, move)
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end.toPoint())
    shift = (x1 - x0) * 100 / width
    assert widget.visible_range() == pytest.approx((x0 - shift, x1 - shift))


def test_home_and_end_go_to_the_first_and_last_item(qtbot: QtBot, widget: TimelineWidget) -> None:
    timeline = widget.timeline
    assert timeline is not None
    x0, x1 = widget.visible_range()
    qtbot.keyClick(widget, Qt.Key.Key_Home)
    assert widget.visible_range() == pytest.approx(
        (timeline.first - 1, timeline.first - 1 + (x1 - x0))
    )
    qtbot.keyClick(widget, Qt.Key.Key_End)
    assert widget.visible_range() == pytest.approx(
        (timeline.last + 1 - (x1 - x0), timeline.last + 1)
    )


# ---------------------------------------------------------------------- hover, click, keys


def test_hovering_a_result_shows_its_date_value_and_unit(
    widget: TimelineWidget, demo: Record
) -> None:
    hit = _clear_hit(widget, "count")
    timeline = widget.timeline
    assert timeline is not None
    series, point = next(
        (lane.series, pt)
        for lane in timeline.lanes
        if lane.series is not None
        for pt in lane.series.points
        if pt.ref == hit.ref and pt.tooltip == hit.tooltip
    )
    pos = hit.rect.center().toPoint()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos)))
    shown = QToolTip.text()
    assert shown == hit.tooltip
    assert demo.entry(CountResult, hit.ref.id).taken_date.isoformat() in shown
    assert format_number(point.y) in shown
    assert series.unit in shown


def test_hovering_empty_time_shows_the_day(widget: TimelineWidget) -> None:
    left, width = _plot(widget)
    for px in range(int(left) + 5, int(left + width), 7):
        pos = QPoint(px, widget.height() - 3)  # the very bottom: below every item
        if widget.hit_at(QPointF(pos)) is None:
            break
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos)))
    assert QToolTip.text().startswith(layout.date_of(_day_at(widget, pos.x())).isoformat())


def test_hovering_a_chart_names_its_lines_and_their_source(widget: TimelineWidget) -> None:
    from ui.timeline.painter import layout_lanes

    assert widget.timeline is not None
    geometry = layout_lanes(widget.timeline, QRectF(widget.rect()), widget.painter.style)
    area = geometry.lanes["plt"]
    left, width = _plot(widget)
    for px in range(int(left) + 5, int(left + width), 7):
        pos = QPoint(px, int(area.top()) + 3)
        if widget.hit_at(QPointF(pos)) is None:
            break
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos)))
    shown = QToolTip.text()
    assert "PLT reference: low platelets below 20" in shown
    assert "Hematol Oncol Clin N Am 2016;30:695" in shown
    assert "severe neutropenia" not in shown  # only the chart under the pointer


@pytest.mark.parametrize("kind", ["milestone", "cns_visit", "phase", "count"])
def test_clicking_an_item_opens_it(qtbot: QtBot, widget: TimelineWidget, kind: str) -> None:
    if kind == "milestone":  # the demo's milestones lie in its first months
        diagnosis = layout.x_of(TODAY - dt.timedelta(days=DIAGNOSIS_DAYS_AGO))
        widget.set_range(diagnosis + 20, diagnosis + 60)
    hit = _clear_hit(widget, kind)
    with qtbot.waitSignal(widget.item_activated) as blocker:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=hit.rect.center().toPoint())
    assert blocker.args == [hit.ref]
    assert widget.focused_item() == hit


def test_tab_walks_the_items_and_enter_opens_one(qtbot: QtBot, widget: TimelineWidget) -> None:
    hits = widget.hit_items()
    assert len(hits) >= 3
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert widget.focused_item() == hits[0]
    qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert widget.focused_item() == hits[1]
    with qtbot.waitSignal(widget.item_activated) as blocker:
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    assert blocker.args == [hits[1].ref]
    qtbot.keyClick(widget, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert widget.focused_item() == hits[0]
    with qtbot.waitSignal(widget.item_activated) as blocker:
        qtbot.keyClick(widget, Qt.Key.Key_Enter)
    assert blocker.args == [hits[0].ref]


def test_items_are_listed_left_to_right(widget: TimelineWidget) -> None:
    lefts = [h.rect.left() for h in widget.hit_items()]
    assert lefts == sorted(lefts)
    left, width = _plot(widget)
    assert all(
        left - 20 <= h.rect.center().x() <= left + width + 20
        for h in widget.hit_items()
        if h.ref.kind != "phase"
    )


# ---------------------------------------------------------------------- the view


def test_lane_filter_hides_a_lane_and_is_remembered(
    qtbot: QtBot,
    demo_copy: Record,
    tmp_path: Path,
) -> None:
    from ui.bridge import RecordBridge
    from ui.timeline.view import TimelineView

    ini = str(tmp_path / "timeline.ini")
    bridge = RecordBridge(demo_copy)
    first = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    assert first.widget.timeline is not None
    assert first.widget.timeline.lane("cns") is not None
    first.lane_actions["cns"].trigger()  # untick "Lumbar punctures"
    assert "cns" not in first.shown_lanes()
    assert first.widget.timeline.lane("cns") is None
    assert first.widget.timeline.lane("phases") is not None

    again = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert not again.lane_actions["cns"].isChecked()
    assert again.lane_actions["phases"].isChecked()
    assert again.widget.timeline is not None
    assert again.widget.timeline.lane("cns") is None
    again.lane_actions["cns"].trigger()  # and back
    assert again.widget.timeline.lane("cns") is not None
    other = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(other)
    assert other.lane_actions["cns"].isChecked()


def test_every_lane_can_be_reached_in_a_small_window(
    qtbot: QtBot, demo_copy: Record, tmp_path: Path
) -> None:
    """Issue 12 gave the timeline many lanes: at 1024×600 the count charts fell below the
    window with no way to reach them.  The timeline now keeps every lane at least its
    least height and scrolls; Tab to an item scrolls it into view."""
    from ui.bridge import RecordBridge
    from ui.timeline.painter import required_height
    from ui.timeline.view import TimelineView

    bridge = RecordBridge(demo_copy)
    view = TimelineView(bridge, QSettings(str(tmp_path / "t.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(view)
    view.resize(1000, 420)
    view.show()
    qtbot.waitExposed(view)
    w = view.widget
    assert w.timeline is not None
    need = required_height(w.timeline, w.painter.style, *w.visible_range())
    assert w.height() >= need  # every lane has its room: the charts are not squeezed away
    bar = view.scroll.verticalScrollBar()
    assert bar.maximum() > 0  # and the view scrolls to them
    w.setFocus()
    for _ in range(len(w.hit_items())):
        qtbot.keyClick(w, Qt.Key.Key_Tab)
    focused = w.focused_item()
    assert focused is not None
    shown = w.visibleRegion().boundingRect()
    assert shown.contains(focused.rect.center().toPoint())  # the focused item is in view


def _hover(w: TimelineWidget, pos: QPoint) -> None:
    QApplication.sendEvent(w, QHelpEvent(QEvent.Type.ToolTip, pos, w.mapToGlobal(pos)))


def test_a_marks_tooltip_goes_when_the_timeline_pans_or_the_pointer_leaves_the_mark(
    qtbot: QtBot, widget: TimelineWidget
) -> None:
    """The final re-check: a chart's tooltip stayed after scrolling, over another day."""
    hit = _clear_hit(widget, "count")
    pos = hit.rect.center().toPoint()
    _hover(widget, pos)
    assert QToolTip.isVisible() and QToolTip.text() == hit.tooltip
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Plus):  # another day is under the pointer
        qtbot.keyClick(widget, key)  # (Qt hides a tooltip on a wheel turn, not on a key)
        qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=1000)
        _hover(widget, pos)
        assert QToolTip.isVisible()

    hit = _clear_hit(widget, "count")
    _hover(widget, hit.rect.center().toPoint())
    assert QToolTip.isVisible()
    away = hit.rect.center() + QPointF(0, 60)
    assert widget.hit_at(away) != hit
    qtbot.mouseMove(widget, away.toPoint())
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=1000)


def test_a_tooltip_goes_when_the_lanes_scroll(  # (Qt did it already: kept as a guard)
    qtbot: QtBot, demo_copy: Record, tmp_path: Path
) -> None:
    from ui.bridge import RecordBridge
    from ui.timeline.view import TimelineView

    view = TimelineView(
        RecordBridge(demo_copy), QSettings(str(tmp_path / "t.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(view)
    view.resize(1000, 420)
    view.show()
    qtbot.waitExposed(view)
    w = view.widget
    hit = next(h for h in w.hit_items() if w.visibleRegion().contains(h.rect.center().toPoint()))
    _hover(w, hit.rect.center().toPoint())
    assert QToolTip.isVisible()
    bar = view.scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=1000)
    QToolTip.hideText()
