"""Puts the fever card (tracker.card) on one page: A4, US Letter or a folded wallet card.

Always exactly one page: the card is laid out at its size and, when long allergy or medicine
text makes it taller than the page, the whole card is shrunk (and laid out again wider, so
it still fills the width) until it fits; text wraps, it never runs off.  It is never shrunk
below a readable size (``MIN_BODY_PT``): a card that would be is not printed, and the
family is told which parts are long.

The wallet card is a sheet of 171.2 × 108 mm, four panels of 85.6 × 54 mm (the size of a
bank card, ISO/IEC 7810 ID-1) in two columns: print it at actual size (100 %), cut along
the sheet's edge, fold the left half behind the right along the dashed middle marks, then
the bottom half behind the top: it is bank-card size for a wallet, its front (the top of the
right column) shows the child's name and the team's numbers, and it opens out to read as
one page.
"""

from __future__ import annotations

import errno
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from tracker import fever
from tracker.card import Card, CardDoesNotFit, card_content, does_not_fit_message, medicine_lines
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.model import DoseLog, FeverRule, MedicinePlan, Phase, Stay, Transfusion
from tracker.store import Record, durable
from tracker.store.targets import check_write_target
from ui.printing.render import DOC_DPI, check_pdf

CARD_SIZES = ("a4", "letter", "wallet")
SIZE_LABELS = {
    "a4": N_("A4"),
    "letter": N_("US Letter"),
    "wallet": N_("Wallet (folds to bank-card size, 85.6 × 54 mm)"),
}
WALLET_MM = (171.2, 108.0)  # 2 × 2 panels of ISO/IEC 7810 ID-1, 85.6 × 53.98 mm
_MARGINS_MM = {"a4": 12.0, "letter": 12.0, "wallet": 4.0}
_BASE_PT = {"a4": 12.0, "letter": 12.0, "wallet": 7.0}  # before any shrinking to fit
# A short card grows to fill a sheet (large print for an emergency department) up to this.
_GROW = {"a4": 1.5, "letter": 1.5, "wallet": 1.25}
# The smallest body text the card is printed at: 7 pt on a sheet, 6 pt on the wallet card
# (the smallest type a US medicine label may use, 21 CFR 201.66(d)(2)).  The name (1.9 ×)
# and the phone numbers (1.8 × and 1.5 ×) are larger, so never below 9 pt.  A card that does
# not fit at it is not printed (CardDoesNotFit names the long parts).
MIN_BODY_PT = {"a4": 7.0, "letter": 7.0, "wallet": 6.0}


def min_scale(size: str) -> float:
    """The least the card of ``size`` is shrunk to (its body text at ``MIN_BODY_PT``)."""
    return MIN_BODY_PT[size] / _BASE_PT[size]


@dataclass(frozen=True)
class CardRequest:
    child_id: int
    size: str = "a4"


def make_card(record: Record, child_id: int) -> Card:
    """The card of a child as of the record's today (the injected clock)."""
    child = record.child(child_id)
    assert child.id is not None
    today = record.today()
    rule = fever.rule_on(record.entries(FeverRule, child.id), today)
    return card_content(
        child,
        record.entries(Phase, child.id),
        record.counts(child.id),
        medicine_lines=medicine_lines(
            record.entries(MedicinePlan, child.id), record.entries(DoseLog, child.id), today
        ),
        fever_rule_text=fever.rule_text(rule) if rule is not None else None,
        printed_on=today,
        transfusions=record.entries(Transfusion, child.id),
        stays=record.entries(Stay, child.id),
    )


