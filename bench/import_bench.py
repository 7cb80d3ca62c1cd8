"""A lab's CSV of many rows imported into a copy of a record: seconds to read, plan, apply.

    python bench/import_bench.py RECORD [--rows N] [--shape long|wide] [--runs R] [--profile]

:func:`measure` copies the record (never the given file: opening writes), writes a CSV of
``rows`` rows for its first child and imports it as the window does: read the file
(``parse``), compare it with the record (``plan``: the preview), then apply (``apply``: a
verified backup, then one transaction).  Today's daily backup is made first, untimed, as
the program does on the day's first start: the import's backup checks seals only where the
record differs from it.  Every draw is new and within the child's life
(after the diagnosis, before the record's clock, ``make_record.DEFAULT_TODAY``), at an
afternoon time the synthetic record never uses.  ``long``: one value per row (four tests a
draw); ``wide``: one draw per row, four tests in columns.  Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_record import DEFAULT_TODAY  # noqa: E402

from tracker.io.csv_import import apply_import, plan_import, read_csv  # noqa: E402
from tracker.store import Record  # noqa: E402
from tracker.store.backup import daily_backup_if_due  # noqa: E402

# name, unit, base value, range
TESTS = (
    ("WBC", "K/uL", 2.4, "4.5-13.5"),
    ("ANC", "K/uL", 0.62, "1.5-8.5"),
    ("Hemoglobin", "g/dL", 9.8, "10.5-13.5"),
    ("Platelets", "K/uL", 88.0, "150-450"),
)


def clock() -> dt.datetime:
    return dt.datetime.combine(DEFAULT_TODAY, dt.time(12), tzinfo=dt.UTC)


def _draws(first: dt.date, last: dt.date, n: int) -> list[tuple[dt.date, str]]:
    """``n`` distinct draws spread over ``first`` … ``last``, afternoon times (13:00–22:59)."""
    days = (last - first).days + 1
    out = []
    for i in range(n):
        slot = i // days  # several draws a day once every day has one
        minute = 13 * 60 + (slot * 7) % 600
        out.append((first + dt.timedelta(days=i % days), f"{minute // 60:02d}:{minute % 60:02d}"))
    return out


def _value(base: float, i: int) -> str:
    """A result near ``base`` (70 %–150 % of it, a thousand steps): lab files repeat values,
    but not a handful of them."""
    return f"{base * (0.7 + (i * 7919) % 800 / 1000):.2f}"


def csv_text(first: dt.date, last: dt.date, rows: int, shape: str = "long") -> str:
    """A lab's CSV of ``rows`` rows (after the header) of new draws between the two days."""
    if shape == "wide":
        head = ["Date", "Time", *(f"{name} ({unit})" for name, unit, _, _ in TESTS)]
        lines = [",".join(head)]
        for i, (day, at) in enumerate(_draws(first, last, rows)):
            cells = [_value(base, i + k) for k, (_, _, base, _) in enumerate(TESTS)]
            lines.append(f"{day.isoformat()},{at},{','.join(cells)}")
        return "\n".join(lines) + "\n"
    lines = ["Date,Time,Test,Result,Unit,Reference range"]
    for day, at in _draws(first, last, -(-rows // len(TESTS))):
        for name, unit, base, lab_range in TESTS:
            if len(lines) > rows:
                break
            lines.append(
                f"{day.isoformat()},{at},{name},{_value(base, len(lines))},{unit},{lab_range}"
            )
    return "\n".join(lines) + "\n"


def _copy(record_path: Path, folder: Path) -> Path:
    work = folder / "record.sqlite"
    shutil.copyfile(record_path, work)
    for tail in ("-wal", "-shm"):
        side = record_path.with_name(record_path.name + tail)
        if side.exists():
            shutil.copyfile(side, work.with_name(work.name + tail))
    work.chmod(0o600)
    return work


def measure(record_path: Path, rows: int, shape: str = "long") -> dict[str, float]:
    """Seconds to ``parse`` a ``rows``-row CSV, ``plan`` it (the preview), ``apply`` it
    (backup and write) and ``total``, into a copy of ``record_path``; ``cpu``: the CPU
    seconds of the total."""
    with tempfile.TemporaryDirectory() as folder:
        work = _copy(Path(record_path), Path(folder))
        with Record.open(work, clock=clock) as record:
            daily_backup_if_due(record)  # as on any day the program was started (untimed)
            child = record.children()[0]
            first = (child.diagnosis_date or child.birth_date) + dt.timedelta(days=1)
            data = csv_text(first, DEFAULT_TODAY - dt.timedelta(days=1), rows, shape).encode()
            started, cpu_started = time.perf_counter(), time.process_time()
            parsed = read_csv(data)
            parsed_at = time.perf_counter()
            plan = plan_import(parsed, record, child)
            planned_at = time.perf_counter()
            apply_import(plan, record)
            applied_at, cpu_at = time.perf_counter(), time.process_time()
            values = len(TESTS) * rows if shape == "wide" else rows
            if plan.values_added != values or not plan.ok:
                raise RuntimeError(f"imported {plan.values_added} of {values}: {plan.problems[:3]}")
    return {
        "parse": parsed_at - started,
        "plan": planned_at - parsed_at,
        "apply": applied_at - planned_at,
        "total": applied_at - started,
        "cpu": cpu_at
        - cpu_started,  # this process's CPU time: a shared machine's other turns aside
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record", type=Path)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--shape", choices=("long", "wide"), default="long")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="one run under cProfile")
    args = parser.parse_args()
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(measure, args.record, args.rows, args.shape)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        return
    runs = [measure(args.record, args.rows, args.shape) for _ in range(args.runs)]
    result = {}
    for key in runs[0]:
        values = sorted(r[key] for r in runs)
        result[key] = [
            round(values[0], 3),
            round(statistics.median(values), 3),
            round(values[-1], 3),
        ]
        print(
            f"{key:<6} min {values[0]:.3f}  median {statistics.median(values):.3f}  "
            f"max {values[-1]:.3f} s"
        )
    print(json.dumps({"rows": args.rows, "shape": args.shape, **result}))


if __name__ == "__main__":
    main()
