"""The summary and the fever card printed in another language than the window's (a
hospital abroad): "Language of the page:" in both print dialogs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from pypdf import PdfReader

from tracker import i18n
from tracker.demo import build_demo
from tracker.i18n import formats
from tracker.store import Record
from ui import language
from ui.interaction import Interaction

pytest_plugins = ["gui_helpers"]

FRENCH_DATE = re.compile(
    r"\b\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) 20\d\d"
)


@pytest.fixture
def spanish(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    language.apply_language("es", qapp)
    yield
    language.reset(qapp)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Record, int]]:
    rec = Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


class SavesTo(Interaction):
    def __init__(self, target: Path) -> None:
        self.target = target

    def save_file(self, *_args: object) -> Path:  # type: ignore[override]
        return self.target

    def info(self, *_args: object) -> None:  # type: ignore[override]
        pass


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def choose(combo, code: str) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(code))


def test_language_choices_start_with_the_program_s_each_named_in_itself(
    qtbot, spanish: None, demo
) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.printing.card_dialog import PrintCardDialog
    from ui.printing.dialog import PrintSummaryDialog

    rec, _ = demo
    for dialog in (
        PrintSummaryDialog(RecordBridge(rec), Interaction()),
        PrintCardDialog(RecordBridge(rec), Interaction()),
    ):
        qtbot.addWidget(dialog)
        combo = dialog.page_language
        items = [combo.itemText(i) for i in range(combo.count())]
        assert items == ["Español", "English", "Français"]
        assert combo.currentData() == "es"


def test_summary_printed_in_french_from_a_spanish_window(
    qtbot, spanish: None, demo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.printing.dialog import PrintSummaryDialog

    rec, _ = demo
    target = tmp_path / "resume.pdf"
    dialog = PrintSummaryDialog(RecordBridge(rec), SavesTo(target))
    qtbot.addWidget(dialog)
    choose(dialog.page_language, "fr")
    assert dialog.save_pdf() == target
    text = pdf_text(target)
    assert "Résumé du traitement" in text
    assert FRENCH_DATE.search(text), text[:400]
    assert "Resumen del tratamiento" not in text
    # the window is Spanish again afterwards
    assert i18n.language() == "es"
    assert formats.current().date_order == "DMY"
    assert dialog.windowTitle() == i18n.tr("Print summary")


def test_summary_printed_in_the_window_s_language_by_default(
    qtbot, spanish: None, demo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.printing.dialog import PrintSummaryDialog

    rec, _ = demo
    target = tmp_path / "resumen.pdf"
    dialog = PrintSummaryDialog(RecordBridge(rec), SavesTo(target))
    qtbot.addWidget(dialog)
    assert dialog.save_pdf() == target
    assert "Résumé du traitement" not in pdf_text(target)


def test_fever_card_printed_in_french_from_a_spanish_window(
    qtbot, spanish: None, demo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.printing.card_dialog import PrintCardDialog

    rec, _ = demo
    target = tmp_path / "carte.pdf"
    dialog = PrintCardDialog(RecordBridge(rec), SavesTo(target))
    qtbot.addWidget(dialog)
    french = pdf_text_of(dialog, target, "fr")
    spanish_card = pdf_text_of(dialog, target, "es")
    assert "CARTE FIÈVRE" in french
    assert "CARTE FIÈVRE" not in spanish_card
    assert FRENCH_DATE.search(french)
    assert i18n.language() == "es"


def pdf_text_of(dialog, target: Path, code: str) -> str:  # type: ignore[no-untyped-def]
    choose(dialog.page_language, code)
    assert dialog.save_pdf() == target
    return pdf_text(target)
