"""Doses given at home: the rules of a logged dose (the same for the form, the store and
the import), the day's due doses and adherence as plain facts."""

from __future__ import annotations

import datetime as dt
import functools
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st

from tracker import adherence
from tracker.forms import FormErrors
from tracker.kinds.dose import DOSE_STATUS, dose_from_form
from tracker.model import Child, DoseLog, DoseStatus, MedicinePlan
from tracker.store import Record, ValidationFailed

MILA = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)
SIX_MP = MedicinePlan(
    1, "6-mercaptopurine", dt.date(2026, 11, 1), "25", "mg", schedule="FREQ=DAILY;BYHOUR=19", id=10
)
MTX = MedicinePlan(
    1, "methotrexate", dt.date(2026, 11, 1), "10", "mg", schedule="FREQ=WEEKLY;BYDAY=FR", id=11
)
ONDANSETRON = MedicinePlan(1, "ondansetron", dt.date(2026, 11, 1), "2", "mg", schedule="", id=12)
PLANS = (SIX_MP, MTX, ONDANSETRON)


def _form(**fields: str) -> DoseLog:
    base = {"plan_id": "10", "due_date": "2026-11-20", "due_time": "19:00", "status": "given"}
    base.update(fields)
    return dose_from_form(base, child=MILA, today=TODAY, plans=PLANS)


def _errors(**fields: str) -> dict[str, str]:
    with pytest.raises(FormErrors) as caught:
        _form(**fields)
    return caught.value.errors


# ---------------------------------------------------------------------- the rules


def test_a_due_dose_given_missed_or_held_is_read() -> None:
    d = _form(given_time="19:20")
    assert (d.plan_id, d.due_date, d.due_time, d.status) == (
        10,
        dt.date(2026, 11, 20),
        dt.time(19),
        DoseStatus.GIVEN,
    )
    assert _form(status="missed").status is DoseStatus.MISSED
    assert _form(status="held_by_team").status is DoseStatus.HELD


def test_the_form_asks_for_the_medicine() -> None:
    assert "Medicine" in _errors(plan_id="")["plan_id"]


def test_a_day_before_the_plan_or_after_its_end_is_refused() -> None:
    assert "outside the plan of 6-mercaptopurine" in _errors(due_date="2026-10-31")["due_date"]
    ended = replace(SIX_MP, end_date=dt.date(2026, 11, 10))
    with pytest.raises(FormErrors) as caught:
        dose_from_form(
            {"plan_id": "10", "due_date": "2026-11-11", "due_time": "19:00"},
            child=MILA,
            today=TODAY,
            plans=(ended,),
        )
    assert "2026-11-01 to 2026-11-10" in caught.value.errors["due_date"]


def test_only_an_occurrence_of_the_schedule_is_a_due_dose() -> None:
    wrong_hour = _errors(due_time="08:00")["due_time"]
    assert "not due on 2026-11-20 at 08:00" in wrong_hour
    assert "daily, at 19:00" in wrong_hour and "2026-11-20 at 19:00" in wrong_hour
    thursday = _errors(plan_id="11", due_date="2026-11-19", due_time="")["due_date"]
    assert "weekly on Friday" in thursday
    assert _form(plan_id="11", due_date="2026-11-20", due_time="").plan_id == 11


def test_an_as_needed_dose_is_logged_at_any_time() -> None:
    d = _form(plan_id="12", due_date="2026-11-21", due_time="03:10", given_time="03:10")
    assert d.plan_id == 12


def test_a_dose_in_the_future_is_refused() -> None:
    assert "in the future" in _errors(due_date="2026-11-25")["due_date"]


def test_a_given_time_belongs_to_a_dose_that_went_in() -> None:
    assert "clear the time" in _errors(status="missed", given_time="19:00")["given_time"]
    assert "clear the time" in _errors(status="held_by_team", given_time="19:00")["given_time"]
    assert _form(status="vomited", given_time="19:05").given_time == dt.time(19, 5)


def test_a_partly_given_dose_names_the_amount() -> None:
    assert "how much went in" in _errors(status="partly_given")["amount"]
    assert _form(status="partly_given", amount="half").amount == "half"


