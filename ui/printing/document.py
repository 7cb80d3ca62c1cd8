"""Puts a :class:`~tracker.summary.Summary` into sections of markup and vector charts.

Text is real text (selectable and searchable in the PDF).  The charts and the
timeline strip are custom text objects drawn by the same painter as the screen,
so they stay vector graphics on paper.  Each section is a few parts: markup laid out
whole (:class:`Block`), a table a page end may cut between its rows (:class:`Rows`,
its heading rows repeated on every piece), a chart (:class:`Chart`).
:mod:`ui.printing.pages` lays them out on pages, a small document at a time, keeping a
section on one page where it fits.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRectF, QSizeF
from PySide6.QtGui import (
    QFont,
    QPainter,
    QPyTextObject,  # PySide's way to implement QTextObjectInterface
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from tracker.fever import AT_OR_ABOVE
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.dose import DOSE_STATUS
from tracker.summary import Summary
from tracker.timeline import DOSE_SHAPES, Timeline, threshold_legend, x_of
from ui.timeline.painter import Style, TimelinePainter, required_height

CHART_OBJECT = QTextFormat.ObjectTypes.UserObject + 1
PAPER_STYLE = Style(
    title_width=84,
    axis_height=26,
    phase_row=18,
    mark_row=18,
    lane_gap=5,
    min_chart=48,
    font_size=7.0,
    mark_rows={"milestones": 2, "cns": 1, "growth": 1},  # two milestones of a day apart
    mark_size=4.5,
)
"""The timeline strip and charts on paper (document units, 96 per inch)."""
CHART_KEY = QTextFormat.Property.UserProperty + 1

BASE_CSS = """
body { font-family: 'DejaVu Sans', 'Helvetica', 'Arial', sans-serif; font-size: 9pt;
       color: #000000; }
h1 { font-size: 13pt; margin: 0 0 1pt 0; }
h2 { font-size: 10pt; margin: 6pt 0 2pt 0; }
p { margin: 1pt 0; }
.muted { color: #444444; }
.note { color: #444444; font-size: 7.5pt; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 0.5px solid #999999; padding: 2px 4px; }
th { background: #eeeeee; font-weight: 600; text-align: left; }
td.num { text-align: right; }
.flag { font-weight: bold; }
.labflag { color: #444444; font-style: italic; }
"""


@dataclass
class ChartSpec:
    timeline: Timeline
    x0: float
    x1: float
    height: float  # in document units


class ChartObject(QPyTextObject):
    """Draws a chart (timeline strip or count charts) where its placeholder sits.

    PySide needs ``QPyTextObject`` (not QObject + QTextObjectInterface) for the
    layout to find the interface."""

    def __init__(
        self, charts: dict[int, ChartSpec], width: float, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.charts = charts
        self.width = width
        self.painter = TimelinePainter(PAPER_STYLE)

    def intrinsicSize(self, doc, pos: int, fmt: QTextFormat) -> QSizeF:  # type: ignore[no-untyped-def]
        spec = self.charts[int(fmt.property(CHART_KEY))]
        return QSizeF(
            self.width,
            max(
                spec.height,
                required_height(spec.timeline, self.painter.style, spec.x0, spec.x1),
            ),
        )

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF,
        doc,
        pos: int,  # type: ignore[no-untyped-def]
        fmt: QTextFormat,
    ) -> None:
        spec = self.charts[int(fmt.property(CHART_KEY))]
        painter.save()
        self.painter.paint(painter, rect, spec.timeline, spec.x0, spec.x1)
        painter.restore()


H2 = "<p style='font-size:10.5pt; font-weight:600; margin-top:5px; margin-bottom:1px'>{}</p>"


def _nb(text: str) -> str:
    """Keep a date or "3.1 K/µL ↓ L" on one line: non-breaking hyphens and spaces (Qt's
    table layout ignores nowrap, and a date broken into digits is unreadable)."""
    return text.replace("-", "\u2011").replace(" ", "\u00a0")


def _e(text: str) -> str:
    return html.escape(text, quote=False)


TABLE = "<table class='grid' width='100%' cellspacing='0' cellpadding='2' border='0.5'>"
PLAIN_TABLE = "<table width='100%' cellspacing='0' cellpadding='1'>"


@dataclass(frozen=True)
class Block:
    """Markup laid out whole: never cut by a page end (unless taller than a page)."""

    html: str


@dataclass(frozen=True)
class Rows:
    """A table that a page end may cut between its rows: ``above`` (its heading) goes with
    the first piece only, ``head`` (its heading rows) is repeated on every piece."""

    above: str
    open: str
    head: str
    rows: tuple[str, ...]

    def html(self, first: int, last: int) -> str:
        above = self.above if first == 0 else ""
        return f"{above}{self.open}{self.head}{''.join(self.rows[first:last])}</table>"


@dataclass(frozen=True)
class Chart:
    """A heading, a chart drawn by :class:`ChartObject`, and its caption."""

    title: str
    spec: ChartSpec
    caption: str = ""


Part = Block | Rows | Chart


@dataclass(frozen=True)
class Section:
    """What is kept on one page where it fits (``keep_together``); when it does not, its
    parts flow over pages (a table cut between rows, its heading rows repeated)."""

    parts: tuple[Part, ...]
    keep_together: bool = True

    @property
    def rows(self) -> int:
        return sum(len(p.rows) for p in self.parts if isinstance(p, Rows))


def new_document(width: float) -> QTextDocument:
    """An empty document with the summary's style, ``width`` units wide."""
    doc = QTextDocument()
    doc.setDefaultStyleSheet(BASE_CSS)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setTextWidth(width)
    return doc


def part_document(pieces: list[tuple[Part, int, int]], width: float) -> QTextDocument:
    """One document of ``pieces``: (part, first row, last row) each (the rows of a
    :class:`Rows`; ignored for the others).  Its charts are drawn by a
    :class:`ChartObject` the document owns."""
    doc = new_document(width)
    if len(pieces) == 1 and not isinstance(pieces[0][0], Chart):  # the common case
        part, first, last = pieces[0]
        doc.setHtml(part.html(first, last) if isinstance(part, Rows) else part.html)
        return doc
    specs: dict[int, ChartSpec] = {}
    cursor = QTextCursor(doc)
    for n, (part, first, last) in enumerate(pieces):
        if n:
            cursor.insertBlock()
        if isinstance(part, Rows):
            cursor.insertHtml(part.html(first, last))
        elif isinstance(part, Block):
            cursor.insertHtml(part.html)
        else:
            if not specs:
                handler = ChartObject(specs, width, doc)
                doc.documentLayout().registerHandler(CHART_OBJECT, handler)
            key = len(specs) + 1
            specs[key] = part.spec
            cursor.insertHtml(H2.format(_e(part.title)))
            cursor.insertBlock()
            fmt = QTextCharFormat()
            fmt.setObjectType(CHART_OBJECT)
            fmt.setProperty(CHART_KEY, key)
            cursor.insertText("\ufffc", fmt)
            if part.caption:
                cursor.insertBlock()
                cursor.insertHtml(part.caption)
    return doc


def build_sections(
    summary: Summary,
    *,
    strip: Timeline | None = None,
    charts: Timeline | None = None,
    sections: frozenset[str] = frozenset(
        {"where", "medicines", "since", "counts", "charts", "cns", "temps", "questions"}
    ),
) -> list[Section]:
    """The summary as sections in their printed order (the header first).

    A redacted summary redacts the timelines drawn with it too (they are laid out from the
    record): nothing on the page escapes its :class:`~tracker.redaction.Redaction`."""
    if summary.redaction is not None:
        strip = summary.redaction.apply(strip)
        charts = summary.redaction.apply(charts)
    x0, x1 = x_of(summary.start) - 0.25, x_of(summary.end) + 1.25  # the range, nothing more
    out: list[Section] = []

    def section(*parts: Part | str, keep_together: bool = True) -> None:
        out.append(
            Section(tuple(Block(p) if isinstance(p, str) else p for p in parts if p), keep_together)
        )

    section(_header(summary))
    if "where" in sections:
        section(_where(summary))
        if summary.roadmap_next:
            section(_roadmap_next(summary))
    if "medicines" in sections and (summary.medicines or summary.medicine_changes):
        section(_medicines(summary))
    if "charts" in sections and strip is not None:
        spec = ChartSpec(strip, x0, x1, 70.0)
        section(Chart(tr("Timeline of the range"), spec, _strip_caption(strip)))
    if "since" in sections:  # the doses given since the last visit go with the medicines
        at_home = _medicines_at_home(summary) if "medicines" in sections else ""
        section(*_since(summary), at_home)
        if summary.stays or summary.transfusions:
            section(*_hospital(summary))
    if "counts" in sections and summary.counts:
        section(*_counts(summary), keep_together=False)  # long: its heading rows repeat
    if (
        "charts" in sections
        and charts is not None
        and summary.counts
        and not summary.counts_before_range
    ):
        caption = tr(
            "Shaded band (a bar for a single report): the lab's printed range. {legend} "
            "Hollow squares: ANC worked out from the differential."
        ).format(legend=threshold_legend(charts))
        spec = ChartSpec(charts, x0, x1, 140.0)
        title = tr("ANC, hemoglobin and platelets")
        section(Chart(title, spec, f"<p class='note'>{_e(caption)}</p>"))
    if "where" in sections and summary.growth:  # far from the medicine list: the BSA is
        section(_growth(summary))  # for information only
    if "cns" in sections:
        section(*_cns(summary))
    if "temps" in sections and (summary.temperature_count or summary.symptoms):
        section(*_temperatures(summary))  # only with something in the range: a full sheet
    if "questions" in sections:
        section(_questions(summary))
    return out


def build_document(
    summary: Summary,
    width: float,
    *,
    strip: Timeline | None = None,
    charts: Timeline | None = None,
    sections: frozenset[str] = frozenset(
        {"where", "medicines", "since", "counts", "charts", "cns", "temps", "questions"}
    ),
) -> QTextDocument:
    """The whole summary as one document ``width`` units wide (its text, for a look at
    what is printed; the pages are laid out a section at a time, :mod:`ui.printing.pages`)."""
    pieces: list[tuple[Part, int, int]] = [
        (part, 0, len(part.rows) if isinstance(part, Rows) else 0)
        for s in build_sections(summary, strip=strip, charts=charts, sections=sections)
        for part in s.parts
    ]
    return part_document(pieces, width)


def _strip_caption(strip: Timeline) -> str:
    """What the marks of the strip's doses and temperature lanes mean (paper has no
    tooltips): the screen's shapes, in words."""
    said = []
    if strip.lane("doses") is not None:
        marks = ", ".join(
            tr(_MARKS.get((shape, filled), N_("{shape} {status}"))).format(
                shape=shape, status=tr(DOSE_STATUS[status.value]).lower()
            )
            for status, (shape, filled) in DOSE_SHAPES.items()
        )
        said.append(tr("Doses, a row per medicine: {marks}.").format(marks=marks))
    if strip.lane("temperatures") is not None:
        said.append(
            tr("Temperature: hollow circle a reading; filled triangle {marked}.").format(
                marked=tr(AT_OR_ABOVE)
            )
        )
    return f"<p class='note'>{_e(' '.join(said))}</p>" if said else ""


_MARKS = {
    ("circle", True): N_("filled circle {status}"),
    ("diamond", True): N_("filled diamond {status}"),
    ("triangle", False): N_("hollow triangle {status}"),
    ("cross", False): N_("cross {status}"),
    ("square", False): N_("hollow square {status}"),
}
"""The dose marks of the timeline (tracker.timeline.DOSE_SHAPES) in words."""


def _header(s: Summary) -> str:
    born = (
        tr("{date} (age {age})").format(date=date_text(s.birth_date), age=s.age)
        if s.birth_date is not None and not s.redacted
        else s.age
    )
    left = [
        (tr("Date of birth") if not s.redacted else tr("Age"), born),
        (tr("Diagnosis"), date_text(s.diagnosis_date) if s.diagnosis_date else ""),
        (tr("Protocol"), s.protocol),
    ]
    right = [
        (tr("Risk group (as told)"), s.risk_group),
        (tr("Hospital"), "" if s.redacted else s.hospital),
        (tr("Team contacts"), " · ".join(s.contacts)),
    ]

    def cells(rows: list[tuple[str, str]]) -> str:
        return "".join(
            f"<tr><td class='muted'>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows if v
        )

    printed = tr("Printed {printed} · covers {start} to {end} ({why})").format(
        printed=date_text(s.printed_on),
        start=date_text(s.start),
        end=date_text(s.end),
        why=s.range_reason,
    )
    return (
        f"<p style='font-size:14pt; font-weight:600; margin:0px'>{_e(s.title)}</p>"
        f"<p class='muted'>{_e(printed)}</p>"
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td width='50%'><table cellspacing='0' cellpadding='1'>{cells(left)}</table></td>"
        f"<td width='50%'><table cellspacing='0' cellpadding='1'>{cells(right)}</table></td>"
        "</tr></table>"
        + (f"<p>{_e(s.diagnosis)}</p>" if s.diagnosis else "")
        + (f"<p><b>{_e(s.nothing_new)}</b></p>" if s.nothing_new else "")
    )


def _where(s: Summary) -> str:
    plan = (
        "".join(
            f"<tr><td width='16%'>{date_text(e.date)}</td><td>{_e(e.text)}</td></tr>"
            for e in s.plan_ahead[:4]
        )
        or f"<tr><td>{_e(tr('Nothing planned is entered.'))}</td></tr>"
    )
    return (
        H2.format(_e(tr("Where we are")))
        + f"<p><b>{_e(s.current)}</b></p>"
        + f"<p class='muted'>{_e(tr('Appointments, phases and checks you entered:'))}</p>"
        f"<table width='100%' cellspacing='0' cellpadding='1'>{plan}</table>"
    )


def _roadmap_next(s: Summary) -> str:
    """The roadmap's next planned things: when, what, how sure (as the Plan tab lists)."""
    rows = "".join(
        f"<tr><td width='16%'>{_e(when)}</td><td>{_e(what)}</td>"
        f"<td width='24%' class='muted'>{_e(sure)}</td></tr>"
        for when, what, sure in s.roadmap_next
    )
    note = tr("(roadmap {protocol}; the team's dates win)").format(protocol=s.roadmap_protocol)
    return (
        f"<p><b>{_e(tr('From the treatment plan'))}</b> <span class='muted'>{_e(note)}</span></p>"
        f"<table width='100%' cellspacing='0' cellpadding='1'>{rows}</table>"
    )


def _growth(s: Summary) -> str:
    """One small line: the latest weight and the BSA, for information only."""
    return f"<p><b>{_e(tr('Growth:'))}</b> {' · '.join(_e(line) for line in s.growth)}</p>"


def _medicines(s: Summary) -> str:
    """The medicine list to bring (as the team wrote it) and the range's dose changes, as
    compact as the page allows: one row per medicine, the changes in one paragraph."""
    title = H2.format(
        _e(tr("Current medicines (the list to bring), on {date}").format(date=date_text(s.end)))
    )
    if s.medicine_rows:
        head = "".join(
            f"<th align='left'>{_e(h)}</th>"
            for h in (tr("Medicine"), tr("Dose"), tr("When"), tr("Strength"), tr("Since"))
        )
        body = "".join(
            "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>"
            for row in s.medicine_rows
        )
        markup = (
            title + "<table class='grid' width='100%' cellspacing='0' cellpadding='1'>"
            f"<tr>{head}</tr>{body}</table>"
        )
    else:
        none = tr("No medicine plan runs on {date}.").format(date=date_text(s.end))
        markup = title + f"<p>{_e(none)}</p>"
    if s.medicine_changes:
        changes = "; ".join(e.text for e in s.medicine_changes)
        said = tr("Changes in this period: {changes}.").format(changes=changes)
        markup += f"<p class='muted'>{_e(said)}</p>"
    return markup


def _since(s: Summary) -> list[Part | str]:
    lines = s.milestones + s.notes
    since = s.range_reason.startswith("since")
    if not lines:
        return [
            H2.format(_e(_since_title(s)))
            + "<p class='muted'>{}</p>".format(_e(tr("No milestones or notes in this range.")))
        ]
    planned = " " + tr("(planned)")
    rows = tuple(
        f"<tr><td width='16%'>{date_text(e.date)}</td><td>{_e(e.text)}"
        f"{_e(planned) if e.planned else ''}</td></tr>"
        for e in sorted(lines, key=lambda e: e.date)
    )
    title = (
        tr("Since the last visit: milestones and notes")
        if since
        else tr("In this period: milestones and notes")
    )
    return [Rows(H2.format(_e(title)), PLAIN_TABLE, "", rows)]


def _medicines_at_home(s: Summary) -> str:
    """The adherence facts, under the "since" heading (a line each: the sheet stays one
    page for four weeks)."""
    if not s.medicines_at_home:
        return ""
    title = (
        tr("Medicines at home since the last visit")
        if s.range_reason.startswith("since")
        else tr("Medicines at home in this period")
    )
    how = tr(
        "(as the family logged each due dose; a dose not logged is not counted as given or "
        "missed; held by the team is not missed)"
    )
    lines = "<br>".join(_e(line) for line in s.medicines_at_home)
    return f"<p><b>{_e(title)}</b> <span class='note'>{_e(how)}</span><br>{lines}</p>"


def _hospital(s: Summary) -> list[Part | str]:
    """Hospital stays (their nights in the range) and transfusions (with the counts before
    and after, linked from the record); only printed when the range has one."""
    parts = [H2.format(_e(tr("Hospital stays and transfusions")))]
    if s.stay_total:
        parts.append(f"<p><b>{_e(s.stay_total)}</b></p>")
    rows = tuple(
        f"<tr><td width='14%'>{_e(label)}</td><td>{_e(e.text)}</td></tr>"
        for label, lines in ((tr("Stay"), s.stays), (tr("Transfusion"), s.transfusions))
        for e in lines
    )
    return [Rows("".join(parts), PLAIN_TABLE, "", rows)]


def _since_title(s: Summary) -> str:
    return (
        tr("Since the last visit") if s.range_reason.startswith("since") else tr("In this period")
    )


def _counts(s: Summary) -> list[Part | str]:
    # % of the width per analyte column (Qt's table layout breaks words in a column too
    # narrow, whatever the spaces): with many columns the date and time take less; the
    # date as the locale writes it ("20 sept 2026") needs a little more than ISO
    many = len(s.count_columns) > 8
    share = min(20, (81 if many else 78) // max(len(s.count_columns), 1))

    def header(code: str) -> str:  # the unit on its own line, never split inside
        name, _, unit = s.count_headers[code].partition(" (")
        if unit:
            return f"{_nb(_e(name))}<br>{_nb(_e(unit.rstrip(')')))}"
        if name.endswith(" %"):  # "Bands %": the sign on its own line, as a unit is
            return f"{_nb(_e(name[:-2]))}<br>%"
        return _nb(_e(name))

    width = f" width='{share}%'"
    date_width, time_width = (
        (" width='13%'", " width='6%'") if many else (" width='14%'", " width='8%'")
    )
    head_style = " style='font-size: 6.5pt'" if many else ""  # "Bands" fits a narrow column
    head = "".join(f"<th{width}{head_style}>{header(c)}</th>" for c in s.count_columns)
    small = len(s.count_columns) > 6  # many analytes: a smaller font keeps rows on one line
    span = len(s.count_columns) + 2
    body = []
    for row in s.counts:
        cells = []
        for c in s.count_columns:
            cell = row.cells.get(c)
            if cell is None:
                cells.append(f"<td class='num'{width}></td>")
                continue
            # a narrow column wraps between the number and its "(low)", never inside a word
            number, gap, flag = cell.text.partition(" (")
            text = _nb(_e(number)) + (" " + _nb(_e("(" + flag)) if gap else "")
            if cell.flagged:
                text = f"<span class='flag'>{text}</span>"
            if cell.calculated:
                text = f"<i>{text}</i>"
            if cell.lab_flag:  # the lab's own flag, apart from the program's and labelled
                lab = tr("[lab: {flag}]").format(flag=cell.lab_flag)
                text += f" <span class='labflag'>{_nb(_e(lab))}</span>"
            cells.append(f"<td class='num'{width}>{text}</td>")
        body.append(
            f"<tr><td{date_width}>{_nb(date_text(row.date))}</td>"
            f"<td{time_width}>{_nb(_e(row.time))}</td>"
            f"{''.join(cells)}</tr>"
        )
    notes = f"<p class='note'>{_e(' '.join(s.count_footnotes))}</p>"
    title = (
        tr("Latest blood count (before this range)")
        if s.counts_before_range
        else tr("Blood counts ({n})").format(n=len(s.counts))
    )
    if s.lab_comments:
        comments = "; ".join(f"{date_text(c.date)} {c.text}" for c in s.lab_comments)
        said = tr("Lab's comments (as printed): {comments}").format(comments=comments)
        notes += f"<p class='note'>{_e(said)}</p>"
    table = Rows(
        "",
        "<table class='grid' width='100%' cellspacing='0' cellpadding='2' border='0.5'"
        + (" style='font-size: 7.5pt'>" if small else ">"),
        f"<thead><tr><td colspan='{span}' style='border: none; padding: 8px 0 3px 0;'>"
        f"<span style='font-size: 10.5pt; font-weight: 600;'>{_e(title)}</span></td></tr>"
        f"<tr><th{date_width}>{_e(tr('Date'))}</th><th{time_width}>{_e(tr('Time'))}</th>"
        f"{head}</tr></thead>",
        tuple(body),
    )
    return [table, notes, *_lab_results(s), *_other_results(s)]


def _heads(*cells: tuple[str, str]) -> str:
    """A table's heading row: (width, text) per column ("" for no width)."""
    return "".join(
        f"<th width='{width}'>{_e(text)}</th>" if width else f"<th>{_e(text)}</th>"
        for width, text in cells
    )


def _subtitle(title: str, note: str) -> str:
    return (
        f"<p style='font-weight: 600; margin-top: 6pt;'>{_e(title)} "
        f"<span class='muted' style='font-weight: normal;'>{_e(note)}</span></p>"
    )


def _lab_results(s: Summary) -> list[Part]:
    """Chemistry and drug levels: flagged only against the lab's own range (none built in)."""
    if not s.lab_results:
        return []
    rows = tuple(
        f"<tr><td>{_nb(date_text(o.date))}</td><td>{_nb(o.time)}</td>"
        f"<td>{_e(o.test)}</td><td>{_e(' '.join(x for x in (o.value, o.flag) if x))}</td>"
        f"<td>{_e(o.range_text)}</td><td>{_e(o.lab_flag)}</td><td>{_e(o.note)}</td></tr>"
        for o in s.lab_results
    )
    heads = _heads(
        ("12%", tr("Date")),
        ("7%", tr("Time")),
        # the test's name needs its width ("Alanine aminotransferase" broke in a narrow column)
        ("27%", tr("Test")),
        ("15%", tr("Result")),
        ("10%", tr("Lab's range")),
        ("7%", tr("Lab's flag")),
        ("22%", tr("Note")),
    )
    above = _subtitle(
        tr("Chemistry and drug levels"),
        tr(
            "(flagged only against the lab's printed range; the program has none of its "
            "own for these)"
        ),
    )
    return [Rows(above, TABLE, f"<thead><tr>{heads}</tr></thead>", rows)]


def _other_results(s: Summary) -> list[Part]:
    """Tests the program does not know, as the lab printed them, with no check of its own."""
    if not s.other_results:
        return []
    rows = tuple(
        f"<tr><td>{_nb(date_text(o.date))}</td><td>{_nb(o.time)}</td>"
        f"<td>{_e(o.name)}</td><td>{_e(' '.join(x for x in (o.value, o.unit) if x))}</td>"
        f"<td>{_e(o.range_text)}</td><td>{_e(o.lab_flag)}</td><td>{_e(o.lab_comment)}</td></tr>"
        for o in s.other_results
    )
    heads = _heads(
        ("12%", tr("Date")),
        ("7%", tr("Time")),
        ("", tr("Test")),
        ("", tr("Result")),
        ("", tr("Lab's range")),
        ("", tr("Lab's flag")),
        ("", tr("Lab's comment")),
    )
    above = _subtitle(
        tr("Other results"), tr("(as printed by the lab; no range check by this program)")
    )
    return [Rows(above, TABLE, f"<thead><tr>{heads}</tr></thead>", rows)]


def _cns(s: Summary) -> list[Part | str]:
    totals = ", ".join(f"{drug} × {n}" for drug, n in s.it_totals.items()) or tr("none recorded")
    title = H2.format(_e(tr("CNS prophylaxis (lumbar punctures)")))
    parts: list[Part | str] = []
    planned = " " + tr("(planned)")
    if s.lps:
        rows = tuple(
            f"<tr><td>{date_text(lp.date)}{_e(planned) if lp.planned else ''}</td>"
            f"<td>{_e(lp.drugs)}</td><td>{_e(lp.status)}</td><td>{_e(lp.csf)}</td>"
            f"<td>{_e(lp.phase)}</td></tr>"
            for lp in s.lps
        )
        heads = _heads(
            ("", tr("Date")),
            ("", tr("Intrathecal drugs")),
            ("", tr("CNS status")),
            ("", tr("CSF")),
            ("", tr("Phase")),
        )
        parts.append(Rows(title, TABLE, f"<thead><tr>{heads}</tr></thead>", rows))
        after = ""
    else:
        after = title + f"<p class='muted'>{_e(tr('No lumbar punctures in this range.'))}</p>"
    after += f"<p>{_e(tr('Intrathecal doses so far: {totals}.').format(totals=totals))}</p>"
    if s.next_lp is not None:
        said = tr("Next planned: {date} — {what}").format(
            date=date_text(s.next_lp.date), what=s.next_lp.text
        )
        after += f"<p>{_e(said)}</p>"
    return [*parts, after]


def _temperatures(s: Summary) -> list[Part | str]:
    """Temperatures and symptoms of the range: the team's fever rule as typed (none: the
    readings are only shown), the readings at or above its number or with something done,
    a line counting them all, and the symptoms."""
    above = H2.format(_e(tr("Temperatures and symptoms")))
    if s.fever_rule:
        above += f"<p>{_e(s.fever_rule)}</p>"
    if s.temperatures_listed:
        above += f"<p class='note'>{_e(s.temperatures_listed)}</p>"
    parts: list[Part | str] = []
    if s.temperatures:
        rows = tuple(
            # the date and the time each on one line: a narrow cell breaks "21:40" otherwise
            f"<tr><td>{'<br/>'.join(_nb(_e(part)) for part in t.when.split(' ', 1))}</td>"
            f"<td>{_nb(_e(t.reading))}"
            + (f"<br/><b>{_e(tr(AT_OR_ABOVE))}</b>" if t.marked else "")
            + f"</td><td>{_e(t.site)}</td><td>{_e(t.done)}</td><td>{_e(t.note)}</td></tr>"
            for t in s.temperatures
        )
        heads = _heads(
            ("17%", tr("When")),
            ("26%", tr("Temperature")),
            ("", tr("Taken")),
            ("", tr("What was done")),
            ("", tr("Note")),
        )
        parts.append(Rows(above, TABLE, f"<thead><tr>{heads}</tr></thead>", rows))
        above = ""
    if s.temperature_count:
        above += f"<p>{_e(s.temperature_count)}</p>"
    if s.symptoms:
        symptoms = tuple(
            f"<tr><td>{_nb(_e(x.dates))}</td><td>{_e(x.what)}</td><td>{_e(x.severity)}</td>"
            f"<td>{_e(x.grade)}</td><td>{_e(x.note)}</td></tr>"
            for x in s.symptoms
        )
        heads = _heads(
            ("24%", tr("Symptom dates")),
            ("", tr("What")),
            ("", tr("How bad")),
            ("", tr("Grade")),
            ("", tr("Note")),
        )
        parts.append(Rows(above, TABLE, f"<thead><tr>{heads}</tr></thead>", symptoms))
    elif above:
        parts.append(above)
    return parts


def _questions(s: Summary) -> Part | str:
    title = H2.format(_e(tr("Questions for the team")))
    if not s.questions:
        return title + f"<p class='muted'>{_e(tr('No open questions.'))}</p>"
    items = tuple(
        f"<tr><td width='4%'>☐</td><td>{_e(q.text)} <span class='muted'>"
        f"{_e(tr('(noted {date})').format(date=date_text(q.date)))}</span></td></tr>"
        for q in s.questions
    )
    return Rows(title, "<table width='100%' cellspacing='0' cellpadding='2'>", "", items)
