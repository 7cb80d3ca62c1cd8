"""File ▸ Import lab results with a big file (issue 16): reading and saving run off the GUI
thread with progress while the window keeps turning its events; the record ends up as the
same import made without the window leaves it; a failure or a Cancel in the middle of the
save leaves the record as it was."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import fixed_clock
from gui_helpers import rows
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton
from test_gui_import import ImportAnswers

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui

TESTS = (
    ("WBC", "K/uL", 2.4),
    ("ANC", "K/uL", 0.62),
    ("Hgb", "g/dL", 9.8),
    ("Platelets", "K/uL", 88),
)


def _big_file(folder: Path, draws: int) -> Path:
    """``draws`` draws of four tests (one row each) between the diagnosis (2026-05-12) and
    the tests' today (2026-11-24), several a day at different minutes."""
    lines = ["Date,Time,Test,Result,Unit,Reference range"]
    first, days = dt.date(2026, 5, 13), 190
    for i in range(draws):
        day = first + dt.timedelta(days=i % days)
        minute = 13 * 60 + (i // days) * 7
        for k, (name, unit, base) in enumerate(TESTS):
            value = base * (0.7 + ((i * 4 + k) * 7919) % 800 / 1000)
            lines.append(f"{day},{minute // 60:02d}:{minute % 60:02d},{name},{value:.2f},{unit},")
    path = folder / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


CONTENT = (
    "SELECT r.taken_date, r.taken_time, r.source, v.analyte, v.value_text, v.unit, v.value, "
    "v.normalised_value, v.range_text, r.created_at FROM count_value v "
    "JOIN count_result r ON r.id = v.result_id ORDER BY r.id, v.id"
)


def _content(path: Path) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in rows(path, CONTENT)]


