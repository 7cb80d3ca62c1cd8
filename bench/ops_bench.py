"""The File and Help commands that read or copy the whole record, on a copy of a record:
how long each takes (from the menu command to its result shown) and the longest stall of
the GUI thread meanwhile (the longest gap between ticks of a 10 ms heartbeat timer).

``python bench/ops_bench.py RECORD [REPEATS]`` prints one line per command and repeat
(with how many gaps were over 100 ms), then ``name min/median/max`` of seconds and of the
longest gap in ms.  Two controls: ``idle`` (2 s of nothing: this machine's own floor; its
first run is the window's first history load) and ``busy_thread`` (2 s of a plain Python
loop on another thread: the floor of any work off the GUI thread, which shares the GIL).
Offscreen; the questions are answered by a script (no dialog is shown).  Nothing here
asserts."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from tracker.store import Record
    from tracker.store.backup import make_backup
    from tracker.store.backup_file import DAILY
    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.main_window import MainWindow
    from ui.settings import Settings

    class Script(Interaction):
        def __init__(self) -> None:
            self.target: Path | None = None
            self.said: list[str] = []
            self.backup = False

        def save_file(self, *_a: Any) -> Path | None:  # type: ignore[override]
            return self.target

        def choose(self, *_a: Any) -> int:  # type: ignore[override]
            return 0

        def confirm(self, *_a: Any) -> bool:  # type: ignore[override]
            return True

        def info(self, _p: Any, _t: str, text: str) -> None:  # type: ignore[override]
            self.said.append(text)

        def error(self, _p: Any, _t: str, text: str) -> None:  # type: ignore[override]
            self.said.append("ERROR " + text)

        def choose_backup(self, _p: Any, items: list[Any]) -> Any:  # type: ignore[override]
            self.said.append(f"{len(items)} backups")
            return items[0] if self.backup and items else None

    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    work = Path(tempfile.mkdtemp())
    path = work / "r.sqlite"
    shutil.copy(sys.argv[1], path)
    record = Record.open(path)
    make_backup(record, DAILY)
    bridge = RecordBridge(record)
    script = Script()
    settings = Settings(QSettings(str(work / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(bridge, script, settings)
    window.safety.interaction = script
    window.resize(1024, 600)
    window.show()
    app.processEvents()

    def restore_list() -> None:
        script.backup = False
        window.safety.restore()

    def restore() -> None:
        script.backup = True
        window.safety.restore()

    idle_until = [0.0]

    def idle() -> None:  # the floor on this machine: nothing runs but the heartbeat
        idle_until[0] = time.perf_counter() + 2
        script.said.append("idle")

    def busy() -> None:  # the floor of any Python work off the GUI thread: the GIL shared
        import threading

        def spin() -> None:
            end = time.perf_counter() + 2
            while time.perf_counter() < end:
                pass
            script.said.append("busy")

        threading.Thread(target=spin, daemon=True).start()

    commands: list[tuple[str, str | None, Any]] = [
        ("idle", None, idle),
        ("busy_thread", None, busy),
        ("check", None, lambda: window.safety.check()),
        ("save_copy", "copy.sqlite", window.save_copy),
        ("export_csv", "e.csv", window.export_csv),
        ("export_json", "e.json", window.export_json),
        ("export_calendar", "e.ics", window.export_calendar),
        ("export_fhir", "e-fhir.json", window.export_fhir),
        ("restore_list", None, restore_list),
        ("restore", None, restore),
    ]

    def measure(name: str, target: Path | None, act: Any) -> tuple[float, float]:
        script.target = target
        script.said.clear()
        seen = {"gap": 0.0}
        last = [0.0]
        gaps: list[float] = []

        def beat() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            seen["gap"] = max(seen["gap"], now - last[0])
            last[0] = now

        heart = QTimer()
        heart.setInterval(10)
        heart.timeout.connect(beat)
        loop = QEventLoop()
        wait = QTimer()
        wait.setInterval(50)  # a quicker poll would itself crowd the GUI thread

        def go() -> None:
            seen["t0"] = time.perf_counter()
            act()
            wait.start()

        def done() -> None:
            if name == "restore":
                ended = any("restored" in t or "ERROR" in t for t in script.said)
            else:
                ended = target.exists() if target is not None else bool(script.said)
            if name == "idle":
                ended = time.perf_counter() >= idle_until[0]
            if window.jobs.is_idle() and ended:
                seen["t1"] = time.perf_counter()
                wait.stop()
                loop.quit()

        wait.timeout.connect(done)
        last[0] = time.perf_counter()
        heart.start()
        QTimer.singleShot(30, go)
        loop.exec()
        heart.stop()
        over = sum(g > 0.1 for g in gaps)
        return seen["t1"] - seen["t0"], seen["gap"] * 1000, over

    found: dict[str, list[tuple[float, float]]] = {}
    for n in range(repeats):
        for name, file, act in commands:
            took, gap, over = measure(name, work / f"{n}-{file}" if file else None, act)
            found.setdefault(name, []).append((took, gap))
            said = script.said[0][:50] if script.said else ""
            print(f"{n} {name:16} {took:7.3f} s  gap {gap:6.0f} ms  >100 ms: {over:3}  {said}")
    print()
    for name, runs in found.items():
        s = sorted(t for t, _ in runs)
        g = sorted(gap for _, gap in runs)
        print(
            f"{name:16} s {s[0]:.3f}/{statistics.median(s):.3f}/{s[-1]:.3f}   "
            f"gap ms {g[0]:.0f}/{statistics.median(g):.0f}/{g[-1]:.0f}"
        )
    window.close()
    window.bridge.record.close()
    _ = app
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
