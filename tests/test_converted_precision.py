"""A value shown in another unit carries no more figures than the typed one (issue 11:
"10.9571 g/dL → 109.571 g/L"), and a flag never reads like a unit ("0.26 L" for a Hct is
not litres): the flag is a word in brackets in every cell, on screen and on paper, and a
word in the CSV export's flag column."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from tracker import analytes, timeline
from tracker.assessment import make_assessor
from tracker.display import UnitPreference, converted_number, shown, significant_figures
from tracker.io.csv_export import csv_text
from tracker.io.lab_values import parse_value
from tracker.model import Child, CountResult, CountValue
from tracker.store import Record
from tracker.summary import build_summary

CHILD = Child("Mila", dt.date(2026, 1, 10), id=1)


def value(code: str, text: str, unit: str, range_text: str = "") -> CountValue:
    return parse_value(analytes.analyte(code), text, unit, range_text)


@pytest.mark.parametrize(
    ("typed", "figures"),
    [
        ("11.1", "3"),
        ("6.8", "2"),
        ("0.26", "2"),
        ("<0.1", "1"),
        ("1,2", "2"),
        ("3100", "2"),
        ("8.0", "2"),
        ("850", "2"),
    ],
)
def test_significant_figures_of_what_was_typed(typed: str, figures: str) -> None:
    assert significant_figures(typed) == int(figures)


@pytest.mark.parametrize(
    ("code", "typed", "unit", "si"),
    [
        ("hgb", "11.1", "g/dL", "111"),
        ("hgb", "6.8", "mmol/L", "110"),
        ("hgb", "10.9571", "g/dL", "109.571"),  # six figures typed: six shown
        ("hct", "26", "%", "0.26"),
        ("anc", "850", "/µL", "0.85"),
        ("wbc", "3100", "/µL", "3.1"),
        ("plt", "269", "K/µL", "269"),
    ],
)
def test_si_shows_the_typed_significant_figures(code: str, typed: str, unit: str, si: str) -> None:
    assert shown(value(code, typed, unit), UnitPreference.SI).text == si


def test_a_single_figure_is_not_rounded_to_one_figure() -> None:
    """ "7 mmol/L" is 113 g/L: shown with two figures (110), never as "100"."""
    assert shown(value("hgb", "7", "mmol/L"), UnitPreference.SI).text == "110"
    assert converted_number(0.0, "0") == "0"


def test_as_reported_keeps_the_typed_number() -> None:
    assert shown(value("hgb", "6.8", "mmol/L"), UnitPreference.AS_REPORTED).text == "6.8"
    assert shown(value("hgb", "6.8", "mmol/L"), UnitPreference.US).text == "11"


def result(*values: CountValue) -> CountResult:
    return CountResult(1, dt.date(2026, 6, 1), values=values, id=7)


def summary_cells(r: CountResult, units: UnitPreference) -> dict[str, str]:
    s = build_summary(
        CHILD,
        phases=[],
        milestones=[],
        counts=[r],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=dt.date(2026, 6, 2),
        start=dt.date(2026, 5, 1),
        end=dt.date(2026, 6, 2),
        units=units,
        assess=make_assessor(CHILD),
    )
    assert "(low)" in " ".join(s.count_footnotes) and "L / H" not in " ".join(s.count_footnotes)
    return {code: cell.text for code, cell in s.counts[0].cells.items()}


def test_summary_in_si_rounds_and_flags_in_words() -> None:
    r = result(value("hgb", "6.8", "mmol/L", "7.0-8.5"), value("hct", "26", "%", "33-39"))
    cells = summary_cells(r, UnitPreference.SI)
    assert cells["hgb"] == "110 (low)"
    assert cells["hct"] == "0.26 (low)"
    reported = summary_cells(r, UnitPreference.AS_REPORTED)
    assert reported["hct"] == "26 (low)" and reported["hgb"] == "6.8 (low)"


def test_csv_export_rounds_the_normalised_value_and_flags_in_words(
    record: Record, child: Child
) -> None:
    assert child.id is not None
    record.save(
        CountResult(
            child.id,
            dt.date(2026, 6, 1),
            values=(
                value("hgb", "6.8", "mmol/L", "7.0-8.5"),
                value("plt", "480", "×10⁹/L", "150-450"),
                value("hct", "0.26", "L/L", "0.33-0.39"),
            ),
        )
    )
    text, _n = csv_text(record)
    lines = text.splitlines()
    hb = next(line for line in lines if ",Hb," in line)
    assert ",6.8,mmol/L,110,g/L,7.0-8.5,low," in hb, hb
    assert ",low," in next(line for line in lines if ",Hct," in line)
    assert ",high," in next(line for line in lines if ",PLT," in line)


def test_chart_tooltip_rounds_a_converted_value() -> None:
    r = result(value("hgb", "6.8", "mmol/L"))
    tl = timeline.build(
        [], [], [], [r], dt.date(2026, 6, 2), display_units={"hgb": "g/L"}, lanes=("hgb",)
    )
    series = tl.lanes[0].series
    assert series is not None
    tip = series.points[0].tooltip
    assert "Hemoglobin: 110 g/L" in tip and "(reported as 6.8 mmol/L)" in tip


def test_counts_table_rounds_and_flags_in_words(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    from ui.models.counts import CountsModel

    r = result(value("hgb", "6.8", "mmol/L", "7.0-8.5"), value("hct", "0.26", "L/L", "0.33-0.39"))
    model = CountsModel()
    model.reload([r], make_assessor(CHILD), UnitPreference.SI)
    hgb = model.data(model.index(0, model.analyte_column("hgb")), Qt.ItemDataRole.DisplayRole)
    hct = model.data(model.index(0, model.analyte_column("hct")), Qt.ItemDataRole.DisplayRole)
    assert hgb.startswith("110 g/L (low)"), hgb
    assert hct.startswith("0.26 L/L (low)"), hct
    tip = model.data(model.index(0, model.analyte_column("hgb")), Qt.ItemDataRole.ToolTipRole)
    assert "= 110 g/L (standard unit)" in tip, tip


def test_a_team_number_in_another_unit_keeps_its_typed_figures() -> None:
    from tracker import ranges
    from tracker.model import TeamThreshold, ThresholdPurpose

    team = TeamThreshold(1, "hgb", ThresholdPurpose.TRANSFUSION, "4.5", "mmol/L", 4.5 / 0.06206)
    notes = ranges.team_notes(value("hgb", "60", "g/L"), [team])
    said = " ".join(n.basis for n in notes)
    assert "73 g/L (as typed: 4.5 mmol/L)" in said, said


@pytest.mark.parametrize(
    ("value", "typed", "text"),
    [
        (8.0 * 0.6206, "8.0", "5.0"),
        (11.28 * 0.6206, "11.28", "7.000"),
        (96.7 * 0.06206, "96.7", "6.00"),
    ],
)
def test_trailing_zeros_are_figures_and_stay(value: float, typed: str, text: str) -> None:
    """The independent check: 8.0 g/dL printed as "5" mmol/L (domain.md §2.2: 5.0)."""
    assert converted_number(value, typed) == text


@pytest.mark.parametrize(
    ("code", "typed", "unit", "text"),
    [
        ("hgb", "8.0", "g/dL", "8.0"),
        ("hgb", "5.0", "mmol/L", "5.0"),
        ("wbc", "2.0", "×10⁹/L", "2.0"),
    ],
)
def test_a_typed_value_keeps_its_zeros(code: str, typed: str, unit: str, text: str) -> None:
    """The final re-check of issue 11: "8.0 g/dL" showed as "8" as reported (the lab's figures
    dropped), while a converted one kept them."""
    assert shown(value(code, typed, unit), UnitPreference.AS_REPORTED).text == text
