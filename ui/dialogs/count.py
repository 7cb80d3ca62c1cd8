"""Editor for one blood count: the date, then each value as printed on the lab report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker import analytes
from tracker.analytes import Analyte, format_number
from tracker.display import unit_spelling
from tracker.forms import FormErrors, ValueInput, count_from_form, count_questions
from tracker.i18n import N_
from tracker.io.lab_values import parse_hours
from tracker.model import Child, CountResult, OtherResult
from ui.contrast import error_style, hint_style
from ui.dialogs.base import DateField, FormDialog, scrolling
from ui.kind_ui import Editing, KindUi
from ui.models.counts import CountsModel
from ui.plain import plain_label, plain_tooltip

# Field widths that keep the grid readable at 1024 pixels (the comment column stretches).
_VALUE_WIDTH, _RANGE_WIDTH, _FLAG_WIDTH, _HOURS_WIDTH = 100, 120, 56, 64
# The parts of one other result, as the tracker's form keys name them (``others.0.name``).
_OTHER_PARTS = ("name", "value", "unit", "range", "lab_flag", "lab_comment")


class _OtherRow(QWidget):
    """One result of a test the program does not know: its cells as printed, a Remove button.

    Signals: ``removed`` (the family asked to remove this row)."""

    removed = Signal()

    def __init__(self, parent: QWidget, other: OtherResult | None = None) -> None:
        super().__init__(parent)
        self.uid = other.uid if other is not None else ""
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        placeholders = {
            "name": self.tr("Test, as printed"),
            "value": self.tr("Result"),
            "unit": self.tr("Unit"),
            "range": self.tr("Range"),
            "lab_flag": self.tr("Flag"),
            "lab_comment": self.tr("Lab's comment"),
        }
        widths = {"value": _VALUE_WIDTH, "unit": 90, "range": _RANGE_WIDTH, "lab_flag": _FLAG_WIDTH}
        for column, part in enumerate(_OTHER_PARTS):
            edit = QLineEdit(self)
            edit.setPlaceholderText(placeholders[part])
            edit.setAccessibleName(self.tr("Other result: {part}").format(part=placeholders[part]))
            if part in widths:
                edit.setMaximumWidth(widths[part])
            grid.addWidget(edit, 0, column)
            self.edits[part] = edit
        remove = QPushButton(self.tr("Remove"), self)
        remove.setObjectName("remove_other")
        remove.clicked.connect(self.removed)
        grid.addWidget(remove, 0, len(_OTHER_PARTS))
        for part in ("name", "value"):
            error = plain_label(parent=self)  # quotes the typed name
            error.setWordWrap(True)
            error.setStyleSheet(error_style())
            error.hide()
            grid.addWidget(error, 1 if part == "name" else 2, 0, 1, len(_OTHER_PARTS) + 1)
            self.errors[part] = error
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(5, 3)
        if other is not None:
            values = {
                "name": other.name,
                "value": other.value_text,
                "unit": other.unit,
                "range": other.range_text,
                "lab_flag": other.lab_flag,
                "lab_comment": other.lab_comment,
            }
            for part, text in values.items():
                self.edits[part].setText(text)
                self.edits[part].setCursorPosition(0)

    @staticmethod
    def heading(parent: QWidget) -> QWidget:
        """Column headings over the rows, in the rows' grid (the placeholders go once typed)."""
        holder = QWidget(parent)
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        headings = (
            holder.tr("Test, as printed"),
            holder.tr("Result"),
            holder.tr("Unit"),
            holder.tr("Lab's range"),
            holder.tr("Flag"),
            holder.tr("Lab's comment"),
        )
        widths = (None, _VALUE_WIDTH, 90, _RANGE_WIDTH, _FLAG_WIDTH, None)
        for column, (text, width) in enumerate(zip(headings, widths, strict=True)):
            label = QLabel(f"<b>{text}</b>", holder)
            if width is not None:
                label.setFixedWidth(width)
            grid.addWidget(label, 0, column)
        spacer = QPushButton(holder.tr("Remove"), holder)  # keeps the columns in line
        spacer.setFlat(True)
        spacer.setEnabled(False)
        spacer.setStyleSheet("color: transparent;")
        spacer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        grid.addWidget(spacer, 0, len(headings))
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(5, 3)
        return holder

    def is_empty(self) -> bool:
        return not any(e.text().strip() for e in self.edits.values())

    def result(self) -> OtherResult:
        text = {part: e.text().strip() for part, e in self.edits.items()}
        return OtherResult(
            name=text["name"],
            value_text=text["value"],
            unit=text["unit"],
            range_text=text["range"],
            lab_flag=text["lab_flag"],
            lab_comment=text["lab_comment"],
            uid=self.uid,
        )


