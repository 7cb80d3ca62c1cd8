"""A deterministic, clearly fictional demo record for ``--demo``, ``make-demo`` and tests.

One synthetic infant, "Robin (demo)", diagnosed at four months of age with
KMT2A-rearranged (AFF1) pro-B ALL and treated on a made-up "Interfant-21 (demo)"
roadmap that follows one branch of domain.md §1.2 (medium risk, good MRD response: a
second blinatumomab cycle in place of one chemotherapy course).  Every date is counted
from ``today`` so that on ``today`` the child is in maintenance: prophase, induction,
blinatumomab 1, protocol IB, blinatumomab 2 and OCTADAD lie behind; an "Off therapy"
phase, a marrow check and two lumbar punctures are still planned.

Every text reads as what the family wrote down or what the team said (attributed),
never as advice; no text claims a protocol length or a dose (domain.md gives neither).

The only randomness is a :class:`random.Random` with a fixed seed, created anew
for every build, so the same ``today`` always gives the same record (apart from
the uids the store draws).  Everything is saved through :class:`Record`, so the
store's validation runs on every row.

The numbers are shaped to look plausible (a very high white count at diagnosis
that falls under prednisone, counts that fall to a nadir about ten days after
each block starts and then recover, steadier counts every two weeks in
maintenance) but they are invented: this is not clinical data and not advice.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from dateutil.relativedelta import relativedelta

from tracker import schedule, visits
from tracker.forms import (
    ValueInput,
    appointment_from_form,
    child_from_form,
    count_from_form,
    question_from_form,
)
from tracker.kinds.growth import growth_from_form
from tracker.kinds.stay import stay_from_form
from tracker.kinds.symptom import symptom_from_form
from tracker.kinds.temperature import fever_rule_from_form, temperature_from_form
from tracker.kinds.transfusion import transfusion_from_form
from tracker.model import (
    Child,
    CnsStatus,
    CnsVisit,
    CountResult,
    DoseLog,
    DoseStatus,
    ItDose,
    ItDrug,
    LpProcedure,
    MedicineForm,
    MedicinePlan,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    Phase,
    PhaseKind,
    TransfusionProduct,
    YesNoUnknown,
)
from tracker.mrd import parse_mrd
from tracker.phases import current_phase
from tracker.store.record import Record

SEED = 20_261_124
"""Seed of the demo's only random generator; change it and the demo changes."""

DIAGNOSIS_DAYS_AGO = 560
"""Diagnosis lies this many days before ``today`` (maintenance day 360 on ``today``)."""

AGE_AT_DIAGNOSIS = relativedelta(months=4, days=9)

CHILD_NAME = "Robin (demo)"
WBC_AT_DIAGNOSIS = "285"  # ×10⁹/L, as on the first blood count
HOSPITAL = "Lindenbrook Children's Hospital (fictional)"
HOSPITAL_LAB = "Lindenbrook hospital lab (demo)"
LOCAL_LAB = "Riverside family practice lab (demo)"

_Day = Callable[[int], dt.date]
"""Offset in days from diagnosis → date."""

# ---------------------------------------------------------------------- roadmap
# Offsets are days after diagnosis (offset 0 = day 1 of the prophase).


@dataclass(frozen=True, slots=True)
class _PhasePlan:
    kind: PhaseKind
    name: str
    planned_start: int
    planned_end: int | None
    actual_start: int | None
    actual_end: int | None
    notes: str = ""


def _phase_plans(maintenance_end: int) -> tuple[_PhasePlan, ...]:
    """The phases as a family would type them.  domain.md §1.2 gives the prophase (7 days)
    and induction (about 5 weeks with the prophase, the end-of-induction marrow and LP on
    about day 33); every other end date is simply the day the phase ended, as recorded.
    The course follows one Interfant-21 branch of §1.2: medium risk, a good MRD response
    after induction and after blinatumomab 1 (as the team said), so a second blinatumomab
    cycle takes the place of one chemotherapy course after consolidation.  Which course it
    replaces is not in domain.md: the demo's team chose MARMA, and no note claims more."""
    return (
        _PhasePlan(
            PhaseKind.PROPHASE,
            "Prednisone prophase",
            0,
            6,
            0,
            6,
            "Prednisone for 7 days, as the team planned.",
        ),
        _PhasePlan(
            PhaseKind.INDUCTION,
            "Induction",
            7,
            34,
            7,
            34,
            "Dexamethasone, vincristine, asparaginase, daunorubicin (+ intrathecal).",
        ),
        _PhasePlan(
            PhaseKind.CONSOLIDATION,
            "Blinatumomab 1",
            35,
            62,
            36,
            63,
            "Continuous infusion through the central line. Started a day late "
            "(waiting for a bed on the ward).",
        ),
        _PhasePlan(
            PhaseKind.CONSOLIDATION,
            "Protocol IB",
            66,
            93,
            68,
            95,
            "Cyclophosphamide, cytarabine, 6-mercaptopurine (+ intrathecal).",
        ),
        _PhasePlan(
            PhaseKind.CONSOLIDATION,
            "Blinatumomab 2",
            100,
            127,
            101,
            128,
            "The team said this second cycle takes the place of MARMA, one of the "
            "chemotherapy courses.",
        ),
        _PhasePlan(
            PhaseKind.INTENSIFICATION,
            "OCTADAD",
            133,
            188,
            136,
            191,
            "Vincristine, dexamethasone, asparaginase, daunorubicin, 6-thioguanine, "
            "cytarabine, cyclophosphamide (+ intrathecal). Started 3 days late: waiting for "
            "the platelets to recover.",
        ),
        _PhasePlan(
            PhaseKind.MAINTENANCE,
            "Maintenance",
            198,
            maintenance_end,
            201,
            None,
            "6-MP every evening and methotrexate once a week by mouth; lumbar punctures on "
            "the dates the team gives; counts every 2 weeks at the family practice or the "
            "clinic, as the team arranged.",
        ),
        _PhasePlan(
            PhaseKind.OFF_THERAPY,
            "Off therapy",
            maintenance_end,
            None,
            None,
            None,
            "End of treatment on the date the team gave us; to be confirmed.",
        ),
    )


