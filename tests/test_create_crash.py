"""Kill -9 during the very first "Start my record" and during ``import-json`` into a new file:
afterwards there is no record file, or a whole record that opens, never an empty (0-byte) or
half-made one (issue 9, item 3).

A forked child says "go", then creates the record as the welcome does (``Record.open(...,
create=True)`` and the first child) or loads a JSON export into a new file; the parent kills
it with SIGKILL at a random moment within the measured duration of one such run on this
machine (so the kills land all through it however fast or loaded the machine is).

``TT_CREATE_KILLS`` (default 100) and ``TT_IMPORT_KILLS`` (default 50) run longer loops; the
figures are printed (``pytest -s``).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker import cli
from tracker.io.json_import import load_into_new_record, read_export
from tracker.model import Child, CountResult, CountValue
from tracker.store import Record
from tracker.store.files import check_record_file, is_unstarted
from tracker.store.schema import SCHEMA_VERSION

CREATE_KILLS = int(os.environ.get("TT_CREATE_KILLS", "100"))
IMPORT_KILLS = int(os.environ.get("TT_IMPORT_KILLS", "50"))
SEED = int(os.environ.get("TT_CRASH_SEED", "20261201"))
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
BIRTH = dt.date(2026, 1, 10)


def clock() -> dt.datetime:
    return NOW


def start_my_record(path: Path, _export: bytes) -> None:
    """What the welcome's "Start my record" does."""
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=BIRTH))


def import_into_new_file(path: Path, export: bytes) -> None:
    """What ``import-json --db NEW export.json`` does."""
    load_into_new_record(path, read_export(export, NOW.date()), clock).close()


def an_export(folder: Path) -> bytes:
    source = folder / "source.sqlite"
    with Record.open(source, create=True, clock=clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=BIRTH))
        assert child.id is not None
        for k in range(150):
            value = 1 + k % 90 / 10
            values = (CountValue("wbc", f"{value:g}", "10^9/L", value, value, "10^9/L"),)
            day = BIRTH + dt.timedelta(days=1 + k)
            rec.save(CountResult(child.id, day, note=f"count {k}", values=values))
    out = folder / "export.json"
    argv = ["export", "--db", str(source), "--format", "json", str(out)]
    assert cli.run(cli.build_parser().parse_args(argv), out=io.StringIO()) == 0
    return out.read_bytes()


def run_child(work: Callable[[Path, bytes], None], path: Path, export: bytes) -> tuple[int, int]:
    """Fork a child that says "go", does ``work`` and says "done"; (pid, read end)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(r)
            os.write(w, b"go\n")
            work(path, export)
            os.write(w, b"done\n")
        except BaseException as exc:  # reported to the parent, which fails the test
            os.write(w, f"error {type(exc).__name__}: {exc}\n".encode())
            code = 3
        finally:
            os._exit(code)
    os.close(w)
    assert os.read(r, 3) == b"go\n"
    return pid, r


def finish(pid: int, r: int, kill: bool) -> str:
    if kill:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    said = b""
    while chunk := os.read(r, 4096):
        said += chunk
    os.close(r)
    text = said.decode()
    assert "error" not in text, text
    return text


def measured_duration(work: Callable[[Path, bytes], None], folder: Path, export: bytes) -> float:
    """The longest of five undisturbed runs, from "go" to the child's exit."""
    longest = 0.0
    for n in range(5):
        path = folder / f"measure-{n}" / "record.sqlite"
        path.parent.mkdir(parents=True)
        pid, r = run_child(work, path, export)
        started = time.monotonic()
        assert "done" in finish(pid, r, kill=False)
        longest = max(longest, time.monotonic() - started)
        with Record.open(path, clock=clock) as rec:
            assert [c.name for c in rec.children()] == ["Mila"]
    return longest


def what_is_left(path: Path) -> str:
    """ "none", or "whole" (a record that opens), failing the test on anything else."""
    if not (path.exists() or path.is_symlink()):
        return "none"
    size = path.stat().st_size
    assert size > 0, "a 0-byte record was left"
    assert not is_unstarted(path), "a half-made record was left"
    assert check_record_file(path, SCHEMA_VERSION) == SCHEMA_VERSION
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        names = [c.name for c in rec.children()]
    assert names in ([], ["Mila"])
    return "whole, with the child" if names else "whole, empty"


@pytest.mark.parametrize(
    ("work", "kills"),
    [(start_my_record, CREATE_KILLS), (import_into_new_file, IMPORT_KILLS)],
    ids=["start my record", "import-json into a new file"],
)
def test_a_kill_while_a_record_is_made_leaves_none_or_a_whole_one(
    tmp_path: Path, work: Callable[[Path, bytes], None], kills: int
) -> None:
    export = an_export(tmp_path) if work is import_into_new_file else b""
    duration = measured_duration(work, tmp_path, export)
    rnd = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    for n in range(kills):
        path = tmp_path / f"kill-{n}" / "record.sqlite"
        path.parent.mkdir()
        pid, r = run_child(work, path, export)
        time.sleep(rnd.uniform(0, duration))
        said = finish(pid, r, kill=True)
        left = what_is_left(path)
        outcomes[left] += 1
        if "done" in said:
            assert left == "whole, with the child"
            outcomes["(finished before the kill)"] += 1
    print(f"\n{work.__name__}: {kills} kills within {duration * 1000:.0f} ms: {dict(outcomes)}")
    assert sum(v for k, v in outcomes.items() if not k.startswith("(")) == kills
    assert outcomes["(finished before the kill)"] < kills  # the kills landed during the runs
    if work is import_into_new_file:  # all of the export or no file: never an empty record
        assert outcomes["whole, empty"] == 0
