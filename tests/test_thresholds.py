"""Team thresholds: the numbers the treatment team gave, stored, validated, drawn, edited."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY

from tracker import timeline
from tracker.forms import FormErrors, threshold_from_form
from tracker.model import Child, CountResult, TeamThreshold, ThresholdPurpose
from tracker.store import Record, ValidationFailed


def form(**fields: str) -> dict[str, str]:
    base = {"analyte": "plt", "purpose": "transfusion", "value_text": "20", "unit": "×10⁹/L"}
    base.update(fields)
    return base


def test_threshold_keeps_what_was_typed_and_normalises(record: Record, child: Child) -> None:
    t = threshold_from_form(form(analyte="hgb", value_text="7,5", unit="g/dL"), child=child)
    saved, changes = record.save(t)
    assert TeamThreshold in changes and CountResult not in changes
    [back] = record.entries(TeamThreshold, child.id)  # type: ignore[arg-type]
    assert back == saved
    assert back.value_text == "7,5" and back.unit == "g/dL"
    assert back.normalised_value == pytest.approx(75.0)  # g/L
    assert back.purpose is ThresholdPurpose.TRANSFUSION
    assert len(back.uid) == 36


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"value_text": ""}, "value_text", "type the number"),
        ({"value_text": "abc"}, "value_text", "not a number"),
        ({"purpose": "next_block", "value_text": "<20"}, "value_text", "lower limit"),
        ({"unit": "furlongs"}, "value_text", "not one we know"),
        ({"analyte": "hgb", "value_text": "150", "unit": "g/dL"}, "value_text", "g/L"),
        ({"analyte": "xyz"}, "analyte", "choose which blood count"),
        ({"purpose": "sometimes"}, "purpose", "not one of the choices"),
    ],
)
def test_bad_threshold_is_refused_with_a_reason(
    child: Child, fields: dict[str, str], field: str, says: str
) -> None:
    with pytest.raises(FormErrors) as caught:
        threshold_from_form(form(**fields), child=child)
    assert says in caught.value.errors[field]


def test_one_number_per_count_and_purpose(record: Record, child: Child) -> None:
    record.save(threshold_from_form(form(), child=child))
    with pytest.raises(ValidationFailed) as caught:
        record.save(threshold_from_form(form(value_text="30"), child=child))
    assert "already a number" in caught.value.errors["purpose"]
    assert [t.value_text for t in record.entries(TeamThreshold, child.id)] == ["20"]  # type: ignore[arg-type]


def test_delete_and_undelete_threshold(record: Record, child: Child) -> None:
    saved, _ = record.save(threshold_from_form(form(), child=child))
    deleted = record.delete(TeamThreshold, saved.id)  # type: ignore[arg-type]
    assert record.entries(TeamThreshold, child.id) == []  # type: ignore[arg-type]
    record.undelete(deleted)
    assert record.entries(TeamThreshold, child.id) == [saved]  # type: ignore[arg-type]


def test_deleting_the_child_removes_its_thresholds(record: Record, child: Child) -> None:
    record.save(threshold_from_form(form(), child=child))
    deleted = record.delete(Child, child.id)  # type: ignore[arg-type]
    assert "team_threshold" in {table for table, _ in deleted.rows}
    record.undelete(deleted)
    assert len(record.entries(TeamThreshold, child.id)) == 1  # type: ignore[arg-type]


def test_timeline_draws_the_teams_numbers_instead_of_the_default(
    record: Record, child: Child
) -> None:
    t, _ = record.save(threshold_from_form(form(value_text="30", unit="K/µL"), child=child))
    layout = timeline.build([], [], [], [], TODAY, team_thresholds=[t])
    plt = layout.lane("plt")
    assert plt is not None and plt.series is not None
    [line] = plt.series.thresholds
    assert line.y == pytest.approx(30.0)
    assert line.label.startswith("transfusion trigger")
    anc = layout.lane("anc")
    assert anc is not None and anc.series is not None
    assert [x.label for x in anc.series.thresholds] == [
        "reference: severe neutropenia below 0.5 ×10⁹/L"
    ]


def test_team_platelet_trigger_replaces_the_default_line_a_block_number_does_not(
    record: Record, child: Child
) -> None:
    trigger, _ = record.save(threshold_from_form(form(value_text="10"), child=child))
    block, _ = record.save(
        threshold_from_form(form(purpose="next_block", value_text="50"), child=child)
    )
    replaced = timeline.build([], [], [], [], TODAY, team_thresholds=[trigger], lanes=["plt"])
    plt = replaced.lane("plt")
    assert plt is not None and plt.series is not None
    assert [t.y for t in plt.series.thresholds] == [pytest.approx(10.0)]
    assert plt.series.thresholds[0].source == "your team's number"
    only_block = timeline.build([], [], [], [], TODAY, team_thresholds=[block], lanes=["plt"])
    lane = only_block.lane("plt")
    assert lane is not None and lane.series is not None
    assert sorted(t.y for t in lane.series.thresholds) == [pytest.approx(20.0), pytest.approx(50)]


@pytest.mark.gui
def test_count_tooltip_names_the_source_of_the_category_and_grade(qapp, child: Child) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocument

    from tracker.assessment import make_assessor
    from tracker.forms import ValueInput, count_from_form
    from ui.models.counts import CountsModel

    result = count_from_form(
        {"taken_date": "2026-11-20"}, [ValueInput("anc", "0.3", "×10⁹/L")], child=child, today=TODAY
    )
    model = CountsModel()
    model.reload([result], make_assessor(child))
    tip = QTextDocument()
    tip.setHtml(model.index(0, model.analyte_column("anc")).data(Qt.ItemDataRole.ToolTipRole))
    text = tip.toPlainText()
    assert "Severe neutropenia" in text
    assert "Taplitz" in text  # the categories' source
    assert "CTCAE v5.0" in text and "adult-derived" in text  # the grade's source and caveat


def test_hidden_threshold_lines(child: Child) -> None:
    layout = timeline.build(
        [], [], [], [], TODAY, thresholds=dict.fromkeys(timeline.CHART_ANALYTES)
    )
    for code in timeline.CHART_ANALYTES:
        lane = layout.lane(code)
        assert lane is not None and lane.series is not None
        assert lane.series.thresholds == []


def test_export_carries_thresholds(record: Record, child: Child) -> None:
    from tracker.io.json_export import export_record

    record.save(threshold_from_form(form(note="transfuse 🩸"), child=child))
    data = export_record(record, dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    [entry] = data["children"][0]["team_thresholds"]
    assert entry["analyte"] == "plt"
    assert entry["purpose"] == "transfusion"
    assert entry["note"] == "transfuse 🩸"
    assert entry["canonical_unit"] == "10^9/L"


@pytest.mark.gui
def test_thresholds_dialog_adds_edits_and_deletes(qtbot, record: Record, child: Child) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.dialogs.thresholds import ThresholdDialog, ThresholdsDialog

    bridge = RecordBridge(record)
    manager = ThresholdsDialog(bridge)
    qtbot.addWidget(manager)
    editor = ThresholdDialog(None, child)
    qtbot.addWidget(editor)
    editor.set_text("analyte", "anc")
    editor.set_text("purpose", "next_block")
    editor.set_text("value_text", "0.5")
    editor.unit.setCurrentText("×10⁹/L")
    editor.submit = bridge.save
    editor.accept()
    assert editor.result() == ThresholdDialog.DialogCode.Accepted
    assert manager.model.rowCount() == 1
    [saved] = record.entries(TeamThreshold, child.id)  # type: ignore[arg-type]
    assert saved.analyte == "anc" and saved.normalised_value == pytest.approx(0.5)

    bad = ThresholdDialog(saved, child)
    qtbot.addWidget(bad)
    bad.set_text("value_text", "1200")
    bad.submit = bridge.save
    bad.accept()
    assert bad.result() != ThresholdDialog.DialogCode.Accepted
    assert "/µL" in bad.findChild(type(bad.banner), "error_value_text").text()
    assert record.entries(TeamThreshold, child.id) == [saved]  # type: ignore[arg-type]

    manager.table.select_id(saved.id)
    manager.table.delete_button.click()
    assert record.entries(TeamThreshold, child.id) == []  # type: ignore[arg-type]
    bridge.undo_stack.undo()
    assert record.entries(TeamThreshold, child.id) == [saved]  # type: ignore[arg-type]
