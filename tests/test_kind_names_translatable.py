"""Every name of a kind and every text of its screen declaration can be translated.

The kinds' names are marked with N_() in their declarations (tracker/kinds), so the
gettext extraction (tracker.i18n.extract) finds them and the catalogues hold them; the
screens' texts are found by Qt's own extractor (pyside6-lupdate, in the PySide6 wheel) in
the context "kinds", where the screens look them up (ui/kind_ui.py ``tr``, ui/bridge.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tracker.i18n import extract
from tracker.kinds import all_kinds
from tracker.kinds.kind import NAMES
from ui.kinds import UI_KINDS

ROOT = Path(__file__).resolve().parent.parent


def _lupdate() -> str:
    beside = Path(sys.executable).with_name("pyside6-lupdate")
    found = str(beside) if beside.exists() else shutil.which("pyside6-lupdate")
    if found is None:
        pytest.skip("pyside6-lupdate is not installed here")
    return found


def test_the_extraction_finds_every_kind_name() -> None:
    found = {msgid for context, msgid in extract.scan_code(ROOT).found if context == ""}
    wanted = {name for kind in all_kinds() for name in (kind.singular, kind.plural)}
    assert wanted - found == set()


def test_lupdate_finds_every_screen_text(tmp_path: Path) -> None:
    sources = sorted(str(p) for p in (ROOT / "tracker" / "kinds").glob("*.py"))
    sources += sorted(str(p) for p in (ROOT / "ui" / "dialogs").glob("*.py"))
    ts = tmp_path / "kinds.ts"
    subprocess.run([_lupdate(), *sources, "-ts", str(ts)], check=True, capture_output=True)
    found = {
        source.text
        for context in ET.parse(ts).getroot().iter("context")
        if context.findtext("name") == NAMES
        for source in context.iter("source")
    }
    wanted: set[str] = set()
    for ui in UI_KINDS:
        wanted.update(t for t in (ui.title, ui.add_button, ui.empty, ui.add_text) if t)
    assert wanted - found == set()
