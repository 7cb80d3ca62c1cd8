"""Labels cut short on screen (a parent's walkthrough at 1024×600 and 1920×1080): the
Medicines table's last header ("What the team said"), the timeline's medicine names,
placeholders in the dialogs, and hints squeezed when the appointment's repeat grew."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import TODAY
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QStyle, QStyleOptionFrame
from test_gui_mnemonics import DIALOG_KEYS, open_dialog

from tracker.model import MedicinePlan

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _plans(bridge: Any) -> None:
    child = bridge.current_child()
    for drug, schedule, strength in (
        ("6-mercaptopurine", "FREQ=DAILY;BYHOUR=19", "20 mg/mL liquid"),
        ("methotrexate (by mouth)", "FREQ=WEEKLY;BYDAY=FR;BYHOUR=18", "2.5 mg tablet"),
        ("co-trimoxazole", "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=8,20", "40 mg/200 mg per 5 mL liquid"),
    ):
        bridge.save(
            MedicinePlan(
                child.id,
                drug,
                TODAY - dt.timedelta(days=30),
                "10",
                "mg",
                strength=strength,
                schedule=schedule,
                team_note="The team said to go back to 10 mg (fictional demo plan, long note)",
            )
        )


@pytest.mark.parametrize("width", [1024, 1920])
def test_the_last_column_of_a_table_keeps_its_whole_header(qtbot, window, width) -> None:  # type: ignore[no-untyped-def]
    _plans(window.bridge)
    window.resize(width, 600 if width == 1024 else 1080)
    window.show_view("medicines")
    table = window.medicines_view.plans.table
    qtbot.waitUntil(lambda: table.model().rowCount() == 3)
    QApplication.processEvents()
    header = table.horizontalHeader()
    last = header.logicalIndex(header.count() - 1)
    assert table.model().headerData(last, header.orientation()) == "What the team said"
    assert header.sectionSize(last) >= header.sectionSizeHint(last)
    shown = sum(header.sectionSize(i) for i in range(header.count()))
    assert shown >= table.viewport().width()  # and it still takes what is left


def _room(edit: QLineEdit) -> int:
    """The width a line edit has for its text (and its placeholder)."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    return rect.width() - margins.left() - margins.right() - 4  # QLineEdit's own 2 + 2


@pytest.mark.parametrize("key", DIALOG_KEYS)
def test_no_placeholder_in_a_dialog_is_cut(qtbot, bridge, key) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(bridge, key)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    cut = {
        edit.placeholderText(): (
            edit.fontMetrics().horizontalAdvance(edit.placeholderText()),
            _room(edit),
        )
        for edit in dialog.findChildren(QLineEdit)
        if edit.isVisible()
        and edit.placeholderText()
        and edit.fontMetrics().horizontalAdvance(edit.placeholderText()) > _room(edit)
    }
    assert cut == {}


def _squeezed(dialog: Any) -> list[str]:
    """The word-wrapped labels shown with less height than their text needs."""
    QApplication.processEvents()
    return [
        label.text()
        for label in dialog.findChildren(QLabel)
        if label.isVisible()
        and label.wordWrap()
        and label.text()
        and label.height() < label.heightForWidth(label.width())
    ]


def test_the_appointment_dialog_grows_with_its_repeat(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(bridge, "appointment")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert _squeezed(dialog) == []
    picker = dialog.picker
    picker.how.setCurrentIndex(picker.how.findData("weekly"))
    for box in picker.days:
        box.setChecked(True)
    picker.end.setCurrentIndex(picker.end.findData("until"))
    picker.until.setText("2027-06-30")
    qtbot.waitUntil(lambda: _squeezed(dialog) == [])
    assert picker.how.height() >= picker.how.sizeHint().height()


def test_a_fields_red_outline_goes_once_it_is_right_or_left_empty(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    """The walkthrough: the red outline stayed on a field after its text was cleared."""
    from gui_helpers import error_label, type_text

    from ui.contrast import field_error_style

    dialog = open_dialog(bridge, "appointment")
    qtbot.addWidget(dialog)
    dialog.show()
    time, date = dialog.field("time"), dialog.field("date")
    type_text(time, "25:00")
    type_text(date.line, "2026-13-01")
    dialog.accept()
    assert dialog.isVisible()
    assert time.styleSheet() == field_error_style() and error_label(dialog, "time").isVisible()
    type_text(time, "")  # the time is optional: empty is right
    assert time.styleSheet() == "" and not error_label(dialog, "time").isVisible()
    assert date.line.styleSheet() == field_error_style()  # still wrong, still marked
    type_text(date.line, "2026-11-20")
    assert date.line.styleSheet() == "" and not error_label(dialog, "date").isVisible()
    assert not dialog.banner.isVisible()  # nothing marked is left to correct


def test_a_fields_message_goes_as_soon_as_the_field_is_changed(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: messages stayed red after the field was put right.  A field's own message
    and outline go with the first change to it (Save checks it again); a field not touched
    keeps its mark while it is still wrong."""
    from gui_helpers import error_label, type_text

    from ui.contrast import field_error_style

    dialog = open_dialog(bridge, "appointment")
    qtbot.addWidget(dialog)
    dialog.show()
    time, date = dialog.field("time"), dialog.field("date")
    type_text(time, "25:00")
    type_text(date.line, "2026-13-01")
    dialog.accept()
    assert error_label(dialog, "date").isVisible() and error_label(dialog, "time").isVisible()
    date.line.end(False)
    QTest.keyClick(date.line, Qt.Key.Key_Backspace)  # "2026-13-0": not a date yet
    assert date.line.styleSheet() == "" and not error_label(dialog, "date").isVisible()
    assert time.styleSheet() == field_error_style() and error_label(dialog, "time").isVisible()
    assert dialog.banner.isVisible()  # the time is still marked
    dialog.accept()  # Save checks again: the date is marked anew, nothing saved
    assert dialog.isVisible() and error_label(dialog, "date").isVisible()


def test_the_count_dialogs_tab_loses_its_warning_with_the_outline(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import type_text

    dialog = open_dialog(bridge, "count")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.field("taken_date").line, "2026-11-20")
    value = dialog.field("wbc.value")
    type_text(value, "3,1,4")
    dialog.accept()
    assert dialog.isVisible()
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert any(t.startswith("⚠") for t in tabs), tabs
    type_text(value, "3.1")
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert not any(t.startswith("⚠") for t in tabs), tabs
    assert value.styleSheet() == ""
