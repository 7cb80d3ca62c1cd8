"""Issue 11: Hb 2.9 g/dL was called "not possible" and mmol/L suggested (which stores a
wrong value).  A very low real value is possible in its own unit: the form asks "is it
right?" ("Save as typed" or look again) and a lab CSV row is imported and listed by its line;
no other unit is suggested.  The limits are typing-slip checks, not clinical ranges."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import fixed_clock
from gui_helpers import fill

from tracker import analytes
from tracker.forms import count_questions
from tracker.io.csv_import import plan_import, read_csv, summary_lines
from tracker.io.lab_values import parse_value
from tracker.model import Child, CountResult, CountValue
from tracker.store import Record

pytest_plugins = ["gui_helpers"]


def hb(text: str, unit: str) -> CountValue:
    return parse_value(analytes.analyte("hgb"), text, unit)


@pytest.mark.parametrize(
    ("value", "unit"), [(2.9, "g/dL"), (29, "g/L"), (1.8, "mmol/L"), (1.5, "g/dL")]
)
def test_a_very_low_hb_is_possible_in_its_own_unit_and_no_unit_is_suggested(
    value: float, unit: str
) -> None:
    assert analytes.plausibility_problem("hgb", value, unit) is None


def test_a_hb_no_lab_could_report_is_still_refused() -> None:
    message = analytes.plausibility_problem("hgb", 0.4, "g/dL")
    assert message is not None and "not possible" in message and "Did you mean" not in message


@pytest.mark.parametrize(("text", "unit"), [("2.9", "g/dL"), ("29", "g/L"), ("2.9", "mmol/L")])
def test_the_form_asks_whether_a_very_low_hb_is_right(text: str, unit: str) -> None:
    [question] = count_questions(CountResult(1, dt.date(2026, 11, 20), values=(hb(text, unit),)))
    assert f"Hemoglobin {text} {unit}" in question
    assert "very low" in question and "as printed on the report" in question
    assert "not a medical" in question  # a typing-slip check, never presented as clinical
    other = {"g/dL", "g/L", "mmol/L"} - {unit}
    assert not any(o in question for o in other), "no other unit is suggested"


@pytest.mark.parametrize("code", ["anc", "wbc", "lymph", "mono"])
def test_a_white_count_of_a_few_cells_per_microlitre_is_asked_about_not_swapped(code: str) -> None:
    """The independent check: ANC 5 cells/µL was "not possible … Did you mean ×10⁹/L?";
    followed, that stores 5,000/µL.  It is asked about with its unit instead."""
    value = parse_value(analytes.analyte(code), "5", "cells/uL")
    assert analytes.plausibility_problem(code, 5, "cells/uL") is None
    [question] = count_questions(CountResult(1, dt.date(2026, 11, 20), values=(value,)))
    assert "5 cells/uL" in question and "with its unit" in question
    assert "×10⁹/L" not in question
    ordinary = parse_value(analytes.analyte(code), "50", "cells/uL")
    assert count_questions(CountResult(1, dt.date(2026, 11, 20), values=(ordinary,))) == []


@pytest.mark.parametrize(("text", "unit"), [("8.2", "g/dL"), ("5.1", "mmol/L"), ("95", "g/L")])
def test_an_ordinary_low_hb_is_not_asked_about(text: str, unit: str) -> None:
    assert count_questions(CountResult(1, dt.date(2026, 11, 20), values=(hb(text, unit),))) == []


def test_the_count_dialog_saves_a_very_low_hb_as_typed_on_yes(
    qtbot, bridge, interaction, record_path
):  # type: ignore[no-untyped-def]
    from gui_helpers import rows

    from ui.dialogs.count import CountDialog

    def attempt(answer: bool) -> None:
        dialog = CountDialog(None, bridge.current_child(), dt.date(2026, 11, 24))
        qtbot.addWidget(dialog)
        dialog.submit = bridge.save
        dialog.interaction = interaction
        fill(dialog, "hgb.value", "2.9")
        combo = dialog.field("hgb.unit")
        combo.setCurrentIndex(combo.findText("g/dL"))
        interaction.confirm_answers = [answer]
        dialog.accept()

    attempt(False)
    assert interaction.asked[-1][0] == "confirm" and "very low" in interaction.asked[-1][2]
    assert rows(record_path, "SELECT * FROM count_result") == []
    attempt(True)
    [saved] = rows(record_path, "SELECT value_text, unit, normalised_value FROM count_value")
    assert (saved["value_text"], saved["unit"]) == ("2.9", "g/dL")
    assert saved["normalised_value"] == pytest.approx(29.0)


CSV = (
    "Date,Time,Test,Result,Unit,Range\n"
    "2026-07-01,08:30,WBC,2.1,10^9/L,6.0-17.5\n"
    "2026-07-01,08:30,Hb,2.9,g/dL,10.5-13.5\n"
)


def test_a_lab_csv_row_with_a_very_low_hb_is_imported_and_listed_by_its_line(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    with Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock) as record:
        child, _ = record.save(Child("Mila", dt.date(2026, 1, 10)))
        plan = plan_import(read_csv(CSV.encode()), record, child)
        assert plan.ok and plan.values_added == 2
        said = summary_lines(plan, applied=False)
        [note] = [line for line in said if line.startswith("line 3:")]
        assert "Hemoglobin 2.9 g/dL" in note and "very low" in note
        assert "kept as the file gives it" in note and "mmol/L" not in note


def test_the_window_preview_lists_the_noted_row(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from ui.dialogs.import_preview import ImportPreviewDialog

    with Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock) as record:
        child, _ = record.save(Child("Mila", dt.date(2026, 1, 10)))
        plan = plan_import(read_csv(CSV.encode()), record, child)
    dialog = ImportPreviewDialog(plan, tmp_path / "lab.csv")
    qtbot.addWidget(dialog)
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "line 3: Hemoglobin 2.9 g/dL is very low" in shown
    assert dialog.import_button.isEnabled()
