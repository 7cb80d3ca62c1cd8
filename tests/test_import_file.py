"""Hostile import files: FIFOs, devices, folders, sparse and oversized files.

Every importer (import-counts, import-json, File ▸ Import lab results) reads
through ``tracker.io.import_file.read_import_file``: the kind and size are
checked before a byte is read, a FIFO never blocks, and at most limit + 1 bytes
are read.  Each refusal is one plain sentence naming the file (and the limit,
for size), and nothing is written to the record.

A test that could hang without the fix runs its import in a thread joined with
a timeout: the timeout is only a safety net so that a regression fails instead
of hanging the suite; nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, fixed_clock

from tracker import cli
from tracker.io.import_file import (
    MAX_CSV_BYTES,
    MAX_JSON_BYTES,
    ImportFileError,
    read_import_file,
)
from tracker.model import Child
from tracker.store import Record

SAFETY_NET = 60.0  # seconds; a hang without the fix is for ever, so this is never close


def guarded(call: Callable[[], Any]) -> Any:
    """Run ``call`` in a daemon thread; fail (never hang) if it does not return."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append(("ok", call()))
        except BaseException as exc:  # handed to the test below
            outcome.append(("raised", exc))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(SAFETY_NET)
    assert not thread.is_alive(), "the import blocked (it must refuse at once)"
    kind, value = outcome[0]
    if kind == "raised":
        raise value
    return value


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "family.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as record:
        record.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    return path


def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    os.mkfifo(path)
    return path


def dev_zero_link(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    path.symlink_to("/dev/zero")
    return path


def folder(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    path.mkdir()
    return path


def sparse(size: int) -> Callable[[Path], Path]:
    def make(tmp_path: Path) -> Path:
        path = tmp_path / "lab.csv"
        with open(path, "wb") as fh:
            fh.truncate(size)  # no data blocks: refused by its size before any read
        return path

    return make


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (fifo, "is a named pipe (FIFO), not an ordinary file"),
    "dev-zero": (lambda _tmp: Path("/dev/zero"), "is a device, not an ordinary file"),
    "link-to-dev-zero": (dev_zero_link, "is a device, not an ordinary file"),
    "folder": (folder, "is a folder, not a file"),
    "sparse-2GB": (sparse(2 * 1024**3), "is 2,048 MB;"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_the_reader_refuses_before_reading(name: str, tmp_path: Path) -> None:
    make, words = HOSTILE[name]
    path = make(tmp_path)
    with pytest.raises(ImportFileError) as caught:
        guarded(lambda: read_import_file(path, MAX_CSV_BYTES, "a lab's CSV export"))
    message = str(caught.value)
    assert str(path) in message and words in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("name", HOSTILE)
def test_import_counts_refuses_hostile_files_and_leaves_the_record(
    name: str, tmp_path: Path, db: Path
) -> None:
    make, words = HOSTILE[name]
    path = make(tmp_path)
    before = digest(db)
    code, out, err = guarded(lambda: run("import-counts", "--db", str(db), str(path)))
    assert code == cli.EXIT_PROBLEM
    assert out == ""
    assert str(path) in err and words in err
    assert len(err.splitlines()) == 1
    assert digest(db) == before


@pytest.mark.parametrize("name", HOSTILE)
def test_import_json_refuses_hostile_files_and_creates_no_record(name: str, tmp_path: Path) -> None:
    make, words = HOSTILE[name]
    path = make(tmp_path)
    target = tmp_path / "new.sqlite"
    before = sorted(tmp_path.iterdir())
    code, out, err = guarded(lambda: run("import-json", "--db", str(target), str(path)))
    assert code == cli.EXIT_PROBLEM
    assert out == ""
    assert str(path) in err and words in err
    assert len(err.splitlines()) == 1
    assert sorted(tmp_path.iterdir()) == before  # no record, no backup, no temp file


def test_a_file_one_byte_over_the_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    at_limit = tmp_path / "at.csv"
    at_limit.write_bytes(b"x" * 1000)
    assert read_import_file(at_limit, 1000) == b"x" * 1000
    over = tmp_path / "over.csv"
    over.write_bytes(b"x" * 1001)
    with pytest.raises(ImportFileError, match=r"over\.csv is 1,001 bytes; .* at most 1,000 bytes"):
        read_import_file(over, 1000, "a lab's CSV export")


def test_the_csv_limit_is_enforced_by_the_command_line(tmp_path: Path, db: Path) -> None:
    path = sparse(MAX_CSV_BYTES + 1)(tmp_path)
    before = digest(db)
    code, _, err = run("import-counts", "--db", str(db), str(path))
    assert code == cli.EXIT_PROBLEM
    assert f"{path} is 33,554,433 bytes; a lab's CSV export is at most 33,554,432 bytes" in err
    assert digest(db) == before


def test_a_file_that_says_it_is_empty_but_is_not_is_read_only_to_the_limit() -> None:
    """/proc files report size 0 and hold more: the read itself is bounded (limit + 1)."""
    proc = Path("/proc/self/maps")
    if not proc.exists():
        pytest.skip("no /proc on this system")
    assert os.stat(proc).st_size == 0
    with pytest.raises(ImportFileError, match="maps holds more; an import file is at most 10"):
        read_import_file(proc, 10)


def test_200_mb_of_newlines_is_refused_by_size_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    with open(path, "wb") as fh:
        block = b"\n" * (1024 * 1024)
        for _ in range(200):
            fh.write(block)
    target = tmp_path / "new.sqlite"
    code, out, err = run("import-json", "--db", str(target), str(path))
    assert code == cli.EXIT_PROBLEM and out == ""
    assert f"{path} is 200 MB; a JSON export is at most {MAX_JSON_BYTES // 2**20} MB" in err
    assert not target.exists()


def test_an_unreadable_or_missing_file_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"nothing\.csv does not exist"):
        read_import_file(tmp_path / "nothing.csv", 10)
