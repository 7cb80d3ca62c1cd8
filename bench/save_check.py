"""What the "is the record still where it was?" check costs per save; one run, this machine.

    python bench/save_check.py [--saves N] [--runs R]

Every save of an open record stats its path before and after the transaction and
compares (device, inode) with the file it locked (tracker/store/lock.py,
``RecordLock.check_in_place``).  This times ``--saves`` real saves (a child's
details, ``synchronous=FULL``) with the check and with it switched off,
interleaved (A B B A …) ``--runs`` times each on a fresh record, and the check
alone.  Prints min / median / max of the per-save time and of the ratio, and on
the last line one JSON object.  Nothing here asserts: it is reported, not enforced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tracker.model import Child  # noqa: E402
from tracker.store import Record  # noqa: E402
from tracker.store.lock import RecordLock  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def per_save_ms(folder: Path, saves: int, checked: bool, run: int) -> float:
    path = folder / f"r-{run}-{int(checked)}.sqlite"
    original = RecordLock.check_in_place
    if not checked:
        RecordLock.check_in_place = lambda self, doing, *, done=False: None  # type: ignore[method-assign]
    try:
        with Record.open(path, create=True, clock=clock) as rec:
            child, _ = rec.save_child(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
            start = time.perf_counter()
            for i in range(saves):
                child, _ = rec.save_child(replace(child, notes=f"n{i}"))
            took = time.perf_counter() - start
    finally:
        RecordLock.check_in_place = original  # type: ignore[method-assign]
    return took / saves * 1000


def check_alone_us(folder: Path, calls: int = 100_000) -> float:
    path = folder / "alone.sqlite"
    Record.open(path, create=True, clock=clock).close()
    with RecordLock.acquire(path) as held:
        start = time.perf_counter()
        for _ in range(calls):
            held.check_in_place("save")
        return (time.perf_counter() - start) / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-save-check-") as tmp:
        folder = Path(tmp)
        on: list[float] = []
        off: list[float] = []
        for run in range(args.runs):
            order = (True, False) if run % 2 == 0 else (False, True)
            for checked in order:
                (on if checked else off).append(per_save_ms(folder, args.saves, checked, run))
        alone = check_alone_us(folder)
    ratios = [a / b for a, b in zip(on, off, strict=True)]

    def three(values: list[float]) -> str:
        return " / ".join(f"{v:.3f}" for v in (min(values), statistics.median(values), max(values)))

    print(f"saves per run: {args.saves}, runs: {args.runs} (min / median / max)")
    print(f"  with the check    ms per save: {three(on)}")
    print(f"  without the check ms per save: {three(off)}")
    print(f"  ratio with/without           : {three(ratios)}")
    print(f"  the check alone (2 per save) : {alone:.2f} µs per call")

    def spread(values: list[float]) -> list[float]:
        return [round(v, 3) for v in (min(values), statistics.median(values), max(values))]

    result = {
        "saves": args.saves,
        "runs": args.runs,
        "ms_per_save_checked": spread(on),
        "ms_per_save_unchecked": spread(off),
        "ratio": spread(ratios),
        "check_us": round(alone, 2),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
