"""A record file damaged inside (pages of its counts overwritten): the window says so once,
in plain words, never with the crash dialog; a view whose read met the damage says it cannot
be read (not "No blood counts yet"); saves are refused and the file is left unchanged."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import fixed_clock

from tracker.model import Child, CountResult, CountValue
from tracker.store import CannotSave, Record, RecordDamaged
from tracker.store.backup import list_backups
from ui.bridge import RecordBridge
from ui.main_window import MainWindow
from ui.start import StartWork

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

COUNTS = 400


def _value(code: str, number: float) -> CountValue:
    return CountValue(code, f"{number:g}", "10^9/L", number, number, "10^9/L")


def _damaged(path: Path) -> None:
    """A record of COUNTS counts whose pages in the second half are overwritten."""
    with Record.open(path, create=True, clock=fixed_clock) as made:
        child, _ = made.save(Child(name="Mila", birth_date=dt.date(2020, 1, 10)))
        first = dt.date(2021, 1, 1)
        with made.batch("add the counts"):
            for n in range(COUNTS):
                values = (_value("anc", 0.5 + n % 7), _value("plt", 20 + n % 90))
                made.save(CountResult(child.id, first + dt.timedelta(days=n), values=values))
    conn = sqlite3.connect(path)
    pages, size = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    conn.close()
    with path.open("r+b") as fh:
        fh.seek(size * (pages * 2 // 3))
        fh.write(bytes((n * 37 + 11) % 256 for n in range(size * 3)))


@pytest.fixture
def damaged(record_path: Path) -> Path:
    _damaged(record_path)
    return record_path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _start(qtbot: Any, window: MainWindow, record: Record) -> StartWork:
    start = StartWork(window, record, window.interaction)
    start.begin()  # (the whole history waits for the timeline to show: its read failed)
    qtbot.waitUntil(lambda: not record.check_pending and window.jobs.is_idle(), timeout=30000)
    qtbot.wait(50)  # queued: the damage a read met
    return start


@pytest.mark.parametrize("first_view", ["counts", "timeline"])
def test_a_damaged_record_is_said_once_without_a_crash(
    qtbot, damaged, interaction, settings, first_view
) -> None:  # type: ignore[no-untyped-def]
    before = _sha(damaged)
    settings.last_view = first_view
    record = Record.open(damaged, clock=fixed_clock, check_later=True)
    assert record.structure_problem() is not None  # the damage is real
    try:
        with qtbot.capture_exceptions() as crashes:
            window = MainWindow(RecordBridge(record), interaction, settings)
            qtbot.addWidget(window)
            window.show()
            window.show_view(first_view)
            _start(qtbot, window, record)
            window.show_view("counts")
            window.show_view("timeline")
            window.show_view("counts")
            qtbot.wait(50)
        assert [str(c[1]) for c in crashes] == []
        errors = [a for a in interaction.asked if a[0] == "error"]
        assert len(errors) == 1, errors
        _, title, text = errors[0]
        assert "damaged" in title and "Something went wrong" not in title
        assert "malformed" not in text and "SQLite" not in text and "error code" not in text
        assert "It can be read" not in text  # no contradiction with "cannot be read"
        assert "Restore from backup" not in text  # no backup exists
        assert list_backups(damaged, verify=False) == []
        empty = window.view_named("counts").counts.empty  # type: ignore[union-attr]
        assert empty.isVisible()
        assert "No blood counts yet" not in empty.text()
        assert "damaged" in empty.text()
        with pytest.raises(CannotSave, match="damaged") as refused:
            record.save(CountResult(1, dt.date(2026, 1, 1), values=(_value("plt", 50),)))
        assert "SQLite" not in str(refused.value) and "malformed" not in str(refused.value)
    finally:
        record.close()
    assert _sha(damaged) == before  # not changed, nothing backed up from it
    assert list_backups(damaged, verify=False) == []


def test_a_read_that_meets_damage_marks_the_record(damaged) -> None:  # type: ignore[no-untyped-def]
    record = Record.open(damaged, clock=fixed_clock, check_later=True)
    try:
        with pytest.raises(RecordDamaged):
            record.entries(CountResult, 1)
        assert record.damage is not None
        record.checked(None)  # a check that missed it does not make the record whole
        assert record.damage is not None
        writer = record.writer()
        try:
            with pytest.raises(CannotSave, match="damaged"):
                writer.save(CountResult(1, dt.date(2026, 1, 1), values=(_value("plt", 50),)))
        finally:
            writer.close()
        with pytest.raises(CannotSave):
            record.save(CountResult(1, dt.date(2026, 1, 1), values=(_value("plt", 50),)))
    finally:
        record.close()


def test_the_advice_is_to_restore_when_a_backup_exists(
    qtbot, record_path, interaction, settings
) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import make_backup

    with Record.open(record_path, create=True, clock=fixed_clock) as made:
        made.save(Child(name="Mila", birth_date=dt.date(2020, 1, 10)))
        make_backup(made, "daily")
    _damaged_again(record_path)
    record = Record.open(record_path, clock=fixed_clock, check_later=True)
    try:
        window = MainWindow(RecordBridge(record), interaction, settings)
        qtbot.addWidget(window)
        window.show()
        _start(qtbot, window, record)
        errors = [a for a in interaction.asked if a[0] == "error"]
        assert len(errors) == 1 and "Restore from backup" in errors[0][2]
    finally:
        record.close()


def _damaged_again(path: Path) -> None:
    """The record at ``path`` (with its backup beside it) given COUNTS counts, then damaged."""
    path.unlink()
    _damaged(path)


def test_the_crash_hook_says_damage_as_damage_once(qapp, tmp_path, damaged, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Damage met by a read no view caught: the damage message (once), not "Something went
    wrong"; SQLite's words go to the crash log only."""
    import sys

    import ui.app
    from ui.interaction import Interaction

    said: list[tuple[str, str]] = []
    monkeypatch.setattr(
        Interaction, "error", lambda _self, _p, title, text: said.append((title, text))
    )
    monkeypatch.setattr(ui.app, "_offscreen", lambda: False)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back afterwards
    ui.app.install_crash_hook(tmp_path / "logs")
    record = Record.open(damaged, clock=fixed_clock, check_later=True)
    try:
        for _ in range(2):
            try:
                record.entries(CountResult, 1)
            except RecordDamaged as exc:
                sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        record.close()
    assert len(said) == 1 and "damaged" in said[0][0]
    assert "Something went wrong" not in said[0][0] and "malformed" not in said[0][1]
    assert "malformed" in (tmp_path / "logs" / "crash.log").read_text(encoding="utf-8")
