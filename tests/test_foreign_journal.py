"""A journal or WAL beside a record is played into it only once it is proven the record's own
(issue 9, item 1; tracker/store/journal.py).

The journals here are real: another program's, copied while its save was open, and the
record's own, left by a program killed (SIGKILL) in the middle of a save.  Each case checks
the control first (SQLite on its own would play the file into the record), then that the
program leaves the record's bytes as they were (or rolls its own save back correctly), keeps
the journal aside under another name, and says so in one plain sentence.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import random
import shutil
import signal
import sqlite3
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tracker import cli
from tracker.model import Child, CountResult, CountValue
from tracker.store import Record, RecordError, durable
from tracker.store import journal as journals
from tracker.store.backup import daily_backup_if_due
from tracker.store.backup_file import backup_problems

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
BIRTH = dt.date(2026, 1, 10)


def clock() -> dt.datetime:
    return NOW


def wbc(k: int) -> tuple[CountValue, ...]:
    value = 1 + k % 90 / 10
    return (CountValue("wbc", f"{value:g}", "10^9/L", value, value, "10^9/L"),)


def make_record(path: Path, name: str = "Mila", counts: int = 20) -> None:
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save(Child(name=name, birth_date=BIRTH))
        assert child.id is not None
        for k in range(counts):
            day = BIRTH + dt.timedelta(days=1 + k)
            rec.save(CountResult(child.id, day, note=f"count {k}", values=wbc(k)))


def contents(path: Path) -> list[tuple[str, ...]]:
    with Record.open(path, read_only=True, clock=clock) as rec:
        return [
            (c.name, *(r.note for r in rec.counts(c.id)))
            for c in rec.children()
            if c.id is not None
        ]


def other_programs_journal(folder: Path, page_size: int = 4096) -> bytes:
    """The journal of another program's database, copied while its save is under way."""
    other = folder / "other-program.db"
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute(f"PRAGMA page_size = {page_size}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE notes (body BLOB)")
    rnd = random.Random(9)
    conn.execute("BEGIN")
    for _ in range(400):
        conn.execute("INSERT INTO notes VALUES (?)", (rnd.randbytes(500),))
    conn.execute("COMMIT")
    conn.execute("PRAGMA cache_size = 2")  # the save spills: pages reach the file mid-save
    conn.execute("BEGIN")
    conn.execute("UPDATE notes SET body = zeroblob(700)")
    data = journals.companion(other, "-journal").read_bytes()
    conn.execute("ROLLBACK")
    conn.close()
    assert data[:8] == journals.JOURNAL_MAGIC
    return data


def other_programs_wal(folder: Path) -> bytes:
    other = folder / "other-wal.db"
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE elsewhere (x)")
    for k in range(50):
        conn.execute("INSERT INTO elsewhere VALUES (?)", (k,))
    data = journals.companion(other, "-wal").read_bytes()
    conn.close()
    assert len(data) > 0
    return data


def _big_save_then_wait(path: Path, w: int) -> None:
    rec = Record.open(path, clock=clock)
    rec.connection.execute("PRAGMA cache_size = 5")
    with rec.batch("save many counts"):
        for k in range(300):
            day = BIRTH + dt.timedelta(days=1 + k % 250)
            rec.save(CountResult(1, day, note=f"big {k}", values=wbc(k)))
        os.write(w, b"ready\n")
        time.sleep(60)


