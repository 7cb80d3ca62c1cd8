"""Checks of an exported FHIR R4 Bundle by things nobody here wrote, and by the rules of
R4 that the model library does not check.

``fhirclient`` (models generated from FHIR 4.0.1; capabilities.md §3: exact R4 and light,
so chosen over fhir.resources, whose only R4-like package is R4B) parses every resource
strictly: unknown fields, wrong types, missing required elements.  It does not check
value-set bindings, invariants or references, so :func:`check_bundle` adds those: every
status and code from its R4 value set (copied from the R4 specification's pages), the
dateTime pattern of R4 (hours need a time zone), qty-3, mad-1, unique ``urn:uuid``
fullUrls, and every reference resolving inside the Bundle.

:func:`record_count_values` and :func:`bundle_count_values` list the blood values of a
record and of a Bundle in one comparable form: the round trip (export, then the FHIR
import into an empty record) must give ``record_count_values`` equal before and after.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fhirclient.models.bundle import Bundle

from tracker import analytes
from tracker.model import Child, CountResult
from tracker.store import Record

# R4 (4.0.1) value sets, from hl7.org/fhir/R4/valueset-*.html.
BUNDLE_TYPES = {
    "document",
    "message",
    "transaction",
    "transaction-response",
    "batch",
    "batch-response",
    "history",
    "searchset",
    "collection",
}
STATUS = {
    "Observation": {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "DiagnosticReport": {
        "registered",
        "partial",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "appended",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "Procedure": {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    },
    "MedicationStatement": {
        "active",
        "completed",
        "entered-in-error",
        "intended",
        "stopped",
        "on-hold",
        "unknown",
        "not-taken",
    },
    "MedicationAdministration": {
        "in-progress",
        "not-done",
        "on-hold",
        "completed",
        "entered-in-error",
        "stopped",
        "unknown",
    },
    "CarePlan": {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
}
CARE_PLAN_INTENT = {"proposal", "plan", "order", "option"}
ACTIVITY_STATUS = {
    "not-started",
    "scheduled",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "stopped",
    "unknown",
    "entered-in-error",
}
GENDER = {"male", "female", "other", "unknown"}
COMPARATOR = {"<", "<=", ">=", ">"}
OBSERVATION_CATEGORY = {"laboratory", "vital-signs"}  # of the R4 set: the ones we use
# v3-ObservationInterpretation: the codes a printed lab flag can mean (R4 code system).
INTERPRETATION = {"L", "H", "LL", "HH", "A", "AA", "N", "<", ">", "LU", "HU"}
VITAL_SIGNS_LOINC = {"29463-7", "8302-2", "9843-4", "8310-5"}  # domain.md §5.2
# R4 dateTime (hl7.org/fhir/R4/datatypes.html#dateTime): with hours, a zone is required.
DATE_TIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
    r"(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?"
    r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)
DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
UUID_URN = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _walk(item: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (path, value) pair under ``item``, dict keys joined with dots."""
    found = [(path, item)]
    if isinstance(item, dict):
        for k, v in item.items():
            found += _walk(v, f"{path}.{k}" if path else k)
    elif isinstance(item, list):
        for v in item:
            found += _walk(v, path)
    return found


