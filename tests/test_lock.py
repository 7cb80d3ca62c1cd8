"""One writer: the second copy of the program is refused at once, and a crash frees the lock.

The lock is ``flock`` on ``<record>.lock`` plus a lock on the record file itself
(tracker/store/lock.py), so a deleted lock file, a hard link or a symlinked folder
gets no second writer.  A forked child stands for "the other copy of the
program"; it is forked before it opens anything, and leaves with ``os._exit`` so
pytest's own clean-up never runs twice.  Lock files nobody may open and folders
that cannot be written are tried by a child running as an unprivileged user
(tests/unprivileged.py): as root, permissions do not bite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import signal
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from unprivileged import give_away, require_root, run_unprivileged, unprivileged_folder

from tracker import cli
from tracker.model import Child
from tracker.store import CannotSave, Record, RecordError, RecordInUse, lock
from tracker.store.errors import translated
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
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
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
        writer.save(Child(name="Noor", birth_date=dt.date(2025, 3, 1)))
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


# ---------------------------------------------------------------------- the record's identity


def test_a_deleted_lock_file_lets_no_second_writer_in(made: Path, tmp_path: Path) -> None:
    """The lock file is deleted while the first copy holds it: the record itself is locked."""
    backup = tmp_path / "b1.sqlite"
    assert run("backup", "--db", str(made), str(backup))[0] == 0
    csv = tmp_path / "counts.csv"
    csv.write_text("date,test,value,unit\n2026-06-01,PLT,45,10^9/L\n", encoding="utf-8")
    export = tmp_path / "export.json"
    assert run("export", "--db", str(made), "--format", "json", str(export))[0] == 0
    with held_elsewhere(made):
        lock_path(made).unlink()
        before = digest(made)
        with pytest.raises(RecordInUse, match="is open in another copy of the program"):
            Record.open(made, clock=fixed_clock)
        for argv in (
            ("restore", "--db", str(made), str(backup)),
            ("import-counts", "--db", str(made), str(csv)),
            ("import-json", "--db", str(made), str(export)),
        ):
            code, _, err = run(*argv)
            assert code == 1, (argv, err)
            assert "is open in another copy of the program" in err, (argv, err)
        assert digest(made) == before
        assert not list(tmp_path.glob("family.sqlite.*.tmp"))
    with Record.open(made, clock=fixed_clock) as rec:  # the control: free once the holder ends
        assert rec.children()[0].name == "Mila"


def test_a_hard_link_to_the_record_gets_no_second_writer(made: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias.sqlite"
    os.link(made, alias)
    with held_elsewhere(made), pytest.raises(RecordInUse):
        Record.open(alias, clock=fixed_clock)
    with held_elsewhere(alias), pytest.raises(RecordInUse):
        Record.open(made, clock=fixed_clock)
    with Record.open(alias, clock=fixed_clock) as rec:  # the control: nobody holds it now
        assert rec.children()[0].name == "Mila"


def test_a_symlink_to_the_record_gets_no_second_writer(made: Path, tmp_path: Path) -> None:
    folder_link = tmp_path.parent / f"{tmp_path.name}-link"
    folder_link.symlink_to(tmp_path, target_is_directory=True)
    file_link = tmp_path / "link.sqlite"
    file_link.symlink_to(made)
    try:
        with held_elsewhere(made):
            with pytest.raises(RecordInUse):
                Record.open(folder_link / made.name, clock=fixed_clock)
            with pytest.raises(RecordError, match="link"):  # refused before any lock
                Record.open(file_link, clock=fixed_clock)
            lock_path(made).unlink()
            with pytest.raises(RecordInUse):
                Record.open(folder_link / made.name, clock=fixed_clock)
    finally:
        folder_link.unlink()


def test_a_hard_link_made_while_open_is_locked_in_one_process_too(made: Path) -> None:
    alias = made.with_name("alias.sqlite")
    with Record.open(made, clock=fixed_clock):
        os.link(made, alias)
        with pytest.raises(RecordInUse):
            Record.open(alias, clock=fixed_clock)
        with pytest.raises(RecordInUse):
            RecordLock.acquire(alias)
        # SQLite closing its own file (a reader in this process) does not drop our lock
        Record.open(alias, read_only=True, clock=fixed_clock).close()
        with pytest.raises(RecordInUse):
            Record.open(alias, clock=fixed_clock)
    assert sorted(p.name for p in made.parent.iterdir()) == ["alias.sqlite", "family.sqlite"]


def test_create_locks_the_new_record_itself(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with Record.open(path, create=True, clock=fixed_clock):
        lock_path(path).unlink()
        with pytest.raises(RecordInUse):
            Record.open(path, clock=fixed_clock)


@pytest.fixture(params=["ofd", "flock"])
def mechanism(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way of locking the record itself (Linux: OFD byte lock; elsewhere: flock)."""
    if request.param == "ofd" and not lock.OFD_LOCKS:
        pytest.skip("this system has no open-file-description locks")
    monkeypatch.setattr(lock, "_MECHANISM", request.param)
    return str(request.param)


