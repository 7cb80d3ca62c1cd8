"""The medicine resources of the FHIR export (docs/fhir.md): a home medicine plan as a
MedicationStatement, each logged dose and each intrathecal drug as a
MedicationAdministration.  A dose becomes a Quantity only when it is a plain number and at
most one unit word; otherwise its words are kept (as the dosage's text, or a note where R4
needs a dose in every dosage: invariant mad-1)."""

from __future__ import annotations

import datetime as dt
import re

from tracker import analytes, labels, medicines, ucum
from tracker.io.fhir_export_resources import Context, JsonObject, period, put, quantity
from tracker.kinds.dose import DOSE_STATUS
from tracker.model import CnsVisit, DoseLog, DoseStatus, ItDose, MedicinePlan
from tracker.schedule import AS_NEEDED

_TYPED_DOSE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([^\d\s]+)?\s*$")


def dose_quantity(amount: str, unit: str, c: Context) -> JsonObject | None:
    """A dose as a Quantity when its amount is a plain number ("25" "mg"), else None.  The
    unit is typed text: redacted as the rest (its UCUM code comes from it as typed)."""
    try:
        number = analytes.parse_number(amount)
    except ValueError:
        return None
    if number.comparator.value:
        return None
    return quantity(number.value, c.text(unit.strip()), ucum.dose_code(unit), amount)


def typed_dose(text: str, c: Context) -> JsonObject | None:
    """ "8 mg", "0.3 mL" as a Quantity; None for anything else ("half a tablet", "8 mg
    then 4 mg"): one number and at most one word."""
    m = _TYPED_DOSE.match(text)
    return dose_quantity(m.group(1), m.group(2) or "", c) if m else None


def _administration(rid: str, status: str, medicine: str, c: Context) -> JsonObject:
    return {
        "resourceType": "MedicationAdministration",
        "id": rid,
        "status": status,
        "medicationCodeableConcept": {"text": medicine},
        "subject": c.subject,
    }


def _dosage(text: str, dose: JsonObject | None, route: str = "") -> JsonObject | None:
    """The administration's dosage, only with a dose (R4 mad-1: dose or rate)."""
    if dose is None:
        return None
    dosage: JsonObject = {}
    put(dosage, "text", text)
    put(dosage, "route", {"text": route} if route else None)
    dosage["dose"] = dose
    return dosage


def intrathecal(
    visit: CnsVisit, drug: ItDose, rid: str, procedure_ref: str, c: Context
) -> JsonObject:
    """A drug given into the spinal fluid at a lumbar puncture, part of its Procedure."""
    m = _administration(rid, "completed", labels.IT_DRUG[drug.drug.value], c)
    m["partOf"] = [{"reference": procedure_ref}]
    m["effectiveDateTime"] = c.when(visit.date, None)
    typed = c.text(drug.dose_text.strip())
    dosage = _dosage(typed, typed_dose(drug.dose_text, c), "Intrathecal")
    if dosage is not None:
        m["dosage"] = dosage
    else:
        put(m, "note", c.notes(f"Dose as typed: {typed}" if typed else ""))
    return m


def _statement_status(plan: MedicinePlan, today: dt.date) -> str:
    if plan.start_date > today:
        return "intended"
    if plan.end_date is not None and plan.end_date < today:
        return "completed"
    return "active"


def _medicine_text(plan: MedicinePlan, c: Context) -> str:
    strength = medicines.strength_text(plan)
    return c.text(plan.drug.strip() + (f" ({strength})" if strength else ""))


def medicine(plan: MedicinePlan, rid: str, c: Context) -> JsonObject:
    """A medicine given at home, as the team wrote the plan."""
    s: JsonObject = {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": _statement_status(plan, c.today),
        "medicationCodeableConcept": {"text": _medicine_text(plan, c)},
        "subject": c.subject,
        "effectivePeriod": period(plan.start_date, plan.end_date),
    }
    put(s, "note", c.notes(plan.team_note))
    written = [medicines.dose_text(plan), medicines.schedule_text(plan)]
    said = " ".join(w for w in written if w and w != medicines.NO_DOSE)
    dosage: JsonObject = {}
    put(dosage, "text", c.text(said))
    if plan.schedule == AS_NEEDED:
        dosage["asNeededBoolean"] = True
    dose = dose_quantity(plan.dose_amount, plan.dose_unit, c)
    if dose is not None:
        dosage["doseAndRate"] = [{"doseQuantity": dose}]
    put(s, "dosage", [dosage] if dosage else None)
    return s


_WENT_IN = frozenset({DoseStatus.GIVEN, DoseStatus.PARTLY_GIVEN, DoseStatus.VOMITED})


def dose_given(
    dose: DoseLog, plan: tuple[MedicinePlan, str] | None, rid: str, c: Context
) -> JsonObject:
    """One logged dose of a home medicine: given (also partly, or vomited) or not."""
    status = "completed" if dose.status in _WENT_IN else "not-done"
    medicine = (
        _medicine_text(plan[0], c) if plan else "Medicine not recorded (its plan was deleted)"
    )
    m = _administration(rid, status, medicine, c)
    if status == "not-done":
        m = {**m, "statusReason": [{"text": DOSE_STATUS[dose.status.value]}]}
    m["effectiveDateTime"] = c.when(dose.due_date, dose.given_time or dose.due_time)
    put(m, "supportingInformation", [{"reference": plan[1]}] if plan else None)
    said = (
        DOSE_STATUS[dose.status.value]
        if dose.status in (DoseStatus.PARTLY_GIVEN, DoseStatus.VOMITED)
        else ""
    )
    put(m, "note", c.notes(said, dose.note))
    if status == "completed":
        if dose.amount.strip():
            dosage = _dosage(c.text(dose.amount.strip()), typed_dose(dose.amount, c))
        elif plan is not None:
            p = plan[0]
            dosage = _dosage(
                c.text(medicines.dose_text(p)), dose_quantity(p.dose_amount, p.dose_unit, c)
            )
        else:
            dosage = None
        put(m, "dosage", dosage)
    return m
