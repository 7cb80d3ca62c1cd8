"""Reference ranges by age, flags, neutropenia categories, CTCAE grades and team notes."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

import resources
from tracker import analytes, ranges
from tracker.forms import parse_range
from tracker.model import Comparator, CountValue, TeamThreshold, ThresholdPurpose
from tracker.ranges import (
    FlagKind,
    NoteKind,
    RangeUsed,
    ReferenceDataError,
    anc_category,
    builtin_range,
    builtin_ranges,
    ctcae_grade,
    flag,
    range_for,
    team_notes,
)

BIRTH = dt.date(2026, 1, 10)
DOMAIN_MD = Path(__file__).resolve().parent.parent.parent / "shared" / "domain.md"


def on_day(day: int) -> dt.date:
    return BIRTH + dt.timedelta(days=day)


def at(months: int, days: int = 0) -> dt.date:
    """The date ``months`` calendar months (as the header counts them) and ``days`` from birth."""
    return BIRTH + relativedelta(months=months) + dt.timedelta(days=days)


def cv(code: str, text: str, unit: str, range_text: str = "") -> CountValue:
    """A value as the count form would build it (parsed number, unit, lab range)."""
    parsed = analytes.parse_number(text)
    low, high = parse_range(range_text) if range_text else (None, None)
    return CountValue(
        analyte=code,
        value_text=text,
        unit=unit,
        value=parsed.value,
        normalised_value=analytes.to_canonical(code, parsed.value, unit),
        canonical_unit=analytes.analyte(code).canonical_unit,
        comparator=parsed.comparator,
        range_text=range_text,
        range_low=low,
        range_high=high,
    )


def threshold(code: str, purpose: ThresholdPurpose, text: str, unit: str) -> TeamThreshold:
    return TeamThreshold(
        child_id=1,
        analyte=code,
        purpose=purpose,
        value_text=text,
        unit=unit,
        normalised_value=analytes.to_canonical(code, float(text), unit),
    )


def raw(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(resources.read_text(name))
    return data


# --------------------------------------------------------------------------- loading


def test_every_file_loads_through_the_resource_loader() -> None:
    ranges.load_all()
    assert ranges.ctcae_version() == "CTCAE v5.0"
    assert [t.name for t in ranges.reference_tables()] == [
        "Table B",
        "Table C",
        "Table A",
    ]
    assert any("day 0" in n for n in ranges.reference_notes())


def test_every_table_and_row_carries_its_source_and_status() -> None:
    for table in ranges.reference_tables():
        assert table.source.strip() and table.status == "verified"
        assert table.ranges
        for r in table.ranges:
            assert r.source == table.source and r.status == table.status
            assert r.table == table.name and r.age_label.strip()
            assert r.low is not None or r.high is not None
            assert r.starts.fewest_days < r.ends.fewest_days
            assert r.text.count(table.source) == 1


def test_limits_are_converted_to_the_canonical_unit() -> None:
    b = builtin_range("wbc", BIRTH, on_day(0))  # Table B, 9,000–30,000 /mm³
    assert b is not None and (b.low, b.high, b.unit) == (9.0, 30.0, "×10⁹/L")
    assert b.printed == "9,000–30,000 /mm³"
    hct = builtin_range("hct", BIRTH, on_day(0))  # 42–65 %
    assert hct is not None and (hct.low, hct.high, hct.unit) == (0.42, 0.65, "L/L")
    rbc = builtin_range("rbc", BIRTH, on_day(0))  # 3.9–5.9 ×10⁶/mm³
    assert rbc is not None and (rbc.low, rbc.high, rbc.unit) == (3.9, 5.9, "×10¹²/L")
    hb = builtin_range("hgb", BIRTH, on_day(0))  # 13.4–19.9 g/dL
    assert hb is not None and (hb.low, hb.high, hb.unit) == (134.0, 199.0, "g/L")
    mcv = builtin_range("mcv", BIRTH, on_day(14))  # Table A (reference text, never a flag)
    assert mcv is not None and (mcv.low, mcv.high, mcv.mean, mcv.unit) == (86.0, None, 105.0, "fL")


# --------------------------------------------------------------------------- age selection


@pytest.mark.parametrize(
    ("day", "table", "age", "low", "high"),
    [
        ((0, 0), "Table B", "0–1 month", 134.0, 199.0),
        ((0, 14), "Table B", "0–1 month", 134.0, 199.0),
        ((1, -1), "Table B", "0–1 month", 134.0, 199.0),
        ((1, 0), "Table B", "1–2 months", 107.0, 171.0),
        ((2, -1), "Table B", "1–2 months", 107.0, 171.0),
        ((2, 0), "Table B", "2–3 months", 90.0, 141.0),
        ((3, -1), "Table B", "2–3 months", 90.0, 141.0),
        ((3, 0), "Table B", "3–6 months", 95.0, 141.0),
        ((6, -1), "Table B", "3–6 months", 95.0, 141.0),
        ((6, 0), "Table B", "6–12 months", 113.0, 141.0),
        ((12, -1), "Table B", "6–12 months", 113.0, 141.0),
        ((12, 0), "Table C", "7 months–1 year", 103.0, 143.0),
        ((13, -1), "Table C", "7 months–1 year", 103.0, 143.0),
        ((13, 0), "Table A", "0.5–2 years", 105.0, None),
        ((24, -1), "Table A", "0.5–2 years", 105.0, None),
    ],
)
def test_haemoglobin_range_chosen_by_age(
    day: tuple[int, int], table: str, age: str, low: float, high: float | None
) -> None:
    b = builtin_range("hgb", BIRTH, at(*day))
    assert b is not None
    assert (b.table, b.age_label, b.low, b.high) == (table, age, low, high)


def test_no_range_past_the_tables_or_before_birth() -> None:
    assert builtin_range("hgb", BIRTH, at(24)) is None
    assert builtin_range("hgb", BIRTH, on_day(-1)) is None
    assert builtin_range("hgb", None, on_day(10)) is None
    assert builtin_range("blast_pct", BIRTH, on_day(10)) is None
    assert builtin_range("no_such_code", BIRTH, on_day(10)) is None


def tables_at(code: str, day: int | tuple[int, int]) -> list[tuple[str, str]]:
    when = at(*day) if isinstance(day, tuple) else on_day(day)
    return [(r.table, r.age_label) for r in builtin_ranges(code, BIRTH, when)]


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (10, None),
        (11, "2 weeks"),
        (14, "2 weeks"),
        (17, "2 weeks"),
        (18, "1 month"),
        (30, "1 month"),
        (45, "1 month"),
        (46, "2 months"),
        (60, "2 months"),
        (76, "2 months"),
        (77, None),
        ((3, -1), None),
        ((3, 0), "3–6 months"),
        ((6, -1), "3–6 months"),
        ((6, 0), "0.5–2 years"),
        ((24, -1), "0.5–2 years"),
        ((24, 0), None),
    ],
)
def test_table_a_point_ages_and_bands(day: int | tuple[int, int], age: str | None) -> None:
    found = [a for t, a in tables_at("hct", day) if t == "Table A"]
    assert found == ([age] if age else [])


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (0, "0–1 week"),
        (13, "0–1 week"),
        (14, "2–3 weeks"),
        (27, "2–3 weeks"),
        (28, None),
        ((1, -1), None),
        ((1, 0), "1–2 months"),
        ((3, -1), "1–2 months"),
        ((3, 0), "3–6 months"),
        ((7, -1), "3–6 months"),
        ((7, 0), "7 months–1 year"),
        ((13, -1), "7 months–1 year"),
        ((13, 0), None),
    ],
)
def test_table_c_completed_age_bands(day: int | tuple[int, int], age: str | None) -> None:
    found = [a for t, a in tables_at("hgb", day) if t == "Table C"]
    assert found == ([age] if age else [])


def test_table_c_birth_row_is_day_zero_only() -> None:
    assert ("Table C", "Birth") in tables_at("wbc", 0)
    assert [t for t, _ in tables_at("wbc", 1)] == ["Table B"]
    assert ("Table C", "1–23 months") in tables_at("wbc", (1, 0))
    assert ("Table C", "1–23 months") in tables_at("wbc", (24, -1))
    assert tables_at("wbc", (24, 0)) == []


def test_table_b_count_specific_bands() -> None:
    anc = builtin_range("anc", BIRTH, on_day(183))
    assert anc is not None and (anc.age_label, anc.low, anc.high) == ("6 mo–5 y", 1.5, 8.5)
    late = builtin_range("anc", BIRTH, on_day(1825))
    assert late is not None and late.age_label == "6 mo–5 y"
    assert builtin_range("anc", BIRTH, on_day(1826)) is None
    mono = builtin_range("mono", BIRTH, on_day(364))
    assert mono is not None and (mono.low, mono.high) == (0.3, 0.875)
    assert builtin_range("mono", BIRTH, on_day(365)) is not None  # Table C, 1–23 months
    assert tables_at("mono", 365) == [("Table C", "1–23 months")]  # B: "not in source"


def test_platelets_have_no_builtin_range() -> None:
    # Table D (the only infant platelet range) is not shipped until its correction is read.
    for months in range(25):
        assert builtin_range("plt", BIRTH, at(months)) is None


def test_tables_are_preferred_in_order() -> None:
    assert [t for t, _ in tables_at("hgb", 60)] == ["Table B", "Table C", "Table A"]
    b = builtin_range("hgb", BIRTH, on_day(60))
    assert b is not None and b.status == "verified"


# --------------------------------------------------------------------------- range_for


def test_lab_range_wins_over_the_builtin_one() -> None:
    v = cv("hgb", "10.0", "g/dL", "10.5-13.5")
    used = range_for(v, BIRTH, on_day(60))
    assert used.kind == "lab" and used.builtin is None and used.status is None
    assert (used.low, used.high, used.unit) == (105.0, 135.0, "g/L")
    assert used.source == "Range printed by your lab: 10.5-13.5 g/dL"


def test_a_one_sided_lab_range_still_wins() -> None:
    used = range_for(cv("wbc", "3.0", "K/µL", "<5"), BIRTH, on_day(60))
    assert (used.kind, used.low, used.high) == ("lab", None, 5.0)


def test_builtin_range_when_the_lab_printed_none() -> None:
    used = range_for(cv("hgb", "10.0", "g/dL"), BIRTH, on_day(50))
    assert used.kind == "builtin" and used.builtin is not None
    assert (used.low, used.high) == (107.0, 171.0)
    assert "University of Iowa Pathology Handbook" in used.source
    assert used.status == "verified"


def test_no_range_at_all() -> None:
    used = range_for(cv("hgb", "10.0", "g/dL"), BIRTH, on_day(800))
    assert used.kind is None and used.low is None and used.high is None
    assert used.source.startswith("No range")
    assert flag(cv("hgb", "1.0", "g/dL"), used) is None


@pytest.mark.parametrize(
    ("code", "text", "unit", "range_text", "low", "high"),
    [
        ("wbc", "4.1", "K/µL", "5.0-19.5", 5.0, 19.5),
        ("anc", "800", "/µL", "1500-8500", 1.5, 8.5),
        ("plt", "45", "×10⁹/L", "150-450", 150.0, 450.0),
        ("hgb", "9.1", "g/dL", "10.5-13.5", 105.0, 135.0),
        ("hgb", "91", "g/L", "105-135", 105.0, 135.0),
        ("hct", "30", "%", "33-41", 0.33, 0.41),
        ("rbc", "3.5", "M/µL", "3.9-5.5", 3.9, 5.5),
    ],
)
def test_lab_ranges_are_converted_from_the_values_unit(
    code: str, text: str, unit: str, range_text: str, low: float, high: float
) -> None:
    used = range_for(cv(code, text, unit, range_text), BIRTH, on_day(100))
    assert used.kind == "lab"
    assert used.low == pytest.approx(low) and used.high == pytest.approx(high)


def test_lab_range_in_mmol_per_litre() -> None:
    used = range_for(cv("hgb", "6.0", "mmol/L", "6.5-8.0"), BIRTH, on_day(100))
    assert used.low == pytest.approx(6.5 / 0.6206 * 10)
    assert used.high == pytest.approx(8.0 / 0.6206 * 10)
    assert flag(cv("hgb", "6.5", "mmol/L", "6.5-8.0"), used) is None


def test_unconvertible_lab_range_is_not_replaced_by_a_builtin_one() -> None:
    v = CountValue("hgb", "0", "furlongs", 0.0, 0.0, "g/L", range_low=5.0, range_high=9.0)
    used = range_for(v, BIRTH, on_day(60))
    assert used.kind is None and "could not be converted" in used.source


# --------------------------------------------------------------------------- flags


def lab(low: float | None, high: float | None) -> RangeUsed:
    return RangeUsed("lab", low, high, "×10⁹/L", "Range printed by your lab")


@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        ("1.0", 1.5, 8.5, FlagKind.LOW),
        ("1.5", 1.5, 8.5, None),
        ("8.5", 1.5, 8.5, None),
        ("8.6", 1.5, 8.5, FlagKind.HIGH),
        ("<0.1", 0.5, 8.5, FlagKind.LOW),
        ("<0.5", 0.5, 8.5, FlagKind.LOW),
        ("<5", 1.0, 8.5, None),
        ("<5", None, 4.0, None),
        (">10", 1.5, 8.5, FlagKind.HIGH),
        (">8.5", 1.5, 8.5, FlagKind.HIGH),
        (">2", 1.5, 8.5, None),
        (">0.1", 1.5, None, None),
        ("0.3", None, 5.0, None),
        ("6", None, 5.0, FlagKind.HIGH),
    ],
)
def test_flag_respects_comparators(
    text: str, low: float | None, high: float | None, expected: FlagKind | None
) -> None:
    got = flag(cv("anc", text, "×10⁹/L"), lab(low, high))
    assert (got.kind if got else None) == expected


def test_flag_is_a_symbol_and_words_never_colour_only() -> None:
    low = flag(cv("anc", "0.2", "×10⁹/L"), lab(1.5, 8.5))
    high = flag(cv("anc", "9", "×10⁹/L"), lab(1.5, 8.5))
    assert low is not None and (low.symbol, low.text) == (
        "↓ L",
        "Low: below the range printed by your lab",
    )
    assert high is not None and (high.symbol, high.text) == (
        "↑ H",
        "High: above the range printed by your lab",
    )
    assert low.range_kind == "lab"


def test_flag_against_a_builtin_range_names_its_source_and_age() -> None:
    """Named as a family can look it up (the final re-check of issue 11: "Table B" is only
    the file's label and named no source)."""
    v = cv("hgb", "80", "g/L")
    used = range_for(v, BIRTH, on_day(50))
    got = flag(v, used)
    assert got is not None and got.kind is FlagKind.LOW and got.range_kind == "builtin"
    assert got.text == (
        "Low: below the built-in example range (One hospital laboratory's paediatric ranges, "
        'University of Iowa Pathology Handbook, "Pediatric Reference Ranges", age 1–2 months)'
    )


def test_flag_ignores_conversion_noise_at_a_limit() -> None:
    # Table B monocytes at 3–12 months: 300–875 /mm³, stored as 0.3–0.875 ×10⁹/L.
    for text, unit in (("875", "/µL"), ("0.875", "K/µL"), ("300", "/mm3"), ("0.3", "G/L")):
        v = cv("mono", text, unit)
        assert flag(v, range_for(v, BIRTH, on_day(200))) is None, (text, unit)


def test_lower_limit_only_table_never_flags_high() -> None:
    v = cv("hgb", "25", "g/dL")
    used = range_for(v, BIRTH, on_day(500))  # Table A, mean − 2 SD only
    assert used.high is None and flag(v, used) is None
    low = cv("hgb", "10.4", "g/dL")
    got = flag(low, range_for(low, BIRTH, on_day(500)))
    assert got is not None and got.kind is FlagKind.LOW


finite = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
comparators = st.sampled_from(list(Comparator))


@given(
    value=finite,
    comparator=comparators,
    low=st.one_of(st.none(), finite),
    high=st.one_of(st.none(), finite),
)
def test_flag_never_contradicts_the_numbers(
    value: float, comparator: Comparator, low: float | None, high: float | None
) -> None:
    if low is not None and high is not None and high < low:
        low, high = high, low
    v = CountValue(
        "wbc", f"{comparator.value}{value}", "×10⁹/L", value, value, "10^9/L", comparator
    )
    got = flag(v, lab(low, high))

    def near(a: float, b: float) -> bool:  # the module ignores float noise this small
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)

    if got is None:
        if comparator is Comparator.EQUAL:
            assert low is None or value >= low or near(value, low)
            assert high is None or value <= high or near(value, high)
        return
    if got.kind is FlagKind.LOW:
        assert low is not None and comparator is not Comparator.GREATER
        assert value <= low or near(value, low)
        assert comparator is Comparator.LESS or not near(value, low)
        assert got.symbol == "↓ L"
    else:
        assert high is not None and comparator is not Comparator.LESS
        assert value >= high or near(value, high)
        assert comparator is Comparator.GREATER or not near(value, high)
        assert got.symbol == "↑ H"


