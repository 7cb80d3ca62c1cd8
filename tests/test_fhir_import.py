"""FHIR R4 import (tracker.io.fhir_import): HL7's own R4 examples (tests/data/fhir, CC0)
come in with every lab value's number, unit, range and flag as the files give them; the
Synthea-shaped case of issue 14; panels group a draw; re-importing adds nothing twice;
vital signs become growth measurements and temperatures; the Patient is compared with
the child.  The expected values below were written by reading the files, not by running
the importer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import fixed_clock

from tracker.io.fhir_import import apply_fhir, plan_fhir, read_fhir, summary_of
from tracker.model import Child, Comparator, Growth, Temperature
from tracker.store import Record

DATA = Path(__file__).parent / "data" / "fhir"

# Bundle-101.json: DiagnosticReport 101 (58410-2, effectiveDateTime 2011-03-04T08:30:00+11:00)
# and its 17 results (no time of their own): (id, catalogue code, value, unit, range, flag)
CBC_101 = [
    ("r1", "hgb", "176", "g/L", "135-180", ""),
    ("r2", "rbc", "5.9", "x10*12/L", "4.2-6.0", ""),
    ("r3", "hct", "55", "%", "38-52", "H"),
    ("r4", "mcv", "99", "fL", "80-98", "H"),
    ("r5", "mch", "36", "pg", "27-35", "H"),
    ("r6", "plt", "444", "x10*9/L", "150-450", ""),
    ("r7", "wbc", "4.6", "x10*9/L", "4.0-11.0", ""),
    ("r8", "neut_pct", "20", "%", "", ""),
    ("r9", "anc", "0.9", "x10*9/L", "2.0-7.5", "LL"),
    ("r10", "lymph_pct", "20", "%", "", ""),
    ("r11", "lymph", "0.9", "x10*9/L", "1.1-4.0", "L"),
    ("r12", "mono_pct", "20", "%", "", ""),
    ("r13", "mono", "0.9", "x10*9/L", "0.2-1.0", ""),
    ("r14", "eos_pct", "20", "%", "", ""),
    ("r15", "eos", "0.92", "x10*9/L", "0.04-0.4", "HH"),
    ("r16", "baso_pct", "20", "%", "", ""),
    ("r17", "baso", "0.92", "x10*9/L", "≤0.21", ""),  # only a high bound
]


def record_with(tmp_path: Path, born: dt.date, name: str = "Mila") -> tuple[Record, Child]:
    record = Record.open(tmp_path / "family.sqlite", create=True, clock=fixed_clock)
    child, _ = record.save(Child(name=name, birth_date=born))
    return record, child


def write(tmp_path: Path, doc: dict[str, Any], name: str = "bundle.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def lab(oid: str, loinc: str, value: float, unit: str, when: str, **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [{"coding": [{"code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "code": unit},
        **more,
    }


def bundle(*resources: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [{"fullUrl": f"urn:uuid:{i}", "resource": r} for i, r in enumerate(resources)],
    }


def test_hl7_cbc_bundle_every_value_with_its_number_unit_range_and_flag(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2010, 9, 1))
    fplan = plan_fhir(read_fhir(DATA / "Bundle-101.json"), record, child)
    plan = fplan.plan
    assert not plan.problems
    got = sorted(
        (
            fplan.fhir.labels[a.line].split()[1],
            a.value.analyte,
            a.value.value_text,
            a.value.unit,
            a.value.range_text,
            a.value.lab_flag,
        )
        for a in plan.additions
    )
    assert got == sorted(CBC_101)
    # the report is one draw, at its own time as written (+11:00)
    assert {(a.taken_date, a.taken_time) for a in plan.additions} == {
        (dt.date(2011, 3, 4), dt.time(8, 30))
    }
    assert plan.new_results == 1
    hb = next(a.value for a in plan.additions if a.value.analyte == "hgb")
    assert hb.normalised_value == 176 and hb.canonical_unit == "g/L"
    apply_fhir(fplan, record)
    (saved,) = record.counts(child.id or 0)
    assert len(saved.values) == 17
    record.close()


def test_hl7_f005_haemoglobin_from_effective_period(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2012, 6, 1))
    plan = plan_fhir(read_fhir(DATA / "Observation-f005.json"), record, child).plan
    (a,) = plan.additions
    v = a.value
    assert (v.analyte, v.value_text, v.unit, v.range_text, v.lab_flag) == (
        "hgb",
        "7.2",
        "g/dl",  # as the lab printed it (the UCUM code g/dL names the same unit)
        "7.5-10",
        "L",
    )
    assert v.normalised_value == pytest.approx(72)
    assert (a.taken_date, a.taken_time) == (dt.date(2013, 4, 5), dt.time(10, 30))
    record.close()


def test_hl7_f004_erythrocytes_range_only_as_text_is_noted_not_guessed(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2012, 6, 1))
    plan = plan_fhir(read_fhir(DATA / "Observation-f004.json"), record, child).plan
    (a,) = plan.additions
    assert (a.value.analyte, a.value.value_text, a.value.unit) == (
        "rbc",
        "4.12",
        "10^12/L",
    )  # as printed
    assert a.value.range_text == "" and a.value.lab_flag == "L"
    (note,) = plan.noted
    assert str(note).startswith("Observation f004 in Observation-f004.json: ")
    assert "imported without this range" in str(note)
    record.close()


def test_hl7_lipid_panel_unknown_tests_kept_as_printed(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2010, 9, 1))
    fplan = plan_fhir(read_fhir(DATA / "Bundle-lipids.json"), record, child)
    plan = fplan.plan
    # triglycerides: its LOINC code 35217-9 (mass or moles) is not the catalogue's 2571-8
    # (mg/dL): a real LOINC code the catalogue does not know keeps the result as printed,
    # whatever its name says (never converted by guess), named with its code
    assert not plan.problems
    kept = sorted((o.other.name, o.other.value_text, o.other.unit) for o in plan.others_added)
    assert kept == [
        ("Cholesterol", "6.3", "mmol/L"),
        ("Cholesterol in HDL", "1.3", "mmol/L"),
        ("LDL Chol. (Calc)", "4.6", "mmol/L"),
        ("Triglyceride (LOINC 35217-9)", "1.3", "mmol/L"),
    ]
    assert sorted(o.other.range_text for o in plan.others_added) == ["≤2.0", "≤3.0", "≤4.5", "≥1.5"]
    assert not plan.additions
    assert {o.taken_date for o in plan.others_added} == {dt.date(2011, 3, 4)}
    record.close()


def test_synthea_shaped_observations_with_z_instants(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    when = "2026-03-14T23:30:00Z"
    path = write(
        tmp_path,
        bundle(
            lab("wbc", "6690-2", 1.9, "10*3/uL", when),
            lab("anc", "751-8", 0.38, "10*3/uL", when),
            lab("plt", "777-3", 42, "10*3/uL", when),
            lab("hb", "718-7", 10.4, "g/dL", when),
        ),
    )
    fplan = plan_fhir(read_fhir(path), record, child)
    plan = fplan.plan
    got = {a.value.analyte: (a.value.value_text, a.value.unit) for a in plan.additions}
    assert got == {
        "wbc": ("1.9", "10*3/uL"),
        "anc": ("0.38", "10*3/uL"),
        "plt": ("42", "10*3/uL"),
        "hgb": ("10.4", "g/dL"),
    }
    anc = next(a.value for a in plan.additions if a.value.analyte == "anc")
    assert anc.normalised_value == pytest.approx(0.38)  # 10^3/µL = 10^9/L
    assert {(a.taken_date, a.taken_time) for a in plan.additions} == {
        (dt.date(2026, 3, 14), dt.time(23, 30))
    }
    apply_fhir(fplan, record)
    assert len(record.counts(child.id or 0)[0].values) == 4
    record.close()


def test_offset_is_the_day_written_and_a_date_alone_has_no_time(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    path = write(
        tmp_path,
        bundle(
            lab("a", "6690-2", 2.1, "10*9/L", "2026-03-14T23:30:00-05:00"),
            lab("b", "6690-2", 2.2, "10*9/L", "2026-03-15"),
            lab("c", "6690-2", 2.3, "10*9/L", "2026-03-16T00:15:00+14:00"),
        ),
    )
    plan = plan_fhir(read_fhir(path), record, child).plan
    assert sorted((a.taken_date, a.taken_time) for a in plan.additions) == [
        (dt.date(2026, 3, 14), dt.time(23, 30)),
        (dt.date(2026, 3, 15), None),
        (dt.date(2026, 3, 16), dt.time(0, 15)),
    ]
    record.close()


def test_comparator_kept_and_a_second_import_adds_nothing(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    q = {"value": 0.1, "comparator": "<", "unit": "10*9/L", "code": "10*9/L"}
    path = write(
        tmp_path,
        bundle(
            lab("a", "751-8", 0, "", "2026-05-02T08:00:00+02:00", valueQuantity=q),
            lab("b", "6690-2", 1.1, "10*9/L", "2026-05-02T08:00:00+02:00"),
        ),
    )
    fplan = plan_fhir(read_fhir(path), record, child)
    anc = next(a.value for a in fplan.plan.additions if a.value.analyte == "anc")
    assert anc.comparator is Comparator.LESS and anc.value_text == "<0.1"
    apply_fhir(fplan, record)
    again = plan_fhir(read_fhir(path), record, child)
    assert not again.plan.additions and not again.plan.results
    assert len(again.plan.already_there) == 2
    assert str(again.plan.already_there[0]).startswith("Observation a in bundle.json: ")
    assert summary_of(again, applied=False)[0] == "Would add for Mila: nothing new."
    record.close()


def test_a_different_value_in_the_record_is_a_conflict_never_overwritten(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    when = "2026-05-02T08:00:00Z"
    apply_fhir(
        plan_fhir(
            read_fhir(write(tmp_path, bundle(lab("a", "6690-2", 1.1, "10*9/L", when)))),
            record,
            child,
        ),
        record,
    )
    second = write(tmp_path, bundle(lab("a", "6690-2", 1.4, "10*9/L", when)), "second.json")
    plan = plan_fhir(read_fhir(second), record, child).plan
    (conflict,) = plan.conflicts
    assert str(conflict).startswith("Observation a in second.json: ")
    assert "the record was kept" in str(conflict)
    assert not plan.results
    record.close()


def test_panel_members_take_the_panels_time(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    panel = {
        "resourceType": "Observation",
        "id": "cbc",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}]},
        "effectiveDateTime": "2026-06-01T09:10:00+01:00",
        "hasMember": [{"reference": "Observation/w"}, {"reference": "Observation/p"}],
    }
    w = lab("w", "6690-2", 3.2, "10*9/L", "2026-06-01T09:11:00+01:00")
    p = lab("p", "777-3", 150, "10*9/L", "2026-06-01T09:12:00+01:00")
    del w["category"], p["category"]  # members of a panel: lab results even without one
    plan = plan_fhir(read_fhir(write(tmp_path, bundle(panel, w, p))), record, child).plan
    assert {(a.taken_date, a.taken_time) for a in plan.additions} == {
        (dt.date(2026, 6, 1), dt.time(9, 10))
    }
    assert plan.new_results == 1 and not plan.problems
    record.close()


def test_values_without_a_unit_or_code_are_named_by_resource(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    no_unit = lab("f005", "718-7", 7.2, "", "2026-05-02")
    no_unit["valueQuantity"] = {"value": 7.2}
    no_code = lab("x1", "718-7", 7.2, "g/dL", "2026-05-02")
    del no_code["code"]
    path = write(tmp_path, bundle(no_unit, no_code), "Bundle-101.json")
    plan = plan_fhir(read_fhir(path), record, child).plan
    assert [str(p) for p in plan.problems] == [
        "Observation f005 in Bundle-101.json: valueQuantity has a value but no unit or code; "
        "give a unit",
        "Observation x1 in Bundle-101.json: it has no code (code.coding with a LOINC code); "
        "it was not read",
    ]
    record.close()


def test_text_values_and_panel_headers_do_not_crash(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    header = {
        "resourceType": "Observation",
        "id": "hdr",
        "status": "final",
        "category": [{"coding": [{"code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}]},
        "effectiveDateTime": "2026-05-02",
    }
    pending = lab("hb", "718-7", 0, "", "2026-05-02")
    del pending["valueQuantity"]
    pending["valueString"] = "Pending"
    concept = lab("grp", "882-1", 0, "", "2026-05-02")
    del concept["valueQuantity"]
    concept["valueCodeableConcept"] = {"text": "A Rh(D) positive"}
    fplan = plan_fhir(read_fhir(write(tmp_path, bundle(header, pending, concept))), record, child)
    plan = fplan.plan
    assert not plan.problems
    (pending_line,) = map(str, plan.pending)
    assert pending_line.startswith("Observation hb in bundle.json: ")
    assert pending_line.endswith(": “Pending”: not given yet; left out")
    (kept,) = plan.others_added
    assert kept.other.value_text == "A Rh(D) positive"
    assert "Left out: 1 Observation with no value (hdr)." in summary_of(fplan, applied=False)
    record.close()


def test_other_resources_are_listed_by_type_with_ids(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    extra = [{"resourceType": "Condition", "id": f"c{i}"} for i in range(12)]
    extra.append({"resourceType": "MedicationRequest", "id": "m1"})
    fplan = plan_fhir(read_fhir(write(tmp_path, bundle(*extra, kind="searchset"))), record, child)
    lines = summary_of(fplan, applied=False)
    assert "Left out: 12 Condition (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 2 more)." in lines
    assert "Left out: 1 MedicationRequest (m1)." in lines
    record.close()


def test_vital_signs_become_growth_and_temperature(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(1999, 1, 2))
    folder = tmp_path / "clinical-records"
    folder.mkdir()
    for name in (
        "Observation-body-length.json",
        "Observation-head-circumference.json",
        "Observation-body-temperature.json",
    ):
        (folder / name).write_bytes((DATA / name).read_bytes())
    fhir = read_fhir(folder)
    assert fhir.files == 3
    fplan = plan_fhir(fhir, record, child)
    assert not fplan.plan.problems
    assert "Vital signs for Mila: 1 growth measurement and 1 temperature." in fplan.vitals_lines
    apply_fhir(fplan, record)
    (g,) = record.entries(Growth, child.id)
    assert (g.date, g.length_text, g.length_cm, g.head_text, g.head_cm) == (
        dt.date(1999, 7, 2),
        "25 cm",
        25,
        "51.2 cm",
        pytest.approx(51.2),
    )
    (t,) = record.entries(Temperature, child.id)
    assert (t.date, t.time, t.value_text, t.celsius) == (dt.date(1999, 7, 2), None, "36.5 °C", 36.5)
    again = plan_fhir(read_fhir(folder), record, child)
    assert not again.plan.results and len(again.plan.already_there) == 3
    record.close()


def test_body_weight_in_pounds_and_the_kinds_own_check(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    adult, a_child = record_with(tmp_path / "a", dt.date(1990, 1, 1))
    fplan = plan_fhir(read_fhir(DATA / "Observation-example.json"), adult, a_child)
    apply_fhir(fplan, adult)
    (g,) = adult.entries(Growth, a_child.id)
    assert g.weight_text == "185 lb" and g.weight_kg == pytest.approx(83.91458845)
    adult.close()
    baby, b_child = record_with(tmp_path / "b", dt.date(2015, 6, 1))
    (problem,) = plan_fhir(
        read_fhir(DATA / "Observation-example.json"), baby, b_child
    ).plan.problems
    assert str(problem).startswith("Observation example in Observation-example.json: Weight:")
    assert "typing slips" in str(problem)
    baby.close()


def test_patient_compared_with_the_child(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2017, 5, 15), name="Jaina")
    fhir = read_fhir(DATA / "Patient-infant-twin-1.json")
    assert fhir.identity is not None
    assert fhir.identity.mismatch(child) == ""  # Jaina Solo, born 2017-05-15
    other = Child(name="Leia", birth_date=dt.date(2017, 5, 16), id=9)
    warning = fhir.identity.mismatch(other)
    assert warning.startswith("This file is for Jaina Solo and gives a date of birth of 2017-05-15")
    assert "Check that it is Leia's file before importing." in warning
    newborn = read_fhir(DATA / "Patient-newborn.json")
    assert newborn.patient_child is not None
    assert newborn.patient_child.birth_date == dt.date(2017, 9, 5)
    record.close()


def test_transaction_nested_bundles_contained_results_and_cancelled(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    inner = bundle(lab("n1", "777-3", 61, "10*9/L", "2026-04-01"), kind="searchset")
    report = {
        "resourceType": "DiagnosticReport",
        "id": "dr",
        "effectiveDateTime": "2026-04-02T07:45:00+02:00",
        "contained": [lab("c1", "6690-2", 2.6, "10*9/L", "2026-04-03")],
        "result": [{"reference": "#c1"}],
    }
    cancelled = lab("x", "718-7", 9.9, "g/dL", "2026-04-04", status="cancelled")
    doc = bundle(inner, report, cancelled, kind="transaction")
    doc["entry"].append({"request": {"method": "DELETE", "url": "Observation/old"}})
    fplan = plan_fhir(read_fhir(write(tmp_path, doc)), record, child)
    plan = fplan.plan
    assert not plan.problems
    got = sorted((a.value.analyte, a.taken_date, a.taken_time) for a in plan.additions)
    assert got == [
        ("plt", dt.date(2026, 4, 1), None),
        ("wbc", dt.date(2026, 4, 2), dt.time(7, 45)),  # the report's time, not its own
    ]
    assert [str(p) for p in plan.pending] == [
        "Observation x in bundle.json: status “cancelled”: no result; left out"
    ]
    record.close()


@pytest.mark.parametrize(
    ("loinc", "ucum", "value", "analyte", "normalised"),
    [
        ("6690-2", "10*3/uL", 1.9, "wbc", 1.9),
        ("26464-8", "10*9/L", 1.9, "wbc", 1.9),
        ("789-8", "10*6/uL", 3.1, "rbc", 3.1),
        ("789-8", "10*12/L", 3.1, "rbc", 3.1),
        ("718-7", "g/dL", 10.4, "hgb", 104),
        ("718-7", "g/L", 104, "hgb", 104),
        ("718-7", "mmol/L", 6.2, "hgb", 6.2 * 16.113438607798905),
        ("4544-3", "%", 31, "hct", 0.31),
        ("26499-4", "/uL", 380, "anc", 0.38),
        ("787-2", "fL", 82, "mcv", 82),
        ("1988-5", "mg/L", 12, "crp", 12),
    ],
)
def test_ucum_codes_are_the_catalogues_units(
    tmp_path: Path, loinc: str, ucum: str, value: float, analyte: str, normalised: float
) -> None:
    """Through analytes.unit_key, which reads UCUM's * as ^ (10*3/uL = 10^3/uL)."""
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    path = write(tmp_path, lab("o", loinc, value, ucum, "2026-05-02T08:00:00Z"))
    plan = plan_fhir(read_fhir(path), record, child).plan
    (a,) = plan.additions
    assert (a.value.analyte, a.value.unit) == (analyte, ucum)
    assert a.value.normalised_value == pytest.approx(normalised)
    record.close()


