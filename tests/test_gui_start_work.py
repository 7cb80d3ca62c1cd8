"""The start's work after the first frame (ui/start.py): the record's structural check and
today's backup run off the GUI thread; saves wait for the check; damage refuses saves."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from conftest import fixed_clock

from tracker.model import Child
from tracker.store import CannotSave, Record
from tracker.store.backup import list_backups
from ui.bridge import RecordBridge
from ui.main_window import MainWindow
from ui.start import StartWork

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


@pytest.fixture
def opened(record_path):  # type: ignore[no-untyped-def]
    with Record.open(record_path, create=True, clock=fixed_clock) as made:
        made.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    rec = Record.open(record_path, clock=fixed_clock, check_later=True)
    yield rec
    rec.close()


@pytest.fixture
def started(qtbot, opened, interaction, settings):  # type: ignore[no-untyped-def]
    window = MainWindow(RecordBridge(opened), interaction, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _run(qtbot: Any, window: MainWindow, record: Record) -> StartWork:
    start = StartWork(window, record, window.interaction)
    with qtbot.waitSignal(window.start_finished, timeout=20000):
        start.begin()
    qtbot.waitUntil(window.jobs.is_idle, timeout=20000)
    return start


def test_the_check_and_the_backup_run_off_the_gui_thread(
    qtbot, started, opened, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import ui.start

    threads: dict[str, int] = {}
    real_check = Record.structure_problem
    real_backup = ui.start.make_daily_backup

    def check(self: Record) -> str | None:
        threads["check"] = threading.get_ident()
        return real_check(self)

    def backup(*args: Any, **kwargs: Any) -> Any:
        threads["backup"] = threading.get_ident()
        return real_backup(*args, **kwargs)

    monkeypatch.setattr(Record, "structure_problem", check)
    monkeypatch.setattr(ui.start, "make_daily_backup", backup)
    assert opened.check_pending
    start = _run(qtbot, started, opened)
    gui = threading.get_ident()
    assert threads["check"] != gui and threads["backup"] != gui
    assert not opened.check_pending and opened.damage is None
    assert start.backup is not None and start.backup.verified
    assert [b.path for b in list_backups(opened.path)] == [start.backup.path]


def test_a_save_made_while_the_check_runs_waits_for_it_and_is_kept(
    qtbot, started, opened, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    real_check = Record.structure_problem

    def slow(self: Record) -> str | None:
        release.wait(10)
        return real_check(self)

    monkeypatch.setattr(Record, "structure_problem", slow)
    start = StartWork(started, opened, started.interaction)
    start.begin()
    assert opened.check_pending
    threading.Timer(0.2, release.set).start()
    saved, _ = opened.save(Child(name="Bea", birth_date=dt.date(2026, 2, 1)))  # waits
    assert not opened.check_pending
    assert saved.id is not None
    qtbot.waitUntil(lambda: start.finished, timeout=20000)
    qtbot.waitUntil(started.jobs.is_idle, timeout=20000)
    assert sorted(c.name for c in opened.children()) == ["Bea", "Mila"]


def test_damage_found_after_the_window_is_up_is_said_and_refuses_saves(
    qtbot, started, opened, interaction, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    problem = "family.sqlite is damaged (SQLite's check says: page 7 is never used)."
    monkeypatch.setattr(Record, "structure_problem", lambda self: problem)
    start = _run(qtbot, started, opened)
    errors = [a for a in interaction.asked if a[0] == "error"]
    assert len(errors) == 1 and errors[0][1] == "The record is damaged"
    # SQLite's words are not the family's; with no backup there is none to restore
    assert "SQLite" not in errors[0][2] and "Restore from backup" not in errors[0][2]
    assert "damaged" in errors[0][2]
    assert start.backup is None
    assert list_backups(opened.path) == []  # nothing backed up (or thinned) from damage
    with pytest.raises(CannotSave, match="damaged"):
        opened.save(Child(name="Bea", birth_date=dt.date(2026, 2, 1)))
    assert [c.name for c in opened.children()] == ["Mila"]


def test_a_backup_that_cannot_be_made_is_said_in_the_status_bar(
    qtbot, started, opened, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import ui.start

    def full(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("No space left on device")

    monkeypatch.setattr(ui.start, "make_daily_backup", full)
    start = _run(qtbot, started, opened)
    assert start.failed_note is not None and start.failed_note.isVisible()
    assert "backup could not be made" in start.failed_note.text.text()
    assert "No space left on device" in start.failed_note.text.text()
    opened.save(Child(name="Bea", birth_date=dt.date(2026, 2, 1)))  # the record goes on


def test_no_backup_is_begun_once_the_window_closes(qtbot, started, opened, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    started.close()
    _run(qtbot, started, opened)
    assert list_backups(opened.path) == []


def test_the_start_work_begins_once_the_window_is_painted(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Work begun before the first paint shares the GIL with it (ui.app)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QLabel, QMainWindow

    from ui.app import _after_first_frame

    window = QMainWindow()
    window.setCentralWidget(QLabel("Mila"))
    qtbot.addWidget(window)
    paints: list[int] = []
    begun: list[int] = []

    class Paints(QObject):
        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                paints.append(len(begun))
            return False

    spy = Paints(window)
    window.installEventFilter(spy)
    _after_first_frame(window, lambda: begun.append(len(paints)), at_the_latest_ms=20000)
    qtbot.wait(50)
    assert begun == []  # not shown, not painted: not begun
    window.show()
    qtbot.waitUntil(lambda: begun != [], timeout=20000)
    assert begun[0] >= 1 and paints[0] == 0  # after a whole first paint


def test_the_start_work_begins_anyway_when_the_window_is_never_painted(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMainWindow

    from ui.app import _after_first_frame

    window = QMainWindow()
    qtbot.addWidget(window)
    begun: list[bool] = []
    _after_first_frame(window, lambda: begun.append(True), at_the_latest_ms=30)
    qtbot.waitUntil(lambda: begun == [True], timeout=5000)
    qtbot.wait(60)
    assert begun == [True]  # once
