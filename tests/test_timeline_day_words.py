"""The timeline's phase days in the family's language: French units write J1, J8, J15."""

from __future__ import annotations

import re

import pytest
from pytestqt.qtbot import QtBot
from test_timeline_fit_gui import _demo_widget, _labels_drawn, demo, demo_file  # noqa: F401

from tracker.store import Record

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("language", "letter"), [("fr", "J"), ("es", "D"), ("en", "D")])
def test_phase_days_on_the_axis_use_the_language_letter(
    qtbot: QtBot,
    demo: Record,  # noqa: F811
    language: str,
    letter: str,
) -> None:
    from ui.language import apply_language, reset

    apply_language(language)
    try:
        w = _demo_widget(qtbot, demo, (1024, 600))
        w.apply_preset("2w")
        days = [text for kind, text, _ in _labels_drawn(w) if kind == "day"]
    finally:
        reset()
    assert days
    assert all(re.fullmatch(letter + r"\d+", d) for d in days), days
