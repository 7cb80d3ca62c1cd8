"""Every registered kind of entry, through everything the registry drives.

Runs for each kind in :mod:`tracker.kinds.registry`: save and read back, delete and undo
(every table back exactly), export and re-import, the date-of-birth rule both ways, and
the schema's CHECK constraints against the enums the kind declares.  The throwaway kind
(tests/test_throwaway_kind.py) gets all of it without touching a program file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, TODAY, fixed_clock
from kind_samples import SAMPLES, saved_sample
from throwaway_kind import DOSE_CHANGE, MEDICINE_PLAN, TEMPERATURE, declared, plan_sample
from throwaway_kind import sample as temperature_sample

from tracker.io.json_export import dumps, export_record
from tracker.io.json_import import load_into_new_record, read_export
from tracker.kinds import CHILD, Kind, all_kinds, child_kinds, kind_of
from tracker.kinds.fields import Choice
from tracker.model import Child, Phase, PhaseKind
from tracker.store import Record, ValidationFailed

BIRTH = dt.date(2025, 3, 1)
DAY = dt.date(2026, 1, 15)


def _kinds() -> list[Kind[Any]]:
    """Every declared kind of a child's entries, and the throwaway kinds of the tests."""
    return [*child_kinds(), TEMPERATURE, MEDICINE_PLAN]


@pytest.fixture
def kind(request: pytest.FixtureRequest) -> Iterator[Kind[Any]]:
    """The kind a test runs for; the throwaway kind is registered while it runs."""
    if request.param in (TEMPERATURE, MEDICINE_PLAN, DOSE_CHANGE):
        with declared():
            yield request.param
    else:
        yield request.param


@pytest.fixture
def record(tmp_path: Path, kind: Kind[Any]) -> Iterator[Record]:
    rec = Record.open(tmp_path / "r.db", create=True, clock=fixed_clock)
    yield rec
    rec.close()


def _child(record: Record) -> Child:
    child, _ = record.save(Child(name="Mila", birth_date=BIRTH))
    return child


def _sample(record: Record, child: Child, kind: Kind[Any], day: dt.date = DAY) -> Any:
    if kind is TEMPERATURE:
        return temperature_sample(child, None, day)
    if kind is MEDICINE_PLAN:
        return plan_sample(child, None, day)
    assert kind.key in SAMPLES, f"add an example {kind.key} to tests/kind_samples.py"
    linked: dict[str, int | None] = {}
    if any(f.target == "phase" for f in kind.link_fields):
        assert child.id is not None
        phase, _ = record.save(Phase(child.id, PhaseKind.PROPHASE, actual_start=day))
        linked["phase"] = phase.id
    return saved_sample(lambda e: record.save(e)[0], kind.key, child, day, linked)


def _tables(record: Record) -> dict[str, list[tuple[Any, ...]]]:
    conn = record.connection
    return {
        k.table: [tuple(r) for r in conn.execute(f"SELECT * FROM {k.table} ORDER BY id")]
        for k in all_kinds()
    }


def test_every_kind_has_an_example() -> None:
    assert {k.key for k in child_kinds()} <= set(SAMPLES), "tests/kind_samples.py"


@pytest.mark.parametrize("kind", _kinds(), ids=lambda k: k.key, indirect=True)
def test_save_and_read_back(record: Record, kind: Kind[Any]) -> None:
    child = _child(record)
    saved, changes = record.save(_sample(record, child, kind))
    assert kind in changes
    assert saved.id is not None and len(saved.uid) == 36
    assert record.entry(kind.model, saved.id) == saved
    assert saved in record.entries(kind.model, child.id)
    for f in kind.rows_fields:
        assert all(len(row.uid) == 36 for row in getattr(saved, f.name))
    stamp = record.connection.execute(
        f"SELECT updated_at, checksum FROM {kind.table} WHERE id = ?", (saved.id,)
    ).fetchone()
    again, nothing = record.save(saved)  # an edit that changes nothing writes nothing
    assert again == saved and not nothing.any
    assert tuple(
        record.connection.execute(
            f"SELECT updated_at, checksum FROM {kind.table} WHERE id = ?", (saved.id,)
        ).fetchone()
    ) == tuple(stamp)


@pytest.mark.parametrize("kind", _kinds(), ids=lambda k: k.key, indirect=True)
def test_delete_and_undo_put_every_row_back(record: Record, kind: Kind[Any]) -> None:
    child = _child(record)
    saved, _ = record.save(_sample(record, child, kind))
    before = _tables(record)
    deleted = record.delete(kind.model, saved.id)
    assert kind in deleted.changes
    with pytest.raises(KeyError):
        record.entry(kind.model, saved.id)
    record.undelete(deleted)
    assert _tables(record) == before
    assert record.problems() == []


@pytest.mark.parametrize("kind", _kinds(), ids=lambda k: k.key, indirect=True)
def test_delete_child_takes_every_kind_and_undo_brings_it_back(
    record: Record, kind: Kind[Any]
) -> None:
    child = _child(record)
    record.save(_sample(record, child, kind))
    before = _tables(record)
    deleted = record.delete(Child, child.id)
    assert all(rows == [] for rows in _tables(record).values())
    assert kind.table in {table for table, _ in deleted.rows}
    record.undelete(deleted)
    assert _tables(record) == before


@pytest.mark.parametrize("kind", _kinds(), ids=lambda k: k.key, indirect=True)
def test_export_and_reimport(record: Record, kind: Kind[Any], tmp_path: Path) -> None:
    child = _child(record)
    record.save(_sample(record, child, kind))
    exported = dumps(export_record(record, NOW))
    contents = read_export(exported.encode(), TODAY)
    again = load_into_new_record(tmp_path / "again.db", contents, fixed_clock)
    try:
        assert dumps(export_record(again, NOW)) == exported
        assert again.problems() == []
    finally:
        again.close()


