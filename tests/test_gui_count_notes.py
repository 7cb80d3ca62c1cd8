"""The count dialog by group, the lab's flag and comment per value, a drug level's hours and
results of tests the program does not know (issue 11)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from gui_helpers import error_label, fill, press_save, save_and_close
from PySide6.QtWidgets import QPushButton, QTabWidget
from throwaway_analyte import timed_analyte  # noqa: F401  (a fixture)

from tracker import analytes
from tracker.model import CountResult, CountValue, OtherResult

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def open_dialog(qtbot):  # type: ignore[no-untyped-def]
    def show(dialog):  # type: ignore[no-untyped-def]
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return show


def _saved(bridge, child) -> CountResult:  # type: ignore[no-untyped-def]
    (result,) = bridge.record.counts(child.id)
    return result


def _a_count(bridge) -> CountResult:  # type: ignore[no-untyped-def]
    child = bridge.current_child()
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
        lab_flag="L",
        lab_comment="clumped",
    )
    result = CountResult(
        child_id=child.id,
        taken_date=dt.date(2026, 11, 2),
        values=(plt,),
        others=(
            OtherResult("Vitamin D 25-OH", "54", "nmol/L", "50-150", "", "winter"),
            OtherResult("Anti-Xa", "12", "ng/mL", "", "L", ""),
        ),
    )
    return bridge.save(result)


def test_the_labs_flag_comment_and_other_results_are_edited_and_keep_their_uids(  # type: ignore[no-untyped-def]
    qtbot, open_dialog, bridge
) -> None:
    from ui.dialogs.count import CountDialog

    child = bridge.current_child()
    before = _a_count(bridge)
    dialog = open_dialog(CountDialog(before, child, TODAY))
    dialog.submit = bridge.save
    assert dialog.text_of("plt.lab_flag") == "L" and dialog.text_of("plt.lab_comment") == "clumped"
    assert dialog.text_of("others.1.name") == "Anti-Xa"
    fill(dialog, "plt.lab_comment", "clumped; repeat")
    fill(dialog, "wbc.value", "8.0")
    fill(dialog, "wbc.lab_flag", "*")
    dialog.findChildren(QPushButton, "remove_other")[0].click()  # Vitamin D goes
    dialog.findChild(QPushButton, "add_other").click()
    fill(dialog, "others.1.name", "CRP-like test")
    fill(dialog, "others.1.value", "<5")
    fill(dialog, "others.1.unit", "mg/L")
    save_and_close(qtbot, dialog)
    after = _saved(bridge, child)
    plt, wbc = after.value("plt"), after.value("wbc")
    assert plt is not None and wbc is not None
    assert (plt.uid, plt.lab_flag, plt.lab_comment) == (
        before.values[0].uid,
        "L",
        "clumped; repeat",
    )
    assert (wbc.lab_flag, wbc.lab_comment) == ("*", "")
    kept = {o.name: o for o in after.others}
    assert set(kept) == {"Anti-Xa", "CRP-like test"}
    assert kept["Anti-Xa"].uid == before.others[1].uid, "editing keeps the row's uid"
    assert (kept["CRP-like test"].value_text, kept["CRP-like test"].unit) == ("<5", "mg/L")


def test_an_other_result_without_a_name_is_refused_beside_it(  # type: ignore[no-untyped-def]
    qtbot, open_dialog, bridge
) -> None:
    from ui.dialogs.count import CountDialog

    child = bridge.current_child()
    dialog = open_dialog(CountDialog(None, child, TODAY))
    dialog.submit = bridge.save
    dialog.findChild(QPushButton, "add_other").click()
    fill(dialog, "others.0.value", "54")
    press_save(qtbot, dialog)
    assert dialog.isVisible()
    label = error_label(dialog, "others.0.name")
    assert label.isVisible() and "type the name of the test" in label.text()
    tabs = dialog.findChild(QTabWidget, "groups")
    assert tabs.tabText(tabs.currentIndex()).startswith("⚠ Other results")
    fill(dialog, "others.0.name", "WBC")  # a test the program knows: typed where it belongs
    press_save(qtbot, dialog)
    assert "a test this program knows" in error_label(dialog, "others.0.name").text()
    fill(dialog, "others.0.name", "Vitamin D 25-OH")
    save_and_close(qtbot, dialog)
    assert [o.name for o in _saved(bridge, child).others] == ["Vitamin D 25-OH"]


def test_one_tab_per_group_with_how_many_values_it_holds(open_dialog, bridge) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.count import CountDialog

    dialog = open_dialog(CountDialog(_a_count(bridge), bridge.current_child(), TODAY))
    tabs = dialog.findChild(QTabWidget, "groups")
    groups = [g for g in analytes.GROUPS if any(a.group == g for a in analytes.ANALYTES)]
    texts = [tabs.tabText(i) for i in range(tabs.count())]
    assert len(texts) == len(groups) + 1 and tabs.currentIndex() == 0
    assert texts[0] == "Blood count (1)"
    assert texts[-1] == "Other results (tests this program does not know) (2)"


@pytest.mark.usefixtures("timed_analyte")
def test_a_drug_levels_hours_are_a_number_of_zero_or_more(  # type: ignore[no-untyped-def]
    qtbot, open_dialog, bridge
) -> None:
    from ui.dialogs.count import CountDialog

    child = bridge.current_child()
    dialog = open_dialog(CountDialog(None, child, TODAY))
    dialog.submit = bridge.save
    assert "wbc.hours" not in dialog.texts(), "only a timed analyte asks for hours"
    fill(dialog, "testdrug.value", "0.4")
    for bad in ("-3", "soon"):
        fill(dialog, "testdrug.hours", bad)
        press_save(qtbot, dialog)
        assert dialog.isVisible() and bridge.record.counts(child.id) == []
        label = error_label(dialog, "testdrug.hours")
        assert label.isVisible() and "Testdrug level" in label.text(), bad
    fill(dialog, "testdrug.hours", "42.5")
    save_and_close(qtbot, dialog)
    value = _saved(bridge, child).value("testdrug")
    assert value is not None and value.hours_after == 42.5
    again = open_dialog(CountDialog(_saved(bridge, child), child, TODAY))
    assert again.text_of("testdrug.hours") == "42.5"


def test_the_counts_table_shows_the_labs_flag_beside_the_programs_and_other_results(  # type: ignore[no-untyped-def]
    qtmodeltester, bridge
) -> None:
    from PySide6.QtCore import Qt

    from tracker.assessment import make_assessor
    from ui.models.counts import CountsModel

    child = bridge.current_child()
    result = _a_count(bridge)
    model = CountsModel()
    model.reload([result], make_assessor(child))
    qtmodeltester.check(model)
    plt = model.index(0, model.analyte_column("plt"))
    # The program's flag (L against the lab's range) and the lab's own, side by side.
    assert model.row_flags(model.row(0))["plt"].short, "the program flags it against the range"
    text = plt.data()
    assert text.startswith("42 ") and text.endswith(" (lab: L)") and "(low)" in text
    tip = plt.data(Qt.ItemDataRole.ToolTipRole)
    assert "Lab's flag: L · Lab's comment: clumped" in tip
    others = model.index(0, model.column_keys().index("others"))
    assert others.data() == "Vitamin D 25-OH 54 nmol/L; Anti-Xa 12 ng/mL (lab: L)"
    tip = others.data(Qt.ItemDataRole.ToolTipRole)
    assert "(lab's range 50-150) · Lab's comment: winter" in tip
    assert "no range check by this program" in tip
    assert model.has_others()


def test_a_labs_flag_the_program_does_not_share_is_said_in_the_flags_column(  # type: ignore[no-untyped-def]
    bridge,
) -> None:
    """The parent walkthrough of issue 11: ALT 30 U/L beside "<45" flagged H by the lab was
    left out of the Flags column, which listed the other flags only; the tooltip said "within"
    beside "Lab's flag: H" without pointing out that the two disagree."""
    from PySide6.QtCore import Qt

    from tracker import analytes
    from tracker.assessment import make_assessor
    from tracker.io.lab_values import parse_value
    from ui.models.counts import CountsModel

    child = bridge.current_child()
    alt = parse_value(analytes.analyte("alt"), "30", "U/L", "<45")
    alt = dataclasses.replace(alt, lab_flag="H", lab_comment="haemolysed sample")
    plt = dataclasses.replace(parse_value(analytes.analyte("plt"), "42", "10^9/L", "150-450"))
    saved = bridge.save(
        CountResult(child_id=child.id, taken_date=dt.date(2026, 11, 2), values=(alt, plt))
    )
    model = CountsModel()
    model.reload([saved], make_assessor(child))
    flags = model.index(0, model.column_keys().index("flags"))
    text = flags.data()
    assert "ALT: the lab flagged it H; by the range as typed it is not high" in text
    tip = flags.data(Qt.ItemDataRole.ToolTipRole)
    assert "PLT: " in tip, "each flag's line names its test"
    cell = model.index(0, model.analyte_column("alt")).data(Qt.ItemDataRole.ToolTipRole)
    assert "the lab flagged it H" in cell


def test_source_notes_read_without_the_developers_file_or_status_marks() -> None:
    from tracker import analytes

    for a in analytes.ANALYTES:
        shown = analytes.for_people(a.source)
        assert "domain.md" not in shown and "§" not in shown, (a.code, shown)
        assert not any(mark in shown for mark in "✅⚠❌"), (a.code, shown)
        assert "()" not in shown, (a.code, shown)


def test_a_calculated_anc_is_flagged_in_its_cell_tooltip_and_the_flags_column(  # type: ignore[no-untyped-def]
    qtmodeltester, bridge
) -> None:
    """The parent walkthrough of issue 11: "0.92 ×10⁹/L calc. ↓" with no (low), no category
    and nothing in Flags, while a reported 1.31 the next day showed "(low)" and its category."""
    from gui_helpers import blood_count
    from PySide6.QtCore import Qt

    from tracker.assessment import make_assessor
    from ui.models.counts import CountsModel

    child = bridge.current_child()
    worked = blood_count(child, "2026-11-20", wbc="2.1 ×10⁹/L", seg_pct="38 %", band_pct="6 %")
    reported = blood_count(child, "2026-11-21", anc="1.31 ×10⁹/L")
    model = CountsModel()
    model.reload([worked, reported], make_assessor(child))
    qtmodeltester.check(model)
    anc = model.analyte_column("anc")
    flags = model.column_keys().index("flags")
    new, old = model.index(0, anc), model.index(1, anc)  # newest first
    assert "(low)" in new.data() and "Mild neutropenia" in new.data(Qt.ItemDataRole.ToolTipRole)
    text = old.data()
    assert text.startswith("0.92 ×10⁹/L calc. (low)"), text
    tip = old.data(Qt.ItemDataRole.ToolTipRole)
    assert "Moderate neutropenia" in tip and "CTCAE v5 grade 3" in tip
    assert "University of Iowa" in tip  # the built-in range used, with its source
    assert "not reported by the lab" in tip
    font = model.data(old, Qt.ItemDataRole.FontRole)
    assert font.bold() and font.italic()  # flagged, and still marked as worked out
    assert model.index(1, flags).data() == "WBC low; ANC (calc.) low"
    assert model.index(0, flags).data() == "ANC low"
    flag_tip = model.index(1, flags).data(Qt.ItemDataRole.ToolTipRole)
    assert "worked out" in flag_tip.lower() and "Moderate neutropenia" in flag_tip


def test_every_line_of_the_flags_tooltip_names_its_test(bridge) -> None:  # type: ignore[no-untyped-def]
    """The final re-check: only each block's first line named its test."""
    from PySide6.QtCore import Qt

    from tracker import analytes
    from tracker.assessment import make_assessor
    from tracker.io.lab_values import parse_value
    from ui.models.counts import CountsModel

    child = bridge.current_child()
    anc = parse_value(analytes.analyte("anc"), "0.3", "×10⁹/L", "1.5-8.5")
    plt = parse_value(analytes.analyte("plt"), "42", "10^9/L", "150-450")
    saved = bridge.save(
        CountResult(child_id=child.id, taken_date=dt.date(2026, 11, 2), values=(anc, plt))
    )
    model = CountsModel()
    model.reload([saved], make_assessor(child))
    tip = model.index(0, model.column_keys().index("flags")).data(Qt.ItemDataRole.ToolTipRole)
    text = tip.removeprefix("<p style='white-space:pre-wrap'>").removesuffix("</p>")
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) > 2
    assert all(line.startswith(("ANC: ", "PLT: ")) for line in lines), lines


def test_a_labs_flag_with_no_range_kept_cites_no_range(  # type: ignore[no-untyped-def]
    bridge,
) -> None:
    """Issue 14's check: HL7's Observation-f004 comes in flagged L with its range dropped;
    the Flags column said "by the range as typed it is not low" of a range never kept."""
    from tracker.assessment import make_assessor
    from tracker.io.lab_values import parse_value
    from ui.models.counts import CountsModel

    child = bridge.current_child()
    rbc = dataclasses.replace(
        parse_value(analytes.analyte("rbc"), "4.12", "10^12/L", ""), lab_flag="L"
    )
    saved = bridge.save(
        CountResult(child_id=child.id, taken_date=dt.date(2026, 11, 2), values=(rbc,))
    )
    model = CountsModel()
    model.reload([saved], make_assessor(child))
    text = model.index(0, model.column_keys().index("flags")).data()
    assert "RBC: the lab flagged it L; no lab range is kept with it" in text
    assert "range as typed" not in text
