"""The editor of a growth measurement (weight, length/height, head circumference)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from tracker.dates import parse_date
from tracker.i18n import N_
from tracker.kinds.growth import (
    BSA_LABEL,
    Bsa,
    bsa_m2,
    growth_from_form,
    parse_length,
    parse_weight,
    validate_growth,
)
from tracker.model import Child, Growth
from ui.contrast import hint_style
from ui.dialogs.base import DateField, FormDialog
from ui.kind_ui import KindUi
from ui.models.tables import GrowthModel

MEASURED_BY = (N_("clinic"), N_("ward"), N_("home scale"), N_("GP / health visitor"))


class GrowthDialog(FormDialog):
    def __init__(
        self, growth: Growth | None, child: Child, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            self.tr("New growth measurement")
            if growth is None
            else self.tr("Edit growth measurement"),
            parent,
        )
        self._growth = growth
        self._child = child
        self._today = today
        form = QFormLayout()
        date = DateField(self, today=today)
        self.add_field(form, "date", self.tr("&Date:"), date)
        weight = QLineEdit(self)
        weight.setPlaceholderText(self.tr("e.g. 7.85 kg, 7850 g, 15 lb 4 oz"))
        self.add_field(
            form,
            "weight_text",
            self.tr("&Weight:"),
            weight,
            self.tr("With its unit, as written down; any one of the three is enough"),
        )
        length = QLineEdit(self)
        length.setPlaceholderText(self.tr("e.g. 68 cm, 26.75 in"))
        self.add_field(form, "length_text", self.tr("&Length/height:"), length)
        head = QLineEdit(self)
        head.setPlaceholderText(self.tr("e.g. 43 cm, 17 in"))
        self.add_field(form, "head_text", self.tr("&Head circumference:"), head)
        by = QComboBox(self)
        by.setEditable(True)
        by.addItems(["", *(self.tr(m) for m in MEASURED_BY)])  # kept as picked: data
        self.add_field(form, "measured_by", self.tr("Measured &by:"), by)
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(60)
        self.add_field(form, "note", self.tr("&Note:"), note)
        self.body.addLayout(form)
        # For information only, and only with a weight and a length of this day.
        self.bsa = QLabel(self)
        self.bsa.setObjectName("bsa")
        self.bsa.setWordWrap(True)
        self.bsa.setStyleSheet(hint_style())
        self.body.addWidget(self.bsa)
        if growth is not None:
            self.set_text("date", growth.date.isoformat())
            self.set_text("weight_text", growth.weight_text)
            self.set_text("length_text", growth.length_text)
            self.set_text("head_text", growth.head_text)
            self.set_text("measured_by", growth.measured_by)
            self.set_text("note", growth.note)
        else:
            date.set_date(today)
        weight.textChanged.connect(self._update_bsa)
        length.textChanged.connect(self._update_bsa)
        date.edited.connect(self._update_bsa)  # the checks are of the child's age that day
        self._update_bsa()
        date.setFocus()

    def _update_bsa(self) -> None:
        """The BSA of this weight and length, once both are readable and pass the
        typing-slip checks (a BSA of a slip is no information)."""
        weight, length = self.text_of("weight_text"), self.text_of("length_text")
        try:
            kg, cm = parse_weight(weight), parse_length(length)
        except ValueError:
            self.bsa.hide()
            return
        day = self._typed_date()
        typed = Growth(0, day, weight, kg, length, cm)  # checked on the day typed
        if validate_growth(typed, self._child):
            self.bsa.hide()
            return
        bsa = Bsa(day, bsa_m2(cm, kg), kg, cm)
        self.bsa.setText(f"{self.tr(BSA_LABEL)}: {bsa.text}")
        self.bsa.show()

    def _typed_date(self) -> dt.date:
        """The date in the form when it reads as one, else today."""
        try:
            return parse_date(self.text_of("date").strip())
        except ValueError:
            return self._today

    def build(self) -> Growth:
        g = self._growth
        return growth_from_form(
            self.texts(),
            child=self._child,
            today=self._today,
            id=g.id if g else None,
            uid=g.uid if g else "",
        )


GROWTH_UI = KindUi(
    key="growth",
    dialog=lambda e, growth, parent: GrowthDialog(growth, e.child, e.today, parent),
    add_text=N_("Add &growth measurement…"),
    shortcut="Ctrl+Shift+G",
    view="phases",
    place=2,
    title=N_("Growth"),
    add_button=N_("Add &growth measurement…"),
    empty=N_(
        "No growth measurements yet. Add weights, lengths and head circumferences as they "
        "are measured, in the unit they were written down in.",
    ),
    model=GrowthModel,
    newest_first=True,
)
