"""Keeping the record safe from the window: save a copy, restore, check, reminders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import fixed_clock
from gui_helpers import ScriptedInteraction, blood_count, rows

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui


class Answers(ScriptedInteraction):
    def __init__(self, target: Path | None = None) -> None:
        super().__init__()
        self.target = target
        self.infos: list[str] = []
        self.errors: list[str] = []
        self.backup_choice = 0

    def save_file(self, *_args: object) -> Path | None:  # type: ignore[override]
        return self.target

    def info(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        self.infos.append(text)

    def error(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        self.errors.append(text)

    def choose_backup(self, parent, items):  # type: ignore[no-untyped-def]
        return items[self.backup_choice] if items else None


def test_save_a_copy_is_checked_private_and_quiets_the_reminder(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr("ui.safety.FIRST_REMINDER_DAYS", 0)  # a record kept long enough
    from tracker.store.backup import days_since_last_copy

    answers = Answers(tmp_path / "usb" / "mila-copy")
    (tmp_path / "usb").mkdir()
    window.interaction = window.safety.interaction = answers
    window.show_safety_notes()
    assert window.reminder.isVisibleTo(window)  # never copied: a calm reminder
    assert "No copy of this record" in window.reminder.text.text()
    window.save_copy()  # a job: the copy is made off the GUI thread
    qtbot.waitUntil(lambda: bool(answers.infos), timeout=20000)
    copy = tmp_path / "usb" / "mila-copy.sqlite"
    assert copy.exists() and copy.stat().st_mode & 0o777 == 0o600
    assert "checked copy" in answers.infos[-1]
    assert not window.reminder.isVisibleTo(window)
    assert rows(copy, "SELECT name FROM child") == [{"name": "Mila"}]
    assert days_since_last_copy(record) is not None or "on this computer" in answers.infos[-1]


def test_check_says_the_record_is_whole(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    answers = Answers()
    window.safety.interaction = answers
    assert window.safety.check() is not None  # the job
    qtbot.waitUntil(lambda: bool(answers.infos), timeout=20000)
    assert window.safety.problems == []
    assert "whole" in answers.infos[-1]


def test_restore_puts_back_the_chosen_backup(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import make_backup
    from tracker.store.backup_file import DAILY

    make_backup(record, DAILY)
    window.bridge.save(blood_count(child, "2026-11-20", plt="45 10^9/L"))
    assert len(rows(record.path, "SELECT * FROM count_result")) == 1
    answers = Answers()
    answers.confirm_answers = [True]
    window.safety.interaction = answers
    assert window.safety.restore() is not None  # the listing's job, then the restore's
    qtbot.waitUntil(lambda: bool(answers.infos) and window.jobs.is_idle(), timeout=20000)
    assert rows(window.bridge.record.path, "SELECT * FROM count_result") == []
    assert "restored" in answers.infos[-1]
    assert window.bridge.undo_stack.count() == 0
    assert window.header.name.text() == "Mila"


def test_restore_with_no_backup_says_so(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    answers = Answers()
    window.safety.interaction = answers
    window.safety.restore()
    qtbot.waitUntil(lambda: bool(answers.infos), timeout=20000)
    assert "no backup" in answers.infos[-1]


def test_restore_dialog_lists_what_each_backup_holds(qtbot, record, child) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import list_backups, make_backup
    from tracker.store.backup_file import DAILY
    from ui.dialogs.restore import RestoreDialog

    make_backup(record, DAILY)
    dialog = RestoreDialog(list_backups(record.path))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "Mila"
    assert dialog.restore_button.isEnabled()
    assert dialog.chosen() is not None


def test_record_in_a_sync_folder_is_pointed_out(qtbot, tmp_path, interaction, settings) -> None:  # type: ignore[no-untyped-def]
    from tracker.model import Child
    from tracker.store import Record
    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    folder = tmp_path / "Dropbox"
    folder.mkdir()
    rec = Record.open(folder / "record.sqlite", create=True, clock=fixed_clock)
    rec.save(Child(name="Ava", birth_date=dt.date(2026, 3, 1)))
    window = MainWindow(RecordBridge(rec), interaction, settings)
    qtbot.addWidget(window)
    window.show_safety_notes()
    assert window.place_note.isVisibleTo(window)
    assert "Dropbox" in window.place_note.text.text()
    answers = Answers()
    answers.confirm_answers = [True]
    window.safety.interaction = answers
    here = tmp_path / "local" / "record.sqlite"
    assert window.safety.move_to(here) is True
    assert window.bridge.record.path == here
    assert here.stat().st_mode & 0o777 == 0o600
    assert (folder / "record.sqlite").exists()  # the synced file is left alone
    assert window.safety.place_warning() is None
    window.bridge.record.close()


def test_a_damaged_record_offers_the_newest_good_backup(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracker.model import Child
    from tracker.store import NotARecord, Record
    from tracker.store.backup import make_backup
    from tracker.store.backup_file import DAILY
    from ui.app import offer_restore

    path = tmp_path / "record.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    rec.save(Child(name="Ava", birth_date=dt.date(2026, 3, 1)))
    make_backup(rec, DAILY)
    rec.close()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # cut in half: damaged
    with pytest.raises(NotARecord) as damaged:
        Record.open(path)
    answers = Answers()
    answers.confirm_answers = [False]
    assert offer_restore(path, damaged.value, answers) is None  # declined: nothing moved
    assert path.stat().st_size == len(whole) // 2
    answers.confirm_answers = [True]
    reopened = offer_restore(path, damaged.value, answers)
    assert reopened is not None
    assert [c.name for c in reopened.children()] == ["Ava"]
    assert (tmp_path / "record.sqlite.damaged").stat().st_size == len(whole) // 2
    reopened.close()


@pytest.mark.parametrize("what", ["a PDF", "another program's database", "a text file"])
def test_a_file_that_is_not_a_record_is_never_replaced_by_a_backup(tmp_path, what) -> None:  # type: ignore[no-untyped-def]
    """Like ``restore``, the window replaces only one of our records, even when backups of
    that name exist: another file at the record's place is left exactly as it is."""
    import sqlite3

    from tracker.model import Child
    from tracker.store import NotARecord, Record
    from tracker.store.backup import make_backup
    from tracker.store.backup_file import DAILY
    from ui.app import offer_restore

    path = tmp_path / "record.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    rec.save(Child(name="Ava", birth_date=dt.date(2026, 3, 1)))
    make_backup(rec, DAILY)
    rec.close()
    path.unlink()
    if what == "a PDF":
        path.write_bytes(b"%PDF-1.7\n" + b"x" * 2000)
    elif what == "a text file":
        path.write_text("shopping list\n")
    else:
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE t (x)")
        other.commit()
        other.close()
    before = path.read_bytes()
    with pytest.raises(NotARecord) as refused:
        Record.open(path)
    answers = Answers()  # any question asked would fail: none is expected
    assert offer_restore(path, refused.value, answers) is None
    assert path.read_bytes() == before
    assert not (tmp_path / "record.sqlite.damaged").exists()
