"""Every button of the program's own questions has an Alt letter, none twice in one box
(the "Discard what you typed?" buttons had none: a keyboard user had to Tab to them).
Cancel counts as C: most desktops write it "&Cancel"."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import drive_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from test_gui_mnemonics import mnemonic, repeated

from tracker.io.csv_import import read_csv
from ui.interaction import Interaction

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

REAL_DISCARD = Interaction.confirm_discard  # before the fixture answers it for every test
UI = Path(__file__).resolve().parent.parent / "ui"


def box_letters(box: QMessageBox) -> list[tuple[str, str]]:
    found = []
    for button in box.buttons():
        if box.standardButton(button) == QMessageBox.StandardButton.Cancel:
            found.append(("c", "Cancel"))
            continue
        found.append((mnemonic(button.text()) or "", button.text()))
    return found


def letters_of(ask: Any) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    def look(box: QWidget) -> None:
        assert isinstance(box, QMessageBox), type(box).__name__
        seen.extend(box_letters(box))
        box.reject()

    drive_modal(ask, look)
    return seen


def assert_letters(found: list[tuple[str, str]]) -> None:
    assert found and all(letter for letter, _ in found), found
    assert repeated(found) == {}, found


def test_the_discard_question_has_a_letter_on_each_button(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Interaction, "confirm_discard", REAL_DISCARD)
    form = QWidget()
    qtbot.addWidget(form)
    form.show()
    found = letters_of(lambda: Interaction().confirm_discard(form))
    assert_letters(found)
    assert {text.replace("&", "") for _, text in found} == {"Discard", "Keep editing"}


def test_the_date_order_question_and_confirm_have_letters(qtbot) -> None:  # type: ignore[no-untyped-def]
    form = QWidget()
    qtbot.addWidget(form)
    form.show()
    parsed = read_csv(b"Date,Test,Result,Unit\n03/04/2026,WBC,2,K/uL\n")
    assert parsed.needs_date_order
    assert_letters(letters_of(lambda: Interaction().choose_date_order(form, parsed)))
    assert_letters(letters_of(lambda: Interaction().confirm(form, "T", "x", "&Save as typed")))


def _texts(node: ast.expr) -> list[str]:
    """The string literals a button's text is made from (inside tr(), .format())."""
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def test_every_confirm_and_choice_in_the_program_has_letters() -> None:
    """The action of each ``confirm`` and the choices of each ``choose`` in ui/ and their
    Cancel: one letter each, none twice."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr == "confirm" and len(node.args) >= 4:
                buttons = [node.args[3]]
            elif node.func.attr == "choose" and len(node.args) >= 4:
                assert isinstance(node.args[3], ast.List), (path, node.lineno)
                buttons = list(node.args[3].elts)
            else:
                continue
            where = f"{path.relative_to(UI.parent)}:{node.lineno}"
            found[where] = [("c", "Cancel")] + [
                (mnemonic(_texts(b)[0]) or "", _texts(b)[0]) for b in buttons
            ]
    assert len(found) >= 10, found  # the scan sees the program's questions
    bad = {w: f for w, f in found.items() if not all(x for x, _ in f) or repeated(f)}
    assert bad == {}


def test_the_import_preview_takes_the_bad_rows_choice_by_alt_g(qtbot, record, child) -> None:  # type: ignore[no-untyped-def]
    """With wrong rows the import waits for "Import the good rows anyway": it had no letter,
    so the keyboard had to Tab round the whole preview to reach it."""
    from pathlib import Path

    from tracker.io.csv_import import plan_import, read_csv
    from ui.dialogs.import_preview import ImportPreviewDialog

    csv = b"Date,Test,Result,Unit\n2026-11-02,WBC,2.1,K/uL\n2026-11-03,Hgb,150,g/dL\n"
    dialog = ImportPreviewDialog(plan_import(read_csv(csv), record, child), Path("labs.csv"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert not dialog.import_button.isEnabled()
    found = [(mnemonic(b.text()) or "", b.text()) for b in (dialog.skip_bad, dialog.import_button)]
    assert_letters([*found, ("c", "Cancel")])
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.skip_bad.isChecked)
    assert dialog.import_button.isEnabled()
