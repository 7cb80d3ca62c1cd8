"""Roadmaps through the window, by keys: apply Interfant-21 to the demo child (its phases
left out, so that the roadmap plans them all; the demo as shipped, whose phases the roadmap
links: tests/test_gui_roadmap_demo.py), fill in the lengths from the protocol book, start
the block after induction three days late, see
the later items move in a preview and then in the record and on the timeline, undo it in
one step (issue 13's Done-when); the What's next list; a refused shift."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from conftest import TODAY, fixed_clock
from gui_helpers import ScriptedInteraction, activate, error_label, fill, press, type_text
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QTreeWidget

from tracker.demo import build_demo
from tracker.model import Child, Milestone, MilestoneKind, Phase, Roadmap
from tracker.store import Record
from ui.bridge import RecordBridge

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

FIRST = TODAY - dt.timedelta(days=80)  # 2026-09-05: the demo family's plan, started in the past
PLANNED_BLINA = FIRST + dt.timedelta(days=7 + 33)  # after 7 days of prophase, 33 of induction
LATE = PLANNED_BLINA + dt.timedelta(days=3)


class Answers(ScriptedInteraction):
    """Scripted answers, with the one line typed when asked (the real start's day)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.choices: list[int | None] = []  # the button picked when asked to choose

    def choose(self, parent: Any, title: str, text: str, choices: list[str]) -> int | None:
        self.asked.append(("choose", title, text))
        if not self.choices:
            raise AssertionError(f"unexpected choice asked: {title!r}")
        return self.choices.pop(0)

    def ask_text(self, parent: Any, title: str, label: str, text: str = "") -> str | None:
        self.asked.append(("ask_text", title, label))
        return self.texts.pop(0) if self.texts else None

    def confirm_discard(self, parent: Any) -> bool:
        return True


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Record]:
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        [kid] = rec.entries(Child)
        for phase in rec.entries(Phase, kid.id):  # a child with no phase yet: the roadmap plans all
            assert phase.id is not None
            rec.delete(Phase, phase.id)
        yield rec


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def win(qtbot, demo: Record, answers: Answers, settings):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    w = MainWindow(RecordBridge(demo), answers, settings)
    qtbot.addWidget(w)
    w.resize(1024, 600)
    w.show()
    qtbot.waitExposed(w)
    activate(qtbot, w)
    yield w
    if shiboken6.isValid(w):
        shiboken6.delete(w)


def drive_modals(trigger: Callable[[], object], handlers: Sequence[Callable[[Any], None]]) -> list:  # type: ignore[type-arg]
    """Run ``trigger`` and work each modal dialog it opens, one after the other, with the
    next handler; every dialog is closed afterwards (a handler's failure is raised)."""
    seen: list[Any] = []
    errors: list[BaseException] = []
    timer = QTimer()
    timer.setInterval(0)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog in seen or len(seen) >= len(handlers):
            return
        seen.append(dialog)
        try:
            handlers[len(seen) - 1](dialog)
        except BaseException as exc:
            errors.append(exc)
        finally:
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.reject()

    timer.timeout.connect(poll)
    timer.start()
    try:
        trigger()
    finally:
        timer.stop()
    if errors:
        raise errors[0]
    assert len(seen) == len(handlers), f"{len(seen)} dialogs opened, {len(handlers)} expected"
    return seen


def enter(dialog: Any) -> None:
    """Return where the focus is: the dialog's default button (Save, Apply, OK)."""
    QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)


def day_typed(text: str) -> Callable[[Any], None]:
    """A handler for the Plan tab's day dialog (Fix this date…, It really started on…):
    ``text`` typed into its date, then Continue."""

    def handle(dialog: Any) -> None:
        assert dialog.objectName() == "plan_day", dialog.objectName()
        fill(dialog, "day", text)
        enter(dialog)
        assert not dialog.isVisible(), error_label(dialog, "day").text()

    return handle


