"""Crash loop: kill -9 at random moments of real saves and of an update; nothing acknowledged is
lost, nothing is half there (reliability.md, recipes 1 and 6).

A forked child runs the real save path (``Record.save``: a blood count with three
values, or an edit of one of five counts) and writes "ack N T" to a pipe after each COMMIT
(T its monotonic time).  The parent waits for the first ack, then SIGKILLs the child after a
random delay drawn from 0 to 3 times the median time between acks measured so far, so every
kill lands among real saves whatever the machine's load (a generous timeout only guards
against a hang).  It then opens the record (which also proves the one-writer lock was freed
by the kill) and checks it.  The child is forked before it opens anything and leaves with
``os._exit``.

``TT_CRASH_KILLS=1000`` (default 300) and ``TT_MIGRATION_KILLS`` (default 40) run longer
loops; the figures are printed (``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import itertools
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tracker import cli
from tracker.model import Child, CountResult, CountValue
from tracker.store import SCHEMA_VERSION, NotARecord, Record, RecordError
from tracker.store.backup import list_backups
from tracker.store.backup_file import verify_backup
from tracker.store.files import check_record_file
from tracker.store.integrity import check_record
from tracker.store.schema import MIGRATIONS

DATA = Path(__file__).resolve().parent / "data"
KILLS = int(os.environ.get("TT_CRASH_KILLS", "300"))
MIGRATION_KILLS = int(os.environ.get("TT_MIGRATION_KILLS", "40"))
SEED = int(os.environ.get("TT_CRASH_SEED", "20261124"))
SLOTS = 5
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
BIRTH = dt.date(2026, 1, 10)


def clock() -> dt.datetime:
    return NOW


def load_make_fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dump_tables: Callable[[Path], dict[str, Any]] = load_make_fixtures().dump_tables


# ---------------------------------------------------------------------- what each save writes


def values_for(k: int) -> tuple[CountValue, ...]:
    """Three values that can only belong to save ``k``."""
    wbc, plt, anc = 1 + k % 97 / 10, 10 + k % 500, (k % 50) / 100
    return (
        CountValue("wbc", f"{wbc:g}", "10^9/L", wbc, wbc, "10^9/L"),
        CountValue("plt", f"{plt:g}", "10^9/L", plt, plt, "10^9/L"),
        CountValue("anc", f"{anc:g}", "10^9/L", anc, anc, "10^9/L"),
    )


def expected(k: int) -> dict[str, float]:
    return {v.analyte: v.value for v in values_for(k)}


def is_edit(k: int) -> bool:
    return k % 3 == 2


def save(rec: Record, slots: dict[int, CountResult], k: int) -> None:
    """Save number ``k``: a new blood count, or (every third) an edit of a slot count."""
    if is_edit(k):
        slot = k % SLOTS
        saved, _ = rec.save(replace(slots[slot], note=f"slot {slot} v {k}", values=values_for(k)))
        slots[slot] = saved
    else:
        day = BIRTH + dt.timedelta(days=1 + k % 300)
        rec.save(CountResult(1, day, note=f"save {k}", values=values_for(k)))


def make_record(path: Path) -> None:
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=BIRTH))
        assert child.id == 1
        for slot in range(SLOTS):
            rec.save(
                CountResult(
                    1, BIRTH + dt.timedelta(days=1), note=f"slot {slot} v -1", values=values_for(-1)
                )
            )


def child_saves(path: Path, start: int, w: int) -> None:
    """The forked child: the program saving, one acknowledgement per COMMIT."""
    rec = Record.open(path, clock=clock)
    slots = {int(c.note.split()[1]): c for c in rec.counts(1) if c.note.startswith("slot ")}
    os.write(w, b"ready\n")
    k = start
    while True:
        save(rec, slots, k)
        os.write(w, f"ack {k} {time.monotonic()!r}\n".encode())
        k += 1


def child_saves_without_a_transaction(path: Path, start: int, w: int) -> None:
    """The control: the same saves written one statement at a time (autocommit)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    os.write(w, b"ready\n")
    k = start
    while True:
        now = "2026-11-24T09:30:00Z"
        day = (BIRTH + dt.timedelta(days=1 + k % 300)).isoformat()
        cur = conn.execute(
            "INSERT INTO count_result (uid, created_at, updated_at, child_id, taken_date, note) "
            "VALUES (?, ?, ?, 1, ?, ?)",
            (str(uuid.uuid4()), now, now, day, f"save {k}"),
        )
        for v in values_for(k):
            conn.execute(
                "INSERT INTO count_value (uid, created_at, updated_at, result_id, analyte, "
                "value_text, unit, value, normalised_value, canonical_unit) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(uuid.uuid4()),
                    now,
                    now,
                    cur.lastrowid,
                    v.analyte,
                    v.value_text,
                    v.unit,
                    v.value,
                    v.normalised_value,
                    v.canonical_unit,
                ),
            )
        os.write(w, f"ack {k} {time.monotonic()!r}\n".encode())
        k += 1


