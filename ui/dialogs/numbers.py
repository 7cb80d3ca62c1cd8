"""A spin box that never changes what was typed into another number.

Qt's QSpinBox clamps: 1000000000 typed becomes its maximum and 0 its minimum when the field
is left, and while 0 is typed its value() is still the last one in range, so the form saves
a number the family never typed.  :class:`WholeNumberBox` keeps what was typed (any whole
number the box can hold) and :meth:`WholeNumberBox.number` refuses one outside the range
in plain words, saying what is accepted."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QSpinBox, QWidget

from tracker.i18n import tr

LARGEST = 2**31 - 1  # what a QSpinBox can hold


class WholeNumberBox(QSpinBox):
    """A whole number from ``least`` to ``most``, with arrows; what is typed stays as typed.

    Signals:
        edited(): the text changed (also while it is not a number in range).
    """

    edited = Signal()

    def __init__(self, least: int, most: int, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.least, self.most, self.what = least, most, what
        self.setRange(0, LARGEST)  # held as typed; number() says what is accepted
        self.setValue(least)
        self.textChanged.connect(lambda _text: self.edited.emit())

    def setSpecialValueText(self, text: str) -> None:
        """Not shown: the box's range starts at 0 so that a 0 typed stays as typed, and
        Qt shows a special text at the range's start, so it would show for 0."""

    def number(self) -> int:
        """The number typed, or ValueError naming the field and what it accepts."""
        text = self.cleanText().strip()
        what, least, most = self.what, self.least, self.most
        if not text:
            raise ValueError(
                tr("{what}: type a whole number from {least} to {most}").format(
                    what=what, least=least, most=most
                )
            )
        if not text.isascii() or not text.isdecimal():
            raise ValueError(
                tr(
                    "{what}: “{text}” is not a whole number; type a whole number from {least} "
                    "to {most}"
                ).format(what=what, text=text, least=least, most=most)
            )
        n = int(text)
        if not least <= n <= most:
            raise ValueError(
                tr(
                    "{what}: {n} is not accepted; type a whole number from {least} to {most}"
                ).format(what=what, n=n, least=least, most=most)
            )
        return n
