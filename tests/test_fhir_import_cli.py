"""`treatment-tracker import-fhir`: exit codes and messages as import-counts, and every bad
file refused with a plain message and the record's bytes unchanged (not JSON, not FHIR, a
Bundle of 100,000 entries, a resource missing its code, a value without a unit, a FIFO, a
device, a huge file, a folder with a link loop or a non-UTF-8 file, duplicate keys, deep
nesting); random JSON-ish input never raises anything but the importer's own refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, fixed_clock
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import cli
from tracker.io.fhir_import import parse_resources, plan_fhir, read_fhir, summary_of
from tracker.io.fhir_read import FhirSource, UnreadableFhir, read_fhir_bytes
from tracker.model import Child
from tracker.store import Record, RecordError

DATA = Path(__file__).parent / "data" / "fhir"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def make_record(path: Path, *children: tuple[str, dt.date]) -> Path:
    with Record.open(path, create=True, clock=fixed_clock) as record:
        for name, born in children:
            record.save(Child(name=name, birth_date=born))
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_record(tmp_path / "family.sqlite", ("Mila", dt.date(2010, 9, 1)))


def values_in(path: Path) -> int:
    with Record.open(path, read_only=True, clock=fixed_clock) as record:
        return sum(len(r.values) for c in record.children() if c.id for r in record.counts(c.id))


def obs(oid: str, **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [{"coding": [{"code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "6690-2"}]},
        "effectiveDateTime": "2011-05-02T08:00:00Z",
        "valueQuantity": {"value": 3.1, "unit": "10*9/L", "code": "10*9/L"},
        **more,
    }


def test_imports_the_hl7_cbc_bundle_then_nothing_twice(db: Path) -> None:
    code, out, err = run("import-fhir", "--db", str(db), str(DATA / "Bundle-101.json"))
    assert (code, err) == (0, "")
    assert "Read " in out and "18 resource(s) in 1 file(s)." in out
    assert "Added for Mila: 17 values (1 new blood count)." in out
    assert values_in(db) == 17
    before = digest(db)
    code, out, _ = run("import-fhir", "--db", str(db), str(DATA / "Bundle-101.json"))
    assert code == 0
    assert "Added for Mila: nothing new." in out
    assert "Skipped: 17 values already in the record." in out
    assert values_in(db) == 17 and digest(db)[0] == before[0]


def test_dry_run_changes_nothing(db: Path) -> None:
    before = digest(db)
    code, out, _ = run("import-fhir", "--db", str(db), "--dry-run", str(DATA / "Bundle-101.json"))
    assert code == 0 and "Would add for Mila: 17 values" in out and "Dry run" in out
    assert digest(db) == before


def test_bad_resources_refuse_all_unless_skip_bad(db: Path, tmp_path: Path) -> None:
    no_unit = obs("f005", valueQuantity={"value": 7.2})
    no_code = obs("x1")
    del no_code["code"]
    doc = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": no_unit}, {"resource": no_code}, {"resource": obs("good")}
    ]}  # fmt: skip
    path = tmp_path / "Bundle-101.json"
    path.write_text(json.dumps(doc))
    before = digest(db)
    code, out, err = run("import-fhir", "--db", str(db), str(path))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "Observation f005 in Bundle-101.json: valueQuantity has a value but no unit or code; "
        "give a unit",
        "Observation x1 in Bundle-101.json: it has no code (code.coding with a LOINC code); "
        "it was not read",
        f"treatment-tracker: 2 resources in {path} cannot be imported as they are; nothing "
        "was imported. Correct them, or run again with --skip-bad to import the others.",
    ]
    assert digest(db) == before
    code, out, err = run("import-fhir", "--db", str(db), "--skip-bad", str(path))
    assert code == 0 and values_in(db) == 1
    assert "Skipped: 2 resources with a problem (listed above)." in out


def test_into_an_empty_record_the_patient_becomes_the_child(tmp_path: Path) -> None:
    db = make_record(tmp_path / "new.sqlite")
    patient = json.loads((DATA / "Patient-infant-twin-1.json").read_text())
    hb = obs("hb", code={"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
             valueQuantity={"value": 11.2, "unit": "g/dl", "code": "g/dL"},
             effectiveDateTime="2017-08-01T10:00:00+02:00")  # fmt: skip
    path = tmp_path / "jaina.json"
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "document",
                                "entry": [{"resource": patient}, {"resource": hb}]}))  # fmt: skip
    code, out, err = run("import-fhir", "--db", str(db), str(path))
    assert (code, err) == (0, "")
    assert "Added the child Jaina Solo, born 2017-05-15, from the file's Patient." in out
    with Record.open(db, read_only=True, clock=fixed_clock) as record:
        (child,) = record.children()
        assert (child.name, child.birth_date) == ("Jaina Solo", dt.date(2017, 5, 15))
        (draw,) = record.counts(child.id or 0)
        assert draw.values[0].value_text == "11.2"


def test_a_mismatched_patient_is_refused_unless_said_so(db: Path, tmp_path: Path) -> None:
    """As import-counts: the window asks; the command line refuses until told."""
    patient = json.loads((DATA / "Patient-infant-twin-1.json").read_text())
    path = tmp_path / "p.json"
    entries = [{"resource": patient}, {"resource": obs("w")}]
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))
    before = digest(db)
    code, out, err = run("import-fhir", "--db", str(db), str(path))
    assert code == 1 and out == "" and digest(db) == before
    assert err.startswith(
        f"treatment-tracker: {path}: This file is for Jaina Solo and gives a "
        "date of birth of 2017-05-15, but the record's child is Mila"
    )
    assert "run again with --despite-mismatch" in err
    code, _out, err = run("import-fhir", "--db", str(db), "--despite-mismatch", str(path))
    assert code == 0 and "This file is for Jaina Solo" in err and values_in(db) == 1


def test_child_option_as_import_counts(tmp_path: Path) -> None:
    db = make_record(
        tmp_path / "two.sqlite", ("Mila", dt.date(2010, 9, 1)), ("Noa", dt.date(2010, 9, 1))
    )
    path = DATA / "Bundle-101.json"
    code, _, err = run("import-fhir", "--db", str(db), str(path))
    assert code == 1 and "choose one with --child NAME" in err
    code, out, _ = run("import-fhir", "--db", str(db), "--child", "noa", str(path))
    assert code == 0 and "Added for Noa: 17 values" in out


# ------------------------------------------------------------------ bad files, record unchanged


def _refused(db: Path, path: Path, *words: str) -> str:
    before = digest(db)
    code, out, err = run("import-fhir", "--db", str(db), str(path))
    assert code == 1, out + err
    assert out == ""
    for w in words:
        assert w in err
    assert digest(db) == before
    return err


def test_not_json(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("Hemoglobin 7.2 g/dL\n")
    err = _refused(db, path, "x.json is not JSON, so not a FHIR file", "Nothing was imported")
    assert err.count("\n") == 1


def test_json_that_is_not_fhir(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"children": []}')
    _refused(db, path, "x.json is JSON but not FHIR: it has no resourceType")


def test_a_bundle_of_100000_entries(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    entry = '{"resource":{"resourceType":"Observation"}}'
    path.write_text('{"resourceType":"Bundle","entry":[' + ",".join([entry] * 100_000) + "]}")
    _refused(db, path, "The import holds 100,000 resources; at most 50,000 resources are read")


def test_duplicate_keys_and_deep_nesting(db: Path, tmp_path: Path) -> None:
    dup = tmp_path / "dup.json"
    dup.write_text('{"resourceType": "Observation", "id": "a", "id": "b"}')
    _refused(db, dup, "dup.json is not JSON", "appears twice")
    deep = tmp_path / "deep.json"
    deep.write_text('{"resourceType": "Observation", "x": ' + "[" * 5000 + "]" * 5000 + "}")
    _refused(db, deep, "deep.json is not JSON", "nested too deeply")


def test_a_fifo_a_device_and_a_huge_file(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    _refused(db, fifo, "named pipe (FIFO)")
    _refused(db, Path("/dev/zero"), "a device")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(65 * 1024 * 1024)  # sparse: refused by its size, never read
    _refused(db, huge, "a FHIR file is at most 64 MB")


def test_a_folder_with_a_link_loop_and_a_non_utf8_file(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "clinical-records"
    folder.mkdir()
    (folder / "loop.json").symlink_to(folder / "loop.json")
    (folder / "sub").symlink_to(folder)  # a folder link: never followed
    (folder / "latin1.json").write_bytes(b'{"resourceType": "Observation", "id": "\xe9"}')
    (folder / "good.json").write_text(json.dumps(obs("g1")))
    before = digest(db)
    code, out, err = run("import-fhir", "--db", str(db), str(folder))
    assert code == 1 and out == ""
    assert "latin1.json is not JSON, so not a FHIR file (line 1: the file is not UTF-8" in err
    assert "loop.json" in err and "symbolic links" in err
    assert digest(db) == before
    code, out, err = run("import-fhir", "--db", str(db), "--skip-bad", str(folder))
    assert code == 0 and values_in(db) == 1


def test_an_empty_folder(db: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _refused(db, tmp_path / "empty", "is a folder with no .json files in it")


# ------------------------------------------------------------------ random input never crashes

_scalars = st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats(allow_nan=False,
           allow_infinity=False) | st.text(max_size=12)  # fmt: skip
_keys = st.sampled_from([
    "resourceType", "id", "entry", "resource", "fullUrl", "code", "coding", "system",
    "valueQuantity", "value", "unit", "comparator", "effectiveDateTime", "effectivePeriod",
    "start", "referenceRange", "low", "high", "text", "interpretation", "category",
    "hasMember", "result", "reference", "contained", "name", "given", "family", "birthDate",
    "valueString", "valueCodeableConcept", "status", "note",
]) | st.text(max_size=5)  # fmt: skip
_words = st.sampled_from([
    "Bundle", "Observation", "Patient", "DiagnosticReport", "http://loinc.org", "6690-2",
    "718-7", "29463-7", "8310-5", "10*9/L", "g/dL", "Cel", "kg", "<", "<=", "2026-03-14",
    "2026-03-14T23:30:00Z", "2011-02-30", "laboratory", "Observation/a", "#a", "a",
])  # fmt: skip
_json = st.recursive(
    _scalars | _words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=6),
    max_leaves=40,
)


@pytest.fixture(scope="module")
def one_record(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Record, Child]]:
    path = tmp_path_factory.mktemp("fuzz") / "r.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as record:
        child, _ = record.save(Child(name="Mila", birth_date=dt.date(2010, 1, 1)))
        yield record, child


@settings(max_examples=300)
@given(doc=_json)
def test_random_fhir_like_structures_never_crash(
    one_record: tuple[Record, Child], doc: Any
) -> None:
    """Only the importer's own refusal may leave it; every other outcome is a plan."""
    record, child = one_record
    source = FhirSource()
    try:
        read_fhir_bytes(json.dumps(doc).encode(), "random.json", source)
    except UnreadableFhir:
        return
    summary_of(plan_fhir(parse_resources(source), record, child), applied=False)