def check_bundle(bundle: dict[str, Any]) -> None:
    """Fail (AssertionError or fhirclient's FHIRValidationError) unless ``bundle`` is a
    valid R4 collection Bundle in the shape docs/fhir.md describes."""
    Bundle(bundle, strict=True)
    assert bundle["type"] in BUNDLE_TYPES and bundle["type"] == "collection"
    entries = bundle["entry"]
    full_urls = [e["fullUrl"] for e in entries]
    assert len(set(full_urls)) == len(full_urls), "two entries share a fullUrl"
    loinc = {a.loinc for a in analytes.ANALYTES if a.loinc} | VITAL_SIGNS_LOINC
    if entries:
        assert entries[0]["resource"]["resourceType"] == "Patient", "the Patient comes first"
    for entry in entries:
        r = entry["resource"]
        kind = r["resourceType"]
        assert UUID_URN.fullmatch(entry["fullUrl"]), entry["fullUrl"]
        assert entry["fullUrl"] == f"urn:uuid:{r['id']}"
        if kind in STATUS:
            assert r["status"] in STATUS[kind], (kind, r["status"])
        if kind == "Patient":
            assert r.get("gender", "unknown") in GENDER
            assert "birthDate" not in r or DATE.fullmatch(r["birthDate"])
        if kind == "CarePlan":
            assert r["intent"] in CARE_PLAN_INTENT
            assert all(a["detail"]["status"] in ACTIVITY_STATUS for a in r["activity"])
        if kind == "Observation":
            [category] = r["category"]
            assert category["coding"][0]["code"] in OBSERVATION_CATEGORY
            for concept in r.get("interpretation", []):
                assert all(c["code"] in INTERPRETATION for c in concept.get("coding", []))
        if kind == "MedicationAdministration" and "dosage" in r:  # mad-1
            assert "dose" in r["dosage"] or "rateQuantity" in r["dosage"]
        for path, value in _walk(r):
            last = path.rsplit(".", 1)[-1]
            if last.endswith("DateTime") or last in ("timestamp",):
                assert DATE_TIME.fullmatch(value), (path, value)
            if last == "reference":
                assert value in full_urls, (path, value)
            if last == "comparator":
                assert value in COMPARATOR
            if isinstance(value, dict) and "code" in value and "value" in value:
                assert "system" in value, f"qty-3: {path} has a code and no system"
            if isinstance(value, dict) and value.get("system") == "http://loinc.org":
                assert value["code"] in loinc, value
            if isinstance(value, str):
                assert value == value.strip() and value, f"{path}: {value!r}"


def _time_of(when: str) -> tuple[str, str]:
    """The date and the wall-clock HH:MM of a FHIR dateTime ("" without a time)."""
    if "T" not in when:
        return when, ""
    moment = dt.datetime.fromisoformat(when)
    return moment.date().isoformat(), moment.strftime("%H:%M")


def record_count_values(record: Record, child: Child) -> list[tuple[Any, ...]]:
    """The child's blood values, comparable between records: (date, time, analyte, value,
    comparator, unit as typed, range low, range high, range text, lab flag), sorted."""
    assert child.id is not None
    rows = []
    draw: CountResult
    for draw in record.counts(child.id):
        for v in draw.values:
            rows.append(
                (
                    draw.taken_date.isoformat(),
                    draw.taken_time.strftime("%H:%M") if draw.taken_time else "",
                    v.analyte,
                    v.value,
                    v.comparator.value,
                    v.unit,
                    v.range_low,
                    v.range_high,
                    v.range_text,
                    v.lab_flag,
                )
            )
    return sorted(rows, key=repr)


def bundle_count_values(bundle: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The same list read from the laboratory Observations of ``bundle`` that carry a
    LOINC code of the catalogue (a test-side reading, not the program's importer)."""
    by_loinc = {a.loinc: a.code for a in analytes.ANALYTES if a.loinc}
    by_name = {a.name: a.code for a in analytes.ANALYTES}
    rows = []
    for entry in bundle["entry"]:
        r = entry["resource"]
        if r["resourceType"] != "Observation" or "valueQuantity" not in r:
            continue
        if r["category"][0]["coding"][0]["code"] != "laboratory":
            continue
        codings = r["code"].get("coding", [])
        code = by_loinc.get(codings[0]["code"]) if codings else by_name.get(r["code"]["text"])
        if code is None:
            continue  # a test the catalogue does not know
        q = r["valueQuantity"]
        ranged = r.get("referenceRange", [{}])[0]
        day, time = _time_of(r["effectiveDateTime"])
        flag = r.get("interpretation", [{}])[0].get("text", "")
        rows.append(
            (
                day,
                time,
                code,
                q["value"],
                q.get("comparator", ""),
                q.get("unit", ""),
                ranged.get("low", {}).get("value"),
                ranged.get("high", {}).get("value"),
                ranged.get("text", ""),
                flag,
            )
        )
    return sorted(rows, key=repr)
