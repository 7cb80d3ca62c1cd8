"""The Plan tab as a parent walked through it (issue 13's walk-through, the window's side):
the buttons between the two lists act on the item selected in either list, a wrong day
keeps its box open with the reason beside the field, the previews name the item fixed by
hand and the ones a shift keeps where they are, and "Edit the roadmap" shows no stray
choice of roadmap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from conftest import TODAY, fixed_clock
from gui_helpers import activate, choose, error_label, fill, press, type_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget
from test_gui_roadmap import (
    FIRST,
    LATE,
    Answers,
    _apply_interfant_21,
    _fill_lengths,
    _rows,
    day_typed,
    drive_modals,
    enter,
    refused_day,
)

from tracker.demo import build_demo
from tracker.model import Child, Phase, Roadmap
from tracker.store import Record
from ui.bridge import RecordBridge

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def win(qtbot, tmp_path: Path, answers: Answers, settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The demo child with no phase yet (the roadmap plans them all), in a 1024x600 window."""
    from ui.main_window import MainWindow

    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        [kid] = rec.entries(Child)
        for phase in rec.entries(Phase, kid.id):
            assert phase.id is not None
            rec.delete(Phase, phase.id)
        w = MainWindow(RecordBridge(rec), answers, settings)
        qtbot.addWidget(w)
        w.resize(1024, 600)
        w.show()
        qtbot.waitExposed(w)
        activate(qtbot, w)
        yield w
        if shiboken6.isValid(w):
            shiboken6.delete(w)


def _plan_tab(qtbot, win) -> Any:  # type: ignore[no-untyped-def]
    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    return win.plan_view


def _select(tree: Any, what: str) -> None:
    row = next(i for i, r in enumerate(_rows(tree)) if r[1] == what)
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(row))


def _only_the_roadmap_ahead(win) -> None:  # type: ignore[no-untyped-def]
    """The demo's appointments and planned LPs out, so What's next lists the roadmap."""
    from tracker.kinds import Changes
    from tracker.model import Appointment, CnsVisit

    rec = win.bridge.record
    [kid] = rec.entries(Child)
    for a in rec.entries(Appointment, kid.id):
        rec.delete(Appointment, a.id)
    for v in rec.entries(CnsVisit, kid.id):
        if v.planned:
            rec.delete(CnsVisit, v.id)
    win.bridge.changed_outside(Changes(everything=True))


