"""The editor of a logged dose (which medicine, which due dose, what happened), and the
dose kind on screen: its log lies under the Today tab (ui/views/today.py), where a due
dose is ticked with one key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from tracker import schedule
from tracker.dates import parse_date
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.dose import (
    ASK_AFTER_VOMITING,
    DOSE_STATUS,
    WITH_GIVEN_TIME,
    dose_from_form,
    plan_dose_text,
)
from tracker.model import Child, DoseLog, DoseStatus, MedicinePlan
from ui.contrast import hint_style
from ui.dialogs.base import DateField, FormDialog, fill_combo
from ui.kind_ui import Editing, KindUi
from ui.models.tables import DosesModel


def plan_text(p: MedicinePlan) -> str:
    """ "6-mercaptopurine 25 mg (daily, at 19:00; from 2026-11-01)"."""
    try:
        how = schedule.describe(p.schedule)
    except ValueError:
        how = p.schedule
    start = date_text(p.start_date)
    if p.end_date:
        span = tr("from {start} to {end}").format(start=start, end=date_text(p.end_date))
    else:
        span = tr("from {start}").format(start=start)
    return f"{p.drug} {plan_dose_text(p)} ({how}; {span})".replace("  ", " ")


class DoseDialog(FormDialog):
    def __init__(
        self,
        dose: DoseLog | None,
        child: Child,
        today: dt.date,
        plans: Sequence[MedicinePlan],
        doses: Sequence[DoseLog] = (),
        parent: QWidget | None = None,
        preset: DoseLog | None = None,
    ) -> None:
        super().__init__(self.tr("New dose") if dose is None else self.tr("Edit dose"), parent)
        self._dose = dose
        self._child = child
        self._today = today
        self._plans = list(plans)
        self._doses = list(doses)
        form = QFormLayout()
        plan = QComboBox(self)
        plan.addItem(self.tr("(choose the medicine)"), "")
        for p in self._plans:
            plan.addItem(plan_text(p), str(p.id))
        self.add_field(form, "plan_id", self.tr("&Medicine:"), plan)
        date = DateField(self, today=today, optional=False)
        self.add_field(form, "due_date", self.tr("D&ue:"), date)
        due_time = QLineEdit(self)
        due_time.setPlaceholderText(self.tr("HH:MM, as the schedule says (empty if none)"))
        due_time.setMaxLength(5)
        self.add_field(form, "due_time", self.tr("Due &at:"), due_time)
        status = QComboBox(self)
        fill_combo(status, DOSE_STATUS)
        self.add_field(form, "status", self.tr("&What happened:"), status)
        given = QLineEdit(self)
        given.setPlaceholderText(self.tr("HH:MM (optional)"))
        given.setMaxLength(5)
        self.add_field(form, "given_time", self.tr("&Given at:"), given)
        amount = QLineEdit(self)
        amount.setPlaceholderText(self.tr("only if different from the plan: e.g. 0.3 mL, half"))
        self.add_field(form, "amount", self.tr("Amou&nt given:"), amount)
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(60)
        self.add_field(form, "note", self.tr("N&ote:"), note)
        self.body.addLayout(form)
        # Never advice: where a family would ask, the program says who to ask.
        self.ask = QLabel(self.tr(ASK_AFTER_VOMITING), self)
        self.ask.setObjectName("ask_team")
        self.ask.setStyleSheet(hint_style())
        self.body.addWidget(self.ask)
        shown = dose or preset
        if shown is not None:
            self.set_text("plan_id", str(shown.plan_id) if shown.plan_id is not None else "")
            self.set_text("due_date", shown.due_date.isoformat())
            self.set_text("due_time", f"{shown.due_time:%H:%M}" if shown.due_time else "")
            self.set_text("status", shown.status.value)
            self.set_text("given_time", f"{shown.given_time:%H:%M}" if shown.given_time else "")
            self.set_text("amount", shown.amount)
            self.set_text("note", shown.note)
        else:
            date.set_date(today)
        status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()
        plan.currentIndexChanged.connect(self._fill_due_time)
        date.edited.connect(self._fill_due_time)
        plan.setFocus()

    def _fill_due_time(self) -> None:
        """With the time still empty, the plan's one due time that day (19:00 for an
        evening 6-MP): nothing to look up on the team's sheet."""
        if self.text_of("due_time"):
            return
        p = next((p for p in self._plans if str(p.id) == self.text_of("plan_id")), None)
        try:
            day = parse_date(self.text_of("due_date"))
        except ValueError:
            return
        if p is None or schedule.problem(p.schedule) is not None:
            return
        due = schedule.occurrences(p.schedule, p.start_date, p.end_date, day, day)
        if len(due) == 1 and due[0][1] is not None:
            self.set_text("due_time", f"{due[0][1]:%H:%M}")

    def _status_changed(self) -> None:
        status = DoseStatus(self.text_of("status") or DoseStatus.GIVEN.value)
        self.field("given_time").setEnabled(status in WITH_GIVEN_TIME)
        self.ask.setVisible(status is DoseStatus.VOMITED)

    def build(self) -> DoseLog:
        d = self._dose
        texts = self.texts()
        if not self.field("given_time").isEnabled():
            texts["given_time"] = ""  # a missed or held dose has no time it was given
        return dose_from_form(
            texts,
            child=self._child,
            today=self._today,
            plans=self._plans,
            doses=self._doses,
            id=d.id if d else None,
            uid=d.uid if d else "",
        )


def dose_dialog(
    e: Editing, dose: DoseLog | None, parent: QWidget | None, preset: DoseLog | None = None
) -> DoseDialog:
    assert e.child.id is not None
    record = e.bridge.record
    return DoseDialog(
        dose,
        e.child,
        e.today,
        record.entries(MedicinePlan, e.child.id),
        record.entries(DoseLog, e.child.id),
        parent,
        preset,
    )


RECENT_DAYS = 56  # the log under the Today tab; every dose is on the timeline

DOSE_UI = KindUi(
    key="dose",
    dialog=lambda e, dose, parent: dose_dialog(e, dose, parent),
    add_text=N_("Log a &dose…"),
    shortcut="Ctrl+Shift+D",
    view="today",
    place=0,
    title=N_("Doses logged in the last 8 weeks"),
    add_button=N_("Log a dose…"),
    empty=N_(
        "No doses logged in the last 8 weeks. Tick each due dose above as it is given, missed, "
        "vomited or held by the team; older ones are on the timeline.",
    ),
    model=lambda parent: DosesModel(parent),
    newest_first=True,
    reads=("medicine_plan",),
    recent_days=RECENT_DAYS,
)
