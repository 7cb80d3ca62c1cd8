"""Keeping the record safe, in the window: save a copy, restore, check, reminders.

All the work is in ``tracker.store`` (backups, restore, checks); this module asks
the family through :class:`~ui.interaction.Interaction` and shows the answers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from tracker.demo import is_demo
from tracker.i18n import tr
from tracker.i18n.formats import date_time_text
from tracker.progress import Progress
from tracker.store import Record, RecordError
from tracker.store import backup as backups
from tracker.store.backup_file import BackupInfo
from tracker.store.integrity import check_record
from tracker.store.places import sync_folder_warning
from ui import record_jobs
from ui.background import Job
from ui.bridge import RecordBridge
from ui.interaction import Interaction
from ui.plain import plain_label

REMIND_AFTER_DAYS = 30
FIRST_REMINDER_DAYS = 7
"""How long a record is kept before the first reminder that no copy has left the computer."""
COPY_REMINDER_QUIET_DAYS = 7
"""How long "Not now" quiets the copy reminder of a record (it comes back after that while
no copy has left the computer)."""


class CopyReminder(QFrame):
    """A calm bar at the top of the window when no copy has left the computer for a while.

    Signals:
        save_requested(): the family chose "Save a copy…".
        not_now(): the family chose "Not now" (the bar is hidden).
    """

    save_requested = Signal()
    not_now = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copy_reminder")
        self.setStyleSheet(
            "#copy_reminder, #copy_reminder QLabel { background: #fff8e1; color: #202124; }"
            "#copy_reminder { border: 1px solid #f0d58a; border-radius: 4px; }"
        )
        self.text = plain_label("", self)  # may name a file or folder
        self.text.setWordWrap(True)
        save = QPushButton(self.tr("Save a copy…"), self)
        save.clicked.connect(self.save_requested)
        later = QPushButton(self.tr("Not now"), self)
        later.setToolTip(self.tr("Remind me again in a week"))
        later.clicked.connect(self.hide)
        later.clicked.connect(self.not_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(save)
        layout.addWidget(later)
        self.hide()

    def show_for(self, days: int | None) -> None:
        if days is None:
            self.text.setText(
                self.tr(
                    "No copy of this record has been saved off this computer yet. A copy on a USB "
                    "stick or another computer is what protects it if this one is lost or broken."
                )
            )
        else:
            self.text.setText(
                self.tr(
                    "The last copy off this computer was made {days} days ago. Saving a fresh copy "
                    "to a USB stick or another computer keeps it safe."
                ).format(days=days)
            )
        self.setVisible(True)


class PlaceNote(QFrame):
    """Says the record sits in a cloud-sync folder or on a network share, and offers to keep
    it in the usual place on this computer instead.

    Signals:
        move_requested(): the family chose "Keep it on this computer".
    """

    move_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("place_note")
        self.setStyleSheet(
            "#place_note, #place_note QLabel { background: #fff8e1; color: #202124; }"
            "#place_note { border: 1px solid #f0d58a; border-radius: 4px; }"
        )
        self.text = plain_label("", self)  # may name a file or folder
        self.text.setWordWrap(True)
        self.move_button = QPushButton(self.tr("Keep it on this computer…"), self)
        self.move_button.clicked.connect(self.move_requested)
        later = QPushButton(self.tr("Not now"), self)
        later.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.move_button)
        layout.addWidget(later)
        self.hide()

    def setText(self, text: str) -> None:
        self.text.setText(text)


class BackupFailedNote(QFrame):
    """A lasting note in the status bar that today's automatic backup could not be made,
    with "Try again"; it stays until a backup is made (the calm strip's look).

    Signals:
        try_again(): the family chose "Try again".
    """

    try_again = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backup_failed_note")
        self.setStyleSheet(
            "#backup_failed_note, #backup_failed_note QLabel { background: #fff8e1;"
            " color: #202124; }"
            "#backup_failed_note { border: 1px solid #f0d58a; border-radius: 4px; }"
        )
        self.text = plain_label("", self)  # the problem may name a file or folder
        # narrow windows: the label gives up width (the tooltip keeps the whole text)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text.setMinimumWidth(120)
        self.retry_button = QPushButton(self.tr("Try again"), self)
        self.retry_button.setAccessibleName(self.tr("Try today's backup again"))
        self.retry_button.clicked.connect(self.try_again)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.retry_button)
        self.hide()

    def show_problem(self, text: str) -> None:
        self.text.setText("⚠ " + text)
        self.setToolTip(text)  # the whole of it, when the bar is narrow
        self.text.setAccessibleName(text)
        self.show()


class Safety:
    """The File and Help commands that keep the record safe."""

    def __init__(self, bridge: RecordBridge, interaction: Interaction, parent: QWidget) -> None:
        self.bridge, self.interaction, self.parent = bridge, interaction, parent
        self.problems: list[str] | None = None  # what the last check found (None: none ended)

    tr = staticmethod(tr)  # self.tr(…): the catalogues' text, as in the Qt classes

    # ------------------------------------------------------------------ copies

    def save_copy(self, on_saved: Callable[[Path], None] | None = None) -> Job | None:
        """Ask where, then copy and check the record off the GUI thread (the job; None if
        the family cancelled or it was refused).  When it ends the copy is noted in the
        record (a save, on this thread), the family is told where it is, and
        ``on_saved(path)`` runs.  Cancel (or closing the window) leaves no file."""
        record = self.bridge.record
        today = record.today().isoformat()
        suggested = Path.home() / self.tr("{name}-copy-{date}.sqlite").format(
            name=record.path.stem, date=today
        )
        target = self.interaction.save_file(
            self.parent,
            self.tr("Save a copy of the record"),
            suggested,
            self.tr("Treatment records (*.sqlite)"),
        )
        if target is None:
            return None
        if target.suffix == "":
            target = target.with_suffix(".sqlite")
        # the file dialog has already asked before replacing an existing file
        overwrite = target.exists()
        try:  # a refusal at once (the copy asks again, on its own thread)
            backups.check_copy_target(record.path, target, overwrite=overwrite)
        except (RecordError, OSError) as exc:
            self.interaction.error(self.parent, self.tr("Save a copy"), str(exc))
            return None

        def work(progress: Progress) -> backups.CopyInfo:
            return backups.make_copy(record, target, overwrite=overwrite, progress=progress)

        def done(info: backups.CopyInfo) -> None:
            if self.bridge.record is record:  # the record the copy was made of, still open
                backups.note_copy(record, info)
            where = (
                self.tr("off this computer")
                if info.off_computer
                else self.tr("on this computer (a copy elsewhere protects it better)")
            )
            if on_saved is not None:
                on_saved(info.path)
            if self._closing():
                return
            self.interaction.info(
                self.parent,
                self.tr("Save a copy"),
                self.tr("A checked copy of the record was saved to {path}, {where}.").format(
                    path=info.path, where=where
                ),
            )

        return record_jobs.start(
            self.parent,
            self.interaction,
            "save_copy",
            self.tr("Saving a copy"),
            work,
            on_done=done,
            error_title=self.tr("Save a copy"),
        )

    def _closing(self) -> bool:
        return bool(getattr(self.parent.window(), "closing", False))

    def days_since_copy(self) -> int | None:
        return backups.days_since_last_copy(self.bridge.record)

    def needs_reminder(self) -> bool:
        """Whether to remind the family to copy the record off the computer: a copy is
        older than REMIND_AFTER_DAYS, or none was ever made of a record kept for
        FIRST_REMINDER_DAYS (not seconds after it was begun); never for the demo."""
        record = self.bridge.record
        if is_demo(record):
            return False
        days = self.days_since_copy()
        if days is not None:
            return days >= REMIND_AFTER_DAYS
        begun = record.begun_at()
        return begun is not None and (record.today() - begun.date()).days >= FIRST_REMINDER_DAYS

    # ------------------------------------------------------------------ restore

    def restore(self) -> Job | None:
        """Look at the backups off the GUI thread (each one is verified), then let the
        family choose one and restore it (:meth:`_restore`).  The listing's job, or None
        if refused."""
        path = self.bridge.record.path
        return record_jobs.start(
            self.parent,
            self.interaction,
            "restore",
            self.tr("Looking at the backups"),
            lambda progress: backups.list_backups(path, progress=progress),
            on_done=self._listed,
            error_title=self.tr("Restore from a backup"),
        )

    def _listed(self, items: list[BackupInfo]) -> None:
        # after the listing's job has ended (it still counts as running until this returns)
        QTimer.singleShot(0, self.parent, lambda: self._choose(items))

    def _choose(self, items: list[BackupInfo]) -> None:
        if self._closing():
            return
        if not items:
            self.interaction.info(
                self.parent,
                self.tr("Restore from a backup"),
                self.tr(
                    "There is no backup of this record yet. One is made every day the program is "
                    "opened."
                ),
            )
            return
        chosen = self.interaction.choose_backup(self.parent, items)
        if chosen is None:
            return
        sure = self.interaction.confirm(
            self.parent,
            self.tr("Restore this backup?"),
            self.tr(
                "The record will be replaced by the backup made {when}. The record as it "
                "is now is backed up first."
            ).format(when=date_time_text(chosen.created)),
            self.tr("&Restore"),
        )
        if sure:
            self._restore(chosen)

    def _restore(self, chosen: BackupInfo) -> Job | None:
        """Restore ``chosen`` off the GUI thread, keeping the one-writer rule.

        The record is closed here first (it lets go of its lock: the restore takes it
        itself, so no other copy of the program can open the record meanwhile).  Until
        the restore has ended the window reads the record as it was through a read-only
        view of its own (``Record.reader()``: it cannot save), a window-modal note (not
        cancellable: the record is being replaced) keeps the family's hands off, and any
        other command is refused; a restore starts only when no other work runs.  Then
        the record is opened again here: the backup put in its place, or, after a
        failure, the record as it was."""
        record = self.bridge.record
        path, clock = record.path, record.clock
        why = record_jobs.refusal(record_jobs.jobs_of(self.parent), "restore", exclusive=True)
        if why is not None:
            self.interaction.error(self.parent, self.tr("Restore from a backup"), why)
            return None
        try:
            reading = record.reader()
        except (RecordError, OSError) as exc:
            self.interaction.error(self.parent, self.tr("Restore from a backup"), str(exc))
            return None
        record.close()  # restore needs the record's lock
        self.bridge.record = reading  # what the window shows meanwhile: it cannot save
        from ui.dialogs.restore import RestoringDialog  # not for the first picture

        note = RestoringDialog(self.parent)

        def reopen() -> None:
            note.finish()
            try:
                opened = Record.open(path, clock=clock)
            except (RecordError, OSError) as exc:  # still shown, for reading only
                self.interaction.error(self.parent, self.tr("Restore from a backup"), str(exc))
                return
            self.bridge.replace_record(opened)
            reading.close()

        def done(_result: object) -> None:
            reopen()
            if self._closing():
                return
            self.interaction.info(
                self.parent,
                self.tr("Restore from a backup"),
                self.tr("The record was restored from the backup made {when}.").format(
                    when=date_time_text(chosen.created)
                ),
            )

        job = record_jobs.start(
            self.parent,
            self.interaction,
            "restore",
            self.tr("Restoring the backup"),
            lambda progress: backups.restore(path, chosen.path, clock, progress),
            on_done=done,
            on_failed=lambda _exc: reopen(),
            error_title=self.tr("Restore from a backup"),
            cancellable=False,
            exclusive=True,
        )
        if job is None:  # refused after all (the window is closing)
            reopen()
            return None
        note.follow(job)
        return job

    # ------------------------------------------------------------------ check

    def check(self) -> Job | None:
        """The full check of the record (structure, links, format, every entry's seal) off
        the GUI thread, through a read-only connection of its own; what it found is said
        when it ends.  The job, or None if refused."""
        path = self.bridge.record.path

        def work(progress: Progress) -> list[object]:
            try:
                return list(check_record(path, progress))
            except RecordError as exc:  # not a record (any more): that is the finding
                return [exc]

        return record_jobs.start(
            self.parent,
            self.interaction,
            "check",
            self.tr("Checking the record"),
            work,
            on_done=self._checked,
            error_title=self.tr("Check the record"),
        )

    def _checked(self, found: list[object]) -> None:
        problems = [str(p) for p in found]
        self.problems = problems
        if self._closing():
            return
        if problems:
            self.interaction.error(
                self.parent,
                self.tr("Check the record"),
                self.tr("The check found a problem:")
                + "\n\n• "
                + "\n• ".join(problems[:8])
                + "\n\n"
                + self.tr("You can restore a backup from File ▸ Restore from backup."),
            )
        else:
            self.interaction.info(
                self.parent,
                self.tr("Check the record"),
                self.tr(
                    "The record is whole: its structure, links, format and every entry's seal "
                    "are as they should be."
                ),
            )

    # ------------------------------------------------------------------ where the file lives

    def place_warning(self) -> str | None:
        return sync_folder_warning(self.bridge.record.path)

    def move_to(self, target: Path) -> bool:
        """Keep the record at ``target`` (the usual place on this computer) from now on: a
        checked copy is made there and opened; the old file is left where it was."""
        record = self.bridge.record
        if target.exists():
            self.interaction.error(
                self.parent,
                self.tr("Keep the record on this computer"),
                self.tr("There is already a record at {path}; nothing was moved.").format(
                    path=target
                ),
            )
            return False
        sure = self.interaction.confirm(
            self.parent,
            self.tr("Keep the record on this computer?"),
            self.tr(
                "A checked copy of the record will be made at {path} and opened from now "
                "on. The file in the synced folder stays as it is; you can delete it "
                "later."
            ).format(path=target),
            self.tr("&Keep it on this computer"),
        )
        if not sure:
            return False
        try:
            from tracker.store.durable import private_folder

            private_folder(target.parent)
            backups.save_copy(record, target, off_computer=False)
            moved = Record.open(target, clock=record.clock)
        except (RecordError, OSError) as exc:
            self.interaction.error(
                self.parent, self.tr("Keep the record on this computer"), str(exc)
            )
            return False
        record.close()
        self.bridge.replace_record(moved)
        return True