def test_status_words_are_plain_family_language() -> None:
    assert set(DOSE_STATUS) == {s.value for s in DoseStatus}
    assert DOSE_STATUS["held_by_team"] == "Held by the team"
    text = " ".join(DOSE_STATUS.values()).lower()
    for blame in ("forgot", "compli", "fail", "skipped"):
        assert blame not in text


def _saved_plan(record: Record, child: Child, **changes: object) -> MedicinePlan:
    assert child.id is not None
    plan = replace(SIX_MP, child_id=child.id, id=None, **changes)  # type: ignore[arg-type]
    saved, _ = record.save(plan)
    return saved


def test_the_store_refuses_a_second_log_of_the_same_dose(record: Record, child: Child) -> None:
    plan = _saved_plan(record, child)
    assert child.id is not None and plan.id is not None
    first, _ = record.save(
        DoseLog(child.id, plan.id, dt.date(2026, 11, 20), DoseStatus.MISSED, dt.time(19))
    )
    with pytest.raises(ValidationFailed) as caught:
        record.save(
            DoseLog(child.id, plan.id, dt.date(2026, 11, 20), DoseStatus.GIVEN, dt.time(19))
        )
    message = caught.value.errors["due_date"]
    assert "already logged as “Missed”" in message and "6-mercaptopurine" in message
    # the first one can still be changed
    record.save(replace(first, status=DoseStatus.GIVEN))
    # the form says the same, from the doses it is given
    with pytest.raises(FormErrors) as form:
        dose_from_form(
            {"plan_id": str(plan.id), "due_date": "2026-11-20", "due_time": "19:00"},
            child=child,
            today=TODAY,
            plans=record.entries(MedicinePlan, child.id),
            doses=record.entries(DoseLog, child.id),
        )
    assert "already logged as “Given”" in form.value.errors["due_date"]


def test_the_store_checks_the_schedule_and_accepts_an_unlinked_dose(
    record: Record, child: Child
) -> None:
    plan = _saved_plan(record, child)
    assert child.id is not None and plan.id is not None
    with pytest.raises(ValidationFailed) as caught:
        record.save(DoseLog(child.id, plan.id, dt.date(2026, 11, 20), DoseStatus.GIVEN, dt.time(8)))
    assert "not due on" in caught.value.errors["due_time"]
    dose, _ = record.save(
        DoseLog(child.id, plan.id, dt.date(2026, 11, 20), DoseStatus.GIVEN, dt.time(19))
    )
    record.delete(MedicinePlan, plan.id)
    left = record.entries(DoseLog, child.id)
    assert [(d.id, d.plan_id) for d in left] == [(dose.id, None)]
    record.save(replace(left[0], note="the plan was deleted; the dose stays"))


# ---------------------------------------------------------------------- due doses of a day


def test_the_due_doses_of_a_day_with_their_logs() -> None:
    friday = dt.date(2026, 11, 20)
    given = DoseLog(1, 10, friday, DoseStatus.GIVEN, dt.time(19), id=1)
    due = adherence.due_on(PLANS, [given], friday)
    assert [(x.plan.drug, x.time, x.log) for x in due] == [
        ("methotrexate", None, None),
        ("6-mercaptopurine", dt.time(19), given),
    ]
    assert [x.plan.drug for x in adherence.due_on(PLANS, [], dt.date(2026, 11, 21))] == [
        "6-mercaptopurine"
    ]
    assert adherence.as_needed_on(PLANS, friday) == [ONDANSETRON]
    assert adherence.due_on(PLANS, [], dt.date(2026, 10, 31)) == []


# ---------------------------------------------------------------------- adherence


def _log(plan: MedicinePlan, day: dt.date, status: DoseStatus) -> DoseLog:
    hour = dt.time(19) if "BYHOUR" in plan.schedule else None
    return DoseLog(1, plan.id, day, status, hour)


FIRST, LAST = dt.date(2026, 10, 27), dt.date(2026, 11, 23)  # the last 4 weeks (28 days)


def _window_plan() -> MedicinePlan:
    return replace(SIX_MP, start_date=dt.date(2026, 10, 1))