HANG_GUARD = 300.0
"""Seconds a child may go without the message the parent waits for: only a guard against a
hang (a healthy child answers within milliseconds), never a measure of speed."""


class Watched:
    """A forked child running ``target``, and its messages as they arrive.

    The child writes "ready" (the record is open), "ack N T" after each COMMIT (T its
    monotonic time) and, for an update, "done"; an exception is written back as "error …".
    """

    def __init__(self, target: Callable[[Path, int, int], None], path: Path, start: int) -> None:
        r, w = os.pipe()
        self.forked_at = time.monotonic()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(r)
                target(path, start, w)
            except BaseException as exc:  # reported to the parent, which fails the test
                os.write(w, f"error {type(exc).__name__}: {exc}\n".encode())
                code = 3
            finally:
                os._exit(code)
        os.close(w)
        self.pid, self.fd = pid, r
        self.buffer = b""
        self.lines: list[str] = []
        self.received: dict[str, float] = {}  # when the parent first read "ready", "ack", "done"
        self.killed = False

    @property
    def acks(self) -> list[int]:
        return [int(line.split()[1]) for line in self.lines if line.startswith("ack ")]

    @property
    def ack_times(self) -> list[float]:
        return [float(line.split()[2]) for line in self.lines if line.startswith("ack ")]

    def said(self, word: str) -> bool:
        return any(line.split()[0] == word for line in self.lines)

    def _read(self, timeout: float) -> bool:
        """Read what the child wrote within ``timeout`` seconds; False at the end of the pipe."""
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return True
        chunk = os.read(self.fd, 65536)
        if not chunk:
            return False
        now = time.monotonic()
        *complete, self.buffer = (self.buffer + chunk).split(b"\n")
        for raw in complete:
            line = raw.decode()
            self.lines.append(line)
            self.received.setdefault(line.split()[0], now)
        return True

    def wait_for(self, word: str) -> float:
        """Read until the child says ``word``; when the parent read it."""
        guard = time.monotonic() + HANG_GUARD
        while word not in self.received:
            if not self._read(guard - time.monotonic()):
                self.kill()  # the child ended: its error says why
                pytest.fail(f"the child ended without saying {word!r}: {self.lines[-3:]}")
            if time.monotonic() > guard:
                self.kill()
                pytest.fail(f"no {word!r} from the child in {HANG_GUARD:.0f} s: a hang")
        return self.received[word]

    def wait_for_acks(self, n: int) -> None:
        guard = time.monotonic() + HANG_GUARD
        while len(self.acks) < n:
            if not self._read(guard - time.monotonic()) or time.monotonic() > guard:
                self.kill()
                pytest.fail(f"fewer than {n} acks from the child in {HANG_GUARD:.0f} s")

    def kill_at(self, moment: float) -> None:
        """SIGKILL the child at ``moment`` (the parent's monotonic time), reading until then."""
        while (left := moment - time.monotonic()) > 0 and self._read(left):
            pass
        self.kill()

    def kill(self) -> None:
        if not self.killed:
            self.killed = True
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            while self._read(HANG_GUARD):
                pass
            os.close(self.fd)
        errors = [line for line in self.lines if line.startswith("error")]
        assert not errors, errors


def median(values: list[float]) -> float:
    return statistics.median(values[-200:])


