"""Transfusions and hospital stays: the amount read with its unit, the counts before and
after linked from the record (the window, several counts, units), the nights counted by
one rule (a stay crossing the range, an open one), overlapping stays refused with the
other named, the summary's lines and the timeline's lanes."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY

from tracker import analytes
from tracker import timeline as layout
from tracker.demo import _FEVER_DAY, build_demo
from tracker.display import UnitPreference
from tracker.forms import FormErrors
from tracker.kinds import stay as stay_kind
from tracker.kinds import transfusion as tx
from tracker.kinds.kind import Context
from tracker.model import (
    Child,
    CountResult,
    CountValue,
    Stay,
    StayReason,
    Transfusion,
    TransfusionProduct,
)
from tracker.store import Record, ValidationFailed
from tracker.summary import build_summary

MILA = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)
D = dt.date(2026, 11, 10)  # the day of the transfusion in these tests


def _value(code: str, text: str, unit: str) -> CountValue:
    a = analytes.analyte(code)
    known = a.unit(unit)
    assert known is not None
    number = analytes.parse_number(text).value
    return CountValue(code, text, unit, number, number * known.factor, a.canonical_unit)


def _count(
    day: dt.date, time: str | None, plt: str = "", hgb: str = "", unit: str = "×10⁹/L", n: int = 0
) -> CountResult:
    values = []
    if plt:
        values.append(_value("plt", plt, unit))
    if hgb:
        values.append(_value("hgb", hgb, "g/dL" if "." in hgb else "g/L"))
    return CountResult(
        1,
        day,
        dt.time.fromisoformat(time) if time else None,
        values=tuple(values),
        id=n or None,
    )


def _platelets(time: dt.time | None = dt.time(15, 0)) -> Transfusion:
    return Transfusion(1, D, time, TransfusionProduct.PLATELETS, amount_text="1 unit", units=1.0)


# ---------------------------------------------------------------------- the amount


@pytest.mark.parametrize(
    ("text", "ml", "units"),
    [
        ("150 mL", 150.0, None),
        ("150ml", 150.0, None),
        ("12,5 ml", 12.5, None),
        ("1 unit", None, 1.0),
        ("2 units", None, 2.0),
        ("0.5 U", None, 0.5),
        ("", None, None),
    ],
)
def test_an_amount_is_a_volume_or_units_as_typed(
    text: str, ml: float | None, units: float | None
) -> None:
    assert tx.parse_amount(text) == (ml, units)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("150", "has no unit; write mL or units"),
        ("150 kg", "is not an amount this program reads"),
        ("lots", "is not an amount this program reads"),
        ("0 mL", "is no amount"),
        ("1,200 mL", "ambiguous"),
    ],
)
def test_nonsense_amounts_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        tx.parse_amount(text)


def test_the_form_puts_each_reason_beside_its_field() -> None:
    fields = {"date": "2026-11-10", "time": "25:00", "product": "other", "amount_text": "15000 mL"}
    with pytest.raises(FormErrors) as caught:
        tx.transfusion_from_form(fields, child=MILA, today=TODAY)
    errors = caught.value.errors
    assert "not a time of day" in errors["time"]
    assert errors["product_text"].startswith("Other product: say which product")
    assert "outside 1–2000 mL, this program's check against typing slips" in errors["amount_text"]


def test_the_form_reads_a_transfusion_and_refuses_a_future_one() -> None:
    t = tx.transfusion_from_form(
        {"date": "2026-11-10", "time": "15:10", "product": "platelets", "amount_text": "45 ml"},
        child=MILA,
        today=TODAY,
    )
    assert (t.volume_ml, t.units, t.time) == (45.0, None, dt.time(15, 10))
    with pytest.raises(FormErrors, match="in the future"):
        tx.transfusion_from_form({"date": "2026-11-25"}, child=MILA, today=TODAY)


def test_a_stored_value_that_disagrees_with_its_text_is_refused() -> None:
    t = Transfusion(1, D, amount_text="150 mL", volume_ml=15.0)
    assert "does not match “150 mL”, which is 150 mL" in tx.validate_transfusion(t)["amount_text"]
    both = Transfusion(1, D, amount_text="150 mL", volume_ml=150.0, units=1.0)
    assert "not both" in tx.validate_transfusion(both)["amount_text"]


# ---------------------------------------------------------------------- linked counts


def test_no_count_in_the_window_links_nothing() -> None:
    counts = [
        _count(D - dt.timedelta(days=4), "08:00", plt="9", n=1),  # four days before: too far
        _count(D + dt.timedelta(days=4), "08:00", plt="60", n=2),
    ]
    linked = tx.linked_counts(_platelets(), counts)
    assert linked is not None and linked.before is None and linked.after is None
    assert tx.jump_text(linked) == "No PLT count within 3 days before or after"
    assert tx.jump_text(linked, short=True) == ""


def test_the_nearest_of_several_is_linked_each_side() -> None:
    counts = [
        _count(D - dt.timedelta(days=3), "08:00", plt="30", n=1),
        _count(D - dt.timedelta(days=1), "08:00", plt="14", n=2),
        _count(D, "07:30", plt="8", n=3),  # the morning count, before the afternoon's platelets
        _count(D, "18:00", plt="41", n=4),  # the evening check
        _count(D + dt.timedelta(days=1), "07:00", plt="35", n=5),
        _count(D, "09:00", hgb="8.1", n=6),  # no platelet count in it: not linked
    ]
    linked = tx.linked_counts(_platelets(), counts)
    assert linked is not None
    assert linked.before is not None and linked.before.id == 3
    assert linked.after is not None and linked.after.id == 4
    assert tx.jump_text(linked) == "PLT 8 → 41 ×10⁹/L"
    assert tx.jump_details(linked) == [
        "PLT before: 8 ×10⁹/L (2026-11-10 07:30)",
        "PLT after: 41 ×10⁹/L (2026-11-10 18:00)",
    ]


def test_a_same_day_count_without_a_time_is_not_guessed() -> None:
    counts = [
        _count(D - dt.timedelta(days=1), "08:00", plt="14", n=1),
        _count(D, None, plt="8", n=2),  # before or after? not known
        _count(D + dt.timedelta(days=1), "08:00", plt="40", n=3),
    ]
    linked = tx.linked_counts(_platelets(), counts)
    assert linked is not None and linked.before is not None and linked.after is not None
    assert (linked.before.id, linked.after.id) == (1, 3)
    untimed = tx.linked_counts(_platelets(time=None), counts)
    assert untimed is not None and untimed.before is not None and untimed.before.id == 1


def test_red_cells_follow_the_haemoglobin_in_each_labs_unit() -> None:
    red = Transfusion(1, D, dt.time(12, 0), TransfusionProduct.RED_CELLS)
    counts = [
        _count(D, "08:00", hgb="6.8", n=1),  # g/dL at one lab
        _count(D + dt.timedelta(days=1), "08:00", hgb="98", n=2),  # g/L at the other
    ]
    linked = tx.linked_counts(red, counts)
    assert linked is not None
    assert tx.jump_text(linked) == "Hb 6.8 g/dL → 98 g/L"
    assert tx.jump_text(linked, UnitPreference.SI) == "Hb 68 → 98 g/L"
    assert tx.jump_text(linked, UnitPreference.US) == "Hb 6.8 → 9.8 g/dL"


def test_one_side_alone_says_the_other_is_missing() -> None:
    counts = [_count(D, "08:00", plt="8", unit="K/µL", n=1)]
    linked = tx.linked_counts(_platelets(), counts)
    assert linked is not None
    assert tx.jump_text(linked) == "PLT 8 ×10³/µL before; none within 3 days after"  # one spelling
    assert tx.jump_text(linked, short=True) == "PLT 8 → ?"


def test_plasma_and_other_products_link_no_count() -> None:
    counts = [_count(D, "08:00", plt="8", hgb="70", n=1)]
    assert tx.linked_counts(Transfusion(1, D, None, TransfusionProduct.PLASMA), counts) is None


# ---------------------------------------------------------------------- nights


def _stay(a: str, b: str | None, n: int = 0, place: str = "Ward 3") -> Stay:
    return Stay(
        1,
        dt.date.fromisoformat(a),
        dt.date.fromisoformat(b) if b else None,
        place,
        StayReason.FEVER,
        id=n or None,
    )


def test_nights_are_the_days_between_from_and_to() -> None:
    assert stay_kind.nights(_stay("2026-03-25", "2026-03-29"), TODAY) == 4
    assert stay_kind.nights(_stay("2026-03-25", "2026-03-25"), TODAY) == 0  # a day case
    assert stay_kind.nights(_stay("2026-11-20", None), TODAY) == 4  # open: up to last night


def test_a_stay_crossing_the_range_counts_only_its_nights_inside() -> None:
    start, end = dt.date(2026, 11, 1), dt.date(2026, 11, 20)
    crossing_start = _stay("2026-10-28", "2026-11-03")  # nights of 1 and 2 Nov inside
    crossing_end = _stay("2026-11-18", "2026-11-23")  # nights of 18 and 19 Nov inside
    before = _stay("2026-10-20", "2026-11-01")  # home on the range's first day: no night
    assert stay_kind.nights_between(crossing_start, start, end, TODAY) == 2
    assert stay_kind.nights_between(crossing_end, start, end, TODAY) == 2
    assert not stay_kind.in_period(before, start, end, TODAY)
    total = stay_kind.total([crossing_start, crossing_end, before], start, end, TODAY)
    assert (total.stays, total.nights, total.open_since) == (2, 4, None)


def test_an_open_stay_counts_to_the_ranges_end_never_past_today() -> None:
    still = _stay("2026-11-20", None)
    assert stay_kind.nights_between(still, dt.date(2026, 11, 1), TODAY, TODAY) == 4
    assert stay_kind.nights_between(still, dt.date(2026, 11, 1), dt.date(2026, 11, 22), TODAY) == 2
    far = dt.date(2026, 12, 31)
    assert stay_kind.nights_between(still, dt.date(2026, 11, 1), far, TODAY) == 4
    total = stay_kind.total([still], dt.date(2026, 11, 1), TODAY, TODAY)
    assert total.text("since the last visit") == (
        "1 stay, 4 nights since the last visit; in hospital since 2026-11-20"
    )


# ---------------------------------------------------------------------- overlaps


def test_an_overlapping_stay_is_refused_with_the_other_named() -> None:
    saved = [_stay("2026-11-01", "2026-11-05", n=1)]
    problem = stay_kind.validate_stay(_stay("2026-11-04", "2026-11-08"), saved)["from_date"]
    assert "overlaps another one (2026-11-01 – 2026-11-05 at Ward 3)" in problem
    # a transfer on the day of discharge, and a day case on the day of admission, are not
    assert stay_kind.validate_stay(_stay("2026-11-05", "2026-11-06"), saved) == {}
    assert stay_kind.validate_stay(_stay("2026-11-01", "2026-11-01"), saved) == {}
    inside = stay_kind.validate_stay(_stay("2026-11-03", "2026-11-03"), saved)
    assert "overlaps" in inside["from_date"]
    # the stay itself, being edited, is no other stay
    assert stay_kind.validate_stay(_stay("2026-11-02", "2026-11-05", n=1), saved) == {}


def test_nothing_may_begin_while_a_stay_is_open() -> None:
    saved = [_stay("2026-11-20", None, n=1)]
    problem = stay_kind.validate_stay(_stay("2026-11-22", "2026-11-23"), saved)["from_date"]
    assert "in hospital since 2026-11-20 at Ward 3" in problem
    assert "close that stay first" in problem


def test_the_form_refuses_an_end_before_the_start_and_future_dates() -> None:
    with pytest.raises(FormErrors) as caught:
        stay_kind.stay_from_form(
            {"from_date": "2026-11-20", "to_date": "2026-11-18", "reason": "fever"},
            child=MILA,
            today=TODAY,
        )
    assert caught.value.errors["to_date"] == (
        "To: 2026-11-18 is before the stay began (2026-11-20)"
    )
    with pytest.raises(FormErrors, match="in the future"):
        stay_kind.stay_from_form({"from_date": "2026-11-25"}, child=MILA, today=TODAY)
    with pytest.raises(FormErrors, match="before Mila's date of birth"):
        stay_kind.stay_from_form({"from_date": "2025-12-25"}, child=MILA, today=TODAY)
    today = stay_kind.stay_from_form(
        {"from_date": TODAY.isoformat(), "reason": "infection"}, child=MILA, today=TODAY
    )
    assert today.to_date is None  # an open stay may start today


def test_the_store_refuses_an_overlap_too(record: Record, child: Child) -> None:
    assert child.id is not None
    record.save(
        Stay(child.id, dt.date(2026, 11, 1), dt.date(2026, 11, 5), "Ward 3", StayReason.FEVER)
    )
    with pytest.raises(ValidationFailed) as caught:
        record.save(Stay(child.id, dt.date(2026, 11, 3), None, reason=StayReason.INFECTION))
    assert "Ward 3" in str(caught.value)
    assert (
        "overlaps another one (2026-11-01 – 2026-11-05 at Ward 3)"
        in (caught.value.errors["from_date"])
    )
    context = Context(child, TODAY, lambda key: record.entries(Stay, child.id))
    transfer = Stay(child.id, dt.date(2026, 11, 5), reason=StayReason.PLANNED)
    assert stay_kind.STAY.problems(transfer, context) == {}


# ---------------------------------------------------------------------- the summary


def _summary(start: dt.date, end: dt.date, **kinds):  # type: ignore[no-untyped-def]
    return build_summary(
        MILA,
        phases=[],
        milestones=[],
        counts=kinds.pop("counts", []),
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        start=start,
        end=end,
        **kinds,
    )


def test_the_summary_counts_stays_and_nights_and_lists_transfusions() -> None:
    stays = [
        _stay("2026-10-28", "2026-11-03", n=1),  # crosses the start: 2 nights inside
        _stay("2026-11-10", "2026-11-17", n=2, place=""),  # 7 nights
        _stay("2026-11-20", None, n=3),  # open: 4 nights so far
    ]
    counts = [_count(D, "07:30", plt="8", n=1), _count(D, "18:00", plt="41", n=2)]
    s = _summary(
        dt.date(2026, 11, 1), TODAY, stays=stays, transfusions=[_platelets()], counts=counts
    )
    assert s.stay_total == (
        "3 stays, 13 nights between 2026-11-01 and 2026-11-24; in hospital since 2026-11-20"
    )
    assert [e.text for e in s.stays] == [
        "2026-10-28 – 2026-11-03 · 2 nights in this period · Fever / febrile neutropenia · Ward 3",
        "2026-11-10 – 2026-11-17 · 7 nights · Fever / febrile neutropenia",
        "in hospital since 2026-11-20 · 4 nights in this period · Fever / febrile neutropenia "
        "· Ward 3",
    ]
    assert [e.text for e in s.transfusions] == [
        "2026-11-10 15:00 · Platelets, 1 unit · PLT 8 → 41 ×10⁹/L"
    ]
    assert not s.nothing_new  # a stay is something new


def test_the_summary_says_since_the_last_visit_and_nothing_outside_the_range() -> None:
    from tracker.model import Appointment

    s = build_summary(
        MILA,
        phases=[],
        milestones=[],
        counts=[],
        visits=[],
        appointments=[Appointment(1, dt.date(2026, 11, 1), id=1)],
        questions=[],
        thresholds=[],
        today=TODAY,
        stays=[_stay("2026-11-03", "2026-11-05", n=1), _stay("2026-10-01", "2026-10-04", n=2)],
        transfusions=[Transfusion(1, dt.date(2026, 10, 2), None, TransfusionProduct.PLASMA)],
    )
    assert s.stay_total == "1 stay, 2 nights since the last visit"
    assert s.transfusions == []
    empty = _summary(dt.date(2026, 11, 1), TODAY)
    assert (empty.stay_total, empty.stays, empty.transfusions) == ("", [], [])


# ---------------------------------------------------------------------- the lanes


def test_the_stay_lane_is_a_band_and_an_open_stay_runs_to_today() -> None:
    stays = [_stay("2026-03-25", "2026-03-29", n=1), _stay("2026-11-20", None, n=2)]
    t = layout.build([], [], [], [], TODAY, lanes=("stays",), stays=stays)
    lane = t.lane("stays")
    assert lane is not None and lane.drawn_as_spans and lane.rows == 1
    closed, still = lane.spans
    assert closed.label == "Fever · 4 nights" and not closed.open_ended
    assert (closed.x0, closed.x1) == (
        layout.x_of(dt.date(2026, 3, 25)) + 0.75,
        layout.x_of(dt.date(2026, 3, 29)) + 0.5,
    )
    assert still.open_ended and still.x1 == layout.x_of(TODAY) + 1
    assert still.ref == layout.Ref("stay", 2)
    assert "in hospital since 2026-11-20" in still.tooltip


def test_the_transfusion_mark_lines_up_with_the_charts_and_names_the_jump() -> None:
    counts = [_count(D, "07:30", plt="8", n=1), _count(D, "18:00", plt="41", n=2)]
    t = Transfusion(1, D, dt.time(15, 0), TransfusionProduct.PLATELETS, id=7)
    timeline = layout.build(
        [], [], [], counts, TODAY, lanes=("transfusions", "plt"), transfusions=[t]
    )
    lane, chart = timeline.lane("transfusions"), timeline.lane("plt")
    assert lane is not None and chart is not None and chart.series is not None
    [mark] = lane.marks
    assert mark.label == "PLT 8 → 41 ×10⁹/L"
    assert mark.ref == layout.Ref("transfusion", 7)
    assert "PLT before: 8 ×10⁹/L (2026-11-10 07:30)" in mark.tooltip
    before, after = chart.series.points
    assert before.x < mark.x < after.x  # the cause between the two points of the jump
    converted = layout.build(
        [],
        [],
        [],
        counts,
        TODAY,
        lanes=("transfusions",),
        transfusions=[t],
        display_units={"plt": "K/µL"},
    )
    lane = converted.lane("transfusions")
    assert lane is not None and lane.marks[0].label == "PLT 8 → 41 ×10³/µL"


def test_the_demo_fever_stay_holds_a_platelet_transfusion_with_a_rise(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import fixed_clock

    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        cid = build_demo(rec, TODAY)
        child = rec.child(cid)
        assert child.diagnosis_date is not None
        fever = child.diagnosis_date + dt.timedelta(days=_FEVER_DAY)
        [stay] = rec.entries(Stay, cid)
        assert stay.from_date == fever and stay.reason is StayReason.FEVER
        assert 3 <= stay_kind.nights(stay, TODAY) <= 5
        [given] = [t for t in rec.entries(Transfusion, cid) if t.date >= stay.from_date]
        assert given.product is TransfusionProduct.PLATELETS
        assert stay.to_date is not None and stay.from_date < given.date < stay.to_date
        linked = tx.linked_counts(given, rec.counts(cid))
        assert linked is not None
        before, after = linked.value(linked.before), linked.value(linked.after)
        assert before is not None and after is not None
        assert before.value < 20 < after.value < 100  # a plausible rise, not a normal count
        assert linked.after is not None and linked.after.taken_date == given.date + dt.timedelta(1)


# ---------------------------------------------------------------------- the export


def test_an_import_refuses_overlapping_stays_and_an_amount_that_disagrees(
    record: Record, child: Child
) -> None:
    import json

    from conftest import fixed_clock

    from tracker.io.json_export import dumps, export_record
    from tracker.io.json_import import JsonImportError, read_export

    assert child.id is not None
    record.save(
        Stay(child.id, dt.date(2026, 11, 1), dt.date(2026, 11, 5), "Ward 3", StayReason.FEVER)
    )
    record.save(
        Stay(child.id, dt.date(2026, 11, 5), dt.date(2026, 11, 6), "Ward 4", StayReason.PLANNED)
    )
    record.save(Transfusion(child.id, D, amount_text="1 unit", units=1.0))
    doc = export_record(record, fixed_clock())
    read_export(dumps(doc).encode(), TODAY)  # as exported: read back without a problem
    stays = doc["children"][0]["stays"]
    stays[1]["from_date"] = "2026-11-03"
    doc["children"][0]["transfusions"][0]["units"] = 2.0
    with pytest.raises(JsonImportError) as caught:
        read_export(json.dumps(doc).encode(), TODAY)
    found = "\n".join(caught.value.problems)
    assert "overlaps another one (2026-11-01 – 2026-11-05 at Ward 3)" in found
    assert "does not match “1 unit”, which is 1 unit" in found


@pytest.mark.parametrize(
    ("language", "text", "stored", "shown"),
    [
        ("es", "1 unidad", "1 unit", "1 unidad"),
        ("es", "2 unidades", "2 units", "2 unidades"),
        ("fr", "2 unités", "2 units", "2 unités"),
        ("fr", "1 unité", "1 unit", "1 unité"),
        ("en", "2 unidades", "2 units", "2 units"),
        ("es", "1 unit", "1 unit", "1 unidad"),
        ("es", "150 mililitros", "150 mL", "150 mL"),
        ("en", "1 unit", "1 unit", "1 unit"),
    ],
)
def test_an_amount_in_any_shipped_language_is_stored_one_way_and_shown_in_the_language(
    language: str, text: str, stored: str, shown: str
) -> None:
    from tracker import i18n

    with i18n.using(language):
        t = tx.transfusion_from_form(
            {"date": "2026-11-10", "product": "platelets", "amount_text": text},
            child=MILA,
            today=TODAY,
        )
        assert t.amount_text == stored
        assert tx.amount_shown(t) == shown
        assert tx.validate_transfusion(t) == {}


def test_the_demo_transfusion_reads_in_spanish_on_screen_and_paper(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import fixed_clock

    from tracker import i18n

    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        cid = build_demo(rec, TODAY)
        given = rec.entries(Transfusion, cid)[-1]
    assert given.amount_text == "1 unit"  # stored as before
    with i18n.using("es"):
        s = _summary(given.date, TODAY, transfusions=[given])
        t = layout.build([], [], [], [], TODAY, lanes=("transfusions",), transfusions=[given])
        lane = t.lane("transfusions")
        assert lane is not None
        tooltip = lane.marks[0].tooltip
    [line] = s.transfusions
    assert "Plaquetas, 1 unidad" in line.text and "unit" not in line.text
    assert "1 unidad" in tooltip and "1 unit" not in tooltip
