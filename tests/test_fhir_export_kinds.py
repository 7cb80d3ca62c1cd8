"""The FHIR export of what is not a blood value (docs/fhir.md): the phases as a CarePlan,
lumbar punctures as Procedures with their intrathecal drugs, home medicines and their
doses, growth and temperatures as vital signs."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import replace
from typing import Any

from conftest import NOW
from fhir_checks import check_bundle
from kind_samples import SAMPLES

from tracker.io.fhir_export import fhir_bundle, resource_uuid
from tracker.model import (
    Child,
    CnsVisit,
    DoseLog,
    DoseStatus,
    ItDose,
    ItDrug,
    Phase,
    PhaseKind,
    TemperatureSite,
    TemperatureUnit,
)
from tracker.store import Record

UCUM = "http://unitsofmeasure.org"
DAY = dt.date(2026, 6, 1)


def _bundle(record: Record, child: Child) -> dict[str, Any]:
    bundle = fhir_bundle(record, child, NOW, zone=zoneinfo.ZoneInfo("Europe/Amsterdam"))
    check_bundle(bundle)
    return bundle


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_phases_are_one_care_plan(record: Record, child: Child) -> None:
    assert child.id is not None
    record.save(
        Phase(
            child.id,
            PhaseKind.INDUCTION,
            "Induction 1A",
            actual_start=dt.date(2026, 5, 13),
            actual_end=dt.date(2026, 6, 9),
        )
    )
    record.save(Phase(child.id, PhaseKind.CONSOLIDATION, actual_start=dt.date(2026, 6, 10)))
    record.save(Phase(child.id, PhaseKind.MAINTENANCE, planned_start=dt.date(2027, 1, 4)))
    [plan] = _of(_bundle(record, child), "CarePlan")
    assert plan["id"] == resource_uuid(child.uid, "careplan")
    assert (plan["status"], plan["intent"], plan["title"]) == ("active", "plan", "Treatment phases")
    assert plan["period"] == {"start": "2026-05-13"}
    details = [a["detail"] for a in plan["activity"]]
    assert [(d["code"]["text"], d["status"], d.get("description")) for d in details] == [
        ("Induction", "completed", "Induction 1A"),
        ("Consolidation", "in-progress", "Consolidation"),
        ("Maintenance", "not-started", "Maintenance"),
    ]
    assert details[0]["scheduledPeriod"] == {"start": "2026-05-13", "end": "2026-06-09"}


def test_a_lumbar_puncture_and_its_intrathecal_drugs(record: Record, child: Child) -> None:
    assert child.id is not None
    phase, _ = record.save(SAMPLES["phase"](child, None, DAY))
    visit = SAMPLES["cns_visit"](child, phase.id, DAY)
    visit = replace(
        visit,
        it_drugs=(
            ItDose(ItDrug.METHOTREXATE, "8 mg"),
            ItDose(ItDrug.CYTARABINE, "as the team said"),
        ),
        complications="headache",
    )
    record.save(visit)
    record.save(CnsVisit(child.id, dt.date(2026, 12, 1), planned=True, note="next"))
    bundle = _bundle(record, child)
    [procedure] = _of(bundle, "Procedure")  # the planned one is not exported
    [plan] = _of(bundle, "CarePlan")
    assert procedure["status"] == "completed"
    assert procedure["basedOn"] == [{"reference": f"urn:uuid:{plan['id']}"}]
    assert procedure["performedDateTime"] == "2026-06-01"
    assert procedure["outcome"] == {"text": "CNS status: CNS1"}
    assert procedure["complication"] == [{"text": "headache"}]
    assert {"text": "Blasts seen in the CSF: no"} in procedure["note"]
    mtx, ara_c = _of(bundle, "MedicationAdministration")
    assert mtx["partOf"] == ara_c["partOf"] == [{"reference": f"urn:uuid:{procedure['id']}"}]
    assert mtx["medicationCodeableConcept"] == {"text": "Methotrexate"}
    assert mtx["dosage"] == {
        "text": "8 mg",
        "route": {"text": "Intrathecal"},
        "dose": {"value": 8.0, "unit": "mg", "system": UCUM, "code": "mg"},
    }
    assert "dosage" not in ara_c  # words, not a dose: kept as a note (R4 mad-1)
    assert ara_c["note"] == [{"text": "Dose as typed: as the team said"}]


def test_home_medicines_and_their_doses(record: Record, child: Child) -> None:
    assert child.id is not None
    plan, _ = record.save(SAMPLES["medicine_plan"](child, None, DAY))
    record.save(SAMPLES["dose"](child, plan.id, DAY))  # partly given, 0.3 mL
    record.save(
        DoseLog(child.id, plan.id, DAY + dt.timedelta(days=1), DoseStatus.MISSED, dt.time(19))
    )
    record.save(
        DoseLog(child.id, plan.id, DAY + dt.timedelta(days=2), DoseStatus.GIVEN, dt.time(19))
    )
    bundle = _bundle(record, child)
    [statement] = _of(bundle, "MedicationStatement")
    assert statement["status"] == "active"
    assert statement["dosage"][0]["text"] == "25 mg daily, at 19:00"
    partly, missed, given = _of(bundle, "MedicationAdministration")
    ref = [{"reference": f"urn:uuid:{statement['id']}"}]
    assert partly["supportingInformation"] == missed["supportingInformation"] == ref
    assert partly["status"] == "completed"
    assert partly["effectiveDateTime"] == "2026-06-01T19:20:00+02:00"  # when it was given
    assert partly["dosage"]["dose"] == {"value": 0.3, "unit": "mL", "system": UCUM, "code": "mL"}
    assert partly["note"] == [{"text": "Partly given"}, {"text": "spat some out"}]
    assert missed["status"] == "not-done"
    assert missed["statusReason"] == [{"text": "Missed"}]
    assert "dosage" not in missed
    assert given["dosage"]["dose"]["value"] == 25.0  # the plan's dose


def test_growth_and_temperatures_are_vital_signs(record: Record, child: Child) -> None:
    g, _ = record.save(
        replace(SAMPLES["growth"](child, None, DAY), head_text="42 cm", head_cm=42.0)
    )
    record.save(SAMPLES["temperature"](child, None, DAY))  # 101.3 °F, under the tongue
    record.save(
        replace(
            SAMPLES["temperature"](child, None, DAY),
            time=dt.time(6, 0),
            value_text="38,4",
            unit=TemperatureUnit.CELSIUS,
            celsius=38.4,
            site=TemperatureSite.ARMPIT,
            site_text="",
        )
    )
    bundle = _bundle(record, child)
    obs = _of(bundle, "Observation")
    assert all(o["category"][0]["coding"][0]["code"] == "vital-signs" for o in obs)
    weight, length, head, fahrenheit, celsius = obs
    assert weight["id"] == resource_uuid(g.uid, "weight")
    assert weight["code"]["coding"][0]["code"] == "29463-7"
    assert weight["valueQuantity"]["code"] == "kg"
    assert weight["valueQuantity"]["value"] == g.weight_kg
    assert {"text": "As typed: 15 lb 4 oz"} in weight["note"]
    assert length["code"]["coding"][0]["code"] == "8302-2"
    assert length["valueQuantity"] == {"value": 68.0, "unit": "cm", "system": UCUM, "code": "cm"}
    assert head["code"]["coding"][0]["code"] == "9843-4"
    assert fahrenheit["code"]["coding"][0]["code"] == "8310-5"
    assert fahrenheit["valueQuantity"] == {
        "value": 101.3,
        "unit": "°F",
        "system": UCUM,
        "code": "[degF]",
    }
    assert fahrenheit["effectiveDateTime"] == "2026-06-01T02:10:00+02:00"
    assert fahrenheit["bodySite"] == {"text": "under the tongue"}
    assert celsius["valueQuantity"]["code"] == "Cel" and celsius["valueQuantity"]["value"] == 38.4
    assert celsius["bodySite"] == {"text": "Armpit"}
