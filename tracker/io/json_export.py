"""The whole record as one JSON document: the public, lossless export format, version 1.

``docs/export-format.md`` is the contract; keep the two in step.  Every row
carries its ``uid``; integer row ids never appear (they mean nothing outside one
file), so a CNS visit names its phase by ``phase_uid``.  Dates are ISO 8601
text, enums their stored string values, and each blood value keeps what the
family typed (``value_text``, ``unit``, ``range_text``) beside the parsed and
normalised numbers.

:func:`write_json` replaces the target atomically: a private (0600) temporary
file in the same folder, flushed and fsynced, then ``os.replace``.  If anything
fails, the old target is left exactly as it was and the temporary file is
removed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracker import analytes
from tracker.anc import calculate_anc
from tracker.model import (
    Appointment,
    Child,
    CnsVisit,
    CountResult,
    CountValue,
    ItDose,
    Milestone,
    Mrd,
    Phase,
    Question,
    TeamThreshold,
)
from tracker.store import durable
from tracker.store.record import Record

FORMAT = "treatment-tracker"
VERSION = 1

JsonObject = dict[str, Any]
_PhaseUid = Callable[[int | None], str | None]


def export_record(record: Record, exported_at: dt.datetime) -> JsonObject:
    """Everything in ``record`` as plain JSON-ready data (dicts, lists, str, float, bool, None)."""
    children: list[JsonObject] = []
    phase_uids: dict[int, str] = {}

    def phase_uid(phase_id: int | None) -> str | None:
        if phase_id is None:
            return None
        if phase_id not in phase_uids:  # the store keeps a visit's phase within its child
            phase_uids[phase_id] = record.phase(phase_id).uid
        return phase_uids[phase_id]

    for child in record.children():
        assert child.id is not None
        phases = record.phases(child.id)
        phase_uids.update((p.id, p.uid) for p in phases if p.id is not None)
        entry = _child(
            child,
            phases,
            record.milestones(child.id),
            record.counts(child.id),
            record.cns_visits(child.id),
            phase_uid,
        )
        entry["team_thresholds"] = [_threshold(t) for t in record.thresholds(child.id)]
        entry["appointments"] = [_appointment(a) for a in record.appointments(child.id)]
        entry["questions"] = [_question(q) for q in record.questions(child.id)]
        children.append(entry)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "children": children,
    }


def dumps(data: JsonObject) -> str:
    """The exported text: UTF-8 characters as themselves, stable key order, no NaN."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_json(record: Record, path: Path, exported_at: dt.datetime) -> None:
    """Export ``record`` to ``path``, replacing it atomically (0600; old file kept on failure)."""
    payload = dumps(export_record(record, exported_at)).encode("utf-8")
    durable.write_atomically(Path(path), payload, "the export")


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _child(
    child: Child,
    phases: list[Phase],
    milestones: list[Milestone],
    counts: list[CountResult],
    visits: list[CnsVisit],
    phase_uid: _PhaseUid,
) -> JsonObject:
    return {
        "uid": child.uid,
        "name": child.name,
        "birth_date": child.birth_date.isoformat(),
        "sex": child.sex.value,
        "diagnosis_date": _iso(child.diagnosis_date),
        "immunophenotype": child.immunophenotype,
        "kmt2a_status": child.kmt2a_status.value,
        "kmt2a_partner": child.kmt2a_partner,
        "wbc_at_diagnosis_text": child.wbc_at_diagnosis_text,
        "wbc_at_diagnosis_unit": child.wbc_at_diagnosis_unit,
        "wbc_at_diagnosis": child.wbc_at_diagnosis,
        "cns_status_at_diagnosis": child.cns_status_at_diagnosis.value,
        "prednisone_response": child.prednisone_response.value,
        "protocol": child.protocol,
        "risk_group": child.risk_group.value,
        "risk_group_text": child.risk_group_text,
        "hospital": child.hospital,
        "team_contacts": child.team_contacts,
        "notes": child.notes,
        "phases": [_phase(p) for p in phases],
        "milestones": [_milestone(m) for m in milestones],
        "counts": [_count(c) for c in counts],
        "cns_visits": [_cns_visit(v, phase_uid(v.phase_id)) for v in visits],
    }


