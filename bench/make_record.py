"""Write a synthetic, deterministic record of YEARS years of treatment for benchmarks.

    python bench/make_record.py YEARS FILE [--today YYYY-MM-DD] [--without-home] [--force]

Also importable: ``make_record(years, path, today, home=True)``.

Everything goes through the public API (``tracker.forms`` to turn typed text
into records, ``Record.save_*`` to store them) with a fixed clock, so ``today``
is the end of the synthetic history and every validation rule runs.  The only
randomness is one seeded :class:`random.Random`, so the same arguments always
give the same rows (apart from the uids the store draws).

Shape per year (about): 511 blood counts (1.4 a day: one every day, a second
one on two days in five), 33 lumbar punctures (every 11 days), 46 phases
(short repeated blocks, some overlapping a long-running one) and 60
milestones.  For 10 years that is 5,113 counts, 332 LPs and over 1,000 phases
and milestones.  The numbers are invented and not clinical data.

Life at home (left out with ``--without-home``, ``home=False``: the same record
otherwise, row for row, since these are drawn last): the last two years (or the
whole history, if shorter) are maintenance with three home medicines as the team
wrote them, 6-mercaptopurine daily at 19:00 and methotrexate weekly on Friday,
each dose changed every ~6 weeks by closing the plan and opening the next that
follows it, and co-trimoxazole on Saturday and Sunday at 08:00 and 20:00; every
dose due up to now is logged (about 1 in 60 missed, 1 in 150 vomited, 1 in 200
held by the team, some partly given).  Over the whole history: a temperature
every ~8 days and a fever night every ~7 weeks (4-6 readings that night, the
team called, then hospital), the team's fever rule (one changed later), a
symptom about every 4 weeks, and a weight every month (length every 3 months,
head circumference under two), a hospital stay from each fever night and a
planned one about every 3 months, platelets about every 6 weeks and red cells about
every 2 months.  For 10 years: about 1,250 doses, 37 plans, 840 temperatures, 130
symptoms, 120 growth entries, 110 stays and 130 transfusions.

Saves are one transaction each (``synchronous=FULL``), so on a slow disk the
file is built on a RAM disk (``/dev/shm``) when there is one and copied into
place when complete; the result is the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tracker import schedule  # noqa: E402
from tracker.forms import ValueInput, count_from_form  # noqa: E402
from tracker.kinds.growth import growth_from_form  # noqa: E402
from tracker.kinds.stay import stay_from_form  # noqa: E402
from tracker.kinds.symptom import symptom_from_form  # noqa: E402
from tracker.kinds.temperature import fever_rule_from_form, temperature_from_form  # noqa: E402
from tracker.kinds.transfusion import transfusion_from_form  # noqa: E402
from tracker.model import (  # noqa: E402
    Child,
    CnsStatus,
    CnsVisit,
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
    Stay,
    YesNoUnknown,
)
from tracker.store.record import Record  # noqa: E402

SEED = 1_000_003
DEFAULT_TODAY = dt.date(2026, 11, 24)

COUNT_EVERY_DAY = 1
SECOND_COUNT_DAYS = (0, 2)  # day % 5 in these → a second count that day (1.4 a day)
LP_EVERY = 11  # days
BLOCK_DAYS = 8  # a new short phase every 8 days (46 a year)
HOME_YEARS = 2  # years of home medicines at the end of the history
DOSE_CHANGE_DAYS = (35, 49)  # a dose change every ~6 weeks
TEMPERATURE_EVERY = 8  # days (a few a month)
FEVER_NIGHT_EVERY = 50  # days
SYMPTOM_EVERY = 28  # days
BATCH = 500  # entries per save_all (one transaction each)


@dataclass(frozen=True, slots=True)
class Made:
    """What was written, for the benchmark's table."""

    path: Path
    today: dt.date
    first: dt.date
    counts: int
    values: int
    cns: int
    phases: int
    milestones: int
    seconds: float
    home: dict[str, int] = field(default_factory=dict)  # kind key → entries written


@dataclass(frozen=True, slots=True)
class _Lab:
    source: str
    count_unit: str
    hb_unit: str
    hb_per_g_l: float
    hb_digits: int
    ranges: dict[str, str]


