"""After an undo (issue 15: the status bar said "Saved: …" of the next step) the status
bar says what was undone, and the Edit menu offers the next undo by its own name; the
title bar names the program once (Qt adds it to the file's name)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication, QKeySequence

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _add_milestone(qtbot, window, date: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import choose, drive_modal, fill, press, save_and_close

    def work(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", date)
        choose(dialog, "kind", kind)
        save_and_close(qtbot, dialog)

    drive_modal(lambda: press(qtbot, window, "Ctrl+Shift+M"), work)


def test_undo_says_what_it_undid_and_offers_the_next_by_name(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import activate, press

    from ui.actions import ActionId

    _add_milestone(qtbot, window, "2026-11-01", "remission")
    _add_milestone(qtbot, window, "2026-11-20", "risk_change")
    undo = window.actions_[ActionId.UNDO]
    assert undo.text() == "&Undo: milestone of 2026-11-20 added"
    assert window.statusBar().currentMessage().startswith("Saved: milestone of 2026-11-20")
    activate(qtbot, window)
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert window.statusBar().currentMessage() == "Undone: milestone of 2026-11-20 added"
    assert undo.text() == "&Undo: milestone of 2026-11-01 added"
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert window.statusBar().currentMessage() == "Undone: milestone of 2026-11-01 added"
    assert undo.text() == "&Undo" and not undo.isEnabled()
    redo = window.actions_[ActionId.REDO]
    assert redo.text() == "&Redo: milestone of 2026-11-01 added"


def test_the_program_is_named_once_in_the_title_bar(window) -> None:  # type: ignore[no-untyped-def]
    """Qt adds " — <display name>" to a title that does not end with it (QPlatformWindow::
    formatWindowTitle): the window's own title is the file's name alone."""
    name = QGuiApplication.applicationDisplayName()
    title = window.windowTitle()
    shown = title if title.endswith(name) else f"{title} — {name}"
    assert title == window.bridge.record.path.name
    assert shown.count("Treatment Tracker") <= 1 and shown.count(name) == 1, shown


def test_an_undo_the_record_refuses_says_so_not_saved(qtbot, window, bridge, interaction) -> None:  # type: ignore[no-untyped-def]
    """An undo the record refuses (a date-of-birth change undone after an import added an
    entry the old date would leave before birth) left the status bar saying "Saved: <the
    step before>. Ctrl+Z undoes it."; it says the step was not undone."""
    import datetime as dt
    from dataclasses import replace

    from tracker.kinds import Changes
    from tracker.model import Appointment, Question
    from ui.actions import ActionId

    mila = bridge.current_child()
    bridge.save(Appointment(mila.id, dt.date(2026, 12, 8), dt.time(9, 0), "Dr. Vos"))
    bridge.save(replace(mila, birth_date=mila.birth_date - dt.timedelta(days=30)))
    step = bridge.undo_stack.undoText()
    bridge.record.save(Question(mila.id, mila.birth_date - dt.timedelta(days=10), "imported"))
    bridge.changed_outside(Changes.of(Question))  # as an import does: not an undo step
    window.actions_[ActionId.UNDO].trigger()
    assert [kind for kind, _, _ in interaction.asked] == ["error"]  # "Could not undo"
    said = window.statusBar().currentMessage()
    assert said == f"Not undone: {step}", said
    assert window.actions_[ActionId.UNDO].text() == "&Undo: appointment of 2026-12-08 added"
