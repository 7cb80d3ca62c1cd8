"""The FHIR R4 resources of the export, one function each (docs/fhir.md lists every field);
the medicines' are in :mod:`tracker.io.fhir_export_medicines`.

Each takes the entry, the resource's id and the :class:`Context` (the Patient's
reference, the redaction of typed text, the date-time writer, today) and returns plain
JSON-ready data.  Nothing is worked out that the family did not record: no flag of our
own, no converted unit, no invented code; a test the catalogue has no LOINC code for is
named by ``code.text`` only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker import analytes, fever, labels, ucum
from tracker.kinds import growth as growth_kind
from tracker.kinds.temperature import SITE_LABELS
from tracker.model import (
    Child,
    CnsStatus,
    CnsVisit,
    CountResult,
    CountValue,
    Growth,
    OtherResult,
    Phase,
    Sex,
    Temperature,
    TemperatureUnit,
    YesNoUnknown,
)

JsonObject = dict[str, Any]

LOINC = "http://loinc.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"  # diagnostic service sections
LOINC_BODY_TEMPERATURE = "8310-5"  # domain.md §5.2; HL7 R4 vital-signs profile "bodytemp"

LABORATORY = {"coding": [{"system": CATEGORY, "code": "laboratory", "display": "Laboratory"}]}
VITAL_SIGNS = {"coding": [{"system": CATEGORY, "code": "vital-signs", "display": "Vital Signs"}]}

# The lab's own flag, as printed, → v3-ObservationInterpretation (code, display).  Only
# these spellings are coded; any other flag ("*", "!") is kept as the interpretation's
# text alone.  The program never works a flag out itself.
FLAG_CODES: dict[str, tuple[str, str]] = {
    "l": ("L", "Low"),
    "low": ("L", "Low"),
    "↓": ("L", "Low"),
    "h": ("H", "High"),
    "high": ("H", "High"),
    "↑": ("H", "High"),
    "ll": ("LL", "Critical low"),
    "hh": ("HH", "Critical high"),
    "a": ("A", "Abnormal"),
    "abnormal": ("A", "Abnormal"),
    "aa": ("AA", "Critical abnormal"),
    "n": ("N", "Normal"),
    "normal": ("N", "Normal"),
}


@dataclass
class Context:
    """What every resource needs: the Patient's reference, the typed-text filter (the
    redaction, or none), the date-time writer and the record's today."""

    patient: str
    text: Callable[[str], str]
    when: Callable[[dt.date, dt.time | None], str]
    today: dt.date

    @property
    def subject(self) -> JsonObject:
        return {"reference": self.patient}

    def notes(self, *texts: str) -> list[JsonObject]:
        return [{"text": self.text(t.strip())} for t in texts if t.strip()]


def put(obj: JsonObject, key: str, value: Any) -> None:
    """Set ``key`` unless ``value`` is empty (FHIR has no empty strings, lists or objects)."""
    if value not in (None, "", [], {}):
        obj[key] = value


_TYPED_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def typed_number(value: float, typed: str = "") -> int | float:
    """``value`` as the family wrote it in ``typed``: a whole number as one ("285" → 285,
    not 285.0), unless ``typed`` writes it with decimals ("10.0" stays 10.0)."""
    if not value.is_integer():
        return value
    for written in _TYPED_NUMBER.findall(typed):
        if ("." in written or "," in written) and float(written.replace(",", ".")) == value:
            return value
    return int(value)


def quantity(value: float, unit_text: str, code: str | None, typed: str = "") -> JsonObject:
    """A Quantity: the value (as typed in ``typed``: :func:`typed_number`), the unit as
    written, and the UCUM code when there is one."""
    q: JsonObject = {"value": typed_number(value, typed)}
    put(q, "unit", unit_text.strip())
    if code is not None:
        q["system"] = ucum.SYSTEM
        q["code"] = code
    return q


def patient(child: Child, rid: str, *, redacted: bool) -> JsonObject:
    p: JsonObject = {"resourceType": "Patient", "id": rid}
    if not redacted:
        p["name"] = [{"text": child.name}]
    if child.sex is not Sex.UNKNOWN:  # "not stated": left out
        p["gender"] = child.sex.value  # the same four codes as AdministrativeGender
    if not redacted:
        p["birthDate"] = child.birth_date.isoformat()
    return p


def _activity_status(phase: Phase) -> str:
    if phase.actual_end is not None:
        return "completed"
    if phase.actual_start is not None:
        return "in-progress"
    return "not-started"


def period(start: dt.date | None, end: dt.date | None) -> JsonObject:
    span: JsonObject = {}
    put(span, "start", start.isoformat() if start else None)
    put(span, "end", end.isoformat() if end else None)
    return span


