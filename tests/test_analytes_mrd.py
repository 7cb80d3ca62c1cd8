"""Blood-count units (domain.md §2.2), number parsing, and MRD notation (domain.md §4)."""

from __future__ import annotations

import contextlib
import decimal
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tracker import analytes
from tracker.analytes import (
    ANALYTES,
    CODES,
    analyte,
    find_analyte,
    format_number,
    from_canonical,
    parse_number,
    plausibility_problem,
    to_canonical,
    unit_key,
)
from tracker.forms import parse_it_drug, parse_range
from tracker.model import Comparator, Mrd, MrdQualifier
from tracker.mrd import format_both, format_mrd, format_percent, format_power, parse_mrd

COUNT_CODES = ("wbc", "anc", "lymph", "mono", "plt")

# ---------------------------------------------------------------------- conversions (§2.2)


@pytest.mark.parametrize("code", COUNT_CODES)
@pytest.mark.parametrize(
    ("value", "unit", "canonical"),
    [
        (1, "×10⁹/L", 1.0),
        (1, "×10³/µL", 1.0),
        (1, "K/µL", 1.0),
        (1, "G/L", 1.0),
        (1000, "/µL", 1.0),
        (1000, "cells/µL", 1.0),
        (1000, "/mm3", 1.0),
        (500, "/µL", 0.5),  # ANC 0.5 ×10⁹/L = 500/µL
        (20000, "/µL", 20.0),  # platelets 20 ×10⁹/L = 20,000/µL
    ],
)
def test_cell_count_units(code: str, value: float, unit: str, canonical: float) -> None:
    assert to_canonical(code, value, unit) == pytest.approx(canonical)
    assert from_canonical(code, canonical, unit) == pytest.approx(value)
    assert analyte(code).canonical_unit == "10^9/L"


@pytest.mark.parametrize("unit", ["×10¹²/L", "×10⁶/µL", "M/µL", "T/L"])
def test_red_cells_10_12_per_litre_is_10_6_per_microlitre(unit: str) -> None:
    assert to_canonical("rbc", 4.5, unit) == pytest.approx(4.5)


def test_haemoglobin_units() -> None:
    assert to_canonical("hgb", 10, "g/dL") == pytest.approx(100)
    assert to_canonical("hgb", 100, "g/L") == pytest.approx(100)
    assert from_canonical("hgb", 100, "mmol/L") == pytest.approx(6.2, abs=0.01)  # 6.206
    assert to_canonical("hgb", 6.2, "mmol/L") == pytest.approx(100, abs=0.2)
    # 8.0 g/dL = 80 g/L = 4.965 ≈ 5.0 mmol/L
    assert from_canonical("hgb", to_canonical("hgb", 8.0, "g/dL"), "mmol/L") == pytest.approx(
        4.965, abs=0.001
    )
    assert analyte("hgb").canonical_unit == "g/L"


def test_haematocrit_percent_is_litres_per_litre_times_100() -> None:
    assert to_canonical("hct", 35, "%") == pytest.approx(0.35)
    assert to_canonical("hct", 0.35, "L/L") == pytest.approx(0.35)
    assert from_canonical("hct", 0.35, "%") == pytest.approx(35)


@pytest.mark.parametrize("code", ["neut_pct", "band_pct", "blast_pct"])
def test_percentages_stay_percent(code: str) -> None:
    assert to_canonical(code, 12.5, "%") == 12.5
    assert analyte(code).canonical_unit == "%"


@pytest.mark.parametrize(
    ("code", "unit", "label"),
    [(a.code, s, u.label) for a in ANALYTES for u in a.units for s in (u.label, *u.spellings)],
)
def test_every_listed_spelling_finds_its_unit(code: str, unit: str, label: str) -> None:
    found = analyte(code).unit(unit)
    assert found is not None and found.label == label
    assert to_canonical(code, 2.0, unit) == pytest.approx(2.0 * found.factor)


