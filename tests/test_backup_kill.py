"""SIGKILL at random moments of a copy, a backup and a restore: the next copy, thinning or
start leaves none of our temp files and no orphan manifest, and the old target is intact.

A forked child (forked before it opens anything, leaving with ``os._exit``) runs the real
operation and says when it has made its temporary file; the parent measures how long one
takes from then on, and kills each child at a random moment within that time after it
said so (so the kills land in the middle under any load).  ``TT_BACKUP_KILLS`` (default
50 per operation) runs longer loops; the figures are printed (``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.model import Child, CountResult, CountValue
from tracker.store import Record, durable
from tracker.store.backup import (
    daily_backup_if_due,
    list_backups,
    make_backup,
    restore,
    save_copy,
    thin_backups,
)
from tracker.store.backup_file import DAILY, backup_problems, backups_folder, verify_backup

KILLS = int(os.environ.get("TT_BACKUP_KILLS", "50"))
SEED = int(os.environ.get("TT_BACKUP_SEED", "20261201"))
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ours_left(folder: Path) -> list[str]:
    """Our temporary names (``.<name>.<random>.tmp`` and journals) in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name)


def make_record(path: Path) -> None:
    """A record of about 1 MB (1000 blood counts): a copy takes long enough (tens of ms) to be
    killed in the middle, as the printed figures show ("… before the end, … left a temp")."""
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=dt.date(2024, 1, 1)))
        assert child.id is not None
        day = dt.date(2024, 2, 1)
        results = []
        for n in range(1000):
            v = float(n % 400)
            results.append(
                CountResult(
                    child.id,
                    day + dt.timedelta(days=n % 1000),
                    taken_time=dt.time(n % 24, n % 60),
                    note=f"count {n} " + "x" * 200,
                    values=(CountValue("plt", f"{v:g}", "10^9/L", v, v, "10^9/L"),),
                )
            )
        rec.save_all(results)


