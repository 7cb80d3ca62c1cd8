"""Lint and types are part of the suite: ruff on everything, mypy --strict on tracker/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "--output-format", "concise", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_tracker_is_strictly_typed() -> None:
    done = _run("mypy", "--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "tracker"))
    assert done.returncode == 0, done.stdout + done.stderr
