"""File ▸ Import lab results…: read a lab's CSV, show what would be added, then add it.

Nothing is written before the family confirms in the preview.  Reading and
comparing a large file runs off the GUI thread behind a progress dialog.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker import analytes
from tracker.io.csv_import import (
    BadRowsNotConfirmed,
    DateOrderNeeded,
    FileIdentity,
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
from tracker.io.listing import first_of
from tracker.model import Child
from tracker.store import Record, RecordError
from ui.bridge import RecordBridge
from ui.interaction import Interaction, plain, plain_label


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


class ImportPreviewDialog(QDialog):
    """What the import would add, what it leaves out and why; Import adds it."""

    def __init__(
        self,
        plan: ImportPlan,
        path: Path,
        parent: QWidget | None = None,
        identity: FileIdentity | None = None,
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(self.tr("Import lab results — preview"))
        self.setMinimumSize(760, 520)
        about = ""
        if identity is not None and identity.lines:
            about = self.tr("The file says: {lines}").format(
                lines=html.escape(" / ".join(identity.lines))
            )
            about = f"<span style='color:#5f6368'>{about}</span><br>"
        lines = [
            line.replace("(listed above)", self.tr("(see “Left out”)"))
            for line in summary_lines(plan, applied=False)
        ]
        head = QLabel(
            f"<b>{html.escape(path.name)}</b><br>{about}"
            + "<br>".join(html.escape(line) for line in lines),
            self,
        )
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.RichText)
        tabs = QTabWidget(self)
        table = QTableWidget(len(plan.additions), 5, self)
        table.setHorizontalHeaderLabels(
            [
                self.tr("Line"),
                self.tr("Date"),
                self.tr("Test"),
                self.tr("Value"),
                self.tr("Adds to"),
            ]
        )
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        for row, a in enumerate(plan.additions):
            when = a.taken_date.isoformat() + (f" {a.taken_time:%H:%M}" if a.taken_time else "")
            cells = (
                str(a.line),
                when,
                _test_name(a.value.analyte, a.test),
                f"{a.value.value_text} {a.value.unit}".strip(),
                self.tr("a blood count already recorded")
                if a.into_result_id
                else self.tr("a new blood count"),
            )
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        tabs.addTab(table, self.tr("Will be added ({n})").format(n=len(plan.additions)))
        left_out = QListWidget(self)
        left = (
            *plan.problems,
            *plan.conflicts,
            *plan.already_there,
            *plan.pending,
            *plan.repeated,
            *plan.other_children,
        )
        for text in first_of(left):  # 100,000 alike: the first 200, then how many more
            left_out.addItem(text)
        for name, n in plan.unknown_tests.items():
            left_out.addItem(
                self.tr("Not a test the program knows: “{name}” ({n} row(s)); left out").format(
                    name=name, n=n
                )
            )
        n_left = len(left) + len(plan.unknown_tests)
        tabs.addTab(left_out, self.tr("Left out ({n})").format(n=f"{n_left:,}"))
        if plan.problems:
            tabs.setCurrentIndex(1)
        self.skip_bad = QCheckBox(
            self.tr("Some rows are wrong (see “Left out”). Import the good rows anyway."), self
        )
        self.skip_bad.setVisible(bool(plan.problems))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = self.buttons.addButton(
            self.tr("&Import {n} value(s)").format(n=plan.values_added),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.import_button.setEnabled(plan.values_added > 0 and not plan.problems)
        self.skip_bad.toggled.connect(
            lambda on: self.import_button.setEnabled(plan.values_added > 0 and on)
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        warning = identity.mismatch(plan.child) if identity is not None else ""
        if warning:
            self.warning = plain_label("⚠ " + warning, self)  # names from the file
            self.warning.setWordWrap(True)
            self.warning.setObjectName("identity_warning")
            self.warning.setStyleSheet(
                "QLabel { background: #fdecea; color: #7a1c0c; border: 1px solid #e0a59a;"
                " border-radius: 4px; padding: 8px; font-weight: 600; }"
            )
            layout.addWidget(self.warning)
        layout.addWidget(head)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.skip_bad)
        layout.addWidget(self.buttons)


def _test_name(code: str, written: str) -> str:
    name = analytes.analyte(code).name
    return name if written.strip().casefold() in name.casefold() else f"{name} ({written})"


def ask_date_order(parent: QWidget, parsed: ParsedFile) -> bool | None:
    """True for day-first, False for month-first, None if the family cancels."""
    box = plain(  # quotes a date from the file
        QMessageBox(
            QMessageBox.Icon.Question,
            parent.tr("Which date order?"),
            parsed.date_order_question(),
            parent=parent,
        )
    )
    day = box.addButton(parent.tr("Day first (31/12)"), QMessageBox.ButtonRole.AcceptRole)
    month = box.addButton(parent.tr("Month first (12/31)"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is day:
        return True
    if box.clickedButton() is month:
        return False
    return None


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
