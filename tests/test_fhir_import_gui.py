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
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

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


# ------------------------------------------------------- attack14 findings 11 and 17


def a_bundle_with_problems(tmp_path: Path) -> Path:
    """Two good values and two resources with a problem (no unit; a long reason)."""
    when = "2026-11-02T08:15:00+01:00"
    no_unit = obs("hgb", "718-7", 9.4, "g/dL", when)
    no_unit["valueQuantity"] = {"value": 9.4}
    other = obs("plt-other", "777-3", 55, "10*3/uL", when)
    other["subject"] = {"reference": "Patient/someone-else-with-a-long-identifier-" + "x" * 60}
    mine = obs("wbc", "6690-2", 2.1, "10*3/uL", when)
    mine["subject"] = {"reference": "Patient/p1"}
    anc = obs("anc", "751-8", 0.6, "10*3/uL", when)
    anc["subject"] = {"reference": "Patient/p1"}
    no_unit["subject"] = {"reference": "Patient/p1"}
    path = tmp_path / "portal-bad.json"
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": r} for r in (mine, anc, no_unit, other)]}  # fmt: skip
    path.write_text(json.dumps(bundle))
    return path


def _preview_of(record, child, path: Path):  # type: ignore[no-untyped-def]
    from tracker.io.fhir_import import plan_fhir, read_fhir
    from ui.dialogs.import_preview import ImportPreviewDialog

    fplan = plan_fhir(read_fhir(path), record, child)
    extra = [*fplan.vitals_lines, *fplan.fhir.left_out_lines()]
    return fplan, ImportPreviewDialog(fplan.plan, path, None, fplan.fhir.identity, extra)