@pytest.mark.parametrize(
    ("code", "typed", "label"),
    [
        ("wbc", "x10^9/L", "×10⁹/L"),
        ("wbc", "X10E9/L", "×10⁹/L"),
        ("wbc", "10⁹/L", "×10⁹/L"),
        ("wbc", "10*9/L", "×10⁹/L"),
        ("wbc", " x 10 ^ 9 / l ", "×10⁹/L"),
        ("wbc", "10^3/µL", "×10³/µL"),
        ("wbc", "10^3/μL", "×10³/µL"),  # Greek mu (U+03BC), not the micro sign
        ("wbc", "10E3/uL", "×10³/µL"),
        ("wbc", "x10E3/uL", "×10³/µL"),
        ("wbc", "10^3/mcL", "×10³/µL"),
        ("wbc", "10³/mm³", "×10³/µL"),
        ("wbc", "k/ul", "×10³/µL"),
        ("wbc", "K/mcL", "×10³/µL"),
        ("anc", "/uL", "/µL"),
        ("anc", "cells/mcL", "/µL"),
        ("anc", "/mm³", "/µL"),
        ("anc", "/MM3", "/µL"),
        ("plt", "×10³/µL", "×10³/µL"),
        ("rbc", "10^12/L", "×10¹²/L"),
        ("rbc", "x10E12/L", "×10¹²/L"),
        ("rbc", "10¹²/L", "×10¹²/L"),
        ("rbc", "M/mcL", "×10⁶/µL"),
        ("rbc", "10E6/uL", "×10⁶/µL"),
        ("hgb", "G/DL", "g/dL"),
        ("hgb", "g / dl", "g/dL"),
        ("hgb", "MMOL/L", "mmol/L"),
        ("hct", "l/l", "L/L"),
    ],
)
def test_unicode_and_ascii_spellings(code: str, typed: str, label: str) -> None:
    unit = analyte(code).unit(typed)
    assert unit is not None, typed
    assert unit.label == label


def test_unit_key_normalises_the_usual_variations() -> None:
    assert unit_key("×10³/µL") == unit_key("10^3/uL") == unit_key("x10E3/mcL") == "10^3/ul"
    assert unit_key("×10⁹/L") == unit_key("10E9/L") == unit_key("10*9/L") == "10^9/l"
    assert unit_key("×10¹²/L") == "10^12/l"


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        ("wbc", "mg/dL"),
        ("wbc", "/L"),
        ("wbc", "10^6/uL"),  # a red-cell unit for white cells
        ("rbc", "K/µL"),
        ("hgb", "mg/dL"),
        ("hgb", "%"),
        ("hct", "g/L"),
        ("plt", "10^12/L"),
        ("anc", "%"),  # a percentage is another analyte (neut_pct)
    ],
)
def test_units_of_another_kind_are_not_accepted(code: str, typed: str) -> None:
    assert analyte(code).unit(typed) is None
    with pytest.raises(ValueError) as info:
        to_canonical(code, 1.0, typed)
    message = str(info.value)
    assert analyte(code).name in message
    assert typed.strip() in message
    for unit in analyte(code).units:
        assert unit.label in message  # says what would be accepted


def test_empty_unit_asks_for_one() -> None:
    with pytest.raises(ValueError, match=r"Hemoglobin: choose a unit \(g/dL, g/L, mmol/L\)"):
        to_canonical("hgb", 8.2, " ")


def test_unknown_analyte() -> None:
    with pytest.raises(ValueError, match="unknown analyte code 'esr'"):
        analyte("esr")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ANC", "anc"),
        ("neut#", "anc"),
        ("Absolute neutrophil count", "anc"),
        ("Hb", "hgb"),
        ("haemoglobin", "hgb"),
        (" PLT ", "plt"),
        ("platelet count", "plt"),
        ("WBC", "wbc"),
        ("leukocytes", "wbc"),
        ("Hct", "hct"),
        ("bands", "band_pct"),
        ("RBC", "rbc"),
    ],
)
def test_find_analyte(name: str, code: str) -> None:
    found = find_analyte(name)
    assert found is not None and found.code == code


def test_find_analyte_unknown() -> None:
    assert find_analyte("ammonia") is None