def test_adherence_in_plain_facts_held_is_not_missed() -> None:
    plan = _window_plan()
    days = [FIRST + dt.timedelta(days=i) for i in range(28)]
    statuses = [DoseStatus.GIVEN] * 28
    statuses[3] = DoseStatus.MISSED
    statuses[9] = DoseStatus.VOMITED
    statuses[15] = DoseStatus.HELD
    statuses[16] = DoseStatus.HELD
    doses = [_log(plan, d, s) for d, s in zip(days, statuses, strict=True)]
    (fact,) = adherence.adherence([plan], doses, FIRST, LAST)
    assert (fact.due, fact.given, fact.missed, fact.vomited, fact.held) == (26, 24, 1, 1, 2)
    assert fact.line("in the last 4 weeks") == (
        "6-mercaptopurine: 24 of 26 doses given in the last 4 weeks (1 missed, 1 vomited); "
        "2 held by the team"
    )


def test_a_dose_due_today_counts_once_logged() -> None:
    plan = _window_plan()
    doses = [_log(plan, FIRST + dt.timedelta(days=i), DoseStatus.GIVEN) for i in range(27)]
    (fact,) = adherence.adherence([plan], doses, FIRST, LAST, today=LAST)
    assert (fact.due, fact.given, fact.not_logged) == (27, 27, 0)
    doses.append(_log(plan, LAST, DoseStatus.MISSED))
    (fact,) = adherence.adherence([plan], doses, FIRST, LAST, today=LAST)
    assert (fact.due, fact.given, fact.missed) == (28, 27, 1)


def test_a_dose_not_logged_is_neither_given_nor_missed() -> None:
    plan = _window_plan()
    doses = [_log(plan, FIRST + dt.timedelta(days=i), DoseStatus.GIVEN) for i in range(26)]
    (fact,) = adherence.adherence([plan], doses, FIRST, LAST)
    assert (fact.given, fact.missed, fact.not_logged) == (26, 0, 2)
    assert fact.line("since the last visit") == (
        "6-mercaptopurine: 26 of 28 doses given since the last visit (2 not logged)"
    )


def test_a_dose_change_in_the_window_counts_both_plans_under_one_drug() -> None:
    old = replace(_window_plan(), end_date=dt.date(2026, 11, 9))
    new = replace(SIX_MP, id=20, start_date=dt.date(2026, 11, 10), dose_amount="20", follows_id=10)
    doses = [_log(old, FIRST + dt.timedelta(days=i), DoseStatus.GIVEN) for i in range(14)]
    doses += [
        _log(new, dt.date(2026, 11, 10) + dt.timedelta(days=i), DoseStatus.GIVEN) for i in range(13)
    ]
    doses.append(_log(new, LAST, DoseStatus.MISSED))
    (fact,) = adherence.adherence([old, new], doses, FIRST, LAST)
    assert (fact.drug, fact.due, fact.given, fact.missed) == ("6-mercaptopurine", 28, 27, 1)


def test_as_needed_doses_are_counted_as_given_only() -> None:
    doses = [
        DoseLog(1, 12, dt.date(2026, 11, 5), DoseStatus.GIVEN, dt.time(3, 10)),
        DoseLog(1, 12, dt.date(2026, 11, 5), DoseStatus.GIVEN, dt.time(15, 0)),
        DoseLog(1, 12, dt.date(2026, 9, 5), DoseStatus.GIVEN, dt.time(15, 0)),  # before
    ]
    facts = adherence.adherence([ONDANSETRON], doses, FIRST, LAST)
    assert [f.line("in the last 4 weeks") for f in facts] == [
        "ondansetron (as needed): 2 doses given in the last 4 weeks"
    ]


def test_weekly_plans_count_their_weekdays_only() -> None:
    mtx = replace(MTX, start_date=dt.date(2026, 10, 1))
    doses = [_log(mtx, dt.date(2026, 11, 20), DoseStatus.GIVEN)]
    (fact,) = adherence.adherence([mtx], doses, FIRST, LAST)
    assert (fact.due, fact.given, fact.not_logged) == (4, 1, 3)


def test_adherence_of_two_years_of_daily_doses_is_one_pass() -> None:
    start = dt.date(2024, 11, 1)
    plan = replace(SIX_MP, start_date=start)
    doses = [_log(plan, start + dt.timedelta(days=i), DoseStatus.GIVEN) for i in range(730)]
    (fact,) = adherence.adherence([plan], doses, start, start + dt.timedelta(days=729))
    assert (fact.due, fact.given) == (730, 730)


