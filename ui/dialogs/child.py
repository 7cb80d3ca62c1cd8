"""Editor for a child's details: who they are, the diagnosis, the treatment team."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from tracker import analytes, labels
from tracker.forms import PHONE_ACCEPTED, child_from_form
from tracker.i18n import tr
from tracker.model import Child
from ui.dialogs.base import DateField, FormDialog, fill_combo, fit_placeholder, scrolling


class ChildDialog(FormDialog):
    def __init__(
        self,
        child: Child | None,
        today: dt.date,
        parent: QWidget | None = None,
        *,
        first: bool = False,
    ) -> None:
        title = (
            self.tr("About your child")
            if first
            else (
                self.tr("New child")
                if child is None
                else self.tr("Edit {name}").format(name=child.name)
            )
        )
        super().__init__(title, parent)
        self._child = child
        self._today = today

        about = QGroupBox(self.tr("Child"), self)
        form = QFormLayout(about)
        self.add_field(form, "name", self.tr("&Name:"), QLineEdit(self))
        self.add_field(form, "birth_date", self.tr("Date of &birth:"), DateField(self, today=today))
        sex = QComboBox(self)
        fill_combo(sex, labels.SEX)
        set_default(sex, "unknown")  # never a sex nobody chose
        self.add_field(form, "sex", self.tr("Se&x:"), sex)

        diagnosis = QGroupBox(self.tr("Diagnosis"), self)
        dform = QFormLayout(diagnosis)
        self.add_field(
            dform, "diagnosis_date", self.tr("&Diagnosis date:"), DateField(self, today=today)
        )
        immuno = QComboBox(self)
        immuno.setEditable(True)
        immuno.addItems(
            [
                "",
                self.tr("pro-B (B-I)"),
                self.tr("common B (B-II)"),
                self.tr("pre-B (B-III)"),
                self.tr("mature B"),
                self.tr("T-ALL"),
                self.tr("mixed phenotype (MPAL)"),
            ]
        )
        self.add_field(dform, "immunophenotype", self.tr("&Immunophenotype:"), immuno)
        kmt2a = QComboBox(self)
        fill_combo(kmt2a, labels.KMT2A)
        set_default(kmt2a, "unknown")  # never a diagnosis nobody chose
        self.add_field(dform, "kmt2a_status", self.tr("&KMT2A (MLL):"), kmt2a)
        self.add_field(
            dform,
            "kmt2a_partner",
            self.tr("K&MT2A partner gene:"),
            QLineEdit(self),
            self.tr("As written on the report, e.g. AFF1 (AF4), MLLT1 (ENL)"),
        )
        wbc_row = QWidget(self)
        wbc_layout = QHBoxLayout(wbc_row)
        wbc_layout.setContentsMargins(0, 0, 0, 0)
        wbc_value = QLineEdit(self)
        wbc_value.setPlaceholderText(self.tr("e.g. 350"))
        wbc_unit = QComboBox(self)
        wbc_unit.setEditable(True)
        wbc_unit.setAccessibleName(self.tr("Unit of the WBC at diagnosis"))
        wbc_unit.addItems([u.label for u in analytes.analyte("wbc").units])
        wbc_layout.addWidget(wbc_value, 1)
        wbc_layout.addWidget(wbc_unit)
        self.add_field(dform, "wbc_at_diagnosis_text", self.tr("&WBC at diagnosis:"), wbc_row)
        self.register("wbc_at_diagnosis_text", wbc_value, self._errors["wbc_at_diagnosis_text"])
        self.register("wbc_at_diagnosis_unit", wbc_unit)
        cns = QComboBox(self)
        fill_combo(cns, {k: v for k, v in labels.CNS_STATUS.items() if k != "pending"})
        set_default(cns, "unknown")
        self.add_field(dform, "cns_status_at_diagnosis", self.tr("&CNS status at diagnosis:"), cns)
        pred = QComboBox(self)
        fill_combo(pred, labels.PREDNISONE)
        set_default(pred, "unknown")
        self.add_field(
            dform,
            "prednisone_response",
            self.tr("P&rednisone response:"),
            pred,
            self.tr("As told by the team after the day-8 blood count"),
        )

        treatment = QGroupBox(self.tr("Treatment and team"), self)
        tform = QFormLayout(treatment)
        protocol = QComboBox(self)
        protocol.setEditable(True)
        protocol.addItems(["", "Interfant-21", "Interfant-06", "Interfant-99"])
        self.add_field(tform, "protocol", self.tr("&Protocol:"), protocol)
        risk = QComboBox(self)
        fill_combo(risk, labels.RISK)
        set_default(risk, "unknown")
        self.add_field(
            tform, "risk_group", self.tr("Risk &group:"), risk, self.tr("As told by the team")
        )
        self.add_field(
            tform, "risk_group_text", self.tr("Risk group (their words):"), QLineEdit(self)
        )
        self.add_field(tform, "hospital", self.tr("&Hospital:"), QLineEdit(self))
        contacts = QPlainTextEdit(self)
        contacts.setTabChangesFocus(True)
        contacts.setFixedHeight(60)
        contacts.setPlaceholderText(self.tr("Names and phone numbers of the team"))
        self.add_field(tform, "team_contacts", self.tr("&Team contacts:"), contacts)
        notes = QPlainTextEdit(self)
        notes.setTabChangesFocus(True)
        notes.setFixedHeight(60)
        self.add_field(tform, "notes", self.tr("N&otes:"), notes)

        card = QGroupBox(self.tr("For the fever card"), self)
        cform = QFormLayout(card)
        line_row = QWidget(self)  # the kind, and under it what the team calls it
        line_layout = QVBoxLayout(line_row)
        line_layout.setContentsMargins(0, 0, 0, 0)
        line = QComboBox(self)
        fill_combo(line, labels.CENTRAL_LINE)
        set_default(line, "unknown")  # never a line nobody chose
        line_text = QLineEdit(self)
        line_text.setPlaceholderText(self.tr("their words (needed for “Other”)"))
        line_text.setAccessibleName(self.tr("Central line in the team's words"))
        line_layout.addWidget(line)
        line_layout.addWidget(line_text, 1)
        self.add_field(cform, "central_line", self.tr("Central &line:"), line_row)
        self.register("central_line", line, self._errors["central_line"])
        error = self._errors["central_line"]  # one error line under the row, for either part
        self.register("central_line_text", line_text, error)
        allergy_row = QWidget(self)
        allergy_layout = QHBoxLayout(allergy_row)
        allergy_layout.setContentsMargins(0, 0, 0, 0)
        allergies = QPlainTextEdit(self)
        allergies.setTabChangesFocus(True)
        allergies.setFixedHeight(40)
        allergies.setPlaceholderText(self.tr("As told, e.g. penicillin (rash)"))
        none_known = QCheckBox(self.tr("Non&e known"), self)
        allergy_layout.addWidget(allergies, 1)
        allergy_layout.addWidget(none_known)
        self.add_field(cform, "allergies", self.tr("&Allergies:"), allergy_row)
        self.register("allergies", allergies, self._errors["allergies"])
        self.register("no_known_allergies", none_known)
        blood = QLineEdit(self)
        blood.setPlaceholderText(self.tr("e.g. irradiated, CMV-negative products"))
        self.add_field(tform, "blood_product_notes", self.tr("Blood prod&ucts:"), blood)
        day = QLineEdit(self)
        day.setPlaceholderText(self.tr("e.g. 020 7946 0123 ext. 4"))
        self.add_field(tform, "phone_day", self.tr("Team phone, da&y:"), day)
        night = QLineEdit(self)
        night.setPlaceholderText(self.tr("e.g. +44 20 7946 0999"))
        self.add_field(
            tform,
            "phone_24h",
            self.tr("Team phone, 2&4-hour:"),
            night,
            self.tr("Accepted: {what}").format(what=tr(PHONE_ACCEPTED)),
        )

        for edit in self.findChildren(QLineEdit):  # before the page's width is measured
            fit_placeholder(edit)
        page = QWidget(self)  # scrolls on a small screen rather than squeezing the hints
        columns = QHBoxLayout(page)
        columns.setContentsMargins(0, 0, 0, 0)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(about)
        left_layout.addWidget(diagnosis)
        left_layout.addWidget(card)
        left_layout.addStretch(1)
        columns.addWidget(left)
        right = QWidget(self)  # the group at its own height, not stretched to the left's
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(treatment)
        right_layout.addStretch(1)
        columns.addWidget(right)
        scroll = scrolling(page, self)
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        scroll.setMinimumWidth(page.minimumSizeHint().width() + bar)
        self.body.addWidget(scroll)
        if child is not None:
            self._load(child)
        self.field("name").setFocus()
        # As large as the form wants, within the screen (1024×600: it scrolls).
        room = self.screen().availableGeometry()
        rest = self.sizeHint() - scroll.sizeHint()  # banner, buttons, margins
        self.resize(
            min(page.sizeHint().width() + bar + rest.width(), room.width() - 24),
            min(page.sizeHint().height() + rest.height(), room.height() - 48),
        )

    def _load(self, c: Child) -> None:
        self.set_text("name", c.name)
        self.set_text("birth_date", c.birth_date.isoformat())
        self.set_text("sex", c.sex.value)
        self.set_text("diagnosis_date", c.diagnosis_date.isoformat() if c.diagnosis_date else "")
        self.set_text("immunophenotype", c.immunophenotype)
        self.set_text("kmt2a_status", c.kmt2a_status.value)
        self.set_text("kmt2a_partner", c.kmt2a_partner)
        self.set_text("wbc_at_diagnosis_text", c.wbc_at_diagnosis_text)
        if c.wbc_at_diagnosis_unit:
            self.set_text("wbc_at_diagnosis_unit", c.wbc_at_diagnosis_unit)
        self.set_text("cns_status_at_diagnosis", c.cns_status_at_diagnosis.value)
        self.set_text("prednisone_response", c.prednisone_response.value)
        self.set_text("protocol", c.protocol)
        self.set_text("risk_group", c.risk_group.value)
        self.set_text("risk_group_text", c.risk_group_text)
        self.set_text("hospital", c.hospital)
        self.set_text("team_contacts", c.team_contacts)
        self.set_text("notes", c.notes)
        self.set_text("central_line", c.central_line.value)
        self.set_text("central_line_text", c.central_line_text)
        self.set_text("allergies", c.allergies)
        self.set_text("no_known_allergies", "1" if c.no_known_allergies else "")
        self.set_text("phone_day", c.phone_day)
        self.set_text("phone_24h", c.phone_24h)
        self.set_text("blood_product_notes", c.blood_product_notes)

    def build(self) -> Child:
        c = self._child
        return child_from_form(
            self.texts(), today=self._today, id=c.id if c else None, uid=c.uid if c else ""
        )


def set_default(combo: QComboBox, code: str) -> None:
    index = combo.findData(code)
    if index >= 0:
        combo.setCurrentIndex(index)
