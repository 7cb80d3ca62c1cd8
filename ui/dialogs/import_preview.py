"""The preview of a lab CSV import: what it would add, what it leaves out and why.

Shown by :meth:`ui.interaction.Interaction.confirm_import`; nothing is written here.
"""

from __future__ import annotations

import datetime as dt
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
from tracker.analytes import format_number
from tracker.io.csv_import import (
    FileIdentity,
    ImportPlan,
    summary_lines,
)
from tracker.io.listing import first_of
from ui.plain import plain_label, plain_tooltip


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
        n_added = len(plan.additions) + len(plan.others_added)
        table = QTableWidget(n_added, 7, self)
        table.setObjectName("additions")
        table.setHorizontalHeaderLabels(
            [
                self.tr("Line"),
                self.tr("Date"),
                self.tr("Test"),
                self.tr("Value"),
                self.tr("Lab's flag"),
                self.tr("Lab's comment"),
                self.tr("Adds to"),
            ]
        )
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        rows: list[tuple[str, ...]] = []
        for a in plan.additions:
            value = f"{a.value.value_text} {a.value.unit}".strip()
            if a.value.hours_after is not None:
                value += " " + self.tr("({hours} h after the infusion started)").format(
                    hours=format_number(a.value.hours_after)
                )
            rows.append(
                (
                    str(a.line),
                    _when(a.taken_date, a.taken_time),
                    _test_name(a.value.analyte, a.test),
                    value,
                    a.value.lab_flag,
                    a.value.lab_comment,
                    self._target(a.into_result_id),
                )
            )
        for o in plan.others_added:
            rows.append(
                (
                    str(o.line),
                    _when(o.taken_date, o.taken_time),
                    self.tr("{name} (kept as printed)").format(name=o.other.name),
                    " ".join(
                        x
                        for x in (
                            o.other.value_text,
                            o.other.unit,
                            o.other.range_text and f"({o.other.range_text})",
                        )
                        if x
                    ),
                    o.other.lab_flag,
                    o.other.lab_comment,
                    self._target(o.into_result_id),
                )
            )
        rows.sort(key=lambda cells: int(cells[0]))
        kept = self.tr("(kept as printed)")
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 5 and text:
                    item.setToolTip(plain_tooltip(text))
                if column == 2 and cells[2].endswith(kept):
                    item.setToolTip(
                        self.tr(
                            "A test the program does not know: kept as the lab printed it, "
                            "with no unit conversion and no range check by this program."
                        )
                    )
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.setColumnWidth(5, min(table.columnWidth(5), 220))  # a long comment: its tooltip
        tabs.addTab(table, self.tr("Will be added ({n})").format(n=n_added))
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
        n_left = len(left)
        tabs.addTab(left_out, self.tr("Left out ({n})").format(n=f"{n_left:,}"))
        if plan.problems:
            tabs.setCurrentIndex(1)
        self.skip_bad = QCheckBox(
            self.tr("Some rows are wrong (see “Left out”). Import the good rows anyway."), self
        )
        self.skip_bad.setVisible(bool(plan.problems))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = self.buttons.addButton(
            self.tr("&Import {n} value(s)").format(n=n_added),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.import_button.setEnabled(plan.anything_added and not plan.problems)
        self.skip_bad.toggled.connect(
            lambda on: self.import_button.setEnabled(plan.anything_added and on)
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

    def _target(self, into_result_id: int | None) -> str:
        if into_result_id:
            return self.tr("a blood count already recorded")
        return self.tr("a new blood count")


def _when(day: dt.date, at: dt.time | None) -> str:
    return day.isoformat() + (f" {at:%H:%M}" if at else "")


def _test_name(code: str, written: str) -> str:
    name = analytes.analyte(code).name
    return name if written.strip().casefold() in name.casefold() else f"{name} ({written})"