# ---------------------------------------------------------------------- the timeline lane


def test_the_doses_lane_has_a_row_per_drug_and_a_shape_per_outcome() -> None:
    from tracker import timeline as layout

    friday = dt.date(2026, 11, 20)
    new_six_mp = replace(SIX_MP, id=20, start_date=dt.date(2026, 11, 21), follows_id=10)
    doses = [
        DoseLog(1, 10, friday, DoseStatus.GIVEN, dt.time(19), id=1),
        DoseLog(1, 11, friday, DoseStatus.MISSED, id=2),
        DoseLog(1, 20, dt.date(2026, 11, 21), DoseStatus.VOMITED, dt.time(19), id=3),
        DoseLog(1, 20, dt.date(2026, 11, 22), DoseStatus.HELD, dt.time(19), id=4),
        DoseLog(
            1, 20, dt.date(2026, 11, 23), DoseStatus.PARTLY_GIVEN, dt.time(19), amount="half", id=5
        ),
        DoseLog(1, None, dt.date(2026, 11, 23), DoseStatus.GIVEN, id=6),
    ]
    t = layout.build(
        [], [], [], [], TODAY, lanes=("doses",), medicine_plans=[*PLANS, new_six_mp], doses=doses
    )
    lane = t.lane("doses")
    assert lane is not None
    assert lane.row_titles == ["6-mercaptopurine", "methotrexate", "ondansetron", "(plan deleted)"]
    by_id = {m.ref.id: m for m in lane.marks}
    assert by_id[3].row == by_id[1].row == 0  # a dose change stays on its drug's row
    looks = {(m.shape, m.filled) for m in lane.marks if m.ref.id != 6}
    assert len(looks) == 5, "every outcome looks different without its colour"
    assert "Missed" in by_id[2].tooltip and "Amount given: half" in by_id[5].tooltip
    assert [m.x for m in lane.marks] == sorted(m.x for m in lane.marks)


def test_the_doses_lane_selects_the_visible_days_by_bisection() -> None:
    from tracker import timeline as layout

    start = dt.date(2024, 11, 25)
    plan = replace(SIX_MP, start_date=start)
    doses = [
        DoseLog(1, 10, start + dt.timedelta(days=i), DoseStatus.GIVEN, dt.time(19), id=i + 1)
        for i in range(730)
    ]
    t = layout.build([], [], [], [], TODAY, lanes=("doses",), medicine_plans=[plan], doses=doses)
    lane = t.lane("doses")
    assert lane is not None
    week = lane.visible_marks(layout.x_of(TODAY - dt.timedelta(days=7)), layout.x_of(TODAY))
    assert len(week) == 7


# ---------------------------------------------------------------------- the summary


def _summary(**kwargs: object):  # type: ignore[no-untyped-def]
    from tracker.summary import build_summary

    return build_summary(
        MILA,
        phases=[],
        milestones=[],
        counts=[],
        visits=[],
        appointments=kwargs.pop("appointments", []),  # type: ignore[arg-type]
        questions=[],
        thresholds=[],
        today=TODAY,
        **kwargs,  # type: ignore[arg-type]
    )


def _four_weeks_of_doses() -> tuple[list[MedicinePlan], list[DoseLog]]:
    plan = _window_plan()
    doses = [_log(plan, FIRST + dt.timedelta(days=i), DoseStatus.GIVEN) for i in range(28)]
    doses[3] = replace(doses[3], status=DoseStatus.MISSED)
    doses[9] = replace(doses[9], status=DoseStatus.HELD)
    doses.append(DoseLog(1, 12, dt.date(2026, 11, 5), DoseStatus.GIVEN, dt.time(3, 10)))
    return [plan, ONDANSETRON], doses


def test_the_summary_says_what_happened_to_the_medicines_at_home() -> None:
    plans, doses = _four_weeks_of_doses()
    s = _summary(medicine_plans=plans, doses=doses)
    assert s.medicines_at_home == [
        "6-mercaptopurine: 26 of 27 doses given in the last 4 weeks (1 missed); 1 held by the team",
        "ondansetron (as needed): 1 dose given in the last 4 weeks",
    ]
    assert _summary().medicines_at_home == []


