"""The window's language: the catalogues behind ``self.tr()``, Qt's own strings, and dates
and numbers in the family's locale.

One call, :func:`apply_language`, at start and from View ▸ Language; docs/translation.md
describes the workflow.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QLibraryInfo,
    QLocale,
    QTime,
    QTranslator,
)

from tracker import i18n
from tracker.i18n import formats


class CatalogueTranslator(QTranslator):
    """Answers Qt's ``tr()`` calls from the program's catalogues (the class name Qt passes
    as context is ignored: one English text, one translation; a disambiguation is the
    catalogue's msgctxt).  Text it does not know goes on to Qt's own translator."""

    def translate(  # type: ignore[override]
        self,
        context: str,
        source: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        return i18n.qt_lookup(source, disambiguation or "")

    def isEmpty(self) -> bool:
        return i18n.language() == i18n.SOURCE_LANGUAGE


def _order(pattern: str) -> str:
    """ "dd/MM/yyyy" → "DMY": the order of day, month and year in a date pattern."""
    positions = {letter: pattern.find(letter) for letter in "dMy"}
    if min(positions.values()) < 0:
        return "YMD"
    return "".join(
        {"d": "D", "M": "M", "y": "Y"}[k]
        for k in sorted(positions, key=positions.get)  # type: ignore[arg-type]
    )


class LocaleFormats(formats.Formats):
    """Dates as "1 May 2026" (the month in the language: never read two ways), times and
    numbers as the locale writes them."""

    def __init__(self, locale: QLocale) -> None:
        self.locale = locale
        self.date_order = _order(locale.dateFormat(QLocale.FormatType.ShortFormat))
        self.decimal_point = locale.decimalPoint()

    def date(self, value: dt.date) -> str:
        return self.locale.toString(QDate(value.year, value.month, value.day), "d MMM yyyy")

    def time(self, value: dt.time) -> str:
        return self.locale.toString(
            QTime(value.hour, value.minute), self.locale.timeFormat(QLocale.FormatType.ShortFormat)
        )

    def number(self, value: float, decimals: int | None = None) -> str:
        if decimals is None:
            if isinstance(value, int):
                return self.locale.toString(value)
            return self.locale.toString(float(value), "g", 12)
        return self.locale.toString(float(value), "f", decimals)

    def date_in_words(self, value: dt.date) -> str:
        pattern = self._in_words
        if value.day == 1 and QLocale.languageToCode(self.locale.language()) == "fr":
            pattern = pattern.replace("d ", "d'er' ", 1)  # French writes "1er mai"
        return self.locale.toString(QDate(value.year, value.month, value.day), pattern)

    @property
    def _in_words(self) -> str:
        """The locale's long date without its weekday: "d 'de' MMMM 'de' yyyy" (es), "d
        MMMM yyyy" (fr, en_GB), "MMMM d, yyyy" (en_US)."""
        long = self.locale.dateFormat(QLocale.FormatType.LongFormat)
        pattern = re.sub(r"^dddd[,\s]*|[,\s]*dddd$", "", long)
        if all(part in pattern for part in ("d", "MMMM", "yyyy")) and "dddd" not in pattern:
            return pattern
        return "d MMMM yyyy"


def system_language() -> str:
    """The first shipped language among the system's (the desktop's own setting), or
    English."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in i18n.LANGUAGES:
            return code
    return i18n.SOURCE_LANGUAGE


def locale_for(language: str) -> QLocale:
    """The system's own locale when it speaks ``language`` (es_MX keeps Mexico's ways),
    else the language's usual one."""
    system = QLocale.system()
    if QLocale.languageToCode(system.language()) == language:
        return system
    return QLocale(language)


_installed: list[QTranslator] = []
_first_default = QLocale()


def apply_language(language: str, app: QCoreApplication | None = None) -> str:
    """Show the program in ``language`` ("" follows the system) from now on: the
    catalogues, Qt's own buttons (``qtbase_<lang>.qm``), the default QLocale and the
    formats of values in messages.  Windows already open keep their text until rebuilt.
    The language applied."""
    app = app or QCoreApplication.instance()
    code = language if language in i18n.LANGUAGES else system_language()
    i18n.set_language(code)
    locale = locale_for(code)
    QLocale.setDefault(locale)
    formats.install(LocaleFormats(locale))
    if app is None:
        return code
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    qt_own = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if code != i18n.SOURCE_LANGUAGE and qt_own.load(locale, "qtbase", "_", folder):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    ours = CatalogueTranslator(app)
    app.installTranslator(ours)  # installed last: asked first
    _installed.append(ours)
    return code


def page_languages() -> list[tuple[str, str]]:
    """The languages a page can be printed in, as (code, name): the program's own first,
    then the other shipped ones, each named in itself ("Français")."""
    shown = i18n.language()
    return [(shown, i18n.LANGUAGES[shown])] + [
        (code, name) for code, name in i18n.LANGUAGES.items() if code != shown
    ]


@contextmanager
def page_language(language: str) -> Iterator[None]:
    """Text and values in ``language`` inside the block (a summary printed for a hospital
    abroad), then the window's again.  Qt's own translators are left alone: a printed page
    has no Qt button."""
    before, shown = i18n.language(), formats.current()
    i18n.set_language(language)
    formats.install(LocaleFormats(locale_for(i18n.language())))
    # The page's painters ask Qt (QCoreApplication.translate): without a window (the
    # summary and card commands) no catalogue translator is installed yet.
    app = QCoreApplication.instance()
    ours = None
    if app is not None and not any(isinstance(t, CatalogueTranslator) for t in _installed):
        ours = CatalogueTranslator(app)
        app.installTranslator(ours)
    try:
        yield
    finally:
        if ours is not None and app is not None:
            app.removeTranslator(ours)
        i18n.set_language(before)
        formats.install(shown)


def reset(app: QCoreApplication | None = None) -> None:
    """English, ISO values and no translator, as before the first :func:`apply_language`
    (tests that run the whole program in their process)."""
    app = app or QCoreApplication.instance()
    if app is not None:
        for translator in _installed:
            app.removeTranslator(translator)
    _installed.clear()
    i18n.set_language(i18n.SOURCE_LANGUAGE)
    formats.install(formats.Formats())
    QLocale.setDefault(_first_default)
