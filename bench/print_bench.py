"""Printing figures: summary build (3 months, whole), first preview page and the longest GUI
stall while the preview lays out, the whole-record PDF (time and peak memory).

``python bench/print_bench.py RECORD WHAT`` runs one measurement in this process and
prints ``seconds peak_mib [stall_ms]`` (WHAT: summary3m, summaryall, pdf3m, pdfall,
preview1); ``--all RECORDS WHATS [REPEATS]`` runs each in a fresh process REPEATS times
(3) and prints min/median/max.  :func:`measure` gives the bench's figures for one record.
The record is copied first (opening takes a lock and writes)."""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(record_path: str, what: str) -> tuple[float, ...]:
    """One measurement in this process: (seconds, peak MiB[, longest stall ms])."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if what == "preview1":
        sys.path.insert(0, str(Path(__file__).parent))
        from print_preview_bench import run

        first, gap, _pages = run(Path(record_path))
        return first, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, gap
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from tracker.store import Record
    from ui.printing import render

    work = Path(tempfile.mkdtemp())
    copy = work / "r.sqlite"
    shutil.copy(record_path, copy)
    os.chmod(copy, 0o600)
    with Record.open(copy, read_only=True) as record:
        child = record.children()[0]
        assert child.id is not None
        today = record.today()
        if what.endswith("3m"):
            request = render.SummaryRequest(
                child.id, start=today - dt.timedelta(days=91), end=today
            )
        else:
            request = render.SummaryRequest(child.id, start=child.birth_date, end=today)
        t0 = time.perf_counter()
        if what.startswith("summary"):
            render.make_summary(record, request)
        elif what.startswith("pdf"):
            render.write_pdf(record, request, work / "out.pdf")
        else:
            raise SystemExit(f"unknown measurement {what!r}")
        elapsed = time.perf_counter() - t0
    _ = app
    shutil.rmtree(work)
    return elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def runs(record_path: str | Path, what: str, repeats: int = 3) -> list[tuple[float, ...]]:
    """``repeats`` runs of ``what``, each in a fresh process (its own peak memory)."""
    found = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, __file__, str(record_path), what],
            capture_output=True,
            text=True,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )
        if out.returncode:
            raise RuntimeError(f"{what} on {record_path} failed:\n{out.stderr[-2000:]}")
        found.append(tuple(float(x) for x in out.stdout.split()))
    return found


def measure(record_path: Path, repeats: int = 1) -> dict[str, float]:
    """The printing figures of one record (median of ``repeats`` fresh processes each):
    summary_3m_s, summary_all_s, preview_first_page_s, preview_longest_stall_ms,
    pdf_all_s, pdf_all_peak_mib.  The record is copied first and never opened itself."""
    work = Path(tempfile.mkdtemp())
    try:
        copy = work / "record.sqlite"
        shutil.copy(record_path, copy)
        os.chmod(copy, 0o600)

        def median(what: str, index: int = 0) -> float:
            return statistics.median(r[index] for r in found[what])

        found = {w: runs(copy, w, repeats) for w in ("summary3m", "summaryall", "preview1")}
        found["pdfall"] = runs(copy, "pdfall", repeats)
        return {
            "summary_3m_s": median("summary3m"),
            "summary_all_s": median("summaryall"),
            "preview_first_page_s": median("preview1"),
            "preview_longest_stall_ms": median("preview1", 2),
            "pdf_all_s": median("pdfall"),
            "pdf_all_peak_mib": median("pdfall", 1),
        }
    finally:
        shutil.rmtree(work)


def main() -> None:
    if sys.argv[1] == "--all":
        records, whats = sys.argv[2].split(","), sys.argv[3].split(",")
        repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 3
        for rec in records:
            for what in whats:
                found = runs(rec, what, repeats)
                columns = ["time s", "peak MiB", "stall ms"]
                said = []
                for i in range(len(found[0])):
                    xs = [r[i] for r in found]
                    said.append(
                        f"{columns[i]} min/med/max "
                        f"{min(xs):.2f}/{statistics.median(xs):.2f}/{max(xs):.2f}"
                    )
                print(f"{Path(rec).stem:5} {what:10} " + "  ".join(said), flush=True)
        return
    print(" ".join(f"{x:.4f}" for x in one(sys.argv[1], sys.argv[2])))


if __name__ == "__main__":
    main()
