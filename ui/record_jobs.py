"""The window's commands that read or copy the whole record, run off the GUI thread.

File ▸ Save a copy…, the exports, Restore from backup… and Help ▸ Check the record each
run as one job on the window's :class:`~ui.background.Jobs` (the status bar shows it,
with Cancel where it makes sense), the work done by the ``tracker`` function with a
``progress`` (:mod:`tracker.progress`).  The worker touches no Qt object and no open
record's connection: it reads through ``Record.reader()`` (or a connection of its own)
and writes only the file it makes.  Whatever is said (the result, a problem, "stopped")
is said on the GUI thread when the job ends.

What would conflict is refused with a plain message, never left to race: the same
command twice at once, anything while a restore replaces the record (it is closed then),
and a restore while other work still reads the record; nothing starts once the window
is closing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMainWindow, QWidget

from tracker.i18n import tr
from tracker.progress import Progress
from tracker.store import RecordError
from ui.background import Job, Jobs
from ui.interaction import Interaction

Work = Callable[[Progress], Any]

TELL_EVERY = 0.05
"""Seconds between two progress reports sent to the GUI thread: each one it hears costs it
the GIL (the worker holds it while it computes), so it hears a few a second, not
thousands; Cancel is heard at the next report."""


def seldom(progress: Progress, every: float = TELL_EVERY) -> Progress:
    """``progress`` told at most once every ``every`` seconds (the first call always)."""
    last = [float("-inf")]

    def told(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            progress(done, total)

    return told


def jobs_of(parent: QWidget) -> Jobs:
    """The running work of the window ``parent`` is in."""
    jobs = getattr(parent.window(), "jobs", None)
    if not isinstance(jobs, Jobs):
        raise RuntimeError("a command's work needs the window's jobs")  # i18n: not shown
    return jobs


def say(parent: QWidget, text: str) -> None:
    """A quiet line in the window's status bar (8 seconds)."""
    window = parent.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 8000)


def refusal(jobs: Jobs, key: str, *, exclusive: bool = False) -> str | None:
    """Why the command ``key`` cannot start now (None: it can)."""
    running = jobs.running
    for job in running:
        if job.exclusive:
            return tr("{work} is under way; try again when it has ended.").format(work=job.title)
        if job.key == key:
            return tr("{work} is already under way; its result is shown when it ends.").format(
                work=job.title
            )
    if exclusive and running:
        return tr(
            "{work} is still under way; try again when it has ended (the status bar shows it)."
        ).format(work=running[0].title)
    return None


def start(
    parent: QWidget,
    interaction: Interaction,
    key: str,
    title: str,
    work: Work,
    *,
    on_done: Callable[[Any], None],
    error_title: str,
    cancellable: bool = True,
    exclusive: bool = False,
    on_cancelled: Callable[[], None] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
) -> Job | None:
    """Run ``work(progress)`` as the window's job ``title``; None if refused (said why).

    ``on_done(result)`` runs on the GUI thread when it ends.  A RecordError or OSError is
    shown as ``error_title``'s message (after ``on_failed``, if given); anything else is
    a fault of the program's and raised.  Stopped, the status bar says so (after
    ``on_cancelled``).  ``exclusive``: nothing else may run meanwhile (a restore)."""
    if getattr(parent.window(), "closing", False):
        return None
    jobs = jobs_of(parent)
    why = refusal(jobs, key, exclusive=exclusive)
    if why is not None:
        interaction.error(parent, error_title, why)
        return None

    def failed(exc: BaseException) -> None:
        if on_failed is not None:
            on_failed(exc)
        if not isinstance(exc, (RecordError, OSError)):
            raise exc
        if not getattr(parent.window(), "closing", False):
            interaction.error(parent, error_title, str(exc))

    def cancelled() -> None:
        if on_cancelled is not None:
            on_cancelled()
        say(parent, tr("{work}: stopped; nothing was written.").format(work=title))

    # The cycle collector waits while it runs (ui.background): a full collection held
    # the GUI thread 0.2–0.6 s, several times, during an export of 10 years.
    return jobs.start(
        title,
        lambda progress: work(seldom(progress)),
        on_done=on_done,
        on_error=failed,
        on_cancelled=cancelled,
        cancellable=cancellable,
        key=key,
        exclusive=exclusive,
        pause_collector=True,
    )
