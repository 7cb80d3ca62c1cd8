"""The "Discard what you typed?" question stands over the dialog's buttons, not over the
form it asks about (walk-through of issue 13, finding 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from gui_helpers import drive_modal, type_text
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

    def look(box: QMessageBox) -> None:
        seen["title"] = box.windowTitle()
        seen["box"] = box.frameGeometry()
        box.reject()  # Esc: keep editing

    drive_modal(dialog.reject, look)
    field = dialog.field("text")
    field_bottom = field.mapToGlobal(field.rect().bottomLeft()).y()
    assert seen["title"] == "Discard what you typed?"
    assert seen["box"].top() > field_bottom  # the question's text field stays in sight
    assert room.contains(seen["box"])
    assert dialog.isVisible()  # kept editing
    assert QApplication.activeModalWidget() in (dialog, None)
    dialog.done(0)