# Blocks that push the marrow down: (start, white-cell depth, platelet depth,
# days from start to the nadir, width of the dip in days).
_BLOCKS: tuple[tuple[int, float, float, float, float], ...] = (
    (7, 0.90, 0.55, 14.0, 7.0),  # induction
    (36, 0.35, 0.20, 10.0, 6.0),  # blinatumomab 1: mild
    (68, 0.90, 0.85, 10.0, 5.0),  # protocol IB
    (101, 0.35, 0.20, 10.0, 6.0),  # blinatumomab 2: mild
    (136, 0.90, 0.85, 10.0, 5.0),  # OCTADAD, first half
    (164, 0.85, 0.80, 10.0, 5.0),  # OCTADAD, second half
    (316, 0.45, 0.25, 4.0, 5.0),  # maintenance: a fever, 6-MP and MTX paused
)
_MAINTENANCE_START = 201
_FEVER_DAY = 316
# The fever brought the platelets down too (a viral illness can): (start, depth, days to
# the lowest, width); a platelet transfusion on the ward two days in lifted them the
# next morning by about _PLATELETS_GIVEN ×10⁹/L.  Invented for the demo.
_FEVER_PLATELETS = (_FEVER_DAY, 0.94, 2.5, 3.0)
_PLATELETS_GIVEN = 45.0
_STAY_NIGHTS = 4  # admitted the evening of _FEVER_DAY

# Lumbar punctures: (offset, drugs, CSF WBC, CSF RBC, blasts seen, CNS status,
# sedation, complications, note).  Drugs: "m" methotrexate only, "t" triple.  The
# doses are left empty: domain.md gives no dose (§3.2: age-banded), the family types them.
_SEVO = "General anaesthetic (sevoflurane gas), in theatre"
_PROPOFOL = "Propofol sedation on the day unit"
_LPS: tuple[tuple[int, str, float, float, YesNoUnknown, CnsStatus, str, str, str], ...] = (
    (
        0,
        "m",
        3,
        4,
        YesNoUnknown.YES,
        CnsStatus.CNS2,
        _SEVO,
        "",
        "Diagnostic LP with the first intrathecal dose. Platelets transfused before the LP.",
    ),
    (
        14,
        "t",
        1,
        0,
        YesNoUnknown.NO,
        CnsStatus.CNS1,
        _SEVO,
        "",
        "Extra intrathecal dose: the team said it was because of CNS2 at diagnosis.",
    ),
    (32, "t", 0, 2, YesNoUnknown.NO, CnsStatus.CNS1, _SEVO, "", "End-of-induction LP (day 33)."),
    (68, "t", 0, 0, YesNoUnknown.NO, CnsStatus.CNS1, _PROPOFOL, "", "Protocol IB day 1."),
    (
        82,
        "t",
        1,
        3,
        YesNoUnknown.NO,
        CnsStatus.CNS1,
        _PROPOFOL,
        "Sleepy and sick in the car home",
        "Protocol IB day 15.",
    ),
    (136, "t", 0, 1, YesNoUnknown.NO, CnsStatus.CNS1, _SEVO, "", "OCTADAD day 1."),
    (164, "t", 1, 2, YesNoUnknown.NO, CnsStatus.CNS1, _PROPOFOL, "", "OCTADAD day 29."),
    (201, "t", 0, 0, YesNoUnknown.NO, CnsStatus.CNS1, _PROPOFOL, "", "Maintenance day 1."),
    (
        299,
        "t",
        3,
        850,
        YesNoUnknown.NO,
        CnsStatus.TLP_NEGATIVE,
        _PROPOFOL,
        "Traumatic tap (blood in the sample); a little back pain for a day",
        "The team said the cytospin showed no blasts.",
    ),
    (383, "t", 1, 0, YesNoUnknown.NO, CnsStatus.CNS1, _PROPOFOL, "", ""),
    (
        467,
        "t",
        0,
        5,
        YesNoUnknown.NO,
        CnsStatus.CNS1,
        _PROPOFOL,
        "Headache the evening after; the ward gave her something for it (the family's note)",
        "",
    ),
    (551, "t", 2, 1, YesNoUnknown.NO, CnsStatus.CNS1, _PROPOFOL, "", ""),
)
_PLANNED_LPS: tuple[int, ...] = (635, 719)


# ---------------------------------------------------------------------- entry points


def write_demo(path: str | Path, today: dt.date, *, now: dt.datetime | None = None) -> None:
    """Write a new record file at ``path`` holding the demo child, as seen on ``today``.

    Every entry is stamped as saved at ``now``, the moment the demo is made (the caller's
    clock; without one, the start of ``today``, UTC): never later, so an entry the family
    edits afterwards is always saved later than the demo made it, and its calendar SEQUENCE
    grows (docs/calendar.md).  Refuses a path that already exists (a demo is never mixed
    into a family's record).  The record is built whole in a temporary file and put in
    place at the end (``Record.create(fill=…)``): a crash or failure half way leaves no
    file at ``path``.
    """
    path = Path(path)
    made = now if now is not None else dt.datetime.combine(today, dt.time(0), tzinfo=dt.UTC)

    def clock() -> dt.datetime:
        return made

    Record.create(path, clock=clock, fill=lambda record: build_demo(record, today)).close()


META_DEMO = "demo"
"""Set in the demo record's meta: the window does not ask to copy the demo to safety."""


def is_demo(record: Record) -> bool:
    """Whether ``record`` is the demo (made by :func:`build_demo`)."""
    return record.meta(META_DEMO) is not None


