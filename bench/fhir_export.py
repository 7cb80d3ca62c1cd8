"""What the FHIR R4 export costs beside the JSON export of the same record; one run, this
machine.

    python bench/fhir_export.py [--runs N] [--years Y] [--reuse]

Writes the ``--years`` (10) record with life at home to ``bench/out/`` (``make_record``;
``--reuse`` keeps one already there), opens it read-only and, after one discarded warm-up
of each, times ``--runs`` (3) of each export interleaved (A B B A …) so drift hits both
alike: the whole record to JSON (``tracker.io.json_export.write_json``, the baseline) and
its child to a FHIR Bundle (``tracker.io.fhir_export.write_fhir``), each from the open
record to the file written and fsynced.  Prints min / median / max seconds of each and of
the ratio FHIR ÷ JSON (per pair), the Bundle's size and resources, and on the last line
one JSON object (``fhir_s``, ``json_s``, ``fhir_json_ratio`` as [min, median, max]).
The goal (issue 14) is ≤ 2 s for the 10-year record; nothing here asserts: these
machines are noisy, so it is reported, not enforced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_record import DEFAULT_TODAY, make_record  # noqa: E402

from tracker.io.fhir_export import describe, write_fhir  # noqa: E402
from tracker.io.json_export import write_json  # noqa: E402
from tracker.store import Record  # noqa: E402

NOW = dt.datetime.combine(DEFAULT_TODAY, dt.time(12), tzinfo=dt.UTC)


def _clock() -> dt.datetime:
    return NOW


def _spread(values: list[float]) -> list[float]:
    return [min(values), statistics.median(values), max(values)]


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="use a record already written")
    args = parser.parse_args(argv)
    path = OUT / f"record-{args.years}y.sqlite"
    if not (args.reuse and path.exists()):
        if path.exists():
            path.unlink()
        make_record(args.years, path)
    folder = Path(tempfile.mkdtemp(prefix="tt-fhir-bench-"))
    fhir_out, json_out = folder / "fhir.json", folder / "export.json"
    with Record.open(path, read_only=True, clock=_clock) as record:
        [child] = record.children()

        def fhir() -> dict[str, int]:
            return write_fhir(record, child, fhir_out, NOW)

        def whole() -> None:
            write_json(record, json_out, NOW)

        counts = fhir()  # warm-up, discarded
        whole()
        times: dict[str, list[float]] = {"fhir": [], "json": []}
        for i in range(args.runs):
            order = (("fhir", fhir), ("json", whole))
            for name, fn in order if i % 2 == 0 else order[::-1]:
                times[name].append(_timed(fn))
    ratios = [f / j for f, j in zip(times["fhir"], times["json"], strict=True)]
    result = {
        "years": args.years,
        "runs": args.runs,
        "fhir_s": _spread(times["fhir"]),
        "json_s": _spread(times["json"]),
        "fhir_json_ratio": _spread(ratios),
        "fhir_mb": round(fhir_out.stat().st_size / 1e6, 2),
        "json_mb": round(json_out.stat().st_size / 1e6, 2),
        "resources": counts,
    }
    print(f"{args.years}-year record, {args.runs} runs each, min / median / max:")
    for label, values, digits in (
        ("FHIR export (s)", times["fhir"], 3),
        ("JSON export (s)", times["json"], 3),
        ("FHIR ÷ JSON", ratios, 2),
    ):
        print(f"  {label:<22} " + " / ".join(f"{v:.{digits}f}" for v in _spread(values)))
    print(f"  Bundle: {result['fhir_mb']} MB, {describe(counts)}")
    print(json.dumps(result))
    for f in (fhir_out, json_out):
        f.unlink()
    folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
