"""`treatment-tracker export --format fhir` (issue 14, docs/fhir.md): one child per Bundle
(--child when the record holds several), --redact as the summary's, the same safe write
and target rules as the other exports; an empty record gives a Bundle with no entries."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import TODAY
from fhir_checks import check_bundle

from tracker import cli

DATA = Path(__file__).parent / "data"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    assert run("make-demo", str(path))[0] == 0
    return path


@pytest.fixture
def two_children(tmp_path: Path) -> Path:
    path = tmp_path / "two.sqlite"
    shutil.copyfile(DATA / "record-v12.sqlite", path)
    return path


def test_export_fhir_writes_a_valid_bundle_and_says_what_it_holds(
    demo: Path, tmp_path: Path
) -> None:
    target = tmp_path / "robin-fhir.json"
    before = digest(demo)
    code, out, err = run("export", "--db", str(demo), "--format", "fhir", str(target))
    assert code == 0, err
    assert digest(demo) == before, "an export never changes the record"
    bundle = json.loads(target.read_text(encoding="utf-8"))
    check_bundle(bundle)
    assert "Robin (demo)" in out and "1 Patient" in out and "Observation" in out
    assert target.stat().st_mode & 0o777 == 0o600
    again = tmp_path / "again.json"
    assert run("export", "--db", str(demo), "--format", "fhir", str(again))[0] == 0
    assert again.read_bytes() == target.read_bytes()


def test_export_fhir_redacted(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "redacted.json"
    code, out, err = run("export", "--db", str(demo), "--format", "fhir", "--redact", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    check_bundle(json.loads(text))
    assert "Robin" not in text and "Robin" not in out
    assert "2025-01-04" not in text  # the demo child's date of birth


def test_several_children_need_child(two_children: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, _, err = run("export", "--db", str(two_children), "--format", "fhir", str(target))
    assert code == 1 and "choose one with --child NAME" in err
    assert not target.exists()
    names = [c.split(" (")[0] for c in err.split("children (")[1].split(")")[0].split(", ")]
    code, _out, err = run(
        "export", "--db", str(two_children), "--format", "fhir", "--child", names[1], str(target)
    )
    assert code == 0, err
    bundle = json.loads(target.read_text(encoding="utf-8"))
    check_bundle(bundle)
    assert bundle["entry"][0]["resource"]["name"] == [{"text": names[1]}]
    code, _, err = run(
        "export", "--db", str(two_children), "--format", "fhir", "--child", "Nobody", str(target)
    )
    assert code == 1 and 'no child called "Nobody"' in err


def test_an_empty_record_exports_an_empty_bundle(tmp_path: Path) -> None:
    from tracker.store import Record

    db = tmp_path / "empty.sqlite"
    Record.open(db, create=True).close()
    target = tmp_path / "empty.json"
    code, out, err = run("export", "--db", str(db), "--format", "fhir", str(target))
    assert code == 0, err
    bundle = json.loads(target.read_text(encoding="utf-8"))
    check_bundle(bundle)
    assert bundle["entry"] == [] and "no resources" in out


def test_child_and_redact_belong_to_fhir(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    code, _, err = run("export", "--db", str(demo), "--format", "json", "--redact", str(target))
    assert code == 1 and "go with --format fhir" in err
    assert not target.exists()


def test_export_fhir_never_replaces_another_kind_of_file(demo: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("the family's notes\n")
    code, _, err = run("export", "--db", str(demo), "--format", "fhir", str(notes))
    assert code == 1, err
    assert notes.read_text() == "the family's notes\n"
    code, _, err = run("export", "--db", str(demo), "--format", "fhir", str(tmp_path))
    assert code == 1 and "folder" in err


def test_redacted_the_file_names_of_imports_do_not_name_the_child(tmp_path: Path) -> None:
    """attack14 finding 2a: each count imported from a file keeps "imported from FILE" as
    its source (the report's performer); a file named after the child must not leak it."""
    from conftest import fixed_clock

    from tracker.model import Child
    from tracker.store import Record

    db = tmp_path / "mila.sqlite"
    with Record.open(db, create=True, clock=fixed_clock) as rec:
        rec.save(Child(name="Mila Jansen", birth_date=TODAY.replace(year=TODAY.year - 1)))
    for name, day, wbc in (("Mila_Jansen_labs.csv", 2, "1.9"), ("MilaJansen.csv", 4, "3.9")):
        csv = tmp_path / name
        csv.write_text(f"Date,Test,Result,Units\n2026-03-0{day},WBC,{wbc},10^9/L\n")
        code, out, err = run("import-counts", "--db", str(db), str(csv))
        assert code == 0, out + err
    plain, redacted = tmp_path / "plain.json", tmp_path / "redacted.json"
    assert run("export", "--db", str(db), "--format", "fhir", str(plain))[0] == 0
    assert run("export", "--db", str(db), "--format", "fhir", "--redact", str(redacted))[0] == 0
    assert "imported from Mila_Jansen_labs.csv" in plain.read_text(encoding="utf-8")  # premise
    text = redacted.read_text(encoding="utf-8")
    check_bundle(json.loads(text))
    assert "mila" not in text.casefold() and "jansen" not in text.casefold()
    performers = [
        e["resource"]["performer"][0]["display"]
        for e in json.loads(text)["entry"]
        if e["resource"]["resourceType"] == "DiagnosticReport"
    ]
    assert performers == ["imported from M. J._labs.csv", "imported from M. J..csv"]
