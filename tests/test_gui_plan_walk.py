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
from gui_helpers import activate, press
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel, QWidget
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


def test_the_buttons_act_on_the_item_selected_in_either_list(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    view = _plan_tab(qtbot, win)
    # nothing selected: the buttons say what to do first
    assert not view.started_button.isEnabled() and not view.fix_button.isEnabled()
    assert "Select an item" in view.fix_button.toolTip()
    _select(view.plan_list, "the start of Induction")
    assert view.fix_button.isEnabled() and view.started_button.isEnabled()
    # then an item of What's next: the whole plan's selection goes
    first_next = _rows(view.next_list)[0][1]
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
