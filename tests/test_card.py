"""The fever card's content (tracker.card): every named part, the empty cases, and latest
counts that are older than the card, each shown with its own date."""

from __future__ import annotations

import datetime as dt

from tracker.card import (
    NO_COUNT,
    NO_FEVER_RULE,
    NO_MEDICINES,
    NOT_ENTERED,
    card_content,
)
from tracker.forms import ValueInput, count_from_form
from tracker.model import CentralLine, Child, CountResult, Phase, PhaseKind

PRINTED = dt.date(2026, 11, 24)
MILA = Child(
    name="Mila",
    birth_date=dt.date(2026, 1, 10),
    diagnosis_date=dt.date(2026, 5, 12),
    immunophenotype="pro-B (B-I)",
    protocol="Interfant-21",
    central_line=CentralLine.PORT,
    allergies="Penicillin (rash)",
    phone_day="020 7946 0123",
    phone_24h="020 7946 0999",
    blood_product_notes="Irradiated, CMV-negative products",
    hospital="Fictional Children's Hospital",
    id=1,
)
MAINTENANCE = Phase(child_id=1, kind=PhaseKind.MAINTENANCE, actual_start=dt.date(2026, 11, 1), id=1)
MEDICINES = ["6-mercaptopurine 20 mg once daily (evening)", "Co-trimoxazole 120 mg Sat + Sun"]
RULE = "≥ 38.0 °C once, or ≥ 37.5 °C twice an hour apart: phone the 24-hour number"


def _count(day: str, *values: tuple[str, str, str]) -> CountResult:
    return count_from_form(
        {"taken_date": day},
        [ValueInput(code, text, unit) for code, text, unit in values],
        child=MILA,
        today=PRINTED,
    )


def _card(child: Child = MILA, counts: list[CountResult] | None = None, **kw):  # type: ignore[no-untyped-def]
    return card_content(
        child,
        kw.get("phases", [MAINTENANCE]),
        counts if counts is not None else [],
        kw.get("medicines", MEDICINES),
        kw.get("rule", RULE),
        PRINTED,
        transfusions=kw.get("transfusions", ()),
        stays=kw.get("stays", ()),
    )


def test_every_named_part_is_on_the_card() -> None:
    counts = [
        _count(
            "2026-11-20", ("anc", "0.42", "×10⁹/L"), ("hgb", "8.0", "g/dL"), ("plt", "35", "×10⁹/L")
        )
    ]
    card = _card(counts=counts)
    assert card.name == "Mila" and card.birth_date == dt.date(2026, 1, 10)
    assert card.title == "Fever card — Mila"
    assert "pro-B (B-I)" in card.diagnosis and card.protocol == "Interfant-21"
    assert card.current.startswith("Maintenance · day 24")
    assert card.central_line.startswith("Port")
    assert card.allergies == "Penicillin (rash)"
    by_label = {c.label: c for c in card.counts}
    assert by_label["ANC"].text == "0.42 ×10⁹/L"
    assert by_label["Hb"].text == "8.0 g/dL"  # the lab's figures, its zero kept
    assert by_label["PLT"].text == "35 ×10⁹/L"
    assert all(c.date == dt.date(2026, 11, 20) for c in card.counts)
    assert card.medicines == tuple(MEDICINES)
    assert card.fever_rule == RULE and card.fever_rule_entered
    assert (card.phone_day, card.phone_24h) == ("020 7946 0123", "020 7946 0999")
    assert card.blood_products == "Irradiated, CMV-negative products"
    assert card.printed_line == "Kept by the family; not a medical record. Printed 2026-11-24."


def test_empty_parts_say_so() -> None:
    bare = Child(name="Noor", birth_date=dt.date(2025, 12, 1), id=2)
    card = _card(bare, counts=[], phases=[], medicines=[], rule=None)
    assert card.medicines == () and card.medicines_empty == NO_MEDICINES
    assert card.fever_rule == NO_FEVER_RULE and not card.fever_rule_entered
    assert "ask your team" in card.fever_rule
    assert all(c.text == NO_COUNT and c.date is None for c in card.counts)
    assert card.current == "No phase running today"
    assert card.diagnosis == NOT_ENTERED and card.protocol == NOT_ENTERED
    assert card.central_line == NOT_ENTERED
    assert card.allergies.startswith(NOT_ENTERED) and "none" in card.allergies
    assert (card.phone_day, card.phone_24h, card.blood_products) == (NOT_ENTERED,) * 3
    assert _card(bare, medicines=["  ", ""], rule="   ").medicines == ()


def test_none_known_is_not_not_entered() -> None:
    card = _card(Child(name="Noor", birth_date=dt.date(2025, 12, 1), no_known_allergies=True))
    assert card.allergies == "No known allergies"


