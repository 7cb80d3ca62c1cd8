"""The print dialogs in the family's language: the fever card's hint follows the size
chosen, the print summary's checkboxes fit a small screen in every language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

# words each size's hint must hold, and words only the wallet's fold has
SIZE_WORDS = {
    "en": {"a4": "A4 page", "letter": "Letter page", "wallet": "fold the left half"},
    "es": {"a4": "página A4", "letter": "página Letter", "wallet": "doble la mitad"},
    "fr": {"a4": "page A4", "letter": "page Letter", "wallet": "pliez la moitié"},
}


@pytest.fixture(params=["en", "es", "fr"])
def language(request: pytest.FixtureRequest, qapp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from ui.language import apply_language, reset

    apply_language(request.param)
    yield request.param
    reset()


def test_the_card_hint_describes_the_size_chosen(
    qtbot: QtBot,
    bridge,
    interaction,
    language: str,  # type: ignore[no-untyped-def]
) -> None:
    from ui.printing.card_dialog import PrintCardDialog

    dialog = PrintCardDialog(bridge, interaction)
    qtbot.addWidget(dialog)
    words = SIZE_WORDS[language]
    for size in ("a4", "letter", "wallet"):
        dialog.size.setCurrentIndex(dialog.size.findData(size))
        hint = dialog.size_hint.text()
        assert words[size] in hint, (size, hint)
        if size != "wallet":
            assert words["wallet"] not in hint


SMALLEST_WIDTH = 960  # 1920×1080 at 200 %


def test_every_checkbox_of_the_print_dialogs_fits_the_smallest_screen(
    qtbot: QtBot,
    bridge,
    interaction,
    language: str,  # type: ignore[no-untyped-def]
) -> None:
    """A QCheckBox does not wrap: "…doses données depuis la dernière visite" was cut at
    960×540.  Each box's text is short (half the narrowest screen at most), the long words
    are a wrapped line under it, and the dialogs need less than that screen's width."""
    from PySide6.QtWidgets import QCheckBox, QLabel

    from ui.printing.card_dialog import PrintCardDialog
    from ui.printing.dialog import PrintSummaryDialog

    for make in (PrintSummaryDialog, PrintCardDialog):
        dialog = make(bridge, interaction)
        qtbot.addWidget(dialog)
        dialog.resize(SMALLEST_WIDTH, 540)
        dialog.show()
        assert dialog.minimumSizeHint().width() < SMALLEST_WIDTH - 100
        for box in dialog.findChildren(QCheckBox):
            assert box.sizeHint().width() <= SMALLEST_WIDTH // 2, box.text()
            assert box.width() >= box.sizeHint().width(), box.text()
    summary = PrintSummaryDialog(bridge, interaction)
    qtbot.addWidget(summary)
    lines = [w for w in summary.findChildren(QLabel) if w.wordWrap()]
    visit = {"en": "since the last visit", "es": "desde la última visita", "fr": "dernière visite"}
    assert any(visit[language] in w.text() for w in lines)
