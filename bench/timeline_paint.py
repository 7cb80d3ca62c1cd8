"""Time the timeline's repaints on a record, beside pyqtgraph drawing the same three series.

    python bench/timeline_paint.py RECORD.db [--repeats N] [--json FILE]

The real ``TimelineView`` (``ui/timeline/view.py``) of a copy of ``RECORD`` is shown
offscreen at 1920×1080 with the whole history loaded.  For each zoom ("2w", "3m", "1y",
"2y", "5y", "all"; 1y–5y end where "3m" ends) it times ``widget.repaint()``:

- ``repaint_<zoom>_ms``: the repaint after the range moved by one pixel (a drag), so the
  whole picture is painted again: what the screen pays on every step of a pan;
- ``repaint_kept_<zoom>_ms``: a repaint with nothing changed (a tooltip gone, a dialog
  closed): the finished picture put back;
- ``zoom_step_ms``: one Ctrl+wheel step (×1.25 at the centre, from the "all" zoom, the
  zoom undone after each) including the repaint it causes, through a real QWheelEvent;
  ``zoom_step_<zoom>_ms`` the same from each zoom;
- ``repaint_moving_ms``: the median of the one-pixel-move repaints over every zoom.

pyqtgraph (a bench-only dependency) draws the three count charts' data (ANC, Hb,
platelets: the same points, the same pens — the timeline's colour, a cosmetic 1-pixel
line) in three stacked plots of a ``GraphicsLayoutWidget`` of the same size, with its
default settings: ``pyqtgraph_<zoom>_ms`` is a repaint with the range set (static),
``pyqtgraph_moving_ms`` the repaint after its x range moved by one pixel, over every zoom.

Each figure is min / median / max over ``--repeats`` (≥ 20) after 3 warm-ups, zooms
interleaved so drift hits all alike.  :func:`measure` returns the medians (ms) by name.
Nothing here asserts; these machines are noisy: compare figures of one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WIDTH, HEIGHT = 1920, 1080
ZOOMS = ("2w", "3m", "1y", "2y", "5y", "all")
WARM_UPS = 3


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _zoom_range(widget, zoom: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from tracker.timeline import preset_range

    timeline = widget.timeline
    if zoom in ("2w", "3m", "all"):
        return preset_range(zoom, timeline)
    years = {"1y": 1, "2y": 2, "5y": 5}[zoom]
    end = preset_range("3m", timeline)[1]
    return end - 365.25 * years, end


def _wheel(widget, steps: int = 1) -> None:  # type: ignore[no-untyped-def]
    """One Ctrl+wheel step at the widget's centre, as Qt delivers it."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        widget.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _spread(values: list[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


def _pyqtgraph_window(view):  # type: ignore[no-untyped-def]
    """pyqtgraph's plots of the three count charts the timeline view shows."""
    import pyqtgraph as pg
    from PySide6.QtGui import QPen

    from ui.timeline.painter import OKABE_ITO, SERIES_COLOURS

    window = pg.GraphicsLayoutWidget()
    window.setBackground("w")
    plots = []
    for lane in view.widget.timeline.lanes:
        if lane.series is None:
            continue
        series = lane.series
        plot = window.addPlot()
        pen = QPen(SERIES_COLOURS.get(series.analyte, OKABE_ITO["blue"]), 1.0)
        pen.setCosmetic(True)
        plot.plot([pt.x for pt in series.points], [pt.y for pt in series.points], pen=pen)
        plot.enableAutoRange(axis="y", enable=False)
        plot.setYRange(series.y_min, series.y_max, padding=0)
        plots.append(plot)
        window.nextRow()
    for plot in plots[1:]:
        plot.setXLink(plots[0])
    window.resize(WIDTH, HEIGHT)
    window.show()
    return window, plots


