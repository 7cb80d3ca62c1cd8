"""What the family hears when the record file is damaged: one message, said once per
window, and the words a view shows in place of what it could not read.

The structural check of the start (``ui/start.py``) and any read that meets the damage
(``RecordBridge``'s ``damaged``) both come here.  SQLite's own words stay out of it (they
are for the crash log); the advice depends on whether a backup of the record exists.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from tracker.i18n import tr
from ui.interaction import Interaction


def has_backup(record_path: Path) -> bool:
    """Whether a backup of the record is there to restore (File ▸ Restore from backup…)."""
    from tracker.store.backup import list_backups

    try:
        return bool(list_backups(record_path, verify=False))
    except (OSError, ValueError):
        return False


def what_to_do(record_path: Path) -> str:
    """The advice: restore a backup when there is one, else keep the file and ask."""
    if has_backup(record_path):
        return tr(
            "Use File ▸ Restore from backup… to put a backup in its place (the damaged "
            "file is kept beside it)."
        )
    return tr(
        "There is no backup of it to restore. Keep the file as it is (do not delete it), "
        "and ask for help; you can open a copy of it to see what can still be read."
    )


def damage_text(record_path: Path) -> str:
    """The one damage message, in plain words."""
    return (
        tr(
            "The record file {path} is damaged: part of it cannot be read. It has not been "
            "changed, and no changes can be saved into it now."
        ).format(path=record_path)
        + "\n\n"
        + what_to_do(record_path)
    )


def unreadable_text(record_path: Path) -> str:
    """What a view shows when its read met the damage (not "nothing recorded yet")."""
    return (
        tr(
            "This part of the record cannot be read because the record file is damaged. "
            "What was saved here is not shown, but it has not been deleted."
        )
        + " "
        + what_to_do(record_path)
    )


class DamageNotice:
    """Says the damage message once, however many reads or checks find the damage (for
    one window; :func:`tell_damage` for the crash hook's, once for the program)."""

    def __init__(self, interaction: Interaction) -> None:
        self.interaction = interaction
        self.told = False

    def tell(self, parent: QWidget | None, record_path: Path) -> None:
        if self.told:
            return
        self.told = True
        _told.add(record_path)
        self.interaction.error(parent, tr("The record is damaged"), damage_text(record_path))


_told: set[Path] = set()  # the record files the damage message was said for


def tell_damage(interaction: Interaction, parent: QWidget | None, record_path: Path) -> None:
    """Say the damage message for ``record_path``, once in the program's life."""
    if record_path in _told:
        return
    _told.add(record_path)
    interaction.error(parent, tr("The record is damaged"), damage_text(record_path))
