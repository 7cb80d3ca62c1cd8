"""Puts the summary on paper: pages, footer "page x of y", PDF or printer, one code path."""

from __future__ import annotations

import datetime as dt
import errno
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from tracker import medicines
from tracker import timeline as layout
from tracker.assessment import make_assessor
from tracker.display import UnitPreference
from tracker.i18n import tr
from tracker.i18n.formats import date_text
from tracker.kinds.transfusion import WINDOW_DAYS as TRANSFUSION_WINDOW
from tracker.model import (
    Appointment,
    CnsVisit,
    CountResult,
    DoseLog,
    FeverRule,
    Growth,
    MedicinePlan,
    Milestone,
    Phase,
    Question,
    Roadmap,
    Stay,
    Symptom,
    TeamThreshold,
    Temperature,
    Transfusion,
)
from tracker.progress import Progress, no_progress, part_of
from tracker.store import Record, durable
from tracker.store.targets import check_write_target
from tracker.summary import Assess, Summary, build_summary, printed_range
from ui.printing.document import build_sections
from ui.printing.pages import Flow

DOC_DPI = 96.0  # QTextDocument lays out in these units (Qt's default logical dpi)
FOOTER = 26.0  # height kept for the footer, in document units
PAPERS = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
E = TypeVar("E", bound=Any)
SECTIONS = ("where", "medicines", "since", "counts", "charts", "cns", "temps", "questions")


@dataclass
class SummaryRequest:
    child_id: int
    start: dt.date | None = None
    end: dt.date | None = None
    redact: bool = False
    paper: str = "a4"
    units: UnitPreference = UnitPreference.AS_REPORTED
    sections: frozenset[str] = frozenset(SECTIONS)


def default_paper() -> str:
    """US Letter where the locale says so, A4 elsewhere."""
    from PySide6.QtCore import QLocale

    country = QLocale().territory()
    letter = {
        QLocale.Country.UnitedStates,
        QLocale.Country.Canada,
        QLocale.Country.Mexico,
        QLocale.Country.Chile,
        QLocale.Country.Colombia,
        QLocale.Country.Philippines,
    }
    return "letter" if country in letter else "a4"


def make_summary(record: Record, request: SummaryRequest, assess: Assess | None = None) -> Summary:
    """The summary of ``request``, reading only what its range prints: the counts of the
    range (and the few days either side a transfusion's counts are linked from), the
    newest count before it, and the day-by-day entries of the range; the short lists
    (phases, milestones, lumbar punctures, plans, questions) whole, since what lies
    ahead and the running totals need them."""
    child = record.child(request.child_id)
    assert child.id is not None
    today = record.today()
    appointments = record.entries(Appointment, child.id)
    thresholds = record.entries(TeamThreshold, child.id)
    start, end = printed_range(child, appointments, today, request.start, request.end)
    if assess is None:
        assess = make_assessor(child, thresholds)
    return build_summary(
        child,
        phases=record.entries(Phase, child.id),
        milestones=record.entries(Milestone, child.id),
        counts=counts_around(record, child.id, start, end),
        visits=record.entries(CnsVisit, child.id),
        appointments=appointments,
        questions=record.entries(Question, child.id),
        thresholds=thresholds,
        today=today,
        now=record.time_now(),
        start=request.start,
        end=request.end,
        redact=request.redact,
        units=request.units,
        assess=assess,
        growth=record.entries(Growth, child.id, where="date <= ?", params=(end.isoformat(),)),
        temperatures=_between(record, Temperature, child.id, "date", start, end),
        fever_rules=record.entries(FeverRule, child.id),
        symptoms=record.entries(
            Symptom,
            child.id,
            where="date <= ? AND coalesce(end_date, date) >= ?",
            params=(end.isoformat(), start.isoformat()),
        ),
        medicine_plans=record.entries(MedicinePlan, child.id),
        doses=_between(record, DoseLog, child.id, "due_date", start, end),
        transfusions=_between(record, Transfusion, child.id, "date", start, end),
        stays=record.entries(
            Stay,
            child.id,
            where="from_date <= ? AND (to_date IS NULL OR to_date >= ?)",
            params=(end.isoformat(), start.isoformat()),
        ),
        roadmaps=record.entries(Roadmap, child.id),
    )


