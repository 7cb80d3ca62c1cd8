"""One valid example entry of every kind, for the tests that run for every kind.

A new kind adds its example here (tests/test_kinds.py fails until it does): a function
``(child, phase_id, day) -> entry`` giving an entry of ``child`` dated ``day``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tracker import analytes
from tracker.model import (
    Appointment,
    Child,
    CnsStatus,
    CnsVisit,
    CountResult,
    CountValue,
    Growth,
    ItDose,
    ItDrug,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    OtherResult,
    Phase,
    PhaseKind,
    Question,
    Stay,
    StayReason,
    TeamThreshold,
    ThresholdPurpose,
    Transfusion,
    TransfusionProduct,
    YesNoUnknown,
)

Sample = Callable[[Child, int | None, dt.date], Any]


def _phase(child: Child, _phase_id: int | None, day: dt.date) -> Phase:
    assert child.id is not None
    return Phase(child.id, PhaseKind.INDUCTION, "Induction 1A", actual_start=day, notes="n")


def _milestone(child: Child, _phase_id: int | None, day: dt.date) -> Milestone:
    assert child.id is not None
    return Milestone(
        child.id,
        day,
        MilestoneKind.MRD_RESULT,
        result_text="MRD",
        mrd=Mrd("0.01%", 1e-4, method=MrdMethod.FLOW),
    )


def _value(code: str, text: str, unit: str) -> CountValue:
    a = analytes.analyte(code)
    known = a.unit(unit)
    assert known is not None
    number = analytes.parse_number(text).value
    return CountValue(code, text, unit, number, number * known.factor, a.canonical_unit)


def _count(child: Child, _phase_id: int | None, day: dt.date) -> CountResult:
    assert child.id is not None
    return CountResult(
        child.id,
        day,
        dt.time(8, 15),
        source="Lab",
        values=(
            replace(_value("wbc", "3.2", "×10⁹/L"), lab_flag="L", lab_comment="repeated"),
            _value("plt", "45", "×10⁹/L"),
        ),
        others=(OtherResult("Vitamin D 25-OH", "54", "nmol/L", "50-150"),),
    )


def _visit(child: Child, phase_id: int | None, day: dt.date) -> CnsVisit:
    assert child.id is not None
    return CnsVisit(
        child.id,
        day,
        phase_id=phase_id,
        it_drugs=(ItDose(ItDrug.METHOTREXATE, "8 mg"), ItDose(ItDrug.CYTARABINE, "16 mg")),
        blasts_seen=YesNoUnknown.NO,
        cns_status=CnsStatus.CNS1,
    )


def _threshold(child: Child, _phase_id: int | None, _day: dt.date) -> TeamThreshold:
    assert child.id is not None
    return TeamThreshold(child.id, "plt", ThresholdPurpose.TRANSFUSION, "20", "×10⁹/L", 20.0)


def _appointment(child: Child, _phase_id: int | None, day: dt.date) -> Appointment:
    assert child.id is not None
    return Appointment(child.id, day, dt.time(9, 0), "Dr. A", "Day unit")


def _question(child: Child, _phase_id: int | None, day: dt.date) -> Question:
    assert child.id is not None
    return Question(child.id, day, "When is the next LP?")


def _growth(child: Child, _phase_id: int | None, day: dt.date) -> Growth:
    assert child.id is not None
    return Growth(
        child.id,
        day,
        weight_text="15 lb 4 oz",
        weight_kg=(15 + 4 / 16) * 0.45359237,
        length_text="68 cm",
        length_cm=68.0,
        measured_by="clinic",
    )


def _transfusion(child: Child, _phase_id: int | None, day: dt.date) -> Transfusion:
    assert child.id is not None
    return Transfusion(
        child.id,
        day,
        dt.time(14, 30),
        TransfusionProduct.PLATELETS,
        amount_text="1 unit",
        units=1.0,
        reason="platelets low on the ward",
        note="no reaction",
    )


def _stay(child: Child, _phase_id: int | None, day: dt.date) -> Stay:
    assert child.id is not None
    # a day case: the tests save several samples on one day, and stays may not overlap
    return Stay(child.id, day, day, "Day unit", StayReason.PLANNED, note="n")


SAMPLES: dict[str, Sample] = {
    "phase": _phase,
    "milestone": _milestone,
    "count": _count,
    "cns_visit": _visit,
    "threshold": _threshold,
    "appointment": _appointment,
    "question": _question,
    "growth": _growth,
    "transfusion": _transfusion,
    "stay": _stay,
}
