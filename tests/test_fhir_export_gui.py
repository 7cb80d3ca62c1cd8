"""File ▸ Export for a hospital system (FHIR R4), driven through the real menu action and
the real question box offscreen: the current child's Bundle, with or without the name."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fhir_checks import check_bundle
from gui_helpers import click, drive_modal
from PySide6.QtWidgets import QMessageBox

from tracker.model import CountResult, CountValue
from ui.actions import ActionId

pytest_plugins = ["gui_helpers"]


def _file_menu_texts(window) -> list[str]:  # type: ignore[no-untyped-def]
    [file_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    return [a.text() for a in file_menu.actions()]


def _export(qtbot, window, button: str) -> str:  # type: ignore[no-untyped-def]
    """Choose File ▸ Export for a hospital system and click ``button`` in its question;
    the question's text."""
    seen: dict[str, str] = {}

    def answer(box: QMessageBox) -> None:
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        [wanted] = [b for b in box.buttons() if b.text() == button]
        click(qtbot, wanted)

    drive_modal(window.actions_[ActionId.EXPORT_FHIR].trigger, answer)
    qtbot.waitUntil(window.jobs.is_idle, timeout=20000)  # written off the GUI thread
    return seen["text"]


def test_file_export_fhir_writes_the_childs_bundle(
    qtbot, window, record, child, interaction, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert "Export for a &hospital system (FHIR R4)…" in _file_menu_texts(window)
    record.save(
        CountResult(
            child.id,
            dt.date(2026, 11, 20),
            dt.time(8, 0),
            values=(CountValue("plt", "45", "×10⁹/L", 45.0, 45.0, "10^9/L"),),
        )
    )
    target = tmp_path / "mila"
    interaction.save_answers.append(target)
    question = _export(qtbot, window, "&With the name")
    assert "Mila" in question
    bundle = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
    check_bundle(bundle)
    assert bundle["entry"][0]["resource"]["name"] == [{"text": "Mila"}]
    [obs] = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]
    assert obs["valueQuantity"]["code"] == "10*9/L"
    assert (
        "Exported 1 Patient, 1 DiagnosticReport, 1 Observation"
        in window.statusBar().currentMessage()
    )
    assert not [a for a in interaction.asked if a[0] == "error"]


def test_file_export_fhir_can_leave_the_name_out(
    qtbot, window, child, interaction, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "redacted.json"
    interaction.save_answers.append(target)
    _export(qtbot, window, "&Leave the name out")
    text = target.read_text(encoding="utf-8")
    check_bundle(json.loads(text))
    assert "Mila" not in text and "2026-01-10" not in text


def test_a_file_of_another_kind_is_not_replaced(
    qtbot, window, child, interaction, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n")
    interaction.save_answers.append(notes)
    _export(qtbot, window, "&With the name")
    assert notes.read_text() == "keep me\n"
    [(_kind, title, _)] = [a for a in interaction.asked if a[0] == "error"]
    assert title == "Export for a hospital system"
