"""A parent's keyboard walkthrough of the tabs with several tables: Alt+I ("Ed&it…") only
ever reached the first table's Edit, Delete had no Alt letter, the table with the
keyboard focus looked like the others, and after Alt+E, Escape the Today tab's G did
nothing and said nothing.

Alt+I and Alt+L act on the table the keyboard is in (the last one it was in): its Edit and
Delete carry the letters, the other tables' do not, so one letter each works on every tab
and no two buttons of a window share one.  Driven by key events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import TODAY
from gui_helpers import activate, drive_modal, press
from kind_samples import _symptom, _temperature
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from tracker.model import DoseLog, DoseStatus, MedicinePlan, Symptom, Temperature

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

ALT = Qt.KeyboardModifier.AltModifier


def _fevers(qtbot: Any, window: Any) -> Any:
    child = window.bridge.current_child()
    for day in (TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)):
        window.bridge.save(_temperature(child, None, day))
    window.bridge.save(_symptom(child, None, TODAY - dt.timedelta(days=1)))
    window.show_view("fevers")
    return window.view_named("fevers")


def _alt(qtbot: Any, widget: Any, key: Qt.Key) -> None:
    """Alt+``key`` in ``widget``; a button's Alt letter clicks it after its short press
    animation, so wait for that."""
    qtbot.keyClick(widget, key, ALT)
    qtbot.wait(250)


def _tab_to(qtbot: Any, widget: Any) -> None:
    """Press Tab until ``widget`` has the keyboard focus."""
    for _ in range(40):
        if widget.hasFocus():
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget!r}")


def test_alt_i_edits_in_the_table_the_keyboard_is_in_and_alt_l_deletes_there(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = _fevers(qtbot, window)
    temperatures, symptoms = view.tables["temperature"], view.tables["symptom"]
    window.views.tabBar().setFocus()
    _tab_to(qtbot, symptoms.table)
    qtbot.keyClick(symptoms.table, Qt.Key.Key_Down)
    assert symptoms.selected() is not None
    assert symptoms.edit_button.text() == "Ed&it…" and temperatures.edit_button.text() == "Edit…"
    assert symptoms.delete_button.text() == "De&lete" and temperatures.delete_button.text() == (
        "Delete"
    )

    opened = drive_modal(lambda: _alt(qtbot, symptoms.table, Qt.Key.Key_I), lambda d: d.reject())
    assert opened.windowTitle() == "Edit symptom"

    child_id = window.bridge.current_child().id
    _alt(qtbot, QApplication.focusWidget(), Qt.Key.Key_L)
    assert window.bridge.record.entries(Symptom, child_id) == []
    assert len(window.bridge.record.entries(Temperature, child_id)) == 2

    # back in the temperatures (Shift+Tab): the letters go with the keyboard
    for _ in range(40):
        if temperatures.table.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert temperatures.table.hasFocus()
    assert temperatures.edit_button.text() == "Ed&it…" and symptoms.edit_button.text() == "Edit…"
    qtbot.keyClick(temperatures.table, Qt.Key.Key_Down)
    opened = drive_modal(
        lambda: _alt(qtbot, temperatures.table, Qt.Key.Key_I), lambda d: d.reject()
    )
    assert opened.windowTitle().startswith("Edit temperature")


def _border(widget: Any) -> QColor:
    """The colour of the middle of ``widget``'s left edge, as painted."""
    image = widget.grab().toImage()
    return QColor(image.pixel(0, image.height() // 2))


def test_the_table_with_the_keyboard_has_a_frame_of_the_focus_colour(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = _fevers(qtbot, window)
    temperatures, symptoms = view.tables["temperature"], view.tables["symptom"]
    window.views.tabBar().setFocus()
    _tab_to(qtbot, temperatures.table)
    focus = temperatures.table.palette().color(temperatures.table.palette().ColorRole.Highlight)
    assert _border(temperatures.table) == focus
    assert _border(symptoms.table) != focus
    _tab_to(qtbot, symptoms.table)
    assert _border(symptoms.table) == focus
    assert _border(temperatures.table) != focus


def _due_today(window: Any) -> Any:
    child = window.bridge.current_child()
    window.bridge.save(
        MedicinePlan(
            child.id,
            "6-mercaptopurine",
            TODAY - dt.timedelta(days=3),
            "25",
            "mg",
            schedule="FREQ=DAILY;BYHOUR=19",
        )
    )
    return window.today_view


def test_after_alt_e_and_escape_g_ticks_the_dose_on_the_today_tab(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = _due_today(window)
    press(qtbot, window, "Ctrl+7")
    qtbot.waitUntil(view.due_list.hasFocus)
    qtbot.keyClick(view.due_list, Qt.Key.Key_E, ALT)
    menu = QApplication.activePopupWidget()
    assert menu is not None, "Alt+E opened no menu"
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    qtbot.wait(10)  # the next key comes after the event loop turned
    activate(qtbot, window)  # offscreen, the closed menu may stay the active window
    assert view.due_list.hasFocus(), QApplication.focusWidget()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_G)
    [dose] = window.bridge.record.entries(DoseLog, window.bridge.current_child().id)
    assert dose.status is DoseStatus.GIVEN


def test_a_today_key_that_cannot_act_says_why_on_the_status_bar(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = window.today_view
    press(qtbot, window, "Ctrl+7")
    assert view.due_list.isHidden()  # nothing is due: the list is not shown
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_G)
    assert "No dose is due on this day" in window.statusBar().currentMessage(), (
        QApplication.focusWidget()
    )

    _due_today(window)
    qtbot.waitUntil(view.due_list.isVisible)
    view.previous_button.setFocus()  # a button of the tab: the keys still tick
    qtbot.keyClick(view.previous_button, Qt.Key.Key_N)
    assert "Log the dose first" in window.statusBar().currentMessage()
    qtbot.keyClick(view.previous_button, Qt.Key.Key_M)
    [dose] = window.bridge.record.entries(DoseLog, window.bridge.current_child().id)
    assert dose.status is DoseStatus.MISSED


def test_undoing_a_cancelled_date_keeps_the_series_and_its_date_selected(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    """The walkthrough: after Ctrl+Z of "Cancel this date" the dates list went back to its
    first date and the keyboard to the tab bar."""
    from PySide6.QtGui import QKeySequence
    from test_gui_series import saved_series

    from tracker.model import Appointment

    record.save(Appointment(child.id, dt.date(2026, 11, 2), None, "Dr. A"))
    series = saved_series(record, child)
    record.save(Appointment(child.id, dt.date(2026, 12, 2), None, "Dr. C"))
    window.show_view("agenda")
    view = window.agenda_view
    view.refresh()
    view.appointments.select_id(series.id)
    view.dates.setFocus()
    view.dates.setCurrentRow(2)  # 2026-12-22
    qtbot.keyClick(view.dates, Qt.Key.Key_N, ALT)  # Ca&ncel this date
    qtbot.waitUntil(lambda: "cancelled" in view.dates.item(2).text())
    activate(qtbot, window)
    for step in (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo):
        press(qtbot, QApplication.focusWidget(), step)
        assert view.appointments.selected().id == series.id
        assert view.dates.currentRow() == 2, step
        assert view.dates.item(2).text().startswith("2026-12-22")
        assert view.dates.hasFocus(), QApplication.focusWidget()
    assert "cancelled" in view.dates.item(2).text()
