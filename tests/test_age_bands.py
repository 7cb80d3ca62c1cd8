"""Issue 11: age bands by completed calendar months (as the header), Table D not shipped,
and the CTCAE/category caveat shown when the lab's own range calls a value normal."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from tracker import analytes, ranges
from tracker.assessment import make_assessor
from tracker.dates import age, format_age
from tracker.forms import parse_range
from tracker.model import Child, CountResult, CountValue

BIRTHS = [
    dt.date(2026, 1, 10),
    dt.date(2026, 1, 31),  # 6 months later is 31 July; 1 month later is 28 February
    dt.date(2025, 8, 31),  # 6 months later is 28 February
    dt.date(2024, 2, 29),  # leap day
    dt.date(2025, 3, 31),
    dt.date(2025, 12, 31),
]


def months_birthday(birth: dt.date, months: int) -> dt.date:
    """The first day the header says the child has completed ``months`` months."""
    day = birth + relativedelta(months=months) - dt.timedelta(days=3)
    while age(birth, day).years * 12 + age(birth, day).months < months:
        day += dt.timedelta(days=1)
    return day


def label(code: str, table: str, birth: dt.date, on: dt.date) -> str | None:
    found = [r.age_label for r in ranges.builtin_ranges(code, birth, on) if r.table == table]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("birth", BIRTHS, ids=str)
def test_six_month_birthday_switches_band_the_day_the_header_says_6_months(
    birth: dt.date,
) -> None:
    six = months_birthday(birth, 6)
    assert format_age(birth, six).startswith("6 months")
    assert label("anc", "Table B", birth, six) == "6 mo–5 y"
    assert label("anc", "Table B", birth, six - dt.timedelta(days=1)) == "3–6 months"
    assert label("hgb", "Table A", birth, six) == "0.5–2 years"
    assert label("hgb", "Table A", birth, six - dt.timedelta(days=1)) == "3–6 months"


@pytest.mark.parametrize("birth", BIRTHS, ids=str)
def test_every_month_band_follows_the_headers_completed_months(birth: dt.date) -> None:
    # Table B's ANC rows: 0–1 month, 1–3 mo, 3–6 months, 6 mo–5 y
    expected = {0: "0–1 month", 1: "1–3 mo", 2: "1–3 mo"}
    day = birth
    while day < birth + relativedelta(months=12):
        r = age(birth, day)
        months = r.years * 12 + r.months
        want = expected.get(months, "3–6 months" if months < 6 else "6 mo–5 y")
        assert label("anc", "Table B", birth, day) == want, (birth, day, months)
        # Table C reads bands as completed ages: "3–6 months" runs until 7 months
        c = label("hgb", "Table C", birth, day)
        if 3 <= months <= 6:
            assert c == "3–6 months", (birth, day)
        elif 7 <= months <= 12:
            assert c == "7 months–1 year", (birth, day)
        day += dt.timedelta(days=1)


def test_table_d_is_not_shipped_until_its_correction_is_checked() -> None:
    # domain.md §2.3: "check [the published correction] before shipping these values"
    assert "Table D" not in [t.name for t in ranges.reference_tables()]
    birth = dt.date(2026, 1, 10)
    five_months = birth + relativedelta(months=5, days=5)
    for platelets in ("153", "200", "216"):
        v = cv("plt", platelets, "×10⁹/L")
        used = ranges.range_for(v, birth, five_months)
        assert ranges.flag(v, used) is None
        assert "Hinchliffe" not in used.source


def test_an_unverified_table_is_refused() -> None:
    import copy
    import json

    import resources

    data = json.loads(resources.read_text(ranges.INFANT_RANGES_FILE))
    bad = copy.deepcopy(data)
    bad["tables"][0]["status"] = "partly_verified"
    bad["tables"][0]["status_note"] = "a correction was not read"
    with pytest.raises(ranges.ReferenceDataError, match="verified"):
        ranges.parse_infant_ranges(bad)


def cv(code: str, text: str, unit: str, range_text: str = "") -> CountValue:
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


def assess(value: CountValue, grades: bool = True):  # type: ignore[no-untyped-def]
    child = Child(name="Test", birth_date=dt.date(2025, 6, 1))
    result = CountResult(child_id=1, taken_date=dt.date(2026, 1, 5), values=(value,))
    found = make_assessor(child, grades=grades)(result, value)
    assert found is not None
    return found


def test_category_and_grade_inside_the_lab_range_carry_the_caveat_and_source() -> None:
    a = assess(cv("anc", "1.2", "×10⁹/L", "1.0-8.5"))
    assert a.short == ""  # within the lab's range
    text = "\n".join(a.notes)
    assert "Mild neutropenia" in text and "CTCAE v5 grade 2" in text
    caveat = ranges.ctcae_display_note()
    assert caveat in text
    assert "within the range printed by your lab" in text
    assert "Taplitz" in text  # the categories' source
    assert "NCI Common Terminology Criteria" in text  # the grades' source


def test_caveat_for_the_category_alone_when_grades_are_off() -> None:
    text = "\n".join(assess(cv("anc", "1.2", "×10⁹/L", "1.0-8.5"), grades=False).notes)
    assert "Mild neutropenia" in text and "CTCAE v5 grade" not in text
    assert "within the range printed by your lab" in text and "Taplitz" in text


def test_no_caveat_when_the_lab_range_agrees() -> None:
    a = assess(cv("anc", "0.8", "×10⁹/L", "1.0-8.5"))
    assert a.short == "↓ L"
    text = "\n".join(a.notes)
    assert "Moderate neutropenia" in text
    assert "within the range printed by your lab" not in text


# --------------------------------------------------------------------------- boundaries


def test_a_printed_less_than_range_leaves_its_limit_out() -> None:
    birth = dt.date(2026, 1, 10)
    on = dt.date(2026, 6, 1)
    at_limit = cv("wbc", "5", "×10⁹/L", "<5")
    used = ranges.range_for(at_limit, birth, on)
    got = ranges.flag(at_limit, used)
    assert got is not None and got.kind is ranges.FlagKind.HIGH
    assert "5 is not < 5" in got.text and "“<5”" in got.text
    assert ranges.flag(cv("wbc", "4.9", "×10⁹/L", "<5"), used) is None
    # "≤5" and a "3.5-5" band include their limit
    for text in ("≤5", "<=5", "3.5-5"):
        v = cv("wbc", "5", "×10⁹/L", text)
        assert ranges.flag(v, ranges.range_for(v, birth, on)) is None, text
    above = cv("plt", "150", "×10⁹/L", ">150")
    low = ranges.flag(above, ranges.range_for(above, birth, on))
    assert low is not None and low.kind is ranges.FlagKind.LOW
    assert "150 is not > 150" in low.text


def test_a_value_at_an_included_limit_says_so() -> None:
    a = assess(cv("anc", "1.0", "×10⁹/L", "1.0-8.5"))
    assert a.short == ""
    assert "1 is at the lower limit 1, which “1.0-8.5” includes" in a.text


def team(code: str, purpose: str, text: str, unit: str = "×10⁹/L"):  # type: ignore[no-untyped-def]
    from tracker.forms import threshold_from_form

    child = Child(name="Test", birth_date=dt.date(2025, 6, 1), id=1)
    fields = {"analyte": code, "purpose": purpose, "value_text": text, "unit": unit}
    return threshold_from_form(fields, child=child)


def test_a_team_number_over_a_limit_is_compared_strictly_and_says_so() -> None:
    over = team("anc", "next_block", ">0.5")  # "ANC over 0.5 to start the next block"
    at = ranges.team_notes(cv("anc", "0.5", "×10⁹/L"), [over])
    [note] = [n for n in at if n.kind is ranges.NoteKind.BELOW_NEXT_BLOCK]
    assert "more than 0.5 ×10⁹/L" in note.basis and "0.5 is not more than 0.5" in note.basis
    assert not [
        n
        for n in ranges.team_notes(cv("anc", "0.51", "×10⁹/L"), [over])
        if n.kind is ranges.NoteKind.BELOW_NEXT_BLOCK
    ]
    plain = team("anc", "next_block", "0.5")  # "0.5 to start": at or above is enough
    assert not [
        n
        for n in ranges.team_notes(cv("anc", "0.5", "×10⁹/L"), [plain])
        if n.kind is ranges.NoteKind.BELOW_NEXT_BLOCK
    ]


def test_a_team_trigger_keep_above_is_compared_strictly() -> None:
    keep = team("plt", "transfusion", ">10")  # "keep platelets over 10"
    notes = ranges.team_notes(cv("plt", "10", "×10⁹/L"), [keep])
    [note] = [n for n in notes if n.kind is ranges.NoteKind.LOW_PLATELETS]
    assert "10 is not more than 10" in note.basis
    below = team("plt", "transfusion", "<10")  # "transfuse below 10": 10 is not below
    assert not [
        n
        for n in ranges.team_notes(cv("plt", "10", "×10⁹/L"), [below])
        if n.kind is ranges.NoteKind.LOW_PLATELETS and n.threshold is not None
    ]


def test_a_next_block_number_below_something_is_refused() -> None:
    from tracker.forms import FormErrors

    with pytest.raises(FormErrors) as caught:
        team("anc", "next_block", "<0.5")
    assert "needed to start" in caught.value.errors["value_text"]