def build_demo(record: Record, today: dt.date) -> int:
    """Add the demo child to ``record`` with every date relative to ``today``; its id."""
    if record.today() < today:
        raise ValueError(
            f"the record's clock says {record.today().isoformat()}, before the demo's "
            f"today ({today.isoformat()}); the demo would lie in the future"
        )
    record.set_meta(META_DEMO, "1")
    rng = random.Random(SEED)
    diagnosis = today - dt.timedelta(days=DIAGNOSIS_DAYS_AGO)
    birth = diagnosis - AGE_AT_DIAGNOSIS
    maintenance_end = (diagnosis + relativedelta(years=2) - diagnosis).days

    def day(offset: int) -> dt.date:
        return diagnosis + dt.timedelta(days=offset)

    child = _save_child(record, birth, diagnosis, today)
    assert child.id is not None
    phases = _save_phases(record, child, _phase_plans(maintenance_end), day)
    counts, told = _save_counts(record, child, rng, birth, today, day)
    _save_milestones(record, child, phases, counts, maintenance_end, day)
    _save_cns_visits(record, child, phases, counts, day)
    _save_agenda(record, child, today)
    _save_growth(record, child, diagnosis, today)
    _save_temperatures(record, child, diagnosis, today)
    _save_medicines(record, child, today, day)
    _save_stay(record, child, day, today)
    for count, products in told:
        _save_told_transfusions(record, child, today, count, products)
    _save_visit_series(record, child, today)
    return child.id


def _save_visit_series(record: Record, child: Child, today: dt.date) -> None:
    """Blood counts every two weeks at the family doctor: one date cancelled, one moved.
    Saved last, so the entries before keep the uids they had in earlier demos."""
    start = today - dt.timedelta(weeks=6)
    counts = appointment_from_form(
        {
            "date": start.isoformat(),
            "time": "08:15",
            "with_whom": "Family doctor, counts (demo)",
            "place": "Health centre (fictional)",
            "repeat": schedule.repeat_rule("weekly", 2, [start.weekday()]),
        },
        child=child,
    )
    counts = visits.cancelled(counts, start + dt.timedelta(weeks=4))
    moved = visits.change_for(counts, start + dt.timedelta(weeks=8))
    record.save(
        visits.with_change(
            counts,
            replace(
                moved,
                date=start + dt.timedelta(weeks=8, days=1),
                note="Moved a day: the health centre is closed (demo)",
            ),
        )
    )


# Monthly weights from diagnosis, a length every three months and a few head
# circumferences, as a family copies them from the clinic's sheet (one from the home scale,
# in pounds and ounces).  Typed by hand, invented, never worked out from a formula; nothing
# in the demo is derived from a weight or a BSA.
_DEMO_GROWTH: tuple[tuple[int, str, str, str, str], ...] = (
    # (months after diagnosis, weight, length, head circumference, measured by)
    (0, "6.42 kg", "62.5 cm", "41.5 cm", "clinic"),
    (1, "6.18 kg", "", "", "ward"),
    (2, "6.35 kg", "", "", "clinic"),
    (3, "6.71 kg", "65 cm", "", "clinic"),
    (4, "6.9 kg", "", "", "clinic"),
    (5, "7.12 kg", "", "", "clinic"),
    (6, "7.05 kg", "67.5 cm", "", "clinic"),
    (7, "7.38 kg", "", "", "clinic"),
    (8, "16 lb 12 oz", "", "", "home scale"),
    (9, "7.71 kg", "70 cm", "44 cm", "clinic"),
    (10, "7.94 kg", "", "", "clinic"),
    (11, "8.16 kg", "", "", "clinic"),
    (12, "8.4 kg", "73.5 cm", "", "clinic"),
    (13, "8.62 kg", "", "", "clinic"),
    (14, "8.85 kg", "", "", "clinic"),
    (15, "9.03 kg", "76 cm", "", "clinic"),
    (16, "9.2 kg", "", "", "clinic"),
    (17, "9.41 kg", "", "", "clinic"),
    (18, "9.58 kg", "78.5 cm", "46 cm", "clinic"),
)


def _save_growth(record: Record, child: Child, diagnosis: dt.date, today: dt.date) -> None:
    for months, weight, length, head, by in _DEMO_GROWTH:
        date = diagnosis + relativedelta(months=months)
        if date > today:
            break
        record.save(
            growth_from_form(
                {
                    "date": date.isoformat(),
                    "weight_text": weight,
                    "length_text": length,
                    "head_text": head,
                    "measured_by": by,
                    "note": "Fictional demo measurement",
                },
                child=child,
                today=today,
            )
        )


# The team's fever rule as the family typed it from the ward's sheet (fictional), and the
# fever night of _FEVER_DAY: armpit readings that evening (one from a grandparent's
# thermometer in °F), the team called, then hospital (the stay itself is another entry).
DEMO_FEVER_RULE = "≥ 38.0 °C: phone the ward, day or night (fictional demo rule)"
_DEMO_FEVER_NIGHT: tuple[tuple[str, str, str, str, str], ...] = (
    # (time, as typed, unit chosen, what was done, note)
    ("18:30", "37.6", "C", "", "Hot cheeks after the nap"),
    ("19:45", "100.2 °F", "", "", "Grandma's thermometer"),
    ("21:40", "38.2", "C", "called_team", "The ward said to come in"),
    ("22:30", "38.4", "C", "went_to_hospital", ""),
)


def _fever_peak() -> str:
    """The fever night's highest reading in °C as typed (the count note names it)."""
    return max((v for _, v, unit, _, _ in _DEMO_FEVER_NIGHT if unit == "C"), key=float)


# Symptoms in maintenance: (days after diagnosis, days it lasted, what, words, how bad,
# CTCAE grade or "", note).  Typed as a family would; the grade is a label only.
_DEMO_SYMPTOMS: tuple[tuple[int, int, str, str, str, str, str], ...] = (
    (_FEVER_DAY - 1, 2, "tiredness", "", "mild", "", "Quieter than usual, slept a lot"),
    (_FEVER_DAY + 3, 6, "mouth_sores", "", "mild", "1", "Drooling, drank a little less"),
    (470, 1, "vomiting", "", "moderate", "", "Twice in the evening"),
)