@pytest.mark.parametrize("kind", _kinds(), ids=lambda k: k.key, indirect=True)
def test_no_date_before_birth(record: Record, kind: Kind[Any]) -> None:
    child = _child(record)
    for column in kind.birth_date_columns:
        early = BIRTH - dt.timedelta(days=1)
        entry = _sample(record, child, kind)
        name = next(f.name for f in kind.fields if f.column == column)
        with pytest.raises(ValidationFailed) as caught:
            record.save(_with(entry, name, early))
        assert caught.value.errors, column


@pytest.mark.parametrize(
    "kind", [k for k in _kinds() if k.birth_date_columns], ids=lambda k: k.key, indirect=True
)
def test_date_of_birth_cannot_move_after_an_entry(record: Record, kind: Kind[Any]) -> None:
    child = _child(record)
    saved, _ = record.save(_sample(record, child, kind))
    later = _with(child, "birth_date", DAY + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed) as caught:
        record.save(later)
    assert "birth_date" in caught.value.errors
    assert record.child(child.id) == child
    assert record.entry(kind.model, saved.id) == saved


def _with(entry: Any, name: str, value: Any) -> Any:
    from dataclasses import replace

    return replace(entry, **{name: value})


@pytest.mark.parametrize(
    "kind",
    [*all_kinds(), TEMPERATURE, MEDICINE_PLAN, DOSE_CHANGE],
    ids=lambda k: k.key,
    indirect=True,
)
def test_schema_checks_match_the_declared_choices(record: Record, kind: Kind[Any]) -> None:
    """Every value of each declared enum is accepted by the table, and nothing else is."""
    child = _child(record)
    owner = (
        kind
        if not kind.part_of
        else next(k for k in all_kinds() if kind.key in {f.kind for f in k.rows_fields})
    )
    if owner is CHILD:
        table_id = child.id
    else:
        saved, _ = record.save(_sample(record, child, owner))
        table_id = saved.id
    conn = record.connection
    if kind.part_of:
        row_id = conn.execute(
            f"SELECT id FROM {kind.table} WHERE {kind.parent_column} = ? LIMIT 1", (table_id,)
        ).fetchone()[0]
    else:
        row_id = table_id
    choices = [f for f in kind.fields if isinstance(f, Choice)]
    choices += [g for f in kind.fields for g in getattr(f, "fields", ()) if isinstance(g, Choice)]
    for f in choices:
        column = f.column if f in kind.fields else f"mrd_{f.name}"
        conn.execute("SAVEPOINT probe")
        try:
            if kind.part_of:  # one row left: the others would clash with its new values
                conn.execute(
                    f"DELETE FROM {kind.table} WHERE {kind.parent_column} = ? AND id != ?",
                    (table_id, row_id),
                )
            for value in f.values:
                conn.execute(f"UPDATE {kind.table} SET {column} = ? WHERE id = ?", (value, row_id))
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(
                    f"UPDATE {kind.table} SET {column} = ? WHERE id = ?", ("not-a-value", row_id)
                )
        finally:
            conn.execute("ROLLBACK TO probe")
            conn.execute("RELEASE probe")


def test_kind_of_knows_every_model() -> None:
    for k in all_kinds():
        assert kind_of(k.model) is k


@pytest.mark.parametrize("kind", _kinds(), ids=lambda k: k.key, indirect=True)
def test_each_field_is_compared_as_declared(record: Record, kind: Kind[Any]) -> None:
    """An edit of any one field is a difference; a float's last-bit noise is not."""
    from dataclasses import fields as dataclass_fields
    from dataclasses import replace

    from tracker.kinds import differences
    from tracker.kinds.fields import Number

    child = _child(record)
    saved, _ = record.save(_sample(record, child, kind))
    for f in kind.fields:
        value = getattr(saved, f.name, None)
        if isinstance(f, Number) and isinstance(value, float) and value:
            noisy = replace(saved, **{f.name: value * (1 + 1e-15)})
            assert differences(kind, saved, noisy) == (), f.name
            other = replace(saved, **{f.name: value + 1})
            assert differences(kind, saved, other) == (f.name,)
    names = {f.name for f in dataclass_fields(kind.model)}
    assert "uid" in names
    assert differences(kind, saved, replace(saved, uid="")) == ()  # uids say which, not what


@pytest.mark.parametrize("kind", [MEDICINE_PLAN], ids=lambda k: k.key, indirect=True)
def test_rows_of_an_entry_keep_their_uids_through_edits(record: Record, kind: Kind[Any]) -> None:
    """Later dose changes of a (throwaway) medicine plan: rows matched by their key."""
    from dataclasses import replace

    from tracker.kinds import differences

    child = _child(record)
    plan, _ = record.save(_sample(record, child, kind))
    first, second = plan.doses
    changed = replace(plan, doses=(first, replace(second, dose_text="25 mg daily again")))
    assert differences(kind, plan, changed) == ("doses",)
    saved, _ = record.save(changed)
    assert [d.uid for d in saved.doses] == [first.uid, second.uid]
    assert record.entry(kind.model, plan.id).doses[1].dose_text == "25 mg daily again"
    fewer, _ = record.save(replace(saved, doses=(first,)))
    assert [d.uid for d in fewer.doses] == [first.uid]
    rows = record.connection.execute("SELECT count(*) FROM practice_dose_change").fetchone()[0]
    assert rows == 1
    assert record.problems() == []