def leave_a_save_cut_short(path: Path) -> bytes:
    """SIGKILL the program in the middle of a big save: the record's own hot journal."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(r)
            _big_save_then_wait(path, w)
        except BaseException as exc:
            os.write(w, f"error {exc}\n".encode())
            code = 3
        finally:
            os._exit(code)
    os.close(w)
    said = b""
    while b"\n" not in said and (chunk := os.read(r, 1024)):
        said += chunk
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(r)
    assert said == b"ready\n", said
    journal = journals.companion(path, "-journal")
    assert journal.stat().st_size > 0, "the control: the kill left a save half written"
    return journal.read_bytes()


def sqlite_alone_changes(path: Path, suffix: str, data: bytes, folder: Path) -> bool:
    """The control: on a copy, plain SQLite plays the file in (the record's bytes change)."""
    folder.mkdir()
    copy = folder / path.name
    shutil.copyfile(path, copy)
    journals.companion(copy, suffix).write_bytes(data)
    conn = sqlite3.connect(copy)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        pass
    finally:
        conn.close()
    return copy.read_bytes() != path.read_bytes()


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "family.sqlite"
    make_record(path)
    return path


# ---------------------------------------------------------------------- opening for writing


def test_another_programs_journal_is_set_aside_not_played_in(tmp_path: Path, record: Path) -> None:
    data = other_programs_journal(tmp_path)
    journal = journals.companion(record, "-journal")
    journal.write_bytes(data)
    assert journals.is_hot(record), "the control: SQLite would roll it back"
    assert sqlite_alone_changes(record, "-journal", data, tmp_path / "control")
    before = record.read_bytes()
    with Record.open(record, clock=clock) as rec:
        assert len(rec.notices) == 1
        notice = rec.notices[0]
        assert "family.sqlite-journal" in notice and "set aside" in notice
        assert "another program" in notice and "\n" not in notice
        assert rec.problems() == []
        assert [c.name for c in rec.children()] == ["Mila"]
    assert record.read_bytes() == before
    assert not journal.exists()
    assert journals.companion(record, "-journal.foreign").read_bytes() == data


def test_a_second_foreign_journal_gets_a_name_of_its_own(tmp_path: Path, record: Path) -> None:
    data = other_programs_journal(tmp_path)
    journal = journals.companion(record, "-journal")
    for _ in range(2):
        journal.write_bytes(data)
        Record.open(record, clock=clock).close()
    assert journals.companion(record, "-journal.foreign").read_bytes() == data
    assert journals.companion(record, "-journal.foreign-2").read_bytes() == data


def test_the_records_own_stale_journal_beside_another_copy_is_set_aside(
    tmp_path: Path, record: Path
) -> None:
    usb = tmp_path / "usb-copy.sqlite"
    shutil.copyfile(record, usb)  # a copy kept on a USB stick
    with Record.open(record, clock=clock) as rec:
        noa, _ = rec.save(Child(name="Noa", birth_date=BIRTH))
        assert noa.id is not None
        for k in range(30):
            rec.save(CountResult(noa.id, BIRTH + dt.timedelta(days=k + 1), values=wbc(k)))
    data = leave_a_save_cut_short(record)
    shutil.copyfile(usb, record)  # the copy from the stick put in place; the journal stays
    assert journals.is_hot(record)
    assert sqlite_alone_changes(record, "-journal", data, tmp_path / "control")
    before = record.read_bytes()
    with Record.open(record, clock=clock) as rec:
        assert len(rec.notices) == 1 and "set aside" in rec.notices[0]
        assert rec.problems() == []
        assert [c.name for c in rec.children()] == ["Mila"]
    assert record.read_bytes() == before
    assert journals.companion(record, "-journal.foreign").read_bytes() == data
    assert not journals.companion(record, "-journal").exists()


def test_the_records_own_journal_after_a_crash_is_still_rolled_back(record: Path) -> None:
    before = contents(record)
    leave_a_save_cut_short(record)
    journal = journals.companion(record, "-journal")
    assert journals.journal_problem(record, journal) is None
    with Record.open(record, clock=clock) as rec:
        assert rec.notices == ()
        assert rec.problems() == []
    assert not journal.exists()
    assert not journals.companion(record, "-journal.foreign").exists()
    assert contents(record) == before


def test_a_journal_for_pages_of_another_size_is_named_as_such(tmp_path: Path, record: Path) -> None:
    journal = journals.companion(record, "-journal")
    journal.write_bytes(other_programs_journal(tmp_path, page_size=1024))
    reason = journals.journal_problem(record, journal)
    assert reason is not None and "pages of 1024 bytes, not 4096" in reason


def test_a_journal_naming_a_super_journal_is_not_ours(tmp_path: Path, record: Path) -> None:
    """SQLite deletes such a journal unplayed when the super-journal is gone: set aside."""
    journal = journals.companion(record, "-journal")
    data = other_programs_journal(tmp_path)
    name = b"/elsewhere/other-mj01"
    tail = (262145).to_bytes(4, "big") + name + len(name).to_bytes(4, "big")
    journal.write_bytes(data + tail + sum(name).to_bytes(4, "big") + journals.JOURNAL_MAGIC)
    reason = journals.journal_problem(record, journal)
    assert reason is not None
    assert "several files" in reason or "another program" in reason


@pytest.mark.parametrize("kind", ["empty", "zeroed header"])
def test_an_empty_or_not_hot_journal_is_harmless(record: Path, kind: str) -> None:
    journal = journals.companion(record, "-journal")
    journal.write_bytes(b"" if kind == "empty" else bytes(4096))
    before = record.read_bytes()
    assert not journals.is_hot(record)
    assert run_cli("check", "--db", str(record))[0] == 0
    with Record.open(record, clock=clock) as rec:
        assert rec.notices == ()
        assert rec.problems() == []
    assert record.read_bytes() == before


def test_a_foreign_wal_is_set_aside_not_applied(tmp_path: Path, record: Path) -> None:
    data = other_programs_wal(tmp_path)
    wal = journals.companion(record, "-wal")
    wal.write_bytes(data)
    assert sqlite_alone_changes(record, "-wal", data, tmp_path / "control")
    before = record.read_bytes()
    code, _, err = run_cli("check", "--db", str(record))
    assert code == 1 and "family.sqlite-wal" in err and "not part of it" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert wal.read_bytes() == data
    with Record.open(record, clock=clock) as rec:
        assert len(rec.notices) == 1 and "WAL" in rec.notices[0]
        assert [c.name for c in rec.children()] == ["Mila"]
    assert record.read_bytes() == before
    assert journals.companion(record, "-wal.foreign").read_bytes() == data
    assert not wal.exists()


# ---------------------------------------------------------------------- read-only uses


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("export", "--format", "json", "{out}"),
        ("export", "--format", "csv", "{out}"),
        ("backup", "{out}"),
    ],
    ids=["check", "export-json", "export-csv", "backup"],
)
def test_read_only_uses_refuse_a_foreign_journal_and_advise_nothing_harmful(
    tmp_path: Path, record: Path, command: tuple[str, ...]
) -> None:
    data = other_programs_journal(tmp_path)
    journal = journals.companion(record, "-journal")
    journal.write_bytes(data)
    before = record.read_bytes()
    out = tmp_path / "out.file"
    argv = [command[0], "--db", str(record), *(a.format(out=out) for a in command[1:])]
    code, stdout, err = run_cli(*argv)
    assert code == 1, (stdout, err)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "not part of it" in err and "nothing is deleted" in err
    assert "once" not in err
    assert record.read_bytes() == before
    assert journal.read_bytes() == data  # a read-only use moves nothing
    assert not out.exists()


