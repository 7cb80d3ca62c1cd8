"""ui/background.py: work off the GUI thread, its news delivered on the GUI thread."""

from __future__ import annotations

import threading

import pytest

from tracker.progress import Cancelled, part_of
from ui.background import Jobs, JobsIndicator

pytestmark = pytest.mark.gui


def test_the_work_runs_off_the_gui_thread_and_its_result_arrives_on_it(qtbot):
    jobs = Jobs()
    seen: dict[str, object] = {}
    gui = threading.get_ident()

    def work(progress):
        seen["worker"] = threading.get_ident()
        for i in range(3):
            progress(i + 1, 3)
        return 42

    def done(value):
        seen["done_on"] = threading.get_ident()
        seen["value"] = value

    job = jobs.start("Counting", work, on_done=done)
    with qtbot.waitSignal(jobs.idle, timeout=5000):
        pass
    assert seen["worker"] != gui
    assert seen["done_on"] == gui
    assert seen["value"] == 42
    assert (job.done, job.total) == (3, 3)
    assert jobs.is_idle()


def test_an_error_reaches_on_error_on_the_gui_thread(qtbot):
    jobs = Jobs()
    errors: list[BaseException] = []

    def work(progress):
        raise OSError("the disk is full")

    jobs.start("Saving", work, on_error=errors.append)
    qtbot.waitUntil(jobs.is_idle, timeout=5000)
    assert [str(e) for e in errors] == ["the disk is full"]


def test_cancel_stops_the_work_at_its_next_progress_call(qtbot):
    jobs = Jobs()
    go_on = threading.Event()
    reached: list[int] = []
    outcome: list[str] = []

    def work(progress):
        progress(0, 10)
        go_on.wait(5)
        for i in range(1, 11):
            progress(i, 10)  # raises Cancelled at once
            reached.append(i)
        return "finished"

    job = jobs.start(
        "Exporting",
        work,
        on_done=lambda _v: outcome.append("done"),
        on_cancelled=lambda: outcome.append("cancelled"),
        cancellable=True,
    )
    job.cancel()
    go_on.set()
    qtbot.waitUntil(jobs.is_idle, timeout=5000)
    assert outcome == ["cancelled"]
    assert reached == []


def test_finish_all_waits_for_work_that_cannot_be_cancelled(qtbot):
    jobs = Jobs()
    release = threading.Event()
    results: list[str] = []

    def work(progress):
        release.wait(5)
        return "whole"

    jobs.start("Backing up", work, on_done=results.append)
    threading.Timer(0.05, release.set).start()
    assert jobs.finish_all(timeout=5)
    assert results == ["whole"]


def test_the_indicator_shows_what_runs_and_hides_when_idle(qtbot):
    from PySide6.QtWidgets import QStatusBar

    jobs = Jobs()
    bar = QStatusBar()
    qtbot.addWidget(bar)
    indicator = JobsIndicator(jobs)
    bar.addPermanentWidget(indicator)
    bar.show()
    assert not indicator.isVisible()
    release = threading.Event()

    def work(progress):
        progress(2, 8)
        release.wait(5)

    jobs.start("Checking the record <b>", work, cancellable=True)
    qtbot.waitUntil(lambda: indicator.bar.value() == 2, timeout=5000)
    assert indicator.isVisible()
    assert indicator.label.text() == "Checking the record <b>"
    assert indicator.bar.maximum() == 8
    assert indicator.cancel_button.isVisible()
    release.set()
    qtbot.waitUntil(jobs.is_idle, timeout=5000)
    assert not indicator.isVisible()


def test_part_of_maps_a_part_onto_the_whole():
    seen: list[tuple[int, int]] = []
    part = part_of(lambda d, t: seen.append((d, t)), 50, 50, 100)
    part(0, 10)
    part(5, 10)
    part(10, 10)
    part(3, 0)
    assert seen == [(50, 100), (75, 100), (100, 100), (50, 100)]


def test_cancelled_is_an_exception_the_work_can_let_through():
    assert issubclass(Cancelled, Exception)


def test_the_collector_is_paused_while_a_job_that_asks_runs_and_resumed_after(qtbot):
    import gc

    assert gc.isenabled()
    jobs = Jobs()
    release = threading.Event()
    seen: list[bool] = []
    first = jobs.start("Exporting", lambda _p: release.wait(5), pause_collector=True)
    seen.append(gc.isenabled())
    second = jobs.start("Checking", lambda _p: release.wait(5), pause_collector=True)
    release.set()
    first.wait(5)
    seen.append(gc.isenabled())  # the second still runs
    second.wait(5)
    qtbot.waitUntil(jobs.is_idle, timeout=5000)
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_job_that_does_not_ask_leaves_the_collector_running(qtbot):
    import gc

    jobs = Jobs()
    release = threading.Event()
    job = jobs.start("Reading", lambda _p: release.wait(5))
    assert gc.isenabled()
    release.set()
    job.wait(5)


def test_key_and_exclusive_are_the_jobs_own(qtbot):
    jobs = Jobs()
    job = jobs.start("Restoring", lambda _p: 1, key="restore", exclusive=True)
    other = jobs.start("Reading", lambda _p: 2)
    assert (job.key, job.exclusive) == ("restore", True)
    assert (other.key, other.exclusive) == (None, False)
    job.wait(5)
    other.wait(5)


def test_cancel_all_cancels_only_what_can_be_cancelled(qtbot):
    jobs = Jobs()
    release = threading.Event()
    export = jobs.start("Exporting", lambda _p: release.wait(5), cancellable=True)
    restore = jobs.start("Restoring", lambda _p: release.wait(5))
    jobs.cancel_all()
    assert export.cancelled and not restore.cancelled
    assert [j.title for j in jobs.must_finish()] == ["Restoring"]
    release.set()
    assert jobs.finish_all(timeout=5)


def test_the_indicators_cancel_button_keeps_its_own_width_on_a_wide_window(qtbot):
    """At 1920 pixels the status bar gives the indicator room to spare: the room goes to
    nothing, not to a Cancel button stretched across half the screen."""
    from PySide6.QtWidgets import QMainWindow

    jobs = Jobs()
    window = QMainWindow()
    qtbot.addWidget(window)
    indicator = JobsIndicator(jobs)
    window.statusBar().addPermanentWidget(indicator)
    window.resize(1920, 1080)
    window.show()
    release = threading.Event()
    jobs.start("Saving a copy", lambda progress: release.wait(5), cancellable=True)
    qtbot.waitUntil(indicator.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: indicator.cancel_button.width() > 0, timeout=5000)
    try:
        hint = indicator.cancel_button.sizeHint().width()
        assert indicator.cancel_button.width() <= hint + 2
    finally:
        release.set()
        qtbot.waitUntil(jobs.is_idle, timeout=5000)
