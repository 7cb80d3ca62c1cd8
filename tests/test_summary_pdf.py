"""The summary on paper: PDF pages, real text, footer, redaction, refusals, the dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from pypdf import PdfReader

from tracker.demo import build_demo
from tracker.store import CannotSave, Record
from tracker.summary import SummaryError

pytestmark = pytest.mark.gui

NOTHING = "no blood count, result or lumbar puncture."


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("pdf") / "demo.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.replace("\u2011", "-").split())


def test_four_weeks_fit_on_one_page_with_the_facts(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SECTIONS, SummaryRequest, write_pdf

    rec, child_id = demo
    target = tmp_path / "summary.pdf"
    pages = write_pdf(rec, SummaryRequest(child_id), target)
    # With the medicine list to bring (issue 12) the demo's four weeks take two pages: the
    # list and the counts on the first, the lumbar punctures and questions on the second.
    # Without it the sheet is still one page.
    assert pages == 2
    assert target.stat().st_mode & 0o777 == 0o600
    count, text = pdf_text(target)
    assert count == 2
    first = " ".join(PdfReader(str(target)).pages[0].extract_text().split())
    assert "Current medicines (the list to bring)" in first
    assert "Robin (demo)" in text
    assert "Page 1 of 2" in text
    without = tmp_path / "without.pdf"
    sections = frozenset(SECTIONS) - {"medicines"}
    assert write_pdf(rec, SummaryRequest(child_id, sections=sections), without) == 1
    assert "Kept by the family; not a medical record" in text
    newest = max(rec.counts(child_id), key=lambda r: (r.taken_date, r.taken_time or dt.time()))
    assert newest.taken_date.isoformat() in text
    plt = newest.value("plt")
    assert plt is not None and plt.value_text in text


def test_three_months_take_at_most_three_pages(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    target = tmp_path / "three.pdf"
    pages = write_pdf(
        rec, SummaryRequest(child_id, start=TODAY - dt.timedelta(days=91), end=TODAY), target
    )
    count, text = pdf_text(target)
    assert pages == count <= 3
    assert f"Page {count} of {count}" in text


def test_whole_treatment_paginates_without_losing_rows(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    child = rec.child(child_id)
    target = tmp_path / "all.pdf"
    write_pdf(
        rec, SummaryRequest(child_id, start=child.diagnosis_date, end=TODAY, paper="letter"), target
    )
    count, text = pdf_text(target)
    assert count > 3
    for r in rec.counts(child_id)[:: max(1, len(rec.counts(child_id)) // 20)]:
        assert r.taken_date.isoformat() in text
    reader = PdfReader(str(target))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (612, 792)  # US Letter in points


def test_redacted_pdf_has_the_name_nowhere(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    target = tmp_path / "redacted.pdf"
    write_pdf(rec, SummaryRequest(child_id, redact=True), target)
    _, text = pdf_text(target)
    assert "Robin" not in text
    assert "Robin" not in (PdfReader(str(target)).metadata or {}).get("/Title", "")
    assert b"Robin" not in target.read_bytes()


def test_a_range_that_is_not_a_range_writes_nothing(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    target = tmp_path / "none.pdf"
    with pytest.raises(SummaryError):
        write_pdf(
            rec,
            SummaryRequest(child_id, start=dt.date(2026, 1, 2), end=dt.date(2026, 1, 1)),
            target,
        )
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def quiet(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo with one more appointment on 2026-11-21: nothing recorded since (TODAY is
    2026-11-24, the last count and lumbar puncture are on 2026-11-15)."""
    from tracker.model import Appointment

    path = tmp_path_factory.mktemp("quiet") / "demo.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    rec.save(Appointment(child_id, dt.date(2026, 11, 21), with_whom="Day clinic"))
    yield rec, child_id
    rec.close()


def assert_whole_sheet(text: str, day: Callable[[dt.date], str] = dt.date.isoformat) -> None:
    """Where we are, the latest count, what is planned, open questions and contacts
    (``day``: how the page writes a date; in the locale's form from the command line)."""
    assert f"Nothing new since the last visit ({day(dt.date(2026, 11, 21))}): " + NOTHING in text
    assert "Where we are" in text and "Maintenance" in text
    assert "Latest blood count (before this range)" in text
    assert day(dt.date(2026, 11, 15)) in text
    assert f"Next planned: {day(dt.date(2027, 2, 7))}" in text
    assert "Can Robin go to the toddler group again" in text
    assert "555-0142" in text