@given(
    count=st.integers(min_value=0, max_value=50_000),
    low=st.integers(min_value=0, max_value=20_000),
    width=st.integers(min_value=0, max_value=30_000),
)
def test_flag_is_the_same_in_any_count_unit(count: int, low: int, width: int) -> None:
    """A count and its lab range typed in /µL or in K/µL get the same flag (a range a lab can
    print: its limits 0 or at least 10/µL; others cannot be in /µL, tests/test_range_units.py)."""
    high = low + width
    assume(all(limit == 0 or limit >= 10 for limit in (low, high)))
    per_ul = cv("anc", str(count), "/µL", f"{low}-{high}")
    kilo = cv("anc", f"{count / 1000:.3f}", "K/µL", f"{low / 1000:.3f}-{high / 1000:.3f}")
    a = flag(per_ul, range_for(per_ul, BIRTH, on_day(100)))
    b = flag(kilo, range_for(kilo, BIRTH, on_day(100)))
    assert (a.kind if a else None) == (b.kind if b else None)
    expected = FlagKind.LOW if count < low else FlagKind.HIGH if count > high else None
    assert (a.kind if a else None) == expected


# --------------------------------------------------------------------------- ANC categories


@pytest.mark.parametrize(
    ("anc", "key"),
    [
        (0.0, "profound"),
        (0.099, "profound"),
        (0.1, "severe"),
        (0.499, "severe"),
        (0.5, "moderate"),
        (0.999, "moderate"),
        (1.0, "mild"),
        (1.499, "mild"),
        (1.5, None),
        (4.0, None),
    ],
)
def test_anc_categories_at_their_boundaries(anc: float, key: str | None) -> None:
    got = anc_category(anc)
    assert (got.key if got else None) == key


