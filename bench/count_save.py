"""What raising the save counter costs per save; one run, this machine.

    python bench/count_save.py [--saves N] [--runs R]

Every write transaction ends with :func:`tracker.store.schema.count_save`: it reads
the record's format (``PRAGMA user_version``), raises the ``saves`` row of ``meta``
by one and re-seals that row (an UPDATE … RETURNING and an UPDATE of its seal), so
backups are ordered by what they hold.  This times ``--saves`` real saves (a
child's details, ``synchronous=FULL``) with it and with it switched off,
interleaved (A B B A …) ``--runs`` times each on a fresh record, and the call alone
(inside one open transaction, rolled back).  Prints min / median / max of the
per-save time and of the ratio, and on the last line one JSON object.  Nothing here
asserts: it is reported, not enforced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tracker.store.record as record_module  # noqa: E402
from tracker.model import Child  # noqa: E402
from tracker.store import Record, schema  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def no_count(conn: sqlite3.Connection, *, at_least: int = 0) -> int | None:
    return None


def per_save_ms(folder: Path, saves: int, counted: bool, run: int) -> float:
    path = folder / f"r-{run}-{int(counted)}.sqlite"
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save_child(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        if not counted:
            record_module.count_save = no_count  # type: ignore[assignment]
        try:
            start = time.perf_counter()
            for i in range(saves):
                child, _ = rec.save_child(replace(child, notes=f"n{i}"))
            took = time.perf_counter() - start
        finally:
            record_module.count_save = schema.count_save
    return took / saves * 1000


def count_alone_us(folder: Path, calls: int = 20_000) -> float:
    path = folder / "alone.sqlite"
    Record.open(path, create=True, clock=clock).close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        start = time.perf_counter()
        for _ in range(calls):
            schema.count_save(conn)
        took = time.perf_counter() - start
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    return took / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-count-save-") as tmp:
        folder = Path(tmp)
        on: list[float] = []
        off: list[float] = []
        for run in range(args.runs):
            order = (True, False) if run % 2 == 0 else (False, True)
            for counted in order:
                (on if counted else off).append(per_save_ms(folder, args.saves, counted, run))
        alone = count_alone_us(folder)
    ratios = [a / b for a, b in zip(on, off, strict=True)]

    def three(values: list[float]) -> str:
        return " / ".join(f"{v:.3f}" for v in (min(values), statistics.median(values), max(values)))

    print(f"saves per run: {args.saves}, runs: {args.runs} (min / median / max)")
    print(f"  with count_save    ms per save: {three(on)}")
    print(f"  without count_save ms per save: {three(off)}")
    print(f"  ratio with/without            : {three(ratios)}")
    print(f"  count_save alone (1 per save) : {alone:.2f} µs per call")

    def spread(values: list[float]) -> list[float]:
        return [round(v, 3) for v in (min(values), statistics.median(values), max(values))]

    result = {
        "saves": args.saves,
        "runs": args.runs,
        "ms_per_save_counted": spread(on),
        "ms_per_save_uncounted": spread(off),
        "ratio": spread(ratios),
        "count_save_us": round(alone, 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
