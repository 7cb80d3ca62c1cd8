"""A kind of entry that exists only in the test suite: a temperature taken at home.

It is declared here like any kind in ``tracker/kinds/`` (a model, its fields, its rules, a
migration creating its table) and registered for one test at a time with
:func:`declared`; tests/test_kinds.py runs every per-kind test on it too.  Nothing in
``tracker/`` or ``ui/`` knows it: that it passes proves a new kind is declared once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tracker.kinds import Context, DateRule, Kind, register
from tracker.kinds.fields import Choice, Date, Flag, Number, Text, Time
from tracker.kinds.kind import date_sort_key
from tracker.model import Child
from tracker.store import schema, structure


class Site(StrEnum):
    ARMPIT = "armpit"
    EAR = "ear"
    FOREHEAD = "forehead"


@dataclass(frozen=True, slots=True)
class Temperature:
    child_id: int
    taken_on: dt.date
    taken_at: dt.time | None = None
    celsius: float = 37.0
    site: Site = Site.ARMPIT
    called_the_ward: bool = False
    note: str = ""
    id: int | None = None
    uid: str = ""


def _rules(t: Temperature, _context: Context) -> dict[str, str]:
    if not 30.0 <= t.celsius <= 45.0:
        return {"celsius": f"Temperature: {t.celsius} °C is not possible (30 to 45)"}
    return {}


TEMPERATURE = Kind(
    key="temperature",
    model=Temperature,
    table="temperature",
    json="temperatures",
    fields=(
        Date("taken_on", "Taken on"),
        Time("taken_at", "Time"),
        Number("celsius", "Temperature (°C)", optional=False, default=0.0),
        Choice("site", "Where", enum=Site, default=Site.ARMPIT),
        Flag("called_the_ward", "Called the ward"),
        Text("note", "Note"),
    ),
    singular="temperature",
    plural="temperatures",
    describe=lambda t: f"a temperature of {t.taken_on.isoformat()}",
    order_by="taken_on, coalesce(taken_at, ''), id",
    sort_key=date_sort_key("taken_on", "taken_at"),
    dates=(DateRule("taken_on", not_in_future=True),),
    validate=_rules,
)

TABLE_SQL = """CREATE TABLE temperature (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE CHECK (length(uid) = 36),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
    taken_on TEXT NOT NULL CHECK (date(taken_on, '+0 days') IS taken_on),
    taken_at TEXT CHECK (taken_at IS NULL OR taken_at GLOB '[0-2][0-9]:[0-5][0-9]'),
    celsius REAL NOT NULL,
    site TEXT NOT NULL CHECK (site IN ('armpit', 'ear', 'forehead')),
    called_the_ward INTEGER NOT NULL DEFAULT 0 CHECK (called_the_ward IN (0, 1)),
    note TEXT NOT NULL DEFAULT '',
    checksum TEXT
) STRICT"""


def sample(child: Child, _phase_id: int | None, day: dt.date) -> Temperature:
    assert child.id is not None
    return Temperature(child.id, day, dt.time(22, 40), 38.6, Site.EAR, True, "after the bath")


@contextmanager
def declared() -> Iterator[Kind[Any]]:
    """The kind registered, and its table made by the last migration step (a record made
    now has it; its format number stays the same), for the length of the block."""
    last = schema.MIGRATIONS[-1]

    def with_temperatures(conn: Any) -> None:
        last(conn)
        conn.execute(TABLE_SQL)

    schema.MIGRATIONS[-1] = with_temperatures
    structure.expected_columns.cache_clear()
    try:
        with register(TEMPERATURE) as kind:
            yield kind
    finally:
        schema.MIGRATIONS[-1] = last
        structure.expected_columns.cache_clear()
