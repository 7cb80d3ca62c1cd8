"""The editor of a medicine plan, its schedule picker, and the "Change dose" and "Stop
medicine" commands on a saved plan.  Every dose is typed as the team wrote it: nothing
here works one out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker import medicines, schedule
from tracker.forms import FormErrors
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds import by_key
from tracker.kinds.kind import Context
from tracker.kinds.medicine_plan import (
    FORM_NAMES,
    change_dose,
    doses_logged_from,
    doses_to_move,
    per_ml,
    plan_from_form,
    split_dose,
    start_after_doses,
    stop_plan,
)
from tracker.model import Child, DoseLog, MedicineForm, MedicinePlan
from ui.bridge import RecordBridge
from ui.contrast import error_style, hint_style
from ui.dialogs.base import DateField, FormDialog, fill_combo
from ui.dialogs.numbers import WholeNumberBox
from ui.interaction import interaction_of
from ui.kind_ui import KindUi
from ui.models.tables import MedicinePlansModel

DAILY, EVERY_N, WEEKLY, AS_NEEDED = "daily", "every_n", "weekly", "as_needed"
_SHORT_DAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


class SchedulePicker(QWidget):
    """Daily / every N days / weekly on chosen weekdays / as needed, with optional hours of
    the day, shown in words (:func:`tracker.schedule.describe`).

    Signals:
        edited(): the schedule changed.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.how = QComboBox(self)
        for code, text in (
            (DAILY, self.tr("Daily")),
            (EVERY_N, self.tr("Every N days")),
            (WEEKLY, self.tr("Weekly, on chosen days")),
            (AS_NEEDED, self.tr("As needed")),
        ):
            self.how.addItem(text, code)
        self.how.setAccessibleName(self.tr("How often"))
        self.every = WholeNumberBox(2, 366, self.tr("Every"), self)  # as schedule.parse reads
        self.every.setPrefix(self.tr("every "))
        self.every.setSuffix(self.tr(" days"))
        self.every.setAccessibleName(self.tr("Every how many days"))
        self.days: list[QCheckBox] = []
        days_row = QHBoxLayout()
        days_row.setContentsMargins(0, 0, 0, 0)
        for i, name in enumerate(_SHORT_DAYS):
            box = QCheckBox(self.tr(name), self)
            box.setAccessibleName(schedule.day_name(i))
            box.toggled.connect(self._changed)
            days_row.addWidget(box)
            self.days.append(box)
        days_row.addStretch(1)
        self.days_holder = QWidget(self)
        self.days_holder.setLayout(days_row)
        self.hours = QLineEdit(self)
        self.hours.setPlaceholderText(self.tr("times of day, optional: e.g. 19:00, or 8:00, 20:00"))
        self.hours.setAccessibleName(self.tr("Times of day"))
        self.words = QLabel(self)
        self.words.setObjectName("schedule_words")
        self.words.setStyleSheet(hint_style())
        self.words.setWordWrap(True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.how)
        top.addWidget(self.every)
        top.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.days_holder)
        column.addWidget(self.hours)  # on a line of its own: its example is long
        column.addWidget(self.words)
        self.how.currentIndexChanged.connect(self._changed)
        self.every.edited.connect(self._changed)
        self.hours.textChanged.connect(self._changed)
        self.setFocusProxy(self.how)
        self._changed()

    # ------------------------------------------------------------------ reading

    def _hours(self) -> tuple[int, ...]:
        """The hours typed ("19:00", "8, 20", "08:00 20:00"); ValueError in plain words."""
        text = self.hours.text().replace(",", " ").replace(";", " ").split()
        hours = []
        for part in text:
            hh, _, mm = part.partition(":")
            # isdecimal, not isdigit: "²" is a digit int() cannot read
            if not hh.isdecimal() or not 0 <= int(hh) <= 23 or mm not in ("", "0", "00"):
                raise ValueError(
                    tr(
                        "“{part}” is not a whole hour of the day; write hours such as 19:00 or "
                        "8:00, 20:00 (a schedule keeps whole hours)"
                    ).format(part=part)
                )
            hours.append(int(hh))
        return tuple(hours)

    def rule(self) -> str:
        """The RRULE chosen, or ValueError saying what is missing."""
        how = self.how.currentData()
        if how == AS_NEEDED:
            return schedule.AS_NEEDED
        hours = self._hours()
        if how == DAILY:
            return schedule.daily(1, hours)
        if how == EVERY_N:
            return schedule.daily(self.every.number(), hours)
        chosen = [i for i, box in enumerate(self.days) if box.isChecked()]
        if not chosen:
            raise ValueError(tr("choose the days of the week it is given (e.g. Sat and Sun)"))
        return schedule.weekly(chosen, hours)

    def problem(self) -> str | None:
        try:
            self.rule()
        except ValueError as exc:
            return str(exc)
        return None

    def text(self) -> str:
        """The rule, or what was typed when it is not one yet (the dialog compares texts)."""
        try:
            return self.rule()
        except ValueError:
            state = "".join("1" if b.isChecked() else "0" for b in self.days)
            return f"?{self.how.currentData()}:{state}:{self.hours.text()}:{self.every.text()}"

    # ------------------------------------------------------------------ writing

    def set_rule(self, rule: str) -> None:
        try:
            p = schedule.parse(rule)
        except ValueError:
            return
        if p.freq == "as needed":
            how = AS_NEEDED
        elif p.freq == "daily":
            how = DAILY if p.interval == 1 else EVERY_N
            if p.interval != 1:
                self.every.setValue(p.interval)
        else:
            how = WEEKLY
        for i, box in enumerate(self.days):
            box.setChecked(i in p.weekdays)
        self.how.setCurrentIndex(self.how.findData(how))
        self.hours.setText(", ".join(f"{h:02d}:00" for h in p.hours))
        self._changed()

    def _changed(self, *_: object) -> None:
        how = self.how.currentData()
        self.every.setVisible(how == EVERY_N)
        self.days_holder.setVisible(how == WEEKLY)
        self.hours.setVisible(how != AS_NEEDED)
        why = self.problem()
        if why is None:
            words = schedule.describe(self.rule())
            if how == AS_NEEDED:
                words += self.tr(" (no due doses: each one is logged when given)")
            self.words.setText(self.tr("In words: {words}").format(words=words))
            self.words.setStyleSheet(hint_style())
        else:  # a number not accepted is said at once (never the words of another one)
            number = ""
            if how == EVERY_N:
                try:
                    self.every.number()
                except ValueError as exc:
                    number = str(exc)
            self.words.setText("⚠ " + number if number else "")
            self.words.setStyleSheet(error_style() if number else hint_style())
        self.edited.emit()


