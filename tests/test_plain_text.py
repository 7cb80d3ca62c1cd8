"""Typed text is shown as typed: never read as HTML by a label, message box, tooltip or the
printed summary (an ``<img src=file:///…>`` in a name must not make Qt load a file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from conftest import TODAY, fixed_clock
from gui_helpers import drive_modal, refresh_views
from PySide6 import QtGui
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMessageBox, QToolTip
from typed_record import fill

from tracker.model import Phase
from tracker.store import Record

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui

PARTS = ("<img src=file:///etc/passwd>", "<b>x</b>", "&amp;", "<a href=x>y</a>")
PICTURE = 500  # px: a label that loads the test's picture is at least this tall


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    """A real image: a label that reads its text as HTML grows to its height (the detector)."""
    path = tmp_path / "picture.png"
    image = QImage(PICTURE, PICTURE, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return path


@pytest.fixture
def hostile(picture: Path) -> str:
    return " ".join(PARTS) + f" <img src=file://{picture}>"


@pytest.fixture
def typed(tmp_path: Path, hostile: str):  # type: ignore[no-untyped-def]
    rec = Record.open(tmp_path / "typed.sqlite", create=True, clock=fixed_clock)
    child_id = fill(rec, "Mila " + hostile, hostile)
    yield rec, child_id
    rec.close()


def loads_pictures(text: str, rich: bool) -> bool:
    """Whether a label (AutoText: the QLabel default, as the header had) loads the picture."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.AutoText if rich else Qt.TextFormat.PlainText)  # Qt guesses
    label.setText(text)
    return label.sizeHint().height() >= PICTURE


def shown_literally(tip: str, hostile: str) -> bool:
    """A tooltip (Qt guesses rich text) whose rendering is the typed text itself."""
    if not QtGui.Qt.mightBeRichText(tip):  # shown as it is: nothing in it may look like HTML
        return hostile in tip and not any(p in tip for p in ("<", "&"))
    doc = QTextDocument()
    doc.setHtml(tip)
    return hostile in doc.toPlainText() and doc.size().height() < PICTURE


def test_the_detector_detects(qapp, hostile: str) -> None:  # type: ignore[no-untyped-def]
    assert loads_pictures(hostile, rich=True)
    assert not loads_pictures(hostile, rich=False)


def test_header_shows_name_protocol_risk_phase_and_next_as_typed(qtbot, typed, hostile) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.header import HeaderWidget

    rec, child_id = typed
    bridge = RecordBridge(rec)
    bridge.select_child(child_id)
    header = HeaderWidget(bridge)
    qtbot.addWidget(header)
    header.show()
    for label in (header.name, header.diagnosis, header.phase, header.next):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
        assert hostile in label.text(), (label.objectName(), label.text())
        assert label.sizeHint().height() < PICTURE, f"{label.objectName()} loaded a picture"
    assert "Interfant" in header.diagnosis.text() and "high" in header.diagnosis.text()
    assert header.next.text().startswith("Next: Appointment")
    assert header.age.textFormat() == Qt.TextFormat.PlainText
    header.grab()  # painted without reading anything


def test_message_boxes_show_typed_text_as_typed(qtbot, hostile) -> None:  # type: ignore[no-untyped-def]
    from ui.interaction import Interaction

    interaction = Interaction()
    seen: list[tuple[Any, str]] = []

    def look(box: QMessageBox) -> None:
        seen.append((box.textFormat(), box.text()))
        box.reject()

    assert drive_modal(lambda: seen.append(interaction.confirm(None, "t", hostile, "Go")), look)
    assert seen.pop() is False  # Esc: not confirmed
    drive_modal(lambda: interaction.error(None, "t", hostile), look)
    drive_modal(lambda: interaction.info(None, "t", hostile), look)
    assert seen == [(Qt.TextFormat.PlainText, hostile)] * 3


def test_delete_child_confirmation_shows_the_name_as_typed(qtbot, typed, hostile, settings) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.main_window import MainWindow

    rec, child_id = typed
    bridge = RecordBridge(rec)
    bridge.select_child(child_id)
    window = MainWindow(bridge, Interaction(), settings)  # deleted here, not by qtbot
    try:
        box = drive_modal(window.delete_child, lambda box: box.reject())
        assert box.textFormat() == Qt.TextFormat.PlainText
        assert hostile in box.text()
        assert rec.children(), "Cancel deleted nothing"
    finally:
        window.close()
        shiboken6.delete(window)


@pytest.fixture
def window_of(typed, settings, interaction, qtbot):  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    rec, child_id = typed
    bridge = RecordBridge(rec)
    bridge.select_child(child_id)
    window = MainWindow(bridge, interaction, settings)  # deleted here, not by qtbot
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    refresh_views(window)
    yield window
    window.close()
    shiboken6.delete(window)