def refused_day(text: str, seen: dict[str, Any]) -> Callable[[Any], None]:
    """The day dialog given ``text``, which it refuses: it stays open, what was typed kept
    and the reason beside the field (in ``seen``)."""

    def handle(dialog: Any) -> None:
        assert dialog.objectName() == "plan_day", dialog.objectName()
        fill(dialog, "day", text)
        enter(dialog)
        seen["open"] = dialog.isVisible()
        seen["typed"] = dialog.text_of("day")
        seen["error"] = error_label(dialog, "day").text()
        seen["outlined"] = "solid" in dialog.field("day").line.styleSheet()

    return handle


def _rows(tree: QTreeWidget) -> list[list[str]]:
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def _apply_interfant_21(qtbot, win, first: dt.date = FIRST) -> Roadmap:  # type: ignore[no-untyped-def]
    def handle(dialog: Any) -> None:
        assert dialog.objectName() == "roadmap_dialog"
        assert dialog.text_of("source") == "interfant-21"
        assert dialog.text_of("arm") == "MR"
        fill(dialog, "first_start", first.isoformat())
        rows = _rows(dialog.preview)
        assert rows[0][:2] == [
            first.isoformat(),
            "the start of Prednisone prophase (a planned phase entry is made)",
        ]
        assert any(r[0] == "unknown" and "Induction, whose length is unknown" in r[2] for r in rows)
        enter(dialog)
        assert not dialog.isVisible(), dialog.banner.text()

    drive_modals(win.add_actions["roadmap"].trigger, [handle])
    child = win.bridge.current_child()
    [roadmap] = win.bridge.record.entries(Roadmap, child.id)
    return roadmap


