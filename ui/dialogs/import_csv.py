"""File ▸ Import lab results…: read a lab's CSV, show what would be added, then add it.

Nothing is written before the family confirms in the preview.  Reading and
comparing a large file runs off the GUI thread behind a progress dialog with Cancel
(:func:`read_in_background`, the FHIR import's too); saving shows the wait cursor and a
progress note (:func:`saving`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from tracker.i18n import tr, trn
from tracker.io.csv_import import (
    BadRowsNotConfirmed,
    DateOrderNeeded,
    ImportPlan,
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
from ui.dialogs.import_preview import finished_text
from ui.interaction import Interaction


class _Worker(QObject):
    """Runs the steps of an import's reading in a worker thread, each given what the one
    before gave; between two steps it stops if the family cancelled.

    Signals:
        done(object): what the last step gave (:data:`CANCELLED` if it stopped early).
        failed(str): a plain reason (a step raised one of ``errors``).
    """

    done = Signal(object)
    failed = Signal(str)

    def __init__(
        self, steps: Sequence[Callable[[Any], Any]], errors: tuple[type[Exception], ...]
    ) -> None:
        super().__init__()
        self.steps, self.errors = steps, errors
        self.cancelled = False  # set from the GUI thread, read here between steps
        self.crashed: Exception | None = None

    def run(self) -> None:
        try:
            value: Any = None
            for step in self.steps:
                if self.cancelled:
                    self.done.emit(CANCELLED)
                    return
                value = step(value)
            self.done.emit(value)
        except self.errors as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: raised again in the GUI thread (the crash report)
            self.crashed = exc
            self.failed.emit("")


CANCELLED = None  # what :func:`read_in_background` gives when the family cancelled


def read_in_background(
    parent: QWidget,
    label: str,
    steps: Sequence[Callable[[Any], Any]],
    errors: tuple[type[Exception], ...] = (RecordError,),
) -> Any:
    """Run ``steps`` (reading and planning: nothing is written) off the GUI thread behind
    a progress dialog with Cancel; what the last step gave, a str reason, or
    :data:`CANCELLED`.  Cancel stops after the step under way (a plan reads the record,
    which is never left half-read), then nothing more is done."""
    progress = QProgressDialog(label, parent.tr("Cancel"), 0, 0, parent)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setValue(0)  # starts the 300 ms (else it shows after Qt's default 4 s)
    thread = QThread(parent)
    worker = _Worker(steps, errors)
    worker.moveToThread(thread)
    outcome: list[Any] = []
    worker.done.connect(outcome.append, Qt.ConnectionType.DirectConnection)
    worker.failed.connect(outcome.append, Qt.ConnectionType.DirectConnection)
    worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.started.connect(worker.run)
    thread.start()
    while not thread.wait(20):
        QApplication.processEvents()
        if progress.wasCanceled() and not worker.cancelled:  # Cancel or Esc: the dialog
            worker.cancelled = True  # hides; the wait cursor until the step under way ends
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    progress.reset()
    progress.deleteLater()
    thread.deleteLater()
    if worker.cancelled:
        QGuiApplication.restoreOverrideCursor()
    if worker.crashed is not None:
        raise worker.crashed
    if worker.cancelled:
        return CANCELLED
    return outcome[0] if outcome else parent.tr("The file could not be read.")


@contextlib.contextmanager
def saving(parent: QWidget, label: str) -> Iterator[None]:
    """The wait cursor and a progress note while an import is saved (on the GUI thread:
    the record is written by one thread only; no Cancel, the save is one transaction)."""
    progress = QProgressDialog(label, "", 0, 0, parent)
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.show()
    QApplication.processEvents()  # painted before the GUI thread is busy
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
        progress.reset()
        progress.deleteLater()


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
            data = read_import_file(path, MAX_CSV_BYTES, tr("a lab's CSV export"))
        except ImportFileError as exc:
            self.interaction.error(self.parent, self.parent.tr("Import lab results"), str(exc))
            return None
        dayfirst: bool | None = None
        while True:
            outcome = read_in_background(
                self.parent,
                self.parent.tr("Reading the lab's file…"),
                _reading(data, self.bridge.record, child, dayfirst),
                (UnreadableCsv, DateOrderNeeded, RecordError),
            )
            if outcome is CANCELLED:
                return None
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
            with saving(self.parent, saving_text(self.parent, plan)):
                report = apply_import(plan, self.bridge.record, skip_bad=bool(plan.problems))
        except (BadRowsNotConfirmed, PlanOutdated, RecordError) as exc:
            self.interaction.error(self.parent, self.parent.tr("Import lab results"), str(exc))
            return None
        self.bridge.changed_outside(report.changes)
        self.interaction.info(
            self.parent,
            self.parent.tr("Import lab results"),
            finished_text(summary_lines(plan, applied=True), plan.problems),
        )
        return report


def _reading(
    data: bytes, record: Record, child: Child, dayfirst: bool | None
) -> list[Callable[[Any], Any]]:
    """The CSV's steps: read it, then (unless its date order must be asked) plan it."""

    def plan(parsed: ParsedFile) -> Any:
        return parsed if parsed.needs_date_order else (parsed, plan_import(parsed, record, child))

    return [lambda _: read_csv(data, dayfirst=dayfirst), plan]


def saving_text(parent: QWidget, plan: ImportPlan) -> str:
    n = len(plan.additions) + len(plan.others_added)
    return trn(
        "Saving {n} value… (a backup first)", "Saving {n} values… (a backup first)", n
    ).format(n=f"{n:,}")
