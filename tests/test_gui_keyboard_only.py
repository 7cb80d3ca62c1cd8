"""Every main task without a mouse: key events only, each sent where the keyboard is
(QApplication.focusWidget(), or the open menu), never a widget's method or a click.

Add a blood count from the Add menu, edit it from its table with Enter, undo, delete and
undo again, zoom and pan the timeline, open an entry from the timeline, show the values as a
table, add a lumbar puncture by its shortcut, import a lab file, print to PDF and switch
child.  Modal dialogs are worked from a timer on QApplication.activeModalWidget(); a fail-
safe timer closes any dialog still open so a test that goes wrong fails instead of hanging.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from gui_helpers import ScriptedInteraction, activate
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from tracker.model import CnsVisit, CountResult

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

FAIL_SAFE_MS = 20_000


# ---------------------------------------------------------------------- keys only


def where_the_keys_go() -> QWidget:
    """The open menu or list (its own focused part), else the focused widget, else the
    active window: where Qt sends a key pressed now."""
    popup = QApplication.activePopupWidget()
    candidates = [
        popup.focusWidget() if popup is not None else None,
        popup,
        QApplication.focusWidget(),
        QApplication.activeModalWidget(),
        QApplication.activeWindow(),
    ]
    target = next((w for w in candidates if w is not None and shiboken6.isValid(w)), None)
    assert target is not None, "no widget has the keyboard"
    return target


def key(k: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Press and release ``k``; the release goes where the keys went meanwhile (Return in a
    list closes it, and the list may be gone)."""
    target = where_the_keys_go()
    try:
        QTest.keyPress(target, k, modifiers)
    except RuntimeError:  # the key closed what it went to (a list's Return): it was pressed
        assert not shiboken6.isValid(target)
    now = [QApplication.activePopupWidget(), QApplication.focusWidget()]
    now = [w for w in now if w is not None and shiboken6.isValid(w)] or [
        QApplication.activeWindow()
    ]
    if now[0] is not None:  # else a dialog opened and closed meanwhile: nothing has the keys
        QTest.keyRelease(now[0], k, modifiers)


def press(sequence: QKeySequence | QKeySequence.StandardKey | str) -> None:
    combination = QKeySequence(sequence)[0]
    key(combination.key(), combination.keyboardModifiers())


def alt(letter: str) -> None:
    key(Qt.Key(ord(letter.upper())), Qt.KeyboardModifier.AltModifier)
    QTest.qWait(150)  # a button's Alt letter clicks it after 100 ms (animateClick)


def type_keys(text: str) -> None:
    QTest.keyClicks(where_the_keys_go(), text)


def replace_text(text: str) -> None:
    press(QKeySequence.StandardKey.SelectAll)
    key(Qt.Key.Key_Delete)
    type_keys(text)