def test_anc_category_text_states_the_boundary_and_source() -> None:
    severe = anc_category(0.3)
    assert severe is not None and severe.text == "Severe neutropenia (ANC < 0.5 ×10⁹/L)"
    assert "Taplitz" in severe.source
    mild = anc_category(1.2)
    assert mild is not None and mild.text == "Mild neutropenia (ANC 1.0 to < 1.5 ×10⁹/L)"
    moderate = anc_category(0.5)
    assert moderate is not None and moderate.text == (
        "Moderate neutropenia (ANC 0.5 to < 1.0 ×10⁹/L)"
    )
    profound = anc_category(0.05)
    assert profound is not None and "some centres" in profound.note


def test_anc_category_of_a_value_typed_per_microlitre() -> None:
    for text, key in (("500", "moderate"), ("499", "severe"), ("1000", "mild"), ("100", "severe")):
        v = cv("anc", text, "/µL")
        got = anc_category(v.normalised_value, v.comparator)
        assert got is not None and got.key == key, text


@pytest.mark.parametrize(
    ("text", "key"),
    [("<0.1", "profound"), ("<0.3", "severe"), ("<0.5", "severe"), ("<0.6", None), (">0.2", None)],
)
def test_anc_category_with_a_comparator(text: str, key: str | None) -> None:
    v = cv("anc", text, "×10⁹/L")
    got = anc_category(v.normalised_value, v.comparator)
    assert (got.key if got else None) == key


