"""A record whose every free-text field holds the same typed text (for the plain-text and
redaction tests): the child's name, protocol, risk-group text, immunophenotype, KMT2A
partner, hospital, team contacts, a phase's name and notes, milestones, a count's note and
lab, an LP's note, an appointment's with/where/notes, a question and a team threshold."""

from __future__ import annotations

import datetime as dt

from conftest import TODAY

from tracker.model import (
    Appointment,
    Child,
    CnsStatus,
    CnsVisit,
    CountResult,
    CountValue,
    ItDose,
    ItDrug,
    Kmt2aStatus,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Phase,
    PhaseKind,
    Question,
    RiskGroup,
    TeamThreshold,
    ThresholdPurpose,
)
from tracker.store import Record

BIRTH = dt.date(2025, 1, 4)  # on TODAY (2026-11-24): 22 months 20 days


def fill(rec: Record, name: str, text: str, hospital: str = "") -> int:
    """Save a child called ``name`` with ``text`` in every free-text field; its id."""
    child, _ = rec.save(
        Child(
            name=name,
            birth_date=BIRTH,
            diagnosis_date=dt.date(2026, 9, 1),
            immunophenotype=f"pro-B {text}",
            kmt2a_status=Kmt2aStatus.REARRANGED,
            kmt2a_partner=f"AFF1 {text}",
            protocol=f"Interfant {text}",
            risk_group=RiskGroup.OTHER,
            risk_group_text=f"high {text}",
            hospital=hospital or f"Hospital {text}",
            team_contacts=f"Dr. Who {text}",
            notes=f"child note {text}",
        )
    )
    cid = child.id
    assert cid is not None
    phase, _ = rec.save(
        Phase(
            cid,
            PhaseKind.INDUCTION,
            name=f"Induction {text}",
            planned_start=dt.date(2026, 10, 1),
            planned_end=dt.date(2026, 12, 20),
            actual_start=dt.date(2026, 10, 1),
            notes=f"phase note {text}",
        )
    )
    rec.save(
        Phase(
            cid,
            PhaseKind.CONSOLIDATION,
            name=f"Later {text}",
            planned_start=dt.date(2026, 12, 21),
            planned_end=dt.date(2027, 2, 1),
        )
    )
    rec.save(
        Milestone(
            cid,
            dt.date(2026, 11, 10),
            MilestoneKind.MARROW_CHECK,
            result_text=f"result {text}",
            notes=f"milestone note {text}",
        )
    )
    rec.save(
        Milestone(
            cid,
            dt.date(2026, 12, 5),
            MilestoneKind.MARROW_CHECK,
            planned=True,
            result_text=f"planned {text}",
        )
    )
    rec.save(
        CountResult(
            cid,
            dt.date(2026, 11, 20),
            source=f"Lab {text}",
            note=f"count note {text}",
            values=(
                CountValue(
                    "anc",
                    "0.4",
                    "10^9/L",
                    0.4,
                    0.4,
                    "10^9/L",
                    range_text="1.5-8.0",
                    range_low=1.5,
                    range_high=8.0,
                ),
                CountValue("plt", "35", "10^9/L", 35.0, 35.0, "10^9/L"),
                CountValue("hgb", "9.1", "g/dL", 9.1, 91.0, "g/L"),
            ),
        )
    )
    assert phase.id is not None
    rec.save(
        CnsVisit(
            cid,
            dt.date(2026, 11, 15),
            procedure=LpProcedure.LP_WITH_IT,
            phase_id=phase.id,
            it_drugs=(ItDose(ItDrug.METHOTREXATE, f"8 mg {text}"),),
            cns_status=CnsStatus.CNS1,
            complications=f"complication {text}",
            note=f"LP note {text}",
        )
    )
    rec.save(CnsVisit(cid, dt.date(2026, 12, 10), planned=True, note=f"next LP {text}"))
    rec.save(
        Appointment(
            cid,
            dt.date(2026, 11, 1),
            with_whom=f"with {text}",
            place=f"where {text}",
            note=f"appointment note {text}",
        )
    )
    rec.save(
        Appointment(
            cid,
            dt.date(2026, 12, 2),
            with_whom=f"next with {text}",
            place=f"next where {text}",
            note=f"next appointment note {text}",
        )
    )
    rec.save(Question(cid, dt.date(2026, 11, 21), f"Question {text}?"))
    rec.save(
        TeamThreshold(
            cid, "plt", ThresholdPurpose.TRANSFUSION, "20", "10^9/L", 20.0, note=f"team {text}"
        )
    )
    assert dt.date(2026, 11, 21) < TODAY  # the question is in the past
    return cid
