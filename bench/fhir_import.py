"""Import a Bundle of 10,000 Observations into the 10-year record; one run, this machine.

    python bench/fhir_import.py [--runs R] [--observations N] [--reuse]

1. Writes the 10-year record (``bench/make_record.py``) to ``bench/out/`` once
   (``--reuse`` keeps one already there).
2. Writes a ``collection`` Bundle of ``--observations`` lab Observations (WBC, ANC, Hb
   and platelets, LOINC + UCUM, each with its lab range and an instant ending in ``Z``)
   on new draws inside the record's history, and the same values as a lab's long-form
   CSV file (Date, Time, Test, LOINC, Result, Unit, Reference range): the baseline.
3. Each run copies the record afresh and imports the whole file as the command line
   does: read the file, plan against the record, apply (a verified backup, then one
   transaction).  FHIR and CSV interleaved (A B B A …), ``--runs`` each.

Prints min / median / max seconds of each (and the CPU time this process spent: on a
shared machine the wall clock also counts other programs' turns), the ratio FHIR ÷ CSV of
the medians, and on the last line one JSON object.  Nothing here asserts: goals (≤ 2 s
for 10,000) are reported, not enforced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_record import DEFAULT_TODAY, make_record  # noqa: E402

from tracker.io.csv_import import apply_import, plan_import, read_csv  # noqa: E402
from tracker.io.fhir_import import apply_fhir, plan_fhir, read_fhir  # noqa: E402
from tracker.store import Record  # noqa: E402

# (LOINC, CSV name, UCUM unit, value, range) of each draw
TESTS = (
    ("6690-2", "WBC", "10*3/uL", 2.4, (4.5, 13.5)),
    ("751-8", "ANC", "10*3/uL", 0.62, (1.5, 8.5)),
    ("718-7", "Hemoglobin", "g/dL", 9.8, (10.5, 13.5)),
    ("777-3", "Platelets", "10*3/uL", 88, (150, 450)),
)


def _clock() -> dt.datetime:
    return dt.datetime.combine(DEFAULT_TODAY, dt.time(12), tzinfo=dt.UTC)


def write_files(n: int, first: dt.date, folder: Path) -> tuple[Path, Path]:
    """The Bundle and the CSV of the same ``n`` values (n // 4 draws at 03:17 UTC)."""
    entries: list[dict[str, Any]] = []
    rows = ["Date,Time,Test,LOINC,Result,Unit,Reference range"]
    for i in range(n):
        draw, (loinc, name, unit, value, (low, high)) = divmod(i, len(TESTS))[0], TESTS[i % 4]
        day = first + dt.timedelta(days=10 + draw % 3000)
        minute = 17 + draw // 3000
        value = round(value + (draw % 7) / 10, 2)
        entries.append(
            {
                "fullUrl": f"urn:uuid:00000000-0000-0000-0000-{i:012d}",
                "resource": {
                    "resourceType": "Observation",
                    "id": f"o{i}",
                    "status": "final",
                    "category": [{"coding": [{"code": "laboratory"}]}],
                    "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
                    "subject": {"reference": "Patient/p"},
                    "effectiveDateTime": f"{day.isoformat()}T03:{minute:02d}:00Z",
                    "valueQuantity": {
                        "value": value,
                        "unit": unit,
                        "system": "http://unitsofmeasure.org",
                        "code": unit,
                    },
                    "referenceRange": [{"low": {"value": low}, "high": {"value": high}}],
                },
            }
        )
        rows.append(f"{day.isoformat()},03:{minute:02d},{name},{loinc},{value},{unit},{low}-{high}")
    bundle = folder / "bench-bundle.json"
    bundle.write_text(
        json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})
    )
    csv = folder / "bench-values.csv"
    csv.write_text("\n".join(rows) + "\n")
    return bundle, csv


def import_fhir(record_path: Path, bundle: Path) -> int:
    with Record.open(record_path, clock=_clock) as record:
        child = record.children()[0]
        fplan = plan_fhir(read_fhir(bundle), record, child)
        apply_fhir(fplan, record)
        return fplan.plan.values_added


def import_csv(record_path: Path, csv: Path) -> int:
    with Record.open(record_path, clock=_clock) as record:
        child = record.children()[0]
        plan = plan_import(read_csv(csv.read_bytes()), record, child)
        apply_import(plan, record)
        return plan.values_added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--observations", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    base = OUT / "record-10y.sqlite"
    if not (args.reuse and base.exists()):
        base.unlink(missing_ok=True)
        make_record(10, base)
    with Record.open(base, read_only=True, clock=_clock) as record:
        first = min(r.taken_date for r in record.counts(record.children()[0].id or 0))
    bundle, csv = write_files(args.observations, first, OUT)
    times: dict[str, list[float]] = {"fhir": [], "csv": []}
    cpu: dict[str, list[float]] = {"fhir": [], "csv": []}  # this process's CPU time
    added: dict[str, int] = {}
    order = ["fhir", "csv", "csv", "fhir"] * ((args.runs + 1) // 2)
    done = {"fhir": 0, "csv": 0}
    for i, what in enumerate(order):
        if done[what] >= args.runs:
            continue
        work = OUT / f"fhir-bench-{i}.sqlite"
        shutil.copyfile(base, work)
        started, cpu_started = time.perf_counter(), time.process_time()
        n = import_fhir(work, bundle) if what == "fhir" else import_csv(work, csv)
        times[what].append(time.perf_counter() - started)
        cpu[what].append(time.process_time() - cpu_started)
        added[what] = n
        done[what] += 1
        for leftover in OUT.glob(f"fhir-bench-{i}.sqlite*"):
            leftover.unlink()
        shutil.rmtree(OUT / "backups", ignore_errors=True)
    result: dict[str, Any] = {"observations": args.observations}
    print(
        f"{'import':<8} {'values':>7} {'min s':>7} {'median s':>9} {'max s':>7} "
        f"{'median CPU s':>13}"
    )
    for what, ts in times.items():
        print(
            f"{what:<8} {added[what]:>7} {min(ts):>7.2f} {statistics.median(ts):>9.2f} "
            f"{max(ts):>7.2f} {statistics.median(cpu[what]):>13.2f}"
        )
        for name, values in ((f"{what}_s", ts), (f"{what}_cpu_s", cpu[what])):
            result[name] = [
                round(min(values), 3),
                round(statistics.median(values), 3),
                round(max(values), 3),
            ]
    ratio = statistics.median(times["fhir"]) / statistics.median(times["csv"])
    result["fhir_csv_ratio"] = round(ratio, 2)
    print(f"FHIR ÷ CSV (medians): {ratio:.2f}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
