"""The summary PDF and the screenshot PNG on a full disk and after a kill (issue 9, item 5).

A full disk is a soft ``RLIMIT_FSIZE`` in a child process (tests/test_disk_full.py,
reliability.md recipe 2): Qt's writers do not report the failed writes, so the
program must check the file it wrote (a PDF ends with ``%%EOF`` and its page tree
counts the pages; a PNG reads back and ends with its IEND chunk) before it renames
it over the old one.  The figures are printed (``pytest -s``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

from tracker.store import Record

pytestmark = pytest.mark.gui

LIMIT = 8 * 1024  # bytes a file may grow to in the child: far less than a PDF or PNG
CHILD = textwrap.dedent(
    """
    import datetime as dt, resource, sys
    limit = int(sys.argv[1])
    if limit:
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))  # the soft limit only
    from ui.app import main
    now = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
    sys.exit(main(sys.argv[2:], clock=lambda: now))
    """
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tracker.demo import build_demo

    path = tmp_path_factory.mktemp("template") / "family.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
    return path


@pytest.fixture
def family(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "family.sqlite"
    shutil.copy(template, path)
    return path


def run_child(tmp_path: Path, limit: int, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONDONTWRITEBYTECODE="1",
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
    )
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(limit), *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    ("what", "argv", "says"),
    [
        ("summary", ["summary", "--db", "{db}", "-o", "{out}"], "Could not write the summary"),
        ("card", ["card", "--db", "{db}", "-o", "{out}"], "Could not write the fever card"),
        ("screenshot", ["--db", "{db}", "--screenshot", "{out}"], "Could not write the screenshot"),
    ],
)
def test_a_full_disk_keeps_the_previous_file(
    family: Path, tmp_path: Path, what: str, argv: list[str], says: str
) -> None:
    out = tmp_path / "out" / (f"{what}.pdf" if what != "screenshot" else "shot.png")
    out.parent.mkdir()
    args = [a.format(db=family, out=out) for a in argv]
    good = run_child(tmp_path, 0, *args)  # the control: with room, the file is written
    assert good.returncode == 0, good.stderr
    size = out.stat().st_size
    assert size > 3 * LIMIT  # so the first cut is early in the file
    before, record_before = digest(out), digest(family)

    # Cut off early, and near the end: in the PDF's last bytes (its size does not vary); 10%
    # short for the picture, whose size varies by a few hundred bytes from run to run.
    near_end = size - 64 if what != "screenshot" else size * 9 // 10
    for limit in (LIMIT, near_end):
        full = run_child(tmp_path, limit, *args)
        print(
            f"\n{what} on a full disk ({size:,} bytes needed, {limit:,} allowed): {full.stderr!r}"
        )
        assert full.returncode == 1, (limit, full.stdout, full.stderr)
        assert says in full.stderr and "is unchanged" in full.stderr
        said = [line for line in full.stderr.splitlines() if line.startswith("treatment-tracker:")]
        assert len(said) == 1 and "Traceback" not in full.stderr  # (Qt and libpng add notes)
        assert "written" not in full.stdout.lower()
        assert digest(out) == before, "the previous file was replaced"
        assert digest(family) == record_before
        assert leftovers(out.parent) == []


def test_a_killed_summary_leaves_a_temp_the_next_write_removes(
    qapp, family: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, write_pdf

    out = tmp_path / "summary.pdf"
    hang = textwrap.dedent(
        """
        import sys, time
        from ui.printing import render
        def painting(*args, **kwargs):
            print("painting", flush=True)
            time.sleep(600)
        render.paint_summary = painting
        from ui.app import main
        import datetime as dt
        now = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
        main(sys.argv[1:], clock=lambda: now)
        """
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONDONTWRITEBYTECODE="1",
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
    )
    child = subprocess.Popen(
        [sys.executable, "-c", hang, "summary", "--db", str(family), "-o", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "painting"  # the temp file exists by now
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    from tracker.store import durable

    left = leftovers(tmp_path)
    assert len(left) == 1 and durable.TEMP_NAME.match(left[0])["name"] == "summary.pdf", left
    # not ours to remove: a temp a running writer holds, and names of another form
    other = tmp_path / ".summary.pdf.NOT-OURS.tmp"
    other.write_bytes(b"someone else's")
    with (
        durable.held_temp(tmp_path, "summary.pdf") as alive,
        Record.open(family, read_only=True, clock=fixed_clock) as rec,
    ):
        child_id = rec.children()[0].id
        assert child_id is not None
        pages = write_pdf(rec, SummaryRequest(child_id), out)
        assert leftovers(tmp_path) == sorted([alive.name, other.name])
    print(f"\nkilled 1 summary writer; its temp was removed at the next write ({pages} page(s))")
    assert out.read_bytes().rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--from", "0001-01-01"], "--from: 0001-01-01 is before the date of birth (2025-01-04)"),
        (["--to", "9999-12-31"], "--to: 9999-12-31 is more than 10 years ahead"),
    ],
)
def test_summary_dates_outside_the_window_are_refused_plainly(
    family: Path, tmp_path: Path, argv: list[str], says: str
) -> None:
    """They crashed with a segmentation fault (rc 139), leaving a 0-byte temp file."""
    out = tmp_path / "out" / "summary.pdf"
    out.parent.mkdir()
    done = run_child(tmp_path, 0, "summary", "--db", str(family), *argv, "-o", str(out))
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert done.stderr.startswith(f"treatment-tracker: {says}") and done.stderr.count("\n") == 1
    assert list(out.parent.iterdir()) == []
    # the window's own ends print (birth … 10 years after the record's today)
    done = run_child(
        tmp_path,
        0,
        "summary",
        "--db",
        str(family),
        "--from",
        "2025-01-04",
        "--to",
        "2036-11-24",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.parent.iterdir()] == ["summary.pdf"]
