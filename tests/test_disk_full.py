"""Disk full during a save, a backup, a copy and an export (reliability.md, recipe 2).

Two ways to make it happen:

- a lower *soft* ``RLIMIT_FSIZE`` in a forked child (never the hard limit; Python
  ignores SIGXFSZ there, so writes fail with EFBIG and SQLite reports an I/O error);
- a real full disk: a 512 KiB tmpfs in a private mount namespace (``unshare -rm``),
  where SQLite reports SQLITE_FULL.  Skipped where the system does not allow it.

Either way the family sees one plain sentence, nothing saved before is lost, nothing
is half-saved, and a backup, copy or export leaves the old file (or none), never half
a file.  The figures are printed (``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.io.json_export import write_json
from tracker.model import Child, CountResult, CountValue
from tracker.store import CannotSave, Record, RecordError
from tracker.store.backup import make_backup, save_copy
from tracker.store.backup_file import backups_folder

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
BIRTH = dt.date(2026, 1, 10)
NOTHING_LOST = "nothing that was saved before is lost"
Report = Callable[[str], None]


def clock() -> dt.datetime:
    return NOW


def count(k: int, note_size: int = 1950) -> CountResult:  # a note keeps 2,000 characters
    plt = float(10 + k % 400)
    return CountResult(
        1,
        BIRTH + dt.timedelta(days=1 + k % 300),
        note=f"save {k} " + "x" * note_size,
        values=(
            CountValue("plt", f"{plt:g}", "10^9/L", plt, plt, "10^9/L"),
            CountValue("wbc", "1.5", "10^9/L", 1.5, 1.5, "10^9/L"),
        ),
    )


def make_record(path: Path, counts: int) -> None:
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=BIRTH))
        rec.save_all([count(-1 - i) for i in range(counts)])


def in_limited_child(limit: int, work: Callable[[Report], None]) -> list[str]:
    """Run ``work`` in a forked child whose files may not grow past ``limit`` bytes."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(r)
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))  # the soft limit only
            work(lambda line: os.write(w, (line.replace("\n", " ") + "\n").encode()) and None)
        except BaseException as exc:
            os.write(w, f"crash {type(exc).__name__}: {exc}\n".encode())
            code = 3
        finally:
            os._exit(code)
    os.close(w)
    chunks = []
    while chunk := os.read(r, 65536):
        chunks.append(chunk)
    os.close(r)
    os.waitpid(pid, 0)
    lines = b"".join(chunks).decode().splitlines()
    assert not [line for line in lines if line.startswith("crash")], lines
    return lines


def digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def audit(path: Path, acked: list[int]) -> None:
    """Every acknowledged save is whole; nothing else is half there; the file checks out."""
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        by_note = {c.note.split()[1]: c for c in rec.counts(1)}
        for k in acked:
            assert str(k) in by_note, f"acknowledged save {k} lost"
        for c in by_note.values():
            assert len(c.values) == 2, f"half-saved: {c.note[:20]}"
        rec.save(count(10_000, note_size=10))  # and the record carries on


# ---------------------------------------------------------------------- soft RLIMIT_FSIZE


def test_save_on_a_full_disk_says_so_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "family.sqlite"
    make_record(path, 20)
    limit = path.stat().st_size + 256 * 1024

    def work(report: Report) -> None:
        rec = Record.open(path, clock=clock)
        k = 0
        while k < 10_000:
            try:
                rec.save(count(k))
            except CannotSave as exc:
                report(f"refused {exc}")
                break
            report(f"ack {k}")
            k += 1
        try:  # a second attempt fails the same clean way
            rec.save(count(k))
        except CannotSave as exc:
            report(f"refused {exc}")
        rec.close()

    started = time.perf_counter()
    lines = in_limited_child(limit, work)
    took = time.perf_counter() - started
    acked = [int(line.split()[1]) for line in lines if line.startswith("ack ")]
    refusals = [line[len("refused ") :] for line in lines if line.startswith("refused ")]
    print(
        f"\ndisk full (RLIMIT) during saves: {len(acked)} saved, then {refusals[0]!r} "
        f"({took:.2f} s)"
    )
    assert len(refusals) == 2 and acked
    for message in refusals:
        assert message.startswith("Could not save the blood count:")
        assert NOTHING_LOST in message
        assert "disk" in message
    assert path.stat().st_size <= limit
    audit(path, acked)


def test_backup_copy_and_export_on_a_full_disk_leave_the_old_files(tmp_path: Path) -> None:
    path = tmp_path / "family.sqlite"
    make_record(path, 400)  # about 1 MiB
    assert path.stat().st_size > 768 * 1024
    with Record.open(path, clock=clock) as rec:
        make_backup(rec, "daily", clock)
        save_copy(rec, tmp_path / "copy.sqlite", off_computer=True)
        write_json(rec, tmp_path / "export.json", NOW)
    before = digests(tmp_path)

    def work(report: Report) -> None:
        later = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
        with Record.open(path, clock=lambda: later) as rec:
            for name, attempt in (
                ("backup", lambda: make_backup(rec, "daily")),
                (
                    "copy",
                    lambda: save_copy(
                        rec, tmp_path / "copy.sqlite", off_computer=True, overwrite=True
                    ),
                ),
                ("export", lambda: write_json(rec, tmp_path / "export.json", later)),
            ):
                try:
                    attempt()
                except RecordError as exc:
                    report(f"{name} {type(exc).__name__} {exc}")
                else:
                    report(f"{name} made")

    lines = in_limited_child(256 * 1024, work)  # well below the record's size
    print("\ndisk full (RLIMIT): " + " | ".join(lines))
    assert len(lines) == 3
    for line in lines:
        _, kind, message = line.split(" ", 2)
        assert kind == "CannotSave", line
        assert message.startswith("Could not") and "disk" in message, line
        assert message.endswith(f"{NOTHING_LOST}.") or "is unchanged" in message, line
    assert digests(tmp_path) == before  # old backup, copy and export untouched; no temp file
    assert sorted(p.name for p in backups_folder(path).iterdir()) == [
        "family.20261124-093000.daily.backup.json",
        "family.20261124-093000.daily.backup.sqlite",
    ]
    audit(path, [])


