"""The Today tab, driven from the keyboard: a week of doses ticked with one missed, a tick
taken back with Ctrl+Z, a partly given dose asks its amount, after Vomited the program
says who to ask, an as-needed dose is logged when given; and the dose dialog."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from conftest import TODAY
from gui_helpers import drive_modal, press
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from tracker.kinds.dose import ASK_AFTER_VOMITING
from tracker.model import DoseLog, DoseStatus, MedicinePlan
from ui.dialogs.dose import DoseDialog

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

START = TODAY - dt.timedelta(days=6)  # a week, today included


def _plans(bridge: Any) -> tuple[MedicinePlan, MedicinePlan]:
    child = bridge.current_child()
    six_mp = bridge.save(
        MedicinePlan(
            child.id, "6-mercaptopurine", START, "25", "mg", schedule="FREQ=DAILY;BYHOUR=19"
        )
    )
    ondansetron = bridge.save(MedicinePlan(child.id, "ondansetron", START, "2", "mg", schedule=""))
    return six_mp, ondansetron


def _today_view(qtbot: Any, window: Any) -> Any:
    window.show()
    press(qtbot, window, "Ctrl+7")
    view = window.today_view
    assert window.views.currentWidget() is view
    if view.due_list.isVisible():
        qtbot.waitUntil(lambda: view.due_list.hasFocus())  # Ctrl+7, and the keys tick
    return view


def _key(
    qtbot: Any, view: Any, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QTest.keyClick(view.due_list, key, mods)


def _logs(bridge: Any) -> list[DoseLog]:
    return bridge.record.entries(DoseLog, bridge.child_id)


def test_a_week_of_doses_ticked_from_the_keyboard_with_one_missed(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    six_mp, _ = _plans(bridge)
    view = _today_view(qtbot, window)
    for _ in range(6):  # back to the first day of the week
        _key(qtbot, view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.day == START
    assert "not logged yet" in view.due_list.topLevelItem(0).text(3)
    for i in range(7):
        _key(qtbot, view, Qt.Key.Key_M if i == 3 else Qt.Key.Key_G)
        assert "logged" in view.message.text() and "forgot" not in view.message.text()
        if i < 6:
            _key(qtbot, view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.day == TODAY
    logs = _logs(bridge)
    assert [(d.due_date, d.status) for d in logs] == [
        (START + dt.timedelta(days=i), DoseStatus.MISSED if i == 3 else DoseStatus.GIVEN)
        for i in range(7)
    ]
    assert all(d.plan_id == six_mp.id and d.due_time == dt.time(19) for d in logs)
    assert view.due_list.topLevelItem(0).text(3) == "Given 09:30"  # today's: the time given
    assert [d.given_time for d in logs if d.due_date < TODAY and d.given_time] == []  # not known
    assert "1 logged · 0 not logged yet" in view.counts_label.text()
    # the log below lists them, newest first
    assert view.doses.model.rowCount() == 7
    # Ctrl+Z takes the last tick back
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert len(_logs(bridge)) == 6
    assert view.due_list.topLevelItem(0).text(3) == "not logged yet"
    # a second key on a logged dose changes it (one log per due dose)
    _key(qtbot, view, Qt.Key.Key_H)
    _key(qtbot, view, Qt.Key.Key_G)
    assert [d.status for d in _logs(bridge) if d.due_date == TODAY] == [DoseStatus.GIVEN]


def test_partly_given_asks_the_amount_and_vomited_says_ask_your_team(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    _plans(bridge)
    view = _today_view(qtbot, window)

    def amount(dialog: Any) -> None:
        dialog.setTextValue("0.3 mL")
        dialog.accept()

    drive_modal(lambda: _key(qtbot, view, Qt.Key.Key_P), amount)
    (log,) = _logs(bridge)
    assert (log.status, log.amount) == (DoseStatus.PARTLY_GIVEN, "0.3 mL")
    assert not view.ask.isVisible()
    _key(qtbot, view, Qt.Key.Key_V)
    assert view.ask.isVisible() and view.ask.text() == ASK_AFTER_VOMITING
    (log,) = _logs(bridge)
    assert (log.status, log.amount) == (DoseStatus.VOMITED, "")

    def note(dialog: Any) -> None:
        dialog.setTextValue("came back up at 19:10")
        dialog.accept()

    drive_modal(lambda: _key(qtbot, view, Qt.Key.Key_N), note)
    assert _logs(bridge)[0].note == "came back up at 19:10"


def test_an_as_needed_dose_is_logged_given_now(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    _, ondansetron = _plans(bridge)
    view = _today_view(qtbot, window)
    (button,) = view.as_needed_buttons
    assert button.text() == "Log a dose of ondansetron given now"
    button.click()
    (log,) = _logs(bridge)
    assert (log.plan_id, log.status, log.due_time, log.given_time) == (
        ondansetron.id,
        DoseStatus.GIVEN,
        dt.time(9, 30),
        dt.time(9, 30),
    )
    assert "ondansetron (as needed)" in view.due_list.topLevelItem(1).text(1)


def test_without_plans_the_tab_says_where_they_are_kept(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    view = _today_view(qtbot, window)
    assert view.nothing_due.isVisible()
    assert "Medicines tab" in view.nothing_due.text()
    assert not view.status_buttons[DoseStatus.GIVEN].isEnabled()


def test_the_dose_dialog_edits_a_logged_dose(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    six_mp, _ = _plans(bridge)
    child = bridge.current_child()
    saved = bridge.save(DoseLog(child.id, six_mp.id, TODAY, DoseStatus.MISSED, dt.time(19)))
    dialog = DoseDialog(saved, child, TODAY, [six_mp], [saved])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.field("given_time").isEnabled()
    assert not dialog.ask.isVisible()
    dialog.set_text("status", "vomited")
    assert dialog.ask.isVisible() and dialog.field("given_time").isEnabled()
    dialog.set_text("given_time", "19:05")
    value = dialog.build()
    assert (value.id, value.status, value.given_time) == (
        saved.id,
        DoseStatus.VOMITED,
        dt.time(19, 5),
    )
    dialog.set_text("due_time", "08:00")
    dialog.accept()
    assert "not due on" in dialog.findChild(type(dialog.ask), "error_due_time").text()


def test_the_timeline_has_a_doses_lane_and_remembers_it_hidden(
    qtbot, window, bridge, settings
) -> None:  # type: ignore[no-untyped-def]
    from ui.timeline.painter import DOSE_COLOURS

    six_mp, _ = _plans(bridge)
    child = bridge.current_child()
    for i in range(7):
        status = DoseStatus.MISSED if i == 3 else DoseStatus.GIVEN
        bridge.save(DoseLog(child.id, six_mp.id, START + dt.timedelta(days=i), status, dt.time(19)))
    view = window.timeline_view
    lane = view.widget.timeline.lane("doses")
    assert lane is not None and len(lane.marks) == 7
    view.lane_actions["doses"].setChecked(False)
    assert view.widget.timeline.lane("doses") is None
    assert "doses" in settings.timeline_hidden_lanes
    view.lane_actions["doses"].setChecked(True)
    # a missed dose is drawn (its colour is there among the painted pixels)
    window.resize(1024, 600)
    view.widget.apply_preset("2w")
    image = view.widget.grab().toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    }
    assert (
        DOSE_COLOURS["missed"].darker(130).name() in colours
        or DOSE_COLOURS["missed"].name() in colours
    )


def test_a_tick_on_today_lays_the_hidden_timeline_out_only_when_it_is_shown(
    qtbot, window, bridge
) -> None:  # type: ignore[no-untyped-def]
    _plans(bridge)
    view = _today_view(qtbot, window)
    timeline = window.timeline_view
    laid_out: list[int] = []
    original = timeline.refresh

    def counted(*args: Any, **kwargs: Any) -> None:
        laid_out.append(1)
        original(*args, **kwargs)

    timeline.refresh = counted
    _key(qtbot, view, Qt.Key.Key_G)
    assert laid_out == []
    press(qtbot, window, "Ctrl+1")
    assert laid_out == [1]
    lane = timeline.widget.timeline.lane("doses")
    assert lane is not None and len(lane.marks) == 1


def test_enter_on_a_due_dose_opens_the_dialog_filled_in(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    six_mp, _ = _plans(bridge)
    view = _today_view(qtbot, window)

    def given_at(dialog: Any) -> None:
        assert dialog.text_of("plan_id") == str(six_mp.id)
        assert (dialog.text_of("due_date"), dialog.text_of("due_time")) == (
            TODAY.isoformat(),
            "19:00",
        )
        dialog.set_text("given_time", "19:25")
        dialog.accept()

    drive_modal(lambda: _key(qtbot, view, Qt.Key.Key_Return), given_at)
    (log,) = _logs(bridge)
    assert (log.status, log.given_time) == (DoseStatus.GIVEN, dt.time(19, 25))
    assert view.due_list.topLevelItem(0).text(3) == "Given 19:25"


def test_the_log_below_lists_the_last_eight_weeks(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    child = bridge.current_child()
    old = bridge.save(
        MedicinePlan(
            child.id, "co-trimoxazole", dt.date(2026, 6, 1), "120", "mg", schedule="FREQ=DAILY"
        )
    )
    bridge.save(DoseLog(child.id, old.id, dt.date(2026, 6, 2), DoseStatus.GIVEN))
    recent = bridge.save(DoseLog(child.id, old.id, TODAY - dt.timedelta(days=56), DoseStatus.GIVEN))
    view = _today_view(qtbot, window)
    assert [d.id for d in view.doses.model.items()] == [recent.id]
    assert view.doses.title.text() == "<h3>Doses logged in the last 8 weeks</h3>"


def test_the_tab_shows_the_last_four_weeks_as_plain_facts(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    _plans(bridge)
    view = _today_view(qtbot, window)
    for _ in range(6):
        _key(qtbot, view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    for i in range(6):  # the week before today, one held by the team
        _key(qtbot, view, Qt.Key.Key_H if i == 2 else Qt.Key.Key_G)
        _key(qtbot, view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.facts.text().splitlines() == [
        "6-mercaptopurine: 5 of 5 doses given in the last 4 weeks; 1 held by the team",
        "ondansetron (as needed): 0 doses given in the last 4 weeks",
    ]
    _key(qtbot, view, Qt.Key.Key_M)  # today's, once logged
    assert view.facts.text().splitlines()[0] == (
        "6-mercaptopurine: 5 of 6 doses given in the last 4 weeks (1 missed); 1 held by the team"
    )


def test_a_dose_chosen_on_the_timeline_opens_its_editor(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    from tracker.timeline import Ref

    six_mp, _ = _plans(bridge)
    child = bridge.current_child()
    saved = bridge.save(DoseLog(child.id, six_mp.id, TODAY, DoseStatus.MISSED, dt.time(19)))
    (mark,) = window.timeline_view.widget.timeline.lane("doses").marks
    assert mark.ref == Ref("dose", saved.id)

    def given(dialog: Any) -> None:
        assert isinstance(dialog, DoseDialog) and dialog.text_of("status") == "missed"
        dialog.set_text("status", "given")
        dialog.accept()

    drive_modal(lambda: window.timeline_view.edit_requested.emit(mark.ref), given)
    assert [d.status for d in _logs(bridge)] == [DoseStatus.GIVEN]


def test_choosing_the_medicine_fills_in_its_one_due_time(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    six_mp, _ = _plans(bridge)
    child = bridge.current_child()
    dialog = DoseDialog(None, child, TODAY, [six_mp])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.text_of("due_time") == ""
    dialog.set_text("plan_id", str(six_mp.id))
    assert dialog.text_of("due_time") == "19:00"
    value = dialog.build()
    assert (value.plan_id, value.due_date, value.due_time) == (six_mp.id, TODAY, dt.time(19))


def test_a_second_as_needed_dose_in_the_same_minute_is_a_dose_of_its_own(
    qtbot, window, bridge
) -> None:  # type: ignore[no-untyped-def]
    _plans(bridge)
    view = _today_view(qtbot, window)
    (button,) = view.as_needed_buttons
    button.click()
    button.click()  # given again (vomited, then given): as-needed doses are events
    assert len(_logs(bridge)) == 2
    assert "already logged" not in view.message.text()


def test_after_undo_the_line_says_what_was_taken_back(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    """A parent's walkthrough: Ctrl+Z took the tick back but "logged: Vomited. Ctrl+Z takes
    it back" stayed on screen.  After an undo the line says what was taken back."""
    _plans(bridge)
    view = _today_view(qtbot, window)
    _key(qtbot, view, Qt.Key.Key_V)
    said = view.message.text()
    assert "logged: Vomited. Ctrl+Z takes it back." in said and view.ask.isVisible()
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert _logs(bridge) == []
    assert view.message.text() == "Taken back: 6-mercaptopurine 19:00 logged: Vomited."
    assert view.message.isVisible() and not view.ask.isVisible()
    press(qtbot, window, QKeySequence.StandardKey.Redo)  # logged again: said again
    assert view.message.text() == said and view.ask.isVisible()
    view.log_as_needed(view.bridge.record.entries(MedicinePlan, bridge.child_id)[1])
    assert "ondansetron logged: given at" in view.message.text()
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert view.message.text().startswith("Taken back: ondansetron logged: given at ")
    assert "Ctrl+Z" not in view.message.text()
    bridge.save(replace(bridge.record.entries(MedicinePlan, bridge.child_id)[1], team_note="x"))
    assert not view.message.isVisible(), "another change: the line about the dose goes"