def page_layout(size: str) -> QPageLayout:
    if size == "wallet":
        page = QPageSize(
            QSizeF(*WALLET_MM),
            QPageSize.Unit.Millimeter,
            "Wallet card",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
    else:
        page = QPageSize(QPageSize.PageSizeId.A4 if size == "a4" else QPageSize.PageSizeId.Letter)
    m = _MARGINS_MM[size]
    return QPageLayout(
        page, QPageLayout.Orientation.Portrait, QMarginsF(m, m, m, m), QPageLayout.Unit.Millimeter
    )


# ---------------------------------------------------------------------- the document


# A number and its unit stay on one line ("20 mg/mL", "1.31 ×10⁹/L"): a no-break space
# between them and a word joiner after a slash inside a unit ("mg/" then "mL" broke).
_NUMBER_THEN_UNIT = re.compile(r"(?<=\d) (?=[^\W\d_]|[%×°µ])")
_SLASH_INSIDE = re.compile(r"(?<=\S)/(?=\S)")
NO_BREAK, WORD_JOINER = "\u00a0", "\u2060"


def keep_together(text: str) -> str:
    """``text`` with each number kept with its unit and a unit kept whole on a line."""
    return _SLASH_INSIDE.sub("/" + WORD_JOINER, _NUMBER_THEN_UNIT.sub(NO_BREAK, text))


def _e(text: str) -> str:
    return html.escape(keep_together(text), quote=False).replace("\n", "<br>")


def _row(label: str, value: str, *, strong: bool = False) -> str:
    shown = f"<b>{_e(value)}</b>" if strong else _e(value)
    return (
        "<p style='margin:0 0 3pt 0'><span style='color:#444444'>"
        f"{_e(tr('{label}:').format(label=label))}</span> {shown}</p>"
    )


def _heading(text: str, pt: float) -> str:
    return (
        f"<p style='margin-top:{pt * 0.6:.1f}pt; margin-bottom:{pt * 0.2:.1f}pt; "
        f"font-weight:700; font-size:{pt * 1.05:.1f}pt; color:#1f3a5f'>"
        f"{_e(text.upper())}</p>"
    )


def _big(text: str, pt: float, times: float) -> str:
    return f"<p style='margin:0; font-size:{pt * times:.1f}pt; font-weight:700'>{_e(text)}</p>"


def card_html(card: Card, size: str) -> str:
    """The card as rich text: who, the phones, then the facts an emergency team reads
    (the wallet card's two columns one after the other: :func:`card_columns`)."""
    return "".join(card_columns(card, size))


def card_columns(card: Card, size: str) -> list[str]:
    """The card's text: one column on a sheet; on the wallet card two, each printed on
    two panels, one each side of the fold (:func:`paint_card`)."""
    pt = _BASE_PT[size]
    age = (
        " " + tr("({age} on {date})").format(age=card.age, date=date_text(card.printed_on))
        if card.age
        else ""
    )
    who = (
        f"<p style='margin:0; font-size:{pt * 1.1:.1f}pt; color:#444444'>{_e(tr('FEVER CARD'))}</p>"
        + _big(card.name, pt, 1.9)
        + _row(tr("Date of birth"), date_text(card.birth_date) + age, strong=True)
    )
    phones = (
        _heading(tr("The team's phone numbers"), pt)
        + "<table cellspacing='0' cellpadding='1'>"
        + f"<tr><td valign='middle'>{_e(tr('24-hour:'))}&nbsp;</td>"
        + f"<td>{_big(card.phone_24h, pt, 1.8)}"
        + "</td></tr>"
        + f"<tr><td valign='middle'>{_e(tr('Day:'))}&nbsp;</td><td>{_big(card.phone_day, pt, 1.5)}"
        + "</td></tr>"
        + "</table>"
        + (_row(tr("Hospital"), card.hospital) if card.hospital else "")
    )
    stay = (
        f"<p style='margin:0 0 3pt 0'><b>{_e(card.in_hospital)}</b></p>" if card.in_hospital else ""
    )
    facts = (
        _heading(tr("Diagnosis and treatment"), pt)
        + _row(tr("Diagnosis"), card.diagnosis_text)
        + _row(tr("Protocol"), card.protocol)
        + _row(tr("Treatment on {date}").format(date=date_text(card.printed_on)), card.current)
        + stay
        + _row(tr("Central line"), card.central_line, strong=True)
        + _row(tr("Allergies"), card.allergies, strong=True)
    )
    rows = "".join(
        f"<tr><td><b>{_e(c.label)}</b>&nbsp;&nbsp;</td>"
        f"<td><b>{_e(c.text)}</b>"
        f"{_e(f' ({c.transfusion})') if c.transfusion else ''}&nbsp;&nbsp;</td>"
        f"<td>{_e(f'{date_text(c.date)} ({c.age})' if c.date else '')}"
        f"{_e(f'; {c.note}') if c.note else ''}</td></tr>"
        for c in card.counts
    )
    counts = (
        _heading(tr("Latest blood counts recorded by the family (each with its date)"), pt)
        + f"<table cellspacing='0' cellpadding='1'>{rows}</table>"
    )
    medicines = _heading(tr("Medicines at home (as the family entered them)"), pt) + (
        "<ul style='margin:0; -qt-list-indent:1'>"
        + "".join(f"<li>{_e(m)}</li>" for m in card.medicines)
        + "</ul>"
        if card.medicines
        else f"<p style='margin:0'>{_e(card.medicines_empty)}</p>"
    )
    rule = _heading(tr("The team's fever rule (as the family typed it)"), pt) + (
        f"<p style='margin:0'><b>{_e(card.fever_rule)}</b></p>"
        if card.fever_rule_entered
        else f"<p style='margin:0'><i>{_e(card.fever_rule)}</i></p>"
    )
    blood = _heading(tr("Blood products (as the family was told)"), pt) + (
        f"<p style='margin:0'>{_e(card.blood_products)}</p>"
    )
    # At the body's size, never below it (the card is shrunk to fit as a whole, the body to
    # its floor): "Kept by the family; not a medical record" is read with the rest.
    footer = (
        f"<p style='margin:8pt 0 0 0; color:#333333; font-size:{pt:.1f}pt'>"
        f"{_e(card.printed_line)}</p>"
    )
    if size == "wallet":  # the right column's top panel is the folded card's front
        return [facts + counts + medicines, who + phones + rule + blood + footer]
    return [who + phones + facts + counts + medicines + rule + blood + footer]


def _documents(card: Card, size: str) -> list[QTextDocument]:
    out = []
    for markup in card_columns(card, size):
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        font = QFont("DejaVu Sans")
        font.setPointSizeF(_BASE_PT[size])
        doc.setDefaultFont(font)
        doc.setHtml(markup)
        out.append(doc)
    return out


def fit_scale(
    doc: QTextDocument, width: float, height: float, most: float = 1.0, least: float = 0.05
) -> float | None:
    """The largest scale (at most ``most``, at least ``least``) at which ``doc``, laid out
    ``width / scale`` wide, is at most ``height / scale`` tall: shrunk by it, the card fills
    the width and fits.  None when it does not fit even at ``least``.  Leaves ``doc`` laid
    out at that scale."""

    def fits(scale: float) -> bool:
        doc.setTextWidth(width / scale)
        return doc.size().height() * scale <= height

    return largest_scale(fits, most, least)


def largest_scale(fits: Callable[[float], bool], most: float, least: float) -> float | None:
    """The largest scale in [``least``, ``most``] that ``fits`` (to 16 halvings), None when
    even ``least`` does not; the last call of ``fits`` is with the scale returned."""
    if fits(most):
        return most
    if not fits(least):
        return None
    low, high = least, most
    for _ in range(16):
        middle = (low + high) / 2
        if fits(middle):
            low = middle
        else:
            high = middle
    fits(low)
    return low


# The wallet card's folds: no text within this of them (3 mm each side), in inches.
FOLD_GAP_IN = 3.0 / 25.4


@dataclass(frozen=True)
class Panel:
    """Where page ``page`` of column ``column`` is printed, in document units from the
    printable area's corner (at the card's full size)."""

    column: int
    page: int
    rect: QRectF


def panels(size: str, width: float, height: float) -> list[Panel]:
    """The printable area (``width`` × ``height`` document units) cut into the card's
    panels: one on a sheet; on the wallet card four, the folds through the middle (the
    margins are even), each panel kept ``FOLD_GAP_IN`` off them."""
    if size != "wallet":
        return [Panel(0, 0, QRectF(0, 0, width, height))]
    gap = FOLD_GAP_IN * DOC_DPI
    w, h = width / 2 - gap, height / 2 - gap
    return [
        Panel(column, page, QRectF(column * (width / 2 + gap), page * (height / 2 + gap), w, h))
        for column in (0, 1)
        for page in (0, 1)
    ]


def _fitted(
    card: Card, size: str, width: float, height: float
) -> tuple[list[QTextDocument], float]:
    """The card's documents laid out to fill ``width`` × ``height`` (document units), and
    their scale; CardDoesNotFit when they do not fit at the smallest readable size.  On
    the wallet card each column is paged into its two panels: a line is never cut by a
    fold, it goes on the next panel."""
    docs = _documents(card, size)
    cut = panels(size, width, height)
    pages = len(cut) // len(docs)
    box = cut[0].rect

    def fits(scale: float) -> bool:
        for doc in docs:
            if size == "wallet":
                doc.setPageSize(QSizeF(box.width() / scale, box.height() / scale))
            else:
                doc.setTextWidth(box.width() / scale)
            if size == "wallet" and doc.pageCount() > pages:
                return False
            if size != "wallet" and doc.size().height() * scale > box.height():
                return False
        return True

    scale = largest_scale(fits, _GROW[size], min_scale(size))
    if scale is None:
        raise CardDoesNotFit(
            does_not_fit_message(
                card, tr(_PAPER[size]), MIN_BODY_PT[size], smaller=size == "wallet"
            )
        )
    return docs, scale


_PAPER = {
    "a4": N_("one A4 page"),
    "letter": N_("one US Letter page"),
    "wallet": N_("the wallet card"),
}


def fit_problem(card: Card, size: str) -> str | None:
    """Why the card of ``size`` cannot be printed readably (on its page layout's printable
    area), or None: checked before a print or preview dialog opens."""
    rect = page_layout(size).paintRect(QPageLayout.Unit.Point)
    to_doc = DOC_DPI / 72
    try:
        _fitted(card, size, rect.width() * to_doc, rect.height() * to_doc)
    except CardDoesNotFit as exc:
        return str(exc)
    return None


def paint_card(device: QPagedPaintDevice, card: Card, size: str) -> float:
    """Paint the card on one page of ``device`` (given its page layout already); returns
    the scale the card was shrunk by to fit (1.0: not at all).  CardDoesNotFit (nothing
    painted) when it does not fit at the smallest readable size (``MIN_BODY_PT``)."""
    dpi = float(device.logicalDpiX())
    to_device = dpi / DOC_DPI
    paint = device.pageLayout().paintRectPixels(int(dpi))
    width, height = paint.width() / to_device, paint.height() / to_device
    docs, scale = _fitted(card, size, width, height)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(errno.EIO, tr("the page could not be started"))
    try:
        if size == "wallet":
            _fold_marks(painter, device, dpi)
        for panel in panels(size, width, height):
            doc = docs[panel.column]
            page = QRectF(QPointF(0, 0), doc.pageSize() if size == "wallet" else doc.size())
            page.moveTop(panel.page * page.height())
            # a hair short of the page's end: the first line of the next page starts on
            # it, and would be drawn (clipped away, yet in the PDF's text) on this one too
            page.setBottom(page.bottom() - 0.01)
            painter.save()
            painter.scale(to_device, to_device)
            painter.translate(panel.rect.topLeft())
            painter.scale(scale, scale)
            painter.translate(0, -page.top())
            doc.drawContents(painter, page)
            painter.restore()
    finally:
        ended = painter.end()
    if not ended:
        raise OSError(errno.EIO, tr("the page could not be finished"))
    return scale


def _fold_marks(painter: QPainter, device: QPagedPaintDevice, dpi: float) -> None:
    """Dashed fold lines through the middle, short so they stay in the margins' gaps."""
    full = device.pageLayout().fullRectPixels(int(dpi))
    paint = device.pageLayout().paintRectPixels(int(dpi))
    painter.save()
    painter.translate(-paint.left(), -paint.top())  # the painter starts at the margin
    pen = QPen(QColor("#999999"), max(1.0, dpi / 300), Qt.PenStyle.DashLine)
    painter.setPen(pen)
    mid_x, mid_y = full.width() / 2, full.height() / 2
    tick = dpi * 3.5 / 25.4  # 3.5 mm: inside the 4 mm margin
    for a, b in (
        (QPointF(mid_x, 0), QPointF(mid_x, tick)),
        (QPointF(mid_x, full.height() - tick), QPointF(mid_x, full.height())),
        (QPointF(0, mid_y), QPointF(tick, mid_y)),
        (QPointF(full.width() - tick, mid_y), QPointF(full.width(), mid_y)),
    ):
        painter.drawLine(a, b)
    painter.restore()


def write_card_pdf(
    record: Record,
    request: CardRequest,
    target: Path,
    *,
    card_for: Callable[[Record, int], Card] = make_card,
) -> float:
    """Write the card to ``target`` (0600), atomically, as a one-page PDF; returns the scale
    it was shrunk by.  RecordError for a target that is one of the record's own files,
    CardDoesNotFit (a ValueError) when the card would be too small to read, CannotSave when
    the PDF cannot be written whole; nothing is written then."""
    if request.size not in CARD_SIZES:
        sizes = ", ".join(CARD_SIZES)  # a caller's slip: the command and dialog offer these
        raise ValueError(
            f"the card size is one of {sizes}, not {request.size!r}"  # i18n: not shown
        )
    check_write_target(target, record.path, replaces=(".pdf",))
    card = card_for(record, request.child_id)
    problem = fit_problem(card, request.size)
    if problem is not None:
        raise CardDoesNotFit(problem)
    try:
        with durable.replacing(target) as temp:
            writer = QPdfWriter(str(temp))
            writer.setPageLayout(page_layout(request.size))
            writer.setResolution(300)
            writer.setTitle(card.title)
            writer.setCreator("Treatment Tracker")
            try:
                scale = paint_card(writer, card, request.size)
            finally:
                del writer  # closes the file
            check_pdf(temp, 1)
    except OSError as exc:
        raise durable.cannot_save(tr("the fever card"), target, exc) from exc
    return scale
