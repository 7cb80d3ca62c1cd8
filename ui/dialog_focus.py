"""The keyboard goes back to where it was when any dialog or message box closes.

A window manager (openbox) may leave no window active when a modal window closes, most
often a question over a dialog closing just before the dialog ("Close without saving"):
shortcuts then did nothing until a click.  One filter on the application, owned by the main
window, serves every dialog (forms, print options, import preview, message boxes, progress
notes) instead of each remembering its own opener."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget


class DialogFocus(QObject):
    """Remembers the focused widget when a dialog is shown; when it hides, activates that
    widget's window again and gives it the focus."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._openers: dict[int, QWidget] = {}  # id(dialog) -> the widget that had the keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.Show, QEvent.Type.Hide) or event.spontaneous():
            return False
        if not isinstance(watched, QDialog):
            return False
        if kind == QEvent.Type.Show:
            opener = QApplication.focusWidget()
            if opener is not None and not watched.isAncestorOf(opener):
                self._openers.setdefault(id(watched), opener)
        else:
            self._give_back(watched, self._openers.pop(id(watched), None))
        return False

    @staticmethod
    def _give_back(dialog: QDialog, opener: QWidget | None) -> None:
        if opener is not None and (not shiboken6.isValid(opener) or not opener.isVisible()):
            opener = None
        window = opener.window() if opener is not None else None
        if window is None and dialog.parentWidget() is not None:
            window = dialog.parentWidget().window()
        if window is None or window is dialog or not window.isVisible():
            return
        window.activateWindow()
        if opener is not None:
            opener.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