def test_the_summary_prints_days_after_a_visit_from_the_command_line(
    qapp, quiet, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from ui.app import main

    rec, _child_id = quiet
    out = tmp_path / "quiet.pdf"
    assert main(["summary", "--db", str(rec.path), "-o", str(out)], clock=fixed_clock) == 0
    said = capsys.readouterr().out
    assert (
        "Summary written" in said
        and "Nothing new since the last visit (2026-11-21): " + NOTHING in said
    )
    pages, text = pdf_text(out)
    assert pages == 1
    from PySide6.QtCore import QLocale

    from ui.language import LocaleFormats

    assert_whole_sheet(text, day=LocaleFormats(QLocale()).date)  # the page: locale's dates


def test_the_summary_prints_days_after_a_visit_from_the_window(qtbot, quiet, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.printing.dialog import PrintSummaryDialog

    rec, _child_id = quiet
    target = tmp_path / "window.pdf"

    class Scripted(Interaction):
        def __init__(self) -> None:
            self.said: list[str] = []

        def save_file(self, *_args: object) -> Path:  # type: ignore[override]
            return target

        def info(self, _parent, _title: str, text: str) -> None:  # type: ignore[no-untyped-def, override]
            self.said.append(text)

    interaction = Scripted()
    dialog = PrintSummaryDialog(RecordBridge(rec), interaction)
    qtbot.addWidget(dialog)
    assert dialog.save_pdf() == target
    assert not dialog.error.isVisible()
    assert "Nothing new since the last visit (2026-11-21): " + NOTHING in interaction.said[-1]
    _, text = pdf_text(target)
    assert_whole_sheet(text)


def test_a_failed_write_keeps_the_old_file(qapp, demo, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    from ui.printing import render

    rec, child_id = demo
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"the old summary")

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CannotSave, match=r"the disk is full; the existing file .* is unchanged"):
        render.write_pdf(rec, render.SummaryRequest(child_id), target)
    assert target.read_bytes() == b"the old summary"
    assert sorted(os.listdir(tmp_path)) == ["summary.pdf"]


def test_print_dialog_saves_a_pdf_and_refuses_bad_dates(qtbot, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.printing.dialog import PrintSummaryDialog

    rec, _child_id = demo
    target = tmp_path / "from-dialog"

    class Scripted(Interaction):
        def __init__(self) -> None:
            self.said: list[str] = []

        def save_file(self, *_args: object) -> Path:  # type: ignore[override]
            return target

        def info(self, _parent, _title: str, text: str) -> None:  # type: ignore[no-untyped-def, override]
            self.said.append(text)

    interaction = Scripted()
    dialog = PrintSummaryDialog(RecordBridge(rec), interaction)
    qtbot.addWidget(dialog)
    dialog.end.setText("2026-02-30")
    assert dialog.save_pdf() is None
    assert "not a day of the calendar" in dialog.error.text()
    for field, typed, says in (
        (dialog.start, "0001-01-01", "From: 0001-01-01 is before the date of birth (2025-01-04)"),
        (dialog.end, "9999-12-31", "To: 9999-12-31 is more than 10 years ahead"),
    ):
        keep = field.text()
        field.setText(typed)
        assert dialog.save_pdf() is None
        assert says in dialog.error.text()
        assert list(tmp_path.iterdir()) == []
        field.setText(keep)
    dialog.end.setText(TODAY.isoformat())
    dialog.redact.setChecked(True)
    saved = dialog.save_pdf()
    assert saved == target.with_suffix(".pdf") and saved.exists()
    assert "2 pages" in interaction.said[-1]  # the medicine list takes room (issue 12)
    _, text = pdf_text(saved)
    assert "Robin" not in text


def test_summary_command_line(qapp, demo, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from ui.app import main

    rec, _child_id = demo
    out = tmp_path / "cli.pdf"
    assert (
        main(
            ["summary", "--db", str(rec.path), "--redact", "--paper", "a4", "-o", str(out)],
            clock=fixed_clock,  # the demo's clock: the same result on any day
        )
        == 0
    )
    pages, text = pdf_text(out)
    assert pages == 2 and "Robin" not in text  # 2: the medicine list takes room (issue 12)
    assert "Summary written" in capsys.readouterr().out
    assert (
        main(
            [
                "summary",
                "--db",
                str(rec.path),
                "--from",
                "2025-01-10",
                "--to",
                "2025-01-31",
                "-o",
                str(out),
            ],
            clock=fixed_clock,
        )
        == 0
    )
    assert (
        "Nothing recorded between 2025-01-10 and 2025-01-31: " + NOTHING in capsys.readouterr().out
    )
    assert "Nothing recorded between 10 Jan 2025 and 31 Jan 2025: " + NOTHING in pdf_text(out)[1]
    for argv, says in (
        (["--from", "2024-01-01", "--to", "2024-01-31"], "before the date of birth (2025-01-04)"),
        (["--from", "2026-02-30"], "not a day of the calendar"),
        (["--child", "Nobody"], "no child called"),
        (["--from", "2026-11-20", "--to", "2026-11-01"], "before it starts"),
    ):
        target = tmp_path / "refused.pdf"
        assert (
            main(["summary", "--db", str(rec.path), *argv, "-o", str(target)], clock=fixed_clock)
            == 1
        )
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1
        assert not target.exists()


@pytest.mark.qt_log_ignore(r"QPainter::begin\(\): Returned false")
def test_a_printer_that_does_not_start_is_said_plainly(qtbot, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """QPainter.begin's result is checked: before, the pages were drawn on nothing."""
    from PySide6.QtPrintSupport import QPrinter

    from ui.bridge import RecordBridge
    from ui.interaction import Interaction
    from ui.printing.dialog import PrintSummaryDialog

    rec, _child_id = demo
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "no such folder" / "out.pdf"))
    dialog = PrintSummaryDialog(RecordBridge(rec), Interaction(), printer)
    qtbot.addWidget(dialog)
    request = dialog.request()
    assert request is not None
    dialog._paint(printer, request)
    assert "Could not print the summary: the pages could not be started" in dialog.error.text()
    assert list(tmp_path.iterdir()) == []


def test_chart_caption_names_each_line_drawn_with_its_source(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    target = tmp_path / "lines.pdf"
    write_pdf(rec, SummaryRequest(child_id), target)
    _count, text = pdf_text(target)
    assert "low hemoglobin" not in text and "8 g/dL" not in text
    assert "severe neutropenia below" in text and "Taplitz" in text
    assert "Hematol Oncol Clin N Am 2016;30:695" in text


def test_the_printed_timeline_has_the_weight_lane_when_the_range_has_a_weight(
    qapp, demo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The window's timeline has a Weight lane; the printed one has it too, with a mark for
    each measurement in the range (and no empty lane when the range has none)."""
    from tracker.kinds.growth import format_kg
    from tracker.model import Growth
    from tracker.timeline import x_of
    from ui.printing.render import SummaryRequest, make_summary, printed_strip, write_pdf

    rec, child_id = demo
    start = TODAY - dt.timedelta(days=91)
    request = SummaryRequest(child_id, start=start, end=TODAY)
    strip = printed_strip(rec, child_id, make_summary(rec, request))
    lane = strip.lane("growth")
    assert lane is not None and lane.title == "Weight"
    weighed = [g for g in rec.entries(Growth, child_id) if start <= g.date <= TODAY]
    assert weighed
    shown = lane.visible_marks(x_of(start), x_of(TODAY) + 1)
    assert {m.ref.id for m in shown} == {g.id for g in weighed}
    target = tmp_path / "weights.pdf"
    write_pdf(rec, request, target)
    _count, text = pdf_text(target)
    strip_text = text.split("Timeline of the range", 1)[1].split("In this period", 1)[0]
    labels = " ".join(format_kg(g.weight_kg) for g in sorted(weighed, key=lambda g: g.date))
    # the lane's title, then its marks' labels, then the next lane's title
    assert f"Weight {labels} Medicines" in strip_text
    first = min(g.date for g in rec.entries(Growth, child_id))
    early = SummaryRequest(
        child_id, start=first - dt.timedelta(days=20), end=first - dt.timedelta(days=1)
    )
    none = printed_strip(rec, child_id, make_summary(rec, early))
    assert none.lane("growth") is None


def test_the_weight_and_bsa_print_on_their_own_growth_line_after_the_counts(
    qapp, demo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The BSA is for information only: far from the medicine list, after the counts, on
    a small "Growth" line with the weight; never under "Where we are"."""
    from tracker.kinds.growth import BSA_LABEL
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    target = tmp_path / "growth.pdf"
    write_pdf(rec, SummaryRequest(child_id), target)
    _count, text = pdf_text(target)
    assert BSA_LABEL == "BSA (Mosteller formula), for information only"
    assert text.count("Latest weight") == 1 and text.count(BSA_LABEL) == 1
    where = text.split("Where we are", 1)[1].split("Blood counts", 1)[0]
    assert "Latest weight" not in where and "BSA" not in where
    after = text.split("Blood counts", 1)[1]
    assert "Growth: Latest weight" in after and BSA_LABEL in after


def _strip_image(strip, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    """The printed strip painted as on paper (twice the document's units), and where each
    lane's marks sit in it: its part of the plot, left of the today line (drawn in
    vermillion across every lane)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from tracker.timeline import x_of
    from ui.printing.document import PAPER_STYLE
    from ui.timeline.painter import TimelinePainter, layout_lanes, required_height

    width, height = 700.0, required_height(strip, PAPER_STYLE)
    image = QImage(int(width * 2), int(height * 2), QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.scale(2, 2)
    rect = QRectF(0, 0, width, height)
    x0, x1 = x_of(start) - 0.25, x_of(end) + 1.25
    TimelinePainter(PAPER_STYLE).paint(painter, rect, strip, x0, x1)
    painter.end()
    g = layout_lanes(strip, rect, PAPER_STYLE)
    today = g.plot.left() + (strip.today + 0.5 - x0) * g.plot.width() / (x1 - x0)
    right = min(g.plot.right(), today - 4)
    return image, {
        key: QRectF(g.plot.left(), area.top(), right - g.plot.left(), area.height())
        for key, area in g.lanes.items()
    }


def _near(pixel, colour, tolerance: int = 24) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``pixel`` is ``colour`` or the darker outline of a hollow mark in it (give or
    take a little antialiasing)."""
    got = (pixel.red(), pixel.green(), pixel.blue())
    return any(
        all(abs(a - b) <= tolerance for a, b in zip(got, c.getRgb()[:3], strict=True))
        for c in (colour, colour.darker(130))
    )


def _has_colour(image, area, colour) -> bool:  # type: ignore[no-untyped-def]
    """Whether a pixel of ``colour`` (:func:`_near`) is in ``area``."""
    return any(
        _near(image.pixelColor(x, y), colour)
        for y in range(int(area.top() * 2), int(area.bottom() * 2))
        for x in range(int(area.left() * 2), int(area.right() * 2))
    )


def test_the_printed_timeline_has_the_medicines_doses_and_temperature_lanes(
    qapp, demo, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The window's timeline has Medicines, Doses and Temperature lanes; the printed strip
    has them too where the range has any, in the window's order, marks and colours: a
    missed or held dose stands out, and a temperature at or above the family's fever rule
    is the vermillion triangle of the screen."""
    from tracker.medicines import short_name
    from tracker.model import DoseLog, DoseStatus, MedicinePlan, Temperature
    from tracker.timeline import AT_FEVER_NUMBER, x_of
    from ui.printing.render import (
        SECTIONS,
        SummaryRequest,
        make_summary,
        printed_strip,
        write_pdf,
    )
    from ui.timeline.painter import DOSE_COLOURS, OKABE_ITO
    from ui.timeline.view import LANES

    rec, child_id = demo
    request = SummaryRequest(child_id)  # since the last visit: 6-MP missed twice, vomited once
    summary = make_summary(rec, request)
    start, end = summary.start, summary.end
    strip = printed_strip(rec, child_id, summary)
    keys = [lane.key for lane in strip.lanes]
    assert {"medicines", "doses"} <= set(keys)
    assert keys == [k for k, _ in LANES if k in keys]  # the window's order
    medicines = strip.lane("medicines")
    assert medicines is not None and medicines.title == "Medicines"
    running = [
        p
        for p in rec.entries(MedicinePlan, child_id)
        if p.start_date <= end and (p.end_date is None or p.end_date >= start)
    ]
    shown = medicines.visible_spans(x_of(start), x_of(end) + 1)
    assert {s.ref.id for s in shown} == {p.id for p in running}
    doses = strip.lane("doses")
    assert doses is not None and doses.title == "Doses"
    logged = [d for d in rec.entries(DoseLog, child_id) if start <= d.due_date <= end]
    marks = doses.visible_marks(x_of(start), x_of(end) + 1)
    assert {m.ref.id for m in marks} == {d.id for d in logged}
    assert {"missed", "vomited"} <= {m.kind for m in marks}
    assert set(doses.row_titles) == {short_name(p.drug) for p in running}
    image, lanes = _strip_image(strip, start, end)
    assert _has_colour(image, lanes["doses"], DOSE_COLOURS["missed"])
    assert _has_colour(image, lanes["doses"], DOSE_COLOURS["given"])
    target = tmp_path / "doses.pdf"
    write_pdf(rec, request, target)
    _count, text = pdf_text(target)
    strip_text = text.split("Timeline of the range", 1)[1].split("Since the last visit", 1)[0]
    assert "Medicines 6-MP 10 mg MTX 5 mg" in strip_text  # the lane, then its bars' labels
    assert "6-MP MTX co-trimoxazole today" in strip_text  # the doses lane's rows, short names
    assert "Doses, a row per medicine: " in strip_text and "circle given, " in strip_text
    assert "cross missed, hollow square held by the team." in strip_text

    # the fever night: its readings, the one at or above the rule marked, doses held
    readings = rec.entries(Temperature, child_id)
    night = max(t.date for t in readings)
    fever = SummaryRequest(
        child_id, start=night - dt.timedelta(days=2), end=night + dt.timedelta(days=6)
    )
    summary = make_summary(rec, fever)
    strip = printed_strip(rec, child_id, summary)
    temps = strip.lane("temperatures")
    assert temps is not None and temps.title == "Temperature"
    marks = temps.visible_marks(x_of(summary.start), x_of(summary.end) + 1)
    assert {m.ref.id for m in marks} == {t.id for t in readings if t.date == night}
    at_or_above = {m.ref.id for m in marks if m.kind == AT_FEVER_NUMBER}
    assert at_or_above == {t.id for t in readings if t.date == night and t.celsius >= 38.0}
    assert all(m.shape == "triangle" and m.filled for m in marks if m.kind == AT_FEVER_NUMBER)
    held = strip.lane("doses")
    assert held is not None
    assert {m.kind for m in held.visible_marks(x_of(summary.start), x_of(summary.end) + 1)} == {
        DoseStatus.HELD.value
    }
    image, lanes = _strip_image(strip, summary.start, summary.end)
    assert _has_colour(image, lanes["temperatures"], OKABE_ITO["vermillion"])
    assert _has_colour(image, lanes["doses"], DOSE_COLOURS["held_by_team"])
    target = tmp_path / "fever.pdf"
    write_pdf(rec, fever, target)
    _count, text = pdf_text(target)
    assert "Temperature highest 38.4 °C" in text.split("Timeline of the range", 1)[1]

    # a sheet without the medicines or the temperatures has none of their lanes either
    sections = frozenset(SECTIONS) - {"medicines", "temps"}
    without = printed_strip(rec, child_id, summary, sections=sections)
    assert not {"medicines", "doses", "temperatures"} & {lane.key for lane in without.lanes}
    assert without.lane("stays") is not None

    # a range with none of them: no empty lanes on paper
    first = min(p.start_date for p in rec.entries(MedicinePlan, child_id))
    early = SummaryRequest(
        child_id, start=first - dt.timedelta(days=30), end=first - dt.timedelta(days=1)
    )
    none = printed_strip(rec, child_id, make_summary(rec, early))
    assert none.lane("medicines") is None and none.lane("doses") is None
    assert none.lane("temperatures") is None


def test_a_missed_dose_is_drawn_over_the_given_ones_beside_it(qapp, demo) -> None:  # type: ignore[no-untyped-def]
    """Over months a day is a pixel or two on paper and the dose marks touch: the dose that
    did not go in is drawn on top of its given neighbours, never hidden under them."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont

    from tracker.timeline import x_of
    from ui.printing.document import PAPER_STYLE
    from ui.printing.render import SummaryRequest, make_summary, printed_strip
    from ui.timeline.painter import DOSE_COLOURS, label_font, placed_marks, required_height

    rec, child_id = demo
    request = SummaryRequest(child_id, start=TODAY - dt.timedelta(days=270), end=TODAY)
    summary = make_summary(rec, request)
    strip = printed_strip(rec, child_id, summary)
    image, _lanes = _strip_image(strip, summary.start, summary.end)
    rect = QRectF(0, 0, 700.0, required_height(strip, PAPER_STYLE))
    x0, x1 = x_of(summary.start) - 0.25, x_of(summary.end) + 1.25
    font = label_font(QFont(), PAPER_STYLE)
    missed = [
        p
        for p in placed_marks(strip, rect, x0, x1, PAPER_STYLE, font)["doses"]
        if p.mark.kind == "missed"
    ]
    assert len(missed) == 2
    for p in missed:  # the cross's middle, where its two strokes meet
        pixel = image.pixelColor(round(p.cx * 2), round(p.cy * 2))
        assert _near(pixel, DOSE_COLOURS["missed"], 40), pixel.getRgb()
