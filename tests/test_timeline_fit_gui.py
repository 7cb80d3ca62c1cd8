"""Issue 15, the timeline and the Blood counts charts on screen: the unit system chosen
reaches the axes, the counts charts have the timeline's range controls, labels stay inside
the drawing and off each other, empty lanes shrink."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tracker.demo import build_demo
from tracker.display import UnitPreference
from tracker.store import Record
from ui.bridge import RecordBridge
from ui.timeline.view import TimelineView

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("fit-gui") / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Record]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    with Record.open(path, clock=fixed_clock) as rec:
        yield rec


def _view(qtbot: QtBot, bridge: RecordBridge, tmp_path: Path) -> TimelineView:
    view = TimelineView(bridge, QSettings(str(tmp_path / "t.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def _chart_unit(view: TimelineView, code: str) -> tuple[str, float]:
    timeline = view.widget.timeline
    assert timeline is not None
    lane = timeline.lane(code)
    assert lane is not None and lane.series is not None
    return lane.series.unit, lane.series.points[-1].y


def test_the_unit_system_chosen_reaches_the_timeline_axes(
    qtbot: QtBot, demo: Record, tmp_path: Path
) -> None:
    """View ▸ Show values in ▸ SI / US changed the lists, not the timeline's charts."""
    bridge = RecordBridge(demo)
    view = _view(qtbot, bridge, tmp_path)
    bridge.set_unit_preference(UnitPreference.US)
    unit, newest = _chart_unit(view, "hgb")
    assert unit == "g/dL"
    assert newest == pytest.approx(11.7, abs=0.05)  # the demo's newest Hb, 117 g/L
    assert _chart_unit(view, "plt")[0] == "×10³/µL"
    bridge.set_unit_preference(UnitPreference.SI)
    unit, newest = _chart_unit(view, "hgb")
    assert unit == "g/L"
    assert newest == pytest.approx(117, abs=0.5)
    assert _chart_unit(view, "anc")[0] == "×10⁹/L"


def _counts_view(qtbot: QtBot, record: Record):  # type: ignore[no-untyped-def]
    from ui.interaction import Interaction
    from ui.views.lists import CountsView

    view = CountsView(RecordBridge(record), Interaction())
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_counts_charts_have_the_timelines_range_controls(qtbot: QtBot, demo: Record) -> None:
    """Issue 15: the Blood counts charts had no zoom.  They get the timeline's own bar."""
    from tracker.timeline import preset_range
    from ui.timeline.range_bar import RangeBar

    view = _counts_view(qtbot, demo)
    bar = view.range_bar
    assert isinstance(bar, RangeBar) and bar.widget is view.chart
    timeline = view.chart.timeline
    assert timeline is not None
    bar.preset_buttons["2w"].click()
    assert view.chart.visible_range() == pytest.approx(preset_range("2w", timeline))
    x0, x1 = view.chart.visible_range()
    bar.zoom_out.click()
    a0, a1 = view.chart.visible_range()
    assert a1 - a0 == pytest.approx((x1 - x0) * 1.5)
    assert bar.range_label.text().startswith(str(layout_date(a0)))


def layout_date(x: float):  # type: ignore[no-untyped-def]
    from tracker.timeline import date_of

    return date_of(x)


def test_the_counts_charts_open_on_the_newest_results(
    qtbot: QtBot, demo_file: Path, tmp_path: Path
) -> None:
    """Opened two years after the last count: the charts show the results, filling the
    width, not three empty months."""
    import datetime as dt

    from tracker.timeline import x_of

    later = dt.datetime(2028, 11, 24, 9, 30, tzinfo=dt.UTC)
    path = tmp_path / "later.sqlite"
    shutil.copyfile(demo_file, path)
    with Record.open(path, clock=lambda: later) as record:
        view = _counts_view(qtbot, record)
        x0, x1 = view.chart.visible_range()
        timeline = view.chart.timeline
        assert timeline is not None
        lane = timeline.lane("anc")
        assert lane is not None and lane.series is not None
        shown = [p.x for p in lane.series.points if x0 <= p.x <= x1]
        assert len(shown) >= 4
        assert lane.series.points[-1].x in shown
        assert (shown[-1] - shown[0]) / (x1 - x0) > 0.8
        assert x1 < x_of(later.date())
        view.close()


# ---------------------------------------------------------------------- labels


