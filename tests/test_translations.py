"""Every string a family reads is marked, and translated into Spanish and French.

Fails on an unmarked string (by file), an untranslated or stale one (by language and
part), a translation whose {placeholders} or & mnemonic differ from the English, and a
catalogue not written as ``python -m tracker.i18n.extract`` writes it.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from tracker import i18n
from tracker.i18n import catalogue, extract, unmarked

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]
SCAN = extract.scan_code(ROOT)
UNMARKED = unmarked.problems(ROOT)
CODE_PARTS = sorted(
    {
        extract.part_of(p.relative_to(ROOT).as_posix())
        for f in ("tracker", "ui")
        for p in (ROOT / f).rglob("*.py")
    }
)


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        return {f"<cannot be read: {exc}>"}


_MNEMONIC = re.compile(r"&(?!&)\w")


def test_every_mark_is_a_plain_string_inside_a_function() -> None:
    assert SCAN.problems == []


@pytest.mark.parametrize("part", CODE_PARTS)
def test_shown_text_is_marked(part: str) -> None:
    found = {f: said for f, said in UNMARKED.items() if extract.part_of(f) == part}
    assert found == {}, "\n".join(line for said in found.values() for line in said)


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogues_are_in_step_with_the_code(language: str) -> None:
    said = extract.differences(SCAN, language, ROOT / "resources" / "locale")
    assert said == [], f"{len(said)} problems:\n" + "\n".join(said[:200])


def _part_files() -> list[Path]:
    return sorted((ROOT / "resources" / "locale").glob("*/*.po"))


@pytest.mark.parametrize("path", _part_files(), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_translations_keep_placeholders_and_mnemonics(path: Path) -> None:
    _header, entries = catalogue.parse(path.read_text(encoding="utf-8"), str(path))
    said = []
    for entry in entries:
        if entry.fuzzy:
            said.append(f"fuzzy (needs checking): {entry.msgid!r}")
        english = [entry.msgid, entry.plural] if entry.plural else [entry.msgid]
        wanted = set().union(*(_placeholders(e) for e in english))
        for text in entry.strings:
            if not text:
                said.append(f"untranslated: {entry.msgid!r}")
                continue
            got = _placeholders(text)
            if got != wanted and not (entry.plural and got <= wanted and "n" not in wanted - got):
                said.append(f"{entry.msgid!r}: placeholders {sorted(got)} ≠ {sorted(wanted)}")
            if len(_MNEMONIC.findall(entry.msgid)) != len(_MNEMONIC.findall(text)):
                said.append(f"{entry.msgid!r}: the & of the shortcut letter is lost in {text!r}")
    assert said == [], "\n".join(said)


# ------------------------------------------------------------------ the workflow itself


def test_a_catalogue_reads_back_as_written() -> None:
    entries = [
        catalogue.Entry("Save", strings=["Guardar"], sources=["ui/a.py"]),
        catalogue.Entry("May", context="month", strings=["mayo"]),
        catalogue.Entry("{n} day", plural="{n} days", strings=["{n} día", "{n} días"]),
        catalogue.Entry('Say "hi"\n\\ok\t', strings=["Di «hola»\n\\vale\t"], fuzzy=True),
    ]
    text = catalogue.render({"Language": "es"}, entries, "test")
    header, back = catalogue.parse(text, "test.po")
    assert header == {"Language": "es"}
    assert back == entries


def test_a_broken_line_is_named() -> None:
    with pytest.raises(catalogue.CatalogueError, match=r"x.po, line 2: cannot read"):
        catalogue.parse('msgid "a"\nmsgtsr "b"\n', "x.po")


@pytest.mark.parametrize(
    ("language", "n", "form"),
    [
        ("es", 0, 1),
        ("es", 1, 0),
        ("es", 2, 1),
        ("fr", 0, 0),
        ("fr", 1, 0),
        ("fr", 2, 1),
        ("en", 0, 1),
    ],
)
def test_plural_forms_follow_each_language(language: str, n: int, form: int) -> None:
    assert i18n.plural_index(language, n) == form


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANGUAGE": "pt:fr", "LANG": "pt_BR.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:es", "LANG": "es_ES.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_system_language(environ: dict[str, str], language: str) -> None:
    assert i18n.system_language(environ) == language


def test_marks_that_cannot_be_extracted_are_named() -> None:
    scan = extract.Scan()
    source = (
        "from tracker.i18n import tr\n"
        "TITLE = tr('Made at import')\n"
        "def f(x):\n"
        "    return tr(f'Hello {x}') + tr('a' + 'b') + tr('Fine {x}').format(x=x)\n"
        "from tracker.i18n import tr as tr_kind\n"
    )
    extract.scan_source(source, "tracker/demo_file.py", scan)
    assert sorted(p.split(":")[1] for p in scan.problems) == ["2", "4", "4", "5"]
    assert ("", "Fine {x}") in scan.found


def test_a_language_serves_its_catalogue_and_falls_back_to_english() -> None:
    with i18n.using("es"):
        assert i18n.language() == "es"
        assert i18n.trn("{n} zebra", "{n} zebras", 2) == "{n} zebras"  # not marked anywhere
        assert i18n.trn("{n} day", "{n} days", 2) == "{n} días"
        assert i18n.trc("month", "May") == "mayo"
        with i18n.using("xx"):
            assert i18n.language() == "en"
            assert i18n.tr("Anything") == "Anything"
        assert i18n.language() == "es"
    assert i18n.language() == "en"


def test_the_tool_keeps_translations_where_a_string_moves(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    scan = extract.Scan()
    extract.scan_source("def f():\n    return tr('Blood count')\n", "ui/views/a.py", scan)
    extract.update(scan, "es", locale)
    path = locale / "es" / "ui-views.po"
    path.write_text(
        path.read_text()
        .replace('msgstr ""\n', 'msgstr "Hemograma"\n')
        .replace('msgstr "Hemograma"', 'msgstr ""', 1),
        encoding="utf-8",
    )
    moved = extract.Scan()
    extract.scan_source("def g():\n    return tr('Blood count')\n", "tracker/forms.py", moved)
    extract.update(moved, "es", locale)
    assert not path.exists()
    _h, entries = catalogue.parse((locale / "es" / "tracker-forms.po").read_text(), "x")
    assert [(e.msgid, e.strings) for e in entries] == [("Blood count", ["Hemograma"])]
    assert extract.differences(moved, "es", locale) == []
