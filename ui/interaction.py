"""Every message box and file picker goes through one object that tests replace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class Interaction:
    """Asks the user things.  Tests pass a subclass with scripted answers."""

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

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