class _ScheduleFields(FormDialog):
    """A form with a schedule picker as its field ``schedule``."""

    picker: SchedulePicker

    def text_of(self, name: str) -> str:
        if name == "schedule":
            return self.picker.text()
        return super().text_of(name)

    def set_text(self, name: str, value: str | None) -> None:
        if name == "schedule":
            self.picker.set_rule(value or "")
        else:
            super().set_text(name, value)

    def _with_schedule(self, build: Callable[[Mapping[str, str]], object]) -> object:
        """``build(fields)`` with the picker's own problem beside the schedule."""
        why = self.picker.problem()
        fields = self.texts()
        if why is not None:
            fields["schedule"] = ""
        try:
            value = build(fields)
        except FormErrors as exc:
            errors = dict(exc.errors)
        else:
            errors = {}
        if why is not None:
            errors["schedule"] = tr("Schedule: {problem}").format(problem=why)
        if errors:
            raise FormErrors(errors)
        return value

    def _add_dose_fields(self, form: QFormLayout) -> None:
        amount = QLineEdit(self)
        amount.setPlaceholderText(self.tr("e.g. 20 or 2.5"))
        self.add_field(
            form,
            "dose_amount",
            self.tr("D&ose:"),
            amount,
            self.tr("As the team wrote it on the sheet; this program never works a dose out"),
        )
        unit = QComboBox(self)
        unit.setEditable(True)
        unit.addItems(["mg", "mL", "tablet", "tablets", "capsule", "drops"])
        unit.setCurrentIndex(-1)  # not entered: no unit is guessed, the family types or picks it
        unit.lineEdit().setPlaceholderText(self.tr("e.g. mg or mL, as the team wrote it"))
        self.add_field(form, "dose_unit", self.tr("Dose &unit:"), unit)
        amount.editingFinished.connect(self._split_dose)

    def _split_dose(self) -> None:
        """ "20 mg" typed in the amount becomes 20 beside the unit mg (on leaving it)."""
        typed = (self.text_of("dose_amount"), self.text_of("dose_unit"))
        amount, unit = split_dose(*typed)
        if (amount, unit) != typed:
            self.set_text("dose_amount", amount)
            self.set_text("dose_unit", unit)

    def _add_strength_and_form(self, form: QFormLayout, placeholder: str = "") -> None:
        """Strength and form (not entered until chosen: no form is guessed); a strength per
        mL typed while the form is one the family did not choose here switches it to Liquid."""
        strength = QLineEdit(self)
        strength.setPlaceholderText(placeholder)
        self.add_field(form, "strength", self.tr("S&trength:"), strength)
        kind = QComboBox(self)
        fill_combo(kind, FORM_NAMES)
        kind.insertItem(0, self.tr("not entered"), "")
        kind.setCurrentIndex(0)
        self.add_field(form, "form", self.tr("&Form:"), kind)
        self._form_chosen = False

        def chosen(*_: object) -> None:
            self._form_chosen = True

        def typed(text: str) -> None:
            guessable = ("", MedicineForm.TABLET.value, MedicineForm.CAPSULE.value)
            if per_ml(text) and not self._form_chosen and self.text_of("form") in guessable:
                self.set_text("form", MedicineForm.LIQUID.value)

        kind.activated.connect(chosen)
        strength.textEdited.connect(typed)

    def _add_schedule(self, form: QFormLayout) -> None:
        self.picker = SchedulePicker(self)
        self.add_field(form, "schedule", self.tr("Sc&hedule:"), self.picker)


