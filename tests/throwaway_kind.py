"""Kinds of entry that exist only in the test suite: a temperature taken at home, and a
medicine plan with its later dose changes (rows that are part of the plan).

They are declared here like any kind in ``tracker/kinds/`` (a model, its fields, its rules,
a migration creating its tables) and registered for one test at a time with
:func:`declared`; tests/test_kinds.py runs every per-kind test on them too.  Nothing in
``tracker/`` or ``ui/`` knows them: that they pass proves a new kind is declared once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tracker.kinds import Context, DateRule, Kind, register
from tracker.kinds.fields import Choice, Date, Flag, Number, Rows, Text, Time
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
    key="home_reading",  # "temperature" is a real kind now (tracker/kinds/temperature.py)
    model=Temperature,
    table="home_reading",
    json="home_readings",
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

TABLE_SQL = """CREATE TABLE home_reading (
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


@dataclass(frozen=True, slots=True)
class DoseChange:
    """From ``from_date`` on, the dose is ``dose_text`` (as the team wrote it)."""

    from_date: dt.date
    dose_text: str
    uid: str = ""


@dataclass(frozen=True, slots=True)
class MedicinePlan:
    child_id: int
    medicine: str
    started_on: dt.date
    doses: tuple[DoseChange, ...] = ()
    note: str = ""
    id: int | None = None
    uid: str = ""


def _plan_rules(plan: MedicinePlan, _context: Context) -> dict[str, str]:
    errors = {}
    if not plan.medicine.strip():
        errors["medicine"] = "Medicine: type its name"
    if any(d.from_date < plan.started_on for d in plan.doses):
        errors["doses"] = "Dose changes: a change cannot come before the plan started"
    return errors


DOSE_CHANGE = Kind(
    key="dose_change",
    model=DoseChange,
    table="dose_change",
    json=None,
    parent="medicine_plan",
    parent_column="plan_id",
    part_of=True,
    fields=(Date("from_date", "From"), Text("dose_text", "Dose")),
    singular="dose change",
    plural="dose changes",
    describe=lambda d: f"a dose change from {d.from_date.isoformat()}",
    order_by="from_date, id",
    sort_key=date_sort_key("from_date"),
    joiner="of",
)

MEDICINE_PLAN = Kind(
    key="medicine_plan",
    model=MedicinePlan,
    table="medicine_plan",
    json="medicine_plans",
    fields=(
        Text("medicine", "Medicine", strip=True),
        Date("started_on", "Started on"),
        Rows("doses", "Doses", kind="dose_change", key="from_date"),
        Text("note", "Note"),
    ),
    singular="medicine plan",
    plural="medicine plans",
    describe=lambda m: f"the plan for {m.medicine} from {m.started_on.isoformat()}",
    order_by="started_on, id",
    sort_key=date_sort_key("started_on"),
    dates=(DateRule("started_on"),),
    validate=_plan_rules,
)

PLAN_SQL = (
    """CREATE TABLE medicine_plan (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE CHECK (length(uid) = 36),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
    medicine TEXT NOT NULL CHECK (length(trim(medicine)) > 0),
    started_on TEXT NOT NULL CHECK (date(started_on, '+0 days') IS started_on),
    note TEXT NOT NULL DEFAULT '',
    checksum TEXT
) STRICT""",
    """CREATE TABLE dose_change (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE CHECK (length(uid) = 36),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    plan_id INTEGER NOT NULL REFERENCES medicine_plan(id) ON DELETE CASCADE,
    from_date TEXT NOT NULL CHECK (date(from_date, '+0 days') IS from_date),
    dose_text TEXT NOT NULL,
    checksum TEXT,
    UNIQUE (plan_id, from_date)
) STRICT""",
)


def plan_sample(child: Child, _phase_id: int | None, day: dt.date) -> MedicinePlan:
    assert child.id is not None
    start = day - dt.timedelta(days=20)
    return MedicinePlan(
        child.id,
        "6-mercaptopurine",
        start,
        (
            DoseChange(start, "25 mg daily"),
            DoseChange(start + dt.timedelta(days=14), "12.5 mg daily (counts low)"),
        ),
        "as the team wrote it",
    )


def sample(child: Child, _phase_id: int | None, day: dt.date) -> Temperature:
    assert child.id is not None
    return Temperature(child.id, day, dt.time(22, 40), 38.6, Site.EAR, True, "after the bath")


@contextmanager
def declared() -> Iterator[Kind[Any]]:
    """The kinds registered, and their tables made by the last migration step (a record
    made now has them; its format number stays the same), for the length of the block."""
    last = schema.MIGRATIONS[-1]

    def with_temperatures(conn: Any) -> None:
        last(conn)
        for sql in (TABLE_SQL, *PLAN_SQL):
            conn.execute(sql)

    schema.MIGRATIONS[-1] = (
        schema.Migration(with_temperatures, rebuilds=True)
        if schema.rebuilds(last)
        else with_temperatures
    )
    structure.expected_columns.cache_clear()
    try:
        with register(TEMPERATURE) as kind, register(MEDICINE_PLAN), register(DOSE_CHANGE):
            yield kind
    finally:
        schema.MIGRATIONS[-1] = last
        structure.expected_columns.cache_clear()
