"""A chart's text alternative: every phase, mark and charted value in a table that a screen
reader walks cell by cell ("Values as a table" beside the timeline and the growth chart).
Enter on a row opens its entry, as Enter on an item of the drawing does.

Signals:
    item_activated(Ref): Enter or a double click on a row.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from tracker.i18n.formats import date_text
from tracker.timeline import Timeline
from tracker.timeline_rows import TimelineRow, timeline_rows


class TimelineValuesTable(QTableWidget):
    item_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("timeline_values")
        self.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Lane"), self.tr("What")])
        self.setAccessibleName(self.tr("Timeline values as a table"))
        self.setAccessibleDescription(
            self.tr("One row per phase, mark or value, oldest first; Enter opens the entry.")
        )
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.rows: list[TimelineRow] = []
        self.activated.connect(self._open)

    def set_timeline(self, timeline: Timeline | None) -> None:
        """Fill the table from ``timeline``, keeping the row of the same entry selected."""
        self.set_rows(timeline_rows(timeline) if timeline is not None else [])

    def set_rows(self, rows: list[TimelineRow]) -> None:
        """Show ``rows`` (a chart's, :mod:`tracker.timeline_rows`), keeping the row of the
        same entry selected."""
        kept = self.rows[self.currentRow()].ref if 0 <= self.currentRow() < len(self.rows) else None
        self.rows = rows
        self.setRowCount(len(self.rows))
        for n, row in enumerate(self.rows):
            for column, text in enumerate((date_text(row.date), row.lane, row.what)):
                item = QTableWidgetItem(text)
                item.setToolTip(row.what)
                self.setItem(n, column, item)
        again = next((n for n, r in enumerate(self.rows) if r.ref == kept), None)
        if again is not None:
            self.setCurrentCell(again, 0)

    def _open(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self.rows):
            self.item_activated.emit(self.rows[index.row()].ref)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)
