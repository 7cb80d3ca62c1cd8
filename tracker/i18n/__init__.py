"""Every user-visible string of the program, in English, Spanish or French.

One workflow for ``tracker/`` (no Qt) and ``ui/`` alike (docs/translation.md says why):

- code writes English and marks it: ``tr("Blood count")``, ``trn("{n} day", "{n} days", n)``
  (then ``.format(n=n)``), ``trc("month", "May")`` where one English word has two meanings,
  and ``N_("…")`` for text kept in a table and translated where it is shown (``tr(value)``);
  in ``ui/``, ``self.tr("…")`` reaches the same catalogues through
  :class:`ui.language.CatalogueTranslator`;
- ``python -m tracker.i18n.extract`` finds the marked strings and updates the catalogues
  under ``resources/locale/<lang>/`` (one ``.po`` file per part of the code);
- tests/test_translations.py fails on any string that is untranslated, stale or whose
  ``{placeholders}`` differ.

The language is chosen once at start (and again from View ▸ Language); English needs no
catalogue.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from tracker.i18n.catalogue import Entry, Key, parse

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "fr": "Français"}
"""The languages the program ships, each named in itself (as a menu lists them)."""

SOURCE_LANGUAGE = "en"


def plural_index(language: str, n: int) -> int:
    """Which plural form ``n`` takes: the same rule as the catalogue's Plural-Forms line
    (English and Spanish: one for 1 only; French: one for 0 and 1)."""
    if language == "fr":
        return 0 if n in (0, 1) else 1
    return 0 if n == 1 else 1


PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}

_language = SOURCE_LANGUAGE
_entries: dict[Key, Entry] = {}


def load(language: str) -> dict[Key, Entry]:
    """The translated entries of ``language`` from every part under resources/locale."""
    from importlib import resources as importlib_resources

    folder = importlib_resources.files("resources").joinpath("locale", language)
    found: dict[Key, Entry] = {}
    if not folder.is_dir():
        return found
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".po"):
            continue
        _header, entries = parse(item.read_text(encoding="utf-8"), f"{language}/{item.name}")
        for entry in entries:
            if entry.translated:
                found.setdefault(entry.key, entry)
    return found


def set_language(language: str) -> None:
    """Show every string from now on in ``language`` (a key of :data:`LANGUAGES`; an
    unknown one falls back to English)."""
    global _language, _entries
    if language not in LANGUAGES:
        language = SOURCE_LANGUAGE
    _entries = {} if language == SOURCE_LANGUAGE else load(language)
    _language = language


def language() -> str:
    return _language


@contextmanager
def using(language: str) -> Iterator[None]:
    """Strings in ``language`` inside the block, then the language before (tests; a page
    printed in another language)."""
    before = _language
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def system_language(environ: Mapping[str, str] = os.environ) -> str:
    """The shipped language the environment asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG,
    in gettext's order), or English."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        for choice in value.split(":"):
            code = choice.split("_")[0].split(".")[0].split("@")[0].lower()
            if code in LANGUAGES:
                return code
            if code and code not in ("c", "posix"):
                break
        if value:
            break
    return SOURCE_LANGUAGE


def tr(message: str) -> str:
    """``message`` in the current language (itself when untranslated)."""
    entry = _entries.get(("", message))
    return entry.strings[0] if entry is not None else message


def trc(context: str, message: str) -> str:
    """``message`` in the current language, as meant in ``context``."""
    entry = _entries.get((context, message))
    return entry.strings[0] if entry is not None else message


def trn(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` of a message with a plural; the caller fills ``{n}``."""
    entry = _entries.get(("", singular))
    if entry is not None and entry.plural:
        index = plural_index(_language, n)
        if index < len(entry.strings):
            return entry.strings[index]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is kept (a table, a constant); it is
    translated where shown, with ``tr(value)``."""
    return message


def qt_lookup(message: str, context: str = "") -> str | None:
    """For the Qt side: the translation, or None when there is none (Qt then asks its own
    catalogues)."""
    entry = _entries.get((context, message))
    return entry.strings[0] if entry is not None else None
