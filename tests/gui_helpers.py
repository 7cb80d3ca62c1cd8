"""Fixtures and helpers for the pytest-qt tests (loaded with ``pytest_plugins``).

Dialogs are modal (``exec()``), so flows that open one are driven with
:func:`drive_modal`: a zero-interval timer finds the dialog once its event loop
runs, fills it and presses Save, and always closes it so a failing test can never
hang.  Fields are filled the way a person would: keys typed into the real
``QLineEdit``, items chosen in combo boxes, check boxes clicked.

The test modules import helpers from here *and* load it as a plugin for its
fixtures; pytest cannot rewrite the asserts of a module imported before it is
registered, so rewriting is switched off here (PYTEST_DONT_REWRITE) and the
asserts carry their own messages.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from conftest import SESSION_HOME
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from ui.dialogs.base import DateField, FormDialog
from ui.interaction import Interaction

# ---------------------------------------------------------------------- scripted questions


class ScriptedInteraction(Interaction):
    """Answers ``confirm`` from a script and records every question asked; never blocks."""

    def __init__(self) -> None:
        self.confirm_answers: list[bool] = []
        self.save_answers: list[Path | None] = []
        self.asked: list[tuple[str, str, str]] = []  # (kind, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        self.asked.append(("confirm", title, text))
        if not self.confirm_answers:
            raise AssertionError(f"unexpected confirmation asked: {title!r}")
        return self.confirm_answers.pop(0)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.asked.append(("error", title, text))

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.asked.append(("info", title, text))

    def save_file(
        self, parent: QWidget | None, title: str, suggested: Path, filter_: str
    ) -> Path | None:
        self.asked.append(("save_file", title, str(suggested)))
        return self.save_answers.pop(0) if self.save_answers else None

    def open_file(
        self, parent: QWidget | None, title: str, folder: Path, filter_: str
    ) -> Path | None:
        self.asked.append(("open_file", title, str(folder)))
        return None

    def open_folder(self, parent: QWidget | None, title: str, folder: Path) -> Path | None:
        self.asked.append(("open_folder", title, str(folder)))
        return None


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def discard_without_asking(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Closing a dialog with typed text asks first; in tests the answer is "discard" and
    each question is recorded (a test can check it was asked)."""
    asked: list[str] = []

    def answer(self: Interaction, dialog: QWidget) -> bool:
        asked.append(dialog.windowTitle())
        return True

    monkeypatch.setattr(Interaction, "confirm_discard", answer)
    return asked


@pytest.fixture
def interaction() -> ScriptedInteraction:
    return ScriptedInteraction()


@pytest.fixture
def settings_store(tmp_path: Path) -> Iterator[QSettings]:
    """A QSettings file of the test's own: window state never touches the user's settings."""
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield store
    store.sync()


@pytest.fixture
def settings(settings_store: QSettings):  # type: ignore[no-untyped-def]
    from ui.settings import Settings

    return Settings(settings_store)


@pytest.fixture
def isolated_qsettings(tmp_path: Path) -> Iterator[Path]:
    """Code that builds ``QSettings()`` itself (``ui.app``) writes under ``tmp_path``.

    Afterwards the settings path goes back to the session's own XDG_CONFIG_HOME
    (tests/conftest.py), and organisation and application names are restored.
    """
    folder = tmp_path / "qsettings"
    folder.mkdir()
    org, app = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    default_format = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
    session_config = str(SESSION_HOME / "config")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, session_config)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, session_config)
    QSettings.setDefaultFormat(default_format)
    QCoreApplication.setOrganizationName(org)
    QCoreApplication.setApplicationName(app)


@pytest.fixture
def bridge(record, child):  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge

    return RecordBridge(record)


@pytest.fixture
def window(qtbot, bridge, interaction, settings):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    win = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    activate(qtbot, win)
    yield win
    # Destroy the window now, before the bridge and record fixtures go, rather than
    # whenever the garbage collector gets to it in some later test.
    if shiboken6.isValid(win):
        shiboken6.delete(win)


def activate(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Make ``widget``'s window the active one (window shortcuts need it)."""
    widget.window().activateWindow()
    qtbot.waitUntil(widget.window().isActiveWindow)


def press(qtbot, widget: QWidget, sequence: QKeySequence | QKeySequence.StandardKey | str) -> None:  # type: ignore[no-untyped-def]
    """Type a key sequence (e.g. "Ctrl+I" or the platform's Undo keys) into ``widget``."""
    combination = QKeySequence(sequence)[0]
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())


# ---------------------------------------------------------------------- driving dialogs


def drive_modal(trigger: Callable[[], object], handle: Callable[[Any], None]) -> Any:
    """Run ``trigger`` (which opens a modal dialog) and let ``handle`` work the dialog.

    The dialog is always closed afterwards: if ``handle`` fails or leaves it open
    the dialog is rejected, and the failure is raised here.
    """
    seen: dict[str, Any] = {}
    timer = QTimer()
    timer.setInterval(0)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or "dialog" in seen:
            return
        timer.stop()
        seen["dialog"] = dialog
        try:
            handle(dialog)
        except BaseException as exc:  # re-raised below, outside Qt's event loop
            seen["error"] = exc
        finally:
            if isinstance(dialog, QDialog) and dialog.isVisible():
                seen.setdefault("left_open", banner_text(dialog))
                dialog.reject()

    timer.timeout.connect(poll)
    timer.start()
    try:
        trigger()
    finally:
        timer.stop()
    if "error" in seen:
        raise seen["error"]
    assert "dialog" in seen, "no modal dialog was opened"
    assert "left_open" not in seen, f"the dialog stayed open: {seen['left_open']!r}"
    return seen["dialog"]


