"""The focus ring a parent can see: 2 pixels of the palette's highlight colour around the
focused button, field, choice or list (ui/focus_style.py, set on the application by
ui/app.py), where the platform style draws one faint pixel (walk-through of issue 13,
finding 17)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.focus_style import FocusRingStyle

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _ring(widget: QWidget) -> list[bool]:
    """Whether the two outermost pixel rows at the widget's middle are the highlight."""
    image = widget.grab().toImage()
    highlight = widget.palette().color(QPalette.ColorRole.Highlight)
    x = image.width() // 2
    return [QColor(image.pixel(x, y)) == highlight for y in (0, 1)]


@pytest.mark.parametrize("make", [QPushButton, QLineEdit, QComboBox, QTreeWidget])
def test_the_focused_widget_has_a_two_pixel_ring(qtbot, make) -> None:  # type: ignore[no-untyped-def]
    style = FocusRingStyle("fusion")
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    widget = make()
    other = QLineEdit()
    for w in (widget, other):
        w.setStyle(style)
        layout.addWidget(w)
    if isinstance(widget, QTreeWidget):
        QTreeWidgetItem(widget, ["2026-11-24"])
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    assert _ring(widget) == [True, True]
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    assert _ring(widget) != [True, True]  # only where the keyboard is


def test_the_application_gets_the_ring() -> None:
    """In a process of its own: the application's style is process-wide."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from ui.app import make_application\n"
        "from ui.focus_style import FocusRingStyle\n"
        "app = make_application([])\n"
        "assert isinstance(app.style(), FocusRingStyle), type(app.style())\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
