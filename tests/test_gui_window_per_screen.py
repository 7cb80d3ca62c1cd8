"""The window's size is kept per screen and scale (issue 15): a laptop's screen, a monitor
and 200 % scaling each keep their own; a screen never seen before gets the first-start size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, QSize

from ui.settings import Settings

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _ini(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_a_screen_is_named_by_its_name_size_and_scale() -> None:
    assert Settings.screen_key("HDMI-1", 1920, 1080, 2.0) == "HDMI-1 1920x1080@2"
    assert Settings.screen_key("", 1024, 600, 1.0) == "1024x600@1"
    assert Settings.screen_key("eDP-1", 1280, 800, 1.25) == "eDP-1 1280x800@1.25"
    # a name with the settings file's separators cannot open a group of its own
    key = Settings.screen_key("\\\\.\\DISPLAY1/left", 2560, 1440, 1.5)
    assert "/" not in key and "\\" not in key
    assert key.endswith(" 2560x1440@1.5")


def test_each_screen_keeps_its_own_geometry(tmp_path: Path) -> None:
    settings = Settings(_ini(tmp_path))
    small, magnified = "1024x600@1", "HDMI-1 960x540@2"
    settings.set_geometry_for(small, QByteArray(b"small"))
    settings.set_geometry_for(magnified, QByteArray(b"magnified"))
    settings.sync()
    again = Settings(_ini(tmp_path))  # read back from the file, as the next start would
    assert again.geometry_for(small) == QByteArray(b"small")
    assert again.geometry_for(magnified) == QByteArray(b"magnified")
    assert again.geometry_for("HDMI-1 1920x1080@1") is None  # same screen, other scale


def test_the_window_size_is_restored_only_on_its_own_screen(
    qtbot, bridge, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow, first_window_size

    first = MainWindow(bridge, interaction, Settings(_ini(tmp_path)))
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(700, 500)
    qtbot.waitUntil(lambda: first.size() == QSize(700, 500))
    here = first.screen_key()
    first.close()

    same = MainWindow(bridge, interaction, Settings(_ini(tmp_path)))
    qtbot.addWidget(same)
    assert same.screen_key() == here
    assert same.size() == QSize(700, 500), "the size left on this screen"

    monkeypatch.setattr(MainWindow, "screen_key", lambda self: "HDMI-1 1920x1080@2")
    other = MainWindow(bridge, interaction, Settings(_ini(tmp_path)))
    qtbot.addWidget(other)
    room = other.screen().availableGeometry().size()
    assert other.size() == first_window_size(room), "a new screen: the first-start size"
    other.resize(640, 480)
    other.close()

    monkeypatch.undo()
    back = MainWindow(bridge, interaction, Settings(_ini(tmp_path)))
    qtbot.addWidget(back)
    assert back.size() == QSize(700, 500), "the other screen's size did not replace this one's"