def test_table_tooltips_show_typed_text_as_typed(window_of, hostile) -> None:  # type: ignore[no-untyped-def]
    tips: list[str] = []
    for view in window_of.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
                if tip:
                    tips.append(tip)
    typed_tips = [t for t in tips if "passwd" in t]
    for start in (
        "Induction",  # a phase name
        "phase note",
        "result",  # a milestone's result and note
        "milestone note",
        "with",  # an appointment's with, where and note
        "where",
        "appointment note",
        "Question",
        "LP note",
        "complication",
    ):
        assert any(start in t for t in typed_tips), (start, tips)
    for tip in typed_tips:
        assert shown_literally(tip, hostile), tip


def test_timeline_hover_text_shows_typed_text_as_typed(window_of, hostile, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ui.timeline.widget import TimelineWidget

    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    widgets = window_of.findChildren(TimelineWidget)
    assert widgets
    for widget in widgets:
        if widget.timeline is None or widget.width() < 50:
            continue
        for hit in widget.hit_items():
            centre = hit.rect.center().toPoint()
            widget.event(QHelpEvent(QEvent.Type.ToolTip, centre, widget.mapToGlobal(centre)))
        for x in range(0, widget.width(), 7):  # the day under the pointer, with its phase
            where = QPoint(x, widget.height() - 4)
            widget.event(QHelpEvent(QEvent.Type.ToolTip, where, widget.mapToGlobal(where)))
    typed_shown = [t for t in shown if "passwd" in t]
    assert any("Induction" in t for t in typed_shown), shown
    for tip in typed_shown:
        assert shown_literally(tip, hostile), tip


def test_dialog_errors_and_previews_are_plain_text(qtbot, typed, hostile) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.child import ChildDialog
    from ui.dialogs.cns import CnsVisitDialog
    from ui.dialogs.count import CountDialog
    from ui.dialogs.phase import MilestoneDialog, PhaseDialog

    rec, child_id = typed
    child = rec.child(child_id)
    dialogs = [
        ChildDialog(child, TODAY),
        CnsVisitDialog(None, child, rec.entries(Phase, child_id), TODAY),
        CountDialog(None, child, TODAY),
        MilestoneDialog(None, child, TODAY),
        PhaseDialog(None, child),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        messages = [
            label
            for label in dialog.findChildren(QLabel)
            if label.objectName().startswith(("error_", "banner", "mrd_preview"))
        ]
        assert messages, type(dialog).__name__
        for label in messages:
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
        dialog.show_errors({"nowhere": hostile})  # a message for no field: the banner
        assert hostile in dialog.banner.text()
        assert dialog.banner.sizeHint().height() < PICTURE + 40


def test_printed_summary_shows_typed_text_as_typed(qapp, typed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from test_summary_pdf import pdf_text

    from ui.printing.document import build_document
    from ui.printing.render import SummaryRequest, make_summary, write_pdf

    rec, child_id = typed
    request = SummaryRequest(child_id, start=dt.date(2026, 9, 1), end=TODAY)
    doc = build_document(make_summary(rec, request), 700)
    assert "<img" not in doc.toHtml()  # no picture anywhere in the document
    plain = doc.toPlainText()
    for part in PARTS:
        assert plain.count(part) >= 10, part
    target = tmp_path / "summary.pdf"
    write_pdf(rec, request, target)
    _, text = pdf_text(target)
    text = text.replace("\ufb01", "fi")  # the PDF's "fi" ligature
    for part in PARTS:
        assert part in text, part
    assert "Mila <img src=file:///etc/passwd>" in text


def test_header_counts_show_a_value_printed_below_the_range_of_the_lab(
    qtbot, record, child
) -> None:  # type: ignore[no-untyped-def]
    """A platelet count reported as "<10" kept its "<" as the start of a tag: the value vanished
    from the header's rich-text table."""
    from tracker.model import Comparator, CountResult, CountValue
    from ui.bridge import RecordBridge
    from ui.header import HeaderWidget

    record.save(
        CountResult(
            child.id,
            dt.date(2026, 11, 20),
            values=(
                CountValue("plt", "<10", "10^9/L", 10.0, 10.0, "10^9/L", Comparator.LESS),
                CountValue("anc", ">20", "10^9/L", 20.0, 20.0, "10^9/L", Comparator.GREATER),
            ),
        )
    )
    header = HeaderWidget(RecordBridge(record))
    qtbot.addWidget(header)
    doc = QTextDocument()
    doc.setHtml(header.counts.text())
    shown = doc.toPlainText()
    assert "<10 ×10⁹/L" in shown and ">20 ×10⁹/L" in shown, shown
