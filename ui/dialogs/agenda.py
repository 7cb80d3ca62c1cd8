"""Editors for a clinic appointment and for a question the family wants to ask."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tracker import schedule, visits
from tracker.dates import parse_date
from tracker.forms import FormErrors, appointment_from_form, question_from_form
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.agenda import moved_from_form
from tracker.model import Appointment, Child, Question
from ui.bridge import RecordBridge
from ui.contrast import error_style, hint_style
from ui.dialogs.base import DateField, FormDialog
from ui.dialogs.numbers import WholeNumberBox
from ui.kind_ui import KindUi
from ui.models.tables import AppointmentsModel, QuestionsModel


def _text_box(parent: QWidget, height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


ONCE, DAILY, WEEKLY, MONTHLY = "once", "daily", "weekly", "monthly"
NO_END, UNTIL, COUNT = "no_end", "until", "count"


class RepeatPicker(QWidget):
    """Does not repeat / every N days / every N weeks on chosen weekdays / every N months,
    with no end, until a day or a number of times; shown in words
    (:func:`tracker.schedule.describe_repeat`), like the medicine plan's schedule.

    Signals:
        edited(): the repeat changed.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.how = QComboBox(self)
        for code, text in (
            (ONCE, self.tr("Does not repeat")),
            (DAILY, self.tr("Every N days")),
            (WEEKLY, self.tr("Every N weeks, on chosen days")),
            (MONTHLY, self.tr("Every N months, on the same day")),
        ):
            self.how.addItem(text, code)
        self.how.setAccessibleName(self.tr("How often"))
        self.every = WholeNumberBox(1, schedule.MAX_INTERVAL, self.tr("Every"), self)
        self.every.setPrefix(self.tr("every "))
        self.every.setAccessibleName(self.tr("Every how many"))
        self.days: list[QCheckBox] = []
        days_row = QHBoxLayout()
        days_row.setContentsMargins(0, 0, 0, 0)
        for name in schedule.DAY_NAMES:
            box = QCheckBox(self.tr(name[:3]), self)
            box.setAccessibleName(self.tr(name))
            box.toggled.connect(self._changed)
            days_row.addWidget(box)
            self.days.append(box)
        days_row.addStretch(1)
        self.days_holder = QWidget(self)
        self.days_holder.setLayout(days_row)
        self.end = QComboBox(self)
        for code, text in (
            (NO_END, self.tr("No end")),
            (UNTIL, self.tr("Until")),
            (COUNT, self.tr("Number of times")),
        ):
            self.end.addItem(text, code)
        self.end.setAccessibleName(self.tr("Ends"))
        self.until = DateField(self, today=today)
        self.until.setAccessibleName(self.tr("Last day"))
        self.count = WholeNumberBox(1, schedule.MAX_COUNT, self.tr("Number of times"), self)
        self.count.setValue(6)
        self.count.setSuffix(self.tr(" times"))
        self.count.setAccessibleName(self.tr("How many times"))
        self.words = QLabel(self)
        self.words.setObjectName("repeat_words")
        self.words.setStyleSheet(hint_style())
        self.words.setWordWrap(True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.how)
        top.addWidget(self.every)
        top.addStretch(1)
        self.end_row = QWidget(self)
        ends = QHBoxLayout(self.end_row)
        ends.setContentsMargins(0, 0, 0, 0)
        ends.addWidget(self.end)
        ends.addWidget(self.until)
        ends.addWidget(self.count)
        ends.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.days_holder)
        column.addWidget(self.end_row)
        column.addWidget(self.words)
        self.how.currentIndexChanged.connect(self._changed)
        self.every.edited.connect(self._changed)
        self.end.currentIndexChanged.connect(self._changed)
        self.until.edited.connect(self._changed)
        self.count.edited.connect(self._changed)
        self.setFocusProxy(self.how)
        self.first_date: dt.date | None = None  # the appointment's date: its weekday to start
        self._changed()

    # ------------------------------------------------------------------ reading

    def rule(self) -> str:
        """The RRULE chosen ("" for one visit), or ValueError saying what is missing."""
        how = self.how.currentData()
        if how == ONCE:
            return schedule.NO_REPEAT
        weekdays = [i for i, box in enumerate(self.days) if box.isChecked()]
        if how == WEEKLY and not weekdays:
            raise ValueError(tr("choose the days of the week it falls on (e.g. Tue)"))
        until = count = None
        end = self.end.currentData()
        if end == UNTIL:
            text = self.until.text().strip()
            if not text:
                raise ValueError(tr("give the last day it may fall on, or choose No end"))
            until = parse_date(text, "Until")
        elif end == COUNT:
            count = self.count.number()
        return schedule.repeat_rule(
            how, self.every.number(), weekdays if how == WEEKLY else (), until, count
        )

    def problem(self) -> str | None:
        try:
            self.rule()
        except ValueError as exc:
            return str(exc)
        return None

    def text(self) -> str:
        """The rule, or what was chosen when it is not one yet (the dialog compares texts)."""
        try:
            return self.rule()
        except ValueError:
            state = "".join("1" if b.isChecked() else "0" for b in self.days)
            typed = f"{self.every.text()}:{self.count.text()}"
            return f"?{self.how.currentData()}:{state}:{self.until.text()}:{typed}"

    # ------------------------------------------------------------------ writing

    def set_rule(self, rule: str) -> None:
        try:
            r = schedule.parse_repeat(rule)
        except ValueError:
            return
        if r is None:
            self.how.setCurrentIndex(self.how.findData(ONCE))
            return
        self.every.setValue(r.interval)
        for i, box in enumerate(self.days):
            box.setChecked(i in r.weekdays)
        if r.until is not None:
            self.until.setText(r.until.isoformat())
            self.end.setCurrentIndex(self.end.findData(UNTIL))
        elif r.count is not None:
            self.count.setValue(r.count)
            self.end.setCurrentIndex(self.end.findData(COUNT))
        else:
            self.end.setCurrentIndex(self.end.findData(NO_END))
        self.how.setCurrentIndex(self.how.findData(r.freq))
        self._changed()

    def _unit_words(self) -> None:
        """ "every 1 month", "every 2 months": the unit in the singular at 1, never "every 1
        months" (the box keeps the number typed, so it is always shown)."""
        how = self.how.currentData()
        one = self.every.cleanText().strip() == "1"
        unit = (
            {DAILY: self.tr(" day"), WEEKLY: self.tr(" week"), MONTHLY: self.tr(" month")}
            if one
            else {DAILY: self.tr(" days"), WEEKLY: self.tr(" weeks"), MONTHLY: self.tr(" months")}
        )
        self.every.setSuffix(unit.get(how, ""))

    def _changed(self, *_: object) -> None:
        how = self.how.currentData()
        repeats = how != ONCE
        if how == WEEKLY and not any(b.isChecked() for b in self.days) and self.first_date:
            self.days[self.first_date.weekday()].setChecked(True)  # signals _changed again
            return
        self._unit_words()
        self.every.setVisible(repeats)
        self.days_holder.setVisible(how == WEEKLY)
        self.end_row.setVisible(repeats)
        end = self.end.currentData()
        self.until.setVisible(end == UNTIL)
        self.count.setVisible(end == COUNT)
        self.refresh_words()
        self.edited.emit()

    def refresh_words(self) -> None:
        """The rule in words ("every month on the 3rd" from the first date); while a number
        typed is not accepted, what is (never the words of a number not typed)."""
        number = self._number_problem() if self.how.currentData() != ONCE else None
        self.words.setStyleSheet(error_style() if number else hint_style())
        if number:
            self.words.setText("⚠ " + number)
        elif self.how.currentData() == ONCE or self.problem() is not None:
            self.words.setText("")
        else:
            words = schedule.describe_repeat(self.rule(), self.first_date)
            self.words.setText(self.tr("In words: {words}").format(words=words))

    def _number_problem(self) -> str | None:
        """What is wrong with a number shown (every, number of times), or None."""
        boxes = [self.every]
        if self.end.currentData() == COUNT:
            boxes.append(self.count)
        for box in boxes:
            try:
                box.number()
            except ValueError as exc:
                return str(exc)
        return None


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
        self.picker = RepeatPicker(self, today=today)
        self.add_field(
            form,
            "repeat",
            self.tr("&Repeats:"),
            self.picker,
            self.tr("From the date above; move or cancel one date on the Appointments tab"),
        )
        self.body.addLayout(form)
        date.edited.connect(self._date_changed)
        if appointment is not None:
            self.set_text("date", appointment.date.isoformat())
            self.set_text("time", appointment.time.strftime("%H:%M") if appointment.time else "")
            self.set_text("with_whom", appointment.with_whom)
            self.set_text("place", appointment.place)
            self.set_text("note", appointment.note)
            self.set_text("repeat", appointment.repeat)
        else:
            date.set_date(today)
        self._date_changed()
        date.setFocus()

    def _date_changed(self, *_: object) -> None:
        try:
            self.picker.first_date = parse_date(self.text_of("date"), "Date")
        except ValueError:
            self.picker.first_date = None
        self.picker.refresh_words()

    def text_of(self, name: str) -> str:
        if name == "repeat":
            return self.picker.text()
        return super().text_of(name)

    def set_text(self, name: str, value: str | None) -> None:
        if name == "repeat":
            self.picker.set_rule(value or "")
        else:
            super().set_text(name, value)

    def build(self) -> Appointment:
        a = self._appointment
        why = self.picker.problem()
        fields = self.texts()
        if why is not None:
            fields["repeat"] = ""
        try:
            value = appointment_from_form(
                fields,
                child=self._child,
                id=a.id if a else None,
                uid=a.uid if a else "",
                today=self._today,
                changes=a.changes if a else (),
                series_before=a,
            )
        except FormErrors as exc:
            errors = dict(exc.errors)
        else:
            errors = {}
        if why is not None:
            errors["repeat"] = tr("Repeat: {problem}").format(problem=why)
        if errors:
            raise FormErrors(errors)
        return value


