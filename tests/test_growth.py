"""Growth measurements: the typed weight and length read exactly, the typing-slip checks
with their reasons beside the field, the BSA for information only, the timeline lane and
the summary lines."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pytest
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st

from tracker import timeline as layout
from tracker.forms import FormErrors
from tracker.kinds import by_key
from tracker.kinds.growth import (
    BSA_LABEL,
    LOINC_BODY_HEIGHT,
    LOINC_BODY_WEIGHT,
    LOINC_HEAD_CIRCUMFERENCE,
    LOINC_INFANT_LENGTH,
    bsa_line,
    bsa_m2,
    format_kg,
    growth_from_form,
    latest_bsa,
    parse_length,
    parse_weight,
    validate_growth,
    weight_line,
)
from tracker.model import Child, Growth
from tracker.store import Record, RecordError
from tracker.summary import build_summary

MILA = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)
LB = Fraction("0.45359237")


def _form(**fields: str) -> Growth:
    return growth_from_form({"date": "2026-11-20", **fields}, child=MILA, today=TODAY)


def _errors(**fields: str) -> dict[str, str]:
    with pytest.raises(FormErrors) as caught:
        _form(**fields)
    return caught.value.errors


# ---------------------------------------------------------------------- reading what was typed


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("7.85 kg", 7.85),
        ("7,85 kg", 7.85),
        ("7.85kg", 7.85),
        ("7850 g", 7.85),
        ("15 lb", float(15 * LB)),
        ("15 lbs", float(15 * LB)),
        ("15 lb 4 oz", float((15 + Fraction(4, 16)) * LB)),
        ("15lb 4oz", float((15 + Fraction(4, 16)) * LB)),
        ("15  LB  4.5 oz", float((15 + Fraction(9, 32)) * LB)),
    ],
)
def test_a_weight_is_read_with_its_unit_exactly(text: str, kg: float) -> None:
    assert parse_weight(text) == kg


def test_a_pound_is_exactly_0_45359237_kg_and_an_ounce_a_sixteenth() -> None:
    assert parse_weight("1 lb") == 0.45359237
    assert parse_weight("0 lb 8 oz") == 0.45359237 / 2
    assert parse_length("1 in") == 2.54
    assert parse_length("10 in") == 25.4


@given(lb=st.integers(0, 60), oz=st.integers(0, 15), sixteenths=st.integers(0, 9))
def test_any_typed_pounds_and_ounces_give_the_exact_kg(lb: int, oz: int, sixteenths: int) -> None:
    oz_text = f"{oz}.{sixteenths}" if sixteenths else str(oz)
    exact = (lb + Fraction(oz_text) / 16) * LB
    assert parse_weight(f"{lb} lb {oz_text} oz") == float(exact)
    assert parse_weight(f"{lb}lb{oz_text}oz") == float(exact)


@given(st.decimals(min_value="0.001", max_value="200", places=3, allow_nan=False))
def test_any_typed_kg_or_g_reads_back_as_typed(value: object) -> None:
    text = f"{value}"
    assert parse_weight(f"{text} kg") == float(Fraction(text))
    assert parse_weight(f"{text} g") == float(Fraction(text) / 1000)


@given(st.text(max_size=20))
def test_any_other_text_is_a_weight_or_a_plain_refusal(text: str) -> None:
    try:
        kg = parse_weight(text)
    except ValueError as exc:
        assert str(exc).startswith("Weight: ")
    else:
        assert kg >= 0 and math.isfinite(kg)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("7.85", "has no unit; write kg, g, lb or lb and oz"),
        ("7.85 stone", "is not a weight this program reads"),
        ("15 lb 16 oz", "a pound has 16 ounces"),
        ("1,200 g", "Weight: "),
    ],
)
def test_a_weight_that_cannot_be_read_says_why(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=r"^Weight: ") as caught:
        parse_weight(text)
    assert words in str(caught.value)


def test_a_length_needs_its_unit() -> None:
    with pytest.raises(ValueError, match="“68” has no unit; write cm, mm or in"):
        parse_length("68")


def test_kg_is_shown_with_up_to_three_decimals() -> None:
    assert format_kg(7.85) == "7.85 kg"
    assert format_kg(parse_weight("15 lb 4 oz")) == "6.917 kg"
    assert format_kg(7.0) == "7 kg"


def test_the_loinc_codes_are_kept_for_later() -> None:
    assert (LOINC_BODY_WEIGHT, LOINC_BODY_HEIGHT, LOINC_INFANT_LENGTH) == (
        "29463-7",
        "8302-2",
        "8306-3",
    )
    assert LOINC_HEAD_CIRCUMFERENCE == "9843-4"


# ---------------------------------------------------------------------- the form and its checks


def test_the_form_keeps_what_was_typed_beside_kg_and_cm() -> None:
    g = _form(weight_text=" 15 lb  4 oz ", length_text="26.75 in", measured_by="home scale")
    assert g.weight_text == "15 lb 4 oz"
    assert g.weight_kg == float((15 + Fraction(1, 4)) * LB)
    assert (g.length_text, g.length_cm) == ("26.75 in", float(Fraction("26.75") * 254 / 100))
    assert (g.head_text, g.head_cm) == ("", None)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"weight_text": "80 kg"}, "weight_text", "80 kg is outside 0.3–30 kg"),
        ({"weight_text": "0.2 kg"}, "weight_text", "0.2 kg is outside 0.3–30 kg"),
        ({"weight_text": "200 lb"}, "weight_text", "200 lb (90.718 kg) is outside"),
        ({"length_text": "400 cm"}, "length_text", "400 cm is outside 20–130 cm"),
        ({"head_text": "430 cm"}, "head_text", "Head circumference: 430 cm is outside"),
        ({"weight_text": "7.85"}, "weight_text", "has no unit"),
        ({"length_text": "68"}, "length_text", "Length/height: “68” has no unit"),
        ({}, "weight_text", "give at least one of weight, length/height or head"),
        (
            {"date": "2025-12-31", "weight_text": "3.4 kg"},
            "date",
            "2025-12-31 is before Mila's date of birth",
        ),
        ({"date": "2026-11-25", "weight_text": "7.9 kg"}, "date", "is in the future"),
    ],
)
def test_each_problem_is_named_beside_its_field(
    fields: dict[str, str], field: str, words: str
) -> None:
    errors = _errors(**fields)
    assert words in errors[field], errors


def test_the_slip_check_says_it_is_a_typing_check_not_a_clinical_limit() -> None:
    message = _errors(weight_text="80 kg")["weight_text"]
    assert message == (
        "Weight: 80 kg is outside 0.3–30 kg, this program's check against typing slips for "
        "a child under 2; check the number and its unit"
    )


def test_older_children_get_wider_slip_checks() -> None:
    older = Child(name="Sam", birth_date=dt.date(2016, 1, 10), id=2)
    g = Growth(2, dt.date(2026, 11, 20), weight_text="45 kg", weight_kg=45.0)
    assert validate_growth(g, older) == {}
    assert "for a child under 2" in validate_growth(g, MILA)["weight_text"]
    huge = Growth(2, dt.date(2026, 11, 20), weight_text="450 kg", weight_kg=450.0)
    assert "450 kg is outside 1–250 kg" in validate_growth(huge, older)["weight_text"]


def test_a_value_that_disagrees_with_its_text_is_refused() -> None:
    g = Growth(1, dt.date(2026, 11, 20), weight_text="7.85 kg", weight_kg=78.5)
    assert "does not match “7.85 kg”" in validate_growth(g, MILA)["weight_text"]


def test_the_store_refuses_what_the_form_refuses(record: Record, child: Child) -> None:
    assert child.id is not None
    slip = Growth(child.id, dt.date(2026, 11, 20), weight_text="80 kg", weight_kg=80.0)
    with pytest.raises(RecordError, match="typing slips"):
        record.save(slip)
    assert record.entries(Growth, child.id) == []


# ---------------------------------------------------------------------- BSA, for information


def test_bsa_is_mosteller_and_only_for_a_weight_and_length_of_one_day() -> None:
    assert bsa_m2(68.0, 7.85) == math.sqrt(68.0 * 7.85 / 3600)
    day = dt.date(2026, 11, 20)
    weight = Growth(1, day, weight_text="7.85 kg", weight_kg=7.85, id=1)
    length = Growth(1, day, length_text="68 cm", length_cm=68.0, id=2)
    other_day = Growth(1, dt.date(2026, 10, 20), length_text="66 cm", length_cm=66.0, id=3)
    assert latest_bsa([weight]) is None
    assert latest_bsa([weight, other_day]) is None  # never across days
    bsa = latest_bsa([weight, length, other_day])
    assert bsa is not None and bsa.date == day
    assert bsa.text == "0.39\u00a0m²"
    line = bsa_line([weight, length])
    assert line == ("BSA (Mosteller formula), for information only: 0.39\u00a0m² on 2026-11-20")
    assert BSA_LABEL in line


def test_no_dose_and_no_other_kind_uses_the_bsa() -> None:
    kind = by_key("growth")
    assert [f.name for f in kind.fields if "bsa" in f.name] == []  # not stored, not exported


# ---------------------------------------------------------------------- summary and timeline


def test_the_summary_names_the_latest_weight_and_the_bsa() -> None:
    entries = [
        Growth(1, dt.date(2026, 10, 20), weight_text="15 lb 4 oz", weight_kg=6.9172836425, id=1),
        Growth(
            1,
            dt.date(2026, 11, 20),
            weight_text="7.85 kg",
            weight_kg=7.85,
            length_text="68 cm",
            length_cm=68.0,
            id=2,
        ),
    ]
    s = build_summary(
        MILA,
        phases=[],
        milestones=[],
        counts=[],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        growth=entries,
    )
    assert s.growth[0] == "Latest weight 7.85 kg on 2026-11-20"
    assert s.growth[1].startswith(BSA_LABEL + ": 0.39\u00a0m² on 2026-11-20")
    assert weight_line(entries[:1]) == "Latest weight 15 lb 4 oz (6.917 kg) on 2026-10-20"
    assert bsa_line(entries[:1]) is None


def test_the_summary_has_no_growth_lines_without_a_weight() -> None:
    s = build_summary(
        MILA,
        phases=[],
        milestones=[],
        counts=[],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        growth=[Growth(1, dt.date(2026, 11, 20), head_text="43 cm", head_cm=43.0, id=1)],
    )
    assert s.growth == []


def test_the_weight_lane_has_a_mark_per_measurement() -> None:
    entries = [
        Growth(1, dt.date(2026, 10, 20), weight_text="15 lb 4 oz", weight_kg=6.9172836425, id=1),
        Growth(1, dt.date(2026, 11, 2), length_text="68 cm", length_cm=68.0, id=2),
        Growth(1, dt.date(2026, 11, 20), weight_text="7.85 kg", weight_kg=7.85, id=3),
    ]
    t = layout.build([], [], [], [], TODAY, lanes=["growth"], growth=entries)
    lane = t.lane("growth")
    assert lane is not None and lane.title == "Weight"
    assert [m.label for m in lane.marks] == ["6.917 kg", "", "7.85 kg"]
    assert [m.filled for m in lane.marks] == [True, False, True]  # hollow: no weight that day
    assert [m.ref for m in lane.marks] == [layout.Ref("growth", i) for i in (1, 2, 3)]
    assert lane.marks[0].tooltip == "2026-10-20\nWeight: 15 lb 4 oz (6.917 kg)"
    assert lane.marks[1].tooltip == "2026-11-02\nLength/height: 68 cm"
    assert t.first == layout.x_of(dt.date(2026, 10, 20)) + 0.5


def test_attack_findings_of_the_first_piece() -> None:
    """The independent attack: a BSA of an older day beside today's weight; a value typed in
    kg / cm shown rounded; an import message that did not name the number in the file."""
    import datetime as dt

    from tracker.kinds import growth as g
    from tracker.model import Child, Growth

    old = Growth(1, dt.date(2025, 5, 20), "6.42 kg", 6.42, "60 cm", 60.0)
    new = Growth(1, dt.date(2026, 11, 28), "10.1 kg", 10.1)
    assert g.bsa_line([old, new]) is None, "no BSA beside a newer weight"
    assert g.bsa_line([old]) is not None
    assert g.shown("68.25 cm", 68.25, "cm") == "68.25 cm"
    child = Child("Mila", dt.date(2026, 1, 10), id=1)
    wrong = Growth(1, dt.date(2026, 11, 20), "9.58 kg", 95.8)
    [message] = g.validate_growth(wrong, child).values()
    assert "95.8 kg" in message and "9.58 kg" in message


# ---------------------------------------------------------------- leftovers of the first piece


@pytest.mark.parametrize(
    ("text", "label", "words"),
    [
        ("-1 kg", "Weight", "Weight: “-1 kg” is below zero; a weight cannot be negative"),
        ("−2.5 lb", "Weight", "Weight: “−2.5 lb” is below zero; a weight cannot be negative"),
        ("-68 cm", "Length/height", "Length/height: “-68 cm” is below zero; a length cannot"),
        ("-43 cm", "Head circumference", "Head circumference: “-43 cm” is below zero; a head"),
    ],
)
def test_a_negative_measurement_is_refused_as_negative(text: str, label: str, words: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_weight(text) if label == "Weight" else parse_length(text, label)
    assert str(caught.value).startswith(words), str(caught.value)


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("7.85 kgs", 7.85),
        ("7.85 kilo", 7.85),
        ("7.85 kilos", 7.85),
        ("7.85 kilogram", 7.85),
        ("7.85 Kilograms", 7.85),
        ("7.85 kilogrammes", 7.85),
        ("7850 gram", 7.85),
        ("7850 grams", 7.85),
        ("7850 gm", 7.85),
        ("7850 gms", 7.85),
        ("15 pounds", float(15 * LB)),
        ("1 pound", float(LB)),
        ("15 pounds 4 ounces", float((15 + Fraction(4, 16)) * LB)),
        ("15 lbs 1 ounce", float((15 + Fraction(1, 16)) * LB)),
    ],
)
def test_the_unambiguous_spellings_of_a_weight_unit_are_read(text: str, kg: float) -> None:
    assert parse_weight(text) == kg


@pytest.mark.parametrize("text", ["7.85 gr", "7.85 k", "7.85 st", "7.85 stone", "7.85 mg"])
def test_an_ambiguous_or_unusual_weight_unit_is_still_refused(text: str) -> None:
    """ "gr" is a grain as often as a gram; "k" is not a unit; stones and mg are no infant's."""
    with pytest.raises(ValueError, match="is not a weight this program reads"):
        parse_weight(text)


