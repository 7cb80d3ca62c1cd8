"""The printed summary reads only the range it prints (issue 16): the counts of the range
(and the days either side a transfusion's counts are linked from), the newest count before
it, the day-by-day entries of the range, each by a bounded query; and it comes out the
same as the summary built from every entry of the record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import TODAY, fixed_clock

from tracker.demo import build_demo
from tracker.forms import ValueInput, count_from_form
from tracker.model import (
    Appointment,
    Child,
    CnsVisit,
    DoseLog,
    FeverRule,
    Growth,
    MedicinePlan,
    Milestone,
    Phase,
    Question,
    Roadmap,
    Stay,
    Symptom,
    TeamThreshold,
    Temperature,
    Transfusion,
)
from tracker.store import Record
from tracker.summary import build_summary


def _from_everything(rec: Record, request: Any) -> Any:
    """The summary as it was built before: every entry of the record read."""
    child = rec.child(request.child_id)
    assert child.id is not None
    from tracker.assessment import make_assessor

    every = {m: rec.entries(m, child.id) for m in (TeamThreshold,)}
    return build_summary(
        child,
        phases=rec.entries(Phase, child.id),
        milestones=rec.entries(Milestone, child.id),
        counts=rec.counts(child.id),
        visits=rec.entries(CnsVisit, child.id),
        appointments=rec.entries(Appointment, child.id),
        questions=rec.entries(Question, child.id),
        thresholds=every[TeamThreshold],
        today=rec.today(),
        now=rec.time_now(),
        start=request.start,
        end=request.end,
        redact=request.redact,
        units=request.units,
        assess=make_assessor(child, every[TeamThreshold]),
        growth=rec.entries(Growth, child.id),
        temperatures=rec.entries(Temperature, child.id),
        fever_rules=rec.entries(FeverRule, child.id),
        symptoms=rec.entries(Symptom, child.id),
        medicine_plans=rec.entries(MedicinePlan, child.id),
        doses=rec.entries(DoseLog, child.id),
        transfusions=rec.entries(Transfusion, child.id),
        stays=rec.entries(Stay, child.id),
        roadmaps=rec.entries(Roadmap, child.id),
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("range") / "demo.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


@pytest.mark.parametrize(
    ("start", "end", "redact"),
    [
        (None, None, False),  # the suggested range
        (dt.date(2026, 11, 1), TODAY, False),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 20), True),
        (TODAY, TODAY, False),  # nothing in it: the latest count before
        (dt.date(2026, 9, 1), TODAY, False),
        (None, dt.date(2026, 11, 10), False),  # from the date of birth
    ],
)
def test_the_summary_from_its_range_is_the_summary_from_everything(
    demo, start, end, redact
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, make_summary

    rec, child_id = demo
    request = SummaryRequest(child_id, start=start, end=end, redact=redact)
    assert make_summary(rec, request) == _from_everything(rec, request)


def _count(child: Child, day: dt.date, anc: str) -> Any:
    inputs = [ValueInput("anc", anc, "10^9/L"), ValueInput("plt", "150", "10^9/L")]
    return count_from_form({"taken_date": day.isoformat()}, inputs, child=child, today=day)


def _record_with_history(path: Any, years: int) -> tuple[Record, int]:
    rec = Record.open(path, create=True, clock=fixed_clock)
    child, _ = rec.save(
        Child(name="Lio", birth_date=dt.date(2014, 1, 10), diagnosis_date=dt.date(2014, 5, 12))
    )
    first = TODAY - dt.timedelta(days=365 * years)
    days = [first + dt.timedelta(days=7 * i) for i in range((TODAY - first).days // 7 + 1)]
    rec.save_all([_count(child, d, f"{1 + i % 5}.2") for i, d in enumerate(days)])
    assert child.id is not None
    return rec, child.id


def _rows_read(rec: Record, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Rows the record's queries return, by the table named first after FROM, and the
    statements sqlite runs (its trace callback)."""
    seen: dict[str, int] = {"statements": 0}
    original = rec._q

    def counted(sql: str, params: Any = ()) -> Any:
        found = original(sql, params)
        table = sql.split(" FROM ", 1)[1].split()[0] if " FROM " in sql else "?"
        seen[table] = seen.get(table, 0) + len(found)
        return found

    monkeypatch.setattr(rec, "_q", counted)

    def traced(statement: str) -> None:
        seen["statements"] += 1

    rec.connection.set_trace_callback(traced)
    return seen


def test_a_three_month_summary_reads_the_same_rows_after_ten_years_as_after_one(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, make_summary

    start = TODAY - dt.timedelta(days=91)
    read = {}
    for years in (1, 10):
        rec, child_id = _record_with_history(tmp_path / f"{years}y.sqlite", years)
        try:
            request = SummaryRequest(child_id, start=start, end=TODAY)
            expected = _from_everything(rec, request)
            with monkeypatch.context() as patch:
                seen = _rows_read(rec, patch)
                summary = make_summary(rec, request)
                rec.connection.set_trace_callback(None)
            assert summary == expected
            read[years] = seen
            assert len(rec.counts(child_id)) > 50 * years  # the history is there
        finally:
            rec.close()
    in_range = 91 // 7 + 1 + 1  # the range's weekly counts, one more either side at most
    assert read[1]["count_result"] == read[10]["count_result"] <= in_range + 1, read
    assert read[1]["count_value"] == read[10]["count_value"] <= 2 * (in_range + 1), read
    assert read[10]["statements"] == read[1]["statements"], read


def test_the_newest_count_before_is_read_alone_when_the_range_has_none(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, make_summary

    rec, child_id = _record_with_history(tmp_path / "r.sqlite", 5)
    try:
        newest = rec.counts(child_id)[-1].taken_date
        day = newest + dt.timedelta(days=5)  # past a transfusion's window
        request = SummaryRequest(child_id, start=day, end=day)
        seen = _rows_read(rec, monkeypatch)
        summary = make_summary(rec, request)
        rec.connection.set_trace_callback(None)
        assert summary.counts_before_range and [r.date for r in summary.counts] == [newest]
        assert seen["count_result"] == 1, seen
        assert rec.latest_count_before(child_id, newest) is not None
        assert rec.latest_count_before(child_id, dt.date(2000, 1, 1)) is None
        assert [c.taken_date for c in rec.counts_between(child_id, newest, day)] == [newest]
    finally:
        rec.close()
