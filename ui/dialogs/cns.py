"""Editor for a CNS-prophylaxis visit: the lumbar puncture, the drugs given, the CSF results."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from tracker import labels
from tracker.analytes import format_number
from tracker.dates import parse_date
from tracker.forms import cns_visit_from_form
from tracker.i18n import N_
from tracker.i18n.formats import date_text
from tracker.model import Child, CnsVisit, Phase
from tracker.phases import current_phase
from ui.contrast import error_style
from ui.dialogs.base import DateField, FormDialog, fill_combo
from ui.kind_ui import Editing, KindUi
from ui.models.tables import CnsVisitsModel
from ui.plain import plain_label


class CnsVisitDialog(FormDialog):
    """Only methotrexate, cytarabine, hydrocortisone and prednisolone can be recorded as
    given intrathecally; another name typed under "Other" is refused with the reason."""

    def __init__(
        self,
        visit: CnsVisit | None,
        child: Child,
        phases: list[Phase],
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("New lumbar puncture") if visit is None else self.tr("Edit lumbar puncture"),
            parent,
        )
        self._visit = visit
        self._child = child
        self._today = today
        form = QFormLayout()
        date = DateField(self, today=today)
        self.add_field(form, "date", self.tr("&Date:"), date)
        self.add_field(
            form,
            "planned",
            self.tr("Planned:"),
            QCheckBox(self.tr("Still to come (&planned)"), self),
        )
        phase = QComboBox(self)
        phase.addItem(self.tr("Not linked to a phase"), "")
        for p in phases:
            start = date_text(p.start) if p.start else "?"
            phase.addItem(f"{p.display_name} ({start})", str(p.id))
        self.add_field(form, "phase_id", self.tr("P&hase:"), phase)
        procedure = QComboBox(self)
        fill_combo(procedure, labels.LP_PROCEDURE)
        self.add_field(form, "procedure", self.tr("P&rocedure:"), procedure)
        self.body.addLayout(form)

        drugs = QGroupBox(self.tr("Intrathecal drugs given"), self)
        grid = QGridLayout(drugs)
        self._drug_rows: list[tuple[QCheckBox, QLineEdit]] = []
        lettered = {  # the drugs' names with their Alt letters
            "methotrexate": self.tr("&Methotrexate"),
            "cytarabine": self.tr("C&ytarabine"),
            "hydrocortisone": self.tr("Hydrocort&isone"),
            "prednisolone": self.tr("Pred&nisolone"),
        }
        for row, (code, name) in enumerate(labels.IT_DRUG.items()):
            check = QCheckBox(lettered[code], self)
            check.setAccessibleName(name)
            check.setObjectName(f"drug_{code}")
            dose = QLineEdit(self)
            dose.setPlaceholderText(self.tr("dose, e.g. 8 mg"))
            dose.setAccessibleName(self.tr("{drug} dose").format(drug=name))
            dose.setEnabled(False)
            check.toggled.connect(dose.setEnabled)
            grid.addWidget(check, row, 0)
            grid.addWidget(dose, row, 1)
            self._drug_rows.append((check, dose))
        other_row = len(labels.IT_DRUG)
        grid.addWidget(QLabel(self.tr("Other (type the name):"), self), other_row, 0)
        other = QHBoxLayout()
        self.other_drug = QLineEdit(self)
        self.other_drug.setObjectName("other_drug")
        self.other_drug.setAccessibleName(self.tr("Other intrathecal drug"))
        self.other_dose = QLineEdit(self)
        self.other_dose.setPlaceholderText(self.tr("dose"))
        other.addWidget(self.other_drug, 2)
        other.addWidget(self.other_dose, 1)
        grid.addLayout(other, other_row, 1)
        self.drug_error = plain_label(parent=self)  # quotes the typed drug
        self.drug_error.setWordWrap(True)
        self.drug_error.setStyleSheet(error_style())
        self.drug_error.setObjectName("error_it_drugs")
        self.drug_error.hide()
        grid.addWidget(self.drug_error, other_row + 1, 0, 1, 2)
        self.register(f"it_drugs.{other_row}", self.other_drug, self.drug_error)
        self.register("it_drugs", self.other_drug, self.drug_error)
        self.body.addWidget(drugs)

        csf = QGroupBox(self.tr("Spinal fluid (CSF) results"), self)
        cform = QFormLayout(csf)
        self.add_field(cform, "csf_wbc", self.tr("&White cells per µL:"), QLineEdit(self))
        self.add_field(cform, "csf_rbc", self.tr("Red cells per µ&L:"), QLineEdit(self))
        blasts = QComboBox(self)
        fill_combo(blasts, labels.YES_NO)
        blasts.setCurrentIndex(blasts.findData("unknown"))
        self.add_field(cform, "blasts_seen", self.tr("&Blasts seen:"), blasts)
        status = QComboBox(self)
        fill_combo(status, labels.CNS_STATUS)
        status.setCurrentIndex(status.findData("pending"))
        self.add_field(
            cform,
            "cns_status",
            self.tr("CNS s&tatus:"),
            status,
            self.tr("As written by the team; “Pending” until the result is back"),
        )
        self.body.addWidget(csf)

        more = QFormLayout()
        self.add_field(more, "sedation", self.tr("S&edation:"), QLineEdit(self))
        self.add_field(more, "platelets", self.tr("Platelets that day (×10⁹/L):"), QLineEdit(self))
        self.add_field(more, "complications", self.tr("&Complications:"), QLineEdit(self))
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(50)
        self.add_field(more, "note", self.tr("N&ote:"), note)
        self.body.addLayout(more)
        # A new LP is linked to the phase its date lies in, and follows the date as it is
        # typed, until the family picks a phase themselves (an LP being edited keeps its own).
        self._phases = phases
        self._phase_chosen = visit is not None
        phase.activated.connect(self._phase_picked)
        date.edited.connect(self._follow_date)
        if visit is not None:
            self._load(visit)
        else:
            date.set_date(today)
        date.setFocus()

    def _phase_picked(self) -> None:
        self._phase_chosen = True

    def _follow_date(self) -> None:
        if self._phase_chosen:
            return
        try:
            day = parse_date(self.text_of("date"))  # as the locale writes it, or ISO
        except ValueError:
            return  # not a date (yet): the phase stays as it is
        running = current_phase(self._phases, day)
        self.set_text("phase_id", str(running.phase.id) if running is not None else "")

    def _load(self, v: CnsVisit) -> None:
        self.set_text("date", v.date.isoformat())
        self.set_text("planned", "1" if v.planned else "")
        self.set_text("phase_id", str(v.phase_id) if v.phase_id is not None else "")
        self.set_text("procedure", v.procedure.value)
        given = {d.drug.value: d.dose_text for d in v.it_drugs}
        for (check, dose), code in zip(self._drug_rows, labels.IT_DRUG, strict=True):
            if code in given:
                check.setChecked(True)
                dose.setText(given[code])
        for key, value in (
            ("csf_wbc", v.csf_wbc),
            ("csf_rbc", v.csf_rbc),
            ("platelets", v.platelets),
        ):
            # six figures, as saved: the form writes back what it shows
            self.set_text(key, format_number(value, 6) if value is not None else "")
        self.set_text("blasts_seen", v.blasts_seen.value)
        self.set_text("cns_status", v.cns_status.value)
        self.set_text("sedation", v.sedation)
        self.set_text("complications", v.complications)
        self.set_text("note", v.note)

    def drugs(self) -> list[tuple[str, str]]:
        chosen = [
            (code, dose.text()) if check.isChecked() else ("", "")
            for (check, dose), code in zip(self._drug_rows, labels.IT_DRUG, strict=True)
        ]
        chosen.append((self.other_drug.text(), self.other_dose.text()))
        return chosen

    def build(self) -> CnsVisit:
        v = self._visit
        fields = {k: val for k, val in self.texts().items() if not k.startswith("it_drugs")}
        return cns_visit_from_form(
            fields,
            self.drugs(),
            child=self._child,
            today=self._today,
            id=v.id if v else None,
            uid=v.uid if v else "",
            drug_uids={d.drug.value: d.uid for d in v.it_drugs} if v else None,
        )


def _visit_dialog(e: Editing, visit: CnsVisit | None, parent: QWidget | None) -> CnsVisitDialog:
    """The lumbar puncture is placed in one of the child's phases."""
    assert e.child.id is not None
    phases = e.bridge.record.entries(Phase, e.child.id)
    return CnsVisitDialog(visit, e.child, phases, e.today, parent)


CNS_VISIT_UI = KindUi(
    key="cns_visit",
    dialog=_visit_dialog,
    add_text=N_("Add &lumbar puncture…"),
    shortcut="Ctrl+Shift+L",
    view="cns",
    title=N_("CNS prophylaxis: lumbar punctures"),
    add_button=N_("Add lumbar &puncture…"),  # L: Delete's
    empty=N_(
        "No lumbar punctures yet. Add each LP with the intrathecal drugs given and "
        "the spinal-fluid result when it is back.",
    ),
    model=CnsVisitsModel,
    newest_first=True,
    reads=("phase",),
)
