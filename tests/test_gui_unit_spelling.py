"""One spelling of each unit on screen (issue 15): units read from an import in ASCII
("K/uL", "10^9/L", "M/uL") are shown, and offered as the next count's defaults, in the
program's own spelling (×10³/µL, ×10⁹/L, ×10⁶/µL); a flag never reads as a unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import TODAY
from PySide6.QtCore import Qt

from tracker.display import UnitPreference, unit_spelling
from tracker.model import CountResult, CountValue

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

ASCII = ("10^", "/uL", "K/u", "M/u", "x10")


def _value(
    code: str, text: str, unit: str, canonical: float, canonical_unit: str, low: float, high: float
) -> CountValue:
    return CountValue(
        code,
        text,
        unit,
        float(text),
        canonical,
        canonical_unit,
        range_text=f"{low:g}-{high:g}",
        range_low=low,
        range_high=high,
        lab_flag="L",
    )


def _imported(child_id: int) -> CountResult:
    """A count as an import stores it: the lab's ASCII spellings."""
    return CountResult(
        child_id,
        TODAY - dt.timedelta(days=2),
        None,
        "",
        "Lab portal",
        (
            _value("wbc", "2.4", "K/uL", 2.4, "10^9/L", 4.5, 11),
            _value("plt", "41", "10^9/L", 41.0, "10^9/L", 150, 450),
            _value("rbc", "3.10", "M/uL", 3.10, "10^12/L", 3.5, 5.5),
            _value("hct", "27.9", "%", 0.279, "L/L", 30, 45),
        ),
    )


def test_the_program_spells_a_known_unit_its_own_way() -> None:
    assert unit_spelling("wbc", "K/uL") == "×10³/µL"
    assert unit_spelling("plt", "10^9/L") == "×10⁹/L"
    assert unit_spelling("rbc", "M/uL") == "×10⁶/µL"
    assert unit_spelling("hct", "l/l") == "L/L"
    assert unit_spelling("wbc", "furlongs") == "furlongs"  # unknown: as typed
    assert unit_spelling("wbc", "") == ""


def test_the_next_count_offers_learned_units_in_the_programs_spelling(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    from test_gui_mnemonics import open_dialog

    bridge.save(_imported(bridge.current_child().id))
    dialog = open_dialog(bridge, "count")
    qtbot.addWidget(dialog)
    assert dialog.field("wbc.unit").currentText() == "×10³/µL"
    assert dialog.field("plt.unit").currentText() == "×10⁹/L"
    assert dialog.field("rbc.unit").currentText() == "×10⁶/µL"


def _texts(bridge: Any) -> list[str]:
    """Every cell and tooltip of the counts table, and every chart point's tooltip."""
    from ui.models.counts import CountsModel

    model = CountsModel()
    model.reload(bridge.counts(bridge.current_child().id), None, bridge.unit_preference)
    texts = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                data = model.index(row, column).data(role)
                if isinstance(data, str):
                    texts.append(data)
    for column in range(model.columnCount()):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            data = model.headerData(column, Qt.Orientation.Horizontal, role)
            if isinstance(data, str):
                texts.append(data)
    return texts


@pytest.mark.parametrize("preference", list(UnitPreference))
def test_tables_and_tooltips_spell_every_unit_one_way(qtbot, bridge, preference) -> None:  # type: ignore[no-untyped-def]
    from tracker import timeline

    bridge.save(_imported(bridge.current_child().id))
    bridge.set_unit_preference(preference)
    texts = _texts(bridge)
    counts = bridge.counts(bridge.current_child().id)
    for code in ("wbc", "plt", "hct"):
        lane = timeline._series_lane(counts, code, unit_spelling(code, counts[0].value(code).unit))
        assert lane.series is not None
        texts += [p.tooltip for p in lane.series.points]
    for text in texts:
        assert not any(ascii_ in text for ascii_ in ASCII), text
        assert "L/L L" not in text and "% L" not in text, text  # the lab's flag, labelled
    assert any("×10³/µL" in t or "×10⁹/L" in t for t in texts)