def test_results_about_another_patient_are_not_mixed_in(tmp_path: Path) -> None:
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    patient = {"resourceType": "Patient", "id": "p1"}
    mine = [lab(f"m{i}", "6690-2", 2.0 + i, "10*9/L", f"2026-04-0{i + 1}") for i in range(2)]
    mine[0]["subject"] = {"reference": "urn:uuid:0"}  # the Patient's fullUrl
    mine[1]["subject"] = {"reference": "Patient/p1"}
    theirs = lab("t1", "6690-2", 9.9, "10*9/L", "2026-04-05", subject={"reference": "Patient/p2"})
    plan = plan_fhir(read_fhir(write(tmp_path, bundle(patient, *mine, theirs))), record, child).plan
    assert len(plan.additions) == 2
    assert [str(p) for p in plan.problems] == [
        "Observation t1 in bundle.json: it is about another patient (Patient/p2) than the other "
        "results of this import (Patient/p1); import each patient's file on its own"
    ]
    record.close()


def test_the_unit_and_range_as_printed_are_kept_when_the_codes_agree(tmp_path: Path) -> None:
    """valueQuantity.code decides the unit; its human-readable ``unit`` is what the family
    sees when it names the same unit (our own export writes "/µL" with the code "/uL"), and
    a range's ``text`` is kept when it gives the same bounds as low and high."""
    record, child = record_with(tmp_path, dt.date(2026, 1, 10))
    when = "2026-03-14T08:30:00+01:00"
    rng = [{"low": {"value": 1500.0}, "high": {"value": 8500.0}, "text": "1500-8500"}]
    wrong_text = [{"low": {"value": 1.5}, "high": {"value": 8.5}, "text": "normal"}]
    path = write(
        tmp_path,
        bundle(
            lab("a", "751-8", 1200, "/uL", when, referenceRange=rng)
            | {"valueQuantity": {"value": 1200, "unit": "/µL", "code": "/uL"}},
            lab("w", "6690-2", 3.1, "10*9/L", when, referenceRange=wrong_text)
            | {"valueQuantity": {"value": 3.1, "unit": "×10⁹/L", "code": "10*9/L"}},
            lab("h", "718-7", 10.4, "g/dL", when)
            | {"valueQuantity": {"value": 10.4, "unit": "mmol/L", "code": "g/dL"}},
        ),
    )
    got = {
        a.value.analyte: (a.value.unit, a.value.range_text)
        for a in plan_fhir(read_fhir(path), record, child).plan.additions
    }
    assert got == {
        "anc": ("/µL", "1500-8500"),
        "wbc": ("×10⁹/L", "1.5-8.5"),  # the text gives no bounds: the numbers
        "hgb": ("g/dL", ""),  # the unit text names another unit: the code decides
    }
    record.close()
