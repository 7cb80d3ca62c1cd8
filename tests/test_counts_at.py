"""Record.counts_at: the blood counts an import compares its file with, found by draw
(date and time) instead of reading every count of the child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_store import count_value

from tracker.model import Child, CountResult
from tracker.store import Record

D1, D2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
EIGHT = dt.time(8, 0)


@pytest.fixture
def rec(tmp_path: Path) -> Iterator[Record]:
    r = Record.open(
        tmp_path / "r.sqlite",
        create=True,
        clock=lambda: dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC),
    )
    yield r
    r.close()


def add(rec: Record, child: Child, day: dt.date, time: dt.time | None, note: str) -> None:
    assert child.id is not None
    rec.save(
        CountResult(
            child_id=child.id,
            taken_date=day,
            taken_time=time,
            note=note,
            values=(count_value("wbc", "2.1", "10^9/L"),),
        )
    )


def test_counts_at_finds_exactly_the_draws_asked_for(rec: Record) -> None:
    ada, _ = rec.save(Child(name="Ada", birth_date=dt.date(2026, 1, 10)))
    ben, _ = rec.save(Child(name="Ben", birth_date=dt.date(2026, 1, 10)))
    assert ada.id is not None
    add(rec, ada, D1, EIGHT, "eight, first")
    add(rec, ada, D1, None, "no time")
    add(rec, ada, D1, EIGHT, "eight, second")
    add(rec, ada, D2, dt.time(9, 15), "quarter past nine")
    add(rec, ben, D1, None, "Ben's")

    def notes(*draws: tuple[dt.date, dt.time | None]) -> list[str]:
        assert ada.id is not None
        return [r.note for r in rec.counts_at(ada.id, draws)]

    assert notes((D1, None)) == ["no time"]
    assert notes((D1, EIGHT)) == ["eight, first", "eight, second"]
    assert notes((D2, dt.time(9, 15, 30))) == []  # a time with seconds is another draw
    assert notes((D2, None), (D1, dt.time(8, 1))) == []
    assert rec.counts_at(ada.id, []) == []
    many = [(D2 + dt.timedelta(days=n), EIGHT) for n in range(1, 1200)]
    assert sorted(notes(*many, (D1, None), (D2, dt.time(9, 15)))) == [
        "no time",
        "quarter past nine",
    ]
    values = rec.counts_at(ada.id, [(D1, None)])[0].values
    assert [v.analyte for v in values] == ["wbc"]
