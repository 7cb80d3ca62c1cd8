"""The printed summary keeps the lab's flag apart from the program's and lists results of
tests the program does not know as printed, with no range check of its own (issue 11)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from pypdf import PdfReader

from tracker.model import Child, CountResult, CountValue, OtherResult
from tracker.store import Record
from tracker.summary import build_summary


@pytest.fixture
def noted(tmp_path: Path):  # type: ignore[no-untyped-def]
    rec = Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock)
    child, _ = rec.save(
        Child(name="Mila", birth_date=dt.date(2026, 1, 10), diagnosis_date=dt.date(2026, 3, 1))
    )
    plt = CountValue(
        "plt",
        "42",
        "10^9/L",
        42,
        42,
        "10^9/L",
        range_text="150-450",
        range_low=150,
        range_high=450,
        lab_flag="H",
        lab_comment="clumped sample",
    )
    wbc = CountValue("wbc", "8.0", "10^9/L", 8.0, 8.0, "10^9/L")
    others = (
        OtherResult("Vitamin D 25-OH", "54", "nmol/L", "50-150", "", "winter"),
        OtherResult("Anti-Xa", "12", "ng/mL", "", "L", ""),
    )
    assert child.id is not None
    rec.save(CountResult(child.id, dt.date(2026, 11, 20), values=(wbc, plt), others=others))
    yield rec, child
    rec.close()


def test_the_summary_keeps_the_labs_flag_apart_and_lists_other_results(noted) -> None:  # type: ignore[no-untyped-def]
    from tracker.assessment import make_assessor

    rec, child = noted
    s = build_summary(
        child,
        phases=[],
        milestones=[],
        counts=rec.counts(child.id),
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        start=dt.date(2026, 11, 1),
        end=TODAY,
        assess=make_assessor(child),
    )
    (row,) = s.counts
    cell = row.cells["plt"]
    # The program says L (42 is below the lab's 150-450), the lab printed H: both, unmerged.
    assert cell.flagged and cell.text.startswith("42") and "(low)" in cell.text
    assert "H" not in cell.text and cell.lab_flag == "H"
    assert row.cells["wbc"].lab_flag == ""
    assert any("[lab: …]" in f and "may disagree" in f for f in s.count_footnotes)
    assert [(c.date, c.text) for c in s.lab_comments] == [
        (dt.date(2026, 11, 20), "PLT: clumped sample")
    ]
    assert [(o.name, o.value, o.unit, o.range_text, o.lab_flag) for o in s.other_results] == [
        ("Vitamin D 25-OH", "54", "nmol/L", "50-150", ""),
        ("Anti-Xa", "12", "ng/mL", "", "L"),
    ]


@pytest.mark.gui
def test_the_pdf_shows_them(qapp, noted, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child = noted
    target = tmp_path / "summary.pdf"
    write_pdf(rec, SummaryRequest(child.id, start=dt.date(2026, 11, 1), end=TODAY), target)
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(str(target)).pages)
        .replace("\u2011", "-")
        .replace("\u00a0", " ")
        .split()
    )
    assert "[lab: H]" in text
    assert "Other results (as printed by the lab; no range check by this program)" in text
    assert "Vitamin D 25-OH" in text and "54 nmol/L" in text and "winter" in text
    assert "Lab's comments (as printed): 2026-11-20 PLT: clumped sample" in text


def test_a_narrow_counts_column_may_wrap_only_between_a_number_and_its_flag() -> None:
    """The parent walkthrough: "2.1 (lo|w)" — the cell was one unbreakable run, so Qt broke
    it anywhere.  The one breakable space is between the number and "(low)"."""
    from tracker.summary import Cell, CountRow, Summary
    from ui.printing.document import Rows, _counts

    s = Summary.__new__(Summary)
    s.count_columns = ["wbc"]
    s.count_headers = {"wbc": "WBC (×10⁹/L)"}
    s.counts = [
        CountRow(dt.date(2026, 11, 29), "08:00", {"wbc": Cell("2.1 (low)", flagged=True)}, "", "")
    ]
    s.count_footnotes = []
    s.counts_before_range = False
    s.lab_comments = []
    s.lab_results = []
    s.other_results = []
    html = "".join(p.html(0, len(p.rows)) if isinstance(p, Rows) else str(p) for p in _counts(s))
    assert "2.1 (low)" in html and "2.1\u00a0(low)" not in html