class SqliteWriter:
    """A forked child that writes through plain SQLite (its own fcntl locks) on request."""

    def __init__(self, path: Path, hold_exclusive: bool) -> None:
        self.r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(self.r)
                conn = sqlite3.connect(path, isolation_level=None, timeout=0)
                conn.execute("CREATE TABLE IF NOT EXISTS probe (x)")
                if hold_exclusive:
                    conn.execute("BEGIN EXCLUSIVE")  # SQLite's own lock on the file, held
                    conn.execute("INSERT INTO probe VALUES ('held')")
                    os.write(w, b"exclusive\n")
                    time.sleep(60)
                else:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("INSERT INTO probe VALUES ('written')")
                    conn.execute("COMMIT")
                    os.write(w, b"written\n")
            except BaseException as exc:
                os.write(w, f"failed: {exc}\n".encode())
                code = 3
            finally:
                os._exit(code)
        os.close(w)
        self.pid = pid
        self.said = os.read(self.r, 200).decode()

    def end(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.r)


def test_the_record_lock_and_sqlites_own_locks_do_not_interfere(made: Path, mechanism: str) -> None:
    """The lock on the record file must not block SQLite's locks on it, nor they it."""
    with RecordLock.acquire(made):
        writer = SqliteWriter(made, hold_exclusive=False)
        writer.end()
        assert writer.said == "written\n", f"{mechanism}: {writer.said}"
        lock_path(made).unlink()  # the control: the record lock alone still refuses a second
        with pytest.raises(RecordInUse):
            RecordLock.acquire(made)
    writer = SqliteWriter(made, hold_exclusive=True)
    try:
        assert writer.said == "exclusive\n", writer.said
        with RecordLock.acquire(made):  # SQLite's exclusive lock is not ours
            pass
    finally:
        writer.end()


# ---------------------------------------------------------------------- replaced under us


def test_sqlites_moved_code_is_said_plainly_not_read_only(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    os.replace(shutil.copy(path, tmp_path / "other.sqlite"), path)
    try:
        with pytest.raises(CannotSave) as info, translated(path, "save the note"):
            conn.execute("INSERT INTO t VALUES (1)")
    finally:
        conn.close()
    assert isinstance(info.value.__cause__, sqlite3.Error)
    assert info.value.__cause__.sqlite_errorcode == 1032  # SQLITE_READONLY_DBMOVED
    message = str(info.value)
    assert "read-only" not in message
    assert "moved or replaced by another program while it was open" in message
    assert "was not saved" in message and "open it again" in message
    assert str(path) in message


def replace_under(path: Path) -> None:
    """What another program does: a copy of the file put in its place by a rename."""
    os.replace(shutil.copy(path, path.with_name("elsewhere.sqlite")), path)


def test_a_record_replaced_under_the_running_copy_says_so_at_the_next_save(made: Path) -> None:
    rec = Record.open(made, clock=fixed_clock)
    try:
        rec.save(Child(name="Noor", birth_date=dt.date(2025, 3, 1)))  # acknowledged
        replace_under(made)
        for _ in range(2):
            with pytest.raises(CannotSave) as info:
                rec.save(Child(name="Ada", birth_date=dt.date(2025, 4, 1)))
            message = str(info.value)
            assert "moved or replaced by another program while it was open" in message
            assert "was not saved" in message and "read-only" not in message
    finally:
        rec.close()
    with Record.open(made, read_only=True, clock=fixed_clock) as now:
        assert [c.name for c in now.children()] == ["Mila", "Noor"]  # Ada never acknowledged


def test_a_save_that_went_into_the_replaced_file_is_not_acknowledged(made: Path) -> None:
    """Replaced between SQLite's own check and the commit: the save landed in the old file."""
    rec = Record.open(made, clock=fixed_clock)
    try:
        with pytest.raises(CannotSave) as info, rec.batch("save the child's details"):
            rec.save(Child(name="Ada", birth_date=dt.date(2025, 4, 1)))
            replace_under(made)
        message = str(info.value)
        assert "moved or replaced by another program" in message
        assert "not in the file now at" in message and str(made) in message
    finally:
        rec.close()


def test_a_record_moved_away_under_the_running_copy_says_so(made: Path) -> None:
    rec = Record.open(made, clock=fixed_clock)
    try:
        made.rename(made.with_name("moved.sqlite"))
        with pytest.raises(CannotSave, match="moved or replaced"):
            rec.save(Child(name="Ada", birth_date=dt.date(2025, 4, 1)))
    finally:
        rec.close()


# ---------------------------------------------------------------------- permissions (unprivileged)


def make_record_at(path: Path) -> None:
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))


