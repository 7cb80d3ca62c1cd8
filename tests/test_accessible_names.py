"""A screen reader names every control: each focusable, visible widget of every window and
dialog has an accessible name (Qt's own, from its text, its label's buddy or one set), as
read through ``QAccessible`` on the offscreen platform, the way AT-SPI reads it on Linux.

A failure names the widget: its class, objectName and parents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, fixed_clock
from gui_helpers import ScriptedInteraction
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QComboBox, QLabel, QTabWidget, QWidget
from test_gui_mnemonics import DIALOG_KEYS, open_dialog

from tracker.demo import build_demo
from tracker.store import Record

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def accessible_name(widget: QWidget) -> str:
    """What a screen reader says the control is.  A choice box with no name of its own and
    no label for it says only its current value on Linux (Qt gives AT-SPI the value as its
    name), so it counts as unnamed."""
    if isinstance(widget, QComboBox) and not widget.accessibleName():
        labels = widget.window().findChildren(QLabel)
        if not any(label.buddy() is widget for label in labels):
            return ""
    face = QAccessible.queryAccessibleInterface(widget)
    return face.text(QAccessible.Text.Name).strip() if face is not None else ""


def where(widget: QWidget) -> str:
    """``QLineEdit 'amount' in QWidget < CountDialog 'count'``: a widget and its parents."""
    chain = []
    seen: QWidget | None = widget
    while seen is not None:
        name = seen.objectName()
        chain.append(type(seen).__name__ + (f" {name!r}" if name else ""))
        seen = seen.parentWidget()
    return " in ".join(chain)


def focusable(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isVisible()


def unnamed(top: QWidget) -> list[str]:
    found = []
    for widget in [top, *top.findChildren(QWidget)]:
        if isinstance(widget, QLabel) or not focusable(widget):
            continue
        proxied = widget.focusProxy() is not None and not isinstance(widget, QTabWidget)
        if proxied and not isinstance(widget.parentWidget(), QComboBox):
            continue  # the keys go to its proxy, which is checked itself
        # (a tab widget, and an editable choice's own line, are read over AT-SPI as
        # focusable controls of their own: checked)
        if not accessible_name(widget):
            found.append(where(widget))
    return found


def unnamed_on_every_tab(top: QWidget) -> list[str]:
    """:func:`unnamed` with each tab of each tab widget of ``top`` shown in turn."""
    found = unnamed(top)
    for tabs in top.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            found += [w for w in unnamed(tabs) if w not in found]
    return found


def test_the_check_names_a_widget_without_a_name(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The guard fires: an icon-only button with no name is caught, with its parents."""
    from PySide6.QtWidgets import QToolButton

    box = QWidget()
    box.setObjectName("box")
    qtbot.addWidget(box)
    button = QToolButton(box)
    button.setObjectName("bare")
    box.show()
    assert unnamed(box) == ["QToolButton 'bare' in QWidget 'box'"]
    button.setAccessibleName("Zoom in")
    assert unnamed(box) == []


# ---------------------------------------------------------------------- the main window


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Record]:
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        yield rec


@pytest.fixture
def demo_window(qtbot, demo, settings):  # type: ignore[no-untyped-def]
    import shiboken6

    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    win = MainWindow(RecordBridge(demo), ScriptedInteraction(), settings)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if shiboken6.isValid(win):
        shiboken6.delete(win)


def test_every_control_of_every_view_has_a_name(qtbot, demo_window) -> None:  # type: ignore[no-untyped-def]
    from ui.views.lists import RecordView

    missing: dict[str, list[str]] = {}
    for index in range(demo_window.views.count()):
        demo_window.views.setCurrentIndex(index)
        view = demo_window.views.widget(index)
        if isinstance(view, RecordView):
            view.ensure_fresh()
        qtbot.wait(1)
        found = unnamed(demo_window)
        if found:
            missing[demo_window.views.tabText(index)] = found
    assert missing == {}, "\n".join(f"{k}: {w}" for k, ws in missing.items() for w in ws)


# ---------------------------------------------------------------------- every dialog


def _shown(qtbot, dialog: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.parametrize("key", DIALOG_KEYS)
def test_every_control_of_every_entry_dialog_has_a_name(qtbot, bridge, key) -> None:  # type: ignore[no-untyped-def]
    dialog = _shown(qtbot, open_dialog(bridge, key))
    found = unnamed_on_every_tab(dialog)
    assert found == [], "\n".join(found)


def _other_dialogs(bridge: Any, tmp_path: Path) -> list[QWidget]:
    from tracker.io.csv_import import plan_import, read_csv
    from tracker.model import MedicinePlan
    from ui.dialogs.import_preview import ImportPreviewDialog
    from ui.dialogs.medicine_plan import ChangeDoseDialog, StopDialog
    from ui.dialogs.restore import RestoreDialog
    from ui.dialogs.thresholds import ThresholdsDialog
    from ui.growth_chart.widget import GrowthChartDialog
    from ui.interaction import Interaction
    from ui.printing.card_dialog import PrintCardDialog
    from ui.printing.dialog import PrintSummaryDialog
    from ui.welcome import WelcomeDialog

    child = bridge.current_child()
    day = dt.date(2026, 11, 20)
    plan = MedicinePlan(child.id, "6-mercaptopurine", day - dt.timedelta(days=30), "25", "mg", id=1)
    csv = b"Date,Test,Result,Unit\n2026-11-02,WBC,2.1,K/uL\n2026-11-03,Hgb,150,g/dL\n"
    preview = plan_import(read_csv(csv), bridge.record, child)
    return [
        WelcomeDialog(tmp_path / "new.sqlite", clock=fixed_clock),
        ImportPreviewDialog(preview, tmp_path / "labs.csv"),
        PrintSummaryDialog(bridge, Interaction()),
        PrintCardDialog(bridge, Interaction()),
        ThresholdsDialog(bridge),
        ChangeDoseDialog(plan, child, day),
        StopDialog(plan, child, day),
        GrowthChartDialog(bridge),
        RestoreDialog([]),
    ]


def test_every_control_of_the_other_dialogs_has_a_name(qtbot, bridge, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = {}
    for dialog in _other_dialogs(bridge, tmp_path):
        found = unnamed_on_every_tab(_shown(qtbot, dialog))
        if found:
            missing[type(dialog).__name__] = found
    assert missing == {}, "\n".join(f"{k}: {w}" for k, ws in missing.items() for w in ws)
