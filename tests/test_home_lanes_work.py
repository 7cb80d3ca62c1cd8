"""The timeline's home lanes do their work once per entry, not once per look: a record's
temperatures repeat the same few typed texts ("36.8") and the team's rule is one number, so
laying out years of readings reads each distinct text once (bench/run.py times it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from tracker import fever, timeline
from tracker.model import FeverRule, Temperature, TemperatureUnit

DAY = dt.date(2026, 1, 1)
TEXTS = ("36.8", "38.2", "100.6 °F")


def _readings() -> list[Temperature]:
    out = []
    for i in range(300):
        text = TEXTS[i % 3]
        unit = TemperatureUnit.FAHRENHEIT if "F" in text else TemperatureUnit.CELSIUS
        _, celsius = fever.parse_temperature(text, unit)
        out.append(
            Temperature(
                1,
                DAY + dt.timedelta(days=i // 2),
                dt.time(8 + i % 2),
                text,
                unit,
                celsius,
                id=i + 1,
            )
        )
    return out


def test_the_temperature_lane_reads_each_typed_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = FeverRule(1, DAY, "38.0", TemperatureUnit.CELSIUS, 38.0, id=1)
    readings = _readings()
    read: list[str] = []
    real = fever.read_temperature

    def counted(text: str, label: str = "Temperature") -> Any:
        read.append(text)
        return real(text, label)

    for cached in (fever.exact_celsius, fever.number_text):
        getattr(cached, "cache_clear", lambda: None)()
    monkeypatch.setattr(fever, "read_temperature", counted)
    lane = timeline.build(
        [], [], [], [], DAY, lanes=["temperatures"], temperatures=readings, fever_rules=[rule]
    ).lanes[0]
    assert [m.filled for m in lane.marks[:3]] == [False, True, True]  # 100.6 °F is 38.1 °C
    assert "38.2 °C (100.8 °F)" in lane.marks[1].tooltip
    assert len(read) <= 2 * (len(TEXTS) + 1), len(read)  # its number and its °C, each once


def test_a_printed_range_is_checked_once_however_many_results_print_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tracker import range_units
    from tracker.forms import ValueInput, count_from_form
    from tracker.model import Child

    child = Child("A", dt.date(2025, 6, 1), id=1)
    counts = [
        count_from_form(
            {"taken_date": (DAY + dt.timedelta(days=i)).isoformat()},
            [ValueInput("plt", str(100 + i), "×10⁹/L", "150-450")],
            child=child,
            today=DAY + dt.timedelta(days=400),
        )
        for i in range(200)
    ]
    counts = [replace(c, id=i + 1) for i, c in enumerate(counts)]
    checked: list[object] = []
    real = range_units.range_possible

    def counted(*args: Any) -> bool:
        checked.append(args)
        return bool(real(*args))

    getattr(range_units.range_unit_problem, "cache_clear", lambda: None)()
    monkeypatch.setattr(range_units, "range_possible", counted)
    lane = timeline.build([], [], [], counts, DAY, lanes=["plt"]).lanes[0]
    assert lane.series is not None and len(lane.series.bands) >= 1  # the lab's range drawn
    assert len(checked) <= 2, len(checked)


def test_reading_years_of_entries_looks_at_each_kind_once_not_once_per_row(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import dataclasses

    from tracker.model import Child, DoseLog, DoseStatus, MedicinePlan
    from tracker.store import Record

    record = Record.open(
        tmp_path / "r.sqlite", create=True, clock=lambda: dt.datetime(2026, 6, 1, 12)
    )
    child, _ = record.save(Child("A", dt.date(2025, 6, 1)))
    assert child.id is not None
    plan, _ = record.save(MedicinePlan(child.id, "6-MP", DAY, "25", "mg", schedule="FREQ=DAILY"))
    assert plan.id is not None
    record.save_all(
        [
            DoseLog(child.id, plan.id, DAY + dt.timedelta(days=i), DoseStatus.GIVEN)
            for i in range(100)
        ]
    )
    looked: list[object] = []
    real = dataclasses.fields

    def counted(x: Any) -> Any:
        looked.append(x)
        return real(x)

    monkeypatch.setattr(dataclasses, "fields", counted)
    doses = record.entries(DoseLog, child.id)
    assert len(doses) == 100 and doses[0].plan_id == plan.id and doses[0].id is not None
    assert len(looked) < 10, len(looked)
    record.close()


def test_the_transfusion_lane_links_the_counts_near_each_transfusion_looking_at_those_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tracker.forms import ValueInput, count_from_form
    from tracker.kinds import transfusion as transfusion_kind
    from tracker.model import Child, CountResult, Transfusion, TransfusionProduct

    child = Child("A", dt.date(2025, 6, 1), id=1)
    counts = [
        replace(
            count_from_form(
                {"taken_date": (DAY + dt.timedelta(days=i)).isoformat()},
                [ValueInput("plt", str(10 + i), "×10⁹/L")],
                child=child,
                today=DAY + dt.timedelta(days=400),
            ),
            id=i + 1,
        )
        for i in range(300)
    ]
    given = [
        Transfusion(1, DAY + dt.timedelta(days=d), None, TransfusionProduct.PLATELETS, id=k + 1)
        for k, d in enumerate(range(10, 300, 20))
    ]
    looked: list[object] = []
    real = CountResult.value

    def counted(self: CountResult, code: str) -> Any:
        looked.append(self)
        return real(self, code)

    monkeypatch.setattr(CountResult, "value", counted)
    lane = timeline.build(
        [], [], [], counts, DAY, lanes=["transfusions"], transfusions=given
    ).lanes[0]
    for mark, t in zip(lane.marks, given, strict=True):  # the same links as over all counts
        linked = transfusion_kind.linked_counts(t, counts)
        assert linked is not None and linked.before is not None and linked.after is not None
        assert mark.label == transfusion_kind.jump_in(linked, None, short=True)
    looked_in_lane = len(looked) - len(given) * len(counts)
    assert looked_in_lane <= len(given) * (2 * transfusion_kind.WINDOW_DAYS + 1) * 4
