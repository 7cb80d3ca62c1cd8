"""Measure start-up and timeline painting on synthetic records; one run, this machine.

    python bench/run.py [--repeats N] [--paint-repeats M] [--reuse] [--profile-today FILE]

1. Writes 1-, 3- and 10-year records to ``bench/out/`` (``bench/make_record.py``), with
   life at home (medicines and every dose, temperatures, symptoms, growth), and the same
   10-year record without it (``--without-home``), for the comparison.
2. Start-up: fresh processes, offscreen, interleaved (A B B A …), ``--repeats``
   each.  The baseline is a bare ``QApplication`` + ``QMainWindow`` that is shown,
   painted and grabbed exactly as ``--screenshot`` does; the program is the real
   entry point, ``ui.app.main(["--db", FILE, "--screenshot", PNG, "--view",
   "timeline"])``, which exits after its first painted window.  Both children print a
   ``FIRST_PAINT`` mark (``CLOCK_MONOTONIC``) once that picture is saved: start-up is
   spawn → mark (spawn → exit is reported too).  Peak memory is the child's own
   ``ru_maxrss`` (``os.wait4``).  Each child gets a new, empty HOME and XDG folders.
   "Cold" here means a new process each time; the OS file cache is warm (one
   discarded warm-up run of each first).  The 1-year record is started too, for scale,
   and the 10-year record without life at home: "home ×" is with / without, per round.
3. Painting: the timeline of each record is laid out with ``tracker.timeline.build``
   and painted by ``TimelinePainter`` into a 1920×1080 ``QImage`` (fill, paint,
   end), every lane the timeline view shows by default, for the "3m" and "all" presets:
   min / median / max of ``--paint-repeats`` after 3 warm-up rounds, records and presets
   interleaved so drift hits all alike.  One picture of each is saved next to the records.
   This is the cost of painting every lane once; it is what the screen pays when the
   range or the size changes (a drag, a zoom), not on every repaint (``home_paint_ratio_*``).
4. What the screen repaints: the real ``TimelineView`` (``ui/timeline/view.py``) of the
   10-year records with and without life at home, shown at 1920×1080 offscreen with the
   whole history, for "3m" and "all", after 3 warm-up repaints: ``widget.repaint()`` timed
   (the paint event, in this process).  "kept" is a repaint with nothing changed but what
   is drawn over the picture (the focus moving, a tooltip or a dialog gone; here nothing
   is focused): the widget puts its finished picture back (``home_repaint_ratio_*``).
   "moved" is a repaint after a pan of one pixel, always the same way (a drag), so the
   picture is painted again and every mark lane's marks placed again: painting + putting
   it on the screen (``home_moved_ratio_*``).  "zoomed" is the repaint after one zoom
   step in from there (×1.25 at the centre, as Ctrl+wheel; ``home_zoomed_ratio_*``).
   Min / median / max of ``--paint-repeats``, records and presets interleaved; ratios
   are with home ÷ without, of the medians.
5. The Today tab, in this process, on a copy of the 10-year record at noon of its last
   day: choosing the tab, one dose tick (G on a due dose until the list shows it logged;
   undone after) and moving to the day before and back, each from the event until the
   events it queued (repaints included) are processed, in ms beside one frame at 60 Hz.
   ``--profile-today FILE`` writes cProfile stats of those actions.

Prints a table, and on the last line one JSON object (``startup_ratio``,
``memory_ratio``, ``paint_ms_3mo_10y``, ``paint_ms_all_10y``, ``scale_ratio_3mo``,
``home_startup_ratio``, ``home_paint_ratio_3mo``, ``home_repaint_ratio_3mo``,
``home_moved_ratio_3mo``, ``today_tick_ms`` and more; a figure
given as ``[min, median, max]`` is over the repeats).  Nothing here asserts: goals are
reported, not enforced.  These machines are noisy: read ratios, not seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tracker.model import CnsVisit, Milestone, Phase

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_record import DEFAULT_TODAY, Made, make_record  # noqa: E402

YEARS = (1, 3, 10)
# the records written: label → (years, with life at home)
RECORDS: dict[str, tuple[int, bool]] = {
    "1y": (1, True),
    "3y": (3, True),
    "10y": (10, True),
    "10y-without-home": (10, False),
}
WIDTH, HEIGHT = 1920, 1080
GOALS = {
    "startup_ratio": 1.3,
    "memory_ratio": 2.0,
    "paint_ms_3mo_10y": 8.0,
    "paint_ms_all_10y": 8.0,
    "scale_ratio_3mo": 1.2,
    "import_10k_s": 2.0,
    "summary_3mo_s": 1.0,
    "home_startup_ratio": 1.1,  # with life at home / without: no worse
    "home_paint_ratio_3mo": 1.2,
    "today_tick_ms": 1000 / 60,  # within one frame
    "today_open_ms": 1000 / 60,
}

# Both children print "FIRST_PAINT <monotonic ns>" once their first painted window is
# saved; CLOCK_MONOTONIC is system-wide on Linux, so the parent can subtract its own spawn
# time.  The baseline mirrors ui.app._screenshot: resize, show, process events, grab, save.
BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 820)
window.show()
QApplication.processEvents()
image = window.grab()
window.close()
ok = image.save(sys.argv[1], "PNG")
print("FIRST_PAINT", time.monotonic_ns(), file=sys.stderr, flush=True)
sys.exit(0 if ok else 1)
"""
# The real entry point; the only addition is the same mark after its --screenshot is saved
# (ui.app._screenshot shows the main window, processes events, grabs it and saves it).
PROGRAM = """
import sys, time
import ui.app
_shot = ui.app._screenshot
def _marked(*args):
    code = _shot(*args)
    print("FIRST_PAINT", time.monotonic_ns(), file=sys.stderr, flush=True)
    return code
ui.app._screenshot = _marked
sys.exit(ui.app.main(sys.argv[1:]))
"""