def test_read_only_open_refuses_a_foreign_journal(tmp_path: Path, record: Path) -> None:
    journal = journals.companion(record, "-journal")
    journal.write_bytes(other_programs_journal(tmp_path))
    with pytest.raises(RecordError, match="not part of it"):
        Record.open(record, read_only=True, clock=clock)
    assert journal.exists()


def test_checking_a_backup_reads_the_file_alone(tmp_path: Path, record: Path) -> None:
    """``inspect`` opens backups immutable: a journal beside one is neither read nor moved."""
    data = other_programs_journal(tmp_path)
    journal = journals.companion(record, "-journal")
    journal.write_bytes(data)
    before = record.read_bytes()
    assert backup_problems(record, need_manifest=False) == []
    assert record.read_bytes() == before and journal.read_bytes() == data


def test_a_command_that_writes_says_what_it_set_aside(tmp_path: Path, record: Path) -> None:
    csv = Path(__file__).resolve().parent / "data" / "csv" / "us_portal_long.csv"
    data = other_programs_journal(tmp_path)
    journals.companion(record, "-journal").write_bytes(data)
    code, _, err = run_cli("import-counts", "--db", str(record), str(csv))
    assert code == 0, err
    assert "set aside as family.sqlite-journal.foreign" in err
    assert journals.companion(record, "-journal.foreign").read_bytes() == data


