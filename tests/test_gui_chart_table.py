"""The charts' text alternative a screen reader can walk: "Values as a table" (Alt+T) on
the timeline shows every phase, mark and value as rows; Enter on a row opens the entry.
On the drawing itself Up and Down step between items and the timeline's accessible name
says the focused item's words."""

from __future__ import annotations

import pytest
from gui_helpers import activate, blood_count, drive_modal
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _name(widget) -> str:  # type: ignore[no-untyped-def]
    return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


def test_values_as_a_table_lists_the_counts_and_enter_opens_one(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    child = window.bridge.current_child()
    window.bridge.save(blood_count(child, "2026-11-02", hgb="8.1 g/dL"))
    window.show_view("timeline")
    view = window.timeline_view
    view.widget.setFocus()
    activate(qtbot, window)
    qtbot.keyClick(view.widget, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.values.isVisible)
    table = QApplication.focusWidget()
    assert table is view.values and view.values.isVisible() and not view.scroll.isVisible()
    assert _name(table) == "Timeline values as a table"
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    hb = [r for r in rows if r[0] == "2026-11-02" and "8.1 g/dL" in r[2]]
    assert hb, rows
    table.setCurrentCell(rows.index(hb[0]), 0)  # where the arrow keys would have moved

    def look(dialog):  # type: ignore[no-untyped-def]
        assert "count" in type(dialog).__name__.lower(), type(dialog).__name__
        dialog.reject()

    drive_modal(lambda: qtbot.keyClick(table, Qt.Key.Key_Return), look)
    qtbot.keyClick(table, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.scroll.isVisible)
    assert view.scroll.isVisible() and QApplication.focusWidget() is view.widget


def test_up_and_down_step_between_items_and_the_name_says_which(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    child = window.bridge.current_child()
    window.bridge.save(blood_count(child, "2026-11-02", hgb="8.1 g/dL"))
    window.bridge.save(blood_count(child, "2026-11-16", hgb="9.4 g/dL"))
    window.show_view("timeline")
    chart = window.timeline_view.widget
    chart.apply_preset("3m")
    chart.setFocus()
    activate(qtbot, window)
    assert _name(chart) == "Timeline"
    qtbot.keyClick(chart, Qt.Key.Key_Down)
    first = chart.focused_item()
    assert first is not None and _name(chart).startswith("Timeline: ")
    qtbot.keyClick(chart, Qt.Key.Key_Down)
    second = chart.focused_item()
    assert second is not None and second.ref != first.ref
    qtbot.keyClick(chart, Qt.Key.Key_Up)
    assert chart.focused_item().ref == first.ref
    assert QApplication.focusWidget() is chart


def test_alt_t_works_as_soon_as_the_timeline_tab_shows_and_only_there(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Under openbox: Ctrl+1 left the keys on the tab bar and Alt+T did nothing."""
    from gui_helpers import press

    window.show_view("fevers")
    activate(qtbot, window)
    view = window.timeline_view
    press(qtbot, QApplication.focusWidget() or window, "Ctrl+1")
    assert window.views.currentWidget() is view
    window.views.tabBar().setFocus()  # where the keys were
    qtbot.keyClick(window.views.tabBar(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.values.isVisible)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.scroll.isVisible)
    window.show_view("fevers")
    assert not view.values_action.isChecked()


def test_the_growth_chart_has_its_values_as_a_table_too(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from tracker.model import Growth
    from ui.growth_chart.widget import GrowthChartDialog

    child = window.bridge.current_child()
    window.bridge.save(Growth(child.id, dt.date(2026, 11, 20), weight_text="6.9 kg", weight_kg=6.9))
    dialog = GrowthChartDialog(window.bridge, window)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.values.isVisible)
    table = QApplication.focusWidget()
    assert table is dialog.values and not dialog.chart.isVisible()
    assert _name(table) == "Growth measurements as a table"
    cells = [table.item(0, c).text() for c in range(3)]
    assert cells[0] == "2026-11-20" and "6.9 kg" in cells[2], cells
    table.setCurrentCell(0, 0)

    def look(editor):  # type: ignore[no-untyped-def]
        assert "growth" in type(editor).__name__.lower(), type(editor).__name__
        editor.reject()

    drive_modal(lambda: qtbot.keyClick(table, Qt.Key.Key_Return), look)
    dialog.done(0)