def _lock_file_of_mode_000(folder: Path) -> None:
    path = folder / "family.sqlite"
    make_record_at(path)
    backup = folder / "b1.sqlite"
    assert run("backup", "--db", str(path), str(backup))[0] == 0
    lock = lock_path(path)
    lock.touch()
    lock.chmod(0)
    before = digest(path)
    with pytest.raises(CannotSave) as info:
        Record.open(path, clock=fixed_clock)
    message = str(info.value)
    assert str(lock) in message, message
    assert "cannot be opened" in message and "remove that file" in message, message
    assert "not opened for changes" in message, message
    assert digest(path) == before
    code, _, err = run("restore", "--db", str(path), str(backup))  # every writer: refused
    assert code == 1 and f"{lock} cannot be opened" in err, err
    assert digest(path) == before
    with Record.open(path, read_only=True, clock=fixed_clock) as rec:  # reading still works
        assert rec.children()[0].name == "Mila"
    lock.unlink()  # what the message says to do
    with Record.open(path, clock=fixed_clock) as rec:
        rec.save(Child(name="Noor", birth_date=dt.date(2025, 3, 1)))


def test_a_lock_file_nobody_may_open_refuses_changes() -> None:
    with unprivileged_folder() as folder:
        run_unprivileged(_lock_file_of_mode_000, folder)


def _lock_file_of_root(path: Path, backup: Path, csv: Path) -> None:
    lock = lock_path(path)
    before = digest(path)
    with pytest.raises(CannotSave) as info:
        Record.open(path, clock=fixed_clock)
    message = str(info.value)
    assert f"{lock} belongs to another user (root)" in message, message
    assert "sudo" in message and "remove that file" in message, message
    assert "not opened for changes" in message, message
    for argv in (
        ("restore", "--db", str(path), str(backup)),
        ("import-counts", "--db", str(path), str(csv)),
    ):
        code, _, err = run(*argv)
        assert code == 1, (argv, err)
        assert "belongs to another user (root)" in err, (argv, err)
    assert digest(path) == before
    lock.unlink()  # the folder is the family's: they may remove it
    with Record.open(path, clock=fixed_clock) as rec:
        rec.save(Child(name="Noor", birth_date=dt.date(2025, 3, 1)))


def test_a_lock_file_left_by_root_refuses_changes_and_says_why() -> None:
    """``sudo treatment-tracker`` was killed: its lock file belongs to root."""
    require_root("to leave a lock file that belongs to another user")
    with unprivileged_folder() as folder:
        path = folder / "family.sqlite"
        make_record_at(path)
        backup = folder / "b1.sqlite"
        assert run("backup", "--db", str(path), str(backup))[0] == 0
        csv = folder / "counts.csv"
        csv.write_text("date,test,value,unit\n2026-06-01,PLT,45,10^9/L\n", encoding="utf-8")
        give_away(folder)
        lock_path(path).write_text("4242\n")  # root's, 0644 by default: not writable for others
        lock_path(path).chmod(0o600)
        run_unprivileged(_lock_file_of_root, path, backup, csv)


