"""File ▸ Import lab results…: read a lab's CSV, show what would be added, then add it.

Nothing is written before the family confirms in the preview.  Reading and
comparing a large file runs off the GUI thread behind a progress dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QProgressDialog,
    QWidget,
)

from tracker.io.csv_import import (
    BadRowsNotConfirmed,
    DateOrderNeeded,
    ImportReport,
    ParsedFile,
    PlanOutdated,
    UnreadableCsv,
    apply_import,
    file_identity,
    plan_import,
    read_csv,
    summary_lines,
)
from tracker.io.import_file import MAX_CSV_BYTES, ImportFileError, read_import_file
from tracker.model import Child
from tracker.store import Record, RecordError
from ui.bridge import RecordBridge
from ui.interaction import Interaction


class _Reader(QObject):
    """Reads and plans in a worker thread.

    Signals:
        done(object): a ParsedFile (when the date order must be asked) or
            (ParsedFile, ImportPlan).
        failed(str): a plain reason.
    """

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, data: bytes, record: Record, child: Child, dayfirst: bool | None) -> None:
        super().__init__()
        self.data, self.record, self.child, self.dayfirst = data, record, child, dayfirst

    def run(self) -> None:
        try:
            parsed = read_csv(self.data, dayfirst=self.dayfirst)
            if parsed.needs_date_order:
                self.done.emit(parsed)
                return
            self.done.emit((parsed, plan_import(parsed, self.record, self.child)))
        except (UnreadableCsv, DateOrderNeeded, RecordError) as exc:
            self.failed.emit(str(exc))


def read_in_background(
    parent: QWidget, data: bytes, record: Record, child: Child, dayfirst: bool | None
) -> Any:
    """Run the reader behind a progress dialog; the ParsedFile/ImportPlan, or a str reason."""
    progress = QProgressDialog(parent.tr("Reading the lab's file…"), "", 0, 0, parent)
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    thread = QThread(parent)
    reader = _Reader(data, record, child, dayfirst)
    reader.moveToThread(thread)
    outcome: list[Any] = []
    reader.done.connect(lambda value: outcome.append(value))
    reader.failed.connect(lambda reason: outcome.append(reason))
    reader.done.connect(thread.quit)
    reader.failed.connect(thread.quit)
    thread.started.connect(reader.run)
    thread.finished.connect(progress.reset)
    thread.start()
    while thread.isRunning():
        thread.wait(20)
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
    progress.reset()
    thread.deleteLater()
    return outcome[0] if outcome else parent.tr("The file could not be read.")


class CsvImporter:
    """The whole flow, with the questions going through ``interaction`` (tests replace it)."""

    def __init__(self, bridge: RecordBridge, interaction: Interaction, parent: QWidget) -> None:
        self.bridge, self.interaction, self.parent = bridge, interaction, parent

    def run(self, path: Path | None = None) -> ImportReport | None:
        child = self.bridge.current_child()
        if child is None:
            return None
        if path is None:
            path = self.interaction.open_file(
                self.parent,
                self.parent.tr("Import lab results"),
                Path.home(),
                self.parent.tr("Lab results (*.csv *.txt *.tsv);;All files (*)"),
            )
            if path is None:
                return None
        try:  # kind and size first: a FIFO, /dev/zero or a huge file is refused at once
            data = read_import_file(path, MAX_CSV_BYTES, "a lab's CSV export")
        except ImportFileError as exc:
            self.interaction.error(self.parent, self.parent.tr("Import lab results"), str(exc))
            return None
        dayfirst: bool | None = None
        while True:
            outcome = read_in_background(self.parent, data, self.bridge.record, child, dayfirst)
            if isinstance(outcome, str):
                self.interaction.error(self.parent, self.parent.tr("Import lab results"), outcome)
                return None
            if isinstance(outcome, ParsedFile):
                dayfirst = self.interaction.choose_date_order(self.parent, outcome)
                if dayfirst is None:
                    return None
                continue
            parsed, plan = outcome
            break
        identity = file_identity(data, parsed)
        if not self.interaction.confirm_import(self.parent, plan, path, identity):
            return None
        try:
            report = apply_import(plan, self.bridge.record, skip_bad=bool(plan.problems))
        except (BadRowsNotConfirmed, PlanOutdated, RecordError) as exc:
            self.interaction.error(self.parent, self.parent.tr("Import lab results"), str(exc))
            return None
        self.bridge.changed_outside(report.changes)
        self.interaction.info(
            self.parent,
            self.parent.tr("Import lab results"),
            "\n".join(summary_lines(plan, applied=True)),
        )
        return report
