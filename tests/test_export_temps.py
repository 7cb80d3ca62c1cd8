"""A JSON or CSV export killed half-way leaves a temp file of ours beside the target; the
next export to that place removes it (our own name form only) and the old export stays
whole until the new one replaces it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from conftest import fixed_clock

from tracker.io.csv_export import write_csv
from tracker.io.json_export import write_json
from tracker.store import Record, durable


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_a_killed_export_leaves_a_temp_the_next_export_removes(
    record: Record, child: object, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "exports" / f"family.{kind}"
    out.parent.mkdir()
    write = (
        (lambda target: write_json(record, target, fixed_clock()))
        if kind == "json"
        else (lambda target: write_csv(record, target))
    )
    write(out)
    before = out.read_bytes()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: hangs after the temp file is written, before the rename
        try:
            os.close(read_end)

            def hang(fd: int) -> None:
                os.write(write_end, b"x")
                time.sleep(600)

            os.fsync = hang  # type: ignore[assignment]
            write(out)
        finally:
            os._exit(1)
    os.close(write_end)
    try:
        assert os.read(read_end, 1) == b"x"  # the temp is there, unrenamed
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
    (left,) = _leftovers(out.parent)
    assert durable.TEMP_NAME.match(left)["name"] == f"family.{kind}", left
    assert out.read_bytes() == before  # the old export is whole
    someone_elses = out.parent / f".family.{kind}.NOT-OURS.tmp"
    someone_elses.write_bytes(b"not ours")
    write(out)
    assert _leftovers(out.parent) == [someone_elses.name]
    assert out.stat().st_mode & 0o777 == 0o600
