"""The tracker functions behind the window's long commands hear ``progress`` and stop on
Cancelled wherever it comes (issue 16): nothing half written is left, nothing is changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import fixed_clock

from tracker.model import Child, CountResult, CountValue
from tracker.progress import Cancelled
from tracker.store import Record


@pytest.fixture
def rec(tmp_path: Path) -> Iterator[Record]:
    record = Record.open(tmp_path / "family.sqlite", create=True, clock=fixed_clock)
    child, _ = record.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    for day in range(1, 29):
        record.save(
            CountResult(
                child.id,
                dt.date(2026, 10, day),
                dt.time(8, 0),
                values=(CountValue("plt", "45", "×10⁹/L", 45.0, 45.0, "10^9/L"),),
            )
        )
    yield record
    record.close()


def stop_at(n: int):  # type: ignore[no-untyped-def]
    """A progress that says Cancel on its ``n``-th call; it keeps the calls it heard."""
    heard: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        heard.append((done, total))
        assert 0 <= done <= total or total == 0, (done, total)
        if len(heard) == n:
            raise Cancelled

    progress.heard = heard  # type: ignore[attr-defined]
    return progress


def calls(run) -> int:  # type: ignore[no-untyped-def]
    """How many times ``run(progress)`` calls progress when nobody cancels."""
    everything = stop_at(10**9)
    run(everything)
    return len(everything.heard)


def test_a_copy_stopped_anywhere_leaves_no_file(rec: Record, tmp_path: Path) -> None:
    from tracker.store.backup import last_copy, make_copy

    folder = tmp_path / "usb"
    folder.mkdir()
    n = calls(lambda p: make_copy(rec, folder / "once.sqlite", progress=p))
    (folder / "once.sqlite").unlink()
    assert n >= 4  # the copy, SQLite's check, the seals
    for at in range(1, n + 1):
        with pytest.raises(Cancelled):
            make_copy(rec, folder / "copy.sqlite", progress=stop_at(at))
        assert list(folder.iterdir()) == [], at
    assert last_copy(rec) is None


@pytest.mark.parametrize("fmt", ["csv", "json", "fhir", "ics"])
def test_an_export_stopped_anywhere_writes_nothing(rec: Record, tmp_path: Path, fmt: str) -> None:
    from tracker.io.csv_export import write_csv
    from tracker.io.fhir_export import write_fhir
    from tracker.io.ics import entries_of, write_calendar
    from tracker.io.json_export import write_json

    child = rec.children()[0]
    target = tmp_path / "out" / f"export.{fmt}"
    target.parent.mkdir()
    write = {
        "csv": lambda p: write_csv(rec, target, progress=p),
        "json": lambda p: write_json(rec, target, rec.clock(), p),
        "fhir": lambda p: write_fhir(rec, child, target, rec.clock(), progress=p),
        "ics": lambda p: write_calendar(
            target, entries_of(rec, child), rec.today(), rec.clock(), progress=p
        ),
    }[fmt]
    n = calls(write)
    whole = target.read_bytes()
    target.unlink()
    for at in range(1, n + 1):
        with pytest.raises(Cancelled):
            write(stop_at(at))
        assert list(target.parent.iterdir()) == [], at
    write(stop_at(10**9))
    assert target.read_bytes() == whole  # the same file as without progress


def test_the_backups_listing_and_check_stop_when_told(rec: Record) -> None:
    from tracker.store.backup import list_backups, make_backup
    from tracker.store.backup_file import DAILY
    from tracker.store.integrity import check_record

    make_backup(rec, DAILY)
    with pytest.raises(Cancelled):
        list_backups(rec.path, progress=stop_at(2))
    assert [b.verified for b in list_backups(rec.path)] == [True]
    with pytest.raises(Cancelled):
        check_record(rec.path, stop_at(3))
    assert check_record(rec.path) == []
