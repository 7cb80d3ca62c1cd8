"""Every date, time and number a family reads on screen and on paper in the family's
locale ("1 may 2026", "5,25"), never ISO: the tables and lists of every tab, the header,
the printed summary and the fever card.  Files keep ISO."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QTabWidget

from tracker.demo import build_demo
from tracker.store import Record
from ui import language
from ui.bridge import RecordBridge

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SPANISH_DATE = re.compile(
    r"\b\d{1,2}[ \xa0](ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.?[ \xa0]20\d\d\b"
)


@pytest.fixture
def spanish(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    language.apply_language("es", qapp)
    yield
    language.reset(qapp)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Record]:
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        yield rec


@pytest.fixture
def win(qtbot, demo: Record, interaction, settings, spanish: None):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    w = MainWindow(RecordBridge(demo), interaction, settings)
    qtbot.addWidget(w)
    w.resize(1024, 600)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if shiboken6.isValid(w):
        shiboken6.delete(w)


def cells(model: QAbstractItemModel) -> Iterator[str]:
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model (its columnCount is private in PySide)
        columns = 1
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            value = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
            if isinstance(value, str):
                yield value


def every_view_model(qtbot, win) -> list[QAbstractItemModel]:  # type: ignore[no-untyped-def]
    """The models of every table and list in the window, each tab shown once (tabs fill
    their tables when first shown)."""
    for tabs in win.findChildren(QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            qtbot.wait(1)
    models = [view.model() for view in win.findChildren(QAbstractItemView)]
    return [m for m in models if m is not None]


def test_no_table_or_list_of_any_tab_shows_an_iso_date(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    for model in every_view_model(qtbot, win):
        shown += list(cells(model))
    for view in win.findChildren(QListWidget):
        shown += [view.item(i).text() for i in range(view.count())]
    assert shown
    typed = "The team restarted 6-MP and MTX on 2026-03-29"  # the demo's note: as typed
    iso = [text for text in shown if ISO.search(text) and typed not in text]
    assert not iso, iso[:10]
    assert any(SPANISH_DATE.search(text) for text in shown), shown[:40]


def test_the_counts_table_dates_read_in_spanish_and_sort_by_day(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    model = next(m for m in every_view_model(qtbot, win) if type(m).__name__ == "CountsModel")
    dates = [model.item(row).taken_date for row in range(model.rowCount())]
    assert dates == sorted(dates) or dates == sorted(dates, reverse=True)  # by day, not text
    texts = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert all(SPANISH_DATE.fullmatch(t) for t in texts), texts[:5]


def test_the_header_reads_dates_in_spanish(win) -> None:  # type: ignore[no-untyped-def]
    texts = [label.text() for label in win.header.findChildren(QLabel)]
    assert not [t for t in texts if ISO.search(t)], texts
    assert any(SPANISH_DATE.search(t) for t in texts), texts


def test_the_printed_summary_and_card_read_dates_in_spanish(demo: Record, spanish: None) -> None:
    from ui.printing.card import card_html, make_card
    from ui.printing.document import build_document
    from ui.printing.render import SummaryRequest, make_summary

    [child] = demo.children()
    assert child.id is not None
    doc = build_document(make_summary(demo, SummaryRequest(child.id)), 600.0)
    text = doc.toPlainText()
    assert not ISO.findall(text), ISO.findall(text)[:10]
    assert SPANISH_DATE.search(text)
    card = card_html(make_card(demo, child.id), "a4")
    assert not ISO.findall(card), ISO.findall(card)[:10]
    assert SPANISH_DATE.search(card)


def test_an_anc_worked_out_reads_as_the_locale_writes_numbers(qapp, child, spanish: None) -> None:  # type: ignore[no-untyped-def]
    """A number the program computed (the ANC from the differential) takes the locale's
    decimal comma; the numbers the family typed stay as typed ("2.5")."""
    from gui_helpers import blood_count

    from ui.models.counts import CountsModel

    model = CountsModel()
    model.reload([blood_count(child, "2026-11-20", wbc="2.5 ×10⁹/L", neut_pct="30 %")])
    texts = list(cells(model))
    assert any(t.startswith("0,75 ×10⁹/L") for t in texts), texts
    assert any(t.startswith("2.5 ×10⁹/L") for t in texts), texts


def test_the_backups_read_their_day_and_time_in_spanish(
    qtbot, record, child, spanish: None
) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import list_backups, make_backup
    from tracker.store.backup_file import DAILY
    from ui.dialogs.restore import RestoreDialog

    make_backup(record, DAILY)
    dialog = RestoreDialog(list_backups(record.path))
    qtbot.addWidget(dialog)
    made = dialog.table.item(0, 0).text()
    assert SPANISH_DATE.match(made) and not ISO.search(made), made


def test_the_today_view_names_its_day_as_the_locale_does(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    from ui.views.today import TodayView

    win.show_view("today")
    view = win.findChild(TodayView)
    assert view is not None
    text = view.day_label.text()
    assert re.search(r"\w+, \d{1,2} de \w+ de 20\d\d", text), (
        text
    )  # "martes, 24 de noviembre de 2026"