_HOSPITAL = _Lab(
    "Hospital lab (synthetic)",
    "×10⁹/L",
    "g/L",
    1.0,
    0,
    {
        "wbc": "6.0-17.5",
        "anc": "1.5-8.5",
        "hgb": "105-135",
        "plt": "150-450",
        "lymph": "4.0-13.5",
        "mono": "0.3-0.9",
    },
)
_LOCAL = _Lab(
    "Local lab (synthetic)",
    "K/µL",
    "g/dL",
    0.1,
    1,
    {"wbc": "6.1-17.5", "anc": "1.90-5.40", "hgb": "10.5-13.5", "plt": "150-450"},
)
_PHASE_CYCLE = (
    PhaseKind.INDUCTION,
    PhaseKind.CONSOLIDATION,
    PhaseKind.INTENSIFICATION,
    PhaseKind.CONSOLIDATION,
    PhaseKind.OTHER,
)


def make_record(
    years: float, path: str | Path, today: dt.date = DEFAULT_TODAY, *, home: bool = True
) -> Made:
    """Write a new record at ``path`` (which must not exist) with ``years`` of history
    ending on ``today`` (with life at home unless ``home`` is false); returns what was
    written."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise FileExistsError(f"{path} already exists")
    started = time.perf_counter()
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="tt-bench-", dir=shm))
    else:
        folder = Path(tempfile.mkdtemp(prefix="tt-bench-", dir=path.parent))
    work = folder / "record.sqlite"
    try:
        made, written = _write(years, work, today, home)
        path.parent.mkdir(parents=True, exist_ok=True)
        # private like every record file (0600), and never over an existing file
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out, work.open("rb") as src:
            shutil.copyfileobj(src, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Made(path, *made, seconds=time.perf_counter() - started, home=written)


def _write(
    years: float, path: Path, today: dt.date, home: bool
) -> tuple[tuple[dt.date, dt.date, int, int, int, int, int], dict[str, int]]:
    def clock() -> dt.datetime:
        return dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC)

    rng = random.Random(SEED)
    days = round(years * 365.25)
    first = today - dt.timedelta(days=days - 1)
    record = Record.open(path, create=True, clock=clock)
    try:
        child, _ = record.save(
            Child(
                name="Synthetic (benchmark)",
                birth_date=first - dt.timedelta(days=120),
                diagnosis_date=first,
                protocol="Synthetic protocol",
                notes="Generated by bench/make_record.py; every value is invented.",
            )
        )
        assert child.id is not None
        phases = _phases(record, child, first, today, days, rng)
        milestones = _milestones(record, child, phases, first, today, days, rng)
        counts, values = _counts(record, child, first, today, days, rng)
        cns = _cns(record, child, first, today, days, rng)
        written: dict[str, int] = {}
        if home:  # drawn last from the same Random: the rest is the same without it
            written.update(_medicines(record, child, first, today, days, rng))
            nights: list[dt.date] = []
            written.update(_temperatures(record, child, first, today, days, rng, nights))
            written["symptom"] = _symptoms(record, child, first, today, days, rng)
            written["growth"] = _growth(record, child, first, today, days, rng)
            written.update(_stays(record, child, first, today, days, nights, rng))
    finally:
        record.close()
    return (today, first, counts, values, cns, len(phases), milestones), written


def _phases(
    record: Record, child: Child, first: dt.date, today: dt.date, days: int, rng: random.Random
) -> list[Phase]:
    """Short blocks one after another (some late, some overlapping), under one long
    maintenance per year; the last block is running (no end) and two are still planned."""
    assert child.id is not None
    saved: list[Phase] = []
    for n, offset in enumerate(range(0, days, BLOCK_DAYS)):
        start = first + dt.timedelta(days=offset)
        kind = _PHASE_CYCLE[n % len(_PHASE_CYCLE)]
        length = rng.randint(5, 10)  # 8-day cadence: lengths 9-10 overlap the next block
        end = start + dt.timedelta(days=length - 1)
        delay = rng.choice((0, 0, 0, 1, 2))
        last = offset + BLOCK_DAYS >= days
        phase = Phase(
            child.id,
            kind,
            f"{kind.value.capitalize()} block {n + 1}",
            planned_start=start - dt.timedelta(days=delay),
            planned_end=end - dt.timedelta(days=delay),
            actual_start=start,
            actual_end=None if last else min(end, today),
            notes="Synthetic block",
        )
        saved.append(record.save(phase)[0])
    years_shown = max(1, math.ceil(days / 365.25 - 0.01))
    for year in range(years_shown):
        start = first + dt.timedelta(days=365 * year)
        end = min(start + dt.timedelta(days=364), today)
        running = year == years_shown - 1
        saved.append(
            record.save(
                Phase(
                    child.id,
                    PhaseKind.MAINTENANCE,
                    f"Maintenance year {year + 1}",
                    planned_start=start,
                    planned_end=start + dt.timedelta(days=364),
                    actual_start=start,
                    actual_end=None if running else end,
                )
            )[0]
        )
    for k, (kind, name) in enumerate(
        ((PhaseKind.INTENSIFICATION, "Planned block"), (PhaseKind.OFF_THERAPY, "Off therapy"))
    ):
        start = today + dt.timedelta(days=10 + 30 * k)
        saved.append(
            record.save(
                Phase(
                    child.id,
                    kind,
                    name,
                    planned_start=start,
                    planned_end=start + dt.timedelta(days=27) if k == 0 else None,
                )
            )[0]
        )
    return saved


def _milestones(
    record: Record,
    child: Child,
    phases: list[Phase],
    first: dt.date,
    today: dt.date,
    days: int,
    rng: random.Random,
) -> int:
    """A start milestone per block, an MRD result every 4th block, a marrow check every
    6th, remission and risk notes now and then, and two planned ones ahead."""
    assert child.id is not None
    n = 0
    for i, p in enumerate(phases):
        if p.actual_start is None or p.kind is PhaseKind.MAINTENANCE:
            continue
        items = [
            Milestone(child.id, p.actual_start, MilestoneKind.PHASE_START, f"{p.name} started")
        ]
        check = min(p.actual_start + dt.timedelta(days=4), today)
        if i % 4 == 0:
            roll = rng.random()
            if roll < 0.5:
                exponent = rng.randint(2, 6)
                mrd = Mrd(
                    f"1e-{exponent}",
                    10.0**-exponent,
                    MrdQualifier.QUANTIFIED,
                    MrdMethod.PCR_KMT2A,
                    MrdSample.MARROW,
                )
            elif roll < 0.8:
                mrd = Mrd("", None, MrdQualifier.NEGATIVE, MrdMethod.FLOW, MrdSample.MARROW)
            else:
                mrd = Mrd(
                    "",
                    None,
                    MrdQualifier.BELOW_QUANTIFIABLE_RANGE,
                    MrdMethod.PCR_KMT2A,
                    MrdSample.BLOOD,
                )
            items.append(Milestone(child.id, check, MilestoneKind.MRD_RESULT, "MRD check", mrd=mrd))
        if i % 6 == 0:
            items.append(Milestone(child.id, check, MilestoneKind.MARROW_CHECK, "Marrow: M1"))
        if i % 37 == 5:
            items.append(Milestone(child.id, check, MilestoneKind.REMISSION, "In remission"))
        if i % 53 == 7:
            items.append(Milestone(child.id, check, MilestoneKind.RISK_CHANGE, "Risk reviewed"))
        for m in items:
            record.save(m)
            n += 1
    for k in (1, 2):
        record.save(
            Milestone(
                child.id,
                today + dt.timedelta(days=20 * k),
                MilestoneKind.MARROW_CHECK,
                "Planned marrow",
                planned=True,
            )
        )
        n += 1
    return n


def _counts(
    record: Record, child: Child, first: dt.date, today: dt.date, days: int, rng: random.Random
) -> tuple[int, int]:
    """1.4 counts a day with dips every 8 days; two labs in different units; ranges on 40%."""
    n = values = 0
    hb = 95.0
    for offset in range(days):
        date = first + dt.timedelta(days=offset)
        draws = 2 if offset % 5 in SECOND_COUNT_DAYS else COUNT_EVERY_DAY
        cycle = offset % BLOCK_DAYS
        cap = 1.0 - 0.85 * math.exp(-(((cycle - 5) / 2.0) ** 2))
        hb += 0.06 * (112.0 - hb) - 1.2 * (1.0 - cap) + rng.gauss(0.0, 0.8)
        hb = min(max(hb, 62.0), 140.0)
        for k in range(draws):
            lab = _HOSPITAL if (offset + k) % 3 else _LOCAL
            wbc = max(0.2, 6.0 * cap * rng.uniform(0.8, 1.2))
            anc = wbc * rng.uniform(0.15, 0.55)
            plt = max(6.0, 280.0 * cap * rng.uniform(0.85, 1.15))
            ranged = rng.random() < 0.4

            def add(
                code: str, text: str, unit: str, ranged: bool = ranged, lab: _Lab = lab
            ) -> ValueInput:
                return ValueInput(code, text, unit, lab.ranges.get(code, "") if ranged else "")

            inputs = [
                add("wbc", f"{wbc:.1f}", lab.count_unit),
                add("anc", "<0.1" if anc < 0.1 else f"{anc:.2f}", lab.count_unit),
                add("hgb", f"{hb * lab.hb_per_g_l:.{lab.hb_digits}f}", lab.hb_unit),
                add("plt", f"{plt:.0f}", lab.count_unit),
            ]
            if lab is _HOSPITAL and rng.random() < 0.5:
                inputs.append(add("lymph", f"{wbc * 0.4:.1f}", lab.count_unit))
                inputs.append(add("mono", f"{wbc * 0.08:.2f}", lab.count_unit))
            when = f"{7 + 8 * k:02d}:{rng.randrange(0, 60, 5):02d}" if rng.random() > 0.1 else ""
            result = count_from_form(
                {"taken_date": date.isoformat(), "taken_time": when, "source": lab.source},
                inputs,
                child=child,
                today=today,
            )
            record.save(result)
            n += 1
            values += len(result.values)
    return n, values


def _cns(
    record: Record, child: Child, first: dt.date, today: dt.date, days: int, rng: random.Random
) -> int:
    """A lumbar puncture every 11 days, methotrexate or triple intrathecal; two planned."""
    assert child.id is not None
    n = 0
    statuses = (CnsStatus.CNS1,) * 12 + (
        CnsStatus.CNS2,
        CnsStatus.TLP_NEGATIVE,
        CnsStatus.TLP_POSITIVE,
        CnsStatus.CNS3,
    )
    for offset in range(3, days, LP_EVERY):
        date = first + dt.timedelta(days=offset)
        triple = rng.random() < 0.6
        drugs = (ItDose(ItDrug.METHOTREXATE, "8 mg"),)
        if triple:
            drugs += (ItDose(ItDrug.CYTARABINE, "20 mg"), ItDose(ItDrug.HYDROCORTISONE, "8 mg"))
        record.save(
            CnsVisit(
                child.id,
                date,
                LpProcedure.LP_WITH_IT,
                it_drugs=drugs,
                csf_wbc=float(rng.randint(0, 4)),
                csf_rbc=float(rng.randint(0, 50)),
                blasts_seen=YesNoUnknown.NO,
                cns_status=rng.choice(statuses),
                platelets=float(rng.randint(40, 300)),
            )
        )
        n += 1
    for k in (1, 2):
        record.save(
            CnsVisit(
                child.id,
                today + dt.timedelta(days=LP_EVERY * k),
                LpProcedure.LP_WITH_IT,
                it_drugs=(ItDose(ItDrug.METHOTREXATE, "8 mg"),),
                planned=True,
            )
        )
        n += 1
    return n


# ---------------------------------------------------------------------- life at home


def _save_batches(record: Record, entries: list[Any]) -> int:
    """Save ``entries`` in transactions of BATCH (each checked like a save)."""
    for i in range(0, len(entries), BATCH):
        record.save_all(entries[i : i + BATCH])
    return len(entries)


# (drug, strength, form, unit, schedule, doses the team may write, what the team said)
_CHAINS: tuple[tuple[str, str, MedicineForm, str, str, tuple[str, ...]], ...] = (
    (
        "6-mercaptopurine",
        "20 mg/mL",
        MedicineForm.LIQUID,
        "mg",
        schedule.daily(hours=(19,)),
        ("15", "20", "25", "30", "35"),
    ),
    (
        "methotrexate (by mouth)",
        "2.5 mg tablet",
        MedicineForm.TABLET,
        "mg",
        schedule.weekly((4,)),  # Friday, during the day
        ("5", "7.5", "10"),
    ),
)
_HOLD = "The team said to hold it (synthetic)"


def _medicines(
    record: Record, child: Child, first: dt.date, today: dt.date, days: int, rng: random.Random
) -> dict[str, int]:
    """Maintenance at home for the last HOME_YEARS: 6-MP and methotrexate changed on the
    same days every ~6 weeks (a plan closed, the next one following it), co-trimoxazole at
    the weekend; every dose due before the clock's noon today logged."""
    assert child.id is not None
    start = max(first, today - dt.timedelta(days=round(HOME_YEARS * 365.25) - 1))
    changes = [start]
    while (nxt := changes[-1] + dt.timedelta(days=rng.randint(*DOSE_CHANGE_DAYS))) <= today:
        changes.append(nxt)
    plans: list[MedicinePlan] = []
    for drug, strength, form, unit, rule, amounts in _CHAINS:
        previous: MedicinePlan | None = None
        for i, day in enumerate(changes):
            amount = rng.choice(amounts)
            if previous is None:
                note = "Maintenance doses from the team's sheet (synthetic)"
            elif float(amount) < float(previous.dose_amount):
                note = "WBC low, dose reduced (synthetic)"
            elif float(amount) > float(previous.dose_amount):
                note = "Counts up, dose increased (synthetic)"
            else:
                note = "Same dose, checked at the clinic (synthetic)"
            end = changes[i + 1] - dt.timedelta(days=1) if i + 1 < len(changes) else None
            previous = record.save(
                MedicinePlan(
                    child.id,
                    drug,
                    day,
                    amount,
                    unit,
                    strength,
                    form,
                    rule,
                    end,
                    note,
                    follows_id=previous.id if previous else None,
                )
            )[0]
            plans.append(previous)
    plans.append(
        record.save(
            MedicinePlan(
                child.id,
                "co-trimoxazole",
                start,
                "2.5",
                "mL",
                "240 mg/5 mL",
                MedicineForm.LIQUID,
                schedule.weekly((5, 6), hours=(8, 20)),
                team_note="Saturday and Sunday, twice a day (synthetic)",
            )
        )[0]
    )
    noon = dt.time(12, 0)  # the clock's time today: later doses are not due yet
    doses: list[DoseLog] = []
    for plan in plans:
        assert plan.id is not None
        for day, at in schedule.occurrences(
            plan.schedule, plan.start_date, plan.end_date, start, today
        ):
            if day == today and (at is None or at > noon):
                continue
            roll = rng.random()
            hour = at.hour if at is not None else 17
            given = dt.time(hour, rng.randrange(0, 45, 5))
            if roll < 1 / 60:
                dose = DoseLog(child.id, plan.id, day, DoseStatus.MISSED, at, note="Asleep")
            elif roll < 1 / 60 + 1 / 150:
                dose = DoseLog(
                    child.id, plan.id, day, DoseStatus.VOMITED, at, given, note="Came back up"
                )
            elif roll < 1 / 60 + 1 / 150 + 1 / 200:
                dose = DoseLog(child.id, plan.id, day, DoseStatus.HELD, at, note=_HOLD)
            elif roll < 1 / 60 + 1 / 150 + 1 / 200 + 1 / 250:
                dose = DoseLog(
                    child.id, plan.id, day, DoseStatus.PARTLY_GIVEN, at, given, amount="half"
                )
            else:
                dose = DoseLog(child.id, plan.id, day, DoseStatus.GIVEN, at, given)
            doses.append(dose)
    return {"medicine_plan": len(plans), "dose": _save_batches(record, doses)}