def _save_temperatures(record: Record, child: Child, diagnosis: dt.date, today: dt.date) -> None:
    record.save(
        fever_rule_from_form(
            {
                "given_on": diagnosis.isoformat(),
                "value_text": "38.0",
                "unit": "C",
                "rule_text": DEMO_FEVER_RULE,
            },
            child=child,
            today=today,
        )
    )
    night = diagnosis + dt.timedelta(days=_FEVER_DAY)
    for time, value, unit, done, note in _DEMO_FEVER_NIGHT:
        record.save(
            temperature_from_form(
                {
                    "date": night.isoformat(),
                    "time": time,
                    "value_text": value,
                    "unit": unit,
                    "site": "armpit",
                    **({done: "1"} if done else {}),
                    "note": f"{note} (fictional demo reading)"
                    if note
                    else "Fictional demo reading",
                },
                child=child,
                today=today,
            )
        )
    for offset, days, what, words, severity, grade, note in _DEMO_SYMPTOMS:
        start = diagnosis + dt.timedelta(days=offset)
        end = start + dt.timedelta(days=days - 1)
        if end > today:
            continue
        record.save(
            symptom_from_form(
                {
                    "date": start.isoformat(),
                    "end_date": end.isoformat() if days > 1 else "",
                    "what": what,
                    "what_text": words,
                    "severity": severity,
                    "grade": grade,
                    "note": f"{note} (fictional demo entry)",
                },
                child=child,
                today=today,
            )
        )


# The maintenance medicines as a family copies them from the team's sheet: fictional doses,
# typed, never worked out from a weight or a BSA.  6-MP in the evening (domain.md §5.3: some
# protocols give it then), with two dose changes in the last month in the team's words;
# methotrexate by mouth on Fridays; co-trimoxazole on Saturday and Sunday, twice a day.
_SIX_MP = "6-mercaptopurine"
_SIX_MP_DOSES: tuple[tuple[int, str, str], ...] = (
    # (days before today it starts, dose in mg, what the team said)
    (-1, "10", "Fictional demo plan: as on the team's maintenance sheet"),
    (25, "7.5", "The team lowered the dose after the clinic visit (fictional)"),
    (11, "10", "The team said to go back to 10 mg (fictional)"),
)
_MISSED_6MP = (20, 9)  # days before today: missed (the family's note says why, no blame)
_VOMITED_6MP = 15
_DOSE_LOG_DAYS = 42  # every due dose of the last six weeks (since before the last visit)
_HELD_DAYS = 4  # 6-MP and MTX held by the team during the fever stay, from _FEVER_DAY


def _save_medicines(
    record: Record, child: Child, today: dt.date, day: Callable[[int], dt.date]
) -> None:
    assert child.id is not None
    start = day(_MAINTENANCE_START)
    plans: list[MedicinePlan] = []
    previous: MedicinePlan | None = None
    for i, (days_before, dose, note) in enumerate(_SIX_MP_DOSES):
        begins = start if days_before < 0 else today - dt.timedelta(days=days_before)
        ends = (
            today - dt.timedelta(days=_SIX_MP_DOSES[i + 1][0] + 1)
            if i + 1 < len(_SIX_MP_DOSES)
            else None
        )
        plan, _ = record.save(
            MedicinePlan(
                child.id,
                _SIX_MP,
                begins,
                dose_amount=dose,
                dose_unit="mg",
                strength="20 mg/mL",
                form=MedicineForm.LIQUID,
                schedule=schedule.daily(1, (19,)),
                end_date=ends,
                team_note=note,
                follows_id=previous.id if previous else None,
            )
        )
        plans.append(plan)
        previous = plan
    mtx, _ = record.save(
        MedicinePlan(
            child.id,
            "methotrexate (by mouth)",
            start,
            dose_amount="5",
            dose_unit="mg",
            strength="2.5 mg",
            form=MedicineForm.TABLET,
            schedule=schedule.weekly((4,), (18,)),
            team_note="Fictional demo plan: once a week, on Fridays",
        )
    )
    cotrim, _ = record.save(
        MedicinePlan(
            child.id,
            "co-trimoxazole",
            start,
            dose_amount="2.5",
            dose_unit="mL",
            strength="40 mg/200 mg per 5 mL",
            form=MedicineForm.LIQUID,
            schedule=schedule.weekly((5, 6), (8, 20)),
            team_note="Fictional demo plan: weekends only, against Pneumocystis",
        )
    )
    record.save_all(_dose_logs(child.id, [*plans, mtx], cotrim, today, day))


def _dose_logs(
    child_id: int,
    held_plans: Sequence[MedicinePlan],
    cotrim: MedicinePlan,
    today: dt.date,
    day: Callable[[int], dt.date],
) -> list[DoseLog]:
    """Every due dose of the last six weeks up to today's noon (today's evening 6-MP is left
    for the family to tick), two 6-MP doses missed and one vomited; and the 6-MP and MTX
    doses held by the team during the fever stay."""
    first = today - dt.timedelta(days=_DOSE_LOG_DAYS)
    noon = dt.time(12, 0)
    missed = {today - dt.timedelta(days=d) for d in _MISSED_6MP}
    vomited = today - dt.timedelta(days=_VOMITED_6MP)
    fever = day(_FEVER_DAY)
    held_until = fever + dt.timedelta(days=_HELD_DAYS - 1)
    logs: list[DoseLog] = []
    for plan in (*held_plans, cotrim):
        assert plan.id is not None
        for when, hour in schedule.occurrences(
            plan.schedule, plan.start_date, plan.end_date, fever, held_until
        ):
            if plan is not cotrim:
                logs.append(
                    DoseLog(
                        child_id,
                        plan.id,
                        when,
                        DoseStatus.HELD,
                        due_time=hour,
                        note="On the ward with a fever: the team said to stop it for now",
                    )
                )
        for when, hour in schedule.occurrences(
            plan.schedule, plan.start_date, plan.end_date, first, today
        ):
            if when == today and (hour is None or hour >= noon):
                continue  # still to come today
            status, note = DoseStatus.GIVEN, ""
            if plan.drug == _SIX_MP and when in missed:
                status, note = DoseStatus.MISSED, "Fell asleep early; not given (the family's note)"
            elif plan.drug == _SIX_MP and when == vomited:
                status, note = (
                    DoseStatus.VOMITED,
                    "Sick about 10 minutes after; we called the team (the family's note)",
                )
            given = (
                dt.time(hour.hour, 10) if hour is not None and status is DoseStatus.GIVEN else None
            )
            logs.append(
                DoseLog(child_id, plan.id, when, status, due_time=hour, given_time=given, note=note)
            )
    return logs


