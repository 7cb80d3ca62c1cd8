"""The FHIR R4 export (issue 14, docs/fhir.md): every Bundle parses with fhirclient (exact
R4) and passes the code-set and reference checks of tests/fhir_checks.py, on the demo
record, on a record holding every kind, on an empty one; it is the same twice; redacted it
names nobody; the lab's own values, ranges and flags go out as typed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zoneinfo
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, TODAY, fixed_clock
from fhir_checks import bundle_count_values, check_bundle, record_count_values
from typed_record import BIRTH, fill

from tracker import analytes, ucum
from tracker.demo import write_demo
from tracker.io.fhir_export import (
    dumps,
    fhir_bundle,
    local_time,
    resource_types,
    resource_uuid,
    write_fhir,
)
from tracker.model import (
    Child,
    CountResult,
    CountValue,
    MedicinePlan,
    OtherResult,
    Sex,
)
from tracker.store import Record

DATA = Path(__file__).parent / "data"
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
NAME = {a.code: a.name for a in analytes.ANALYTES}  # code.text of a catalogue test


def _bundle(record: Record, child: Child | None, **kw: Any) -> dict[str, Any]:
    return fhir_bundle(record, child, NOW, zone=AMSTERDAM, **kw)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _value(code: str, text: str, unit: str, **kw: Any) -> CountValue:
    a = analytes.analyte(code)
    known = a.unit(unit)
    assert known is not None
    parsed = analytes.parse_number(text)
    return CountValue(
        code,
        text,
        unit,
        parsed.value,
        parsed.value * known.factor,
        a.canonical_unit,
        comparator=parsed.comparator,
        **kw,
    )


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    write_demo(path, TODAY)
    return path


def test_the_demo_record_exports_a_valid_r4_bundle(demo: Path) -> None:
    with Record.open(demo, read_only=True, clock=fixed_clock) as rec:
        [child] = rec.children()
        bundle = _bundle(rec, child)
        assert bundle_count_values(bundle) == record_count_values(rec, child)
    check_bundle(bundle)
    assert set(resource_types(bundle)) == {
        "Patient",
        "CarePlan",
        "DiagnosticReport",
        "Observation",
        "Procedure",
        "MedicationAdministration",
        "MedicationStatement",
    }
    [patient] = _resources(bundle, "Patient")
    assert patient["name"] == [{"text": child.name}]
    assert patient["birthDate"] == child.birth_date.isoformat()
    assert patient["gender"] == child.sex.value


def test_a_record_with_every_kind_exports_each_child(tmp_path: Path) -> None:
    """record-v12.sqlite holds every kind of entry, for two children."""
    path = tmp_path / "every.sqlite"
    shutil.copyfile(DATA / "record-v12.sqlite", path)
    with Record.open(path, read_only=True, clock=fixed_clock) as rec:
        children = rec.children()
        assert len(children) == 2
        kinds: set[str] = set()
        for child in children:
            bundle = _bundle(rec, child)
            check_bundle(bundle)
            assert bundle_count_values(bundle) == record_count_values(rec, child)
            kinds |= set(resource_types(bundle))
            vitals = [
                o
                for o in _resources(bundle, "Observation")
                if o["category"][0]["coding"][0]["code"] == "vital-signs"
            ]
            codes = {o["code"]["coding"][0]["code"] for o in vitals}
            assert codes <= {"29463-7", "8302-2", "9843-4", "8310-5"}
    assert kinds == {
        "Patient",
        "CarePlan",
        "DiagnosticReport",
        "Observation",
        "Procedure",
        "MedicationAdministration",
        "MedicationStatement",
    }


def test_an_empty_record_gives_a_bundle_with_no_entries(record: Record) -> None:
    bundle = _bundle(record, None)
    check_bundle(bundle)
    assert bundle == {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": "2026-11-24T09:30:00+00:00",
        "entry": [],
    }


def test_a_child_with_nothing_recorded_is_a_patient_alone(record: Record, child: Child) -> None:
    bundle = _bundle(record, child)
    check_bundle(bundle)
    assert [e["fullUrl"] for e in bundle["entry"]] == [f"urn:uuid:{child.uid}"]
    assert "gender" not in bundle["entry"][0]["resource"]  # "not stated" is left out


def test_two_exports_are_the_same_and_full_urls_come_from_the_uids(demo: Path) -> None:
    with Record.open(demo, read_only=True, clock=fixed_clock) as rec:
        [child] = rec.children()
        first = dumps(_bundle(rec, child))
        later = fhir_bundle(rec, child, NOW + dt.timedelta(days=3), zone=AMSTERDAM)
        assert dumps(_bundle(rec, child)) == first
        counts = rec.counts(child.id or 0)
    again = json.loads(first)
    assert [e["fullUrl"] for e in later["entry"]] == [e["fullUrl"] for e in again["entry"]]
    urls = {e["fullUrl"] for e in again["entry"]}
    assert f"urn:uuid:{child.uid}" in urls
    assert all(f"urn:uuid:{d.uid}" in urls for d in counts)  # each draw's report
    assert all(f"urn:uuid:{v.uid}" in urls for d in counts for v in d.values)
    assert resource_uuid("not-a-uuid") == resource_uuid("not-a-uuid")
    assert resource_uuid(child.uid, "careplan") != resource_uuid(child.uid)


def _saved_draw(record: Record, child: Child, *values: CountValue, **kw: Any) -> CountResult:
    assert child.id is not None
    saved, _ = record.save(CountResult(child.id, dt.date(2026, 11, 20), values=values, **kw))
    return saved


def _lab(bundle: dict[str, Any], text: str) -> dict[str, Any]:
    [obs] = [o for o in _resources(bundle, "Observation") if o["code"]["text"] == text]
    return obs


def test_a_value_with_a_comparator_keeps_it(record: Record, child: Child) -> None:
    _saved_draw(record, child, _value("blast_pct", "<1", "%"))
    bundle = _bundle(record, child)
    check_bundle(bundle)
    value = _lab(bundle, NAME["blast_pct"])["valueQuantity"]
    assert value == {
        "value": 1.0,
        "comparator": "<",
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }


def test_the_value_goes_out_as_typed_in_its_unit_with_loinc_and_ucum(
    record: Record, child: Child
) -> None:
    _saved_draw(
        record,
        child,
        _value("anc", "0,38", "K/uL", range_text="1.5-8.0", range_low=1.5, range_high=8.0),
        _value("hgb", "10.4", "g/dL"),
        taken_time=dt.time(8, 15),
    )
    bundle = _bundle(record, child)
    check_bundle(bundle)
    anc = _lab(bundle, NAME["anc"])
    assert anc["code"]["coding"] == [{"system": "http://loinc.org", "code": "751-8"}]
    assert anc["valueQuantity"] == {
        "value": 0.38,
        "unit": "K/uL",
        "system": "http://unitsofmeasure.org",
        "code": "10*3/uL",
    }
    low = {"value": 1.5, "unit": "K/uL", "system": "http://unitsofmeasure.org", "code": "10*3/uL"}
    assert anc["referenceRange"] == [{"low": low, "high": {**low, "value": 8.0}, "text": "1.5-8.0"}]
    assert anc["effectiveDateTime"] == "2026-11-20T08:15:00+01:00"  # winter time
    assert "interpretation" not in anc  # below its range, but the lab printed no flag
    assert _lab(bundle, NAME["hgb"])["valueQuantity"]["code"] == "g/dL"
    [report] = _resources(bundle, "DiagnosticReport")
    assert [r["reference"] for r in report["result"]] == [
        f"urn:uuid:{o['id']}" for o in _resources(bundle, "Observation")
    ]


def test_the_lab_flag_becomes_the_interpretation_only_as_printed(
    record: Record, child: Child
) -> None:
    _saved_draw(
        record,
        child,
        _value("plt", "12", "×10⁹/L", lab_flag="LL"),
        _value("wbc", "1.1", "×10⁹/L", lab_flag="*"),
        _value("hgb", "13", "g/dL", lab_flag="h"),
    )
    bundle = _bundle(record, child)
    check_bundle(bundle)
    system = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    assert _lab(bundle, NAME["plt"])["interpretation"] == [
        {"coding": [{"system": system, "code": "LL", "display": "Critical low"}], "text": "LL"}
    ]
    assert _lab(bundle, NAME["hgb"])["interpretation"][0]["coding"][0]["code"] == "H"
    assert _lab(bundle, NAME["wbc"])["interpretation"] == [{"text": "*"}]


def test_a_range_that_cannot_be_split_goes_out_as_its_text(record: Record, child: Child) -> None:
    _saved_draw(record, child, _value("crp", "4", "mg/L", range_text="see the lab's note"))
    bundle = _bundle(record, child)
    check_bundle(bundle)
    assert _lab(bundle, NAME["crp"])["referenceRange"] == [{"text": "see the lab's note"}]


def test_a_test_without_loinc_and_an_other_result(record: Record, child: Child) -> None:
    no_loinc = next(a for a in analytes.ANALYTES if not a.loinc)
    _saved_draw(
        record,
        child,
        _value(no_loinc.code, "40", "%"),
        others=(
            OtherResult("Vitamin D 25-OH", "54", "nmol/L", "50-150", lab_flag="N"),
            OtherResult("Blood culture", "no growth after 48 h", lab_comment="final"),
        ),
    )
    bundle = _bundle(record, child)
    check_bundle(bundle)
    assert _lab(bundle, no_loinc.name)["code"] == {"text": no_loinc.name}
    vitamin = _lab(bundle, "Vitamin D 25-OH")
    assert vitamin["valueQuantity"] == {"value": 54.0, "unit": "nmol/L"}
    assert vitamin["referenceRange"] == [{"text": "50-150"}]
    culture = _lab(bundle, "Blood culture")
    assert culture["valueString"] == "no growth after 48 h"
    assert culture["note"] == [{"text": "final"}]


def test_times_carry_the_offset_of_their_own_day_and_dates_stay_dates(
    record: Record, child: Child
) -> None:
    assert child.id is not None
    record.save(
        CountResult(
            child.id, dt.date(2026, 7, 1), dt.time(8, 15), values=(_value("plt", "40", "×10⁹/L"),)
        )
    )
    record.save(CountResult(child.id, dt.date(2026, 7, 2), values=(_value("plt", "41", "×10⁹/L"),)))
    bundle = _bundle(record, child)
    check_bundle(bundle)
    when = [o["effectiveDateTime"] for o in _resources(bundle, "Observation")]
    assert when == ["2026-07-01T08:15:00+02:00", "2026-07-02"]
    utc = fhir_bundle(record, child, NOW, zone=dt.UTC)
    assert _resources(utc, "Observation")[0]["effectiveDateTime"] == "2026-07-01T08:15:00+00:00"


def test_every_catalogue_unit_has_a_ucum_code() -> None:
    missing = [
        (a.code, u.label) for a in analytes.ANALYTES for u in a.units if ucum.code_of(u) is None
    ]
    assert missing == []


def test_a_medicine_plan_and_its_doses(record: Record, child: Child) -> None:
    assert child.id is not None
    plan, _ = record.save(
        MedicinePlan(
            child.id,
            "6-mercaptopurine",
            dt.date(2026, 11, 1),
            "25",
            "mg",
            "50 mg tablet",
            schedule="FREQ=DAILY",
        )
    )
    bundle = _bundle(record, child)
    check_bundle(bundle)
    [statement] = _resources(bundle, "MedicationStatement")
    assert statement["status"] == "active"
    assert statement["medicationCodeableConcept"] == {"text": "6-mercaptopurine (50 mg tablet)"}
    assert statement["dosage"][0]["doseAndRate"] == [
        {
            "doseQuantity": {
                "value": 25.0,
                "unit": "mg",
                "system": "http://unitsofmeasure.org",
                "code": "mg",
            }
        }
    ]
    ended = replace(
        plan,
        id=None,
        uid="",
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 3, 1),
        drug="co-trimoxazole",
    )
    record.save(ended)
    statuses = {
        s["medicationCodeableConcept"]["text"]: s["status"]
        for s in _resources(_bundle(record, child), "MedicationStatement")
    }
    assert statuses["co-trimoxazole (50 mg tablet)"] == "completed"


def test_redacted_the_bundle_names_nobody(record: Record) -> None:
    name = "Robin Quill"
    cid = fill(
        record, name, f"{name} born {BIRTH.isoformat()} at Lindenbrook", "Lindenbrook Hospital"
    )
    child = record.child(cid)
    assert child.id is not None
    record.save(replace(child, sex=Sex.FEMALE))
    record.save(
        MedicinePlan(
            child.id,
            "Robin's 6-MP",
            dt.date(2026, 11, 1),
            "25",
            "mg",
            team_note=f"for Robin, {BIRTH:%d/%m/%Y}",
        )
    )
    _saved_draw(record, child, _value("wbc", "3", "×10⁹/L", lab_comment="Quill, R: repeat"))
    plain = _bundle(record, record.child(cid))
    redacted = _bundle(record, record.child(cid), redact=True)
    check_bundle(redacted)
    text = dumps(redacted)
    assert "Robin" in dumps(plain) and BIRTH.isoformat() in dumps(plain)
    for word in ("Robin", "Quill", "Lindenbrook", BIRTH.isoformat(), f"{BIRTH:%d/%m/%Y}"):
        assert word.casefold() not in text.casefold(), word
    [patient] = _resources(redacted, "Patient")
    assert patient == {"resourceType": "Patient", "id": child.uid, "gender": "female"}
    assert [e["fullUrl"] for e in redacted["entry"]] == [e["fullUrl"] for e in plain["entry"]]


def test_the_file_is_written_as_the_json_export_is(
    record: Record, child: Child, tmp_path: Path
) -> None:
    target = tmp_path / "fhir.json"
    target.write_text("old")
    counts = write_fhir(record, child, target, NOW, zone=AMSTERDAM)
    assert counts == {"Patient": 1}
    assert (target.stat().st_mode & 0o777) == 0o600
    data = target.read_bytes()
    assert data.endswith(b"\n") and not data.startswith(b"\xef\xbb\xbf")
    assert json.loads(data) == _bundle(record, child)
    assert len(data.splitlines()) == 3  # the Bundle's opening, one line per entry, its end


@pytest.mark.parametrize("zone", [AMSTERDAM, None])
def test_the_computers_zone_and_a_named_zone_agree_across_the_changes(
    zone: dt.tzinfo | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """None is the computer's own zone (here set to Amsterdam's): the wall-clock time is
    kept, in the hour skipped in spring and the hour repeated in autumn too."""
    import time

    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    local_time.cache_clear()
    try:
        written = [
            local_time(dt.date(2026, 3, 29), dt.time(2, 30), zone),  # skipped in spring
            local_time(dt.date(2026, 10, 25), dt.time(2, 30), zone),  # twice in autumn
            local_time(dt.date(2026, 1, 5), dt.time(8), zone),
            local_time(dt.date(2026, 7, 5), dt.time(8), zone),
        ]
    finally:
        monkeypatch.undo()
        time.tzset()
        local_time.cache_clear()
    assert written == [
        "2026-03-29T02:30:00+01:00",
        "2026-10-25T02:30:00+02:00",
        "2026-01-05T08:00:00+01:00",
        "2026-07-05T08:00:00+02:00",
    ]


def test_whole_numbers_go_out_as_typed_without_a_decimal_zero(record: Record, child: Child) -> None:
    """attack14 finding 13: a value typed "285" is written 285, not 285.0, and its range
    likewise; a number typed with decimals ("10.0", "8.0") keeps them."""
    _saved_draw(
        record,
        child,
        _value("plt", "285", "×10⁹/L", range_text="150-400", range_low=150, range_high=400),
        _value("hgb", "10.0", "g/dL", range_text="11-13.0", range_low=11, range_high=13.0),
        _value("anc", "<1", "×10⁹/L"),
    )
    text = dumps(_bundle(record, child))
    assert '"value":285,' in text and '"value":285.0' not in text
    assert '"value":150,' in text and '"value":400,' in text
    assert '"value":10.0,' in text and '"value":11,' in text and '"value":13.0,' in text
    assert '"comparator":"<"' in text and '"value":1,' in text
    for obs in _resources(_bundle(record, child), "Observation"):
        value = obs["valueQuantity"]["value"]
        assert isinstance(value, int) == (obs["code"]["text"] != NAME["hgb"]), obs
