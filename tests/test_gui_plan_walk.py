"""The Plan tab on the demo as shipped (a child in maintenance), Interfant-21 applied, the
maintenance LP days typed in and one fixed by hand, as the issue-13 walkthrough did.

- A change of arm (finding 1): asked before anything is saved (Cancel saves nothing), the
  history kept with the LP fixed by hand, only the transplant offered, the header's risk
  group and the milestone saved with it as one undo step.
- The whole plan in date order inside each phase (finding 12).
"""

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
from test_gui_roadmap import Answers, _rows, day_typed, drive_modals, enter

from tracker.demo import build_demo
from tracker.model import Child, Milestone, MilestoneKind, Phase, Roadmap
from tracker.roadmap.child import (
    apply_moves,
    apply_template,
    fix_date,
    pending_moves,
    template_of,
    with_lp_days,
    with_template,
)
from tracker.roadmap.read import shipped_template
from tracker.store import Record
from ui.bridge import RecordBridge

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

FIXED_LP = dt.date(2027, 2, 17)


def _save(rec: Record, applied: Any) -> Roadmap:
    with rec.batch("save"):
        for p in applied.phases:
            rec.save(p)
        roadmap, _ = rec.save(applied.roadmap)
    return roadmap


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Record]:
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        [kid] = rec.entries(Child)
        phases = rec.entries(Phase, kid.id)
        roadmap = _save(
            rec,
            apply_template(
                shipped_template("interfant-21"),
                "MR",
                child_id=kid.id,
                first_start=None,
                today=TODAY,
                phases=phases,
            ),
        )
        edited = with_template(roadmap, with_lp_days(template_of(roadmap), "mt", "435, 519"))
        phases = rec.entries(Phase, kid.id)
        roadmap = _save(rec, apply_moves(edited, phases, pending_moves(edited, phases)))
        _save(rec, fix_date(roadmap, phases, "mt.lp1", FIXED_LP, kid.birth_date))
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


def _change_to_hr(win: Any, check: Any = None) -> None:
    [roadmap] = win.bridge.record.entries(Roadmap, win.bridge.current_child().id)

    def edit(dialog: Any) -> None:
        dialog.arm.setCurrentIndex(dialog.arm.findData("HR"))
        if check is not None:
            check(dialog)
        enter(dialog)

    drive_modals(lambda: win.plan_view.edit("roadmap", roadmap), [edit])