def test_catalogue_is_consistent() -> None:
    assert len(set(CODES)) == len(CODES) == 44
    for a in ANALYTES:
        assert a.default_unit is a.units[0]
        low, high = a.plausible
        assert 0 <= low < high
        assert any(u.factor == 1.0 for u in a.units), f"{a.code} has no canonical unit"
        keys = [unit_key(s) for u in a.units for s in (u.label, *u.spellings)]
        owners = {k: [u.label for u in a.units if a.unit(k) is u] for k in keys}
        assert all(len(v) == 1 for v in owners.values()), f"{a.code}: a spelling is ambiguous"


# ---------------------------------------------------------------------- magnitude checks


def test_anc_1200_in_10_9_per_litre_suggests_per_microlitre() -> None:
    message = plausibility_problem("anc", 1200, "×10⁹/L")
    assert message is not None
    assert "1200 ×10⁹/L is not possible" in message
    assert "Did you mean /µL?" in message


def test_hb_82_in_g_per_dl_suggests_g_per_litre() -> None:
    message = plausibility_problem("hgb", 82, "g/dL")
    assert message is not None
    assert "Did you mean g/L?" in message
    assert "between 1 and 25" in message  # the possible range, in the unit typed


def test_hb_150_g_per_dl_is_refused() -> None:
    message = plausibility_problem("hgb", 150, "g/dL")
    assert message is not None
    assert message.startswith("Hemoglobin of 150 g/dL is not possible")


@pytest.mark.parametrize(
    ("code", "value", "unit", "suggestion"),
    [
        ("plt", 45000, "×10⁹/L", "/µL"),
        ("wbc", 4500, "K/µL", "/µL"),
        ("hct", 35, "L/L", "%"),
        ("hct", 0.35, "%", "L/L"),
        ("hgb", 820, "g/L", None),
        ("rbc", 4500000, "×10¹²/L", None),
    ],
)
def test_other_unit_slips(code: str, value: float, unit: str, suggestion: str | None) -> None:
    message = plausibility_problem(code, value, unit)
    assert message is not None and "not possible" in message
    if suggestion:
        assert f"Did you mean {suggestion}?" in message
    else:
        assert "Did you mean" not in message


@pytest.mark.parametrize(
    ("code", "value", "unit"),
    [
        ("anc", 1.2, "×10⁹/L"),
        ("anc", 1200, "/µL"),
        ("anc", 0, "×10⁹/L"),
        ("hgb", 8.2, "g/dL"),
        ("hgb", 82, "g/L"),
        ("hgb", 5.1, "mmol/L"),
        ("hct", 0.35, "L/L"),
        ("hct", 35, "%"),
        ("wbc", 412, "×10⁹/L"),  # hyperleucocytosis at diagnosis is real
        ("plt", 45000, "/µL"),
        ("rbc", 4.5, "M/µL"),
        ("blast_pct", 100, "%"),
    ],
)
def test_plausible_values_pass(code: str, value: float, unit: str) -> None:
    assert plausibility_problem(code, value, unit) is None


def test_plausibility_with_an_unknown_unit_names_the_units() -> None:
    message = plausibility_problem("hgb", 8.2, "mg/dL")
    assert message is not None and "Hb is kept in g/dL, g/L or mmol/L" in message


# ---------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    "text",
    [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e3",
        "1E3",
        "1_000",
        "١٢",  # Arabic-Indic digits
        "１２",  # fullwidth digits
        "12\u00a0",  # no-break space
        "1,200",  # thousands or decimal? ambiguous
        "12,000",
        "0,100",
        "-1",
        "+1",
        "1.2.3",
        "1,2,3",
        "1.200,5",
        "1 000",
        ".5",
        "5.",
        "0x10",
        "½",
        "",
        "   ",
        "<",
        "<<1",
        "≤1",
        "~5",
    ],
)
def test_parse_number_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_number_refuses_numbers_too_large_for_a_float() -> None:
    with pytest.raises(ValueError, match="far too large"):
        parse_number("9" * 400)
    with pytest.raises(ValueError, match="far too large"):
        parse_range("1-" + "9" * 400)


def test_parse_number_explains_the_ambiguous_comma() -> None:
    with pytest.raises(ValueError) as info:
        parse_number("1,200")
    message = str(info.value)
    assert "ambiguous" in message
    assert "1200" in message and "1.200" in message


