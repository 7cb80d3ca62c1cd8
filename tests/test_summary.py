"""The printed summary's content: range selection, since-last-visit, IT totals, redaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace

import pytest
from conftest import TODAY, fixed_clock

from tracker import analytes, visits
from tracker.demo import build_demo
from tracker.display import UnitPreference
from tracker.model import (
    Appointment,
    Child,
    CnsVisit,
    CountResult,
    CountValue,
    ItDose,
    ItDrug,
    LpProcedure,
    Milestone,
    Phase,
    Question,
    TeamThreshold,
)
from tracker.store import Record
from tracker.summary import (
    FOOTER_NOTE,
    SummaryError,
    build_summary,
    default_range,
    initials,
    it_totals,
)

NOTHING = "no blood count, result or lumbar puncture."


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("summary") / "demo.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


def summary_of(rec: Record, child_id: int, **kwargs):  # type: ignore[no-untyped-def]
    return build_summary(
        rec.child(child_id),
        phases=rec.entries(Phase, child_id),
        milestones=rec.entries(Milestone, child_id),
        counts=rec.counts(child_id),
        visits=rec.entries(CnsVisit, child_id),
        appointments=rec.entries(Appointment, child_id),
        questions=rec.entries(Question, child_id),
        thresholds=rec.entries(TeamThreshold, child_id),
        today=TODAY,
        **{"now": dt.time(9, 30), **kwargs},  # the fixed clock's time of day
    )


def test_default_range_is_since_the_last_appointment(demo) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = demo
    appointments = rec.entries(Appointment, child_id)
    past = [a for a in appointments if a.date < TODAY and not a.repeat]
    s = summary_of(rec, child_id)
    # the demo's counts every two weeks at the family doctor: its latest date before today
    [series] = [a for a in appointments if a.repeat]
    last = visits.visits(series, series.date, TODAY - dt.timedelta(days=1))[-1].date
    assert s.start == max(last, *(a.date for a in past))
    assert s.end == TODAY
    assert s.range_reason.startswith("since the last appointment")
    assert all(s.start <= row.date <= s.end for row in s.counts)
    assert s.counts == sorted(s.counts, key=lambda r: r.date, reverse=True)


def test_without_appointments_the_last_four_weeks() -> None:
    start, end, reason = default_range([], TODAY)
    assert (start, end) == (TODAY - dt.timedelta(weeks=4), TODAY)
    assert "4 weeks" in reason


def test_header_where_we_are_and_plan(demo) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = demo
    s = summary_of(rec, child_id)
    assert s.name == "Robin (demo)" and not s.redacted
    assert s.current.startswith("Maintenance · day ")
    assert "KMT2A rearranged" in s.diagnosis
    assert s.plan_ahead and all(e.date > TODAY for e in s.plan_ahead)
    assert s.plan_ahead == sorted(s.plan_ahead, key=lambda e: e.date)
    assert [q.text for q in s.questions] == [
        q.text for q in rec.entries(Question, child_id) if not q.answered
    ]
    assert s.footer == FOOTER_NOTE


def test_mrd_in_both_notations_and_counts_columns(demo) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = demo
    s = summary_of(rec, child_id, start=rec.child(child_id).diagnosis_date, end=TODAY)
    mrd_lines = [m.text for m in s.milestones if m.text.startswith("MRD result")]
    assert any("% (" in text and "×10" in text for text in mrd_lines)
    assert s.count_columns[:4] == ["wbc", "anc", "hgb", "plt"]


def test_units_preference_is_obeyed(demo) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = demo
    s = summary_of(rec, child_id, units=UnitPreference.SI)
    assert s.count_headers["hgb"] == "Hb (g/L)"
    values = [c.text.split()[0] for row in s.counts if (c := row.cells.get("hgb")) is not None]
    assert values and all(60 <= float(v) <= 200 for v in values)  # g/L, not g/dL
    us = summary_of(rec, child_id, units=UnitPreference.US)
    assert us.count_headers["hgb"] == "Hb (g/dL)"
    assert us.count_headers["plt"] == "PLT (×10³/µL)"


def test_redaction_leaves_no_name(demo) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = demo
    s = summary_of(rec, child_id, redact=True)
    assert s.name == s.initials == "R."
    assert "Robin" not in s.title
    assert any("R." in q.text for q in s.questions)  # "Can Robin go …" → "Can R. go …"
    assert "robin" not in repr(s).lower()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Robin (demo)", "R."), ("Anna-Lena de Vries", "A.-L. D. V."), ("Émile", "É."), ("  ", "—")],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_it_totals_count_given_doses_only() -> None:
    def visit(
        day: int,
        *drugs: ItDrug,
        planned: bool = False,
        procedure: LpProcedure = LpProcedure.LP_WITH_IT,
    ) -> CnsVisit:
        return CnsVisit(
            1,
            dt.date(2026, 11, day),
            procedure=procedure,
            it_drugs=tuple(ItDose(d) for d in drugs),
            planned=planned,
        )

    visits = [
        visit(1, ItDrug.METHOTREXATE, ItDrug.CYTARABINE),
        visit(8, ItDrug.METHOTREXATE),
        visit(9, procedure=LpProcedure.DIAGNOSTIC_LP),
        visit(20, ItDrug.METHOTREXATE, planned=True),
        visit(28, ItDrug.METHOTREXATE),
    ]
    assert it_totals(visits, dt.date(2026, 11, 24)) == {"Methotrexate": 2, "Cytarabine": 1}


def test_only_a_range_that_is_not_a_range_is_refused(demo) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = demo
    with pytest.raises(SummaryError, match="before it starts"):
        summary_of(rec, child_id, start=TODAY, end=TODAY - dt.timedelta(days=1))
    s = summary_of(rec, child_id, start=dt.date(2025, 1, 5), end=dt.date(2025, 1, 6))
    assert s.nothing_new == "Nothing recorded between 2025-01-05 and 2025-01-06: " + NOTHING
    assert s.counts == [] and s.milestones == [] and s.lps == []
    assert s.current and s.questions and s.next_lp is not None


def nothing_new_since(rec: Record, child_id: int, visit: dt.date, **kwargs):  # type: ignore[no-untyped-def]
    """The demo's summary on TODAY with one more appointment on ``visit``."""
    appointments = [*rec.entries(Appointment, child_id), Appointment(child_id, visit)]
    child = rec.child(child_id)
    return build_summary(
        replace(child, team_contacts="Oncology ward: 555-0142\nDay unit: 555-0177"),
        phases=rec.entries(Phase, child_id),
        milestones=rec.entries(Milestone, child_id),
        counts=rec.counts(child_id),
        visits=rec.entries(CnsVisit, child_id),
        appointments=appointments,
        questions=rec.entries(Question, child_id),
        thresholds=rec.entries(TeamThreshold, child_id),
        today=TODAY,
        **{"now": dt.time(9, 30), **kwargs},  # the fixed clock's time of day
    )


