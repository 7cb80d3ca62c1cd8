"""What each per-save safeguard costs; one run, this machine.

    python bench/save_cost.py [--saves N] [--runs R] [--only NAME]

Two things run inside every save of an open record:

- ``check``: the path is stat'ed before and after the transaction and its (device, inode)
  compared with the file that was locked (``RecordLock.check_in_place``,
  tracker/store/lock.py): a record moved or replaced under the program is noticed;
- ``count``: the save counter in ``meta`` is raised and its row re-sealed
  (``schema.count_save``): backups are ordered by what they hold.

For each, ``--saves`` real saves (a child's details, ``synchronous=FULL``) are timed with
it and with it switched off, interleaved (A B B A …) ``--runs`` times each on a fresh
record, and the call alone.  Prints min / median / max of the per-save time and of the
ratio with/without, and on the last line one JSON object.  Nothing here asserts: these
machines are noisy, so it is reported, not enforced.
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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tracker.store.record as record_module  # noqa: E402
from tracker.model import Child  # noqa: E402
from tracker.store import Record, schema  # noqa: E402
from tracker.store.lock import RecordLock  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


@contextmanager
def check_off() -> Iterator[None]:
    original = RecordLock.check_in_place
    RecordLock.check_in_place = lambda self, doing, *, done=False: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        RecordLock.check_in_place = original  # type: ignore[method-assign]


@contextmanager
def count_off() -> Iterator[None]:
    def no_count(conn: sqlite3.Connection, *, at_least: int = 0) -> int | None:
        return None

    record_module.count_save = no_count  # type: ignore[assignment]
    try:
        yield
    finally:
        record_module.count_save = schema.count_save


def check_alone_us(folder: Path, calls: int = 100_000) -> float:
    path = folder / "alone-check.sqlite"
    Record.open(path, create=True, clock=clock).close()
    with RecordLock.acquire(path) as held:
        start = time.perf_counter()
        for _ in range(calls):
            held.check_in_place("save")
        return (time.perf_counter() - start) / calls * 1e6


def count_alone_us(folder: Path, calls: int = 20_000) -> float:
    path = folder / "alone-count.sqlite"
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


SAFEGUARDS: dict[
    str, tuple[Callable[[], AbstractContextManager[None]], Callable[[Path], float]]
] = {
    "check": (check_off, check_alone_us),
    "count": (count_off, count_alone_us),
}


def per_save_ms(path: Path, saves: int) -> float:
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        start = time.perf_counter()
        for i in range(saves):
            child, _ = rec.save(replace(child, notes=f"n{i}"))
        return (time.perf_counter() - start) / saves * 1000


def spread(values: list[float]) -> list[float]:
    return [round(v, 3) for v in (min(values), statistics.median(values), max(values))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=sorted(SAFEGUARDS))
    args = parser.parse_args(argv)
    names = [args.only] if args.only else sorted(SAFEGUARDS)
    result: dict[str, object] = {"saves": args.saves, "runs": args.runs}
    print(f"saves per run: {args.saves}, runs: {args.runs} (min / median / max)")
    with tempfile.TemporaryDirectory(prefix="bench-save-cost-") as tmp:
        folder = Path(tmp)
        for name in names:
            switch_off, alone = SAFEGUARDS[name]
            on: list[float] = []
            off: list[float] = []
            for run in range(args.runs):
                for with_it in (True, False) if run % 2 == 0 else (False, True):
                    path = folder / f"{name}-{run}-{int(with_it)}.sqlite"
                    if with_it:
                        on.append(per_save_ms(path, args.saves))
                    else:
                        with switch_off():
                            off.append(per_save_ms(path, args.saves))
            ratios = [a / b for a, b in zip(on, off, strict=True)]
            one_call = alone(folder)
            print(f"  {name}: with {spread(on)} ms, without {spread(off)} ms per save")
            print(f"  {name}: ratio with/without {spread(ratios)}; one call {one_call:.2f} µs")
            result[name] = {
                "ms_per_save_with": spread(on),
                "ms_per_save_without": spread(off),
                "ratio": spread(ratios),
                "call_us": round(one_call, 2),
            }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
