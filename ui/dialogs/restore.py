"""Restore from a backup: the record's backups, newest first, for the family to pick one.

Shown by :meth:`ui.interaction.Interaction.choose_backup`; the restore itself is
:func:`tracker.store.backup.restore`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n.formats import date_text, date_time_text
from tracker.store.backup_file import BackupInfo
from ui.background import Job
from ui.plain import plain_tooltip
from ui.screen_fit import fit_when_shown


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


class RestoreDialog(QDialog):
    """The backups of this record, newest first; the family picks one to restore."""

    def __init__(self, items: list[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        fit_when_shown(self)  # never larger than the screen
        self.items = items
        self.setWindowTitle(self.tr("Restore from a backup"))
        self.setMinimumSize(760, 380)
        intro = QLabel(
            self.tr(
                "Backups are made automatically every day, before an update, an import or a "
                "restore. Restoring replaces the record with the backup you choose; the record "
                "as it is now is backed up first, so this too can be undone."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(items), 6, self)
        self.table.setAccessibleName(self.tr("Backups, newest first"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Made"),
                self.tr("Why"),
                self.tr("Children"),
                self.tr("Blood counts"),
                self.tr("Newest count"),
                self.tr("Checked"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, info in enumerate(items):
            cells = (
                date_time_text(info.created),
                info.reason_text,
                ", ".join(info.children),
                "" if info.counts is None else str(info.counts),
                date_text(info.last_count) if info.last_count else "",
                self.tr("whole") if info.verified else (info.problem or self.tr("damaged")),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(f"{info.path} ({_size(info.size)})"))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        if items:
            self.table.selectRow(0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = self.buttons.addButton(
            self.tr("&Restore this backup"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(bool(items))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._selection)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self._selection()

    def _selection(self) -> None:
        chosen = self.chosen()
        self.restore_button.setEnabled(chosen is not None and bool(chosen.verified))

    def chosen(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None


class RestoringDialog(QDialog):
    """While a restore replaces the record: what is happening and how far, window-modal
    (the record is closed meanwhile: nothing in the window may read or save it).  It
    cannot be cancelled or closed until the restore has ended (:meth:`finish`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restoring the backup"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self._finished = False
        text = QLabel(
            self.tr(
                "The backup is being put in place of the record; the record as it is now is "
                "backed up first. This cannot be stopped once it has begun, and takes a few "
                "seconds."
            ),
            self,
        )
        text.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.setAccessibleName(self.tr("How far the restore has come"))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.bar)
        self.setMinimumWidth(420)

    def follow(self, job: Job) -> None:
        """Show how far ``job`` has come, from now until :meth:`finish`."""
        job.progressed.connect(self._progressed)
        self.show()

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def finish(self) -> None:
        self._finished = True
        self.close()
        self.deleteLater()

    def reject(self) -> None:  # Escape: not while the record is being replaced
        if self._finished:
            super().reject()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self._finished:
            super().closeEvent(event)
        else:
            event.ignore()
