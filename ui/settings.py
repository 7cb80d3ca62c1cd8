"""Typed settings over QSettings: window state and preferences, never medical data."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from tracker.display import UnitPreference

SETTINGS_VERSION = 1


class Settings:
    """Window geometry and the view last shown; versioned so later releases can upgrade."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._s = store if store is not None else QSettings()
        if int(self._s.value("settings_version", 0) or 0) < SETTINGS_VERSION:
            self._s.setValue("settings_version", SETTINGS_VERSION)

    @property
    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

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
    def show_grades(self) -> bool:
        """CTCAE grades beside flags (optional, off unless the family turns them on)."""
        return str(self._s.value("display/grades", "false")).lower() == "true"

    @show_grades.setter
    def show_grades(self, on: bool) -> None:
        self._s.setValue("display/grades", "true" if on else "false")
