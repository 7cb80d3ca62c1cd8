"""``tracker/`` never imports Qt (style.md §1): headless use depends on it.

Every module under ``tracker`` is imported in a fresh interpreter, which then
reports whether any PySide6 (or other Qt binding) module got loaded.
"""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import tracker

QT_PACKAGES = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "shiboken2")

PROBE = """
import importlib, json, pkgutil, sys
import tracker

names = ["tracker"] + [m.name for m in pkgutil.walk_packages(tracker.__path__, "tracker.")]
failed = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:  # reported, not hidden
        failed[name] = f"{type(exc).__name__}: {exc}"
qt = sorted(m for m in sys.modules if m.split(".")[0] in QT)
print(json.dumps({"modules": names, "failed": failed, "qt": qt}))
"""


def run_probe(extra: str = "") -> dict[str, object]:
    code = f"QT = {QT_PACKAGES!r}\n{PROBE}\n{extra}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(tracker.__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_no_tracker_module_loads_qt() -> None:
    result = run_probe()
    assert result["failed"] == {}, "a tracker module failed to import"
    assert result["qt"] == [], f"tracker pulled in Qt: {result['qt']}"


def test_the_walk_sees_every_module() -> None:
    """The probe really covers the package (a control against an empty walk)."""
    result = run_probe()
    modules = set(result["modules"])  # type: ignore[arg-type]
    root = Path(tracker.__file__).resolve().parent
    on_disk = {
        "tracker." + ".".join(p.relative_to(root).with_suffix("").parts)
        for p in root.rglob("*.py")
        if p.name != "__init__.py" and "__pycache__" not in p.parts
    }
    assert on_disk <= modules
    for required in ("tracker.store.record", "tracker.forms", "tracker.mrd", "tracker.phases"):
        assert required in modules
    assert len(list(pkgutil.walk_packages(tracker.__path__, "tracker."))) == len(modules) - 1


@pytest.mark.skipif(importlib.util.find_spec("PySide6") is None, reason="PySide6 not installed")
def test_the_probe_would_notice_qt() -> None:
    """The control: importing PySide6 in the same probe is reported."""
    result = run_probe("import PySide6.QtCore\nprint(json.dumps({'qt': 'PySide6' in sys.modules}))")
    assert result == {"qt": True}