class Watch:
    """A 10 ms heartbeat on the GUI thread: what it saw of the window's jobs and progress
    dialogs while the import ran."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.ticks: dict[str, int] = {}  # job title → heartbeat ticks while it ran
        self.progress: dict[str, set[tuple[int, int]]] = {}  # job title → (done, total) seen
        self.dialogs: set[str] = set()  # labels of the progress dialogs shown
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        window.jobs.changed.connect(self.changed)

    def tick(self) -> None:
        for job in self.window.jobs.running:
            self.ticks[job.title] = self.ticks.get(job.title, 0) + 1
        for dialog in self.window.findChildren(QProgressDialog):
            if dialog.isVisible():
                self.dialogs.add(dialog.labelText())

    def changed(self) -> None:
        for job in self.window.jobs.running:
            self.progress.setdefault(job.title, set()).add((job.done, job.total))


def test_a_big_import_runs_off_the_gui_thread_with_progress_and_saves_what_a_plain_import_saves(  # type: ignore[no-untyped-def]
    qtbot, window, record, child, tmp_path, monkeypatch
) -> None:
    from tracker.io.csv_import import apply_import, plan_import, read_csv
    from tracker.store import Record
    from tracker.store import new_rows as new_rows_module
    from ui.dialogs.import_csv import CsvImporter

    monkeypatch.setattr(new_rows_module, "_CHUNK", 500)  # more steps of the save to see
    path = _big_file(tmp_path, 2000)  # 8,000 rows
    plain = tmp_path / "plain.sqlite"
    shutil.copyfile(record.path, plain)
    with Record.open(plain, clock=fixed_clock) as copy:  # the same import, no window
        expected = apply_import(
            plan_import(read_csv(path.read_bytes()), copy, copy.children()[0]), copy
        )
    threads: dict[str, bool] = {}
    import ui.dialogs.import_csv as module

    real_apply = module.apply_import

    def apply(*args: Any, **kwargs: Any) -> Any:
        threads["saved on the GUI thread"] = threading.current_thread() is threading.main_thread()
        threads["through the GUI thread's connection"] = args[1] is record
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(module, "apply_import", apply)
    watch = Watch(window)
    watch.timer.start()
    answers = ImportAnswers()
    report = CsvImporter(window.bridge, answers, window, window.jobs).run(path)
    watch.timer.stop()

    assert report is not None and report.values_added == expected.values_added == 8000
    assert report.new_results == expected.new_results == 2000
    assert _content(record.path) == _content(plain), "the same rows as the plain import"
    assert record.problems() == [], "every row sealed"
    assert threads == {
        "saved on the GUI thread": False,
        "through the GUI thread's connection": False,
    }
    reading, saving = "Reading the lab's file…", "Saving 8,000 values… (a backup first)"
    assert watch.ticks.get(reading, 0) >= 2, watch.ticks  # the window turned while it read
    assert watch.ticks.get(saving, 0) >= 2, watch.ticks  # …and while it saved
    assert saving in watch.dialogs
    for title in (reading, saving):
        shares = {done / total for done, total in watch.progress.get(title, ()) if total}
        assert len(shares) >= 5, (title, watch.progress.get(title))  # the bar moved on
    assert window.jobs.is_idle()
    assert "Added for Mila" in answers.infos[-1], answers.infos


def test_a_failure_in_the_middle_of_the_save_leaves_the_record_as_it_was(  # type: ignore[no-untyped-def]
    qtbot, window, record, child, tmp_path, monkeypatch
) -> None:
    from tracker.store import checksums
    from ui.dialogs.import_csv import CsvImporter

    path = _big_file(tmp_path, 300)
    before = _content(record.path)
    reached: list[bool] = []
    real_write = checksums.PendingSeals.write

    def disk_fails(self: checksums.PendingSeals, conn: sqlite3.Connection) -> None:
        reached.append(conn.in_transaction)  # every row inserted, the seals next
        full = sqlite3.OperationalError("database or disk is full")
        full.sqlite_errorcode = 13  # type: ignore[attr-defined]  # SQLITE_FULL
        raise full

    monkeypatch.setattr(checksums.PendingSeals, "write", disk_fails)
    answers = ImportAnswers()
    assert CsvImporter(window.bridge, answers, window, window.jobs).run(path) is None
    assert reached == [True]
    assert _content(record.path) == before, "nothing saved is changed"
    assert len(answers.errors) == 1 and "the disk is full" in answers.errors[0], answers.errors
    assert window.jobs.is_idle()
    # the record and the window go on: the same import, the disk well again
    monkeypatch.setattr(checksums.PendingSeals, "write", real_write)
    report = CsvImporter(window.bridge, answers, window, window.jobs).run(path)
    assert report is not None and report.values_added == 1200
    assert record.problems() == []


def test_cancel_during_the_save_rolls_it_back(  # type: ignore[no-untyped-def]
    qtbot, window, record, child, tmp_path, monkeypatch
) -> None:
    """Cancel pressed while the transaction is open: the GUI thread's connection still
    sees the record as it was meanwhile, and afterwards nothing was added."""
    import ui.dialogs.import_csv as module

    path = _big_file(tmp_path, 300)
    before = _content(record.path)
    in_save, pressed = threading.Event(), threading.Event()
    real_apply = module.apply_import

    def apply(plan: Any, writer: Any, **kwargs: Any) -> Any:
        progress = kwargs.pop("progress")

        def held(done: int, total: int) -> None:
            progress(done, total)
            if writer.connection.in_transaction and not in_save.is_set():
                in_save.set()  # inside the one transaction: wait for Cancel
                pressed.wait(10)
                progress(done, total)  # hears of the Cancel

        return real_apply(plan, writer, progress=held, **kwargs)

    monkeypatch.setattr(module, "apply_import", apply)
    seen: dict[str, Any] = {}

    def press_cancel() -> None:
        dialogs = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
        if not in_save.is_set() or not dialogs:
            QTimer.singleShot(10, press_cancel)
            return
        seen["during the save, the window's connection reads"] = len(record.counts(child.id))
        [cancel] = [b for b in dialogs[0].findChildren(QPushButton) if b.text() == "Cancel"]
        cancel.click()
        pressed.set()

    QTimer.singleShot(0, press_cancel)
    answers = ImportAnswers()
    assert module.CsvImporter(window.bridge, answers, window, window.jobs).run(path) is None
    pressed.set()
    assert seen == {"during the save, the window's connection reads": 0}
    assert _content(record.path) == before
    assert answers.infos == ["Cancelled: nothing was imported, and the record is as it was."]
    assert record.problems() == []
    assert window.jobs.is_idle()
