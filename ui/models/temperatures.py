"""The tables of temperatures, the team's fever rules and symptoms (in a module of their
own beside ui/models/tables.py, so that the kinds of issue 12 added at the same time do not
all append to one file)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tracker import fever
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text, time_text
from tracker.kinds.symptom import SEVERITY_LABELS, grade_label, what_words
from tracker.kinds.temperature import done_words, site_words
from tracker.model import FeverRule, Symptom, Temperature
from ui.models.tables import Column, RecordTableModel


def _when(t: Temperature) -> str:
    return date_text(t.date) + (f" {time_text(t.time)}" if t.time else "")


class TemperaturesModel(RecordTableModel[Temperature]):
    """Each reading in both units; marked against the team's fever rule in force on its
    date (``set_related``: the fever rules), and only then."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rules: list[FeverRule] = []
        self.columns = (
            Column(N_("When"), _when),
            Column(N_("Temperature"), lambda t: fever.shown(t.value_text, t.unit), True),
            Column(N_("Your team's fever number"), self._mark),
            Column(N_("How it was taken"), site_words),
            Column(N_("What was done"), done_words),
            Column(N_("Note"), lambda t: t.note.replace("\n", " ")),
        )

    def _mark(self, t: Temperature) -> str:
        return tr(fever.AT_OR_ABOVE) if fever.at_or_above(t, self._rules) else ""

    def set_related(self, related: Mapping[str, Sequence[Any]]) -> None:
        self._rules = list(related.get("fever_rule", ()))


class FeverRulesModel(RecordTableModel[FeverRule]):
    columns = (
        Column(N_("Given on"), lambda r: date_text(r.given_on)),
        Column(N_("Fever number"), lambda r: fever.shown(r.value_text, r.unit), True),
        Column(N_("The rule as given"), lambda r: r.rule_text.replace("\n", " ")),
    )


def _symptom_dates(s: Symptom) -> str:
    if s.end_date is None or s.end_date == s.date:
        return date_text(s.date)
    return f"{date_text(s.date)} – {date_text(s.end_date)}"


class SymptomsModel(RecordTableModel[Symptom]):
    columns = (
        Column(N_("Dates"), _symptom_dates),
        Column(N_("What"), what_words),
        Column(
            N_("How bad"), lambda s: tr(SEVERITY_LABELS[s.severity.value]) if s.severity else ""
        ),
        Column(N_("Grade"), grade_label),
        Column(N_("Note"), lambda s: s.note.replace("\n", " ")),
    )
