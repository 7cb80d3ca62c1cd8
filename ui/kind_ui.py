"""What the screens need to know about a kind of entry beyond its declaration in
``tracker/kinds``: its editor, its Add-menu command, its table and the view showing it.

Each kind's :class:`KindUi` is written beside its dialog (``ui/dialogs/phase.py`` …) and
listed in :mod:`ui.kinds`; the menus, "open this entry" and the tables are built from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from tracker.kinds import Kind, by_key
from tracker.model import Child
from ui.bridge import RecordBridge
from ui.dialogs.base import FormDialog
from ui.models.tables import RecordTableModel


@dataclass(frozen=True)
class Editing:
    """What an editor is opened with: the child, the record's day and the bridge (for
    defaults taken from other entries, such as the lab of the latest blood count)."""

    bridge: RecordBridge
    child: Child
    today: dt.date


Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


@dataclass(frozen=True)
class KindUi:
    """One kind of entry on screen.

    - ``key``: the kind's key in ``tracker.kinds`` ("phase").
    - ``dialog(editing, entry_or_None, parent)``: its editor, for a new entry or an old one.
    - ``add_text`` / ``shortcut``: its command in the Add menu (None: no command there).
    - ``view``: the tab whose table shows it ("" when it has no tab); ``place``: its
      table's place in that view, top first.
    - ``title`` / ``add_button`` / ``empty``: its table's title, Add button and the text
      shown while there is nothing to list; ``model(parent)``: the table's model.
    - ``newest_first``: list the newest entry at the top (the record lists oldest first).
    - ``reads``: other kinds its rows show (a lumbar puncture names its phase): the table is
      refreshed when they change and its model is given them (``set_related``).
    - ``recent_days``: list only the entries of the last so many days (by the kind's first
      date rule's field): a log of daily doses, not years of them.
    """

    key: str
    dialog: Callable[[Editing, Any, QWidget | None], FormDialog]
    view: str
    title: str
    add_button: str
    empty: str
    model: Callable[[QObject | None], RecordTableModel[Any]]
    add_text: str | None = None
    shortcut: Shortcut = None
    place: int = 0
    newest_first: bool = False
    reads: tuple[str, ...] = ()
    recent_days: int | None = None

    @property
    def kind(self) -> Kind[Any]:
        return by_key(self.key)


def edit_entry(ui: KindUi, bridge: RecordBridge, entry: Any, parent: QWidget | None) -> Any:
    """Open the editor of ``entry`` (None: a new one) over ``parent``; its Save saves
    through the bridge (one undo step) and keeps it open when the record refuses.
    Gives the saved entry, or None when nothing was saved."""
    child = bridge.current_child()
    if child is None or child.id is None:
        return None
    dialog = ui.dialog(Editing(bridge, child, bridge.record.today()), entry, parent)
    dialog.submit = bridge.save
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.value if accepted else None
