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