# --------------------------------------------------------------------------- CTCAE


def grade_of(code: str, text: str, unit: str, range_text: str = "") -> int | None:
    v = cv(code, text, unit, range_text)
    got = ctcae_grade(code, v, range_for(v, BIRTH, on_day(100)))
    return got.grade if got else None


@pytest.mark.parametrize(
    ("code", "unit", "cases"),
    [
        (
            "anc",
            "×10⁹/L",
            [
                ("1.5", None),
                ("1.49", 2),
                ("1.0", 2),
                ("0.99", 3),
                ("0.5", 3),
                ("0.49", 4),
                ("0", 4),
            ],
        ),
        (
            "anc",
            "/µL",
            [("1500", None), ("1499", 2), ("1000", 2), ("999", 3), ("500", 3), ("499", 4)],
        ),
        ("plt", "×10⁹/L", [("75", None), ("74", 2), ("50", 2), ("49", 3), ("25", 3), ("24", 4)]),
        (
            "wbc",
            "K/µL",
            [("3.0", None), ("2.9", 2), ("2.0", 2), ("1.9", 3), ("1.0", 3), ("0.9", 4)],
        ),
        (
            "lymph",
            "×10⁹/L",
            [("0.8", None), ("0.79", 2), ("0.5", 2), ("0.49", 3), ("0.2", 3), ("0.19", 4)],
        ),
        ("hgb", "g/dL", [("10.0", None), ("9.9", 2), ("8.0", 2), ("7.9", 3), ("3.0", 3)]),
        ("hgb", "g/L", [("100", None), ("99", 2), ("80", 2), ("79", 3)]),
        ("hgb", "mmol/L", [("6.2", None), ("6.1", 2), ("4.9", 2), ("4.89", 3)]),
    ],
)
def test_ctcae_grade_boundaries(code: str, unit: str, cases: list[tuple[str, int | None]]) -> None:
    for text, expected in cases:
        assert grade_of(code, text, unit) == expected, (code, text, unit)


