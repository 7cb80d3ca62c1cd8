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
