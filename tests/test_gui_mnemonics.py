"""A parent's keyboard-only walkthrough: Alt+S beside "Sex" only moved the focus between
"Sex" and "Save", and Alt+F on the Fevers tab reached "Add fever rule" or the File menu by
turns.  Within one window no two labels or buttons share an Alt letter; a tab's buttons
keep off the menu bar's letters."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from ui.kind_ui import Editing
from ui.kinds import UI_KINDS, ui_kind

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

DAY = dt.date(2026, 11, 20)


def mnemonic(text: str) -> str | None:
    """The letter after a single "&" in ``text`` (lower case), None when there is none."""
    match = re.search(r"(?<!&)&([^&\s])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def letters(widget: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every label and button under ``widget`` with an Alt letter."""
    found = []
    for child in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton):
        letter = mnemonic(child.text())
        if letter is not None:
            found.append((letter, child.text()))
    return found


def unlettered(widget: QWidget) -> list[str]:
    """The text of every push button, checkbox and radio button under ``widget`` that has
    words but no Alt letter (Alt+C fell through a "Close" to the next Alt key unnoticed).

    Left out: a row of day boxes (seven one-word days: Tab walks them) and the print
    dialog's section boxes (fix-print's), a button repeated on each row ("Remove"): one
    letter cannot reach several, and Cancel where every letter of its word is taken (the
    child's dialog has 22 letters; Esc cancels)."""
    from collections import Counter

    from PySide6.QtWidgets import QCheckBox, QPushButton, QRadioButton

    skipped: set[int] = set()
    for holder in [widget, *widget.findChildren(QWidget)]:
        for box in [*getattr(holder, "days", []), *getattr(holder, "section_boxes", {}).values()]:
            skipped.add(id(box))
    buttons = [
        b
        for b in [
            *widget.findChildren(QPushButton),
            *widget.findChildren(QCheckBox),
            *widget.findChildren(QRadioButton),
        ]
        if id(b) not in skipped
        and b.text().strip()
        and b.isEnabled()  # not a spacer
        and not b.objectName().startswith("remove_")
    ]
    times = Counter(b.text() for b in buttons)
    taken = {letter for letter, _ in letters(widget)}
    return [
        b.text()
        for b in buttons
        if times[b.text()] == 1
        and mnemonic(b.text()) is None
        and not {c.lower() for c in b.text() if c.isalpha()} <= taken  # none left to give
    ]


def other_dialogs(bridge: Any) -> list[Any]:
    """The dialogs that are no entry's editor: print, fever card, team's numbers, growth,
    change dose and stop."""
    from tracker.model import MedicinePlan
    from ui.dialogs.medicine_plan import ChangeDoseDialog, StopDialog
    from ui.dialogs.thresholds import ThresholdsDialog
    from ui.growth_chart.widget import GrowthChartDialog
    from ui.interaction import Interaction
    from ui.printing.card_dialog import PrintCardDialog
    from ui.printing.dialog import PrintSummaryDialog

    child = bridge.current_child()
    plan = MedicinePlan(child.id, "6-mercaptopurine", DAY - dt.timedelta(days=30), "25", "mg", id=1)
    return [
        ChangeDoseDialog(plan, child, DAY),
        StopDialog(plan, child, DAY),
        PrintSummaryDialog(bridge, Interaction()),
        PrintCardDialog(bridge, Interaction()),
        ThresholdsDialog(bridge),
        GrowthChartDialog(bridge),
    ]


def repeated(found: list[tuple[str, str]]) -> dict[str, list[str]]:
    counts = Counter(letter for letter, _ in found)
    return {
        letter: [text for got, text in found if got == letter]
        for letter, n in counts.items()
        if n > 1
    }


def test_mnemonic_reads_the_letter_after_a_single_ampersand() -> None:
    assert mnemonic("&Save") == "s" and mnemonic("Sto&p medicine…") == "p"
    assert mnemonic("Phases && milestones") is None and mnemonic("&Fevers && symptoms") == "f"


# Every editor: the child's and each kind's (other test modules walk them too).
DIALOG_KEYS = ["child", *(ui.key for ui in UI_KINDS)]


