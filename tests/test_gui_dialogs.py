"""Every record kind through its real dialog: add, edit, delete, undo, redo; and refusals.

The add/edit flows go through the main window as a family would (buttons, keys,
menu actions) with the modal dialog worked by :func:`gui_helpers.drive_modal`;
what was saved is read back from the file with a separate sqlite3 connection.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from conftest import fixed_clock
from gui_helpers import (
    activate,
    blood_count,
    choose,
    click,
    drive_modal,
    error_label,
    fill,
    one,
    press,
    press_save,
    rows,
    save_and_close,
    type_text,
)
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit

from ui.actions import ActionId

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

TODAY = dt.date(2026, 11, 24)  # conftest's fixed clock


# ---------------------------------------------------------------------- small helpers


def undo(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Z (the platform's Undo keys) in the main window."""
    assert window.actions_[ActionId.UNDO].isEnabled(), "nothing to undo"
    activate(qtbot, window)
    index = window.bridge.undo_stack.index()
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert window.bridge.undo_stack.index() == index - 1, "the Undo keys did nothing"


def redo(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert window.actions_[ActionId.REDO].isEnabled(), "nothing to redo"
    activate(qtbot, window)
    index = window.bridge.undo_stack.index()
    press(qtbot, window, QKeySequence.StandardKey.Redo)
    assert window.bridge.undo_stack.index() == index + 1, "the Redo keys did nothing"


def cell_center(record_table, item_id: int, column: int = 0) -> QPoint:  # type: ignore[no-untyped-def]
    row = record_table.model.row_of(item_id)
    assert row >= 0, f"{item_id} is not in the table"
    return record_table.table.visualRect(record_table.model.index(row, column)).center()


def select_row(qtbot, window, record_table, item_id: int) -> None:  # type: ignore[no-untyped-def]
    """Click the row in the table, which then has the keyboard focus."""
    activate(qtbot, window)
    qtbot.mouseClick(
        record_table.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=cell_center(record_table, item_id),
    )
    assert record_table.selected().id == item_id
    record_table.table.setFocus()
    qtbot.waitUntil(record_table.table.hasFocus)


def double_click_row(qtbot, record_table, item_id: int) -> None:  # type: ignore[no-untyped-def]
    pos = cell_center(record_table, item_id, 1)
    viewport = record_table.table.viewport()
    # QTest's double click alone is not seen as one by item views: click first, as a person.
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)


def dose_field(dialog, drug_name: str) -> QLineEdit:  # type: ignore[no-untyped-def]
    found = [w for w in dialog.findChildren(QLineEdit) if w.accessibleName() == f"{drug_name} dose"]
    assert len(found) == 1, drug_name
    return found[0]


def choose_unit(dialog, code: str, label: str) -> None:  # type: ignore[no-untyped-def]
    combo = dialog.field(f"{code}.unit")
    assert isinstance(combo, QComboBox)
    index = combo.findText(label)
    assert index >= 0, f"{code}: no unit {label!r}"
    combo.setCurrentIndex(index)


def visible_errors(dialog) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        label.text()
        for label in dialog.findChildren(QLabel)
        if label.isVisibleTo(dialog) and label.text().startswith("⚠ ")
    ]


# ---------------------------------------------------------------------- child


