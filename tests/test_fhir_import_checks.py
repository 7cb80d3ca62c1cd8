"""Issue 14's second check (an independent tester's findings): what comes into the record
from a FHIR file or a CSV file with LOINC codes.  A real LOINC code the catalogue does not
know is kept as printed, never read by its name as a blood test; the CSV import's notes
("very low; check it") also in the FHIR import; a unit and UCUM code that disagree said;
two reports on one day stay two draws; numbers Python cannot read, hidden characters,
corrected and preliminary results, results whose report is missing, wording."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import fixed_clock

from tracker.io.csv_import import plan_import, read_csv
from tracker.io.fhir_import import plan_fhir, read_fhir, summary_of
from tracker.model import Child
from tracker.store import Record


def record_with(tmp_path: Path, born: dt.date = dt.date(2025, 6, 1)) -> tuple[Record, Child]:
    record = Record.open(tmp_path / "family.sqlite", create=True, clock=fixed_clock)
    child, _ = record.save(Child(name="Mila", birth_date=born))
    return record, child


def write(tmp_path: Path, *resources: dict[str, Any], name: str = "bundle.json") -> Path:
    doc = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{i}", "resource": r} for i, r in enumerate(resources)],
    }
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def lab(
    oid: str, code: str, value: Any, unit: str, text: str = "", ucum: str | None = None, **more: Any
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [{"coding": [{"code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": code}], "text": text},
        "effectiveDateTime": "2026-03-02T09:15:00+01:00",
        "valueQuantity": {"value": value, "unit": unit, "code": unit if ucum is None else ucum},
        **more,
    }


# --------------------------------------------------------------------------- finding 1

SPINAL_FLUID = [  # (LOINC code, name, value, unit): tests of spinal fluid, not of blood
    ("35068-6", "Blasts", 80, "%"),
    ("26465-5", "WBC", 3, "/uL"),
    ("26517-3", "Neutrophils", 0, "/uL"),
]


@pytest.mark.parametrize(("code", "name", "value", "unit"), SPINAL_FLUID)
def test_a_loinc_code_the_catalogue_does_not_know_is_kept_as_printed_in_fhir(
    tmp_path: Path, code: str, name: str, value: int, unit: str
) -> None:
    record, child = record_with(tmp_path)
    plan = plan_fhir(read_fhir(write(tmp_path, lab("csf", code, value, unit, name))), record, child)
    assert not plan.plan.additions and not plan.problems
    (kept,) = plan.plan.others_added
    assert (kept.other.name, kept.other.value_text, kept.other.unit) == (
        f"{name} (LOINC {code})",
        str(value),
        unit,
    )
    record.close()


@pytest.mark.parametrize(("code", "name", "value", "unit"), SPINAL_FLUID)
def test_a_loinc_code_the_catalogue_does_not_know_is_kept_as_printed_in_a_csv(
    tmp_path: Path, code: str, name: str, value: int, unit: str
) -> None:
    record, child = record_with(tmp_path)
    text = (
        "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE\n"
        f"2026-03-02T09:15:00Z,p1,e1,laboratory,{code},{name},{value},{unit},numeric\n"
    )
    plan = plan_import(read_csv(text.encode()), record, child)
    assert not plan.additions and not plan.problems
    (kept,) = plan.others_added
    assert (kept.other.name, kept.other.value_text) == (f"{name} (LOINC {code})", str(value))
    record.close()


def test_a_known_name_without_a_code_still_resolves(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    text = "Date,Test,Result,Unit\n2026-03-02,Neutrophils,0.4,10*9/L\n2026-03-02,Blasts,3,%\n"
    plan = plan_import(read_csv(text.encode()), record, child)
    assert sorted(a.value.analyte for a in plan.additions) == ["anc", "blast_pct"]
    record.close()


# --------------------------------------------------------------------------- finding 5


def test_two_untimed_draws_on_one_day_round_trip_and_are_not_added_twice(tmp_path: Path) -> None:
    import io
    import zoneinfo

    from conftest import NOW, TODAY
    from fhir_checks import record_count_values

    from tracker import cli
    from tracker.io.fhir_export import write_fhir
    from tracker.model import CountResult, CountValue

    def value(code: str, text: str, unit: str, factor: float = 1.0) -> CountValue:
        v = float(text)
        return CountValue(code, text, unit, v, v * factor, unit)

    record, child = record_with(tmp_path)
    day = dt.date(2026, 3, 2)
    assert child.id is not None
    for wbc, anc in (("5.3", "0.4"), ("5.1", "0.6")):
        record.save(
            CountResult(
                child_id=child.id,
                taken_date=day,
                taken_time=None,
                values=(value("wbc", wbc, "10^9/L"), value("anc", anc, "10^9/L")),
            )
        )
    before = record_count_values(record, child)
    bundle = tmp_path / "two.fhir.json"
    write_fhir(record, child, bundle, NOW, zone=zoneinfo.ZoneInfo("UTC"))
    record.close()

    def run(db: Path) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        args = cli.build_parser().parse_args(["import-fhir", "--db", str(db), str(bundle)])
        return cli.run(args, out=out, err=err, today=TODAY), out.getvalue(), err.getvalue()

    empty = tmp_path / "empty.sqlite"
    Record.open(empty, create=True, clock=fixed_clock).close()
    code, _out, err = run(empty)
    assert (code, err) == (0, "")
    with Record.open(empty, read_only=True, clock=fixed_clock) as again:
        [copy] = again.children()
        assert record_count_values(again, copy) == before
        assert len(again.counts(copy.id or 0)) == 2
    code, out, err = run(tmp_path / "family.sqlite")  # into the same record: nothing twice
    assert (code, err) == (0, "")
    assert "Skipped: 4 values already in the record" in out
    with Record.open(tmp_path / "family.sqlite", read_only=True, clock=fixed_clock) as same:
        assert record_count_values(same, child) == before


# --------------------------------------------------------------------------- finding 6


@pytest.mark.parametrize("digits", [5000, 4000, 400])
def test_a_huge_number_is_one_sentence_naming_the_file(tmp_path: Path, digits: int) -> None:
    import io

    from conftest import TODAY

    from tracker import cli

    record, _child = record_with(tmp_path)
    record.close()
    path = write(tmp_path, lab("big", "6690-2", 1, "10*9/L"), name="bignum.json")
    path.write_text(path.read_text().replace('"value": 1', '"value": ' + "9" * digits))
    before = (tmp_path / "family.sqlite").read_bytes()
    out, err = io.StringIO(), io.StringIO()
    argv = ["import-fhir", "--db", str(tmp_path / "family.sqlite"), str(path)]
    code = cli.run(cli.build_parser().parse_args(argv), out=out, err=err, today=TODAY)
    text = out.getvalue() + err.getvalue()
    assert code != 0 and "Traceback" not in text
    assert "bignum.json" in text and "far too large" in text, text
    assert (tmp_path / "family.sqlite").read_bytes() == before


def test_a_huge_integer_of_a_test_kept_as_printed_is_refused(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    path = write(tmp_path, lab("vit", "1234-5", 1, "nmol/L", "Vitamin D"))
    path.write_text(path.read_text().replace('"value": 1', '"value": ' + "9" * 4000))
    (problem,) = plan_fhir(read_fhir(path), record, child).problems
    assert str(problem).endswith("valueQuantity.value is far too large to be a result")
    record.close()


def test_parse_with_lines_refuses_a_huge_integer_plainly() -> None:
    from tracker.io.json_text import JsonImportError, parse_fast, parse_with_lines

    data = b'{"a": ' + b"7" * 5000 + b"}"
    for parse in (parse_fast, lambda d: parse_with_lines(d)[0]):
        with pytest.raises(JsonImportError) as exc:
            parse(data)
        assert "far too large" in str(exc.value)


# --------------------------------------------------------------------------- finding 7

RLO = "\u202e"


def patient(name: str, born: str = "2025-06-01", **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": "p1",
        "name": [{"text": name}],
        "birthDate": born,
        **more,
    }


def test_a_patient_name_with_a_direction_override_is_refused(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    fhir = read_fhir(write(tmp_path, patient("Mila" + RLO), lab("a", "6690-2", 3.1, "10*9/L")))
    assert fhir.patient_child is None and fhir.identity is None
    plan = plan_fhir(fhir, record, child)
    (problem,) = plan.problems
    assert str(problem) == (
        "Patient p1 in bundle.json: the Patient's name holds a hidden text-direction "
        "character (U+202E); nothing was imported from it"
    )
    record.close()


@pytest.mark.parametrize("name", ["Mila\nJansen", "Mila\x00", "Mi\x07la"])
def test_a_patient_name_with_a_line_break_or_control_is_not_the_new_child(
    tmp_path: Path, name: str
) -> None:
    import io

    from conftest import TODAY

    from tracker import cli

    empty = tmp_path / "empty.sqlite"
    Record.open(empty, create=True, clock=fixed_clock).close()
    path = write(tmp_path, patient(name), lab("a", "6690-2", 3.1, "10*9/L"))
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(["import-fhir", "--db", str(empty), str(path)])
    assert cli.run(args, out=out, err=err, today=TODAY) == 1
    assert "the Patient's name holds a hidden control character (U+00" in err.getvalue()
    with Record.open(empty, read_only=True, clock=fixed_clock) as again:
        assert again.children() == []


@pytest.mark.parametrize(
    ("field", "resource"),
    [
        ("name", lab("o", "1234-5", 54, "nmol/L", "Vitamin" + RLO)),
        ("unit", lab("o", "1234-5", 54, "nmol/L" + RLO, "Vitamin D")),
        ("comment", lab("o", "6690-2", 3.1, "10*9/L", note=[{"text": "see\u2066 lab"}])),
        ("flag", lab("o", "6690-2", 3.1, "10*9/L", interpretation=[{"text": "L\x1b"}])),
    ],
)
def test_hidden_characters_in_a_result_make_it_a_problem(
    tmp_path: Path, field: str, resource: dict[str, Any]
) -> None:
    record, child = record_with(tmp_path)
    plan = plan_fhir(read_fhir(write(tmp_path, resource)), record, child)
    (problem,) = plan.problems
    assert f"its {field} holds a hidden " in str(problem) and "(U+" in str(problem)
    assert str(problem).endswith("; nothing was imported from it")
    assert not plan.plan.additions and not plan.plan.others_added
    record.close()


def test_a_comment_may_hold_a_line_break_and_a_tab(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    resource = lab("o", "6690-2", 3.1, "10*9/L", note=[{"text": "line one\n\tline two"}])
    plan = plan_fhir(read_fhir(write(tmp_path, resource)), record, child)
    assert not plan.problems and len(plan.plan.additions) == 1
    record.close()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("2026-03-02,Vitamin D\u202e,54,nmol/L,", "test"),
        ("2026-03-02,Vitamin D,54,nmol/L\u200f,", "unit"),
        ("2026-03-02,WBC,3.1,10*9/L,checked\u0007", "comment"),
    ],
)
def test_hidden_characters_in_a_csv_cell_make_the_row_a_problem(
    tmp_path: Path, row: str, field: str
) -> None:
    record, child = record_with(tmp_path)
    text = f"Date,Test,Result,Unit,Comment\n{row}\n"
    plan = plan_import(read_csv(text.encode()), record, child)
    (problem,) = plan.problems
    assert f"the {field} cell holds a hidden " in str(problem), str(problem)
    assert not plan.additions and not plan.others_added
    record.close()


# --------------------------------------------------------------------------- findings 3, 4


def _noted(tmp_path: Path, resource: dict[str, Any]) -> list[str]:
    record, child = record_with(tmp_path)
    fplan = plan_fhir(read_fhir(write(tmp_path, resource)), record, child)
    assert not fplan.problems and len(fplan.plan.additions) == 1
    summary = summary_of(fplan, applied=False)
    notes = [str(n) for n in fplan.plan.noted]
    assert all(n in summary for n in notes)  # the CLI prints the summary; the preview the plan
    record.close()
    return notes


def test_a_very_low_haemoglobin_is_noted_as_in_the_csv_import(tmp_path: Path) -> None:
    (note,) = _noted(tmp_path, lab("hb", "718-7", 4.5, "g/dL"))
    assert note.startswith("Observation hb in bundle.json: Hemoglobin 4.5 g/dL is very low; ")
    assert "check it and its unit against the report" in note


def test_a_unit_and_code_that_disagree_are_said(tmp_path: Path) -> None:
    (note,) = _noted(tmp_path, lab("hb", "718-7", 120, "g/dL", ucum="g/L"))
    assert note == (
        "Observation hb in bundle.json: unit “g/dL” and code “g/L” disagree; read as g/L, "
        "as the code says — check it against the report"
    )


def test_a_unit_and_code_of_the_same_quantity_are_not_a_disagreement(tmp_path: Path) -> None:
    assert _noted(tmp_path, lab("w", "6690-2", 3.1, "10*3/uL", ucum="10*9/L")) == []


# --------------------------------------------------------------------------- finding 9


def _cli(*argv: str) -> tuple[int, str, str]:
    import io

    from conftest import TODAY

    from tracker import cli

    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


def test_another_childs_fhir_file_with_bad_resources_says_the_mismatch_first(
    tmp_path: Path,
) -> None:
    record, _child = record_with(tmp_path)
    record.close()
    early = lab("early", "6690-2", 3.1, "10*9/L", effectiveDateTime="2021-01-05")
    path = write(tmp_path, patient("Sam Second", "2020-11-02"), early)
    code, out, err = _cli("import-fhir", "--db", str(tmp_path / "family.sqlite"), str(path))
    assert code == 1 and out == ""
    assert err.startswith(f"treatment-tracker: {path}: This file is for Sam Second"), err
    assert "--despite-mismatch" in err


def test_another_childs_csv_file_with_bad_rows_says_the_mismatch_first(tmp_path: Path) -> None:
    record, _child = record_with(tmp_path)
    record.close()
    path = tmp_path / "labs.csv"
    path.write_text(
        '"Patient: SAM SECOND","DOB: 11/02/2020"\n\n'
        '"Collection Date","Component","Result","Units"\n'
        '"01/05/2021 7:45 AM","WBC","3.1","K/uL"\n'
    )
    db = str(tmp_path / "family.sqlite")
    code, out, err = _cli("import-counts", "--db", db, "--monthfirst", str(path))
    assert code == 1 and out == ""
    assert err.startswith(f"treatment-tracker: {path}: This file gives a date of birth of 2020-")
    assert "bad row" not in err


# --------------------------------------------------------------------------- finding 14


def test_a_reimport_counts_each_vital_sign_once(tmp_path: Path) -> None:
    from tracker.io.fhir_import import apply_fhir

    record, child = record_with(tmp_path)
    temp = lab("t", "8310-5", 38.6, "Cel")
    temp["category"] = [{"coding": [{"code": "vital-signs"}]}]
    path = write(tmp_path, lab("w", "6690-2", 3.1, "10*9/L"), temp)
    apply_fhir(plan_fhir(read_fhir(path), record, child), record)
    again = summary_of(plan_fhir(read_fhir(path), record, child), applied=False)
    assert "Skipped: 1 value already in the record." in again, again
    assert "Skipped: 1 vital sign(s) already in the record." in again
    record.close()


# --------------------------------------------------------------------------- finding 10

HL7 = Path(__file__).parent / "data" / "fhir"

# Bundle-ghp.json: DiagnosticReport ghp (2015-08-16T06:40:17Z) with three panels, read from
# the file: (id, catalogue code, value, unit) of the tests the catalogue knows …
GHP_KNOWN = [
    ("r1", "hgb", "176", "g/L"),
    ("r2", "rbc", "5.9", "x10*12/L"),
    ("r3", "hct", "55", "%"),
    ("r4", "mcv", "99", "fL"),
    ("r5", "mch", "36", "pg"),
    ("r6", "plt", "444", "x10*9/L"),
    ("r7", "wbc", "4.6", "x10*9/L"),
    ("r8", "neut_pct", "20", "%"),
    ("r9", "anc", "0.9", "x10*9/L"),
    ("r10", "lymph_pct", "20", "%"),
    ("r11", "lymph", "0.9", "x10*9/L"),
    ("r12", "mono_pct", "20", "%"),
    ("r13", "mono", "0.9", "x10*9/L"),
    ("r14", "eos_pct", "20", "%"),
    ("r15", "eos", "0.92", "x10*9/L"),
    ("r16", "baso_pct", "20", "%"),
    ("r17", "baso", "0.92", "x10*9/L"),
    ("o1", "sodium", "140", "mmol/L"),
    ("o2", "potassium", "4.2", "mmol/L"),
    ("o6", "glucose", "7.4", "mmol/L"),
    ("o8", "creatinine", "0.09", "mmol/L"),
    ("o10", "bili_total", "7", "umol/L"),
    ("o11", "bili_direct", "3", "umol/L"),
    ("o14", "alt", "54", "U/L"),
    ("o15", "ast", "30", "U/L"),
    ("o21", "albumin", "42", "g/L"),
]
# … and those it does not know, kept as printed (name: the LOINC display; value; unit)
GHP_AS_PRINTED = [
    ("Chloride [Moles/volume] in Serum or Plasma", "105", "mmol/L"),
    ("Bicarbonate [Moles/volume] in Serum", "26", "mmol/L"),
    ("Anion gap 4 in Serum or Plasma", "13", "mmol/L"),
    ("Urea nitrogen [Moles/volume] in Serum or Plasma", "4.7", "mmol/L"),
    ("Urate [Moles/volume] in Serum or Plasma", "0.39", "mmol/L"),
    ("Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", "108", "U/L"),
    ("Gamma glutamyl transferase [Enzymatic activity/volume] in Serum or Plasma", "35", "U/L"),
    ("Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma", "131", "U/L"),
    ("Calcium [Moles/volume] in Serum or Plasma", "2.38", "mmol/L"),
    ("Calcium.ionized [Moles/volume] in Serum or Plasma by calculation", "2.39", "mmol/L"),
    ("Phosphate [Moles/volume] in Serum or Plasma", "1.5", "mmol/L"),
    ("Protein [Mass/volume] in Serum or Plasma", "67", "g/L"),
    ("Globulin [Mass/volume] in Serum by calculation", "25", "g/L"),
    ("pH of Urine", "5.0", "pH"),
    ("Protein [Presence] in Urine", "Negative", ""),
    ("Specific gravity of Urine", "1.009", ""),  # a number with no unit: kept, no unit
    ("Erythrocytes [Presence] in Urine", "Negative", ""),
    ("Glucose [Presence] in Urine", "Negative", ""),
    ("Leukocytes [Presence] in Urine", "Negative", ""),
    ("Leukocytes [#/volume] in Urine", "1", "/uL"),  # 30405-5: urine, never blood WBC
    ("Erythocytes [#/volume] in Urine", "<1", "/uL"),
    ("Epithelial cells.squamous [#/volume] in Urine sediment", "<1", "/mL"),
]


def test_hl7_ghp_bundle_imports_every_value_without_skip_bad(tmp_path: Path) -> None:
    record, _child = record_with(tmp_path, dt.date(2010, 1, 1))
    record.close()
    path = HL7 / "Bundle-ghp.json"
    code, out, err = _cli("import-fhir", "--db", str(tmp_path / "family.sqlite"), str(path))
    assert (code, err) == (0, ""), err
    assert "Would add" not in out and "Added for Mila: 26 values (1 new blood count)" in out
    with Record.open(tmp_path / "family.sqlite", read_only=True, clock=fixed_clock) as rec:
        [child] = rec.children()
        [count] = rec.counts(child.id or 0)
        assert (count.taken_date, count.taken_time) == (dt.date(2015, 8, 16), dt.time(6, 40))
        got = {v.analyte: (v.value_text, v.unit) for v in count.values}
        assert got == {code: (value, unit) for _id, code, value, unit in GHP_KNOWN}
        others = [(o.name, o.value_text, o.unit) for o in count.others]
        assert sorted(others) == sorted(GHP_AS_PRINTED)


def test_a_known_test_without_a_unit_stays_a_problem(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    resource = lab("w", "6690-2", 3.1, "")
    del resource["valueQuantity"]["unit"], resource["valueQuantity"]["code"]
    (problem,) = plan_fhir(read_fhir(write(tmp_path, resource)), record, child).problems
    assert "valueQuantity has a value but no unit or code; give a unit" in str(problem)
    record.close()


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("DiagnosticReport-102.json", "Left out: DiagnosticReport 102: its 1 result is not in "),
        ("Observation-vitals-panel.json", "Left out: Observation vitals-panel: its 4 members "),
    ],
)
def test_a_report_whose_results_are_elsewhere_is_listed(
    tmp_path: Path, name: str, line: str
) -> None:
    record, child = record_with(tmp_path)
    report: dict[str, Any] = {  # both written from the shape of the HL7 R4 examples
        "resourceType": "DiagnosticReport",
        "id": "102",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "38269-7"}]},
        "subject": {"reference": "Patient/pat2"},
        "effectiveDateTime": "2008-06-17",
        "result": [{"reference": "Observation/bmd"}],
    }
    if name == "Observation-vitals-panel.json":
        report = {
            "resourceType": "Observation",
            "id": "vitals-panel",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "85353-1"}]},
            "effectiveDateTime": "1999-07-02",
            "hasMember": [
                {"reference": f"Observation/{m}"}
                for m in ("respiratory-rate", "heart-rate", "blood-pressure", "body-temperature")
            ],
        }
    path = tmp_path / name
    path.write_text(json.dumps(report))
    summary = summary_of(plan_fhir(read_fhir(path), record, child), applied=False)
    assert any(s.startswith(line) and s.endswith("not in this file.") for s in summary), summary
    record.close()


# --------------------------------------------------------------------------- finding 15


def test_a_real_unit_wrong_for_the_test_is_named_as_such(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    (problem,) = plan_fhir(
        read_fhir(write(tmp_path, lab("anc", "751-8", 40, "%"))), record, child
    ).problems
    assert str(problem).endswith(
        "the unit “%” is not one ANC is kept in (ANC is kept in ×10⁹/L, ×10³/µL or /µL)"
    )
    record.close()


def test_a_versioned_patient_reference_is_that_patient(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    one = lab("a", "6690-2", 3.1, "10*9/L", subject={"reference": "Patient/23"})
    two = lab("b", "777-3", 90, "10*9/L", subject={"reference": "Patient/23"})
    other = lab("c", "718-7", 9.1, "g/dL", subject={"reference": "Patient/45/_history/2"})
    (problem,) = plan_fhir(read_fhir(write(tmp_path, one, two, other)), record, child).problems
    assert "it is about another patient (Patient/45) than the other results" in str(problem)
    record.close()


@pytest.mark.parametrize(
    ("born", "said"),
    [
        ("2025-06-01T08:30:00Z", "“2025-06-01T08:30:00Z” holds a time; FHIR's birthDate"),
        ("2025-06", "“2025-06” gives only a year or a month; the child's record needs the day"),
        ("2025", "“2025” gives only a year or a month"),
    ],
)
def test_a_birth_date_with_a_time_or_partial_is_said_exactly(
    tmp_path: Path, born: str, said: str
) -> None:
    empty = tmp_path / "empty.sqlite"
    Record.open(empty, create=True, clock=fixed_clock).close()
    path = write(tmp_path, patient("Mila", born), lab("a", "6690-2", 3.1, "10*9/L"))
    code, _out, err = _cli("import-fhir", "--db", str(empty), str(path))
    assert code == 1 and said in err, err
    assert "the file's Patient cannot be that child" in err


def test_an_observation_about_a_group_is_left_out_and_listed(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    herd = lab("herd1", "6690-2", 3.1, "10*9/L", subject={"reference": "Group/herd1"})
    mine = lab("a", "777-3", 90, "10*9/L", subject={"reference": "Patient/p1"})
    fplan = plan_fhir(read_fhir(write(tmp_path, herd, mine)), record, child)
    assert not fplan.problems
    assert [a.value.analyte for a in fplan.plan.additions] == ["plt"]
    summary = summary_of(fplan, applied=False)
    assert "Left out: 1 Observation about a Group, not a patient (herd1)." in summary
    record.close()


# --------------------------------------------------------------------------- finding 8


def test_a_corrected_result_that_differs_is_said_first_and_never_overwrites(
    tmp_path: Path,
) -> None:
    from tracker.io.csv_import import summary_lines
    from tracker.io.fhir_import import apply_fhir

    record, child = record_with(tmp_path)
    first = write(tmp_path, lab("anc", "751-8", 0.38, "10*9/L", status="preliminary"))
    fplan = plan_fhir(read_fhir(first), record, child)
    (note,) = fplan.plan.noted
    assert "the lab marked this result preliminary (a final one may follow)" in str(note)
    assert str(note) in summary_of(fplan, applied=False)
    apply_fhir(fplan, record)
    second = write(
        tmp_path, lab("anc", "751-8", 3.8, "10*9/L", status="corrected"), name="again.json"
    )
    fplan = plan_fhir(read_fhir(second), record, child)
    said = (
        "1 corrected result differs from the one in the record: ANC on 2026-03-02 09:15, "
        "record 0.38 10*9/L, corrected 3.8 10*9/L — the record was kept; change it by hand if "
        "the lab corrected it."
    )
    assert summary_of(fplan, applied=False)[0] == said
    assert summary_lines(fplan.plan, applied=False)[0] == said  # the preview's lines
    apply_fhir(fplan, record)
    [count] = record.counts(child.id or 0)
    assert [v.value_text for v in count.values] == ["0.38"]
    record.close()


def test_a_hidden_character_in_a_csv_lab_cell_makes_the_row_a_problem(tmp_path: Path) -> None:
    record, child = record_with(tmp_path)
    for text in (
        "Date,Test,Result,Unit,Lab\n2026-03-02,WBC,3.1,10*9/L,City\u202eLab\n",
        "Date,WBC (10^9/L),Lab\n2026-03-02,3.1,City\u202eLab\n",
    ):
        plan = plan_import(read_csv(text.encode()), record, child)
        (problem,) = plan.problems
        assert "the lab cell holds a hidden text-direction character (U+202E)" in str(problem)
    record.close()
