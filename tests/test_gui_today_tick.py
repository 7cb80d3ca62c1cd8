"""A tick on the Today tab changes its own row, the counts, the four-week facts and the log
below, and reads nothing else again: the other rows are the same items, the log is not
reset; undo and redo likewise.  What the tab shows is then exactly what a tab filled anew
shows.  The Medicines tab reads the record again only after a change to plans or doses."""

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

from tracker.model import DoseLog, DoseStatus, MedicinePlan, Temperature
from ui.interaction import Interaction
from ui.views.today import TodayView

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

START = TODAY - dt.timedelta(days=9)


def _plans(bridge: Any) -> list[MedicinePlan]:
    child = bridge.current_child()
    return [
        bridge.save(MedicinePlan(child.id, drug, START, amount, unit, schedule=rule))
        for drug, amount, unit, rule in (
            ("6-mercaptopurine", "25", "mg", "FREQ=DAILY;BYHOUR=19"),
            ("co-trimoxazole", "120", "mg", "FREQ=DAILY;BYHOUR=8,20"),
            ("vitamin D", "400", "IU", "FREQ=DAILY"),
        )
    ]


def _today(qtbot: Any, window: Any) -> TodayView:
    press(qtbot, window, "Ctrl+7")
    view = window.today_view
    assert window.views.currentWidget() is view
    qtbot.waitUntil(lambda: view.due_list.hasFocus())
    return view


def _items(view: TodayView) -> list[Any]:
    return [view.due_list.topLevelItem(i) for i in range(view.due_list.topLevelItemCount())]


def _shown(view: TodayView) -> dict[str, Any]:
    """Everything the tab says, as text."""
    log = view.doses.model
    return {
        "day": view.day_label.text(),
        "counts": view.counts_label.text(),
        "rows": [
            [item.text(c) for c in range(view.due_list.columnCount())] for item in _items(view)
        ],
        "selectable": [bool(item.flags() & Qt.ItemFlag.ItemIsSelectable) for item in _items(view)],
        "facts": (view.facts.text(), view.facts.isHidden()),
        "log": [
            [log.index(r, c).data() for c in range(log.columnCount())]
            for r in range(log.rowCount())
        ],
        "log_empty": view.doses.empty.isHidden(),
        "note_button": view.note_button.isEnabled(),
    }


def _filled_anew(bridge: Any, day: dt.date, row: int) -> dict[str, Any]:
    fresh = TodayView(bridge, Interaction())  # on its own: filled now, from the record
    try:
        if day != fresh.day:
            fresh.show_day(day)
        fresh.due_list.setCurrentItem(fresh.due_list.topLevelItem(row))  # the same row
        return _shown(fresh)
    finally:
        fresh.deleteLater()


