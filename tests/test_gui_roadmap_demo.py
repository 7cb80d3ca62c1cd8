"""Issue 13's "Done when" on the demo record, through the window by keys.

The demo as shipped is a child in maintenance: every block after induction really started
already, so applying Interfant-21 links those real phases (nothing is made twice) and no
later block can move any more.  The honest way to see a late start move the blocks after it
is the same demo *as it stood at the end of induction*: the phases after induction not
entered yet.  There the roadmap plans them, the lengths and LP days are filled in with the
demo's own numbers (its real phase lengths, the days of its real LPs), the block after
induction really starts three days late, the preview lists the later blocks and LPs moving
"3 days after … started late", Apply moves them in the record and on the timeline's Plan
lane, one Undo puts everything back, and the calendar exported then reads back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from conftest import TODAY, fixed_clock
from gui_helpers import activate, press, type_text
from icalendar import Calendar
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from test_gui_roadmap import Answers, _rows, day_typed, drive_modals, enter

from tracker.demo import build_demo
from tracker.io.ics import entries_of, write_calendar
from tracker.model import Child, CnsVisit, Phase, PhaseKind, Roadmap
from tracker.store import Record
from ui.bridge import RecordBridge

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _length(p: Phase) -> int:
    assert p.actual_start is not None and p.actual_end is not None
    return (p.actual_end - p.actual_start).days + 1


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Record]:
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        yield rec


@pytest.fixture
def answers() -> Answers:
    return Answers()


def _window(qtbot, record: Record, answers: Answers, settings):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    w = MainWindow(RecordBridge(record), answers, settings)
    qtbot.addWidget(w)
    w.resize(1024, 600)
    w.show()
    qtbot.waitExposed(w)
    activate(qtbot, w)
    return w


@pytest.fixture
def win(qtbot, demo: Record, answers: Answers, settings):  # type: ignore[no-untyped-def]
    w = _window(qtbot, demo, answers, settings)
    yield w
    if shiboken6.isValid(w):
        shiboken6.delete(w)


def _apply(qtbot, win, check: Any) -> Roadmap:  # type: ignore[no-untyped-def]
    def handle(dialog: Any) -> None:
        assert dialog.text_of("source") == "interfant-21" and dialog.text_of("arm") == "MR"
        check(dialog)
        enter(dialog)
        assert not dialog.isVisible(), dialog.banner.text()

    drive_modals(win.add_actions["roadmap"].trigger, [handle])
    [roadmap] = win.bridge.record.entries(Roadmap, win.bridge.current_child().id)
    return roadmap


def test_applied_to_the_demo_as_shipped_the_real_phases_are_linked(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    record = win.bridge.record
    child = win.bridge.current_child()
    before = record.entries(Phase, child.id)
    real = {p.name: p for p in before}

    def check(dialog: Any) -> None:
        links = dialog.findChild(object, "links")
        assert links.textFormat() == Qt.TextFormat.PlainText
        assert links.text() == (
            "Linked to the phases you entered (their dates are used): Prednisone prophase → "
            "Prednisone prophase; Induction → Induction; Blinatumomab, cycle 1 → "
            "Blinatumomab 1; Chemotherapy courses after blinatumomab 1 (from your protocol "
            "book) → Protocol IB; Blinatumomab, cycle 2 (replaces one chemotherapy course) → "
            "Blinatumomab 2; Maintenance → Maintenance. No new phase entry is made."
        )
        rows = _rows(dialog.preview)
        assert rows[0] == [
            real["Prednisone prophase"].actual_start.isoformat(),
            "the start of Prednisone prophase (linked to your phase “Prednisone prophase”)",
            "done",
        ]

    _apply(qtbot, win, check)
    after = record.entries(Phase, child.id)
    assert after == before  # nothing made twice
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    rows = {r[1]: r for r in _rows(win.plan_view.plan_list)}
    blina = real["Blinatumomab 1"]
    assert rows["the start of Blinatumomab, cycle 1"][:3] == [
        blina.actual_start.isoformat(),
        "the start of Blinatumomab, cycle 1",
        "done",
    ]
    assert rows["the end of Maintenance"][:3] == [
        real["Maintenance"].planned_end.isoformat(),
        "the end of Maintenance",
        "fixed by the team",  # the team's planned end, as the family entered it
    ]
    assert not win.plan_view.pending.isVisible()  # nothing waits to move


def _demo_numbers(record: Record, child: Child) -> dict[str, str]:
    """The demo's own numbers, as a protocol book would give them: its real phase lengths
    (maintenance: as planned, it has not ended) and the days of its real and planned LPs."""
    phases = {p.name: p for p in record.entries(Phase, child.id)}
    ib, mt = phases["Protocol IB"], phases["Maintenance"]
    assert mt.planned_start is not None and mt.planned_end is not None
    assert ib.actual_start is not None and mt.actual_start is not None

    def lp_days(start: dt.date, end: dt.date) -> str:
        visits = record.entries(CnsVisit, child.id)
        days = [(v.date - start).days + 1 for v in visits if start <= v.date <= end]
        return ", ".join(str(d) for d in sorted(days))

    return {
        "length_ind": str(_length(phases["Induction"])),
        "length_cons": str(_length(ib)),
        "length_mt": str((mt.planned_end - mt.planned_start).days + 1),
        "lps_cons": lp_days(ib.actual_start, ib.actual_end or ib.actual_start),
        "lps_mt": lp_days(mt.actual_start, mt.planned_end),
    }


def test_done_when_on_the_demo_at_the_end_of_induction(qtbot, win, answers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    record = win.bridge.record
    child = win.bridge.current_child()
    numbers = _demo_numbers(record, child)
    assert numbers["length_ind"] == "28" and numbers["length_cons"] == "28"
    assert numbers["lps_cons"] == "1, 15"  # the demo's "Protocol IB day 1 / day 15" LPs
    for p in record.entries(Phase, child.id):  # the demo as it stood at the end of induction
        if p.kind not in (PhaseKind.PROPHASE, PhaseKind.INDUCTION):
            assert p.id is not None
            record.delete(Phase, p.id)
    win.bridge.undo_stack.clear()
    induction = next(p for p in record.entries(Phase, child.id) if p.name == "Induction")
    assert induction.actual_end is not None
    planned_blina = induction.actual_end + dt.timedelta(days=1)
    late = planned_blina + dt.timedelta(days=3)

    def check(dialog: Any) -> None:
        text = dialog.findChild(object, "links").text()
        assert text.startswith(
            "Linked to the phases you entered (their dates are used): Prednisone prophase → "
            "Prednisone prophase; Induction → Induction. New planned phases: Blinatumomab, "
            "cycle 1; Chemotherapy courses after blinatumomab 1 (from your protocol book)."
        )

    _apply(qtbot, win, check)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view

    # the lengths and LP days of the family's book: the demo's own numbers
    def lengths(dialog: Any) -> None:
        assert dialog.objectName() == "lengths"
        for name, text in numbers.items():
            type_text(dialog.findChild(object, name), text)
        enter(dialog)
        assert not dialog.isVisible(), dialog.error.text()

    drive_modals(lambda: QTest.keyClick(view.lengths_button, Qt.Key.Key_Space), [lengths, enter])
    names = {p.name: p for p in record.entries(Phase, child.id)}
    cons = "Chemotherapy courses after blinatumomab 1 (from your protocol book)"
    planned = {n: names[n].planned_start for n in names if "Interfant" in names[n].notes}
    assert planned["Blinatumomab, cycle 1"] == planned_blina
    assert planned[cons] == planned_blina + dt.timedelta(days=28)
    assert (
        "Maintenance" in planned
        and "Blinatumomab, cycle 2 (replaces one chemotherapy course)" in planned
    )
    steps = win.bridge.undo_stack.count()

    # the block after induction really starts three days late
    rows = _rows(view.plan_list)
    row = next(i for i, r in enumerate(rows) if r[1] == "the start of Blinatumomab, cycle 1")
    view.plan_list.setFocus()
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(row))
    seen: dict[str, Any] = {}

    def preview(dialog: Any) -> None:
        seen["rows"] = dialog.rows()
        seen["warnings"] = dialog.findChild(object, "warnings").isVisible()
        enter(dialog)

    drive_modals(
        lambda: QTest.keyClick(view.started_button, Qt.Key.Key_Space),
        [day_typed(late.isoformat()), preview],
    )
    reason = "moved 3 days after Blinatumomab, cycle 1 started late"
    moved = {r[0]: r for r in seen["rows"]}
    for block in (cons, "Blinatumomab, cycle 2 (replaces one chemotherapy course)", "Maintenance"):
        old = planned[block]
        assert moved[f"the start of {block}"][1:] == [
            old.isoformat(),
            (old + dt.timedelta(days=3)).isoformat(),
            reason,
        ]
    lps = [r for r in seen["rows"] if r[0].startswith("LP “day")]
    assert len(lps) >= 2 and all(r[3] == reason for r in lps)  # the later LPs move too
    assert {r[0] for r in lps} >= {f"LP “day 15” in {cons}", "LP “day 1” in Maintenance"}
    assert not seen["warnings"]  # nothing odd

    # in the record: the real start, and every later planned block three days later
    names = {p.name: p for p in record.entries(Phase, child.id)}
    assert names["Blinatumomab, cycle 1"].actual_start == late
    for block, old in planned.items():
        if block != "Blinatumomab, cycle 1":
            assert names[block].planned_start == old + dt.timedelta(days=3), block
    # on the timeline's Plan lane: the moved LPs and MRD checks, hollow, with the reason
    win.show_view("timeline")
    win.timeline_view.refresh()
    marks = win.timeline_view.widget.timeline.lane("plan").marks
    moved_lps = [m for m in marks if m.label == "LP (moved)"]
    assert moved_lps and all(not m.filled and reason in m.tooltip for m in moved_lps)

    # undo: the whole shift is one step, everything back
    activate(qtbot, win)
    assert win.bridge.undo_stack.count() == steps + 1
    press(qtbot, win, QKeySequence.StandardKey.Undo)
    names = {p.name: p for p in record.entries(Phase, child.id)}
    assert names["Blinatumomab, cycle 1"].actual_start is None
    assert {n: names[n].planned_start for n in planned} == planned
    [roadmap] = record.entries(Roadmap, child.id)
    assert not any(i.moved_because == reason for i in roadmap.items)

    # the calendar, exported and read back
    path = tmp_path / "plan.ics"
    stamp = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    written = write_calendar(path, entries_of(record, child), TODAY, stamp)
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert len(events) == written
    summaries = [str(e["summary"]) for e in events]
    assert f"{child.name} · Blinatumomab, cycle 1 starts (planned)" in summaries
    # the roadmap's maintenance LPs are those the demo entered as planned on the CNS tab
    # (the same days, moved 3 days later): each is one event, the entry (roadmap/entered.py)
    lp_days = sorted(e.decoded("dtstart") for e in events if "Lumbar puncture" in str(e["summary"]))
    entered = sorted(v.date for v in record.entries(CnsVisit, child.id) if v.planned)
    assert entered and lp_days == entered and all(d >= TODAY for d in lp_days)
    assert not any("Lumbar puncture (planned): day" in s for s in summaries)
    assert len({str(e["uid"]) for e in events if "RECURRENCE-ID" not in e}) == len(
        [e for e in events if "RECURRENCE-ID" not in e]
    )  # one UID per event


def test_the_headers_next_counts_the_roadmaps_items_on_the_demo(qtbot, win, answers) -> None:  # type: ignore[no-untyped-def]
    """The demo with Interfant-21 applied and its maintenance LP days filled in: the next
    planned LP is a roadmap item (no LP entry), and once the team gives it a day before
    the next appointment, the header's "Next" names it."""
    record = win.bridge.record
    child = win.bridge.current_child()
    lps_mt = _demo_numbers(record, child)["lps_mt"]
    assert lps_mt == "1, 99, 183, 267, 351, 435, 519"
    _apply(qtbot, win, lambda dialog: None)
    activate(qtbot, win)
    press(qtbot, win, "Ctrl+0")
    view = win.plan_view

    def lengths(dialog: Any) -> None:
        type_text(dialog.findChild(object, "lps_mt"), lps_mt)
        enter(dialog)

    drive_modals(lambda: QTest.keyClick(view.lengths_button, Qt.Key.Key_Space), [lengths, enter])
    assert win.header.next.text() == "Next: Appointment (Oncology day clinic (demo)) on 2026-11-28"
    rows = _rows(view.plan_list)
    row = next(i for i, r in enumerate(rows) if r[1] == "LP “day 435” in Maintenance")
    view.plan_list.setCurrentItem(view.plan_list.topLevelItem(row))
    drive_modals(  # the team gave the next LP another day
        lambda: QTest.keyClick(view.fix_button, Qt.Key.Key_Space),
        [day_typed("2026-11-26"), enter],
    )
    assert win.header.next.text() == "Next: planned LP in Maintenance on 2026-11-26"
    next_rows = _rows(view.next_list)
    assert next_rows[0] == ["2026-11-26", "LP “day 435” in Maintenance", "fixed by the team"]


def test_the_first_start_shown_is_the_linked_phases_real_start(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    child = win.bridge.current_child()
    real = {p.name: p for p in win.bridge.record.entries(Phase, child.id)}

    def check(dialog: Any) -> None:
        start = real["Prednisone prophase"].actual_start
        assert dialog.text_of("first_start") == start.isoformat()  # not today's date

    roadmap = _apply(qtbot, win, check)
    assert roadmap.first_start == real["Prednisone prophase"].actual_start