def test_other_line_is_shown_as_typed() -> None:
    child = Child(
        name="Noor",
        birth_date=dt.date(2025, 12, 1),
        central_line=CentralLine.OTHER,
        central_line_text="Double-lumen Broviac",
    )
    assert _card(child).central_line == "Double-lumen Broviac"
    assert _card(Child("N", dt.date(2025, 12, 1), central_line=CentralLine.NONE)).central_line == (
        "No central line"
    )


def test_each_latest_value_has_its_own_date_and_an_old_one_says_how_old() -> None:
    counts = [
        _count("2026-10-01", ("plt", "120", "×10⁹/L")),
        _count("2026-11-10", ("hgb", "95", "g/L")),
        _count("2026-11-24", ("anc", "1.2", "×10⁹/L")),
    ]
    by_label = {c.label: c for c in _card(counts=counts).counts}
    assert by_label["PLT"].date == dt.date(2026, 10, 1)
    assert by_label["PLT"].age == "54 days before this card was printed"
    assert by_label["Hb"].text == "95 g/L" and by_label["Hb"].date == dt.date(2026, 11, 10)
    assert by_label["ANC"].age == "the day this card was printed"


def test_a_count_after_the_printed_day_is_not_the_latest() -> None:
    counts = [_count("2026-11-01", ("plt", "80", "×10⁹/L"))]
    later = card_content(MILA, [], counts, [], None, dt.date(2026, 10, 30))
    assert later.counts[2].text == NO_COUNT


def test_a_worked_out_anc_says_so() -> None:
    counts = [
        _count("2026-11-01", ("anc", "0.9", "×10⁹/L")),
        _count("2026-11-20", ("wbc", "2.0", "×10⁹/L"), ("neut_pct", "30", "%")),
    ]
    anc = _card(counts=counts).counts[0]
    assert anc.date == dt.date(2026, 11, 20) and anc.text == "0.6 ×10⁹/L"
    assert "worked out" in anc.note


def test_a_plan_whose_last_due_dose_was_held_says_so_on_the_card() -> None:
    from tracker.card import medicine_lines
    from tracker.model import DoseLog, DoseStatus, MedicinePlan

    six_mp = MedicinePlan(
        1, "6-MP", dt.date(2026, 11, 1), "20", "mg", schedule="FREQ=DAILY;BYHOUR=19", id=10
    )
    mtx = MedicinePlan(
        1, "MTX", dt.date(2026, 11, 1), "5", "mg", schedule="FREQ=WEEKLY;BYDAY=FR", id=11
    )
    at = dt.time(19)
    doses = [
        DoseLog(1, 10, dt.date(2026, 11, 21), DoseStatus.GIVEN, at),
        DoseLog(1, 10, dt.date(2026, 11, 22), DoseStatus.HELD, at),
        DoseLog(1, 10, dt.date(2026, 11, 23), DoseStatus.HELD, at),
        DoseLog(1, 11, dt.date(2026, 11, 13), DoseStatus.HELD),
        DoseLog(1, 11, dt.date(2026, 11, 20), DoseStatus.GIVEN),
        DoseLog(1, 10, dt.date(2026, 11, 25), DoseStatus.GIVEN, at),  # after the card's day
    ]
    lines = medicine_lines([mtx, six_mp], doses, PRINTED)
    assert lines == [
        "6-MP 20 mg daily, at 19:00, since 2026-11-01 (last due dose held by the team on "
        "2026-11-23, as logged)",
        "MTX 5 mg weekly on Friday, since 2026-11-01",
    ]


def test_make_card_reads_the_doses_for_a_held_plan(record, child) -> None:  # type: ignore[no-untyped-def]
    from tracker.model import DoseLog, DoseStatus, MedicinePlan
    from ui.printing.card import make_card

    plan, _ = record.save(
        MedicinePlan(child.id, "6-MP", dt.date(2026, 11, 1), "20", "mg", schedule="FREQ=DAILY")
    )
    day = record.today() - dt.timedelta(days=1)
    record.save(DoseLog(child.id, plan.id, day, DoseStatus.HELD))
    (line,) = make_card(record, child.id).medicines
    assert line.endswith(f"(last due dose held by the team on {day.isoformat()}, as logged)")


# ------------------------------------------------ transfusions, a stay, a bare diagnosis


def _counts_around_transfusions() -> list[CountResult]:
    return [
        _count("2026-11-19", ("hgb", "7.1", "g/dL"), ("plt", "9", "×10⁹/L")),
        _count("2026-11-22", ("hgb", "7.4", "g/dL"), ("plt", "41", "×10⁹/L")),
    ]


