"""The "Discard what you typed?" question stands over the dialog's buttons, not over the
form it asks about (walk-through of issue 13, finding 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from gui_helpers import type_text
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.dialogs.agenda import QuestionDialog
from ui.interaction import Interaction

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

REAL_QUESTION = Interaction.confirm_discard  # before the fixture answers it for every test


def test_the_discard_question_leaves_the_form_visible(qtbot, child, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Interaction, "confirm_discard", REAL_QUESTION)
    dialog = QuestionDialog(None, child, dt.date(2026, 11, 24))
    qtbot.addWidget(dialog)
    dialog.resize(560, 420)
    dialog.show()
    room = dialog.screen().availableGeometry()
    dialog.move(room.center().x() - 280, room.top() + 20)
    type_text(dialog.field("text"), "Ask about the next LP")
    seen: dict[str, object] = {}

    def look() -> None:
        windows = [QApplication.activeModalWidget(), *QApplication.topLevelWidgets()]
        boxes = [w for w in windows if isinstance(w, QMessageBox)]
        box = next((b for b in boxes if b.isVisible()), None)
        if box is None or "box" in seen:
            return
        seen["title"] = box.windowTitle()
        seen["box"] = box.frameGeometry()
        box.reject()  # Esc: keep editing

    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(look)
    timer.start()
    try:
        dialog.reject()
    finally:
        timer.stop()
    last = dialog.field("answer")  # the form's last field
    form_bottom = last.mapToGlobal(last.rect().bottomLeft()).y()
    kept_editing = dialog.isVisible()
    dialog.done(0)  # closed before any assert (a failure must not leave the question open)
    assert seen["title"] == "Discard what you typed?"
    assert seen["box"].top() > form_bottom  # every field typed in stays in sight
    assert room.contains(seen["box"])
    assert kept_editing
