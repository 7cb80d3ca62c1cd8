"""Two copies of the suite can run side by side, and beside the family's own program.

Each test process has HOME and the XDG folders of its own (tests/conftest.py), so what the
code under test writes to the user's folders (``QSettings()``, ``QStandardPaths``,
``Path.home()``) lands in neither the real user's folders nor another copy's.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import SESSION_HOME


def test_home_and_the_xdg_folders_are_this_session_s_own() -> None:
    assert Path.home() == SESSION_HOME
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = Path(os.environ[name])
        assert folder.is_relative_to(SESSION_HOME) and folder.is_dir(), name
    assert SESSION_HOME.stat().st_mode & 0o777 == 0o700


def test_qt_s_user_folders_are_this_session_s_own(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings, QStandardPaths

    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert Path(data).is_relative_to(SESSION_HOME), data
    settings = QSettings("TreatmentTracker", "treatment-tracker")
    assert Path(settings.fileName()).is_relative_to(SESSION_HOME), settings.fileName()