def _save_stay(record: Record, child: Child, day: _Day, today: dt.date) -> None:
    """The fever night: admitted the evening of _FEVER_DAY for antibiotics, home four
    nights later; a platelet transfusion on the ward two days in (its counts before and
    after are the demo's own blood counts, linked, not typed again)."""
    start, end = day(_FEVER_DAY), day(_FEVER_DAY + _STAY_NIGHTS)
    if start > today:
        return
    record.save(
        stay_from_form(
            {
                "from_date": start.isoformat(),
                "to_date": end.isoformat() if end <= today else "",
                "place": f"Children's ward, {HOSPITAL}",
                "reason": "fever",
                "note": "Fictional demo stay: antibiotics through the line until the fever "
                "settled and the cultures were clear",
            },
            child=child,
            today=today,
        )
    )
    given = day(_FEVER_DAY + 2)
    if given > today:
        return
    record.save(
        transfusion_from_form(
            {
                "date": given.isoformat(),
                "time": "15:10",
                "product": "platelets",
                "amount_text": "1 unit",
                "reason": "Platelets low with the fever; the team's decision",
                "note": "No reaction. Fictional demo entry",
            },
            child=child,
            today=today,
        )
    )


def _save_agenda(record: Record, child: Child, today: dt.date) -> None:
    """Clinic visits every four weeks in maintenance, the next one planned, and questions."""
    for weeks_ago in (12, 8, 4):
        record.save(
            appointment_from_form(
                {
                    "date": (today - dt.timedelta(weeks=weeks_ago, days=3)).isoformat(),
                    "time": "10:30",
                    "with_whom": "Oncology day clinic (demo)",
                    "place": "Lindenbrook Children's Hospital (fictional)",
                },
                child=child,
            )
        )
    record.save(
        appointment_from_form(
            {
                "date": (today + dt.timedelta(days=4)).isoformat(),
                "time": "09:45",
                "with_whom": "Oncology day clinic (demo)",
                "note": "To take along: the summary and the medicine list.",
            },
            child=child,
        )
    )
    for days_ago, text, answered, answer in (
        (
            40,
            "Is the rash on the cheeks from the co-trimoxazole?",
            True,
            "The team said probably not, and asked to see it at the next visit.",
        ),
        (9, "Can Robin go to the toddler group again while in maintenance?", False, ""),
        (2, "When is the next lumbar puncture, and does Robin need to fast before it?", False, ""),
    ):
        record.save(
            question_from_form(
                {
                    "added_on": (today - dt.timedelta(days=days_ago)).isoformat(),
                    "text": text,
                    "answered": "1" if answered else "",
                    "answer": answer,
                },
                child=child,
                today=today,
            )
        )


# ---------------------------------------------------------------------- child


def _save_child(record: Record, birth: dt.date, diagnosis: dt.date, today: dt.date) -> Child:
    child = child_from_form(
        {
            "name": CHILD_NAME,
            "birth_date": birth.isoformat(),
            "sex": "female",
            "diagnosis_date": diagnosis.isoformat(),
            "immunophenotype": "pro-B ALL (CD10-negative, BI)",
            "kmt2a_status": "rearranged",
            "kmt2a_partner": "AFF1 (AF4), t(4;11)(q21;q23)",
            "wbc_at_diagnosis_text": WBC_AT_DIAGNOSIS,
            "wbc_at_diagnosis_unit": "×10⁹/L",
            "cns_status_at_diagnosis": "CNS2",
            "prednisone_response": "good",
            "protocol": "Interfant-21 (demo)",
            "risk_group": "medium",
            "risk_group_text": "MR",
            "hospital": HOSPITAL,
            "team_contacts": "Oncology ward (demo): 555-0142\nDay unit (demo): 555-0177",
            "notes": "A fictional demonstration record: not a real child, and not medical "
            "advice. Every value is invented.",
            # the fever card's fields, as invented as the rest.  The numbers are the contacts'
            # above, in the range the North American Numbering Plan keeps for fiction
            # (555-0100 to 555-0199, NANPA): no real phone rings.
            "central_line": "port",
            "no_known_allergies": "1",
            "phone_day": "555-0177",
            "phone_24h": "555-0142",
            "blood_product_notes": "Irradiated, CMV-negative products (demo)",
        },
        today=today,
    )
    saved, _ = record.save(child)
    return saved


# ---------------------------------------------------------------------- phases


def _save_phases(
    record: Record,
    child: Child,
    plans: Sequence[_PhasePlan],
    day: _Day,
) -> list[Phase]:
    assert child.id is not None
    saved: list[Phase] = []
    for plan in plans:
        phase = Phase(
            child_id=child.id,
            kind=plan.kind,
            name=plan.name,
            planned_start=day(plan.planned_start),
            planned_end=day(plan.planned_end) if plan.planned_end is not None else None,
            actual_start=day(plan.actual_start) if plan.actual_start is not None else None,
            actual_end=day(plan.actual_end) if plan.actual_end is not None else None,
            notes=plan.notes,
        )
        saved.append(record.save(phase)[0])
    return saved


def _phase_on(phases: Sequence[Phase], date: dt.date) -> Phase | None:
    """The phase running on ``date`` (the latest to start when several do)."""
    running = current_phase(phases, date)
    return running.phase if running else None


# ---------------------------------------------------------------------- blood counts


def _count_offsets(last: int) -> list[int]:
    """Daily while in hospital, every other day between, every 2 weeks in maintenance."""
    offsets = set(range(28))
    offsets.update(range(28, _MAINTENANCE_START, 2))
    offsets.update(range(36, 43))  # each blinatumomab cycle starts with a week in hospital
    offsets.update(range(101, 108))
    offsets.update(start for start, *_ in _BLOCKS)
    offsets.update(lp[0] for lp in _LPS)
    offsets.update(range(_MAINTENANCE_START, last + 1, 14))
    # the fever: checked on the day and then weekly until the counts recovered
    offsets.update((_FEVER_DAY, _FEVER_DAY + 2, _FEVER_DAY + 8, _FEVER_DAY + 15))
    offsets.add(_FEVER_DAY + 3)  # the morning after the platelet transfusion
    return sorted(o for o in offsets if o <= last)