def test_child_add_edit_delete_undo_redo(qtbot, window, bridge, interaction, record_path):
    actions = window.actions_

    def new_child(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "New child"
        fill(dialog, "name", "Noah")
        fill(dialog, "birth_date", "2026-03-02")
        choose(dialog, "sex", "male")
        fill(dialog, "diagnosis_date", "2026-07-01")
        fill(dialog, "immunophenotype", "pro-B (B-I)")
        choose(dialog, "kmt2a_status", "rearranged")
        fill(dialog, "kmt2a_partner", "AFF1 (AF4)")
        fill(dialog, "wbc_at_diagnosis_text", "350")
        fill(dialog, "wbc_at_diagnosis_unit", "10^9/L")
        choose(dialog, "risk_group", "high")
        fill(dialog, "protocol", "Interfant-21")
        fill(dialog, "hospital", "Princess Maxima Center")
        fill(dialog, "team_contacts", "Dr. Jansen 030-123")
        save_and_close(qtbot, dialog)

    drive_modal(actions[ActionId.NEW_CHILD].trigger, new_child)
    row = one(record_path, "SELECT * FROM child WHERE name = 'Noah'")
    assert row["birth_date"] == "2026-03-02"
    assert row["sex"] == "male"
    assert row["diagnosis_date"] == "2026-07-01"
    assert row["immunophenotype"] == "pro-B (B-I)"
    assert row["kmt2a_status"] == "rearranged"
    assert row["kmt2a_partner"] == "AFF1 (AF4)"
    assert (row["wbc_at_diagnosis_text"], row["wbc_at_diagnosis_unit"]) == ("350", "10^9/L")
    assert row["wbc_at_diagnosis"] == pytest.approx(350.0)
    assert (row["risk_group"], row["protocol"]) == ("high", "Interfant-21")
    assert row["team_contacts"] == "Dr. Jansen 030-123"
    # The new child is the one shown everywhere.
    assert bridge.child_id == row["id"]
    assert window.header.name.text() == "Noah"

    def edit_child(dialog):  # type: ignore[no-untyped-def]
        assert dialog.text_of("name") == "Noah"
        assert dialog.text_of("wbc_at_diagnosis_unit") == "10^9/L"
        fill(dialog, "hospital", "UMC Utrecht")
        fill(dialog, "wbc_at_diagnosis_text", "412")
        save_and_close(qtbot, dialog)

    activate(qtbot, window)
    drive_modal(lambda: press(qtbot, window, "Ctrl+I"), edit_child)
    edited = one(record_path, "SELECT * FROM child WHERE id = ?", (row["id"],))
    assert edited["uid"] == row["uid"]
    assert edited["hospital"] == "UMC Utrecht"
    assert edited["wbc_at_diagnosis_text"] == "412"

    # Something recorded for Noah must come back with him.
    bridge.save(blood_count(bridge.current_child(), "2026-11-20", plt="45 10^9/L"))
    snapshot = _child_snapshot(record_path, row["id"])
    interaction.confirm_answers = [True]
    actions[ActionId.DELETE_CHILD].trigger()
    assert interaction.asked[-1][1] == "Delete Noah?"
    assert rows(record_path, "SELECT * FROM child WHERE id = ?", (row["id"],)) == []
    assert rows(record_path, "SELECT * FROM count_result WHERE child_id = ?", (row["id"],)) == []
    assert window.header.name.text() == "Mila"

    undo(qtbot, window)
    assert _child_snapshot(record_path, row["id"]) == snapshot
    redo(qtbot, window)
    assert rows(record_path, "SELECT * FROM child WHERE id = ?", (row["id"],)) == []
    assert _child_snapshot(record_path, row["id"])["count_value"] == []


def _child_snapshot(path: Path, child_id: int) -> dict[str, list[dict[str, object]]]:
    return {
        "child": rows(path, "SELECT * FROM child WHERE id = ?", (child_id,)),
        "count_result": rows(
            path, "SELECT * FROM count_result WHERE child_id = ? ORDER BY id", (child_id,)
        ),
        "count_value": rows(
            path,
            "SELECT v.* FROM count_value v JOIN count_result r ON r.id = v.result_id "
            "WHERE r.child_id = ? ORDER BY v.id",
            (child_id,),
        ),
    }


# ---------------------------------------------------------------------- phase


def test_phase_add_edit_delete_undo_redo(qtbot, window, record_path):
    window.show_view("phases")
    view = window.phases_view.phases

    def new_phase(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "New phase"
        choose(dialog, "kind", "induction")
        fill(dialog, "name", "Induction")
        fill(dialog, "actual_start", "2026-11-01")
        fill(dialog, "planned_end", "2026-12-05")
        fill(dialog, "notes", "Started after prednisone prophase")
        save_and_close(qtbot, dialog)

    drive_modal(lambda: click(qtbot, view.add_button), new_phase)
    row = one(record_path, "SELECT * FROM phase")
    assert (row["kind"], row["name"]) == ("induction", "Induction")
    assert (row["actual_start"], row["actual_end"]) == ("2026-11-01", None)
    assert (row["planned_start"], row["planned_end"]) == (None, "2026-12-05")
    assert row["notes"] == "Started after prednisone prophase"
    assert view.model.rowCount() == 1
    assert view.selected().id == row["id"]  # the new row is selected

    def edit_phase(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "Edit phase"
        assert dialog.text_of("name") == "Induction"
        assert dialog.text_of("actual_start") == "2026-11-01"
        fill(dialog, "name", "Induction (Interfant-21)")
        fill(dialog, "actual_end", "2026-11-20")
        save_and_close(qtbot, dialog)

    select_row(qtbot, window, view, row["id"])
    drive_modal(lambda: qtbot.keyClick(view.table, Qt.Key.Key_Return), edit_phase)
    edited = one(record_path, "SELECT * FROM phase")
    assert (edited["id"], edited["uid"]) == (row["id"], row["uid"])
    assert (edited["name"], edited["actual_end"]) == ("Induction (Interfant-21)", "2026-11-20")

    select_row(qtbot, window, view, row["id"])
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert rows(record_path, "SELECT * FROM phase") == []
    assert view.model.rowCount() == 0

    undo(qtbot, window)
    assert rows(record_path, "SELECT * FROM phase") == [edited]
    assert view.model.rowCount() == 1
    redo(qtbot, window)
    assert rows(record_path, "SELECT * FROM phase") == []


# ---------------------------------------------------------------------- milestone


def test_milestone_mrd_add_edit_delete_undo_redo(qtbot, window, record_path):
    window.show_view("phases")
    view = window.phases_view.milestones

    def new_mrd(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "New milestone"
        fill(dialog, "date", "2026-11-20")
        assert not dialog.mrd_box.isVisible()
        choose(dialog, "kind", "mrd_result")
        assert dialog.mrd_box.isVisible()
        choose(dialog, "mrd_qualifier", "quantified")
        fill(dialog, "mrd_value", "0.01%")
        assert dialog.mrd_preview.text() == "= 0.01% (1×10⁻⁴)"
        choose(dialog, "mrd_qualifier", "below_quantifiable_range")  # issue 11: said as shown
        assert dialog.mrd_preview.text() == "= < 0.01% (< 1×10⁻⁴; below the quantifiable range)"
        choose(dialog, "mrd_qualifier", "quantified")
        assert dialog.mrd_preview.text() == "= 0.01% (1×10⁻⁴)"
        choose(dialog, "mrd_method", "pcr_ig_tcr")
        choose(dialog, "mrd_sample", "marrow")
        fill(dialog, "result_text", "day 33 marrow, M1")
        save_and_close(qtbot, dialog)

    drive_modal(lambda: press(qtbot, window, "Ctrl+Shift+M"), new_mrd)
    row = one(record_path, "SELECT * FROM milestone")
    assert (row["date"], row["kind"], row["planned"]) == ("2026-11-20", "mrd_result", 0)
    assert row["mrd_entered"] == "0.01%"
    assert row["mrd_fraction"] == pytest.approx(1e-4)
    assert row["mrd_qualifier"] == "quantified"
    assert (row["mrd_method"], row["mrd_sample"]) == ("pcr_ig_tcr", "marrow")
    assert row["result_text"] == "day 33 marrow, M1"
    shown = view.model.index(0, 2).data()
    assert "0.01% (1×10⁻⁴)" in shown and "PCR (Ig/TCR)" in shown and "Bone marrow" in shown

    def edit_mrd(dialog):  # type: ignore[no-untyped-def]
        assert dialog.text_of("mrd_value") == "0.01%"
        assert dialog.text_of("mrd_method") == "pcr_ig_tcr"
        fill(dialog, "mrd_value", "5e-5")
        choose(dialog, "mrd_sample", "blood")
        save_and_close(qtbot, dialog)

    drive_modal(lambda: double_click_row(qtbot, view, row["id"]), edit_mrd)
    edited = one(record_path, "SELECT * FROM milestone")
    assert (edited["id"], edited["uid"]) == (row["id"], row["uid"])
    assert edited["mrd_entered"] == "5e-5"
    assert edited["mrd_fraction"] == pytest.approx(5e-5)
    assert edited["mrd_sample"] == "blood"

    select_row(qtbot, window, view, row["id"])
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert rows(record_path, "SELECT * FROM milestone") == []

    undo(qtbot, window)
    assert rows(record_path, "SELECT * FROM milestone") == [edited]
    redo(qtbot, window)
    assert rows(record_path, "SELECT * FROM milestone") == []


# ---------------------------------------------------------------------- blood count


def _values(path: Path, result_id: int) -> dict[str, dict[str, object]]:
    return {
        r["analyte"]: r
        for r in rows(path, "SELECT * FROM count_value WHERE result_id = ?", (result_id,))
    }


def test_count_add_edit_delete_undo_redo(qtbot, window, record_path):
    window.show_view("counts")
    view = window.counts_view.counts

    def new_count(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "New blood count"
        assert dialog.text_of("taken_date") == TODAY.isoformat()  # today by default
        fill(dialog, "taken_date", "2026-11-23")
        fill(dialog, "taken_time", "08:30")
        fill(dialog, "source", "Day hospital lab")
        fill(dialog, "wbc.value", "1,2")  # a decimal comma, as printed
        fill(dialog, "wbc.unit", "K/uL")  # a unit typed, not chosen
        fill(dialog, "anc.value", "<0.1")
        choose_unit(dialog, "anc", "×10⁹/L")
        fill(dialog, "hgb.value", "9.8")
        choose_unit(dialog, "hgb", "g/dL")
        fill(dialog, "plt.value", "45")
        fill(dialog, "plt.range", "150-450")
        save_and_close(qtbot, dialog)

    drive_modal(lambda: click(qtbot, view.add_button), new_count)
    result = one(record_path, "SELECT * FROM count_result")
    assert (result["taken_date"], result["taken_time"]) == ("2026-11-23", "08:30")
    assert result["source"] == "Day hospital lab"
    values = _values(record_path, result["id"])
    assert set(values) == {"wbc", "anc", "hgb", "plt"}
    wbc = values["wbc"]
    assert (wbc["value_text"], wbc["unit"]) == ("1,2", "K/uL")
    assert wbc["normalised_value"] == pytest.approx(1.2)
    anc = values["anc"]
    assert (anc["value_text"], anc["unit"], anc["comparator"]) == ("<0.1", "×10⁹/L", "<")
    hgb = values["hgb"]
    assert (hgb["value_text"], hgb["unit"]) == ("9.8", "g/dL")
    assert (hgb["normalised_value"], hgb["canonical_unit"]) == (pytest.approx(98.0), "g/L")
    plt = values["plt"]
    assert (plt["value_text"], plt["range_text"]) == ("45", "150-450")
    assert (plt["range_low"], plt["range_high"]) == (150.0, 450.0)
    # The table shows the values as typed, with their units.
    wbc_column = view.model.analyte_column("wbc")
    assert (
        view.model.index(0, wbc_column).data().startswith("1.2 ×10³/µL")
    )  # one spelling; then its flag
    assert not view.table.isColumnHidden(wbc_column)
    assert view.table.isColumnHidden(view.model.analyte_column("rbc"))

    def edit_count(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "Edit blood count"
        assert (dialog.text_of("wbc.value"), dialog.text_of("wbc.unit")) == ("1,2", "K/uL")
        assert dialog.text_of("plt.range") == "150-450"
        fill(dialog, "plt.value", "60")
        fill(dialog, "hgb.value", "")  # not measured after all: the value goes
        save_and_close(qtbot, dialog)

    select_row(qtbot, window, view, result["id"])
    drive_modal(lambda: click(qtbot, view.edit_button), edit_count)
    edited = one(record_path, "SELECT * FROM count_result")
    assert (edited["id"], edited["uid"]) == (result["id"], result["uid"])
    new_values = _values(record_path, result["id"])
    assert set(new_values) == {"wbc", "anc", "plt"}
    assert new_values["plt"]["value_text"] == "60"
    assert new_values["plt"]["range_text"] == "150-450"
    for code in ("wbc", "anc", "plt"):  # each value keeps its own uid too
        assert new_values[code]["uid"] == values[code]["uid"]
    before_delete = (edited, new_values)

    select_row(qtbot, window, view, result["id"])
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert rows(record_path, "SELECT * FROM count_result") == []
    assert rows(record_path, "SELECT * FROM count_value") == []
    assert view.model.rowCount() == 0

    undo(qtbot, window)
    assert (
        one(record_path, "SELECT * FROM count_result"),
        _values(record_path, result["id"]),
    ) == before_delete
    assert view.model.rowCount() == 1
    redo(qtbot, window)
    assert rows(record_path, "SELECT * FROM count_result") == []
    assert rows(record_path, "SELECT * FROM count_value") == []


# ---------------------------------------------------------------------- CNS visit


def _drugs(path: Path, visit_id: int) -> dict[str, dict[str, object]]:
    return {
        r["drug"]: r
        for r in rows(path, "SELECT * FROM cns_it_drug WHERE visit_id = ?", (visit_id,))
    }


def test_cns_visit_add_edit_delete_undo_redo(qtbot, window, bridge, record_path):
    from tracker.model import Phase, PhaseKind

    induction = bridge.save(
        Phase(bridge.child_id, PhaseKind.INDUCTION, "Induction", actual_start=dt.date(2026, 11, 1))
    )
    view = window.cns_view.visits

    def new_visit(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "New lumbar puncture"
        fill(dialog, "date", "2026-11-18")
        choose(dialog, "phase_id", str(induction.id))
        choose(dialog, "procedure", "lp_it")
        mtx = dialog.findChild(QCheckBox, "drug_methotrexate")
        ara_c = dialog.findChild(QCheckBox, "drug_cytarabine")
        assert not dose_field(dialog, "Methotrexate").isEnabled()
        click(qtbot, mtx)
        click(qtbot, ara_c)
        assert mtx.isChecked() and ara_c.isChecked()
        type_text(dose_field(dialog, "Methotrexate"), "8 mg")
        type_text(dose_field(dialog, "Cytarabine"), "16 mg")
        fill(dialog, "csf_wbc", "2")
        fill(dialog, "csf_rbc", "150")
        choose(dialog, "blasts_seen", "no")
        choose(dialog, "cns_status", "CNS1")
        fill(dialog, "platelets", "85")
        fill(dialog, "sedation", "propofol")
        save_and_close(qtbot, dialog)

    window.show_view("cns")
    drive_modal(lambda: press(qtbot, window, "Ctrl+Shift+L"), new_visit)
    visit = one(record_path, "SELECT * FROM cns_visit")
    assert (visit["date"], visit["phase_id"], visit["procedure"]) == (
        "2026-11-18",
        induction.id,
        "lp_it",
    )
    assert (visit["csf_wbc"], visit["csf_rbc"], visit["platelets"]) == (2.0, 150.0, 85.0)
    assert (visit["blasts_seen"], visit["cns_status"]) == ("no", "CNS1")
    assert visit["sedation"] == "propofol"
    drugs = _drugs(record_path, visit["id"])
    assert {d: r["dose_text"] for d, r in drugs.items()} == {
        "methotrexate": "8 mg",
        "cytarabine": "16 mg",
    }
    assert "Methotrexate 8 mg, Cytarabine 16 mg" in view.model.index(0, 2).data()
    assert view.model.index(0, 7).data() == "Induction"

    def edit_visit(dialog):  # type: ignore[no-untyped-def]
        assert dialog.findChild(QCheckBox, "drug_cytarabine").isChecked()
        assert dose_field(dialog, "Cytarabine").text() == "16 mg"
        type_text(dose_field(dialog, "Cytarabine"), "20 mg")
        choose(dialog, "cns_status", "CNS2")
        save_and_close(qtbot, dialog)

    drive_modal(lambda: double_click_row(qtbot, view, visit["id"]), edit_visit)
    edited = one(record_path, "SELECT * FROM cns_visit")
    assert (edited["id"], edited["uid"]) == (visit["id"], visit["uid"])
    assert edited["cns_status"] == "CNS2"
    new_drugs = _drugs(record_path, visit["id"])
    assert new_drugs["cytarabine"]["dose_text"] == "20 mg"
    assert {d: r["uid"] for d, r in new_drugs.items()} == {d: r["uid"] for d, r in drugs.items()}

    select_row(qtbot, window, view, visit["id"])
    click(qtbot, view.delete_button)
    assert rows(record_path, "SELECT * FROM cns_visit") == []
    assert rows(record_path, "SELECT * FROM cns_it_drug") == []

    undo(qtbot, window)
    assert one(record_path, "SELECT * FROM cns_visit") == edited
    assert _drugs(record_path, visit["id"]) == new_drugs
    redo(qtbot, window)
    assert rows(record_path, "SELECT * FROM cns_visit") == []
    assert rows(record_path, "SELECT * FROM cns_it_drug") == []


# ---------------------------------------------------------------------- refusals


@pytest.fixture
def open_dialog(qtbot):  # type: ignore[no-untyped-def]
    """Show a dialog without its modal loop (the Save button is then pressed by the test)."""

    def show(dialog):  # type: ignore[no-untyped-def]
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return show


def _refused(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    press_save(qtbot, dialog)
    assert dialog.isVisible(), "the dialog closed although the form is wrong"
    assert dialog.value is None
    assert dialog.banner.isVisible()


def test_child_without_a_name_is_refused_then_saved(qtbot, open_dialog, bridge, record_path):
    from ui.dialogs.child import ChildDialog

    dialog = open_dialog(ChildDialog(None, TODAY))
    dialog.submit = bridge.save
    fill(dialog, "birth_date", "2026-03-02")
    _refused(qtbot, dialog)
    label = error_label(dialog, "name")
    assert label.isVisible()
    assert "name" in label.text()
    assert [r["name"] for r in rows(record_path, "SELECT name FROM child")] == ["Mila"]
    assert bridge.undo_stack.count() == 0

    fill(dialog, "name", "Noah")
    save_and_close(qtbot, dialog)
    assert not label.isVisible()
    assert dialog.value.id is not None
    assert one(record_path, "SELECT * FROM child WHERE name = 'Noah'")["birth_date"] == (
        "2026-03-02"
    )


def test_phase_ending_before_it_starts_is_refused(qtbot, open_dialog, bridge, record_path):
    from ui.dialogs.phase import PhaseDialog

    dialog = open_dialog(PhaseDialog(None, bridge.current_child()))
    dialog.submit = bridge.save
    choose(dialog, "kind", "consolidation")
    fill(dialog, "actual_start", "2026-11-10")
    fill(dialog, "actual_end", "2026-11-01")
    _refused(qtbot, dialog)
    label = error_label(dialog, "actual_end")
    assert label.isVisible()
    assert "before" in label.text() and "2026-11-10" in label.text()
    assert rows(record_path, "SELECT * FROM phase") == []

    fill(dialog, "actual_end", "2026-11-21")
    save_and_close(qtbot, dialog)
    saved = one(record_path, "SELECT * FROM phase")
    assert (saved["actual_start"], saved["actual_end"]) == ("2026-11-10", "2026-11-21")


def test_future_milestone_must_be_planned(qtbot, open_dialog, bridge, record_path):
    from ui.dialogs.phase import MilestoneDialog

    dialog = open_dialog(MilestoneDialog(None, bridge.current_child(), TODAY))
    dialog.submit = bridge.save
    fill(dialog, "date", "2026-12-10")
    choose(dialog, "kind", "marrow_check")
    _refused(qtbot, dialog)
    label = error_label(dialog, "date")
    assert label.isVisible()
    assert "future" in label.text() and "Planned" in label.text()
    assert rows(record_path, "SELECT * FROM milestone") == []

    click(qtbot, dialog.field("planned"))
    save_and_close(qtbot, dialog)
    saved = one(record_path, "SELECT * FROM milestone")
    assert (saved["date"], saved["kind"], saved["planned"]) == ("2026-12-10", "marrow_check", 1)


def test_hemoglobin_in_the_wrong_unit_is_refused(qtbot, open_dialog, bridge, record_path):
    from ui.dialogs.count import CountDialog

    dialog = open_dialog(CountDialog(None, bridge.current_child(), TODAY))
    dialog.submit = bridge.save
    fill(dialog, "hgb.value", "150")
    choose_unit(dialog, "hgb", "g/dL")
    fill(dialog, "plt.value", "210")
    _refused(qtbot, dialog)
    label = error_label(dialog, "hgb.value")
    assert label.isVisible()
    assert "Hemoglobin" in label.text() and "g/L" in label.text()
    assert visible_errors(dialog) == [label.text()]  # only the wrong value is marked
    assert rows(record_path, "SELECT * FROM count_result") == []

    choose_unit(dialog, "hgb", "g/L")
    save_and_close(qtbot, dialog)
    result = one(record_path, "SELECT * FROM count_result")
    hgb = _values(record_path, result["id"])["hgb"]
    assert (hgb["value_text"], hgb["unit"], hgb["normalised_value"]) == ("150", "g/L", 150.0)


def test_lab_range_upside_down_is_refused_beside_it(qtbot, open_dialog, bridge, record_path):
    from ui.dialogs.count import CountDialog

    dialog = open_dialog(CountDialog(None, bridge.current_child(), TODAY))
    dialog.submit = bridge.save
    fill(dialog, "plt.value", "45")
    fill(dialog, "plt.range", "450-150")
    _refused(qtbot, dialog)
    label = error_label(dialog, "plt.range")
    assert label.isVisible()
    assert "Platelets range" in label.text() and "upper limit" in label.text()
    assert rows(record_path, "SELECT * FROM count_result") == []

    fill(dialog, "plt.range", "150-450")
    save_and_close(qtbot, dialog)
    result = one(record_path, "SELECT * FROM count_result")
    plt = _values(record_path, result["id"])["plt"]
    assert (plt["range_text"], plt["range_low"], plt["range_high"]) == ("150-450", 150.0, 450.0)


def test_a_lab_range_in_another_unit_is_refused_beside_it(qtbot, open_dialog, bridge, record_path):
    """Issue 11: ANC 200 /µL with the printed range 1.5-8.5 was flagged H; now the range is
    refused beside it, naming the unit it fits."""
    from ui.dialogs.count import CountDialog

    dialog = open_dialog(CountDialog(None, bridge.current_child(), TODAY))
    dialog.submit = bridge.save
    fill(dialog, "anc.value", "200")
    choose_unit(dialog, "anc", "/µL")
    fill(dialog, "anc.range", "1.5-8.5")
    _refused(qtbot, dialog)
    label = error_label(dialog, "anc.range")
    assert label.isVisible()
    assert "cannot be in /µL" in label.text() and "×10⁹/L" in label.text()
    assert rows(record_path, "SELECT * FROM count_result") == []
    fill(dialog, "anc.range", "1500-8500")
    save_and_close(qtbot, dialog)
    assert one(record_path, "SELECT * FROM count_value")["range_low"] == 1500.0


def test_vincristine_is_never_recorded_as_intrathecal(qtbot, open_dialog, bridge, record_path):
    from ui.dialogs.cns import CnsVisitDialog

    child = bridge.current_child()
    dialog = open_dialog(CnsVisitDialog(None, child, [], TODAY))
    dialog.submit = bridge.save
    click(qtbot, dialog.findChild(QCheckBox, "drug_methotrexate"))
    type_text(dose_field(dialog, "Methotrexate"), "8 mg")
    type_text(dialog.findChild(QLineEdit, "other_drug"), "vincristine")
    _refused(qtbot, dialog)
    label = error_label(dialog, "it_drugs")
    assert label.isVisible()
    assert "Vincristine" in label.text() and "spinal fluid" in label.text()
    assert rows(record_path, "SELECT * FROM cns_visit") == []

    type_text(dialog.findChild(QLineEdit, "other_drug"), "")
    save_and_close(qtbot, dialog)
    assert not label.isVisible()
    visit = one(record_path, "SELECT * FROM cns_visit")
    assert {d: r["dose_text"] for d, r in _drugs(record_path, visit["id"]).items()} == {
        "methotrexate": "8 mg"
    }


def test_duplicate_intrathecal_drug_is_marked_next_to_the_drugs(
    qtbot, open_dialog, bridge, record_path
):
    from ui.dialogs.cns import CnsVisitDialog

    dialog = open_dialog(CnsVisitDialog(None, bridge.current_child(), [], TODAY))
    dialog.submit = bridge.save
    click(qtbot, dialog.findChild(QCheckBox, "drug_methotrexate"))
    type_text(dialog.findChild(QLineEdit, "other_drug"), "MTX")  # methotrexate again
    _refused(qtbot, dialog)
    label = error_label(dialog, "it_drugs")
    assert label.isVisible()
    assert "Methotrexate is listed twice" in label.text()
    assert rows(record_path, "SELECT * FROM cns_visit") == []

    type_text(dialog.findChild(QLineEdit, "other_drug"), "hc")  # hydrocortisone, by alias
    save_and_close(qtbot, dialog)
    visit = one(record_path, "SELECT * FROM cns_visit")
    assert set(_drugs(record_path, visit["id"])) == {"methotrexate", "hydrocortisone"}


# ---------------------------------------------------------------------- welcome


def test_welcome_creates_a_private_record_with_the_first_child(qtbot, open_dialog, tmp_path):
    from tracker.store import Record
    from ui.welcome import WelcomeDialog

    path = tmp_path / "new folder" / "record.sqlite"
    dialog = open_dialog(WelcomeDialog(path, clock=fixed_clock))
    fill(dialog, "name", "Mila")
    fill(dialog, "birth_date", "2026-01-10")
    fill(dialog, "diagnosis_date", "2026-05-12")
    save_and_close(qtbot, dialog)
    try:
        assert path.is_file()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert dialog.value.name == "Mila"
    finally:
        dialog.record.close()
    with Record.open(path) as record:
        [child] = record.children()
    assert (child.name, child.birth_date, child.diagnosis_date) == (
        "Mila",
        dt.date(2026, 1, 10),
        dt.date(2026, 5, 12),
    )


def test_welcome_without_a_name_creates_nothing(qtbot, open_dialog, tmp_path):
    from ui.welcome import WelcomeDialog

    path = tmp_path / "new folder" / "record.sqlite"
    dialog = open_dialog(WelcomeDialog(path, clock=fixed_clock))
    fill(dialog, "birth_date", "2026-01-10")
    _refused(qtbot, dialog)
    assert error_label(dialog, "name").isVisible()
    assert dialog.record is None
    assert not path.exists()
    assert not path.parent.exists()


def test_a_dialog_asks_through_its_windows_interaction(qtbot, window, interaction) -> None:  # type: ignore[no-untyped-def]
    """A dialog opened from the window (also one opened from another dialog) asks through
    the window's Interaction, the one tests script; one outside any window gets a plain one."""
    from ui.dialogs.child import ChildDialog
    from ui.interaction import Interaction, interaction_of

    dialog = ChildDialog(None, window.bridge.record.today(), window)
    qtbot.addWidget(dialog)
    inner = ChildDialog(None, window.bridge.record.today(), dialog)
    qtbot.addWidget(inner)
    assert interaction_of(dialog) is interaction
    assert interaction_of(inner) is interaction
    alone = ChildDialog(None, window.bridge.record.today())
    qtbot.addWidget(alone)
    assert type(interaction_of(alone)) is Interaction
