"""The catalogue beyond the blood count (domain.md §2.8): codes, units, exact conversions,
no built-in ranges, methotrexate never flagged; segmented vs total neutrophil % (§2.2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from tracker import analytes, range_units, ranges
from tracker.analytes import ANALYTES, BY_CODE, GROUPS, analyte, find_analyte, to_canonical
from tracker.anc import anc_view, calculate_anc
from tracker.forms import ValueInput, count_from_form, validate_count
from tracker.io import lab_values
from tracker.model import Child, CountResult, CountValue

TODAY = dt.date(2026, 11, 24)

# Codes domain.md §2.8 marks ❌ (do not ship): never in the catalogue.
NOT_SHIPPED = ("15152-2", "26450-7", "30180-4", "26444-0", "3717-6", "769-8")


def value(code: str, text: str, unit: str, rng: str = "") -> CountValue:
    return lab_values.parse_value(analyte(code), text, unit, rng)


# ---------------------------------------------------------------- the catalogue's shape


def test_catalogue_has_the_section_2_8_analytes() -> None:
    want = {
        "crp": "1988-5",
        "igg": "2465-3",
        "alt": "1742-6",
        "ast": "1920-8",
        "bili_total": "1975-2",
        "bili_direct": "1968-7",
        "bili_conj": "",
        "albumin": "1751-7",
        "creatinine": "2160-0",
        "potassium": "2823-3",
        "sodium": "2951-2",
        "fibrinogen": "3255-7",
        "ferritin": "2276-4",
        "triglycerides": "2571-8",
        "amylase": "1798-8",
        "lipase": "3040-3",
        "glucose": "2345-7",
        "lymph_pct": "736-9",
        "mono_pct": "5905-5",
        "eos_pct": "713-8",
        "eos": "711-2",
        "baso_pct": "706-2",
        "baso": "704-7",
        "retic_pct": "17849-1",
        "retic": "60474-4",
        "seg_pct": "",
        "mcv": "787-2",
        "mch": "785-6",
        "mchc": "786-4",
        "rdw_cv": "788-0",
        "rdw_sd": "21000-5",
        "mpv": "32623-1",
        "mtx": "14836-1",
    }
    for code, loinc in want.items():
        assert BY_CODE[code].loinc == loinc, code
    assert BY_CODE["mtx"].timed and BY_CODE["mtx"].group == "Drug levels"
    assert BY_CODE["crp"].group == "Chemistry" and BY_CODE["seg_pct"].group == "Differential"
    assert all(a.group in GROUPS for a in ANALYTES)
    assert len(ANALYTES) == 44  # 11 of record format 2 + 33 (domain.md §2.1, §2.8)


def test_no_unverified_code_is_shipped() -> None:
    for a in ANALYTES:
        for code in (a.loinc, *a.other_loinc):
            assert code not in NOT_SHIPPED, (a.code, code)


def test_alternative_codes_are_listed() -> None:
    assert set(BY_CODE["anc"].other_loinc) >= {"26499-4", "753-4"}
    assert "26464-8" in BY_CODE["wbc"].other_loinc
    assert "59260-0" in BY_CODE["hgb"].other_loinc
    assert "76485-2" in BY_CODE["crp"].other_loinc
    assert "14629-0" in BY_CODE["bili_direct"].other_loinc
    assert "14682-9" in BY_CODE["creatinine"].other_loinc
    assert "4679-7" in BY_CODE["retic_pct"].other_loinc
    assert "26449-9" in BY_CODE["eos"].other_loinc
    assert "30522-7" not in BY_CODE["crp"].other_loinc  # hs-CRP is not CRP (§2.8.1)


def test_every_new_analyte_names_its_source_and_status() -> None:
    for a in ANALYTES:
        if a.group in ("Chemistry", "Drug levels") or a.code in ("seg_pct", "eos", "retic"):
            assert "domain.md §2." in a.source, a.code
            assert any(m in a.source for m in ("✅", "⚠️", "❌")), a.code
    assert "do not ship" in BY_CODE["triglycerides"].source


def test_triglycerides_are_not_converted_between_mg_dl_and_mmol_l() -> None:
    """domain.md §2.8, "Could not verify — do not ship" 5: the triolein convention (the
    mg/dL ↔ mmol/L factor) rests on secondary sources only: a mmol/L result is refused
    with that reason, never converted (the independent clinical check of issue 11)."""
    a = BY_CODE["triglycerides"]
    assert [u.label for u in a.units] == ["mg/dL"]
    message = analytes.unknown_unit_message(a, "mmol/L")
    assert "not converted" in message and "no verified source" in message
    assert "domain.md" not in message


def test_no_alias_is_claimed_by_two_analytes() -> None:
    seen: dict[str, str] = {}
    for a in ANALYTES:
        for spelling in (a.code, a.short, a.name, *a.aliases):
            key = lab_values.name_key(spelling)
            assert seen.setdefault(key, a.code) == a.code, (spelling, seen[key], a.code)
    codes = [c for a in ANALYTES for c in (a.loinc, *a.other_loinc) if c]
    assert len(codes) == len(set(codes))


def test_each_name_and_code_is_found() -> None:
    for a in ANALYTES:
        unit = a.default_unit.label
        for spelling in (a.name, a.short, *a.aliases):
            found = lab_values.resolve_test(spelling, unit)
            assert found is a, (spelling, found and found.code, a.code)
        for code in (a.loinc, *a.other_loinc):
            if code:
                assert lab_values.resolve_test("Unnamed test", unit, code) is a, code
    assert find_analyte("C reactive protein [Mass/volume] in Serum or Plasma") is BY_CODE["crp"]
    assert find_analyte("Segs") is BY_CODE["seg_pct"]
    assert find_analyte("PMN") is BY_CODE["seg_pct"]
    assert find_analyte("NEUT%") is BY_CODE["neut_pct"]
    assert lab_values.resolve_test("Lymphocytes", "%") is BY_CODE["lymph_pct"]
    assert lab_values.resolve_test("Lymphocytes", "K/uL") is BY_CODE["lymph"]
    assert lab_values.resolve_test("Eosinophils", "%") is BY_CODE["eos_pct"]
    assert lab_values.resolve_test("Bilirubin, direct", "mg/dL") is BY_CODE["bili_direct"]
    assert lab_values.resolve_test("RDW", "%") is BY_CODE["rdw_cv"]
    assert lab_values.resolve_test("RDW", "fL") is BY_CODE["rdw_sd"]
    assert lab_values.resolve_test("Bilirubin, conjugated", "mg/dL") is BY_CODE["bili_conj"]


# ---------------------------------------------------------------- conversions (§2.8)


@pytest.mark.parametrize(
    ("code", "number", "unit", "canonical"),
    [
        ("bili_total", 1.0, "mg/dL", 17.104),
        ("bili_direct", 1.0, "mg/dL", 17.104),
        ("bili_conj", 1.0, "mg/dL", 17.104),
        ("bili_total", 17.104, "umol/L", 17.104),
        ("creatinine", 0.5, "mg/dL", 44.2),
        ("creatinine", 0.09, "mmol/L", 90.0),
        ("glucose", 90.0, "mg/dL", 4.9959),
        ("glucose", 5.0, "mmol/L", 5.0),
        ("crp", 1.2, "mg/dL", 12.0),
        ("crp", 12.0, "mg/L", 12.0),
        ("igg", 700.0, "mg/dL", 7.0),
        ("albumin", 3.5, "g/dL", 35.0),
        ("fibrinogen", 250.0, "mg/dL", 2.5),
        ("ferritin", 150.0, "ng/mL", 150.0),
        ("ferritin", 150.0, "ug/L", 150.0),
        ("potassium", 4.2, "meq/L", 4.2),
        ("sodium", 138.0, "mEq/L", 138.0),
        ("alt", 60.0, "U/L", 60.0),
        ("alt", 1.0, "ukat/L", 60.0),
        ("amylase", 0.5, "µkat/L", 30.0),
        ("triglycerides", 100.0, "mg/dL", 100.0),
        ("mtx", 1.0, "umol/L", 1.0),
        ("mtx", 1.0, "mg/L", 2.2005),
        ("mtx", 1.0, "µg/mL", 2.2005),
        ("retic", 40.0, "10*3/uL", 40.0),
        ("retic", 0.04, "10*6/uL", 40.0),
        ("eos", 0.3, "10*9/L", 0.3),
        ("mcv", 80.0, "fL", 80.0),
        ("mch", 27.0, "pg", 27.0),
        ("mchc", 33.0, "g/dL", 330.0),
        ("rdw_cv", 14.0, "%", 14.0),
        ("rdw_sd", 40.0, "fL", 40.0),
    ],
)
def test_exact_conversions(code: str, number: float, unit: str, canonical: float) -> None:
    assert to_canonical(code, number, unit) == pytest.approx(canonical, rel=1e-4)


def test_ucum_spellings_are_read() -> None:
    for code, spelling in [
        ("wbc", "10*3/uL"),
        ("bili_total", "umol/L"),
        ("potassium", "meq/L"),
        ("alt", "U/L"),
        ("alt", "ukat/L"),
        ("ferritin", "ng/mL"),
        ("ferritin", "ug/L"),
        ("crp", "mg/dL"),
        ("igg", "g/L"),
        ("glucose", "mmol/L"),
        ("mcv", "fL"),
        ("mch", "pg"),
        ("lymph_pct", "%"),
    ]:
        assert analyte(code).unit(spelling) is not None, (code, spelling)


def test_iu_per_litre_is_kept_as_printed_and_read_as_u_per_litre_with_a_note() -> None:
    v = value("alt", "45", "IU/L")
    assert v.unit == "IU/L" and v.normalised_value == 45.0
    assert "IU/L" in BY_CODE["alt"].source and "U/L" in BY_CODE["alt"].source


@pytest.mark.parametrize(
    ("code", "unit", "says"),
    [
        ("crp", "nmol/L", "molar mass"),
        ("ferritin", "pmol/L", "not converted"),
        ("albumin", "umol/L", "molar mass"),
        ("mtx", "mmol/L", "µmol/L"),
        ("rdw_sd", "%", "RDW-CV"),
        ("rdw_cv", "fL", "RDW-SD"),
    ],
)
def test_units_that_cannot_be_converted_are_refused_with_a_reason(
    code: str, unit: str, says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        value(code, "1", unit)
    with pytest.raises(ValueError, match=says):
        to_canonical(code, 1, unit)


def test_mtx_in_mmol_per_litre_is_refused_in_the_form(child: Child) -> None:
    with pytest.raises(ValueError, match="µmol/L"):
        count_from_form(
            {"taken_date": "2026-11-20"},
            [ValueInput("mtx", "0.5", "mmol/L", hours_after=48)],
            child=child,
            today=TODAY,
        )


# ---------------------------------------------------------------- ranges and flags


def test_no_built_in_range_for_chemistry() -> None:
    birth = dt.date(2026, 5, 1)
    for a in ANALYTES:
        if a.group in ("Chemistry", "Drug levels"):
            middle = sum(a.plausible) / 2 / a.default_unit.factor
            v = value(a.code, analytes.format_number(middle), a.default_unit.label)
            used = ranges.range_for(v, birth, TODAY)
            assert used.kind is None and "No range given" in used.source, a.code
            assert ranges.flag(v, used) is None


def test_chemistry_is_flagged_against_the_lab_range_only() -> None:
    v = value("crp", "80", "mg/L", "0-5")  # outside in mg/L and mg/dL alike
    used = ranges.range_for(v, dt.date(2026, 5, 1), TODAY)
    flag = ranges.flag(v, used)
    assert flag is not None and flag.kind is ranges.FlagKind.HIGH and used.kind == "lab"


def test_methotrexate_is_never_flagged_even_with_a_lab_range() -> None:
    v = value("mtx", "0.8", "umol/L", "<0.1")
    used = ranges.range_for(v, dt.date(2026, 5, 1), TODAY)
    assert ranges.flag(v, used) is None
    assert "rescue plan" in ranges.drug_level_note("mtx")
    assert ranges.drug_level_note("crp") == ""


# ---------------------------------------------------------------- ANC bases (§2.2)


def result(child: Child, **values: tuple[str, str]) -> CountResult:
    return count_from_form(
        {"taken_date": "2026-11-20"},
        [ValueInput(code, text, unit) for code, (text, unit) in values.items()],
        child=child,
        today=TODAY,
    )


def test_anc_from_segs_adds_bands(child: Child) -> None:
    calc = calculate_anc(
        result(child, wbc=("2.0", "K/µL"), seg_pct=("20", "%"), band_pct=("5", "%"))
    )
    assert calc is not None and calc.value == pytest.approx(0.5)
    assert "segmented" in calc.basis and "bands" in calc.basis


def test_anc_from_total_neutrophils_does_not_add_bands(child: Child) -> None:
    r = result(child, wbc=("2.0", "K/µL"), neut_pct=("20", "%"), band_pct=("5", "%"))
    calc = calculate_anc(r)
    assert calc is not None and calc.value == pytest.approx(0.4)
    assert "calculated from total neutrophil %" in calc.label
    assert "not added" in calc.basis


def test_segs_win_over_total_and_it_is_said(child: Child) -> None:
    r = result(
        child,
        wbc=("2.0", "K/µL"),
        neut_pct=("30", "%"),
        seg_pct=("20", "%"),
        band_pct=("5", "%"),
    )
    calc = calculate_anc(r)
    assert calc is not None and calc.value == pytest.approx(0.5)
    assert "total neutrophil % also given" in calc.basis
    assert calc.basis in anc_view(r).note


def test_lab_anc_matching_total_plus_bands_is_not_a_disagreement(child: Child) -> None:
    # whether a lab's total % includes bands has no primary source (§2.2 ❌): either reading
    r = result(
        child,
        anc=("0.5", "×10⁹/L"),
        wbc=("2.0", "K/µL"),
        neut_pct=("20", "%"),
        band_pct=("5", "%"),
    )
    assert not anc_view(r).disagrees


def test_sum_over_100_is_checked_for_segs_not_for_total(child: Child) -> None:
    segs = CountResult(
        1,
        dt.date(2026, 11, 20),
        values=(
            CountValue("seg_pct", "80", "%", 80.0, 80.0, "%"),
            CountValue("band_pct", "30", "%", 30.0, 30.0, "%"),
        ),
    )
    errors = validate_count(segs, child, TODAY)
    assert "Segmented neutrophils % and bands %" in errors["band_pct.value"]
    total = CountResult(
        1,
        dt.date(2026, 11, 20),
        values=(
            CountValue("neut_pct", "90", "%", 90.0, 90.0, "%"),
            CountValue("band_pct", "15", "%", 15.0, 15.0, "%"),
        ),
    )
    assert "band_pct.value" not in validate_count(total, child, TODAY)


def test_csv_test_name_keeps_segs_apart() -> None:
    assert lab_values.resolve_test("Segmented neutrophils", "%") is BY_CODE["seg_pct"]
    assert lab_values.resolve_test("Neutrophils", "%") is BY_CODE["neut_pct"]
    assert lab_values.resolve_test("Polys", "%") is BY_CODE["seg_pct"]


def test_catalogue_plausible_limits_hold_every_canonical_unit() -> None:
    for a in ANALYTES:
        low, high = a.plausible
        assert 0 <= low < high, a.code
        assert analytes.possible(a.code, high) and analytes.possible(a.code, low)
        canonical = a.unit(a.canonical_unit)
        assert canonical is not None and canonical.factor == 1.0, a.code


def test_reference_rows_for_new_analytes_are_never_flags() -> None:
    # Table A (§2.3) has MCV rows; they stay reference text: no built-in range for new analytes
    birth = dt.date(2026, 5, 1)
    assert ranges.builtin_range("mcv", birth, birth + dt.timedelta(days=14)) is not None
    v = value("mcv", "60", "fL")
    used = ranges.range_for(v, birth, birth + dt.timedelta(days=14))
    assert used.kind is None and ranges.flag(v, used) is None


# ---------------------------------------------------------------- where values are shown


def _summary(child: Child, counts: list[CountResult]):  # type: ignore[no-untyped-def]
    from tracker.summary import build_summary

    return build_summary(
        child,
        phases=[],
        milestones=[],
        counts=counts,
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        start=dt.date(2026, 11, 1),
        end=TODAY,
    )


def test_summary_keeps_chemistry_out_of_the_counts_table_and_names_the_anc_basis(
    child: Child,
) -> None:
    r = count_from_form(
        {"taken_date": "2026-11-20"},
        [
            ValueInput("wbc", "2.0", "K/µL"),
            ValueInput("neut_pct", "20", "%"),
            ValueInput("crp", "12", "mg/L"),
            ValueInput("mtx", "0.4", "µmol/L", hours_after=48),
        ],
        child=child,
        today=TODAY,
    )
    s = _summary(child, [r])
    assert "crp" not in s.count_columns and "mtx" not in s.count_columns
    assert "anc" in s.count_columns
    notes = " ".join(s.count_footnotes)
    assert "calculated from total neutrophil %" in notes
    printed = {line.test for line in s.lab_results}  # printed in a table of their own
    assert any("CRP" in t for t in printed) and any("ethotrexate" in t for t in printed)


def test_table_says_the_basis_source_hours_and_rescue_plan(child: Child) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocument

    from tracker.assessment import make_assessor
    from ui.models.counts import CountsModel

    r = count_from_form(
        {"taken_date": "2026-11-20"},
        [
            ValueInput("wbc", "2.0", "K/µL"),
            ValueInput("seg_pct", "20", "%"),
            ValueInput("band_pct", "5", "%"),
            ValueInput("mtx", "0.8", "µmol/L", "<0.1", hours_after=48),
            ValueInput("alt", "45", "IU/L"),
        ],
        child=child,
        today=TODAY,
    )
    model = CountsModel()
    model.reload([r], make_assessor(child))

    def tip(code: str) -> str:
        doc = QTextDocument()
        doc.setHtml(model.index(0, model.analyte_column(code)).data(Qt.ItemDataRole.ToolTipRole))
        return doc.toPlainText()

    assert "segmented neutrophils % + bands %" in tip("anc")
    mtx = tip("mtx")
    assert "48 h after the infusion started" in mtx and "rescue plan" in mtx
    assert "Within" not in mtx and "Low" not in mtx and "High" not in mtx
    assert "14836-1 (ARUP; Mayo; ULO)" in mtx and "domain.md" not in mtx  # for people
    assert "IU/L" in tip("alt") and "§" not in tip("alt")
    text = model.index(0, model.analyte_column("mtx")).data(Qt.ItemDataRole.DisplayRole)
    assert "48 h" in text and " H" not in text and "L" not in text.replace("µmol/L", "")
    flags = model.index(0, model._keys.index("flags")).data(Qt.ItemDataRole.DisplayRole)
    assert "rescue plan" in flags


def test_si_and_us_preferences_show_chemistry_in_their_units() -> None:
    from tracker.display import UnitPreference, display_unit

    assert display_unit("bili_total", UnitPreference.SI) == "µmol/L"
    assert display_unit("bili_total", UnitPreference.US) == "mg/dL"
    assert display_unit("creatinine", UnitPreference.SI) == "µmol/L"
    assert display_unit("glucose", UnitPreference.SI) == "mmol/L"
    assert display_unit("ferritin", UnitPreference.SI) == "µg/L"
    assert display_unit("hgb", UnitPreference.SI) == "g/L"
    assert display_unit("hct", UnitPreference.US) == "%"


def test_lab_csv_refuses_unconvertible_units_by_line_and_reads_the_rest() -> None:
    from tracker.io.csv_import import read_csv

    text = (
        "Date,Time,Test,Result,Unit,Range,Hours\n"
        "2026-11-20,08:00,Methotrexate,0.45,mmol/L,,\n"
        "2026-11-20,08:00,CRP,95,nmol/L,,\n"
        "2026-11-20,08:00,C-reactive protein,12,mg/L,0-5,\n"
        "2026-11-20,08:00,Bilirubin direct,0.3,mg/dL,,\n"
        "2026-11-20,08:00,Conjugated bilirubin,0.2,mg/dL,,\n"
        "2026-11-20,08:00,Segs,20,%,,\n"
        "2026-11-20,08:00,Neutrophils,30,%,,\n"
    )
    parsed = read_csv(text.encode())
    reasons = {p.line: p.reason for p in parsed.problems}
    assert sorted(reasons) == [2, 3]
    assert "µmol/L" in reasons[2] and "misprint" in reasons[2]
    assert "molar mass" in reasons[3]
    [draw] = parsed.draws
    got = {v.value.analyte: v.value.normalised_value for v in draw.values}
    assert got["crp"] == 12.0
    assert got["bili_direct"] == pytest.approx(0.3 * 17.104)
    assert got["bili_conj"] == pytest.approx(0.2 * 17.104)
    assert (got["seg_pct"], got["neut_pct"]) == (20.0, 30.0)


def test_a_raised_crp_beside_its_lab_range_is_flagged_not_asked(child: Child) -> None:
    # 12 mg/L beside "0-5": the range is in the value's unit, as printed together
    assert range_units.other_reading("crp", 12, 0, 5, "mg/L") is None
    v = value("crp", "12", "mg/L", "0-5")
    used = ranges.range_for(v, child.birth_date, TODAY)
    flag = ranges.flag(v, used)
    assert flag is not None and flag.kind is ranges.FlagKind.HIGH
    # a blood value far from a range that flags it the other way in another unit is asked
    assert range_units.other_reading("lymph", 3.0, 1000, 1900, "×10⁹/L") == "/µL"


def test_hours_after_only_for_a_drug_level_and_never_negative(child: Child) -> None:
    def count(code: str, hours: float) -> CountResult:
        v = value(code, "0.4", analyte(code).default_unit.label)
        return CountResult(1, dt.date(2026, 11, 20), values=(replace(v, hours_after=hours),))

    assert validate_count(count("mtx", 48), child, TODAY) == {}
    assert "cannot be negative" in validate_count(count("mtx", -2), child, TODAY)["mtx.value"]
    assert "drug level" in validate_count(count("crp", 48), child, TODAY)["crp.value"]


def test_no_unverified_code_is_shown_in_a_source_note() -> None:
    for a in ANALYTES:
        for code in NOT_SHIPPED:
            assert code not in a.source, (a.code, code)
