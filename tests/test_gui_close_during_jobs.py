"""Closing the window while work runs (MainWindow.closeEvent, ui/background.py): what can
be stopped (today's backup, the history read, exports) stops at once and leaves nothing;
what writes the record (a restore) is waited for with the window already hidden."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from conftest import fixed_clock

from tracker.model import Child
from tracker.store import Record
from tracker.store.backup import backups_folder, daily_backup_due, list_backups
from ui import record_jobs
from ui.background import Jobs
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


def _window(qtbot: Any, record: Record, interaction: Any, settings: Any) -> MainWindow:
    window = MainWindow(RecordBridge(record), interaction, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _visible_while_waiting(monkeypatch: Any, window: MainWindow) -> list[bool]:
    seen: list[bool] = []
    real = Jobs.finish_all

    def finish_all(self: Jobs, timeout: float | None = None) -> bool:
        seen.append(window.isVisible())
        return real(self, timeout)

    monkeypatch.setattr(Jobs, "finish_all", finish_all)
    return seen


def test_closing_during_todays_backup_stops_it_hides_the_window_and_leaves_nothing(
    qtbot, opened, interaction, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import ui.start

    real_backup = ui.start.make_daily_backup
    copying = threading.Event()

    def slow_backup(record: Record, due: Any, progress: Any, **kwargs: Any) -> Any:
        def slow(done: int, total: int) -> None:
            copying.set()
            progress(done, total)  # raises Cancelled once the job is cancelled
            time.sleep(0.02)

        return real_backup(record, due, progress=slow, **kwargs)

    monkeypatch.setattr(ui.start, "make_daily_backup", slow_backup)
    window = _window(qtbot, opened, interaction, settings)
    seen = _visible_while_waiting(monkeypatch, window)
    start = StartWork(window, opened, interaction)
    start.begin()
    qtbot.waitUntil(
        lambda: (
            copying.is_set()
            and any(j.title == "Making today's backup" for j in window.jobs.running)
        ),
        timeout=20000,
    )
    backup_job = next(j for j in window.jobs.running if j.title == "Making today's backup")
    assert backup_job.cancellable
    window.close()
    assert not window.isVisible()
    assert seen == [False]  # hidden before anything was waited for
    assert backup_job.cancelled and not backup_job.running
    assert start.backup is None
    folder = backups_folder(opened.path)
    assert not folder.exists() or list(folder.iterdir()) == []  # no temp, no manifest
    # still due: the next start makes it
    assert daily_backup_due(opened) is not None
    again = _window(qtbot, opened, interaction, settings)
    monkeypatch.setattr(ui.start, "make_daily_backup", real_backup)
    next_start = StartWork(again, opened, interaction)
    with qtbot.waitSignal(again.start_finished, timeout=20000):
        next_start.begin()
    assert next_start.backup is not None
    assert [b.path for b in list_backups(opened.path)] == [next_start.backup.path]


def test_closing_during_work_that_writes_waits_for_it_hidden_and_nothing_is_lost(
    qtbot, opened, interaction, settings, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, opened, interaction, settings)
    seen = _visible_while_waiting(monkeypatch, window)
    writing = threading.Event()
    target = tmp_path / "written.txt"

    def write(progress: Any) -> str:
        writing.set()
        with open(target, "w", encoding="utf-8") as fh:
            for i in range(20):
                progress(i, 20)
                fh.write(f"line {i}\n")
                time.sleep(0.01)
        return "whole"

    results: list[str] = []
    job = record_jobs.start(
        window,
        interaction,
        "restore",
        "Restoring",
        write,
        on_done=results.append,
        error_title="Restore",
        cancellable=False,
        exclusive=True,
    )
    assert job is not None
    writing.wait(5)
    window.close()
    assert not window.isVisible()
    assert seen == [False]
    assert not job.cancelled and not job.running
    assert results == ["whole"]
    assert target.read_text(encoding="utf-8").count("\n") == 20


def test_the_history_read_and_exports_are_cancelled_on_close(
    qtbot, opened, interaction, settings
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, opened, interaction, settings)
    release = threading.Event()

    def export(progress: Any) -> None:
        progress(0, 1)
        release.wait(10)
        progress(1, 1)

    job = record_jobs.start(
        window,
        interaction,
        "export",
        "Exporting",
        export,
        on_done=lambda _r: None,
        error_title="Export",
    )
    assert job is not None and job.cancellable
    threading.Timer(0.2, release.set).start()
    window.close()
    assert job.cancelled and not job.running