# ---------------------------------------------------------------------- start-up


@dataclass(frozen=True, slots=True)
class Run:
    first_paint_s: float  # spawn → first painted window saved
    wall_s: float  # spawn → process gone (includes tear-down)
    rss_mib: float  # peak resident memory of the child


def _spawn(code: str, args: list[str], label: str) -> Run:
    """Run ``python -c code args`` in a fresh, isolated home; wall time and peak RSS."""
    home = Path(tempfile.mkdtemp(prefix="tt-bench-home-"))
    try:
        runtime = home / "runtime"
        runtime.mkdir(mode=0o700)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_RUNTIME_DIR": str(runtime),
            "QT_QPA_PLATFORM": "offscreen",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
        }
        png = home / "first-paint.png"
        err = home / "stderr.txt"
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(err), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ]
        argv = (
            [sys.executable, "-c", code, str(png), *args]
            if code is BARE
            else [sys.executable, "-c", code, *args, "--screenshot", str(png)]
        )
        os.chdir(ROOT)
        started = time.monotonic_ns()
        pid = os.posix_spawn(sys.executable, argv, env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        ended = time.monotonic_ns()
        code_ = os.waitstatus_to_exitcode(status)
        text = err.read_text(errors="replace")
        marks = [line.split()[1] for line in text.splitlines() if line.startswith("FIRST_PAINT ")]
        if code_ != 0 or not marks or not png.exists() or png.stat().st_size == 0:
            raise RuntimeError(f"{label} failed (exit {code_}, no picture?):\n{text[-2000:]}")
        return Run(
            (int(marks[0]) - started) / 1e9, (ended - started) / 1e9, usage.ru_maxrss / 1024
        )  # Linux: KiB
    finally:
        shutil.rmtree(home, ignore_errors=True)


def measure_startup(
    records: dict[str, Path], repeats: int, progress: Callable[[str], None]
) -> dict[str, list[Run]]:
    from tracker import cli

    view = ["--view", "timeline"] if "timeline" in getattr(cli, "GUI_VIEWS", ()) else []
    subjects: dict[str, tuple[str, list[str]]] = {"bare": (BARE, [])}
    for label in ("10y", "10y-without-home", "1y"):
        subjects[f"program_{label}"] = (PROGRAM, ["--db", str(records[label]), *view])
    runs: dict[str, list[Run]] = {name: [] for name in subjects}
    for name, (code, args) in subjects.items():  # warm the file cache; not counted
        _spawn(code, args, name)
    names = list(subjects)
    for i in range(repeats):
        order = names if i % 2 == 0 else names[::-1]  # A B C, C B A, … cancels drift
        for name in order:
            code, args = subjects[name]
            runs[name].append(_spawn(code, args, name))
        progress(f"start-up repeat {i + 1}/{repeats}")
    return runs


# ---------------------------------------------------------------------- painting


def _spread(values: list[float]) -> tuple[float, float, float]:
    """min, median, max"""
    return min(values), statistics.median(values), max(values)


@dataclass(slots=True)
class PaintResult:
    read_ms: float
    build_ms: float
    lanes: int
    points: int
    paint_ms: dict[str, float]  # median
    paint_spread: dict[str, tuple[float, float, float]]  # min, median, max


def measure_paint(
    records: dict[str, Path],
    today: dt.date,
    repeats: int,
    build_repeats: int,
    pictures: Path | None,
) -> dict[str, PaintResult]:
    """Read and lay out every record, then time repaints in rounds over all records and
    both presets (so drift hits every record alike), after 3 warm-up rounds."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # painted into images; no display needed
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from tracker import timeline as layout
    from tracker.model import (
        DoseLog,
        FeverRule,
        Growth,
        MedicinePlan,
        Stay,
        Symptom,
        Temperature,
        Transfusion,
    )
    from tracker.store import Record
    from ui.timeline.painter import TimelinePainter
    from ui.timeline.view import LANES

    # widgets too: the Today tab is measured in this process next
    _ = QApplication.instance() or QApplication([sys.argv[0]])

    def clock() -> dt.datetime:
        return dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC)

    timelines: dict[str, layout.Timeline] = {}
    results: dict[str, PaintResult] = {}
    for years, path in records.items():
        record = Record.open(path, read_only=True, clock=clock)
        try:
            child_id = record.children()[0].id
            assert child_id is not None
            started = time.perf_counter()
            data = (
                record.entries(Phase, child_id),
                record.entries(Milestone, child_id),
                record.entries(CnsVisit, child_id),
                record.counts(child_id),
            )
            home = {  # what the timeline view reads besides (ui/timeline/view.py)
                "growth": record.entries(Growth, child_id),
                "temperatures": record.entries(Temperature, child_id),
                "fever_rules": record.entries(FeverRule, child_id),
                "symptoms": record.entries(Symptom, child_id),
                "medicine_plans": record.entries(MedicinePlan, child_id),
                "doses": record.entries(DoseLog, child_id),
                "transfusions": record.entries(Transfusion, child_id),
                "stays": record.entries(Stay, child_id),
            }
            read_ms = (time.perf_counter() - started) * 1000
        finally:
            record.close()
        builds = []
        for _ in range(build_repeats):
            started = time.perf_counter()
            timeline = layout.build(*data, today, lanes=[key for key, _ in LANES], **home)
            builds.append((time.perf_counter() - started) * 1000)
        timelines[years] = timeline
        points = sum(len(lane.series.points) for lane in timeline.lanes if lane.series)
        results[years] = PaintResult(
            read_ms, statistics.median(builds), len(timeline.lanes), points, {}, {}
        )

    painter = TimelinePainter()
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    rect = QRectF(0, 0, WIDTH, HEIGHT)
    white = QColor("white")

    def paint_once(timeline: layout.Timeline, x0: float, x1: float) -> float:
        started = time.perf_counter()
        image.fill(white)
        p = QPainter(image)
        painter.paint(p, rect, timeline, x0, x1)
        p.end()
        return (time.perf_counter() - started) * 1000

    cases = [
        (years, kind, layout.preset_range(kind, timelines[years]))
        for years in timelines
        for kind in ("3m", "all")
    ]
    samples: dict[tuple[str, str], list[float]] = {(y, k): [] for y, k, _ in cases}
    for round_ in range(3 + repeats):
        for years, kind, (x0, x1) in cases:
            ms = paint_once(timelines[years], x0, x1)
            if round_ >= 3:
                samples[(years, kind)].append(ms)
    for (years, kind), values in samples.items():
        results[years].paint_ms[kind] = statistics.median(values)
        results[years].paint_spread[kind] = _spread(values)
    if pictures is not None:
        for years, kind, (x0, x1) in cases:
            paint_once(timelines[years], x0, x1)
            image.save(str(pictures / f"paint-{years}-{kind}.png"), "PNG")
    return results


# ---------------------------------------------------------------------- what the screen repaints


@dataclass(slots=True)
class RepaintResult:
    kept: dict[str, tuple[float, float, float]]  # preset → min, median, max ms
    moved: dict[str, tuple[float, float, float]]
    zoomed: dict[str, tuple[float, float, float]]


def measure_repaint(
    records: dict[str, Path], today: dt.date, repeats: int
) -> dict[str, RepaintResult]:
    """The real timeline view of each record at 1920×1080: repaints with the finished
    picture kept, and repaints after a one-pixel pan (the picture painted again)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tracker.store import Record
    from ui.bridge import RecordBridge
    from ui.settings import Settings
    from ui.timeline.view import TimelineView

    _ = QApplication.instance() or QApplication([sys.argv[0]])

    def clock() -> dt.datetime:
        return dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC)

    def ms(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        return (time.perf_counter() - started) * 1000

    labels = ("10y", "10y-without-home")
    opened: list[Record] = []
    views: dict[str, TimelineView] = {}
    kept: dict[tuple[str, str], list[float]] = {}
    moved: dict[tuple[str, str], list[float]] = {}
    zoomed: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="tt-bench-repaint-") as folder:
        try:
            for label in labels:
                record = Record.open(records[label], read_only=True, clock=clock)
                opened.append(record)
                ini = str(Path(folder) / f"{label}.ini")
                view = TimelineView(
                    RecordBridge(record), Settings(QSettings(ini, QSettings.Format.IniFormat))
                )
                view.resize(WIDTH, HEIGHT)
                view.show()
                QApplication.processEvents()
                view.refresh()  # the whole history, as a moment after start-up
                QApplication.processEvents()
                views[label] = view
            for round_ in range(3 + repeats):
                for label in labels:
                    widget = views[label].widget
                    for preset in ("3m", "all"):
                        widget.apply_preset(preset)
                        widget.repaint()  # the picture of this range
                        painted = widget.pictures_painted
                        kept_ms = ms(widget.repaint)
                        widget.pan(1 / max(widget.width(), 1))  # one way, as a drag
                        moved_ms = ms(widget.repaint)
                        widget.zoom(1.25)  # one step of Ctrl+wheel, at the centre
                        zoomed_ms = ms(widget.repaint)
                        if widget.pictures_painted != painted + 2:
                            raise RuntimeError("the timeline did not repaint as expected")
                        if round_ >= 3:
                            kept.setdefault((label, preset), []).append(kept_ms)
                            moved.setdefault((label, preset), []).append(moved_ms)
                            zoomed.setdefault((label, preset), []).append(zoomed_ms)
        finally:
            for view in views.values():
                view.close()
                view.deleteLater()
            QApplication.processEvents()
            for record in opened:
                record.close()
    return {
        label: RepaintResult(
            {p: _spread(kept[(label, p)]) for p in ("3m", "all")},
            {p: _spread(moved[(label, p)]) for p in ("3m", "all")},
            {p: _spread(zoomed[(label, p)]) for p in ("3m", "all")},
        )
        for label in labels
    }