def _context(bridge: RecordBridge | None, child: Child, today: dt.date) -> Context:
    if bridge is None or child.id is None:
        return Context(child, today)
    record, child_id = bridge.record, child.id
    return Context(child, today, lambda key: record.entries(by_key(key).model, child_id))


class MedicinePlanDialog(_ScheduleFields):
    """A new plan, or a saved one (with "Change dose…" and "Stop medicine…" on it)."""

    def __init__(
        self,
        plan: MedicinePlan | None,
        child: Child,
        today: dt.date,
        parent: QWidget | None = None,
        bridge: RecordBridge | None = None,
    ) -> None:
        super().__init__(
            self.tr("New medicine plan") if plan is None else self.tr("Edit medicine plan"),
            parent,
        )
        self._plan = plan
        self._child = child
        self._today = today
        self._bridge = bridge
        self.changed_to: MedicinePlan | None = None  # set when "Change dose…" saved one
        form = QFormLayout()
        drug = QComboBox(self)
        drug.setEditable(True)
        drug.addItems(medicines.pick_list())
        drug.setCurrentIndex(-1)
        drug.lineEdit().setPlaceholderText(self.tr("choose, or type any other medicine"))
        self.add_field(form, "drug", self.tr("&Medicine:"), drug)
        self._add_strength_and_form(form, self.tr("e.g. 50 mg, 20 mg/mL"))
        self._add_dose_fields(form)
        self._add_schedule(form)
        start = DateField(self, today=today)
        self.add_field(
            form,
            "start_date",
            self.tr("Sta&rt:"),
            start,
            self.tr("May be a day to come (“from Monday”)"),
        )
        end = DateField(self, today=today)
        self.add_field(form, "end_date", self.tr("E&nd:"), end, self.tr("Empty while it goes on"))
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(54)
        self.add_field(form, "team_note", self.tr("What the team sa&id:"), note)
        self.body.addLayout(form)
        self.change_button: QPushButton | None = None
        self.stop_button: QPushButton | None = None
        if plan is not None and bridge is not None:
            self.change_button = QPushButton(self.tr("Change &dose…"), self)
            self.change_button.setToolTip(
                self.tr("Ends this plan the day before and starts the new dose (Alt+D)")
            )
            self.change_button.clicked.connect(self._change_dose)
            self.stop_button = QPushButton(self.tr("Sto&p medicine…"), self)
            self.stop_button.setToolTip(self.tr("Ends this plan on a day (Alt+P)"))
            self.stop_button.clicked.connect(self._stop)
            row = QHBoxLayout()
            row.addWidget(self.change_button)
            row.addWidget(self.stop_button)
            row.addStretch(1)
            self.body.addLayout(row)
        if plan is not None:
            self.set_text("drug", plan.drug)
            self.set_text("strength", plan.strength)
            self.set_text("form", plan.form.value if plan.form is not None else "")
            self.set_text("dose_amount", plan.dose_amount)
            self.set_text("dose_unit", plan.dose_unit)
            self.set_text("schedule", plan.schedule)
            self.set_text("start_date", plan.start_date.isoformat())
            self.set_text("end_date", plan.end_date.isoformat() if plan.end_date else "")
            self.set_text("team_note", plan.team_note)
        else:
            start.set_date(today)
        drug.setFocus()

    def build(self) -> MedicinePlan:
        p = self._plan
        return self._with_schedule(  # type: ignore[return-value]
            lambda fields: plan_from_form(
                fields,
                child=self._child,
                today=self._today,
                id=p.id if p else None,
                uid=p.uid if p else "",
                follows_id=p.follows_id if p else None,
                context=_context(self._bridge, self._child, self._today),
            )
        )

    def _change_dose(self) -> None:
        assert self._plan is not None and self._bridge is not None
        new = change_dose_command(self._bridge, self._plan, self)
        if new is not None:
            self.changed_to = new
            self.value = new
            self.done(FormDialog.DialogCode.Accepted)

    def _stop(self) -> None:
        assert self._plan is not None and self._bridge is not None
        stopped = stop_command(self._bridge, self._plan, self)
        if stopped is not None:
            self.value = stopped
            self.done(FormDialog.DialogCode.Accepted)