@settings(max_examples=300)
@given(
    changes=st.dictionaries(_keys, _json, max_size=4),
    inner=st.dictionaries(_keys, _json, max_size=3),
)
def test_a_real_observation_with_random_changes_never_crashes(
    one_record: tuple[Record, Child], changes: dict[str, Any], inner: dict[str, Any]
) -> None:
    record, child = one_record
    o = obs("a", **changes)
    o["valueQuantity"] = (
        {**o.get("valueQuantity", {}), **inner}
        if isinstance(o.get("valueQuantity"), dict)
        else o.get("valueQuantity")
    )
    report = {"resourceType": "DiagnosticReport", "id": "r", "result": [{"reference": "#a"},
              {"reference": "Observation/a"}], "contained": [o], **inner}  # fmt: skip
    doc = {"resourceType": "Bundle", "entry": [{"resource": o}, {"resource": report}]}
    source = FhirSource()
    try:
        read_fhir_bytes(json.dumps(doc).encode(), "random.json", source)
    except UnreadableFhir:
        return
    summary_of(plan_fhir(parse_resources(source), record, child), applied=False)


def test_read_fhir_refusals_are_record_errors() -> None:
    assert issubclass(UnreadableFhir, RecordError)
    with pytest.raises(RecordError):
        read_fhir(Path("/nonexistent/x.json"))


