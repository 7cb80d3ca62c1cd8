"""The "no copy saved off this computer" bar (issue 15: it appeared seconds after a new
record was begun, and on the demo): it waits until the record has been kept for a week,
and never shows on the demo, however old the demo file is.  The clock is the record's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import NOW

from tracker.model import Child
from tracker.store import Record
from ui.safety import FIRST_REMINDER_DAYS

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _window(qtbot, path: Path, now: dt.datetime, interaction, settings):  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    record = Record.open(path, clock=lambda: now)
    window = MainWindow(RecordBridge(record), interaction, settings)
    qtbot.addWidget(window)
    window.show_safety_notes()
    return window, record


def test_a_record_just_begun_is_not_reminded_until_it_is_a_week_old(
    qtbot, tmp_path, interaction, settings
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "new.sqlite"
    begun = Record.open(path, create=True, clock=lambda: NOW)
    begun.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    begun.close()
    for days, shown in ((0, False), (FIRST_REMINDER_DAYS - 1, False), (FIRST_REMINDER_DAYS, True)):
        window, record = _window(qtbot, path, NOW + dt.timedelta(days=days), interaction, settings)
        assert window.reminder.isVisibleTo(window) is shown, days
        window.close()
        record.close()


def test_the_demo_never_shows_the_copy_reminder(qtbot, tmp_path, interaction, settings) -> None:  # type: ignore[no-untyped-def]
    from tracker.demo import write_demo

    path = tmp_path / "demo.sqlite"
    write_demo(path, NOW.date(), now=NOW)
    for days in (0, 90):  # made now, or a demo file kept (make-demo) and opened months later
        window, record = _window(qtbot, path, NOW + dt.timedelta(days=days), interaction, settings)
        assert not window.reminder.isVisibleTo(window), days
        window.close()
        record.close()
