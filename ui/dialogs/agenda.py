"""Editors for a clinic appointment and for a question the family wants to ask."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from tracker.forms import appointment_from_form, question_from_form
from tracker.model import Appointment, Child, Question
from ui.dialogs.base import DateField, FormDialog
from ui.kind_ui import KindUi
from ui.models.tables import AppointmentsModel, QuestionsModel


def _text_box(parent: QWidget, height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


class AppointmentDialog(FormDialog):
    def __init__(
        self,
        appointment: Appointment | None,
        child: Child,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("New appointment") if appointment is None else self.tr("Edit appointment"),
            parent,
        )
        self._appointment = appointment
        self._child = child
        self._today = today
        form = QFormLayout()
        date = DateField(self, today=today)
        self.add_field(
            form,
            "date",
            self.tr("&Date:"),
            date,
            self.tr("Past or planned; the printed summary covers what happened since the last one"),
        )
        time = QLineEdit(self)
        time.setPlaceholderText(self.tr("HH:MM (optional)"))
        time.setMaxLength(5)
        self.add_field(form, "time", self.tr("&Time:"), time)
        self.add_field(form, "with_whom", self.tr("&With:"), QLineEdit(self))
        self.add_field(form, "place", self.tr("W&here:"), QLineEdit(self))
        self.add_field(form, "note", self.tr("&Note:"), _text_box(self))
        self.body.addLayout(form)
        if appointment is not None:
            self.set_text("date", appointment.date.isoformat())
            self.set_text("time", appointment.time.strftime("%H:%M") if appointment.time else "")
            self.set_text("with_whom", appointment.with_whom)
            self.set_text("place", appointment.place)
            self.set_text("note", appointment.note)
        else:
            date.set_date(today)
        date.setFocus()

    def build(self) -> Appointment:
        a = self._appointment
        return appointment_from_form(
            self.texts(),
            child=self._child,
            id=a.id if a else None,
            uid=a.uid if a else "",
            today=self._today,
        )


class QuestionDialog(FormDialog):
    def __init__(
        self, question: Question | None, child: Child, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            self.tr("New question") if question is None else self.tr("Edit question"), parent
        )
        self._question = question
        self._child = child
        self._today = today
        form = QFormLayout()
        text = _text_box(self, 90)
        text.setPlaceholderText(self.tr("What you want to ask the team"))
        self.add_field(form, "text", self.tr("&Question:"), text)
        added = DateField(self, today=today)
        self.add_field(form, "added_on", self.tr("A&dded on:"), added)
        self.add_field(
            form,
            "answered",
            self.tr("Answered:"),
            QCheckBox(self.tr("The team has &answered it"), self),
        )
        self.add_field(form, "answer", self.tr("What they sa&id:"), _text_box(self))
        self.body.addLayout(form)
        if question is not None:
            self.set_text("text", question.text)
            self.set_text("added_on", question.added_on.isoformat())
            self.set_text("answered", "1" if question.answered else "")
            self.set_text("answer", question.answer)
        else:
            added.set_date(today)
        text.setFocus()

    def build(self) -> Question:
        q = self._question
        return question_from_form(
            self.texts(),
            child=self._child,
            today=self._today,
            id=q.id if q else None,
            uid=q.uid if q else "",
        )


APPOINTMENT_UI = KindUi(
    key="appointment",
    dialog=lambda e, appointment, parent: AppointmentDialog(appointment, e.child, e.today, parent),
    add_text=QT_TRANSLATE_NOOP("kinds", "Add &appointment…"),
    view="agenda",
    place=1,
    title=QT_TRANSLATE_NOOP("kinds", "Appointments"),
    add_button=QT_TRANSLATE_NOOP("kinds", "Add a&ppointment…"),
    empty=QT_TRANSLATE_NOOP(
        "kinds",
        "No appointments yet. Add clinic visits, past and planned: the printed "
        "summary covers what happened since the last one.",
    ),
    model=AppointmentsModel,
    newest_first=True,
)

QUESTION_UI = KindUi(
    key="question",
    dialog=lambda e, question, parent: QuestionDialog(question, e.child, e.today, parent),
    add_text=QT_TRANSLATE_NOOP("kinds", "Add &question for the team…"),
    shortcut="Ctrl+Shift+Q",
    view="agenda",
    title=QT_TRANSLATE_NOOP("kinds", "Questions for the team"),
    add_button=QT_TRANSLATE_NOOP("kinds", "Add &question…"),
    empty=QT_TRANSLATE_NOOP(
        "kinds",
        "No questions yet. Write them down as they come; open ones are printed "
        "on the summary you take to the appointment.",
    ),
    model=QuestionsModel,
)