# ---------------------------------------------------------------------- the Today tab

FRAME_MS = 1000 / 60  # one frame at 60 Hz


@dataclass(slots=True)
class TodayResult:
    open_first_ms: float  # the tab chosen the first time (filled then)
    open_ms: list[float]  # chosen again from the timeline
    tick_ms: list[float]  # G on the due dose → the list shows it logged (undone after)
    previous_ms: list[float]  # Alt+Left: the day before shown
    next_ms: list[float]  # Alt+Right: back to today


def measure_today(
    record_path: Path, today: dt.date, repeats: int, profile: Path | None = None
) -> TodayResult:
    """In this process, offscreen: the main window on a COPY of the record (a tick writes),
    clock at noon of ``today``.  Each action is timed from the event to the events it
    queued (repaints included) being processed; ``profile`` writes cProfile stats of the
    timed actions there."""
    import cProfile

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from tracker.store import Record
    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.main_window import MainWindow
    from ui.settings import Settings

    app = QApplication.instance() or QApplication([sys.argv[0]])

    def clock() -> dt.datetime:
        return dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC)

    profiler = cProfile.Profile() if profile is not None else None

    def timed(action: Callable[[], object]) -> float:
        QApplication.processEvents()
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        action()
        QApplication.processEvents()
        ms = (time.perf_counter() - started) * 1000
        if profiler is not None:
            profiler.disable()
        return ms

    with tempfile.TemporaryDirectory(prefix="tt-bench-today-") as folder:
        copy = Path(folder) / "record.sqlite"
        shutil.copyfile(record_path, copy)
        record = Record.open(copy, clock=clock)
        settings = Settings(QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat))
        window = MainWindow(RecordBridge(record), Interaction(), settings)
        try:
            window.resize(1280, 820)
            window.show_view("timeline")
            window.show()
            QApplication.processEvents()
            view = window.today_view
            first = timed(lambda: window.show_view("today"))
            result = TodayResult(first, [], [], [], [])
            due = view.due_list
            alt = Qt.KeyboardModifier.AltModifier
            for _ in range(repeats):
                window.show_view("timeline")
                result.open_ms.append(timed(lambda: window.show_view("today")))
                row = next(i for i, d in enumerate(view._due) if d.log is None)
                due.setCurrentItem(due.topLevelItem(row))
                result.tick_ms.append(timed(lambda: QTest.keyClick(due, Qt.Key.Key_G)))
                logged = due.topLevelItem(row).text(3)
                if not logged.startswith("Given"):
                    raise RuntimeError(f"the tick did not show: {logged!r}")
                window.bridge.undo_stack.undo()
                result.previous_ms.append(timed(lambda: QTest.keyClick(due, Qt.Key.Key_Left, alt)))
                if view.day != today - dt.timedelta(days=1):
                    raise RuntimeError(f"Alt+Left showed {view.day}")
                result.next_ms.append(timed(lambda: QTest.keyClick(due, Qt.Key.Key_Right, alt)))
                if view.day != today:
                    raise RuntimeError(f"Alt+Right showed {view.day}")
        finally:
            window.close()
            window.deleteLater()
            QApplication.processEvents()
            record.close()
    if profiler is not None and profile is not None:
        profiler.dump_stats(str(profile))
    del app
    return result


