"""The ui rule of tracker/i18n/unmarked.py catches what slipped onto paper in English:
text given to a painter, a sentence glued in an f-string, words in the page's HTML."""

from __future__ import annotations

import pytest

from tracker.i18n.unmarked import ui_problems

CAUGHT = [
    'painter.drawText(rect, 0, f"Page {page} of {pages}")',
    'painter.drawText(rect, 0, "Age")',
    'painter.drawStaticText(point, QStaticText("Kept by the family"))',
    'left = f"{summary.initials} · {summary.footer} · printed {day.isoformat()}"',
    'errors["repeat"] = f"Repeat: {why}"',
    'label = f"{n} doses given"',
]
PRINTING_ONLY = "html = \"<p class='note'>Examples from one published source</p>\""
LEFT_ALONE = [
    'painter.drawText(rect, 0, tr("Page {page} of {pages}").format(page=1, pages=2))',
    'style = f"border: 2px solid {line.name()}; border-radius: 3px;"',
    'style = f"color: {colour.name()};"',
    'name = f"{record.path.stem}-fever-card-{size}.pdf"',
    'key = f"{a.code}.lab_comment"',
    'print(f"treatment-tracker: {exc}", file=err)',
    "cell = f\" width='{share}%'\"",
    'raise TypeError(f"no text for {type(widget).__name__}")  # i18n: not shown',
    'row = "<td class=\'num\'>" + value + "</td>"',
]


@pytest.mark.parametrize("line", CAUGHT)
def test_the_ui_rule_catches_unmarked_text(line: str) -> None:
    assert ui_problems(line + "\n", "ui/printing/render.py"), line


def test_words_in_the_page_html_are_caught_in_printing() -> None:
    assert ui_problems(PRINTING_ONLY + "\n", "ui/printing/document.py")
    assert not ui_problems(PRINTING_ONLY + "\n", "ui/views/today.py")


@pytest.mark.parametrize("line", LEFT_ALONE)
def test_the_ui_rule_leaves_marked_text_and_identifiers_alone(line: str) -> None:
    assert ui_problems(line + "\n", "ui/printing/document.py") == [], line