def care_plan(child: Child, phases: list[Phase], rid: str, c: Context) -> JsonObject:
    """The phases, in order, as the activities of one CarePlan."""
    activities = []
    for phase in phases:
        detail: JsonObject = {
            "code": {"text": labels.PHASE_KIND[phase.kind.value]},
            "status": _activity_status(phase),
        }
        put(detail, "scheduledPeriod", period(phase.start, phase.end))
        put(detail, "description", c.text(phase.display_name))
        activity: JsonObject = {"detail": detail}
        put(activity, "progress", c.notes(phase.notes))
        activities.append(activity)
    done = all(a["detail"]["status"] == "completed" for a in activities)
    plan: JsonObject = {
        "resourceType": "CarePlan",
        "id": rid,
        "status": "completed" if done else "active",
        "intent": "plan",
        "title": c.text(child.protocol.strip()) or "Treatment phases",
        "subject": c.subject,
    }
    starts = [p.start for p in phases if p.start is not None]
    ends = [p.end for p in phases if p.end is not None]
    put(plan, "period", period(min(starts, default=None), max(ends) if done and ends else None))
    plan["activity"] = activities
    return plan


def _interpretation(flag: str, c: Context) -> list[JsonObject]:
    if not flag.strip():
        return []
    concept: JsonObject = {}
    coded = FLAG_CODES.get(flag.strip().casefold())
    if coded is not None:
        concept["coding"] = [{"system": INTERPRETATION, "code": coded[0], "display": coded[1]}]
    concept["text"] = c.text(flag.strip())
    return [concept]


def _observation(rid: str, category: JsonObject, code: JsonObject, c: Context) -> JsonObject:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": [category],
        "code": code,
        "subject": c.subject,
    }


def _loinc(code: str, text: str) -> JsonObject:
    if not code:
        return {"text": text}
    return {"coding": [{"system": LOINC, "code": code}], "text": text}


def lab_value(draw: CountResult, v: CountValue, rid: str, c: Context) -> JsonObject:
    """A blood value: LOINC, the value as typed in its unit, the lab's range and flag."""
    try:
        a: analytes.Analyte | None = analytes.analyte(v.analyte)
    except ValueError:  # a code no catalogue of this program knows
        a = None
    unit = a.unit(v.unit) if a is not None else None
    code = ucum.code_of(unit) if unit is not None else None
    obs = _observation(
        rid, LABORATORY, _loinc(a.loinc if a else "", a.english_name if a else v.analyte), c
    )
    obs["effectiveDateTime"] = c.when(draw.taken_date, draw.taken_time)
    value = quantity(v.value, v.unit, code, v.value_text)
    if v.comparator.value:
        value = {"value": value["value"], "comparator": v.comparator.value, **value}
    obs["valueQuantity"] = value
    put(obs, "interpretation", _interpretation(v.lab_flag, c))
    hours = (
        f"Taken {analytes.format_number(v.hours_after)} hours after the infusion started"
        if v.hours_after is not None
        else ""
    )
    put(obs, "note", c.notes(v.lab_comment, hours))
    ranged: JsonObject = {}
    if v.range_low is not None:
        ranged["low"] = quantity(v.range_low, v.unit, code, v.range_text)
    if v.range_high is not None:
        ranged["high"] = quantity(v.range_high, v.unit, code, v.range_text)
    put(ranged, "text", c.text(v.range_text.strip()))
    put(obs, "referenceRange", [ranged] if ranged else None)
    return obs


def other_result(draw: CountResult, o: OtherResult, rid: str, c: Context) -> JsonObject:
    """A test the catalogue does not know: its name as printed, a number with its unit as
    printed (no UCUM code: the program does not know the unit), else the text."""
    obs = _observation(rid, LABORATORY, {"text": c.text(o.name.strip())}, c)
    obs["effectiveDateTime"] = c.when(draw.taken_date, draw.taken_time)
    try:
        number = analytes.parse_number(o.value_text)
    except ValueError:
        obs["valueString"] = c.text(o.value_text.strip())
    else:
        value: JsonObject = {"value": typed_number(number.value, o.value_text)}
        put(value, "comparator", number.comparator.value)
        put(value, "unit", o.unit.strip())  # a unit is a code: not redacted (as on paper)
        obs["valueQuantity"] = value
    put(obs, "interpretation", _interpretation(o.lab_flag, c))
    put(obs, "note", c.notes(o.lab_comment))
    text = c.text(o.range_text.strip())
    put(obs, "referenceRange", [{"text": text}] if text else None)
    return obs