def test_cancel_on_the_question_saves_nothing(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    record = win.bridge.record
    child = win.bridge.current_child()
    before = (record.entries(Roadmap, child.id), record.entries(Phase, child.id))
    steps = win.bridge.undo_stack.count()
    answers.choices.append(None)
    _change_to_hr(win)
    kind, _title, text = answers.asked[-1]
    assert kind == "choose" and "Allogeneic stem cell transplant, from 2027-05-14" in text
    assert (record.entries(Roadmap, child.id), record.entries(Phase, child.id)) == before
    assert record.entry(Child, child.id).risk_group_text == "MR"
    assert win.bridge.undo_stack.count() == steps


def test_the_change_keeps_history_and_is_one_undo_step_with_the_header(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    record = win.bridge.record
    child = win.bridge.current_child()
    phases_before = record.entries(Phase, child.id)
    steps = win.bridge.undo_stack.count()
    assert "risk group: MR" in win.header.diagnosis.text()
    answers.choices.append(0)  # and record the milestone

    def check(dialog: Any) -> None:
        links = dialog.findChild(object, "links").text()
        assert "Kept as they are (they really started)" in links and "Maintenance" in links
        assert "Offered from HR: Allogeneic stem cell transplant, from 2027-05-14" in links
        rows = {r[1]: r for r in _rows(dialog.preview)}
        assert rows["LP “day 435” in Maintenance"][0] == FIXED_LP.isoformat()
        sct = "the start of Allogeneic stem cell transplant (a planned phase entry is made)"
        assert rows[sct][0] == "2027-05-14"

    _change_to_hr(win, check)
    assert win.bridge.undo_stack.count() == steps + 1
    after = record.entries(Phase, child.id)
    [sct] = [p for p in after if p not in phases_before]
    assert sct.planned_start == dt.date(2027, 5, 14)
    assert all(p in after for p in phases_before)  # every real phase as it was
    assert record.entry(Child, child.id).risk_group_text == "HR"
    assert "risk group: HR" in win.header.diagnosis.text()
    [risk] = [m for m in record.entries(Milestone, child.id) if m.kind is MilestoneKind.RISK_CHANGE]
    assert risk.result_text == "MR → HR" and risk.date == TODAY
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    plan = {r[1]: r for r in _rows(win.plan_view.plan_list)}
    assert plan["LP “day 435” in Maintenance"][:3] == [
        FIXED_LP.isoformat(),
        "LP “day 435” in Maintenance",
        "fixed by the team",
    ]
    assert "the end of Maintenance" in plan
    win.bridge.undo_stack.undo()  # one step puts everything back
    assert record.entries(Phase, child.id) == phases_before
    assert record.entry(Child, child.id).risk_group_text == "MR"
    assert not [
        m for m in record.entries(Milestone, child.id) if m.kind is MilestoneKind.RISK_CHANGE
    ]
    [roadmap] = record.entries(Roadmap, child.id)
    assert roadmap.arm == "MR"


def _plan_rows(view: Any) -> list[tuple[str, str, str]]:
    """(item id, when, what) of every row of the whole plan."""
    tree = view.plan_list
    rows = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        rows.append((str(item.data(0, Qt.ItemDataRole.UserRole)), item.text(0), item.text(1)))
    return rows


def test_the_whole_plan_is_in_date_order_inside_each_phase(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    rows = _plan_rows(win.plan_view)
    pro = [(i, when) for i, when, _ in rows if i.startswith("pro.")]
    assert [i for i, _ in pro] == ["pro.start", "pro.end", "pro.mrd1"]  # day 8 after day 7
    phases: dict[str, list[str]] = {}
    for item_id, when, _ in rows:
        phases.setdefault(item_id.partition(".")[0], []).append(when)
    for key, dates in phases.items():
        dated = [d for d in dates if d != "unknown"]
        assert dated == sorted(dated), key
        assert dates == dated + ["unknown"] * (len(dates) - len(dated)), key


def test_it_really_started_on_names_the_recorded_phase_and_its_new_length(
    qtbot, win, answers
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtTest import QTest

    record = win.bridge.record
    child = win.bridge.current_child()
    blina = next(p for p in record.entries(Phase, child.id) if p.name == "Blinatumomab 1")
    assert blina.actual_start is not None and blina.actual_end is not None
    later = blina.actual_start + dt.timedelta(days=3)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view
    row = next(
        i
        for i, (_id, _when, what) in enumerate(_plan_rows(view))
        if what == "the start of Blinatumomab, cycle 1"
    )
    view.plan_list.setFocus()
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(row))
    seen: dict[str, str] = {}

    def preview(dialog: Any) -> None:
        label = dialog.findChild(object, "changes")
        assert label.isVisible() and label.textFormat() == Qt.TextFormat.PlainText
        seen["text"] = label.text()

    drive_modals(
        lambda: QTest.keyClick(view.started_button, Qt.Key.Key_Space),
        [day_typed(later.isoformat()), preview],
    )
    assert seen["text"] == (
        f"Blinatumomab 1 (recorded): start {blina.actual_start.isoformat()} → "
        f"{later.isoformat()}; only the start changes, its end stays "
        f"{blina.actual_end.isoformat()}, so it is 25 days instead of 28 days."
    )
    assert record.entry(Phase, blina.id) == blina  # the preview cancelled: nothing saved


def test_the_familys_lp_days_replace_the_templates_end_of_induction_lp(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import type_text
    from PySide6.QtTest import QTest

    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view
    ind_lps = [
        what for _i, _w, what in _plan_rows(view) if what.startswith("LP") and "Induction" in what
    ]
    assert ind_lps == [
        "LP “end of induction (~day 33): LP, CNS status (CNS1 needed before blinatumomab)” "
        "in Induction"
    ]

    def lengths(dialog: Any) -> None:
        field = dialog.findChild(object, "lps_ind")
        assert field.placeholderText() == "LP days (now: at the end)"
        assert "end of induction (~day 33)" in field.toolTip()
        type_text(field, "12, 26")
        enter(dialog)

    drive_modals(lambda: QTest.keyClick(view.lengths_button, Qt.Key.Key_Space), [lengths, enter])
    ind_lps = [
        what for _i, _w, what in _plan_rows(view) if what.startswith("LP") and "Induction" in what
    ]
    assert ind_lps == ["LP “day 12” in Induction", "LP “day 26” in Induction"]


def test_our_plan_saved_as_a_template_marks_the_familys_numbers(
    qtbot, win, answers, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import type_text
    from PySide6.QtTest import QTest

    from tracker.roadmap.read import load_template
    from tracker.roadmap.template import Mark

    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view

    def lengths(dialog: Any) -> None:
        type_text(dialog.findChild(object, "length_ind"), "28")
        enter(dialog)

    # induction really started and ended: its length moves nothing, no preview
    drive_modals(lambda: QTest.keyClick(view.lengths_button, Qt.Key.Key_Space), [lengths])
    [roadmap] = win.bridge.record.entries(Roadmap, win.bridge.current_child().id)
    ind = template_of(roadmap).phase("ind")
    assert ind is not None and ind.status_of("length_days").mark is Mark.FAMILY
    target = tmp_path / "our-plan.json"
    answers.save_answers.append(target)
    QTest.keyClick(view.save_template_button, Qt.Key.Key_Space)
    saved = load_template(target)
    assert saved.phase("mt").status_of("lps").mark is Mark.FAMILY  # type: ignore[union-attr]
    about = saved.about or ""
    assert "Induction (28 days)" in about and "the LP days of Maintenance" in about
    assert "fill them in" not in about
    assert "Robin" not in target.read_text("utf-8")  # nothing about the child


def test_the_headers_next_is_the_first_row_of_whats_next(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    first = _rows(win.plan_view.next_list)[0]
    # today's 08:15 family-doctor visit has passed at 09:30: the clinic on Saturday is next
    assert first == ["2026-11-28 09:45", "Appointment (Oncology day clinic (demo))", "booked"]
    assert win.header.next.text() == "Next: Appointment (Oncology day clinic (demo)) on 2026-11-28"


def test_a_fresh_plan_whose_lengths_are_unknown_has_a_next_thing_in_the_header(
    qtbot, record, child, settings
) -> None:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    applied = apply_template(
        shipped_template("interfant-21"),
        "MR",
        child_id=child.id,
        first_start=TODAY - dt.timedelta(days=10),
        today=TODAY,
    )
    _save(record, applied)
    w = MainWindow(RecordBridge(record), Answers(), settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.header.next.text() == "Next: planned LP in Induction (date not known yet)"
    activate(qtbot, w)
    press(qtbot, w, "Ctrl+0")
    assert _rows(w.plan_view.next_list)[0][:2] == [
        "unknown",
        "LP “end of induction (~day 33): LP, CNS status (CNS1 needed before "
        "blinatumomab)” in Induction",
    ]


def test_without_a_roadmap_whats_next_still_lists_what_the_header_says(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    [roadmap] = win.bridge.record.entries(Roadmap, win.bridge.current_child().id)
    win.bridge.delete(Roadmap, roadmap.id)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    rows = _rows(win.plan_view.next_list)
    assert rows[0] == ["2026-11-28 09:45", "Appointment (Oncology day clinic (demo))", "booked"]
    assert ["2027-02-07", "Lumbar puncture (entered on the CNS tab)", "entered as planned"] in rows
    assert win.header.next.text() == "Next: Appointment (Oncology day clinic (demo)) on 2026-11-28"
