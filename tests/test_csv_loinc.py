"""Issue 14, CSV side: LOINC codes and long common names, UCUM units, ISO instants with a
zone, and the rows of an EHR export that are not lab results (Synthea's observations.csv)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import analytes, cli, loinc
from tracker.io import ehr_rows
from tracker.io.csv_import import (
    ParsedFile,
    UnreadableCsv,
    apply_import,
    file_identity,
    plan_import,
    read_csv,
    summary_lines,
)
from tracker.io.lab_values import name_key, parse_instant, parse_when, resolve_test
from tracker.model import Child
from tracker.store import Record

DATA = Path(__file__).parent / "data" / "csv"
HEADER = "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE"


def values_of(parsed: ParsedFile) -> dict[str, dict[str, float]]:
    return {
        f"{d.taken_date} {d.taken_time}": {
            v.value.analyte: round(v.value.normalised_value, 6) for v in d.values
        }
        for d in parsed.draws
    }


# --------------------------------------------------------------------------- LOINC codes


@pytest.mark.parametrize("code", ["6690-2", "751-8", "777-3", "718-7", "26499-4", "5778-6"])
def test_known_loinc_codes_have_a_right_check_digit(code: str) -> None:
    assert loinc.is_loinc_code(code)


@pytest.mark.parametrize(
    "text", ["6690-3", "751-1", "777-0", "QALY", "", "-", "12345678-9", "6690", "6690-22", "٦٦٩٠-٢"]
)
def test_other_texts_are_not_loinc_codes(text: str) -> None:
    assert not loinc.is_loinc_code(text)


def test_every_code_in_the_catalogue_has_a_right_check_digit() -> None:
    codes = [c for a in analytes.ANALYTES for c in (a.loinc, *a.other_loinc) if c]
    codes += [code for a in analytes.ANALYTES for code, _ in a.not_loinc]
    assert len(codes) > 60
    assert [c for c in codes if not loinc.is_loinc_code(c)] == []


def test_long_common_names_are_of_catalogue_codes_and_name_their_analyte() -> None:
    by_code = {c: a for a in analytes.ANALYTES for c in (a.loinc, *a.other_loinc) if c}
    assert set(loinc.LONG_NAMES) <= set(by_code), "only names of codes the catalogue has"
    for code, name in loinc.long_names():
        unit = by_code[code].default_unit.label
        assert resolve_test(name, unit) is by_code[code], name
    names = [name_key(n) for _, n in loinc.long_names()]
    assert len(names) == len(set(names)), "no long name taken twice"


@pytest.mark.parametrize(
    ("name", "unit", "code"),
    [
        ("Hemoglobin [Mass/volume] in Blood", "g/dL", "hgb"),
        ("Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", "wbc"),
        ("Neutrophils [#/volume] in Blood by Automated count", "10*3/uL", "anc"),
        ("Neutrophils [#/volume] in Blood", "10*9/L", "anc"),  # 26499-4, method-less
        ("Platelets [#/volume] in Blood by Automated count", "10*3/uL", "plt"),
        ("Bilirubin.direct [Mass/volume] in Serum or Plasma", "mg/dL", "bili_direct"),
    ],
)
def test_a_long_common_name_is_a_known_name(name: str, unit: str, code: str) -> None:
    a = resolve_test(name, unit)
    assert a is not None and a.code == code


# --------------------------------------------------------------------------- UCUM units

UCUM = [
    ("10*3/uL", "wbc", 1.0),
    ("10*9/L", "anc", 1.0),
    ("x10*9/L", "anc", 1.0),  # FHIR examples' display unit
    ("x10*3/uL", "plt", 1.0),
    ("10*6/uL", "rbc", 1.0),
    ("10*12/L", "rbc", 1.0),
    ("g/dL", "hgb", 10.0),
    ("g/L", "hgb", 1.0),
    ("mmol/L", "hgb", 10.0 / analytes.HB_MMOL_PER_G_DL),
    ("%", "neut_pct", 1.0),
    ("%", "hct", 0.01),
    ("/uL", "anc", 0.001),
    ("{cells}/uL", "anc", 0.001),  # UCUM's annotation in braces
    ("fL", "mcv", 1.0),
    ("pg", "mch", 1.0),
    ("mg/L", "crp", 1.0),
    ("[IU]/L", "alt", 1.0),
    ("U/L", "ast", 1.0),
    ("umol/L", "bili_total", 1.0),
    ("meq/L", "sodium", 1.0),
    ("mmol/L", "potassium", 1.0),
    ("ug/L", "ferritin", 1.0),
    ("ng/mL", "ferritin", 1.0),
    ("ukat/L", "lipase", 60.0),
    ("10*6/uL", "retic", 1000.0),
]


@pytest.mark.parametrize(("ucum", "code", "factor"), UCUM)
def test_ucum_unit_codes_are_known_units(ucum: str, code: str, factor: float) -> None:
    unit = analytes.analyte(code).unit(ucum)
    assert unit is not None, f"{ucum} for {code}"
    assert unit.factor == pytest.approx(factor)


# --------------------------------------------------------------------------- ISO instants


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("2026-03-02T09:15:00Z", dt.date(2026, 3, 2), dt.time(9, 15)),
        ("2026-03-02T23:30:00-05:00", dt.date(2026, 3, 2), dt.time(23, 30)),  # not the 3rd
        ("2026-03-02T00:30:00+01:00", dt.date(2026, 3, 2), dt.time(0, 30)),  # not the 1st
        ("2026-03-02T09:15:00.250Z", dt.date(2026, 3, 2), dt.time(9, 15)),
        ("2026-03-02T09:15:00.123456789+0530", dt.date(2026, 3, 2), dt.time(9, 15)),
        ("2026-03-02 09:15:00+01:00", dt.date(2026, 3, 2), dt.time(9, 15)),
        ("2026-03-02T09:15Z", dt.date(2026, 3, 2), dt.time(9, 15)),
        ("2026-03-02", dt.date(2026, 3, 2), None),
    ],
)
def test_iso_instants_are_read_at_the_labs_own_offset(
    text: str, day: dt.date, at: dt.time | None
) -> None:
    assert parse_instant(text) == (day, at)
    assert parse_when(text) == (day, at)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026-03", "gives no day"),
        ("2026", "gives no day"),
        ("2026-02-30T09:00:00Z", "not a day of the calendar"),
        ("2026-03-02T24:00:00Z", "not a time of day"),
        ("2026-03-02T09:15:00+15:00", "not a time zone offset"),
        ("2026-03-02T09:15:00+01:60", "not a time zone offset"),
        ("2026-03-02Z", "not an ISO date"),
        ("03/02/2026", "not an ISO date"),
    ],
)
def test_instants_that_cannot_be_a_draw_are_refused_plainly(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_instant(text)


_OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: dt.timedelta(minutes=m))


@settings(max_examples=400)
@given(
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2999, 12, 31)),
    _OFFSETS,
    st.sampled_from(["seconds", "milliseconds", "microseconds", "minutes"]),
    st.booleans(),
)
def test_any_instant_gives_its_own_local_day_and_time(
    local: dt.datetime, offset: dt.timedelta, spec: str, zulu: bool
) -> None:
    zone = dt.UTC if zulu and not offset else dt.timezone(offset)
    written = local.replace(tzinfo=zone).isoformat(timespec=spec)
    if zulu and not offset:
        written = written.replace("+00:00", "Z")
    assert parse_instant(written) == (local.date(), local.time().replace(second=0, microsecond=0))
    assert parse_when(written, dayfirst=None)[0] == local.date()


@settings(max_examples=400)
@given(st.text(alphabet="0123456789-+:.TZtz ", max_size=32))
def test_instant_parsing_refuses_with_a_message_never_a_crash(text: str) -> None:
    try:
        day, at = parse_instant(text)
    except ValueError as exc:
        assert str(exc)
        return
    assert text.strip()[:10] == day.isoformat()
    assert at is None or isinstance(at, dt.time)


# --------------------------------------------------------------------------- the code column


def test_a_code_column_of_loinc_codes_names_the_test_over_its_name() -> None:
    parsed = read_csv(
        b"Date,Code,Test,Result,Unit\n"
        b"2026-03-02,1968-7,Bilirubin,0.4,mg/dL\n"  # the code says direct, not total
        b"2026-03-02,751-8,Neutrophils,0.38,10*3/uL\n"
    )
    assert parsed.problems == ()
    assert values_of(parsed) == {"2026-03-02 None": {"bili_direct": 6.8416, "anc": 0.38}}
    assert "Code" not in parsed.ignored_columns


def test_a_code_column_of_the_labs_own_codes_is_not_taken_as_loinc() -> None:
    # lab codes; "1968-7" among them does not make the column LOINC, so "Bilirubin" is total
    parsed = read_csv(
        b"Date,Code,Test,Result,Unit\n"
        b"2026-03-02,WBC,WBC,1.9,K/uL\n"
        b"2026-03-02,HGB,Hgb,10.4,g/dL\n"
        b"2026-03-02,1968-7,Bilirubin,0.4,mg/dL\n"
    )
    assert parsed.problems == ()
    assert values_of(parsed) == {
        "2026-03-02 None": {"wbc": 1.9, "hgb": 104.0, "bili_total": 6.8416}
    }
    assert "Code" in parsed.ignored_columns
    # numbers shaped like LOINC codes but with wrong check digits are no LOINC codes either
    wrong = read_csv(
        b"Date,Code,Test,Result,Unit\n2026-03-02,1968-1,Bilirubin,0.4,mg/dL\n"
        b"2026-03-02,718-0,Hgb,10.4,g/dL\n"
    )
    assert values_of(wrong) == {"2026-03-02 None": {"bili_total": 6.8416, "hgb": 104.0}}


def test_a_column_headed_loinc_wins_over_a_code_column() -> None:
    parsed = read_csv(
        b"Date,Code,LOINC,Test,Result,Unit\n2026-03-02,1975-2,1968-7,Bilirubin,0.4,mg/dL\n"
    )
    assert values_of(parsed) == {"2026-03-02 None": {"bili_direct": 6.8416}}


_YEAR_FIRST = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_CODE_CELL = st.one_of(
    st.sampled_from(["6690-2", "751-8", "718-7", "718-0", "QALY", "", "WBC", "12345678-9"]),
    st.text(alphabet="0123456789-QALY ", max_size=10),
)
_DATE_CELL = st.one_of(
    st.sampled_from(["2026-03-02T09:15:00Z", "2026-03-02T23:30:00-05:00", "2026-03-02"]),
    st.text(alphabet="0123456789-+:.TZ", max_size=26),
)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            _DATE_CELL,
            st.sampled_from(["laboratory", "vital-signs", "survey", "", "Hematology"]),
            _CODE_CELL,
            st.sampled_from(["Hemoglobin [Mass/volume] in Blood", "WBC", "QALY", "Color"]),
            st.sampled_from(["10.4", "1.9", "Yellow", ""]),
            st.sampled_from(["g/dL", "10*3/uL", "", "a"]),
            st.sampled_from(["numeric", "text", ""]),
        ),
        max_size=12,
    )
)
def test_ehr_files_never_crash_and_never_give_a_wrong_day(
    rows: list[tuple[str, str, str, str, str, str, str]],
) -> None:
    text = (
        HEADER
        + "\n"
        + "".join(
            f"{d},p1,e1,{c},{code},{name},{v},{u},{t}\n" for d, c, code, name, v, u, t in rows
        )
    )
    try:
        parsed = read_csv(text.encode())
    except UnreadableCsv as exc:
        assert str(exc)
        return
    for draw in parsed.draws:
        for line in draw.lines:
            year_first = _YEAR_FIRST.match(rows[line - 2][0].strip())
            if year_first:  # the day as written, whatever the time and zone after it
                y, m, d = (int(year_first[i]) for i in (1, 3, 4))
                assert draw.taken_date == dt.date(y, m, d)
    seen = {p.line for p in (*parsed.problems, *parsed.left_out, *parsed.pending)}
    seen |= {line for d in parsed.draws for line in d.lines} | {p.line for p in parsed.repeated}
    assert seen <= set(range(2, len(rows) + 2))


# --------------------------------------------------------------------------- EHR exports


def test_the_ehr_rows_of_the_issue_come_in_with_the_right_values() -> None:
    parsed = read_csv((DATA / "ehr_observations.csv").read_bytes())
    assert parsed.problems == ()
    assert values_of(parsed) == {
        "2026-03-02 09:15:00": {"wbc": 1.9, "anc": 0.38, "plt": 42.0, "hgb": 104.0}
    }
    (draw,) = parsed.draws
    assert [(v.value.value_text, v.value.unit) for v in draw.values] == [
        ("1.9", "10*3/uL"),
        ("0.38", "10*3/uL"),
        ("42", "10*3/uL"),
        ("10.4", "g/dL"),
    ]
    assert [(p.line, p.reason.split(" (")[0]) for p in parsed.left_out] == [
        (2, "vital signs"),
        (3, "vital signs"),
        (8, "a text answer"),
        (9, "a survey answer"),
        (10, "code “QALY” is not a LOINC code, so not a lab test"),
        (11, "code “DALY” is not a LOINC code, so not a lab test"),
    ]
    assert parsed.unknown_tests == {}, "nothing left out is kept as printed"


def test_hundreds_of_left_out_rows_are_one_line_per_reason(record: Record, child: Child) -> None:
    vitals = (
        "".join(
            f"2026-03-{d:02d}T08:00:00Z,p,e,vital-signs,29463-7,Body Weight,8.{d},kg,numeric\n"
            for d in range(1, 29)
        )
        * 10
    )
    lab = (
        "2026-03-02T09:15:00Z,p,e,laboratory,718-7,Hemoglobin [Mass/volume] in Blood,"
        "10.4,g/dL,numeric\n"
    )
    parsed = read_csv((HEADER + "\n" + vitals + lab).encode())
    assert len(parsed.left_out) == 280 and parsed.problems == ()
    lines = summary_lines(plan_import(parsed, record, child), applied=False)
    assert lines[0] == "Would add for Mila: 1 value (1 new blood count)."
    assert "280 rows that are not lab results" in lines[1]
    left = [line for line in lines if line.startswith("Left out")]
    assert left == [
        "Left out 280 rows: vital signs (category “vital-signs”), not a lab result "
        "(lines 2, 3, 4, 5, 6 and 275 more)."
    ]


def test_a_patient_column_of_ids_is_not_a_name_and_warns_nothing(
    record: Record, child: Child
) -> None:
    data = (DATA / "ehr_observations.csv").read_bytes()
    parsed = read_csv(data)
    assert "PATIENT" in parsed.ignored_columns
    assert all(d.child == "" for d in parsed.draws), "an id is not the child's name"
    plan = plan_import(parsed, record, child)
    assert plan.other_children == () and plan.problems == ()
    assert file_identity(data, parsed).mismatch(child) == ""
    report = apply_import(plan, record)
    assert report.values_added == 4 and report.left_out == 6


def test_an_ordinary_lab_file_with_a_category_column_is_read_as_before() -> None:
    parsed = read_csv(
        b"Date,Category,Test,Result,Unit\n2026-03-02,Hematology,WBC,1.9,K/uL\n"
        b"2026-03-02,Chemistry,MCHC,33,g/dL\n"
    )
    assert parsed.left_out == () and parsed.problems == ()
    assert values_of(parsed) == {"2026-03-02 None": {"wbc": 1.9, "mchc": 330.0}}


def test_a_committed_synthea_excerpt_imports_the_infants_blood_count(tmp_path: Path) -> None:
    data = (DATA / "synthea_observations_excerpt.csv").read_bytes()
    parsed = read_csv(data)
    assert parsed.problems == ()
    assert values_of(parsed) == {
        "2020-02-06 08:45:00": {
            "wbc": 8.9,
            "rbc": 4.8,
            "hgb": 168.0,
            "hct": 0.436,
            "mcv": 88.7,
            "mch": 31.1,
            "mchc": 357.0,
            "rdw_sd": 39.2,
            "plt": 265.5,
            "mpv": 10.2,
        }
    }
    assert parsed.unknown_tests == {
        "Platelet distribution width [Entitic volume] in Blood by Automated count": 1
    }
    reasons = {p.reason.split(" (")[0].split(",")[0] for p in parsed.left_out}
    assert reasons == {
        "vital signs",
        "social history",
        "a survey answer",
        "a text answer",
        "code “QALY” is not a LOINC code",
        "code “DALY” is not a LOINC code",
        "code “QOLS” is not a LOINC code",
    }
    assert len(parsed.left_out) + 11 == parsed.rows == 38
    with Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock) as record:
        baby, _ = record.save(Child(name="Sam", birth_date=dt.date(2020, 1, 30)))
        plan = plan_import(parsed, record, baby)
        assert plan.problems == ()
        report = apply_import(plan, record)
        assert report.values_added == 10 and report.new_results == 1


def test_the_command_line_imports_the_ehr_rows_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "family.sqlite"
    with Record.open(db, create=True, clock=fixed_clock) as record:
        record.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    out, err = io.StringIO(), io.StringIO()
    argv = ["import-counts", "--db", str(db), str(DATA / "ehr_observations.csv")]
    code = cli.run(cli.build_parser().parse_args(argv), out=out, err=err, today=TODAY)
    assert (code, err.getvalue()) == (0, "")
    lines = out.getvalue().splitlines()
    assert lines[1] == "Added for Mila: 4 values (1 new blood count)."
    assert "Left out 1 row: code “QALY” is not a LOINC code, so not a lab test (line 10)." in lines
    with Record.open(db, read_only=True, clock=fixed_clock) as record:
        (result,) = record.counts(record.children()[0].id or 0)
        assert (result.taken_date, result.taken_time) == (dt.date(2026, 3, 2), dt.time(9, 15))
        assert {v.analyte: v.value_text for v in result.values} == {
            "wbc": "1.9",
            "anc": "0.38",
            "plt": "42",
            "hgb": "10.4",
        }


def test_one_row_left_out_is_said_in_the_singular(tmp_path: Path) -> None:
    db = tmp_path / "family.sqlite"
    with Record.open(db, create=True, clock=fixed_clock) as record:
        record.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    csv_file = tmp_path / "one.csv"
    csv_file.write_text(
        "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE\n"
        "2026-03-02T09:15:00Z,p1,e1,laboratory,6690-2,Leukocytes,1.9,10*3/uL,numeric\n"
        "2026-03-02T09:15:00Z,p1,e1,vital-signs,8302-2,Body Height,70.1,cm,numeric\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    argv = ["import-counts", "--db", str(db), str(csv_file)]
    assert cli.run(cli.build_parser().parse_args(argv), out=out, err=err, today=TODAY) == 0
    assert "Skipped: 1 row that is not a lab result (listed below)." in out.getvalue()


def test_ehr_rows_helpers_say_why() -> None:
    assert ehr_rows.category_reason("laboratory") == ""
    assert ehr_rows.category_reason("Vital Signs").startswith("vital signs")
    assert ehr_rows.code_reason("751-8") == "" and ehr_rows.code_reason("") == ""
    assert ehr_rows.holds_loinc_codes(["6690-2", "QALY", "718-7", "DALY"])
    assert not ehr_rows.holds_loinc_codes(["WBC", "HGB", "1968-7"])
    assert not ehr_rows.holds_loinc_codes([])


def test_lab_rows_of_several_patients_are_said_once_before_importing(
    record: Record, child: Child
) -> None:
    lab = "laboratory,718-7,Hemoglobin [Mass/volume] in Blood,10.4,g/dL,numeric\n"
    text = (
        f"{HEADER}\n2026-03-02T09:15:00Z,p-one,e,{lab}2026-03-03T09:15:00Z,p-two,e,{lab}"
        "2026-03-04T09:15:00Z,p-three,e,vital-signs,29463-7,Body Weight,8.4,kg,numeric\n"
    )
    parsed = read_csv(text.encode())
    assert parsed.patients == ("p-one", "p-two"), "only the lab rows' patients"
    warning = file_identity(text.encode(), parsed).mismatch(child)
    assert warning.startswith("The lab results in this file belong to 2 different patients")
    assert "p-one, p-two" in warning and "Mila" in warning
    lines = summary_lines(plan_import(parsed, record, child), applied=False)
    assert lines[1] == warning, "said once, not once per row"
    one = read_csv((DATA / "ehr_observations.csv").read_bytes())
    assert len(one.patients) == 1


def test_an_ordinary_lab_file_keeps_unknown_tests_with_local_codes_as_printed() -> None:
    parsed = read_csv(
        b"Date,LOINC,Test,Result,Unit\n2026-03-02,LAB123,Ammonia,31,umol/L\n"
        b"2026-03-02,N/A,WBC,1.9,K/uL\n"
    )
    assert parsed.left_out == () and parsed.problems == ()
    assert parsed.unknown_tests == {"Ammonia": 1}
    assert values_of(parsed) == {"2026-03-02 None": {"wbc": 1.9}}


def test_one_patient_written_two_ways_is_one_patient() -> None:
    parsed = read_csv(
        b"Date,Patient,Test,Result,Unit\n2026-03-02,MILA EXAMPLE,WBC,1.9,K/uL\n"
        b"2026-03-02,Mila Example,Hgb,10.4,g/dL\n"
    )
    assert parsed.patients == ("MILA EXAMPLE",)


def test_a_known_blood_test_is_imported_whatever_its_category_says() -> None:
    parsed = read_csv(
        (
            f"{HEADER}\n2026-03-02T09:15:00Z,p,e,exam,718-7,Hemoglobin,10.4,g/dL,numeric\n"
            "2026-03-02T09:15:00Z,p,e,vital-signs,26499-4,Neutrophils,0.38,10*9/L,numeric\n"
            "2026-03-02T09:15:00Z,p,e,exam,8302-2,Body Height,70.1,cm,numeric\n"
        ).encode()
    )
    assert values_of(parsed) == {"2026-03-02 09:15:00": {"hgb": 104.0, "anc": 0.38}}
    assert [p.line for p in parsed.left_out] == [4]


@settings(max_examples=300)
@given(st.text(alphabet="0123456789", min_size=1, max_size=7), st.integers(0, 9))
def test_exactly_one_check_digit_makes_a_loinc_code(digits: str, last: int) -> None:
    right = loinc.check_digit(digits)
    assert 0 <= right <= 9
    assert loinc.is_loinc_code(f"{digits}-{last}") == (last == right)


@settings(max_examples=300)
@given(st.lists(st.text(max_size=12), max_size=30))
def test_code_column_detection_never_raises(values: list[str]) -> None:
    held = ehr_rows.holds_loinc_codes(values)
    assert held == (
        any(loinc.is_loinc_code(v) for v in values)
        and 2 * sum(loinc.is_loinc_code(v) for v in values) >= sum(bool(v.strip()) for v in values)
    )


def test_one_value_that_differs_is_said_in_the_singular(tmp_path: Path) -> None:
    db = tmp_path / "family.sqlite"
    with Record.open(db, create=True, clock=fixed_clock) as record:
        record.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    head = "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE\n"
    row = "2026-03-02T09:15:00Z,p1,e1,laboratory,6690-2,Leukocytes,{},10*3/uL,numeric\n"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(head + row.format("1.9"), encoding="utf-8")
    second.write_text(head + row.format("2.9"), encoding="utf-8")
    for path in (first, second):
        out, err = io.StringIO(), io.StringIO()
        argv = ["import-counts", "--db", str(db), str(path)]
        assert cli.run(cli.build_parser().parse_args(argv), out=out, err=err, today=TODAY) == 0
    assert "1 value that differs from the record" in out.getvalue()