@pytest.mark.parametrize(
    ("text", "cm"),
    [
        ("680 mm", 68.0),
        ("682.5mm", 68.25),
        ("680 millimetres", 68.0),
        ("680 millimeters", 68.0),
        ("68 cms", 68.0),
        ("68 centimetres", 68.0),
        ("68 centimeter", 68.0),
    ],
)
def test_a_length_in_mm_or_spelled_out_is_read(text: str, cm: float) -> None:
    assert parse_length(text) == cm
    assert parse_length(text, "Head circumference") == cm


def test_a_measurement_in_kg_or_cm_spelled_otherwise_is_shown_as_typed_only() -> None:
    from tracker.kinds.growth import shown

    assert shown("7.85 kgs", 7.85, "kg") == "7.85 kgs"
    assert shown("7.85 kilos", 7.85, "kg") == "7.85 kilos"
    assert shown("68 cms", 68.0, "cm") == "68 cms"
    assert shown("680 mm", 68.0, "cm") == "680 mm (68 cm)"
    assert shown("7850 grams", 7.85, "kg") == "7850 grams (7.85 kg)"


def test_a_form_with_mm_keeps_what_was_typed() -> None:
    g = _form(length_text="680 mm", head_text="430 mm")
    assert (g.length_text, g.length_cm, g.head_text, g.head_cm) == ("680 mm", 68.0, "430 mm", 43.0)


