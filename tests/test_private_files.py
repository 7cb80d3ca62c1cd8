"""Folders and files the program makes beside the record are private (0700 / 0600) even
under umask 000: the crash log and its folders, the settings file and its folder."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NOW


@pytest.fixture
def no_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_crash_log_and_every_folder_made_for_it_are_private_under_umask_000(
    tmp_path: Path,
    no_umask: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ui.app import install_crash_hook

    data = tmp_path / "share" / "Treatment Tracker"  # none of it exists yet
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_crash_hook(data / "logs")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    log = data / "logs" / "crash.log"
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    assert mode(log) == 0o600
    for folder in (tmp_path / "share", data, data / "logs"):
        assert mode(folder) == 0o700, (folder, oct(mode(folder)))
    assert "RuntimeError: boom" in capsys.readouterr().err


def test_crash_log_time_comes_from_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.app import install_crash_hook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_crash_hook(tmp_path, clock=lambda: NOW)
    sys.excepthook(ValueError, ValueError("x"), None)
    assert f"--- {NOW.isoformat()}\n" in (tmp_path / "crash.log").read_text(encoding="utf-8")


def test_a_crash_log_left_readable_by_others_is_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.app import install_crash_hook

    logs = tmp_path / "logs"
    logs.mkdir(mode=0o755)
    (logs / "crash.log").write_text("old\n")
    (logs / "crash.log").chmod(0o644)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_crash_hook(logs)
    sys.excepthook(ValueError, ValueError("again"), None)
    assert mode(logs / "crash.log") == 0o600 and mode(logs) == 0o700
    assert (logs / "crash.log").read_text().startswith("old\n")


def test_settings_file_and_its_folders_are_private_under_umask_000(
    qapp, tmp_path: Path, no_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from ui.settings import Settings

    before = QSettings()  # where the user's settings live: put back afterwards
    original = Path(before.fileName()).parent.parent
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config")
    )
    try:
        settings = Settings()  # the user's own settings file, as the window uses it
        settings.last_view = "counts"
        settings.sync()
        (path,) = (tmp_path / "config").rglob("*.conf")
        assert mode(path) == 0o600, oct(mode(path))
        folder = path.parent
        while folder != tmp_path:
            assert mode(folder) == 0o700, (folder, oct(mode(folder)))
            folder = folder.parent
    finally:
        QSettings.setPath(
            QSettings.Format.NativeFormat,
            QSettings.Scope.UserScope,
            str(original),
        )
