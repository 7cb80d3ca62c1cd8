"""File ▸ Save a copy…, the exports, Restore from backup… and Help ▸ Check run off the GUI
thread as the window's jobs (issue 16): the window answers meanwhile, the result is the
synchronous one, Cancel leaves no file and the record unchanged, a failure is said and
changes nothing, conflicting commands are refused, and closing mid-way is clean."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import blood_count, rows

from tracker.store import RecordError

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui

WAIT = 20000


class Gate:
    """Stands in for a tracker function: tells where it runs, waits until the test lets it
    go (the GUI thread keeps turning meanwhile, or the test would never get to), then does
    the real work."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.started = threading.Event()
        self.go = threading.Event()
        self.thread: threading.Thread | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.thread = threading.current_thread()
        self.started.set()
        assert self.go.wait(10), "never let go: the GUI thread was held"
        return self.real(*args, **kwargs)


def gate(monkeypatch: pytest.MonkeyPatch, where: str) -> Gate:
    module, name = where.rsplit(".", 1)
    import importlib

    real = getattr(importlib.import_module(module), name)
    g = Gate(real)
    monkeypatch.setattr(where, g)
    return g


def ticks_while(qtbot, g: Gate, *, release: bool = True) -> int:  # type: ignore[no-untyped-def]
    """Let the gated work begin, count a 10 ms timer's ticks on the GUI thread while it
    waits, then let it go (unless not ``release``)."""
    from PySide6.QtCore import QTimer

    qtbot.waitUntil(g.started.is_set, timeout=WAIT)
    seen = [0]
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: seen.__setitem__(0, seen[0] + 1))
    timer.start()
    qtbot.wait(100)
    timer.stop()
    if release:
        g.go.set()
    return seen[0]


def errors(interaction) -> list[str]:  # type: ignore[no-untyped-def]
    return [text for kind, _t, text in interaction.asked if kind == "error"]


def infos(interaction) -> list[str]:  # type: ignore[no-untyped-def]
    return [text for kind, _t, text in interaction.asked if kind == "info"]


@pytest.fixture
def counted(record, child):  # type: ignore[no-untyped-def]
    """The record with two blood counts in it."""
    record.save(blood_count(child, "2026-11-20", plt="45 10^9/L", hgb="9.1 g/dL"))
    record.save(blood_count(child, "2026-11-22", plt="60 10^9/L"))
    return record


# ---------------------------------------------------------------------- the exports

EXPORTS = {
    # action: (the tracker function the work calls, the file's ending)
    "export_csv": ("tracker.io.csv_export.write_csv", ".csv"),
    "export_json": ("tracker.io.json_export.write_json", ".json"),
    "export_calendar": ("tracker.io.ics.write_calendar", ".ics"),
    "export_fhir": ("ui.fhir_export.write_fhir", ".json"),
}


def same_export(action: str, record, child, target: Path) -> None:  # type: ignore[no-untyped-def]
    """Write ``action``'s export synchronously, on this thread, to ``target``."""
    if action == "export_csv":
        from tracker.io.csv_export import write_csv

        write_csv(record, target)
    elif action == "export_json":
        from tracker.io.json_export import write_json

        write_json(record, target, record.clock())
    elif action == "export_calendar":
        from tracker.io.ics import entries_of, write_calendar

        write_calendar(target, entries_of(record, child), record.today(), record.clock())
    else:
        from tracker.io.fhir_export import write_fhir

        write_fhir(record, child, target, record.clock())


