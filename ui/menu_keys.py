"""Escape in a menu of the menu bar gives the keyboard back at once.

Qt closes the menu and leaves the menu bar holding the keyboard (a second Escape leaves
it): after Alt+E, Escape the Today tab's G went to the menu bar and did nothing, without a
word.  Here the one Escape closes the menu and the keyboard goes back to where it was, as
in most Linux programs.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QWidget


class OneEscape(QObject):
    """Watches the menus of ``bar`` (those there when it is made) for Escape."""

    def __init__(self, bar: QMenuBar) -> None:
        super().__init__(bar)
        self._bar = bar
        self._back_to: QWidget | None = None  # what had the keyboard before the menu
        for menu in bar.findChildren(QMenu):
            if menu.menuAction() in bar.actions():  # not a submenu: its Escape goes back up
                menu.installEventFilter(self)
                menu.aboutToShow.connect(self._remember)

    def _remember(self) -> None:
        widget = QApplication.focusWidget()
        if widget is not None and widget is not self._bar and not isinstance(widget, QMenu):
            self._back_to = widget

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        is_key = event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
        if is_key and event.key() == Qt.Key.Key_Escape:  # type: ignore[attr-defined]
            QTimer.singleShot(0, self, self._leave_bar)  # once the menu has closed
        return super().eventFilter(watched, event)

    def _leave_bar(self) -> None:
        """The menu bar's own Escape (it lets go of the keyboard), then the keyboard to the
        widget that had it before the menu opened."""
        if QApplication.activePopupWidget() is not None or not self._bar.hasFocus():
            return  # another menu opened (Left, Right), or the keyboard is elsewhere
        escape = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(self._bar, escape)
        back = self._back_to
        if back is not None and shiboken6.isValid(back) and back.isVisible():
            back.setFocus(Qt.FocusReason.MenuBarFocusReason)
