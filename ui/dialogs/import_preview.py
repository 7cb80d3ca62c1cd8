"""The preview of a lab CSV import: what it would add, what it leaves out and why.

Shown by :meth:`ui.interaction.Interaction.confirm_import`; nothing is written here.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker import analytes
from tracker.io.csv_import import (
    FileIdentity,
    ImportPlan,
    summary_lines,
)
from tracker.io.listing import first_of
from ui.plain import plain_label


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