def tab_to(test: Callable[[QWidget], bool], limit: int = 120) -> QWidget:
    """Press Tab until the focused widget passes ``test`` (what a person does)."""
    for _ in range(limit):
        focused = QApplication.focusWidget()
        if focused is not None and test(focused):
            return focused
        key(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached it; last: {QApplication.focusWidget()!r}")


def named(name: str) -> Callable[[QWidget], bool]:
    return lambda w: w.accessibleName() == name or w.objectName() == name


# ---------------------------------------------------------------------- modal dialogs


@pytest.fixture(autouse=True)
def fail_safe() -> Iterator[list[str]]:
    """Closes any modal window left open (the test then fails instead of hanging)."""
    closed: list[str] = []

    def close_all() -> None:
        while (modal := QApplication.activeModalWidget()) is not None:
            closed.append(f"{type(modal).__name__}: {modal.windowTitle()}")
            if isinstance(modal, QDialog):
                modal.done(0)
            else:
                modal.close()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(close_all)
    timer.start(FAIL_SAFE_MS)
    yield closed
    timer.stop()
    assert closed == [], f"dialogs left open, closed by the fail-safe: {closed}"


def in_dialog(open_it: Callable[[], None], work: Callable[[QWidget], None]) -> QWidget:
    """Press the keys that open a modal dialog (``open_it``) and work it with ``work`` by
    keys, from a timer, once the dialog is up; the dialog must have closed after."""
    seen: dict[str, Any] = {}
    outer = QApplication.activeModalWidget()
    timer = QTimer()
    timer.setInterval(10)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog is outer or "dialog" in seen:
            return
        if not dialog.isActiveWindow():
            return  # the keys reach it once the window system made it active
        timer.stop()
        seen["dialog"] = dialog
        try:
            work(dialog)
        except BaseException as exc:  # re-raised outside Qt's event loop
            seen["error"] = exc
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.done(0)

    timer.timeout.connect(poll)
    timer.start()
    try:
        open_it()
    finally:
        timer.stop()
    if "error" in seen:
        raise seen["error"]
    assert "dialog" in seen, "the keys opened no dialog"
    assert not seen["dialog"].isVisible(), f"{seen['dialog'].windowTitle()} stayed open"
    for _ in range(200):  # the window system makes the window under it active again
        if QApplication.activeWindow() is not None:
            break
        QTest.qWait(10)
    return seen["dialog"]


# ---------------------------------------------------------------------- the record


class Answers(ScriptedInteraction):
    """The platform's file pickers answered (they are the desktop's, not ours)."""

    def __init__(self, open_answer: Path | None = None) -> None:
        super().__init__()
        self.open_answer = open_answer

    def open_file(
        self, parent: QWidget | None, title: str, folder: Path, filter_: str
    ) -> Path | None:
        self.asked.append(("open_file", title, str(folder)))
        return self.open_answer


def counts(window: Any) -> list[CountResult]:
    return window.bridge.record.entries(CountResult, window.bridge.current_child().id)


def hb_of(result: CountResult) -> str:
    value = result.value("hgb")
    assert value is not None
    return value.value_text


def test_add_edit_undo_delete_a_blood_count_by_keys(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, window)

    def fill_count(dialog: QWidget) -> None:
        replace_text("2026-11-20")  # the date has the keys when the form opens
        tab_to(named("value_hgb"))
        type_keys("8.1")
        alt("s")

    in_dialog(lambda: (alt("a"), key(Qt.Key.Key_B)), fill_count)
    [added] = counts(window)
    assert (added.taken_date, hb_of(added)) == (dt.date(2026, 11, 20), "8.1")

    press("Ctrl+3")  # Blood counts
    table = tab_to(lambda w: w is window.view_named("counts").counts.table)
    key(Qt.Key.Key_Home)

    def change_hb(dialog: QWidget) -> None:
        tab_to(named("value_hgb"))
        replace_text("9.4")
        alt("s")

    in_dialog(lambda: key(Qt.Key.Key_Return), change_hb)
    assert [hb_of(c) for c in counts(window)] == ["9.4"]
    assert QApplication.focusWidget() is table  # the keys came back to the table

    press(QKeySequence.StandardKey.Undo)
    assert [hb_of(c) for c in counts(window)] == ["8.1"]
    key(Qt.Key.Key_Delete)
    assert counts(window) == []
    press(QKeySequence.StandardKey.Undo)
    assert [hb_of(c) for c in counts(window)] == ["8.1"]


def test_the_timeline_zooms_pans_and_opens_an_entry_by_keys(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import blood_count

    child = window.bridge.current_child()
    window.bridge.save(blood_count(child, "2026-11-16", hgb="9.4 g/dL"))
    activate(qtbot, window)
    press("Ctrl+1")
    chart = tab_to(lambda w: w is window.timeline_view.widget)
    x0, x1 = chart.visible_range()
    key(Qt.Key.Key_Plus)
    zoomed = chart.visible_range()
    assert zoomed[1] - zoomed[0] < x1 - x0
    key(Qt.Key.Key_Left)
    panned = chart.visible_range()
    assert panned[0] < zoomed[0]
    key(Qt.Key.Key_End)  # back to the latest
    for _ in range(50):
        key(Qt.Key.Key_Down)
        if chart.focused_item() is not None and chart.focused_item().ref.kind == "count":
            break
    assert chart.focused_item() is not None and chart.focused_item().ref.kind == "count"

    def look_and_leave(dialog: QWidget) -> None:
        assert "Blood" in dialog.windowTitle() or "count" in dialog.windowTitle().lower()
        key(Qt.Key.Key_Escape)

    in_dialog(lambda: key(Qt.Key.Key_Return), look_and_leave)
    assert QApplication.focusWidget() is chart

    alt("t")  # Values as a table
    assert QApplication.focusWidget() is window.timeline_view.values
    key(Qt.Key.Key_End)
    in_dialog(lambda: key(Qt.Key.Key_Return), look_and_leave)
    alt("t")
    assert QApplication.focusWidget() is chart


def test_a_lumbar_puncture_by_its_shortcut(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, window)

    def fill_lp(dialog: QWidget) -> None:
        replace_text("2026-11-19")
        alt("s")

    in_dialog(lambda: press("Ctrl+Shift+L"), fill_lp)
    child_id = window.bridge.current_child().id
    [lp] = window.bridge.record.entries(CnsVisit, child_id)
    assert lp.date == dt.date(2026, 11, 19)


@pytest.fixture
def answers(tmp_path: Path) -> Answers:
    path = tmp_path / "lab.csv"
    path.write_text(
        "Date,Test,Result,Unit,Reference range\n"
        "2026-11-02,WBC,2.1,K/uL,4.5-11\n"
        "2026-11-09,Hgb,9.4,g/dL,10.5-13.5\n",
        encoding="utf-8",
    )
    return Answers(path)


@pytest.fixture
def keyed_window(qtbot, bridge, answers, settings):  # type: ignore[no-untyped-def]
    import shiboken6

    from ui.main_window import MainWindow

    win = MainWindow(bridge, answers, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    activate(qtbot, win)
    yield win
    if shiboken6.isValid(win):
        shiboken6.delete(win)


def test_import_and_print_by_keys(qtbot, keyed_window, answers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = keyed_window
    in_dialog(lambda: press("Ctrl+Shift+I"), lambda dialog: alt("i"))  # the preview: Import
    assert sorted(str(c.taken_date) for c in counts(window)) == ["2026-11-02", "2026-11-09"]

    pdf = tmp_path / "summary.pdf"
    answers.save_answers.append(pdf)

    def save_pdf_and_close(dialog: QWidget) -> None:
        alt("d")  # Save as PDF (the file picker is answered)
        key(Qt.Key.Key_Escape)  # the dialog stays open after a PDF: Esc closes it

    in_dialog(lambda: press(QKeySequence.StandardKey.Print), save_pdf_and_close)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_switch_child_by_keys(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from tracker.model import Child

    activate(qtbot, window)
    first = window.bridge.current_child().id
    other = window.bridge.save(Child("Noa", dt.date(2025, 12, 1)))
    window.bridge.select_child(first)
    alt("v")
    key(Qt.Key.Key_W)  # View ▸ Switch to another child: the keys go to the children
    assert QApplication.focusWidget() is window.header.switcher
    type_keys("N")  # the first letters of a name switch to that child
    assert window.bridge.current_child().id != first
    assert window.bridge.current_child().id == other.id
