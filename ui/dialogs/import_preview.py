"""The preview of a lab import (a CSV or a FHIR file): what it would add, what it leaves
out and why.

Shown by :meth:`ui.interaction.Interaction.confirm_import`; nothing is written here.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker import analytes
from tracker.analytes import format_number
from tracker.assessment import Assessment, flag_in_cell, make_assessor
from tracker.i18n import trn
from tracker.i18n.formats import date_text, time_text
from tracker.io import ehr_rows
from tracker.io.csv_import import (
    Addition,
    FileIdentity,
    ImportPlan,
    summary_lines,
)
from tracker.io.listing import first_of
from tracker.model import CountResult
from ui.contrast import hint_colour
from ui.plain import plain_label, plain_tooltip
from ui.screen_fit import fit_when_shown

# The additions table's columns, by name (the order shown)
COLUMNS = ("line", "date", "test", "value", "range", "flag", "lab_flag", "comment", "target")
# Columns whose text wraps when the screen is narrow, with the least width each keeps
_WRAPPING = {"target": 120, "test": 170, "comment": 150}
_WIDEST = {"test": 280, "comment": 260}  # longer text wraps; the tooltip has it all
_MEASURED_ROWS = 1000  # rows that grow to show wrapped text (QHeaderView's precision)


class ImportPreviewDialog(QDialog):
    """What the import would add, what it leaves out and why; Import adds it.

    Each value shows the range printed beside it (in the value's unit, as it will be read)
    and this program's flag against it ("(low)" / "(high)", as in the counts table) next to
    the lab's own flag, so a misread range or a disagreement is seen before importing.
    """

    def __init__(
        self,
        plan: ImportPlan,
        path: Path,
        parent: QWidget | None = None,
        identity: FileIdentity | None = None,
        extra_lines: Sequence[str] = (),
    ) -> None:
        """``extra_lines``: more of the summary, under it (a FHIR file's vital signs and
        the resources it leaves out)."""
        super().__init__(parent)
        fit_when_shown(self)  # never larger than the screen
        self.plan = plan
        self.setWindowTitle(self.tr("Import lab results — preview"))
        about = ""
        if identity is not None and identity.lines:
            about = self.tr("The file says: {lines}").format(
                lines=html.escape(" / ".join(identity.lines))
            )
            about = f"<span style='color:{hint_colour().name()}'>{about}</span><br>"
        # the rows that are not lab results are in the "Left out" tab, the identity warning
        # in its banner: said once each
        elsewhere = set(ehr_rows.summary(plan.left_out))
        elsewhere.add(identity.mismatch(plan.child) if identity is not None else "")
        lines = [
            line.replace("(listed above)", self.tr("(see “Left out”)")).replace(
                "(listed below)", self.tr("(see “Left out”)")
            )
            for line in summary_lines(plan, applied=False)
            if line not in elsewhere
        ]
        lines.extend(extra_lines)
        head = QLabel(
            f"<b>{html.escape(path.name)}</b><br>{about}"
            + "<br>".join(html.escape(line) for line in lines),
            self,
        )
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.RichText)
        tabs = QTabWidget(self)
        tabs.setAccessibleName(self.tr("What the import does"))
        n_added = len(plan.additions) + len(plan.others_added)
        table = QTableWidget(n_added, len(COLUMNS), self)
        self.table = table
        table.setObjectName("additions")
        rows_of_csv = plan.item == "row"  # else the resources of a FHIR file, counted
        table.setHorizontalHeaderLabels(
            [
                self.tr("Line") if rows_of_csv else self.tr("#"),
                self.tr("Date"),
                self.tr("Test"),
                self.tr("Value"),
                self.tr("Lab's range"),
                self.tr("Program's flag"),
                self.tr("Lab's flag"),
                self.tr("Lab's comment"),
                self.tr("Adds to"),
            ]
        )
        table.horizontalHeaderItem(0).setToolTip(
            self.tr("The line of the file the value is on")
            if rows_of_csv
            else self.tr("The resource's place in the file (1 is the first)")
        )
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        assess = make_assessor(plan.child)  # flags only: no grade, no team numbers needed
        rows: list[tuple[str, ...]] = []
        flag_tips: dict[int, str] = {}  # line → what the program's flag is against
        for a in plan.additions:
            value = f"{a.value.value_text} {a.value.unit}".strip()
            if a.value.hours_after is not None:
                value += " " + self.tr("({hours} h after the infusion started)").format(
                    hours=format_number(a.value.hours_after)
                )
            judged = assess(_as_result(plan, a), a.value)
            if judged is not None:
                flag_tips[a.line] = "\n".join((judged.text, *judged.notes))
            rows.append(
                (
                    str(a.line),
                    _when(a.taken_date, a.taken_time),
                    _test_name(a.value.analyte, a.test),
                    value,
                    self._printed_range(a.value.range_text, a.value.unit),
                    self._flag(judged),
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
                    " ".join(x for x in (o.other.value_text, o.other.unit) if x),
                    self._printed_range(o.other.range_text, o.other.unit),
                    "",  # no range check by this program
                    o.other.lab_flag,
                    o.other.lab_comment,
                    self._target(o.into_result_id),
                )
            )
        rows.sort(key=lambda cells: int(cells[0]))
        kept = self.tr("(kept as printed)")
        unknown = self.tr(
            "A test the program does not know: kept as the lab printed it, "
            "with no unit conversion and no range check by this program."
        )
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                key = COLUMNS[column]
                item = QTableWidgetItem(text)
                if key in ("comment", "test") and text:
                    item.setToolTip(plain_tooltip(text))  # typed text, shown as typed
                if key == "test" and cells[2].endswith(kept):
                    item.setToolTip(unknown)
                if key == "flag":  # what the flag is against (or why there is none)
                    tip = unknown if cells[2].endswith(kept) else flag_tips.get(int(cells[0]), "")
                    item.setToolTip(plain_tooltip(tip))
                if key == "range" and text and not cells[2].endswith(kept):
                    item.setToolTip(
                        self.tr("As printed, read in the value's unit ({unit}).").format(
                            unit=cells[3].split(" ", 1)[-1]
                        )
                    )
                table.setItem(row, column, item)
        table.setWordWrap(True)
        line_height = table.fontMetrics().height() + 10
        table.verticalHeader().setMinimumSectionSize(line_height)
        table.verticalHeader().setDefaultSectionSize(line_height)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        table.setAccessibleName(self.tr("Will be added"))
        tabs.addTab(table, self.tr("Will be added ({n})").format(n=n_added))
        left_out = QListWidget(self)
        left_out.setObjectName("left_out")
        left_out.setAccessibleName(self.tr("Left out, with the reason"))
        # a reason is read whole: it wraps at the list's width, never cut off at its edge
        left_out.setWordWrap(True)
        left_out.setResizeMode(QListView.ResizeMode.Adjust)
        left_out.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_out.setTextElideMode(Qt.TextElideMode.ElideNone)
        left_out.setSpacing(2)
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
        for text in ehr_rows.summary(plan.left_out):  # not lab results: one line per reason
            left_out.addItem(text)
        n_left = len(left) + len(plan.left_out)
        tabs.addTab(left_out, self.tr("Left out ({n})").format(n=f"{n_left:,}"))
        if plan.problems:
            tabs.setCurrentIndex(1)
        self.skip_bad = QCheckBox(
            self.tr("Some rows are wrong (see “Left out”). Import the &good rows anyway.")
            if rows_of_csv
            else self.tr(
                "Some resources in the file are wrong (see “Left out”). Import the &good ones "
                "anyway."
            ),
            self,
        )
        self.skip_bad.setVisible(bool(plan.problems))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = self.buttons.addButton(
            trn("&Import {n} value", "&Import {n} values", n_added).format(n=n_added),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        # anything to save: the values, and a FHIR file's vital signs beside them
        adds = bool(plan.results)
        self.import_button.setEnabled(adds and not plan.problems)
        self.skip_bad.toggled.connect(lambda on: self.import_button.setEnabled(adds and on))
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
        self.fit_to(self.screen().availableGeometry().size())

    def fit_to(self, screen: QSize) -> None:
        """As wide as the table needs, up to what fits on ``screen``: when it does not fit,
        the test, comment and "Adds to" columns wrap (down to a width that stays readable)
        before anything scrolls sideways."""
        table = self.table
        table.resizeColumnsToContents()
        for key, widest in _WIDEST.items():  # a long name or comment wraps; its tooltip has it
            column = COLUMNS.index(key)
            table.setColumnWidth(column, min(table.columnWidth(column), widest))
        room = screen.width() - 24  # the window's frame
        frame = 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width() + 4
        margins = self.layout().contentsMargins()
        outside = margins.left() + margins.right() + 8  # the tab widget's frame
        need = sum(table.columnWidth(c) for c in range(table.columnCount())) + frame + outside
        extra = need - room
        if extra > 0:  # take the width from the wrapping columns, in _WRAPPING's order
            for key in _WRAPPING:
                column = COLUMNS.index(key)
                give = min(extra, max(0, table.columnWidth(column) - _WRAPPING[key]))
                table.setColumnWidth(column, table.columnWidth(column) - give)
                extra -= give
        self._wrap_rows()
        self.setMinimumSize(min(760, room), min(520, screen.height() - 60))  # 540: it fits
        width = max(self.minimumWidth(), min(need, room))
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        tall = self.sizeHint().height() - table.sizeHint().height() + rows
        tall += table.horizontalHeader().height() + frame + 40  # the tab bar and frames
        height = min(max(tall, 520), screen.height() - 48)
        self.resize(width, height)

    def _wrap_rows(self) -> None:
        """Rows whose test, comment or "Adds to" does not fit on one line grow to show it
        (only those, and only in the first rows as Qt measures columns: beyond them a long
        text is cut short, its tooltip has it all)."""
        table = self.table
        metrics = table.fontMetrics()
        columns = [(c, table.columnWidth(c) - 10) for c in map(COLUMNS.index, _WRAPPING)]
        for row in range(min(table.rowCount(), _MEASURED_ROWS)):
            cells = ((table.item(row, c), room) for c, room in columns)
            if any(item and metrics.horizontalAdvance(item.text()) > room for item, room in cells):
                table.resizeRowToContents(row)
            else:
                table.setRowHeight(row, table.verticalHeader().defaultSectionSize())

    def _printed_range(self, range_text: str, unit: str) -> str:
        """ "4.5-11.0 K/uL": the range as printed, in the unit it is read in."""
        if not range_text:
            return self.tr("none printed")
        return f"{range_text} {unit}".strip()

    def _flag(self, judged: Assessment | None) -> str:
        """The program's flag as the counts table shows it; "vs built-in range" when the lab
        printed none and a published infant range for the child's age was used."""
        if judged is None or not judged.word:
            return ""
        word = {"low": self.tr("low"), "high": self.tr("high")}.get(judged.word, judged.word)
        flag = flag_in_cell(word)
        if judged.range_source != "lab":
            return self.tr("{flag} vs built-in range").format(flag=flag)
        return flag

    def _target(self, into_result_id: int | None) -> str:
        if into_result_id:
            return self.tr("a blood count already recorded")
        return self.tr("a new blood count")


def _as_result(plan: ImportPlan, a: Addition) -> CountResult:
    """The draw an addition belongs to, as far as a flag needs it (its date: the age band)."""
    assert plan.child.id is not None
    return CountResult(plan.child.id, a.taken_date, a.taken_time, values=(a.value,))


def _when(day: dt.date, at: dt.time | None) -> str:
    return date_text(day) + (f" {time_text(at)}" if at else "")


def _test_name(code: str, written: str) -> str:
    name = analytes.analyte(code).name
    return name if written.strip().casefold() in name.casefold() else f"{name} ({written})"


FINISHED_PROBLEMS = 10  # problems a message after an import lists (its summary counts all)


def finished_text(summary: Sequence[str], problems: Sequence[object]) -> str:
    """The message after an import: its summary, then the problems it skipped, which the
    command line lists above its summary and the preview in "Left out" (the first
    :data:`FINISHED_PROBLEMS`, then how many more)."""
    listed = list(first_of(problems, FINISHED_PROBLEMS))
    lines = [line.replace("(listed above)", "(listed below)") for line in summary]
    return "\n".join([*lines, *listed]) if listed else "\n".join(summary)