def test_haemoglobin_in_mmol_is_graded_against_the_printed_mmol_limits() -> None:
    # 4.95 mmol/L is 7.98 g/dL: converting would call it grade 3; CTCAE prints 4.9 mmol/L.
    assert 4.95 / 0.6206 < 8.0
    assert grade_of("hgb", "4.95", "mmol/L") == 2
    # 6.2 mmol/L is 9.99 g/dL: converting would call it grade 2; the printed limit is 6.2.
    assert 6.2 / 0.6206 < 10.0
    assert grade_of("hgb", "6.2", "mmol/L") is None


def test_grade_one_needs_the_labs_own_lower_limit() -> None:
    assert grade_of("anc", "1.6", "×10⁹/L", "2.0-7.5") == 1
    assert grade_of("anc", "2.0", "×10⁹/L", "2.0-7.5") is None
    assert grade_of("anc", "1.6", "×10⁹/L") is None  # built-in range is not an LLN
    assert grade_of("hgb", "6.3", "mmol/L", "6.5-8.0") == 1
    assert grade_of("hgb", "10.2", "g/dL", "10.5-13.5") == 1
    assert grade_of("plt", "120", "×10⁹/L", "150-450") == 1
    # Below grade 2's limit the LLN does not matter.
    assert grade_of("anc", "1.2", "×10⁹/L", "1.0-8.5") == 2


def test_grade_label_version_and_wording() -> None:
    v = cv("anc", "0.7", "×10⁹/L")
    got = ctcae_grade("anc", v)
    assert got is not None
    assert (got.version, got.grade, got.label) == ("CTCAE v5.0", 3, "CTCAE v5 grade 3")
    assert got.term == "Neutrophil count decreased"
    assert got.criterion == "< 1.0 – 0.5 ×10⁹/L"
    assert "admiral" in got.source and "adult-derived" in got.note


@pytest.mark.parametrize(
    ("code", "text", "unit", "expected"),
    [
        ("anc", "<0.5", "×10⁹/L", 4),
        ("anc", "<0.1", "×10⁹/L", 4),
        ("anc", "<0.8", "×10⁹/L", None),
        ("anc", ">0.2", "×10⁹/L", None),
        ("plt", "<10", "×10⁹/L", 4),
        ("hgb", "<4.9", "mmol/L", 3),
        ("hgb", "<5.5", "mmol/L", None),
    ],
)
def test_ctcae_grade_with_a_comparator(
    code: str, text: str, unit: str, expected: int | None
) -> None:
    assert grade_of(code, text, unit) == expected


def test_haemoglobin_is_never_graded_four_and_other_counts_not_at_all() -> None:
    assert grade_of("hgb", "2.0", "g/dL") == 3
    assert ctcae_grade("hct", cv("hct", "20", "%")) is None
    assert ctcae_grade("rbc", cv("rbc", "1.0", "M/µL")) is None
    with pytest.raises(ValueError, match="not 'plt'"):
        ctcae_grade("plt", cv("anc", "0.1", "×10⁹/L"))


# --------------------------------------------------------------------------- team notes


def kinds(notes: tuple[ranges.TeamNote, ...]) -> list[NoteKind]:
    return [n.kind for n in notes]


