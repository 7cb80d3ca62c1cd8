"""The summary's print preview on a record: time to the first page on screen, the longest
stall of the GUI thread meanwhile (a 10 ms heartbeat timer, until the last page is laid
out), and a screenshot.

``python bench/print_preview_bench.py RECORD [whole|3m] [OUT.png]`` prints
``first_page_s longest_gap_ms pages``.  The record is copied first (opening takes a lock)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def run(
    record_path: Path, whole: bool = True, shot: Path | None = None
) -> tuple[float, float, int]:
    """(seconds to the first page painted, longest heartbeat gap in ms until every page is
    laid out, pages) for the preview of ``record_path``'s whole treatment (or 3 months)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from tracker.store import Record
    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.printing.dialog import PrintSummaryDialog

    work = Path(tempfile.mkdtemp())
    copy = work / "r.sqlite"
    shutil.copy(record_path, copy)
    os.chmod(copy, 0o600)
    seen: dict[str, float] = {"gap": 0.0}
    with Record.open(copy, read_only=True) as record:
        bridge = RecordBridge(record)
        child = record.children()[0]
        dialog = PrintSummaryDialog(bridge, Interaction())
        start = child.birth_date if whole else record.today() - dt.timedelta(days=91)
        dialog.start.setText(start.isoformat())
        dialog.end.setText(record.today().isoformat())
        dialog.show()
        last = [time.perf_counter()]

        def beat() -> None:
            now = time.perf_counter()
            seen["gap"] = max(seen["gap"], now - last[0])
            last[0] = now

        heart = QTimer()
        heart.setInterval(10)
        heart.timeout.connect(beat)
        heart.start()

        def watch() -> None:
            preview = dialog.shown_preview
            if preview is None:
                return
            if preview.painted and "first" not in seen:
                seen["first"] = time.perf_counter() - seen["t0"]
            if "first" in seen and preview.finished:
                poll.stop()
                heart.stop()
                if shot is not None:
                    preview.resize(1024, 600)
                    QTimer.singleShot(
                        300, lambda: (preview.grab().save(str(shot)), preview.reject())
                    )
                else:
                    preview.reject()

        poll = QTimer()
        poll.setInterval(5)
        poll.timeout.connect(watch)
        poll.start()
        seen["t0"] = time.perf_counter()
        last[0] = seen["t0"]
        dialog.preview()
        pages = dialog.shown_preview.count() if dialog.shown_preview is not None else 0
        dialog.close()
    _ = app
    shutil.rmtree(work)
    return seen.get("first", -1.0), seen["gap"] * 1000, pages


def main() -> None:
    whole = len(sys.argv) < 3 or sys.argv[2] == "whole"
    shot = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    first, gap, pages = run(Path(sys.argv[1]), whole, shot)
    print(f"{first:.3f} {gap:.0f} {pages}")


if __name__ == "__main__":
    main()
