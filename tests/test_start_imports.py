"""The first picture imports only what it shows (issue 16): printing, the importers and
exporters, the calendar, FHIR and the dialogs only asked for later are imported when first
used, not by building and showing the main window.  Checked in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import tracker

ROOT = Path(__file__).resolve().parents[1]

# Never needed for the first picture (each is imported by the command that uses it).
LATER = (
    "ui.printing",
    "ui.fhir_export",
    "ui.growth_chart",
    "ui.welcome",
    "ui.dialogs.import_csv",
    "ui.dialogs.import_fhir",
    "ui.dialogs.import_preview",
    "ui.dialogs.restore",
    "ui.dialogs.child",
    "tracker.io.csv_import",
    "tracker.io.csv_export",
    "tracker.io.json_export",
    "tracker.io.json_import",
    "tracker.io.ics",
    "tracker.io.fhir_export",
    "tracker.io.fhir_import",
    "icalendar",
    "importlib.metadata",
    "PySide6.QtPrintSupport",
)

SHOW = """
import datetime as dt, json, sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from tracker.model import Child
from tracker.store import Record
path = Path(sys.argv[1])
with Record.open(path, create=True) as made:
    made.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
from ui.app import make_application
app = make_application(sys.argv[:1])
from ui.bridge import RecordBridge
from ui.interaction import Interaction
from ui.main_window import MainWindow
from ui.settings import Settings
record = Record.open(path, check_later=True)
settings = Settings(QSettings(str(path) + ".ini", QSettings.Format.IniFormat))
window = MainWindow(RecordBridge(record), Interaction(), settings)
window.show()
window.show_safety_notes()
app.processEvents()
window.grab()
print(json.dumps(sorted(sys.modules)))
window.close()
record.close()
"""


def test_showing_the_main_window_imports_nothing_only_needed_later(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(tmp_path)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-c", SHOW, str(tmp_path / "family.sqlite")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = set(json.loads(done.stdout.splitlines()[-1]))
    assert "ui.main_window" in imported and "ui.timeline.view" in imported
    early = sorted(m for m in imported if any(m == x or m.startswith(x + ".") for x in LATER))
    assert early == []


def test_the_version_is_the_one_pyproject_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert tracker.__version__ == project["version"]