def test_a_reference_label_covers_no_range_bar_of_the_newest_result(qapp) -> None:  # type: ignore[no-untyped-def]
    """The printed PLT chart drew "reference: low platelets below 20" across the newest
    result's range bar (the lab's range for that one result, an I-beam at the point)."""
    import datetime as dt

    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QFontMetricsF

    from tracker import timeline as tl
    from tracker.model import CountResult
    from ui.timeline.painter import Style, label_font, threshold_labels

    result = CountResult(1, dt.date(2026, 1, 1), values=(), id=1)
    xs = [float(k) for k in range(0, 100, 10)] + [96.0]
    points = [
        tl.Point(x, 250.0, "", tl.Ref("count", i), result, "plt", "") for i, x in enumerate(xs)
    ]
    bands = [tl.Band(95.5, 96.5, 10.0, 450.0)]  # the newest result's range, across the line
    line = tl.Threshold(20.0, "reference: low platelets below 20 ×10⁹/L")
    series = tl.Series("plt", "PLT", "×10⁹/L", points, bands, [line], 0.0, 500.0, 45.0)
    area = QRectF(100, 0, 800, 70)
    fm = QFontMetricsF(label_font(QFont(), Style()))
    ((_t, box, _text),) = threshold_labels(series, area, 0, 100, fm)
    assert box is not None
    bar_x = 100 + 96 * 8  # the range bar's x in pixels
    assert not box.left() - 3 <= bar_x <= box.right() + 3, box


