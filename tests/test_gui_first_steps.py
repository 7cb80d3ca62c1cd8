"""A new, empty record's timeline (issue 15: it gave no hint what to do first): it names
the first steps, each a button that does what its menu item does, with the shortcut; it
goes once something is recorded."""

from __future__ import annotations

import pytest
from conftest import TODAY
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def test_an_empty_record_shows_its_first_steps_until_something_is_recorded(
    qtbot, window, bridge
) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import blood_count

    steps = window.timeline_view.first_steps
    qtbot.waitUntil(lambda: steps.isVisibleTo(window))  # once the whole history is read
    texts = [b.text() for b in steps.buttons]
    count = window.add_actions["count"]
    keys = count.shortcut().toString()
    assert keys and any(t.startswith("Add blood count…") and keys in t for t in texts), texts
    assert any(t.startswith("Add phase…") for t in texts), texts
    assert any("Import lab results (CSV)" in t for t in texts), texts
    triggered: list[bool] = []
    count.triggered.disconnect()  # no dialog: the button triggers the menu item, once
    count.triggered.connect(lambda *_: triggered.append(True))
    button = next(b for b in steps.buttons if b.text().startswith("Add blood count…"))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert triggered == [True]
    bridge.save(blood_count(bridge.current_child(), TODAY.isoformat(), plt="45 10^9/L"))
    assert not steps.isVisibleTo(window)
    window.bridge.undo_stack.undo()  # nothing recorded again
    assert steps.isVisibleTo(window)
