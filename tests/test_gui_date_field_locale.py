"""Date boxes in the family's locale: the placeholder in the locale's order and words, a
date put in by the program written as the family would type it (and read back to the same
day), and a date that could be read two ways shown back in words as it is typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, QLocale

from tracker.dates import date_as_typed, parse_date
from tracker.i18n import formats
from ui import language
from ui.dialogs.base import DateField

pytest_plugins = ["gui_helpers"]


@pytest.fixture
def spanish(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    language.apply_language("es", qapp)
    yield
    language.reset(qapp)


@pytest.fixture
def in_locale(qapp, request) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The window's formats as in ``request.param`` ("es_ES", "en_US"…), its language's
    catalogue, then English and ISO again."""
    name: str = request.param
    language.apply_language(name.split("_")[0], qapp)
    formats.install(language.LocaleFormats(QLocale(name)))
    yield name
    language.reset(qapp)


@pytest.mark.parametrize(
    ("in_locale", "placeholder"),
    [
        ("es_ES", "dd/mm/aaaa"),
        ("fr_FR", "jj/mm/aaaa"),
        ("en_US", "mm/dd/yyyy"),
        ("en_GB", "dd/mm/yyyy"),
    ],
    indirect=["in_locale"],
)
def test_placeholder_shows_the_locale_order_in_its_words(
    qtbot, in_locale: str, placeholder: str
) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    assert field.line.placeholderText() == placeholder
    assert "2026-05-01" in field.line.toolTip()  # ISO is still taken, and it says so