def test_a_fhir_preview_speaks_of_resources_not_rows(qtbot, record, child, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """attack14 finding 11: "Skipped: 3 bad rows", "Some rows are wrong… the good rows" and a
    "Line" column of resource positions, in the preview of a FHIR file."""
    fplan, dialog = _preview_of(record, child, a_bundle_with_problems(tmp_path))
    qtbot.addWidget(dialog)
    assert len(fplan.plan.problems) == 2  # the test's premise
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Skipped: 2 resources with a problem (see “Left out”)." in text, text
    assert " row" not in text.replace("&nbsp;", " "), text
    assert dialog.skip_bad.text() == (
        "Some resources in the file are wrong (see “Left out”). Import the &good ones anyway."
    )
    assert dialog.table.horizontalHeaderItem(0).text() == "#"
    assert "place in the file" in dialog.table.horizontalHeaderItem(0).toolTip()


def test_a_csv_preview_still_speaks_of_rows_and_lines(qtbot, record, child, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracker.io.csv_import import plan_import, read_csv
    from ui.dialogs.import_preview import ImportPreviewDialog

    path = tmp_path / "bad.csv"
    path.write_text("Date,Test,Result,Unit\n2026-11-02,WBC,2.1,K/uL\n2026-11-03,Hgb,150,g/dL\n")
    dialog = ImportPreviewDialog(plan_import(read_csv(path.read_bytes()), record, child), path)
    qtbot.addWidget(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Skipped: 1 bad row (see “Left out”)." in text, text
    assert dialog.skip_bad.text().startswith("Some rows are wrong")
    assert dialog.table.horizontalHeaderItem(0).text() == "Line"


def test_the_left_out_reasons_wrap_at_1024_wide(qtbot, record, child, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """attack14 finding 11: the reasons were cut off at the list's right edge."""
    from PySide6.QtWidgets import QListWidget, QTabWidget

    _fplan, dialog = _preview_of(record, child, a_bundle_with_problems(tmp_path))
    qtbot.addWidget(dialog)
    dialog.fit_to(QSize(1024, 600))
    dialog.show()
    dialog.findChild(QTabWidget).setCurrentIndex(1)
    left_out = dialog.findChild(QListWidget, "left_out")
    qtbot.waitUntil(lambda: left_out.viewport().width() > 100)
    QApplication.processEvents()
    width = left_out.viewport().width()
    line = left_out.fontMetrics().height()
    heights = []
    for i in range(left_out.count()):
        rect = left_out.visualItemRect(left_out.item(i))
        assert rect.right() <= width, (i, rect, width)
        heights.append(rect.height())
    long_reason = max(range(left_out.count()), key=lambda i: len(left_out.item(i).text()))
    assert left_out.fontMetrics().horizontalAdvance(left_out.item(long_reason).text()) > width
    assert heights[long_reason] >= 2 * line, "the long reason takes two lines or more"
    assert not left_out.horizontalScrollBar().isVisible()


class Recorder(RealPreview):
    """The real preview, Import clicked; records which thread read and planned the file."""

    def info(self, parent, title, text) -> None:  # type: ignore[no-untyped-def]
        self.asked.append(("info", title, text))


def test_reading_and_planning_run_off_the_gui_thread_and_saving_waits(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path, monkeypatch
) -> None:
    """attack14 finding 17: a 10,000-Observation file froze the window ~4 s: read and plan
    in the CSV import's worker thread; the save too (issue 16), under the wait cursor."""
    import threading

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    import ui.dialogs.import_fhir as module

    threads: dict[str, bool] = {}
    real_read, real_plan, real_apply = module.read_fhir, module.plan_fhir, module.apply_fhir

    def read(path):  # type: ignore[no-untyped-def]
        threads["read"] = threading.current_thread() is threading.main_thread()
        return real_read(path)

    def plan(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads["plan"] = threading.current_thread() is threading.main_thread()
        return real_plan(*args, **kwargs)

    saving, looked = threading.Event(), threading.Event()

    def apply(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads["save"] = threading.current_thread() is threading.main_thread()
        saving.set()
        looked.wait(5)  # until the GUI thread has looked at the cursor
        return real_apply(*args, **kwargs)

    def look() -> None:  # on the GUI thread, while the save runs
        if not saving.is_set():
            QTimer.singleShot(5, look)
            return
        cursor = QGuiApplication.overrideCursor()
        threads["wait cursor"] = cursor is not None and cursor.shape() == Qt.CursorShape.WaitCursor
        looked.set()

    monkeypatch.setattr(module, "read_fhir", read)
    monkeypatch.setattr(module, "plan_fhir", plan)
    monkeypatch.setattr(module, "apply_fhir", apply)
    answers = Recorder(a_bundle_with_problems(tmp_path))
    answers.seen = {}

    # the preview with problems: tick "import the good ones", then Import
    def consent() -> None:
        from ui.dialogs.import_preview import ImportPreviewDialog

        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ImportPreviewDialog)
        dialog.skip_bad.setChecked(True)
        dialog.import_button.click()

    answers._answer = consent  # type: ignore[method-assign]
    QTimer.singleShot(0, look)
    assert module.FhirImporter(window.bridge, answers, window).run() is not None
    assert threads == {"read": False, "plan": False, "save": False, "wait cursor": True}
    assert QGuiApplication.overrideCursor() is None, "the cursor is given back"
    assert len(rows(record.path, "SELECT * FROM count_value")) == 2
    kind, _title, info = answers.asked[-1]
    # the final message lists the problems it refers to (nothing is "listed above" it)
    assert kind == "info" and "(listed above)" not in info, info
    assert "Skipped: 2 resources with a problem (listed below)." in info, info
    assert "Observation hgb" in info and "Observation plt-other" in info, info


def test_cancel_in_the_progress_dialog_writes_nothing(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path, monkeypatch
) -> None:
    import threading

    from PySide6.QtWidgets import QProgressDialog

    import ui.dialogs.import_fhir as module

    release = threading.Event()
    planned: list[bool] = []
    real_read = module.read_fhir

    def slow_read(path):  # type: ignore[no-untyped-def]
        release.wait(10)  # until the family has pressed Cancel
        return real_read(path)

    def plan(*args, **kwargs):  # type: ignore[no-untyped-def]
        planned.append(True)
        raise AssertionError("planned after Cancel")

    monkeypatch.setattr(module, "read_fhir", slow_read)
    monkeypatch.setattr(module, "plan_fhir", plan)
    seen: dict[str, bool] = {}

    def press_cancel() -> None:
        dialogs = [d for d in window.findChildren(QProgressDialog) if d.isVisible()]
        if not dialogs:
            QTimer.singleShot(20, press_cancel)
            return
        [progress] = dialogs
        seen["shown"] = True
        [cancel] = [b for b in progress.findChildren(QPushButton) if b.text() == "Cancel"]
        seen["cancel button"] = True
        cancel.click()
        QTimer.singleShot(100, release.set)  # the read ends after Cancel

    QTimer.singleShot(0, press_cancel)
    answers = RealPreview(a_bundle(tmp_path))
    before = rows(record.path, "SELECT COUNT(*) AS n FROM count_result")
    assert module.FhirImporter(window.bridge, answers, window).run() is None
    release.set()
    assert seen == {"shown": True, "cancel button": True}
    assert planned == [] and answers.seen == {}, "no plan, no preview"
    assert [kind for kind, _t, _x in answers.asked] == ["choose", "open_file"]  # no message
    assert rows(record.path, "SELECT COUNT(*) AS n FROM count_result") == before
    assert rows(record.path, "SELECT * FROM count_value") == []