# ---------------------------------------------------------------------- report


def _verdict(key: str, value: float) -> str:
    return "met" if value <= GOALS[key] else "MISSED"


def measure_import_10k(today: dt.date, repeats: int = 3) -> list[float]:
    """Seconds to read, plan and apply a 10,000-row lab CSV into a fresh record, each run."""
    import random

    from tracker.forms import child_from_form
    from tracker.io.csv_import import apply_import, plan_import, read_csv
    from tracker.store import Record

    rng = random.Random(10_000)
    tests = (
        ("WBC", "K/uL", 1.0, 12.0),
        ("ANC", "K/uL", 0.1, 8.0),
        ("Hgb", "g/dL", 7.0, 13.0),
        ("Platelets", "K/uL", 15.0, 400.0),
        ("Hematocrit", "%", 22.0, 40.0),
    )
    lines = ["Date,Time,Test,Result,Unit,Reference range"]
    day = today - dt.timedelta(days=2100)
    while len(lines) < 10_001:
        day += dt.timedelta(days=1)
        for name, unit, low, high in tests:
            lines.append(
                f"{day.isoformat()},08:{rng.randint(0, 59):02d},{name},"
                f"{rng.uniform(low, high):.1f},{unit},"
            )
            if len(lines) == 10_001:
                break
    data = ("\n".join(lines) + "\n").encode()
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            record = Record.open(
                Path(folder) / "r.sqlite",
                create=True,
                clock=lambda: dt.datetime.combine(today, dt.time(12)),
            )
            child, _ = record.save(
                child_from_form(
                    {"name": "Bench", "birth_date": (today - dt.timedelta(days=2500)).isoformat()},
                    today=today,
                )
            )
            started = time.perf_counter()
            plan = plan_import(read_csv(data), record, child)
            apply_import(plan, record)
            times.append(time.perf_counter() - started)
            assert plan.values_added == 10_000, plan.values_added
            record.close()
    return times


