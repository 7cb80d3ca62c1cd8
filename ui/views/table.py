"""The table of one kind of entry, titled, with Add, Edit and Delete: filled from the
record (``record.entries``), refreshed when its kind changed, deleting through the bridge
(one undo step).  Enter or double-click edits, Delete deletes, Insert adds; Alt+I and
Alt+L too, in the table of a tab the keyboard is in (:meth:`RecordTable.set_keys_here`).
The table with the keyboard focus has a frame of the focus colour.

Cost on a long history: the rows are read once per refresh (through the bridge's shared
lists, :meth:`ui.bridge.RecordBridge.entries`), each cell is written out only when Qt asks
for it (the model's ``data``), and the columns are measured once per refresh from the first
:data:`MEASURED_ROWS` rows, not again at every resize nor over every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import N_, tr
from tracker.kinds import Changes, by_key
from tracker.kinds.fields import Link
from tracker.store import RecordDamaged
from ui.bridge import RecordBridge
from ui.contrast import hint_style
from ui.damage import unreadable_text
from ui.kind_ui import KindUi
from ui.models.tables import RecordTableModel

# The list with the keyboard focus is framed in the focus colour; the others have a thin
# grey frame of the same overall width, so nothing moves when the focus does.
# (Not "QAbstractItemView": a header is one too, and would be framed inside the table.)
FOCUS_FRAME = (
    "QTableView, QTreeView, QListView { border: 1px solid #a0a4a8; padding: 1px; }"
    " QTableView:focus, QTreeView:focus, QListView:focus"
    " { border: 2px solid palette(highlight); padding: 0px; }"
)

# The rows the columns' widths are measured from (each refresh): what a screen shows and
# more; measuring 5,000 rows cost half a second, and measuring again at every resize of
# the window (Qt's ResizeToContents) cost as much as the first reading of the rows.
MEASURED_ROWS = 60

# Edit and Delete of the table the keyboard is in (the others' without the letters).
EDIT_TEXT = N_("Ed&it…")  # E is the Edit menu's
DELETE_TEXT = N_("De&lete")


def without_letter(text: str) -> str:
    """``text`` without its Alt letter ("Ed&it…" → "Edit…"; "&&" stays a "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&&")


