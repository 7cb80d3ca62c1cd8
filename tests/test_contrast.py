"""Dark and high-contrast palettes keep every meaning visible: hints, errors and chart text
are checked against the palette they are drawn on (4.5:1 for text, 3:1 for lines)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from ui.contrast import (
    CHART_INK,
    HINT,
    MARK_CONTRAST,
    TEXT_CONTRAST,
    chart_paper,
    contrast_ratio,
    error_colour,
    field_error_style,
    hint_colour,
)

pytest_plugins = ["gui_helpers"]


def palette(window: str, text: str, base: str, base_text: str) -> QPalette:
    p = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, QColor(window))
        p.setColor(group, QPalette.ColorRole.WindowText, QColor(text))
        p.setColor(group, QPalette.ColorRole.Base, QColor(base))
        p.setColor(group, QPalette.ColorRole.Text, QColor(base_text))
        p.setColor(group, QPalette.ColorRole.Button, QColor(window))
        p.setColor(group, QPalette.ColorRole.ButtonText, QColor(text))
    return p


LIGHT = palette("#efefef", "#000000", "#ffffff", "#000000")
DARK = palette("#353535", "#f0f0f0", "#2a2a2a", "#f0f0f0")  # Breeze/Adwaita dark alike
HIGH_CONTRAST = palette("#000000", "#ffffff", "#000000", "#ffff00")
HIGH_CONTRAST_LIGHT = palette("#ffffff", "#000000", "#ffffff", "#000000")
PALETTES = {
    "light": LIGHT,
    "dark": DARK,
    "high contrast": HIGH_CONTRAST,
    "high contrast light": HIGH_CONTRAST_LIGHT,
}


def colour_of(style: str) -> QColor:
    match = re.search(r"#[0-9a-fA-F]{6}", style)
    assert match, style
    return QColor(match.group(0))


def test_the_ratio_is_wcags() -> None:
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#777777")) == pytest.approx(1.0)
    assert contrast_ratio(QColor("#767676"), QColor("white")) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("name", PALETTES)
def test_hints_errors_and_outlines_read_on_every_palette(name: str) -> None:
    p = PALETTES[name]
    window, base = p.color(QPalette.ColorRole.Window), p.color(QPalette.ColorRole.Base)
    assert contrast_ratio(hint_colour(p), window) >= TEXT_CONTRAST
    assert contrast_ratio(error_colour(p), window) >= TEXT_CONTRAST
    assert contrast_ratio(colour_of(field_error_style(p)), base) >= MARK_CONTRAST
    assert contrast_ratio(CHART_INK, chart_paper(p)) >= TEXT_CONTRAST


def test_a_light_window_keeps_the_colours_it_was_made_with() -> None:
    assert hint_colour(LIGHT).name() == HINT.name()
    assert error_colour(LIGHT).name() == "#a1260d"
    assert chart_paper(LIGHT).name() == "#ffffff"


def test_the_error_stays_red_on_a_dark_window() -> None:
    red = error_colour(DARK)
    assert red.red() > red.green() + 40 and red.red() > red.blue() + 40, red.name()


def test_notes_with_their_own_background_set_their_own_text_colour() -> None:
    """A note on a cream or pink background: with the palette's (light) text of a dark
    desktop it was unreadable; each such style names its text colour, which reads."""
    from pathlib import Path

    import ui

    found = []
    for path in sorted(Path(ui.__file__).parent.rglob("*.py")):
        if path.parent.name == "printing":
            continue  # paper: black ink on white whatever the desktop's colours
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"background: (#[0-9a-fA-F]{6});([^}]*)", source):
            text = re.search(r"(?<![-\w])color: (#[0-9a-fA-F]{6})", match.group(2))
            found.append((path.name, match.group(1), text.group(1) if text else None))
    assert len(found) >= 5, found  # the scan sees the notes
    unreadable = [
        f
        for f in found
        if f[2] is None or contrast_ratio(QColor(f[2]), QColor(f[1])) < TEXT_CONTRAST
    ]
    assert unreadable == []


def test_a_dialog_built_on_a_dark_desktop_shows_readable_errors_and_hints(qtbot, child) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from gui_helpers import press_save, type_text

    from ui.dialogs.agenda import QuestionDialog

    app = QApplication.instance()
    before = app.palette()
    app.setPalette(DARK)
    try:
        dialog = QuestionDialog(None, child, dt.date(2026, 11, 24))
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(dialog.field("added_on"), "2026-13-40")
        press_save(qtbot, dialog)
        shown = [
            label
            for label in dialog.findChildren(QLabel)
            if label.isVisible() and label.text().startswith("⚠") and label is not dialog.banner
        ]
        assert shown, "no error shown"
        window = DARK.color(QPalette.ColorRole.Window)
        for label in shown:
            assert contrast_ratio(colour_of(label.styleSheet()), window) >= TEXT_CONTRAST
        edit = dialog.field("added_on").line
        assert isinstance(edit, QLineEdit)
        line = colour_of(edit.styleSheet())
        assert contrast_ratio(line, DARK.color(QPalette.ColorRole.Base)) >= MARK_CONTRAST
    finally:
        app.setPalette(before)
