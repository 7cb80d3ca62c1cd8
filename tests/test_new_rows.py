"""The write of an import (tracker/store/new_rows.py): a kind's column plan gives exactly
what Kind.columns gives, for every kind; save_all says how far it is and a stop at any
step leaves the record as it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kind_samples import SAMPLES
from test_save_all import clock, draw, uid
from test_store import count_value, dump

from tracker.kinds import by_key, kind_of
from tracker.model import Child, CountValue
from tracker.progress import Cancelled
from tracker.store import Record, new_rows
from tracker.store.new_rows import column_plan

DAY = dt.date(2026, 3, 2)
CHILD = Child(id=1, name="Ada", birth_date=dt.date(2026, 1, 10))


def _same_as_kind_columns(entry: object) -> None:
    kind = kind_of(entry)
    cols = kind.columns(entry)
    plan = column_plan(kind)
    if plan is None:  # a kind with a group of columns is written the generic way
        return
    names, values = plan
    assert names == tuple(cols)
    assert values(entry) == tuple(cols.values())
    assert [type(v) for v in values(entry)] == [type(v) for v in cols.values()]


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_the_column_plan_of_every_kind_gives_what_kind_columns_gives(key: str) -> None:
    entry = SAMPLES[key](CHILD, 7, DAY)
    _same_as_kind_columns(entry)
    for f in kind_of(entry).rows_fields:  # a count's values, a roadmap's steps
        for item in getattr(entry, f.name):
            _same_as_kind_columns(item)


def test_plans_are_made_for_the_kinds_an_import_writes() -> None:
    assert column_plan(by_key("count")) is not None
    assert column_plan(kind_of(CountValue)) is not None


texts = st.text(max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    value_text=texts,
    unit=texts,
    range_text=texts,
    flag=texts,
    comment=texts,
    value=st.floats(allow_nan=False),
    hours=st.none() | st.floats(min_value=0, max_value=1e6),
    low=st.none() | st.floats(allow_nan=False),
)
def test_the_plan_of_a_blood_value_agrees_with_kind_columns_for_any_value(
    value_text: str,
    unit: str,
    range_text: str,
    flag: str,
    comment: str,
    value: float,
    hours: float | None,
    low: float | None,
) -> None:
    v = replace(
        count_value("wbc", "1.2", "10^9/L"),
        value_text=value_text,
        unit=unit,
        range_text=range_text,
        lab_flag=flag,
        lab_comment=comment,
        value=value,
        hours_after=hours,
        range_low=low,
    )
    _same_as_kind_columns(v)


@pytest.fixture
def record(tmp_path: Path) -> Record:
    rec = Record.open(tmp_path / "r.sqlite", create=True, clock=clock)
    rec.save(Child(name="Ada", birth_date=dt.date(2026, 1, 10), uid=uid("child")))
    return rec


def test_save_all_tells_how_far_it_is(record: Record) -> None:
    child = record.children()[0]
    assert child.id is not None
    heard: list[tuple[int, int]] = []
    record.save_all(
        [draw(child.id, n) for n in range(1, 40)], progress=lambda d, t: heard.append((d, t))
    )
    assert heard, "no progress heard"
    assert all(t > 0 and 0 <= d <= t for d, t in heard)
    shares = [d / t for d, t in heard]
    assert shares == sorted(shares)
    assert shares[-1] == 1
    assert len(record.counts(child.id)) == 39
    record.close()


@pytest.mark.parametrize("stop_at", [0, 1, 2, 5, -1])
def test_a_save_all_stopped_at_any_step_leaves_the_record_as_it_was(
    record: Record, stop_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(new_rows, "_CHUNK", 50)  # many steps of writing
    child = record.children()[0]
    assert child.id is not None
    record.save(draw(child.id, 0))
    before = dump(record.path)
    calls: list[int] = []

    def count_calls(done: int, total: int) -> None:
        calls.append(done)

    n_calls = 0

    def stop(done: int, total: int) -> None:
        nonlocal n_calls
        n_calls += 1
        if n_calls - 1 == (stop_at if stop_at >= 0 else len(calls) - 1):
            raise Cancelled

    entries = [draw(child.id, n) for n in range(1, 250)]
    # how many progress calls a whole save makes: the same save into another record
    with Record.open(record.path.with_name("probe.sqlite"), create=True, clock=clock) as probe:
        probe.save(Child(name="Ada", birth_date=dt.date(2026, 1, 10), uid=uid("child")))
        probe.save_all(entries, progress=count_calls)
    assert len(calls) > 5
    with pytest.raises(Cancelled):
        record.save_all(entries, progress=stop)
    assert dump(record.path) == before
    assert record.problems() == []
    record.save_all(entries)  # and the record takes the same save afterwards
    assert len(record.counts(child.id)) == 250
    record.close()


# ---------------------------------------------------------------------- Record.writer


def test_a_writer_saves_into_the_record_and_leaves_its_lock_held(tmp_path: Path) -> None:
    from tracker.store import RecordInUse

    path = tmp_path / "r.sqlite"
    rec = Record.open(path, create=True, clock=clock)
    child, _ = rec.save(Child(name="Ada", birth_date=dt.date(2026, 1, 10), uid=uid("child")))
    assert child.id is not None
    writer = rec.writer()
    writer.save_all([draw(child.id, 1)])
    assert len(rec.counts(child.id)) == 1, "the record's own connection sees it"
    writer.close()
    with pytest.raises(RecordInUse):  # closing the writer let go of nothing
        Record.open(path, clock=clock)
    rec.save(draw(child.id, 2))  # and the record saves on
    assert len(rec.counts(child.id)) == 2
    assert rec.problems() == []
    rec.close()


def test_a_writer_sees_what_the_record_refuses(tmp_path: Path) -> None:
    """Moved under the program, damaged, or open for reading only: the writer refuses the
    save as the record would, and writes nothing."""
    import os
    import shutil

    from tracker.store import CannotSave

    path = tmp_path / "r.sqlite"
    rec = Record.open(path, create=True, clock=clock)
    child, _ = rec.save(Child(name="Ada", birth_date=dt.date(2026, 1, 10), uid=uid("child")))
    assert child.id is not None
    rec.checked("the file is damaged (a test)")  # as the check left for later says
    writer = rec.writer()
    with pytest.raises(CannotSave, match="damaged"):
        writer.save_all([draw(child.id, 1)])
    writer.close()
    rec.checked(None)
    os.replace(shutil.copy(path, tmp_path / "elsewhere.sqlite"), path)
    writer = rec.writer()
    with pytest.raises(CannotSave, match="moved or replaced"):
        writer.save_all([draw(child.id, 1)])
    writer.close()
    rec.close()
    with Record.open(path, read_only=True, clock=clock) as reading:
        writer = reading.writer()
        assert writer.read_only
        with pytest.raises(CannotSave, match="read-only"):
            writer.save_all([draw(child.id, 1)])
        writer.close()
        assert reading.counts(child.id) == []


# ---------------------------------------------------------------------- counts_at


def test_an_import_compares_with_the_draws_of_its_dates_through_the_index(
    record: Record,
) -> None:
    """The record's blood counts at the file's dates are found through the index on
    (child, date, time), not by reading every count the child has (years of them)."""
    child = record.children()[0]
    assert child.id is not None
    record.save_all([draw(child.id, n) for n in range(1, 200)])
    plans: list[str] = []
    conn = record.connection
    real = Record._q

    def explained(self: Record, sql: str, params: Any = ()) -> Any:
        if "count_result" in sql and sql.lstrip().upper().startswith("SELECT"):
            plans.extend(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        return real(self, sql, params)

    wanted = [(dt.date(2026, 2, 3), None), (dt.date(2026, 2, 4), dt.time(8, 3))]
    Record._q = explained  # type: ignore[method-assign]
    try:
        found = record.counts_at(child.id, wanted)
    finally:
        Record._q = real  # type: ignore[method-assign]
    assert [(r.taken_date, r.taken_time) for r in found] == [(d, t) for d, t in wanted]
    assert plans, "no query of the counts"
    on_counts = [p for p in plans if "count_result" in p and "count_value" not in p]
    assert on_counts and all("taken_date" in p and "=" in p for p in on_counts), plans
    record.close()
