"""Every message box and file picker goes through one object that tests replace.

No other module of ``ui/`` uses ``QMessageBox``, ``QFileDialog`` or ``QInputDialog``
(tests/test_layering.py keeps it so).  The main window carries the program's
:class:`Interaction` (built in ``ui/app.py``); a dialog finds it through its parents
(:func:`interaction_of`).  Message boxes show their text as typed (:mod:`ui.plain`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from ui.plain import plain
from ui.screen_fit import fit_when_shown

if TYPE_CHECKING:  # the dialogs are imported when first asked for: not at the start
    from tracker.io.csv_import import FileIdentity, ImportPlan, ParsedFile
    from tracker.store.backup_file import BackupInfo


def _box(
    icon: QMessageBox.Icon,
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    box = plain(QMessageBox(icon, title, "", buttons, parent))
    box.setText(text)
    fit_when_shown(box)  # on the screen, however long the text
    return box


def below_the_form(box: QMessageBox, dialog: QWidget) -> None:
    """Put ``box`` over ``dialog``'s bottom edge (its buttons), not over the middle of the
    form it asks about, and on the screen."""
    box.adjustSize()
    frame = dialog.frameGeometry()
    size = box.sizeHint()
    x = frame.center().x() - size.width() // 2
    y = frame.bottom() - size.height() // 3
    room = dialog.screen().availableGeometry()
    x = max(room.left(), min(x, room.right() - size.width()))
    y = max(room.top(), min(y, room.bottom() - size.height()))
    box.move(x, y)


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

    def choose(
        self, parent: QWidget | None, title: str, text: str, choices: list[str]
    ) -> int | None:
        """Which of ``choices`` (button texts, with their & keys) the family picks, by its
        index, or None for Cancel (also Esc, and the default)."""
        box = _box(
            QMessageBox.Icon.Question, parent, title, text, QMessageBox.StandardButton.NoButton
        )
        buttons = [box.addButton(c, QMessageBox.ButtonRole.AcceptRole) for c in choices]
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return next((i for i, b in enumerate(buttons) if b is clicked), None)

    def ask_text(
        self, parent: QWidget | None, title: str, label: str, text: str = ""
    ) -> str | None:
        """One line typed in answer (``text`` to start from), or None when cancelled."""
        typed, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
        return typed if ok else None

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

    def open_folder(self, parent: QWidget | None, title: str, folder: Path) -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, title, str(folder))
        return Path(name) if name else None

    def confirm_discard(self, parent: QWidget) -> bool:
        """Asked when Cancel, Esc or the close button would throw typed text away."""
        box = _box(
            QMessageBox.Icon.Question,
            parent,
            parent.tr("Discard what you typed?"),
            parent.tr("You have typed something that is not saved yet. Close without saving?"),
            QMessageBox.StandardButton.NoButton,
        )
        discard = box.addButton(parent.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(parent.tr("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        below_the_form(box, parent)
        box.exec()
        return box.clickedButton() is discard

    def choose_date_order(self, parent: QWidget, parsed: ParsedFile) -> bool | None:
        """Day-first (True) or month-first (False) for a file whose dates could be either;
        None if the family cancels."""
        box = _box(  # quotes a date from the file
            QMessageBox.Icon.Question,
            parent,
            parent.tr("Which date order?"),
            parsed.date_order_question(),
            QMessageBox.StandardButton.NoButton,
        )
        day = box.addButton(parent.tr("&Day first (31/12)"), QMessageBox.ButtonRole.AcceptRole)
        month = box.addButton(parent.tr("&Month first (12/31)"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is day:
            return True
        if box.clickedButton() is month:
            return False
        return None

    def confirm_import(
        self,
        parent: QWidget | None,
        plan: ImportPlan,
        path: Path,
        identity: FileIdentity | None = None,
        extra_lines: Sequence[str] = (),
    ) -> bool:
        """Show the import preview (``extra_lines`` under its summary); True when the family
        chose Import."""
        from ui.dialogs.import_preview import ImportPreviewDialog

        dialog = ImportPreviewDialog(plan, path, parent, identity, extra_lines)
        return dialog.exec() == ImportPreviewDialog.DialogCode.Accepted

    def choose_backup(self, parent: QWidget | None, items: list[BackupInfo]) -> BackupInfo | None:
        """The backup the family picks in the restore list, or None."""
        from ui.dialogs.restore import RestoreDialog

        dialog = RestoreDialog(items, parent)
        if dialog.exec() == RestoreDialog.DialogCode.Accepted:
            return dialog.chosen()
        return None


def interaction_of(widget: QWidget | None) -> Interaction:
    """The :class:`Interaction` carried by ``widget`` or the nearest of its parents (the main
    window's); a plain one for a widget outside any window that carries one."""
    while widget is not None:
        found = getattr(widget, "interaction", None)
        if isinstance(found, Interaction):
            return found
        widget = widget.parentWidget()
    return Interaction()