def test_platelets_below_the_team_transfusion_trigger() -> None:
    trigger = threshold("plt", ThresholdPurpose.TRANSFUSION, "20", "K/µL")
    notes = team_notes(cv("plt", "15", "×10⁹/L"), [trigger])
    assert kinds(notes) == [NoteKind.LOW_PLATELETS]
    assert notes[0].text == (
        "Low platelets — check what your team wants you to watch for (bruising, bleeding)."
    )
    assert notes[0].threshold == trigger
    assert notes[0].basis == "your team's transfusion trigger: 20 ×10⁹/L (as typed: 20 K/µL)"
    assert team_notes(cv("plt", "20", "×10⁹/L"), [trigger]) == ()


def test_the_teams_platelet_trigger_replaces_the_default_of_twenty() -> None:
    low_trigger = threshold("plt", ThresholdPurpose.TRANSFUSION, "10", "×10⁹/L")
    assert team_notes(cv("plt", "15", "×10⁹/L"), [low_trigger]) == ()  # 15 is above the team's 10
    [note] = team_notes(cv("plt", "8", "×10⁹/L"), [low_trigger])
    assert note.threshold == low_trigger and "20" not in note.basis
    # a number for another purpose does not stand for the transfusion trigger
    block = threshold("plt", ThresholdPurpose.NEXT_BLOCK, "50", "×10⁹/L")
    notes = team_notes(cv("plt", "15", "×10⁹/L"), [block])
    assert kinds(notes) == [NoteKind.LOW_PLATELETS, NoteKind.BELOW_NEXT_BLOCK]
    assert notes[0].basis == "platelets below 20 ×10⁹/L (default until your team gives its trigger)"


def test_platelet_default_of_twenty_applies_unless_turned_off() -> None:
    notes = team_notes(cv("plt", "15", "×10⁹/L"), [])
    assert kinds(notes) == [NoteKind.LOW_PLATELETS] and notes[0].threshold is None
    assert team_notes(cv("plt", "15", "×10⁹/L"), [], default_platelet_trigger=None) == ()
    assert team_notes(cv("plt", "25", "×10⁹/L"), []) == ()
    assert kinds(team_notes(cv("plt", "<20", "×10⁹/L"), [])) == [NoteKind.LOW_PLATELETS]
    assert team_notes(cv("plt", ">10", "×10⁹/L"), []) == ()


def test_default_lines_are_named_sourced_and_none_for_haemoglobin() -> None:
    lines = ranges.default_lines([])
    assert sorted(lines) == ["anc", "plt"]  # domain.md §6 gives no default for Hb
    anc, plt = lines["anc"], lines["plt"]
    assert anc.value == 0.5 and anc.name == "severe neutropenia below"
    assert anc.source == raw(ranges.ANC_CATEGORIES_FILE)["source"]
    assert plt.value == ranges.DEFAULT_PLATELET_NOTE_BELOW and plt.name == "low platelets below"
    assert "Hematol Oncol Clin N Am 2016;30:695" in plt.source
    trigger = threshold("plt", ThresholdPurpose.TRANSFUSION, "10", "×10⁹/L")
    block = threshold("plt", ThresholdPurpose.NEXT_BLOCK, "50", "×10⁹/L")
    assert sorted(ranges.default_lines([trigger])) == ["anc"]
    assert sorted(ranges.default_lines([block])) == ["anc", "plt"]
    anc_block = threshold("anc", ThresholdPurpose.NEXT_BLOCK, "0.75", "×10⁹/L")
    assert sorted(ranges.default_lines([anc_block])) == ["plt"]


def test_assessment_names_the_source_of_categories_and_grades() -> None:
    from tracker.assessment import make_assessor
    from tracker.model import Child, CountResult

    child = Child(id=1, name="R", birth_date=BIRTH)
    result = CountResult(child_id=1, taken_date=on_day(100), values=(cv("anc", "0.3", "×10⁹/L"),))
    found = make_assessor(child)(result, result.values[0])
    assert found is not None
    anc = raw(ranges.ANC_CATEGORIES_FILE)
    ctcae = raw(ranges.CTCAE_FILE)
    assert any(str(anc["source"]) in s for s in found.sources)
    assert any(str(ctcae["source"]) in s for s in found.sources)
    assert any(str(ctcae["display_note"]) in s for s in found.sources)
    builtin = CountResult(child_id=1, taken_date=on_day(100), values=(cv("hgb", "5.0", "g/dL"),))
    found = make_assessor(child, grades=False)(builtin, builtin.values[0])
    assert found is not None
    infant = raw(ranges.INFANT_RANGES_FILE)
    assert str(infant["disclaimer"]) in found.sources
    assert not any("CTCAE" in s for s in found.sources)


def test_haemoglobin_below_the_team_transfusion_trigger() -> None:
    trigger = threshold("hgb", ThresholdPurpose.TRANSFUSION, "7", "g/dL")
    notes = team_notes(cv("hgb", "65", "g/L"), [trigger])
    assert kinds(notes) == [NoteKind.LOW_HAEMOGLOBIN]
    assert notes[0].text == "Low haemoglobin — ask whether a transfusion is planned."
    assert notes[0].basis == "your team's transfusion trigger: 70 g/L (as typed: 7 g/dL)"
    assert team_notes(cv("hgb", "7.0", "g/dL"), [trigger]) == ()
    assert team_notes(cv("hgb", "6.0", "g/dL"), []) == ()  # no default for Hb