# ---------------------------------------------------------------------- a real full disk


def skip_without_private_mounts(tmp_path: Path) -> None:
    """Skip where a private mount namespace with a tmpfs is not allowed (no user namespaces)."""
    if shutil.which("unshare") is None or not sys.platform.startswith("linux"):
        pytest.skip("needs Linux unshare")
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs '{probe}'"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        pytest.skip(f"this system does not allow a private tmpfs: {done.stderr.strip()}")


SCRIPT = textwrap.dedent(
    """
    import datetime as dt, json, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from test_disk_full import BIRTH, NOW, clock, count
    from tracker.io.json_export import write_json
    from tracker.model import Child
    from tracker.store import Record, RecordError
    from tracker.store.backup import make_backup

    folder = Path(sys.argv[1])
    path = folder / "family.sqlite"
    out = {"acked": [], "refusals": []}
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=BIRTH))
        for k in range(10_000):
            try:
                rec.save(count(k))
            except RecordError as exc:
                out["refusals"].append(str(exc))
                break
            out["acked"].append(k)
        for name, attempt in (
            ("backup", lambda: make_backup(rec, "daily")),
            ("export", lambda: write_json(rec, folder / "export.json", NOW)),
        ):
            try:
                attempt()
                out[name] = "made"
            except RecordError as exc:
                out[name] = str(exc)
    out["left"] = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    with Record.open(path, clock=clock) as rec:
        out["problems"] = rec.problems()
        present = {int(c.note.split()[1]) for c in rec.counts(1) if len(c.values) == 2}
        out["lost"] = sorted(set(out["acked"]) - present)
        out["half"] = sum(len(c.values) != 2 for c in rec.counts(1))
    print(json.dumps(out))
    """
)


def test_a_really_full_disk(tmp_path: Path) -> None:
    skip_without_private_mounts(tmp_path)
    mount = tmp_path / "small"
    mount.mkdir()
    script = tmp_path / "fill.py"
    script.write_text(SCRIPT, encoding="utf-8")
    tests = Path(__file__).resolve().parent
    command = (
        f"mount -t tmpfs -o size=512k tmpfs '{mount}' && "
        f"exec '{sys.executable}' '{script}' '{mount}' '{tests}'"
    )
    started = time.perf_counter()
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", command], capture_output=True, text=True, timeout=120
    )
    took = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    print(
        f"\ndisk full (tmpfs 512 KiB): {len(out['acked'])} saved, then "
        f"{out['refusals'][0]!r}; backup: {out['backup']!r}; export: {out['export']!r} "
        f"({took:.2f} s)"
    )
    assert out["refusals"] == [f"Could not save the blood count: the disk is full; {NOTHING_LOST}."]
    assert out["acked"] and out["lost"] == [] and out["half"] == 0
    assert out["problems"] == []
    assert "the disk is full" in out["backup"]
    assert "the disk is full" in out["export"]
    assert out["left"] == ["backups", "family.sqlite"]  # no half backup, export or temp file


READ_ONLY_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, json, subprocess, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from test_disk_full import BIRTH, NOW, clock, count
    from tracker.io.json_export import write_json
    from tracker.model import Child
    from tracker.store import Record, RecordError
    from tracker.store.backup import make_backup, save_copy

    folder = Path(sys.argv[1])
    path = folder / "family.sqlite"
    out = {}
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=BIRTH))
        rec.save(count(1))
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    with Record.open(path, clock=clock) as rec:  # opened for changes on a read-only disk
        for name, attempt in (
            ("save", lambda: rec.save(count(2))),
            ("backup", lambda: make_backup(rec, "daily")),
            (
                "copy",
                lambda: save_copy(rec, folder / "copy.sqlite", off_computer=True, overwrite=True),
            ),
            ("export", lambda: write_json(rec, folder / "export.json", NOW)),
        ):
            try:
                attempt()
                out[name] = "made"
            except RecordError as exc:
                out[name] = f"{type(exc).__name__}: {exc}"
    with Record.open(path, read_only=True, clock=clock) as rec:
        out["problems"] = rec.problems()
        out["notes"] = [c.note.split()[1] for c in rec.counts(1)]
    out["left"] = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    print(json.dumps(out))
    """
)


def test_a_read_only_disk(tmp_path: Path) -> None:
    """A record on a disk that is read-only (a locked memory card, a file system the system
    remounted read-only after an error): it opens, and every change is refused plainly."""
    skip_without_private_mounts(tmp_path)
    mount = tmp_path / "stick"
    mount.mkdir()
    script = tmp_path / "ro.py"
    script.write_text(READ_ONLY_SCRIPT, encoding="utf-8")
    tests = Path(__file__).resolve().parent
    command = (
        f"mount -t tmpfs -o size=4m tmpfs '{mount}' && "
        f"exec '{sys.executable}' '{script}' '{mount}' '{tests}'"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", command], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    print(f"\nread-only disk: {json.dumps(out, ensure_ascii=False)}")
    for name in ("save", "backup", "copy", "export"):
        assert out[name].startswith("CannotSave: Could not"), (name, out[name])
        assert "read-only" in out[name] or "cannot be written" in out[name], (name, out[name])
    assert out["problems"] == [] and out["notes"] == ["1"]  # the saved count is still there
    assert out["left"] == ["family.sqlite"]