def test_a_count_after_a_transfusion_of_its_product_says_so() -> None:
    from tracker.model import Transfusion, TransfusionProduct

    platelets = Transfusion(1, dt.date(2026, 11, 21), product=TransfusionProduct.PLATELETS, id=1)
    card = _card(counts=_counts_around_transfusions(), transfusions=[platelets])
    by_label = {c.label: c for c in card.counts}
    assert by_label["PLT"].transfusion == "after a platelet transfusion on 2026-11-21"
    assert by_label["Hb"].transfusion == ""  # platelets do not follow the Hb
    red = Transfusion(1, dt.date(2026, 11, 20), product=TransfusionProduct.RED_CELLS, id=2)
    card = _card(counts=_counts_around_transfusions(), transfusions=[platelets, red])
    by_label = {c.label: c for c in card.counts}
    assert by_label["Hb"].transfusion == "after a red-cell transfusion on 2026-11-20"
    assert by_label["ANC"].transfusion == ""


def test_a_count_that_is_not_the_after_count_of_a_transfusion_says_nothing() -> None:
    from tracker.model import Transfusion, TransfusionProduct

    counts = [*_counts_around_transfusions(), _count("2026-11-23", ("plt", "30", "×10⁹/L"))]
    earlier = Transfusion(1, dt.date(2026, 11, 21), product=TransfusionProduct.PLATELETS)
    later = Transfusion(1, dt.date(2026, 11, 24), product=TransfusionProduct.PLATELETS)
    plasma = Transfusion(1, dt.date(2026, 11, 22), product=TransfusionProduct.PLASMA)
    card = _card(counts=counts, transfusions=[earlier, later, plasma])
    assert all(c.transfusion == "" for c in card.counts)  # the 11-23 PLT is the second after


def test_an_open_stay_or_one_that_includes_the_day_printed_is_on_the_card() -> None:
    from tracker.model import Stay

    place = "Fictional Children's Hospital"
    open_stay = Stay(1, dt.date(2026, 11, 20), place=place)
    assert _card(stays=[open_stay]).in_hospital == (
        "In hospital since 2026-11-20 (Fictional Children's Hospital), as entered by the family"
    )
    includes = Stay(1, dt.date(2026, 11, 20), dt.date(2026, 11, 26))
    assert _card(stays=[includes]).in_hospital == (
        "In hospital since 2026-11-20, as entered by the family"
    )
    ended = Stay(1, dt.date(2026, 11, 10), dt.date(2026, 11, 23), place=place)
    later = Stay(1, dt.date(2026, 11, 25), place=place)
    assert _card(stays=[ended, later]).in_hospital == ""
    assert _card().in_hospital == ""


def test_a_stay_that_ended_on_the_day_printed_is_not_on_the_card() -> None:
    """A stay's "To" is the day the child came home: on that day the card must not say the
    child is in hospital (the summary and the Hospital tab say "in hospital" only for a
    stay without an end either)."""
    from tracker.model import Stay

    home_today = Stay(1, dt.date(2026, 11, 20), PRINTED, place="Ward 3")
    assert _card(stays=[home_today]).in_hospital == ""
    day_case = Stay(1, PRINTED, PRINTED)
    assert _card(stays=[day_case]).in_hospital == ""
    # a transfer on the day printed: the stay that goes on is the one on the card
    transfer = Stay(1, PRINTED, place="Ward 4")
    assert _card(stays=[home_today, transfer]).in_hospital == (
        f"In hospital since {PRINTED.isoformat()} (Ward 4), as entered by the family"
    )


def test_a_diagnosis_date_without_details_reads_as_diagnosed_on() -> None:
    bare = Child(name="Noor", birth_date=dt.date(2025, 12, 1), diagnosis_date=dt.date(2026, 1, 15))
    assert _card(bare).diagnosis_text == "Diagnosed 2026-01-15 (details not entered)"
    assert _card().diagnosis_text == "pro-B (B-I) (diagnosed 2026-05-12)"
    none = Child(name="Noor", birth_date=dt.date(2025, 12, 1))
    assert _card(none).diagnosis_text == NOT_ENTERED


def test_make_card_reads_the_transfusions_and_stays(record, child) -> None:  # type: ignore[no-untyped-def]
    from tracker.model import Stay, StayReason, Transfusion, TransfusionProduct
    from ui.printing.card import make_card

    today = record.today()
    record.save(
        Transfusion(child.id, today - dt.timedelta(days=2), product=TransfusionProduct.PLATELETS)
    )
    day = (today - dt.timedelta(days=1)).isoformat()
    record.save(
        count_from_form(
            {"taken_date": day}, [ValueInput("plt", "38", "×10⁹/L")], child=child, today=today
        )
    )
    record.save(
        Stay(child.id, today - dt.timedelta(days=3), place="Ward 4", reason=StayReason.FEVER)
    )
    card = make_card(record, child.id)
    (plt,) = [c for c in card.counts if c.label == "PLT"]
    after = (today - dt.timedelta(days=2)).isoformat()
    assert plt.transfusion == f"after a platelet transfusion on {after}"
    since = (today - dt.timedelta(days=3)).isoformat()
    assert card.in_hospital == f"In hospital since {since} (Ward 4), as entered by the family"
    assert card.diagnosis_text == "Diagnosed 2026-05-12 (details not entered)"