class MoveDateDialog(FormDialog):
    """One date of a series, moved to another day or time or edited on its own; it keeps
    its link to the series (the date it stands for)."""

    def __init__(
        self,
        appointment: Appointment,
        original: dt.date,
        child: Child,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Move or edit the visit of {date}").format(date=date_text(original)), parent
        )
        self._appointment = appointment
        self._original = original
        self._child = child
        self._today = today
        how = schedule.describe_repeat(appointment.repeat, appointment.date)
        said = QLabel(
            self.tr("One date of the series ({how}); the other dates stay as they are.").format(
                how=how
            ),
            self,
        )
        said.setWordWrap(True)
        self.body.addWidget(said)
        form = QFormLayout()
        date = DateField(self, optional=False, today=today)
        self.add_field(form, "date", self.tr("&Date:"), date)
        time = QLineEdit(self)
        time.setPlaceholderText(self.tr("HH:MM (optional)"))
        time.setMaxLength(5)
        self.add_field(form, "time", self.tr("&Time:"), time)
        self.add_field(form, "with_whom", self.tr("&With:"), QLineEdit(self))
        self.add_field(form, "place", self.tr("W&here:"), QLineEdit(self))
        self.add_field(form, "note", self.tr("&Note:"), _text_box(self))
        self.body.addLayout(form)
        c = visits.change_for(appointment, original)
        self.set_text("date", c.date.isoformat())
        self.set_text("time", c.time.strftime("%H:%M") if c.time else "")
        self.set_text("with_whom", c.with_whom)
        self.set_text("place", c.place)
        self.set_text("note", c.note)
        date.setFocus()

    def build(self) -> Appointment:
        return moved_from_form(
            self._appointment, self._original, self.texts(), child=self._child, today=self._today
        )