def test_counts_below_what_is_needed_for_the_next_block() -> None:
    needed = threshold("anc", ThresholdPurpose.NEXT_BLOCK, "0.75", "×10⁹/L")
    text = (
        "Counts below what your team said is needed to start — expect a possible delay; "
        "confirm with the team."
    )
    notes = team_notes(cv("anc", "0.7", "×10⁹/L"), [needed])
    assert kinds(notes) == [NoteKind.BELOW_NEXT_BLOCK] and notes[0].text == text
    assert notes[0].threshold == needed
    assert team_notes(cv("anc", "0.75", "×10⁹/L"), [needed]) == ()  # at or above is met
    assert team_notes(cv("anc", "750", "/µL"), [needed]) == ()
    assert kinds(team_notes(cv("anc", "<0.75", "×10⁹/L"), [needed])) == [NoteKind.BELOW_NEXT_BLOCK]
    assert team_notes(cv("anc", ">0.6", "×10⁹/L"), [needed]) == ()  # cannot tell
    plt_needed = threshold("plt", ThresholdPurpose.NEXT_BLOCK, "50", "×10⁹/L")
    assert kinds(team_notes(cv("plt", "49", "×10⁹/L"), [plt_needed])) == [NoteKind.BELOW_NEXT_BLOCK]


def test_severe_neutropenia_note() -> None:
    notes = team_notes(cv("anc", "0.3", "×10⁹/L"), [])
    assert kinds(notes) == [NoteKind.SEVERE_NEUTROPENIA]
    assert (
        notes[0].text == "Severe neutropenia range. Follow your team's fever and infection advice."
    )
    assert kinds(team_notes(cv("anc", "<0.1", "×10⁹/L"), [])) == [NoteKind.SEVERE_NEUTROPENIA]
    assert team_notes(cv("anc", "0.5", "×10⁹/L"), []) == ()


def test_outside_the_labs_range_note_only_for_the_labs_own_range() -> None:
    v = cv("anc", "0.3", "×10⁹/L", "1.5-8.5")
    needed = threshold("anc", ThresholdPurpose.NEXT_BLOCK, "0.5", "×10⁹/L")
    notes = team_notes(v, [needed], range_for(v, BIRTH, on_day(100)))
    assert kinds(notes) == [
        NoteKind.OUTSIDE_LAB_RANGE,
        NoteKind.SEVERE_NEUTROPENIA,
        NoteKind.BELOW_NEXT_BLOCK,
    ]
    assert notes[0].text == "Outside the range printed by your lab — you may want to ask your team."
    builtin_used = cv("hgb", "5.0", "g/dL")
    assert team_notes(builtin_used, [], range_for(builtin_used, BIRTH, on_day(100))) == ()


def test_watch_thresholds_and_other_counts_give_no_note() -> None:
    watch = threshold("anc", ThresholdPurpose.WATCH, "1.0", "×10⁹/L")
    other = threshold("anc", ThresholdPurpose.OTHER, "1.0", "×10⁹/L")
    plt_block = threshold("plt", ThresholdPurpose.NEXT_BLOCK, "50", "×10⁹/L")
    assert team_notes(cv("anc", "0.8", "×10⁹/L"), [watch, other, plt_block]) == ()


# --------------------------------------------------------------------------- malformed files


@pytest.fixture
def infant() -> dict[str, object]:
    return copy.deepcopy(raw(ranges.INFANT_RANGES_FILE))


def first_row(data: dict[str, object], table: int = 0) -> dict[str, object]:
    tables = data["tables"]
    assert isinstance(tables, list)
    rows = tables[table]["rows"]
    assert isinstance(rows, list)
    row: dict[str, object] = rows[0]
    return row


def test_the_shipped_infant_file_parses(infant: dict[str, object]) -> None:
    parsed = ranges.parse_infant_ranges(infant)
    assert len(parsed.tables) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["tables"][0].pop("source"), r"table A\.source"),
        (lambda d: d["tables"][0].__setitem__("status", "partly_verified"), "only a verified"),
        (lambda d: d["tables"][0].__setitem__("status", "unverified"), "expected one of"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("unit", "furlongs"), "furlongs"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("analyte", "xyz"), "unknown analyte"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("low", 9500), "does not match"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("before", "45 days"), "overlap"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("before", "2 months"), "overlap"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("from", "-1 days"), "expected an age"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("from", "1 year"), "expected an age"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("from", "2 months"), "not after"),
        (lambda d: d["tables"][1]["rows"][0].__setitem__("low", "9000"), "expected a number"),
        (lambda d: d["tables"][2]["rows"][0]["si"].__setitem__("low", 153), "does not agree"),
        (lambda d: d.__setitem__("preference", ["A", "B"]), "preference"),
        (lambda d: d.__setitem__("tables", {}), "expected a list"),
    ],
)
def test_malformed_infant_file_is_refused_clearly(
    infant: dict[str, object], change: object, message: str
) -> None:
    change(infant)  # type: ignore[operator]
    with pytest.raises(ReferenceDataError, match=message) as info:
        ranges.parse_infant_ranges(infant)
    assert str(info.value).startswith("reference/infant_ranges.json: ")


