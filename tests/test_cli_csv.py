"""The command line for CSV: import-counts (summary, exit codes, the record unchanged on
refusal, --skip-bad, --dry-run, date order, --child) and export --format csv."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

from tracker import cli
from tracker.model import Child
from tracker.store import Record

DATA = Path(__file__).parent / "data" / "csv"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def make_record(path: Path, *names: str) -> Path:
    with Record.open(path, create=True, clock=fixed_clock) as record:
        for name in names:
            record.save(Child(name=name, birth_date=dt.date(2026, 1, 10)))
    return path


def values_in(path: Path) -> int:
    with Record.open(path, read_only=True, clock=fixed_clock) as record:
        return sum(len(r.values) for c in record.children() if c.id for r in record.counts(c.id))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_record(tmp_path / "family.sqlite", "Mila")


def test_import_prints_what_was_added_and_skipped(db: Path) -> None:
    code, out, err = run("import-counts", "--db", str(db), str(DATA / "us_portal_long.csv"))
    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    assert "long form, comma-separated, UTF-8, dates month-first; 28 rows" in lines[0]
    # MCV, RDW (%) and lymphocytes % are in the catalogue since issue 11 (domain.md §2.8)
    assert lines[1] == "Added for Mila: 27 values (4 new blood counts)."
    assert lines[2].startswith("Skipped: 1 result not given yet")
    assert "tests the program does not keep" not in lines[2]
    assert values_in(db) == 27

    code, out, _ = run("import-counts", "--db", str(db), str(DATA / "us_portal_long.csv"))
    assert code == 0
    assert "Added for Mila: nothing new." in out
    assert "27 values already in the record" in out
    assert values_in(db) == 27


def test_bad_rows_exit_1_and_leave_the_record_unchanged(db: Path) -> None:
    before = digest(db)
    code, out, err = run("import-counts", "--db", str(db), str(DATA / "bad_rows.csv"))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        f"line {n}" for n in (3, 5, 6, 8, 10, 11, 12, 13, 14, 16)
    ]
    assert lines[-1].startswith("treatment-tracker: 10 bad row(s) in ")
    assert "nothing was imported" in lines[-1] and "--skip-bad" in lines[-1]
    assert digest(db) == before


def test_skip_bad_imports_the_rest_and_still_lists_each_bad_row(db: Path) -> None:
    code, out, err = run("import-counts", "--db", str(db), "--skip-bad", str(DATA / "bad_rows.csv"))
    assert code == 0
    assert len(err.splitlines()) == 10 and all(x.startswith("line ") for x in err.splitlines())
    assert "Added for Mila: 4 values (3 new blood counts)." in out
    assert "10 bad rows (listed above)" in out
    assert "Ammonia ×2" in out
    assert values_in(db) == 4


def test_dry_run_changes_nothing(db: Path) -> None:
    before = digest(db)
    code, out, err = run(
        "import-counts", "--db", str(db), "--dry-run", str(DATA / "eu_wide_semicolon_latin1.csv")
    )
    assert code == 0, err
    assert "Dry run: nothing was written." in out
    assert "Would add for Mila: 39 values (6 new blood counts)." in out  # + 6 MCV (issue 11)
    assert "wide form, semicolon-separated, Latin-1, dates day-first" in out
    assert digest(db) == before
    code, _, _ = run("import-counts", "--db", str(db), "--dry-run", str(DATA / "bad_rows.csv"))
    assert code == 1, "a dry run reports bad rows with the same exit status"
    assert digest(db) == before


def test_ambiguous_dates_need_dayfirst_or_monthfirst(db: Path) -> None:
    before = digest(db)
    code, out, err = run("import-counts", "--db", str(db), str(DATA / "ambiguous_dates.csv"))
    assert code == 1 and out == ""
    assert err.count("\n") == 1, "one plain sentence"
    assert "--dayfirst or --monthfirst" in err and "03/04/2026" in err
    assert digest(db) == before
    code, _, err = run(
        "import-counts", "--db", str(db), "--monthfirst", str(DATA / "ambiguous_dates.csv")
    )
    assert code == 0, err
    with Record.open(db, read_only=True) as record:
        dates = [r.taken_date for r in record.counts(1)]
    assert dates == [dt.date(2026, 3, 4), dt.date(2026, 5, 6)]


def test_dayfirst_and_monthfirst_together_is_bad_usage(db: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(
            ["import-counts", "--db", str(db), "--dayfirst", "--monthfirst", "x.csv"]
        )
    assert caught.value.code == 2


def test_choosing_the_child(tmp_path: Path) -> None:
    db = make_record(tmp_path / "two.sqlite", "Mila", "Tom")
    before = digest(db)
    csv_file = str(DATA / "tab_bom_long.tsv")
    code, _, err = run("import-counts", "--db", str(db), csv_file)
    assert code == 1
    assert "2 children (Mila, Tom); choose one with --child NAME" in err
    code, _, err = run("import-counts", "--db", str(db), "--child", "Anna", csv_file)
    assert code == 1
    assert 'no child called "Anna"' in err and "Mila, Tom" in err
    assert digest(db) == before
    code, out, err = run("import-counts", "--db", str(db), "--child", " tom ", csv_file)
    assert code == 0, err
    assert "Added for Tom: 16 values" in out
    with Record.open(db, read_only=True) as record:
        assert [len(record.counts(c.id)) for c in record.children() if c.id] == [0, 3]


def test_a_record_without_a_child_is_refused(tmp_path: Path) -> None:
    db = make_record(tmp_path / "empty.sqlite")
    code, _, err = run("import-counts", "--db", str(db), str(DATA / "tab_bom_long.tsv"))
    assert code == 1
    assert "no child yet" in err


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"%PDF-1.7\n", "PDF"), (b"hello\nworld\n", "No header"), (b"", "No header")],
)
def test_files_that_are_not_lab_results_are_refused(
    db: Path, tmp_path: Path, content: bytes, words: str
) -> None:
    before = digest(db)
    bad = tmp_path / "results.csv"
    bad.write_bytes(content)
    code, out, err = run("import-counts", "--db", str(db), str(bad))
    assert code == 1 and out == ""
    assert words in err and err.count("\n") == 1
    assert digest(db) == before


def test_missing_files(db: Path, tmp_path: Path) -> None:
    code, _, err = run("import-counts", "--db", str(db), str(tmp_path / "nope.csv"))
    assert code == 1 and "nope.csv does not exist" in err
    code, _, err = run(
        "import-counts", "--db", str(tmp_path / "nope.sqlite"), str(DATA / "tab_bom_long.tsv")
    )
    assert code == 1 and "no record file" in err
    assert not (tmp_path / "nope.sqlite").exists()


def test_export_csv(db: Path, tmp_path: Path) -> None:
    run("import-counts", "--db", str(db), str(DATA / "tab_bom_long.tsv"))
    before = digest(db)
    target = tmp_path / "counts.csv"
    code, out, err = run("export", "--db", str(db), "--format", "csv", str(target))
    assert code == 0, err
    assert "Exported 16 blood count values" in out
    assert digest(db) == before, "export must not change the record"
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 16
    assert rows[0]["child"] == "Mila" and rows[0]["unit"] == "×10⁹/L"
    code, _, err = run("export", "--db", str(db), "--format", "csv", str(tmp_path))
    assert code == 1 and "folder" in err


def test_console_script_imports_without_qt(db: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    code = (
        "import sys; from ui.app import main; rc = main(sys.argv[1:]); "
        "print('QT_LOADED' if 'PySide6' in sys.modules else 'NO_QT', file=sys.stderr); "
        "sys.exit(rc)"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "import-counts",
            "--db",
            str(db),
            "--dry-run",
            str(DATA / "tab_bom_long.tsv"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "NO_QT" in done.stderr
    assert "Would add for Mila: 16 values" in done.stdout


def same_error_rows(n: int) -> str:
    """``n`` rows, each with the same wrong unit, on different draws."""
    lines = ["Date,Test,Result,Unit"]
    for i in range(n):
        day = dt.date(2026, 2, 1) + dt.timedelta(days=i % 200)
        lines.append(f"{day.isoformat()} {i // 200:02d}:00,Platelets,{i % 400 + 1},K/xx")
    return "\n".join(lines) + "\n"


def test_many_bad_rows_list_the_first_200_and_count_all(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(same_error_rows(1000), encoding="utf-8")
    before = digest(db)
    code, out, err = run("import-counts", "--db", str(db), str(path))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) == 202
    assert all(line.startswith("line ") and "K/xx" in line for line in lines[:200])
    assert lines[200] == "… and 800 more like these (not listed one by one)"
    assert lines[201].startswith("treatment-tracker: 1000 bad row(s) in ")
    assert digest(db) == before


def test_dates_outside_the_sane_window_are_bad_rows(db: Path, tmp_path: Path) -> None:
    """A blood count lies between the date of birth and today (forms.validate_count), which
    is inside the importers' window (tracker.dates.date_window); 0001 and 9999 never get in."""
    path = tmp_path / "dates.csv"
    path.write_text(
        "Date,Test,Result,Unit\n"
        "0001-01-01,Platelets,100,K/uL\n"
        "9999-12-31,Platelets,100,K/uL\n"
        "2026-03-01,Platelets,100,K/uL\n",
        encoding="utf-8",
    )
    before = digest(db)
    code, _, err = run("import-counts", "--db", str(db), str(path))
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == "line 2: Date: 0001-01-01 is before Mila's date of birth (2026-01-10)"
    assert lines[1].startswith("line 3: Date: 9999-12-31 is in the future")
    assert digest(db) == before


