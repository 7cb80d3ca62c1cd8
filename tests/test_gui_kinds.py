"""Every kind of entry on screen, from its declaration (ui/kinds.py): its Add command,
"open this entry", its table (under the model tester), delete and undo from the table,
and the question before deleting a child.  A new kind gets all of this by declaring its
``KindUi`` and its example in tests/kind_samples.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from gui_helpers import activate, drive_modal, press
from kind_samples import SAMPLES, saved_sample
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from tracker import timeline
from tracker.kinds import CHILD, PHASE, Changes, child_kinds, entry_kinds
from tracker.model import Appointment, Child, CnsVisit, CountResult, Milestone, Phase, Question
from tracker.timeline import Ref
from ui.actions import ActionId
from ui.dialogs.base import FormDialog
from ui.kind_ui import Editing, KindUi
from ui.kinds import UI_KINDS, in_add_menu, ui_kind

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

KEYS = [ui.key for ui in UI_KINDS]
DAY = dt.date(2026, 11, 20)


def _sample(bridge: Any, key: str) -> Any:
    """The example entry of ``key`` saved for Mila (a lumbar puncture in a saved phase)."""
    mila = bridge.current_child()
    return bridge.save(saved_sample(bridge.save, key, mila, DAY))


def _table(window: Any, ui: KindUi) -> Any:
    """The table the family sees the kind in: its view's, or the Team thresholds list."""
    from ui.dialogs.thresholds import ThresholdsDialog

    view = window.view_named(ui.view)
    if view is None:
        dialog = ThresholdsDialog(window.bridge, window)
        dialog.show()
        return dialog.table
    window.show_view(ui.view)
    return view.tables[ui.key]


def test_every_entry_kind_but_the_child_has_a_screen_declaration() -> None:
    declared = [ui.key for ui in UI_KINDS]
    assert len(declared) == len(set(declared)), "a kind is declared twice in ui/kinds.py"
    assert sorted(declared) == sorted(k.key for k in entry_kinds() if k is not CHILD)


def test_the_add_menu_keeps_its_commands_and_order(window) -> None:  # type: ignore[no-untyped-def]
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Add")
    got = [(a.text(), a.shortcut()) for a in menu.actions()]
    assert got[:6] == [  # the commands families know; a new kind's comes after them
        ("Add &blood count…", QKeySequence(QKeySequence.StandardKey.New)),
        ("Add &phase…", QKeySequence("Ctrl+Shift+P")),
        ("Add &milestone…", QKeySequence("Ctrl+Shift+M")),
        ("Add &lumbar puncture…", QKeySequence("Ctrl+Shift+L")),
        ("Add &appointment…", QKeySequence()),
        ("Add &question for the team…", QKeySequence("Ctrl+Shift+Q")),
    ]
    assert list(window.add_actions) == [ui.key for ui in in_add_menu()]


@pytest.mark.parametrize("key", [ui.key for ui in in_add_menu()])
def test_the_add_command_opens_the_kinds_editor(qtbot, window, bridge, key) -> None:  # type: ignore[no-untyped-def]
    ui = ui_kind(key)
    expected = type(ui.dialog(Editing(bridge, bridge.current_child(), DAY), None, None))
    action = window.add_actions[key]
    assert action.isEnabled()
    dialog = drive_modal(action.trigger, lambda d: d.reject())
    assert type(dialog) is expected and issubclass(expected, FormDialog)
    assert dialog.windowTitle().startswith("New "), dialog.windowTitle()


def test_add_commands_wait_for_a_child(qtbot, record, interaction, settings) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    empty = RecordBridge(record)
    empty.select_child(-1)
    win = MainWindow(empty, interaction, settings)
    qtbot.addWidget(win)
    assert win.add_actions and not any(a.isEnabled() for a in win.add_actions.values())


