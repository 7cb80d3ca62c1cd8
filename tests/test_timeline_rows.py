"""The timeline as a table (the charts' text alternative): every phase, mark and value
drawn, one row each, oldest first, with its lane and its tooltip's words."""

from __future__ import annotations

import datetime as dt

from conftest import TODAY
from gui_helpers import blood_count

from tracker import timeline
from tracker.model import Milestone, MilestoneKind, Phase, PhaseKind
from tracker.timeline_rows import timeline_rows

pytest_plugins = ["gui_helpers"]


def test_every_item_of_the_timeline_is_a_row_in_date_order(record, child) -> None:  # type: ignore[no-untyped-def]
    phase = Phase(child.id, PhaseKind.INDUCTION, actual_start=dt.date(2026, 10, 1), id=1)
    marrow = Milestone(child.id, dt.date(2026, 10, 29), MilestoneKind.MARROW_CHECK, id=2)
    first, _ = record.save(blood_count(child, "2026-10-08", hgb="8.1 g/dL", plt="45 10^9/L"))
    later, _ = record.save(blood_count(child, "2026-11-02", hgb="9.4 g/dL"))
    drawn = timeline.build([phase], [marrow], [], [first, later], TODAY)
    rows = timeline_rows(drawn)
    assert [r.date for r in rows] == sorted(r.date for r in rows)
    lanes = {(r.lane, str(r.date)) for r in rows}
    hgb = drawn.lane("hgb")
    assert hgb is not None
    assert (hgb.title, "2026-10-08") in lanes and (hgb.title, "2026-11-02") in lanes
    values = [r.what for r in rows if r.lane == hgb.title]
    assert "8.1 g/dL" in values[0] and "9.4 g/dL" in values[1]
    assert not values[0].startswith("2026-10-08")  # the date is its own column
    assert any(r.ref.kind == "phase" and r.date == dt.date(2026, 10, 1) for r in rows)
    [check] = [r for r in rows if r.ref.kind == "milestone"]
    assert check.what and not check.what.startswith("2026-10-29"), check.what
