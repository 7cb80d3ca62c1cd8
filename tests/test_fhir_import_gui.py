"""File ▸ Import lab results (FHIR JSON)…: the menu action, the CSV import's real preview
dialog (its summary with the vital signs and what is left out, its Import button), the
values and growth measurement in the record after; Cancel writes nothing; a wrong file
says why; a Patient who is not the child is warned about above everything."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import ScriptedInteraction, rows
from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ui.actions import ActionId
from ui.interaction import Interaction

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui

DATA = Path(__file__).parent / "data" / "fhir"


class RealPreview(ScriptedInteraction):
    """The real preview dialog (Interaction.confirm_import); the file is chosen by the test
    and the dialog's own Import (or Cancel) button is clicked once it shows."""

    def __init__(self, path: Path, click: str = "import") -> None:
        super().__init__()
        self.path, self.click = path, click
        self.seen: dict[str, Any] = {}

    def open_file(self, parent: QWidget | None, title: str, folder: Path, filter_: str) -> Path:
        self.asked.append(("open_file", title, filter_))
        return self.path

    def choose(self, parent, title, text, choices):  # type: ignore[no-untyped-def]
        self.asked.append(("choose", title, " | ".join(choices)))
        return 0  # one file

    def confirm_import(self, parent, plan, path, identity=None, extra_lines=()) -> bool:  # type: ignore[no-untyped-def]
        QTimer.singleShot(0, self._answer)
        return Interaction.confirm_import(self, parent, plan, path, identity, extra_lines)

    def _answer(self) -> None:
        from ui.dialogs.import_preview import ImportPreviewDialog

        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ImportPreviewDialog)
        self.seen["labels"] = [label.text() for label in dialog.findChildren(QLabel)]
        self.seen["enabled"] = dialog.import_button.isEnabled()
        self.seen["warning"] = getattr(dialog, "warning", None) is not None
        self.seen["table_rows"] = dialog.table.rowCount()
        if self.click == "import":
            dialog.import_button.click()
        else:
            dialog.reject()


def obs(oid: str, loinc: str, value: float, unit: str, when: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [{"coding": [{"code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "code": unit},
    }


def a_bundle(tmp_path: Path, patient: dict[str, Any] | None = None) -> Path:
    when = "2026-11-02T08:15:00+01:00"
    weight = obs("w1", "29463-7", 8.1, "kg", "2026-11-02")
    weight["category"] = [{"coding": [{"code": "vital-signs"}]}]
    resources = [
        obs("wbc", "6690-2", 2.1, "10*3/uL", when),
        obs("anc", "751-8", 0.6, "10*3/uL", when),
        obs("plt", "777-3", 55, "10*3/uL", when),
        weight,
        {"resourceType": "Condition", "id": "all-1"},
    ]
    if patient is not None:
        resources.insert(0, patient)
    path = tmp_path / "portal.json"
    path.write_text(
        json.dumps(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [{"resource": r} for r in resources],
            }
        )
    )
    return path


def test_file_import_fhir_previews_then_adds(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    answers = RealPreview(a_bundle(tmp_path))
    window.interaction = answers
    action = window.actions_[ActionId.IMPORT_FHIR]
    assert action.isEnabled() and "FHIR" in action.text()
    action.trigger()
    assert answers.seen["enabled"] and answers.seen["table_rows"] == 3
    text = " ".join(answers.seen["labels"])
    assert "Would add for Mila: 3 values (1 new blood count)." in text
    assert "Vital signs for Mila: 1 growth measurement." in text
    assert "Left out: 1 Condition (all-1)." in text
    assert not answers.seen["warning"]
    assert len(rows(record.path, "SELECT * FROM count_value")) == 3
    assert rows(record.path, "SELECT weight_text FROM growth") == [{"weight_text": "8.1 kg"}]
    kind, _title, info = answers.asked[-1]
    assert kind == "info" and "Added for Mila: 3 values" in info


def test_cancel_writes_nothing_and_a_wrong_file_says_why(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.import_fhir import FhirImporter

    answers = RealPreview(a_bundle(tmp_path), click="cancel")
    assert FhirImporter(window.bridge, answers, window).run() is None
    assert rows(record.path, "SELECT * FROM count_value") == []
    assert rows(record.path, "SELECT * FROM growth") == []
    bad = tmp_path / "notes.json"
    bad.write_text('{"children": []}')
    assert FhirImporter(window.bridge, answers, window).run(bad) is None
    kind, _title, text = answers.asked[-1]
    assert kind == "error" and "notes.json is JSON but not FHIR" in text


def test_another_patient_is_warned_about(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    patient = {"resourceType": "Patient", "id": "p", "name": [{"given": ["Noa"], "family": "K"}],
               "birthDate": "2025-12-01"}  # fmt: skip
    answers = RealPreview(a_bundle(tmp_path, patient), click="cancel")
    window.interaction = answers
    window.actions_[ActionId.IMPORT_FHIR].trigger()
    assert answers.seen["warning"]
    assert any("This file is for Noa K and gives a date of birth of 2025-12-01" in t
               for t in answers.seen["labels"])  # fmt: skip
    assert rows(record.path, "SELECT * FROM count_value") == []


def test_render_the_preview(qtbot, record, child, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Pictures for a person to look at (not compared): 1024x600 and 1920x1080."""
    from tracker.io.fhir_import import plan_fhir, read_fhir
    from ui.dialogs.import_preview import ImportPreviewDialog

    fplan = plan_fhir(read_fhir(a_bundle(tmp_path)), record, child)
    extra = [*fplan.vitals_lines, *fplan.fhir.left_out_lines()]
    for w, h in ((1024, 600), (1920, 1080)):
        dialog = ImportPreviewDialog(fplan.plan, Path("portal.json"), None, None, extra)
        qtbot.addWidget(dialog)
        dialog.fit_to(QSize(w, h))
        dialog.show()
        out = Path(os.environ.get("FHIR_SHOTS", tmp_path)) / f"fhir-preview-{w}x{h}.png"
        assert dialog.grab().save(str(out))
        dialog.close()


class FolderPreview(RealPreview):
    """The family picks "A folder" and then Apple Health's clinical-records folder."""

    def choose(self, parent, title, text, choices):  # type: ignore[no-untyped-def]
        self.asked.append(("choose", title, " | ".join(choices)))
        return 1

    def open_folder(self, parent: QWidget | None, title: str, folder: Path) -> Path:
        self.asked.append(("open_folder", title, str(folder)))
        return self.path


def test_a_clinical_records_folder_can_be_chosen(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Apple Health keeps one resource per file in clinical-records/: the window must take
    the folder, as the command line does."""
    folder = tmp_path / "apple_health_export" / "clinical-records"
    folder.mkdir(parents=True)
    when = "2026-11-02T08:15:00+01:00"
    for r in (obs("wbc", "6690-2", 2.1, "10*3/uL", when), obs("plt", "777-3", 55, "10*3/uL", when)):
        (folder / f"Observation-{r['id']}.json").write_text(json.dumps(r))
    answers = FolderPreview(folder)
    window.interaction = answers
    window.actions_[ActionId.IMPORT_FHIR].trigger()
    kinds = [kind for kind, _t, _x in answers.asked]
    assert kinds[:2] == ["choose", "open_folder"], answers.asked
    assert "folder" in answers.asked[0][2].lower()
    assert "Would add for Mila: 2 values (1 new blood count)." in " ".join(answers.seen["labels"])
    assert len(rows(record.path, "SELECT * FROM count_value")) == 2
