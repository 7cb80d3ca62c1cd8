"""A daily backup that could not be made stays said (ui/start.py, ui/safety.py): a lasting
note in the status bar, not a message that goes after 15 s, with "Try again"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import fixed_clock

from tracker.model import Child
from tracker.store import Record
from tracker.store.backup import list_backups
from ui.bridge import RecordBridge
from ui.main_window import MainWindow
from ui.safety import BackupFailedNote
from ui.start import StartWork

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

PROBLEM = "No space left on device"


@pytest.fixture
def opened(record_path):  # type: ignore[no-untyped-def]
    with Record.open(record_path, create=True, clock=fixed_clock) as made:
        made.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    rec = Record.open(record_path, clock=fixed_clock, check_later=True)
    yield rec
    rec.close()


@pytest.fixture
def failed(qtbot, opened, interaction, settings, monkeypatch):  # type: ignore[no-untyped-def]
    import ui.start

    calls: list[int] = []
    real = ui.start.make_daily_backup

    def full(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OSError(PROBLEM)
        return real(*args, **kwargs)

    monkeypatch.setattr(ui.start, "make_daily_backup", full)
    window = MainWindow(RecordBridge(opened), interaction, settings)
    qtbot.addWidget(window)
    window.show()
    start = StartWork(window, opened, interaction)
    with qtbot.waitSignal(window.start_finished, timeout=20000):
        start.begin()
    qtbot.waitUntil(window.jobs.is_idle, timeout=20000)
    return window, start, calls


def test_the_failure_is_a_lasting_note_not_a_passing_message(failed) -> None:  # type: ignore[no-untyped-def]
    window, start, _calls = failed
    notes = window.statusBar().findChildren(BackupFailedNote)
    assert notes == [start.failed_note]
    note = notes[0]
    assert note.isVisible()
    assert "Today's automatic backup could not be made" in note.text.text()
    assert PROBLEM in note.text.text()
    assert window.statusBar().currentMessage() == ""  # not a message that times out
    window.statusBar().showMessage("something else", 1)
    window.statusBar().clearMessage()  # what a passing message's end does
    assert note.isVisible()


def test_try_again_makes_the_backup_and_the_note_goes(qtbot, failed, opened) -> None:  # type: ignore[no-untyped-def]
    _window, start, calls = failed
    assert list_backups(opened.path) == []
    start.failed_note.retry_button.click()
    qtbot.waitUntil(lambda: start.backup is not None, timeout=20000)
    assert len(calls) == 2
    assert [b.path for b in list_backups(opened.path)] == [start.backup.path]
    assert not start.failed_note.isVisible()


def test_the_note_renders_at_both_sizes(qtbot, failed) -> None:  # type: ignore[no-untyped-def]
    import os
    from pathlib import Path

    window, start, _calls = failed
    shots = os.environ.get("TRACKER_SHOTS")
    for w, h in ((1024, 600), (1920, 1080)):
        window.resize(w, h)
        qtbot.wait(20)
        assert start.failed_note.isVisible()
        assert start.failed_note.retry_button.isVisible()
        assert start.failed_note.retry_button.width() > 0
        if shots:
            window.grab().save(str(Path(shots) / f"backup-failed-{w}x{h}.png"))