def _demo_widget(qtbot: QtBot, record: Record, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    bridge = RecordBridge(record)
    view = TimelineView(bridge, QSettings())
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.refresh(keep_range=True)  # the whole history, not only the recent months
    return view.widget


def _labels_drawn(widget) -> list[tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    widget.painter.drawn_labels = []
    widget.use_picture = False
    widget.grab()
    drawn = widget.painter.drawn_labels
    widget.painter.drawn_labels = None
    assert drawn
    return drawn


def _check_labels(drawn, left: float, right: float) -> None:  # type: ignore[no-untyped-def]
    import itertools

    for kind, text, box in drawn:
        assert left - 0.5 <= box.left() and box.right() <= right + 0.5, (kind, text, box)
    for (ka, ta, a), (kb, tb, b) in itertools.combinations(drawn, 2):
        assert not a.intersects(b), (ka, ta, kb, tb)


RANGES = ["2w", "3m", "treatment", "all", "early", "end of induction"]


@pytest.mark.parametrize("size", [(1024, 600), (1920, 1080)])
@pytest.mark.parametrize("where", RANGES)
def test_timeline_labels_stay_inside_and_off_each_other(
    qtbot: QtBot, demo: Record, size: tuple[int, int], where: str
) -> None:
    """Issue 15: "D22" was drawn over "today"; milestone labels overlapped and were cut
    at the edge ("Marro").  Every label the painter draws, collected as it draws them."""
    import datetime as dt

    from tracker.timeline import x_of

    w = _demo_widget(qtbot, demo, size)
    if where == "early":
        w.set_range(x_of(dt.date(2025, 5, 15)), x_of(dt.date(2025, 7, 1)))
    elif where == "end of induction":
        w.set_range(x_of(dt.date(2025, 6, 16)), x_of(dt.date(2025, 6, 30)))
    else:
        w.apply_preset(where)
    plot = w._plot()
    drawn = _labels_drawn(w)
    _check_labels(drawn, plot.left(), plot.right())
    kinds = {kind for kind, _, _ in drawn}
    if where == "2w":
        assert {"today", "day"} <= kinds  # both drawn, apart
    if where in ("early", "treatment"):
        assert "milestones" in kinds
    timeline = w.timeline
    lane = timeline.lane("milestones")
    labels = {m.label for m in lane.marks}
    for kind, text, _box in drawn:
        if kind == "milestones":  # whole, or cut after a word with "…"
            assert text in labels or text.endswith("…"), text


def test_labels_on_the_printed_page_stay_inside_and_off_each_other(
    qtbot: QtBot, demo: Record, tmp_path: Path
) -> None:
    import datetime as dt

    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter, QPdfWriter

    from tracker.timeline import x_of
    from ui.printing.document import PAPER_STYLE
    from ui.timeline.painter import TimelinePainter

    w = _demo_widget(qtbot, demo, (1024, 600))
    timeline = w.timeline
    painter = TimelinePainter(PAPER_STYLE)
    for x0, x1 in (
        (x_of(dt.date(2025, 5, 15)), x_of(dt.date(2025, 7, 1))),
        (x_of(TODAY) - 28, x_of(TODAY) + 8),
        (x_of(TODAY) - 10, x_of(TODAY) + 4),
    ):
        writer = QPdfWriter(str(tmp_path / "page.pdf"))
        writer.setResolution(300)
        p = QPainter(writer)
        p.scale(300 / 96, 300 / 96)
        painter.drawn_labels = []
        rect = QRectF(0, 0, 700, 900)
        g = painter.paint(p, rect, timeline, x0, x1)
        p.end()
        _check_labels(painter.drawn_labels, g.plot.left(), g.plot.right())


def test_an_empty_lane_shrinks_to_a_thin_one_and_says_so(qapp) -> None:  # type: ignore[no-untyped-def]
    """An empty Milestones lane kept three rows (~80 px); now a thin lane with a short
    plain text, the height going to the charts."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from tracker import timeline as tl
    from ui.timeline.painter import Style, TimelinePainter, layout_lanes, required_height

    lanes = ("phases", "milestones", "cns", "anc")
    empty = tl.build([], [], [], [], TODAY, lanes=lanes)
    style = Style()
    rect = QRectF(0, 0, 1000, 500)
    g = layout_lanes(empty, rect, style)
    assert g.lanes["milestones"].height() <= 20
    assert g.lanes["cns"].height() <= 20
    full_rows = style.mark_rows["milestones"] * style.mark_row
    assert g.lanes["anc"].height() >= 500 - 34 - 4 - 26 - 2 * 20 - 4 * style.lane_gap - 1
    assert required_height(empty, style) < 34 + 4 + 26 + full_rows + 70
    painter = TimelinePainter(style)
    painter.drawn_labels = []
    image = QImage(1000, 500, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0xFFFFFFFF)
    p = QPainter(image)
    painter.paint(p, rect, empty, tl.x_of(TODAY) - 30, tl.x_of(TODAY) + 10)
    p.end()
    texts = {text for kind, text, _ in painter.drawn_labels if kind == "empty"}
    assert "no milestones yet" in texts
    assert "no lumbar punctures yet" in texts
    for kind, _text, box in painter.drawn_labels:
        if kind == "empty":  # inside its own thin lane
            assert any(lane.contains(box) for lane in g.lanes.values()), box


def test_a_lane_with_nothing_in_the_dates_shown_is_thin(qtbot: QtBot, demo: Record) -> None:
    """The demo's milestones all lie in the first months: in the 3-month view the lane is
    a thin line ("none in these dates") and the charts get its room; back in the early
    months it has its rows again, and what is clicked is what is drawn."""
    import datetime as dt

    from PySide6.QtCore import QRectF

    from tracker.timeline import x_of
    from ui.timeline.painter import layout_lanes

    w = _demo_widget(qtbot, demo, (1024, 600))
    w.apply_preset("3m")
    timeline = w.timeline
    style = w.painter.style
    rect = QRectF(0, 0, 1024, 1200)  # room to share out
    thin = layout_lanes(timeline, rect, style, *w.visible_range())
    fixed = layout_lanes(timeline, rect, style)
    assert thin.lanes["milestones"].height() <= 20 < fixed.lanes["milestones"].height()
    assert thin.lanes["anc"].height() > fixed.lanes["anc"].height()
    drawn = _labels_drawn(w)
    assert ("empty", "none in these dates") in {(k, t) for k, t, _ in drawn}
    w.set_range(x_of(dt.date(2025, 5, 15)), x_of(dt.date(2025, 7, 1)))
    early = layout_lanes(timeline, rect, style, *w.visible_range())
    assert early.lanes["milestones"].height() == fixed.lanes["milestones"].height()
    drawn_early = layout_lanes(timeline, QRectF(w.rect()), style, *w.visible_range())
    hits = [h for h in w.hit_items() if h.ref.kind == "milestone"]
    assert hits and all(drawn_early.lanes["milestones"].contains(h.rect.center()) for h in hits)


def test_a_dark_palette_draws_the_timelines_text_and_grid_light(qtbot: QtBot, demo: Record) -> None:
    """With a dark window palette the titles, dates and labels were drawn in near-black on
    the dark background: unreadable.  They follow the palette; paper stays black on white."""
    from PySide6.QtGui import QColor, QPalette

    from ui.timeline.painter import LIGHT_INK

    w = _demo_widget(qtbot, demo, (1024, 600))
    palette = QPalette(w.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#17181a"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    w.setPalette(palette)
    w.use_picture = False
    image = w.grab().toImage()
    assert w.painter.ink.text == QColor("#e8eaed")
    assert w.painter.ink.background == QColor("#17181a")
    titles = [
        image.pixelColor(x, y).lightness()
        for x in range(4, int(w.painter.style.title_width) - 8)
        for y in range(40, 200)
    ]
    assert max(titles) > 180  # light text in the title column
    assert sum(t < 60 for t in titles) > len(titles) / 2  # on the dark background
    assert LIGHT_INK.text == QColor("#202124")  # what the page uses
