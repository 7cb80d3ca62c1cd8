"""The window's language: Qt's own buttons, the catalogues behind self.tr(), dates and
numbers in the family's locale, and View ▸ Language taking effect at once."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDialogButtonBox

from tracker import i18n
from tracker.i18n import formats
from ui import language

pytest_plugins = ["gui_helpers"]


@pytest.fixture
def restored(qapp):  # type: ignore[no-untyped-def]
    yield
    language.reset(qapp)


def test_qt_own_buttons_follow_the_language(qapp, restored) -> None:  # type: ignore[no-untyped-def]
    assert language.apply_language("es", qapp) == "es"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancelar"
    language.apply_language("fr", qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuler"
    language.apply_language("en", qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"


def test_self_tr_answers_from_the_catalogues(qapp, restored) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication

    language.apply_language("fr", qapp)
    assert QCoreApplication.translate("AnyClass", "May", "month") == "mai"
    assert QCoreApplication.translate("AnyClass", "Not in any catalogue") == (
        "Not in any catalogue"
    )


@pytest.mark.parametrize(
    ("locale", "date", "words", "order", "number"),
    [
        ("es_ES", "1 may 2026", "1 de mayo de 2026", "DMY", "5,25"),
        ("fr_FR", "1 mai 2026", "1er mai 2026", "DMY", "5,25"),
        ("en_GB", "1 May 2026", "1 May 2026", "DMY", "5.25"),
        ("en_US", "1 May 2026", "May 1, 2026", "MDY", "5.25"),
    ],
)
def test_values_read_in_the_locale(
    qapp, locale: str, date: str, words: str, order: str, number: str
) -> None:  # type: ignore[no-untyped-def]
    shown = language.LocaleFormats(QLocale(locale))
    assert shown.date(dt.date(2026, 5, 1)) == date
    assert shown.date_in_words(dt.date(2026, 5, 1)) == words
    assert shown.date_order == order
    assert shown.number(5.25) == number
    assert shown.number(5.25, 1) in ("5,2", "5.2", "5,3", "5.3")
    assert shown.time(dt.time(9, 30)).replace("\u202fAM", "").replace(" AM", "") in (
        "09:30",
        "9:30",
    )


def test_values_in_tracker_messages_use_the_installed_formats(qapp, restored) -> None:  # type: ignore[no-untyped-def]
    assert formats.date_text(dt.date(2026, 5, 1)) == "2026-05-01"  # no window: ISO
    language.apply_language("es", qapp)
    assert formats.date_text(dt.date(2026, 5, 1)) == "1 may 2026"
    language.reset(qapp)
    assert formats.date_text(dt.date(2026, 5, 1)) == "2026-05-01"


def test_the_language_menu_rebuilds_the_window_in_place(  # type: ignore[no-untyped-def]
    qtbot, window, settings, restored
) -> None:
    window.show_view("counts")
    undo_stack = window.bridge.undo_stack
    action = window.findChild(type(window.language_actions["es"]), "language_es")
    assert action is window.language_actions["es"]
    assert window.language_actions[""].isChecked()  # follows the system at first
    new = window.choose_language("es")
    qtbot.addWidget(new)
    assert new is not window
    assert i18n.language() == "es"
    assert settings.language == "es"
    assert new.bridge.undo_stack is undo_stack  # the record and its undo history stay
    assert new.views.currentWidget() is new.counts_view
    assert new.language_actions["es"].isChecked()
    assert new.isVisible()
    # choosing the same language again changes nothing
    assert new.choose_language("es") is new
    back = new.choose_language("")
    qtbot.addWidget(back)
    assert settings.language == ""
    assert back.language_actions[""].isChecked()


def test_the_choice_is_kept_in_the_settings(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.language == ""
    settings.language = "fr"
    assert settings.language == "fr"
    settings.language = "xx"  # not a shipped language: follow the system
    assert settings.language == ""


def test_a_page_can_be_made_in_another_language(qapp, restored) -> None:  # type: ignore[no-untyped-def]
    language.apply_language("es", qapp)
    with language.page_language("fr"):
        assert i18n.language() == "fr"
        assert formats.date_text(dt.date(2026, 5, 1)) == "1 mai 2026"
        assert i18n.trc("month", "May") == "mai"
    assert i18n.language() == "es"
    assert formats.date_text(dt.date(2026, 5, 1)) == "1 may 2026"


def test_the_rebuilt_window_says_demo_in_its_language_and_keeps_the_keys_in_the_tab(  # type: ignore[no-untyped-def]
    qtbot, window, restored
) -> None:
    window.show_as_demo()
    window.show_view("cns")
    new = window.choose_language("fr")
    qtbot.addWidget(new)
    assert new.windowTitle() == i18n.tr("{title} (demo)").format(title=new.bridge.record.path.name)
    assert "(demo)" not in new.windowTitle()  # the French word, not the English
    page = new.views.currentWidget()
    focused = new.focusWidget()
    assert focused is not None and (focused is page or page.isAncestorOf(focused))


def test_chart_axes_and_lines_write_numbers_with_the_locales_comma(qapp, restored) -> None:  # type: ignore[no-untyped-def]
    """The French checks found "0.5" on the charts' axes and lines next to "0,5" typed."""
    from tracker.analytes import format_number

    assert formats.decimal_text(format_number(0.5)) == "0.5"  # no window: as in files
    language.apply_language("fr", qapp)
    assert formats.decimal_text(format_number(0.5)) == "0,5"
    assert formats.decimal_text(format_number(250.0)) == "250"


def test_french_writes_the_other_days_plainly(qapp) -> None:  # type: ignore[no-untyped-def]
    shown = language.LocaleFormats(QLocale("fr_FR"))
    assert shown.date_in_words(dt.date(2026, 5, 2)) == "2 mai 2026"
