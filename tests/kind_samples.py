"""One valid example entry of every kind, for the tests that run for every kind.

A new kind adds its example here (tests/test_kinds.py fails until it does): a function
``(child, linked_id, day) -> entry`` giving an entry of ``child`` dated ``day``;
``linked_id`` is the id of a saved entry its link points to (a lumbar puncture's phase, a
dose's medicine plan), made by :func:`saved_sample` when the test has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import resources
from tracker import analytes, schedule, visits
from tracker.kinds import by_key, child_kinds
from tracker.kinds.child import CHILD
from tracker.kinds.fields import Rows
from tracker.kinds.kind import Kind
from tracker.model import (
    Appointment,
    Child,
    CnsStatus,
    CnsVisit,
    CountResult,
    CountValue,
    DoseLog,
    DoseStatus,
    FeverRule,
    Growth,
    ItDose,
    ItDrug,
    MedicineForm,
    MedicinePlan,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    OtherResult,
    Phase,
    PhaseKind,
    PlanItemEntry,
    Question,
    Roadmap,
    Severity,
    Stay,
    StayReason,
    Symptom,
    SymptomWhat,
    TeamThreshold,
    Temperature,
    TemperatureSite,
    TemperatureUnit,
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
    series = Appointment(
        child.id,
        day,
        dt.time(9, 0),
        "Dr. A",
        "Day unit",
        repeat=schedule.repeat_rule("weekly", 2, [day.weekday()], count=4),
    )
    moved = visits.change_for(series, day + dt.timedelta(days=14))
    series = visits.with_change(series, replace(moved, date=day + dt.timedelta(days=15)))
    return visits.cancelled(series, day + dt.timedelta(days=28))


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


def _medicine_plan(child: Child, _linked: int | None, day: dt.date) -> MedicinePlan:
    assert child.id is not None
    return MedicinePlan(
        child.id,
        "6-mercaptopurine",
        day,
        dose_amount="25",
        dose_unit="mg",
        strength="50 mg/mL",
        form=MedicineForm.LIQUID,
        schedule="FREQ=DAILY;BYHOUR=19",
        team_note="as the team wrote it 💊",
    )


def _dose(child: Child, plan_id: int | None, day: dt.date) -> DoseLog:
    assert child.id is not None
    return DoseLog(
        child.id,
        plan_id,
        day,
        DoseStatus.PARTLY_GIVEN,
        due_time=dt.time(19, 0),
        given_time=dt.time(19, 20),
        amount="0.3 mL",
        note="spat some out",
    )


def _temperature(child: Child, _phase_id: int | None, day: dt.date) -> Temperature:
    assert child.id is not None
    return Temperature(
        child.id,
        day,
        dt.time(2, 10),
        value_text="101.3 °F",
        unit=TemperatureUnit.FAHRENHEIT,
        celsius=(101.3 - 32) * 5 / 9,
        site=TemperatureSite.OTHER,
        site_text="under the tongue",
        called_team=True,
        done_text="wrote it down",
        note="after the bath",
    )


def _fever_rule(child: Child, _phase_id: int | None, day: dt.date) -> FeverRule:
    assert child.id is not None
    return FeverRule(child.id, day, "38,0", TemperatureUnit.CELSIUS, 38.0, "≥ 38.0 °C: phone")


def _symptom(child: Child, _phase_id: int | None, day: dt.date) -> Symptom:
    assert child.id is not None
    return Symptom(
        child.id,
        day,
        SymptomWhat.MOUTH_SORES,
        "drooling",
        end_date=day,
        severity=Severity.MILD,
        grade=1,
        grade_version="CTCAE v5.0",
        note="sore gums",
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


def _roadmap(child: Child, _phase_id: int | None, day: dt.date) -> Roadmap:
    assert child.id is not None
    text = resources.read_bytes("roadmaps/interfant-21.json").decode("utf-8")
    return Roadmap(
        child.id,
        "Interfant-21",
        "MR",
        text,
        day,
        first_start=day,
        items=(
            PlanItemEntry("pro.start", day, fixed=True),
            PlanItemEntry("pro.end", day + dt.timedelta(days=6)),
            PlanItemEntry("ind.lp1", None, moved_because="moved 3 days after x started late"),
        ),
        note="from the protocol book",
    )


SAMPLES: dict[str, Sample] = {
    "phase": _phase,
    "milestone": _milestone,
    "count": _count,
    "cns_visit": _visit,
    "threshold": _threshold,
    "appointment": _appointment,
    "question": _question,
    "growth": _growth,
    "medicine_plan": _medicine_plan,
    "dose": _dose,
    "temperature": _temperature,
    "fever_rule": _fever_rule,
    "symptom": _symptom,
    "transfusion": _transfusion,
    "stay": _stay,
    "roadmap": _roadmap,
}

LINKED_TO = {"cns_visit": "phase", "dose": "medicine_plan"}
"""The kind whose saved entry a sample's ``linked_id`` is, where there is one."""


def saved_sample(
    save: Callable[[Any], Any],
    key: str,
    child: Child,
    day: dt.date,
    linked: dict[str, int | None] | None = None,
) -> Any:
    """The example ``key`` entry (not saved), with the entry it links to taken from
    ``linked`` (kind key to id) or saved with ``save`` first, of the same day."""
    target = LINKED_TO.get(key)
    linked_id = None
    if target is not None:
        if linked and target in linked:
            linked_id = linked[target]
        else:
            made = SAMPLES[target](child, None, day)
            if target == "medicine_plan":  # beside the example plan: another medicine's
                made = replace(made, drug="co-trimoxazole")
            linked_id = save(made).id
    return SAMPLES[key](child, linked_id, day)


def drop_later_lists(child: dict[str, Any], version: int) -> None:
    """An exported ``child`` made as export format ``version`` wrote it: the lists of kinds
    and the keys of fields that came later taken out, driven by the declarations."""
    _drop_later_keys(CHILD, child, version)
    for kind in child_kinds():
        if kind.json and kind.json_required_since and kind.json_required_since > version:
            child.pop(kind.json, None)
        elif kind.json:
            for entry in child.get(kind.json, ()):
                _drop_later_keys(kind, entry, version)


def _drop_later_keys(kind: Kind[Any], obj: dict[str, Any], version: int) -> None:
    for f in kind.fields:
        if f.json is None:
            continue
        if f.since > version:
            obj.pop(f.json, None)
        elif isinstance(f, Rows):
            for row in obj.get(f.json, ()):
                _drop_later_keys(by_key(f.kind), row, version)