def report(draw: CountResult, rid: str, results: list[str], c: Context) -> JsonObject:
    """One blood draw: the values taken together, as a laboratory report."""
    r: JsonObject = {
        "resourceType": "DiagnosticReport",
        "id": rid,
        "status": "final",
        "category": [{"coding": [{"system": V2_0074, "code": "LAB", "display": "Laboratory"}]}],
        "code": {"text": "Blood test"},
        "subject": c.subject,
        "effectiveDateTime": c.when(draw.taken_date, draw.taken_time),
    }
    source = c.text(draw.source.strip())
    put(r, "performer", [{"display": source}] if source else None)
    r["result"] = [{"reference": ref} for ref in results]
    return r


_GROWTH = (
    ("weight", growth_kind.LOINC_BODY_WEIGHT, "Body weight", "weight_kg", "kg", ucum.KILOGRAM),
    ("length", growth_kind.LOINC_BODY_HEIGHT, "Body height", "length_cm", "cm", ucum.CENTIMETRE),
    (
        "head",
        growth_kind.LOINC_HEAD_CIRCUMFERENCE,
        "Head circumference",
        "head_cm",
        "cm",
        ucum.CENTIMETRE,
    ),
)


def growth(g: Growth, c: Context) -> list[tuple[str, JsonObject]]:
    """Each measurement of the day as its own vital-signs Observation (in kg and cm, as the
    vital-signs profile asks; the text as typed in a note), keyed by the part it is."""
    made = []
    for part, loinc, name, field, unit, code in _GROWTH:
        value = getattr(g, field)
        if value is None:
            continue
        obs = _observation("", VITAL_SIGNS, _loinc(loinc, name), c)
        obs["effectiveDateTime"] = c.when(g.date, None)
        typed = getattr(g, f"{part}_text").strip()
        obs["valueQuantity"] = quantity(value, unit, code, typed)
        measured = g.measured_by.strip()
        put(
            obs,
            "note",
            c.notes(
                f"As typed: {typed}" if typed else "",
                f"Measured by: {measured}" if measured else "",
                g.note,
            ),
        )
        made.append((part, obs))
    return made


def temperature(t: Temperature, rid: str, c: Context) -> JsonObject:
    """A temperature in the unit it was typed in (°C or °F, both in the profile)."""
    obs = _observation(rid, VITAL_SIGNS, _loinc(LOINC_BODY_TEMPERATURE, "Body temperature"), c)
    obs["effectiveDateTime"] = c.when(t.date, t.time)
    number = float(fever.read_temperature(t.value_text).value)
    if t.unit is TemperatureUnit.FAHRENHEIT:
        obs["valueQuantity"] = quantity(number, "°F", ucum.FAHRENHEIT, t.value_text)
    else:
        obs["valueQuantity"] = quantity(number, "°C", ucum.CELSIUS, t.value_text)
    site = t.site_text.strip() or (SITE_LABELS[t.site.value] if t.site else "")
    put(obs, "bodySite", {"text": c.text(site)} if site else None)
    done = [
        words
        for flag, words in (
            (t.called_team, "Called the team"),
            (t.went_to_hospital, "Went to hospital"),
            (t.gave_paracetamol, "Gave paracetamol"),
        )
        if flag
    ]
    put(obs, "note", c.notes("; ".join(done), t.done_text, t.note))
    return obs


def procedure(visit: CnsVisit, rid: str, care_plan: str | None, c: Context) -> JsonObject:
    """A lumbar puncture that was done (planned ones are left out)."""
    p: JsonObject = {"resourceType": "Procedure", "id": rid}
    put(p, "basedOn", [{"reference": care_plan}] if care_plan else None)
    p["status"] = "completed"
    p["code"] = {"text": labels.LP_PROCEDURE[visit.procedure.value]}
    p["subject"] = c.subject
    p["performedDateTime"] = c.when(visit.date, None)
    if visit.cns_status not in (CnsStatus.PENDING, CnsStatus.UNKNOWN):
        p["outcome"] = {"text": f"CNS status: {labels.CNS_STATUS[visit.cns_status.value]}"}
    put(
        p,
        "complication",
        [{"text": c.text(visit.complications.strip())}] if visit.complications.strip() else None,
    )
    facts = []
    if visit.sedation.strip():
        facts.append(f"Sedation: {visit.sedation.strip()}")
    for label, value, unit in (
        ("CSF white cells", visit.csf_wbc, "per µL"),
        ("CSF red cells", visit.csf_rbc, "per µL"),
        ("Platelets that day", visit.platelets, "×10⁹/L"),
    ):
        if value is not None:
            facts.append(f"{label}: {analytes.format_number(value)} {unit}")
    if visit.blasts_seen is not YesNoUnknown.UNKNOWN:
        facts.append(f"Blasts seen in the CSF: {labels.YES_NO[visit.blasts_seen.value].lower()}")
    put(p, "note", c.notes(*facts, visit.note))
    return p