class SaveKiller:
    """Kills a saving child at a random moment after its first ack.

    The delay is drawn from 0 to 3 times the median time between acks measured so far (in
    the children, this run): under any load the kill lands among real saves, mostly one
    to three saves in, at any point of a save.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.intervals: list[float] = []
        self.openings: list[float] = []  # from the fork to "ready", as the parent saw it

    def note(self, child: Watched) -> None:
        times = child.ack_times
        self.intervals += [b - a for a, b in itertools.pairwise(times)]
        if "ready" in child.received:
            self.openings.append(child.received["ready"] - child.forked_at)

    def among_saves(
        self, target: Callable[[Path, int, int], None], path: Path, start: int
    ) -> Watched:
        child = Watched(target, path, start)
        first = child.wait_for("ack")
        intervals = self.intervals
        if not intervals:  # the very first child: measure one interval first
            child.wait_for_acks(2)
            intervals = [b - a for a, b in itertools.pairwise(child.ack_times)]
        child.kill_at(first + self.rng.uniform(0, 3 * median(intervals)))
        self.note(child)
        return child

    def while_opening(
        self, target: Callable[[Path, int, int], None], path: Path, start: int
    ) -> Watched:
        """From the fork, within twice the median time to open: while the record opens or
        just after."""
        child = Watched(target, path, start)
        window = 2 * median(self.openings) if self.openings else 0.0
        child.kill_at(child.forked_at + self.rng.uniform(0, window))
        self.note(child)
        return child


class Ledger:
    """What the children acknowledged, and what the record must therefore hold."""

    def __init__(self) -> None:
        self.new: set[int] = set()
        self.slot_version = dict.fromkeys(range(SLOTS), -1)
        self.next = 0
        self.acked = 0

    def note(self, acks: list[int]) -> None:
        self.acked += len(acks)
        for k in acks:
            if is_edit(k):
                self.slot_version[k % SLOTS] = max(self.slot_version[k % SLOTS], k)
            else:
                self.new.add(k)


def audit(path: Path, ledger: Ledger, *, full: bool) -> tuple[int, int]:
    """Lost acknowledged saves and half-saved counts found in the record.

    Opening through the program also proves the killed child's lock is free.  ``full`` adds
    SQLite's integrity_check, the links and every row's seal.
    """
    lost = half = 0
    with Record.open(path, clock=clock) as rec:
        if full:
            assert rec.problems() == []
        found: dict[int, tuple[str, dict[str, float]]] = {}
        rows = rec.connection.execute(
            "SELECT r.id, r.note, v.analyte, v.value FROM count_result r "
            "LEFT JOIN count_value v ON v.result_id = r.id"
        )
        for rid, note, analyte, number in rows:
            entry = found.setdefault(rid, (note, {}))
            if analyte is not None:
                entry[1][analyte] = number
    present: set[int] = set()
    slots: dict[int, int] = {}
    highest = ledger.next - 1
    for note, values in found.values():
        words = note.split()
        k = int(words[-1])
        highest = max(highest, k)
        if values != expected(k):
            half += 1
        if words[0] == "save":
            present.add(k)
        else:
            slots[int(words[1])] = k
    lost += len(ledger.new - present)
    lost += sum(slots.get(s, -2) < v for s, v in ledger.slot_version.items())
    ledger.next = highest + 1
    return lost, half


def audit_raw(path: Path, ledger: Ledger) -> tuple[int, int]:
    """The control's check: the same questions, asked of the raw tables."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT r.note, v.analyte, v.value FROM count_result r "
            "LEFT JOIN count_value v ON v.result_id = r.id"
        ).fetchall()
    finally:
        conn.close()
    found: dict[int, dict[str, float]] = {}
    for note, analyte, number in rows:
        k = int(note.split()[-1])
        if note.startswith("save"):
            entry = found.setdefault(k, {})
            if analyte is not None:
                entry[analyte] = number
    half = sum(1 for k, got in found.items() if got != expected(k))
    lost = len(ledger.new - set(found))
    ledger.next = max([ledger.next - 1, *found]) + 1
    return lost, half


# ---------------------------------------------------------------------- the crash loop


