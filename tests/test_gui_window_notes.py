"""The window's own notes: file paths shown literally, a read-only record said at once,
a child's name with "&" shown as typed on the delete button."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import fixed_clock
from gui_helpers import ScriptedInteraction

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui


class _Confirming(ScriptedInteraction):
    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def confirm(self, parent, title: str, text: str, action: str) -> bool:  # type: ignore[no-untyped-def]
        self.actions.append(action)
        return False


def _window(qtbot, record, interaction, settings):  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    window = MainWindow(RecordBridge(record), interaction, settings)
    qtbot.addWidget(window)
    return window


def test_file_paths_are_shown_literally(qtbot, tmp_path, interaction, settings) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from tracker.model import Child
    from tracker.store import Record
    from ui.welcome import WelcomeDialog

    folder = tmp_path / "<b>bold<b> &amp;" / "Dropbox"
    folder.mkdir(parents=True)
    path = folder / "record.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    rec.save(Child(name="Ava", birth_date=dt.date(2026, 3, 1)))
    window = _window(qtbot, rec, interaction, settings)
    window.show_safety_notes()
    assert window.record_label.textFormat() == Qt.TextFormat.PlainText
    assert window.record_label.text() == str(path)
    assert window.place_note.isVisibleTo(window)
    assert window.place_note.text.textFormat() == Qt.TextFormat.PlainText
    assert window.reminder.text.textFormat() == Qt.TextFormat.PlainText
    welcome = WelcomeDialog(tmp_path / "<i>x</i>" / "record.sqlite", None, clock=fixed_clock)
    qtbot.addWidget(welcome)
    shown = [
        label
        for label in welcome.findChildren(type(window.record_label))
        if "<i>x</i>" in label.text()
    ]
    assert shown and all(label.textFormat() == Qt.TextFormat.PlainText for label in shown)
    rec.close()


def test_a_record_opened_for_reading_only_is_said_at_once(  # type: ignore[no-untyped-def]
    qtbot, record, child, interaction, settings
) -> None:
    from tracker.store.lock import OnlyReadable

    record._only_readable = OnlyReadable(
        record.path, "the disk it is on cannot be written", "copy it to this computer to change it"
    )
    window = _window(qtbot, record, interaction, settings)
    window.show_safety_notes()
    assert window.place_note.isVisibleTo(window)
    text = window.place_note.text.text()
    assert "reading only" in text and "cannot be written" in text
    assert not window.place_note.move_button.isVisibleTo(window)


def test_a_name_with_an_ampersand_is_not_a_shortcut_on_the_delete_button(  # type: ignore[no-untyped-def]
    qtbot, record, settings
) -> None:
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QPushButton

    from tracker.model import Child

    record.save(Child(name="Tom & Jerry", birth_date=dt.date(2026, 3, 1)))
    answers = _Confirming()
    window = _window(qtbot, record, answers, settings)
    window.delete_child()
    (label,) = answers.actions
    button = QPushButton(label)
    # Alt+D is the button's own letter (every question's buttons have one), never a letter
    # taken from the name
    assert QKeySequence.mnemonic(button.text()) == QKeySequence("Alt+D")
    assert label.replace("&&", "&") == "&Delete Tom & Jerry"


def test_a_new_child_is_not_given_a_sex_or_kmt2a_status_nobody_chose(qtbot, record) -> None:  # type: ignore[no-untyped-def]
    """Left as they open, the choices say "not stated" / "unknown", never the list's first item."""
    from tracker.model import Kmt2aStatus, Sex
    from ui.dialogs.child import ChildDialog

    dialog = ChildDialog(None, record.today())
    qtbot.addWidget(dialog)
    dialog.set_text("name", "Ava")
    dialog.set_text("birth_date", "2026-03-01")
    child = dialog.build()
    assert child.sex is Sex.UNKNOWN and child.kmt2a_status is Kmt2aStatus.UNKNOWN
