"""File ▸ Import lab results…: read a lab's CSV, show what would be added, then add it.

Nothing is written before the family confirms in the preview.  Reading and comparing a
large file, and then saving it, run off the GUI thread (:func:`in_background`, a
:class:`ui.background.Job`) behind a progress dialog, so the window keeps painting and
answering; the FHIR import uses the same two steps.

* Reading (:func:`read_in_background`): window-modal, with Cancel (it stops within a
  thousand rows; nothing was written).  The plan reads the record through a connection
  of its own (:meth:`Record.reader`), never the GUI thread's.
* Saving (:func:`save_in_background`): application-modal (no window of the program takes
  input, so no other save can start: the one-writer rule), with the wait cursor.  It
  saves through :meth:`Record.writer`, a second connection under the record's own lock,
  closed when it ends: a verified backup, then ONE transaction.  Cancel stays offered:
  pressed before the transaction commits it rolls it back (the record as it was, the
  backup kept); the report then says nothing was imported.  Pressed too late (the commit
  under way) it changes nothing and the import is reported as done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QProgressDialog, QWidget

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
from tracker.progress import Progress, part_of
from tracker.store import Record, RecordError
from ui.background import Job, Jobs
from ui.bridge import RecordBridge
from ui.dialogs.import_preview import finished_text
from ui.interaction import Interaction

READ_PROGRESS_AFTER_MS = 300  # a file read sooner than this shows no progress window

Step = Callable[[Any, Progress], Any]  # (what the step before gave, progress) → what it gives


class _Cancelled:
    """What :func:`read_in_background` gives when the family cancelled."""


CANCELLED: Any = _Cancelled()


def _show(dialog: QProgressDialog, done: int, total: int) -> None:
    if total > 0:
        dialog.setMaximum(total)
        dialog.setValue(min(done, total))


def in_background(
    parent: QWidget,
    label: str,
    work: Callable[[Progress], Any],
    *,
    jobs: Jobs | None = None,
    whole_program: bool = False,
    show_after_ms: int = READ_PROGRESS_AFTER_MS,
) -> tuple[str, Any]:
    """Run ``work(progress)`` on a :class:`Job` behind a progress dialog with Cancel, the
    GUI thread's events turning meanwhile (a local event loop: the caller's flow stays
    one function).  Window-modal, or application-modal with ``whole_program``.  Gives
    ("done", its result), ("error", what it raised) or ("cancelled", None)."""
    progress = QProgressDialog(label, parent.tr("Cancel"), 0, 0, parent)
    progress.setWindowTitle(parent.tr("Import lab results"))
    progress.setWindowModality(
        Qt.WindowModality.ApplicationModal if whole_program else Qt.WindowModality.WindowModal
    )
    progress.setMinimumDuration(show_after_ms)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setValue(0)  # starts the wait before it shows (else Qt's default 4 s)
    outcome: list[tuple[str, Any]] = []
    loop = QEventLoop()
    callbacks: dict[str, Any] = {
        "on_done": lambda value: outcome.append(("done", value)),
        "on_error": lambda exc: outcome.append(("error", exc)),
        "on_cancelled": lambda: outcome.append(("cancelled", None)),
        "cancellable": True,
    }
    if jobs is not None:
        job = jobs.start(label, work, **callbacks)
    else:
        job = Job(label, work, parent=parent, **callbacks).start()
    job.progressed.connect(lambda done, total: _show(progress, done, total))
    job.ended.connect(loop.quit)

    def cancel() -> None:
        job.cancel()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # until the work stops
        cancelled.append(True)

    cancelled: list[bool] = []
    progress.canceled.connect(cancel)
    if not outcome:  # (its news comes through this loop's timer: never before exec)
        loop.exec()
    progress.canceled.disconnect(cancel)  # closing the dialog says "canceled" too
    for _ in cancelled:
        QGuiApplication.restoreOverrideCursor()
    progress.reset()
    progress.close()
    progress.deleteLater()
    return outcome[0] if outcome else ("cancelled", None)


def read_in_background(
    parent: QWidget,
    label: str,
    steps: Sequence[Step],
    errors: tuple[type[Exception], ...] = (RecordError,),
    *,
    jobs: Jobs | None = None,
) -> Any:
    """Run ``steps`` (reading and planning: nothing is written) off the GUI thread behind
    a window-modal progress dialog with Cancel: what the last step gave, a str reason
    (one of ``errors`` was raised), or :data:`CANCELLED`.  Any other error is raised
    again here (a fault of the program's: the crash report)."""

    def work(progress: Progress) -> Any:
        value: Any = None
        for i, step in enumerate(steps):
            if i:
                progress(0, 0)  # Cancel pressed during the step before stops here
            value = step(value, progress)
        return value

    what, value = in_background(parent, label, work, jobs=jobs)
    if what == "cancelled":
        return CANCELLED
    if what == "error":
        if isinstance(value, errors):
            return str(value)
        raise value
    return value


def save_in_background(
    parent: QWidget,
    label: str,
    record: Record,
    save: Callable[[Record, Progress], ImportReport],
    *,
    jobs: Jobs | None = None,
) -> ImportReport | None:
    """``save(writer, progress)`` off the GUI thread through :meth:`Record.writer` (see
    the module docstring), the whole program modal and the wait cursor meanwhile.  Its
    report, or None when the family cancelled in time (nothing was saved).  Raises what
    the save raised."""

    def work(progress: Progress) -> ImportReport:
        writer = record.writer()
        try:
            return save(writer, progress)
        finally:
            writer.close()

    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        what, value = in_background(
            parent, label, work, jobs=jobs, whole_program=True, show_after_ms=0
        )
    finally:
        QGuiApplication.restoreOverrideCursor()
    if what == "error":
        raise value
    return value if what == "done" else None


def cancelled_text(parent: QWidget) -> str:
    return parent.tr("Cancelled: nothing was imported, and the record is as it was.")


class CsvImporter:
    """The whole flow, with the questions going through ``interaction`` (tests replace it);
    its work shows among the window's ``jobs`` when given."""

    def __init__(
        self,
        bridge: RecordBridge,
        interaction: Interaction,
        parent: QWidget,
        jobs: Jobs | None = None,
    ) -> None:
        self.bridge, self.interaction, self.parent = bridge, interaction, parent
        self.jobs = jobs

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
                jobs=self.jobs,
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
            report = save_in_background(
                self.parent,
                saving_text(self.parent, plan),
                self.bridge.record,
                lambda writer, progress: apply_import(
                    plan, writer, skip_bad=bool(plan.problems), progress=progress
                ),
                jobs=self.jobs,
            )
        except (BadRowsNotConfirmed, PlanOutdated, RecordError) as exc:
            self.interaction.error(self.parent, self.parent.tr("Import lab results"), str(exc))
            return None
        if report is None:
            self.interaction.info(
                self.parent, self.parent.tr("Import lab results"), cancelled_text(self.parent)
            )
            return None
        self.bridge.changed_outside(report.changes)
        self.interaction.info(
            self.parent,
            self.parent.tr("Import lab results"),
            finished_text(summary_lines(plan, applied=True), plan.problems),
        )
        return report


def _reading(data: bytes, record: Record, child: Child, dayfirst: bool | None) -> list[Step]:
    """The CSV's steps: read it (80 % of the bar), then (unless its date order must be
    asked) plan it through a reader of the record of its own."""

    def read(_: Any, progress: Progress) -> ParsedFile:
        return read_csv(data, dayfirst=dayfirst, progress=part_of(progress, 0, 80, 100))

    def plan(parsed: ParsedFile, progress: Progress) -> Any:
        if parsed.needs_date_order:
            return parsed
        reader = record.reader()
        try:
            planned = plan_import(parsed, reader, child)
        finally:
            reader.close()
        progress(100, 100)
        return parsed, planned

    return [read, plan]


def saving_text(parent: QWidget, plan: ImportPlan) -> str:
    n = len(plan.additions) + len(plan.others_added)
    return trn(
        "Saving {n} value… (a backup first)", "Saving {n} values… (a backup first)", n
    ).format(n=f"{n:,}")