def test_results_not_given_yet_are_listed_by_line_whatever_column_says_so(
    db: Path, tmp_path: Path
) -> None:
    """Issue 11: a row whose status says pending blocked the import like a bad row, while
    "pending" in the result was left out quietly; both are now listed with their line."""
    csv = tmp_path / "pending.csv"
    csv.write_text(
        "Date,Test,Result,Unit,Status\n"
        "2026-11-21,Platelets,45,K/uL,Final\n"
        "2026-11-21,Hemoglobin,,g/dL,Pending\n"
        "2026-11-21,White blood cells,pending,K/uL,\n"
        "2026-11-21,Neutrophils %,see note,%,\n",
        encoding="utf-8",
    )
    code, out, err = run("import-counts", "--db", str(db), str(csv))
    assert code == 0, err
    assert "Added for Mila: 1 value (1 new blood count)." in out
    listed = [line for line in out.splitlines() if "not given yet" in line and "line " in line]
    assert [line.split(":")[0] for line in listed] == ["line 3", "line 4", "line 5"], out


def test_a_file_of_another_birth_date_is_refused_unless_said_so(tmp_path: Path) -> None:
    """The window warns and asks before importing another child's file; the command line
    cannot ask, so it refuses (the record unchanged) until --despite-mismatch says so."""
    db = tmp_path / "family.sqlite"
    with Record.open(db, create=True, clock=fixed_clock) as record:
        record.save(Child(name="Noah", birth_date=dt.date(2025, 11, 2)))
    before = digest(db)
    code, out, err = run("import-counts", "--db", str(db), str(DATA / "us_portal_long.csv"))
    assert code == 1
    assert "date of birth of 2026-01-10, but Noah was born on 2025-11-02" in err
    assert "--despite-mismatch" in err and "nothing was imported" in err
    assert out == "" and digest(db) == before

    code, out, err = run(
        "import-counts", "--db", str(db), "--dry-run", str(DATA / "us_portal_long.csv")
    )
    assert code == 0 and "date of birth of 2026-01-10" in err and digest(db) == before

    code, out, err = run(
        "import-counts", "--db", str(db), "--despite-mismatch", str(DATA / "us_portal_long.csv")
    )
    assert code == 0 and "date of birth of 2026-01-10" in err
    assert values_in(db) == 27


def test_lab_rows_of_several_patients_are_refused_unless_said_so(tmp_path: Path) -> None:
    db = make_record(tmp_path / "family.sqlite", "Mila")
    csv_file = tmp_path / "research.csv"
    csv_file.write_text(
        "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE\n"
        "2026-03-02T09:15:00Z,p1,e1,laboratory,6690-2,Leukocytes,1.9,10*3/uL,numeric\n"
        "2026-03-03T09:15:00Z,p2,e2,laboratory,6690-2,Leukocytes,7.5,10*3/uL,numeric\n",
        encoding="utf-8",
    )
    before = digest(db)
    code, _out, err = run("import-counts", "--db", str(db), str(csv_file))
    assert code == 1 and "belong to 2 different patients" in err and digest(db) == before
    code, _out, err = run("import-counts", "--db", str(db), "--despite-mismatch", str(csv_file))
    assert code == 0 and values_in(db) == 2
