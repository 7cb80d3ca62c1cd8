"""Transfusions and hospital stays on screen: the dialogs (the linked counts shown as the
date and product are typed, an overlap refused beside its field), the Hospital tab's
tables and the two timeline lanes (hidden lanes remembered)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tracker.demo import build_demo
from tracker.model import Stay, Transfusion
from tracker.store import Record
from ui.dialogs.stay import StayDialog
from ui.dialogs.transfusion import TransfusionDialog
from ui.interaction import Interaction

pytestmark = pytest.mark.gui


class _Quiet(Interaction):
    """Closing a dialog with typed text asks nothing (a failing test must not hang)."""

    def confirm_discard(self, parent):  # type: ignore[no-untyped-def]
        return True


@pytest.fixture
def demo(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        yield rec


def test_the_transfusion_dialog_shows_the_linked_counts(qtbot: QtBot, demo: Record) -> None:
    child = demo.children()[0]
    assert child.id is not None
    given = max(demo.entries(Transfusion, child.id), key=lambda t: t.date)  # the fever's
    dialog = TransfusionDialog(given, child, TODAY, demo.counts(child.id))
    dialog.interaction = _Quiet()  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.linked.isVisible()
    assert dialog.linked.text() == "From the blood counts (within 3 days): PLT 18 → 63 ×10⁹/L"
    assert not dialog.field("product_text").isEnabled()  # only for another product
    dialog.set_text("product", "plasma")  # plasma links no count
    assert not dialog.linked.isVisible()
    dialog.set_text("product", "other")
    assert dialog.field("product_text").isEnabled()
    dialog.set_text("product", "platelets")
    dialog.set_text("date", "2026-01-01")  # no count near it
    assert dialog.linked.text().endswith("No PLT count within 3 days before or after")
    dialog.set_text("date", given.date.isoformat())
    dialog.accept()
    assert dialog.value == given  # opened and saved unchanged


def test_an_overlapping_stay_is_refused_beside_its_field(qtbot: QtBot, demo: Record) -> None:
    child = demo.children()[0]
    assert child.id is not None
    stays = demo.entries(Stay, child.id)
    dialog = StayDialog(None, child, TODAY, stays)
    dialog.interaction = _Quiet()  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.nights.text() == "In hospital since 2026-11-24: 0 nights so far"
    dialog.set_text("from_date", (stays[0].from_date + dt.timedelta(days=1)).isoformat())
    dialog.accept()
    assert dialog.value is None
    error = dialog.findChild(QLabel, "error_from_date")
    assert error is not None and error.isVisible()
    [stay] = stays
    assert stay.to_date is not None
    named = f"{stay.from_date.isoformat()} – {stay.to_date.isoformat()} at Children's ward"
    assert f"overlaps another one ({named}" in error.text()


def test_the_hospital_tab_lists_both(qtbot: QtBot, demo: Record) -> None:
    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.views.lists import HospitalView

    view = HospitalView(RecordBridge(demo), Interaction())
    qtbot.addWidget(view)
    view.show()
    stays, given = view.stays.model, view.transfusions.model
    assert stays.rowCount() == 1 and given.rowCount() == 3  # the fever's, diagnosis's two
    assert stays.index(0, 2).data() == "4"  # nights
    shown = {given.index(row, 3).data() for row in range(given.rowCount())}
    assert shown == {"PLT 18 → 63 ×10⁹/L", "PLT 34 → 58 ×10⁹/L", "Hb 67 → 103 g/L"}


def test_the_lanes_are_drawn_and_hiding_them_is_remembered(
    qtbot: QtBot, demo: Record, tmp_path: Path
) -> None:
    from ui.bridge import RecordBridge
    from ui.timeline.view import TimelineView

    ini = str(tmp_path / "timeline.ini")
    bridge = RecordBridge(demo)
    first = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.refresh(keep_range=False)  # the whole history (the first picture has 120 days)
    assert first.widget.timeline is not None
    stays, given = first.widget.timeline.lane("stays"), first.widget.timeline.lane("transfusions")
    assert stays is not None and [s.label for s in stays.spans] == ["Fever · 4 nights"]
    assert given is not None and [m.label for m in given.marks] == [
        "PLT 34 → 58 ×10⁹/L",  # at diagnosis, as the counts' notes tell
        "Hb 67 → 103 g/L",
        "PLT 18 → 63 ×10⁹/L",  # on the ward with the fever
    ]
    first.lane_actions["stays"].trigger()
    first.lane_actions["transfusions"].trigger()
    assert first.widget.timeline.lane("stays") is None
    again = TimelineView(bridge, QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert not again.lane_actions["stays"].isChecked()
    assert not again.lane_actions["transfusions"].isChecked()
    assert again.widget.timeline is not None
    assert again.widget.timeline.lane("transfusions") is None


def test_a_new_stay_and_transfusion_start_with_no_reason_or_product_chosen(
    qtbot: QtBot, demo: Record
) -> None:
    """Why and Product are required by their kinds (no "not entered" value): they start
    on an explicit empty choice, and saving without one is refused beside the field."""
    child = demo.children()[0]
    stay = StayDialog(None, child, TODAY, demo.entries(Stay, child.id or 0))
    stay.interaction = _Quiet()  # type: ignore[attr-defined]
    qtbot.addWidget(stay)
    stay.show()
    assert stay.text_of("reason") == ""
    assert stay.field("reason").currentText() == "— choose —"  # type: ignore[attr-defined]
    stay.set_text("from_date", "2026-11-20")
    stay.accept()
    assert stay.value is None
    error = stay.findChild(QLabel, "error_reason")
    assert error is not None and error.isVisible()
    assert error.text() == (
        "⚠ Why: choose why the child was in hospital (Planned block of treatment, "
        "Fever / febrile neutropenia, Infection or Other)"
    )
    assert not stay.findChild(QLabel, "error_reason_text").isVisible()  # nothing chosen yet
    given = TransfusionDialog(None, child, TODAY, demo.counts(child.id or 0))
    given.interaction = _Quiet()  # type: ignore[attr-defined]
    qtbot.addWidget(given)
    given.show()
    assert given.text_of("product") == ""
    given.accept()
    assert given.value is None
    error = given.findChild(QLabel, "error_product")
    assert error is not None and error.isVisible()
    assert error.text() == "⚠ Product: choose the product (Red cells, Platelets, Plasma or Other)"
    assert not given.findChild(QLabel, "error_product_text").isVisible()
    given.set_text("product", "platelets")
    given.accept()
    assert given.value is not None and given.value.product.value == "platelets"
