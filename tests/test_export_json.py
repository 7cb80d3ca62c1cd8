"""The JSON export: lossless round trip, the documented structure, atomic private writes."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, TODAY, fixed_clock

from tracker.forms import ValueInput, count_from_form
from tracker.io import json_export
from tracker.io.json_export import FORMAT, VERSION, dumps, export_record, write_json
from tracker.model import (
    Child,
    CnsStatus,
    CnsVisit,
    Comparator,
    CountResult,
    CountValue,
    FeverRule,
    Growth,
    ItDose,
    ItDrug,
    Kmt2aStatus,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    Phase,
    PhaseKind,
    PrednisoneResponse,
    RiskGroup,
    Severity,
    Sex,
    Stay,
    StayReason,
    Symptom,
    SymptomWhat,
    Temperature,
    TemperatureSite,
    TemperatureUnit,
    Transfusion,
    TransfusionProduct,
    YesNoUnknown,
)
from tracker.store import CannotSave, Record

RTL = "נועה אוהבת בננות — مرحبا بالعالم"
EMOJI = "👶🏽🍼🎉"
UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

CHILD_KEYS = [
    "uid",
    "name",
    "birth_date",
    "sex",
    "diagnosis_date",
    "immunophenotype",
    "kmt2a_status",
    "kmt2a_partner",
    "wbc_at_diagnosis_text",
    "wbc_at_diagnosis_unit",
    "wbc_at_diagnosis",
    "cns_status_at_diagnosis",
    "prednisone_response",
    "protocol",
    "risk_group",
    "risk_group_text",
    "hospital",
    "team_contacts",
    "notes",
    "central_line",
    "central_line_text",
    "allergies",
    "no_known_allergies",
    "phone_day",
    "phone_24h",
    "blood_product_notes",
    "phases",
    "milestones",
    "counts",
    "cns_visits",
    "team_thresholds",
    "appointments",
    "questions",
    "growth",
    "medicine_plans",
    "doses",
    "temperatures",
    "fever_rules",
    "symptoms",
    "transfusions",
    "stays",
    "roadmaps",
]
MEDICINE_PLAN_KEYS = [
    "uid",
    "drug",
    "start_date",
    "dose_amount",
    "dose_unit",
    "strength",
    "form",
    "schedule",
    "end_date",
    "team_note",
    "follows_uid",
]
DOSE_KEYS = ["uid", "plan_uid", "due_date", "due_time", "status", "given_time", "amount", "note"]
TRANSFUSION_KEYS = [
    "uid",
    "date",
    "time",
    "product",
    "product_text",
    "amount_text",
    "volume_ml",
    "units",
    "reason",
    "note",
]
STAY_KEYS = ["uid", "from_date", "to_date", "place", "reason", "reason_text", "note"]
GROWTH_KEYS = [
    "uid",
    "date",
    "weight_text",
    "weight_kg",
    "length_text",
    "length_cm",
    "head_text",
    "head_cm",
    "measured_by",
    "note",
]
TEMPERATURE_KEYS = [
    "uid",
    "date",
    "time",
    "value_text",
    "unit",
    "celsius",
    "site",
    "site_text",
    "called_team",
    "went_to_hospital",
    "gave_paracetamol",
    "done_text",
    "note",
]
FEVER_RULE_KEYS = ["uid", "given_on", "value_text", "unit", "celsius", "rule_text"]
SYMPTOM_KEYS = [
    "uid",
    "date",
    "what",
    "what_text",
    "end_date",
    "severity",
    "grade",
    "grade_version",
    "note",
]
PHASE_KEYS = [
    "uid",
    "kind",
    "name",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "notes",
]
MILESTONE_KEYS = ["uid", "date", "kind", "result_text", "planned", "mrd", "notes"]
MRD_KEYS = ["entered", "fraction", "qualifier", "method", "sample"]
COUNT_KEYS = [
    "uid",
    "taken_at",
    "taken_date",
    "taken_time",
    "source",
    "note",
    "values",
    "other_results",
]
OTHER_KEYS = ["uid", "name", "value_text", "unit", "range_text", "lab_flag", "lab_comment"]
VALUE_KEYS = [
    "uid",
    "analyte",
    "value",
    "value_text",
    "unit",
    "comparator",
    "normalised_value",
    "canonical_unit",
    "range_text",
    "range_low",
    "range_high",
    "lab_flag",
    "lab_comment",
    "hours_after",
    "calculated",
]
CNS_KEYS = [
    "uid",
    "date",
    "procedure",
    "phase_uid",
    "it_drugs",
    "csf_wbc",
    "csf_rbc",
    "blasts_seen",
    "cns_status",
    "sedation",
    "platelets",
    "complications",
    "planned",
    "note",
]
IT_KEYS = ["uid", "drug", "dose_text"]


# ---------------------------------------------------------------------- a record using every field


@pytest.fixture
def full(record: Record) -> Record:
    """Two children; the first uses every field, every analyte, enum and text oddity."""
    noa, _ = record.save(
        Child(
            name=f"Noa {EMOJI} {RTL}",
            birth_date=dt.date(2026, 1, 10),
            sex=Sex.OTHER,
            diagnosis_date=dt.date(2026, 5, 12),
            immunophenotype="pro-B (CD10−)",
            kmt2a_status=Kmt2aStatus.REARRANGED,
            kmt2a_partner="AFF1",
            wbc_at_diagnosis_text="1,2",
            wbc_at_diagnosis_unit="K/µL",
            wbc_at_diagnosis=1.2,
            cns_status_at_diagnosis=CnsStatus.TLP_POSITIVE,
            prednisone_response=PrednisoneResponse.POOR,
            protocol="Interfant-21",
            risk_group=RiskGroup.OTHER,
            risk_group_text="MR → HR after MRD",
            hospital="Hôpital d'exemple 🏥",
            team_contacts="Ward: 555-0100\nNurse: Ana ☎",
            notes=f"line one\nline two {RTL}\t{EMOJI}",
        )
    )
    assert noa.id is not None
    induction, _ = record.save(
        Phase(
            noa.id,
            PhaseKind.INDUCTION,
            "Induction 💪",
            planned_start=dt.date(2026, 5, 19),
            planned_end=dt.date(2026, 6, 20),
            actual_start=dt.date(2026, 5, 20),
            actual_end=dt.date(2026, 6, 22),
            notes=RTL,
        )
    )
    record.save(Phase(noa.id, PhaseKind.MAINTENANCE, actual_start=dt.date(2026, 11, 1)))
    record.save(
        Phase(
            noa.id,
            PhaseKind.OFF_THERAPY,
            planned_start=dt.date(2028, 5, 12),
            planned_end=dt.date(2028, 6, 1),
        )
    )
    for m in (
        Milestone(
            noa.id,
            dt.date(2026, 6, 14),
            MilestoneKind.MRD_RESULT,
            "day 33",
            mrd=Mrd("1.2×10^-4", 1.2e-4, MrdQualifier.QUANTIFIED, MrdMethod.PCR_KMT2A, None),
            notes=EMOJI,
        ),
        Milestone(
            noa.id,
            dt.date(2026, 7, 1),
            MilestoneKind.MRD_RESULT,
            mrd=Mrd("", None, MrdQualifier.NEGATIVE, MrdMethod.FLOW, MrdSample.BLOOD),
        ),
        Milestone(
            noa.id,
            dt.date(2026, 8, 1),
            MilestoneKind.MRD_RESULT,
            mrd=Mrd("", None, MrdQualifier.POSITIVE_NOT_QUANTIFIABLE, None, MrdSample.MARROW),
        ),
        Milestone(
            noa.id,
            dt.date(2026, 9, 1),
            MilestoneKind.MRD_RESULT,
            mrd=Mrd("<0.01%", None, MrdQualifier.BELOW_QUANTIFIABLE_RANGE, MrdMethod.NGS, None),
        ),
        Milestone(noa.id, dt.date(2026, 6, 15), MilestoneKind.REMISSION, f"CR {RTL}"),
        Milestone(noa.id, dt.date(2027, 1, 5), MilestoneKind.MARROW_CHECK, planned=True),
    ):
        record.save(m)
    every = [
        ValueInput("wbc", "1,2", "K/µL", "6.1-17.5"),
        ValueInput("anc", "<0.1", "×10⁹/L", "1.0-8.5"),
        ValueInput("neut_pct", "40", "%"),
        ValueInput("band_pct", "5.5", "percent"),
        ValueInput("lymph", "850", "cells/uL", "4000-13500"),
        ValueInput("mono", "0.3", "G/L", "<0.9"),
        ValueInput("blast_pct", "0", "%"),
        ValueInput("hgb", "6.2", "mmol/L", "5,9 – 8,7"),
        ValueInput("hct", "31", "%", "29-41"),
        ValueInput("plt", "15", "K/uL", ">150"),
        ValueInput("rbc", "3.5", "M/µL", "3.1 to 5.1"),
    ]
    for taken_date, time, values, note in (
        ("2026-06-01", "07:45", every, f"{EMOJI} after transfusion {RTL}"),
        ("2026-06-01", "", [ValueInput("plt", "48", "×10⁹/L")], ""),
        ("2026-06-03", "23:59", [ValueInput("hgb", "98", "g/L")], "x"),
    ):
        record.save(
            count_from_form(
                {"taken_date": taken_date, "taken_time": time, "source": "Lab 🧪", "note": note},
                values,
                child=noa,
                today=TODAY,
            )
        )
    record.save(
        CnsVisit(
            noa.id,
            dt.date(2026, 6, 14),
            LpProcedure.LP_WITH_IT,
            phase_id=induction.id,
            it_drugs=(
                ItDose(ItDrug.METHOTREXATE, "8 mg"),
                ItDose(ItDrug.CYTARABINE, "20 mg"),
                ItDose(ItDrug.HYDROCORTISONE, ""),
                ItDose(ItDrug.PREDNISOLONE, "6 mg 💉"),
            ),
            csf_wbc=6.0,
            csf_rbc=1200.5,
            blasts_seen=YesNoUnknown.YES,
            cns_status=CnsStatus.CNS3,
            sedation=RTL,
            platelets=52.0,
            complications=f"headache {EMOJI}",
            note="n",
        )
    )
    record.save(
        CnsVisit(noa.id, dt.date(2026, 5, 12), LpProcedure.DIAGNOSTIC_LP, cns_status=CnsStatus.CNS2)
    )
    record.save(CnsVisit(noa.id, dt.date(2027, 2, 1), planned=True))
    record.save(
        Growth(
            noa.id,
            dt.date(2026, 11, 20),
            weight_text="15 lb 4 oz",
            weight_kg=(15 + 4 / 16) * 0.45359237,
            head_text="43 cm",
            head_cm=43.0,
            measured_by=f"clinic {EMOJI}",
        )
    )
    record.save(
        Temperature(
            noa.id,
            dt.date(2026, 11, 19),
            dt.time(2, 10),
            "101.3 °F",
            TemperatureUnit.FAHRENHEIT,
            (101.3 - 32) * 5 / 9,
            TemperatureSite.EAR,
            called_team=True,
            note=EMOJI,
        )
    )
    record.save(FeverRule(noa.id, dt.date(2026, 6, 1), "38.0", TemperatureUnit.CELSIUS, 38.0, RTL))
    record.save(
        Symptom(
            noa.id,
            dt.date(2026, 11, 10),
            SymptomWhat.MOUTH_SORES,
            end_date=dt.date(2026, 11, 12),
            severity=Severity.MODERATE,
            grade=2,
            grade_version="CTCAE v5.0",
        )
    )
    record.save(
        Transfusion(
            noa.id,
            dt.date(2026, 11, 21),
            dt.time(15, 10),
            TransfusionProduct.PLATELETS,
            amount_text="45 mL",
            volume_ml=45.0,
            reason=f"low {EMOJI}",
        )
    )
    record.save(Stay(noa.id, dt.date(2026, 11, 20), None, "Ward 3", StayReason.FEVER))
    record.save(Child(name="Sam", birth_date=dt.date(2025, 12, 1)))
    return record


@pytest.fixture
def exported(full: Record, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "export.json"
    write_json(full, path, NOW)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# ---------------------------------------------------------------------- reading it back (test-only)


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text is not None else None


def _child(c: dict[str, Any]) -> Child:
    return Child(
        name=c["name"],
        birth_date=dt.date.fromisoformat(c["birth_date"]),
        sex=Sex(c["sex"]),
        diagnosis_date=_d(c["diagnosis_date"]),
        immunophenotype=c["immunophenotype"],
        kmt2a_status=Kmt2aStatus(c["kmt2a_status"]),
        kmt2a_partner=c["kmt2a_partner"],
        wbc_at_diagnosis_text=c["wbc_at_diagnosis_text"],
        wbc_at_diagnosis_unit=c["wbc_at_diagnosis_unit"],
        wbc_at_diagnosis=c["wbc_at_diagnosis"],
        cns_status_at_diagnosis=CnsStatus(c["cns_status_at_diagnosis"]),
        prednisone_response=PrednisoneResponse(c["prednisone_response"]),
        protocol=c["protocol"],
        risk_group=RiskGroup(c["risk_group"]),
        risk_group_text=c["risk_group_text"],
        hospital=c["hospital"],
        team_contacts=c["team_contacts"],
        notes=c["notes"],
        uid=c["uid"],
    )


def _phase(p: dict[str, Any]) -> Phase:
    return Phase(
        0,
        PhaseKind(p["kind"]),
        p["name"],
        _d(p["planned_start"]),
        _d(p["planned_end"]),
        _d(p["actual_start"]),
        _d(p["actual_end"]),
        p["notes"],
        uid=p["uid"],
    )


def _milestone(m: dict[str, Any]) -> Milestone:
    mrd = None
    if m["mrd"] is not None:
        x = m["mrd"]
        mrd = Mrd(
            x["entered"],
            x["fraction"],
            MrdQualifier(x["qualifier"]),
            MrdMethod(x["method"]) if x["method"] else None,
            MrdSample(x["sample"]) if x["sample"] else None,
        )
    return Milestone(
        0,
        dt.date.fromisoformat(m["date"]),
        MilestoneKind(m["kind"]),
        m["result_text"],
        m["planned"],
        mrd,
        m["notes"],
        uid=m["uid"],
    )


def _count(c: dict[str, Any]) -> CountResult:
    values = tuple(
        CountValue(
            v["analyte"],
            v["value_text"],
            v["unit"],
            v["value"],
            v["normalised_value"],
            v["canonical_unit"],
            Comparator(v["comparator"]),
            v["range_text"],
            v["range_low"],
            v["range_high"],
            v["uid"],
        )
        for v in c["values"]
    )
    return CountResult(
        0,
        dt.date.fromisoformat(c["taken_date"]),
        dt.time.fromisoformat(c["taken_time"]) if c["taken_time"] else None,
        c["source"],
        c["note"],
        values,
        uid=c["uid"],
    )


def _visit(v: dict[str, Any]) -> CnsVisit:
    return CnsVisit(
        0,
        dt.date.fromisoformat(v["date"]),
        LpProcedure(v["procedure"]),
        None,
        tuple(ItDose(ItDrug(d["drug"]), d["dose_text"], d["uid"]) for d in v["it_drugs"]),
        v["csf_wbc"],
        v["csf_rbc"],
        YesNoUnknown(v["blasts_seen"]),
        CnsStatus(v["cns_status"]),
        v["sedation"],
        v["platelets"],
        v["complications"],
        v["planned"],
        v["note"],
        uid=v["uid"],
    )


def _walk(node: Any) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value, node
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


# ---------------------------------------------------------------------- round trip


def test_round_trip_keeps_every_field(full: Record, exported: dict[str, Any]) -> None:
    children = sorted(full.children(), key=lambda c: (c.birth_date, c.uid))  # by birth
    assert [c["uid"] for c in exported["children"]] == [c.uid for c in children]
    for child, data in zip(children, exported["children"], strict=True):
        assert child.id is not None
        assert _child(data) == replace(child, id=None)
        phases = full.entries(Phase, child.id)
        assert [_phase(p) for p in data["phases"]] == [
            replace(p, id=None, child_id=0) for p in phases
        ]
        assert [_milestone(m) for m in data["milestones"]] == [
            replace(m, id=None, child_id=0) for m in full.entries(Milestone, child.id)
        ]
        assert [_count(c) for c in data["counts"]] == [
            replace(c, id=None, child_id=0) for c in full.counts(child.id)
        ]
        visits = full.entries(CnsVisit, child.id)
        assert [_visit(v) for v in data["cns_visits"]] == [
            replace(v, id=None, child_id=0, phase_id=None) for v in visits
        ]
        uid_of = {p.id: p.uid for p in phases}
        assert [v["phase_uid"] for v in data["cns_visits"]] == [
            uid_of[v.phase_id] if v.phase_id is not None else None for v in visits
        ]


def _named(exported: dict[str, Any], name: str) -> dict[str, Any]:
    """The exported child whose name starts with ``name`` (children are ordered by birth)."""
    return next(c for c in exported["children"] if c["name"].startswith(name))


def test_text_is_kept_exactly(exported: dict[str, Any]) -> None:
    noa = _named(exported, "Noa")
    assert noa["name"] == f"Noa {EMOJI} {RTL}"
    assert noa["notes"] == f"line one\nline two {RTL}\t{EMOJI}"
    timed = noa["counts"][1]  # a count without a time comes first on its day
    wbc = timed["values"][0]
    assert (wbc["value_text"], wbc["unit"], wbc["value"], wbc["normalised_value"]) == (
        "1,2",
        "K/µL",
        1.2,
        1.2,
    )
    anc = timed["values"][1]
    assert (anc["value_text"], anc["comparator"], anc["value"]) == ("<0.1", "<", 0.1)
    hgb = timed["values"][7]
    assert hgb["unit"] == "mmol/L" and hgb["range_text"] == "5,9 – 8,7"
    assert (hgb["range_low"], hgb["range_high"]) == (5.9, 8.7)
    assert hgb["normalised_value"] == pytest.approx(6.2 * 10 / 0.6206)
    assert noa["milestones"][0]["mrd"]["entered"] == "1.2×10^-4"


def test_file_is_utf8_without_escapes(full: Record, tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    write_json(full, path, NOW)
    raw = path.read_bytes()
    assert EMOJI.encode("utf-8") in raw
    assert RTL.encode("utf-8") in raw
    assert b"\\u" not in raw
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.endswith(b"\n")


def test_export_is_deterministic(full: Record, tmp_path: Path) -> None:
    one, two = tmp_path / "1.json", tmp_path / "2.json"
    write_json(full, one, NOW)
    write_json(full, two, NOW)
    assert one.read_bytes() == two.read_bytes()
    assert dumps(export_record(full, NOW)) == one.read_text(encoding="utf-8")


def test_read_only_record_exports(full: Record, record_path: Path, tmp_path: Path) -> None:
    with Record.open(record_path, read_only=True, clock=fixed_clock) as ro:
        assert export_record(ro, NOW) == export_record(full, NOW)


# ---------------------------------------------------------------------- the documented structure


def test_top_level(exported: dict[str, Any]) -> None:
    assert list(exported) == ["format", "version", "record_uid", "exported_at", "children"]
    assert exported["format"] == FORMAT == "treatment-tracker"
    assert exported["version"] == VERSION == 6
    assert exported["exported_at"] == "2026-11-24T09:30:00+00:00"
    assert dt.datetime.fromisoformat(exported["exported_at"]) == NOW


def test_every_object_has_the_documented_keys(exported: dict[str, Any]) -> None:
    for child in exported["children"]:
        assert list(child) == CHILD_KEYS
        for p in child["phases"]:
            assert list(p) == PHASE_KEYS
        for g in child["growth"]:
            assert list(g) == GROWTH_KEYS
        for plan in child["medicine_plans"]:
            assert list(plan) == MEDICINE_PLAN_KEYS
        for dose in child["doses"]:
            assert list(dose) == DOSE_KEYS
        for t in child["temperatures"]:
            assert list(t) == TEMPERATURE_KEYS
        for r in child["fever_rules"]:
            assert list(r) == FEVER_RULE_KEYS
        for s in child["symptoms"]:
            assert list(s) == SYMPTOM_KEYS
        for t in child["transfusions"]:
            assert list(t) == TRANSFUSION_KEYS
        for st in child["stays"]:
            assert list(st) == STAY_KEYS
        for m in child["milestones"]:
            assert list(m) == MILESTONE_KEYS
            if m["mrd"] is not None:
                assert list(m["mrd"]) == MRD_KEYS
                assert m["kind"] == "mrd_result"
        for c in child["counts"]:
            assert list(c) == COUNT_KEYS
            for v in c["values"]:
                assert list(v) == VALUE_KEYS
            for o in c["other_results"]:
                assert list(o) == OTHER_KEYS
        for v in child["cns_visits"]:
            assert list(v) == CNS_KEYS
            for d in v["it_drugs"]:
                assert list(d) == IT_KEYS


def test_no_integer_ids_and_every_record_has_a_uid(exported: dict[str, Any]) -> None:
    keys = {key for key, _, _ in _walk(exported)}
    assert not keys & {"id", "child_id", "phase_id", "result_id", "visit_id"}
    uids = [value for key, value, _ in _walk(exported) if key == "uid"]
    assert all(UID.match(u) for u in uids)
    assert len(uids) == len(set(uids))
    noa = _named(exported, "Noa")
    expected = (
        2  # children
        + len(noa["phases"])
        + len(noa["milestones"])
        + sum(1 + len(c["values"]) for c in noa["counts"])
        + sum(1 + len(v["it_drugs"]) for v in noa["cns_visits"])
        + len(noa["growth"])
        + len(noa["temperatures"])
        + len(noa["fever_rules"])
        + len(noa["symptoms"])
        + len(noa["transfusions"])
        + len(noa["stays"])
    )
    assert len(uids) == expected


def test_value_types_and_calculated_fields(exported: dict[str, Any]) -> None:
    noa, sam = _named(exported, "Noa"), _named(exported, "Sam")
    for key, value, _ in _walk(exported):
        if key.endswith(("_date", "_start", "_end")) or key == "date":
            assert value is None or DATE.match(value), (key, value)
    assert [p["kind"] for p in noa["phases"]] == ["induction", "maintenance", "off_therapy"]
    untimed, first, late = noa["counts"]  # without a time sorts first on its day
    assert first["taken_at"] == "2026-06-01T07:45" and first["taken_time"] == "07:45"
    assert untimed["taken_at"] == "2026-06-01" and untimed["taken_time"] is None
    assert late["taken_at"] == "2026-06-03T23:59"
    assert [v["analyte"] for v in first["values"]] == [
        "wbc",
        "anc",
        "neut_pct",
        "band_pct",
        "lymph",
        "mono",
        "blast_pct",
        "hgb",
        "hct",
        "plt",
        "rbc",
    ]
    canonical = {v["analyte"]: v["canonical_unit"] for v in first["values"]}
    assert canonical == {
        "wbc": "10^9/L",
        "anc": "10^9/L",
        "neut_pct": "%",
        "band_pct": "%",
        "lymph": "10^9/L",
        "mono": "10^9/L",
        "blast_pct": "%",
        "hgb": "g/L",
        "hct": "L/L",
        "plt": "10^9/L",
        "rbc": "10^12/L",
    }
    lymph, hct, plt = first["values"][4], first["values"][8], first["values"][9]
    assert lymph["normalised_value"] == pytest.approx(0.85)
    assert (lymph["range_low"], lymph["range_high"]) == (4000.0, 13500.0)  # in the unit typed
    assert hct["normalised_value"] == pytest.approx(0.31)
    assert (plt["range_low"], plt["range_high"]) == (150.0, None)
    assert first["values"][5]["range_low"] is None and first["values"][5]["range_high"] == 0.9
    for v in first["values"]:
        assert isinstance(v["value"], float) and isinstance(v["normalised_value"], float)
    mrds = [m["mrd"] for m in noa["milestones"] if m["mrd"] is not None]
    assert {m["qualifier"] for m in mrds} == {
        "quantified",
        "negative",
        "positive_not_quantifiable",
        "below_quantifiable_range",
    }
    assert mrds[0] == {
        "entered": "1.2×10^-4",
        "fraction": 1.2e-4,
        "qualifier": "quantified",
        "method": "pcr_kmt2a",
        "sample": None,
    }
    assert [m["mrd"] for m in noa["milestones"] if m["kind"] != "mrd_result"] == [None, None]
    lp = next(v for v in noa["cns_visits"] if v["date"] == "2026-06-14")
    assert lp["phase_uid"] == noa["phases"][0]["uid"]
    assert [d["drug"] for d in lp["it_drugs"]] == [
        "methotrexate",
        "cytarabine",
        "hydrocortisone",
        "prednisolone",
    ]
    assert lp["cns_status"] == "CNS3" and lp["blasts_seen"] == "yes"
    diagnostic = next(v for v in noa["cns_visits"] if v["procedure"] == "diagnostic_lp")
    assert diagnostic["it_drugs"] == [] and diagnostic["phase_uid"] is None
    assert sam["diagnosis_date"] is None and sam["wbc_at_diagnosis"] is None
    assert sam["sex"] == "unknown" and sam["cns_status_at_diagnosis"] == "unknown"
    assert sam["phases"] == sam["milestones"] == sam["counts"] == sam["cns_visits"] == []


def test_empty_record(record: Record) -> None:
    assert export_record(record, NOW) == {
        "format": "treatment-tracker",
        "version": 6,
        "record_uid": record.record_uid,
        "exported_at": "2026-11-24T09:30:00+00:00",
        "children": [],
    }


# ---------------------------------------------------------------------- writing safely


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_new_file_is_private(full: Record, tmp_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        write_json(full, tmp_path / "e.json", NOW)
    finally:
        os.umask(old_umask)
    assert _mode(tmp_path / "e.json") == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_replacing_a_readable_file_makes_it_private(full: Record, tmp_path: Path) -> None:
    target = tmp_path / "e.json"
    target.write_text("old")
    target.chmod(0o644)
    write_json(full, target, NOW)
    assert _mode(target) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "treatment-tracker"


def _old_target(tmp_path: Path) -> tuple[Path, bytes]:
    target = tmp_path / "export.json"
    target.write_bytes(b'{"old": "export \xf0\x9f\x91\xb6"}\n')
    return target, target.read_bytes()


def test_failed_rename_leaves_old_file(
    full: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, before = _old_target(tmp_path)

    def refuse(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(CannotSave, match="unchanged") as info:
        write_json(full, target, NOW)
    assert isinstance(info.value.__cause__, OSError)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "export.json",
        "family.sqlite",
        "family.sqlite.lock",
    ]


def test_disk_full_leaves_old_file(
    full: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, before = _old_target(tmp_path)

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(CannotSave, match="the disk is full"):
        write_json(full, target, NOW)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "export.json",
        "family.sqlite",
        "family.sqlite.lock",
    ]


def test_unserialisable_data_writes_nothing(
    full: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, before = _old_target(tmp_path)

    def broken(record: Record, exported_at: dt.datetime, *_progress: object) -> dict[str, Any]:
        return {"format": FORMAT, "value": float("nan")}

    monkeypatch.setattr(json_export, "export_record", broken)
    with pytest.raises(ValueError):
        write_json(full, target, NOW)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "export.json",
        "family.sqlite",
        "family.sqlite.lock",
    ]


def test_interrupted_write_leaves_old_file(
    full: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, before = _old_target(tmp_path)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_json(full, target, NOW)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "export.json",
        "family.sqlite",
        "family.sqlite.lock",
    ]


def test_missing_folder_is_a_plain_message(full: Record, tmp_path: Path) -> None:
    with pytest.raises(CannotSave, match="does not exist; nothing was written"):
        write_json(full, tmp_path / "nowhere" / "e.json", NOW)
    assert not (tmp_path / "nowhere").exists()


def test_folder_as_target_is_refused_untouched(full: Record, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep")
    with pytest.raises(CannotSave):
        write_json(full, folder, NOW)
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "family.sqlite",
        "family.sqlite.lock",
        "out",
    ]
