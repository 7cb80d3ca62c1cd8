"""What the family waits for in the window: the first switch to each tab, and Check, Save a
copy and Export CSV triggered from their menu actions, with the 10 ms heartbeat running.

    python bench/gui_ops.py RECORD TODAY OUT.json [--repeats N]

Bench only.  RECORD is opened as it is (the caller passes a copy: opening writes), with a
clock reading TODAY (ISO date) at noon and running on, in the real main window
(``ui.main_window.MainWindow``) shown offscreen at 1280×820, after its start's work
(``ui/start.py``) has ended.  The family's answers are scripted: every file dialog names a
new file in a scratch folder, every question is answered yes, every message is kept.

- ``tab_<name>_ms``: the first ``show_view(name)`` of each tab (built then, lazily) until
  the events it queued, its first paint included, are handled;
- ``op_<check|save_copy|export_csv>_s``: from the action's trigger until the window's jobs
  (``ui/background.py``) are idle and the operation has told its outcome (a message, or the
  file written); ``op_..._stall_ms``: the longest gap between heartbeat ticks meanwhile
  (an operation done on the GUI thread stalls for all of its time).

Writes ``{"<figure>": [values…]}`` (one value per repeat) to OUT.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from start_child import Heartbeat  # noqa: E402

LIMIT_S = 600.0
OPERATIONS = ("check", "save_copy", "export_csv")


def _wait(app: Any, until: Any, limit: float = LIMIT_S) -> None:
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + limit
    while not until():
        if time.monotonic() > end:
            raise TimeoutError("the window did not finish in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)


def run(record_path: Path, today: dt.date, repeats: int) -> dict[str, list[float]]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tracker.store import Record
    from ui.actions import ActionId
    from ui.app import make_application
    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.main_window import VIEW_NAMES, MainWindow
    from ui.settings import Settings
    from ui.start import StartWork

    scratch = Path(tempfile.mkdtemp(prefix="tt-bench-ops-"))
    told: list[str] = []
    chosen: list[Path] = []

    class Scripted(Interaction):
        def confirm(self, parent, title, text, action):  # type: ignore[no-untyped-def]
            return True

        def choose(self, parent, title, text, choices):  # type: ignore[no-untyped-def]
            return 0

        def error(self, parent, title, text):  # type: ignore[no-untyped-def]
            told.append(f"error: {title}: {text}")

        def info(self, parent, title, text):  # type: ignore[no-untyped-def]
            told.append(f"info: {title}")

        def save_file(self, parent, title, suggested, filter_):  # type: ignore[no-untyped-def]
            target = scratch / f"{len(chosen)}-{suggested.name}"
            chosen.append(target)
            return target

    tz = dt.datetime.now().astimezone().tzinfo
    noon = dt.datetime.combine(today, dt.time(12, 0), tzinfo=tz)
    began = time.monotonic()

    def clock() -> dt.datetime:
        return noon + dt.timedelta(seconds=time.monotonic() - began)

    app = make_application(sys.argv[:1])
    record = Record.open(record_path, clock=clock, check_later=True)
    bridge = RecordBridge(record)
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(bridge, Scripted(), settings)
    window.resize(1280, 820)
    finished: list[bool] = []
    window.start_finished.connect(lambda: finished.append(True))
    window.show()
    start = StartWork(window, record, window.interaction)
    start.begin()
    _wait(app, lambda: bool(finished) and window.jobs.is_idle())
    figures: dict[str, list[float]] = {}
    beat = Heartbeat()

    for name in VIEW_NAMES:
        if name == "timeline":
            continue
        beat.start()
        started = time.perf_counter()
        window.show_view(name)
        app.processEvents()
        app.processEvents()
        figures[f"tab_{name}_ms"] = [(time.perf_counter() - started) * 1000]
        beat.stop()
    window.show_view("timeline")
    app.processEvents()

    actions = {
        "check": ActionId.CHECK,
        "save_copy": ActionId.SAVE_COPY,
        "export_csv": ActionId.EXPORT_CSV,
    }
    for _ in range(repeats):
        for op, action_id in actions.items():
            told.clear()
            before = len(chosen)

            def ended() -> bool:
                if not window.jobs.is_idle():
                    return False
                if told:
                    return True
                return len(chosen) > before and chosen[-1].exists()  # noqa: B023

            beat.start()
            started = time.perf_counter()
            window.actions_[action_id].trigger()
            _wait(app, ended)
            seconds = time.perf_counter() - started
            stall = beat.stop()
            if any(t.startswith("error:") for t in told):
                raise RuntimeError(f"{op} failed: {told}")
            figures.setdefault(f"op_{op}_s", []).append(seconds)
            figures.setdefault(f"op_{op}_stall_ms", []).append(stall)
            for made in scratch.glob("[0-9]*-*"):
                if made.is_file():
                    made.unlink()
    window.close()
    app.processEvents()
    QApplication.processEvents()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record", type=Path)
    parser.add_argument("today", type=dt.date.fromisoformat)
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    figures = run(args.record, args.today, args.repeats)
    args.out.write_text(json.dumps(figures), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
