"""The editors of a temperature taken at home and of the team's fever rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from tracker import fever
from tracker.dates import parse_date
from tracker.i18n import N_
from tracker.kinds.temperature import (
    DONE_LABELS,
    SITE_LABELS,
    UNIT_LABELS,
    default_site,
    fever_rule_from_form,
    temperature_from_form,
)
from tracker.model import Child, FeverRule, Temperature, TemperatureSite, TemperatureUnit
from ui.contrast import hint_style
from ui.dialogs.base import DateField, FormDialog, fill_combo
from ui.kind_ui import KindUi
from ui.models.temperatures import FeverRulesModel, TemperaturesModel


def _text_box(parent: QWidget, height: int = 56) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


def _unit_combo(parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    fill_combo(combo, {"": N_("— choose —"), **UNIT_LABELS})
    return combo


class TemperatureDialog(FormDialog):
    """A reading: date and time, the number as typed with its unit, how it was taken, what
    was done (a record: ticked from a list, and in words).  A new reading starts with the
    unit and the way the last one was taken (armpit for an infant's first; never rectal)."""

    def __init__(
        self,
        temperature: Temperature | None,
        child: Child,
        today: dt.date,
        earlier: Sequence[Temperature] = (),
        rules: Sequence[FeverRule] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("New temperature") if temperature is None else self.tr("Edit temperature"),
            parent,
        )
        self._temperature = temperature
        self._child = child
        self._today = today
        self._rules = list(rules)
        form = QFormLayout()
        date = DateField(self, today=today)
        self.add_field(form, "date", self.tr("&Date:"), date)
        time = QLineEdit(self)
        time.setPlaceholderText(self.tr("HH:MM"))
        time.setMaxLength(5)
        self.add_field(form, "time", self.tr("&Time:"), time)
        value = QLineEdit(self)
        value.setPlaceholderText(self.tr("e.g. 38.4 or 101.1 °F"))
        self.add_field(
            form,
            "value_text",
            self.tr("Te&mperature:"),
            value,
            self.tr("As the thermometer showed it"),
        )
        self.add_field(form, "unit", self.tr("&Unit:"), _unit_combo(self))
        site = QComboBox(self)
        fill_combo(site, {"": N_("— not noted —"), **SITE_LABELS})
        self.add_field(form, "site", self.tr("&How it was taken:"), site)
        other = QLineEdit(self)
        other.setPlaceholderText(self.tr("for “other”: how"))
        self.add_field(form, "site_text", self.tr("&Other way:"), other)
        lettered = {  # the same words with their Alt letters
            "called_team": self.tr("&Called the team"),
            "went_to_hospital": self.tr("&Went to hospital"),
            "gave_paracetamol": self.tr("&Gave paracetamol"),
        }
        for i, (name, label) in enumerate(DONE_LABELS.items()):
            box = QCheckBox(lettered[name], self)
            box.setAccessibleName(self.tr(label))
            form.addRow(QLabel(self.tr("What was done:") if i == 0 else "", self), box)
            self.register(name, box)
        self.add_field(
            form,
            "done_text",
            self.tr("&Also done:"),
            QLineEdit(self),
            self.tr("A record of what happened, in your words"),
        )
        self.add_field(form, "note", self.tr("&Note:"), _text_box(self))
        self.body.addLayout(form)
        self.both = QLabel(self)  # the reading in both units, and the team's number
        self.both.setObjectName("both_units")
        self.both.setWordWrap(True)
        self.both.setStyleSheet(hint_style())
        self.body.addWidget(self.both)
        if temperature is not None:
            self.set_text("date", temperature.date.isoformat())
            self.set_text("time", temperature.time.strftime("%H:%M") if temperature.time else "")
            self.set_text("value_text", temperature.value_text)
            self.set_text("unit", temperature.unit.value)
            self.set_text("site", temperature.site.value if temperature.site else "")
            self.set_text("site_text", temperature.site_text)
            for name in DONE_LABELS:
                self.set_text(name, "1" if getattr(temperature, name) else "")
            self.set_text("done_text", temperature.done_text)
            self.set_text("note", temperature.note)
        else:
            date.set_date(today)
            last = max(
                earlier, key=lambda t: (t.date, t.time or dt.time(), t.id or 0), default=None
            )
            if last is not None:
                self.set_text("unit", last.unit.value)
            start = last.site if last is not None else default_site(child, today)
            self.set_text("site", start.value if start is not None else "")
        value.textChanged.connect(self._update_both)
        self.field("unit").currentIndexChanged.connect(self._update_both)  # type: ignore[attr-defined]
        date.edited.connect(self._update_both)
        site.currentIndexChanged.connect(self._site_changed)
        self._site_changed()
        self._update_both()
        if temperature is None:
            value.setFocus()
        else:
            date.setFocus()

    def _site_changed(self) -> None:
        self.field("site_text").setEnabled(self.text_of("site") == TemperatureSite.OTHER.value)

    def _update_both(self) -> None:
        """The reading in both units once it reads, and the team's mark (the same words as
        the table; nothing more)."""
        unit_text = self.text_of("unit")
        try:
            unit, _celsius = fever.parse_temperature(
                self.text_of("value_text"), TemperatureUnit(unit_text) if unit_text else None
            )
        except ValueError:
            self.both.hide()
            return
        value = self.text_of("value_text")
        text = fever.shown(value, unit)
        try:
            day = parse_date(self.text_of("date"))
        except ValueError:
            day = self._today
        reading = Temperature(0, day, None, value, unit, _celsius)
        if fever.at_or_above(reading, self._rules):
            text += f" — {self.tr(fever.AT_OR_ABOVE)}"
        self.both.setText(text)
        self.both.show()

    def build(self) -> Temperature:
        t = self._temperature
        return temperature_from_form(
            self.texts(),
            child=self._child,
            today=self._today,
            id=t.id if t else None,
            uid=t.uid if t else "",
        )


class FeverRuleDialog(FormDialog):
    def __init__(
        self, rule: FeverRule | None, child: Child, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            self.tr("New fever rule from the team")
            if rule is None
            else self.tr("Edit the team's fever rule"),
            parent,
        )
        self._rule = rule
        self._child = child
        self._today = today
        intro = QLabel(
            self.tr(
                "Your team's own rule, as they gave it to you. Readings at or above its number "
                "are marked “at or above your team's fever number”; the program has no fever "
                "number of its own. A newer rule replaces this one from its date."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        form = QFormLayout()
        given = DateField(self, today=today)
        self.add_field(form, "given_on", self.tr("&Given on:"), given)
        value = QLineEdit(self)
        value.setPlaceholderText(self.tr("e.g. 38.0 or 100.4 °F"))
        self.add_field(form, "value_text", self.tr("Fever &number:"), value)
        self.add_field(form, "unit", self.tr("&Unit:"), _unit_combo(self))
        text = _text_box(self, 70)
        text.setPlaceholderText(self.tr("the rule as written on your team's sheet"))
        self.add_field(
            form,
            "rule_text",
            self.tr("The &rule as given:"),
            text,
            self.tr("In the team's words; printed on the fever card"),
        )
        self.body.addLayout(form)
        if rule is not None:
            self.set_text("given_on", rule.given_on.isoformat())
            self.set_text("value_text", rule.value_text)
            self.set_text("unit", rule.unit.value)
            self.set_text("rule_text", rule.rule_text)
        else:
            given.set_date(today)
        given.setFocus()

    def build(self) -> FeverRule:
        r = self._rule
        return fever_rule_from_form(
            self.texts(),
            child=self._child,
            today=self._today,
            id=r.id if r else None,
            uid=r.uid if r else "",
        )


def _temperature_dialog(e, temperature, parent):  # type: ignore[no-untyped-def]
    record = e.bridge.record
    assert e.child.id is not None
    return TemperatureDialog(
        temperature,
        e.child,
        e.today,
        record.entries(Temperature, e.child.id),
        record.entries(FeverRule, e.child.id),
        parent,
    )


TEMPERATURE_UI = KindUi(
    key="temperature",
    dialog=_temperature_dialog,
    add_text=N_("Add &temperature…"),
    shortcut="Ctrl+Shift+T",
    view="fevers",
    place=0,
    title=N_("Temperatures"),
    add_button=N_("Add &temperature…"),
    empty=N_(
        "No temperatures yet. Add each reading as the thermometer showed it, in °C or °F, "
        "and what was done.",
    ),
    model=TemperaturesModel,
    newest_first=True,
    reads=("fever_rule",),
)

FEVER_RULE_UI = KindUi(
    key="fever_rule",
    dialog=lambda e, rule, parent: FeverRuleDialog(rule, e.child, e.today, parent),
    add_text=N_("Add the team's &fever rule…"),
    view="fevers",
    place=2,
    title=N_("Your team's fever rule"),
    add_button=N_("Add fever &rule…"),
    empty=N_(
        "No fever rule entered. Type the rule your team gave you: readings at or above its "
        "number are then marked. The program has no fever number of its own.",
    ),
    model=FeverRulesModel,
    newest_first=True,
)