# ---------------------------------------------------------------------- the growth chart


def test_the_growth_chart_draws_each_measure_by_age_in_its_own_unit() -> None:
    from tracker.growth_chart import NOTE, build_growth_chart

    entries = [
        Growth(1, dt.date(2026, 3, 10), "15 lb 4 oz", 6.9172836425, "680 mm", 68.0, id=1),
        Growth(1, dt.date(2026, 4, 10), head_text="43 cm", head_cm=43.0, measured_by="ward", id=2),
        Growth(1, dt.date(2026, 5, 10), weight_text="7.85 kg", weight_kg=7.85, id=3),
    ]
    chart = build_growth_chart(entries, MILA.birth_date)
    weight, length, head = chart.series
    assert [(s.key, s.title, s.unit) for s in chart.series] == [
        ("weight", "Weight", "kg"),
        ("length", "Length/height", "cm"),
        ("head", "Head circumference", "cm"),
    ]
    assert [(p.age, p.value) for p in weight.points] == [(59.0, 6.9172836425), (120.0, 7.85)]
    assert [p.ref for p in weight.points] == [layout.Ref("growth", 1), layout.Ref("growth", 3)]
    assert [p.value for p in length.points] == [68.0]
    assert weight.points[0].tooltip == ("2026-03-10 · age 2 months\nWeight: 15 lb 4 oz (6.917 kg)")
    assert length.points[0].tooltip.endswith("Length/height: 680 mm (68 cm)")
    assert head.points[0].tooltip.endswith("Head circumference: 43 cm\nMeasured by: ward")
    assert chart.x0 == 0.0 and chart.x1 > 120
    assert "the child's own measurements; no reference curves" in NOTE.lower()
    assert chart.note == NOTE
    for s in chart.series:  # every point inside its axis, the axis not from 0 kg / 0 cm
        assert all(s.y_low <= p.value <= s.y_high for p in s.points)
        assert s.y_ticks[0] == s.y_low and s.y_ticks[-1] == s.y_high
        assert 3 <= len(s.y_ticks) <= 7
    assert length.y_low > 50


def test_the_growth_chart_age_axis_falls_on_whole_months_of_age() -> None:
    from tracker.growth_chart import age_label, age_ticks

    birth = dt.date(2026, 1, 31)
    ticks = age_ticks(birth, 0, 400, width_px=800)
    assert [t.label for t in ticks[:4]] == ["birth", "1 mo", "2 mo", "3 mo"]
    assert ticks[1].age == (dt.date(2026, 2, 28) - birth).days  # one month old on 28 Feb
    assert ticks[12].label == "1 y"
    wide = age_ticks(birth, 0, 3650, width_px=600)
    assert all(t.label.endswith(" y") or t.label == "birth" for t in wide)
    assert (age_label(18), age_label(120)) == ("1 y 6 mo", "10 y")


def test_a_growth_chart_of_an_older_child_starts_near_the_first_measurement() -> None:
    from tracker.growth_chart import build_growth_chart

    older = [Growth(2, dt.date(2026, 1, 10), weight_text="30 kg", weight_kg=30.0, id=1)]
    chart = build_growth_chart(older, dt.date(2016, 1, 10))
    assert 3600 < chart.x0 < chart.x1
    assert build_growth_chart([], MILA.birth_date).empty
