"""Focus rings a parent can see: where the keyboard is, in a 2-pixel outline of the palette's
highlight colour on buttons, fields and item views (the platform style's own is a thin,
faint line).  Everything else is drawn by the platform style (QProxyStyle)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QProxyStyle, QStyle, QStyleOption, QWidget

RING = 2  # pixels


def draw_ring(painter: QPainter, rect: QRect, option: QStyleOption) -> None:
    """A 2-pixel outline just inside ``rect`` in the highlight colour."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    pen = QPen(option.palette.color(QPalette.ColorRole.Highlight), RING)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect.adjusted(1, 1, -1, -1))
    painter.restore()


class FocusRingStyle(QProxyStyle):
    """The platform style with a visible focus ring."""

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        if metric == QStyle.PixelMetric.PM_DefaultFrameWidth and isinstance(
            widget, QAbstractItemView
        ):
            return RING  # room for the ring around a list's rows (else they cover half)
        return int(super().pixelMetric(metric, option, widget))

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            draw_ring(painter, option.rect, option)  # buttons, check boxes, an item's cell
            return
        super().drawPrimitive(element, option, painter, widget)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        if focused and element in (
            QStyle.PrimitiveElement.PE_FrameLineEdit,
            QStyle.PrimitiveElement.PE_PanelLineEdit,
        ):
            draw_ring(painter, option.rect, option)  # fields

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        if element == QStyle.ControlElement.CE_PushButton and focused:
            draw_ring(painter, option.rect, option)  # buttons
        elif (
            element == QStyle.ControlElement.CE_ShapedFrame
            and isinstance(widget, QAbstractItemView)
            and widget.hasFocus()
        ):
            draw_ring(painter, option.rect, option)  # lists and tables

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if (
            control in (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)
            and option.state & QStyle.StateFlag.State_HasFocus
        ):
            draw_ring(painter, option.rect, option)  # choices, numbers