@pytest.mark.parametrize("key", KEYS)
def test_open_this_entry_opens_its_editor_with_it(qtbot, window, bridge, key) -> None:  # type: ignore[no-untyped-def]
    saved = _sample(bridge, key)
    seen: dict[str, Any] = {}

    def read(dialog: FormDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["built"] = dialog.build()
        dialog.reject()

    drive_modal(lambda: window.open_item(Ref(key, saved.id)), read)
    assert seen["title"].startswith("Edit "), seen["title"]
    assert seen["built"] == saved


def test_open_an_entry_that_is_gone_says_so(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    window.open_item(Ref("phase", 999))
    assert window.statusBar().currentMessage() == "That item is no longer in the record."


def test_what_the_timeline_draws_opens_by_kind_key(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    """Every drawable names its entry by the kind's key, which "open this entry" takes."""
    entries = {key: _sample(bridge, key) for key in ("phase", "milestone", "cns_visit", "count")}
    record, mila = bridge.record, bridge.current_child()
    drawn = timeline.build(
        record.entries(Phase, mila.id),
        record.entries(Milestone, mila.id),
        record.entries(CnsVisit, mila.id),
        record.entries(CountResult, mila.id),
        DAY,
    )
    refs = {s.ref for lane in drawn.lanes for s in lane.spans}
    refs |= {m.ref for lane in drawn.lanes for m in lane.marks}
    refs |= {p.ref for lane in drawn.lanes if lane.series for p in lane.series.points}
    assert {r.kind for r in refs} == set(entries)
    for ref in refs:
        assert record.entry(ui_kind(ref.kind).kind.model, ref.id) is not None


@pytest.mark.parametrize("key", KEYS)
def test_the_kinds_table_model_passes_the_model_tester(qtmodeltester, window, bridge, key) -> None:  # type: ignore[no-untyped-def]
    table = _table(window, ui_kind(key))
    table.fill()
    qtmodeltester.check(table.model)  # stays attached: the reload below is checked too
    assert table.model.rowCount() == 0
    _sample(bridge, key)
    assert table.model.rowCount() == 1, "the table did not refresh on the save"
    assert all(
        table.model.data(table.model.index(0, c)) is not None
        for c in range(table.model.columnCount())
    )


@pytest.mark.parametrize("key", KEYS)
def test_delete_from_the_table_and_undo(qtbot, window, bridge, key) -> None:  # type: ignore[no-untyped-def]
    ui = ui_kind(key)
    saved = _sample(bridge, key)
    table = _table(window, ui)
    table.fill()
    table.select_id(saved.id)
    table.table.setFocus()
    qtbot.keyClick(table.table, Qt.Key.Key_Delete)
    model = ui.kind.model
    assert bridge.record.entries(model, saved.child_id) == []
    assert table.model.rowCount() == 0
    if table.window() is window:
        activate(qtbot, window)
        press(qtbot, window, QKeySequence.StandardKey.Undo)
    else:  # the thresholds' own window: the Edit menu's Undo (Ctrl+Z in the main window)
        window.actions_[ActionId.UNDO].trigger()
    assert bridge.record.entries(model, saved.child_id) == [saved]
    assert table.model.rowCount() == 1


def test_delete_child_names_every_kind_recorded(qtbot, window, bridge, interaction) -> None:  # type: ignore[no-untyped-def]
    for key in SAMPLES:
        _sample(bridge, key)  # and a second phase, for the lumbar puncture's
    mila = bridge.current_child()
    bridge.save(Question(mila.id, DAY, "And the next one?"))
    interaction.confirm_answers = [False]
    window.delete_child()
    text = interaction.asked[-1][2]
    assert text.startswith("This deletes Mila and everything recorded for them: ")
    for kind in child_kinds():
        if kind.key == PHASE.key:
            assert "2 phases" in text
        elif kind.key == "question":
            assert "2 questions" in text
        elif kind.key == "medicine_plan":  # the dose's sample saves a plan of its own
            assert "2 medicine plans" in text
        else:
            assert any(f"1 {kind.singular}{end}" in text for end in (",", " and", ".")), kind.key
    assert "Ctrl+Z" in text


def test_delete_child_lists_only_what_there_is(qtbot, window, bridge, interaction) -> None:  # type: ignore[no-untyped-def]
    mila = bridge.current_child()
    for day in (DAY, DAY + dt.timedelta(days=7)):
        bridge.save(Appointment(mila.id, day, None, "Dr. A"))
    interaction.confirm_answers = [False]
    window.delete_child()
    assert interaction.asked[-1][2] == (
        "This deletes Mila and everything recorded for them: 2 appointments. "
        "You can undo it with Ctrl+Z until you close the program."
    )
    bridge.save(Child(name="Noah", birth_date=dt.date(2026, 2, 1)))
    noah = next(c for c in bridge.record.children() if c.name == "Noah")
    bridge.select_child(noah.id)
    interaction.confirm_answers = [False]
    window.delete_child()
    assert interaction.asked[-1][2] == (
        "This deletes Noah; nothing else is recorded for them. "
        "You can undo it with Ctrl+Z until you close the program."
    )


def test_a_kind_declared_only_in_the_tests_gets_a_table(qtmodeltester, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The throwaway kind (tests/throwaway_kind.py): its entries in the generic table of
    its fields, under the model tester, without a line of its own in ui/."""
    from throwaway_kind import TEMPERATURE, declared
    from throwaway_kind import sample as temperature

    from ui.models.tables import FieldsModel

    with declared():
        model = FieldsModel(TEMPERATURE)
        mila = Child(name="Mila", birth_date=dt.date(2026, 1, 1), id=1)
        entries = [temperature(mila, None, DAY), temperature(mila, None, DAY)]
        model.reload(entries)
        qtmodeltester.check(model)
        headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(6)]
        assert headers == [
            "Taken on",
            "Time",
            "Temperature (°C)",
            "Where",
            "Called the ward",
            "Note",
        ]
        row = [model.index(0, c).data() for c in range(6)]
        assert row == ["2026-11-20", "22:40", "38.6", "ear", "Yes", "after the bath"]


def test_an_undo_the_record_refuses_is_said_and_leaves_the_record_as_it_is(  # type: ignore[no-untyped-def]
    qtbot, window, bridge, interaction
) -> None:
    """Undoing a date-of-birth change after an import added an entry the old date would
    leave before birth: the record refuses; the family is told, nothing changes, and the
    step leaves the undo list (it cannot be undone)."""
    mila = bridge.current_child()
    earlier = replace(mila, birth_date=mila.birth_date - dt.timedelta(days=30))
    bridge.save(earlier)
    bridge.record.save(Question(mila.id, mila.birth_date - dt.timedelta(days=10), "imported"))
    bridge.changed_outside(Changes.of(Question))  # as an import does: not an undo step
    window.actions_[ActionId.UNDO].trigger()
    assert bridge.record.child(mila.id).birth_date == earlier.birth_date
    [(_, title, text)] = [a for a in interaction.asked if a[0] == "error"]
    assert title == "Could not undo" and "Date of birth" in text and "stays as it is" in text
    assert bridge.undo_stack.undoText() != "Edit child"


@pytest.mark.parametrize("key", ["child", *KEYS])
def test_every_labels_alt_letter_reaches_a_field_that_takes_focus(qtbot, bridge, key) -> None:  # type: ignore[no-untyped-def]
    """A parent's walkthrough: Alt+A beside "Allergies" did nothing and the next letters
    went into the phone field: a label's buddy was a container that cannot take focus
    (a date field, a row of a choice and its words).  Every label's buddy takes focus."""
    from PySide6.QtWidgets import QLabel

    if key == "child":
        from ui.dialogs.child import ChildDialog

        dialog = ChildDialog(bridge.current_child(), DAY)
    else:
        dialog = ui_kind(key).dialog(Editing(bridge, bridge.current_child(), DAY), None, None)
    qtbot.addWidget(dialog)
    buddies = [(lab.text(), lab.buddy()) for lab in dialog.findChildren(QLabel) if lab.buddy()]
    assert buddies
    for text, buddy in buddies:
        assert buddy.focusPolicy() != Qt.FocusPolicy.NoFocus, (key, text, type(buddy).__name__)