def counts_around(record: Record, child_id: int, start: dt.date, end: dt.date) -> list[CountResult]:
    """The counts a summary of ``start`` … ``end`` uses: the newest before the range (shown
    when the range has none) and those of the range widened by the days a transfusion's
    counts before and after it are looked for (tracker.kinds.transfusion)."""
    window = dt.timedelta(days=TRANSFUSION_WINDOW)
    counts = record.counts_between(child_id, start - window, end + window)
    before = record.latest_count_before(child_id, start - window)
    return [before, *counts] if before is not None else counts


def _between(
    record: Record, model: type[E], child_id: int, column: str, start: dt.date, end: dt.date
) -> list[E]:
    """The entries of ``model`` whose date ``column`` is in ``start`` … ``end``."""
    return record.entries(
        model,
        child_id,
        where=f"{column} BETWEEN ? AND ?",  # i18n: not shown
        params=(start.isoformat(), end.isoformat()),
    )


def page_layout(paper: str) -> QPageLayout:
    return QPageLayout(
        QPageSize(PAPERS[paper]),
        QPageLayout.Orientation.Portrait,
        QMarginsF(14, 12, 14, 10),
        QPageLayout.Unit.Millimeter,
    )


def printed_strip(
    record: Record,
    child_id: int,
    summary: Summary,
    units: dict[str, str] | None = None,
    sections: frozenset[str] = frozenset(SECTIONS),
    counts: Sequence[CountResult] | None = None,
) -> layout.Timeline:
    """The timeline strip of the printed summary: phases, and the window timeline's lanes
    of milestones, lumbar punctures, weights, temperatures, medicines, doses, hospital
    stays and transfusions where the range has any (on paper an empty lane is wasted
    space), in the window's order.  The medicines and doses go with the "medicines"
    section, the temperatures with "temps": a sheet printed without them has none.
    ``counts``: those of :func:`counts_around` if already read."""
    start, end = summary.start, summary.end
    milestones = record.entries(Milestone, child_id)
    visits = record.entries(CnsVisit, child_id)
    growth = record.entries(Growth, child_id)
    transfusions = record.entries(Transfusion, child_id)
    temperatures = _between(record, Temperature, child_id, "date", start, end)
    # the plans running in the range: their rows only (a medicine of last year takes none)
    plans = [
        p
        for p in record.entries(MedicinePlan, child_id)
        if p.start_date <= end and (p.end_date is None or p.end_date >= start)
    ]
    doses = _between(record, DoseLog, child_id, "due_date", start, end)
    in_range = {
        "milestones": any(start <= m.date <= end for m in milestones),
        "cns": any(start <= v.date <= end for v in visits),
        "growth": any(start <= g.date <= end for g in growth),
        "temperatures": bool(temperatures) and "temps" in sections,
        "medicines": bool(plans) and "medicines" in sections,
        "doses": bool(doses) and "medicines" in sections,
        "stays": bool(summary.stays),
        "transfusions": bool(summary.transfusions),
    }
    lanes = ("phases", *(k for k, shown in in_range.items() if shown))
    phases = record.entries(Phase, child_id)
    # Only the phases drawn in the range take rows: a planned phase of next year that
    # overlaps this one's plan by a day would otherwise leave an empty row on the page.
    x0, x1 = layout.x_of(start), layout.x_of(end) + 1
    whole = layout.build(phases, [], [], [], summary.printed_on, lanes=("phases",))
    drawn = {s.ref.id for lane in whole.lanes for s in lane.visible_spans(x0, x1)}
    strip = layout.build(
        [p for p in phases if p.id in drawn],
        milestones,
        visits,
        # their counts' jumps
        (counts_around(record, child_id, start, end) if counts is None else counts)
        if in_range["transfusions"]
        else [],
        summary.printed_on,
        lanes=lanes,
        display_units=units,
        growth=growth,
        temperatures=temperatures,
        fever_rules=record.entries(FeverRule, child_id),
        medicine_plans=plans,
        doses=doses,
        transfusions=transfusions,
        stays=record.entries(Stay, child_id),
    )
    doses_lane = strip.lane("doses")
    if doses_lane is not None:  # "6-MP", as in the Medicines lane: a long name is cut on paper
        doses_lane.row_titles = [medicines.short_name(n) for n in doses_lane.row_titles]
    return strip


