"""Editor for one blood count: the date, then each value as printed on the lab report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

from tracker import analytes
from tracker.forms import ValueInput, count_from_form, count_questions
from tracker.model import Child, CountResult
from ui.dialogs.base import ERROR_STYLE, DateField, FormDialog
from ui.kind_ui import Editing, KindUi
from ui.models.counts import CountsModel
from ui.plain import plain_label


class CountDialog(FormDialog):
    """Values are typed as on the report; the unit list offers each analyte's accepted units."""

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

        box = QGroupBox(
            self.tr("Results (as printed on the report; leave empty what was not measured)"), self
        )
        grid = QGridLayout(box)
        for column, heading in enumerate(
            (self.tr("Test"), self.tr("Value"), self.tr("Unit"), self.tr("Lab's range"))
        ):
            head = QLabel(f"<b>{heading}</b>", self)
            grid.addWidget(head, 0, column)
        row = 1
        defaults = dict(default_units or {})
        for a in analytes.ANALYTES:
            short = a.short.lower().rstrip(" %")
            text = a.name if short in a.name.lower() else f"{a.name} ({a.short})"
            label = QLabel(text, self)
            value = QLineEdit(self)
            value.setObjectName(f"value_{a.code}")
            value.setAccessibleName(a.name)
            value.setMaximumWidth(110)
            label.setBuddy(value)
            unit = QComboBox(self)
            unit.setEditable(True)
            unit.addItems([u.label for u in a.units])
            unit.setAccessibleName(self.tr("{name} unit").format(name=a.name))
            unit.setCurrentText(defaults.get(a.code, a.default_unit.label))
            rng = QLineEdit(self)
            if row == 1:
                rng.setPlaceholderText(self.tr("e.g. 1.5-8.5"))
            rng.setAccessibleName(self.tr("{name} range printed by the lab").format(name=a.name))
            rng.setMaximumWidth(130)
            error = plain_label(parent=self)  # quotes the typed value
            error.setObjectName(f"error_{a.code}.value")
            error.setWordWrap(True)
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            range_error = plain_label(parent=self)
            range_error.setObjectName(f"error_{a.code}.range")
            range_error.setWordWrap(True)
            range_error.setStyleSheet(ERROR_STYLE)
            range_error.hide()
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
            grid.addWidget(unit, row, 2)
            grid.addWidget(rng, row, 3)
            grid.addWidget(error, row + 1, 0, 1, 4)
            grid.addWidget(range_error, row + 2, 0, 1, 4)
            self.register(f"{a.code}.value", value, error)
            self.register(f"{a.code}.unit", unit)
            self.register(f"{a.code}.range", rng, range_error)
            row += 3
        grid.setColumnStretch(0, 1)
        # The catalogue has grown past a screen's height (issue 11): the results scroll.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(box)
        scroll.setMinimumWidth(box.sizeHint().width() + 24)
        scroll.setMinimumHeight(min(box.sizeHint().height(), 420))
        self.body.addWidget(scroll, 1)
        self._scroll = scroll
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
        date.setFocus()

    def _load(self, r: CountResult) -> None:
        self.set_text("taken_date", r.taken_date.isoformat())
        self.set_text("taken_time", r.taken_time.strftime("%H:%M") if r.taken_time else "")
        self.set_text("source", r.source)
        self.set_text("note", r.note)
        for v in r.values:
            self.set_text(f"{v.analyte}.value", v.value_text)
            unit = self.field(f"{v.analyte}.unit")
            assert isinstance(unit, QComboBox)
            unit.setCurrentText(v.unit)
            self.set_text(f"{v.analyte}.range", v.range_text)

    def value_inputs(self) -> list[ValueInput]:
        old = {v.analyte: v for v in self._result.values} if self._result else {}
        inputs = []
        for a in analytes.ANALYTES:
            kept = old.get(a.code)  # what the dialog does not show stays as it was
            inputs.append(
                ValueInput(
                    analyte=a.code,
                    value_text=self.text_of(f"{a.code}.value"),
                    unit=self.text_of(f"{a.code}.unit"),
                    range_text=self.text_of(f"{a.code}.range"),
                    uid=kept.uid if kept else "",
                    lab_flag=kept.lab_flag if kept else "",
                    lab_comment=kept.lab_comment if kept else "",
                    hours_after=kept.hours_after if kept else None,
                )
            )
        return inputs

    def show_errors(self, errors: Mapping[str, str]) -> None:
        super().show_errors(errors)
        focused = self.focusWidget()
        if focused is not None and self._scroll.isAncestorOf(focused):
            self._scroll.ensureWidgetVisible(focused)  # the first wrong value, scrolled to

    def questions(self, value: CountResult) -> list[str]:
        return count_questions(value)

    def build(self) -> CountResult:
        r = self._result
        fields = {k: v for k, v in self.texts().items() if "." not in k}
        return count_from_form(
            fields,
            self.value_inputs(),
            child=self._child,
            today=self._today,
            id=r.id if r else None,
            uid=r.uid if r else "",
            others=r.others if r else (),
        )


def _count_dialog(e: Editing, result: CountResult | None, parent: QWidget | None) -> CountDialog:
    """A new count starts with the units and the lab of the latest counts."""
    latest = e.bridge.counts(e.child.id) if e.child.id is not None else []
    units: dict[str, str] = {}
    for r in latest:  # oldest → newest so the newest unit wins
        for v in r.values:
            units[v.analyte] = v.unit
    source = latest[-1].source if latest else ""
    return CountDialog(result, e.child, e.today, parent, default_units=units, default_source=source)


COUNT_UI = KindUi(
    key="count",
    dialog=_count_dialog,
    add_text=QT_TRANSLATE_NOOP("kinds", "Add &blood count…"),
    shortcut=QKeySequence.StandardKey.New,
    view="counts",
    title=QT_TRANSLATE_NOOP("kinds", "Blood counts (newest first)"),
    add_button=QT_TRANSLATE_NOOP("kinds", "&Add blood count…"),
    empty=QT_TRANSLATE_NOOP(
        "kinds",
        "No blood counts yet. Add one from a lab report: type each value as it "
        "is printed, with its unit.",
    ),
    model=CountsModel,
)
