"""The growth measurement on screen: its dialog (reasons beside the fields, the BSA for
information only) and the Weight lane of the timeline (hidden lanes remembered)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QSettings
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
