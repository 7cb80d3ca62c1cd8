"""The child's team phones in every language: each language's example is accepted as
typed, an extension is read in any shipped language's words, the rule is translated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import TODAY
from PySide6.QtWidgets import QLabel, QLineEdit

from tracker.forms import phone_problem

pytestmark = pytest.mark.gui

RULE_WORDS = {"en": "digits, spaces", "es": "cifras, espacios", "fr": "des chiffres, des espaces"}


@pytest.fixture(params=["en", "es", "fr"])
def language(request: pytest.FixtureRequest, qapp: Any) -> Iterator[str]:
    from ui.language import apply_language, reset

    apply_language(request.param)
    yield request.param
    reset()


def test_each_language_example_is_accepted_and_the_rule_reads_in_it(
    qtbot: Any, language: str
) -> None:
    from ui.dialogs.child import ChildDialog

    dialog = ChildDialog(None, TODAY)
    qtbot.addWidget(dialog)
    for name in ("phone_day", "phone_24h"):
        edit = dialog.field(name)
        assert isinstance(edit, QLineEdit)
        example = re.sub(r"^\D*?(?=[+\d])", "", edit.placeholderText())  # "p. ex. " off
        assert example and example != edit.placeholderText()
        assert phone_problem(example, "Team phone") is None, example
    rule = [w.text() for w in dialog.findChildren(QLabel) if "+ - ( ) . /" in w.text()]
    assert rule and RULE_WORDS[language] in rule[0], rule


@pytest.mark.parametrize(
    "typed",
    [
        "01 23 45 67 89 poste 4",
        "01 23 45 67 89 p. 4",
        "91 123 45 67 extensión 4",
        "91 123 45 67 ext 4",
        "020 7946 0123 ext. 4",
        "020 7946 0123 x4",
    ],
)
def test_an_extension_in_any_shipped_language_is_accepted_in_english(typed: str) -> None:
    assert phone_problem(typed, "Team phone") is None
    assert phone_problem("ring the ward poste 4", "Team phone") is not None
