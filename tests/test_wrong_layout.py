"""A file with our program mark but not a record's tables (other tables, or a format number
one too low for the tables it has) is refused plainly by every command and by the window
start: exit code 1, one plain line on stderr, no traceback, the file byte for byte as it was,
no lock left behind (issue 9, "Crashes, hangs and leaks").

Each command runs as the program runs, in a child process (``ui.app.main``; the window
offscreen, with ``--screenshot`` so that nothing waits for a click).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.model import Child, CountResult, CountValue
from tracker.store import APPLICATION_ID, SCHEMA_VERSION, NotARecord, Record
from tracker.store.backup import make_backup
from tracker.store.backup_file import DAILY

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "tests" / "data" / "csv" / "us_portal_long.csv"
_CLI = "import sys; from tracker.cli import main; sys.exit(main())"
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def real_record(path: Path) -> None:
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        assert child.id is not None
        value = CountValue("wbc", "3.1", "10^9/L", 3.1, 3.1, "10^9/L")
        rec.save(CountResult(child.id, dt.date(2026, 2, 1), values=(value,)))


def other_tables(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO child (name) VALUES ('someone')")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.commit()
    conn.close()


def version_too_low(path: Path) -> None:
    real_record(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()


MAKERS = {"other tables": other_tables, "format number one too low": version_too_low}

COMMANDS = [
    pytest.param(["--db", "{db}", "--screenshot", "{out}.png"], id="window start"),
    pytest.param(["check", "--db", "{db}"], id="check"),
    pytest.param(["export", "--db", "{db}", "--format", "json", "{out}.json"], id="export json"),
    pytest.param(["export", "--db", "{db}", "--format", "csv", "{out}.csv"], id="export csv"),
    pytest.param(["backup", "--db", "{db}", "{out}.sqlite"], id="backup"),
    pytest.param(["summary", "--db", "{db}", "-o", "{out}.pdf"], id="summary"),
    pytest.param(["import-counts", "--db", "{db}", str(CSV)], id="import-counts"),
    pytest.param(["import-json", "--db", "{db}", "{export}"], id="import-json"),
    pytest.param(["restore", "--db", "{db}", "{backup}"], id="restore"),
]


@pytest.fixture(scope="module")
def good_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("good")
    source = folder / "good.sqlite"
    real_record(source)
    with Record.open(source, clock=clock) as rec:
        backup = make_backup(rec, DAILY).path
    other = folder / "other.sqlite"
    real_record(other)
    export = folder / "export.json"
    rc = subprocess.run(
        [sys.executable, "-c", _CLI, "export", "--db", str(other), "--format", "json", str(export)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert rc.returncode == 0, rc.stderr
    return {"backup": backup, "export": export}


@pytest.mark.parametrize("maker", MAKERS)
def test_open_refuses_it_plainly_and_leaves_no_lock(tmp_path: Path, maker: str) -> None:
    path = tmp_path / "family.sqlite"
    MAKERS[maker](path)
    before = path.read_bytes()
    for read_only in (True, False):
        with pytest.raises(NotARecord, match="not a treatment record this program can open"):
            Record.open(path, read_only=read_only, clock=clock)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["family.sqlite"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("maker", MAKERS)
def test_every_command_refuses_it_plainly(
    tmp_path: Path, good_files: dict[str, Path], maker: str, command: list[str]
) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    db = folder / "family.sqlite"
    MAKERS[maker](db)
    before = db.read_bytes()
    argv = [
        a.format(
            db=db, out=tmp_path / "out", export=good_files["export"], backup=good_files["backup"]
        )
        for a in command
    ]
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from ui.app import main; sys.exit(main())", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    err = done.stderr.strip()
    assert done.returncode == 1, (done.stdout, err)
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("treatment-tracker:")]
    assert len(lines) == 1, err
    if command[0] != "check":  # check lists what it found, then says what to do
        assert err.count("\n") == 0, err
    assert db.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["family.sqlite"]
    assert not list(tmp_path.glob("out.*"))
