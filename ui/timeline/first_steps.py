"""What a new, empty record's timeline says first: the first steps, each a button that
does what the menu item it names does (its shortcut beside it)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def button_text(action: QAction) -> str:
    """ "Add blood count… (Ctrl+N)": the menu item's words and its shortcut, if any."""
    words = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{words} ({keys})" if keys else words


class FirstSteps(QFrame):
    """Shown over an empty timeline: a line saying nothing is recorded yet, and one
    button per first step (the actions the window gives with :meth:`set_steps`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_steps")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel(
            self.tr(
                "Nothing is recorded for this child yet. To begin, add the treatment's plan "
                "or its first phase, then the blood counts as they come (or import them from "
                "the lab's file). Everything can also be added from the Add menu."
            ),
            self,
        )
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self._buttons = QHBoxLayout()
        self._buttons.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout(self)
        column.addWidget(self.text)
        column.addLayout(self._buttons)
        self.buttons: list[QPushButton] = []
        self.hide()

    def set_steps(self, actions: Sequence[QAction]) -> None:
        for button in self.buttons:
            self._buttons.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for action in actions:
            button = QPushButton(button_text(action), self)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            self._buttons.addWidget(button)
            self.buttons.append(button)
        self._buttons.addStretch(1)
