"""Appointments and questions, the counts view's charts, and the units menu, driven for real."""

from __future__ import annotations

import datetime as dt

import pytest
from gui_helpers import drive_modal, fill, rows, save_and_close
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextDocument

from tracker.display import UnitPreference
from tracker.forms import ValueInput, count_from_form
from tracker.model import Question

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui


def test_question_add_answer_delete_undo(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    view = window.agenda_view
    window.show_view("agenda")

    def write(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "text", "Can she have visitors with a cold?")
        save_and_close(qtbot, dialog)

    drive_modal(lambda: view.edit("question", None), write)
    [row] = rows(record.path, "SELECT * FROM question")
    assert row["text"] == "Can she have visitors with a cold?"
    assert row["answered"] == 0 and row["added_on"] == record.today().isoformat()
    assert view.questions.model.rowCount() == 1

    question = record.entries(Question, child.id)[0]

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.field("answered").setChecked(True)
        fill(dialog, "answer", "Only if they wear a mask.")
        save_and_close(qtbot, dialog)

    drive_modal(lambda: view.edit("question", question), answer)
    [row] = rows(record.path, "SELECT * FROM question")
    assert row["answered"] == 1 and row["uid"] == question.uid

    view.questions.select_id(question.id)
    view.questions.delete_button.click()
    assert rows(record.path, "SELECT * FROM question") == []
    window.bridge.undo_stack.undo()
    assert rows(record.path, "SELECT uid FROM question") == [{"uid": question.uid}]


def test_empty_question_is_refused(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.agenda import QuestionDialog

    dialog = QuestionDialog(None, window.bridge.current_child(), record.today())
    qtbot.addWidget(dialog)
    dialog.submit = window.bridge.save
    dialog.accept()
    assert dialog.result() != QuestionDialog.DialogCode.Accepted
    assert "type the question" in dialog.findChild(type(dialog.banner), "error_text").text()
    assert rows(record.path, "SELECT * FROM question") == []


def test_appointment_add_and_next_event_in_the_header(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    view = window.agenda_view

    def plan(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", "2026-12-01")
        fill(dialog, "time", "09:30")
        fill(dialog, "with_whom", "Dr. Vos")
        save_and_close(qtbot, dialog)

    drive_modal(lambda: view.edit("appointment", None), plan)
    [row] = rows(record.path, "SELECT date, time, with_whom FROM appointment")
    assert row == {"date": "2026-12-01", "time": "09:30", "with_whom": "Dr. Vos"}
    assert "Appointment (Dr. Vos) on 2026-12-01" in window.header.next.text()


def test_counts_view_row_rings_its_point_and_point_selects_row(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    for day, anc in (("2026-11-01", "0.4"), ("2026-11-08", "0.9"), ("2026-11-15", "1.6")):
        window.bridge.save(
            count_from_form(
                {"taken_date": day},
                [ValueInput("anc", anc, "×10⁹/L"), ValueInput("plt", "80", "×10⁹/L")],
                child=child,
                today=record.today(),
            )
        )
    view = window.counts_view
    window.show_view("counts")
    assert view.model.rowCount() == 3
    newest = view.model.item(0)
    view.counts.select_id(newest.id)
    focused = view.chart.focused_item()
    assert focused is not None and focused.ref.id == newest.id
    oldest = view.model.item(2)
    view._point_clicked(type(focused.ref)("count", oldest.id))
    assert view.counts.selected().id == oldest.id


def test_units_menu_changes_table_and_is_remembered(qtbot, window, record, child, settings) -> None:  # type: ignore[no-untyped-def]
    window.bridge.save(
        count_from_form(
            {"taken_date": "2026-11-20"},
            [ValueInput("hgb", "9.5", "g/dL")],
            child=child,
            today=record.today(),
        )
    )
    view = window.counts_view
    window.show_view("counts")
    view.ensure_fresh()
    column = view.model.analyte_column("hgb")
    assert view.model.index(0, column).data().startswith("9.5 g/dL")
    window.unit_actions[UnitPreference.SI].trigger()
    assert view.model.index(0, column).data().startswith("95 g/L")
    assert settings.unit_preference is UnitPreference.SI
    assert "95 g/L" in window.header.counts.text()
    window.unit_actions[UnitPreference.US].trigger()
    assert view.model.index(0, column).data().startswith("9.5 g/dL")


def test_timeline_opens_on_recent_counts_then_loads_the_history(qtbot, record, child) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.timeline.view import RECENT_DAYS, TimelineView

    old = record.today() - dt.timedelta(days=RECENT_DAYS + 60)
    for day in (old, record.today() - dt.timedelta(days=3)):
        record.save(
            count_from_form(
                {"taken_date": day.isoformat()},
                [ValueInput("plt", "120", "×10⁹/L")],
                child=child,
                today=record.today(),
            )
        )
    view = TimelineView(
        RecordBridge(record), QSettings(str(record.path) + ".ini", QSettings.Format.IniFormat)
    )
    qtbot.addWidget(view)

    def plt_points() -> int:
        lane = view.widget.timeline.lane("plt")
        return len(lane.series.points)

    assert plt_points() == 1  # the first picture: recent counts only
    view.show()
    qtbot.waitUntil(lambda: plt_points() == 2, timeout=3000)


def test_flags_team_numbers_and_optional_grades(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    from tracker.forms import threshold_from_form

    window.bridge.save(
        threshold_from_form(
            {"analyte": "plt", "purpose": "transfusion", "value_text": "20", "unit": "×10⁹/L"},
            child=child,
        )
    )
    window.bridge.save(
        count_from_form(
            {"taken_date": "2026-11-20"},
            [ValueInput("plt", "12", "×10⁹/L", "150-450"), ValueInput("anc", "0.3", "×10⁹/L")],
            child=child,
            today=record.today(),
        )
    )
    window.show_view("counts")
    view = window.counts_view
    model = view.model
    flags_column = next(c for c in range(model.columnCount()) if model.column_key(c) == "flags")
    flags = model.index(0, flags_column).data()
    assert "PLT low" in flags and "below your team's" in flags
    anc_tip = model.index(0, model.analyte_column("anc")).data(Qt.ItemDataRole.ToolTipRole)
    shown = QTextDocument()
    shown.setHtml(anc_tip)  # a tooltip with "<" in it is escaped rich text (typed text)
    assert "Severe neutropenia (ANC < 0.5" in shown.toPlainText()
    assert "CTCAE" not in anc_tip  # grades are optional, off by default
    window.grades_action.setChecked(True)
    anc_tip = model.index(0, model.analyte_column("anc")).data(Qt.ItemDataRole.ToolTipRole)
    assert "CTCAE v5 grade" in anc_tip


def test_closing_a_dialog_with_typed_text_asks_first(
    qtbot, window, record, child, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.count import CountDialog
    from ui.interaction import Interaction

    answers = [False, True]
    asked: list[str] = []

    def answer(self, dialog) -> bool:  # type: ignore[no-untyped-def]
        asked.append(dialog.windowTitle())
        return answers.pop(0)

    monkeypatch.setattr(Interaction, "confirm_discard", answer)
    dialog = CountDialog(None, child, record.today())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # nothing typed: closes without asking
    assert asked == [] and not dialog.isVisible()
    dialog = CountDialog(None, child, record.today())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_text("plt.value", "45")
    dialog.reject()  # typed: asks; "keep editing"
    assert asked == ["New blood count"] and dialog.isVisible()
    dialog.reject()  # asks again; "discard"
    assert not dialog.isVisible()
    assert rows(record.path, "SELECT * FROM count_result") == []
