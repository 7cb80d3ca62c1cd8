"""What a start does once the window is on screen: the checks and today's backup, off the
GUI thread, so the first picture never waits for work that grows with the record.

In order, each as a job of the window (``ui/background.py``), the status bar showing it:

1. SQLite's structural check of the record file (left for later by
   ``Record.open(check_later=True)``), on a connection of its own.  Until it ends every
   save waits for it; a damaged record refuses saves from then on and the family is told
   what to do (restore a backup).  Nothing is backed up or thinned from a damaged record.
2. Today's backup, if it is due, once the whole history is on screen (read beside the
   check, a job of the timeline's: ``TimelineView.load_in_background``): decided on the
   GUI thread (``daily_backup_due``, which may raise the save counter: a save, so on the
   thread that saves), then copied and verified
   on the job's thread through a read-only connection (``make_daily_backup``).  A save the
   family makes meanwhile goes in between two steps of the copy, which then starts again,
   so the backup always holds one moment of the record; only the GUI thread ever writes.

``MainWindow.start_finished`` is emitted when both have ended (or the window closes);
``history_shown`` once the timeline shows the whole history.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt

from tracker.i18n import tr
from tracker.store import Record, RecordError
from tracker.store.backup import daily_backup_due, make_daily_backup
from ui.damage import DamageNotice
from ui.interaction import Interaction
from ui.safety import BackupFailedNote


class StartWork(QObject):
    """The start's work after the first frame, for one window and its record."""

    def __init__(self, window: Any, record: Record, interaction: Interaction) -> None:
        super().__init__(window)
        self.window = window
        self.record = record
        self.interaction = interaction
        self._pending = {"check", "history"}
        self.backup: Any = None  # the backup made, if one was due
        self._backup_waits = False  # checked, the backup to follow the history
        self.failed_note: BackupFailedNote | None = None  # shown while the backup failed
        self.notice = DamageNotice(interaction)  # the damage is said once, by whoever finds it
        bridge = getattr(window, "bridge", None)
        if bridge is not None and hasattr(bridge, "damaged"):  # after the read, not inside it
            bridge.damaged.connect(self._read_damaged, Qt.ConnectionType.QueuedConnection)

    def begin(self) -> None:
        timeline = self.window.timeline_view
        if hasattr(timeline, "load_in_background"):
            timeline.history_loaded.connect(self._history_shown)
            timeline.load_in_background(self.window.jobs)
        else:
            self._history_shown()
        if self.record.check_pending:
            self.window.jobs.start(
                tr("Checking the record"),
                self._check,
                on_done=self._checked,
                on_error=self._check_failed,
            )
        else:
            self._checked(self.record.damage)
        if getattr(getattr(self.window, "bridge", None), "unreadable", None):
            self._read_damaged()  # a read before the start met it (the window's first tab)

    def _check(self, _progress: object) -> str | None:
        """On the job's thread.  The record hears the outcome here, not on the GUI thread:
        a save waiting for the check holds the GUI thread."""
        problem: str | None = None
        try:
            problem = self.record.structure_problem()
        except (RecordError, OSError) as exc:
            problem = str(exc)
        finally:
            self.record.checked(problem)  # an unforeseen error: not taken for damage
        return problem

    def _history_shown(self, shown: bool = True) -> None:
        """``shown``: False when the history read stopped for good (the window closes)."""
        if shown:
            self.window.history_shown.emit()
        self._end("history")
        self._back_up()

    def _read_damaged(self) -> None:
        """A read met damage in the record file (``RecordBridge.damaged``)."""
        if not self.window.closing:
            self.notice.tell(self.window, self.record.path)

    def _checked(self, problem: str | None) -> None:
        if problem is None:
            problem = self.record.damage  # a read met damage the check did not
        if problem is not None:
            # SQLite's words (``problem``) stay out of it: the one plain message, once
            self.notice.tell(self.window, self.record.path)
            self._end("check")
            return
        self._backup_waits = True
        if "history" not in self._pending:
            self._back_up()

    def _back_up(self) -> None:
        """Once the check found nothing wrong and the history is on screen: the backup's
        pure-Python work would share the GIL with the history's hand-over and slow it."""
        if not self._backup_waits:
            return
        self._backup_waits = False
        if self.window.closing:
            self._end("check")
            return
        try:
            due = daily_backup_due(self.record)
        except (RecordError, OSError) as exc:
            self._backup_failed(exc)
            return
        if due is None:
            self._end("check")
            return
        self.window.jobs.start(
            tr("Making today's backup"),
            lambda progress: make_daily_backup(self.record, due, progress=progress),
            on_done=self._backed_up,
            on_error=self._backup_failed,
            on_cancelled=self._backup_stopped,
            cancellable=True,  # closing stops it (nothing left); the next start makes it
        )

    def _check_failed(self, exc: BaseException) -> None:
        self._end("check")
        raise exc  # a fault of the program's (damage is an answer, not an error)

    def _backed_up(self, info: Any) -> None:
        self.backup = info
        if self.failed_note is not None:
            self.failed_note.hide()
        self._end("check")

    def _backup_stopped(self) -> None:
        """Cancel or the window closing: nothing was left; it is still due next start."""
        self._end("check")

    def _backup_failed(self, exc: BaseException) -> None:
        """A failure is said plainly and the program goes on: the record is intact.  It
        stays said (a note in the status bar, with Try again) until a backup is made."""
        self._end("check")
        if not isinstance(exc, (RecordError, OSError)):
            raise exc
        if self.window.closing:
            return
        if self.failed_note is None:
            self.failed_note = BackupFailedNote(self.window)
            self.failed_note.try_again.connect(self.try_again)
            self.window.statusBar().addPermanentWidget(self.failed_note, 1)
        self.failed_note.show_problem(
            tr("Today's automatic backup could not be made: {problem}").format(problem=exc)
        )

    def try_again(self) -> None:
        """The note's "Try again": today's backup, decided and made again as a job."""
        if self.failed_note is not None:
            self.failed_note.hide()
        self._backup_waits = True
        self._back_up()

    def _end(self, part: str) -> None:
        if part not in self._pending:
            return
        self._pending.discard(part)
        if not self._pending:
            self.window.start_finished.emit()

    @property
    def finished(self) -> bool:
        return not self._pending
