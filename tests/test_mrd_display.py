"""An MRD result reads the same, qualifier included, in every place it is shown (issue 11):
the timeline's label and tooltip, the milestones table and the printed summary."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY

from tracker import timeline as tl
from tracker.model import Child, Milestone, MilestoneKind, Mrd, MrdMethod, MrdQualifier
from tracker.mrd import format_mrd
from tracker.summary import build_summary
from ui.models.tables import milestone_result

CHILD = Child("Mila", dt.date(2026, 1, 10), diagnosis_date=dt.date(2026, 5, 12), id=1)
DAY = dt.date(2026, 9, 1)

CASES = [
    (
        Mrd("0.01%", 1e-4, MrdQualifier.BELOW_QUANTIFIABLE_RANGE, MrdMethod.PCR_KMT2A),
        "< 0.01% (below the quantifiable range)",
        "< 0.01% (< 1×10⁻⁴; below the quantifiable range)",
    ),
    (
        Mrd("", None, MrdQualifier.BELOW_QUANTIFIABLE_RANGE),
        "below the quantifiable range",
        "below the quantifiable range",
    ),
    (Mrd("", None, MrdQualifier.NEGATIVE), "negative", "negative"),
    (
        Mrd("", None, MrdQualifier.POSITIVE_NOT_QUANTIFIABLE),
        "positive, not quantifiable",
        "positive, not quantifiable",
    ),
    (Mrd("9.999e-5", 9.999e-5), "0.01%", "0.01% (1×10⁻⁴)"),
]


def _milestone(mrd: Mrd) -> Milestone:
    return Milestone(CHILD.id or 1, DAY, MilestoneKind.MRD_RESULT, mrd=mrd, id=7)


@pytest.mark.parametrize(("mrd", "short", "full"), CASES)
def test_timeline_label_and_tooltip_keep_the_qualifier(mrd: Mrd, short: str, full: str) -> None:
    lane = tl.build([], [_milestone(mrd)], [], [], TODAY, lanes=["milestones"]).lane("milestones")
    assert lane is not None
    (mark,) = lane.marks
    assert mark.label == f"MRD {short}" == f"MRD {format_mrd(mrd, short=True)}"
    assert f"MRD {full}" in mark.tooltip.splitlines()


@pytest.mark.parametrize(("mrd", "short", "full"), CASES)
def test_milestones_table_keeps_the_qualifier(mrd: Mrd, short: str, full: str) -> None:
    assert milestone_result(_milestone(mrd)).startswith(f"MRD {full}")


@pytest.mark.parametrize(("mrd", "short", "full"), CASES)
def test_summary_keeps_the_qualifier(mrd: Mrd, short: str, full: str) -> None:
    summary = build_summary(
        CHILD,
        phases=[],
        milestones=[_milestone(mrd)],
        counts=[],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        start=DAY,
        end=DAY,
    )
    (line,) = summary.milestones
    assert line.text.startswith(f"MRD result: {full}")
