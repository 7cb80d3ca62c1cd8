"""Every name of a kind and every text of its screen declaration can be translated: the
catalogues' extractor (tracker.i18n.extract) finds each, marked with N_() where it is
declared, and the screens translate it where it is shown (``tr(ui.title)``…)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tracker import i18n
from tracker.i18n import extract
from tracker.kinds import all_kinds
from tracker.kinds.kind import NAMES
from ui.kinds import UI_KINDS

ROOT = Path(__file__).resolve().parent.parent
SCANNED = {msgid for _context, msgid in extract.scan_code(ROOT).found}


def _screen_texts() -> set[str]:
    return {t for ui in UI_KINDS for t in (ui.title, ui.add_button, ui.empty, ui.add_text) if t}


def test_every_screen_text_of_a_kind_is_in_the_catalogues() -> None:
    assert _screen_texts() - SCANNED == set()


def _lupdate_found(tmp_path: Path) -> set[str]:
    """The kinds' names still marked the Qt way (QT_TRANSLATE_NOOP in tracker/kinds), while
    they move to N_(): what pyside6-lupdate finds in the context "kinds"."""
    beside = Path(sys.executable).with_name("pyside6-lupdate")
    found = str(beside) if beside.exists() else shutil.which("pyside6-lupdate")
    if found is None:
        return set()
    sources = sorted(str(p) for p in (ROOT / "tracker" / "kinds").glob("*.py"))
    ts = tmp_path / "kinds.ts"
    subprocess.run([found, *sources, "-ts", str(ts)], check=True, capture_output=True)
    return {
        source.text or ""
        for context in ET.parse(ts).getroot().iter("context")
        if context.findtext("name") == NAMES
        for source in context.iter("source")
    }


def test_every_kind_name_is_marked(tmp_path: Path) -> None:
    wanted = {name for kind in all_kinds() for name in (kind.singular, kind.plural)}
    missing = wanted - SCANNED
    if missing:
        missing -= _lupdate_found(tmp_path)
    assert missing == set()


def test_a_kinds_screen_texts_read_in_spanish_and_french() -> None:
    phases = next(ui for ui in UI_KINDS if ui.key == "phase")
    with i18n.using("es"):
        assert i18n.tr(phases.title) == "Fases del tratamiento"
        assert i18n.tr(phases.add_text or "") == "Añadir &fase…"
    with i18n.using("fr"):
        assert i18n.tr(phases.title) == "Phases du traitement"
    assert i18n.tr(phases.title) == "Treatment phases"
