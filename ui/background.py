"""Work off the GUI thread: the window keeps answering while it runs.

A :class:`Job` runs ``work(progress)`` (plain Python, see :mod:`tracker.progress`) on a
thread of its own.  The GUI thread hears of it by polling a queue on a timer, so every
callback (``on_done``, ``on_error``, progress) runs on the GUI thread, in order, and no
Qt object is ever touched from the worker.  ``progress(done, total)`` raises
:class:`~tracker.progress.Cancelled` once :meth:`Job.cancel` was called; the work stops
there and ``on_cancelled`` runs instead of ``on_done``.

What the work may touch: its own connections (``Record.reader()`` for reading), files it
writes whole (``durable.replacing``), and the open record's connection only while the
caller keeps the family from saving (a window-modal progress) — the one-writer rule.

:class:`Jobs` is the window's list of running jobs (``idle`` when the last one ends;
:meth:`Jobs.finish_all` before the record closes: the cancellable stopped, the rest
waited for, the window already hidden); :class:`JobsIndicator` is its quiet mark in the
status bar: what is running, how far, and Cancel where that makes sense.  A job may ask
for Python's cycle collector to wait while it runs (``pause_collector``).
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QSizePolicy, QWidget

from tracker.progress import Cancelled, Progress
from ui.plain import plain_label

POLL_MS = 25  # how often the GUI thread looks for news from running work

Work = Callable[[Progress], Any]


class _Collector:
    """Python's cycle collector, paused while any job that asks for it runs (the process
    has one collector; every window's jobs share this count).

    A full collection walks every object of the program (the window's and the work's)
    holding the GIL, and the GUI thread stood still for it (0.1–0.6 s, several times,
    while an export or the history read of 10 years ran).  Memory is freed as ever
    (reference counts); only cycles wait until the last such job ends.  Resuming forces
    no ``gc.collect()`` on the GUI thread: the collector runs again when it is due."""

    def __init__(self) -> None:
        self.paused = 0
        self.was_on = False

    def pause(self) -> None:
        if self.paused == 0:
            self.was_on = gc.isenabled()
            gc.disable()
        self.paused += 1

    def resume(self) -> None:
        self.paused = max(0, self.paused - 1)
        if self.paused == 0 and self.was_on:
            gc.enable()


collector = _Collector()


class Job(QObject):
    """One piece of work on its own thread; signals and callbacks on the GUI thread."""

    progressed = Signal(int, int)  # done, total (0: not known)
    ended = Signal()  # after on_done, on_error or on_cancelled

    def __init__(
        self,
        title: str,
        work: Work,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = False,
        key: str | None = None,
        exclusive: bool = False,
        pause_collector: bool = False,
        parent: QObject | None = None,
    ) -> None:
        """``cancellable``: closing the window (or Cancel) stops it at its next progress
        call; else closing waits for it (work that writes the record: a restore).
        ``key``: which command it is (the same one is not begun twice at once);
        ``exclusive``: nothing else may run meanwhile; ``pause_collector``: the cycle
        collector waits while it runs (work that makes many objects)."""
        super().__init__(parent)
        self.title = title
        self.cancellable = cancellable
        self.key = key
        self.exclusive = exclusive
        self.pause_collector = pause_collector
        self.done = 0
        self.total = 0
        self.result: Any = None
        self.error: BaseException | None = None
        self._work = work
        self._on_done, self._on_error, self._on_cancelled = on_done, on_error, on_cancelled
        self._news: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._finished = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    # ------------------------------------------------------------------ the GUI side

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._finished

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def start(self) -> Job:
        if self._thread is not None:
            raise RuntimeError("a job runs once")  # i18n: not shown
        name = f"job: {self.title}"  # i18n: not shown
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        if self.pause_collector:
            collector.pause()
            self.ended.connect(collector.resume)
        self._thread.start()
        self._timer.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next progress call (it may already be done)."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work's thread ends, then deliver its news; False on timeout.

        For closing and for tests: it holds the GUI thread, so the window does not
        answer meanwhile."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return False
        self.poll()
        return True

    def poll(self) -> None:
        """Deliver what the worker said since the last look (the timer calls this)."""
        while True:
            try:
                what, value = self._news.get_nowait()
            except queue.Empty:
                return
            if what == "progress":
                self.done, self.total = value
                self.progressed.emit(*value)
                continue
            self._finish(what, value)
            return

    def _finish(self, what: str, value: Any) -> None:
        self._finished = True
        self._timer.stop()
        try:
            if what == "done":
                self.result = value
                if self._on_done is not None:
                    self._on_done(value)
            elif what == "cancelled":
                if self._on_cancelled is not None:
                    self._on_cancelled()
            else:
                self.error = value
                if self._on_error is not None:
                    self._on_error(value)
                else:
                    raise value
        finally:
            self.ended.emit()

    # ------------------------------------------------------------------ the worker side

    def _progress(self, done: int, total: int) -> None:
        if self._stop.is_set():
            raise Cancelled
        self._news.put(("progress", (done, total)))

    def _run(self) -> None:
        try:
            result = self._work(self._progress)
        except Cancelled:
            self._news.put(("cancelled", None))
        except BaseException as exc:  # delivered to on_error on the GUI thread
            self._news.put(("error", exc))
        else:
            self._news.put(("done", result))


class Jobs(QObject):
    """The running jobs of one window."""

    changed = Signal()  # a job started, moved on or ended
    idle = Signal()  # the last running job ended

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: list[Job] = []
        self._ended_jobs: list[Job] = []

    @property
    def running(self) -> list[Job]:
        return list(self._running)

    def is_idle(self) -> bool:
        return not self._running

    def start(
        self,
        title: str,
        work: Work,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        cancellable: bool = False,
        key: str | None = None,
        exclusive: bool = False,
        pause_collector: bool = False,
    ) -> Job:
        """Begin ``work`` as a :class:`Job` (see there for the flags)."""
        job = Job(
            title,
            work,
            on_done=on_done,
            on_error=on_error,
            on_cancelled=on_cancelled,
            cancellable=cancellable,
            key=key,
            exclusive=exclusive,
            pause_collector=pause_collector,
        )
        self._running.append(job)
        job.progressed.connect(self.changed)
        job.ended.connect(lambda: self._ended(job))
        job.start()
        self.changed.emit()
        return job

    def _ended(self, job: Job) -> None:
        if job in self._running:
            self._running.remove(job)
        # Held until the signal that told of its end has returned: a Job dropped inside
        # its own signal would be deleted under it.
        self._ended_jobs.append(job)
        QTimer.singleShot(0, self._drop_ended)
        self.changed.emit()
        if not self._running:
            self.idle.emit()

    def _drop_ended(self) -> None:
        self._ended_jobs.clear()

    def cancel_all(self) -> None:
        """The window closes: what can be stopped stops at its next step (today's backup,
        the history read, copies and exports: each leaves nothing behind)."""
        for job in self._running:
            if job.cancellable:
                job.cancel()

    def must_finish(self) -> list[Job]:
        """The running jobs closing waits for whole: those that cannot be cancelled — a
        restore replacing the record (``Safety.restore``), the start's structural check of
        the record (its outcome is the record's), and the history read, which its view
        stops itself (``TimelineView.stop_loading``) at its next step."""
        return [job for job in self._running if not job.cancellable]

    def finish_all(self, timeout: float | None = None) -> bool:
        """Before the record closes: cancel what can be cancelled, wait for the rest
        (:meth:`must_finish`) and for the cancelled to reach their next step.  False if
        some did not end within ``timeout`` seconds each.  It holds the GUI thread: the
        window is hidden first (``MainWindow.closeEvent``)."""
        self.cancel_all()
        ended = True
        for job in list(self._running):
            ended = job.wait(timeout) and ended
        return ended


class JobsIndicator(QWidget):
    """The status bar's quiet mark of running work: its name, a bar, and Cancel.

    Hidden while nothing runs.  With several jobs it shows the first and how many more."""

    def __init__(self, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self.label = plain_label("", self)  # a job's title may quote a file name
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel the work in progress"))
        self.cancel_button.clicked.connect(self._cancel)
        # room the status bar has to spare goes to nothing, not to a button across the screen
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        jobs.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        running = self._jobs.running
        self.setVisible(bool(running))
        if not running:
            return
        job = running[0]
        text = job.title
        if len(running) > 1:
            text = self.tr("{work} (and {count} more)").format(work=text, count=len(running) - 1)
        self.label.setText(text)
        self.bar.setAccessibleName(job.title)
        if job.total > 0:
            self.bar.setRange(0, job.total)
            self.bar.setValue(min(job.done, job.total))
        else:
            self.bar.setRange(0, 0)  # busy, length not known
        self.cancel_button.setVisible(job.cancellable)

    def _cancel(self) -> None:
        running = self._jobs.running
        if running and running[0].cancellable:
            running[0].cancel()
