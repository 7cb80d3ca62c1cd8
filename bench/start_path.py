"""The real start, as a family lives it: fresh processes, first start of the day and later.

For each round, four fresh processes, interleaved A B B A so drift hits both alike:

- A: the bare window (``start_child.py bare``): QApplication + QMainWindow + QLabel shown,
  marked at its first painted frame;
- B1: the first start of the day (``start_child.py program``) on a fresh copy of the record
  with no backups beside it, so today's backup is due (``daily_backup_due``);
- B2: a later start the same day, on that same copy (today's backup now exists);
- A again.

Each child gets a new, empty HOME and XDG folders (settings, logs), runs offscreen, and
prints CLOCK_MONOTONIC marks (see ``start_child.py``); the parent notes its own spawn time
just before ``posix_spawn`` and the child's peak resident memory from ``os.wait4``
(``ru_maxrss``).  One discarded warm-up of each first (the OS file cache is warm: "first
start" means the first start of the day, not after a reboot).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHILD = HERE / "start_child.py"


@dataclass(slots=True)
class Start:
    """One child's start: seconds from spawn, the longest stall, peak memory."""

    first_frame_s: float
    history_s: float | None = None  # spawn → the whole history shown
    done_s: float | None = None  # spawn → the start's work ended
    stall_ms: float | None = None  # longest heartbeat gap, first frame → start done
    rss_mib: float = 0.0
    backups: int | None = None
    marks: dict[str, str] = field(default_factory=dict)


class StartFailed(RuntimeError):
    pass


def _environment(home: Path) -> dict[str, str]:
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def spawn(args: list[str], label: str) -> Start:
    """Run ``start_child.py args`` in a fresh, empty home; its marks, relative to spawn."""
    home = Path(tempfile.mkdtemp(prefix="tt-bench-home-"))
    try:
        env = _environment(home)
        out, err = home / "stdout.txt", home / "stderr.txt"
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, str(out), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            (os.POSIX_SPAWN_OPEN, 2, str(err), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        ]
        argv = [sys.executable, str(CHILD), *args]
        started = time.monotonic_ns()
        pid = os.posix_spawn(sys.executable, argv, env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        marks: dict[str, str] = {}
        for line in out.read_text(errors="replace").splitlines():
            name, _, value = line.partition(" ")
            marks.setdefault(name, value)
        if code != 0 or "FIRST_FRAME" not in marks:
            text = err.read_text(errors="replace")[-3000:]
            raise StartFailed(f"{label}: exit {code}, marks {marks}\n{text}")

        def since(name: str) -> float | None:
            return (int(marks[name]) - started) / 1e9 if name in marks else None

        return Start(
            first_frame_s=since("FIRST_FRAME") or 0.0,
            history_s=since("HISTORY"),
            done_s=since("START_DONE"),
            stall_ms=float(marks["STALL_MS"]) if "STALL_MS" in marks else None,
            rss_mib=usage.ru_maxrss / 1024,  # Linux: KiB
            backups=int(marks["BACKUPS"]) if "BACKUPS" in marks else None,
            marks=marks,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _program(record: Path, today: dt.date) -> list[str]:
    return ["program", str(record), today.isoformat()]


def measure(
    record: Path, today: dt.date, rounds: int, *, warm_up: bool = True
) -> dict[str, list[Start]]:
    """``rounds`` of A B1 B2 A on ``record`` (never opened itself: each round starts on a
    fresh copy): {"bare": [...2 per round], "first": [...], "later": [...]}."""
    runs: dict[str, list[Start]] = {"bare": [], "first": [], "later": []}
    work = Path(tempfile.mkdtemp(prefix="tt-bench-start-"))
    try:

        def fresh_copy(n: int) -> Path:
            folder = work / f"round-{n}"
            folder.mkdir()
            copy = folder / "record.sqlite"
            shutil.copyfile(record, copy)  # no backups folder beside it: today's is due
            return copy

        if warm_up:
            spawn(["bare"], "bare (warm-up)")
            spawn(_program(fresh_copy(-1), today), "program (warm-up)")
        for n in range(rounds):
            copy = fresh_copy(n)
            runs["bare"].append(spawn(["bare"], "bare"))
            first = spawn(_program(copy, today), f"first start of {record.name}")
            if first.backups != 1:
                raise StartFailed(f"the first start made {first.backups} backups, not 1")
            runs["first"].append(first)
            later = spawn(_program(copy, today), f"later start of {record.name}")
            if later.backups != 1:
                raise StartFailed(f"a later start made a backup ({later.backups} there)")
            runs["later"].append(later)
            runs["bare"].append(spawn(["bare"], "bare"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return runs
