"""Temperatures, the team's fever rule and symptoms on screen: the dialogs (reasons beside the
fields, both units, the mark), the table's mark, the lanes of the timeline (hidden lanes
remembered) and the section of the printed summary."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from tracker.demo import DIAGNOSIS_DAYS_AGO, build_demo
from tracker.fever import AT_OR_ABOVE
from tracker.model import Child, FeverRule, Temperature, TemperatureUnit
from tracker.store import Record
from ui.dialogs.symptom import SymptomDialog
from ui.dialogs.temperature import TemperatureDialog

# its dialogs are closed with typed text in them: answered by gui_helpers, never a real
# question (run alone, the file waited on one forever)
pytest_plugins = ["gui_helpers"]

pytestmark = pytest.mark.gui

MILA = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)
RULE = FeverRule(1, dt.date(2026, 6, 1), "38.0", TemperatureUnit.CELSIUS, 38.0, "≥ 38.0 °C", id=1)


def _dialog(qtbot: QtBot, rules: list[FeverRule] | None = None) -> TemperatureDialog:
    dialog = TemperatureDialog(None, MILA, TODAY, rules=rules or [])
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type(dialog: TemperatureDialog, name: str, text: str) -> None:
    field = dialog.field(name)
    assert isinstance(field, QLineEdit)
    field.setText(text)


def test_a_new_reading_starts_at_the_armpit_for_an_infant_with_no_unit_chosen(
    qtbot: QtBot,
) -> None:
    dialog = TemperatureDialog(None, MILA, dt.date(2026, 6, 1))
    qtbot.addWidget(dialog)
    assert dialog.text_of("site") == "armpit"
    assert dialog.text_of("unit") == ""


def test_both_units_and_the_mark_show_as_it_is_typed(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, [RULE])
    dialog.set_text("unit", "C")
    _type(dialog, "value_text", "37.9")
    assert dialog.both.isVisible() and dialog.both.text() == "37.9 °C (100.2 °F)"
    _type(dialog, "value_text", "100.4 °F")
    dialog.set_text("unit", "")
    assert dialog.both.text() == f"100.4 °F (38.0 °C) — {AT_OR_ABOVE}"


def test_a_slip_and_a_missing_unit_are_named_beside_the_field(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    _type(dialog, "value_text", "38.4")
    dialog.accept()
    assert dialog.value is None
    error = dialog.findChild(QLabel, "error_value_text")
    assert error is not None and error.isVisible()
    assert "has no unit; choose °C or °F" in error.text()
    dialog.set_text("unit", "C")
    _type(dialog, "value_text", "380")
    dialog.accept()
    assert dialog.value is None
    assert "380 °C is outside 30–45 °C (86–113 °F)" in error.text()
    _type(dialog, "value_text", "38.4")
    dialog.field("called_team").setChecked(True)  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.value is not None and dialog.value.called_team and dialog.value.celsius == 38.4


def test_a_symptom_ending_before_it_started_is_named_beside_until(qtbot: QtBot) -> None:
    dialog = SymptomDialog(None, MILA, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_text("date", "2026-11-10")
    dialog.set_text("end_date", "2026-11-09")
    dialog.accept()
    error = dialog.findChild(QLabel, "error_end_date")
    assert dialog.value is None and error is not None and error.isVisible()
    assert "before it started" in error.text()
    dialog.set_text("end_date", "")
    dialog.set_text("grade", "1")
    dialog.accept()
    assert dialog.value is not None and dialog.value.grade_version == "CTCAE v5.0"


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
    shutil.copyfile(path, tmp_path / "copy.sqlite")
    return tmp_path / "copy.sqlite"


def test_the_lanes_are_drawn_and_hiding_them_is_remembered(
    qtbot: QtBot, demo_copy: Path, tmp_path: Path
) -> None:
    from ui.bridge import RecordBridge
    from ui.timeline.view import TimelineView

    with Record.open(demo_copy, clock=fixed_clock) as rec:
        ini = str(tmp_path / "timeline.ini")
        bridge = RecordBridge(rec)
        first = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
        qtbot.addWidget(first)
        first.show()  # the first picture has the recent readings only; the history follows
        qtbot.waitUntil(lambda: not first._history_pending, timeout=3000)
        assert first.widget.timeline is not None
        temps = first.widget.timeline.lane("temperatures")
        assert temps is not None and len(temps.marks) == 4
        assert [m.filled for m in temps.marks] == [False, False, True, True]  # ≥ 38.0 °C
        symptoms = first.widget.timeline.lane("symptoms")
        assert symptoms is not None and len(symptoms.spans) == 3
        for key in ("temperatures", "symptoms"):
            first.lane_actions[key].trigger()
        assert first.widget.timeline.lane("temperatures") is None
        again = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
        qtbot.addWidget(again)
        assert not again.lane_actions["temperatures"].isChecked()
        assert not again.lane_actions["symptoms"].isChecked()


def test_the_table_marks_the_readings_at_the_teams_number(qtbot: QtBot, demo_copy: Path) -> None:
    from ui.models.temperatures import TemperaturesModel

    with Record.open(demo_copy, read_only=True, clock=fixed_clock) as rec:
        child = rec.children()[0]
        assert child.id is not None
        model = TemperaturesModel()
        model.set_related({"fever_rule": rec.entries(FeverRule, child.id)})
        model.reload(rec.entries(Temperature, child.id))
        marks = [model.data(model.index(row, 2)) for row in range(model.rowCount())]
        assert marks == ["", "", AT_OR_ABOVE, AT_OR_ABOVE]
        model.set_related({"fever_rule": []})  # no rule: readings are only shown
        model.reload(rec.entries(Temperature, child.id))
        assert all(not model.data(model.index(row, 2)) for row in range(model.rowCount()))


def test_the_summary_of_the_fever_night_prints_the_section(
    qapp, demo_copy: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from ui.printing.render import SummaryRequest, write_pdf

    night = TODAY - dt.timedelta(days=DIAGNOSIS_DAYS_AGO) + dt.timedelta(days=316)
    with Record.open(demo_copy, read_only=True, clock=fixed_clock) as rec:
        child_id = rec.children()[0].id
        assert child_id is not None
        out = tmp_path / "night.pdf"
        request = SummaryRequest(child_id, start=night - dt.timedelta(days=3), end=night)
        write_pdf(rec, request, out)
        one = tmp_path / "four-weeks.pdf"
        write_pdf(rec, SummaryRequest(child_id), one)  # no temperature in range: no section
    pages = " ".join(page.extract_text() for page in PdfReader(str(out)).pages)
    text = " ".join(unicodedata.normalize("NFKC", pages).split())  # the "fi" ligature
    assert "Temperatures and symptoms" in text
    assert "phone the ward, day or night (fictional demo rule)" in text
    assert "at or above your team's fever number" in text
    assert "4 temperatures recorded in this range; the highest 38.4 °C (101.1 °F)" in text
    assert "Listed: the readings at or above your team's fever number" in text
    assert "21:40" in text and "22:30" in text  # a time is never broken over two lines
    assert "Tiredness" in text
    four = " ".join(page.extract_text() for page in PdfReader(str(one)).pages)
    assert "Temperatures and symptoms" not in four


def test_the_fever_rule_and_team_words_placeholders_hold_no_clinical_number(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from tracker.model import MedicinePlan
    from ui.dialogs.medicine_plan import ChangeDoseDialog
    from ui.dialogs.temperature import FeverRuleDialog

    rule = FeverRuleDialog(None, MILA, TODAY)
    qtbot.addWidget(rule)
    plan = MedicinePlan(1, "6-MP", dt.date(2026, 9, 1), "25", "mg", schedule="FREQ=DAILY", id=5)
    change = ChangeDoseDialog(plan, MILA, TODAY)
    qtbot.addWidget(change)
    for dialog, name in ((rule, "rule_text"), (change, "team_note")):
        box = dialog.field(name)
        assert isinstance(box, QPlainTextEdit)
        words = box.placeholderText()
        assert words and not any(ch.isdigit() for ch in words), words