def open_dialog(bridge: Any, key: str) -> Any:
    """The editor ``key`` names (one of DIALOG_KEYS), for a new entry, not shown."""
    if key == "child":
        from ui.dialogs.child import ChildDialog

        return ChildDialog(bridge.current_child(), DAY)
    return ui_kind(key).dialog(Editing(bridge, bridge.current_child(), DAY), None, None)


@pytest.mark.parametrize("key", DIALOG_KEYS)
def test_no_two_alt_letters_in_a_dialog_are_the_same(qtbot, bridge, key) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(bridge, key)
    qtbot.addWidget(dialog)
    dialog.show()  # Cancel takes its letter when shown
    found = letters(dialog)
    assert ("s", "&Save") in found, "the Save button has its Alt+S on every desktop"
    assert repeated(found) == {}, key
    assert unlettered(dialog) == [], key


def test_every_button_and_checkbox_of_the_other_dialogs_has_its_letter(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    """The tester: "Close" of the Print summary, Fever card and Team thresholds dialogs had
    no Alt letter; Alt+C fell through and the next Alt key changed the paper unnoticed."""
    missing = {}
    for dialog in other_dialogs(bridge):
        qtbot.addWidget(dialog)
        dialog.show()
        found = letters(dialog)
        if unlettered(dialog) or repeated(found):
            missing[type(dialog).__name__] = (unlettered(dialog), repeated(found))
    assert missing == {}


def _menu_bar(window: Any) -> list[tuple[str, str]]:
    return [(mnemonic(a.text()) or "", a.text()) for a in window.menuBar().actions()]


def test_the_menu_bar_and_the_add_menu_have_one_letter_each(window) -> None:  # type: ignore[no-untyped-def]
    """The walkthrough: "Add &phase" and "Add a&ppointment" both had P in the Add menu."""
    bar = _menu_bar(window)
    assert all(letter for letter, _ in bar) and repeated(bar) == {}
    items = [(mnemonic(a.text()) or "", a.text()) for a in window.add_actions.values()]
    assert all(letter for letter, _ in items), items
    assert repeated(items) == {}


def test_a_tabs_buttons_keep_off_the_menu_bars_letters_and_each_others(window) -> None:  # type: ignore[no-untyped-def]
    """The walkthrough: every table's "&Edit…" shared E with the Edit menu, and the
    "&Add phase…" buttons A with the Add menu; then each table of a tab had "Ed&it…" and
    Alt+I reached only the first.  Edit (I) and Delete (L) carry their letters in the
    table the keyboard is in: with each table of each tab in turn, no letter is shared."""
    from ui.views.lists import RecordView

    bar = _menu_bar(window)
    clashes = {}
    for index in range(window.views.count()):
        view = window.views.widget(index)
        tables = list(view.tables.values()) if isinstance(view, RecordView) else [None]
        for table in tables:
            if table is not None:
                view.keys_to(table)
                assert mnemonic(table.edit_button.text()) == "i"
                assert mnemonic(table.delete_button.text()) == "l"
            found = letters(view)
            if table is not None:
                edits = [text for letter, text in found if letter in "il"]
                assert len(edits) == 2, (window.views.tabText(index), edits)
            shared = repeated(bar + found)
            if shared:
                clashes[(window.views.tabText(index), table and table.ui.key)] = shared
    assert clashes == {}


def test_the_change_dose_stop_and_print_dialogs_have_one_letter_each(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    """The final re-check: "New dose &from" and "&Form" shared Alt+F in Change dose, and
    "&Paper" and "&Print…" shared Alt+P in the summary's print dialog."""
    from tracker.model import MedicinePlan
    from ui.dialogs.medicine_plan import ChangeDoseDialog, StopDialog
    from ui.interaction import Interaction
    from ui.printing.card_dialog import PrintCardDialog
    from ui.printing.dialog import PrintSummaryDialog

    child = bridge.current_child()
    plan = MedicinePlan(child.id, "6-mercaptopurine", DAY - dt.timedelta(days=30), "25", "mg", id=1)
    dialogs = [
        ChangeDoseDialog(plan, child, DAY),
        StopDialog(plan, child, DAY),
        PrintSummaryDialog(bridge, Interaction()),
        PrintCardDialog(bridge, Interaction()),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert repeated(letters(dialog)) == {}, type(dialog).__name__
