"""First run: a short welcome that creates the record and the first child."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from tracker.clock import Clock, system_clock
from tracker.forms import child_from_form
from tracker.model import Child
from tracker.store import Record
from ui.contrast import hint_style
from ui.dialogs.base import DateField, FormDialog
from ui.plain import plain_label


class WelcomeDialog(FormDialog):
    """Asks for the child's name and dates; Save creates the record file (if new) and the child.

    After ``exec()`` returns Accepted, :attr:`record` is the open record.
    """

    def __init__(
        self,
        path: Path,
        record: Record | None = None,
        parent: QWidget | None = None,
        *,
        clock: Clock = system_clock,
        start_over: bool = False,
    ) -> None:
        super().__init__(self.tr("Welcome to Treatment Tracker"), parent)
        self.path = path
        self._clock = clock
        self.record = record
        self.start_over = start_over
        intro = QLabel(
            self.tr(
                "<h2>Welcome</h2>"
                "<p>This program keeps your child's treatment record: phases, blood counts "
                "and lumbar punctures, on this computer only. Nothing is sent anywhere.</p>"
                "<p>To begin, tell us who the record is for. Everything else can be added "
                "later, and everything can be changed.</p>"
            ),
            self,
        )
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        if start_over:
            again = QLabel(
                self.tr(
                    "A record was begun here before but never finished (the program stopped "
                    "while it was being made), so it holds nothing. Start again below; the "
                    "unfinished file is kept beside the new one with “.unfinished” added."
                ),
                self,
            )
            again.setTextFormat(Qt.TextFormat.PlainText)
            again.setWordWrap(True)
            again.setObjectName("startOver")
            self.body.addWidget(again)
        form = QFormLayout()
        self.add_field(form, "name", self.tr("Child's &name:"), QLineEdit(self))
        today = clock().date()
        self.add_field(form, "birth_date", self.tr("Date of &birth:"), DateField(self, today=today))
        self.add_field(
            form,
            "diagnosis_date",
            self.tr("&Diagnosis date:"),
            DateField(self, today=today),
            self.tr("Optional"),
        )
        self.body.addLayout(form)
        where = plain_label(self.tr("Your record will be kept in: {path}").format(path=path), self)
        where.setWordWrap(True)
        where.setStyleSheet(hint_style())
        self.body.addWidget(where)
        self.buttons.button(self.buttons.StandardButton.Save).setText(self.tr("&Start my record"))
        self.setMinimumWidth(520)
        self.field("name").setFocus()
        self.submit = self._create

    def build(self) -> Child:
        return child_from_form(self.texts(), today=self._clock().date())

    def _create(self, child: Child) -> Child:
        if self.record is None:
            self.record = Record.open(
                self.path, create=True, clock=self._clock, start_over=self.start_over
            )
        saved, _ = self.record.save(child)
        return saved
