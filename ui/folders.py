"""Where the program keeps its own files on this computer (Qt's per-user data folder)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def data_folder() -> Path:
    """The program's folder for the family's record and its logs (not yet made)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def default_record_path() -> Path:
    """The record's usual place: the one the program opens when it is not given a file."""
    return data_folder() / "record.sqlite"