def test_malformed_ctcae_and_anc_files_are_refused() -> None:
    ctcae = raw(ranges.CTCAE_FILE)
    ranges.parse_ctcae(ctcae)
    bad = copy.deepcopy(ctcae)
    bad["status"] = "partly_verified"
    with pytest.raises(ReferenceDataError, match="only a verified CTCAE"):
        ranges.parse_ctcae(bad)
    bad = copy.deepcopy(ctcae)
    bad["terms"][0]["below"]["×10⁹/L"]["4"] = 2.0  # type: ignore[index]
    with pytest.raises(ReferenceDataError, match="higher grade needs a lower limit"):
        ranges.parse_ctcae(bad)
    bad = copy.deepcopy(ctcae)
    del bad["terms"][2]["below"]["g/L"]  # type: ignore[index]
    with pytest.raises(ReferenceDataError, match="canonical unit"):
        ranges.parse_ctcae(bad)

    anc = raw(ranges.ANC_CATEGORIES_FILE)
    ranges.parse_anc_categories(anc)
    bad = copy.deepcopy(anc)
    bad["categories"].reverse()  # type: ignore[attr-defined]
    with pytest.raises(ReferenceDataError, match="most to least severe"):
        ranges.parse_anc_categories(bad)


def test_a_file_that_is_not_json_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "read_text", lambda name: "{ not json")
    with pytest.raises(ReferenceDataError, match="not valid JSON"):
        ranges._read(ranges.CTCAE_FILE)


# --------------------------------------------------------------------------- against domain.md

needs_domain = pytest.mark.skipif(
    not DOMAIN_MD.is_file(), reason="shared/domain.md is not beside the repository"
)
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def domain_text() -> str:
    return DOMAIN_MD.read_text(encoding="utf-8").replace("*", "")


def section(start: str, *ends: str) -> str:
    text = domain_text()
    begin = text.index(start)
    stops = [i for e in ends if (i := text.find(e, begin + len(start))) != -1]
    return text[begin : min(stops, default=len(text))]


def numbers_in(text: str) -> set[float]:
    return {float(m.group(0).replace(",", "")) for m in _NUMBER.finditer(text)}


def json_numbers(node: object, skip: frozenset[str]) -> Iterator[float]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in skip:
                yield from json_numbers(value, skip)
    elif isinstance(node, list):
        for item in node:
            yield from json_numbers(item, skip)
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield float(node)


@needs_domain
def test_every_range_number_is_printed_in_its_domain_table() -> None:
    data = raw(ranges.INFANT_RANGES_FILE)
    tables = data["tables"]
    assert isinstance(tables, list)
    for table in tables:
        text = section(f"Table {table['id']} —", "Table ", "### ")
        printed = numbers_in(text)
        assert table["source"] in text, table["id"]
        for row in table["rows"]:
            for n in json_numbers(row, frozenset()):
                assert n in printed, (table["id"], row)
            assert row["printed_age"].split(" (")[0] in text, row
            for key in ("printed",):
                if key in row:
                    assert row[key] in text, row


@needs_domain
def test_every_category_and_grade_number_is_in_domain_md() -> None:
    anc_text = section("### 2.4", "### 2.5")
    anc = raw(ranges.ANC_CATEGORIES_FILE)
    assert str(anc["source"]) in anc_text
    for n in json_numbers(anc["categories"], frozenset()):
        assert n in numbers_in(anc_text), n

    ctcae_text = section("### 2.2", "CTCAE v6.0 differences")
    ctcae = raw(ranges.CTCAE_FILE)
    for n in json_numbers(ctcae["terms"], frozenset()):
        assert n in numbers_in(ctcae_text), n
    assert "4.9 mmol/L" in ctcae_text and "6.2 mmol/L" in ctcae_text
    assert "published 27 Nov 2017" in ctcae_text
    assert "ncictcaev5.json" in ctcae_text


@needs_domain
def test_team_note_wording_is_verbatim_from_domain_md() -> None:
    text = section("## 6.", "## 7.")
    for note in (
        ranges.NOTE_OUTSIDE_LAB_RANGE,
        ranges.NOTE_SEVERE_NEUTROPENIA,
        ranges.NOTE_LOW_PLATELETS,
        ranges.NOTE_LOW_HAEMOGLOBIN,
        ranges.NOTE_BELOW_NEXT_BLOCK,
    ):
        assert f'"{note}"' in text, note
    assert "Platelets < 20 ×10⁹/L" in text and ranges.DEFAULT_PLATELET_NOTE_BELOW == 20.0


@needs_domain
def test_default_line_sources_are_in_domain_md() -> None:
    text = section("### 2.6", "### 2.7")
    assert "Hematol Oncol Clin N Am 2016;30:695" in text and "10 or 20 ×10⁹/L" in text