def move_date_command(
    bridge: RecordBridge, appointment: Appointment, original: dt.date, parent: QWidget | None
) -> Appointment | None:
    """Ask where the visit of ``original`` goes and save it (one undo step)."""
    child = bridge.current_child()
    if child is None or appointment.id is None:
        return None
    stored = bridge.record.entry(Appointment, appointment.id)
    dialog = MoveDateDialog(stored, original, child, bridge.record.today(), parent)
    what = QCoreApplication.translate("RecordBridge", "appointment of {date} moved").format(
        date=date_text(original)
    )
    dialog.submit = lambda a: bridge.save(a, what)
    if dialog.exec() == FormDialog.DialogCode.Accepted:
        result: Appointment = dialog.value
        return result
    return None


def cancel_date_command(
    bridge: RecordBridge, appointment: Appointment, original: dt.date
) -> Appointment:
    """Cancel the visit of ``original`` (one undo step; the series keeps its other dates)."""
    assert appointment.id is not None
    stored = bridge.record.entry(Appointment, appointment.id)
    what = QCoreApplication.translate("RecordBridge", "appointment of {date} cancelled").format(
        date=date_text(original)
    )
    return bridge.save(visits.cancelled(stored, original), what)


def put_back_command(
    bridge: RecordBridge, appointment: Appointment, original: dt.date
) -> Appointment:
    """The visit of ``original`` as the series has it again (one undo step)."""
    assert appointment.id is not None
    stored = bridge.record.entry(Appointment, appointment.id)
    what = QCoreApplication.translate("RecordBridge", "appointment of {date} put back").format(
        date=date_text(original)
    )
    return bridge.save(visits.put_back(stored, original), what)


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
    add_text=N_("Add &appointment…"),
    view="agenda",
    place=1,
    title=N_("Appointments"),
    add_button=N_("Add a&ppointment…"),
    empty=N_(
        "No appointments yet. Add clinic visits, past and planned: the printed "
        "summary covers what happened since the last one.",
    ),
    model=AppointmentsModel,
    newest_first=True,
)

QUESTION_UI = KindUi(
    key="question",
    dialog=lambda e, question, parent: QuestionDialog(question, e.child, e.today, parent),
    add_text=N_("Add &question for the team…"),
    shortcut="Ctrl+Shift+Q",
    view="agenda",
    title=N_("Questions for the team"),
    add_button=N_("Add &question…"),
    empty=N_(
        "No questions yet. Write them down as they come; open ones are printed "
        "on the summary you take to the appointment.",
    ),
    model=QuestionsModel,
)
