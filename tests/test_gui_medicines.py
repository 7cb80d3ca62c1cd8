"""The medicine plan on screen, from the keyboard: its dialog (schedule picker in words,
reasons beside the fields), the Medicines tab, "Change dose" (two plans saved, one undo
step restores both exactly; a day outside the plan refused plainly) and "Stop medicine"."""

from __future__ import annotations

import datetime as dt

import pytest
from gui_helpers import activate, banner_text, drive_modal, error_label, press, type_text
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QMessageBox

from tracker.model import MedicinePlan
from ui.dialogs.medicine_plan import ChangeDoseDialog, MedicinePlanDialog, StopDialog

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

D = dt.date


def _enter(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """Save from the keyboard: Enter in a one-line field presses the dialog's Save."""
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)


def _save_plan(record, child, **over: object) -> MedicinePlan:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "dose_amount": "25",
        "dose_unit": "mg",
        "strength": "50 mg",
        "schedule": "FREQ=DAILY;BYHOUR=19",
    }
    values.update(over)
    saved, _ = record.save(MedicinePlan(child.id, "6-mercaptopurine", D(2026, 9, 1), **values))  # type: ignore[arg-type]
    return saved


def test_add_a_weekend_plan_from_the_keyboard(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    def handle(dialog: MedicinePlanDialog) -> None:
        assert isinstance(dialog, MedicinePlanDialog)
        type_text(dialog.field("drug"), "Septrin")
        type_text(dialog.field("dose_amount"), "2,5")
        type_text(dialog.field("dose_unit"), "mL")
        picker = dialog.picker
        picker.how.setFocus()
        qtbot.keyClick(picker.how, Qt.Key.Key_Down)
        qtbot.keyClick(picker.how, Qt.Key.Key_Down)  # weekly, on chosen days
        for box in (picker.days[5], picker.days[6]):  # Saturday, Sunday: Space ticks
            box.setFocus()
            qtbot.keyClick(box, Qt.Key.Key_Space)
        type_text(picker.hours, "8:00, 20:00")
        assert picker.words.text() == (
            "In words: on Saturday and Sunday each week, at 08:00 and 20:00"
        )
        type_text(dialog.field("start_date"), "2026-09-05")
        dialog.field("start_date").setFocus()
        _enter(qtbot, dialog)
        assert not dialog.isVisible()

    drive_modal(lambda: press(qtbot, window, "Ctrl+Shift+E"), handle)
    (plan,) = record.entries(MedicinePlan, child.id)
    assert (plan.drug, plan.dose_amount, plan.dose_unit, plan.schedule) == (
        "Septrin",
        "2,5",
        "mL",
        "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=8,20",
    )


def test_reasons_beside_the_fields(qtbot, child) -> None:  # type: ignore[no-untyped-def]
    dialog = MedicinePlanDialog(None, child, D(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.field("drug"), "6-MP")
    type_text(dialog.field("dose_amount"), "25")
    type_text(dialog.field("dose_unit"), "")
    dialog.picker.how.setCurrentIndex(dialog.picker.how.findData("weekly"))  # no day ticked
    type_text(dialog.field("end_date"), "2026-01-01")
    dialog.accept()
    assert dialog.isVisible()
    assert "unit the team wrote" in error_label(dialog, "dose_unit").text()
    assert "days of the week" in error_label(dialog, "schedule").text()
    assert "before the start" in error_label(dialog, "end_date").text()


def test_a_strength_per_ml_switches_a_form_left_at_its_default_to_liquid(qtbot, child) -> None:  # type: ignore[no-untyped-def]
    dialog = MedicinePlanDialog(None, child, D(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.text_of("form") == "", "no form is guessed: it starts not entered"
    type_text(dialog.field("strength"), "20 mg/mL")
    assert dialog.text_of("form") == "liquid"
    chosen = MedicinePlanDialog(None, child, D(2026, 11, 24))
    qtbot.addWidget(chosen)
    kind = chosen.field("form")
    assert isinstance(kind, QComboBox)
    kind.setCurrentIndex(kind.findData("capsule"))
    kind.activated.emit(kind.currentIndex())  # the family chose it
    type_text(chosen.field("strength"), "20 mg/mL")
    assert chosen.text_of("form") == "capsule"  # theirs: refused beside it on saving
    type_text(chosen.field("drug"), "6-MP")
    type_text(chosen.field("dose_amount"), "2")
    chosen.accept()
    assert "choose Liquid" in error_label(chosen, "form").text()


def test_change_dose_is_one_undo_step(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child)
    before = record.entries(MedicinePlan, child.id)
    press(qtbot, window, "Ctrl+8")
    view = window.medicines_view
    assert window.views.currentWidget() is view
    view.plans.table.setFocus()
    view.plans.select_id(old.id)

    def handle(dialog: ChangeDoseDialog) -> None:
        assert isinstance(dialog, ChangeDoseDialog)
        type_text(dialog.field("change_date"), "2026-11-04")
        type_text(dialog.field("dose_amount"), "20")
        type_text(dialog.field("team_note"), "WBC 1.1: reduce")
        dialog.field("dose_amount").setFocus()
        _enter(qtbot, dialog)
        assert not dialog.isVisible()

    drive_modal(lambda: press(qtbot, view.plans.table, "Ctrl+Alt+D"), handle)
    ended, new = record.entries(MedicinePlan, child.id)
    assert ended.end_date == D(2026, 11, 3)
    assert (new.start_date, new.dose_amount, new.follows_id, new.team_note) == (
        D(2026, 11, 4),
        "20",
        old.id,
        "WBC 1.1: reduce",
    )
    assert view.plans.selected() == new
    assert view.history.item(0).text() == (
        "2026-11-04  6-MP 25 mg → 20 mg on 2026-11-04, team: WBC 1.1: reduce"
    )
    assert window.bridge.undo_stack.count() == 1
    activate(qtbot, window)
    press(qtbot, view.plans.table, QKeySequence.StandardKey.Undo)
    assert record.entries(MedicinePlan, child.id) == before
    assert view.plans.model.rowCount() == 1
    # The walkthrough: the selection was lost; it stays on the plan whose dose changed.
    assert view.plans.selected() == old and view.change_button.isEnabled()
    press(qtbot, view.plans.table, QKeySequence.StandardKey.Redo)  # both again, same ids
    assert record.entries(MedicinePlan, child.id) == [ended, new]
    assert view.plans.selected() == new


def test_change_dose_outside_the_plan_is_refused(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child, end_date=D(2026, 10, 31))
    window.show_view("medicines")
    window.medicines_view.plans.select_id(old.id)

    def handle(dialog: ChangeDoseDialog) -> None:
        type_text(dialog.field("change_date"), "2026-11-04")
        type_text(dialog.field("dose_amount"), "20")
        dialog.accept()
        assert dialog.isVisible()
        assert "after the plan's end (2026-10-31)" in error_label(dialog, "change_date").text()
        dialog.reject()

    drive_modal(
        lambda: qtbot.mouseClick(window.medicines_view.change_button, Qt.MouseButton.LeftButton),
        handle,
    )
    assert record.entries(MedicinePlan, child.id) == [old]
    assert window.bridge.undo_stack.count() == 0


def test_change_dose_from_the_plan_dialog(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child)
    window.show_view("medicines")
    view = window.medicines_view
    view.plans.select_id(old.id)

    def change(dialog: ChangeDoseDialog) -> None:
        assert isinstance(dialog, ChangeDoseDialog)
        type_text(dialog.field("change_date"), "2026-11-10")
        type_text(dialog.field("dose_amount"), "30")
        dialog.field("dose_amount").setFocus()
        _enter(qtbot, dialog)
        assert not dialog.isVisible(), banner_text(dialog)

    def plan_dialog(dialog: MedicinePlanDialog) -> None:
        assert isinstance(dialog, MedicinePlanDialog)
        assert dialog.change_button is not None
        activate(qtbot, dialog)
        # a button's shortcut clicks it a moment later (animateClick): the change dialog
        # is worked once it is the modal one
        done: list[bool] = []

        def poll() -> None:
            top = QApplication.activeModalWidget()
            if isinstance(top, ChangeDoseDialog) and not done:
                done.append(True)
                timer.stop()
                try:
                    change(top)
                finally:
                    if top.isVisible():
                        top.reject()

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(poll)
        timer.start()
        press(qtbot, dialog.field("drug"), "Alt+D")
        qtbot.waitUntil(lambda: bool(done) and not dialog.isVisible(), timeout=3000)
        timer.stop()
        assert not dialog.isVisible()

    view.plans.table.setFocus()
    drive_modal(lambda: qtbot.keyClick(view.plans.table, Qt.Key.Key_Return), plan_dialog)
    plans = record.entries(MedicinePlan, child.id)
    assert [p.dose_amount for p in plans] == ["25", "30"]
    assert view.plans.selected() == plans[1]


def test_stop_medicine(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child)
    window.show_view("medicines")
    view = window.medicines_view
    view.plans.select_id(old.id)
    view.plans.table.setFocus()

    def handle(dialog: StopDialog) -> None:
        assert isinstance(dialog, StopDialog)
        type_text(dialog.field("end_date"), "2026-11-20")
        _enter(qtbot, dialog)

    drive_modal(lambda: press(qtbot, view.plans.table, "Ctrl+Alt+S"), handle)
    (plan,) = record.entries(MedicinePlan, child.id)
    assert plan.end_date == D(2026, 11, 20)
    assert "stopped after 2026-11-20" in view.history.item(0).text()


def test_schedule_picker_reads_back_what_it_was_given(qtbot, child) -> None:  # type: ignore[no-untyped-def]
    for rule in ("FREQ=DAILY", "FREQ=DAILY;INTERVAL=3;BYHOUR=8", "FREQ=WEEKLY;BYDAY=FR", ""):
        dialog = MedicinePlanDialog(None, child, D(2026, 11, 24))
        qtbot.addWidget(dialog)
        dialog.set_text("schedule", rule)
        assert dialog.text_of("schedule") == rule
    assert isinstance(dialog.field("drug"), QComboBox)
    assert all(isinstance(b, QCheckBox) for b in dialog.picker.days)


def _log_doses(record, child, plan, *days: dt.date) -> None:  # type: ignore[no-untyped-def]
    from tracker.model import DoseLog, DoseStatus

    for day in days:
        record.save(DoseLog(child.id, plan.id, day, DoseStatus.GIVEN, dt.time(19)))


def _answer_question(qtbot, key: str, seen: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """When the question box opens (modal over the dialog), note its text and buttons and
    answer it from the keyboard with ``key`` (e.g. "O", "Escape")."""
    timer = QTimer()
    timer.setInterval(0)

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        timer.stop()
        seen["question"] = box.text()
        seen["buttons"] = " | ".join(b.text() for b in box.buttons())
        press(qtbot, box, key)

    timer.timeout.connect(poll)
    timer.start()
    seen["_timer"] = timer  # type: ignore[assignment]  # kept alive until the dialog closes


def _change(qtbot, window, plan, answer: str | None = None, **typed: str):  # type: ignore[no-untyped-def]
    window.show_view("medicines")
    window.medicines_view.plans.select_id(plan.id)
    seen: dict[str, str] = {}

    def handle(dialog: ChangeDoseDialog) -> None:
        for name, text in typed.items():
            if name == "schedule":
                dialog.picker.set_rule(text)
            else:
                type_text(dialog.field(name), text)
        if answer is not None:
            _answer_question(qtbot, answer, seen)
        dialog.field("dose_amount").setFocus()
        _enter(qtbot, dialog)
        seen.pop("_timer", None)
        if dialog.isVisible():
            seen["change_date"] = error_label(dialog, "change_date").text()
            seen["banner"] = banner_text(dialog)
            dialog.reject()

    drive_modal(
        lambda: qtbot.mouseClick(window.medicines_view.change_button, Qt.MouseButton.LeftButton),
        handle,
    )
    return seen


def test_change_dose_from_a_past_date_moves_the_doses_logged_since(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    """The team changed the dose on 11-19; the parent types it on 11-24, after ticking
    11-18 to 11-23, and answers that those were the new dose: the ticks since 11-19 move
    to the new plan, in one undo step."""
    from tracker.model import DoseLog

    old = _save_plan(record, child)
    _log_doses(record, child, old, *(D(2026, 11, d) for d in range(18, 24)))
    doses_before = record.entries(DoseLog, child.id)
    seen = _change(qtbot, window, old, "N", change_date="2026-11-19", dose_amount="20")
    assert seen["question"] == (
        "5 doses are logged from 2026-11-19 to 2026-11-23 under 25 mg. Which dose were they?"
    )
    assert "The new dose (20 mg): move them to it" in seen["buttons"].replace("&", "")
    assert "The old dose (25 mg): start the new dose on 2026-11-24, after them" in (
        seen["buttons"].replace("&", "")
    )
    assert set(seen) == {"question", "buttons"}  # the dialog closed
    ended, new = record.entries(MedicinePlan, child.id)
    logs = record.entries(DoseLog, child.id)
    assert [d.plan_id for d in logs] == [ended.id] + [new.id] * 5
    assert window.bridge.undo_stack.count() == 1
    window.bridge.undo_stack.undo()
    assert record.entries(MedicinePlan, child.id) == [old]
    assert record.entries(DoseLog, child.id) == doses_before
    window.bridge.undo_stack.redo()
    assert record.entries(MedicinePlan, child.id) == [ended, new]
    assert record.entries(DoseLog, child.id) == logs
    assert record.problems() == []


def test_change_dose_doses_given_at_the_old_dose_keep_it_and_the_new_dose_starts_after(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    """They learned of the change late and gave the old dose: the logged doses stay with
    the old plan and the new one starts the day after the last of them (one undo step)."""
    from tracker.model import DoseLog

    old = _save_plan(record, child)
    _log_doses(record, child, old, *(D(2026, 11, d) for d in range(18, 24)))
    doses_before = record.entries(DoseLog, child.id)
    seen = _change(qtbot, window, old, "O", change_date="2026-11-19", dose_amount="20")
    assert set(seen) == {"question", "buttons"}, seen  # asked once, then saved and closed
    ended, new = record.entries(MedicinePlan, child.id)
    assert ended.end_date == D(2026, 11, 23)
    assert (new.start_date, new.dose_amount, new.follows_id) == (D(2026, 11, 24), "20", old.id)
    assert record.entries(DoseLog, child.id) == doses_before  # every dose keeps its plan
    assert window.bridge.undo_stack.count() == 1
    window.bridge.undo_stack.undo()
    assert record.entries(MedicinePlan, child.id) == [old]
    window.bridge.undo_stack.redo()
    assert record.entries(MedicinePlan, child.id) == [ended, new]
    assert record.problems() == []


def test_change_dose_old_dose_answer_past_the_plans_end_is_refused(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child, end_date=D(2026, 11, 22))
    _log_doses(record, child, old, D(2026, 11, 21), D(2026, 11, 22))
    seen = _change(qtbot, window, old, "O", change_date="2026-11-20", dose_amount="20")
    assert "2026-11-22" in seen["change_date"] and "plan's end" in seen["change_date"], seen
    assert record.entries(MedicinePlan, child.id) == [old]
    assert window.bridge.undo_stack.count() == 0


def test_change_dose_question_cancelled_changes_nothing(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    from tracker.model import DoseLog

    old = _save_plan(record, child)
    _log_doses(record, child, old, D(2026, 11, 20), D(2026, 11, 22))
    doses_before = record.entries(DoseLog, child.id)
    seen = _change(qtbot, window, old, "Escape", change_date="2026-11-19", dose_amount="20")
    assert seen["question"].startswith("2 doses are logged from 2026-11-20 to 2026-11-22")
    assert seen["change_date"] == "" and seen["banner"] == ""  # still open, no blame
    assert record.entries(MedicinePlan, child.id) == [old]
    assert record.entries(DoseLog, child.id) == doses_before
    assert window.bridge.undo_stack.count() == 0


def test_change_dose_asks_nothing_when_no_dose_is_logged_since(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child)
    _log_doses(record, child, old, D(2026, 11, 18))
    assert _change(qtbot, window, old, change_date="2026-11-19", dose_amount="20") == {}
    assert [p.start_date for p in record.entries(MedicinePlan, child.id)][1] == D(2026, 11, 19)


def test_change_dose_refuses_logged_doses_the_new_schedule_does_not_give(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child)
    _log_doses(record, child, old, D(2026, 11, 20), D(2026, 11, 22))
    seen = _change(
        qtbot,
        window,
        old,
        "N",  # they were the new dose: but the new schedule does not give them
        change_date="2026-11-19",
        dose_amount="20",
        schedule="FREQ=DAILY;BYHOUR=8",
    )
    assert "2 doses logged" in seen["change_date"] and "2026-11-22" in seen["change_date"]
    assert record.entries(MedicinePlan, child.id) == [old]
    assert window.bridge.undo_stack.count() == 0


def test_change_dose_of_an_already_changed_plan_names_the_later_one(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child, end_date=D(2026, 11, 12))
    later, _ = record.save(
        MedicinePlan(
            child.id,
            "6-mercaptopurine",
            D(2026, 11, 13),
            "20",
            "mg",
            schedule="FREQ=DAILY;BYHOUR=19",
            follows_id=old.id,
        )
    )
    seen = _change(qtbot, window, old, change_date="2026-11-05", dose_amount="15")
    assert "already changed on 2026-11-13" in seen["change_date"], seen
    assert record.entries(MedicinePlan, child.id) == [old, later]


def test_stop_before_ticked_days_is_refused_beside_the_day(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    old = _save_plan(record, child)
    _log_doses(record, child, old, D(2026, 11, 20), D(2026, 11, 21))
    window.show_view("medicines")
    window.medicines_view.plans.select_id(old.id)
    window.medicines_view.plans.table.setFocus()

    def handle(dialog: StopDialog) -> None:
        type_text(dialog.field("end_date"), "2026-11-19")
        dialog.accept()
        assert dialog.isVisible()
        assert "2 doses logged" in error_label(dialog, "end_date").text()
        dialog.reject()

    drive_modal(lambda: press(qtbot, window.medicines_view.plans.table, "Ctrl+Alt+S"), handle)
    assert record.entries(MedicinePlan, child.id) == [old]


@pytest.mark.parametrize("tab", ["medicines", "phases", "hospital"])
def test_the_row_the_cursor_is_on_is_selected_so_its_commands_wake(
    qtbot, window, record, child, tab
) -> None:  # type: ignore[no-untyped-def]
    """A parent's walkthrough: tabbing into the plans table put the cursor on its one row
    and Down kept it there, but "Change dose…" stayed grey until Space.  In every table the
    row the cursor is on is the selected row."""
    from tracker.model import Phase, PhaseKind, Stay, StayReason

    _save_plan(record, child)
    record.save(Phase(child.id, PhaseKind.INDUCTION, "Induction", actual_start=D(2026, 5, 13)))
    record.save(Stay(child.id, D(2026, 10, 1), D(2026, 10, 3), "Ward 4", StayReason.FEVER))
    window.show_view(tab)
    view = window.views.currentWidget()
    table = next(iter(view.tables.values()))
    assert table.model.rowCount() == 1
    table.table.setFocus()
    qtbot.keyClick(table.table, Qt.Key.Key_Down)
    assert table.table.currentIndex().row() == 0
    assert table.table.selectionModel().isRowSelected(0), "the cursor's row is selected"
    assert table.edit_button.isEnabled() and table.delete_button.isEnabled()
    if tab == "medicines":
        assert view.change_button.isEnabled() and view.stop_button.isEnabled()


def test_a_dose_typed_with_its_unit_is_split_on_leaving_the_field(qtbot, child) -> None:  # type: ignore[no-untyped-def]
    """ "20 mg" typed in the Dose amount with the unit field empty becomes 20 and mg when
    the family leaves the field (Tab), and the plan saves."""
    dialog = MedicinePlanDialog(None, child, D(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    type_text(dialog.field("drug"), "6-MP")
    type_text(dialog.field("dose_unit"), "")
    amount = dialog.field("dose_amount")
    type_text(amount, "20 mg")
    amount.setFocus()
    qtbot.keyClick(amount, Qt.Key.Key_Tab)
    assert (dialog.text_of("dose_amount"), dialog.text_of("dose_unit")) == ("20", "mg")
    plan = dialog.build()
    assert (plan.dose_amount, plan.dose_unit) == ("20", "mg")


def test_a_new_plan_starts_with_no_dose_unit_and_refuses_an_amount_without_one(
    qtbot, child
) -> None:  # type: ignore[no-untyped-def]
    """No unit is guessed: "mg" pre-filled would be saved beside a dose in mL unnoticed."""
    dialog = MedicinePlanDialog(None, child, D(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.text_of("dose_unit") == ""
    unit = dialog.field("dose_unit")
    assert isinstance(unit, QComboBox) and unit.currentText() == ""
    type_text(dialog.field("drug"), "6-MP")
    type_text(dialog.field("dose_amount"), "25")
    dialog.accept()
    assert dialog.isVisible(), "saved without a unit"
    assert error_label(dialog, "dose_unit").text() == (
        "⚠ Dose unit: give the unit the team wrote beside 25 (e.g. mg, mL, tablet)"
    )


def test_each_message_of_the_plan_form_starts_with_its_fields_label_as_shown(qtbot, child) -> None:  # type: ignore[no-untyped-def]
    """The error under "Medicine:" says "Medicine:", never the stored field's name."""
    from PySide6.QtWidgets import QFormLayout, QLabel

    dialog = MedicinePlanDialog(None, child, D(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.field("dose_amount"), "0")
    type_text(dialog.field("end_date"), "2026-01-01")
    dialog.accept()
    shown = {}
    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is not None and isinstance(label.widget(), QLabel):
                shown[label.widget().buddy()] = label.widget().text().replace("&", "")
    said = 0
    for name in ("drug", "dose_amount", "dose_unit", "end_date"):
        error = error_label(dialog, name)
        if not error.isVisible():
            continue
        said += 1
        field = dialog.field(name)
        label = next(v for k, v in shown.items() if k is field or field.isAncestorOf(k))
        assert error.text().startswith("⚠ " + label), (label, error.text())
    assert said >= 3