def test_placeholder_without_a_locale_stays_iso(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    assert field.line.placeholderText() == "YYYY-MM-DD"


@pytest.mark.parametrize("in_locale", ["es_ES", "fr_FR", "en_US", "en_GB"], indirect=True)
def test_every_date_shown_reads_back_to_the_same_day(qtbot, in_locale: str) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    day = dt.date(2026, 1, 1)
    while day.year < 2027 or day == dt.date(2028, 2, 29):
        field.set_date(day)
        assert parse_date(field.text()) == day, field.text()
        field.setText(day.isoformat())  # an ISO text put in by a dialog (set_text)
        assert parse_date(field.text()) == day
        day += dt.timedelta(days=1)
    field.set_date(dt.date(2028, 2, 29))
    assert parse_date(field.text()) == dt.date(2028, 2, 29)


def test_program_puts_the_locale_numeric_form_with_four_digit_years(qtbot, spanish: None) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    field.set_date(dt.date(2026, 5, 1))
    assert field.text() == "01/05/2026"
    field.setText("2026-05-01")  # a dialog editing an entry
    assert field.text() == "01/05/2026"
    field.setText("1/5/26")  # anything else stays as given
    assert field.text() == "1/5/26"
    assert date_as_typed(dt.date(2026, 5, 1), "MDY") == "05/01/2026"
    assert date_as_typed(dt.date(2026, 5, 1), "YMD") == "2026-05-01"


def test_calendar_pick_writes_the_same_form(qtbot, spanish: None) -> None:  # type: ignore[no-untyped-def]
    field = DateField(today=dt.date(2026, 5, 1))
    qtbot.addWidget(field)
    field.calendar.clicked.emit(QDate(2026, 5, 3))
    assert field.text() == "03/05/2026"
    field._sync_calendar()  # opening the calendar again shows that day
    assert field.calendar.selectedDate() == QDate(2026, 5, 3)


def test_ambiguous_date_is_read_back_in_words_as_typed(qtbot, spanish: None) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    assert field.read_back.isHidden()
    qtbot.keyClicks(field.line, "01/05/2026")
    assert not field.read_back.isHidden()
    assert "1 de mayo de 2026" in field.read_back.text()
    assert field.read_back.textFormat().name == "PlainText"
    field.line.clear()
    assert field.read_back.isHidden()
    qtbot.keyClicks(field.line, "13/05/2026")  # 13 is no month: only one reading
    assert field.read_back.isHidden()
    field.line.clear()
    qtbot.keyClicks(field.line, "2026-05-01")  # ISO: only one reading
    assert field.read_back.isHidden()
    field.line.clear()
    qtbot.keyClicks(field.line, "05/05/2026")  # the same either way
    assert field.read_back.isHidden()


def test_no_read_back_without_a_locale(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClicks(field.line, "01/05/2026")
    assert field.read_back.isHidden()


def test_every_form_shows_the_read_back(qtbot, spanish: None, record, child) -> None:  # type: ignore[no-untyped-def]
    """One mechanism for all forms: a form's own date shows it (the temperature's here)."""
    from ui.dialogs.temperature import TemperatureDialog

    dialog = TemperatureDialog(None, child, dt.date(2026, 6, 1))
    qtbot.addWidget(dialog)
    dialog.show()
    date = dialog.field("date")
    assert isinstance(date, DateField)
    date.line.clear()
    qtbot.keyClicks(date.line, "02/03/2026")
    assert "2 de marzo de 2026" in date.read_back.text()
    assert date.read_back.isVisible()


def test_live_hints_read_dates_in_the_locale(qtbot, spanish: None, child) -> None:  # type: ignore[no-untyped-def]
    """What a form works out as the family types (the nights of a stay) reads the date as
    the box shows it, not only in ISO."""
    from ui.dialogs.stay import StayDialog

    dialog = StayDialog(None, child, dt.date(2026, 6, 1))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.field("from_date").setText("")
    qtbot.keyClicks(dialog.field("from_date").line, "01/05/2026")
    qtbot.keyClicks(dialog.field("to_date").line, "04/05/2026")
    assert dialog.nights.isVisible()
    assert "3" in dialog.nights.text()


@pytest.mark.parametrize("typed", ["9:30", "9.30", "9h30", "09h30", "09:30"])
def test_time_boxes_take_the_forms_families_write(qtbot, qapp, child, typed: str) -> None:  # type: ignore[no-untyped-def]
    """No mask, validator or length in the time boxes refuses "9h30" (French) or "9.30";
    the date typed day first is 1 May."""
    from ui.dialogs.count import CountDialog
    from ui.dialogs.temperature import TemperatureDialog

    language.apply_language("fr", qapp)
    try:
        temperature = TemperatureDialog(None, child, dt.date(2026, 6, 1))
        count = CountDialog(None, child, dt.date(2026, 6, 1))
        for dialog, date, time in (
            (temperature, "date", "time"),
            (count, "taken_date", "taken_time"),
        ):
            qtbot.addWidget(dialog)
            dialog.field(date).setText("")
            qtbot.keyClicks(dialog.field(date).line, "01/05/2026")
            dialog.field(time).clear()
            qtbot.keyClicks(dialog.field(time), typed)
            assert dialog.text_of(time) == typed
        temperature.set_text("value_text", "38.4 °C")
        saved = temperature.build()
        assert (saved.date, saved.time) == (dt.date(2026, 5, 1), dt.time(9, 30))
    finally:
        language.reset(qapp)


def test_a_date_put_by_the_program_is_not_read_back(qtbot, spanish: None) -> None:  # type: ignore[no-untyped-def]
    """A default, the entry being edited or the calendar's pick has nothing to misread:
    only what the family types is shown back in words."""
    field = DateField(today=dt.date(2026, 5, 1))
    qtbot.addWidget(field)
    field.show()
    field.set_date(dt.date(2026, 5, 2))
    assert field.read_back.isHidden()
    field.setText("2026-05-03")
    assert field.read_back.isHidden()
    qtbot.keyClicks(field.line, "\b")  # the family edits it: "03/05/202"
    field.line.clear()
    qtbot.keyClicks(field.line, "03/05/2026")
    assert not field.read_back.isHidden()
    field.calendar.clicked.emit(QDate(2026, 5, 4))
    assert field.text() == "04/05/2026"
    assert field.read_back.isHidden()
