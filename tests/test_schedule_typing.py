"""Hours and rules as a family or another program types them (issue 12, an attacker's
findings): superscript digits get a plain message, spaces after commas are read."""

from __future__ import annotations

import pytest

from tracker import schedule


@pytest.mark.parametrize(
    ("rule", "hours", "weekdays"),
    [
        ("FREQ=DAILY;BYHOUR=1, 2", (1, 2), ()),
        ("FREQ=DAILY;BYHOUR= 8 , 20 ", (8, 20), ()),
        ("freq=weekly; byday = sa, su ;byhour=8, 20", (8, 20), (5, 6)),
    ],
)
def test_spaces_after_commas_are_read(
    rule: str, hours: tuple[int, ...], weekdays: tuple[int, ...]
) -> None:
    parsed = schedule.parse(rule)
    assert (parsed.hours, parsed.weekdays) == (hours, weekdays)


@pytest.mark.parametrize("rule", ["FREQ=DAILY;BYHOUR=8²", "FREQ=DAILY;BYHOUR=1,,2"])
def test_odd_hours_in_a_rule_are_refused_in_words(rule: str) -> None:
    why = schedule.problem(rule)
    assert why is not None and "whole hours from 0 to 23" in why


@pytest.mark.gui
@pytest.mark.parametrize("typed", ["8²", "²", "19:0²", "¹⁹:00"])
def test_superscript_digits_in_the_picker_get_a_plain_message(qapp, typed: str) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.medicine_plan import SchedulePicker

    picker = SchedulePicker()
    picker.hours.setText(typed)
    why = picker.problem()
    assert why is not None and "is not a whole hour of the day" in why, why


@pytest.mark.gui
def test_the_picker_reads_full_width_digits(qapp) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.medicine_plan import SchedulePicker

    picker = SchedulePicker()
    picker.hours.setText("８:00, 20:00")
    assert picker.problem() is None and picker.rule().endswith("BYHOUR=8,20")