class SummaryPages:
    """The summary laid out on pages of one paper, a small document at a time
    (:class:`~ui.printing.pages.Flow`), painted a page at a time.

    The constructor reads what the pages need from ``record`` (the timeline strip and
    the charts); :meth:`step` then lays out a little (a section, or a page's rows of a
    long table) and :attr:`pages` grows as pages are finished, so a preview shows page 1
    long before the last is laid out.  It may all run on a worker thread (QTextDocument
    and QPainter on a QImage, QPdfWriter or QPrinter are usable there).  Paint on the
    thread that laid it out: Qt keeps the fonts of a layout per thread.  ``progress``
    hears of each step and may cancel (raise Cancelled) there."""

    def __init__(
        self,
        record: Record,
        request: SummaryRequest,
        summary: Summary,
        dpi: float = 300.0,
        progress: Progress = no_progress,
        page: QPageLayout | None = None,
    ) -> None:
        self.summary = summary
        self.dpi = dpi
        self.progress = progress
        scale = dpi / DOC_DPI
        paint = (page or page_layout(request.paper)).paintRectPixels(int(dpi))
        self.width = paint.width() / scale
        self.content_h = paint.height() / scale - FOOTER
        child_id = request.child_id
        units = None
        if request.units is not UnitPreference.AS_REPORTED:
            from tracker.display import display_unit

            units = {c: display_unit(c, request.units) for c in layout.CHART_ANALYTES}
        progress(0, 1)
        phases = record.entries(Phase, child_id)
        read = summary.source_counts  # the range's and a few days either side, read once
        counts = [c for c in read if summary.start <= c.taken_date <= summary.end]
        strip = printed_strip(record, child_id, summary, units, request.sections, read)
        charts = layout.build(
            phases,
            [],
            [],
            counts,
            summary.printed_on,
            display_units=units,
            team_thresholds=record.entries(TeamThreshold, child_id),
            lanes=layout.CHART_ANALYTES,
        )
        sections = build_sections(summary, strip=strip, charts=charts, sections=request.sections)
        self.flow = Flow(sections, self.width, self.content_h)

    @property
    def pages(self) -> int:
        """The pages laid out so far (all of them once :attr:`done`)."""
        return len(self.flow.pages)

    @property
    def done(self) -> bool:
        return self.flow.done

    def step(self) -> bool:
        """Lay out a little more; False once every page is laid out."""
        more = self.flow.step()
        self.progress(self.flow.work_done if more else self.flow.work_total, self.flow.work_total)
        return more

    def lay_out(self) -> int:
        """Lay out every page; returns how many."""
        while self.step():
            pass
        return self.pages

    def paint_page(self, painter: QPainter, page: int, scale: float) -> None:
        """Draw page ``page`` (0-based) with its footer; ``scale`` device pixels per
        document unit (the page's paint rectangle at the painter's origin).  A page
        painted before the last is laid out says only its own number."""
        painter.save()
        painter.scale(scale, scale)
        self.flow.paint(painter, page)
        painter.restore()
        total = self.pages if self.done else None
        _footer(painter, scale, self.width, self.content_h, page + 1, total, self.summary)

    def drop(self) -> None:
        """Forget the laid-out documents (on the thread that made them)."""
        self.flow.drop()


