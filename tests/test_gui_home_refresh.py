"""What reads the record again after a change at home (a dose ticked, a temperature): only
the parts of the window that show it.  The header (phase, next, latest counts) is read
again when one of those changes, not on every dose (bench/run.py times the tick)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import TODAY

from tracker.forms import ValueInput, count_from_form
from tracker.model import (
    DoseLog,
    DoseStatus,
    Growth,
    MedicinePlan,
    Phase,
    PhaseKind,
    Symptom,
    SymptomWhat,
    Temperature,
)

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _spy(monkeypatch: pytest.MonkeyPatch, header: Any) -> list[int]:
    calls: list[int] = []
    real = header.refresh

    def refresh() -> None:
        calls.append(1)
        real()

    monkeypatch.setattr(header, "refresh", refresh)
    return calls


def test_the_header_is_not_read_again_for_life_at_home(qtbot, window, bridge, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    child = bridge.current_child()
    calls = _spy(monkeypatch, window.header)
    plan = bridge.save(
        MedicinePlan(child.id, "6-mercaptopurine", TODAY, "25", "mg", schedule="FREQ=DAILY")
    )
    bridge.save(DoseLog(child.id, plan.id, TODAY, DoseStatus.GIVEN))
    bridge.save(Temperature(child.id, TODAY, dt.time(8), "37.1", celsius=37.1))
    bridge.save(Symptom(child.id, TODAY, SymptomWhat.TIREDNESS))
    bridge.save(Growth(child.id, TODAY, "8 kg", 8.0))
    bridge.undo_stack.undo()  # the growth entry taken back
    assert calls == []


def test_the_header_shows_a_new_phase_and_a_new_count_at_once(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    child = bridge.current_child()
    bridge.save(Phase(child.id, PhaseKind.MAINTENANCE, "Maintenance", actual_start=TODAY))
    assert "Maintenance" in window.header.phase.text()
    bridge.save(
        count_from_form(
            {"taken_date": TODAY.isoformat()},
            [ValueInput("plt", "123", "×10⁹/L")],
            child=child,
            today=TODAY,
        )
    )
    assert "123" in window.header.counts.text()
    bridge.undo_stack.undo()
    assert "123" not in window.header.counts.text()


def test_moving_the_today_tab_a_day_keeps_the_four_week_facts_without_working_them_out_again(
    qtbot, window, bridge, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tracker import adherence

    child = bridge.current_child()
    plan = bridge.save(
        MedicinePlan(
            child.id,
            "6-mercaptopurine",
            TODAY - dt.timedelta(days=3),
            "25",
            "mg",
            schedule="FREQ=DAILY;BYHOUR=19",
        )
    )
    window.show_view("today")
    view = window.today_view
    before = view.facts.text()
    assert before.startswith("6-mercaptopurine: 3 doses due in the last 4 weeks")
    worked_out: list[int] = []
    real = adherence.adherence

    def counted(*args: Any, **kwargs: Any) -> Any:
        worked_out.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(adherence, "adherence", counted)
    alt = Qt.KeyboardModifier.AltModifier
    for key in (Qt.Key.Key_Left, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home):
        QTest.keyClick(view.due_list, key, alt)
        assert view.facts.text() == before
    assert view.day == TODAY and worked_out == []
    QTest.keyClick(view.due_list, Qt.Key.Key_Left, alt)
    QTest.keyClick(view.due_list, Qt.Key.Key_G)  # yesterday's dose: the facts change
    assert worked_out and view.facts.text() != before
    assert "1 of 3 doses given" in view.facts.text()
    assert plan.id is not None


def test_the_timeline_opens_on_recent_temperatures_and_doses_then_loads_the_history(
    qtbot, record, child
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from ui.bridge import RecordBridge
    from ui.timeline.view import RECENT_DAYS, TimelineView

    old = TODAY - dt.timedelta(days=RECENT_DAYS + 60)
    plan, _ = record.save(
        MedicinePlan(child.id, "6-mercaptopurine", old, "25", "mg", schedule="FREQ=DAILY")
    )
    for day in (old, TODAY - dt.timedelta(days=3)):
        record.save(Temperature(child.id, day, dt.time(8), "37.1", celsius=37.1))
        record.save(DoseLog(child.id, plan.id, day, DoseStatus.GIVEN))
    view = TimelineView(
        RecordBridge(record), QSettings(str(record.path) + ".ini", QSettings.Format.IniFormat)
    )
    qtbot.addWidget(view)

    def marks() -> tuple[int, int]:
        timeline = view.widget.timeline
        return len(timeline.lane("temperatures").marks), len(timeline.lane("doses").marks)

    assert marks() == (1, 1)  # the first picture: the recent ones only
    assert view.widget.timeline.lane("doses").row_titles == ["6-mercaptopurine"]
    view.show()
    qtbot.waitUntil(lambda: marks() == (2, 2), timeout=3000)


def test_the_dose_log_keeps_its_column_widths_while_doses_are_ticked(qtbot, window, bridge) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    child = bridge.current_child()
    bridge.save(
        MedicinePlan(
            child.id,
            "6-mercaptopurine",
            TODAY - dt.timedelta(days=3),
            "25",
            "mg",
            schedule="FREQ=DAILY;BYHOUR=19",
        )
    )
    window.show_view("today")
    view = window.today_view
    table = view.doses.table
    header = table.horizontalHeader()
    model = view.doses.model
    QTest.keyClick(view.due_list, Qt.Key.Key_G)  # the first dose in a log fitted empty
    assert model.rowCount() == 1
    for column in range(model.columnCount() - 1):  # its row's text fits: nothing cut off
        need = table.sizeHintForIndex(model.index(0, column)).width()
        assert header.sectionSize(column) >= need, column
    widened = header.sectionSize(0) + 40
    header.resizeSection(0, widened)  # the family widens a column
    QTest.keyClick(view.due_list, Qt.Key.Key_M)  # the same dose: missed after all
    assert model.rowCount() == 1 and "Missed" in view.due_list.topLevelItem(0).text(3)
    assert header.sectionSize(0) == widened


def test_tabs_that_do_not_show_doses_are_not_read_again_after_a_tick(
    qtbot, window, bridge, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    child = bridge.current_child()
    bridge.save(
        MedicinePlan(child.id, "6-mercaptopurine", TODAY, "25", "mg", schedule="FREQ=DAILY")
    )
    names = ("phases", "counts", "cns", "agenda", "fevers", "hospital")
    for name in names:  # each tab filled once
        window.show_view(name)
    refreshed: list[str] = []
    for name in names:
        view = window.view_named(name)
        real = view.refresh
        monkeypatch.setattr(
            view,
            "refresh",
            lambda *a, real=real, name=name, **k: (refreshed.append(name), real(*a, **k)),
        )
    window.show_view("today")
    QTest.keyClick(window.today_view.due_list, Qt.Key.Key_G)
    assert len(bridge.record.entries(DoseLog, child.id)) == 1
    for name in names:
        window.show_view(name)
    assert refreshed == []
    # a count saved while the counts tab is hidden: it is read again when chosen
    window.show_view("today")
    bridge.save(
        count_from_form(
            {"taken_date": TODAY.isoformat()},
            [ValueInput("plt", "123", "×10⁹/L")],
            child=child,
            today=TODAY,
        )
    )
    window.show_view("counts")
    assert refreshed == ["counts"]
    assert window.counts_view.model.rowCount() == 1
