"""Write a synthetic, deterministic record of YEARS years of treatment for benchmarks.

    python bench/make_record.py YEARS FILE [--today YYYY-MM-DD] [--force]

Also importable: ``make_record(years, path, today)``.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tracker.forms import ValueInput, count_from_form  # noqa: E402
from tracker.model import (  # noqa: E402
    Child,
    CnsStatus,
    CnsVisit,
    ItDose,
    ItDrug,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    Phase,
    PhaseKind,
    YesNoUnknown,
)
from tracker.store.record import Record  # noqa: E402

SEED = 1_000_003
DEFAULT_TODAY = dt.date(2026, 11, 24)

COUNT_EVERY_DAY = 1
SECOND_COUNT_DAYS = (0, 2)  # day % 5 in these → a second count that day (1.4 a day)
LP_EVERY = 11  # days
BLOCK_DAYS = 8  # a new short phase every 8 days (46 a year)


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


def make_record(years: float, path: str | Path, today: dt.date = DEFAULT_TODAY) -> Made:
    """Write a new record at ``path`` (which must not exist) with ``years`` of history
    ending on ``today``; returns what was written."""
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
        made = _write(years, work, today)
        path.parent.mkdir(parents=True, exist_ok=True)
        # private like every record file (0600), and never over an existing file
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out, work.open("rb") as src:
            shutil.copyfileobj(src, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Made(path, *made, seconds=time.perf_counter() - started)


def _write(
    years: float, path: Path, today: dt.date
) -> tuple[dt.date, dt.date, int, int, int, int, int]:
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
    finally:
        record.close()
    return today, first, counts, values, cns, len(phases), milestones


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
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    args = parser.parse_args(argv)
    if args.force:
        args.file.unlink(missing_ok=True)
    try:
        made = make_record(args.years, args.file, args.today)
    except FileExistsError as exc:
        print(f"make_record: {exc} (use --force to replace it)", file=sys.stderr)
        return 1
    print(
        f"{made.path}: {made.first} – {made.today}, {made.counts} counts ({made.values} values), "
        f"{made.cns} lumbar punctures, {made.phases} phases, {made.milestones} milestones "
        f"in {made.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