def test_a_summary_is_there_days_after_a_visit_with_nothing_new(demo) -> None:  # type: ignore[no-untyped-def]
    """Three days after an appointment nothing new is recorded: the sheet still prints where
    things stand, the latest count, what is planned, the open questions and the contacts."""
    rec, child_id = demo
    visit = dt.date(2026, 11, 21)  # the demo's last count and LP are on 2026-11-15
    s = nothing_new_since(rec, child_id, visit)
    assert (s.start, s.end) == (visit, TODAY)
    assert s.nothing_new == "Nothing new since the last visit (2026-11-21): " + NOTHING
    assert s.current.startswith("Maintenance · day ")
    assert [row.date for row in s.counts] == [dt.date(2026, 11, 15)]
    assert s.counts_before_range
    assert s.plan_ahead and s.next_lp is not None
    assert [q.text for q in s.questions] == [
        q.text for q in rec.entries(Question, child_id) if not q.answered
    ]
    assert s.contacts == ["Oncology ward: 555-0142", "Day unit: 555-0177"]
    assert s.milestones == [] and s.lps == []


def test_a_summary_with_news_says_nothing_of_the_kind(demo) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = demo
    s = summary_of(rec, child_id)
    assert s.nothing_new == "" and s.counts and not s.counts_before_range


def test_a_redacted_summary_with_nothing_new_keeps_the_birth_date_and_contacts_off(demo) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = demo
    birth = rec.child(child_id).birth_date
    s = nothing_new_since(rec, child_id, dt.date(2026, 11, 21), redact=True)
    assert s.contacts == [] and s.nothing_new
    s = summary_of(rec, child_id, start=birth, end=birth + dt.timedelta(days=3), redact=True)
    assert s.nothing_new and birth.isoformat() not in s.nothing_new
    assert s.start != birth