def _fill_lengths(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    def lengths(dialog: Any) -> None:
        assert dialog.objectName() == "lengths"
        type_text(dialog.findChild(object, "length_ind"), "33")
        type_text(dialog.findChild(object, "length_cons"), "60")
        type_text(dialog.findChild(object, "lps_cons"), "1, 29")  # the demo's protocol book
        enter(dialog)
        assert not dialog.isVisible()

    def preview(dialog: Any) -> None:
        assert dialog.objectName() == "move_preview"
        rows = dialog.rows()
        assert [
            "the end of Induction",
            "unknown",
            "2026-10-14",
            "dated now that the plan's lengths were filled in",
        ] in rows
        enter(dialog)

    view = win.plan_view
    view.lengths_button.setFocus()
    drive_modals(lambda: QTest.keyClick(view.lengths_button, Qt.Key.Key_Space), [lengths, preview])


def test_done_when_apply_fill_in_start_late_preview_timeline_undo(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    record = win.bridge.record
    child = win.bridge.current_child()
    phases_before = len(record.entries(Phase, child.id))
    roadmap = _apply_interfant_21(qtbot, win)
    assert roadmap.note == "planned from Interfant-21"
    made = record.entries(Phase, child.id)
    assert len(made) == phases_before + 2  # prophase and induction: the ones dated
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    assert win.views.currentWidget() is win.plan_view
    _fill_lengths(qtbot, win)
    assert win.bridge.undo_stack.count() == 2  # applied, lengths: a step each
    names = {p.name: p for p in record.entries(Phase, child.id) if "Interfant" in p.notes}
    assert names["Blinatumomab, cycle 1"].planned_start == PLANNED_BLINA
    cons_planned = names["Chemotherapy courses after blinatumomab 1 (from your protocol book)"]
    assert cons_planned.planned_start == PLANNED_BLINA + dt.timedelta(days=28)

    # the block after induction starts three days late
    view = win.plan_view
    rows = _rows(view.plan_list)
    row = next(i for i, r in enumerate(rows) if r[1] == "the start of Blinatumomab, cycle 1")
    view.plan_list.setFocus()
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(row))
    seen: dict[str, list[list[str]]] = {}

    def preview(dialog: Any) -> None:
        seen["rows"] = dialog.rows()
        enter(dialog)

    drive_modals(
        lambda: QTest.keyClick(view.started_button, Qt.Key.Key_Space),
        [day_typed(LATE.isoformat()), preview],
    )
    reason = "moved 3 days after Blinatumomab, cycle 1 started late"
    moved = {r[0]: r for r in seen["rows"]}
    assert moved["the end of Blinatumomab, cycle 1"][3] == reason
    assert moved["the start of Maintenance"][3] == reason
    lp = "LP “day 29” in Chemotherapy courses after blinatumomab 1 (from your protocol book)"
    assert moved[lp][1:] == ["2026-12-10", "2026-12-13", reason]  # the later LPs move too
    assert any(r[0].startswith("MRD time point") and r[3] == reason for r in seen["rows"])

    names = {p.name: p for p in record.entries(Phase, child.id) if "Interfant" in p.notes}
    blina = names["Blinatumomab, cycle 1"]
    assert blina.actual_start == LATE and blina.planned_start == PLANNED_BLINA
    later = names["Chemotherapy courses after blinatumomab 1 (from your protocol book)"]
    assert later.planned_start == cons_planned.planned_start + dt.timedelta(days=3)
    plan_rows = _rows(view.plan_list)
    assert any(r[2] == "moved" and r[3] == reason for r in plan_rows)
    # on the timeline: the later block's bar starts three days later
    win.show_view("timeline")
    bars = _phase_bars(win)
    assert (later.uid, later.planned_start) in bars
    plan_lane = win.timeline_view.widget.timeline.lane("plan")
    moved_marks = [m for m in plan_lane.marks if m.label == "MRD (moved)"]
    assert moved_marks and all(not m.filled for m in moved_marks)
    assert any(reason in m.tooltip for m in moved_marks)

    # undo: the whole shift is one step
    activate(qtbot, win)
    assert win.bridge.undo_stack.undoText().startswith("Blinatumomab, cycle 1 started on")
    press(qtbot, win, QKeySequence.StandardKey.Undo)
    names = {p.name: p for p in record.entries(Phase, child.id) if "Interfant" in p.notes}
    assert names["Blinatumomab, cycle 1"].actual_start is None
    back = names["Chemotherapy courses after blinatumomab 1 (from your protocol book)"]
    assert back.planned_start == cons_planned.planned_start
    [roadmap] = record.entries(Roadmap, child.id)
    items = {i.item_id: i for i in roadmap.items}
    assert items["cons.start"].moved_because == "dated now that the plan's lengths were filled in"
    assert items["cons.start"].date == cons_planned.planned_start


def _phase_bars(win: Any) -> set[tuple[str, dt.date]]:
    """(phase uid, start) of every phase bar the timeline lays out now."""
    record = win.bridge.record
    child = win.bridge.current_child()
    by_id = {p.id: p for p in record.entries(Phase, child.id)}
    win.timeline_view.refresh()
    lane = win.timeline_view.widget.timeline.lane("phases")
    return {(by_id[s.ref.id].uid, s.start) for s in lane.spans if s.ref.id in by_id}


def test_whats_next_lists_five_with_how_sure(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    soon = TODAY + dt.timedelta(days=3)
    _apply_interfant_21(qtbot, win, soon)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    rows = _rows(win.plan_view.next_list)
    assert rows == [  # the plan and the appointments, as the header's "Next" reads them
        [soon.isoformat(), "the start of Prednisone prophase", "fixed by the team"],
        ["2026-11-28 09:45", "Appointment (Oncology day clinic (demo))", "booked"],
        ["2026-12-03", "the end of Prednisone prophase", "planned"],
        [
            "2026-12-04",
            "MRD time point “day 8 of treatment: blasts in the blood "
            "(prednisone response)” in Prednisone prophase",
            "planned",
        ],
        ["2026-12-04", "the start of Induction", "planned"],
    ]
    # the header's "next" is What's next's first row
    assert win.header.next.text() == f"Next: Prednisone prophase starts on {soon.isoformat()}"


def test_a_start_before_birth_is_refused_and_nothing_changes(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(0))
    steps = win.bridge.undo_stack.count()
    seen: dict[str, Any] = {}
    drive_modals(
        lambda: QTest.keyClick(view.started_button, Qt.Key.Key_Space),
        [refused_day("2000-01-01", seen)],
    )
    assert seen["open"] and seen["typed"] == "2000-01-01" and seen["outlined"]
    assert "before the child's birth" in seen["error"] and "Nothing was changed" in seen["error"]
    assert win.bridge.undo_stack.count() == steps


def test_a_real_start_after_today_is_refused_and_nothing_changes(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    """A slip of the year (2062 for 2026) is not saved as the day a phase really started."""
    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(0))
    steps = win.bridge.undo_stack.count()
    seen: dict[str, Any] = {}
    later = (TODAY + dt.timedelta(days=30)).isoformat()
    drive_modals(
        lambda: QTest.keyClick(view.started_button, Qt.Key.Key_Space), [refused_day(later, seen)]
    )
    assert seen["open"] and seen["typed"] == later
    assert "after today" in seen["error"] and "Nothing was changed" in seen["error"]
    assert win.bridge.undo_stack.count() == steps


def test_a_change_of_arm_offers_the_risk_change_milestone(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    roadmap = _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    answers.choices.append(0)  # change it and record the milestone

    def edit(dialog: Any) -> None:
        index = dialog.arm.findData("HR")
        dialog.arm.setCurrentIndex(index)
        assert any("Allogeneic stem cell transplant" in r[1] for r in _rows(dialog.preview))
        enter(dialog)

    drive_modals(lambda: win.plan_view.edit("roadmap", roadmap), [edit])
    child = win.bridge.current_child()
    [saved] = win.bridge.record.entries(Roadmap, child.id)
    assert saved.arm == "HR"
    risk = [
        m
        for m in win.bridge.record.entries(Milestone, child.id)
        if m.kind is MilestoneKind.RISK_CHANGE
    ]
    assert risk and risk[-1].result_text == "MR → HR"


def test_fixing_a_date_by_hand_previews_what_follows_and_undoes_in_one_step(
    qtbot, win, answers
) -> None:  # type: ignore[no-untyped-def]
    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    _fill_lengths(qtbot, win)  # so that what follows induction's start is dated
    child = win.bridge.current_child()
    [roadmap] = win.bridge.record.entries(Roadmap, child.id)
    view = win.plan_view
    rows = _rows(view.plan_list)
    row = next(i for i, r in enumerate(rows) if r[1] == "the start of Induction")
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(row))
    fixed = (FIRST + dt.timedelta(days=9)).isoformat()  # 2 days after planned
    seen: dict[str, Any] = {}

    def preview(dialog: Any) -> None:
        seen["rows"] = dialog.rows()
        enter(dialog)

    drive_modals(
        lambda: QTest.keyClick(view.fix_button, Qt.Key.Key_Space), [day_typed(fixed), preview]
    )
    assert [
        "the end of Induction",
        "2026-10-14",
        "2026-10-16",
        "moved 2 days after the start of Induction was fixed by hand",
    ] in seen["rows"]
    [saved] = win.bridge.record.entries(Roadmap, child.id)
    item = {i.item_id: i for i in saved.items}["ind.start"]
    assert item.fixed and item.date == FIRST + dt.timedelta(days=9)
    assert any(
        r[1] == "the start of Induction" and r[2] == "fixed by the team"
        for r in _rows(view.plan_list)
    )
    activate(qtbot, win)
    press(qtbot, win, QKeySequence.StandardKey.Undo)
    [back] = win.bridge.record.entries(Roadmap, child.id)
    assert back == roadmap
    # then the lengths; and undoing the apply removes the roadmap and the phases it
    # planned, in one step
    press(qtbot, win, QKeySequence.StandardKey.Undo)
    press(qtbot, win, QKeySequence.StandardKey.Undo)
    assert win.bridge.record.entries(Roadmap, child.id) == []
    assert not [p for p in win.bridge.record.entries(Phase, child.id) if "Interfant" in p.notes]


def test_our_plan_saved_as_a_template_reads_back_and_a_fifo_is_refused(
    qtbot, win, answers, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import os

    from tracker.roadmap.child import template_of
    from tracker.roadmap.read import load_template

    roadmap = _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    target = tmp_path / "our-plan.json"
    answers.save_answers.append(target)
    QTest.keyClick(win.plan_view.save_template_button, Qt.Key.Key_Space)
    assert load_template(target) == template_of(roadmap)
    assert answers.asked[-1][0] == "info"
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    answers.save_answers.append(fifo)
    QTest.keyClick(win.plan_view.save_template_button, Qt.Key.Key_Space)
    kind, _title, text = answers.asked[-1]
    assert kind == "error" and "pipe.json" in text


def test_a_phase_started_late_on_the_phases_tab_is_offered_as_a_move(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    _apply_interfant_21(qtbot, win)
    child = win.bridge.current_child()
    prophase = next(
        p
        for p in win.bridge.record.entries(Phase, child.id)
        if p.name == "Prednisone prophase" and p.notes == "planned from Interfant-21"
    )
    win.bridge.save(replace(prophase, actual_start=FIRST + dt.timedelta(days=2)))  # as its dialog
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view
    assert view.pending.isVisible() and view.preview_button.isVisible()
    seen: dict[str, Any] = {}

    def preview(dialog: Any) -> None:
        seen["rows"] = dialog.rows()
        enter(dialog)

    drive_modals(lambda: QTest.keyClick(view.preview_button, Qt.Key.Key_Space), [preview])
    assert [
        "the start of Induction",
        "2026-09-12",
        "2026-09-14",
        "moved 2 days after Prednisone prophase started late",
    ] in seen["rows"]
    assert not view.pending.isVisible()
    induction = next(
        p
        for p in win.bridge.record.entries(Phase, child.id)
        if p.name == "Induction" and p.notes == "planned from Interfant-21"
    )
    assert induction.planned_start == dt.date(2026, 9, 14)


class OwnFile(Answers):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def open_file(self, parent: Any, title: str, folder: Path, filter_: str) -> Path | None:
        self.asked.append(("open_file", title, str(folder)))
        return self.path


def test_a_familys_own_template_file_is_applied_and_a_bad_one_refused(
    qtbot, demo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tracker.roadmap.read import shipped_template
    from tracker.roadmap.write import write_template
    from ui.dialogs.roadmap import RoadmapDialog
    from ui.kind_ui import Editing

    own = tmp_path / "ours.json"
    write_template(own, replace_protocol(shipped_template("interfant-06"), "Our Interfant-06"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "treatment-tracker roadmap", "version": 1}', encoding="utf-8")
    bridge = RecordBridge(demo)
    child = bridge.current_child()
    for path in (bad, own):
        dialog = RoadmapDialog(Editing(bridge, child, TODAY), None, None)
        dialog.interaction = OwnFile(path)  # type: ignore[attr-defined]
        dialog.submit = bridge.save
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.source.setCurrentIndex(dialog.source.findData("file"))
        if path == bad:
            assert (
                "bad.json" in dialog.banner.text() and "Nothing was loaded" in dialog.banner.text()
            )
            assert dialog.text_of("source") == "interfant-21"  # back to a shipped one
            dialog.done(0)
            continue
        assert [dialog.arm.itemData(i) for i in range(2)] == ["LR", "MR-IB"]
        dialog.field("first_start").setFocus()
        enter(dialog)
        assert not dialog.isVisible(), dialog.banner.text()
    [roadmap] = bridge.record.entries(Roadmap, child.id)
    assert roadmap.protocol == "Our Interfant-06" and roadmap.arm == "LR"


def replace_protocol(template: Any, name: str) -> Any:
    from dataclasses import replace

    return replace(template, protocol=name)


def test_the_shift_preview_shows_what_the_move_leaves_odd_above_the_moves(
    qtbot, win, answers
) -> None:  # type: ignore[no-untyped-def]
    """Blinatumomab really started three days before induction's planned end (induction's
    end not entered yet): possible, but odd; the preview says so in plain text."""
    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    _fill_lengths(qtbot, win)
    view = win.plan_view
    rows = _rows(view.plan_list)
    row = next(i for i, r in enumerate(rows) if r[1] == "the start of Blinatumomab, cycle 1")
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(row))
    early = PLANNED_BLINA - dt.timedelta(days=3)
    seen: dict[str, Any] = {}

    def preview(dialog: Any) -> None:
        label = dialog.findChild(QLabel, "warnings")
        seen["text"], seen["format"] = label.text(), label.textFormat()
        seen["visible"], seen["rows"] = label.isVisible(), dialog.rows()
        seen["above"] = label.geometry().bottom() <= dialog.table.geometry().top()

    drive_modals(
        lambda: QTest.keyClick(view.started_button, Qt.Key.Key_Space),
        [day_typed(early.isoformat()), preview],
    )
    assert seen["visible"] and seen["above"] and seen["format"] == Qt.TextFormat.PlainText
    end = (PLANNED_BLINA - dt.timedelta(days=1)).isoformat()
    assert seen["text"] == (
        f"⚠ The start of Blinatumomab, cycle 1 was on {early.isoformat()}, before Induction "
        f"ends on {end}; change one of them if it moved."
    )
    assert seen["rows"]  # the moves are listed below it


def test_a_preview_with_nothing_odd_shows_no_warning(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.plan_moves import MovePreviewDialog

    dialog = MovePreviewDialog([], "Move the plan", win)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.findChild(QLabel, "warnings").isVisible()


def test_a_fix_and_its_way_back_leave_no_reason_and_undo_restores_each(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    """+7 days, then back to the plan's day: the later items read "planned" with no
    reason; each undo step gives back the reasons exactly as they were."""
    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    _fill_lengths(qtbot, win)
    child = win.bridge.current_child()
    view = win.plan_view

    def fix(day: dt.date) -> None:
        rows = _rows(view.plan_list)
        row = next(i for i, r in enumerate(rows) if r[1] == "the start of Blinatumomab, cycle 1")
        view.plan_list.setFocus()
        view.plan_list.setCurrentItem(view.plan_list.topLevelItem(row))
        drive_modals(
            lambda: QTest.keyClick(view.fix_button, Qt.Key.Key_Space),
            [day_typed(day.isoformat()), enter],
        )

    def stored() -> dict[str, tuple[dt.date | None, str]]:
        [roadmap] = win.bridge.record.entries(Roadmap, child.id)
        return {i.item_id: (i.date, i.moved_because) for i in roadmap.items}

    before = stored()
    fix(PLANNED_BLINA + dt.timedelta(days=7))
    there = stored()
    assert there["cons.start"][1] == (
        "moved 7 days after the start of Blinatumomab, cycle 1 was fixed by hand"
    )
    fix(PLANNED_BLINA)
    back = stored()
    assert back["cons.start"] == (before["cons.start"][0], "")  # plainly planned
    assert not any(why.startswith("moved") for _day, why in back.values())
    row = next(r for r in _rows(view.plan_list) if r[1] == "the end of Blinatumomab, cycle 1")
    assert row[2:] == ["planned", ""]
    activate(qtbot, win)
    press(qtbot, win, QKeySequence.StandardKey.Undo)
    assert stored() == there
    press(qtbot, win, QKeySequence.StandardKey.Undo)
    assert stored() == before


def test_a_date_fixed_in_year_9999_is_refused_and_nothing_changes(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view
    child = win.bridge.current_child()
    [roadmap] = win.bridge.record.entries(Roadmap, child.id)
    view.plan_list.setFocus()
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(0))
    steps = win.bridge.undo_stack.count()
    seen: dict[str, Any] = {}

    def refused_then_cancelled(dialog: Any) -> None:
        refused_day("9999-01-01", seen)(dialog)
        dialog.reject()

    drive_modals(
        lambda: QTest.keyClick(view.fix_button, Qt.Key.Key_Space), [refused_then_cancelled]
    )
    assert seen["open"], "the box stays open with the reason beside the field"
    assert "9999-01-01 is more than 10 years ahead" in seen["error"], seen["error"]
    assert win.bridge.undo_stack.count() == steps
    assert win.bridge.record.entries(Roadmap, child.id) == [roadmap]


def test_the_lengths_dialog_takes_the_day_after_the_last_day_as_a_file_does(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    """An LP on day 61 of 60 days (the day after the last day) is accepted, as in a
    template file; day 62 is refused with the same rule's words."""
    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view
    seen: dict[str, str] = {}

    def refused(dialog: Any) -> None:
        type_text(dialog.findChild(object, "length_cons"), "60")
        type_text(dialog.findChild(object, "lps_cons"), "1, 62")
        enter(dialog)
        assert dialog.isVisible()
        seen["error"] = dialog.errors["cons"].text()  # beside its row
        dialog.reject()

    view.lengths_button.setFocus()
    drive_modals(lambda: QTest.keyClick(view.lengths_button, Qt.Key.Key_Space), [refused])
    assert "day 62 is more than a day after the end of the phase's 60 days" in seen["error"]
    assert "give a day from 1 to 61 (61: the day after its last day)" in seen["error"]

    def accepted(dialog: Any) -> None:
        type_text(dialog.findChild(object, "length_cons"), "60")
        type_text(dialog.findChild(object, "lps_cons"), "1, 61")
        enter(dialog)
        assert not dialog.isVisible(), dialog.errors["cons"].text()

    drive_modals(lambda: QTest.keyClick(view.lengths_button, Qt.Key.Key_Space), [accepted])
    child = win.bridge.current_child()
    [roadmap] = win.bridge.record.entries(Roadmap, child.id)
    from tracker.roadmap.child import template_of

    cons = template_of(roadmap).phase("cons")
    assert cons is not None and [t.day for t in cons.lps or () if t.day][-1] == 61


def test_an_lp_entered_on_its_planned_day_shows_done_on_the_plan_tab(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    """The end-of-induction LP entered on its day: "done on 14 Oct" in the whole plan; the
    marrow MRD of that day, not entered: "planned for 14 Oct, not entered"."""
    from tracker.model import CnsVisit

    _apply_interfant_21(qtbot, win)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    _fill_lengths(qtbot, win)
    view = win.plan_view
    end_of_induction = dt.date(2026, 10, 14)

    def sure(start: str) -> str:
        return next(r[2] for r in _rows(view.plan_list) if r[1].startswith(start))

    assert sure("LP “end of induction") == "planned for 14 Oct, not entered"
    child = win.bridge.current_child()
    win.bridge.save(CnsVisit(child.id, end_of_induction))
    assert sure("LP “end of induction") == "done on 14 Oct"
    assert sure("MRD time point “end of induction") == "planned for 14 Oct, not entered"
    assert all("missed" not in r[2] for r in _rows(view.plan_list))


def test_a_first_start_in_year_9999_is_refused_beside_the_field(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    """The forms' date window (10 years ahead), not a plan of "unknown" dates."""
    from gui_helpers import error_label

    seen: dict[str, Any] = {}

    def handle(dialog: Any) -> None:
        fill(dialog, "first_start", "9999-12-01")
        enter(dialog)
        seen["open"] = dialog.isVisible()
        seen["error"] = error_label(dialog, "first_start").text()

    drive_modals(win.add_actions["roadmap"].trigger, [handle])
    assert seen["open"]
    assert seen["error"].endswith(
        "First start: 9999-12-01 is more than 10 years ahead (the latest date accepted is "
        "2036-11-24); check the year"
    )
    child = win.bridge.current_child()
    assert win.bridge.record.entries(Roadmap, child.id) == []