def test_parse_number_explains_what_it_accepts() -> None:
    with pytest.raises(ValueError, match=r"for example 1\.2 or 850"):
        parse_number("1e3")


@pytest.mark.parametrize(
    ("text", "value", "comparator"),
    [
        ("1,2", 1.2, Comparator.EQUAL),
        ("1.2", 1.2, Comparator.EQUAL),
        (" 850 ", 850.0, Comparator.EQUAL),
        ("0", 0.0, Comparator.EQUAL),
        ("007", 7.0, Comparator.EQUAL),
        ("1,20", 1.2, Comparator.EQUAL),
        ("1,2345", 1.2345, Comparator.EQUAL),
        ("1.200", 1.2, Comparator.EQUAL),  # a point is never a thousands separator here
        ("<0.1", 0.1, Comparator.LESS),
        ("< 0,1", 0.1, Comparator.LESS),
        (">1000", 1000.0, Comparator.GREATER),
    ],
)
def test_parse_number_accepts(text: str, value: float, comparator: Comparator) -> None:
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.comparator is comparator


decimal_strings = st.builds(
    lambda whole, frac: f"{whole}.{frac}" if frac else str(whole),
    st.integers(min_value=0, max_value=10**12),
    st.text(alphabet="0123456789", max_size=8),
)


@given(decimal_strings)
def test_parse_number_round_trips_decimals(text: str) -> None:
    assert parse_number(text).value == float(text)
    assert parse_number(f"<{text}").comparator is Comparator.LESS


@given(decimal_strings)
def test_parse_number_decimal_comma(text: str) -> None:
    comma = text.replace(".", ",")
    frac = text.partition(".")[2]
    if len(frac) == 3:
        with pytest.raises(ValueError, match="ambiguous"):
            parse_number(comma)
    else:
        assert parse_number(comma).value == float(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (1.2, "1.2"), (850, "850"), (0.0012, "0.0012"), (3.14159, "3.142"), (2.0, "2")],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


# ---------------------------------------------------------------------- MRD


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("0.01%", 1e-4),
        ("0,01%", 1e-4),
        ("0.01 %", 1e-4),
        ("0.0001", 1e-4),
        ("1e-4", 1e-4),
        ("1E-4", 1e-4),
        ("10^-4", 1e-4),
        ("10-4", 1e-4),
        ("10⁻⁴", 1e-4),
        ("1×10⁻⁴", 1e-4),
        ("1 × 10^-4", 1e-4),
        ("1x10^-4", 1e-4),
        ("1*10^-4", 1e-4),
        ("5x10^-4", 5e-4),
        ("5×10⁻⁴", 5e-4),
        ("1.2×10⁻³", 1.2e-3),
        ("0.05%", 5e-4),
        ("1e-6", 1e-6),
        ("0%", 0.0),
        ("0", 0.0),
        ("100%", 1.0),
        ("1", 1.0),
    ],
)
def test_parse_mrd(text: str, fraction: float) -> None:
    assert parse_mrd(text) == pytest.approx(fraction, rel=1e-12, abs=0)


def test_mrd_2_is_refused_with_a_hint_about_percent() -> None:
    with pytest.raises(ValueError) as info:
        parse_mrd("2")
    assert "more than 1" in str(info.value)
    assert "2%" in str(info.value)


def test_mrd_150_percent_is_refused() -> None:
    with pytest.raises(ValueError, match="above 100%"):
        parse_mrd("150%")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "abc",
        "-1e-4",
        "-0.01%",
        "1e4",
        "10^4",
        "nan",
        "inf",
        "١٠^-٤",
        "<0.01%",
        "%",
        "e-4",
    ],
)
def test_parse_mrd_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="MRD"):
        parse_mrd(text)


@pytest.mark.parametrize("text", ["1e400", "0.5e309", "10^400", "5×10⁴⁰⁰"])
def test_parse_mrd_huge_exponent_is_a_value_error(text: str) -> None:
    """Once an OverflowError: 10 ** 400 does not fit a float."""
    with pytest.raises(ValueError, match="above 100%"):
        parse_mrd(text)


