"""Repeating appointments on screen: the dialog's repeat field in plain words, the agenda's
next dates with Move / Cancel / Put back (each one undo step), the timeline's lane, and
File > Export calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from gui_helpers import banner_text, drive_modal, fill, rows, save_and_close
from icalendar import Calendar

from tracker import visits
from tracker.forms import appointment_from_form
from tracker.model import Appointment

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui

FORTNIGHT_TU = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"


def saved_series(record, child) -> Appointment:  # type: ignore[no-untyped-def]
    a = appointment_from_form(
        {"date": "2026-11-24", "time": "08:30", "with_whom": "Dr. Vos", "repeat": FORTNIGHT_TU},
        child=child,
    )
    saved, _ = record.save(a)
    return saved  # type: ignore[no-any-return]


def test_the_repeat_field_builds_the_rule_in_plain_words(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    view = window.agenda_view

    def plan(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", "2026-11-24")
        fill(dialog, "time", "08:30")
        picker = dialog.picker
        picker.how.setCurrentIndex(picker.how.findData("weekly"))
        assert picker.days[1].isChecked()  # the date's weekday (a Tuesday) to start with
        picker.every.setValue(2)
        picker.end.setCurrentIndex(picker.end.findData("count"))
        picker.count.setValue(6)
        assert picker.words.text() == "In words: every 2 weeks on Tuesday, 6 times"
        save_and_close(qtbot, dialog)

    drive_modal(lambda: view.edit("appointment", None), plan)
    [row] = rows(record.path, "SELECT date, repeat FROM appointment")
    assert row == {"date": "2026-11-24", "repeat": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6"}


def test_a_series_starting_off_its_weekday_is_refused_beside_the_date(
    qtbot, window, record
) -> None:  # type: ignore[no-untyped-def]
    view = window.agenda_view

    def plan(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", "2026-11-25")  # a Wednesday
        dialog.set_text("repeat", FORTNIGHT_TU)
        dialog.accept()
        assert dialog.isVisible()
        from gui_helpers import error_label

        assert "is a Wednesday, not a Tuesday" in error_label(dialog, "date").text()
        dialog.reject()

    drive_modal(lambda: view.edit("appointment", None), plan)
    assert rows(record.path, "SELECT * FROM appointment") == []


def test_an_until_before_the_first_date_is_refused_beside_the_repeat(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    """The last day typed is the odd one out: its message stands beside the repeat (where
    "Until" is), not beside the date."""
    from gui_helpers import error_label

    seen: dict[str, str] = {}

    def plan(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", "2026-11-24")
        dialog.set_text("repeat", "FREQ=DAILY;UNTIL=20261120")
        dialog.accept()
        seen["repeat"] = error_label(dialog, "repeat").text()
        seen["date"] = error_label(dialog, "date").text()
        dialog.done(0)

    drive_modal(lambda: window.agenda_view.edit("appointment", None), plan)
    assert seen["repeat"].startswith("⚠ Until: the repeat ends on 2026-11-20")
    assert seen["date"] == ""
    assert rows(record.path, "SELECT * FROM appointment") == []


def test_move_and_cancel_one_date_each_one_undo_step(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    series = saved_series(record, child)
    window.show_view("agenda")
    view = window.agenda_view
    view.refresh()
    view.appointments.select_id(series.id)
    assert view.series_box.isVisible()
    assert "Repeats every 2 weeks on Tuesday" in view.series_words.text()
    assert view.dates.item(0).text().startswith("2026-11-24 08:30")
    view.dates.setCurrentRow(1)  # 2026-12-08

    def move(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", "2026-12-09")
        fill(dialog, "place", "Day clinic")
        save_and_close(qtbot, dialog)

    drive_modal(view.move_button.click, move)
    [change] = rows(record.path, "SELECT * FROM appointment_change")
    assert (change["original_date"], change["date"], change["place"]) == (
        "2026-12-08",
        "2026-12-09",
        "Day clinic",
    )
    assert "moved from 2026-12-08" in view.dates.item(1).text()
    assert window.bridge.undo_stack.undoText() == "appointment of 2026-12-08 moved"

    view.dates.setCurrentRow(2)  # 2026-12-22
    view.cancel_button.click()
    assert "cancelled" in view.dates.item(2).text()
    assert not view.cancel_button.isEnabled() and view.put_back_button.isEnabled()
    saved = record.entry(Appointment, series.id)
    shown = [v.date for v in visits.visits(saved, dt.date(2026, 12, 1), dt.date(2026, 12, 31))]
    assert shown == [dt.date(2026, 12, 9)]
    assert window.bridge.undo_stack.undoText() == "appointment of 2026-12-22 cancelled"

    window.bridge.undo_stack.undo()  # the cancel only
    assert [r["original_date"] for r in rows(record.path, "SELECT * FROM appointment_change")] == [
        "2026-12-08"
    ]
    window.bridge.undo_stack.undo()  # the move
    assert rows(record.path, "SELECT * FROM appointment_change") == []
    window.bridge.undo_stack.redo()
    assert len(rows(record.path, "SELECT * FROM appointment_change")) == 1

    view.appointments.select_id(series.id)
    view.dates.setCurrentRow(1)
    view.put_back_button.click()
    assert rows(record.path, "SELECT * FROM appointment_change") == []


def test_the_header_shows_the_series_next_date(qtbot, window, record, child) -> None:  # type: ignore[no-untyped-def]
    """The clock says 2026-11-24 09:30: today's visit at 08:30 has passed, the next is in
    a fortnight; one at 15:00 today is next ("today at 15:00"), as the agenda lists it."""
    series = saved_series(record, child)
    window.header.refresh()
    assert "on 2026-12-08" in window.header.next.text()
    record.save(replace(series, time=dt.time(15, 0)))
    window.header.refresh()
    assert window.header.next.text() == "Next: Appointment (Dr. Vos) today at 15:00"


def test_the_timeline_has_an_appointments_lane_that_can_be_hidden(
    qtbot, window, record, child, settings
) -> None:  # type: ignore[no-untyped-def]
    series = saved_series(record, child)
    record.save(visits.cancelled(series, dt.date(2026, 12, 8)))
    view = window.timeline_view
    view.refresh()
    lane = view.widget.timeline.lane("appointments")
    assert lane is not None
    days = [dt.date.fromordinal(int(m.x)) for m in lane.marks]
    assert dt.date(2026, 11, 24) in days and dt.date(2026, 12, 22) in days
    assert dt.date(2026, 12, 8) not in days
    view.lane_actions["appointments"].trigger()
    assert "appointments" in settings.timeline_hidden_lanes
    assert view.widget.timeline.lane("appointments") is None


def test_file_export_calendar_writes_the_series(
    qtbot, window, record, child, interaction, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    saved_series(record, child)
    target = tmp_path / "plan"
    interaction.save_answers.append(target)
    interaction.choose = lambda *args: 1  # leave the name out
    window.export_calendar()
    qtbot.waitUntil(window.jobs.is_idle, timeout=20000)  # written off the GUI thread
    written = target.with_suffix(".ics")
    cal = Calendar.from_ical(written.read_bytes())
    [event] = [e for e in cal.walk("VEVENT") if "rrule" in e]
    assert event["rrule"].to_ical() == b"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert "Mila" not in written.read_text()
    assert not [a for a in interaction.asked if a[0] == "error"], banner_text(window)
    n = len(cal.walk("VEVENT"))  # confirmed where the family looks, as a template's saving
    entries = "entry" if n == 1 else "entries"  # the status bar says it in the singular for 1
    assert window.statusBar().currentMessage() == f"Exported {n} calendar {entries} to {written}"


def test_a_moved_date_follows_the_series_new_time_unless_given_its_own(
    qtbot, window, record, child
) -> None:  # type: ignore[no-untyped-def]
    series = saved_series(record, child)
    only_day = visits.change_for(series, dt.date(2026, 12, 8))
    own_time = visits.change_for(series, dt.date(2026, 12, 22))
    series = visits.with_change(series, replace(only_day, date=dt.date(2026, 12, 9)))
    series = visits.with_change(
        series, replace(own_time, date=dt.date(2026, 12, 23), time=dt.time(14, 0))
    )
    record.save(series)
    window.show_view("agenda")

    def retime(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "time", "10:15")
        save_and_close(qtbot, dialog)

    drive_modal(
        lambda: window.agenda_view.edit("appointment", record.entry(Appointment, series.id)), retime
    )
    times = rows(record.path, "SELECT original_date, time FROM appointment_change")
    assert times == [
        {"original_date": "2026-12-08", "time": "10:15"},  # moved to another day only
        {"original_date": "2026-12-22", "time": "14:00"},  # its own time, kept
    ]


@pytest.mark.parametrize(
    ("date", "repeat", "says"),
    [
        ("2026-12-22", FORTNIGHT_TU, "the visit of 2026-12-08 was cancelled"),
    ],
)
def test_a_refusal_about_the_first_date_stands_beside_the_date(
    qtbot, window, record, child, date, repeat, says
) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import error_label

    series = record.save(visits.cancelled(saved_series(record, child), dt.date(2026, 12, 8)))[0]
    window.show_view("agenda")

    def edit(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", date)
        dialog.set_text("repeat", repeat)
        dialog.accept()
        assert dialog.isVisible()
        beside = error_label(dialog, "date")
        assert beside.isVisibleTo(dialog) and says in beside.text(), banner_text(dialog)
        assert not error_label(dialog, "repeat").isVisibleTo(dialog)
        assert "correct the marked fields" in dialog.banner.text()
        dialog.reject()

    drive_modal(
        lambda: window.agenda_view.edit("appointment", record.entry(Appointment, series.id)), edit
    )
    assert rows(record.path, "SELECT date, repeat FROM appointment") == [
        {"date": "2026-11-24", "repeat": FORTNIGHT_TU}
    ]


def test_the_repeat_in_words_says_the_day_of_a_monthly_series(qtbot, window, record) -> None:  # type: ignore[no-untyped-def]
    def plan(dialog) -> None:  # type: ignore[no-untyped-def]
        fill(dialog, "date", "2026-12-03")
        dialog.set_text("repeat", "FREQ=MONTHLY;COUNT=6")
        assert dialog.picker.words.text() == "In words: every month on the 3rd, 6 times"
        fill(dialog, "date", "2026-12-22")
        assert dialog.picker.words.text() == "In words: every month on the 22nd, 6 times"
        dialog.reject()

    drive_modal(lambda: window.agenda_view.edit("appointment", None), plan)


def test_the_repeat_count_never_says_every_1_months(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.agenda import RepeatPicker

    picker = RepeatPicker(today=dt.date(2026, 11, 24))
    qtbot.addWidget(picker)
    picker.first_date = dt.date(2026, 11, 24)
    shown = {}
    for how in ("daily", "weekly", "monthly"):
        picker.how.setCurrentIndex(picker.how.findData(how))
        picker.every.setValue(1)
        one = picker.every.text()
        picker.every.setValue(2)
        shown[how] = (one, picker.every.text())
    assert shown == {
        "daily": ("every 1 day", "every 2 days"),  # the number typed stays shown
        "weekly": ("every 1 week", "every 2 weeks"),
        "monthly": ("every 1 month", "every 2 months"),
    }
    picker.every.setValue(1)
    assert picker.words.text() == "In words: every month on the 24th"