_SITES = ("armpit",) * 7 + ("ear", "ear", "forehead")
_FEVER_RULES = (
    "≥ 38.0 °C once, or ≥ 37.5 °C twice an hour apart: phone the ward (synthetic rule)",
    "≥ 38.0 °C: phone the ward, day or night (synthetic rule)",
)


def _typed(celsius: float, rng: random.Random) -> tuple[str, str]:
    """The reading as typed, with the unit chosen: now and then a °F thermometer."""
    if rng.random() < 0.08:
        return f"{celsius * 9 / 5 + 32:.1f} °F", ""
    return f"{celsius:.1f}", "C"


def _temperatures(
    record: Record,
    child: Child,
    first: dt.date,
    today: dt.date,
    days: int,
    rng: random.Random,
    nights: list[dt.date],
) -> dict[str, int]:
    """The team's fever rule (a second one from half-way), a reading every ~8 days and a
    fever night every ~7 weeks: readings rising that evening, the team called, hospital."""
    assert child.id is not None
    rules = []
    for k, text in enumerate(_FEVER_RULES):
        given_on = first + dt.timedelta(days=(days // 2) * k)
        rules.append(
            record.save(
                fever_rule_from_form(
                    {
                        "given_on": given_on.isoformat(),
                        "value_text": "38.0",
                        "unit": "C",
                        "rule_text": text,
                    },
                    child=child,
                    today=today,
                    others=tuple(rules),
                )
            )[0]
        )
    forms: list[dict[str, str]] = []
    offset = rng.randint(0, TEMPERATURE_EVERY)
    while offset < days - 1:
        value, unit = _typed(rng.uniform(36.2, 37.4), rng)
        forms.append(
            {
                "date": (first + dt.timedelta(days=offset)).isoformat(),
                "time": f"{rng.randint(7, 21):02d}:{rng.randrange(0, 60, 5):02d}",
                "value_text": value,
                "unit": unit,
                "site": rng.choice(_SITES),
            }
        )
        offset += rng.randint(TEMPERATURE_EVERY - 3, TEMPERATURE_EVERY + 3)
    offset = rng.randint(20, FEVER_NIGHT_EVERY)
    while offset < days - 1:
        nights.append(first + dt.timedelta(days=offset))
        night = nights[-1].isoformat()
        readings = rng.randint(4, 6)
        celsius = rng.uniform(37.4, 37.8)
        for n in range(readings):
            value, unit = _typed(celsius, rng)
            done = {}
            if n == readings - 2:
                done = {"called_team": "1", "gave_paracetamol": "1"}
            elif n == readings - 1:
                done = {"went_to_hospital": "1"}
            forms.append(
                {
                    "date": night,
                    "time": f"{17 + n:02d}:{rng.randrange(0, 60, 5):02d}",
                    "value_text": value,
                    "unit": unit,
                    "site": "armpit",
                    **done,
                    "note": "Fever night (synthetic)" if n == 0 else "",
                }
            )
            celsius = min(celsius + rng.uniform(0.1, 0.5), 40.2)
        offset += rng.randint(FEVER_NIGHT_EVERY - 15, FEVER_NIGHT_EVERY + 15)
    readings = [temperature_from_form(f, child=child, today=today) for f in forms]
    return {"fever_rule": len(rules), "temperature": _save_batches(record, readings)}


_WHAT = (
    "vomiting",
    "diarrhoea",
    "mouth_sores",
    "constipation",
    "pain",
    "rash",
    "bleeding_bruising",
    "tiredness",
    "jaw_pain",
    "tingling",
    "other",
)


def _symptoms(
    record: Record, child: Child, first: dt.date, today: dt.date, days: int, rng: random.Random
) -> int:
    """A symptom about every 4 weeks, lasting 1-6 days; how bad in words, a grade on 1 in 4."""
    entries = []
    offset = rng.randint(0, SYMPTOM_EVERY)
    while offset < days - 7:
        start = first + dt.timedelta(days=offset)
        lasted = rng.randint(1, 6)
        what = rng.choice(_WHAT)
        entries.append(
            symptom_from_form(
                {
                    "date": start.isoformat(),
                    "end_date": (start + dt.timedelta(days=lasted - 1)).isoformat()
                    if lasted > 1
                    else "",
                    "what": what,
                    "what_text": "fussy, off the bottle" if what == "other" else "",
                    "severity": rng.choice(("mild", "mild", "mild", "moderate", "severe")),
                    "grade": rng.choice(("1", "2")) if rng.random() < 0.25 else "",
                    "note": "Synthetic entry",
                },
                child=child,
                today=today,
            )
        )
        offset += rng.randint(SYMPTOM_EVERY // 2, SYMPTOM_EVERY * 3 // 2)
    return _save_batches(record, entries)


def _growth(
    record: Record, child: Child, first: dt.date, today: dt.date, days: int, rng: random.Random
) -> int:
    """A weight every month (length every third month, head circumference under two),
    along a smooth invented curve; the clinic or the home scale."""
    entries = []
    month = 0
    while (date := first + relativedelta(months=month)) <= today:
        age = (date - child.birth_date).days / 365.25
        weight = (3.5 + 7.0 * age if age < 1 else 10.5 + 2.5 * (age - 1)) * rng.uniform(0.97, 1.03)
        weight = min(weight, 70.0 * rng.uniform(0.97, 1.03))  # grown up (50-year records)
        length = (
            50 + 25 * age if age < 1 else 75 + 9.5 * (age - 1) if age < 3 else 94 + 6 * (age - 3)
        )
        length = min(length, 175.0)
        head = 35 + 10 * age if age < 1 else 45 + 2 * (age - 1)
        entries.append(
            growth_from_form(
                {
                    "date": date.isoformat(),
                    "weight_text": f"{weight * 1000:.0f} g"
                    if month % 7 == 3
                    else f"{weight:.2f} kg",
                    "length_text": f"{length:.1f} cm" if month % 3 == 0 else "",
                    "head_text": f"{head:.1f} cm" if month % 3 == 0 and age < 2 else "",
                    "measured_by": "clinic" if month % 4 else "home scale",
                },
                child=child,
                today=today,
            )
        )
        month += 1
    return _save_batches(record, entries)


def _stays(
    record: Record,
    child: Child,
    first: dt.date,
    today: dt.date,
    days: int,
    nights: list[dt.date],
    rng: random.Random,
) -> dict[str, int]:
    """A stay from each fever night (1-5 nights), a planned stay about every 3 months where
    none is, platelets about every 6 weeks and red cells about every 2 months."""
    spans: list[tuple[dt.date, dt.date, str]] = []
    for night in nights:
        spans.append((night, min(night + dt.timedelta(days=rng.randint(1, 5)), today), "fever"))
    offset = rng.randint(30, 90)
    while offset < days - 6:
        start = first + dt.timedelta(days=offset)
        end = start + dt.timedelta(days=rng.randint(1, 4))
        if all(end <= a or start >= b for a, b, _ in spans):  # one hospital at a time
            spans.append((start, end, "planned"))
        offset += rng.randint(75, 105)
    stays: list[Stay] = []
    for start, end, why in sorted(spans):
        stays.append(
            stay_from_form(
                {
                    "from_date": start.isoformat(),
                    "to_date": end.isoformat(),
                    "place": "Children's ward (synthetic)" if why == "fever" else "Day unit",
                    "reason": why,
                    "note": "Synthetic stay",
                },
                child=child,
                today=today,
                others=tuple(stays),
            )
        )
    forms: list[dict[str, str]] = []
    for product, every, amounts, reason in (
        ("platelets", (30, 60), ("1 unit", "40 mL"), "Platelets low (synthetic)"),
        ("red_cells", (50, 80), ("150 mL", "120 mL"), "Hb low (synthetic)"),
    ):
        offset = rng.randint(*every)
        while offset < days - 1:
            forms.append(
                {
                    "date": (first + dt.timedelta(days=offset)).isoformat(),
                    "time": f"{rng.randint(9, 16):02d}:{rng.randrange(0, 60, 15):02d}",
                    "product": product,
                    "amount_text": rng.choice(amounts),
                    "reason": reason,
                }
            )
            offset += rng.randint(*every)
    transfusions = [transfusion_from_form(f, child=child, today=today) for f in forms]
    return {
        "stay": _save_batches(record, stays),
        "transfusion": _save_batches(record, transfusions),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("years", type=float, help="years of history, e.g. 1, 3 or 10")
    parser.add_argument("file", type=Path, help="the record file to write")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=DEFAULT_TODAY,
        help=f"the last day of the history (default {DEFAULT_TODAY})",
    )
    parser.add_argument(
        "--without-home",
        action="store_true",
        help="the same record without life at home (medicines, doses, temperatures, …)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    args = parser.parse_args(argv)
    if args.force:
        args.file.unlink(missing_ok=True)
    try:
        made = make_record(args.years, args.file, args.today, home=not args.without_home)
    except FileExistsError as exc:
        print(f"make_record: {exc} (use --force to replace it)", file=sys.stderr)
        return 1
    print(
        f"{made.path}: {made.first} – {made.today}, {made.counts} counts ({made.values} values), "
        f"{made.cns} lumbar punctures, {made.phases} phases, {made.milestones} milestones"
        + "".join(f", {n} {kind}" for kind, n in made.home.items())
        + f" in {made.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