def test_crash_loop_loses_no_acknowledged_save_and_leaves_none_half_saved(tmp_path: Path) -> None:
    path = tmp_path / "family.sqlite"
    make_record(path)
    killer = SaveKiller(random.Random(SEED))
    ledger = Ledger()
    lost = half = among_saves = while_opening = mid_save = 0
    start = time.perf_counter()
    for kill in range(KILLS):
        # nine kills in ten land among the saves, after the first ack; every tenth from the
        # fork, while the record opens or just after
        if kill % 10 == 9:
            child = killer.while_opening(child_saves, path, ledger.next)
            while_opening += not child.said("ready")
        else:
            child = killer.among_saves(child_saves, path, ledger.next)
            assert child.acks, "a kill among the saves comes after the first ack"
            among_saves += 1
        ledger.note(child.acks)
        journal = path.with_name(path.name + "-journal")
        mid_save += journal.exists() and journal.stat().st_size > 0  # killed inside a save
        got_lost, got_half = audit(path, ledger, full=kill % 25 == 0 or kill == KILLS - 1)
        lost += got_lost
        half += got_half
    took = time.perf_counter() - start
    figures = {
        "kills": KILLS,
        "kills inside a save (a journal left)": mid_save,
        "acknowledged saves": ledger.acked,
        "kills after at least one save": among_saves,
        "kills before the record was open": while_opening,
        "median ms between acks": round(median(killer.intervals) * 1000, 2),
        "median ms to open": round(median(killer.openings) * 1000, 1),
        "lost": lost,
        "half-saved": half,
        "seconds": round(took, 1),
        "seed": SEED,
    }
    print(f"\ncrash loop: {json.dumps(figures)}")
    assert lost == 0 and half == 0, figures
    # the kills landed among real saves: each of them after at least one ack, by construction
    assert among_saves == KILLS - KILLS // 10, figures
    assert ledger.acked >= among_saves, figures
    # and some of them inside a save, half written: what the 0 lost / 0 half-saved is about
    assert mid_save > 0, figures
    assert check_record(path) == []


def test_control_writes_without_a_transaction_are_caught_half_saved(tmp_path: Path) -> None:
    """The same loop and check find half-saved counts when saves are not one transaction."""
    path = tmp_path / "control.sqlite"
    make_record(path)
    killer = SaveKiller(random.Random(SEED))
    ledger = Ledger()
    half = 0
    kills = 0
    while not half and kills < 100:
        kills += 1
        child = killer.among_saves(child_saves_without_a_transaction, path, ledger.next)
        ledger.note(child.acks)
        half += audit_raw(path, ledger)[1]
    print(f"\ncontrol: half-saved count found after {kills} kill(s)")
    assert half > 0


# ---------------------------------------------------------------------- kill during an update


def child_updates(path: Path, _start: int, w: int) -> None:
    """The forked child: the program opening a format-1 record (backup, then update)."""
    os.write(w, b"ready\n")
    Record.open(path, clock=clock).close()
    os.write(w, b"done\n")
    time.sleep(HANG_GUARD)  # killed long before


def old_or_new(path: Path, v1: dict[str, Any]) -> str:
    """ "old" or "new" after a kill during the update from format 1; AssertionError if a mix."""
    conn = sqlite3.connect(path)  # read-write: rolls back an interrupted update, like the program
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()
    now = dump_tables(path)
    if now["user_version"] == 1:
        assert now == v1, "format 1 on the label, but not the format-1 contents"
        return "old"
    assert now["user_version"] == SCHEMA_VERSION, now["user_version"]
    for table, rows in v1["tables"].items():
        assert [
            {k: r[k] for k in row} for r, row in zip(now["tables"][table], rows, strict=True)
        ] == rows, table
    assert check_record(path) == []  # every table, column and seal of the new format
    return "new"


