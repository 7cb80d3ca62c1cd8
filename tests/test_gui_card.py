"""The fever card on screen: File ▸ Print fever card… saves a one-page PDF, and the child's
dialog keeps the card's fields, each problem beside its field."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY
from gui_helpers import drive_modal
from pypdf import PdfReader
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from tracker.model import CentralLine, Child
from ui.actions import ActionId
from ui.dialogs.child import ChildDialog

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

CARDED = Child(
    name="Mila",
    birth_date=dt.date(2026, 1, 10),
    central_line=CentralLine.OTHER,
    central_line_text="Double-lumen Broviac",
    allergies="Penicillin (rash)",
    phone_day="020 7946 0123 ext. 4",
    phone_24h="+44 20 7946 0999",
    blood_product_notes="Irradiated products",
    id=1,
    uid="6b1f3c2e-8d4a-5e9b-a7c1-0f2e4d6b8a90",
)


def test_file_menu_prints_the_card_to_one_page(
    qtbot, window, bridge, interaction, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card_dialog import PrintCardDialog

    action = window.actions_[ActionId.PRINT_CARD]
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions() and action.isEnabled()
    target = tmp_path / "card.pdf"
    interaction.save_answers.append(target)

    def handle(dialog: PrintCardDialog) -> None:
        assert isinstance(dialog, PrintCardDialog)
        dialog.size.setCurrentIndex(dialog.size.findData("wallet"))
        assert dialog.save_pdf() == target
        dialog.accept()

    drive_modal(action.trigger, handle)
    assert len(PdfReader(str(target)).pages) == 1
    text = " ".join(PdfReader(str(target)).pages[0].extract_text().split())
    assert "Mila" in text and "Kept by the family; not a medical record" in text
    assert any(kind == "info" and "1 page" in said for kind, _t, said in interaction.asked)


def test_without_a_child_the_command_is_off(qtbot, record, interaction, settings) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    win = MainWindow(RecordBridge(record), interaction, settings)
    qtbot.addWidget(win)
    assert not win.actions_[ActionId.PRINT_CARD].isEnabled()


def _dialog(qtbot: QtBot, child: Child | None) -> ChildDialog:
    dialog = ChildDialog(child, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_dialog_opens_with_the_card_fields_and_gives_them_back(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, CARDED)
    assert dialog.text_of("central_line") == "other"
    assert dialog.text_of("central_line_text") == "Double-lumen Broviac"
    assert dialog.text_of("phone_24h") == "+44 20 7946 0999"
    dialog.accept()
    assert dialog.value == CARDED


def test_a_phone_that_is_no_number_is_named_beside_its_field(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, CARDED)
    phone = dialog.field("phone_24h")
    assert isinstance(phone, QLineEdit)
    phone.setText("ring the ward")
    dialog.accept()
    assert dialog.value is None
    error = dialog.findChild(QLabel, "error_phone_24h")
    assert error is not None and error.isVisible()
    assert "digits, spaces and + - ( ) . /" in error.text()


def test_none_known_and_typed_allergies_is_named_beside_allergies(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, CARDED)
    none_known = dialog.field("no_known_allergies")
    assert isinstance(none_known, QCheckBox)
    none_known.setChecked(True)
    dialog.accept()
    assert dialog.value is None
    error = dialog.findChild(QLabel, "error_allergies")
    assert error is not None and error.isVisible() and "none known" in error.text()
    allergies = dialog.field("allergies")
    assert isinstance(allergies, QPlainTextEdit)
    allergies.setPlainText("")
    dialog.accept()
    assert dialog.value is not None and dialog.value.no_known_allergies


def test_other_line_without_its_name_is_named_beside_the_line(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, CARDED)
    line_text = dialog.field("central_line_text")
    assert isinstance(line_text, QLineEdit)
    line_text.setText("")
    dialog.accept()
    assert dialog.value is None
    error = dialog.findChild(QLabel, "error_central_line")
    assert error is not None and error.isVisible() and "Other" in error.text()


def test_the_dialog_fits_a_small_screen(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, CARDED)
    hint = dialog.sizeHint()
    assert hint.width() <= 1024 and hint.height() <= 600