def test_a_wal_of_a_record_another_tool_put_in_wal_mode_is_its_own(
    tmp_path: Path, record: Path
) -> None:
    """Beside a file in WAL mode the WAL may hold saves: checked on a private copy, kept."""
    live = Record.open(record, clock=clock)
    live.connection.execute("PRAGMA journal_mode = WAL")
    live.connection.execute("PRAGMA wal_autocheckpoint = 0")
    live.save(Child(name="Noa", birth_date=BIRTH))
    copy = tmp_path / "copy" / "family.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(record, copy)
    shutil.copyfile(journals.companion(record, "-wal"), journals.companion(copy, "-wal"))
    live.close()
    assert journals.strays(copy) == []
    with Record.open(copy, clock=clock) as rec:
        assert rec.notices == ()
        assert [c.name for c in rec.children()] == ["Mila", "Noa"]


def test_a_kill_while_a_record_was_made_leaves_only_our_temp_names_to_clear(
    tmp_path: Path,
) -> None:
    path = tmp_path / "family.sqlite"
    left = [
        tmp_path / ".family.sqlite.x1y2z3w4.tmp",
        tmp_path / ".family.sqlite.x1y2z3w4.tmp-journal",
    ]
    other = [tmp_path / ".other.sqlite.x1y2.tmp", tmp_path / "family.sqlite.tmp"]
    for p in [*left, *other]:
        p.write_bytes(b"x")
    Record.open(path, create=True, clock=clock).close()
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in other)


# ---------------------------------------------------------------------- the record's own journal


def test_the_own_journal_is_rolled_back_although_one_entry_already_has_a_wrong_seal(
    record: Path,
) -> None:
    # one entry changed outside the program (a bit flip, a hand edit): the program tolerates
    # it (``check`` names it), so the next save cut short must still be undone, not set aside
    conn = sqlite3.connect(record, isolation_level=None)
    conn.execute("UPDATE count_result SET note = 'edited' WHERE id = 3")
    conn.close()
    before = contents(record)
    leave_a_save_cut_short(record)
    assert journals.strays(record) == []
    with Record.open(record, clock=clock) as rec:
        assert rec.notices == ()
        assert rec.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert contents(record) == before
    assert not journals.companion(record, "-journal.foreign").exists()


def _left_beside(record: Path) -> list[str]:
    """What lies beside the record (but the lock, there while it is open, and backups)."""
    return sorted(
        p.name for p in record.parent.iterdir() if p.name not in ("backups", record.name + ".lock")
    )


def test_a_full_disk_while_checking_refuses_to_open_and_moves_nothing(
    record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = contents(record)
    data = leave_a_save_cut_short(record)
    beside = _left_beside(record)

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journals.shutil, "copyfile", full)
    with pytest.raises(RecordError) as err:
        Record.open(record, clock=clock)
    message = str(err.value).casefold()
    assert "could not be checked" in message and "the disk is full" in message
    assert "nothing was changed" in message and "free some space" in message
    assert ". " not in message and "\n" not in message  # one plain sentence
    assert _left_beside(record) == beside  # nothing set aside, no copy left behind
    assert journals.companion(record, "-journal").read_bytes() == data
    monkeypatch.undo()  # space freed: the save is undone as after any crash
    with Record.open(record, clock=clock) as rec:
        assert rec.notices == ()
    assert contents(record) == before


