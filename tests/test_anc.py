"""ANC worked out from the differential: the formula, its label, disagreement, export."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.anc import anc_view, calculate_anc
from tracker.forms import ValueInput, count_from_form
from tracker.io.json_export import export_record
from tracker.model import Child, CountResult
from tracker.store import Record

TODAY = dt.date(2026, 11, 24)


def result(child: Child, **values: tuple[str, str]) -> CountResult:
    return count_from_form(
        {"taken_date": "2026-11-20"},
        [ValueInput(code, text, unit) for code, (text, unit) in values.items()],
        child=child,
        today=TODAY,
    )


def test_formula_with_bands(child: Child) -> None:
    # segmented % + bands % (domain.md §2.2); a total neutrophil % does not add bands
    r = result(child, wbc=("2.0", "K/µL"), seg_pct=("20", "%"), band_pct=("5", "%"))
    calc = calculate_anc(r)
    assert calc is not None
    assert calc.value == pytest.approx(0.5)  # 2.0 × (20 + 5) / 100 ×10⁹/L = 500/µL
    assert "bands %" in calc.basis


def test_formula_from_total_neutrophils_is_labelled_so(child: Child) -> None:
    r = result(child, wbc=("1200", "/µL"), neut_pct=("40", "%"))
    calc = calculate_anc(r)
    assert calc is not None
    assert calc.value == pytest.approx(0.48)
    assert "total neutrophils %" in calc.basis
    view = anc_view(r)
    assert view.is_calculated and view.value == pytest.approx(0.48)
    assert "not reported by the lab" in view.note


def test_nothing_is_calculated_without_inputs_or_from_bounds(child: Child) -> None:
    assert calculate_anc(result(child, wbc=("2.0", "K/µL"))) is None
    assert calculate_anc(result(child, neut_pct=("20", "%"))) is None
    assert calculate_anc(result(child, wbc=("<0.1", "K/µL"), neut_pct=("20", "%"))) is None


def test_reported_anc_wins_and_disagreement_is_said(child: Child) -> None:
    close = result(child, anc=("0.52", "×10⁹/L"), wbc=("2.0", "K/µL"), neut_pct=("25", "%"))
    view = anc_view(close)
    assert view.value == pytest.approx(0.52) and not view.is_calculated
    assert not view.disagrees  # 0.52 vs 0.50: within 10 %
    far = result(child, anc=("0.9", "×10⁹/L"), wbc=("2.0", "K/µL"), neut_pct=("25", "%"))
    view = anc_view(far)
    assert view.disagrees
    assert "differ by more than 10%" in view.note
    assert view.value == pytest.approx(0.9)


@given(
    wbc=st.decimals(min_value="0.1", max_value="100", places=1),
    neut=st.integers(min_value=0, max_value=90),
    bands=st.integers(min_value=0, max_value=10),
)
def test_formula_property(wbc, neut, bands) -> None:  # type: ignore[no-untyped-def]
    child = Child(name="A", birth_date=dt.date(2026, 1, 1), id=1)
    r = result(
        child, wbc=(str(wbc), "×10⁹/L"), seg_pct=(str(neut), "%"), band_pct=(str(bands), "%")
    )
    calc = calculate_anc(r)
    assert calc is not None
    assert calc.value == pytest.approx(float(wbc) * (neut + bands) / 100)
    assert calc.value <= float(wbc) + 1e-9


def test_json_export_marks_the_calculated_anc(record: Record, child: Child) -> None:
    record.save(result(child, wbc=("2.0", "K/µL"), neut_pct=("20", "%")))
    data = export_record(record, dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    values = data["children"][0]["counts"][0]["values"]
    entered = [v for v in values if not v["calculated"]]
    [calc] = [v for v in values if v["calculated"]]
    assert {v["analyte"] for v in entered} == {"wbc", "neut_pct"}
    assert calc["analyte"] == "anc" and calc["uid"] is None
    assert calc["normalised_value"] == pytest.approx(0.4)


def test_a_lab_anc_printed_with_a_bound_is_compared_as_a_bound(child: Child) -> None:
    """Issue 11: "<0.1" from the lab and 0.08 worked out from the differential agree."""
    below = result(child, anc=("<0.1", "×10⁹/L"), wbc=("0.4", "K/µL"), neut_pct=("20", "%"))
    assert not anc_view(below).disagrees  # 0.08 is below 0.1
    near = result(child, anc=("<0.1", "×10⁹/L"), wbc=("0.5", "K/µL"), neut_pct=("21", "%"))
    assert not anc_view(near).disagrees  # 0.105: within 10 % of the bound
    above = result(child, anc=("<0.1", "×10⁹/L"), wbc=("1.5", "K/µL"), neut_pct=("20", "%"))
    view = anc_view(above)
    assert view.disagrees  # 0.3 is not below 0.1
    assert "The lab's ANC (<0.1 ×10⁹/L)" in view.note
    over = result(child, anc=(">5", "×10⁹/L"), wbc=("20", "K/µL"), neut_pct=("40", "%"))
    assert not anc_view(over).disagrees  # 8 is above 5
    under = result(child, anc=(">5", "×10⁹/L"), wbc=("10", "K/µL"), neut_pct=("20", "%"))
    assert anc_view(under).disagrees  # 2 is not above 5


def test_disagreement_note_prints_plain_numbers(child: Child) -> None:
    """Issue 11: the worked-out ANC printed as "1.2e+02"."""
    r = result(child, anc=("150", "×10⁹/L"), wbc=("400", "×10⁹/L"), neut_pct=("30", "%"))
    view = anc_view(r)
    assert view.disagrees
    assert "e+" not in view.note
    assert "(150 ×10⁹/L)" in view.note and "(120 ×10⁹/L)" in view.note


# ------------------------------------------------------------ a worked-out ANC is judged too


def test_a_calculated_anc_is_judged_as_a_reported_anc_of_that_value_would_be(
    child: Child,
) -> None:
    """The parent walkthrough of issue 11: WBC 2.1, segs 38 %, bands 6 % and no ANC showed
    "0.92 ×10⁹/L calc." with no (low), no neutropenia category and no grade, while a reported
    ANC beside it was judged.  The worked-out one is judged the same way, marked so."""
    from tracker.anc import calculated_value
    from tracker.assessment import assess_calculated_anc, make_assessor

    assess = make_assessor(child)
    worked = result(child, wbc=("2.1", "×10⁹/L"), seg_pct=("38", "%"), band_pct=("6", "%"))
    value = calculated_value(worked)
    assert value is not None and value.analyte == "anc"
    assert value.normalised_value == pytest.approx(0.92)  # judged at the number shown
    assert value.range_low is None and value.range_high is None
    got = assess_calculated_anc(assess, worked)
    reported = result(child, anc=("0.92", "×10⁹/L"))
    rep_value = reported.value("anc")
    assert rep_value is not None
    expected = assess(reported, rep_value)
    assert got is not None and expected is not None
    assert got.word == expected.word == "low"
    assert got.short == expected.short
    assert got.notes == expected.notes  # the neutropenia category and the CTCAE grade
    assert any("Moderate neutropenia" in n for n in got.notes)
    assert any("CTCAE" in n for n in got.notes)
    assert got.sources == expected.sources  # the built-in range's caveat and the sources
    assert got.range_source == expected.range_source  # Table B, with its source
    assert expected.text in got.text and "worked out" in got.text.lower()


def test_a_calculated_anc_never_takes_the_range_of_another_value(child: Child) -> None:
    """The WBC's and the segmented %'s printed ranges belong to them: the worked-out ANC is
    judged against what a reported ANC without a lab range gets (the built-in infant range)."""
    from tracker.anc import calculated_value
    from tracker.assessment import assess_calculated_anc, make_assessor

    r = count_from_form(
        {"taken_date": "2026-11-20"},
        [
            ValueInput("wbc", "2.1", "×10⁹/L", "0.5-1.0"),
            ValueInput("seg_pct", "38", "%", "1-2"),
            ValueInput("band_pct", "6", "%"),
        ],
        child=child,
        today=TODAY,
    )
    value = calculated_value(r)
    assert value is not None and value.range_text == ""
    got = assess_calculated_anc(make_assessor(child), r)
    assert got is not None and got.word == "low" and got.range_source != "lab"
    assert "University of Iowa" in got.range_source and "University of Iowa" in got.text


def test_a_reported_anc_is_never_replaced_by_a_calculated_one(child: Child) -> None:
    from tracker.anc import calculated_value
    from tracker.assessment import assess_calculated_anc, make_assessor

    r = result(
        child,
        anc=("1.8", "×10⁹/L"),
        wbc=("2.1", "×10⁹/L"),
        seg_pct=("38", "%"),
        band_pct=("6", "%"),
    )
    assert calculated_value(r) is None
    assert assess_calculated_anc(make_assessor(child), r) is None
    assert calculated_value(result(child, wbc=("2.1", "×10⁹/L"))) is None


def test_the_printed_summary_flags_a_calculated_anc(child: Child) -> None:
    """On paper the walkthrough found "0.92 (calc.)" beside a reported "1.31 (low)"."""
    from tracker.assessment import make_assessor
    from tracker.summary import build_summary

    worked = result(child, wbc=("2.1", "×10⁹/L"), seg_pct=("38", "%"), band_pct=("6", "%"))
    reported = count_from_form(
        {"taken_date": "2026-11-21"},
        [ValueInput("anc", "1.31", "×10⁹/L")],
        child=child,
        today=TODAY,
    )
    s = build_summary(
        child,
        phases=[],
        milestones=[],
        counts=[worked, reported],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        start=dt.date(2026, 11, 1),
        end=TODAY,
        assess=make_assessor(child),
    )
    cells = {row.date: row.cells["anc"] for row in s.counts}
    calc, rep = cells[dt.date(2026, 11, 20)], cells[dt.date(2026, 11, 21)]
    assert rep.text == "1.31 (low)" and rep.flagged
    assert calc.text == "0.92 (calc.) (low)" and calc.flagged and calc.calculated
    notes = " ".join(s.count_footnotes)
    assert "University of Iowa" in notes  # the range used is named on paper, as for 1.31
