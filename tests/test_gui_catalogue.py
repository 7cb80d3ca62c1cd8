"""Issue 11 (catalogue): the header says which basis a calculated ANC was worked out on."""

from __future__ import annotations

import datetime as dt

from gui_helpers import blood_count

pytest_plugins = ["gui_helpers"]
TODAY = dt.date(2026, 11, 24)  # conftest's fixed clock


def test_header_names_the_basis_of_a_calculated_anc(qtbot, window, bridge):  # type: ignore[no-untyped-def]
    child = bridge.current_child()
    bridge.save(blood_count(child, "2026-11-20", wbc="2.0 K/uL", neut_pct="20 %"))
    window.header.refresh()
    counts = window.header.counts
    assert "calc." in counts.text()
    assert "calculated from total neutrophil %" in counts.toolTip()
    bridge.save(blood_count(child, "2026-11-21", wbc="2.0 K/uL", seg_pct="20 %", band_pct="5 %"))
    window.header.refresh()
    assert "segmented neutrophils % + bands %" in counts.toolTip()


def test_count_dialog_with_the_grown_catalogue_fits_a_small_screen(qtbot, bridge):  # type: ignore[no-untyped-def]
    from ui.dialogs.count import CountDialog

    dialog = CountDialog(None, bridge.current_child(), TODAY)
    qtbot.addWidget(dialog)
    assert dialog.sizeHint().height() <= 760  # a 1366×768 laptop: OK and Cancel stay on screen
    assert dialog.field("mtx.value") is not None and dialog.field("crp.value") is not None


def test_a_wrong_value_low_in_the_count_dialog_is_scrolled_to(qtbot, bridge):  # type: ignore[no-untyped-def]
    from ui.dialogs.count import CountDialog

    dialog = CountDialog(None, bridge.current_child(), TODAY)
    qtbot.addWidget(dialog)
    dialog.resize(700, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_errors({"mtx.value": "Methotrexate level: check the unit"})
    field = dialog.field("mtx.value")
    assert dialog.focusWidget() is field
    assert dialog.tabs.currentWidget().isAncestorOf(field), "its group's tab is shown"
    assert not field.visibleRegion().isEmpty(), "scrolled to"


def test_header_judges_a_calculated_anc_as_a_reported_one(qtbot, window, bridge):  # type: ignore[no-untyped-def]
    """Issue 11 walkthrough: the header's worked-out ANC had no flag and no category."""
    from PySide6.QtGui import QTextDocument

    child = bridge.current_child()
    bridge.save(blood_count(child, "2026-11-20", anc="1.31 ×10⁹/L"))
    window.header.refresh()
    doc = QTextDocument()
    doc.setHtml(window.header.counts.text())
    assert "1.31 ×10⁹/L (low)" in doc.toPlainText()
    assert "Mild neutropenia" in window.header.counts.toolTip()
    bridge.save(blood_count(child, "2026-11-21", wbc="2.1 ×10⁹/L", seg_pct="38 %", band_pct="6 %"))
    window.header.refresh()
    doc.setHtml(window.header.counts.text())
    shown = doc.toPlainText()
    assert "0.92 ×10⁹/L calc. (low)" in shown, shown
    tip = window.header.counts.toolTip()
    assert "Moderate neutropenia" in tip and "segmented neutrophils % + bands %" in tip
