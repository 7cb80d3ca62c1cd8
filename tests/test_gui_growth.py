"""The growth measurement on screen: its dialog (reasons beside the fields, the BSA for
information only) and the Weight lane of the timeline (hidden lanes remembered)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from tracker.demo import build_demo
from tracker.kinds.growth import BSA_LABEL
from tracker.model import Child, Growth
from tracker.store import Record
from ui.dialogs.growth import GrowthDialog

pytestmark = pytest.mark.gui

MILA = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)


def _dialog(qtbot: QtBot, growth: Growth | None = None) -> GrowthDialog:
    dialog = GrowthDialog(growth, MILA, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type(dialog: GrowthDialog, name: str, text: str) -> None:
    field = dialog.field(name)
    assert isinstance(field, QLineEdit)
    field.setText(text)


def test_the_bsa_shows_only_with_a_weight_and_a_length_and_says_what_it_is(
    qtbot: QtBot,
) -> None:
    dialog = _dialog(qtbot)
    assert not dialog.bsa.isVisible()
    _type(dialog, "weight_text", "7.85 kg")
    assert not dialog.bsa.isVisible()
    _type(dialog, "length_text", "68 cm")
    assert dialog.bsa.isVisible()
    assert dialog.bsa.text() == f"{BSA_LABEL}: 0.39\u00a0m²"
    _type(dialog, "length_text", "68")  # no unit: no BSA
    assert not dialog.bsa.isVisible()
    _type(dialog, "length_text", "68 cm")
    _type(dialog, "weight_text", "80 kg")  # a typing slip: no BSA of it
    assert not dialog.bsa.isVisible()


def test_a_slip_is_named_beside_its_field_and_nothing_is_saved(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _type(dialog, "weight_text", "80 kg")
    dialog.accept()
    assert dialog.value is None
    error = dialog.findChild(QLabel, "error_weight_text")
    assert error is not None and error.isVisible()
    assert "80 kg is outside 0.3–30 kg, this program's check against typing slips" in (error.text())


def test_an_entry_opens_with_what_was_typed(qtbot: QtBot) -> None:
    g = Growth(1, dt.date(2026, 11, 20), weight_text="15 lb 4 oz", weight_kg=6.9172836425, id=4)
    dialog = _dialog(qtbot, g)
    assert dialog.text_of("weight_text") == "15 lb 4 oz"
    dialog.accept()
    assert dialog.value == g


def test_the_weight_lane_is_drawn_and_hiding_it_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.bridge import RecordBridge
    from ui.timeline.view import TimelineView

    path = tmp_path / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
    shutil.copyfile(path, tmp_path / "copy.sqlite")
    with Record.open(tmp_path / "copy.sqlite", clock=fixed_clock) as rec:
        ini = str(tmp_path / "timeline.ini")
        bridge = RecordBridge(rec)
        first = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
        qtbot.addWidget(first)
        assert first.widget.timeline is not None
        lane = first.widget.timeline.lane("growth")
        assert lane is not None and len(lane.marks) == 19
        assert lane.marks[-1].label == "9.58 kg"
        first.lane_actions["growth"].trigger()
        assert first.widget.timeline.lane("growth") is None
        again = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
        qtbot.addWidget(again)
        assert not again.lane_actions["growth"].isChecked()
        assert again.widget.timeline is not None
        assert again.widget.timeline.lane("growth") is None


def test_the_dialogs_bsa_is_checked_on_the_date_typed(qtbot: QtBot) -> None:
    """The attack: the BSA was checked against the child's age today, so a weight Save would
    refuse as a slip for the date typed (under 2 then) still showed a BSA."""
    older = Child(name="Sam", birth_date=dt.date(2024, 1, 1), id=2)
    dialog = GrowthDialog(None, older, dt.date(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_text("date", "2025-06-01")
    _type(dialog, "weight_text", "45 kg")
    _type(dialog, "length_text", "70 cm")
    assert not dialog.bsa.isVisible()
    dialog.set_text("date", "2026-11-20")  # over 2 that day: 45 kg passes the wider check
    assert dialog.bsa.isVisible()


# ---------------------------------------------------------------------- the growth chart


@pytest.fixture
def demo_bridge(tmp_path: Path):  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge

    path = tmp_path / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        yield RecordBridge(rec), rec


def test_the_growth_chart_is_opened_from_the_growth_table(
    qtbot: QtBot, demo_bridge, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.growth_chart import widget
    from ui.interaction import Interaction
    from ui.views.lists import PhasesView

    bridge, _rec = demo_bridge
    opened: list[object] = []
    monkeypatch.setattr(widget.GrowthChartDialog, "exec", lambda self: opened.append(self) or 0)
    view = PhasesView(bridge, Interaction())
    qtbot.addWidget(view)
    view.show()
    button = view.growth_chart_button
    assert button.parent() is view.tables["growth"] and button.isVisible()
    assert button.text() == "Growth &chart…"  # Alt+C from the keyboard
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    [dialog] = opened
    assert isinstance(dialog, widget.GrowthChartDialog)
    assert dialog.windowTitle() == "Growth chart — Robin (demo)"


def test_the_growth_chart_draws_every_measurement_and_walks_them_by_keyboard(
    qtbot: QtBot, demo_bridge, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor

    from tracker.timeline import Ref
    from ui.growth_chart.painter import COLOURS
    from ui.growth_chart.widget import GrowthChartDialog

    bridge, rec = demo_bridge
    [child] = rec.children()
    entries = rec.entries(Growth, child.id)
    dialog = GrowthChartDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.resize(1024, 600)
    dialog.show()
    chart = dialog.chart
    items = chart.items()
    by_measure = {key: [i for i in items if i[0] == key] for key in ("weight", "length", "head")}
    assert len(by_measure["weight"]) == sum(g.weight_kg is not None for g in entries) == 19
    assert len(by_measure["length"]) == sum(g.length_cm is not None for g in entries)
    assert len(by_measure["head"]) == sum(g.head_cm is not None for g in entries) == 3
    assert chart.chart is not None
    assert "the child's own measurements; no reference curves" in chart.chart.note.lower()
    # each point is drawn where the chart says, in its measure's colour
    image = chart.grab().toImage()
    for key, _point, at in items:
        assert image.pixelColor(at.toPoint()) == QColor(COLOURS[key]), (key, at)
    # typed in pounds and ounces: the tooltip shows it as typed, with kg beside it
    typed = next(g for g in entries if "lb" in g.weight_text)
    [tip] = [p.tooltip for key, p, _ in items if key == "weight" and p.ref.id == typed.id]
    assert f"Weight: {typed.weight_text} (" in tip and " kg)" in tip
    assert f"{typed.date.isoformat()} · age " in tip
    # Tab walks through the points by age; Enter opens the one chosen in its editor
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Tab)
    first = chart.focused()
    assert first is not None and first[1] is items[0][1]
    qtbot.keyClick(chart, Qt.Key.Key_Tab)
    second = chart.focused()
    assert second is not None and second[1] is items[1][1]
    opened: list[object] = []
    monkeypatch.setattr("ui.kind_ui.edit_entry", lambda ui, b, entry, parent: opened.append(entry))
    with qtbot.waitSignal(chart.item_activated) as activated:
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert activated.args == [second[1].ref]
    assert [getattr(e, "id", None) for e in opened] == [second[1].ref.id]
    # a click on a point opens it too
    last = items[-1]
    with qtbot.waitSignal(chart.item_activated) as clicked:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=last[2].toPoint())
    assert clicked.args == [Ref("growth", last[1].ref.id)]


def test_the_growth_chart_follows_the_record_while_open(qtbot: QtBot, demo_bridge) -> None:  # type: ignore[no-untyped-def]
    from ui.growth_chart.widget import GrowthChartDialog

    bridge, rec = demo_bridge
    [child] = rec.children()
    dialog = GrowthChartDialog(bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    before = len(dialog.chart.items())
    bridge.save(Growth(child.id, TODAY, head_text="470 mm", head_cm=47.0))
    items = dialog.chart.items()
    assert len(items) == before + 1
    [new] = [p for key, p, _ in items if key == "head" and p.date == TODAY]
    assert "Head circumference: 470 mm (47 cm)" in new.tooltip


def test_an_empty_growth_chart_says_what_is_missing(qtbot: QtBot, tmp_path: Path) -> None:
    from tracker.growth_chart import build_growth_chart
    from ui.growth_chart.widget import GrowthChartWidget

    widget = GrowthChartWidget()
    qtbot.addWidget(widget)
    widget.set_chart(build_growth_chart([], MILA.birth_date))
    widget.resize(1024, 600)
    widget.show()
    assert widget.items() == []
    assert not widget.grab().isNull()
    assert widget.focusNextPrevChild(True) in (True, False)  # leaves the chart, no point
    assert widget.focused() is None
