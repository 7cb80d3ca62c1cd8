"""Record.reader(): a read-only view of the open record, for reading off the GUI thread."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest

from tracker.model import Child
from tracker.store import Record


@pytest.fixture
def record(tmp_path):
    rec = Record.open(tmp_path / "r.sqlite", create=True)
    rec.save(Child(name="Ana", birth_date=dt.date(2026, 1, 1)))
    yield rec
    rec.close()


def test_the_reader_sees_what_was_saved_and_reads_on_another_thread(record):
    reader = record.reader()
    names: list[str] = []
    thread = threading.Thread(target=lambda: names.extend(c.name for c in reader.children()))
    thread.start()
    thread.join(5)
    reader.close()
    assert names == ["Ana"]


def test_the_reader_cannot_write(record):
    reader = record.reader()
    try:
        assert reader.read_only
        with pytest.raises(sqlite3.Error):
            reader.connection.execute("DELETE FROM child")
    finally:
        reader.close()
    assert [c.name for c in record.children()] == ["Ana"]


def test_a_save_after_the_reader_closed_is_kept(record):
    reader = record.reader()
    reader.children()
    reader.close()
    record.save(Child(name="Bea", birth_date=dt.date(2026, 2, 1)))
    assert sorted(c.name for c in record.children()) == ["Ana", "Bea"]
