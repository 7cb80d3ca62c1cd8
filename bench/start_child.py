"""One start, timed from inside: the child process of ``bench/start_path.py``.

    python bench/start_child.py program RECORD TODAY   # the real start: ui.app.main(--db)
    python bench/start_child.py bare                   # QApplication+QMainWindow+QLabel

Bench only (never imported by ``tracker/`` or ``ui/``).  Before the program starts it
installs hooks and then runs the real entry point, ``ui.app.main(["--db", RECORD])`` (not
``--screenshot``), with a clock that reads TODAY (ISO date) at noon and then runs on, so
"today" is the record's last day whatever the machine's date:

- a QApplication-level event filter marks the first Paint of the main window; the mark is
  taken once that paint pass has ended (a zero timer queued from the Paint event fires
  after the whole window is painted), as ``FIRST_FRAME <CLOCK_MONOTONIC ns>``;
- ``MainWindow.history_shown`` marks ``HISTORY <ns>`` (the whole history on screen) and
  ``MainWindow.start_finished`` marks ``START_DONE <ns>`` (the checks and today's backup
  ended);
- a 10 ms heartbeat QTimer runs from the first frame until both have come:
  ``STALL_MS <longest gap between two ticks, ms>``;
- ``BACKUPS <n>``: backups beside the record once done (the first start of a day makes one);
- then the program quits the usual way (the window closes, the record is closed).

The bare window prints the same FIRST_FRAME mark and quits.  Every line goes to stdout; the
parent (which spawned us) subtracts its own spawn time.  A start that does not finish within
``LIMIT_S`` prints ``TIMEOUT`` and exits 3.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEARTBEAT_MS = 10
LIMIT_S = 600.0


def mark(name: str, value: object | None = None) -> None:
    print(name, time.monotonic_ns() if value is None else value, flush=True)


class Heartbeat:
    """A 10 ms QTimer; the longest gap between two of its ticks (or the last and now)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0
        self.longest = 0

    def start(self) -> None:
        self.last = time.monotonic_ns()
        self.longest = 0
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic_ns()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        """Stops; the longest gap in ms."""
        self.timer.stop()
        self._tick()
        return self.longest / 1e6


def _first_frame_filter(is_window: Any, on_frame: Any) -> Any:
    """An application event filter calling ``on_frame`` once, after the first Paint event
    of a widget ``is_window`` accepts has been handled (its paint pass over)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstFrame(QObject):
        seen = False

        def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]
            if not self.seen and event.type() == QEvent.Type.Paint and is_window(obj):
                self.seen = True
                QTimer.singleShot(0, on_frame)
            return False

    return FirstFrame()


def bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Treatment Tracker"))
    window.resize(1280, 820)

    def framed() -> None:
        mark("FIRST_FRAME")
        QTimer.singleShot(0, window.close)

    watcher = _first_frame_filter(lambda obj: obj is window, framed)
    app.installEventFilter(watcher)
    window.show()
    app.exec()
    return 0


def program(record: Path, today: dt.date) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import ui.app
    import ui.main_window as main_window
    from tracker.store.backup_file import backups_folder

    tz = dt.datetime.now().astimezone().tzinfo
    noon = dt.datetime.combine(today, dt.time(12, 0), tzinfo=tz)
    began = time.monotonic()

    def clock() -> dt.datetime:  # the record's last day, running on from noon
        return noon + dt.timedelta(seconds=time.monotonic() - began)

    heartbeat: list[Heartbeat] = []
    state = {"history": False, "done": False, "framed": False}
    windows: list[object] = []

    def maybe_quit() -> None:
        if not (state["history"] and state["done"] and state["framed"]):
            return
        mark("STALL_MS", f"{heartbeat[0].stop():.3f}")
        folder = backups_folder(record)
        made = list(folder.glob("*.sqlite")) if folder.is_dir() else []
        mark("BACKUPS", len(made))
        window = windows[0]
        QTimer.singleShot(0, window.close)  # type: ignore[attr-defined]

    def history() -> None:
        if not state["history"]:
            state["history"] = True
            mark("HISTORY")
            maybe_quit()

    def done() -> None:
        if not state["done"]:
            state["done"] = True
            mark("START_DONE")
            maybe_quit()

    def framed() -> None:
        mark("FIRST_FRAME")
        state["framed"] = True
        heartbeat.append(Heartbeat())
        heartbeat[0].start()
        maybe_quit()

    original_init = main_window.MainWindow.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        windows.append(self)
        self.history_shown.connect(history)
        self.start_finished.connect(done)
        app = QApplication.instance()
        app.installEventFilter(watcher)  # type: ignore[union-attr]

    watcher = _first_frame_filter(lambda obj: bool(windows) and obj is windows[0], framed)
    main_window.MainWindow.__init__ = init  # type: ignore[method-assign]

    def too_long() -> None:
        mark("TIMEOUT", f"{state}")
        sys.stdout.flush()
        import os

        os._exit(3)

    from threading import Timer

    limit = Timer(LIMIT_S, too_long)
    limit.daemon = True
    limit.start()
    code = ui.app.main(["--db", str(record)], clock=clock)
    limit.cancel()
    if not (state["history"] and state["done"]):
        mark("INCOMPLETE", f"{state}")
        return 4
    return code


def main(argv: list[str]) -> int:
    if argv[:1] == ["bare"]:
        return bare()
    if len(argv) == 3 and argv[0] == "program":
        return program(Path(argv[1]), dt.date.fromisoformat(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
