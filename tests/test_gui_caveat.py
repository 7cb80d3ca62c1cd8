"""Issue 11: a neutropenia category or CTCAE grade for a value the lab's range calls normal
is shown on screen with the caveat ctcae.json ships and the sources (tooltip)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from tracker import ranges
from tracker.forms import ValueInput, count_from_form

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui


def _plain(html: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html)  # a tooltip with "<" in it is escaped rich text
    return doc.toPlainText()


def test_anc_tooltip_inside_the_lab_range_shows_the_caveat(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    window.bridge.save(
        count_from_form(
            {"taken_date": "2026-11-20"},
            [ValueInput("anc", "1.2", "×10⁹/L", "1.0-8.5")],
            child=child,
            today=record.today(),
        )
    )
    window.show_view("counts")
    model = window.counts_view.model
    window.grades_action.setChecked(True)
    tip = _plain(model.index(0, model.analyte_column("anc")).data(Qt.ItemDataRole.ToolTipRole))
    assert "Mild neutropenia" in tip and "CTCAE v5 grade 2" in tip
    assert "within the range printed by your lab" in tip
    assert ranges.ctcae_display_note() in tip
    assert "Taplitz" in tip and "NCI Common Terminology Criteria" in tip
