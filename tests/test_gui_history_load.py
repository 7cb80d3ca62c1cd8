"""The whole history read off the GUI thread once the window is up (issue 16): the first
picture shows the recent months, the rest arrives from a job on a read-only connection of
its own; a change saved meanwhile is shown at once and never lost by what arrives after;
closing the window during the read ends cleanly."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from tracker.forms import ValueInput, count_from_form
from tracker.model import CountResult
from ui.main_window import MainWindow
from ui.start import StartWork
from ui.timeline.view import RECENT_DAYS

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _count(record: Any, child: Any, day: dt.date, plt: str = "120") -> CountResult:
    return count_from_form(
        {"taken_date": day.isoformat()},
        [ValueInput("plt", plt, "×10⁹/L")],
        child=child,
        today=record.today(),
    )


@pytest.fixture
def history(record, child):  # type: ignore[no-untyped-def]
    """A count from before the recent months and one from this week."""
    old = record.today() - dt.timedelta(days=RECENT_DAYS + 60)
    for day in (old, record.today() - dt.timedelta(days=3)):
        record.save(_count(record, child, day))
    return old


def _plt_days(window: MainWindow) -> list[int]:
    timeline = window.timeline_view.widget.timeline
    assert timeline is not None
    lane = timeline.lane("plt")
    assert lane is not None and lane.series is not None
    return [int(p.x) for p in lane.series.points]  # the day (a count without a time: noon)


class _Gate:
    """Holds the history read on its thread (until ``release``): once it has read
    (``at="read"``), or once it has laid the history out (``at="built"``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: str = "read") -> None:
        import ui.timeline.view

        self.read = threading.Event()
        self.go = threading.Event()
        self.threads: set[int] = set()
        gui = threading.get_ident()
        read, build = ui.timeline.view._read_whole, ui.timeline.view.layout.build

        def held_read(record: Any, name: str, child_id: int) -> list[Any]:
            self.threads.add(threading.get_ident())
            found = read(record, name, child_id)
            if at == "read":
                self.read.set()
                assert self.go.wait(20)
            return found

        def held_build(*args: Any, **kwargs: Any) -> Any:
            built = build(*args, **kwargs)
            if at == "built" and threading.get_ident() != gui:
                self.read.set()
                assert self.go.wait(20)
            return built

        monkeypatch.setattr(ui.timeline.view, "_read_whole", held_read)
        monkeypatch.setattr(ui.timeline.view.layout, "build", held_build)

    def release(self) -> None:
        self.go.set()


def _window(qtbot, bridge, interaction, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_history_arrives_from_a_job_off_the_gui_thread(
    qtbot, history, bridge, interaction, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    gate = _Gate(monkeypatch)
    gate.release()
    window = _window(qtbot, bridge, interaction, settings)
    assert len(_plt_days(window)) == 1  # the first picture: the recent months
    start = StartWork(window, bridge.record, interaction)
    with qtbot.waitSignal(window.history_shown, timeout=20000):
        start.begin()
    assert _plt_days(window)[0] == history.toordinal()  # the old count is drawn now
    assert len(_plt_days(window)) == 2
    assert gate.threads and threading.get_ident() not in gate.threads
    assert not window.timeline_view._history_pending
    qtbot.waitUntil(lambda: start.finished, timeout=20000)
    # what was read is kept for the other views: no second read of every count

    def read_again(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the counts were read again")

    monkeypatch.setattr(bridge.record, "entries", read_again)
    assert next(c.taken_date for c in bridge.counts(bridge.child_id)) == history


@pytest.mark.parametrize("held", ["read", "built"])
def test_a_count_saved_while_the_history_is_read_is_shown_and_kept(
    qtbot, history, bridge, child, interaction, settings, monkeypatch, held
) -> None:  # type: ignore[no-untyped-def]
    gate = _Gate(monkeypatch, held)
    window = _window(qtbot, bridge, interaction, settings)
    shown: list[bool] = []
    window.timeline_view.history_loaded.connect(shown.append)
    window.timeline_view.load_in_background(window.jobs)
    assert gate.read.wait(20)  # read, and held before it is handed over
    indicator = window.jobs_indicator  # said quietly, with nothing for the family to stop
    assert indicator.isVisibleTo(window) and "whole history" in indicator.label.text()
    assert not indicator.cancel_button.isVisibleTo(window)
    today = bridge.record.today()
    older = history + dt.timedelta(days=10)  # before the recent months too
    bridge.save(_count(bridge.record, child, older, "80"))
    bridge.save(_count(bridge.record, child, today, "90"))
    assert today.toordinal() in _plt_days(window)  # shown at once
    gate.release()
    qtbot.waitUntil(lambda: shown == [True], timeout=20000)
    days = _plt_days(window)
    # the whole history, with both new counts: the read from before them was done again
    assert days == [history.toordinal(), older.toordinal(), *days[2:]]
    assert today.toordinal() in days and len(days) == 4
    qtbot.waitUntil(window.jobs.is_idle, timeout=20000)


def test_closing_the_window_while_the_history_is_read_ends_cleanly(
    qtbot, history, bridge, interaction, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    gate = _Gate(monkeypatch)
    window = _window(qtbot, bridge, interaction, settings)
    start = StartWork(window, bridge.record, interaction)
    shown: list[bool] = []
    window.history_shown.connect(lambda: shown.append(True))
    start.begin()
    assert gate.read.wait(20)
    threading.Timer(0.2, gate.release).start()
    window.close()  # waits for the read, which is then dropped
    assert window.jobs.is_idle()
    qtbot.waitUntil(lambda: start.finished, timeout=20000)
    assert shown == []  # never said to be shown
    assert len(_plt_days(window)) == 1
    bridge.record.close()  # nothing reads the record any more


def test_a_view_without_a_job_still_loads_the_history_when_shown(
    qtbot, history, bridge, interaction, settings
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, bridge, interaction, settings)
    qtbot.waitUntil(lambda: len(_plt_days(window)) == 2, timeout=5000)
    assert window.jobs.is_idle()
