"""The dialogs on a 1024×600 screen (a parent's walkthrough): the child's details had their
hints cut at 600 px high; the form now scrolls instead of squeezing them."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QLabel

from tracker.model import Child
from ui.dialogs.child import ChildDialog

pytestmark = pytest.mark.gui

ROBIN = Child(name="Robin", birth_date=dt.date(2026, 1, 10), id=1)


def test_the_child_dialogs_hints_are_whole_on_a_600_px_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ChildDialog(ROBIN, dt.date(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.resize(1000, 600 - 48)  # what is left of 600 px under a title bar and a panel
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.height() <= 600 - 48, "the dialog fits"
    hints = [
        label
        for label in dialog.findChildren(QLabel)
        if label.wordWrap() and label.text() and label.isVisibleTo(dialog)
    ]
    assert any("AFF1" in label.text() for label in hints)
    for label in hints:
        assert label.height() >= label.heightForWidth(label.width()), label.text()
