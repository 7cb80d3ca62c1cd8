"""The growth chart on screen: a widget (hover, Tab through the points, Enter opens one)
and the window it is shown in, opened from the Growth table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from tracker.growth_chart import GrowthChart, GrowthPoint, build_growth_chart
from tracker.kinds import Changes
from tracker.model import Growth
from tracker.timeline import Ref
from tracker.timeline_rows import growth_rows
from ui.bridge import RecordBridge
from ui.contrast import chart_paper
from ui.growth_chart.painter import GrowthChartPainter
from ui.plain import plain_tooltip
from ui.screen_fit import fit_when_shown
from ui.timeline.values_table import TimelineValuesTable


class GrowthChartWidget(QWidget):
    """Draws a :class:`GrowthChart`; each point's tooltip holds the value as typed.

    Signals:
        item_activated(Ref): a point was clicked, or Entered after Tab chose it.
    """

    item_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(360, 300)
        self.setAccessibleName(self.tr("Growth chart"))
        self.setAccessibleDescription(
            self.tr(
                "Weight, length/height and head circumference by age: the child's own "
                "measurements, with no reference curves. Tab moves between the points, "
                "Enter opens one."
            )
        )
        self.painter = GrowthChartPainter()
        self.chart: GrowthChart | None = None
        self._focused: tuple[Ref, str] | None = None

    def sizeHint(self) -> QSize:
        return QSize(860, 520)

    def set_chart(self, chart: GrowthChart) -> None:
        self.chart = chart
        if self._focused is not None and self._item(self._focused) is None:
            self._focused = None
        self.update()

    # ------------------------------------------------------------------ points

    def items(self) -> list[tuple[str, GrowthPoint, QPointF]]:
        """Every point as drawn now: (measure, point, where), in the order Tab takes."""
        if self.chart is None:
            return []
        return self.painter.positions(
            self.chart, QRectF(self.rect()), self.painter.font(self.font())
        )

    def _item(self, key: tuple[Ref, str]) -> tuple[str, GrowthPoint, QPointF] | None:
        return next((i for i in self.items() if (i[1].ref, i[0]) == key), None)

    def point_at(self, pos: QPointF) -> tuple[str, GrowthPoint, QPointF] | None:
        best: tuple[str, GrowthPoint, QPointF] | None = None
        distance = 8.0**2
        for item in self.items():
            d = (item[2].x() - pos.x()) ** 2 + (item[2].y() - pos.y()) ** 2
            if d <= distance:
                best, distance = item, d
        return best

    def focused(self) -> tuple[str, GrowthPoint, QPointF] | None:
        return self._item(self._focused) if self._focused is not None else None

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.fillRect(self.rect(), chart_paper(self.palette()))  # its ink reads on it
            if self.chart is None:
                return
            self.painter.paint(p, QRectF(self.rect()), self.chart, self._focused)
            if self.hasFocus():
                p.setPen(QColor("#0072B2"))
                p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        finally:
            p.end()

    # ------------------------------------------------------------------ events

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            item = self.point_at(QPointF(e.pos()))  # type: ignore[attr-defined]
            if item is not None:
                self._tip(e.globalPos(), item[1].tooltip)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def _tip(self, where: QPoint, text: str) -> None:
        """Typed text (who measured) shown as typed, never as HTML."""
        QToolTip.showText(where, plain_tooltip(text), self)

    def mouseMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        near = self.point_at(event.position())
        self.setCursor(Qt.CursorShape.PointingHandCursor if near else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.point_at(event.position())
            if item is not None:
                self._focused = (item[1].ref, item[0])
                self.update()
                self.item_activated.emit(item[1].ref)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focused() is not None:
            item = self.focused()
            assert item is not None
            self.item_activated.emit(item[1].ref)
            event.accept()
            return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab walks through the points (by age); past the last, focus leaves the chart."""
        items = self.items()
        current = self.focused()
        if current is None:
            nxt = 0 if forward else len(items) - 1
        else:
            nxt = items.index(current) + (1 if forward else -1)
        if 0 <= nxt < len(items):
            key, point, at = items[nxt]
            self._focused = (point.ref, key)
            self.update()
            self._tip(self.mapToGlobal(at.toPoint() + QPoint(8, 8)), point.tooltip)
            return True
        self._focused = None
        self.update()
        return super().focusNextPrevChild(forward)


class GrowthChartDialog(QDialog):
    """The growth chart of the current child, kept up to date while it is open; a point
    clicked or Entered opens its growth measurement's editor."""

    def __init__(self, bridge: RecordBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        fit_when_shown(self)  # never larger than the screen
        self.bridge = bridge
        child = bridge.current_child()
        name = child.name if child is not None else ""
        self.setWindowTitle(self.tr("Growth chart — {name}").format(name=name))
        self.chart = GrowthChartWidget(self)
        self.chart.item_activated.connect(self._open)
        # the text alternative: every measurement as a row a screen reader walks
        self.values = TimelineValuesTable(self)
        self.values.setAccessibleName(self.tr("Growth measurements as a table"))
        self.values.item_activated.connect(self._open)
        self.values.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        # its own Alt letter: without one Alt+C fell through to the next Alt key
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("&Close"))
        buttons.rejected.connect(self.reject)
        self.values_button = buttons.addButton(
            self.tr("Values as a &table"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.values_button.setCheckable(True)
        self.values_button.toggled.connect(self._show_values)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.values, 1)
        layout.addWidget(buttons)
        bridge.changed.connect(self._changed)
        self.refresh()
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:  # fits a 1024x600 screen, and is not tiny on a large one
            self.resize(min(900, screen.width() - 40), min(620, screen.height() - 60))
        self.chart.setFocus()

    def _show_values(self, on: bool) -> None:
        self.chart.setVisible(not on)
        self.values.setVisible(on)
        (self.values if on else self.chart).setFocus(Qt.FocusReason.OtherFocusReason)

    def done(self, result: int) -> None:
        self.bridge.changed.disconnect(self._changed)  # closed: no more reading on changes
        super().done(result)

    def _changed(self, changes: Changes | None) -> None:
        if changes is None or changes.touches(Growth):
            self.refresh()

    def refresh(self) -> None:
        child = self.bridge.current_child()
        entries = (
            self.bridge.record.entries(Growth, child.id)
            if child is not None and child.id is not None
            else []
        )
        if child is not None:
            chart = build_growth_chart(entries, child.birth_date)
            self.chart.set_chart(chart)
            self.values.set_rows(growth_rows(chart))

    def _open(self, ref: Ref) -> None:
        from ui.kind_ui import edit_entry
        from ui.kinds import ui_kind

        child = self.bridge.current_child()
        if child is None or child.id is None:
            return
        entry = next(
            (g for g in self.bridge.record.entries(Growth, child.id) if g.id == ref.id), None
        )
        if entry is not None:
            edit_entry(ui_kind("growth"), self.bridge, entry, self)