def _folder_cannot_be_written(folder: Path) -> None:
    inner = folder / "records"
    inner.mkdir()
    path = inner / "family.sqlite"
    make_record_at(path)
    inner.chmod(0o500)
    before = digest(path)
    with Record.open(path, clock=fixed_clock) as rec:
        assert rec.read_only
        reason = rec.read_only_reason or ""
        assert str(inner) in reason and "opened for reading only" in reason, reason
        assert rec.children()[0].name == "Mila"
        with pytest.raises(CannotSave) as info:
            rec.save(Child(name="Noor", birth_date=dt.date(2025, 3, 1)))
        assert "opened for reading only" in str(info.value)
    assert digest(path) == before
    assert sorted(p.name for p in inner.iterdir()) == ["family.sqlite"]


def test_a_folder_that_cannot_be_written_opens_for_reading_only_and_says_so() -> None:
    with unprivileged_folder() as folder:
        run_unprivileged(_folder_cannot_be_written, folder)


def _record_file_read_only(folder: Path) -> None:
    path = folder / "family.sqlite"
    make_record_at(path)
    path.chmod(0o400)
    with Record.open(path, clock=fixed_clock) as rec:
        assert rec.read_only
        reason = rec.read_only_reason or ""
        assert str(path) in reason and "opened for reading only" in reason, reason
        with pytest.raises(CannotSave, match="opened for reading only"):
            rec.save(Child(name="Noor", birth_date=dt.date(2025, 3, 1)))
    assert not lock_path(path).exists()
    with RecordLock.acquire(path), pytest.raises(RecordInUse):  # a restore may still replace it
        Record.open(path, clock=fixed_clock)


def test_a_record_file_that_cannot_be_written_opens_for_reading_only() -> None:
    with unprivileged_folder() as folder:
        run_unprivileged(_record_file_read_only, folder)


def _child_is_unprivileged() -> tuple[int, bool]:
    probe = Path("/etc/shadow")
    try:
        probe.read_bytes()
        readable = True
    except PermissionError:
        readable = False
    return os.geteuid(), readable


def test_the_unprivileged_child_really_is_unprivileged() -> None:
    """The control for every test above: the child cannot do what root can."""
    uid, reads_shadow = run_unprivileged(_child_is_unprivileged)
    assert uid != 0
    if Path("/etc/shadow").exists():
        assert not reads_shadow


def _unreadable_record_is_not_restored_over(folder: Path) -> None:
    path = folder / "family.sqlite"
    make_record_at(path)
    backup = folder / "b1.sqlite"
    assert run("backup", "--db", str(path), str(backup))[0] == 0
    before = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    path.chmod(0)
    try:
        code, _, err = run("restore", "--db", str(path), str(backup))
        assert code == 1, err
        assert "you do not have permission to open it" in err, err
        assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == before
    finally:
        path.chmod(0o600)


def test_a_record_that_cannot_be_read_is_not_moved_aside_by_restore() -> None:
    """A permission problem is not damage: the lock cannot be taken, so nothing is moved."""
    with unprivileged_folder() as folder:
        run_unprivileged(_unreadable_record_is_not_restored_over, folder)


@pytest.mark.parametrize("linked_to", ["the record itself", "another record", "a document"])
def test_a_lock_file_that_is_another_name_for_a_file_is_refused_and_nothing_is_written(
    tmp_path: Path, linked_to: str
) -> None:
    """``ln family.sqlite family.sqlite.lock`` (or any other file): writing the process id into
    "the lock file" truncated that file; now nothing is written and the record is not opened."""
    path = tmp_path / "family.sqlite"
    make_record_at(path)
    if linked_to == "the record itself":
        target = path
    elif linked_to == "another record":
        target = tmp_path / "other.sqlite"
        make_record_at(target)
    else:
        target = tmp_path / "letter.txt"
        target.write_text("Dear team,\n")
    before = {p: p.read_bytes() for p in (path, target)}
    os.link(target, tmp_path / "family.sqlite.lock")
    csv = tmp_path / "labs.csv"
    csv.write_text("Date,Test,Result,Unit\n2026-02-01,Platelets,45,10^9/L\n")
    code, _out, err = run("import-counts", "--db", str(path), str(csv))
    assert code == 1
    assert "family.sqlite.lock" in err and "another name" in err, err
    with pytest.raises(CannotSave, match="another name"):
        Record.open(path, clock=fixed_clock)
    assert {p: p.read_bytes() for p in (path, target)} == before
    assert (tmp_path / "family.sqlite.lock").exists()  # not ours to remove