def test_parse_mrd_tiny_exponent_is_zero() -> None:
    assert parse_mrd("1e-400") == 0.0
    assert parse_mrd("0e309") == 0.0


def test_parse_mrd_message_gives_examples() -> None:
    with pytest.raises(ValueError, match=r"0\.01%, 0\.0001, 1e-4, 10\^-4"):
        parse_mrd("positive")


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (1e-4, "0.01% (1×10⁻⁴)"),
        (5e-4, "0.05% (5×10⁻⁴)"),
        (1e-3, "0.1% (1×10⁻³)"),
        (1e-2, "1% (1×10⁻²)"),
        (1e-6, "0.0001% (1×10⁻⁶)"),
        (0.0012, "0.12% (1.2×10⁻³)"),
        (0.0, "0% (0)"),
        (1.0, "100% (1×10⁰)"),
        # rounded once, to three significant figures, for both notations (issue 11)
        (9.999e-5, "0.01% (1×10⁻⁴)"),
        (9.996e-4, "0.1% (1×10⁻³)"),
        (0.0012345, "0.123% (1.23×10⁻³)"),
        (0.0012355, "0.124% (1.24×10⁻³)"),
        (1.23e-8, "0.00000123% (1.23×10⁻⁸)"),
    ],
)
def test_format_both(fraction: float, text: str) -> None:
    assert format_both(fraction) == text


def test_tiny_mrd_is_never_shown_in_e_notation() -> None:
    assert format_percent(1e-7) == "0.00001%"
    assert format_percent(1.23e-8) == "0.00000123%"
    assert format_power(1e-7) == "1×10⁻⁷"


@given(st.floats(min_value=0.0001, max_value=100) | st.just(0.0) | st.just(100.0))
def test_percent_text_parses_to_the_fraction(x: float) -> None:
    # repr of a float in [1e-4, 100] never uses an exponent
    assert parse_mrd(f"{x}%") == x / 100


@given(st.floats(min_value=1e-9, max_value=1.0))
def test_what_we_show_we_can_read_back(fraction: float) -> None:
    assert parse_mrd(format_power(fraction)) == pytest.approx(fraction, rel=0.006)
    assert parse_mrd(format_percent(fraction)) == pytest.approx(fraction, rel=0.03, abs=5e-9)


_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


@given(st.floats(min_value=1e-7, max_value=1.0))
@example(9.999e-5)
@example(9.9951e-3)
@example(0.99951)
def test_percent_and_power_of_ten_say_the_same_number(fraction: float) -> None:
    """Issue 11: "0.009999% (1×10⁻⁴)" put the two notations on different sides of a decade.
    Both are the same number, rounded once: equal as decimals, same significant digits."""
    percent_text, power_text = format_both(fraction).removesuffix(")").split("% (")
    mantissa_text, _, exponent_text = power_text.partition("×10")
    mantissa = decimal.Decimal(mantissa_text)
    from_percent = decimal.Decimal(percent_text).scaleb(-2)
    from_power = mantissa.scaleb(int(exponent_text.translate(_SUP)))
    assert from_percent == from_power
    assert from_percent.adjusted() == from_power.adjusted()  # the same decade
    assert 1 <= mantissa < 10
    digits = len(mantissa.normalize().as_tuple().digits)
    assert digits <= 3
    assert len(decimal.Decimal(percent_text).normalize().as_tuple().digits) == digits
    assert float(from_power) == pytest.approx(fraction, rel=0.005)