def _dip(t: float, start: float, depth: float, nadir: float, width: float) -> float:
    if t < start:
        return 1.0
    return 1.0 - depth * math.exp(-(((t - start - nadir) / width) ** 2))


def _capacity(t: int, platelets: bool = False) -> float:
    """How much of normal blood making is working, 0..1 (marrow first full of leukaemia)."""
    cap = 1.0 - (0.9 if platelets else 0.85) * math.exp(-t / (14.0 if platelets else 9.0))
    for start, wbc_depth, plt_depth, nadir, width in _BLOCKS:
        cap *= _dip(t, start, plt_depth if platelets else wbc_depth, nadir, width)
    if platelets:
        cap *= _dip(t, *_FEVER_PLATELETS)
    return cap


def _leukaemic_wbc(t: int) -> float:
    """Blasts in the blood (×10⁹/L): about 284 at diagnosis, cleared by prednisone within days."""
    return 283.0 * math.exp(-0.906 * t) if t <= 12 else 0.0


def _base_wbc(t: int) -> float:
    if t < _MAINTENANCE_START:
        return 7.0
    # 6-MP and methotrexate hold the white count lower in maintenance
    return 7.0 - 3.9 * min(1.0, (t - _MAINTENANCE_START) / 42)


@dataclass(frozen=True, slots=True)
class _Lab:
    source: str
    count_unit: str
    hb_unit: str
    hb_per_g_l: float  # value in hb_unit = g/L × this
    hct_unit: str
    hct_per_l_l: float
    rbc_unit: str
    count_digits: tuple[int, int]  # decimals below 1 and below 100
    hb_digits: int
    hct_digits: int
    times: tuple[str, ...]


_HOSPITAL = _Lab(
    HOSPITAL_LAB,
    "×10⁹/L",
    "g/L",
    1.0,
    "L/L",
    1.0,
    "×10¹²/L",
    (2, 1),
    0,
    2,
    ("07:10", "07:35", "07:50", "08:20", "08:45", "09:15", "10:05", "11:40", "14:30"),
)
_LOCAL = _Lab(
    LOCAL_LAB,
    "K/µL",
    "g/dL",
    0.1,
    "%",
    100.0,
    "M/µL",
    (2, 1),
    1,
    1,
    ("08:30", "08:50", "09:10", "09:40", "10:15"),
)


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _fmt_count(value: float, lab: _Lab, whole_above: float = 100.0) -> str:
    if value >= whole_above:
        return _fmt(value, 0)
    return _fmt(value, lab.count_digits[0] if value < 1 else lab.count_digits[1])


def _ranges(lab: _Lab, age_months: int) -> dict[str, str]:
    """The lab's printed reference range for the child's age (as it would be typed)."""
    if lab is _HOSPITAL:
        return {
            "wbc": "6.0-17.5",
            "anc": "1.0-8.5" if age_months < 12 else "1.5-8.5",
            "lymph": "4.0-13.5",
            "mono": "0.3-0.9",
            "hgb": "95-141" if age_months < 6 else "105-135",
            "hct": "0.29-0.41" if age_months < 6 else "0.33-0.39",
            "plt": "150-450",
            "rbc": "3.1-5.1" if age_months < 6 else "3.9-5.5",
        }
    return {
        "wbc": "6.1-17.5",
        "anc": "1.90-5.40",
        "hgb": "10.5-13.5",
        "hct": "33-39",
        "plt": "150-450",
        "rbc": "3.9-5.5",
    }


_WARD_TIMES = {2: "07:50", 3: "07:10"}


def _save_counts(
    record: Record,
    child: Child,
    rng: random.Random,
    birth: dt.date,
    today: dt.date,
    day: _Day,
) -> tuple[dict[int, CountResult], list[tuple[CountResult, dict[TransfusionProduct, str]]]]:
    """Save every blood count; returns them by offset from diagnosis, and the counts whose
    notes tell of a transfusion after them with its products and reasons (saved last, so
    that the other entries keep their places)."""
    last = (today - day(0)).days
    offsets = _count_offsets(last)
    wanted = set(offsets)
    lp_days = {lp[0] for lp in _LPS}
    saved: dict[int, CountResult] = {}
    told: list[tuple[CountResult, dict[TransfusionProduct, str]]] = []
    hb = 68.0  # g/L at diagnosis
    transfuse_red = False
    for t in range(last + 1):
        cap = _capacity(t)
        # haemoglobin drifts toward a target while the marrow works and falls while it does not
        target = 118.0 if t < _MAINTENANCE_START else 112.0
        if transfuse_red:
            hb += 38.0
            transfuse_red = False
        hb += 0.05 * (target - hb) * cap - 2.2 * (1.0 - cap) + rng.gauss(0.0, 0.6)
        hb = min(max(hb, 58.0), 135.0)
        if t not in wanted:
            continue
        # the count after the transfusion draws on its own numbers: every other count is
        # the same as before it was added
        draws = random.Random(t) if t == _FEVER_DAY + 3 else rng
        on_ward = _FEVER_DAY < t <= _FEVER_DAY + _STAY_NIGHTS
        hospital = t < _MAINTENANCE_START or t in lp_days or draws.random() < 0.3 or on_ward
        lab = _HOSPITAL if hospital else _LOCAL
        values, notes, red, platelets_given = _draw(t, cap, hb, lab, draws, birth, day)
        transfuse_red = red
        note = "; ".join(notes)
        if platelets_given:
            note = f"{note}; platelets transfused" if note else "Platelets transfused"
        time = "" if draws.random() < 0.12 else draws.choice(lab.times)
        if on_ward:  # the ward's early-morning bloods, before the day's transfusions
            time = _WARD_TIMES.get(t - _FEVER_DAY, time)
        if (red or platelets_given) and not time:  # a transfusion after it: its time known
            time = lab.times[0]
        result = count_from_form(
            {
                "taken_date": day(t).isoformat(),
                "taken_time": time,
                "source": lab.source,
                "note": note,
            },
            values,
            child=child,
            today=today,
        )
        saved[t] = record.save(result)[0]
        reasons = {
            TransfusionProduct.PLATELETS: "Platelets low"
            + (" before the lumbar puncture" if t in lp_days else "")
            + "; the team's decision",
            TransfusionProduct.RED_CELLS: "Hemoglobin low; the team's decision",
        }
        given = {TransfusionProduct.PLATELETS: platelets_given, TransfusionProduct.RED_CELLS: red}
        if any(given.values()):
            told.append((saved[t], {k: v for k, v in reasons.items() if given[k]}))
    return saved, told


