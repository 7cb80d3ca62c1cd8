"""The window in Spanish and French: with the language chosen (``i18n.using``) and a
QTranslator serving the catalogues, the demo record's window reads in that language: the
menus, the tabs, a table's column headers and a dialog's labels (issue 15, "Speaks the
family's language")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from conftest import TODAY, fixed_clock
from gui_helpers import activate
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGroupBox, QLabel
from test_gui_mnemonics import (
    DIALOG_KEYS,
    _menu_bar,
    letters,
    mnemonic,
    open_dialog,
    other_dialogs,
    repeated,
    unlettered,
)

from tracker import i18n
from tracker.demo import build_demo
from tracker.store import Record
from ui.bridge import RecordBridge
from ui.language import CatalogueTranslator

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Record]:
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        yield rec


@pytest.fixture(params=["es", "fr"])
def language(request: pytest.FixtureRequest, qapp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    translator = CatalogueTranslator()  # the window's own: self.tr() from the catalogues
    with i18n.using(request.param):
        QCoreApplication.installTranslator(translator)
        try:
            yield request.param
        finally:
            QCoreApplication.removeTranslator(translator)


@pytest.fixture
def win(qtbot, demo: Record, interaction, settings, language: str):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    w = MainWindow(RecordBridge(demo), interaction, settings)
    qtbot.addWidget(w)
    w.resize(1024, 600)
    w.show()
    qtbot.waitExposed(w)
    activate(qtbot, w)
    yield w
    if shiboken6.isValid(w):
        shiboken6.delete(w)


WORDS = {
    "es": {
        "menus": ["&Archivo", "&Editar", "Añad&ir", "&Ver", "Ay&uda"],
        "tabs": ["Cronología", "Fases", "Hemogramas", "Fiebre", "Hoy", "Medicamentos"],
        "file": ["Im&primir resumen…", "&Salir", "Guardar una &copia del registro…"],
        "add": "Añadir &fase…",
        "headers": ["Fase", "Tipo", "Inicio", "Fin", "Días", "Estado", "Notas"],
        "dialog": ("Nueva fase", ["Nom&bre:", "E&mpezó el:", "Qué pasó"]),
    },
    "fr": {
        "menus": ["&Fichier", "&Édition", "A&jouter", "Affic&hage", "&Aide"],
        "tabs": ["Frise", "Phases", "NFS", "Fièvre", "Aujourd'hui", "Médicaments"],
        "file": ["Im&primer le résumé…", "&Quitter", "Enregistrer une c&opie du dossier…"],
        "add": "Ajouter une &phase…",
        "headers": ["Phase", "Type", "Début", "Fin", "Jours", "État", "Notes"],
        "dialog": ("Nouvelle phase", ["&Nom :", "Co&mmencée le :", "Ce qui s'est passé"]),
    },
}


def _menu(win, title: str):  # type: ignore[no-untyped-def]
    [menu] = [a.menu() for a in win.menuBar().actions() if a.text() == title]
    return menu


def test_the_menus_and_tabs_read_in_the_language(win, language: str) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    titles = [a.text() for a in win.menuBar().actions()]
    for title in words["menus"]:
        assert title in titles, titles
    tabs = [win.views.tabText(i) for i in range(win.views.count())]
    for tab in words["tabs"]:
        assert any(tab in t for t in tabs), tabs
    file_items = [a.text() for a in _menu(win, words["menus"][0]).actions()]
    for item in words["file"]:
        assert item in file_items, file_items
    add_items = [a.text() for a in _menu(win, words["menus"][2]).actions()]
    assert words["add"] in add_items, add_items
    assert "&File" not in titles and "Timeline" not in tabs  # nothing left in English


def test_a_tables_headers_read_in_the_language(win, language: str) -> None:  # type: ignore[no-untyped-def]
    from ui.models.tables import PhasesModel

    model = PhasesModel()
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers == WORDS[language]["headers"]


def test_a_dialogs_labels_read_in_the_language(qtbot, win, language: str) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.phase import PhaseDialog

    child = win.bridge.current_child()
    dialog = PhaseDialog(None, child, TODAY, win)
    qtbot.addWidget(dialog)
    title, labels = WORDS[language]["dialog"]
    assert dialog.windowTitle() == title
    shown = {label.text() for label in dialog.findChildren(QLabel)}
    shown |= {box.title() for box in dialog.findChildren(QGroupBox)}
    for label in labels:
        assert label in shown, sorted(shown)


@pytest.mark.parametrize(
    ("language", "n", "said"),
    [
        ("es", 1, "(1 fecha cambiada)"),
        ("es", 2, "(2 fechas cambiadas)"),
        ("fr", 0, "(0 date modifiée)"),
        ("fr", 1, "(1 date modifiée)"),
        ("fr", 2, "(2 dates modifiées)"),
        ("en", 2, "(2 dates changed)"),
    ],
)
def test_a_plural_of_the_screens_follows_the_language(language: str, n: int, said: str) -> None:
    with i18n.using(language):
        text = i18n.trn("({n} date changed)", "({n} dates changed)", n).format(n=n)
    assert text == said


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", ["TARJETA DE FIEBRE", "TELÉFONOS DEL EQUIPO", "Fecha de nacimiento:", "24 horas:"]),
        ("fr", ["CARTE FIÈVRE", "TÉLÉPHONES DE L'ÉQUIPE", "Date de naissance :", "24 h/24 :"]),
        ("en", ["FEVER CARD", "THE TEAM'S PHONE NUMBERS", "Date of birth:", "24-hour:"]),
    ],
)
def test_the_fever_card_is_printed_in_the_language(
    qapp, demo: Record, language: str, words: list[str]
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card import card_html, make_card

    [child] = demo.children()
    assert child.id is not None
    with i18n.using(language):
        markup = card_html(make_card(demo, child.id), "a4")
    text = markup.replace("&#x27;", "'").replace("\u00a0", " ").replace("\u2060", "")
    for word in words:
        assert word in text, word


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", ["Dónde estamos", "Preguntas para el equipo", "Profilaxis del SNC"]),
        ("fr", ["Où nous en sommes", "Questions pour l'équipe", "Prophylaxie du SNC"]),
    ],
)
def test_the_summary_is_printed_in_the_language(
    qapp, demo: Record, language: str, words: list[str]
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.document import build_document
    from ui.printing.render import SummaryRequest, make_summary

    [child] = demo.children()
    assert child.id is not None
    with i18n.using(language):
        doc = build_document(make_summary(demo, SummaryRequest(child.id)), 600.0)
    text = doc.toPlainText()
    for word in words:
        assert word in text, word


# ------------------------------------------------------------------ Alt letters per language


@pytest.mark.parametrize("key", DIALOG_KEYS)
def test_no_two_alt_letters_in_a_dialog_are_the_same_in_the_language(
    qtbot, bridge, language: str, key: str
) -> None:  # type: ignore[no-untyped-def]
    """A translation chooses its own Alt letters (the word differs), and must keep them
    apart within a window as the English does (tests/test_gui_mnemonics.py)."""
    dialog = open_dialog(bridge, key)
    qtbot.addWidget(dialog)
    dialog.show()  # Cancel takes its letter when shown
    found = letters(dialog)
    assert found, key
    assert repeated(found) == {}, key
    assert unlettered(dialog) == [], key


def test_every_button_of_the_other_dialogs_has_its_own_letter_in_the_language(
    qtbot, bridge, language: str
) -> None:  # type: ignore[no-untyped-def]
    """ "Cerrar" of the print dialogs and the team's numbers had no Alt letter."""
    missing = {}
    for dialog in other_dialogs(bridge):
        qtbot.addWidget(dialog)
        dialog.show()
        found = letters(dialog)
        if unlettered(dialog) or repeated(found):
            missing[type(dialog).__name__] = (unlettered(dialog), repeated(found))
    assert missing == {}


