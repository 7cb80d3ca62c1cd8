"""Where the keyboard focus goes around a dialog (a parent's keyboard-only walkthrough).

Under openbox the focus did not come back to the main window after "Close without saving":
the question closed, the window manager gave the focus to nothing, and the dialog closed
after it.  A dialog hands the focus back to the widget that opened it itself."""

from __future__ import annotations

import pytest
from gui_helpers import activate, drive_modal, type_text
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from test_gui_mnemonics import DIALOG_KEYS, open_dialog

from ui.dialogs.base import DateField
from ui.interaction import Interaction

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def test_close_without_saving_gives_the_focus_back_to_what_opened_the_dialog(
    qtbot, window, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window.show_view("counts")
    table = window.view_named("counts").tables["count"]
    activate(qtbot, window)
    table.add_button.setFocus()
    qtbot.waitUntil(table.add_button.hasFocus)
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)

    def discard_and_lose_the_focus(self: Interaction, dialog: QWidget) -> bool:
        # The question has closed and the window manager focused something else.
        elsewhere.show()
        elsewhere.activateWindow()
        qtbot.waitUntil(elsewhere.isActiveWindow)
        return True

    monkeypatch.setattr(Interaction, "confirm_discard", discard_and_lose_the_focus)

    def type_then_cancel(dialog):  # type: ignore[no-untyped-def]
        type_text(dialog.findChildren(QLineEdit)[0], "7")
        dialog.reject()
        assert not dialog.isVisible()

    drive_modal(table.add_button.click, type_then_cancel)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert QApplication.focusWidget() is table.add_button


def _lose_the_focus_while_open(qtbot, handle):  # type: ignore[no-untyped-def]
    """Work the modal dialog with ``handle``, the window manager first focusing another
    window (what openbox did after a question closed)."""
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)

    def act(dialog):  # type: ignore[no-untyped-def]
        elsewhere.show()
        elsewhere.activateWindow()
        qtbot.waitUntil(elsewhere.isActiveWindow)
        handle(dialog)

    return act


def test_every_dialog_gives_the_focus_back_not_only_the_forms(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The print dialog is a plain QDialog: Esc closed it and the keyboard went nowhere."""
    from gui_helpers import press
    from PySide6.QtGui import QKeySequence

    window.show_view("timeline")
    chart = window.timeline_view.widget
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)

    def escape(dialog):  # type: ignore[no-untyped-def]
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)

    drive_modal(
        lambda: press(qtbot, chart, QKeySequence.StandardKey.Print),
        _lose_the_focus_while_open(qtbot, escape),
    )
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert QApplication.focusWidget() is chart


def test_a_message_box_gives_the_focus_back(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A message from the main window (Help ▸ About) closed with Esc: the keys work at once."""
    monkeypatch.setattr(window, "interaction", Interaction())  # real message boxes
    window.show_view("timeline")
    chart = window.timeline_view.widget
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)

    def escape(box):  # type: ignore[no-untyped-def]
        qtbot.keyClick(QApplication.focusWidget() or box, Qt.Key.Key_Escape)

    drive_modal(window.about, _lose_the_focus_while_open(qtbot, escape))
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert QApplication.focusWidget() is chart


# ---------------------------------------------------------------------- Tab order


def tab_walk(qtbot, dialog: QWidget) -> list[QWidget]:  # type: ignore[no-untyped-def]
    """Every widget Tab reaches in ``dialog``, in order, from the first one."""
    dialog.show()
    activate(qtbot, dialog)
    first = QApplication.focusWidget()
    assert first is not None and dialog.isAncestorOf(first)
    seen = [first]
    for _ in range(200):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is first or now is None:
            break
        seen.append(now)
    return seen