@pytest.mark.parametrize("action", sorted(EXPORTS))
def test_an_export_runs_as_a_job_and_writes_what_it_wrote_before(
    qtbot, window, counted, child, interaction, tmp_path, monkeypatch, action: str
) -> None:  # type: ignore[no-untyped-def]
    where, ending = EXPORTS[action]
    g = gate(monkeypatch, where)
    interaction.choose = lambda *args: 0  # with the name (calendar, FHIR)
    target = tmp_path / f"out{ending}"
    interaction.save_answers = [target]
    getattr(window, action)()
    assert ticks_while(qtbot, g) >= 1  # the window answered while the work waited
    assert g.thread is not threading.main_thread()
    qtbot.waitUntil(window.jobs.is_idle, timeout=WAIT)
    assert not errors(interaction)
    expected = tmp_path / f"expected{ending}"
    same_export(action, counted, child, expected)
    if action == "export_calendar":  # stamped with the export's time: compare the events
        from icalendar import Calendar

        def events(p: Path) -> list[str]:
            return sorted(str(e["uid"]) for e in Calendar.from_ical(p.read_bytes()).walk("VEVENT"))

        assert events(target) == events(expected)
    else:
        assert target.read_bytes() == expected.read_bytes()
    assert str(target) in window.statusBar().currentMessage()
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("action", sorted(EXPORTS))
def test_cancel_leaves_no_export_file(
    qtbot, window, counted, interaction, tmp_path, monkeypatch, action: str
) -> None:  # type: ignore[no-untyped-def]
    where, ending = EXPORTS[action]
    g = gate(monkeypatch, where)
    interaction.choose = lambda *args: 0
    folder = tmp_path / "out"
    folder.mkdir()
    interaction.save_answers = [folder / f"export{ending}"]
    before = rows(counted.path, "SELECT * FROM count_result")
    getattr(window, action)()
    qtbot.waitUntil(g.started.is_set, timeout=WAIT)
    [job] = window.jobs.running
    assert job.cancellable
    window.jobs_indicator.cancel_button.click()  # the status bar's Cancel
    g.go.set()
    qtbot.waitUntil(window.jobs.is_idle, timeout=WAIT)
    assert list(folder.iterdir()) == []  # nothing written, no temporary file left
    assert "stopped" in window.statusBar().currentMessage()
    assert not errors(interaction)
    assert rows(counted.path, "SELECT * FROM count_result") == before


