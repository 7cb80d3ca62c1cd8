"""Temperatures (°C / °F as typed), the team's fever rule and symptoms: the reading, the
typing slips, the mark against the rule in force, the summary section, the timeline lanes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import fever, timeline
from tracker.forms import FormErrors
from tracker.kinds.kind import Context
from tracker.kinds.symptom import symptom_from_form
from tracker.kinds.temperature import (
    TEMPERATURE,
    default_site,
    fever_rule_from_form,
    temperature_from_form,
)
from tracker.model import (
    Child,
    FeverRule,
    Symptom,
    SymptomWhat,
    Temperature,
    TemperatureSite,
    TemperatureUnit,
)
from tracker.summary import build_summary

TODAY = dt.date(2026, 11, 24)
C, F = TemperatureUnit.CELSIUS, TemperatureUnit.FAHRENHEIT
CHILD = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)


def reading(text: str, unit: str = "", day: str = "2026-11-20", **more: str) -> Temperature:
    return temperature_from_form(
        {"date": day, "time": "21:40", "value_text": text, "unit": unit, **more},
        child=CHILD,
        today=TODAY,
    )


def refusal(text: str, unit: str = "", **more: str) -> dict[str, str]:
    with pytest.raises(FormErrors) as info:
        reading(text, unit, **more)
    return info.value.errors


def rule(value: str, unit: str, given_on: str, text: str = "", id: int = 1) -> FeverRule:
    r = fever_rule_from_form(
        {"given_on": given_on, "value_text": value, "unit": unit, "rule_text": text},
        child=CHILD,
        today=TODAY,
    )
    return replace(r, id=id)


# ---------------------------------------------------------------------- the reading


@pytest.mark.parametrize(
    ("typed", "unit", "want_unit", "celsius"),
    [
        ("38.4", "C", C, 38.4),
        ("38,4", "C", C, 38.4),
        ("38.4 °C", "", C, 38.4),
        ("38.4°c", "", C, 38.4),
        ("101.3 F", "", F, (101.3 - 32) * 5 / 9),
        ("100.4", "F", F, 38.0),
        ("100.4 ºF", "F", F, 38.0),
        ("38.4 deg C", "", C, 38.4),
    ],
)
def test_a_reading_is_kept_as_typed_beside_its_celsius(
    typed: str, unit: str, want_unit: TemperatureUnit, celsius: float
) -> None:
    t = reading(typed, unit)
    assert t.value_text == typed and t.unit is want_unit
    assert t.celsius == pytest.approx(celsius, abs=1e-9)
    assert TEMPERATURE.problems(t, Context(CHILD, TODAY)) == {}


def test_both_units_are_shown_the_typed_one_first() -> None:
    assert fever.shown("38.4", C) == "38.4 °C (101.1 °F)"
    assert fever.shown("38,4 °C", C) == "38,4 °C (101.1 °F)"
    assert fever.shown("100.4 °F", F) == "100.4 °F (38.0 °C)"  # one decimal, as 38.0 °C is


def test_the_other_unit_is_always_shown_to_one_decimal() -> None:
    """One helper for every converted value: "38.0 °C" beside 100.4 °F, as the card and
    the fever rule show 38.0, never "38 °C" on one screen and "38.0 °C" on the next."""
    assert fever.shown("38", C) == "38 °C (100.4 °F)"
    assert fever.shown("37", C) == "37 °C (98.6 °F)"
    assert fever.shown("98.6", F) == "98.6 °F (37.0 °C)"
    assert fever.shown("102", F) == "102 °F (38.9 °C)"
    assert fever.rule_text(rule("100.4", "F", "2026-11-01")) == "At or above 100.4 °F (38.0 °C)"


@pytest.mark.parametrize(
    ("typed", "unit", "said"),
    [
        ("-5", "C", "Temperature: -5 °C is outside 30–45 °C (86–113 °F)"),
        ("-5", "F", "Temperature: -5 °F is outside 30–45 °C (86–113 °F)"),
        ("−5 °C", "", "Temperature: −5 °C is outside 30–45 °C (86–113 °F)"),
        ("-5", "", "Temperature: -5 is outside 30–45 °C (86–113 °F)"),
    ],
)
def test_a_value_below_zero_says_which_range_is_accepted(typed: str, unit: str, said: str) -> None:
    message = refusal(typed, unit)["value_text"]
    assert message.startswith(said), message
    assert "typing slips" in message


def test_a_celsius_that_disagrees_with_its_fahrenheit_text_names_two_different_numbers() -> None:
    """100.4 °F is exactly 38.0 °C: a file's 38.00001 is refused, and the message must not
    read "38 does not match …, which is 38"."""
    t = reading("100.4", "F")
    bad = replace(t, celsius=38.00001)
    message = TEMPERATURE.problems(bad, Context(CHILD, TODAY))["value_text"]
    assert message == (
        "Temperature: the value in °C (38.00001) does not match “100.4”, which is 38.0 °C"
    )


@pytest.mark.parametrize("typed", ["3.8", "380", "101", "3,8"])
def test_a_typing_slip_says_what_would_be_accepted(typed: str) -> None:
    message = refusal(typed, "C")["value_text"]
    assert message.startswith(f"Temperature: {typed} °C is outside 30–45 °C (86–113 °F)")
    assert "typing slips" in message and "clinical" not in message


def test_a_celsius_number_typed_as_fahrenheit_is_a_slip() -> None:
    assert "outside 30–45 °C" in refusal("38.4", "F")["value_text"]


def test_a_number_without_a_unit_is_refused_not_guessed() -> None:
    message = refusal("38.4")["value_text"]
    assert message == "Temperature: “38.4” has no unit; choose °C or °F (or type it: 38.4 °C)"


def test_the_typed_unit_and_the_chosen_one_must_agree() -> None:
    assert "is in °F but °C is chosen" in refusal("101.3 °F", "C")["value_text"]


def test_dates_before_birth_and_in_the_future_are_refused_beside_the_date() -> None:
    assert "before Mila's date of birth" in refusal("38.4", "C", date="2025-12-31")["date"]
    future = refusal("38.4", "C", date="2026-11-25")["date"]
    assert "in the future; today is 2026-11-24" in future


def test_a_slip_and_a_date_before_birth_are_both_named() -> None:
    errors = refusal("380", "C", date="2025-12-31")
    assert "outside 30–45 °C" in errors["value_text"]
    assert "before Mila's date of birth" in errors["date"]


def test_other_needs_its_words_and_rectal_is_never_a_choice() -> None:
    assert "type how" in refusal("38.4", "C", site="other")["site_text"]
    assert "rectal" not in {s.value for s in TemperatureSite}
    with pytest.raises(FormErrors) as info:
        reading("38.4", "C", site="rectal")
    assert "is not one of the choices" in info.value.errors["site"]


def test_armpit_first_for_an_infant_and_nothing_chosen_for_an_older_child() -> None:
    assert default_site(CHILD, dt.date(2026, 6, 1)) is TemperatureSite.ARMPIT
    assert default_site(CHILD, dt.date(2027, 2, 1)) is None


def test_an_imported_celsius_that_disagrees_with_its_text_is_refused() -> None:
    t = reading("38.4", "C")
    bad = replace(t, celsius=39.4)
    assert "does not match “38.4”" in TEMPERATURE.problems(bad, Context(CHILD, TODAY))["value_text"]


NUMBERS = st.decimals(min_value="30", max_value="45", places=2, allow_nan=False)


@given(NUMBERS, st.sampled_from(["", " ", "°C", " °C", " C", "c", " celsius"]))
def test_any_celsius_reading_reads_back_exactly(value, suffix: str) -> None:  # type: ignore[no-untyped-def]
    typed = f"{value}{suffix}"
    unit, celsius = fever.parse_temperature(typed, C)
    assert unit is C and celsius == float(Fraction(str(value)))


@given(NUMBERS)
def test_any_fahrenheit_reading_converts_exactly_and_back(value) -> None:  # type: ignore[no-untyped-def]
    f = fever.from_celsius(Fraction(str(value)), F)
    typed = f"{float(f)} °F"
    unit, celsius = fever.parse_temperature(typed, None)
    assert unit is F and celsius == pytest.approx(float(value), abs=1e-9)


@given(st.text(max_size=12))
def test_any_text_reads_or_is_refused_with_a_sentence(text: str) -> None:
    try:
        fever.parse_temperature(text, C)
    except ValueError as exc:
        assert str(exc).startswith("Temperature: ")


# ---------------------------------------------------------------------- the team's rule


def test_no_rule_no_mark() -> None:
    assert not fever.at_or_above(reading("41.0", "C"), [])


def test_a_reading_at_the_rule_is_marked_across_units() -> None:
    rules = [rule("100.4", "F", "2026-06-01")]
    assert fever.at_or_above(reading("38.0", "C"), rules)  # 100.4 °F is 38.0 °C exactly
    assert fever.at_or_above(reading("100.4", "F"), rules)
    assert not fever.at_or_above(reading("37.9", "C"), rules)


def test_the_rule_in_force_is_the_newest_given_by_the_readings_date() -> None:
    old = rule("38.5", "C", "2026-02-01", "≥ 38.5 °C: phone", id=1)
    new = rule("38.0", "C", "2026-09-01", "≥ 38.0 °C: phone the ward", id=2)
    rules = [new, old]
    assert fever.rule_on(rules, dt.date(2026, 1, 31)) is None
    assert fever.rule_on(rules, dt.date(2026, 8, 31)) is old
    assert fever.rule_on(rules, dt.date(2026, 9, 1)) is new
    assert not fever.at_or_above(reading("38.2", "C", day="2026-08-31"), rules)
    assert fever.at_or_above(reading("38.2", "C", day="2026-09-01"), rules)
    assert not fever.at_or_above(reading("38.9", "C", day="2026-01-20"), rules)


def test_the_rule_as_typed_or_its_number() -> None:
    assert fever.rule_text(rule("38.0", "C", "2026-06-01", " ≥ 38.0 °C once ")) == "≥ 38.0 °C once"
    assert fever.rule_text(rule("38.0", "C", "2026-06-01")) == "At or above 38.0 °C (100.4 °F)"


def test_one_rule_a_day_and_its_number_is_checked_like_a_reading() -> None:
    first = rule("38.0", "C", "2026-06-01")
    with pytest.raises(FormErrors) as info:
        fever_rule_from_form(
            {"given_on": "2026-06-01", "value_text": "38.5", "unit": "C"},
            child=CHILD,
            today=TODAY,
            others=(first,),
        )
    assert "already entered" in info.value.errors["given_on"]
    with pytest.raises(FormErrors) as info:
        fever_rule_from_form(
            {"given_on": "2026-06-01", "value_text": "380", "unit": "C"}, child=CHILD, today=TODAY
        )
    assert info.value.errors["value_text"].startswith("Fever number: 380 °C is outside")


# ---------------------------------------------------------------------- symptoms


def symptom(**f: str) -> Symptom:
    return symptom_from_form(
        {"date": "2026-11-10", "what": "vomiting", **f}, child=CHILD, today=TODAY
    )


def test_a_symptom_grade_is_kept_with_its_ctcae_version() -> None:
    s = symptom(grade="2", severity="moderate")
    assert s.grade == 2 and s.grade_version == "CTCAE v5.0"
    assert symptom().grade_version == ""


def test_a_symptom_grade_is_1_to_4_grade_5_is_not_offered() -> None:
    from tracker.kinds.symptom import GRADES, validate_symptom

    assert GRADES == (1, 2, 3, 4)
    assert symptom(grade="4").grade == 4
    with pytest.raises(FormErrors) as info:
        symptom(grade="5")
    assert "choose 1 to 4" in info.value.errors["grade"]
    stored = replace(symptom(grade="4"), grade=5)
    assert "choose 1 to 4" in validate_symptom(stored)["grade"]


def test_the_store_refuses_grade_5_and_keeps_the_new_symptoms(record, child) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from tracker.store import ValidationFailed

    base = Symptom(child.id, dt.date(2026, 11, 10), SymptomWhat.VOMITING)
    with pytest.raises(ValidationFailed):
        record.save(replace(base, grade=5, grade_version="CTCAE v5.0"))
    for what in ("feeding_refusal", "line_site"):
        saved, _ = record.save(replace(base, what=SymptomWhat(what)))
        assert saved.what.value == what
    with pytest.raises(sqlite3.IntegrityError):
        record._conn.execute(  # the table's own CHECK, under the program's rules
            "UPDATE symptom SET grade = 5, grade_version = 'CTCAE v5.0' WHERE id = ?",
            (saved.id,),
        )


def test_the_symptom_list_has_domain_5_4s_feeding_and_central_line_rows() -> None:
    from tracker.kinds.symptom import WHAT_LABELS

    assert WHAT_LABELS["feeding_refusal"] == "Feeding refusal or drooling"
    assert WHAT_LABELS["line_site"] == "Central line site red, swollen or oozing"
    assert symptom(what="line_site").what is SymptomWhat.LINE_SITE


def test_a_symptom_ending_before_it_started_is_refused_beside_the_end() -> None:
    with pytest.raises(FormErrors) as info:
        symptom(end_date="2026-11-09")
    assert info.value.errors["end_date"] == "Until: 2026-11-09 is before it started (2026-11-10)"


def test_other_symptom_needs_its_words() -> None:
    with pytest.raises(FormErrors) as info:
        symptom(what="other")
    assert "type what it was" in info.value.errors["what_text"]


# ---------------------------------------------------------------------- the summary


def _summary(temps, rules, symptoms, start="2026-11-01", end="2026-11-24"):  # type: ignore[no-untyped-def]
    return build_summary(
        CHILD,
        phases=[],
        milestones=[],
        counts=[],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
        temperatures=temps,
        fever_rules=rules,
        symptoms=symptoms,
    )


def test_the_summary_lists_the_range_marked_readings_and_symptoms() -> None:
    temps = [
        reading("37.2", "C", day="2026-11-20"),
        reading("38.4", "C", day="2026-11-20"),
        reading("37.5", "C", day="2026-11-21", called_team="1"),
        reading("39.0", "C", day="2026-10-20"),  # before the range
    ]
    rules = [rule("38.0", "C", "2026-06-01", "≥ 38.0 °C: phone the ward")]
    s = _summary(temps, rules, [symptom(end_date="2026-11-12"), symptom(date="2026-10-01")])
    assert s.fever_rule == (
        "Your team's fever rule (as you typed it, given 2026-06-01): ≥ 38.0 °C: phone the ward"
    )
    assert [(t.reading, t.marked, t.done) for t in s.temperatures] == [
        ("38.4 °C (101.1 °F)", True, ""),
        ("37.5 °C (99.5 °F)", False, "Called the team"),
    ]
    assert s.temperature_count == (
        "3 temperatures recorded in this range; the highest 38.4 °C (101.1 °F) on 2026-11-20."
    )
    assert s.temperatures_listed == (
        "Listed: the readings at or above your team's fever number and those with something "
        "done; the others are only counted."
    )
    assert _summary(temps, [], []).temperatures_listed == (
        "Listed: the readings with something done (no fever rule from your team is entered); "
        "the others are only counted."
    )
    assert [(x.dates, x.what) for x in s.symptoms] == [("2026-11-10 – 2026-11-12", "Vomiting")]
    assert s.nothing_new == ""  # a fever night is something new


def test_without_a_rule_the_summary_marks_nothing() -> None:
    s = _summary([reading("40.1", "C")], [], [])
    assert s.fever_rule == "" and s.temperatures == []
    assert s.temperature_count.startswith("1 temperature recorded")


# ---------------------------------------------------------------------- the timeline


def _saved(t: Temperature, id: int) -> Temperature:
    return replace(t, id=id)


def test_the_temperature_lane_marks_only_readings_at_the_rule() -> None:
    temps = [_saved(reading("37.6", "C"), 1), _saved(reading("38.2", "C", time="22:30"), 2)]
    rules = [rule("38.0", "C", "2026-06-01")]
    built = timeline.build([], [], [], [], TODAY, lanes=["temperatures"], temperatures=temps)
    lane = built.lanes[0]
    assert [(m.shape, m.filled, m.kind) for m in lane.marks] == [
        ("circle", False, "temperature"),
        ("circle", False, "temperature"),
    ]
    built = timeline.build(
        [], [], [], [], TODAY, lanes=["temperatures"], temperatures=temps, fever_rules=rules
    )
    marks = built.lanes[0].marks
    assert [(m.shape, m.filled, m.kind) for m in marks] == [
        ("circle", False, "temperature"),
        ("triangle", True, timeline.AT_FEVER_NUMBER),
    ]
    assert [m.label for m in marks] == ["highest 38.2 °C", ""]  # one label a day
    assert marks[1].x == timeline.x_of(dt.date(2026, 11, 20), dt.time(22, 30))
    assert "At or above your team's fever number" in marks[1].tooltip
    assert "38.2 °C (100.8 °F)" in marks[1].tooltip


def test_the_symptom_lane_draws_bars_over_the_days() -> None:
    one = Symptom(1, dt.date(2026, 11, 10), SymptomWhat.VOMITING, id=1)
    long = Symptom(
        1, dt.date(2026, 11, 10), SymptomWhat.MOUTH_SORES, end_date=dt.date(2026, 11, 14), id=2
    )
    built = timeline.build([], [], [], [], TODAY, lanes=["symptoms"], symptoms=[one, long])
    lane = built.lanes[0]
    assert lane.drawn_as_spans and lane.rows == 2
    spans = sorted(lane.spans, key=lambda s: s.ref.id)
    assert [(s.x1 - s.x0, s.label) for s in spans] == [(1.0, "Vomiting"), (5.0, "Mouth sores")]


def test_two_rules_of_one_day_in_a_file_name_the_first() -> None:
    import json
    from pathlib import Path

    from tracker.io.json_import import JsonImportError, read_export

    doc = json.loads((Path(__file__).parent / "golden" / "demo-export.json").read_text("utf-8"))
    rules = doc["children"][0]["fever_rules"]
    rules.append(dict(rules[0], uid="00000000-0000-4000-8000-00000000ffff", rule_text="again"))
    with pytest.raises(JsonImportError) as info:
        read_export(json.dumps(doc).encode(), dt.date(2026, 6, 15))
    found = [p for p in info.value.problems if "fever rule" in p]
    assert found and "fever_rules[0]" in found[0], info.value.problems


def test_a_redacted_summary_redacts_what_was_typed_beside_a_reading() -> None:
    temps = [reading("38.4", "C", note="Mila was hot", called_team="1")]
    s = build_summary(
        CHILD,
        phases=[],
        milestones=[],
        counts=[],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        start=dt.date(2026, 11, 1),
        end=TODAY,
        redact=True,
        temperatures=temps,
        symptoms=[symptom(note="Mila drooled")],
    )
    assert s.temperatures and "Mila" not in s.temperatures[0].note
    assert s.symptoms and "Mila" not in s.symptoms[0].note


def test_an_import_refuses_a_grade_5_symptom(record, child, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from conftest import NOW, fixed_clock

    from tracker.io.json_export import export_record
    from tracker.io.json_import import JsonImportError, load_export, read_export
    from tracker.store import Record

    record.save(
        Symptom(
            child.id,
            dt.date(2026, 11, 10),
            SymptomWhat.LINE_SITE,
            grade=4,
            grade_version="CTCAE v5.0",
        )
    )
    data = export_record(record, NOW)
    data["children"][0]["symptoms"][0]["grade"] = 5  # type: ignore[index]
    with pytest.raises(JsonImportError) as caught:
        contents = read_export(json.dumps(data).encode(), TODAY)
        with Record.open(tmp_path / "loaded.sqlite", create=True, clock=fixed_clock) as rec:
            load_export(rec, contents)
    assert "choose 1 to 4" in " ".join(caught.value.problems), caught.value.problems


def test_the_other_unit_is_written_with_the_locales_separator() -> None:
    """The French check found "38,6 °C (101.5 °F)": the typed number with a comma, the
    converted one with a point."""
    from tracker import fever
    from tracker.i18n import formats

    class Comma(formats.Formats):
        decimal_point = ","

    before = formats.current()
    formats.install(Comma())
    try:
        assert fever.shown("38.4", TemperatureUnit.CELSIUS).endswith("(101,1 °F)")
    finally:
        formats.install(before)
