"""The summary's print preview on a record: time to the first page on screen, the longest
stall of the GUI thread meanwhile (a 5 ms heartbeat timer), and a screenshot.

``python bench/print_preview_bench.py RECORD [whole|3m] [OUT.png]`` prints
``first_page_s longest_gap_ms pages``."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
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
    shutil.copy(sys.argv[1], copy)
    whole = len(sys.argv) < 3 or sys.argv[2] == "whole"
    with Record.open(copy, read_only=True) as record:
        bridge = RecordBridge(record)
        child = record.children()[0]
        bridge.select_child(child.id) if hasattr(bridge, "select_child") else None
        dialog = PrintSummaryDialog(bridge, Interaction())
        start = child.birth_date if whole else record.today() - dt.timedelta(days=91)
        dialog.start.setText(start.isoformat())
        dialog.end.setText(record.today().isoformat())
        dialog.show()
        seen: dict[str, float] = {"gap": 0.0}
        last = [time.perf_counter()]

        def beat() -> None:
            now = time.perf_counter()
            seen["gap"] = max(seen["gap"], now - last[0])
            last[0] = now

        heart = QTimer()
        heart.setInterval(5)
        heart.timeout.connect(beat)
        heart.start()

        def watch() -> None:
            preview = dialog.shown_preview
            if preview is None or not preview.painted:
                return
            seen["first"] = time.perf_counter() - seen["t0"]
            poll.stop()
            if len(sys.argv) > 3:
                preview.resize(1024, 600)
                QTimer.singleShot(300, lambda: (preview.grab().save(sys.argv[3]), preview.reject()))
            else:
                preview.reject()

        poll = QTimer()
        poll.setInterval(5)
        poll.timeout.connect(watch)
        poll.start()
        seen["t0"] = time.perf_counter()
        last[0] = seen["t0"]
        dialog.preview()
        print(
            f"{seen.get('first', -1):.3f} {seen['gap'] * 1000:.0f} {dialog.shown_preview.count()}"
        )
    _ = app
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
