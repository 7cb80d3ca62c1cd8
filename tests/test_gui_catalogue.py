"""Issue 11 (catalogue): the header says which basis a calculated ANC was worked out on."""

from __future__ import annotations

from gui_helpers import blood_count

pytest_plugins = ["gui_helpers"]


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