# The transfusions a count's note tells of ("Red cell transfusion after this count",
# "platelets transfused"): entries of their own, later that day, with the reason as the
# family was told it (the fever's platelets are _save_stay's).  Hours after the count, and
# the platelets before a lumbar puncture that day; invented for the demo.
_TOLD_HOURS = {TransfusionProduct.PLATELETS: 2, TransfusionProduct.RED_CELLS: 5}


def _save_told_transfusions(
    record: Record,
    child: Child,
    today: dt.date,
    count: CountResult,
    reasons: dict[TransfusionProduct, str],
) -> None:
    """The transfusions after ``count`` that its note tells of, each with its reason."""
    assert count.taken_time is not None  # given one when a transfusion follows it
    for product, reason in reasons.items():
        at = dt.datetime.combine(count.taken_date, count.taken_time)
        at = min(at + dt.timedelta(hours=_TOLD_HOURS[product]), at.replace(hour=23, minute=50))
        record.save(
            transfusion_from_form(
                {
                    "date": count.taken_date.isoformat(),
                    "time": f"{at:%H:%M}",
                    "product": product.value,
                    "reason": reason,
                    "note": "Fictional demo entry",
                },
                child=child,
                today=today,
            )
        )


def _draw(
    t: int,
    cap: float,
    hb: float,
    lab: _Lab,
    rng: random.Random,
    birth: dt.date,
    day: _Day,
) -> tuple[list[ValueInput], list[str], bool, bool]:
    """One blood draw: the values as typed, notes, and whether red cells/platelets were given."""
    noise = rng.uniform(0.9, 1.1)
    leukaemic = _leukaemic_wbc(t)
    normal = max(0.12, _base_wbc(t) * cap * noise)
    wbc = leukaemic + normal
    plt = max(6.0, (330.0 if t < _MAINTENANCE_START else 265.0) * _capacity(t, True))
    plt *= rng.uniform(0.88, 1.12)
    plt = max(6.0, plt)
    if t == _FEVER_DAY + 3:
        plt += _PLATELETS_GIVEN
    age = relativedelta(day(t), birth)
    ranges = _ranges(lab, age.years * 12 + age.months)
    with_ranges = rng.random() < 0.4
    inputs: list[ValueInput] = []

    def add(code: str, text: str, unit: str) -> None:
        rng_text = ranges.get(code, "") if with_ranges else ""
        inputs.append(ValueInput(code, text, unit, rng_text))

    wbc_text = WBC_AT_DIAGNOSIS if t == 0 else _fmt_count(wbc, lab)
    wbc_typed = float(wbc_text)
    add("wbc", wbc_text, lab.count_unit)
    differential = wbc_typed >= 0.5 and (t < 60 or rng.random() < 0.7)
    neutro_share = 0.10 + 0.32 * min(1.0, cap)  # of the normal white cells
    if differential:
        blast_share = min(0.95, leukaemic / wbc) if leukaemic > 0 else 0.0
        rest = 1.0 - blast_share
        neut_pct = max(1, round(100 * rest * neutro_share * rng.uniform(0.85, 1.15)))
        band_pct = round(100 * rest * rng.uniform(0.0, 0.05))
        anc = wbc_typed * (neut_pct + band_pct) / 100
        add("anc", _fmt(anc, 2), lab.count_unit)
        add("neut_pct", str(neut_pct), "%")
        add("band_pct", str(band_pct), "%")
        if t < 60:
            mono_share = rest * 0.08
            lymph_share = max(0.0, rest - (neut_pct + band_pct) / 100 - mono_share)
            add("lymph", _fmt_count(wbc_typed * lymph_share, lab), lab.count_unit)
            add("mono", _fmt_count(wbc_typed * mono_share, lab), lab.count_unit)
            add("blast_pct", str(round(100 * blast_share)), "%")
    else:
        anc = wbc_typed * neutro_share * rng.uniform(0.85, 1.15)
        add("anc", "<0.1" if anc < 0.1 else _fmt(anc, 2), lab.count_unit)
    add("hgb", _fmt(hb * lab.hb_per_g_l, lab.hb_digits), lab.hb_unit)
    add("plt", _fmt(plt, 0), lab.count_unit)
    if rng.random() < 0.4:
        hct = hb / 330.0 * rng.uniform(0.97, 1.03)
        add("hct", _fmt(hct * lab.hct_per_l_l, lab.hct_digits), lab.hct_unit)
        add("rbc", _fmt(hb / 29.0 * rng.uniform(0.96, 1.04), 2), lab.rbc_unit)

    notes: list[str] = []
    if t == 0:
        notes.append("Diagnosis: blasts on the blood film")
    elif t == 7:
        notes.append("Day 8: prednisone response check")
    elif t == _FEVER_DAY:
        notes.append(f"Fever {_fever_peak()} °C, admitted for antibiotics; 6-MP and MTX held")
    elif t == _FEVER_DAY + 2:
        notes.append("On the ward: platelets low, a platelet transfusion this afternoon")
    elif t == _FEVER_DAY + 3:
        notes.append("The morning after the platelet transfusion")
    elif t == _FEVER_DAY + 15:
        restart = day(_FEVER_DAY + _HELD_DAYS).isoformat()
        notes.append(f"The team restarted 6-MP and MTX on {restart}, at full dose")
    elif t == _MAINTENANCE_START:
        notes.append("Home for maintenance")
    red = hb < 75.0
    if red:
        notes.append("Red cell transfusion after this count")
    return inputs, notes, red, plt < 12.0 or (t == 0)


