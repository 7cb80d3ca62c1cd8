"""A real LOINC code the catalogue does not know: the test is read from the code's long
common name only when that name says the specimen is blood ("Platelets [#/volume] in Blood
by Manual count" is a platelet count); a plain name ("WBC") or another specimen ("…in
Cerebral spinal fluid") is kept as printed, never a blood count (the re-check of issue 14
found manual blood counts lost to the other results, and a CSF result kept as blood)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import fixed_clock

from tracker.io.fhir_import import plan_fhir, read_fhir
from tracker.io.lab_values import resolve_test
from tracker.model import Child
from tracker.store import Record


@pytest.mark.parametrize(
    ("name", "unit", "code", "expected"),
    [
        ("Platelets [#/volume] in Blood by Manual count", "10*3/uL", "778-1", "plt"),
        ("Leukocytes [#/volume] in Blood by Manual count", "10*3/uL", "804-5", "wbc"),
        ("Hematocrit [Volume Fraction] of Blood", "%", "20570-8", "hct"),
        ("Hemoglobin [Mass/volume] in Blood", "g/dL", "20509-6", "hgb"),
        ("Platelets", "10*3/uL", "778-1", None),  # a plain name: which specimen is not said
        ("WBC", "/uL", "26465-5", None),
        ("Leukocytes [#/volume] in Cerebral spinal fluid", "/uL", "26465-5", None),
        ("Blasts/100 leukocytes in Cerebral spinal fluid", "%", "35068-6", None),
    ],
)
def test_an_unknown_code_is_read_by_its_long_name_only_in_blood(
    name: str, unit: str, code: str, expected: str | None
) -> None:
    a = resolve_test(name, unit, code)
    assert (a.code if a is not None else None) == expected


def test_a_result_of_spinal_fluid_with_a_labs_own_code_is_never_a_blood_count(
    tmp_path: Path,
) -> None:
    """Observation.specimen says cerebrospinal fluid (or marrow): "Blasts" 80 % with the
    lab's own code "CSFBL" is kept as printed, named with its specimen."""
    record = Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock)
    child, _ = record.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))

    def obs(oid: str, text: str, value: float, unit: str, specimen: str) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "id": oid,
            "status": "final",
            "category": [{"coding": [{"code": "laboratory"}]}],
            "code": {"coding": [{"system": "urn:lab", "code": oid.upper()}], "text": text},
            "specimen": {"display": specimen},
            "effectiveDateTime": "2026-03-02T09:15:00+01:00",
            "valueQuantity": {"value": value, "unit": unit},
        }

    path = tmp_path / "lp.json"
    entries = [
        {"resource": obs("csfbl", "Blasts", 80, "%", "Cerebrospinal fluid")},
        {"resource": obs("bmbl", "Blasts", 12, "%", "Bone marrow aspirate")},
        {"resource": obs("wbc", "WBC", 3.1, "10*9/L", "Venous blood")},
    ]
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))
    plan = plan_fhir(read_fhir(path), record, child).plan
    assert [a.value.analyte for a in plan.additions] == ["wbc"]
    kept = sorted(o.other.name for o in plan.others_added)
    assert kept == ["Blasts (Bone marrow aspirate)", "Blasts (Cerebrospinal fluid)"]
    record.close()