def test_a_failed_export_is_said_and_writes_nothing(
    qtbot, window, counted, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def broken(*_args: object, **_kwargs: object) -> int:
        raise RecordError("The disk said no; nothing was written.")

    monkeypatch.setattr("tracker.io.csv_export.write_csv", broken)
    target = tmp_path / "counts.csv"
    interaction.save_answers = [target]
    window.export_csv()
    qtbot.waitUntil(window.jobs.is_idle, timeout=WAIT)
    assert errors(interaction) == ["The disk said no; nothing was written."]
    assert not target.exists()


# ---------------------------------------------------------------------- save a copy


def test_save_a_copy_runs_as_a_job_and_is_noted_when_it_ends(
    qtbot, window, counted, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import last_copy

    g = gate(monkeypatch, "tracker.store.backup.make_copy")
    target = tmp_path / "copy.sqlite"
    interaction.save_answers = [target]
    window.save_copy()
    assert ticks_while(qtbot, g) >= 1
    assert g.thread is not threading.main_thread()
    qtbot.waitUntil(lambda: bool(infos(interaction)), timeout=WAIT)
    assert "checked copy" in infos(interaction)[-1]
    assert rows(target, "SELECT taken_date FROM count_result ORDER BY 1") == rows(
        counted.path, "SELECT taken_date FROM count_result ORDER BY 1"
    )
    noted = last_copy(counted)  # noted in the record, on the GUI thread, once it ended
    assert noted is not None and noted.path == str(target)


def test_cancel_leaves_no_copy_and_the_record_unchanged(
    qtbot, window, counted, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import last_copy

    g = gate(monkeypatch, "tracker.store.backup.make_copy")
    folder = tmp_path / "usb"
    folder.mkdir()
    interaction.save_answers = [folder / "copy.sqlite"]
    window.save_copy()
    qtbot.waitUntil(g.started.is_set, timeout=WAIT)
    window.jobs.running[0].cancel()
    g.go.set()
    qtbot.waitUntil(window.jobs.is_idle, timeout=WAIT)
    assert list(folder.iterdir()) == []
    assert last_copy(counted) is None
    assert not infos(interaction) and not errors(interaction)


def test_a_refused_copy_target_is_said_at_once(qtbot, window, counted, interaction) -> None:  # type: ignore[no-untyped-def]
    interaction.save_answers = [counted.path]  # the record itself
    assert window.safety.save_copy() is None
    assert errors(interaction) and window.jobs.is_idle()


def test_a_second_copy_while_one_runs_is_refused(
    qtbot, window, counted, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    g = gate(monkeypatch, "tracker.store.backup.make_copy")
    interaction.save_answers = [tmp_path / "one.sqlite", tmp_path / "two.sqlite"]
    window.save_copy()
    qtbot.waitUntil(g.started.is_set, timeout=WAIT)
    window.save_copy()
    assert errors(interaction) == [
        "Saving a copy is already under way; its result is shown when it ends."
    ]
    g.go.set()
    qtbot.waitUntil(window.jobs.is_idle, timeout=WAIT)
    assert (tmp_path / "one.sqlite").exists() and not (tmp_path / "two.sqlite").exists()


def test_closing_the_window_during_a_copy_stops_it_cleanly(
    qtbot, window, counted, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    g = gate(monkeypatch, "tracker.store.backup.make_copy")
    folder = tmp_path / "usb"
    folder.mkdir()
    interaction.save_answers = [folder / "copy.sqlite"]
    window.save_copy()
    qtbot.waitUntil(g.started.is_set, timeout=WAIT)
    threading.Timer(0.2, g.go.set).start()  # the close waits for the work's next step
    assert window.close()
    assert window.jobs.is_idle()
    assert list(folder.iterdir()) == []  # stopped: no copy, no temporary file
    assert not infos(interaction) and not errors(interaction)
    assert rows(counted.path, "SELECT count(*) AS n FROM count_result") == [{"n": 2}]


# ---------------------------------------------------------------------- check


def test_check_runs_as_a_job_and_finds_what_the_command_finds(
    qtbot, window, counted, interaction, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from tracker.store.integrity import check_record

    with sqlite3.connect(counted.path) as conn:  # a change made outside the program
        conn.execute("UPDATE count_value SET value_text = '99' WHERE analyte = 'plt'")
    conn.close()
    g = gate(monkeypatch, "ui.safety.check_record")
    assert window.safety.check() is not None
    assert ticks_while(qtbot, g) >= 1
    assert g.thread is not threading.main_thread()
    qtbot.waitUntil(lambda: bool(errors(interaction)), timeout=WAIT)
    expected = [str(p) for p in check_record(counted.path)]
    assert expected and window.safety.problems == expected
    assert expected[0] in errors(interaction)[-1]


def test_check_can_be_cancelled_in_the_middle_of_sqlite_s_work(counted, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tracker.progress import Cancelled
    from tracker.store import integrity

    monkeypatch.setattr(integrity, "PROGRESS_STEPS", 10)
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) == 3:  # inside SQLite's structural check
            raise Cancelled

    with pytest.raises(Cancelled):
        integrity.check_record(counted.path, progress)
    assert calls[-1] == (0, 100)
    assert integrity.check_record(counted.path) == []  # the connection let go; all still well


# ---------------------------------------------------------------------- restore


@pytest.fixture
def backed_up(counted, child):  # type: ignore[no-untyped-def]
    """A backup with the two counts; then a third count saved after it."""
    from tracker.store.backup import make_backup
    from tracker.store.backup_file import DAILY

    make_backup(counted, DAILY)
    counted.save(blood_count(child, "2026-11-23", plt="70 10^9/L"))
    return counted


class Answers:
    """The backup chosen and the confirmation, as the family would give them."""

    def __init__(self, interaction, choice: int | None = 0) -> None:  # type: ignore[no-untyped-def]
        self.offered: list[int] = []
        interaction.confirm_answers = [True]

        def choose_backup(_parent: object, items: list[Any]) -> Any:
            self.offered.append(len(items))
            return items[choice] if choice is not None and items else None

        interaction.choose_backup = choose_backup


def test_the_backups_are_looked_at_off_the_gui_thread(
    qtbot, window, backed_up, interaction, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    answers = Answers(interaction, choice=None)
    g = gate(monkeypatch, "tracker.store.backup.list_backups")
    window.safety.restore()
    assert ticks_while(qtbot, g) >= 1
    assert g.thread is not threading.main_thread()
    qtbot.waitUntil(lambda: answers.offered == [1], timeout=WAIT)
    assert window.jobs.is_idle()


def test_restore_runs_as_a_job_with_the_record_closed_and_the_window_held(
    qtbot, window, backed_up, interaction, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.restore import RestoringDialog

    Answers(interaction)
    g = gate(monkeypatch, "tracker.store.backup.restore")
    window.safety.restore()
    assert ticks_while(qtbot, g, release=False) >= 1
    assert g.thread is not threading.main_thread()
    [job] = window.jobs.running
    assert job.title == "Restoring the backup" and not job.cancellable
    [note] = [w for w in window.findChildren(RestoringDialog) if w.isVisible()]
    note.reject()  # Escape: not while the record is being replaced
    assert note.isVisible()
    interaction.save_answers = [Path(str(backed_up.path) + ".csv")]
    window.export_csv()  # refused while the record is replaced
    assert "Restoring the backup is under way" in errors(interaction)[-1]
    assert window.bridge.record.read_only  # meanwhile the window reads the record as it was
    assert len(window.bridge.record.counts(window.bridge.current_child().id)) == 3
    g.go.set()
    qtbot.waitUntil(lambda: bool(infos(interaction)), timeout=WAIT)
    assert "restored" in infos(interaction)[-1]
    assert len(rows(window.bridge.record.path, "SELECT * FROM count_result")) == 2
    assert window.bridge.record is not backed_up  # opened again
    assert len(window.bridge.record.counts(window.bridge.current_child().id)) == 2
    assert not window.bridge.record.read_only
    assert not [w for w in window.findChildren(RestoringDialog) if w.isVisible()]


def test_restore_is_refused_while_other_work_reads_the_record(
    qtbot, window, backed_up, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    Answers(interaction)
    g = gate(monkeypatch, "tracker.store.backup.make_copy")
    interaction.save_answers = [tmp_path / "copy.sqlite"]
    window.save_copy()
    qtbot.waitUntil(g.started.is_set, timeout=WAIT)
    window.safety.restore()  # the listing may run; the restore itself may not
    qtbot.waitUntil(lambda: bool(errors(interaction)), timeout=WAIT)
    assert "Saving a copy is still under way" in errors(interaction)[-1]
    assert len(rows(backed_up.path, "SELECT * FROM count_result")) == 3  # not restored
    assert window.bridge.record is backed_up
    backed_up.save(blood_count(window.bridge.current_child(), "2026-11-23", plt="80 10^9/L"))
    g.go.set()
    qtbot.waitUntil(window.jobs.is_idle, timeout=WAIT)


def test_a_failed_restore_is_said_and_the_record_is_opened_again_unchanged(
    qtbot, window, backed_up, interaction, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    Answers(interaction)

    def broken(*_args: object) -> None:
        raise RecordError("The backup could not be read; the record was not changed.")

    monkeypatch.setattr("tracker.store.backup.restore", broken)
    window.safety.restore()
    qtbot.waitUntil(lambda: bool(errors(interaction)), timeout=WAIT)
    qtbot.waitUntil(window.jobs.is_idle, timeout=WAIT)
    assert errors(interaction) == ["The backup could not be read; the record was not changed."]
    record = window.bridge.record
    assert record is not backed_up and len(record.counts(window.bridge.current_child().id)) == 3
    record.close()


def test_a_restore_stopped_after_the_lock_goes_on_to_its_end(backed_up) -> None:  # type: ignore[no-untyped-def]
    """Cancel is heard while the backup is verified, never while the record is replaced."""
    from tracker.progress import Cancelled
    from tracker.store.backup import list_backups, restore

    [backup] = list_backups(backed_up.path)
    path, clock = backed_up.path, backed_up.clock
    backed_up.close()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done * 100 > 30 * total:  # from when the lock is taken: Cancel, every time
            raise Cancelled

    with pytest.raises(Cancelled):  # while verifying: stopped, nothing changed
        restore(path, backup.path, clock, lambda d, t: (_ for _ in ()).throw(Cancelled))
    assert len(rows(path, "SELECT * FROM count_result")) == 3
    restore(path, backup.path, clock, progress)  # goes to its end
    assert len(rows(path, "SELECT * FROM count_result")) == 2
    assert seen[-1] == (100, 100)  # told all along
