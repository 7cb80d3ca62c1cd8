"""The print preview both print dialogs open: most of the screen, the page at its width."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QWidget

SCREEN_SHARE = 0.8  # of the screen's room: Qt's own size showed a page at 38 % in a corner


def preview_dialog(
    printer: QPrinter, parent: QWidget, paint: Callable[[QPrinter], None]
) -> QPrintPreviewDialog:
    """A preview of what ``paint`` puts on ``printer``, 80 % of the screen, centred on it,
    zoomed to the page's width (Fit width is the one checked in its tool bar)."""
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.paintRequested.connect(paint)
    room = parent.screen().availableGeometry()
    size = room.size() * SCREEN_SHARE
    frame = QRect(room.topLeft(), size)
    frame.moveCenter(room.center())
    dialog.setGeometry(frame)
    fit_width = dialog.findChild(QAction, "fitWidthAction")
    if fit_width is not None:
        fit_width.trigger()  # the tool bar's button and the zoom both
    widget = dialog.findChild(QPrintPreviewWidget)
    if widget is not None:
        widget.setZoomMode(QPrintPreviewWidget.ZoomMode.FitToWidth)
    return dialog
