"""Issue 11, harmful: a lab range read in a unit it cannot be in turned the flag the wrong
way (ANC 200 cells/µL with the range 1.5-8.5 was flagged H).  A range must be possible in
the unit it is read in (the value's); one that fits another unit is said so and refused
(form, store, lab CSV, JSON), and a stored one is never flagged against."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from conftest import TODAY, fixed_clock

from tracker import analytes, range_units, ranges
from tracker.forms import FormErrors, ValueInput, count_from_form, parse_range
from tracker.io.csv_import import read_csv
from tracker.io.lab_values import parse_value
from tracker.model import Child, CountResult, CountValue
from tracker.store import Record, ValidationFailed

BIRTH = dt.date(2026, 1, 10)


def _value(code: str, text: str, unit: str, range_text: str) -> CountValue:
    a = analytes.analyte(code)
    known = a.unit(unit)
    assert known is not None
    number = float(text)
    low, high = parse_range(range_text)
    return CountValue(
        code,
        text,
        unit,
        number,
        number * known.factor,
        a.canonical_unit,
        range_text=range_text,
        range_low=low,
        range_high=high,
    )


@pytest.mark.parametrize(
    ("code", "value", "unit", "range_text", "fits"),
    [
        ("anc", "200", "cells/uL", "1.5-8.5", ["×10⁹/L"]),  # cells
        ("wbc", "5200", "/µL", "4-11", ["×10⁹/L"]),
        ("plt", "45", "/µL", "150-450", ["×10⁹/L"]),
        ("hgb", "60", "g/L", "10.5-13.5", ["g/dL", "mmol/L"]),  # Hb, three units: asked
        ("hgb", "11.1", "g/dL", "105-135", ["g/L"]),
        ("hgb", "7.1", "mmol/L", "105-135", ["g/L"]),
        ("hct", "35", "%", "0.33-0.45", ["L/L"]),  # Hct
    ],
)
def test_a_range_that_cannot_be_in_the_values_unit_is_named(
    code: str, value: str, unit: str, range_text: str, fits: list[str]
) -> None:
    low, high = parse_range(range_text)
    problem = range_units.range_unit_problem(code, low, high, unit, range_text)
    assert problem is not None
    assert range_text in problem and "cannot be in" in problem
    for label in fits:
        assert label in problem, problem
    if len(fits) > 1:
        assert "which" in problem  # asked, never guessed


@pytest.mark.parametrize(
    ("code", "unit", "range_text"),
    [
        ("anc", "×10⁹/L", "1.5-8.5"),
        ("anc", "/µL", "1500-8500"),
        ("hgb", "g/L", "105-135"),
        ("hgb", "g/dL", "10.5-13.5"),
        ("hct", "L/L", "0.33-0.45"),
        ("hct", "%", "33-45"),
        ("neut_pct", "%", "40-70"),  # percentages: one unit
        ("blast_pct", "%", "<1"),
        ("plt", "×10⁹/L", ">150"),
        ("anc", "×10⁹/L", "0-8.5"),
    ],
)
def test_a_range_possible_in_the_values_unit_is_fine(code: str, unit: str, range_text: str) -> None:
    low, high = parse_range(range_text)
    assert range_units.range_unit_problem(code, low, high, unit, range_text) is None


@pytest.fixture
def record(tmp_path):  # type: ignore[no-untyped-def]
    rec = Record.open(tmp_path / "r.db", create=True, clock=fixed_clock)
    yield rec
    rec.close()


def test_the_form_says_so_beside_the_range(record: Record) -> None:
    child, _ = record.save(Child(name="Mila", birth_date=BIRTH))
    with pytest.raises(FormErrors) as caught:
        count_from_form(
            {"taken_date": "2026-11-20"},
            [ValueInput("anc", "200", "cells/uL", "1.5-8.5")],
            child=child,
            today=TODAY,
        )
    assert "×10⁹/L" in caught.value.errors["anc.range"]


def test_the_store_refuses_it(record: Record) -> None:
    child, _ = record.save(Child(name="Mila", birth_date=BIRTH))
    assert child.id is not None
    bad = CountResult(
        child.id, dt.date(2026, 11, 20), values=(_value("anc", "200", "cells/uL", "1.5-8.5"),)
    )
    with pytest.raises(ValidationFailed) as caught:
        record.save(bad)
    assert "anc.range" in caught.value.errors
    assert record.counts(child.id) == []


def test_the_lab_csv_row_is_refused_with_its_line() -> None:
    with pytest.raises(ValueError, match="cannot be in"):
        parse_value(analytes.analyte("anc"), "200", "cells/uL", "1.5-8.5")
    text = (
        "Date,Test,Result,Unit,Reference range\n"
        "2026-11-20,Absolute Neutrophil Count,200,cells/uL,1.5-8.5\n"
        "2026-11-20,Platelets,45,K/uL,150-450\n"
    )
    parsed = read_csv(text.encode())
    assert [(p.line, "cannot be in" in p.reason) for p in parsed.problems] == [(2, True)]
    assert sum(len(d.values) for d in parsed.draws) == 1


def test_a_stored_range_of_the_wrong_unit_is_never_flagged_against() -> None:
    v = _value("anc", "200", "cells/uL", "1.5-8.5")  # as an older version stored it
    used = ranges.range_for(v, BIRTH, dt.date(2026, 11, 20))
    assert used.kind is None
    assert "cannot be in" in used.source
    assert ranges.flag(v, used) is None
    fine = replace(v, range_text="1500-8500", range_low=1500.0, range_high=8500.0)
    assert ranges.flag(fine, ranges.range_for(fine, BIRTH, dt.date(2026, 11, 20))) is not None


def test_the_timeline_draws_no_band_for_it() -> None:
    from tracker import timeline

    v = _value("anc", "200", "cells/uL", "1.5-8.5")
    count = CountResult(1, dt.date(2026, 11, 20), values=(v,), id=1, uid="u" * 36)
    drawn = timeline.build([], [], [], [count], dt.date(2026, 11, 24), lanes=("anc",))
    lane = drawn.lane("anc")
    assert lane is not None and lane.series is not None
    assert lane.series.bands == []
    fine = replace(v, range_text="1500-8500", range_low=1500.0, range_high=8500.0)
    again = timeline.build(
        [], [], [], [replace(count, values=(fine,))], dt.date(2026, 11, 24), lanes=("anc",)
    )
    assert again.lane("anc").series.bands  # type: ignore[union-attr]


def test_a_json_import_names_it_at_its_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from tracker.io.json_export import dumps, export_record
    from tracker.io.json_import import JsonImportError, read_export

    rec = Record.open(tmp_path / "r.db", create=True, clock=fixed_clock)
    child, _ = rec.save(Child(name="Mila", birth_date=BIRTH))
    assert child.id is not None
    good = _value("anc", "200", "cells/uL", "100-8500")
    rec.save(CountResult(child.id, dt.date(2026, 11, 20), values=(good,)))
    doc = export_record(rec, dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    rec.close()
    value = doc["children"][0]["counts"][0]["values"][0]
    value.update(range_text="1.5-8.5", range_low=1.5, range_high=8.5)
    with pytest.raises(JsonImportError) as caught:
        read_export(dumps(json.loads(json.dumps(doc))).encode(), TODAY)
    assert any("counts[0]" in p and "cannot be in" in p for p in caught.value.problems)


def test_check_names_a_stored_range_in_another_unit(record: Record) -> None:
    from tracker.store import checksums

    child, _ = record.save(Child(name="Mila", birth_date=BIRTH))
    assert child.id is not None
    value = _value("anc", "200", "/µL", "100-8500")
    record.save(CountResult(child.id, dt.date(2026, 11, 20), values=(value,)))
    conn = record.connection
    conn.execute("UPDATE count_value SET range_text = '1.5-8.5', range_low = 1.5, range_high = 8.5")
    row_id = conn.execute("SELECT id FROM count_value").fetchone()[0]
    checksums.reseal(conn, "count_value", row_id)  # as an older version saved it
    found = record.problems()
    assert any("2026-11-20" in p and "cannot be in /µL" in p for p in found), found


def test_a_range_typed_without_a_value_is_not_dropped_silently(record: Record) -> None:
    child, _ = record.save(Child(name="Mila", birth_date=BIRTH))
    with pytest.raises(FormErrors) as caught:
        count_from_form(
            {"taken_date": "2026-11-20"},
            [
                ValueInput("wbc", "5.1", "×10⁹/L", "4-11"),
                ValueInput("plt", "", "×10⁹/L", "150-450"),
            ],
            child=child,
            today=TODAY,
        )
    assert "150-450" in caught.value.errors["plt.value"]
