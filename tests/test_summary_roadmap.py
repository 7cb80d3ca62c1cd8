"""The printed summary's list "From the treatment plan" (the roadmap): the same rows as
the Plan tab's What's next (date, what, how sure), only when a roadmap is applied, and
redacted too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from pypdf import PdfReader

from tracker.demo import build_demo
from tracker.model import Child, Phase, Roadmap
from tracker.roadmap.child import (
    apply_moves,
    apply_template,
    pending_moves,
    plan_of,
    template_of,
    whats_next,
    with_lp_days,
    with_template,
)
from tracker.roadmap.read import shipped_template
from tracker.store import Record

LPS_MT = "1, 99, 183, 267, 351, 435, 519"  # the demo's maintenance LP days


def _with_roadmap(path: Path) -> tuple[Record, Child]:
    rec = Record.open(path, create=True, clock=fixed_clock)
    build_demo(rec, TODAY)
    [child] = rec.entries(Child)
    assert child.id is not None
    applied = apply_template(
        shipped_template("interfant-21"),
        "MR",
        child_id=child.id,
        first_start=None,
        today=TODAY,
        phases=rec.entries(Phase, child.id),
    )
    # the family's LP days of maintenance, as typed in "Edit the plan's lengths…"
    roadmap = with_template(
        applied.roadmap, with_lp_days(template_of(applied.roadmap), "mt", LPS_MT)
    )
    phases = rec.entries(Phase, child.id)
    saved = apply_moves(roadmap, phases, pending_moves(roadmap, phases))
    with rec.batch("apply"):
        rec.save(saved.roadmap)
    return rec, child


@pytest.fixture
def demo(tmp_path: Path):  # type: ignore[no-untyped-def]
    rec, child = _with_roadmap(tmp_path / "demo.sqlite")
    yield rec, child
    rec.close()


def test_the_summary_lists_the_plan_tabs_whats_next(demo) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, make_summary

    rec, child = demo
    s = make_summary(rec, SummaryRequest(child.id))
    [roadmap] = rec.entries(Roadmap, child.id)
    shown = whats_next(plan_of(roadmap, rec.entries(Phase, child.id)), roadmap, TODAY)
    assert s.roadmap_protocol == "Interfant-21"
    assert s.roadmap_next == [
        (u.date.isoformat() if u.date else "unknown", u.what, u.sure) for u in shown
    ]
    assert s.roadmap_next[0] == ("2027-02-07", "LP “day 435” in Maintenance", "planned")
    assert s.roadmap_next[-1] == ("2027-05-13", "the end of Maintenance", "fixed by the team")
    red = make_summary(rec, SummaryRequest(child.id, redact=True))
    assert red.roadmap_next == s.roadmap_next  # no name in them to take out


def test_without_a_roadmap_there_is_no_planned_next(tmp_path: Path) -> None:
    from ui.printing.render import SummaryRequest, make_summary

    with Record.open(tmp_path / "plain.sqlite", create=True, clock=fixed_clock) as rec:
        child_id = build_demo(rec, TODAY)
        s = make_summary(rec, SummaryRequest(child_id))
    assert s.roadmap_next == [] and s.roadmap_protocol == ""


def test_the_pdf_prints_planned_next(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child = demo
    target = tmp_path / "summary.pdf"
    write_pdf(rec, SummaryRequest(child.id), target)
    first = " ".join(PdfReader(str(target)).pages[0].extract_text().split())
    # two lists, two plain headings: what the family entered, what the roadmap works out
    assert "Appointments, phases and checks you entered:" in first
    assert "From the treatment plan (roadmap Interfant-21; the team's dates win)" in first
    assert "Planned next" not in first
    assert "2027-02-07 LP “day 435” in Maintenance planned" in first
    assert dt.date(2027, 5, 13).isoformat() in first
