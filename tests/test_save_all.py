"""Record.save_all, the write of an import: one transaction whose rows carry exactly the
seals, times and ids that saving the same entries one by one gives, and that leaves
nothing behind when it is interrupted."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from test_store import count_value, dump

from tracker.model import Child, CountResult
from tracker.store import Record, checksums

BIRTH = dt.date(2026, 1, 10)
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def uid(*parts: object) -> str:
    """A uid of its own for each name (a record keeps only uuid-shaped uids)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def draw(child_id: int, n: int) -> CountResult:
    """A draw with three values, every uid given (so that two records can be compared)."""
    values = (
        count_value("wbc", f"{1 + n % 9}.{n % 10}", "10^9/L", "4.5-13.5"),
        count_value("anc", f"0.{1 + n % 9}", "10^9/L"),
        count_value("plt", str(40 + n), "10^9/L", "150-450"),
    )
    return CountResult(
        child_id=child_id,
        taken_date=dt.date(2026, 2, 1) + dt.timedelta(days=n),
        taken_time=dt.time(8, n % 60) if n % 2 else None,
        source="Local lab",
        values=tuple(replace(v, uid=uid("v", n, v.analyte)) for v in values),
        uid=uid("c", n),
    )


@pytest.fixture
def records(tmp_path: Path) -> Iterator[tuple[Record, Record, Child]]:
    """Two records holding the same child and the same first blood count."""
    made = []
    for name in ("one-by-one", "together"):
        rec = Record.open(tmp_path / f"{name}.sqlite", create=True, clock=clock)
        child, _ = rec.save(Child(name="Ada", birth_date=BIRTH, uid=uid("child")))
        assert child.id is not None
        rec.save(draw(child.id, 0))
        made.append(rec)
    yield made[0], made[1], child
    for rec in made:
        rec.close()


def entries(rec: Record, child: Child) -> list[CountResult]:
    """New draws, and among them the first one completed with a value (an edit inside
    the import: its new value row comes between those of the new draws)."""
    assert child.id is not None
    first = rec.counts(child.id)[0]
    hgb = replace(count_value("hgb", "9.1", "g/dL"), uid=uid("v", 0, "hgb"))
    new = [draw(child.id, n) for n in range(1, 8)]
    return [*new[:3], replace(first, values=(*first.values, hgb)), *new[3:]]


def test_save_all_writes_the_rows_saving_one_by_one_writes(
    records: tuple[Record, Record, Child],
) -> None:
    one_by_one, together, child = records
    for entry in entries(one_by_one, child):
        one_by_one.save(entry)
    together.save_all(entries(together, child))
    assert dump(together.path) == dump(one_by_one.path)  # ids, uids, times and seals
    assert together.problems() == []


def test_every_row_save_all_writes_carries_its_own_seal(
    records: tuple[Record, Record, Child],
) -> None:
    _, together, child = records
    together.save_all(entries(together, child))
    conn = together.connection
    for table in ("count_result", "count_value"):
        assert list(checksums.broken_rows(conn, table)) == []
    (n,) = conn.execute("SELECT count(*) FROM count_value").fetchone()
    assert n == 3 * 8 + 1


def test_a_save_all_interrupted_while_sealing_leaves_the_record_as_it_was(
    records: tuple[Record, Record, Child], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, together, child = records
    before = dump(together.path)

    def disk_fails(self: checksums.PendingSeals, conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(checksums.PendingSeals, "write", disk_fails)
    with pytest.raises(sqlite3.OperationalError):
        together.save_all(entries(together, child))
    assert dump(together.path) == before
    monkeypatch.undo()
    assert together.problems() == []


def twice_the_same_uid(rec: Record, child: Child) -> list[CountResult]:
    """New draws the fifth of which has the second's uid: the record refuses it only once
    the rows before it are in (the rules look at the record, not at the other entries)."""
    assert child.id is not None
    new = [draw(child.id, n) for n in range(1, 8)]
    new[4] = replace(new[4], uid=new[1].uid)
    return new


def test_a_save_all_interrupted_between_rows_leaves_the_record_as_it_was(
    records: tuple[Record, Record, Child],
) -> None:
    _, together, child = records
    before = dump(together.path)
    with pytest.raises(sqlite3.IntegrityError):
        together.save_all(twice_the_same_uid(together, child))
    assert dump(together.path) == before


def test_a_save_all_that_fails_inside_a_batch_leaves_none_of_its_new_entries(
    records: tuple[Record, Record, Child],
) -> None:
    """Inside a larger transaction that goes on after a save_all failed half-way, none of
    the new entries it was writing together is left (half written or unsealed)."""
    _, together, child = records
    assert child.id is not None
    with together.batch("import"):
        together.save(draw(child.id, 20))
        with pytest.raises(sqlite3.IntegrityError):
            together.save_all(twice_the_same_uid(together, child))
    assert [c.uid for c in together.counts(child.id)] == [uid("c", 0), uid("c", 20)]
    assert together.problems() == []


def test_rows_written_before_a_failed_save_all_inside_a_batch_are_sealed(
    records: tuple[Record, Record, Child],
) -> None:
    """Inside a larger transaction that goes on after a save_all failed half-way (a draw
    deleted meanwhile), the rows it wrote before failing are committed sealed."""
    _, together, child = records
    assert child.id is not None
    gone = replace(together.counts(child.id)[0], id=999, uid=uid("gone"))
    with together.batch("import"), pytest.raises(KeyError):
        together.save_all([draw(child.id, 1), gone])
    assert [c.uid for c in together.counts(child.id)] == [uid("c", 0), uid("c", 1)]
    assert together.problems() == []


def test_no_table_gives_ids_of_its_own_kind(tmp_path: Path) -> None:
    """save_all gives new rows the ids SQLite would (one more than the largest): true only
    while no table is AUTOINCREMENT or WITHOUT ROWID and every id is the row's rowid."""
    with Record.open(tmp_path / "r.sqlite", create=True, clock=clock) as rec:
        conn = rec.connection
        tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        for name, sql in tables.fetchall():
            assert "AUTOINCREMENT" not in sql.upper(), name
            assert "WITHOUT ROWID" not in sql.upper(), name
            assert "id INTEGER PRIMARY KEY" in sql, name