def test_no_room_for_the_private_copy_refuses_to_open_and_moves_nothing(
    record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = leave_a_save_cut_short(record)
    beside = _left_beside(record)

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    monkeypatch.setattr(tempfile, "mkstemp", full)
    with pytest.raises(RecordError, match="could not be checked: the disk is full"):
        Record.open(record, clock=clock)
    assert _left_beside(record) == beside
    assert journals.companion(record, "-journal").read_bytes() == data


def test_a_journal_that_cannot_be_read_is_not_taken_for_another_programs(
    record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # root-owned 0600 after a killed ``sudo`` run: the tests may run as root, so the refusal
    # to read is made here
    data = leave_a_save_cut_short(record)
    beside = _left_beside(record)
    journal = journals.companion(record, "-journal")
    real_open = open

    def refused(file: object, *a: Any, **k: Any) -> Any:
        if Path(str(file)) == journal:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *a, **k)  # type: ignore[call-overload]

    monkeypatch.setattr(journals, "open", refused, raising=False)
    for read_only in (False, True):
        with pytest.raises(RecordError) as err:
            Record.open(record, clock=clock, read_only=read_only)
        message = str(err.value)
        assert "could not be checked" in message and "cannot be read" in message, message
        assert "nothing was changed" in message
        assert "not part of it" not in message
    assert _left_beside(record) == beside
    assert journal.read_bytes() == data


def test_the_private_copy_lies_beside_the_record_and_a_kill_leaves_it_to_the_cleanup(
    record: Path,
) -> None:
    leave_a_save_cut_short(record)
    beside = _left_beside(record)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # a check killed half-way, with the private copy made
        code = 0
        try:
            os.close(r)

            def stop(conn: sqlite3.Connection) -> str | None:
                name = conn.execute("PRAGMA database_list").fetchone()[2]
                os.write(w, f"{name}\n".encode())
                time.sleep(60)
                return None

            journals.problems_after_recovery = stop  # type: ignore[assignment]
            journals.strays(record)
        except BaseException as exc:
            os.write(w, f"error {exc}\n".encode())
            code = 3
        finally:
            os._exit(code)
    os.close(w)
    said = b""
    while b"\n" not in said and (chunk := os.read(r, 1024)):
        said += chunk
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(r)
    copy = Path(said.decode().strip())
    assert copy.parent == record.parent, said
    assert durable.TEMP_NAME.match(copy.name), copy.name
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert set(_left_beside(record)) - set(beside) == {copy.name}
    with Record.open(record, clock=clock) as rec:  # the next start: open, then its cleanup
        assert rec.notices == ()
        daily_backup_if_due(rec, clock)
    assert _left_beside(record) == sorted(set(beside) - {record.name + "-journal"})


def test_journals_set_aside_go_with_the_record_when_it_is_moved_aside_as_damaged(
    tmp_path: Path, record: Path
) -> None:
    from tracker.store.integrity import quarantine

    data = other_programs_journal(tmp_path)
    journal = journals.companion(record, "-journal")
    for _ in range(2):
        journal.write_bytes(data)
        Record.open(record, clock=clock).close()
    journals.companion(record, "-wal.foreign").write_bytes(b"a WAL set aside")
    other = tmp_path / "other.sqlite-journal.foreign"  # another record's: stays where it is
    other.write_bytes(b"another record's")
    moved = quarantine(record)
    assert moved.name == "family.sqlite.damaged"
    left = _left_beside(record)
    assert not [n for n in left if n.startswith("family.sqlite-")], left
    assert journals.companion(moved, "-journal.foreign").read_bytes() == data
    assert journals.companion(moved, "-journal.foreign-2").read_bytes() == data
    assert journals.companion(moved, "-wal.foreign").read_bytes() == b"a WAL set aside"
    assert other.read_bytes() == b"another record's"
    # a second damaged copy with the same set-aside names: nothing is written over
    make_record(record)
    journal.write_bytes(data)
    Record.open(record, clock=clock).close()
    again = quarantine(record)
    assert again.name == "family.sqlite.damaged-2"
    assert journals.companion(again, "-journal.foreign").read_bytes() == data
    assert journals.companion(moved, "-journal.foreign-2").read_bytes() == data
