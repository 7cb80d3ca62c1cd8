"""The window at a start: its first size (most of a large screen, all of a small one), the
copy reminder's "Not now" remembered for a week, and the notes at the top first in Tab
order (walk-through of issue 13, findings 15 and 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from gui_helpers import activate
from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QWidget

from ui.main_window import MainWindow, first_window_size
from ui.safety import COPY_REMINDER_QUIET_DAYS

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


@pytest.mark.parametrize(
    ("room", "size"),
    [
        (QSize(1920, 1040), QSize(1536, 832)),  # a large screen: 80 %
        (QSize(2560, 1400), QSize(2048, 1120)),
        (QSize(1024, 570), QSize(1024, 570)),  # a small one: all of it
        (QSize(1366, 728), QSize(1366, 728)),
    ],
)
def test_the_first_window_takes_most_of_the_screen(room: QSize, size: QSize) -> None:
    assert first_window_size(room) == size


def test_the_first_window_is_centred_on_its_screen(qtbot, bridge, interaction, settings) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(w)
    room = w.screen().availableGeometry()
    assert w.size() == first_window_size(room.size())
    assert abs(w.geometry().center().x() - room.center().x()) <= 1


def _button(reminder: QWidget, text: str) -> QPushButton:
    return next(b for b in reminder.findChildren(QPushButton) if b.text() == text)


def test_not_now_quiets_the_copy_reminder_for_a_week(
    qtbot, window, bridge, interaction, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("ui.safety.FIRST_REMINDER_DAYS", 0)  # a record kept long enough
    window.show_safety_notes()
    assert window.reminder.isVisibleTo(window)
    QTest.mouseClick(_button(window.reminder, "Not now"), Qt.MouseButton.LeftButton)
    assert not window.reminder.isVisibleTo(window)
    today = bridge.record.today()
    quiet = settings.copy_reminder_quiet_until(bridge.record.path)
    assert quiet == today + dt.timedelta(days=COPY_REMINDER_QUIET_DAYS)
    again = MainWindow(bridge, interaction, settings)  # the next start, the same day
    qtbot.addWidget(again)
    again.show_safety_notes()
    assert not again.reminder.isVisibleTo(again)
    settings.set_copy_reminder_quiet_until(bridge.record.path, today)  # a week went by
    later = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(later)
    later.show_safety_notes()
    assert later.reminder.isVisibleTo(later)  # never copied yet: it comes back


def test_the_reminders_buttons_come_first_in_tab_order(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("ui.safety.FIRST_REMINDER_DAYS", 0)  # a record kept long enough
    window.show_safety_notes()
    activate(qtbot, window)
    chain: list[QWidget] = []
    here = window.nextInFocusChain()
    while here is not window and len(chain) < 2000:
        if here.focusPolicy() & Qt.FocusPolicy.TabFocus and here.isVisibleTo(window):
            chain.append(here)
        here = here.nextInFocusChain()
    save = _button(window.reminder, "Save a copy…")
    not_now = _button(window.reminder, "Not now")
    first_below = next(
        i
        for i, w in enumerate(chain)
        if window.views.isAncestorOf(w) or window.header.isAncestorOf(w)
    )
    assert chain.index(save) < chain.index(not_now) < first_below


@pytest.mark.parametrize(
    ("room", "maximized"),
    [(QSize(1024, 570), True), (QSize(960, 510), True), (QSize(1920, 1040), False)],
)
def test_a_small_screens_first_window_opens_maximized(room: QSize, maximized: bool) -> None:
    """All of a small screen's room as the window's own size put its title bar on top of
    it: the bottom edge and the status bar ran off the screen (checks of issue 15)."""
    from ui.main_window import first_window_maximized

    assert first_window_maximized(room) is maximized


def test_the_first_window_on_a_small_screen_is_maximized(  # type: ignore[no-untyped-def]
    qtbot, bridge, interaction, settings
) -> None:
    from ui.main_window import first_window_maximized

    w = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(w)
    room = w.screen().availableGeometry().size()
    assert bool(w.windowState() & Qt.WindowState.WindowMaximized) is first_window_maximized(room)
