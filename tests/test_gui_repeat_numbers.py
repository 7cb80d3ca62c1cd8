"""The numbers of a repeat (appointment: every N, number of times; medicine plan: every N
days) are never clamped into another number: 0 or 1000000000 typed stays as typed, the
line under the picker says what is accepted at once, Save is refused beside the field and
nothing is saved (walk-through of issue 13, finding 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from gui_helpers import drive_modal, error_label, fill, rows, type_text
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ui.dialogs.medicine_plan import MedicinePlanDialog

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _type_number(box, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a spin box's line as a person would, then leave it (Tab)."""
    editor = box.lineEdit()
    box.setFocus()
    editor.selectAll()
    QTest.keyClick(editor, Qt.Key.Key_Delete)
    QTest.keyClicks(editor, text)


def _leave(box) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(box, Qt.Key.Key_Tab)
    box.interpretText()


def test_number_of_times_out_of_range_is_refused_never_clamped(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}

    def plan(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", "2026-11-24")
        picker = dialog.picker
        picker.how.setCurrentIndex(picker.how.findData("weekly"))
        _type_number(picker.every, "2")
        picker.end.setCurrentIndex(picker.end.findData("count"))
        _type_number(picker.count, "1000000000")
        _leave(picker.count)
        seen["huge_kept"] = picker.count.cleanText()
        seen["huge_words"] = picker.words.text()
        _type_number(picker.count, "0")
        _leave(picker.count)
        seen["zero_kept"] = picker.count.cleanText()
        seen["zero_words"] = picker.words.text()
        dialog.accept()  # Save
        seen["open"] = dialog.isVisible()
        seen["error"] = error_label(dialog, "repeat").text()
        _type_number(picker.count, "12")
        seen["words"] = picker.words.text()
        dialog.accept()

    drive_modal(lambda: window.agenda_view.edit("appointment", None), plan)
    assert seen["huge_kept"] == "1000000000"
    accepted = "type a whole number from 1 to 1000"
    assert seen["huge_words"] == f"⚠ Number of times: 1000000000 is not accepted; {accepted}"
    assert seen["zero_kept"] == "0"
    assert seen["zero_words"] == f"⚠ Number of times: 0 is not accepted; {accepted}"
    assert seen["open"] and accepted in str(seen["error"])
    assert seen["words"] == "In words: every 2 weeks on Tuesday, 12 times"
    [row] = rows(record.path, "SELECT repeat FROM appointment")
    assert row["repeat"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=12"


def test_every_zero_weeks_is_refused(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}

    def plan(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", "2026-11-24")
        picker = dialog.picker
        picker.how.setCurrentIndex(picker.how.findData("weekly"))
        _type_number(picker.every, "0")
        _leave(picker.every)
        seen["kept"] = picker.every.cleanText()
        seen["words"] = picker.words.text()
        dialog.accept()
        seen["open"] = dialog.isVisible()
        seen["error"] = error_label(dialog, "repeat").text()
        dialog.done(0)

    drive_modal(lambda: window.agenda_view.edit("appointment", None), plan)
    assert seen["kept"] == "0"
    assert seen["words"] == "⚠ Every: 0 is not accepted; type a whole number from 1 to 366"
    assert seen["open"] and "from 1 to 366" in str(seen["error"])
    assert rows(record.path, "SELECT repeat FROM appointment") == []


def test_a_medicine_every_n_days_out_of_range_is_refused(qtbot, child) -> None:  # type: ignore[no-untyped-def]
    dialog = MedicinePlanDialog(None, child, dt.date(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.show()
    picker = dialog.picker
    picker.how.setCurrentIndex(picker.how.findData("every_n"))
    _type_number(picker.every, "1000")
    _leave(picker.every)
    assert picker.every.cleanText() == "1000"
    assert picker.words.text() == "⚠ Every: 1000 is not accepted; type a whole number from 2 to 366"
    type_text(dialog.field("drug"), "Septrin")
    dialog.accept()
    assert dialog.isVisible()
    assert "from 2 to 366" in error_label(dialog, "schedule").text()