def test_paper_says_what_the_built_in_ranges_are(demo) -> None:  # type: ignore[no-untyped-def]
    from tracker import ranges
    from tracker.assessment import make_assessor

    rec, child_id = demo
    child = rec.child(child_id)
    assess = make_assessor(child, rec.entries(TeamThreshold, child_id))
    summary = summary_of(rec, child_id, start=child.birth_date, assess=assess)
    assert any(f.startswith("Infant range used") for f in summary.count_footnotes)
    assert ranges.builtin_disclaimer() in summary.count_footnotes


def test_each_worked_out_anc_on_paper_says_which_basis_it_used() -> None:
    """The independent clinical check of issue 11: two rows, one from segmented % + bands,
    one from total neutrophil %, shared one footnote naming both (domain.md §2.2: label an
    ANC calculated from total neutrophil % as such)."""
    from tracker.io.lab_values import parse_value

    def v(code: str, text: str, unit: str) -> CountValue:
        return parse_value(analytes.analyte(code), text, unit)

    child = Child("Mila", dt.date(2026, 1, 10), id=1)
    segs = CountResult(
        1,
        dt.date(2026, 6, 4),
        values=(v("wbc", "2.0", "×10⁹/L"), v("seg_pct", "20", "%"), v("band_pct", "5", "%")),
        id=1,
    )
    total = CountResult(
        1, dt.date(2026, 6, 5), values=(v("wbc", "2.0", "×10⁹/L"), v("neut_pct", "30", "%")), id=2
    )
    s = build_summary(
        child,
        phases=[],
        milestones=[],
        counts=[segs, total],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=dt.date(2026, 6, 6),
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 6),
    )
    cells = {row.date: row.cells["anc"].text for row in s.counts}
    notes = " ".join(s.count_footnotes)
    n_segs, n_total = cells[dt.date(2026, 6, 4)], cells[dt.date(2026, 6, 5)]
    assert n_segs.startswith("0.5 (calc. ") and n_total.startswith("0.6 (calc. ")
    assert n_segs != n_total
    mark_total = n_total.split("(")[1].rstrip(")")
    assert f"({mark_total}) calculated from total neutrophil %" in notes


def test_chemistry_and_drug_levels_are_printed_apart_with_the_labs_range_only() -> None:
    """The clinical check of issue 11: CRP and methotrexate were named in a footnote but not
    printed.  They get a table of their own: the lab's range (or "no range given"), the
    program's flag against it only, a drug level never flagged, with its hours and note."""
    from tracker.assessment import make_assessor
    from tracker.io.lab_values import parse_value

    child = Child("Mila", dt.date(2026, 1, 10), id=1)
    crp = parse_value(analytes.analyte("crp"), "12", "mg/L", "0-5")
    mtx = parse_value(analytes.analyte("mtx"), "0.35", "umol/L", "<0.1")
    mtx = dataclasses.replace(mtx, hours_after=48.0, lab_flag="H", lab_comment="repeat")
    alt = parse_value(analytes.analyte("alt"), "40", "U/L")
    r = CountResult(1, dt.date(2026, 6, 4), values=(crp, mtx, alt), id=1)
    s = build_summary(
        child,
        phases=[],
        milestones=[],
        counts=[r],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=dt.date(2026, 6, 6),
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 6),
        assess=make_assessor(child),
    )
    by = {line.test: line for line in s.lab_results}
    crp_line = next(line for t, line in by.items() if "CRP" in t or "C-reactive" in t)
    assert crp_line.flag == "(high)" and crp_line.range_text == "0-5"
    level = next(line for t, line in by.items() if "ethotrexate" in t)
    assert level.flag == "" and level.lab_flag == "H"
    assert "48 h after the infusion started" in level.note and "rescue plan" in level.note
    assert "repeat" in level.note
    alt_line = next(line for t, line in by.items() if "ALT" in t or "alanine" in t.lower())
    assert alt_line.range_text == "no range given" and alt_line.flag == ""
    assert not any("not printed in this table" in n for n in s.count_footnotes)
