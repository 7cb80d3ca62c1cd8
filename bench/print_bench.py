"""Printing figures: summary build (3 months, whole), first preview page, whole PDF.

``python bench/print_bench.py RECORD WHAT`` runs one measurement in this process and
prints ``seconds peak_mib``; ``--all`` runs each in a fresh process 3 times and prints
min/median/max.  The record is copied first (opening takes a lock)."""

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


def one(record_path: str, what: str) -> tuple[float, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from tracker.store import Record
    from ui.printing import render

    work = Path(tempfile.mkdtemp())
    copy = work / "r.sqlite"
    shutil.copy(record_path, copy)
    with Record.open(copy, read_only=True) as record:
        child = record.children()[0]
        assert child.id is not None
        today = record.today()
        if what.startswith("summary3m") or what.startswith("pdf3m"):
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
        elif what == "preview1":
            first_page = getattr(render, "first_page_image", None)
            if first_page is None:  # before: Qt's preview paints every page first
                from PySide6.QtPrintSupport import QPrinter

                printer = QPrinter(QPrinter.PrinterMode.HighResolution)
                printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
                printer.setOutputFileName(str(work / "p.pdf"))
                printer.setPageLayout(render.page_layout("a4"))
                summary = render.make_summary(record, request)
                render.paint_summary(printer, record, request, summary)
            else:
                first_page(record, request)
        elapsed = time.perf_counter() - t0
    _ = app
    shutil.rmtree(work)
    return elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    if sys.argv[1] == "--all":
        records, whats = sys.argv[2].split(","), sys.argv[3].split(",")
        repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 3
        for rec in records:
            for what in whats:
                runs = []
                for _ in range(repeats):
                    out = subprocess.run(
                        [sys.executable, __file__, rec, what], capture_output=True, text=True
                    )
                    if out.returncode:
                        print(out.stderr[-2000:])
                        break
                    runs.append(tuple(float(x) for x in out.stdout.split()))
                if not runs:
                    continue
                ts, ms = [r[0] for r in runs], [r[1] for r in runs]
                print(
                    f"{Path(rec).stem:5} {what:10} time s min/med/max "
                    f"{min(ts):.2f}/{statistics.median(ts):.2f}/{max(ts):.2f}  "
                    f"peak MiB {min(ms):.0f}/{statistics.median(ms):.0f}/{max(ms):.0f}",
                    flush=True,
                )
        return
    t, m = one(sys.argv[1], sys.argv[2])
    print(f"{t:.4f} {m:.1f}")


if __name__ == "__main__":
    main()