def _phase(p: Phase) -> JsonObject:
    return {
        "uid": p.uid,
        "kind": p.kind.value,
        "name": p.name,
        "planned_start": _iso(p.planned_start),
        "planned_end": _iso(p.planned_end),
        "actual_start": _iso(p.actual_start),
        "actual_end": _iso(p.actual_end),
        "notes": p.notes,
    }


def _mrd(mrd: Mrd | None) -> JsonObject | None:
    if mrd is None:
        return None
    return {
        "entered": mrd.entered,
        "fraction": mrd.fraction,
        "qualifier": mrd.qualifier.value,
        "method": mrd.method.value if mrd.method is not None else None,
        "sample": mrd.sample.value if mrd.sample is not None else None,
    }


def _milestone(m: Milestone) -> JsonObject:
    return {
        "uid": m.uid,
        "date": m.date.isoformat(),
        "kind": m.kind.value,
        "result_text": m.result_text,
        "planned": m.planned,
        "mrd": _mrd(m.mrd),
        "notes": m.notes,
    }


def _count(c: CountResult) -> JsonObject:
    time = c.taken_time.strftime("%H:%M") if c.taken_time is not None else None
    date = c.taken_date.isoformat()
    return {
        "uid": c.uid,
        "taken_at": f"{date}T{time}" if time else date,
        "taken_date": date,
        "taken_time": time,
        "source": c.source,
        "note": c.note,
        "values": [_value(v) for v in c.values] + _calculated(c),
    }


def _calculated(c: CountResult) -> list[JsonObject]:
    """A worked-out ANC (no ANC reported, WBC and neutrophil % given), marked as such.

    It is not part of the record: a reader that loads the file back skips it."""
    if c.value("anc") is not None:
        return []
    calc = calculate_anc(c)
    if calc is None:
        return []
    return [
        {
            "uid": None,
            "analyte": "anc",
            "value": calc.value,
            "value_text": "",
            "unit": "",
            "comparator": "",
            "normalised_value": calc.value,
            "canonical_unit": analytes.COUNT_CANONICAL,
            "range_text": "",
            "range_low": None,
            "range_high": None,
            "calculated": True,
            "basis": calc.basis,
        }
    ]


def _value(v: CountValue) -> JsonObject:
    return {
        "uid": v.uid,
        "analyte": v.analyte,
        "value": v.value,
        "value_text": v.value_text,
        "unit": v.unit,
        "comparator": v.comparator.value,
        "normalised_value": v.normalised_value,
        "canonical_unit": v.canonical_unit,
        "range_text": v.range_text,
        "range_low": v.range_low,
        "range_high": v.range_high,
        "calculated": False,
    }


def _it_dose(d: ItDose) -> JsonObject:
    return {"uid": d.uid, "drug": d.drug.value, "dose_text": d.dose_text}


def _cns_visit(v: CnsVisit, phase_uid: str | None) -> JsonObject:
    return {
        "uid": v.uid,
        "date": v.date.isoformat(),
        "procedure": v.procedure.value,
        "phase_uid": phase_uid,
        "it_drugs": [_it_dose(d) for d in v.it_drugs],
        "csf_wbc": v.csf_wbc,
        "csf_rbc": v.csf_rbc,
        "blasts_seen": v.blasts_seen.value,
        "cns_status": v.cns_status.value,
        "sedation": v.sedation,
        "platelets": v.platelets,
        "complications": v.complications,
        "planned": v.planned,
        "note": v.note,
    }


def _threshold(t: TeamThreshold) -> JsonObject:
    return {
        "uid": t.uid,
        "analyte": t.analyte,
        "purpose": t.purpose.value,
        "value_text": t.value_text,
        "unit": t.unit,
        "normalised_value": t.normalised_value,
        "canonical_unit": analytes.analyte(t.analyte).canonical_unit,
        "note": t.note,
    }


def _appointment(a: Appointment) -> JsonObject:
    return {
        "uid": a.uid,
        "date": a.date.isoformat(),
        "time": a.time.strftime("%H:%M") if a.time else None,
        "with_whom": a.with_whom,
        "place": a.place,
        "note": a.note,
    }


def _question(q: Question) -> JsonObject:
    return {
        "uid": q.uid,
        "added_on": q.added_on.isoformat(),
        "text": q.text,
        "answered": q.answered,
        "answer": q.answer,
    }