class KeyTableView(QTableView):
    """A table whose Enter, Delete and Insert act on its rows, only while it has focus."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key_actions: dict[Qt.Key, Callable[[], object]] = {}
        self.setStyleSheet(FOCUS_FRAME)
        self._last = -1  # the column that takes what is left (stretch_last_column)
        self._fitting = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.key_actions.get(Qt.Key(event.key()))
        if action is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            action()
            event.accept()
            return
        super().keyPressEvent(event)

    def fit_columns(self) -> None:
        """Size the columns to their titles and contents, measured once now from the first
        :data:`MEASURED_ROWS` rows (and those on screen); the family may widen a column
        by hand, and it stays so until the rows are read again."""
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(MEASURED_ROWS)
        last = self._last
        self._fitting = True
        try:
            for column in range(header.count()):
                if column != last and not header.isSectionHidden(column):
                    width = max(header.sectionSizeHint(column), self.sizeHintForColumn(column))
                    if header.sectionSize(column) != width:
                        header.resizeSection(column, width)
        finally:
            self._fitting = False
        self._fit_last()

    def stretch_last_column(self) -> None:
        """The last column takes the room the others leave, but never less than its title
        needs: Qt's own stretch squeezed "What the team said" to "hat the team" at 1024
        pixels; now the table scrolls sideways instead."""
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        self._last = self.model().columnCount() - 1
        if self._last < 0:
            return
        header.setSectionResizeMode(self._last, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(lambda *_: self._fit_last())

    def _fit_last(self) -> None:
        header = self.horizontalHeader()
        last = self._last
        if self._fitting or last < 0 or last >= header.count() or header.isSectionHidden(last):
            return
        others = sum(
            header.sectionSize(i)
            for i in range(header.count())
            if i != last and not header.isSectionHidden(i)
        )
        want = max(header.sectionSizeHint(last), self.viewport().width() - others)
        if header.sectionSize(last) != want:
            self._fitting = True
            try:
                header.resizeSection(last, want)
            finally:
                self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_last()


class RecordTable(QWidget):
    """The table of one kind of entry (its :class:`~ui.kind_ui.KindUi`), with Add, Edit and
    Delete buttons.  Delete deletes through the bridge; Add and Edit are asked for (the
    view around the table opens the editor).

    Signals:
        add_requested(), edit_requested(object), delete_requested(object),
        entered(): the keyboard focus came into the table or one of its buttons,
        reloaded(): the rows were read again, the selection put back (:meth:`reload`)
    """

    add_requested = Signal()
    edit_requested = Signal(object)
    delete_requested = Signal(object)
    entered = Signal()
    reloaded = Signal()

    def __init__(
        self,
        ui: KindUi,
        bridge: RecordBridge,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.bridge = bridge
        self.reloading = False  # while the rows are read again (the selection comes back)
        self.model: RecordTableModel[Any] = ui.model(self)
        title = tr(ui.title)
        add_text = tr(ui.add_button)
        empty_text = tr(ui.empty)
        self.title = QLabel(f"<h3>{title}</h3>", self)
        self.add_button = QPushButton(add_text, self)
        self.edit_button = QPushButton(self)
        self.edit_button.setToolTip(self.tr("Edit the selected row (Enter; Alt+I)"))
        self.delete_button = QPushButton(self)
        self.delete_button.setToolTip(
            self.tr("Delete the selected row (Delete; Alt+L; Ctrl+Z undoes it)")
        )
        self.set_keys_here(True)
        self.empty = QLabel(empty_text, self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(hint_style() + " padding: 12px;")
        self.table = KeyTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)  # long notes end in "…"; the tooltip shows them whole
        self.table.verticalHeader().hide()
        # Sized to their contents once per refresh (fit_columns), not at every resize.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.stretch_last_column()  # the last (notes) takes what is left, not more
        self.table.setAccessibleName(title)
        self.table.doubleClicked.connect(lambda _index: self._edit())
        self.table.key_actions = {
            Qt.Key.Key_Return: self._edit,
            Qt.Key.Key_Enter: self._edit,
            Qt.Key.Key_Delete: self._delete,
            Qt.Key.Key_Insert: self.add_requested.emit,
        }
        for widget in (self.table, self.add_button, self.edit_button, self.delete_button):
            widget.installEventFilter(self)
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.title)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        self._buttons = buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.selection_changed()
        self.table.selectionModel().selectionChanged.connect(self.selection_changed)
        self.table.selectionModel().currentChanged.connect(self._select_current)
        self.model.modelReset.connect(self.selection_changed)
        self.model.modelReset.connect(self.table.fit_columns)
        self.delete_requested.connect(self._delete_entry)

    def add_command(self, button: QPushButton) -> None:
        """Put a command of the view's own beside Add, Edit and Delete (the Growth table's
        chart)."""
        self._buttons.insertWidget(self._buttons.indexOf(self.add_button), button)
        button.installEventFilter(self)

    def set_keys_here(self, here: bool) -> None:
        """Give Edit and Delete their Alt letters (I, L), or take them away: of the tables
        of a tab, only the one the keyboard is in has them, so Alt+I edits there."""
        edit, delete = self.tr(EDIT_TEXT), self.tr(DELETE_TEXT)
        self.edit_button.setText(edit if here else without_letter(edit))
        self.delete_button.setText(delete if here else without_letter(delete))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self.entered.emit()
        return super().eventFilter(watched, event)

    def touched(self, changes: Changes) -> bool:
        """Did ``changes`` touch what the table shows (its kind, or one it reads)?"""
        return changes.touches(self.ui.key, *self.ui.reads)

    def fill(self, keep_selection: bool = True) -> None:
        """Show the current child's entries of the kind, read from the record (the whole
        list through the bridge's shared lists: read once however many screens show it)."""
        child_id = self.bridge.child_id
        record = self.bridge.record
        if child_id is None:
            items: list[Any] = []
            related: dict[str, list[Any]] = {key: [] for key in self.ui.reads}
        else:
            kind = self.ui.kind
            if self.ui.recent_days is not None and kind.dates:
                since = record.today() - dt.timedelta(days=self.ui.recent_days)
                try:
                    items = record.entries_since(kind.model, child_id, kind.dates[0].field, since)
                except RecordDamaged:
                    items = []
                    self.bridge.met_damage(self.ui.key)
                else:
                    self.bridge.unreadable.discard(self.ui.key)
            else:
                items = self.bridge.entries(kind.model, child_id)
            related = {
                key: self.bridge.entries(by_key(key).model, child_id) for key in self.ui.reads
            }
        if self.ui.newest_first:
            items.reverse()
        self.model.set_related(related)
        if keep_selection:
            self.reload(items)
        else:
            self.reloading = True
            try:
                self.model.reload(items)
            finally:
                self.reloading = False
            self.reloaded.emit()

    def _delete_entry(self, entry: Any) -> None:
        self.bridge.delete(self.ui.kind.model, entry.id)

    def reload(self, items: Sequence[Any]) -> None:
        """Show ``items``, keeping the selection on the same entry (by uid) across an undo
        or redo: on the entry that took its place when one follows it (a dose change done
        again), on the one it followed when it is gone (a dose change undone), on the one
        entry that came back when none was selected (a delete undone)."""
        current, before = self.selected(), self.uids()
        self.reloading = True  # the selection goes and comes back: see ``reloaded``
        try:
            self.model.reload(items)
            self.reselect(current, before, items)
        finally:
            self.reloading = False
        self.reloaded.emit()

    def uids(self) -> set[str | None]:
        """The uids of the entries shown (before a reload: see :meth:`reselect`)."""
        return {getattr(item, "uid", None) for item in self.model.items()}

    def reselect(self, current: Any, before: set[str | None], items: Sequence[Any]) -> None:
        """Select again after a reload, as :meth:`reload` says (``current``: the entry
        selected before it, ``before``: the uids shown before it)."""
        came = [item for item in items if getattr(item, "uid", None) not in before]
        by_uid = {getattr(item, "uid", None): item for item in items}
        follows = [link.name for link in self.ui.kind.fields if self._links_here(link)]
        chosen: Any = None
        if current is not None:
            current_id = getattr(current, "id", None)
            after = [e for e in came if any(getattr(e, f) == current_id for f in follows)]
            chosen = after[0] if after else by_uid.get(getattr(current, "uid", None))
            if chosen is None:
                followed = {getattr(current, f) for f in follows} - {None}
                chosen = next((e for e in items if getattr(e, "id", None) in followed), None)
        elif len(came) == 1 and before:
            chosen = came[0]
        if chosen is not None:
            self.select_id(getattr(chosen, "id", None))

    def _links_here(self, field: Any) -> bool:
        """Whether ``field`` links an entry to another of the same kind (``follows_id``)."""
        return isinstance(field, Link) and field.target == self.ui.key

    def selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            index = self.table.currentIndex()
            if not index.isValid():
                return None
            return self.model.item(index.row())
        return self.model.item(rows[0].row())

    def select_id(self, item_id: int | None) -> None:
        row = self.model.row_of(item_id) if item_id is not None else -1
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def _select_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The row the cursor is on is the selected row: tabbing into the table puts the
        cursor on a row without selecting it, and its commands stayed grey until Space."""
        selection = self.table.selectionModel()
        if current.isValid() and not selection.isRowSelected(current.row()):
            selection.select(
                current,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def selection_changed(self, *_: object) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        empty = self.model.rowCount() == 0
        if empty:  # nothing recorded yet, or a read that met damage in the file
            damaged = self.bridge.read_failed(self.ui.key, *self.ui.reads)
            self.empty.setText(
                unreadable_text(self.bridge.record.path) if damaged else tr(self.ui.empty)
            )
        self.empty.setVisible(empty)

    def _edit(self) -> None:
        item = self.selected()
        if item is not None:
            self.edit_requested.emit(item)

    def _delete(self) -> None:
        item = self.selected()
        if item is not None:
            self.delete_requested.emit(item)
