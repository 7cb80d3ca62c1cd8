"""The editor of a hospital stay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from tracker.dates import parse_date
from tracker.i18n import N_
from tracker.i18n.formats import date_text
from tracker.kinds import stay as kind
from tracker.model import Child, Stay, StayReason
from ui.contrast import hint_style
from ui.dialogs.base import DateField, FormDialog, fill_combo
from ui.kind_ui import KindUi
from ui.models.tables import StaysModel


class StayDialog(FormDialog):
    def __init__(
        self,
        entry: Stay | None,
        child: Child,
        today: dt.date,
        others: Sequence[Stay] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("New hospital stay") if entry is None else self.tr("Edit hospital stay"),
            parent,
        )
        self._entry = entry
        self._child = child
        self._today = today
        self._others = others
        form = QFormLayout()
        start = DateField(self, today=today)
        self.add_field(form, "from_date", self.tr("&From:"), start)
        end = DateField(self, today=today)
        self.add_field(
            form,
            "to_date",
            self.tr("&To:"),
            end,
            self.tr("The day the child came home; leave it empty while still in hospital"),
        )
        place = QComboBox(self)
        place.setEditable(True)
        places = sorted({s.place for s in others if s.place})
        place.addItems(["", *places])
        self.add_field(form, "place", self.tr("&Where:"), place)
        reason = QComboBox(self)
        fill_combo(reason, {"": N_("— choose —"), **kind.REASON_LABELS})  # none guessed
        self.add_field(form, "reason", self.tr("W&hy:"), reason)
        other = QLineEdit(self)
        other.setPlaceholderText(self.tr("Why, in your words"))
        self.add_field(form, "reason_text", self.tr("&Other reason:"), other)
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(60)
        self.add_field(form, "note", self.tr("&Note:"), note)
        self.body.addLayout(form)
        self.nights = QLabel(self)
        self.nights.setObjectName("nights")
        self.nights.setStyleSheet(hint_style())
        self.body.addWidget(self.nights)
        if entry is not None:
            self.set_text("from_date", entry.from_date.isoformat())
            self.set_text("to_date", entry.to_date.isoformat() if entry.to_date else "")
            self.set_text("place", entry.place)
            self.set_text("reason", entry.reason.value)
            self.set_text("reason_text", entry.reason_text)
            self.set_text("note", entry.note)
        else:
            start.set_date(today)
        self._other = other
        reason.currentIndexChanged.connect(self._update)
        start.edited.connect(self._update)
        end.edited.connect(self._update)
        self._update()
        start.setFocus()

    def _update(self) -> None:
        """ "Other reason" only for another reason; the nights of the dates typed."""
        self._other.setEnabled(self.text_of("reason") == StayReason.OTHER.value)
        try:
            start = parse_date(self.text_of("from_date"))
            end_text = self.text_of("to_date")
            end = parse_date(end_text) if end_text else None
        except ValueError:
            self.nights.hide()
            return
        if (end is not None and end < start) or start > self._today:
            self.nights.hide()
            return
        typed = Stay(0, start, end)
        n = kind.nights(typed, self._today)
        text = self.tr("1 night") if n == 1 else self.tr("{n} nights").format(n=n)
        if end is None:
            text = self.tr("In hospital since {day}: {nights} so far").format(
                day=date_text(start), nights=text
            )
        self.nights.setText(text)
        self.nights.show()

    def build(self) -> Stay:
        e = self._entry
        return kind.stay_from_form(
            self.texts(),
            child=self._child,
            today=self._today,
            others=self._others,
            id=e.id if e else None,
            uid=e.uid if e else "",
        )


def _dialog(e, entry, parent):  # type: ignore[no-untyped-def]
    others = e.bridge.record.entries(Stay, e.child.id) if e.child.id is not None else []
    return StayDialog(entry, e.child, e.today, others, parent)


STAY_UI = KindUi(
    key="stay",
    dialog=_dialog,
    add_text=N_("Add hospital &stay…"),
    view="hospital",
    place=0,
    title=N_("Hospital stays"),
    add_button=N_("Add hospital &stay…"),
    empty=N_(
        "No hospital stays yet. Add each admission from the day it began; leave the end "
        "empty while still in hospital.",
    ),
    model=StaysModel,
    newest_first=True,
)