class CountDialog(FormDialog):
    """Values are typed as on the report; the unit list offers each analyte's accepted units.

    The catalogue is laid out by ``Analyte.group``, one tab each (Blood count first), and a
    tab of other results (tests the program does not know, kept as printed); each tab
    scrolls, so the form fits a 1024×600 screen.
    """

    def __init__(
        self,
        result: CountResult | None,
        child: Child,
        today: dt.date,
        parent: QWidget | None = None,
        *,
        default_units: Mapping[str, str] | None = None,
        default_source: str = "",
    ) -> None:
        super().__init__(
            self.tr("New blood count") if result is None else self.tr("Edit blood count"), parent
        )
        self._result = result
        self._child = child
        self._today = today
        self._other_rows: list[_OtherRow] = []
        form = QFormLayout()
        date = DateField(self, today=today)
        self.add_field(form, "taken_date", self.tr("&Date of the blood test:"), date)
        time = QLineEdit(self)
        time.setPlaceholderText(self.tr("HH:MM (optional)"))
        time.setMaxLength(5)
        self.add_field(form, "taken_time", self.tr("&Time:"), time)
        source = QComboBox(self)
        source.setEditable(True)
        self.add_field(form, "source", self.tr("&Lab or hospital:"), source)
        self.body.addLayout(form)

        hint = QLabel(
            self.tr(
                "Results as printed on the report; leave empty what was not measured. "
                "The lab's flag and comment are kept as the lab printed them."
            ),
            self,
        )
        hint.setWordWrap(True)
        self.body.addWidget(hint)
        self.tabs = QTabWidget(self)
        # Its pages scroll by themselves: on a small screen they take what room is left,
        # rather than the whole form scrolling around a scrolling list (two scroll bars).
        self.tabs.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.tabs.setAccessibleName(self.tr("Results by group"))
        self.tabs.setObjectName("groups")
        self._group_codes: dict[int, tuple[str, list[str]]] = {}  # tab → group, codes
        defaults = dict(default_units or {})
        for group in analytes.GROUPS:
            members = [a for a in analytes.ANALYTES if a.group == group]
            if members:
                index = self.tabs.addTab(self._group_page(members, defaults), "")
                self._group_codes[index] = (group, [a.code for a in members])
        self._others_index = self.tabs.addTab(self._others_page(), "")
        self.body.addWidget(self.tabs, 1)
        notes = QFormLayout()
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(50)
        self.add_field(notes, "note", self.tr("N&ote:"), note)
        self.body.addLayout(notes)
        if default_source:
            source.addItem(default_source)
            source.setCurrentText(default_source)
        if result is not None:
            self._load(result)
        else:
            date.set_date(today)
        self._update_tabs()
        screen = self.screen().availableGeometry()
        self.resize(min(1000, screen.width() - 24), min(720, screen.height() - 48))
        date.setFocus()

    # ------------------------------------------------------------------ layout

    def _group_page(self, members: list[Analyte], defaults: Mapping[str, str]) -> QScrollArea:
        page = QWidget(self)
        grid = QGridLayout(page)
        timed = any(a.timed for a in members)
        headings = [
            self.tr("Test"),
            self.tr("Value"),
            self.tr("Unit"),
            self.tr("Lab's range"),
            self.tr("Lab's flag"),
            self.tr("Lab's comment"),
        ]
        if timed:
            headings.append(self.tr("Hours after\nthe infusion started"))
        for column, heading in enumerate(headings):
            head = QLabel(f"<b>{heading.replace(chr(10), '<br>')}</b>", page)
            grid.addWidget(head, 0, column)
        width = len(headings)
        row = 1
        for a in members:
            short = a.short.lower().rstrip(" %")
            text = a.name if short in a.name.lower() else f"{a.name} ({a.short})"
            label = QLabel(text, page)
            label.setWordWrap(True)
            value = QLineEdit(page)
            value.setObjectName(f"value_{a.code}")
            value.setAccessibleName(a.name)
            value.setMaximumWidth(_VALUE_WIDTH)
            value.textChanged.connect(self._update_tabs)
            label.setBuddy(value)
            unit = QComboBox(page)
            unit.setEditable(True)
            unit.addItems([u.label for u in a.units])
            unit.setAccessibleName(self.tr("{name} unit").format(name=a.name))
            unit.setCurrentText(defaults.get(a.code, a.default_unit.label))
            rng = QLineEdit(page)
            if row == 1:  # no example numbers: one tab's would be wrong on the next
                rng.setPlaceholderText(self.tr("as printed"))
            rng.setAccessibleName(self.tr("{name} range printed by the lab").format(name=a.name))
            rng.setMaximumWidth(_RANGE_WIDTH)
            flag = QLineEdit(page)
            flag.setObjectName(f"lab_flag_{a.code}")
            flag.setMaximumWidth(_FLAG_WIDTH)
            flag.setAccessibleName(self.tr("{name}: the lab's flag").format(name=a.name))
            flag.setToolTip(self.tr("The flag the lab printed beside it (L, H, *…), as printed"))
            comment = QLineEdit(page)
            comment.setObjectName(f"lab_comment_{a.code}")
            comment.setAccessibleName(self.tr("{name}: the lab's comment").format(name=a.name))
            comment.textChanged.connect(lambda text, w=comment: w.setToolTip(plain_tooltip(text)))
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
            grid.addWidget(unit, row, 2)
            grid.addWidget(rng, row, 3)
            grid.addWidget(flag, row, 4)
            grid.addWidget(comment, row, 5)
            self.register(f"{a.code}.value", value, self._error_label(page, f"{a.code}.value"))
            self.register(f"{a.code}.unit", unit)
            self.register(f"{a.code}.range", rng, self._error_label(page, f"{a.code}.range"))
            self.register(f"{a.code}.lab_flag", flag)
            self.register(f"{a.code}.lab_comment", comment)
            errors = [f"{a.code}.value", f"{a.code}.range"]
            if a.timed:
                hours = QLineEdit(page)
                hours.setObjectName(f"hours_{a.code}")
                hours.setMaximumWidth(_HOURS_WIDTH)
                hours.setPlaceholderText(self.tr("hours"))
                hours.setAccessibleName(
                    self.tr("{name}: hours after the infusion started").format(name=a.name)
                )
                grid.addWidget(hours, row, 6)
                self.register(f"{a.code}.hours", hours, self._error_label(page, f"{a.code}.hours"))
                errors.append(f"{a.code}.hours")
            for offset, key in enumerate(errors, start=1):
                grid.addWidget(self._errors[key], row + offset, 0, 1, width)
            row += 1 + len(errors)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(5, 3)
        grid.setRowStretch(row, 1)
        return scrolling(page, self)

    def _error_label(self, parent: QWidget, key: str) -> QLabel:
        error = plain_label(parent=parent)  # quotes the typed value
        error.setObjectName(f"error_{key}")
        error.setWordWrap(True)
        error.setStyleSheet(error_style())
        error.hide()
        return error

    def _others_page(self) -> QScrollArea:
        page = QWidget(self)
        column = QVBoxLayout(page)
        about = QLabel(
            self.tr(
                "Results of tests this program does not know, kept exactly as printed: no unit "
                "conversion, no range check and no flag of the program's own."
            ),
            page,
        )
        about.setWordWrap(True)
        about.setStyleSheet(hint_style())
        column.addWidget(about)
        column.addWidget(_OtherRow.heading(page))
        self._others_column = QVBoxLayout()
        column.addLayout(self._others_column)
        add = QPushButton(self.tr("&Add a result of another test"), page)
        add.setObjectName("add_other")
        add.clicked.connect(lambda: self._add_other(None).edits["name"].setFocus())
        column.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        return scrolling(page, self)

    def _add_other(self, other: OtherResult | None) -> _OtherRow:
        row = _OtherRow(self, other)
        row.removed.connect(lambda: self._remove_other(row))
        for edit in row.edits.values():
            edit.textChanged.connect(self._update_tabs)
        self._others_column.addWidget(row)
        self._other_rows.append(row)
        self._register_others()
        self._update_tabs()
        return row

    def _remove_other(self, row: _OtherRow) -> None:
        self._other_rows.remove(row)
        self._others_column.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._register_others()
        self._update_tabs()

    def _register_others(self) -> None:
        """Name the rows' fields by their place (``others.0.name``), as the form's keys do."""
        for key in [k for k in self._fields if k.startswith("others.")]:
            del self._fields[key]
            self._errors.pop(key, None)
        for i, row in enumerate(self._other_rows):
            for part, edit in row.edits.items():
                error = row.errors.get(part)
                if error is not None:
                    error.setObjectName(f"error_others.{i}.{part}")
                edit.setObjectName(f"others.{i}.{part}")
                self.register(f"others.{i}.{part}", edit, error)

    def _update_tabs(self) -> None:
        """Each tab says how many values it holds (and ⚠ when one of them is refused)."""
        for index, (group, codes) in self._group_codes.items():
            n = sum(1 for c in codes if self.text_of(f"{c}.value"))
            self.tabs.setTabText(index, self._tab_text(self.tr(group), n, index))
        n_others = sum(1 for r in self._other_rows if not r.is_empty())
        self.tabs.setTabText(
            self._others_index,
            self._tab_text(
                self.tr("Other results (tests this program does not know)"),
                n_others,
                self._others_index,
            ),
        )

    def _tab_text(self, name: str, n: int, index: int) -> str:
        page = self.tabs.widget(index)
        refused = any(
            label.text()  # an error shown (clear_errors empties them)
            for label in page.findChildren(QLabel)
            if label.objectName().startswith("error_")
        )
        text = f"{name} ({n})" if n else name
        return ("⚠ " + text) if refused else text

    def _fit_errors(self) -> None:
        super()._fit_errors()  # may grow to show the errors, but never past the screen
        room = self.screen().availableGeometry().height() - 48
        if self.height() > room:
            self.resize(self.width(), room)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        super().show_errors(errors)
        self._update_tabs()
        for index in range(self.tabs.count()):  # the first tab with a refused field
            if self.tabs.tabText(index).startswith("⚠"):
                self.tabs.setCurrentIndex(index)
                break
        focused = self.focusWidget()
        widget = focused
        while widget is not None and not isinstance(widget, QScrollArea):
            widget = widget.parentWidget()
        if focused is not None and isinstance(widget, QScrollArea):
            widget.ensureWidgetVisible(focused)  # the first wrong value, scrolled to

    # ------------------------------------------------------------------ values

    def _load(self, r: CountResult) -> None:
        self.set_text("taken_date", r.taken_date.isoformat())
        self.set_text("taken_time", r.taken_time.strftime("%H:%M") if r.taken_time else "")
        self.set_text("source", r.source)
        self.set_text("note", r.note)
        for v in r.values:
            if f"{v.analyte}.value" not in self._fields:
                continue  # not in this catalogue: kept as it was (value_inputs)
            self.set_text(f"{v.analyte}.value", v.value_text)
            unit = self.field(f"{v.analyte}.unit")
            assert isinstance(unit, QComboBox)
            unit.setCurrentText(v.unit)
            self.set_text(f"{v.analyte}.range", v.range_text)
            self.set_text(f"{v.analyte}.lab_flag", v.lab_flag)
            self.set_text(f"{v.analyte}.lab_comment", v.lab_comment)
            if f"{v.analyte}.hours" in self._fields and v.hours_after is not None:
                self.set_text(f"{v.analyte}.hours", format_number(v.hours_after, 6))
        for other in r.others:
            self._add_other(other)

    def _hours(self, a: Analyte, errors: dict[str, str]) -> float | None:
        key = f"{a.code}.hours"
        if key not in self._fields:
            kept = self._result.value(a.code) if self._result else None
            return kept.hours_after if kept else None
        try:
            return parse_hours(self.text_of(key), a.name)
        except ValueError as exc:
            errors[key] = str(exc)
            return None

    def value_inputs(self, errors: dict[str, str] | None = None) -> list[ValueInput]:
        errors = {} if errors is None else errors
        old = {v.analyte: v for v in self._result.values} if self._result else {}
        inputs = []
        for a in analytes.ANALYTES:
            kept = old.get(a.code)
            inputs.append(
                ValueInput(
                    analyte=a.code,
                    value_text=self.text_of(f"{a.code}.value"),
                    unit=self.text_of(f"{a.code}.unit"),
                    range_text=self.text_of(f"{a.code}.range"),
                    uid=kept.uid if kept else "",
                    lab_flag=self.text_of(f"{a.code}.lab_flag"),
                    lab_comment=self.text_of(f"{a.code}.lab_comment"),
                    hours_after=self._hours(a, errors),
                )
            )
        return inputs

    def other_results(self) -> list[OtherResult]:
        """The other results typed, rows left wholly empty aside."""
        return [row.result() for row in self._other_rows if not row.is_empty()]

    def questions(self, value: CountResult) -> list[str]:
        return count_questions(value)

    def build(self) -> CountResult:
        r = self._result
        fields = {k: v for k, v in self.texts().items() if "." not in k}
        hour_errors: dict[str, str] = {}
        inputs = self.value_inputs(hour_errors)
        # An empty row in the middle is left out: the keys follow the rows that are saved.
        filled = [row for row in self._other_rows if not row.is_empty()]
        if len(filled) != len(self._other_rows):
            for row in [row for row in self._other_rows if row.is_empty()]:
                self._remove_other(row)
        try:
            result = count_from_form(
                fields,
                inputs,
                child=self._child,
                today=self._today,
                id=r.id if r else None,
                uid=r.uid if r else "",
                others=self.other_results(),
            )
        except FormErrors as exc:
            raise FormErrors({**exc.errors, **hour_errors}) from None
        if hour_errors:
            raise FormErrors(hour_errors)
        return result


def _count_dialog(e: Editing, result: CountResult | None, parent: QWidget | None) -> CountDialog:
    """A new count starts with the units and the lab of the latest counts."""
    units: dict[str, str] = {}
    source = ""
    if e.child.id is not None:  # the newest unit of each analyte and the newest count's
        # lab: a few indexed rows, not every count of years of them (issue 16)
        stored = e.bridge.record.latest_units(e.child.id)
        # in the program's spelling ("K/uL" from an import: ×10³/µL)
        units = {code: unit_spelling(code, unit) for code, unit in stored.items()}
        newest = e.bridge.recent_counts(e.child.id, 1)
        source = newest[-1].source if newest else ""
    return CountDialog(result, e.child, e.today, parent, default_units=units, default_source=source)


COUNT_UI = KindUi(
    key="count",
    dialog=_count_dialog,
    add_text=N_("Add &blood count…"),
    shortcut=QKeySequence.StandardKey.New,
    view="counts",
    title=N_("Blood counts (newest first)"),
    add_button=N_("Add &blood count…"),
    empty=N_(
        "No blood counts yet. Add one from a lab report: type each value as it "
        "is printed, with its unit.",
    ),
    model=CountsModel,
)
