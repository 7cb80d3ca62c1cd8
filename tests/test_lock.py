"""One writer: the second copy of the program is refused at once, and a crash frees the lock.

The lock is ``flock`` on ``<record>.lock`` (tracker/store/lock.py).  A forked
child stands for "the other copy of the program"; it is forked before it opens
anything, and leaves with ``os._exit`` so pytest's own clean-up never runs twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import signal
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

from tracker import cli
from tracker.model import Child
from tracker.store import Record, RecordError, RecordInUse
from tracker.store.lock import RecordLock, lock_path


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = cli.build_parser().parse_args(list(argv))
    code = cli.run(args, out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def made(tmp_path: Path) -> Path:
    path = tmp_path / "family.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        rec.save_child(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    return path


class Holder:
    """A forked child that has the record open for writing (the other copy of the program)."""

    def __init__(self, path: Path) -> None:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: open, say so, wait to be killed
            code = 0
            try:
                os.close(r)
                rec = Record.open(path, clock=fixed_clock)
                os.write(w, b"holding\n")
                time.sleep(60)
                rec.close()
            except BaseException:
                code = 3
            finally:
                os._exit(code)
        os.close(w)
        self.pid: int | None = pid
        try:
            assert os.read(r, 100) == b"holding\n", "the child could not open the record"
        finally:
            os.close(r)

    def kill(self) -> None:
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None


@contextmanager
def held_elsewhere(path: Path) -> Iterator[Holder]:
    holder = Holder(path)
    try:
        yield holder
    finally:
        holder.kill()


# ---------------------------------------------------------------------- in one process


def test_second_open_for_writing_is_refused_at_once(made: Path) -> None:
    first = Record.open(made, clock=fixed_clock)
    try:
        start = time.perf_counter()
        with pytest.raises(RecordInUse) as info:
            Record.open(made, clock=fixed_clock)
        took = time.perf_counter() - start
        assert took < 0.5, f"refused after {took:.3f} s"
        message = str(info.value)
        assert "is open in another copy of the program" in message
        assert str(made) in message
        assert first.children()[0].name == "Mila"  # the first copy is unharmed
    finally:
        first.close()
    with Record.open(made, clock=fixed_clock) as again:  # the control: free once closed
        assert again.children()[0].name == "Mila"


def test_reading_is_allowed_while_another_copy_writes(made: Path) -> None:
    with Record.open(made, clock=fixed_clock) as writer:
        writer.save_child(Child(name="Noor", birth_date=dt.date(2025, 3, 1)))
        with Record.open(made, read_only=True, clock=fixed_clock) as reader:
            assert [c.name for c in reader.children()] == ["Mila", "Noor"]


def test_lock_file_is_private_and_gone_after_close(made: Path) -> None:
    lock = lock_path(made)
    assert lock.name == "family.sqlite.lock"
    rec = Record.open(made, clock=fixed_clock)
    try:
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    finally:
        rec.close()
    assert not lock.exists()
    rec.close()  # closing twice is harmless


def test_other_records_do_not_share_a_lock(made: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with Record.open(made, clock=fixed_clock), Record.open(other, create=True, clock=fixed_clock):
        pass


def test_a_stale_lock_file_does_not_lock_anyone_out(made: Path) -> None:
    lock = lock_path(made)
    lock.write_text("12345\n")  # left by a program that crashed: nobody holds it
    with Record.open(made, clock=fixed_clock) as rec:
        assert rec.children()
    assert not lock.exists()


def test_a_lock_file_that_is_a_link_is_refused(made: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("")
    lock_path(made).symlink_to(target)
    with pytest.raises(RecordError, match="link"):
        Record.open(made, clock=fixed_clock)
    assert target.read_text() == ""


def test_create_takes_the_lock_too(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with Record.open(path, create=True, clock=fixed_clock):
        with pytest.raises(RecordInUse):
            Record.open(path, clock=fixed_clock)
        with pytest.raises(RecordInUse):
            RecordLock.acquire(path)


def test_a_damaged_record_leaves_no_lock_file(made: Path) -> None:
    """The lock is taken before SQLite's check finds the damage, and let go after."""
    data = bytearray(made.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[4 * page : 5 * page] = bytes(page)  # page 5 (a table's pages) zeroed
    made.write_bytes(bytes(data))
    with pytest.raises(RecordError, match="damaged"):
        Record.open(made, clock=fixed_clock)
    assert sorted(p.name for p in made.parent.iterdir()) == ["family.sqlite"]


# ---------------------------------------------------------------------- two processes


def test_another_process_is_refused_and_a_kill_frees_the_lock_at_once(made: Path) -> None:
    with held_elsewhere(made) as holder:
        start = time.perf_counter()
        with pytest.raises(RecordInUse):  # the control: while the child lives, it holds the lock
            Record.open(made, clock=fixed_clock)
        assert time.perf_counter() - start < 0.5
        holder.kill()
    assert lock_path(made).exists(), "a killed program cannot clean up its lock file"
    start = time.perf_counter()
    with Record.open(made, clock=fixed_clock) as rec:  # stale file, free lock
        took = time.perf_counter() - start
        assert rec.children()[0].name == "Mila"
        assert rec.problems() == []
    assert took < 0.5, f"the lock was free only after {took:.3f} s"


def test_cli_writes_to_a_record_open_elsewhere_exit_1_unchanged(made: Path, tmp_path: Path) -> None:
    csv = tmp_path / "counts.csv"
    csv.write_text("date,test,value,unit\n2026-06-01,PLT,45,10^9/L\n", encoding="utf-8")
    code, _, _ = run("backup", "--db", str(made), str(tmp_path / "b1.sqlite"))
    assert code == 0
    empty = tmp_path / "empty.sqlite"
    Record.open(empty, create=True, clock=fixed_clock).close()
    export = tmp_path / "export.json"
    assert run("export", "--db", str(made), "--format", "json", str(export))[0] == 0
    for path in (made, empty):
        with held_elsewhere(path):
            check_refused(path, csv, export, tmp_path)


def check_refused(path: Path, csv: Path, export: Path, tmp_path: Path) -> None:
    """Every command that writes exits 1 with the plain message; the file is unchanged."""
    before = digest(path)
    attempts = [
        ("import-counts", "--db", str(path), str(csv)),
        ("restore", "--db", str(path), str(tmp_path / "b1.sqlite")),
        ("import-json", "--db", str(path), str(export)),
    ]
    for argv in attempts:
        code, _, err = run(*argv)
        assert code == 1, argv
        assert "is open in another copy of the program" in err, (argv, err)
        assert err.count("\n") == 1, err
        assert digest(path) == before, argv
    # a backup needs no lock: it works while the other copy has the record open
    code, out, err = run("backup", "--db", str(path), str(tmp_path / f"b2-{path.stem}.sqlite"))
    assert code == 0, err
    assert "checked whole" in out