def test_the_new_child_goes_when_the_import_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing with the Patient as the child: a failed import leaves no child."""
    import tracker.io.csv_import as csv_import
    import tracker.io.fhir_import as fhir_import

    def no_room(*_args: object, **_kw: object) -> None:
        raise RecordError("could not save: the disk is full; nothing that was saved is lost")

    db = make_record(tmp_path / "new.sqlite")
    patient = json.loads((DATA / "Patient-infant-twin-1.json").read_text())
    hb = obs("hb", effectiveDateTime="2017-08-01T10:00:00+02:00")
    path = tmp_path / "jaina.json"
    entries = [{"resource": patient}, {"resource": hb}]
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "document", "entry": entries}))
    monkeypatch.setattr(csv_import, "make_backup", no_room)
    monkeypatch.setattr(fhir_import, "make_backup", no_room)
    code, _out, err = run("import-fhir", "--db", str(db), str(path))
    assert code == 1 and "the disk is full" in err
    with Record.open(db, read_only=True, clock=fixed_clock) as record:
        assert record.children() == []


def test_the_patient_child_and_its_results_are_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving the results fails in a way nobody catches (the process dies halfway): the
    child saved just before must not stay behind, alone, in the record."""
    db = make_record(tmp_path / "new.sqlite")
    patient = json.loads((DATA / "Patient-infant-twin-1.json").read_text())
    hb = obs("hb", effectiveDateTime="2017-08-01T10:00:00+02:00")
    path = tmp_path / "jaina.json"
    entries = [{"resource": patient}, {"resource": hb}]
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "document", "entry": entries}))

    def dies(self: Record, entries: object, *args: object, **kwargs: object) -> None:
        raise MemoryError("halfway")

    monkeypatch.setattr(Record, "save_all", dies)
    with pytest.raises(MemoryError):
        run("import-fhir", "--db", str(db), str(path))
    monkeypatch.undo()
    with Record.open(db, read_only=True, clock=fixed_clock) as record:
        assert record.children() == []
