"""File ▸ Import lab results: read in the background, preview, confirm, counts appear."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import ScriptedInteraction, refresh_views, rows

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui

DATA = Path(__file__).parent / "data" / "csv"


class ImportAnswers(ScriptedInteraction):
    def __init__(self, confirm: bool = True, dayfirst: bool | None = True) -> None:
        super().__init__()
        self.confirm_import_answer = confirm
        self.dayfirst = dayfirst
        self.previews: list[object] = []
        self.identities: list[object] = []
        self.errors: list[str] = []
        self.infos: list[str] = []

    def confirm_import(self, parent, plan, path, identity=None) -> bool:  # type: ignore[no-untyped-def]
        self.previews.append(plan)
        self.identities.append(identity)
        return self.confirm_import_answer

    def choose_date_order(self, parent, parsed):  # type: ignore[no-untyped-def]
        self.asked.append(("date order", "", parsed.date_order_question()))
        return self.dayfirst

    def error(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        self.errors.append(text)

    def info(self, parent, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
        self.infos.append(text)


def _a_file(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    path.write_text(
        "Date,Test,Result,Unit,Reference range\n"
        "2026-11-02,WBC,2.1,K/uL,4.5-11\n"
        "2026-11-02,ANC,0.6,K/uL,1.5-8.5\n"
        "2026-11-02,Platelets,55,K/uL,150-450\n"
        "2026-11-09,Hgb,9.4,g/dL,10.5-13.5\n",
        encoding="utf-8",
    )
    return path


def test_import_previews_then_adds_and_a_second_import_adds_nothing(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path
) -> None:
    from ui.dialogs.import_csv import CsvImporter

    answers = ImportAnswers()
    path = _a_file(tmp_path)
    report = CsvImporter(window.bridge, answers, window).run(path)
    assert report is not None and report.values_added == 4
    assert len(answers.previews) == 1
    assert len(rows(record.path, "SELECT * FROM count_result")) == 2
    refresh_views(window)
    assert window.counts_view.model.rowCount() == 2
    assert "Added" in answers.infos[-1]
    again = CsvImporter(window.bridge, answers, window).run(path)
    assert again is not None and again.values_added == 0
    assert len(rows(record.path, "SELECT * FROM count_value")) == 4


def test_cancelled_preview_writes_nothing(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.import_csv import CsvImporter

    answers = ImportAnswers(confirm=False)
    assert CsvImporter(window.bridge, answers, window).run(_a_file(tmp_path)) is None
    assert rows(record.path, "SELECT * FROM count_result") == []


def test_unreadable_file_says_why(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.import_csv import CsvImporter

    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    answers = ImportAnswers()
    assert CsvImporter(window.bridge, answers, window).run(path) is None
    assert answers.errors and rows(record.path, "SELECT * FROM count_result") == []


def test_ambiguous_dates_are_asked(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.import_csv import CsvImporter

    path = tmp_path / "ambiguous.csv"
    path.write_text("Date,Test,Result,Unit\n03/04/2026,WBC,2.1,K/uL\n", encoding="utf-8")
    answers = ImportAnswers(dayfirst=True)
    report = CsvImporter(window.bridge, answers, window).run(path)
    assert any(kind == "date order" for kind, _t, _x in answers.asked)
    assert report is not None
    assert rows(record.path, "SELECT taken_date FROM count_result") == [
        {"taken_date": "2026-04-03"}
    ]


def test_preview_dialog_needs_consent_for_bad_rows(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracker.io.csv_import import plan_import, read_csv
    from ui.dialogs.import_preview import ImportPreviewDialog

    path = tmp_path / "bad.csv"
    path.write_text(
        "Date,Test,Result,Unit\n2026-11-02,WBC,2.1,K/uL\n2026-11-03,Hgb,150,g/dL\n",
        encoding="utf-8",
    )
    plan = plan_import(read_csv(path.read_bytes()), record, window.bridge.current_child())
    dialog = ImportPreviewDialog(plan, path)
    qtbot.addWidget(dialog)
    assert plan.problems
    assert not dialog.import_button.isEnabled()
    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.show()
    dialog.grab().save(str(tmp_path / "preview.png"))


def test_a_file_for_another_date_of_birth_is_pointed_out(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from tracker.io.csv_import import file_identity, plan_import, read_csv
    from tracker.model import Child
    from ui.dialogs.import_csv import CsvImporter
    from ui.dialogs.import_preview import ImportPreviewDialog

    path = DATA / "us_portal_long.csv"  # "Patient: MILA EXAMPLE … DOB: 01/10/2026"
    mila = window.bridge.current_child()
    answers = ImportAnswers(confirm=False, dayfirst=False)
    CsvImporter(window.bridge, answers, window).run(path)
    assert answers.identities[-1].mismatch(mila) == ""  # Mila's own file: no warning
    noah, _ = record.save(Child(name="Noah", birth_date=dt.date(2025, 12, 1)))
    window.bridge.select_child(noah.id)
    CsvImporter(window.bridge, answers, window).run(path)
    identity = answers.identities[-1]
    assert "MILA EXAMPLE" in " ".join(identity.lines)
    assert "Check that it is Noah's file" in identity.mismatch(noah)
    parsed = read_csv(path.read_bytes(), dayfirst=False)
    dialog = ImportPreviewDialog(
        plan_import(parsed, record, noah), path, None, file_identity(path.read_bytes(), parsed)
    )
    qtbot.addWidget(dialog)
    assert "was born on" in dialog.warning.text()
    assert rows(record.path, "SELECT * FROM count_result") == []


@pytest.fixture
def hang_guard():  # type: ignore[no-untyped-def]
    """A safety net only: a regression that blocks on a FIFO ends the run with a traceback
    instead of hanging it.  The refusal itself is immediate."""
    import faulthandler

    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _fifo(tmp_path: Path) -> Path:
    import os

    path = tmp_path / "lab.csv"
    os.mkfifo(path)
    return path


def _sparse(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    with open(path, "wb") as fh:
        fh.truncate(2 * 1024**3)
    return path


def _folder(tmp_path: Path) -> Path:
    path = tmp_path / "lab.csv"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_fifo, "is a named pipe (FIFO)"),
        (lambda _tmp: Path("/dev/zero"), "is a device, not an ordinary file"),
        (_sparse, "is 2,048 MB; a lab's CSV export is at most 32 MB"),
        (_folder, "is a folder, not a file"),
    ],
    ids=["fifo", "dev-zero", "sparse-2GB", "folder"],
)
def test_hostile_files_are_refused_at_once_and_nothing_is_written(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path, hang_guard, make, words
) -> None:
    from ui.dialogs.import_csv import CsvImporter

    path = make(tmp_path)
    answers = ImportAnswers()
    assert CsvImporter(window.bridge, answers, window).run(path) is None
    assert len(answers.errors) == 1
    assert str(path) in answers.errors[0] and words in answers.errors[0]
    assert answers.previews == []
    assert rows(record.path, "SELECT * FROM count_result") == []


def test_the_preview_lists_the_first_200_left_out_and_counts_all(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path
) -> None:
    from PySide6.QtWidgets import QListWidget, QTabWidget

    from tracker.io.csv_import import plan_import, read_csv
    from ui.dialogs.import_preview import ImportPreviewDialog

    lines = ["Date,Test,Result,Unit"]
    lines += [f"2026-02-{1 + i % 28:02d} {i // 28:02d}:00,Platelets,12,K/xx" for i in range(600)]
    plan = plan_import(read_csv("\n".join(lines).encode()), record, window.bridge.current_child())
    assert len(plan.problems) == 600
    dialog = ImportPreviewDialog(plan, tmp_path / "bad.csv", window)
    qtbot.addWidget(dialog)
    [left_out] = dialog.findChildren(QListWidget)
    assert left_out.count() == 201
    assert left_out.item(200).text() == "… and 400 more like these (not listed one by one)"
    [tabs] = dialog.findChildren(QTabWidget)
    assert tabs.tabText(1) == "Left out (600)"


def test_preview_shows_the_labs_flag_comment_and_tests_kept_as_printed(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path
) -> None:
    from PySide6.QtWidgets import QTableWidget

    from tracker.io.csv_import import plan_import, read_csv
    from ui.dialogs.import_preview import ImportPreviewDialog

    path = tmp_path / "notes.csv"
    path.write_text(
        "Date,Test,Result,Unit,Reference range,Flag,Comment\n"
        "2026-11-02,Platelets,55,K/uL,150-450,L,Clumped sample\n"
        "2026-11-02,Vitamin D 25-OH,54,nmol/L,50-150,,winter\n",
        encoding="utf-8",
    )
    plan = plan_import(read_csv(path.read_bytes()), record, window.bridge.current_child())
    dialog = ImportPreviewDialog(plan, path)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "additions")
    cells = [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    # test, value, the lab's range as printed, the program's flag, the lab's, its comment
    assert cells[0][2:8] == ["Platelets", "55 K/uL", "150-450 K/uL", "(low)", "L", "Clumped sample"]
    assert cells[1][2:8] == [
        "Vitamin D 25-OH (kept as printed)",
        "54 nmol/L",
        "50-150 nmol/L",
        "",
        "",
        "winter",
    ]
    assert "no range check" in table.item(1, 2).toolTip()
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "&Import 2 values"
    dialog.show()
    dialog.grab().save(str(tmp_path / "preview.png"))


def test_an_imported_differential_gets_a_judged_calculated_anc(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path
) -> None:
    """Issue 11 walkthrough: after a CSV import of WBC, segs and bands (no ANC) the counts
    table showed the worked-out ANC unjudged.  The WBC's and the segs' ranges stay theirs."""
    from PySide6.QtCore import Qt

    from ui.dialogs.import_csv import CsvImporter

    path = tmp_path / "diff.csv"
    path.write_text(
        "Date,Test,Result,Unit,Reference range\n"
        "2026-11-02,WBC,2.1,K/uL,4.5-11\n"
        "2026-11-02,Segmented neutrophils,38,%,20-60\n"
        "2026-11-02,Bands,6,%,0-5\n",
        encoding="utf-8",
    )
    report = CsvImporter(window.bridge, ImportAnswers(), window).run(path)
    assert report is not None and report.values_added == 3
    refresh_views(window)
    model = window.counts_view.model
    cell = model.index(0, model.analyte_column("anc"))
    assert "calc. (low)" in cell.data()
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "Moderate neutropenia" in tip and "University of Iowa" in tip
    assert "4.5-11" not in tip.split("Codes and units")[0].split("ANC calculated")[-1]
    assert "ANC (calc.) low" in model.index(0, model.column_keys().index("flags")).data()


PREVIEW_CSV = (
    "Date,Test,Result,Unit,Reference range,Flag,Comment\n"
    "2026-11-02,WBC,2.4,K/uL,4.5-11.0,L,\n"
    "2026-11-02,Absolute Neutrophil Count,0.6,K/uL,1.5-8.5,L,Manual differential performed\n"
    "2026-11-02,Hemoglobin,9.9,g/dL,10.5-13.5,,\n"
    "2026-11-02,Hematocrit,29,%,33-39,L,\n"
    '2026-11-02,Platelets,55,K/uL,150-450,L,"Clumped sample; platelet count may be falsely '
    'low, recollect advised"\n'
    "2026-11-02,Lymphocytes %,61,%,,,\n"
    "2026-11-02,CRP,12,mg/L,<5,H,\n"
    "2026-11-02,Vitamin D 25-OH,54,nmol/L,50-175,,winter\n"
    "2026-11-09,Hgb,11.2,g/dL,10.5-13.5,,\n"
    "2026-11-09,WBC,5.1,K/uL,,,\n"
)


def _preview(window, record, tmp_path):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QTableWidget

    from tracker.io.csv_import import plan_import, read_csv
    from ui.dialogs.import_preview import ImportPreviewDialog

    plan = plan_import(read_csv(PREVIEW_CSV.encode()), record, window.bridge.current_child())
    assert not plan.problems
    dialog = ImportPreviewDialog(plan, tmp_path / "lab-results-november.csv")
    table = dialog.findChild(QTableWidget, "additions")
    return dialog, table


def test_the_preview_shows_each_known_tests_printed_range_and_the_programs_flag(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path
) -> None:
    """Issue 11 walkthrough: "2.4 K/uL", "9.9 g/dL" with no range and no flag, so a misread
    range or the program disagreeing with the lab could not be seen before importing."""
    dialog, table = _preview(window, record, tmp_path)
    qtbot.addWidget(dialog)
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    col = {h.split("\n")[0]: c for c, h in enumerate(headers)}
    by_test = {
        table.item(r, col["Test"]).text(): [
            table.item(r, c).text() for c in range(table.columnCount())
        ]
        for r in range(table.rowCount())
        if table.item(r, col["Date"]).text() == "2026-11-02"
    }
    flag_col = next(c for h, c in col.items() if h.startswith("Program"))
    wbc = by_test["White blood cells (WBC)"]
    assert wbc[col["Value"]] == "2.4 K/uL" and wbc[col["Lab's range"]] == "4.5-11.0 K/uL"
    assert wbc[flag_col] == "(low)" and wbc[col["Lab's flag"]] == "L"
    hb = by_test["Hemoglobin"]  # the program says low, the lab printed no flag: both seen
    assert hb[col["Lab's range"]] == "10.5-13.5 g/dL"
    assert hb[flag_col] == "(low)" and hb[col["Lab's flag"]] == ""
    assert flag_col + 1 == col["Lab's flag"]  # side by side
    crp = by_test["C-reactive protein (CRP)"]
    assert crp[col["Lab's range"]] == "<5 mg/L" and crp[flag_col] == "(high)"
    lymph = by_test["Lymphocytes %"]
    assert lymph[col["Lab's range"]] == "none printed" and lymph[flag_col] == ""
    later = {
        table.item(r, col["Test"]).text(): r
        for r in range(table.rowCount())
        if table.item(r, col["Date"]).text() == "2026-11-09"
    }
    # no range printed: judged against the built-in example, and it says so
    r = later["White blood cells (WBC)"]
    assert table.item(r, col["Lab's range"]).text() == "none printed"
    assert table.item(r, flag_col).text() == "(low) vs built-in range"
    assert "University of Iowa" in table.item(r, flag_col).toolTip()  # which table, for which age
    r = later["Hemoglobin (Hgb)"]
    assert table.item(r, flag_col).text() == ""  # within the lab's range
    assert "Within the range used" in table.item(r, flag_col).toolTip()
    tip = table.item(0, flag_col).toolTip()
    assert "range printed by your lab" in tip


@pytest.mark.parametrize("screen", [(1024, 600), (1366, 768)])
def test_the_preview_uses_the_screens_width_and_keeps_columns_readable(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path, screen
) -> None:
    """At 1366×768 the preview was 760 px wide and scrolled sideways for the lab's comment
    and "Adds to"."""
    from PySide6.QtCore import QSize

    dialog, table = _preview(window, record, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # fitted to that screen once shown (as it opens, a dialog is fitted to the real screen:
    # the offscreen test screen is 800 wide)
    dialog.fit_to(QSize(*screen))
    assert dialog.width() <= screen[0] and dialog.height() <= screen[1]
    dialog.grab().save(str(tmp_path / f"preview-{screen[0]}.png"))
    widths = [table.columnWidth(c) for c in range(table.columnCount())]
    assert min(widths[2:]) >= 60, widths  # every column readable
    # nothing scrolled off sideways: at 1024 the test, comment and "Adds to" columns wrap
    assert table.horizontalScrollBar().maximum() == 0, widths
    if screen[0] >= 1366:
        assert dialog.width() > 1100, "uses the screen's width"


def test_an_ehr_export_imports_its_lab_rows_and_lists_the_rest_by_reason(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path
) -> None:
    """Issue 14: Synthea-shaped rows (LOINC in CODE, UCUM units, "…Z" instants) come in
    through File ▸ Import with the right values; vital signs, a survey, a text answer and
    QALY/DALY rows are left out, one line per reason in the preview."""
    from PySide6.QtWidgets import QListWidget, QTabWidget

    from tracker.io.csv_import import plan_import, read_csv
    from ui.dialogs.import_csv import CsvImporter
    from ui.dialogs.import_preview import ImportPreviewDialog

    path = DATA / "ehr_observations.csv"
    plan = plan_import(read_csv(path.read_bytes()), record, window.bridge.current_child())
    dialog = ImportPreviewDialog(plan, path, window)
    qtbot.addWidget(dialog)
    [left_out] = dialog.findChildren(QListWidget)
    texts = [left_out.item(i).text() for i in range(left_out.count())]
    assert texts[0] == (
        "Left out 2 rows: vital signs (category “vital-signs”), not a lab result (lines 2, 3)."
    )
    assert len(texts) == 5, texts
    [tabs] = dialog.findChildren(QTabWidget)
    assert tabs.tabText(1) == "Left out (6)"
    assert dialog.import_button.isEnabled()

    answers = ImportAnswers()
    report = CsvImporter(window.bridge, answers, window).run(path)
    assert report is not None and report.values_added == 4 and report.left_out == 6
    stored = rows(
        record.path,
        "SELECT r.taken_date, r.taken_time, v.analyte, v.value_text, v.unit, v.normalised_value"
        " FROM count_value v JOIN count_result r ON r.id = v.result_id ORDER BY v.analyte",
    )
    assert [(s["analyte"], s["value_text"], s["unit"]) for s in stored] == [
        ("anc", "0.38", "10*3/uL"),
        ("hgb", "10.4", "g/dL"),
        ("plt", "42", "10*3/uL"),
        ("wbc", "1.9", "10*3/uL"),
    ]
    assert {s["taken_date"] for s in stored} == {"2026-03-02"}
    assert {s["taken_time"] for s in stored} == {"09:15"}
    assert "Added for" in answers.infos[-1] and "QALY" in answers.infos[-1]


def test_lab_rows_of_several_patients_are_warned_about_once_in_the_preview(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path
) -> None:
    from PySide6.QtWidgets import QLabel

    from tracker.io.csv_import import file_identity, plan_import, read_csv
    from ui.dialogs.import_preview import ImportPreviewDialog

    lab = "laboratory,718-7,Hemoglobin [Mass/volume] in Blood,10.4,g/dL,numeric"
    data = (
        "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE\n"
        f"2026-03-02T09:15:00Z,p-one,e,{lab}\n2026-03-03T09:15:00Z,p-two,e,{lab}\n"
    ).encode()
    parsed = read_csv(data)
    plan = plan_import(parsed, record, window.bridge.current_child())
    dialog = ImportPreviewDialog(plan, tmp_path / "two.csv", window, file_identity(data, parsed))
    qtbot.addWidget(dialog)
    warning = dialog.findChild(QLabel, "identity_warning")
    assert warning is not None and "2 different patients (p-one, p-two)" in warning.text()
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert sum("different patients" in text for text in labels) == 1, "said once"


def test_the_csv_reads_and_saves_off_the_gui_thread_under_the_wait_cursor(  # type: ignore[no-untyped-def]
    qtbot, window, record, tmp_path, monkeypatch
) -> None:
    """The same worker and save note as the FHIR import (attack14 finding 17): the save
    showed no wait cursor; the bad rows it skipped are listed in the message after it.
    The save runs off the GUI thread too (issue 16), the wait cursor shown meanwhile."""
    import threading

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QGuiApplication

    import ui.dialogs.import_csv as module

    seen: dict[str, bool] = {}
    real_plan, real_apply = module.plan_import, module.apply_import

    def plan(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["planned on the GUI thread"] = threading.current_thread() is threading.main_thread()
        return real_plan(*args, **kwargs)

    saving, saved = threading.Event(), threading.Event()

    def apply(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["saved on the GUI thread"] = threading.current_thread() is threading.main_thread()
        saving.set()
        saved.wait(5)  # until the GUI thread has looked at the cursor
        return real_apply(*args, **kwargs)

    def look() -> None:  # on the GUI thread, while the save runs
        if not saving.is_set():
            QTimer.singleShot(5, look)
            return
        cursor = QGuiApplication.overrideCursor()
        seen["wait cursor"] = cursor is not None and cursor.shape() == Qt.CursorShape.WaitCursor
        saved.set()

    monkeypatch.setattr(module, "plan_import", plan)
    monkeypatch.setattr(module, "apply_import", apply)
    path = tmp_path / "bad.csv"
    path.write_text("Date,Test,Result,Unit\n2026-11-02,WBC,2.1,K/uL\n2026-11-03,Hgb,150,g/dL\n")
    answers = ImportAnswers()
    QTimer.singleShot(0, look)
    assert module.CsvImporter(window.bridge, answers, window).run(path) is not None
    assert seen == {
        "planned on the GUI thread": False,
        "saved on the GUI thread": False,
        "wait cursor": True,
    }
    assert QGuiApplication.overrideCursor() is None
    info = answers.infos[-1]
    assert "Skipped: 1 bad row (listed below)." in info and "line 3: Hemoglobin" in info, info