def measure_summary_3mo(record_path: Path, today: dt.date, repeats: int = 3) -> float:
    """Median seconds to lay out and write a 3-month summary PDF of a record."""
    from tracker.store import Record
    from ui.printing.render import SummaryRequest, write_pdf

    times = []
    with Record.open(record_path, read_only=True) as record:
        child = record.children()[0]
        assert child.id is not None
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                write_pdf(
                    record,
                    SummaryRequest(child.id, start=today - dt.timedelta(days=91), end=today),
                    Path(folder) / "s.pdf",
                )
                times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="start-up runs of each (≥5)")
    parser.add_argument("--paint-repeats", type=int, default=15, help="repaints timed (≥15)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep records already in bench/out instead of writing them anew",
    )
    parser.add_argument(
        "--profile-today", type=Path, help="write cProfile stats of the Today actions here"
    )
    args = parser.parse_args(argv)
    repeats = max(args.repeats, 5)
    paint_repeats = max(args.paint_repeats, 15)

    def progress(text: str) -> None:
        print(f"… {text}", file=sys.stderr, flush=True)

    OUT.mkdir(parents=True, exist_ok=True)
    if not args.reuse:  # only what this script writes: records, their backups, pictures
        for old in (*OUT.glob("record-*y*.sqlite"), *OUT.glob("paint-*.png")):
            old.unlink()
    today = DEFAULT_TODAY
    records: dict[str, Path] = {}
    made: dict[str, Made | None] = {}
    for label, (years, home) in RECORDS.items():
        path = OUT / f"record-{label}.sqlite"
        records[label] = path
        if args.reuse and path.exists():
            made[label] = None
            continue
        path.unlink(missing_ok=True)
        made[label] = make_record(years, path, today, home=home)
        progress(f"wrote {path.name} in {made[label].seconds:.1f} s")  # type: ignore[union-attr]

    runs = measure_startup(records, repeats, progress)
    paints = measure_paint(records, today, paint_repeats, 5, OUT)
    progress("painted the timelines")
    repaints = measure_repaint(records, today, paint_repeats)
    progress("repainted the timeline view")
    today_tab = measure_today(records["10y"], today, paint_repeats, args.profile_today)
    progress("ticked doses on the Today tab")
    import_10k_runs = measure_import_10k(today)
    import_10k_s = statistics.median(import_10k_runs)
    progress(f"imported 10,000 CSV rows in {import_10k_s:.2f} s")
    summary_3mo_s = measure_summary_3mo(records["10y"], today)
    progress(f"printed a 3-month summary in {summary_3mo_s:.2f} s")

    def median(name: str, what: str) -> float:
        return statistics.median(getattr(r, what) for r in runs[name])

    def spread(values: list[float], digits: int = 3) -> list[float]:
        return [round(v, digits) for v in _spread(values)]

    def per_round(name: str, other: str, what: str) -> list[float]:
        """name / other, round by round (the runs of one round are side by side)."""
        return [
            getattr(a, what) / getattr(b, what)
            for a, b in zip(runs[name], runs[other], strict=True)
        ]

    bare_s, bare_mib = median("bare", "first_paint_s"), median("bare", "rss_mib")
    prog_s, prog_mib = median("program_10y", "first_paint_s"), median("program_10y", "rss_mib")
    without = "program_10y-without-home"
    home_startup = per_round("program_10y", without, "first_paint_s")
    home_memory = per_round("program_10y", without, "rss_mib")
    p10, p10n, p1 = paints["10y"], paints["10y-without-home"], paints["1y"]
    r10, r10n = repaints["10y"], repaints["10y-without-home"]

    def repaint_ratio(what: str, preset: str) -> float:
        return round(getattr(r10, what)[preset][1] / getattr(r10n, what)[preset][1], 3)

    result: dict[str, object] = {
        "startup_ratio": round(prog_s / bare_s, 3),
        "memory_ratio": round(prog_mib / bare_mib, 3),
        "paint_ms_3mo_10y": round(p10.paint_ms["3m"], 3),
        "paint_ms_all_10y": round(p10.paint_ms["all"], 3),
        "scale_ratio_3mo": round(p10.paint_ms["3m"] / p1.paint_ms["3m"], 3),
        "import_10k_s": round(import_10k_s, 3),
        "import_10k_s_spread": spread(import_10k_runs),
        "summary_3mo_s": round(summary_3mo_s, 3),
        "home_startup_ratio": round(statistics.median(home_startup), 3),
        "home_paint_ratio_3mo": round(p10.paint_ms["3m"] / p10n.paint_ms["3m"], 3),
        "today_tick_ms": round(statistics.median(today_tab.tick_ms), 2),
        "today_open_ms": round(statistics.median(today_tab.open_ms), 2),
        "home_startup_ratios": spread(home_startup),
        "home_memory_ratios": spread(home_memory),
        "home_paint_ratio_all": round(p10.paint_ms["all"] / p10n.paint_ms["all"], 3),
        "home_repaint_ratio_3mo": repaint_ratio("kept", "3m"),
        "home_repaint_ratio_all": repaint_ratio("kept", "all"),
        "home_moved_ratio_3mo": repaint_ratio("moved", "3m"),
        "home_moved_ratio_all": repaint_ratio("moved", "all"),
        "home_zoomed_ratio_3mo": repaint_ratio("zoomed", "3m"),
        "home_zoomed_ratio_all": repaint_ratio("zoomed", "all"),
        "startup_ratio_without_home": round(median(without, "first_paint_s") / bare_s, 3),
        "memory_ratio_without_home": round(median(without, "rss_mib") / bare_mib, 3),
        "today_open_first_ms": round(today_tab.open_first_ms, 2),
        "today_open_ms_spread": spread(today_tab.open_ms, 2),
        "today_tick_ms_spread": spread(today_tab.tick_ms, 2),
        "today_previous_day_ms": spread(today_tab.previous_ms, 2),
        "today_next_day_ms": spread(today_tab.next_ms, 2),
        "frame_ms": round(FRAME_MS, 2),
        "startup_ratio_1y": round(median("program_1y", "first_paint_s") / bare_s, 3),
        "process_ratio": round(median("program_10y", "wall_s") / median("bare", "wall_s"), 3),
        "rss_mib_bare": round(bare_mib, 1),
        "memory_ratio_1y": round(median("program_1y", "rss_mib") / bare_mib, 3),
    }
    for name in runs:
        result[f"startup_s_{name}_spread"] = spread([r.first_paint_s for r in runs[name]], 4)
        result[f"rss_mib_{name}_spread"] = spread([r.rss_mib for r in runs[name]], 1)
    for label in RECORDS:
        pr = paints[label]
        result[f"read_ms_{label}"] = round(pr.read_ms, 2)
        result[f"build_ms_{label}"] = round(pr.build_ms, 2)
        result[f"paint_ms_3mo_{label}_spread"] = spread(list(pr.paint_spread["3m"]))
        result[f"paint_ms_all_{label}_spread"] = spread(list(pr.paint_spread["all"]))
    for label, rr in repaints.items():
        for preset, name in (("3m", "3mo"), ("all", "all")):
            result[f"repaint_ms_{name}_{label}_spread"] = spread(list(rr.kept[preset]))
            result[f"moved_ms_{name}_{label}_spread"] = spread(list(rr.moved[preset]))
            result[f"zoomed_ms_{name}_{label}_spread"] = spread(list(rr.zoomed[preset]))
    result["goals"] = GOALS
    result["goals_met"] = {
        key: result[key] <= goal  # type: ignore[operator]
        for key, goal in GOALS.items()
    }
    result["repeats"] = {"startup": repeats, "paint": paint_repeats, "today": paint_repeats}
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:  # pragma: no cover
        pyside_version = "?"
    result["machine"] = {
        "python": platform.python_version(),
        "pyside6": pyside_version,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }

    def mmm(values: tuple[float, ...] | list[float], fmt: str = ".2f") -> str:
        lo, mid, hi = _spread(list(values))
        return f"{lo:{fmt}} / {mid:{fmt}} / {hi:{fmt}}"

    lines = [
        f"treatment-tracker benchmark · Python {platform.python_version()} · PySide6 "
        f"{pyside_version} · {os.cpu_count()} CPUs · {platform.machine()}",
        "",
        "Records (bench/out, synthetic, today = " + today.isoformat() + ")",
        f"  {'record':>17} {'counts':>7} {'values':>7} {'LPs':>5} {'phases':>7} "
        f"{'milestones':>10} {'doses':>6} {'temps':>6} {'stays':>6} {'written in':>10}",
    ]
    for label in RECORDS:
        m = made[label]
        if m is None:
            lines.append(f"  {label:>17}  (reused {records[label].name})")
        else:
            lines.append(
                f"  {label:>17} {m.counts:>7} {m.values:>7} {m.cns:>5} {m.phases:>7} "
                f"{m.milestones:>10} {m.home.get('dose', 0):>6} "
                f"{m.home.get('temperature', 0):>6} {m.home.get('stay', 0):>6} "
                f"{m.seconds:>9.1f}s"
            )
    lines += [
        "",
        f"Start-up (fresh processes, offscreen, interleaved, {repeats} each): spawn → first "
        "painted window saved, min / median / max; × bare of the medians",
        f"  {'':34} {'first paint s':>22} {'× bare':>7} {'peak RSS MiB':>22} {'× bare':>7}",
    ]
    for name, label in (
        ("bare", "bare QMainWindow"),
        ("program_10y", "program, 10-year record"),
        (without, "program, 10 years without home"),
        ("program_1y", "program, 1-year record"),
    ):
        s, mib = median(name, "first_paint_s"), median(name, "rss_mib")
        lines.append(
            f"  {label:34} {mmm([r.first_paint_s for r in runs[name]], '.3f'):>22} "
            f"{s / bare_s:7.2f} {mmm([r.rss_mib for r in runs[name]], '.1f'):>22} "
            f"{mib / bare_mib:7.2f}"
        )
    lines += [
        f"  with home / without, round by round: first paint {mmm(home_startup, '.3f')}, "
        f"peak RSS {mmm(home_memory, '.3f')} (min / median / max)",
        "",
        f"Timeline, {WIDTH}×{HEIGHT} QImage, every lane: read, layout (median of 5), repaint "
        f"(min / median / max of {paint_repeats}, after 3 warm-up rounds; interleaved)",
        f"  {'record':>17} {'read ms':>8} {'build ms':>9} {'points':>7} {'paint 3 mo ms':>22} "
        f"{'paint all ms':>22}",
    ]
    for label in RECORDS:
        pr = paints[label]
        lines.append(
            f"  {label:>17} {pr.read_ms:8.1f} {pr.build_ms:9.1f} {pr.points:7} "
            f"{mmm(pr.paint_spread['3m']):>22} {mmm(pr.paint_spread['all']):>22}"
        )
    lines += [
        f"  with home / without (medians): 3 mo {p10.paint_ms['3m'] / p10n.paint_ms['3m']:.3f}, "
        f"all {p10.paint_ms['all'] / p10n.paint_ms['all']:.3f}",
        "",
        f"Timeline view as the screen repaints it, {WIDTH}×{HEIGHT}, whole history: "
        f"widget.repaint() min / median / max ms of {paint_repeats} after 3 warm-up rounds",
        f"  {'record':>17} {'kept 3 mo':>22} {'kept all':>22} {'moved 3 mo':>22} {'moved all':>22}",
    ]
    for label, rr in repaints.items():
        lines.append(
            f"  {label:>17} {mmm(rr.kept['3m']):>22} {mmm(rr.kept['all']):>22} "
            f"{mmm(rr.moved['3m']):>22} {mmm(rr.moved['all']):>22}"
        )
    lines += [
        "  kept: the finished picture put back (nothing focused); moved: after a "
        "one-pixel pan, the picture painted again",
        f"  with home / without (medians): kept 3 mo {result['home_repaint_ratio_3mo']}, "
        f"all {result['home_repaint_ratio_all']}; moved 3 mo "
        f"{result['home_moved_ratio_3mo']}, all {result['home_moved_ratio_all']}; zoomed 3 mo "
        f"{result['home_zoomed_ratio_3mo']}, all {result['home_zoomed_ratio_all']}",
        "",
        f"Today tab, 10-year record (in process, offscreen, {paint_repeats} each; one frame at "
        f"60 Hz = {FRAME_MS:.1f} ms): min / median / max ms",
        f"  {'choose the tab (first time)':34} {today_tab.open_first_ms:>22.2f}",
        f"  {'choose the tab again':34} {mmm(today_tab.open_ms):>22}",
        f"  {'tick a due dose (G)':34} {mmm(today_tab.tick_ms):>22}",
        f"  {'the day before (Alt+Left)':34} {mmm(today_tab.previous_ms):>22}",
        f"  {'back to today (Alt+Right)':34} {mmm(today_tab.next_ms):>22}",
    ]
    lines += ["", "Goals"]
    for key, goal in GOALS.items():
        value = float(result[key])  # type: ignore[arg-type]
        lines.append(f"  {key:20} {value:10.3f}  goal ≤ {goal:<6.4g} {_verdict(key, value)}")
    print("\n".join(lines))
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