class ChangeDoseDialog(_ScheduleFields):
    """From which day the new dose runs, the dose (and, if they changed, the strength,
    form and schedule) and what the team said; saving ends the old plan the day before."""

    def __init__(
        self, plan: MedicinePlan, child: Child, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Change dose: {drug}").format(drug=plan.drug), parent)
        self._plan = plan
        self._child = child
        self._today = today
        self.context: Context = Context(child, today)
        self.moving: list[DoseLog] = []  # the logged doses that move to the new plan
        now = QLabel(self.tr("Now: {line}").format(line=medicines.plan_line(plan)), self)
        now.setWordWrap(True)
        self.body.addWidget(now)
        form = QFormLayout()
        on = DateField(self, optional=False, today=today)
        self.add_field(
            form,
            "change_date",
            self.tr("New dose fro&m:"),
            on,
            self.tr("The old dose ends the day before"),
        )
        self._add_dose_fields(form)
        self._add_strength_and_form(form)
        self._add_schedule(form)
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(54)
        note.setPlaceholderText(self.tr("e.g. what the team said on the phone"))
        self.add_field(form, "team_note", self.tr("What the team sa&id:"), note)
        self.body.addLayout(form)
        self.set_text("change_date", max(today, plan.start_date + dt.timedelta(days=1)).isoformat())
        self.set_text("dose_unit", plan.dose_unit)
        self.set_text("strength", plan.strength)
        self.set_text("form", plan.form.value if plan.form is not None else "")
        self.set_text("schedule", plan.schedule)
        on.setFocus()

    def build(self, on: dt.date | None = None) -> tuple[MedicinePlan, MedicinePlan]:
        """The ended plan and the new one (from ``on`` instead of the day typed, if given)."""
        return self._with_schedule(  # type: ignore[return-value]
            lambda fields: change_dose(
                self._plan,
                {**fields, "change_date": on.isoformat()} if on else fields,
                child=self._child,
                today=self._today,
                context=self.context,
            )
        )

    def answered(
        self, pair: tuple[MedicinePlan, MedicinePlan]
    ) -> tuple[MedicinePlan, MedicinePlan] | None:
        """When doses are logged for the old plan on or after the change, only the family
        knows which dose they were: asked, they move to the new plan (``moving``) or stay
        and the new dose starts the day after the last of them; None if cancelled."""
        self.moving = []
        logged = doses_logged_from(self._plan, pair[1].start_date, self.context)
        if not logged:
            return pair
        old, new = medicines.dose_text(self._plan), medicines.dose_text(pair[1])
        first, last = date_text(logged[0].due_date), date_text(logged[-1].due_date)
        after = logged[-1].due_date + dt.timedelta(days=1)
        if len(logged) == 1:
            text = self.tr("1 dose is logged on {first} under {old}. Which dose was it?")
        else:
            text = self.tr(
                "{n} doses are logged from {first} to {last} under {old}. Which dose were they?"
            )
        picked = interaction_of(self).choose(
            self,
            self.tr("Which dose was given?"),
            text.format(n=len(logged), first=first, last=last, old=old),
            [
                self.tr("The &new dose ({new}): move them to it").format(new=new),
                self.tr("The &old dose ({old}): start the new dose on {after}, after them").format(
                    old=old, after=date_text(after)
                ),
            ],
        )
        if picked is None:
            return None
        if picked == 0:
            self.moving = doses_to_move(self._plan, pair[1], self.context)
            return pair
        return self.build(start_after_doses(self._plan, logged))


class StopDialog(FormDialog):
    """The last day the medicine is given."""

    def __init__(
        self, plan: MedicinePlan, child: Child, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Stop medicine: {drug}").format(drug=plan.drug), parent)
        self._plan = plan
        self._child = child
        self._today = today
        now = QLabel(self.tr("Now: {line}").format(line=medicines.plan_line(plan)), self)
        now.setWordWrap(True)
        self.body.addWidget(now)
        form = QFormLayout()
        last = DateField(self, optional=False, today=today)
        self.add_field(form, "end_date", self.tr("&Last day given:"), last)
        self.body.addLayout(form)
        last.set_date(max(today, plan.start_date) if plan.end_date is None else plan.end_date)
        last.setFocus()

    def build(self) -> MedicinePlan:
        return stop_plan(self._plan, self.text_of("end_date"), today=self._today, child=self._child)


def change_dose_command(
    bridge: RecordBridge, plan: MedicinePlan, parent: QWidget | None
) -> MedicinePlan | None:
    """Ask for the new dose and save the change (one undo step); the new plan, or None."""
    child = bridge.current_child()
    if child is None or plan.id is None:
        return None
    stored = bridge.record.entry(MedicinePlan, plan.id)
    today = bridge.record.today()
    dialog = ChangeDoseDialog(stored, child, today, parent)
    dialog.context = _context(bridge, child, today)
    text = N_("dose of {drug} changed")

    def submit(pair: tuple[MedicinePlan, MedicinePlan]) -> MedicinePlan:
        what = tr(text).format(drug=stored.drug)
        moving = dialog.moving  # the doses logged since that the family said were the new dose

        def moved(new: MedicinePlan) -> list[DoseLog]:
            return [replace(d, plan_id=new.id) for d in moving]

        return bridge.save_edit_and_new(*pair, what, moved)[1]

    dialog.submit = submit
    if dialog.exec() == FormDialog.DialogCode.Accepted:
        result: MedicinePlan = dialog.value
        return result
    return None


def stop_command(
    bridge: RecordBridge, plan: MedicinePlan, parent: QWidget | None
) -> MedicinePlan | None:
    """Ask for the last day and end the plan (one undo step); the ended plan, or None."""
    child = bridge.current_child()
    if child is None or plan.id is None:
        return None
    stored = bridge.record.entry(MedicinePlan, plan.id)
    dialog = StopDialog(stored, child, bridge.record.today(), parent)
    dialog.submit = bridge.save
    if dialog.exec() == FormDialog.DialogCode.Accepted:
        result: MedicinePlan = dialog.value
        return result
    return None


MEDICINE_PLAN_UI = KindUi(
    key="medicine_plan",
    dialog=lambda e, plan, parent: MedicinePlanDialog(plan, e.child, e.today, parent, e.bridge),
    add_text=N_("Add m&edicine plan…"),
    shortcut="Ctrl+Shift+E",
    view="medicines",
    title=N_("Medicines at home"),
    add_button=N_("Add &medicine…"),
    empty=N_(
        "No medicines yet. Add each medicine given at home as the team wrote it on the "
        "sheet: the dose, the strength and when it is given (e.g. 6-MP daily in the "
        "evening, co-trimoxazole on Saturday and Sunday).",
    ),
    model=MedicinePlansModel,
)
