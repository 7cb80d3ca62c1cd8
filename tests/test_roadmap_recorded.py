"""The preview of "It really started on…" names the recorded phase it changes and what
happens to it (walkthrough finding 2)."""

from __future__ import annotations

import datetime as dt

from tracker.model import Phase, PhaseKind
from tracker.roadmap.recorded import real_start_change

TODAY = dt.date(2026, 11, 24)


def test_a_recorded_phase_with_its_end_keeps_the_end_and_says_its_new_length() -> None:
    blina = Phase(
        1,
        PhaseKind.CONSOLIDATION,
        "Blinatumomab, cycle 1",
        actual_start=dt.date(2025, 6, 26),
        actual_end=dt.date(2025, 7, 23),
    )
    assert real_start_change(blina, dt.date(2025, 6, 29), TODAY) == (
        "Blinatumomab, cycle 1 (recorded): start 2025-06-26 → 2025-06-29; only the start "
        "changes, its end stays 2025-07-23, so it is 25 days instead of 28 days."
    )


def test_a_running_phase_says_which_day_of_it_today_becomes() -> None:
    mt = Phase(
        1,
        PhaseKind.MAINTENANCE,
        "Maintenance",
        planned_end=dt.date(2027, 5, 13),
        actual_start=dt.date(2025, 11, 30),
    )
    text = real_start_change(mt, dt.date(2025, 12, 3), TODAY)
    assert text == (
        "Maintenance (recorded): start 2025-11-30 → 2025-12-03; only the start changes; no "
        "end is recorded yet (its planned end stays 2027-05-13), so today is day 357 of it "
        "instead of 360."
    )


def test_a_planned_phase_gets_its_real_start() -> None:
    ind = Phase(1, PhaseKind.INDUCTION, "Induction", planned_start=dt.date(2026, 11, 20))
    assert real_start_change(ind, dt.date(2026, 11, 22), TODAY) == (
        "Induction (planned to start 2026-11-20): its real start is recorded as 2026-11-22."
    )
