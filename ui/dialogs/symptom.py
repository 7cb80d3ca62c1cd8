"""The editor of a symptom or side effect."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from tracker.i18n import N_
from tracker.kinds.symptom import (
    GRADE_NOTE,
    GRADES,
    SEVERITY_LABELS,
    WHAT_LABELS,
    grade_version,
    symptom_from_form,
)
from tracker.model import Child, Symptom
from ui.dialogs.base import DateField, FormDialog, fill_combo
from ui.kind_ui import KindUi
from ui.models.temperatures import SymptomsModel


class SymptomDialog(FormDialog):
    def __init__(
        self, symptom: Symptom | None, child: Child, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            self.tr("New symptom") if symptom is None else self.tr("Edit symptom"), parent
        )
        self._symptom = symptom
        self._child = child
        self._today = today
        form = QFormLayout()
        date = DateField(self, today=today)
        self.add_field(form, "date", self.tr("&From:"), date)
        self.add_field(
            form,
            "end_date",
            self.tr("&Until:"),
            DateField(self, today=today),
            self.tr("Leave empty for one day"),
        )
        what = QComboBox(self)
        fill_combo(what, WHAT_LABELS)
        self.add_field(form, "what", self.tr("&What:"), what)
        words = QLineEdit(self)
        words.setPlaceholderText(self.tr("in your words (needed for “other”)"))
        self.add_field(form, "what_text", self.tr("In w&ords:"), words)
        severity = QComboBox(self)
        fill_combo(severity, {"": N_("— not said —"), **SEVERITY_LABELS})
        self.add_field(form, "severity", self.tr("How &bad:"), severity)
        version = symptom.grade_version if symptom and symptom.grade_version else grade_version()
        self._version = version
        grade = QComboBox(self)
        fill_combo(grade, {"": N_("— none —"), **{str(g): str(g) for g in GRADES}})
        self.add_field(
            form,
            "grade",
            self.tr("&Grade:"),
            grade,
            self.tr("{version}-style grade, optional: {note}").format(
                version=version, note=self.tr(GRADE_NOTE)
            ),
        )
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(60)
        self.add_field(form, "note", self.tr("&Note:"), note)
        self.body.addLayout(form)
        if symptom is not None:
            self.set_text("date", symptom.date.isoformat())
            self.set_text("end_date", symptom.end_date.isoformat() if symptom.end_date else "")
            self.set_text("what", symptom.what.value)
            self.set_text("what_text", symptom.what_text)
            self.set_text("severity", symptom.severity.value if symptom.severity else "")
            self.set_text("grade", str(symptom.grade) if symptom.grade is not None else "")
            self.set_text("note", symptom.note)
        else:
            date.set_date(today)
            self.set_text("what", "vomiting")
        date.setFocus()

    def build(self) -> Symptom:
        s = self._symptom
        return symptom_from_form(
            self.texts(),
            child=self._child,
            today=self._today,
            id=s.id if s else None,
            uid=s.uid if s else "",
            version=self._version,
        )


SYMPTOM_UI = KindUi(
    key="symptom",
    dialog=lambda e, symptom, parent: SymptomDialog(symptom, e.child, e.today, parent),
    add_text=N_("Add s&ymptom…"),
    shortcut="Ctrl+Shift+Y",
    view="fevers",
    place=1,
    title=N_("Symptoms and side effects"),
    add_button=N_("Add s&ymptom…"),
    empty=N_(
        "No symptoms yet. Add vomiting, mouth sores, pain and the like as they happen, "
        "in your words.",
    ),
    model=SymptomsModel,
    newest_first=True,
)
