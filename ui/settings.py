"""Typed settings over QSettings: window state and preferences, never medical data."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from tracker.display import UnitPreference
from tracker.i18n import LANGUAGES
from tracker.store import durable

SETTINGS_VERSION = 1


def private_settings() -> QSettings:
    """The user's settings, in a file made 0600 in 0700 folders before Qt first writes it
    (Qt follows the umask: 0666 and 0777 under umask 000) and kept so by Qt's saves."""
    store = QSettings()
    path = Path(store.fileName())
    if store.format() is QSettings.Format.NativeFormat and path.is_absolute() and os.name != "nt":
        try:
            durable.private_folder(path.parent)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
            try:
                if os.fstat(fd).st_uid == os.getuid():
                    os.fchmod(fd, 0o600)
            finally:
                os.close(fd)
        except OSError:
            pass  # window sizes only: the program works without them
    return store


class Settings:
    """Window geometry and the view last shown; versioned so later releases can upgrade."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._s = store if store is not None else private_settings()
        if int(self._s.value("settings_version", 0) or 0) < SETTINGS_VERSION:
            self._s.setValue("settings_version", SETTINGS_VERSION)

    @staticmethod
    def screen_key(name: str, width: int, height: int, ratio: float) -> str:
        """The key of a screen's window size: its name, logical size and device pixel ratio
        ("HDMI-1 1920x1080@2"), so a laptop's screen, a monitor and a change of scaling
        each keep their own size."""
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.strip())[:40]
        size = f"{width}x{height}@{round(ratio, 2):g}"
        return f"{safe} {size}" if safe else size

    def geometry_for(self, screen: str) -> QByteArray | None:
        """The window's geometry last left on the screen ``screen`` (screen_key), or None."""
        value = self._s.value(f"window/geometry/{screen}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry_for(self, screen: str, value: QByteArray) -> None:
        self._s.setValue(f"window/geometry/{screen}", value)

    @property
    def window_state(self) -> QByteArray | None:
        value = self._s.value("window/state")
        return value if isinstance(value, QByteArray) else None

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    @property
    def last_view(self) -> str:
        return str(self._s.value("window/last_view", "timeline") or "timeline")

    @last_view.setter
    def last_view(self, value: str) -> None:
        self._s.setValue("window/last_view", value)

    def sync(self) -> None:
        self._s.sync()

    # ------------------------------------------------------------------ reminders

    @staticmethod
    def _quiet_key(record: Path) -> str:
        digest = hashlib.sha256(str(record).encode("utf-8", "surrogatepass")).hexdigest()
        return f"reminders/copy_quiet_until/{digest[:16]}"  # a record's path, not shown

    def copy_reminder_quiet_until(self, record: Path) -> dt.date | None:
        """The day the record's copy reminder may show again after "Not now", or None."""
        try:
            return dt.date.fromisoformat(str(self._s.value(self._quiet_key(record), "")))
        except ValueError:
            return None

    def set_copy_reminder_quiet_until(self, record: Path, day: dt.date) -> None:
        self._s.setValue(self._quiet_key(record), day.isoformat())

    # ------------------------------------------------------------------ timeline

    @property
    def timeline_hidden_lanes(self) -> list[str]:
        value = self._s.value("timeline/hidden_lanes", "")
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v for v in str(value or "").split(",") if v]

    @timeline_hidden_lanes.setter
    def timeline_hidden_lanes(self, keys: list[str]) -> None:
        self._s.setValue("timeline/hidden_lanes", ",".join(keys))

    @property
    def timeline_thresholds(self) -> bool:
        return str(self._s.value("timeline/thresholds", "true")).lower() == "true"

    @timeline_thresholds.setter
    def timeline_thresholds(self, on: bool) -> None:
        self._s.setValue("timeline/thresholds", "true" if on else "false")

    # ------------------------------------------------------------------ display

    @property
    def unit_preference(self) -> UnitPreference:
        value = str(self._s.value("display/units", UnitPreference.AS_REPORTED.value))
        try:
            return UnitPreference(value)
        except ValueError:
            return UnitPreference.AS_REPORTED

    @unit_preference.setter
    def unit_preference(self, value: UnitPreference) -> None:
        self._s.setValue("display/units", value.value)

    @property
    def language(self) -> str:
        """The language chosen in View ▸ Language ("en", "es", "fr"), or "" to follow the
        system."""
        value = str(self._s.value("display/language", "") or "")
        return value if value in LANGUAGES else ""

    @language.setter
    def language(self, code: str) -> None:
        self._s.setValue("display/language", code if code in LANGUAGES else "")

    @property
    def show_grades(self) -> bool:
        """CTCAE grades beside flags (optional, off unless the family turns them on)."""
        return str(self._s.value("display/grades", "false")).lower() == "true"

    @show_grades.setter
    def show_grades(self, on: bool) -> None:
        self._s.setValue("display/grades", "true" if on else "false")