def test_kill_during_an_update_leaves_the_old_or_the_new_format(tmp_path: Path) -> None:
    """Kills from the child's "ready" within 1.5 times the update's median duration, as
    measured in the children: every fourth child is let finish ("done") before its kill, which
    keeps the measure current under any load and must leave the new format."""
    v1 = dump_tables(DATA / "record-v1.sqlite")
    assert v1["user_version"] == 1 < SCHEMA_VERSION

    rng = random.Random(SEED)
    outcomes: dict[str, int] = {"old": 0, "new": 0}
    durations: list[float] = []  # from "ready" to "done": the backup and the update
    for i in range(MIGRATION_KILLS):
        path = tmp_path / f"run{i}" / "family.sqlite"
        path.parent.mkdir()
        shutil.copyfile(DATA / "record-v1.sqlite", path)
        child = Watched(child_updates, path, 0)
        ready = child.wait_for("ready")
        if i % 4 == 0:
            durations.append(child.wait_for("done") - ready)
            child.kill()
        else:
            child.kill_at(ready + rng.uniform(0, 1.5 * median(durations)))
        outcome = old_or_new(path, v1)
        assert outcome == "new" or not child.said("done"), "the update said done"
        outcomes[outcome] += 1
        for backup in list_backups(path, verify=False):
            if backup.manifest.exists():  # a backup with its manifest is always whole
                assert verify_backup(backup.path), backup
        with Record.open(path, clock=clock) as rec:  # and the program carries on from there
            assert rec.problems() == []
    took = median(durations) * 1000
    print(f"\nkill during update: {json.dumps(outcomes)}, median {took:.0f} ms per update")
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes  # the kills hit the update


def test_control_a_half_applied_update_is_recognised(tmp_path: Path) -> None:
    v1 = dump_tables(DATA / "record-v1.sqlite")
    path = tmp_path / "family.sqlite"
    shutil.copyfile(DATA / "record-v1.sqlite", path)
    conn = sqlite3.connect(path, isolation_level=None)  # autocommit: each statement alone
    try:
        with pytest.raises(ZeroDivisionError):
            MIGRATIONS[1](_FailingAfter(conn, 3))  # type: ignore[arg-type]
    finally:
        conn.close()
    with pytest.raises(AssertionError):
        old_or_new(path, v1)


class _FailingAfter:
    """A connection that runs ``n`` statements, then fails (an update cut short)."""

    def __init__(self, conn: sqlite3.Connection, n: int) -> None:
        self.conn, self.n = conn, n

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if self.n == 0:
            raise ZeroDivisionError("cut short")
        self.n -= 1
        return self.conn.execute(sql, *args)


# ---------------------------------------------------------------------- a save cut short


def child_big_save_then_wait(path: Path, _start: int, w: int) -> None:
    """A save of many counts in one transaction, bigger than SQLite's page cache, so that
    pages reach the file before the COMMIT; the kill comes before that COMMIT."""
    rec = Record.open(path, clock=clock)
    rec.connection.execute("PRAGMA cache_size = 5")
    slots: dict[int, CountResult] = {}
    with rec.batch("save many counts"):
        for k in range(0, 900, 3):
            save(rec, slots, k)
        os.write(w, b"ready\n")
        time.sleep(HANG_GUARD)  # killed long before


def test_a_save_cut_short_is_undone_on_open_not_called_damage(tmp_path: Path) -> None:
    path = tmp_path / "family.sqlite"
    make_record(path)
    before = dump_tables(path)
    child = Watched(child_big_save_then_wait, path, 0)
    child.wait_for("ready")
    child.kill()
    journal = path.with_name(path.name + "-journal")
    assert journal.stat().st_size > 0, "the control: the kill left a save half written"
    # read-only uses cannot undo it: they say so plainly and change nothing
    with pytest.raises(RecordError, match="was cut short") as info:
        Record.open(path, read_only=True, clock=clock)
    assert "\n" not in str(info.value)
    code, _, err = run_cli("check", "--db", str(path))
    assert code == 1 and "that it belongs to this record" in err and "once" not in err
    assert journal.exists()
    # the program undoes it on open: the record is as it was before that save
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
    assert not journal.exists()
    assert dump_tables(path) == before


def test_a_header_ahead_of_the_file_is_only_damage_without_a_journal(tmp_path: Path) -> None:
    """Killed while a save's pages were being written: page 1 (with the new page count)
    goes first, so the file looks short; its journal beside it is what says otherwise."""
    path = tmp_path / "family.sqlite"
    make_record(path)
    data = bytearray(path.read_bytes())
    pages = int.from_bytes(data[28:32], "big")
    data[28:32] = (pages + 3).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    with pytest.raises(NotARecord, match="shorter than its header"):  # the control
        check_record_file(path, SCHEMA_VERSION)
    path.with_name(path.name + "-journal").write_bytes(
        b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + bytes(504)
    )
    assert check_record_file(path, SCHEMA_VERSION) == SCHEMA_VERSION


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err)
    return code, out.getvalue(), err.getvalue()
