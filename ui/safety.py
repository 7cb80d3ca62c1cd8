"""Keeping the record safe, in the window: save a copy, restore, check, reminders.

All the work is in ``tracker.store`` (backups, restore, checks); this module asks
the family through :class:`~ui.interaction.Interaction` and shows the answers.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from tracker.demo import is_demo
from tracker.i18n import tr
from tracker.i18n.formats import date_time_text
from tracker.store import Record, RecordError
from tracker.store import backup as backups
from tracker.store.integrity import check_record
from tracker.store.places import sync_folder_warning
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


class Safety:
    """The File and Help commands that keep the record safe."""

    def __init__(self, bridge: RecordBridge, interaction: Interaction, parent: QWidget) -> None:
        self.bridge, self.interaction, self.parent = bridge, interaction, parent

    tr = staticmethod(tr)  # self.tr(…): the catalogues' text, as in the Qt classes

    # ------------------------------------------------------------------ copies

    def save_copy(self) -> Path | None:
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
        try:
            # the file dialog has already asked before replacing an existing file
            info = backups.save_copy(record, target, overwrite=target.exists())
        except (RecordError, OSError) as exc:
            self.interaction.error(self.parent, self.tr("Save a copy"), str(exc))
            return None
        where = (
            self.tr("off this computer")
            if info.off_computer
            else self.tr("on this computer (a copy elsewhere protects it better)")
        )
        self.interaction.info(
            self.parent,
            self.tr("Save a copy"),
            self.tr("A checked copy of the record was saved to {path}, {where}.").format(
                path=info.path, where=where
            ),
        )
        return info.path

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

    def restore(self) -> bool:
        record = self.bridge.record
        items = backups.list_backups(record.path)
        if not items:
            self.interaction.info(
                self.parent,
                self.tr("Restore from a backup"),
                self.tr(
                    "There is no backup of this record yet. One is made every day the program is "
                    "opened."
                ),
            )
            return False
        chosen = self.interaction.choose_backup(self.parent, items)
        if chosen is None:
            return False
        sure = self.interaction.confirm(
            self.parent,
            self.tr("Restore this backup?"),
            self.tr(
                "The record will be replaced by the backup made {when}. The record as it "
                "is now is backed up first."
            ).format(when=date_time_text(chosen.created)),
            self.tr("&Restore"),
        )
        if not sure:
            return False
        path, clock = record.path, record.clock
        record.close()  # restore needs the record's lock
        try:
            backups.restore(path, chosen.path, clock)
        except (RecordError, OSError) as exc:
            self.interaction.error(self.parent, self.tr("Restore from a backup"), str(exc))
            self.bridge.replace_record(Record.open(path, clock=clock))
            return False
        self.bridge.replace_record(Record.open(path, clock=clock))
        self.interaction.info(
            self.parent,
            self.tr("Restore from a backup"),
            self.tr("The record was restored from the backup made {when}.").format(
                when=date_time_text(chosen.created)
            ),
        )
        return True

    # ------------------------------------------------------------------ check

    def check(self) -> list[str]:
        try:
            problems = [str(p) for p in check_record(self.bridge.record.path)]
        except RecordError as exc:
            problems = [str(exc)]
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
        return problems

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
