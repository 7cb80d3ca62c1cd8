"""Issue 11: `import-counts --leave-out-bad-ranges` imports a value whose printed range cannot
be in the value's unit (or would need asking) WITHOUT that range, never flags against it, and
lists each such row with its line and the reason; without the option the row is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

from tracker import cli
from tracker.io.csv_import import plan_import, read_csv, summary_lines
from tracker.model import Child
from tracker.store import Record

CSV = (
    "Date,Time,Test,Result,Unit,Range\n"
    "2026-07-01,08:30,Absolute Neutrophil Count,200,cells/uL,1.5-8.5\n"
    "2026-07-01,08:30,Hemoglobin,60,g/L,10.5-13.5\n"
    "2026-07-01,08:30,Platelets,45,10^9/L,150-450\n"
    "2026-07-01,08:30,Lymphocytes,3,10^9/L,1000-1900\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "family.sqlite"
    with Record.open(db, create=True, clock=fixed_clock) as record:
        record.save(Child(name="Mila", birth_date=TODAY.replace(year=TODAY.year - 1)))
    csv = tmp_path / "lab.csv"
    csv.write_text(CSV, encoding="utf-8")
    return db, csv


def stored(db: Path) -> dict[str, tuple[str, float | None, float | None]]:
    with Record.open(db, read_only=True, clock=fixed_clock) as record:
        [child] = record.children()
        assert child.id is not None
        return {
            v.analyte: (v.range_text, v.range_low, v.range_high)
            for r in record.counts(child.id)
            for v in r.values
        }


def test_without_the_option_the_rows_are_refused_and_the_option_is_named(files) -> None:  # type: ignore[no-untyped-def]
    db, csv = files
    code, out, err = run("import-counts", "--db", str(db), str(csv))
    assert code == 1 and out == ""
    assert [line.split(":")[0] for line in err.splitlines()[:-1]] == ["line 2", "line 3", "line 5"]
    assert "--leave-out-bad-ranges" in err.splitlines()[-1]
    assert stored(db) == {}


def test_the_option_imports_the_values_without_their_ranges_and_lists_each(files) -> None:  # type: ignore[no-untyped-def]
    db, csv = files
    code, out, err = run("import-counts", "--db", str(db), "--leave-out-bad-ranges", str(csv))
    assert code == 0, err
    assert err == ""
    assert "Added for Mila: 4 values (1 new blood count)." in out
    listed = [line for line in out.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in listed] == ["line 2", "line 3", "line 5"]
    assert all("imported without this range" in line for line in listed), listed
    assert "1.5-8.5" in listed[0] and "×10⁹/L" in listed[0]  # the reason, with the unit it fits
    assert stored(db) == {
        "anc": ("", None, None),
        "hgb": ("", None, None),
        "plt": ("150-450", 150.0, 450.0),  # a range that can be in its unit is kept
        "lymph": ("", None, None),
    }


def test_the_values_left_without_a_range_are_never_flagged(files) -> None:  # type: ignore[no-untyped-def]
    db, csv = files
    assert run("import-counts", "--db", str(db), "--leave-out-bad-ranges", str(csv))[0] == 0
    out_csv = db.parent / "out.csv"
    assert run("export", "--db", str(db), "--format", "csv", str(out_csv))[0] == 0
    import csv as csv_module

    table = list(csv_module.DictReader(out_csv.read_text(encoding="utf-8").splitlines()))
    rows = {row["analyte"]: row for row in table}
    assert rows["ANC"]["flag"] == "" and rows["Hb"]["flag"] == ""
    assert rows["PLT"]["flag"] == "low"


def test_a_dry_run_lists_them_too(files) -> None:  # type: ignore[no-untyped-def]
    db, csv = files
    code, out, _err = run(
        "import-counts", "--db", str(db), "--dry-run", "--leave-out-bad-ranges", str(csv)
    )
    assert code == 0 and "Dry run" in out
    assert sum(line.startswith("line ") for line in out.splitlines()) == 3
    assert stored(db) == {}


def test_read_csv_takes_the_choice(record, child) -> None:  # type: ignore[no-untyped-def]
    plan = plan_import(read_csv(CSV.encode(), leave_out_bad_ranges=True), record, child)
    assert plan.ok and plan.values_added == 4
    assert [n.line for n in plan.noted] == [2, 3, 5]
    assert sum(line.startswith("line ") for line in summary_lines(plan, applied=False)) == 3


def test_the_readme_names_the_option_beside_skip_bad() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if "import-counts --db" in x)
    assert "--skip-bad" in line
    assert "--leave-out-bad-ranges" in readme[readme.index(line) : readme.index(line) + 600]