def paint_summary(
    device: QPagedPaintDevice,
    record: Record,
    request: SummaryRequest,
    summary: Summary,
    progress: Progress = no_progress,
) -> int:
    """Lay out and paint every page on ``device`` (already given its page layout);
    ``progress`` hears of each step and page and may cancel (raise Cancelled) between
    them.  The pages are laid out first ("page x of y" needs y), keeping only the first
    pages' documents; the others are laid out again as they are painted.

    Returns the number of pages."""
    dpi = float(device.logicalDpiX())
    pages = SummaryPages(
        record, request, summary, dpi, part_of(progress, 0, 50, 100), device.pageLayout()
    )
    try:
        pages.lay_out()
        painter = QPainter()
        if not painter.begin(device):
            raise OSError(errno.EIO, tr("the pages could not be started"))
        try:
            for page in range(pages.pages):
                progress(50 + 50 * page // pages.pages, 100)
                if page:
                    device.newPage()
                pages.paint_page(painter, page, dpi / DOC_DPI)
        finally:
            ended = painter.end()
        if not ended:
            raise OSError(errno.EIO, tr("the pages could not be finished"))
    finally:
        pages.drop()
    progress(100, 100)
    return pages.pages


def _footer(
    painter: QPainter,
    scale: float,
    width: float,
    top: float,
    page: int,
    pages: int | None,
    summary: Summary,
) -> None:
    painter.save()
    painter.scale(scale, scale)
    painter.setPen(QPen(QColor("#777777"), 0.5))
    painter.drawLine(0, int(top + 8), int(width), int(top + 8))
    font = QFont("DejaVu Sans")
    font.setPixelSize(10)  # document units (96 per inch): about 7.5 pt on paper
    painter.setFont(font)
    painter.setPen(QColor("#333333"))
    rect = QRectF(0, top + 10, width, FOOTER - 10)
    left = tr("{initials} · {footer} · printed {date}").format(
        initials=summary.initials, footer=summary.footer, date=date_text(summary.printed_on)
    )
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), left)
    painter.drawText(
        rect,
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        tr("Page {page} of {pages}").format(page=page, pages=pages)
        if pages is not None
        else tr("Page {page}").format(page=page),
    )
    painter.restore()


def write_pdf(
    record: Record,
    request: SummaryRequest,
    target: Path,
    assess: Assess | None = None,
    progress: Progress = no_progress,
    summary: Summary | None = None,
) -> int:
    """Write the summary to ``target`` (0600), atomically: the old file stays until the new
    one is whole and reads back.  Raises SummaryError before anything is written if there is
    nothing to print, RecordError for a target that is one of the record's own files, and
    CannotSave when the PDF cannot be written whole (disk full, folder not writable).
    ``progress`` hears of each page; a Cancelled it raises leaves no file (and the old
    one as it was).  QPdfWriter works off the GUI thread: a worker may call this with its
    own reader of the record."""
    check_write_target(target, record.path, replaces=(".pdf",))
    if summary is None:
        summary = make_summary(record, request, assess)
    try:
        with durable.replacing(target) as temp:
            writer = QPdfWriter(str(temp))
            writer.setPageLayout(page_layout(request.paper))
            writer.setResolution(300)
            writer.setTitle(summary.title if not summary.redacted else tr("Treatment summary"))
            writer.setCreator("Treatment Tracker")
            try:
                pages = paint_summary(writer, record, request, summary, progress)
            finally:
                del writer  # closes the file
            check_pdf(temp, pages)
    except OSError as exc:
        raise durable.cannot_save(tr("the summary"), target, exc) from exc
    return pages


def check_pdf(path: Path, pages: int) -> None:
    """Raise OSError unless ``path`` is a whole PDF with ``pages`` pages: it ends with
    ``%%EOF``, its cross-reference table is where it says, and its page tree counts
    ``pages`` (Qt writes the page tree last, so a cut-off file has none)."""
    data = path.read_bytes()
    tail = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-1024:])
    counts = re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)
    if (
        not data.startswith(b"%PDF-")
        or tail is None
        or not data[int(tail[1]) :].startswith(b"xref")
        or [int(n) for n in counts] != [pages]
    ):
        raise OSError(errno.EIO, tr("the PDF came out incomplete"))
