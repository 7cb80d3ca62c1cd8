"""The print preview (issue 15: it opened at 38 % in a small window): 80 % of the screen,
centred, the page zoomed to its width, for the summary and the fever card alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _seen_preview(qtbot: Any, dialog: Any) -> dict[str, Any]:
    """Open ``dialog``'s preview, note its size and zoom once shown, and close it."""
    from gui_helpers import drive_modal

    seen: dict[str, Any] = {}

    def look(preview: Any) -> None:
        from ui.printing.preview import GAP, PagesPreview

        if isinstance(preview, PagesPreview):  # the summary's own: fitted unless zoomed
            qtbot.waitUntil(lambda: preview.count() > 0)
            seen.update(
                frame=preview.geometry(),
                room=preview.screen().availableGeometry(),
                mode=QPrintPreviewWidget.ZoomMode.FitToWidth
                if preview.zoom == 1.0
                and preview.page_size().width()
                == preview.scroll.viewport().width() - 2 * GAP
                else None,
            )
            preview.reject()
            return
        assert isinstance(preview, QPrintPreviewDialog), preview
        widget = preview.findChild(QPrintPreviewWidget)
        qtbot.waitUntil(lambda: widget.pageCount() > 0)
        seen.update(
            frame=preview.geometry(),
            room=preview.screen().availableGeometry(),
            mode=widget.zoomMode(),
            zoom=widget.zoomFactor(),
        )
        preview.reject()

    drive_modal(dialog.preview, look)
    return seen


@pytest.mark.parametrize("which", ["summary", "card"])
def test_the_preview_opens_on_most_of_the_screen_at_the_pages_width(
    qtbot, bridge, interaction, which
) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import blood_count

    from ui.printing.card_dialog import PrintCardDialog
    from ui.printing.dialog import PrintSummaryDialog

    child = bridge.current_child()
    bridge.save(blood_count(child, (dt.date(2026, 11, 20)).isoformat(), plt="45 10^9/L"))
    kind = PrintSummaryDialog if which == "summary" else PrintCardDialog
    dialog = kind(bridge, interaction)
    qtbot.addWidget(dialog)
    dialog.show()
    seen = _seen_preview(qtbot, dialog)
    room, frame = seen["room"], seen["frame"]
    assert frame.width() >= room.width() * 0.75 and frame.height() >= room.height() * 0.75, seen
    assert room.contains(frame) and abs(frame.center().x() - room.center().x()) <= 2, seen
    assert seen["mode"] == QPrintPreviewWidget.ZoomMode.FitToWidth, seen
    QApplication.processEvents()