@pytest.mark.parametrize(
    ("mrd", "full", "short"),
    [
        (Mrd("0.01%", 1e-4), "0.01% (1×10⁻⁴)", "0.01%"),
        (
            Mrd("0.01%", 1e-4, MrdQualifier.BELOW_QUANTIFIABLE_RANGE),
            "< 0.01% (< 1×10⁻⁴; below the quantifiable range)",
            "< 0.01% (below the quantifiable range)",
        ),
        (
            Mrd("", None, MrdQualifier.BELOW_QUANTIFIABLE_RANGE),
            "below the quantifiable range",
            "below the quantifiable range",
        ),
        (Mrd("", None, MrdQualifier.NEGATIVE), "negative", "negative"),
        (Mrd("0", 0.0, MrdQualifier.NEGATIVE), "negative", "negative"),
        (
            Mrd("", None, MrdQualifier.POSITIVE_NOT_QUANTIFIABLE),
            "positive, not quantifiable",
            "positive, not quantifiable",
        ),
        (
            Mrd("1e-4", 1e-4, MrdQualifier.POSITIVE_NOT_QUANTIFIABLE),
            "positive, not quantifiable; value given 0.01% (1×10⁻⁴)",
            "positive, not quantifiable; value given 0.01%",
        ),
        (Mrd("", None), "", ""),  # a planned result without a value yet
    ],
)
def test_format_mrd_keeps_the_qualifier(mrd: Mrd, full: str, short: str) -> None:
    assert format_mrd(mrd) == full
    assert format_mrd(mrd, short=True) == short


# ---------------------------------------------------------------------- parse_range


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5-10.5", (3.5, 10.5)),
        ("3,5 – 10,5", (3.5, 10.5)),
        ("150 — 450", (150.0, 450.0)),
        ("3.5 to 10.5", (3.5, 10.5)),
        ("<5", (None, 5.0)),
        ("<=5", (None, 5.0)),
        ("≤5", (None, 5.0)),
        (">150", (150.0, None)),
        ("≥ 1,5", (1.5, None)),
        ("1500-8000", (1500.0, 8000.0)),
        ("5-5", (5.0, 5.0)),
    ],
)
def test_parse_range(text: str, expected: tuple[float | None, float | None]) -> None:
    assert parse_range(text) == expected


@pytest.mark.parametrize(
    "text",
    ["10-3", "abc", "", "3.5", "-5", "3.5-", "1e3-2e3", "٣–٥", "３-５", "1,500-8,000", ">1,200"],
)
def test_parse_range_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_range(text)


def test_parse_range_messages() -> None:
    with pytest.raises(ValueError, match="upper limit is below the lower one"):
        parse_range("10.5-3.5")
    with pytest.raises(ValueError, match=r"for example 3\.5-10\.5, <5 or >150"):
        parse_range("normal")
    with pytest.raises(ValueError, match="ambiguous"):
        parse_range("1,500-8,000")


@given(decimal_strings, decimal_strings, st.sampled_from(["-", " - ", "–", " — ", " to "]))
def test_parse_range_round_trips(a: str, b: str, dash: str) -> None:
    low, high = sorted((a, b), key=float)
    assert parse_range(f"{low}{dash}{high}") == (float(low), float(high))


# ---------------------------------------------------------------------- random text


@given(st.text(max_size=30))
@example("MMOL/L")  # a refused unit (triglycerides): its message says it is a unit
@example("pmol/L")
def test_random_text_raises_only_value_error(text: str) -> None:
    for parse in (parse_number, parse_mrd, parse_range, parse_it_drug):
        with contextlib.suppress(ValueError):
            parse(text)
    for a in ANALYTES:
        unit = a.unit(text)  # never raises
        problem = plausibility_problem(a.code, 1.0, text)  # a message, never an exception
        assert (unit is None) == (problem is not None and "unit" in problem)
        if unit is None:
            with pytest.raises(ValueError):
                to_canonical(a.code, 1.0, text)
    find_analyte(text)


@given(st.text(alphabet="0123456789.,<>%eE^x×⁻⁴-10 ", max_size=14))
@example("0E309")  # once an OverflowError in parse_mrd
@example("9" * 400)  # once parsed as inf
def test_number_like_text_raises_only_value_error(text: str) -> None:
    for parse in (parse_number, parse_mrd, parse_range):
        try:
            result = parse(text)
        except ValueError:
            continue
        if parse is parse_mrd:
            assert isinstance(result, float) and 0 <= result <= 1
        elif parse is parse_number:
            assert math.isfinite(result.value) and result.value >= 0
        else:
            assert all(b is None or math.isfinite(b) for b in result)


def test_module_exports() -> None:
    assert analytes.COUNT_CANONICAL == "10^9/L"
    assert analytes.HB_MMOL_PER_G_DL == 0.6206
