"""The editor of a transfusion, with the counts before and after it linked from the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from tracker.dates import parse_date, parse_time
from tracker.display import UnitPreference
from tracker.i18n import N_
from tracker.kinds import transfusion as kind
from tracker.model import Child, CountResult, Transfusion, TransfusionProduct
from ui.contrast import hint_style
from ui.dialogs.base import DateField, FormDialog, fill_combo
from ui.kind_ui import KindUi
from ui.models.tables import TransfusionsModel


class TransfusionDialog(FormDialog):
    def __init__(
        self,
        entry: Transfusion | None,
        child: Child,
        today: dt.date,
        counts: Sequence[CountResult] = (),
        preference: UnitPreference = UnitPreference.AS_REPORTED,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("New transfusion") if entry is None else self.tr("Edit transfusion"), parent
        )
        self._entry = entry
        self._child = child
        self._today = today
        self._counts = counts
        self._preference = preference
        form = QFormLayout()
        date = DateField(self, today=today)
        self.add_field(form, "date", self.tr("&Date:"), date)
        time = QLineEdit(self)
        time.setPlaceholderText(self.tr("HH:MM (when it started)"))
        time.setMaxLength(5)
        self.add_field(form, "time", self.tr("&Time:"), time)
        product = QComboBox(self)
        fill_combo(product, {"": N_("— choose —"), **kind.PRODUCT_LABELS})  # none guessed
        self.add_field(form, "product", self.tr("&Product:"), product)
        other = QLineEdit(self)
        other.setPlaceholderText(self.tr("Which product, as the team named it"))
        self.add_field(form, "product_text", self.tr("&Other product:"), other)
        amount = QLineEdit(self)
        amount.setPlaceholderText(self.tr("e.g. 150 mL, 1 unit (optional)"))
        self.add_field(
            form,
            "amount_text",
            self.tr("&Amount:"),
            amount,
            self.tr("A volume in mL or a number of units, with its unit, as written down"),
        )
        self.add_field(form, "reason", self.tr("&Reason (as told):"), QLineEdit(self))
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(60)
        self.add_field(form, "note", self.tr("Reaction or &note:"), note)
        self.body.addLayout(form)
        # The counts before and after, from the blood counts already in the record.
        self.linked = QLabel(self)
        self.linked.setObjectName("linked_counts")
        self.linked.setWordWrap(True)
        self.linked.setStyleSheet(hint_style())
        self.body.addWidget(self.linked)
        if entry is not None:
            self.set_text("date", entry.date.isoformat())
            self.set_text("time", entry.time.strftime("%H:%M") if entry.time else "")
            self.set_text("product", entry.product.value)
            self.set_text("product_text", entry.product_text)
            self.set_text("amount_text", kind.amount_shown(entry))
            self.set_text("reason", entry.reason)
            self.set_text("note", entry.note)
        else:
            date.set_date(today)
        self._other = other
        product.currentIndexChanged.connect(self._update)
        date.edited.connect(self._update)
        time.textChanged.connect(self._update)
        self._update()
        date.setFocus()

    def _typed(self) -> Transfusion | None:
        try:
            day = parse_date(self.text_of("date"))
            time_text = self.text_of("time")
            time = parse_time(time_text) if time_text else None
            product = TransfusionProduct(self.text_of("product"))
        except ValueError:
            return None
        return Transfusion(0, day, time, product)

    def _update(self) -> None:
        """ "Other product" only for another product; the linked counts of what is typed."""
        is_other = self.text_of("product") == TransfusionProduct.OTHER.value
        self._other.setEnabled(is_other)
        typed = self._typed()
        found = kind.linked_counts(typed, self._counts) if typed is not None else None
        if found is None:
            self.linked.hide()
            return
        self.linked.setText(
            self.tr("From the blood counts (within {n} days): {jump}").format(
                n=kind.WINDOW_DAYS, jump=kind.jump_text(found, self._preference)
            )
        )
        self.linked.setToolTip("\n".join(kind.jump_details(found, self._preference)))
        self.linked.show()

    def build(self) -> Transfusion:
        e = self._entry
        return kind.transfusion_from_form(
            self.texts(),
            child=self._child,
            today=self._today,
            id=e.id if e else None,
            uid=e.uid if e else "",
        )


def _dialog(e, entry, parent):  # type: ignore[no-untyped-def]
    counts = e.bridge.counts(e.child.id) if e.child.id is not None else []
    return TransfusionDialog(entry, e.child, e.today, counts, e.bridge.unit_preference, parent)


TRANSFUSION_UI = KindUi(
    key="transfusion",
    dialog=_dialog,
    add_text=N_("Add t&ransfusion…"),
    view="hospital",
    place=1,
    title=N_("Transfusions"),
    add_button=N_("Add t&ransfusion…"),
    empty=N_(
        "No transfusions yet. Add red cells or platelets as they are given: the counts "
        "before and after are linked from the blood counts.",
    ),
    model=TransfusionsModel,
    newest_first=True,
    reads=("count",),
)