# ---------------------------------------------------------------------- milestones


def _mrd(entered: str, method: MrdMethod, qualifier: MrdQualifier | None = None) -> Mrd:
    """A marrow MRD result as typed; a qualified one keeps the number typed with it
    ("below the quantifiable range, 0.01%"), if any."""
    fraction = parse_mrd(entered) if entered else None
    return Mrd(entered, fraction, qualifier or MrdQualifier.QUANTIFIED, method, MrdSample.MARROW)


def _day8_blasts(count: CountResult) -> int:
    wbc, blasts = count.value("wbc"), count.value("blast_pct")
    assert wbc is not None and blasts is not None
    return round(wbc.normalised_value * blasts.value / 100 * 1000)


def _save_milestones(
    record: Record,
    child: Child,
    phases: Sequence[Phase],
    counts: dict[int, CountResult],
    maintenance_end: int,
    day: _Day,
) -> None:
    assert child.id is not None
    cid = child.id
    items: list[Milestone] = [
        Milestone(
            cid,
            day(0),
            MilestoneKind.MARROW_CHECK,
            "Diagnostic marrow: 94% blasts, pro-B; KMT2A::AFF1 by split-signal FISH",
        ),
    ]
    for p in phases:
        if p.actual_start is not None:
            items.append(
                Milestone(cid, p.actual_start, MilestoneKind.PHASE_START, f"{p.name} started")
            )
    blasts = _day8_blasts(counts[7])
    response = "a good prednisone response" if blasts < 1000 else "a poor prednisone response"
    items += [
        Milestone(
            cid,
            day(7),
            MilestoneKind.OTHER,
            f"Day 8 blood blasts {blasts}/µL; the team said this is {response}",
        ),
        Milestone(
            cid,
            day(32),
            MilestoneKind.MARROW_CHECK,
            "End-of-induction marrow (day 33): in remission, as the team reported it",
        ),
        Milestone(
            cid,
            day(32),
            MilestoneKind.MRD_RESULT,
            "End of induction (TP2)",
            mrd=_mrd("3×10^-4", MrdMethod.PCR_KMT2A),
        ),
        Milestone(
            cid,
            day(32),
            MilestoneKind.MRD_RESULT,
            "End of induction, flow cytometry",
            mrd=_mrd("0.02%", MrdMethod.FLOW),
        ),
        Milestone(
            cid,
            day(34),
            MilestoneKind.REMISSION,
            "Complete remission, as the team told us (marrow of day 33)",
            notes="The team said the MRD response is good: Robin stays in medium risk and "
            "has blinatumomab next.",
        ),
        Milestone(
            cid,
            day(63),
            MilestoneKind.MRD_RESULT,
            "After blinatumomab 1",
            mrd=_mrd("", MrdMethod.PCR_KMT2A, MrdQualifier.NEGATIVE),
            notes="The team said Robin responded well: a second blinatumomab cycle comes "
            "after protocol IB, in place of one chemotherapy course.",
        ),
        Milestone(
            cid,
            day(95),
            MilestoneKind.MRD_RESULT,
            "End of protocol IB (TP3), before blinatumomab 2",
            mrd=_mrd("0.01%", MrdMethod.PCR_KMT2A, MrdQualifier.BELOW_QUANTIFIABLE_RANGE),
        ),
        Milestone(
            cid,
            day(128),
            MilestoneKind.MRD_RESULT,
            "After blinatumomab 2",
            mrd=_mrd("", MrdMethod.PCR_KMT2A, MrdQualifier.NEGATIVE),
        ),
        Milestone(
            cid,
            day(maintenance_end),
            MilestoneKind.MARROW_CHECK,
            "End-of-therapy marrow, as the team mentioned it",
            planned=True,
            notes="Date to be confirmed by the team.",
        ),
    ]
    for m in sorted(items, key=lambda m: m.date):
        record.save(m)


# ---------------------------------------------------------------------- CNS visits


def _it_doses(drugs: str) -> tuple[ItDose, ...]:
    """The drugs given, with the dose left empty: domain.md gives no dose (§3.2 says only
    that doses are age-banded), so the demo leaves it for the family to type."""
    if drugs == "m":
        return (ItDose(ItDrug.METHOTREXATE),)
    return (
        ItDose(ItDrug.METHOTREXATE),
        ItDose(ItDrug.CYTARABINE),
        ItDose(ItDrug.PREDNISOLONE),
    )


def _save_cns_visits(
    record: Record,
    child: Child,
    phases: Sequence[Phase],
    counts: dict[int, CountResult],
    day: _Day,
) -> None:
    assert child.id is not None
    for offset, drugs, wbc, rbc, blasts, status, sedation, complications, note in _LPS:
        date = day(offset)
        phase = _phase_on(phases, date)
        plt = counts[offset].value("plt")
        record.save(
            CnsVisit(
                child_id=child.id,
                date=date,
                procedure=LpProcedure.LP_WITH_IT,
                phase_id=phase.id if phase else None,
                it_drugs=_it_doses(drugs),
                csf_wbc=wbc,
                csf_rbc=rbc,
                blasts_seen=blasts,
                cns_status=status,
                sedation=sedation,
                platelets=plt.normalised_value if plt else None,
                complications=complications,
                note=note,
            )
        )
    for offset in _PLANNED_LPS:
        date = day(offset)
        phase = _phase_on(phases, date)
        record.save(
            CnsVisit(
                child_id=child.id,
                date=date,
                procedure=LpProcedure.LP_WITH_IT,
                phase_id=phase.id if phase else None,
                it_drugs=_it_doses("t"),
                cns_status=CnsStatus.PENDING,
                sedation=_PROPOFOL,
                planned=True,
                note="Maintenance LP on the date the team gave; it may move.",
            )
        )
