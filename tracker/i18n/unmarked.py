"""Find text a family would see that is not marked for translation.

Two rules, run by tests/test_translations.py over the code:

- in ``ui/``, a plain or f-string literal given to a Qt call that shows text
  (``setText``, ``QLabel(…)``, ``addAction``, the Interaction's messages, a painter's
  ``drawText``…); any f-string of two or more words outside ``tr()`` (a sentence glued
  at run time); and in ``ui/printing``, words in an HTML literal of the printed page;
- in ``tracker/``, a literal of two or more words that is not a docstring, not marked,
  not SQL and not on a line ending in ``# i18n: not shown`` (an identifier, a file
  format's own words, a developer's message), in a module not listed in
  :data:`NOT_SHOWN` with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tracker.i18n.extract import ROOT, _marker

TEXT_CALLS = frozenset(
    {
        "setText",
        "setToolTip",
        "setStatusTip",
        "setWhatsThis",
        "setWindowTitle",
        "setPlaceholderText",
        "setTitle",
        "setAccessibleName",
        "setAccessibleDescription",
        "showMessage",
        "addAction",
        "addMenu",
        "addTab",
        "insertTab",
        "setTabText",
        "setTabToolTip",
        "addItem",
        "insertItem",
        "setItemText",
        "setHeaderLabels",
        "setHorizontalHeaderLabels",
        "setSuffix",
        "setPrefix",
        "setSpecialValueText",
        "setLabelText",
        "addRow",
        "setPlainText",
        "setHtml",
        "drawText",
        "drawStaticText",
        "QStaticText",
        "setStaticText",
        "QLabel",
        "QPushButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QMenu",
        "QToolButton",
        "QListWidgetItem",
        "QTreeWidgetItem",
        "QCommandLinkButton",
        "error",
        "info",
        "warn",
        "warning",
        "confirm",
        "ask",
        "question",
        "information",
        "critical",
    }
)

NOT_SHOWN: dict[str, str] = {
    "tracker/store/schema.py": "the record's SQL tables and triggers",
    "tracker/i18n/unmarked.py": "this checker's own words",
    "tracker/i18n/extract.py": "a developer's tool (run from a checkout, in English)",
    "tracker/i18n/catalogue.py": "a broken catalogue is a developer's error, caught by tests",
    "tracker/io/fhir_export_resources.py": "a FHIR Bundle's own words for hospital "
    "systems: codes' display texts and notes in HL7's English (docs/fhir.md)",
    "tracker/io/fhir_export_medicines.py": "a FHIR Bundle's own words for hospital "
    "systems: codes' display texts and notes in HL7's English (docs/fhir.md)",
    "tracker/io/csv_columns.py": "CSV column names in labs' languages, matched against a "
    "file's header (never shown)",
    "tracker/demo.py": "the demo record's own content (names, notes, phases as a family "
    "would type them) is data kept as typed, like any record; its one message is a "
    "developer's check of the clock",
}
"""Modules of ``tracker/`` whose literals no family reads, each with the reason."""

_WORDS = re.compile(r"[A-Za-z]{2,}[,.;:!?)”’\"']*\s+[(“‘\"']*[A-Za-z]{2,}")
_SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|BEGIN|COMMIT|"
    r"ROLLBACK|SAVEPOINT|RELEASE|REPLACE|VACUUM|ATTACH|DETACH)\b"
)
NOT_SHOWN_COMMENT = "# i18n: not shown"


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _has_letters(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_letters(v) for v in node.values if isinstance(v, ast.Constant))
    return False


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    # docstrings, and a bare string after an assignment (an attribute's docstring)
    for node in ast.walk(tree):
        body: object = getattr(node, "body", None)
        for child in body if isinstance(body, list) else []:
            if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
                found.add(id(child.value))
    return found


def _marked(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _marker(node) is not None:
            for child in ast.walk(node):
                inside.add(id(child))
    return inside


_TAG = re.compile(r"<[^<>]*>|<[^<>]*$|^[^<>]*>|&[a-z]+;")  # tags, and a tag's ends
_CSS = re.compile(r"[\w-]+\s*:\s*[^;:]*;?")  # "border: 2px solid …;"
_CSS_VALUE = re.compile(r"\d(?:px|pt|em)\b|#[0-9a-fA-F]{3,6}\b")


# one word beside a value: "Page {}", "· printed {}", "Repeat: {}" (not "name-tool: {}")
_WORD_BESIDE_VALUE = re.compile(r"(?:^|(?<=\s))[A-Za-z]{3,}:?\s+\{\}|\{\}\s+[A-Za-z]{3,}\b")


def _page_text(text: str) -> str:
    """``text`` without HTML tags, and without a style sheet's declarations."""
    text = _TAG.sub(" ", text)
    if _CSS_VALUE.search(text) or text.rstrip().endswith(";"):
        text = _CSS.sub(" ", text)
    return text


