"""A bone-marrow check carries its MRD result in the same entry (issue 15): the form keeps
it (optional: a marrow check without MRD stays one), the record accepts it, and the summary
and the timeline show it.  Which milestone kinds carry MRD is declared once
(tracker.mrd.CARRIES_MRD)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from tracker import timeline
from tracker.forms import FormErrors, milestone_from_form, validate_milestone
from tracker.model import Child, Milestone, MilestoneKind, Mrd, MrdMethod, MrdSample
from tracker.mrd import CARRIES_MRD
from tracker.summary import _milestone_line

pytest_plugins = ["gui_helpers"]

CHILD = Child(id=1, name="Mila", birth_date=dt.date(2026, 1, 10))
TODAY = dt.date(2026, 11, 24)


def _marrow(**form: str) -> Milestone:
    return milestone_from_form(
        {"date": "2026-06-22", "kind": "marrow_check", **form}, child=CHILD, today=TODAY
    )


def test_marrow_checks_and_mrd_results_carry_mrd() -> None:
    assert {MilestoneKind.MARROW_CHECK, MilestoneKind.MRD_RESULT} == CARRIES_MRD


def test_a_marrow_check_keeps_its_mrd_result() -> None:
    m = _marrow(
        result_text="M1, in remission",
        mrd_value="0.01%",
        mrd_method="pcr_ig_tcr",
        mrd_sample="marrow",
    )
    assert m.kind is MilestoneKind.MARROW_CHECK and m.mrd is not None
    assert m.mrd.fraction == pytest.approx(1e-4)
    assert (m.mrd.method, m.mrd.sample) == (MrdMethod.PCR_IG_TCR, MrdSample.MARROW)
    assert validate_milestone(m, CHILD, TODAY) == {}


def test_a_marrow_check_without_mrd_is_still_one() -> None:
    m = _marrow(result_text="M1", mrd_qualifier="quantified", mrd_value="")
    assert m.mrd is None
    assert _marrow(mrd_qualifier="negative").mrd is not None  # "negative" is a result


def test_a_marrow_check_with_a_method_but_no_value_says_what_is_missing() -> None:
    with pytest.raises(FormErrors) as caught:
        _marrow(mrd_method="flow")
    assert "MRD value" in caught.value.errors["mrd_value"]


def test_other_kinds_still_carry_no_mrd() -> None:
    m = Milestone(1, dt.date(2026, 6, 1), MilestoneKind.REMISSION, mrd=Mrd("0.01%", 1e-4))
    said = validate_milestone(m, CHILD, TODAY)["kind"]
    assert "MRD result" in said and "marrow check" in said


def test_the_summary_and_the_timeline_show_a_marrow_checks_mrd() -> None:
    m = _marrow(result_text="M1", mrd_value="0.01%", mrd_sample="marrow")
    m = replace(m, id=7)
    line = _milestone_line(m).text
    assert line.startswith("Bone-marrow check: 0.01%") and "M1" in line, line
    lane = timeline.build([], [m], [], [], TODAY, lanes=("milestones",)).lane("milestones")
    assert lane is not None
    (mark,) = lane.marks
    assert "MRD 0.01%" in mark.label and "0.01%" in mark.tooltip, (mark.label, mark.tooltip)
    assert "Bone-marrow check" in mark.tooltip


def test_the_milestone_dialog_offers_mrd_for_a_marrow_check(qtbot, bridge) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import choose, fill
    from test_gui_mnemonics import open_dialog

    dialog = open_dialog(bridge, "milestone")
    qtbot.addWidget(dialog)
    dialog.show()
    fill(dialog, "date", "2026-11-20")
    choose(dialog, "kind", "remission")
    assert not dialog.mrd_box.isVisible()
    choose(dialog, "kind", "marrow_check")
    assert dialog.mrd_box.isVisible()
    assert dialog.build().mrd is None  # left empty: a marrow check without MRD
    fill(dialog, "mrd_value", "0.01%")
    choose(dialog, "mrd_sample", "marrow")
    built = dialog.build()
    assert built.kind is MilestoneKind.MARROW_CHECK and built.mrd is not None
    assert built.mrd.fraction == pytest.approx(1e-4)