def test_the_buttons_act_on_the_item_selected_in_either_list(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    _only_the_roadmap_ahead(win)
    view = _plan_tab(qtbot, win)
    # nothing selected: the buttons say what to do first
    assert not view.started_button.isEnabled() and not view.fix_button.isEnabled()
    assert "Select an item" in view.fix_button.toolTip()
    _select(view.plan_list, "the start of Induction")
    assert view.fix_button.isEnabled() and view.started_button.isEnabled()
    # then a roadmap item of What's next (its appointments and entries are not the plan's:
    # the buttons do not act on them): the whole plan's selection goes
    tree = view.next_list
    ids = [
        tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
        for i in range(tree.topLevelItemCount())
    ]
    assert any(ids), "What's next lists the roadmap's items"
    if not ids[0]:
        _select(tree, _rows(tree)[0][1])
        assert not view.fix_button.isEnabled()
    first_next = _rows(tree)[next(i for i, x in enumerate(ids) if x)][1]
    _select(view.next_list, first_next)
    assert not view.plan_list.selectedItems()
    assert view.next_list.selectedItems()
    said: dict[str, str] = {}

    def look(dialog: Any) -> None:
        said["title"] = dialog.windowTitle()
        said["text"] = " ".join(label.text() for label in dialog.findChildren(QLabel))

    drive_modals(lambda: QTest.keyClick(view.fix_button, Qt.Key.Key_Space), [look])
    assert said["title"] == "Fix this date"
    assert first_next in said["text"]
    # and back: What's next's selection goes
    _select(view.plan_list, "the start of Induction")
    assert not view.next_list.selectedItems()
    view.plan_list.clearSelection()
    assert not view.fix_button.isEnabled()


def test_a_wrong_day_keeps_the_box_open_with_what_was_typed(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    view = _plan_tab(qtbot, win)
    _select(view.plan_list, "the start of Induction")
    steps = win.bridge.undo_stack.count()
    seen: dict[str, Any] = {}
    drive_modals(
        lambda: QTest.keyClick(view.fix_button, Qt.Key.Key_Space),
        [refused_day("17/02/2027", seen)],
    )
    assert seen["open"] and seen["typed"] == "17/02/2027" and seen["outlined"]
    assert "year-month-day" in seen["error"] and "Date" in seen["error"]
    assert win.bridge.undo_stack.count() == steps


def test_the_fix_preview_lists_the_fixed_item_first(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    view = _plan_tab(qtbot, win)
    _fill_lengths(qtbot, win)
    _select(view.plan_list, "the start of Induction")
    fixed = FIRST + dt.timedelta(days=9)
    seen: dict[str, Any] = {}

    def preview(dialog: Any) -> None:
        seen["rows"] = dialog.rows()
        enter(dialog)

    drive_modals(
        lambda: QTest.keyClick(view.fix_button, Qt.Key.Key_Space),
        [day_typed(fixed.isoformat()), preview],
    )
    assert seen["rows"][0] == [
        "the start of Induction",
        (FIRST + dt.timedelta(days=7)).isoformat(),
        fixed.isoformat(),
        "fixed by you",
    ]


def test_a_shift_preview_says_which_fixed_items_stay(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    view = _plan_tab(qtbot, win)
    _fill_lengths(qtbot, win)
    lp = "LP “day 29” in Chemotherapy courses after blinatumomab 1 (from your protocol book)"
    _select(view.plan_list, lp)
    drive_modals(
        lambda: QTest.keyClick(view.fix_button, Qt.Key.Key_Space),
        [day_typed("2026-12-11"), enter],
    )
    _select(view.plan_list, "the start of Blinatumomab, cycle 1")
    seen: dict[str, Any] = {}

    def preview(dialog: Any) -> None:
        seen["rows"] = dialog.rows()

    drive_modals(
        lambda: QTest.keyClick(view.started_button, Qt.Key.Key_Space),
        [day_typed(LATE.isoformat()), preview],
    )
    assert [lp, "2026-12-11", "2026-12-11", "fixed by you: kept where it is"] in seen["rows"]
    assert seen["rows"][-1][3] == "fixed by you: kept where it is"  # after the moves


def _visible_texts(dialog: QWidget) -> list[str]:
    combos = [c.currentText() for c in dialog.findChildren(QComboBox) if c.isVisible()]
    return combos + [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]


@pytest.mark.parametrize("size", [(1024, 600), (1920, 1080)])
def test_edit_the_roadmap_shows_no_stray_choice_of_roadmap(qtbot, win, size) -> None:  # type: ignore[no-untyped-def]
    win.resize(*size)
    roadmap = _apply_interfant_21(qtbot, win)
    seen: dict[str, Any] = {}

    def look(dialog: Any) -> None:
        seen["combos"] = [c for c in dialog.findChildren(QComboBox) if c.isVisible()]
        seen["arm"] = dialog.arm

    drive_modals(lambda: win.plan_view.edit("roadmap", roadmap), [look])
    assert seen["combos"] == [seen["arm"]]  # the arm only: no roadmap to choose again


def test_the_empty_roadmap_edited_does_not_say_interfant(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    def apply_empty(dialog: Any) -> None:
        dialog.source.setCurrentIndex(dialog.source.findData("empty"))
        enter(dialog)

    drive_modals(win.add_actions["roadmap"].trigger, [apply_empty])
    [roadmap] = win.bridge.record.entries(Roadmap, win.bridge.current_child().id)
    seen: dict[str, list[str]] = {}
    drive_modals(
        lambda: win.plan_view.edit("roadmap", roadmap),
        [lambda dialog: seen.setdefault("texts", _visible_texts(dialog))],
    )
    assert not [t for t in seen["texts"] if "Interfant" in t], seen["texts"]


def _lengths(qtbot, win, handlers) -> None:  # type: ignore[no-untyped-def]
    view = win.plan_view
    view.lengths_button.setFocus()
    drive_modals(lambda: QTest.keyClick(view.lengths_button, Qt.Key.Key_Space), handlers)


def test_the_lengths_dialog_shows_every_error_at_once_beside_its_row(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    _plan_tab(qtbot, win)
    seen: dict[str, Any] = {}

    def lengths(dialog: Any) -> None:
        dialog.resize(760, 500)
        type_text(dialog.findChild(QLineEdit, "length_ind"), "abc")
        type_text(dialog.findChild(QLineEdit, "lps_cons"), "0")
        enter(dialog)
        qtbot.wait(10)  # the messages' heights are fitted once shown
        seen["open"] = dialog.isVisible()
        for key in ("ind", "cons"):
            error = dialog.findChild(QLabel, f"error_{key}")
            seen[key] = (
                error.isVisible(),
                error.text(),
                error.height() >= error.heightForWidth(error.width()),
            )
        seen["outlined"] = [
            "solid" in dialog.findChild(QLineEdit, name).styleSheet()
            for name in ("length_ind", "lps_cons", "length_cons")
        ]

    _lengths(qtbot, win, [lengths])
    assert seen["open"]
    visible, text, fits = seen["ind"]
    assert visible and fits and "Induction: “abc” is not a length" in text
    visible, text, fits = seen["cons"]
    assert visible and fits and "“0” is not a day of the phase" in text
    assert seen["outlined"] == [True, True, False]


def test_an_empty_roadmap_gets_its_phases_from_the_program(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    child = win.bridge.current_child()
    assert child.diagnosis_date is not None
    seen: dict[str, Any] = {}

    def apply_empty(dialog: Any) -> None:
        dialog.source.setCurrentIndex(dialog.source.findData("empty"))
        seen["first"] = dialog.text_of("first_start")
        enter(dialog)

    drive_modals(win.add_actions["roadmap"].trigger, [apply_empty])
    assert seen["first"] == child.diagnosis_date.isoformat()  # not today
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")

    def lengths(dialog: Any) -> None:
        seen["none_yet"] = dialog.findChild(QLabel, "none_yet").isVisible()
        for add in (first_phase, second_phase):  # a timer of its own in the nested dialog
            drive_modals(lambda: QTest.keyClick(dialog.add_button, Qt.Key.Key_Space), [add])
        seen["rows"] = sorted(k for k in dialog.fields)
        enter(dialog)

    def first_phase(dialog: Any) -> None:
        assert dialog.objectName() == "add_phase"
        choose(dialog, "kind", "induction")
        fill(dialog, "name", "Induction (our book)")
        fill(dialog, "length", "33")
        fill(dialog, "lps", "1, 15")
        enter(dialog)
        assert not dialog.isVisible(), dialog.banner.text()

    def second_phase(dialog: Any) -> None:
        choose(dialog, "kind", "consolidation")
        fill(dialog, "name", "")
        enter(dialog)  # no name: refused beside the field
        seen["no_name"] = error_label(dialog, "name").text()
        fill(dialog, "name", "Consolidation (our book)")
        fill(dialog, "gap", "2")
        enter(dialog)
        assert not dialog.isVisible(), dialog.banner.text()

    def preview(dialog: Any) -> None:
        seen["moves"] = dialog.rows()
        enter(dialog)

    _lengths(qtbot, win, [lengths, preview])
    assert seen["none_yet"] and seen["rows"] == ["own-1", "own-2"]
    assert "Name:" in seen["no_name"]
    start = child.diagnosis_date
    rows = _rows(win.plan_view.plan_list)
    assert [start.isoformat(), "the start of Induction (our book)"] == rows[0][:2]
    assert any(r[:2] == [start.isoformat(), "LP “day 1” in Induction (our book)"] for r in rows)
    second = start + dt.timedelta(days=33 + 2)
    assert [second.isoformat(), "the start of Consolidation (our book)"] in [r[:2] for r in rows]
    made = {p.name: p for p in win.bridge.record.entries(Phase, child.id)}
    assert made["Induction (our book)"].planned_start == start  # a planned phase entry
    assert made["Consolidation (our book)"].planned_start == second
    # one step: undo takes the phases away again
    activate(qtbot, win)
    press(qtbot, win, QKeySequence.StandardKey.Undo)
    names = {p.name for p in win.bridge.record.entries(Phase, child.id)}
    assert "Induction (our book)" not in names


def test_a_dialog_past_the_screens_edge_comes_back_centred(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.roadmap import RoadmapDialog
    from ui.kind_ui import Editing

    child = win.bridge.current_child()
    dialog = RoadmapDialog(Editing(win.bridge, child, TODAY), None, win)
    qtbot.addWidget(dialog)
    dialog.show()
    room = dialog.screen().availableGeometry()
    dialog.move(room.right() - 100, room.bottom() - 100)  # mostly off the screen
    dialog.keep_on_screen()
    assert room.contains(dialog.frameGeometry())
    dialog.move(room.left() - 40, room.top() - 60)  # the title bar above the screen
    dialog.keep_on_screen()
    assert dialog.frameGeometry().top() >= room.top()
    dialog.done(0)


@pytest.mark.parametrize("size", [(1024, 600), (1920, 1080)])
def test_the_lists_get_the_room_and_what_takes_the_width(qtbot, win, size) -> None:  # type: ignore[no-untyped-def]
    win.resize(*size)
    view = _plan_tab(qtbot, win)
    qtbot.wait(10)
    table = view.roadmaps.table
    rows_height = table.horizontalHeader().height() + table.rowHeight(0) + 2 * table.frameWidth()
    assert table.height() <= rows_height + 8  # one roadmap: one row, no empty room
    assert view.plan_list.height() > view.roadmaps.height()
    for tree in (view.next_list, view.plan_list):
        header = tree.header()
        used = sum(header.sectionSize(c) for c in range(tree.columnCount()))
        assert used >= tree.viewport().width() - 2, tree.objectName()  # no empty space


def test_the_previews_title_is_short_and_the_step_said_in_full(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.plan_moves import MovePreviewDialog

    step = (
        "Fix the date of LP “end of induction (~day 33): LP, CNS status (CNS1 needed before "
        "blinatumomab)” in Induction"
    )
    dialog = MovePreviewDialog([], step, win)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "What moves"
    label = dialog.findChild(QLabel, "step")
    assert label.text() == step and label.textFormat() == Qt.TextFormat.PlainText
    assert label.isVisible() and label.wordWrap()
    dialog.done(0)