def _words_shown(text: str) -> bool:
    """Two or more words once HTML tags (and a style sheet's declarations) are left out."""
    return bool(_WORDS.search(_page_text(text)))


def _page_literal(node: ast.AST) -> bool:
    """A plain literal of the printed page's HTML with words in it."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return False
    return ("<" in node.value or ">" in node.value) and _words_shown(node.value)


def _not_shown(node: ast.AST, lines: list[str]) -> bool:
    """The literal is on (or ends on) a line marked ``# i18n: not shown``."""
    start = getattr(node, "lineno", 1)
    end = getattr(node, "end_lineno", start) or start
    return any(NOT_SHOWN_COMMENT in lines[i - 1] for i in range(start, end + 1))


def ui_problems(text: str, relative: str) -> list[str]:
    tree = ast.parse(text, relative)
    marked = _marked(tree)
    skip = marked | _docstrings(tree)
    lines = text.splitlines()
    said: list[str] = []
    flagged: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _call_name(node) not in TEXT_CALLS:
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if id(arg) in marked or not _has_letters(arg):
                continue
            if isinstance(arg, (ast.Constant, ast.JoinedStr)):
                shown = ast.unparse(arg)[:60]
                said.append(f"{relative}:{arg.lineno}: {_call_name(node)}({shown}) is not marked")
                flagged.add(id(arg))
    printing = relative.startswith("ui/printing/")
    for node in ast.walk(tree):
        if not isinstance(node, (ast.JoinedStr, ast.Constant)):
            continue
        if id(node) in skip or id(node) in flagged or _not_shown(node, lines):
            continue
        if isinstance(node, ast.JoinedStr):
            words = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values
            )
            if _words_shown(words) or _WORD_BESIDE_VALUE.search(_page_text(words)):
                shown = ast.unparse(node)[:60]
                said.append(f"{relative}:{node.lineno}: {shown} is a sentence not marked")
        elif printing and _page_literal(node):
            shown = str(getattr(node, "value", ""))[:60]
            said.append(f"{relative}:{node.lineno}: {shown!r} is page text not marked")
    return said


def tracker_problems(text: str, relative: str) -> list[str]:
    if relative in NOT_SHOWN:
        return []
    tree = ast.parse(text, relative)
    skip = _docstrings(tree) | _marked(tree)
    lines = text.splitlines()
    said: list[str] = []
    joined_parts: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                joined_parts.add(id(part))
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in joined_parts:
            continue
        value: str
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.JoinedStr):
            value = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values
            )
        else:
            continue
        if not _WORDS.search(value) or _SQL.match(value):
            continue
        end = getattr(node, "end_lineno", node.lineno) or node.lineno
        if any(NOT_SHOWN_COMMENT in lines[i - 1] for i in range(node.lineno, end + 1)):
            continue
        said.append(f"{relative}:{node.lineno}: {value[:70]!r} is not marked")
    return said


def problems(root: Path = ROOT) -> dict[str, list[str]]:
    """Unmarked text by file (relative path)."""
    found: dict[str, list[str]] = {}
    for folder, check in (("ui", ui_problems), ("tracker", tracker_problems)):
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            said = check(path.read_text(encoding="utf-8"), relative)
            if said:
                found[relative] = said
    return found
