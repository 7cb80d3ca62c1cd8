"""A new lumbar puncture is linked to the phase its date lies in (issue 15: it said "Not
linked to a phase" for a date inside one), follows the date as it is typed, and keeps the
phase the family picked themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tracker.model import CnsVisit, LpProcedure, Phase, PhaseKind

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _phases(bridge):  # type: ignore[no-untyped-def]
    child = bridge.current_child()
    induction = bridge.save(
        Phase(
            child.id,
            PhaseKind.INDUCTION,
            "Induction",
            actual_start=TODAY - dt.timedelta(days=30),
        )
    )
    prophase = bridge.save(
        Phase(
            child.id,
            PhaseKind.PROPHASE,
            "Prophase",
            planned_start=TODAY - dt.timedelta(days=60),
            planned_end=TODAY - dt.timedelta(days=31),
        )
    )
    return induction, prophase


def test_a_new_lp_is_linked_to_the_phase_of_its_date_and_follows_it(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import type_text
    from test_gui_mnemonics import open_dialog

    induction, prophase = _phases(bridge)
    dialog = open_dialog(bridge, "cns_visit")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.text_of("phase_id") == str(induction.id)  # today lies in induction
    date = dialog.field("date")
    type_text(date, (TODAY - dt.timedelta(days=40)).isoformat())
    assert dialog.text_of("phase_id") == str(prophase.id)
    type_text(date, (TODAY - dt.timedelta(days=90)).isoformat())  # before any phase
    assert dialog.text_of("phase_id") == ""
    type_text(date, "2026-11-")  # on the way to a date: nothing changes
    assert dialog.text_of("phase_id") == ""
    type_text(date, TODAY.isoformat())
    assert dialog.text_of("phase_id") == str(induction.id)
    combo = dialog.field("phase_id")
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)  # the family picks "Not linked" themselves
    assert dialog.text_of("phase_id") == ""
    type_text(date, (TODAY - dt.timedelta(days=40)).isoformat())
    assert dialog.text_of("phase_id") == "", "a phase picked by the family is kept"


def test_an_lp_being_edited_keeps_its_own_link(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import type_text

    from ui.dialogs.cns import CnsVisitDialog

    induction, prophase = _phases(bridge)
    child = bridge.current_child()
    visit = bridge.save(CnsVisit(child.id, TODAY, LpProcedure.DIAGNOSTIC_LP))
    dialog = CnsVisitDialog(visit, child, [induction, prophase], TODAY)
    qtbot.addWidget(dialog)
    assert dialog.text_of("phase_id") == ""
    type_text(dialog.field("date"), (TODAY - dt.timedelta(days=40)).isoformat())
    assert dialog.text_of("phase_id") == ""


def test_the_lp_follows_a_date_written_the_locales_way(qtbot, bridge, qapp) -> None:  # type: ignore[no-untyped-def]
    """In French the date box shows 02/12/2026: the phase stayed "Not linked" because the
    date was read as ISO only (checks of issue 15)."""
    from test_gui_mnemonics import open_dialog

    from ui import language

    induction, _prophase = _phases(bridge)
    language.apply_language("fr", qapp)
    try:
        dialog = open_dialog(bridge, "cns_visit")
        qtbot.addWidget(dialog)
        dialog.show()
        assert "/" in dialog.text_of("date")  # the locale's form
        assert dialog.text_of("phase_id") == str(induction.id)
    finally:
        language.reset(qapp)
