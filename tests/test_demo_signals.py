"""``--demo`` ended by a signal (issue 15: SIGTERM left its temporary folder behind): SIGTERM
and SIGINT quit the event loop like File ▸ Quit, so the program ends normally, the record
is closed and the demo's folder removed.  Run as a real process with a TMPDIR of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_demo_and_removes_its_folder(tmp_path: Path, signum: int) -> None:
    temp, home = tmp_path / "tmp", tmp_path / "home"
    temp.mkdir()
    home.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    said = tmp_path / "stderr.txt"
    with said.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.app", "--demo"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 60
        while not list(temp.glob("treatment-tracker-demo-*/demo-record.sqlite")):
            assert process.poll() is None, said.read_text()
            assert time.monotonic() < deadline, "the demo was not written within a minute"
            time.sleep(0.1)
        time.sleep(0.5)  # the window being made, or the event loop running: either way
        process.send_signal(signum)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 0, (code, said.read_text())
    assert list(temp.iterdir()) == [], "the demo's temporary folder was left behind"