def banner_text(dialog: QWidget) -> str:
    """The banner and every visible field error: why a dialog refused to close."""
    texts = [
        label.text()
        for label in dialog.findChildren(QLabel)
        if label.isVisibleTo(dialog)
        and (label.objectName() == "banner" or label.text().startswith("⚠"))
    ]
    return " | ".join(texts)


def save_button(dialog: FormDialog) -> QAbstractButton:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert button is not None
    return button


def press_save(qtbot, dialog: FormDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)


def save_and_close(qtbot, dialog: FormDialog) -> None:  # type: ignore[no-untyped-def]
    press_save(qtbot, dialog)
    assert not dialog.isVisible(), f"Save was refused: {banner_text(dialog)}"
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.result()


def type_text(widget: QWidget, text: str) -> None:
    """Replace a field's text by typing ``text`` (ASCII) into its editor, key by key."""
    editor: QWidget
    if isinstance(widget, DateField):
        editor = widget.line
    elif isinstance(widget, QComboBox):
        assert widget.isEditable(), "type_text on a non-editable combo; use choose()"
        editor = widget.lineEdit()
    else:
        editor = widget
    if isinstance(editor, QLineEdit | QPlainTextEdit):
        editor.selectAll()
        QTest.keyClick(editor, Qt.Key.Key_Delete)
    else:
        raise TypeError(type(editor).__name__)
    assert text.isascii(), "QTest.keyClicks only types Latin-1 reliably"
    if text:
        QTest.keyClicks(editor, text)


def fill(dialog: FormDialog, name: str, text: str) -> None:
    """Type into the named field of a FormDialog and check the dialog reads it back."""
    type_text(dialog.field(name), text)
    got = dialog.text_of(name)
    assert got == text.strip(), f"{name}: typed {text!r}, the dialog reads {got!r}"


def choose(dialog: FormDialog, name: str, code: str) -> None:
    """Pick the item whose stored code is ``code`` in the named combo box."""
    combo = dialog.field(name)
    assert isinstance(combo, QComboBox)
    index = combo.findData(code)
    assert index >= 0, f"{name}: no item {code!r}"
    combo.setCurrentIndex(index)
    assert dialog.text_of(name) == code, f"{name}: {dialog.text_of(name)!r} != {code!r}"


def click(qtbot, button: QAbstractButton) -> None:  # type: ignore[no-untyped-def]
    """Click a button, or a check box on its indicator, like a person would."""
    assert button.isVisible() and button.isEnabled(), button.objectName() or button.text()
    pos = button.rect().center()
    if isinstance(button, QCheckBox):
        option = QStyleOptionButton()
        option.initFrom(button)
        pos = (
            button.style()
            .subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, button)
            .center()
        )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=pos)


def error_label(dialog: QWidget, name: str) -> QLabel:
    label = dialog.findChild(QLabel, f"error_{name}")
    assert label is not None, f"no error label for {name}"
    return label


# ---------------------------------------------------------------------- records to start from


def blood_count(child, date: str, **values: str):  # type: ignore[no-untyped-def]
    """A CountResult built like the form builds it; each value as "number unit"."""
    import datetime as dt

    from tracker.forms import ValueInput, count_from_form

    inputs = [ValueInput(code, *text.split(" ", 1)) for code, text in values.items()]
    return count_from_form(
        {"taken_date": date}, inputs, child=child, today=dt.date.fromisoformat(date)
    )


# ---------------------------------------------------------------------- the database itself


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Read the record file with a separate plain sqlite3 connection (what is on disk)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def one(path: Path, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any]:
    found = rows(path, sql, params)
    assert len(found) == 1, f"expected one row, found {found!r}"
    return found[0]


def refresh_views(window: Any) -> None:
    """Views on tabs not showing are made and refresh when shown; make them all and bring
    them up to date now."""
    from ui.main_window import VIEW_NAMES
    from ui.views.lists import RecordView

    for name in VIEW_NAMES:
        view = window.page(name)
        if isinstance(view, RecordView):
            view.ensure_fresh()


@pytest.fixture
def app_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_qsettings: Path
) -> Iterator[Callable[..., int]]:
    """Run ``ui.app.main`` in this process, leaving the test's QApplication as it was."""
    from ui.app import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    display_name, version = app.applicationDisplayName(), app.applicationVersion()

    def run(*argv: str) -> int:
        hook = sys.excepthook  # run_gui installs the crash hook; keep pytest-qt's
        try:
            return main(list(argv))
        finally:
            sys.excepthook = hook
            from ui import language

            language.reset(app)
            app.setApplicationDisplayName(display_name)
            app.setApplicationVersion(version)

    yield run