def test_a_tick_changes_its_row_only_and_does_not_fill_the_list_again(
    qtbot, window, bridge, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _plans(bridge)
    view = _today(qtbot, window)
    before = _items(view)
    assert len(before) == 4  # vitamin D (during the day), 08:00, 19:00, 20:00
    resets: list[int] = []
    view.doses.model.modelReset.connect(lambda: resets.append(1))
    filled: list[int] = []
    real_fill = view.fill_day
    monkeypatch.setattr(view, "fill_day", lambda *a, **k: (filled.append(1), real_fill(*a, **k)))
    view.due_list.setCurrentItem(before[2])
    QTest.keyClick(view.due_list, Qt.Key.Key_G)
    assert all(a is b for a, b in zip(_items(view), before, strict=True))
    assert before[2].text(3) == "Given 09:30"  # ticked today: the clock's time
    assert view.due_list.currentItem() is before[3]  # on to the next dose not logged yet
    QTest.keyClick(view.due_list, Qt.Key.Key_M)
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert before[3].text(3) == "not logged yet"
    press(qtbot, window, QKeySequence.StandardKey.Redo)
    assert before[3].text(3) == "Missed"
    assert all(a is b for a, b in zip(_items(view), before, strict=True))
    assert filled == [] and resets == []
    assert view.doses.model.rowCount() == 2


def test_after_ticks_undo_redo_and_a_note_the_tab_shows_what_it_shows_filled_anew(
    qtbot, window, bridge
) -> None:  # type: ignore[no-untyped-def]
    _plans(bridge)
    view = _today(qtbot, window)
    alt = Qt.KeyboardModifier.AltModifier

    def same() -> None:
        row = view.due_list.currentIndex().row()
        assert _shown(view) == _filled_anew(bridge, view.day, row)

    same()
    QTest.keyClick(view.due_list, Qt.Key.Key_G)  # vitamin D
    same()
    assert view.due_list.currentIndex().row() == 1
    QTest.keyClick(view.due_list, Qt.Key.Key_V)  # 08:00
    same()
    view.due_list.setCurrentItem(view.due_list.topLevelItem(0))
    QTest.keyClick(view.due_list, Qt.Key.Key_H)  # vitamin D again: held
    same()

    def note(dialog: Any) -> None:
        dialog.setTextValue("with milk")
        dialog.accept()

    assert view.due_list.currentIndex().row() == 2  # on to 19:00, not logged yet
    view.due_list.setCurrentItem(view.due_list.topLevelItem(0))
    drive_modal(lambda: QTest.keyClick(view.due_list, Qt.Key.Key_N), note)
    same()
    for step in ("Undo", "Undo", "Undo", "Redo", "Undo", "Redo", "Redo"):
        row = view.due_list.currentIndex().row()
        stack = bridge.undo_stack
        stack.undo() if step == "Undo" else stack.redo()
        same()
        assert view.due_list.currentIndex().row() == row  # the cursor stays where it was
    QTest.keyClick(view.due_list, Qt.Key.Key_Left, alt)  # yesterday
    QTest.keyClick(view.due_list, Qt.Key.Key_G)
    same()
    stack.undo()
    same()
    stack.undo()
    same()
    # a dose logged on another day (the log's Edit), and an as-needed one, all the same
    child = bridge.current_child()
    plans = bridge.record.entries(MedicinePlan, child.id)
    bridge.save(DoseLog(child.id, plans[0].id, START, DoseStatus.GIVEN, dt.time(19)))
    same()
    prn = bridge.save(MedicinePlan(child.id, "ondansetron", START, "2", "mg", schedule=""))
    same()
    bridge.save(DoseLog(child.id, prn.id, view.day, DoseStatus.GIVEN, dt.time(9)))
    same()
    stack.undo()
    same()


def _reads(monkeypatch: pytest.MonkeyPatch, view: Any) -> list[str]:
    """The Medicines tab's reads of the record: its table of plans and its history."""
    read: list[str] = []
    for name, target in (("plans", view.plans), ("history", view)):
        attr = "fill" if name == "plans" else "_fill_history"
        real = getattr(target, attr)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            read.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(target, attr, counted)
    return read


def test_the_medicines_tab_reads_again_only_after_a_change_to_plans_or_doses(
    qtbot, window, bridge, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    (six_mp, *_) = _plans(bridge)
    child = bridge.current_child()
    medicines = window.medicines_view
    window.show_view("medicines")
    window.show_view("today")
    read = _reads(monkeypatch, medicines)
    bridge.save(Temperature(child.id, TODAY, dt.time(8), "37.1", celsius=37.1))
    window.show_view("medicines")
    assert read == []  # hidden, then shown: nothing it shows changed
    bridge.save(Temperature(child.id, TODAY, dt.time(9), "37.3", celsius=37.3))
    bridge.undo_stack.undo()
    assert read == []  # shown: the same
    window.show_view("today")
    bridge.save(replace(six_mp, team_note="with food"))
    assert read == []  # hidden: read when shown, not now
    window.show_view("medicines")
    assert read == ["plans", "history"]
    assert "with food" in str(medicines.plans.model.item(0))
    read.clear()
    bridge.save(replace(six_mp, team_note="with food, at night"))  # shown: read at once
    assert read == ["plans", "history"]
    read.clear()
    window.show_view("today")
    QTest.keyClick(window.today_view.due_list, Qt.Key.Key_G)  # a dose
    window.show_view("medicines")
    assert "plans" in read


def test_a_tick_does_not_lay_the_whole_tab_out_again(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    """A tick's new label texts and row ask for a layout; the tab widget paints the whole
    tab again on every layout request that reaches it, so the view's splitter passes one
    on (to the view, then the tab widget) only when a part asks for another size (a line
    showing for the first time)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    _plans(bridge)
    view = _today(qtbot, window)
    requests: list[int] = []

    class Count(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.LayoutRequest:
                requests.append(1)
            return False

    counter = Count()
    view.installEventFilter(counter)
    QTest.keyClick(view.due_list, Qt.Key.Key_G)  # the line under the list shows: laid out
    QApplication.processEvents()
    shown = view.message.geometry()
    assert view.message.isVisible() and shown.height() > 0
    due = view.due_list.geometry()
    assert due.bottom() < view.ticks.geometry().top() < shown.top()  # nothing overlaps
    # The tab is made when first shown, after the window: the first "missed" it shows
    # asks for one layout of its own (once); what is counted is every tick after that.
    QTest.keyClick(view.due_list, Qt.Key.Key_M)
    QApplication.processEvents()
    bridge.undo_stack.undo()
    QApplication.processEvents()
    requests.clear()
    for key in (Qt.Key.Key_M, Qt.Key.Key_G):
        QTest.keyClick(view.due_list, key)
        QApplication.processEvents()
    bridge.undo_stack.undo()
    QApplication.processEvents()
    assert requests == []
    assert view.message.geometry() == shown and view.due_list.geometry() == due
    view.removeEventFilter(counter)


def test_a_tick_records_the_time_it_was_given(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    """G on today's page records the clock's time as the time given (09:30 here), shown in
    the row and in the dose's entry in the log; Missed records none."""
    _plans(bridge)
    view = _today(qtbot, window)
    view.due_list.setCurrentItem(view.due_list.topLevelItem(0))
    QTest.keyClick(view.due_list, Qt.Key.Key_G)
    child = bridge.current_child()
    given = [d for d in bridge.record.entries(DoseLog, child.id) if d.status is DoseStatus.GIVEN]
    assert [d.given_time for d in given] == [dt.time(9, 30)]
    assert view.due_list.topLevelItem(0).text(3) == "Given 09:30"
    log = view.doses.model
    assert any(log.index(0, c).data() == "09:30" for c in range(log.columnCount()))
    view.due_list.setCurrentItem(view.due_list.topLevelItem(1))
    QTest.keyClick(view.due_list, Qt.Key.Key_M)
    missed = [d for d in bridge.record.entries(DoseLog, child.id) if d.status is DoseStatus.MISSED]
    assert [d.given_time for d in missed] == [None]


def test_undo_on_today_says_what_it_takes_back(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Z on the Today tab may undo a change made elsewhere (an appointment): the Edit
    menu's Undo names the step beforehand, and the status bar says what was undone."""
    from dataclasses import replace as changed

    from tracker.model import Appointment
    from ui.actions import ActionId

    _plans(bridge)
    view = _today(qtbot, window)
    view.due_list.setCurrentItem(view.due_list.topLevelItem(2))  # 6-MP at 19:00
    QTest.keyClick(view.due_list, Qt.Key.Key_G)
    undo = window.actions_[ActionId.UNDO]
    assert undo.text() == "&Undo: dose of 6-mercaptopurine given"
    child = bridge.current_child()
    visit = bridge.save(Appointment(child.id, dt.date(2026, 12, 8), dt.time(9, 0), "Dr. Vos"))
    assert undo.text() == "&Undo: appointment of 2026-12-08 added"
    bridge.save(changed(visit, time=dt.time(10, 30)))  # changed on the Agenda tab
    assert undo.text() == "&Undo: appointment of 2026-12-08 changed"
    view = _today(qtbot, window)
    press(qtbot, view.due_list, QKeySequence.StandardKey.Undo)
    assert bridge.record.entry(Appointment, visit.id).time == dt.time(9, 0)
    assert window.statusBar().currentMessage() == "Undone: appointment of 2026-12-08 changed"
    press(qtbot, view.due_list, QKeySequence.StandardKey.Redo)
    assert window.statusBar().currentMessage() == "Redone: appointment of 2026-12-08 changed"
    bridge.delete(Appointment, visit.id)
    assert undo.text() == "&Undo: appointment of 2026-12-08 deleted"
    assert (
        window.statusBar().currentMessage().startswith("Saved: appointment of 2026-12-08 deleted")
    )
