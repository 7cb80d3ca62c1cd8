"""Every message box and file picker goes through one object that tests replace.

Typed text is shown as typed, never as HTML: Qt guesses "rich text" from anything that
looks like a tag (``Qt.mightBeRichText``), so a child called ``<img src=file:///…>``
would make a label load a file.  Labels and message boxes that show typed text are
:func:`plain` text; tooltips, which Qt always guesses about, go through
:func:`plain_tooltip`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

_Showing = TypeVar("_Showing", QLabel, QMessageBox)


def plain(widget: _Showing) -> _Showing:
    """``widget`` (a label or message box) shows its text literally, tags and all."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label for text that may hold something the family typed."""
    label = plain(QLabel(parent))
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally, line breaks kept.  Tooltips have no
    plain-text switch, so text that Qt could take for HTML (anything with ``<`` or ``&``)
    is escaped inside a paragraph Qt reads as rich text; other text is shown as it is."""
    if "<" not in text and "&" not in text:
        return text
    return "<p style='white-space:pre-wrap'>" + html.escape(text, quote=False) + "</p>"


def _box(
    icon: QMessageBox.Icon,
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    box = plain(QMessageBox(icon, title, "", buttons, parent))
    box.setText(text)
    return box


class Interaction:
    """Asks the user things.  Tests pass a subclass with scripted answers."""

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        box = _box(
            QMessageBox.Icon.Question, parent, title, text, QMessageBox.StandardButton.NoButton
        )
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        _box(QMessageBox.Icon.Warning, parent, title, text).exec()

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        _box(QMessageBox.Icon.Information, parent, title, text).exec()

    def save_file(
        self, parent: QWidget | None, title: str, suggested: Path, filter_: str
    ) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filter_)
        return Path(name) if name else None

    def open_file(
        self, parent: QWidget | None, title: str, folder: Path, filter_: str
    ) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, str(folder), filter_)
        return Path(name) if name else None

    def choose_date_order(self, parent: QWidget | None, parsed: object) -> bool | None:
        """Day-first (True) or month-first (False) for a file whose dates could be either."""
        from ui.dialogs.import_csv import ask_date_order

        return ask_date_order(parent, parsed)  # type: ignore[arg-type]

    def confirm_import(
        self, parent: QWidget | None, plan: object, path: Path, identity: object = None
    ) -> bool:
        """Show the import preview; True when the family chose Import."""
        from ui.dialogs.import_csv import ImportPreviewDialog

        dialog = ImportPreviewDialog(plan, path, parent, identity)  # type: ignore[arg-type]
        return dialog.exec() == ImportPreviewDialog.DialogCode.Accepted

    def choose_backup(self, parent: QWidget | None, items: list) -> object | None:  # type: ignore[type-arg]
        """The backup the family picks in the restore list, or None."""
        from ui.safety import RestoreDialog

        dialog = RestoreDialog(items, parent)
        if dialog.exec() == RestoreDialog.DialogCode.Accepted:
            return dialog.chosen()
        return None
