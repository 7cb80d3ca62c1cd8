"""Issue 14's round trip: a FHIR export imported into an empty record gives the same blood
values (date, time, test, value as typed, comparator, unit as typed, the lab's range and
flag), on the demo record and on a record holding every kind, for each child."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zoneinfo
from pathlib import Path

import pytest
from conftest import NOW, TODAY, fixed_clock
from fhir_checks import record_count_values

from tracker import cli
from tracker.demo import write_demo
from tracker.io.fhir_export import write_fhir
from tracker.model import Growth, Temperature
from tracker.store import Record

DATA = Path(__file__).parent / "data"


def _import_into_a_new_record(bundle: Path, target: Path) -> str:
    Record.open(target, create=True, clock=fixed_clock).close()
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(["import-fhir", "--db", str(target), str(bundle)])
    code = cli.run(args, out=out, err=err, today=TODAY)
    assert (code, err.getvalue()) == (0, ""), err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York", "UTC"])
def test_the_demo_comes_back_with_the_same_count_values(tmp_path: Path, zone: str) -> None:
    demo = tmp_path / "demo.sqlite"
    write_demo(demo, TODAY)
    bundle = tmp_path / "demo.fhir.json"
    with Record.open(demo, read_only=True, clock=fixed_clock) as rec:
        [child] = rec.children()
        write_fhir(rec, child, bundle, NOW, zone=zoneinfo.ZoneInfo(zone))
        before = record_count_values(rec, child)
        vitals = _vitals(rec, child.id or 0)
    assert len(before) > 50 and vitals[0] and vitals[1]
    out = _import_into_a_new_record(bundle, tmp_path / "again.sqlite")
    assert f"Added the child {child.name}, born {child.birth_date.isoformat()}" in out
    with Record.open(tmp_path / "again.sqlite", read_only=True, clock=fixed_clock) as rec:
        [again] = rec.children()
        assert (again.name, again.birth_date) == (child.name, child.birth_date)
        assert record_count_values(rec, again) == before
        assert _vitals(rec, again.id or 0) == vitals


def _vitals(
    rec: Record, child_id: int
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Growth (day, weight kg, length cm, head cm) and temperatures (day, time, °C), sorted."""
    growth = sorted(
        (g.date, g.weight_kg, g.length_cm, g.head_cm) for g in rec.entries(Growth, child_id)
    )
    temps = sorted(
        (t.date, t.time, round(t.celsius, 2)) for t in rec.entries(Temperature, child_id)
    )
    return growth, temps


def test_every_kind_and_both_children_come_back(tmp_path: Path) -> None:
    """record-v12.sqlite holds every kind of entry, for two children: each child's export
    into its own empty record gives that child's values."""
    path = tmp_path / "every.sqlite"
    shutil.copyfile(DATA / "record-v12.sqlite", path)
    with Record.open(path, read_only=True, clock=fixed_clock) as rec:
        children = rec.children()
        assert len(children) == 2
        expected = {}
        for child in children:
            bundle = tmp_path / f"{child.id}.json"
            write_fhir(rec, child, bundle, NOW, zone=dt.UTC)
            expected[child.id] = (child.name, record_count_values(rec, child), bundle)
    for name, values, bundle in expected.values():
        target = tmp_path / f"{bundle.stem}.sqlite"
        _import_into_a_new_record(bundle, target)
        with Record.open(target, read_only=True, clock=fixed_clock) as rec:
            [again] = rec.children()
            assert again.name == name
            assert record_count_values(rec, again) == values


def test_a_whole_number_comes_back_as_typed(tmp_path: Path) -> None:
    """attack14 finding 13: "285" went out as 285.0 and came back as "285.0"."""
    from tracker import analytes
    from tracker.model import Child, CountResult, CountValue

    source = tmp_path / "source.sqlite"
    with Record.open(source, create=True, clock=fixed_clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        assert child.id is not None
        typed = [("plt", "285", "×10⁹/L", "150-400", 150.0, 400.0), ("hgb", "10.0", "g/dL")]
        values = []
        for code, text, unit, *ranged in typed:
            a = analytes.analyte(code)
            known = a.unit(unit)
            assert known is not None
            low, high = (ranged[1], ranged[2]) if ranged else (None, None)
            values.append(
                CountValue(
                    code,
                    text,
                    unit,
                    float(text),
                    float(text) * known.factor,
                    a.canonical_unit,
                    range_text=str(ranged[0]) if ranged else "",
                    range_low=low,
                    range_high=high,
                )
            )
        rec.save(CountResult(child.id, dt.date(2026, 3, 2), values=tuple(values)))
        bundle = tmp_path / "out.json"
        write_fhir(rec, child, bundle, NOW, zone=zoneinfo.ZoneInfo("UTC"))
    _import_into_a_new_record(bundle, tmp_path / "again.sqlite")
    with Record.open(tmp_path / "again.sqlite", read_only=True, clock=fixed_clock) as rec:
        [again] = rec.children()
        [draw] = rec.counts(again.id or 0)
        came = {v.analyte: (v.value_text, v.range_text) for v in draw.values}
    assert came == {"plt": ("285", "150-400"), "hgb": ("10.0", "")}
