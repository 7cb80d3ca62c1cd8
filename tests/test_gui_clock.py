"""The window reads the day from the record's clock, never from the computer's.

The record here runs on a clock years away from any real date (and from the other tests'
fixed day), so a wall-clock read anywhere on these paths shows up as the wrong date.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_helpers import blood_count

from tracker.store import Record

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui

AHEAD = dt.datetime(2029, 3, 15, 9, 30, tzinfo=dt.UTC)
DAY = AHEAD.date()


def ahead() -> dt.datetime:
    return AHEAD


@pytest.fixture
def record(record_path: Path) -> Iterator[Record]:
    """The shared fixtures' record (``child``, ``bridge``, ``window``), on the far clock."""
    rec = Record.open(record_path, create=True, clock=ahead)
    yield rec
    rec.close()


def suggested_names(interaction) -> list[str]:  # type: ignore[no-untyped-def]
    return [Path(text).name for kind, _, text in interaction.asked if kind == "save_file"]


def test_save_a_copy_suggests_the_record_s_day(window, interaction) -> None:  # type: ignore[no-untyped-def]
    assert window.safety.save_copy() is None  # the file dialog was cancelled
    assert suggested_names(interaction) == [f"family-copy-{DAY.isoformat()}.sqlite"]


def test_save_as_pdf_suggests_the_record_s_day(qtbot, bridge, child, interaction) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.dialog import PrintSummaryDialog

    bridge.save(blood_count(child, (DAY - dt.timedelta(days=3)).isoformat(), plt="45 10^9/L"))
    dialog = PrintSummaryDialog(bridge, interaction)
    qtbot.addWidget(dialog)
    assert dialog.save_pdf() is None  # the file dialog was cancelled
    assert suggested_names(interaction) == [f"mila-summary-{DAY.isoformat()}.pdf"]


def test_export_whole_record_is_stamped_by_the_record_s_clock(
    qtbot, window, interaction, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "export.json"
    interaction.save_answers = [target]
    window.export_json()
    qtbot.waitUntil(window.jobs.is_idle, timeout=20000)  # written off the GUI thread
    assert json.loads(target.read_text(encoding="utf-8"))["exported_at"] == AHEAD.isoformat()


def calendar_day(field) -> dt.date:  # type: ignore[no-untyped-def]
    """The day the field's calendar opens on."""
    menu = field.button.menu()
    menu.aboutToShow.emit()
    picked = field.calendar.selectedDate()
    return dt.date(picked.year(), picked.month(), picked.day())


def test_an_empty_date_field_opens_its_calendar_on_the_record_s_day(qtbot, record, child) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.agenda import AppointmentDialog, QuestionDialog
    from ui.dialogs.child import ChildDialog
    from ui.dialogs.cns import CnsVisitDialog
    from ui.dialogs.count import CountDialog
    from ui.dialogs.phase import MilestoneDialog, PhaseDialog

    dialogs = [
        PhaseDialog(None, child, record.today()),
        CountDialog(None, child, record.today()),
        ChildDialog(None, record.today()),
        CnsVisitDialog(None, child, [], record.today()),
        AppointmentDialog(None, child, record.today()),
        QuestionDialog(None, child, record.today()),
        MilestoneDialog(None, child, record.today()),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        for name, field in dialog._fields.items():
            if type(field).__name__ != "DateField":
                continue
            field.setText("2026-11-0")  # not (yet) a date
            assert calendar_day(field) == DAY, (type(dialog).__name__, name)
            field.setText("2027-02-03")
            assert calendar_day(field) == dt.date(2027, 2, 3), (type(dialog).__name__, name)


def test_the_welcome_calendar_opens_on_its_clock_s_day(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.welcome import WelcomeDialog

    dialog = WelcomeDialog(tmp_path / "new.sqlite", clock=ahead)
    qtbot.addWidget(dialog)
    assert calendar_day(dialog.field("birth_date")) == DAY


def test_the_crash_log_is_stamped_by_the_clock(qapp, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ui.app import install_crash_hook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back afterwards
    install_crash_hook(tmp_path / "logs", clock=ahead)
    try:
        raise RuntimeError("a test's crash")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    log = (tmp_path / "logs" / "crash.log").read_text(encoding="utf-8")
    assert log.startswith(f"--- {AHEAD.isoformat()}\n"), log[:80]


def test_the_phase_dialog_judges_the_future_by_the_record_s_day(qtbot, record, child) -> None:  # type: ignore[no-untyped-def]
    from tracker.forms import FormErrors
    from ui.dialogs.phase import PhaseDialog

    dialog = PhaseDialog(None, child, record.today())
    qtbot.addWidget(dialog)
    dialog.set_text("kind", "induction")
    dialog.set_text("actual_start", (DAY + dt.timedelta(days=2)).isoformat())
    with pytest.raises(FormErrors) as refused:
        dialog.build()
    assert "in the future" in refused.value.errors["actual_start"]
    dialog.set_text("actual_start", (DAY - dt.timedelta(days=2)).isoformat())
    assert dialog.build().actual_start == DAY - dt.timedelta(days=2)
