"""Editors for a treatment phase and for a milestone (marrow check, MRD, remission…)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from tracker import labels
from tracker.forms import milestone_from_form, phase_from_form
from tracker.i18n import N_
from tracker.model import Child, Milestone, Mrd, MrdQualifier, Phase
from tracker.mrd import CARRIES_MRD, format_mrd, is_bare_number, parse_mrd
from ui.dialogs.base import DateField, FormDialog, fill_combo
from ui.kind_ui import KindUi
from ui.models.tables import MilestonesModel, PhasesModel
from ui.plain import plain_label

# Names families meet on Interfant roadmaps (domain.md §1.2); any other name can be typed.
PHASE_NAMES = [
    "",
    N_("Prednisone prophase"),
    N_("Induction"),
    "Blinatumomab 1",
    "Blinatumomab 2",
    N_("Protocol IB"),
    "ADE",
    "MAE",
    "MARMA",
    "OCTADAD",
    "VIMARAM",
    N_("Maintenance"),
    N_("Allogeneic SCT"),
]


def _notes(parent: QWidget) -> QPlainTextEdit:
    notes = QPlainTextEdit(parent)
    notes.setTabChangesFocus(True)
    notes.setFixedHeight(70)
    return notes


class PhaseDialog(FormDialog):
    def __init__(
        self,
        phase: Phase | None,
        child: Child,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("New phase") if phase is None else self.tr("Edit phase"), parent)
        self._phase = phase
        self._child = child
        self._today = today
        form = QFormLayout()
        kind = QComboBox(self)
        fill_combo(kind, labels.PHASE_KIND)
        self.add_field(form, "kind", self.tr("&Kind:"), kind)
        name = QComboBox(self)
        name.setEditable(True)
        name.addItems([self.tr(n) if n else n for n in PHASE_NAMES])  # as the units say them
        self.add_field(
            form,
            "name",
            self.tr("&Name:"),
            name,
            self.tr("As your team calls it, e.g. “MARMA” or “Protocol IB”"),
        )
        actual = QGroupBox(self.tr("What happened"), self)
        aform = QFormLayout(actual)
        self.add_field(aform, "actual_start", self.tr("S&tarted on:"), DateField(self, today=today))
        self.add_field(
            aform,
            "actual_end",
            self.tr("&Ended on:"),
            DateField(self, today=today),
            self.tr("Leave empty while the phase is still running"),
        )
        planned = QGroupBox(self.tr("What is planned"), self)
        pform = QFormLayout(planned)
        self.add_field(
            pform, "planned_start", self.tr("&Planned start:"), DateField(self, today=today)
        )
        self.add_field(pform, "planned_end", self.tr("Planned en&d:"), DateField(self, today=today))
        notes_form = QFormLayout()
        self.add_field(notes_form, "notes", self.tr("N&otes:"), _notes(self))
        self.body.addLayout(form)
        self.body.addWidget(actual)
        self.body.addWidget(planned)
        self.body.addLayout(notes_form)
        if phase is not None:
            self.set_text("kind", phase.kind.value)
            self.set_text("name", phase.name)
            for key in ("actual_start", "actual_end", "planned_start", "planned_end"):
                value = getattr(phase, key)
                self.set_text(key, value.isoformat() if value else "")
            self.set_text("notes", phase.notes)
        kind.setFocus()

    def build(self) -> Phase:
        p = self._phase
        return phase_from_form(
            self.texts(),
            child=self._child,
            id=p.id if p else None,
            uid=p.uid if p else "",
            today=self._today,
        )


class MilestoneDialog(FormDialog):
    def __init__(
        self,
        milestone: Milestone | None,
        child: Child,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("New milestone") if milestone is None else self.tr("Edit milestone"), parent
        )
        self._milestone = milestone
        self._child = child
        self._today = today
        form = QFormLayout()
        self.add_field(form, "date", self.tr("&Date:"), DateField(self, today=today))
        self.add_field(
            form,
            "planned",
            self.tr("Planned:"),
            QCheckBox(self.tr("Still to come (&planned)"), self),
        )
        kind = QComboBox(self)
        fill_combo(kind, labels.MILESTONE_KIND)
        self.add_field(form, "kind", self.tr("&Kind:"), kind)
        self.add_field(
            form,
            "result_text",
            self.tr("&Result:"),
            QLineEdit(self),
            self.tr("In the team's words, e.g. “in remission, M1 marrow”"),
        )
        self.mrd_box = QGroupBox(self.tr("MRD (measurable residual disease)"), self)
        mform = QFormLayout(self.mrd_box)
        qualifier = QComboBox(self)
        fill_combo(qualifier, labels.MRD_QUALIFIER)
        self.add_field(mform, "mrd_qualifier", self.tr("Reported &as:"), qualifier)
        value = QLineEdit(self)
        value.setPlaceholderText(self.tr("e.g. 0.01%  or  1e-4  or  10^-4"))
        self.add_field(
            mform,
            "mrd_value",
            self.tr("&Value:"),
            value,
            self.tr("As on the report: 0.01%, 1e-4 or 10^-4"),
        )
        notation = QComboBox(self)
        notation.addItem(self.tr("Choose for a plain number…"), "")
        for label, code in (
            (self.tr("a percentage (0.01 means 0.01%)"), "percent"),
            (self.tr("a fraction (0.0001 means 1 in 10,000)"), "fraction"),
        ):
            notation.addItem(label, code)
        self.add_field(mform, "mrd_notation", self.tr("A plain number is:"), notation)
        notation.currentIndexChanged.connect(lambda _i: self._preview(value.text()))
        qualifier.currentIndexChanged.connect(lambda _i: self._preview(value.text()))
        self.mrd_preview = plain_label(parent=self)
        self.mrd_preview.setObjectName("mrd_preview")
        mform.addRow("", self.mrd_preview)
        method = QComboBox(self)
        method.addItem(self.tr("Not stated"), "")
        for code, label in labels.MRD_METHOD.items():
            method.addItem(label, code)
        self.add_field(mform, "mrd_method", self.tr("&Method:"), method)
        sample = QComboBox(self)
        sample.addItem(self.tr("Not stated"), "")
        for code, label in labels.MRD_SAMPLE.items():
            sample.addItem(label, code)
        self.add_field(mform, "mrd_sample", self.tr("Samp&le:"), sample)
        notes_form = QFormLayout()
        self.add_field(notes_form, "notes", self.tr("N&otes:"), _notes(self))
        self.body.addLayout(form)
        self.body.addWidget(self.mrd_box)
        self.body.addLayout(notes_form)
        kind.currentIndexChanged.connect(self._kind_changed)
        value.textChanged.connect(self._preview)
        if milestone is not None:
            self.set_text("date", milestone.date.isoformat())
            self.set_text("planned", "1" if milestone.planned else "")
            self.set_text("kind", milestone.kind.value)
            self.set_text("result_text", milestone.result_text)
            self.set_text("notes", milestone.notes)
            if milestone.mrd is not None:
                self.set_text("mrd_qualifier", milestone.mrd.qualifier.value)
                self.set_text("mrd_value", milestone.mrd.entered)
                self.set_text(
                    "mrd_method", milestone.mrd.method.value if milestone.mrd.method else ""
                )
                self.set_text(
                    "mrd_sample", milestone.mrd.sample.value if milestone.mrd.sample else ""
                )
        self._kind_changed()
        self.field("date").setFocus()

    def _kind_changed(self) -> None:
        self.mrd_box.setVisible(self.text_of("kind") in {k.value for k in CARRIES_MRD})

    def _preview(self, text: str) -> None:
        if not text.strip():
            self.mrd_preview.clear()
            return
        try:
            fraction = parse_mrd(text, bare_as=self.text_of("mrd_notation"))
            qualifier = MrdQualifier(self.text_of("mrd_qualifier") or MrdQualifier.QUANTIFIED)
            self.mrd_preview.setText("= " + format_mrd(Mrd(text, fraction, qualifier)))
        except ValueError:
            self.mrd_preview.setText(
                self.tr("(choose below whether it is a percentage or a fraction)")
                if is_bare_number(text)
                else self.tr("(not a value yet)")
            )

    def build(self) -> Milestone:
        m = self._milestone
        fields = self.texts()
        if fields["kind"] not in {k.value for k in CARRIES_MRD}:
            for key in ("mrd_qualifier", "mrd_value", "mrd_method", "mrd_sample", "mrd_notation"):
                fields.pop(key, None)
        return milestone_from_form(
            fields,
            child=self._child,
            today=self._today,
            id=m.id if m else None,
            uid=m.uid if m else "",
        )


PHASE_UI = KindUi(
    key="phase",
    dialog=lambda e, phase, parent: PhaseDialog(phase, e.child, e.today, parent),
    add_text=N_("Add &phase…"),
    shortcut="Ctrl+Shift+P",
    view="phases",
    title=N_("Treatment phases"),
    add_button=N_("Add &phase…"),
    empty=N_(
        "No phases yet. Add the phases from your team's roadmap, e.g. prophase "
        "and induction; planned phases can be added with planned dates.",
    ),
    model=PhasesModel,
)

MILESTONE_UI = KindUi(
    key="milestone",
    dialog=lambda e, milestone, parent: MilestoneDialog(milestone, e.child, e.today, parent),
    add_text=N_("Add &milestone…"),
    shortcut="Ctrl+Shift+M",
    view="phases",
    place=1,
    title=N_("Milestones"),
    add_button=N_("Add &milestone…"),
    empty=N_("No milestones yet: marrow checks, MRD results, remission, risk-group changes."),
    model=MilestonesModel,
)
