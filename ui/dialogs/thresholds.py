"""The numbers the treatment team gave: one editor, and the list they are kept in."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tracker import analytes, labels
from tracker.forms import threshold_from_form
from tracker.i18n import N_
from tracker.kinds import Changes
from tracker.model import Child, TeamThreshold
from tracker.ranges import default_lines
from ui.bridge import RecordBridge
from ui.dialogs.base import FormDialog, fill_combo
from ui.kind_ui import KindUi, edit_entry
from ui.models.tables import ThresholdsModel
from ui.screen_fit import fit_when_shown
from ui.views.table import RecordTable

# Charted counts first: those are the ones a line is drawn for.
_ORDER = (
    "plt",
    "hgb",
    "anc",
    *(c for c in analytes.THRESHOLD_CODES if c not in ("plt", "hgb", "anc")),
)


class ThresholdDialog(FormDialog):
    def __init__(
        self, threshold: TeamThreshold | None, child: Child, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            self.tr("New team threshold") if threshold is None else self.tr("Edit team threshold"),
            parent,
        )
        self._threshold = threshold
        self._child = child
        intro = QLabel(
            self.tr(
                "Type a number exactly as your treatment team gave it, for example "
                "“we give platelets below 20” or “ANC must be over 0.5 to start the next "
                "block”: type 20, or >0.5 when the team said “over” (0.5 itself is then "
                "not enough). The timeline draws it as a line."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        form = QFormLayout()
        analyte = QComboBox(self)
        for code in _ORDER:
            analyte.addItem(analytes.analyte(code).name, code)
        self.add_field(form, "analyte", self.tr("&Count:"), analyte)
        purpose = QComboBox(self)
        fill_combo(purpose, labels.THRESHOLD_PURPOSE)
        self.add_field(form, "purpose", self.tr("&What it is for:"), purpose)
        self.add_field(form, "value_text", self.tr("&Value:"), QLineEdit(self))
        self.unit = QComboBox(self)
        self.unit.setEditable(True)
        self.add_field(form, "unit", self.tr("&Unit:"), self.unit)
        self.add_field(
            form,
            "note",
            self.tr("&Note:"),
            QLineEdit(self),
            self.tr("In the team's words, if you like"),
        )
        self.body.addLayout(form)
        analyte.currentIndexChanged.connect(self._units)
        self._units()
        if threshold is not None:
            self.set_text("analyte", threshold.analyte)
            self.set_text("purpose", threshold.purpose.value)
            self.set_text("value_text", threshold.value_text)
            self.unit.setCurrentText(threshold.unit)
            self.set_text("note", threshold.note)
        analyte.setFocus()

    def _units(self) -> None:
        code = self.text_of("analyte")
        a = analytes.analyte(code)
        current = self.unit.currentText()
        self.unit.clear()
        self.unit.addItems([u.label for u in a.units])
        if a.unit(current) is not None:
            self.unit.setCurrentText(current)

    def build(self) -> TeamThreshold:
        t = self._threshold
        return threshold_from_form(
            self.texts(), child=self._child, id=t.id if t else None, uid=t.uid if t else ""
        )


class ThresholdsDialog(QDialog):
    """The list of the current child's team thresholds, with Add, Edit and Delete."""

    def __init__(self, bridge: RecordBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        fit_when_shown(self)  # never larger than the screen
        self.bridge = bridge
        self.setWindowTitle(self.tr("Team thresholds"))
        self.setMinimumSize(640, 360)
        defaults = "; ".join(
            f"{analytes.analyte(d.analyte).short} {d.name} "
            f"{d.value / analytes.analyte(d.analyte).default_unit.factor:g} "
            f"{analytes.analyte(d.analyte).default_unit.label} ({d.source})"
            for d in default_lines([]).values()
        )
        note = QLabel(
            self.tr(
                "Numbers your team gave you. Where you have entered none for a count, the "
                "timeline shows a reference line, not your team's advice: {defaults}. There is "
                "none for hemoglobin: its line is your team's trigger. Your team's numbers "
                "replace the reference line (for platelets, the transfusion trigger)."
            ).format(defaults=defaults),
            self,
        )
        note.setWordWrap(True)
        self.table = RecordTable(THRESHOLD_UI, bridge, self)
        self.model = self.table.model
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        # its own Alt letter: without one Alt+C fell through to the next Alt key
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("&Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.table.add_requested.connect(lambda: self.edit(None))
        self.table.edit_requested.connect(self.edit)
        bridge.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if self.table.touched(changes):
            self.table.fill()

    def refresh(self) -> None:
        self.table.fill()

    def edit(self, threshold: TeamThreshold | None) -> None:
        saved = edit_entry(THRESHOLD_UI, self.bridge, threshold, self)
        if saved is not None:
            self.table.select_id(saved.id)


# No command of its own in the Add menu: a team's number is not an event on a date but a
# setting of the child's charts, kept together in the list above (Edit ▸ Team thresholds…),
# where the timeline's threshold lines also lead.
THRESHOLD_UI = KindUi(
    key="threshold",
    dialog=lambda e, threshold, parent: ThresholdDialog(threshold, e.child, parent),
    view="",
    title=N_("Your team's numbers"),
    add_button=N_("&Add…"),
    empty=N_("None entered yet."),
    model=ThresholdsModel,
)
