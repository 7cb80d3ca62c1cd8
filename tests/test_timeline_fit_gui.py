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
