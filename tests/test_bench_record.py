"""The benchmark's synthetic record (bench/make_record.py) with life at home: built through
the public API, it passes the record's own checks and holds every kind of home entry; the
record written without them is otherwise the same."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tracker.kinds.registry import by_key
from tracker.model import DoseLog, DoseStatus, MedicinePlan
from tracker.store import Record

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 24)
HOME_KINDS = (
    "medicine_plan",
    "dose",
    "temperature",
    "fever_rule",
    "symptom",
    "growth",
    "stay",
    "transfusion",
)


def _bench() -> ModuleType:
    name = "bench_make_record"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "make_record.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _entries(record: Record, kind: str) -> list[object]:
    child_id = record.children()[0].id
    assert child_id is not None
    return list(record.entries(by_key(kind).model, child_id))


@pytest.fixture(scope="module")
def one_year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("bench")
    make = _bench().make_record
    with_home, without = folder / "home.sqlite", folder / "without.sqlite"
    made = make(1, with_home, TODAY)
    assert set(HOME_KINDS) <= set(made.home)
    assert make(1, without, TODAY, home=False).home == {}
    return with_home, without


def test_a_year_with_life_at_home_passes_the_checks_and_holds_every_new_kind(
    one_year: tuple[Path, Path],
) -> None:
    with Record.open(one_year[0], read_only=True, clock=lambda: dt.datetime(2026, 11, 24, 12)) as r:
        assert r.problems() == []
        for kind in HOME_KINDS:
            assert _entries(r, kind), kind
        plans = [p for p in _entries(r, "medicine_plan") if isinstance(p, MedicinePlan)]
        # a dose change closes a plan and opens the next, which follows it
        assert any(p.follows_id is not None for p in plans)
        assert {p.drug for p in plans} == {
            "6-mercaptopurine",
            "methotrexate (by mouth)",
            "co-trimoxazole",
        }
        doses = [d for d in _entries(r, "dose") if isinstance(d, DoseLog)]
        statuses = {d.status for d in doses}
        assert {DoseStatus.GIVEN, DoseStatus.MISSED} <= statuses
        # every dose due before now is logged (today's 19:00 6-MP is not due yet)
        assert max(d.due_date for d in doses) == TODAY - dt.timedelta(days=1)


def test_without_home_the_record_is_otherwise_the_same(one_year: tuple[Path, Path]) -> None:
    with (
        Record.open(one_year[0], read_only=True) as home,
        Record.open(one_year[1], read_only=True) as bare,
    ):
        assert bare.problems() == []
        for kind in HOME_KINDS:
            assert _entries(bare, kind) == [], kind
        for kind in ("phase", "milestone", "cns_visit", "count"):
            assert len(_entries(home, kind)) == len(_entries(bare, kind)), kind
        home_counts = [
            (c.taken_date, [(v.analyte, v.value) for v in c.values])
            for c in home.counts(home.children()[0].id)  # type: ignore[arg-type]
        ]
        bare_counts = [
            (c.taken_date, [(v.analyte, v.value) for v in c.values])
            for c in bare.counts(bare.children()[0].id)  # type: ignore[arg-type]
        ]
        assert home_counts == bare_counts