def test_since_the_last_visit_the_summary_counts_from_that_day() -> None:
    from tracker.model import Appointment

    plans, doses = _four_weeks_of_doses()
    visit = Appointment(1, dt.date(2026, 11, 17), id=1)
    s = _summary(medicine_plans=plans, doses=doses, appointments=[visit])
    assert s.medicines_at_home[0] == ("6-mercaptopurine: 7 of 7 doses given since the last visit")


def test_the_printed_summary_has_the_medicines_at_home(qapp, record, child, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from test_summary_pdf import pdf_text

    from ui.printing.render import SummaryRequest, write_pdf

    plan, _ = record.save(replace(_window_plan(), child_id=child.id, id=None))
    for i in range(28):
        status = DoseStatus.MISSED if i == 3 else DoseStatus.GIVEN
        record.save(DoseLog(child.id, plan.id, FIRST + dt.timedelta(days=i), status, dt.time(19)))
    target = tmp_path / "summary.pdf"
    write_pdf(record, SummaryRequest(child.id), target)
    _, text = pdf_text(target)
    assert "Medicines at home in this period" in text
    assert "6-mercaptopurine: 27 of 28 doses given in the last 4 weeks (1 missed)" in text
    assert "not logged)" not in text  # tonight's dose is not due yet at 09:30
    assert "not counted as given or missed" in text


# ---------------------------------------------------------------------- the import


def _exported_with_doses(record: Record, child: Child, *doses: DoseLog) -> dict[str, object]:
    from conftest import NOW

    from tracker.io.json_export import export_record

    plan = _saved_plan(record, child)
    assert child.id is not None and plan.id is not None
    for d in doses:
        record.save(replace(d, child_id=child.id, plan_id=plan.id))
    return export_record(record, NOW)


def _load(tmp_path, data: dict[str, object]) -> str:  # type: ignore[no-untyped-def]
    import json

    from conftest import fixed_clock

    from tracker.io.json_import import JsonImportError, load_export, read_export

    with pytest.raises(JsonImportError) as caught:
        contents = read_export(json.dumps(data).encode(), TODAY)
        with Record.open(tmp_path / "loaded.sqlite", create=True, clock=fixed_clock) as rec:
            load_export(rec, contents)
    return str(caught.value)


def _read_problems(data: dict[str, object]) -> tuple[list[str], str]:
    """What reading the file says, before anything is written: its problems and the text
    they were found in (the export as the program writes it, a key per line)."""
    from tracker.io.json_export import dumps
    from tracker.io.json_import import JsonImportError, read_export

    text = dumps(data)
    with pytest.raises(JsonImportError) as caught:
        read_export(text.encode(), TODAY)
    return caught.value.problems, text


def _line_of_entry(text: str, uid: str) -> int:
    """The line an entry of the file starts on (its uid is its first key)."""
    return text[: text.index(f'"uid": "{uid}"')].count("\n")  # the line of its "{"


SECOND = "0f6b2c1e-5d39-4a8e-9c57-2f9a1b3c4d5e"


def _friday_export(record: Record, child: Child) -> dict[str, object]:
    """The export of a daily 19:00 plan with Friday 2026-11-20's dose given."""
    friday = dt.date(2026, 11, 20)
    return _exported_with_doses(
        record, child, DoseLog(1, 10, friday, DoseStatus.GIVEN, dt.time(19))
    )


def _refused_when_loaded(tmp_path, data: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    """Loading refuses it too, and the command line leaves no record behind."""
    assert _load(tmp_path, data) == "1 problem(s) in the file; nothing was imported."
    assert _cli_import(tmp_path, data) == (1, False)


def test_an_import_refuses_two_logs_of_one_due_dose(record: Record, child: Child, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Found while the file is read, naming the second log and the first by their place in
    the file; nothing is written (the command line leaves no record behind)."""
    data = _friday_export(record, child)
    doses = data["children"][0]["doses"]  # type: ignore[index]
    doses.append({**doses[0], "uid": SECOND, "status": "missed"})
    found, text = _read_problems(data)
    assert found == [
        f"line {_line_of_entry(text, SECOND)} (children[0].doses[1]): Due: the dose of "
        "6-mercaptopurine due 2026-11-20 at 19:00 is already logged as “Given” (the first is "
        "children[0].doses[0])"
    ]
    _refused_when_loaded(tmp_path, data)


def test_an_import_refuses_a_dose_the_schedule_does_not_give(
    record: Record, child: Child, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    data = _friday_export(record, child)
    dose = data["children"][0]["doses"][0]  # type: ignore[index]
    dose["due_time"] = "08:00"
    found, text = _read_problems(data)
    assert found == [
        f"line {_line_of_entry(text, dose['uid'])} (children[0].doses[0]): Due at: "
        "6-mercaptopurine is not due on 2026-11-20 at 08:00 (its schedule: daily, at 19:00); "
        "choose one of 2026-11-20 at 19:00"
    ]
    _refused_when_loaded(tmp_path, data)


@given(hour=st.integers(0, 23).filter(lambda h: h != 19), which=st.integers(0, 2))
def test_any_dose_off_its_plans_schedule_is_named_while_reading(hour: int, which: int) -> None:
    """Whatever hour a daily-at-19:00 dose is moved to, reading names that dose and its
    time (and only it), with the line of its entry."""
    data = json.loads(_plain_export())
    moved = data["children"][0]["doses"][which]
    moved["due_time"] = f"{hour:02d}:00"
    found, text = _read_problems(data)
    assert len(found) == 1, found
    where = f"children[0].doses[{which}]"
    assert found[0].startswith(f"line {_line_of_entry(text, moved['uid'])} ({where}): Due at: ")
    assert f"at {hour:02d}:00 (its schedule: daily, at 19:00)" in found[0]


@functools.cache
def _plain_export() -> str:
    """A record of one child, a daily 19:00 plan and three logged doses, exported (made
    once: every example changes a copy)."""
    from conftest import NOW, fixed_clock

    from tracker.io.json_export import dumps, export_record

    with (
        tempfile.TemporaryDirectory() as folder,
        Record.open(Path(folder) / "r.sqlite", create=True, clock=fixed_clock) as rec,
    ):
        saved, _ = rec.save(replace(MILA, id=None))
        plan = _saved_plan(rec, saved)
        assert saved.id is not None and plan.id is not None
        for n in (18, 19, 20):
            day = dt.date(2026, 11, n)
            rec.save(DoseLog(saved.id, plan.id, day, DoseStatus.GIVEN, dt.time(19)))
        return dumps(export_record(rec, NOW))


def _cli_import(tmp_path, data: dict[str, object]) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    """``import-json`` of ``data`` into a new file: its exit code, and whether the file
    exists afterwards."""
    import io

    from tracker import cli
    from tracker.io.json_export import dumps

    source = tmp_path / "export.json"
    source.write_text(dumps(data), encoding="utf-8")
    target = tmp_path / "new.sqlite"
    args = cli.build_parser().parse_args(["import-json", "--db", str(target), str(source)])
    code = cli.run(args, out=io.StringIO(), err=io.StringIO(), today=TODAY)
    return code, target.exists()


def test_as_needed_doses_of_a_drug_also_scheduled_get_their_own_line() -> None:
    scheduled = replace(ONDANSETRON, id=13, schedule="FREQ=WEEKLY;BYDAY=FR;BYHOUR=19")
    doses = [
        DoseLog(1, 12, dt.date(2026, 11, 5), DoseStatus.GIVEN, dt.time(3 + i)) for i in range(9)
    ]
    doses.append(DoseLog(1, 13, dt.date(2026, 11, 6), DoseStatus.GIVEN, dt.time(19)))
    facts = adherence.adherence([ONDANSETRON, scheduled], doses, FIRST, LAST)
    assert [f.line("in the last 4 weeks") for f in facts] == [
        "ondansetron (as needed): 9 doses given in the last 4 weeks",
        "ondansetron: 1 of 3 doses given in the last 4 weeks (2 not logged)",
    ]


def test_a_window_with_nothing_logged_says_none_logged_not_none_given() -> None:
    (fact,) = adherence.adherence([_window_plan()], [], FIRST, LAST)
    assert fact.line("in the last 4 weeks") == (
        "6-mercaptopurine: 28 doses due in the last 4 weeks, none logged"
    )


def test_a_plan_started_today_says_its_first_dose_is_due_never_0_of_0() -> None:
    """Nothing due yet is said plainly: a plan started today, its dose not logged yet, is
    "first dose due today"; a weekly plan whose day has not come is "no doses due yet"."""
    started = replace(SIX_MP, start_date=LAST)
    (fact,) = adherence.adherence([started], [], FIRST, LAST, today=LAST)
    line = fact.line("in the last 4 weeks")
    assert line == "6-mercaptopurine: first dose due today, not logged yet"
    (fact,) = adherence.adherence([started], [_log(started, LAST, DoseStatus.GIVEN)], FIRST, LAST)
    assert fact.line("in the last 4 weeks") == (
        "6-mercaptopurine: 1 of 1 dose given in the last 4 weeks"
    )
    weekly = replace(MTX, start_date=LAST - dt.timedelta(days=2))  # Fridays; LAST is a Monday
    (fact,) = adherence.adherence([weekly], [], FIRST, LAST, today=LAST)
    assert fact.line("in the last 4 weeks") == "methotrexate (by mouth): no doses due yet"
    held = [_log(weekly, dt.date(2026, 11, 20), DoseStatus.HELD)]
    weekly = replace(weekly, start_date=dt.date(2026, 11, 20))
    (fact,) = adherence.adherence([weekly], held, FIRST, LAST, today=LAST)
    assert fact.line("since the last visit") == (
        "methotrexate (by mouth): no doses due since the last visit; 1 held by the team"
    )
    for line in (
        f.line("in the last 4 weeks")
        for f in adherence.adherence([started, weekly], held, FIRST, LAST, today=LAST)
    ):
        assert "0 of 0" not in line and "of 0" not in line, line


def test_a_drug_typed_by_two_names_across_a_dose_change_is_one_line() -> None:
    old = replace(_window_plan(), drug="6-MP", end_date=dt.date(2026, 11, 9))
    new = replace(
        SIX_MP, drug="mercaptopurine", id=20, start_date=dt.date(2026, 11, 10), follows_id=10
    )
    doses = [_log(old, FIRST + dt.timedelta(days=i), DoseStatus.GIVEN) for i in range(14)]
    doses += [
        _log(new, dt.date(2026, 11, 10) + dt.timedelta(days=i), DoseStatus.GIVEN) for i in range(14)
    ]
    (fact,) = adherence.adherence([old, new], doses, FIRST, LAST)
    assert (fact.drug, fact.due, fact.given) == ("6-mercaptopurine", 28, 28)


# ------------------------------------------------------------ as-needed doses are events


def _as_needed(record: Record, child: Child) -> MedicinePlan:
    plan, _ = record.save(
        MedicinePlan(child.id, "ondansetron", dt.date(2026, 11, 1), "2", "mg", schedule="")  # type: ignore[arg-type]
    )
    return plan


def test_two_as_needed_doses_on_one_day_without_times(record: Record, child: Child) -> None:
    plan = _as_needed(record, child)
    day = TODAY - dt.timedelta(days=2)
    record.save(DoseLog(child.id, plan.id, day, DoseStatus.GIVEN))  # type: ignore[arg-type]
    record.save(DoseLog(child.id, plan.id, day, DoseStatus.GIVEN))  # type: ignore[arg-type]
    assert len(record.entries(DoseLog, child.id)) == 2


def test_two_as_needed_doses_in_one_minute(record: Record, child: Child) -> None:
    plan = _as_needed(record, child)
    at = dt.time(9, 30)
    record.save(DoseLog(child.id, plan.id, TODAY, DoseStatus.VOMITED, at, given_time=at))  # type: ignore[arg-type]
    record.save(DoseLog(child.id, plan.id, TODAY, DoseStatus.GIVEN, at, given_time=at))  # type: ignore[arg-type]
    assert len(record.entries(DoseLog, child.id)) == 2


def test_a_plan_without_a_dose_shows_dose_not_entered() -> None:
    from tracker.kinds.dose import plan_dose_text

    p = MedicinePlan(1, "co-trimoxazole", dt.date(2026, 3, 1), "", "", schedule="")
    assert plan_dose_text(p) == "dose not entered"