@pytest.mark.parametrize("key", DIALOG_KEYS)
def test_tab_from_a_date_goes_to_the_next_field_not_its_calendar_button(qtbot, bridge, key) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(bridge, key)
    qtbot.addWidget(dialog)
    walk = tab_walk(qtbot, dialog)
    buttons = [d.button for d in dialog.findChildren(DateField)]
    assert [w for w in walk if w in buttons] == [], key
    for date in dialog.findChildren(DateField):
        if date.line in walk:
            after = walk[(walk.index(date.line) + 1) % len(walk)]
            assert not date.isAncestorOf(after), key


def test_the_calendar_opens_from_the_date_with_f4_or_alt_down(qtbot) -> None:  # type: ignore[no-untyped-def]
    date = DateField()
    qtbot.addWidget(date)
    date.show()
    assert "F4" in date.button.toolTip() and "Alt+Down" in date.button.accessibleDescription()
    menu = date.button.menu()
    shown: list[str] = []
    menu.aboutToShow.connect(lambda: shown.append("shown"))
    for key, modifier in (
        (Qt.Key.Key_F4, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier),
    ):
        activate(qtbot, date)  # offscreen, the closed menu stays the active window
        date.line.setFocus()
        qtbot.waitUntil(date.line.hasFocus)
        QTimer.singleShot(0, menu.hide)
        shown.clear()
        qtbot.keyClick(date.line, key, modifier)
        assert shown, key


# ---------------------------------------------------------------------- selection


def test_undoing_a_delete_selects_the_entry_put_back(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from PySide6.QtGui import QKeySequence

    from tracker.model import Appointment

    bridge = window.bridge
    child_id = bridge.current_child().id
    entry, _ = bridge.record.save(Appointment(child_id, dt.date(2026, 11, 2), None, "Dr. A"))
    other, _ = bridge.record.save(Appointment(child_id, dt.date(2026, 11, 9), None, "Dr. B"))
    window.show_view("agenda")
    view = window.view_named("agenda")
    view.refresh()
    table = view.tables["appointment"]
    table.select_id(entry.id)
    table.table.setFocus()
    qtbot.keyClick(table.table, Qt.Key.Key_Delete)
    assert [a.id for a in bridge.record.entries(Appointment, entry.child_id)] == [other.id]
    activate(qtbot, window)
    combination = QKeySequence(QKeySequence.StandardKey.Undo)[0]
    qtbot.keyClick(table.table, combination.key(), combination.keyboardModifiers())
    assert table.selected() is not None and table.selected().uid == entry.uid


def test_undoing_a_blood_count_delete_selects_it_again(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import blood_count
    from PySide6.QtGui import QKeySequence

    bridge = window.bridge
    child = bridge.current_child()
    first = bridge.save(blood_count(child, "2026-11-02", wbc="3.1 10^9/L"))
    bridge.save(blood_count(child, "2026-11-09", wbc="3.4 10^9/L"))
    window.show_view("counts")
    table = window.view_named("counts").counts
    table.select_id(first.id)
    table.table.setFocus()
    qtbot.keyClick(table.table, Qt.Key.Key_Delete)
    assert table.model.row_of(first.id) < 0
    activate(qtbot, window)
    combination = QKeySequence(QKeySequence.StandardKey.Undo)[0]
    qtbot.keyClick(table.table, combination.key(), combination.keyboardModifiers())
    assert table.selected() is not None and table.selected().uid == first.uid


def test_the_welcome_keeps_every_date_typed_from_the_keyboard(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The walkthrough: Tab after the birth date stopped on its calendar button, so the
    diagnosis date typed next went nowhere and the record began without it."""
    from conftest import fixed_clock

    from ui.welcome import WelcomeDialog

    dialog = WelcomeDialog(tmp_path / "new.sqlite", clock=fixed_clock)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    for text in ("Mila", "2026-03-14", "2026-10-02"):
        QTest.keyClicks(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not dialog.isVisible(), dialog.banner.text()
    [child] = dialog.record.children()
    assert (child.name, str(child.birth_date), str(child.diagnosis_date)) == (
        "Mila",
        "2026-03-14",
        "2026-10-02",
    )
    dialog.record.close()
