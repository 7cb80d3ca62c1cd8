"""The Today tab in French and Spanish: the status keys are the letters the translated
buttons show, and the counts under the list agree with each number."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_gui_today import _logs, _plans, _today_view

from tracker.model import DoseStatus

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

# the letter each translated button shows, and the key that ticks it
LETTERS = {
    "en": {"G": DoseStatus.GIVEN, "M": DoseStatus.MISSED, "H": DoseStatus.HELD},
    "es": {"D": DoseStatus.GIVEN, "O": DoseStatus.MISSED, "S": DoseStatus.HELD},
    "fr": {"D": DoseStatus.GIVEN, "O": DoseStatus.MISSED, "S": DoseStatus.HELD},
}
COUNTS = {
    "en": ("1 due · 0 logged · 1 not logged yet", "1 due · 1 logged · 0 not logged yet"),
    "es": (
        "1 prevista · 0 anotadas · 1 aún sin anotar",
        "1 prevista · 1 anotada · 0 aún sin anotar",
    ),
    "fr": ("1 prévue · 0 notée · 1 pas encore notée", "1 prévue · 1 notée · 0 pas encore notée"),
}


@pytest.fixture(params=["en", "es", "fr"])
def language(request: pytest.FixtureRequest, qapp: Any) -> Iterator[str]:
    from ui.language import apply_language, reset

    apply_language(request.param)
    yield request.param
    reset()


def test_the_status_keys_are_the_translated_buttons_letters(
    qtbot: Any, language: str, bridge: Any, window: Any
) -> None:
    from ui.views.today import BUTTONS, status_keys

    _plans(bridge)
    view = _today_view(qtbot, window)
    labels = {s: b.text() for s, b in view.status_buttons.items()}
    keys = status_keys(labels)
    assert len(keys) == len(BUTTONS)  # one key each, none the note's N
    for key, status in keys.items():
        assert labels[status].endswith(f"({chr(key)})") or labels[status].endswith(
            f"({chr(key)})".lower()
        ), labels[status]
    for letter, status in LETTERS[language].items():
        assert f"({letter})" in labels[status]
    before, after = COUNTS[language]
    assert view.counts_label.text() == before
    letter = next(k for k, s in LETTERS[language].items() if s is DoseStatus.MISSED)
    QTest.keyClick(view.due_list, Qt.Key(ord(letter)))
    assert [d.status for d in _logs(bridge)] == [DoseStatus.MISSED]
    assert view.counts_label.text() == after
