"""The daily backup verifies only what changed since the last verified backup, and can be
made on another thread while the record is open and saved (tracker/store/backup.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from test_backup import Clock, fill, value

import tracker.store.checksums as checksums
from tracker.model import Child, CountResult
from tracker.store import Record
from tracker.store.backup import daily_backup_due, daily_backup_if_due, make_daily_backup
from tracker.store.backup_file import trusted_base, verify_backup


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC))


@pytest.fixture
def rec(tmp_path: Path, clock: Clock):
    r = Record.open(tmp_path / "family.sqlite", create=True, clock=clock)
    fill(r)
    yield r
    r.close()


def sealed_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables of the rows whose seal is recomputed from now on."""
    seen: list[str] = []
    real = checksums.sealer

    def counting(table: str, names: tuple[str, ...]):  # type: ignore[no-untyped-def]
        seal_of = real(table, names)

        def counted(values: Any) -> str:
            seen.append(table)
            return seal_of(values)

        return counted

    monkeypatch.setattr(checksums, "sealer", counting)
    return seen


def outside_change(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def test_the_next_day_only_rows_changed_since_are_verified(
    rec: Record, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = daily_backup_if_due(rec, clock)
    assert first is not None and first.verified
    child = rec.children()[0]
    rec.save(CountResult(child.id, dt.date(2026, 7, 1), note="new", values=(value("plt", 30),)))
    clock.advance(days=1)
    seen = sealed_rows(monkeypatch)
    second = daily_backup_if_due(rec, clock)
    assert second is not None and second.verified and verify_backup(second.path)
    # the new count, its value and the save counter: not the ten counts, their values and
    # the rest, which the first backup vouches for
    assert sorted(seen) == ["count_result", "count_value", "meta"]


def test_a_row_changed_outside_the_program_since_the_last_backup_is_still_found(
    rec: Record, clock: Clock
) -> None:
    assert daily_backup_if_due(rec, clock) is not None
    outside_change(rec.path, "UPDATE count_result SET note = 'changed' WHERE id = 1")
    clock.advance(days=1)
    second = daily_backup_if_due(rec, clock)
    assert second is not None
    assert second.verified is False
    assert second.problem == "some entries were changed outside the program"


def test_an_earlier_backup_changed_since_it_was_made_vouches_for_nothing(
    rec: Record, clock: Clock
) -> None:
    """The same outside change in the record and in the earlier backup: the backup's
    fingerprint no longer matches its manifest, so every row is verified and it is found."""
    first = daily_backup_if_due(rec, clock)
    assert first is not None and trusted_base(first.path)
    sql = "UPDATE count_result SET note = 'changed' WHERE id = 1"
    outside_change(rec.path, sql)
    outside_change(first.path, sql)
    assert not trusted_base(first.path)
    clock.advance(days=1)
    second = daily_backup_if_due(rec, clock)
    assert second is not None and second.verified is False


def test_a_backup_of_a_record_changed_outside_vouches_for_nothing(
    rec: Record, clock: Clock
) -> None:
    outside_change(rec.path, "UPDATE count_result SET note = 'changed' WHERE id = 1")
    first = daily_backup_if_due(rec, clock)
    assert first is not None and first.verified is False
    assert not trusted_base(first.path)


def test_the_backup_is_made_on_another_thread_while_the_family_saves(
    rec: Record, clock: Clock
) -> None:
    """The copy goes in steps and starts again after a save, so it holds one moment of the
    record: either with the new child or without, never half of a save."""
    due = daily_backup_due(rec, clock)
    assert due is not None
    made: list[Any] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            made.append(make_daily_backup(rec, due, clock))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    for n in range(5):
        rec.save(Child(name=f"Child {n}", birth_date=dt.date(2026, 1, 1)))
    thread.join(30)
    assert not errors
    (info,) = made
    assert info.verified and verify_backup(info.path)
    assert len(rec.children()) == 6
    assert info.children[0] == "Mila 🌷"


def test_progress_is_told_up_to_the_end(rec: Record, clock: Clock) -> None:
    due = daily_backup_due(rec, clock)
    assert due is not None
    seen: list[tuple[int, int]] = []
    make_daily_backup(rec, due, clock, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (1, 1)
    assert all(0 <= d <= t for d, t in seen)