def measure_spread(record_path: Path, repeats: int = 20) -> dict[str, tuple[float, float, float]]:
    """min / median / max ms of each figure (see the module's text)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tracker.store import Record
    from ui.bridge import RecordBridge
    from ui.settings import Settings
    from ui.timeline.view import TimelineView

    app = QApplication.instance() or QApplication([sys.argv[0]])
    times: dict[str, list[float]] = {}

    def note(name: str, value: float, round_: int) -> None:
        if round_ >= WARM_UPS:
            times.setdefault(name, []).append(value)

    with tempfile.TemporaryDirectory(prefix="tt-bench-timeline-") as folder:
        copy = Path(folder) / "record.db"
        shutil.copyfile(record_path, copy)
        today = _last_day(copy)

        def clock() -> dt.datetime:
            return dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC)

        record = Record.open(copy, read_only=True, clock=clock)
        view = TimelineView(
            RecordBridge(record),
            Settings(QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)),
        )
        window = plots = None
        try:
            view.resize(WIDTH, HEIGHT)
            view.show()
            app.processEvents()
            view.refresh()  # the whole history, as a moment after start-up
            app.processEvents()
            widget = view.widget
            window, plots = _pyqtgraph_window(view)
            app.processEvents()
            for round_ in range(WARM_UPS + repeats):
                for zoom in ZOOMS:
                    x0, x1 = _zoom_range(widget, zoom)
                    widget.set_range(x0, x1)
                    app.processEvents()
                    widget.repaint()
                    note(f"repaint_kept_{zoom}_ms", _ms(widget.repaint), round_)
                    pixel = (widget.x1 - widget.x0) / max(widget.width(), 1)
                    widget.set_range(widget.x0 + pixel, widget.x1 + pixel)
                    moved = _ms(widget.repaint)
                    note(f"repaint_{zoom}_ms", moved, round_)
                    note("repaint_moving_ms", moved, round_)
                    app.processEvents()
                    before = (widget.x0, widget.x1)

                    def step() -> None:
                        _wheel(widget)
                        widget.repaint()

                    stepped = _ms(step)
                    if widget.x1 - widget.x0 >= before[1] - before[0] - 1e-9:
                        raise RuntimeError("the wheel did not zoom")
                    note(f"zoom_step_{zoom}_ms", stepped, round_)
                    if zoom == "all":
                        note("zoom_step_ms", stepped, round_)
                    widget.set_range(*before)
                    app.processEvents()
                    # pyqtgraph: the same days
                    plots[0].setXRange(x0, x1, padding=0)
                    app.processEvents()
                    window.viewport().repaint()
                    note(f"pyqtgraph_{zoom}_ms", _ms(window.viewport().repaint), round_)
                    pixel = (x1 - x0) / WIDTH
                    plots[0].setXRange(x0 + pixel, x1 + pixel, padding=0)
                    note("pyqtgraph_moving_ms", _ms(window.viewport().repaint), round_)
                    app.processEvents()
        finally:
            if window is not None:
                window.close()
                window.deleteLater()
            view.close()
            view.deleteLater()
            app.processEvents()
            record.close()
    spread = {name: _spread(values) for name, values in times.items()}
    return spread


def _last_day(path: Path) -> dt.date:
    """The record's newest count day (its synthetic "today")."""
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT max(taken_date) FROM count_result").fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else dt.date.today()


def measure(record_path: Path, repeats: int = 20) -> dict[str, float]:
    """The median ms of each figure, by name ("repaint_all_ms", "zoom_step_ms", …)."""
    return {name: s[1] for name, s in measure_spread(record_path, repeats).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record", type=Path)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    spread = measure_spread(args.record, max(args.repeats, 1))
    print(f"{'figure':28} {'min':>8} {'median':>8} {'max':>8}  (ms, {args.repeats} repeats)")
    for name in sorted(spread):
        lo, mid, hi = spread[name]
        print(f"{name:28} {lo:8.2f} {mid:8.2f} {hi:8.2f}")
    if args.json:
        args.json.write_text(json.dumps({k: list(v) for k, v in spread.items()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