def test_the_menu_bar_the_add_menu_and_each_tab_keep_their_letters_apart(
    win, language: str
) -> None:  # type: ignore[no-untyped-def]
    from ui.views.lists import RecordView

    bar = _menu_bar(win)
    assert all(letter for letter, _ in bar) and repeated(bar) == {}
    items = [(mnemonic(a.text()) or "", a.text()) for a in win.add_actions.values()]
    assert all(letter for letter, _ in items) and repeated(items) == {}
    clashes = {}
    for index in range(win.views.count()):
        view = win.views.widget(index)
        tables = list(view.tables.values()) if isinstance(view, RecordView) else [None]
        for table in tables:
            if table is not None:
                view.keys_to(table)
            shared = repeated(bar + letters(view))
            if shared:
                clashes[(win.views.tabText(index), table and table.ui.key)] = shared
    assert clashes == {}


def _menu_letters(menu) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Each menu's and submenu's Alt letters: {menu title: [letter of each item]}."""
    found: dict[str, list[str]] = {}
    items = [a for a in menu.actions() if not a.isSeparator() and a.isVisible()]
    found[menu.title()] = [(mnemonic(a.text()) or "").lower() for a in items]
    for action in items:
        if action.menu() is not None:
            found |= _menu_letters(action.menu())
    return found


def test_no_two_items_of_a_menu_share_an_alt_letter_in_the_language(win, language: str) -> None:  # type: ignore[no-untyped-def]
    """French had three items on "I" in Fichier: Alt+F then E opened the wrong one."""
    clashes = {}
    for action in win.menuBar().actions():
        for title, found in _menu_letters(action.menu()).items():
            used = [letter for letter in found if letter]
            doubled = sorted({letter for letter in used if used.count(letter) > 1})
            if doubled:
                clashes[title] = doubled
    assert clashes == {}


def test_the_csv_line_column_is_not_a_catheter() -> None:
    """ "Line" heads the import preview's column of the file's line numbers: it was
    translated as the central line ("Catéter", "Cathéter")."""
    with i18n.using("es"):
        assert i18n.tr("Line") == "Línea"
    with i18n.using("fr"):
        assert i18n.tr("Line") == "Ligne"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_number_message_shows_a_number_the_form_accepts(language: str) -> None:
    from tracker.analytes import parse_number

    with i18n.using(language), pytest.raises(ValueError) as said:
        parse_number("abc")
    assert "1,2" in str(said.value)
    assert parse_number("1,2").value == 1.2


@pytest.mark.parametrize("key", DIALOG_KEYS)
def test_a_screen_reader_hears_each_fields_name_without_the_colon(
    qtbot, bridge, language: str, key: str
) -> None:  # type: ignore[no-untyped-def]
    """French puts a space before its colon ("Heure :"): the fields were named "Heure "."""
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QWidget

    dialog = open_dialog(bridge, key)
    qtbot.addWidget(dialog)
    dialog.show()
    said = []
    for widget in dialog.findChildren(QWidget):
        if not (widget.isVisibleTo(dialog) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        name = face.text(QAccessible.Text.Name) if face is not None else ""
        if name != name.strip(" \u00a0\u202f:"):
            said.append((type(widget).__name__, name))
    assert said == []


FILE_WORDS = {
    "es": ["mila-resumen-", "mila-tarjeta-fiebre-", "-hemogramas.csv", "-exportacion.json"],
    "fr": ["mila-resume-", "mila-carte-fievre-", "-nfs.csv", "-export.json"],
}


def test_the_suggested_file_names_follow_the_language_in_ascii(
    qtbot, bridge, child, window, interaction, language: str
) -> None:  # type: ignore[no-untyped-def]
    """ "robin-summary-2026-12-02.pdf" was suggested in Spanish: the names read in the
    language, without accents (a file's name travels to other computers)."""
    from ui.printing.card_dialog import PrintCardDialog
    from ui.printing.dialog import PrintSummaryDialog

    summary = PrintSummaryDialog(bridge, interaction)
    card = PrintCardDialog(bridge, interaction)
    qtbot.addWidget(summary)
    qtbot.addWidget(card)
    assert summary.save_pdf() is None and card.save_pdf() is None  # the dialogs cancelled
    window.export_csv()
    window.export_json()
    names = [Path(text).name for kind, _, text in interaction.asked if kind == "save_file"]
    assert len(names) == 4, names
    for name, word in zip(names, FILE_WORDS[language], strict=True):
        assert word in name and name.isascii(), (name, word)


def test_the_weekday_boxes_read_in_the_language(qtbot, bridge, language: str) -> None:  # type: ignore[no-untyped-def]
    """The repeat's weekday boxes stayed "Mon"…"Sun" in Spanish and French."""
    from PySide6.QtWidgets import QCheckBox

    dialog = open_dialog(bridge, "medicine_plan")
    qtbot.addWidget(dialog)
    shown = {box.text().replace("&", "") for box in dialog.findChildren(QCheckBox)}
    monday = {"es": "Lun", "fr": "Lun"}[language]
    assert monday in shown and "Mon" not in shown
