"""Find every marked string in ``tracker/`` and ``ui/`` and keep the catalogues in step.

    python -m tracker.i18n.extract            # update resources/locale/<lang>/*.po
    python -m tracker.i18n.extract --check    # say what is missing or stale; exit 1 if any

A string belongs to the part of the first file (in path order) that uses it: ``tracker``,
``tracker-io``, ``ui-dialogs``…  Each part is one ``.po`` file per language, so people
translating different parts never edit the same file.  Translations already made are kept
wherever a string moves; strings no longer in the code are dropped.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tracker.i18n import LANGUAGES, PLURAL_FORMS, SOURCE_LANGUAGE
from tracker.i18n.catalogue import Entry, Key, parse, render

ROOT = Path(__file__).resolve().parent.parent.parent
CODE_FOLDERS = ("tracker", "ui")
LOCALE = ROOT / "resources" / "locale"
MARKERS = {"tr": 1, "N_": 1, "trc": 2, "trn": 3}
"""Marker function → how many leading string arguments it takes (trc: context, message;
trn: singular, plural, then the count)."""


@dataclass
class Found:
    msgid: str
    context: str = ""
    plural: str = ""
    sources: list[str] = field(default_factory=list)

    @property
    def key(self) -> Key:
        return (self.context, self.msgid)


@dataclass
class Scan:
    found: dict[Key, Found] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def part_of(relative: str) -> str:
    """``tracker/io/csv_import.py`` → ``tracker-io``; ``tracker/forms.py`` →
    ``tracker-forms`` (the core's modules are big enough to be parts of their own);
    ``ui/app.py`` → ``ui``."""
    pieces = relative.split("/")
    if len(pieces) > 2:
        return "-".join(pieces[:2])
    if pieces[0] == "tracker":
        return "tracker-" + pieces[1].removesuffix(".py")
    return pieces[0]


def _marker(call: ast.Call) -> str | None:
    """Which marker ``call`` is: "tr", "trc", "trn", "N_", "qt" (self.tr / translate)."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in MARKERS:
        return func.id
    if isinstance(func, ast.Attribute):
        if func.attr == "tr":
            return "qt"
        qt_objects = ("QCoreApplication", "QApplication", "QGuiApplication")
        if func.attr == "translate" and isinstance(func.value, ast.Name):
            return "qt-translate" if func.value.id in qt_objects else None
    return None


def scan_source(text: str, relative: str, scan: Scan) -> None:
    tree = ast.parse(text, relative)
    inside_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for child in ast.walk(node):
                inside_function.add(id(child))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "tracker.i18n":
            for alias in node.names:
                if alias.name in MARKERS and alias.asname not in (None, alias.name):
                    scan.problems.append(
                        f"{relative}:{node.lineno}: {alias.name} imported as {alias.asname}: "
                        "the extraction finds marks by their own names only"
                    )
        if not isinstance(node, ast.Call):
            continue
        kind = _marker(node)
        if kind is None:
            continue
        where = f"{relative}:{node.lineno}"
        if kind in ("tr", "trc", "trn", "qt") and id(node) not in inside_function:
            scan.problems.append(
                f"{where}: {kind}() runs once when the module is imported, before the "
                "language is chosen; mark the text with N_() and translate it where "
                "it is shown"
            )
            continue
        args = node.args
        if kind == "qt-translate":
            strings, context = args[1:2], args[2:3]
        elif kind == "qt":
            strings, context = args[:1], args[1:2]
        elif kind == "trc":
            strings, context = args[1:2], args[:1]
        elif kind == "trn":
            strings, context = args[:2], []
        else:
            strings, context = args[:1], []
        values: list[str] = []
        for arg in [*strings, *context]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                values.append(arg.value)
            elif isinstance(arg, ast.Constant) and arg.value is None and arg in context:
                values.append("")
            else:
                values.append("\0")
        if not strings:
            scan.problems.append(f"{where}: {kind}() without the text to translate")
            continue
        if "\0" in values[: len(strings)]:
            if kind in ("tr", "qt") and isinstance(
                strings[0], (ast.Name, ast.Attribute, ast.Subscript)
            ):
                continue  # tr(value): a string marked with N_() where it is kept
            if kind in ("tr", "qt") and isinstance(strings[0], ast.Call):
                continue  # tr(label(x)): the function's result was marked where made
            if kind in ("tr", "qt") and isinstance(strings[0], (ast.BoolOp, ast.IfExp)):
                parts = (
                    strings[0].values
                    if isinstance(strings[0], ast.BoolOp)
                    else [strings[0].body, strings[0].orelse]
                )
                if not any(
                    isinstance(x, ast.Constant) and isinstance(x.value, str) and x.value.strip()
                    for x in parts
                ):
                    continue  # tr(a or b), tr(a if c else b): values marked where kept
            scan.problems.append(
                f"{where}: the text given to {kind}() must be one plain string (no "
                "f-string, no joining); put values in {placeholders} filled by .format()"
            )
            continue
        msgid = values[0]
        plural = values[1] if kind == "trn" else ""
        ctx = values[len(strings)] if context and values[len(strings)] != "\0" else ""
        if not msgid.strip():
            continue
        key = (ctx, msgid)
        entry = scan.found.setdefault(key, Found(msgid=msgid, context=ctx, plural=plural))
        if plural and entry.plural and entry.plural != plural:
            scan.problems.append(f"{where}: {msgid!r} has two different plurals")
        entry.plural = entry.plural or plural
        if relative not in entry.sources:
            entry.sources.append(relative)


def scan_code(root: Path = ROOT) -> Scan:
    scan = Scan()
    for folder in CODE_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            scan_source(path.read_text(encoding="utf-8"), relative, scan)
    for entry in scan.found.values():
        entry.sources.sort()
    return scan


def _part_file(language: str, part: str, locale: Path) -> Path:
    return locale / language / f"{part}.po"


def existing(language: str, locale: Path = LOCALE) -> dict[Key, Entry]:
    found: dict[Key, Entry] = {}
    folder = locale / language
    for path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        _header, entries = parse(path.read_text(encoding="utf-8"), str(path))
        for entry in entries:
            if entry.key not in found or (entry.translated and not found[entry.key].translated):
                found[entry.key] = entry  # a copy left beside it by a merge may be the done one
    return found


def planned(scan: Scan, language: str, locale: Path = LOCALE) -> dict[Path, str]:
    """The text every part's catalogue of ``language`` should have."""
    old = existing(language, locale)
    parts: dict[str, list[Entry]] = {}
    for key, item in sorted(scan.found.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        previous = old.get(key)
        forms = 2 if item.plural else 1
        strings = list(previous.strings) if previous is not None else []
        if previous is not None and bool(previous.plural) != bool(item.plural):
            strings = []
        strings = (strings + [""] * forms)[:forms]
        entry = Entry(
            msgid=item.msgid,
            context=item.context,
            plural=item.plural,
            strings=strings,
            sources=item.sources,
            fuzzy=bool(previous and previous.fuzzy),
        )
        parts.setdefault(part_of(item.sources[0]), []).append(entry)
    header = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": language,
        "Plural-Forms": PLURAL_FORMS.get(language, "nplurals=2; plural=(n != 1);"),
    }
    name = LANGUAGES.get(language, language)
    return {
        _part_file(language, part, locale): render(
            header, entries, f"Treatment Tracker, {part}: {name} (docs/translation.md)"
        )
        for part, entries in parts.items()
    }


def differences(scan: Scan, language: str, locale: Path = LOCALE) -> list[str]:
    """What is not as the code needs it, in plain words (empty when all is well)."""
    said: list[str] = []
    old = existing(language, locale)
    for key, item in sorted(scan.found.items(), key=lambda kv: kv[0][1]):
        entry = old.get(key)
        where = item.sources[0]
        if entry is None:
            said.append(f"{language}: not in the catalogue ({where}): {item.msgid!r}")
        elif not entry.translated:
            said.append(f"{language}: untranslated ({where}): {item.msgid!r}")
    for key, entry in sorted(old.items(), key=lambda kv: kv[0][1]):
        if key not in scan.found:
            said.append(f"{language}: stale, no longer in the code: {entry.msgid!r}")
    files = planned(scan, language, locale)
    for path, text in sorted(files.items()):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            said.append(f"{language}: {path.name} is not up to date (run the extraction)")
    folder = locale / language
    for path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        if path not in files:
            said.append(f"{language}: {path.name} holds no string of the code any more")
    return said


def update(scan: Scan, language: str, locale: Path = LOCALE) -> None:
    files = planned(scan, language, locale)
    folder = locale / language
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    for path in folder.glob("*.po"):
        if path not in files:
            path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker.i18n.extract")
    parser.add_argument("--check", action="store_true", help="change nothing; list problems")
    args = parser.parse_args(argv)
    scan = scan_code()
    for problem in scan.problems:
        print(problem, file=sys.stderr)
    languages = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]
    if args.check:
        said = [line for code in languages for line in differences(scan, code)]
        for line in said:
            print(line)
        return 1 if said or scan.problems else 0
    for code in languages:
        update(scan, code)
    print(f"{len(scan.found)} strings; catalogues updated for {', '.join(languages)}")
    return 1 if scan.problems else 0


if __name__ == "__main__":
    sys.exit(main())
