"""The public command line: make-demo, export, check, and the refusals (exit 1, file unchanged)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY

from tracker import cli


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    parser = cli.build_parser()
    args = parser.parse_args(list(argv))
    code = cli.run(args, out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    code, out, _ = run("make-demo", str(path))
    assert code == 0 and "Demo record written" in out
    return path


def test_make_demo_writes_a_private_record_that_checks_ok(demo: Path) -> None:
    assert demo.stat().st_mode & 0o777 == 0o600
    code, out, err = run("check", "--db", str(demo))
    assert code == 0, err
    assert "OK" in out


def test_make_demo_refuses_to_overwrite(demo: Path) -> None:
    before = digest(demo)
    code, _, err = run("make-demo", str(demo))
    assert code == 1
    assert "already exists" in err
    assert digest(demo) == before


def test_export_json_is_lossless_and_documented_shape(demo: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "export.json"
    before = digest(demo)
    code, _, err = run("export", "--db", str(demo), "--format", "json", str(out_file))
    assert code == 0, err
    assert digest(demo) == before, "export must not change the record"
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["format"] == "treatment-tracker"
    assert data["version"] == 6
    child = data["children"][0]
    assert {"phases", "milestones", "counts", "cns_visits", "uid"} <= set(child)
    assert all("uid" in p for p in child["phases"])
    assert {p["kind"] for p in child["phases"]} >= {"induction", "maintenance"}
    count = child["counts"][0]
    assert "taken_at" in count
    value = count["values"][0]
    assert {"analyte", "value", "unit", "normalised_value", "canonical_unit"} <= set(value)
    assert any(v["it_drugs"] for v in child["cns_visits"])
    with sqlite3.connect(demo) as conn:
        n_counts = conn.execute("SELECT count(*) FROM count_result").fetchone()[0]
        n_values = conn.execute("SELECT count(*) FROM count_value").fetchone()[0]
    assert sum(len(c["counts"]) for c in data["children"]) == n_counts
    assert sum(len(r["values"]) for c in data["children"] for r in c["counts"]) == n_values


def test_export_into_a_folder_is_refused(demo: Path, tmp_path: Path) -> None:
    code, _, err = run("export", "--db", str(demo), "--format", "json", str(tmp_path))
    assert code == 1
    assert "folder" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"hello, this is a note\n", "text file"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"", "empty"),
    ],
)
def test_check_and_export_refuse_wrong_files_unchanged(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "wrong.sqlite"
    path.write_bytes(content)
    before = digest(path)
    listing = sorted(os.listdir(tmp_path))
    for argv in (
        ("check", "--db", str(path)),
        ("export", "--db", str(path), "--format", "json", str(tmp_path / "o.json")),
    ):
        code, _, err = run(*argv)
        assert code == 1
        assert expected in err
        assert err.count("\n") == 1, "one clear sentence"
    assert digest(path) == before
    assert sorted(os.listdir(tmp_path)) == listing


def test_check_refuses_another_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    conn.close()
    before = digest(path)
    code, _, err = run("check", "--db", str(path))
    assert code == 1
    assert "another program" in err
    assert digest(path) == before


def test_check_refuses_a_newer_record(demo: Path) -> None:
    conn = sqlite3.connect(demo)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = digest(demo)
    code, _, err = run("check", "--db", str(demo))
    assert code == 1
    assert "newer version" in err
    assert digest(demo) == before


def test_check_reports_broken_links(demo: Path) -> None:
    conn = sqlite3.connect(demo)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE phase SET child_id = 999 WHERE id = 1")
    conn.commit()
    conn.close()
    code, _, err = run("check", "--db", str(demo))
    assert code == 1
    assert "points to a missing child" in err


def test_missing_record_is_a_problem_not_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing.sqlite"
    code, _, err = run("check", "--db", str(path))
    assert code == 1
    assert "no record file" in err
    assert not path.exists()


def _console(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run the console entry point in a fresh process whose settings and data stay in ``home``."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    code = (
        "import sys; from ui.app import main; rc = main(sys.argv[1:]); "
        "print('QT_LOADED' if 'PySide6' in sys.modules else 'NO_QT', file=sys.stderr); "
        "sys.exit(rc)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, timeout=120
    )


def test_console_script_subcommands_need_no_qt(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    done = _console(tmp_path, "make-demo", str(path))
    assert done.returncode == 0, done.stderr
    assert "NO_QT" in done.stderr
    done = _console(tmp_path, "check", "--db", str(path))
    assert done.returncode == 0, done.stderr
    assert "NO_QT" in done.stderr


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    done = _console(
        tmp_path, "export", "--db", str(tmp_path / "x.sqlite"), "--format", "xml", "out"
    )
    assert done.returncode == 2
    done = _console(tmp_path, "no-such-command")
    assert done.returncode == 2


def test_screenshot_of_each_view(demo: Path, tmp_path: Path) -> None:
    for view in ("phases", "counts", "cns"):
        png = tmp_path / f"{view}.png"
        done = _console(tmp_path, "--db", str(demo), "--screenshot", str(png), "--view", view)
        assert done.returncode == 0, done.stderr
        assert png.read_bytes().startswith(b"\x89PNG")
        assert png.stat().st_size > 10_000


def test_screenshot_refuses_a_wrong_file_with_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a record")
    before = digest(path)
    done = _console(tmp_path, "--db", str(path), "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 1
    assert "text file" in done.stderr
    assert digest(path) == before


def test_main_reads_every_date_from_the_clock_it_is_given(tmp_path: Path) -> None:
    """``cli.main(argv, clock=…)``: nothing reads the wall clock behind the clock passed in."""
    import datetime as dt

    from conftest import fixed_clock

    from tracker.demo import DIAGNOSIS_DAYS_AGO
    from tracker.store import Record

    demo, export = tmp_path / "demo.sqlite", tmp_path / "demo.json"
    assert cli.main(["make-demo", str(demo)], clock=fixed_clock) == 0
    assert (
        cli.main(["export", "--db", str(demo), "--format", "json", str(export)], fixed_clock) == 0
    )
    with Record.open(demo, read_only=True, clock=fixed_clock) as rec:
        child = rec.children()[0]
    assert child.diagnosis_date == TODAY - dt.timedelta(days=DIAGNOSIS_DAYS_AGO)
    assert json.loads(export.read_text())["exported_at"].startswith(TODAY.isoformat())


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["calendar", "--db", "r.sqlite", "-o", ""], "-o needs a file name, e.g. plan.ics"),
        (["summary", "--db", "r.sqlite", "-o", ""], "-o needs a file name, e.g. summary.pdf"),
        (["card", "--db", "r.sqlite", "-o", "  "], "-o needs a file name, e.g. card.pdf"),
        (
            ["export", "--db", "r.sqlite", "--format", "json", ""],
            "OUT needs a file name, e.g. export.json",
        ),
        (["backup", "--db", "r.sqlite", ""], "OUT needs a file name, e.g. backup.sqlite"),
        (["make-demo", ""], "FILE needs a file name, e.g. demo.sqlite"),
        (
            ["--screenshot", "", "--db", "r.sqlite"],
            "--screenshot needs a file name, e.g. window.png",
        ),
    ],
)
def test_an_empty_output_name_is_refused_plainly(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """One rule for every command that writes a file the family names (the parser shared
    by the window's summary and card commands): no name is bad usage, said plainly."""
    with pytest.raises(SystemExit) as caught:
        cli.build_parser().parse_args(argv)
    assert caught.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.rstrip().endswith(f"error: {says}"), err
    assert " . is a folder" not in err


def test_an_output_name_is_kept_as_typed() -> None:
    args = cli.build_parser().parse_args(["calendar", "--db", "r.sqlite", "-o", "plan.ics"])
    assert args.out == Path("plan.ics")
    args = cli.build_parser().parse_args(["backup", "--db", "r.sqlite", "copies/"])
    assert args.out == "copies/"  # as typed: "folder/" is not a file name