def in_child(action: Callable[[], None], watch: Path) -> tuple[int, int]:
    """Fork; the child runs ``action`` and leaves, and says "t" on the pipe when it makes its
    first temporary file in ``watch``.  Returns (pid, read end)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(r)
            real = durable.private_temp

            def told(folder: Path, name: str) -> Path:
                tmp = real(folder, name)
                if Path(folder) == watch:
                    os.write(w, b"t")
                return tmp

            durable.private_temp = told  # type: ignore[assignment]
            action()
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


def run_whole(action: Callable[[], None], watch: Path) -> float:
    """Run ``action`` in a child to the end; seconds from its first temp file to its end."""
    pid, r = in_child(action, watch)
    assert os.read(r, 1) == b"t"
    start = time.monotonic()
    _, status = os.waitpid(pid, 0)
    took = time.monotonic() - start
    os.close(r)
    assert os.waitstatus_to_exitcode(status) == 0
    return took


def kill_during(action: Callable[[], None], watch: Path, within: float, rng: random.Random) -> bool:
    """Run ``action`` in a child and SIGKILL it at a random moment after it made its temp
    file (so the kill adapts to the machine's load); True if it was killed before the end."""
    pid, r = in_child(action, watch)
    os.read(r, 1)
    time.sleep(rng.uniform(0, within))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(r)
    return os.WIFSIGNALED(status)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The record, made once for this module (closed; each test works on a copy)."""
    path: Path = tmp_path_factory.mktemp("template") / "family.sqlite"
    make_record(path)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # the file is all of it
    return path


@pytest.fixture
def record(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "home" / "family.sqlite"
    path.parent.mkdir()
    shutil.copyfile(template, path)
    return path


def test_killed_copies_leave_nothing_after_the_next_copy(record: Path, tmp_path: Path) -> None:
    """File ▸ Save a copy onto a stick that already holds an older copy, killed at random:
    the older copy is there whole (or the new one is), and the next copy clears the rest."""
    stick = tmp_path / "stick"
    stick.mkdir()
    target = stick / "family-copy.sqlite"
    other = stick / ".holiday.jpg.abcdefgh.tmp"  # our name pattern, not our content
    other.write_bytes(b"\xff\xd8\xff" + bytes(100))

    def copy() -> None:
        with Record.open(record, read_only=True, clock=clock) as rec:
            save_copy(rec, target, clock=clock, off_computer=True, overwrite=True)

    took = run_whole(copy, stick)
    old = sha(target)
    rng = random.Random(SEED)
    killed = left = 0
    for _ in range(KILLS):
        killed += kill_during(copy, stick, took, rng)
        assert sha(target) == old or backup_problems(target, need_manifest=False) == []
        left += bool([n for n in ours_left(stick) if n != other.name])
        run_whole(copy, stick)  # the next copy
        assert ours_left(stick) == [other.name]
        assert backup_problems(target, need_manifest=False) == []
    print(f"\ncopy: {KILLS} kills within {took:.2f} s, {killed} before the end, {left} left a temp")
    assert left > 0  # the kills did land in the middle of copies (else this proves nothing)
    assert other.read_bytes()[:3] == b"\xff\xd8\xff"


def test_killed_copies_are_cleared_at_the_next_start_though_no_copy_goes_there_again(
    record: Path, tmp_path: Path
) -> None:
    """Save a copy onto a stick, killed at random; the next copy goes elsewhere (a dated
    name, another stick): the next start clears what the killed one left on the stick."""
    rng = random.Random(SEED + 3)
    trials = max(10, KILLS // 2)
    left = 0
    took = 0.0
    for n in range(trials + 1):
        stick = tmp_path / f"stick-{n}"
        stick.mkdir()

        def copy(stick: Path = stick) -> None:
            with Record.open(record, clock=clock) as rec:
                save_copy(rec, stick / "family-copy.sqlite", clock=clock, off_computer=True)

        if n == 0:
            took = run_whole(copy, stick)
            continue
        kill_during(copy, stick, took, rng)
        left += bool(ours_left(stick))
        with Record.open(record, clock=clock) as rec:  # the next start
            daily_backup_if_due(rec, clock)
        assert ours_left(stick) == []
        assert ours_left(backups_folder(record)) == []  # the note went too
    print(f"\ncopy, next start: {trials} kills within {took:.2f} s, {left} left a temp")
    assert left > 0


def test_killed_backups_leave_no_temp_and_no_orphan_manifest(record: Path) -> None:
    """A backup killed at random: the next thinning leaves only whole backups, each with its
    manifest, and neither temp files nor manifests without a backup."""
    folder = backups_folder(record)

    def backup() -> None:
        with Record.open(record, clock=clock) as rec:
            make_backup(rec, DAILY, clock)

    took = run_whole(backup, folder)
    rng = random.Random(SEED + 1)
    left = orphans = 0
    for _ in range(KILLS):
        kill_during(backup, folder, took, rng)
        left += bool(ours_left(folder))
        orphans += any(
            not p.with_name(p.name[: -len(".json")] + ".sqlite").exists()
            for p in folder.glob("*.backup.json")
        )
        thin_backups(folder, clock)
        assert ours_left(folder) == []
        manifests = {p.name[: -len(".json")] for p in folder.glob("*.backup.json")}
        backups = {p.name[: -len(".sqlite")] for p in folder.glob("*.backup.sqlite")}
        assert manifests == backups
    assert all(verify_backup(b.path) for b in list_backups(record))
    print(f"\nbackup: {KILLS} kills within {took:.2f} s, {left} left a temp, {orphans} an orphan")
    assert left > 0


def test_killed_restores_leave_the_record_and_nothing_else_after_the_next_start(
    record: Path,
) -> None:
    """A restore killed at random: the record is the old one or the restored one, whole, and
    the next start (the daily backup hook) clears the copy left beside it."""
    with Record.open(record, clock=clock) as rec:
        chosen = make_backup(rec, DAILY, clock).path
    home = record.parent

    def put_back() -> None:
        restore(record, chosen, clock)

    took = run_whole(put_back, home)
    rng = random.Random(SEED + 2)
    left = 0
    for _ in range(KILLS):
        kill_during(put_back, home, took, rng)
        left += any(n.startswith(f".{record.name}.") for n in ours_left(home))
        with Record.open(record, clock=clock) as rec:  # the next start
            assert rec.problems() == []
            daily_backup_if_due(rec, clock)
        assert not any(n.startswith(f".{record.name}.") for n in ours_left(home))
        # and the safety backup it was making in backups/, though no new backup was due
        assert ours_left(home / "backups") == []
    print(f"\nrestore: {KILLS} kills within {took:.2f} s, {left} left a temp beside the record")
    assert left > 0


def kill_at(action: Callable[[], None], patch: Callable[[int], None]) -> None:
    """Run ``action`` in a child that first applies ``patch(pipe)``; the patch writes to the
    pipe at the moment to kill (and then waits); the parent kills it right then."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(r)
            patch(w)
            action()
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    said = os.read(r, 1)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(r)
    assert said == b"k" and os.WIFSIGNALED(status)


def orphans(folder: Path) -> list[str]:
    return sorted(
        p.name
        for p in folder.glob("*.backup.json")
        if not p.with_name(p.name[: -len(".json")] + ".sqlite").exists()
    )


def test_a_kill_between_a_manifest_and_its_backup_is_cleared_by_the_next_thinning(
    record: Path,
) -> None:
    folder = backups_folder(record)

    def backup() -> None:
        with Record.open(record, clock=clock) as rec:
            make_backup(rec, DAILY, clock)

    def after_the_manifest(w: int) -> None:
        real = os.replace

        def replace(src: str | Path, dst: str | Path) -> None:
            real(src, dst)
            if str(dst).endswith(".backup.json"):
                os.write(w, b"k")
                time.sleep(60)

        os.replace = replace  # type: ignore[assignment]

    kill_at(backup, after_the_manifest)
    assert len(orphans(folder)) == 1 and ours_left(folder)  # the manifest, the backup's temp
    thin_backups(folder, clock)
    assert orphans(folder) == [] and ours_left(folder) == []


def test_a_kill_between_deleting_a_backup_and_its_manifest_is_cleared_next_time(
    record: Path,
) -> None:
    folder = backups_folder(record)
    with Record.open(record, clock=clock) as rec:
        for n in range(30):
            make_backup(rec, DAILY, lambda n=n: NOW - dt.timedelta(days=n))

    def after_a_backup_is_deleted(w: int) -> None:
        real = Path.unlink

        def unlink(self: Path, missing_ok: bool = False) -> None:
            real(self, missing_ok)
            if self.name.endswith(".backup.sqlite"):
                os.write(w, b"k")
                time.sleep(60)

        Path.unlink = unlink  # type: ignore[method-assign]

    kill_at(lambda: thin_backups(folder, clock), after_a_backup_is_deleted)
    assert len(orphans(folder)) == 1
    thin_backups(folder, clock)
    assert orphans(folder) == []
    assert all(verify_backup(b.path) for b in list_backups(record))
