"""Lays the summary's sections out on pages, one small document at a time.

A whole record's summary is hundreds of pages; Qt laying that out as one document took
half a minute, during which (PySide holding the interpreter lock in long Qt calls) the
window froze.  Here each step lays out one small document — a section, or as many rows
of a long table as fit in the room left on the page — and places it at the page's
running height, so page 1 is ready once what it holds is laid out, and each step is
short.  A section is kept on one page where it fits; one that does not flows, its tables
cut between rows with their heading rows repeated.

The plan of every page (which part, which rows, where) is kept; the documents are kept
for the first :data:`KEPT_PAGES` pages and a few more, and laid out again, the same, for
a page painted later: memory stays bounded however long the summary.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QTextDocument, QTextTable

from ui.printing.document import Part, Rows, Section, part_document

KEPT_PAGES = 96  # the documents of the first pages stay (the preview and the PDF start there)
RECENT = 24  # and the documents of the last few laid out or painted
MOST_ROWS = 80  # rows of a table laid out in one step (a step stays well under 50 ms)
SECTION_GAP = 0.0  # the paragraphs' own margins part them
ONE_PAGE_ROWS_MIN_HEIGHT = 12.0  # no table row is less high: more rows can't fit a page


@dataclass(frozen=True)
class Piece:
    """What one document holds: the parts ``parts`` of section ``section``, the rows
    ``first`` … ``last`` of a table part (-1: to its end); ``paged``: laid
    out on pages by Qt itself (a piece taller than a page)."""

    section: int
    parts: tuple[int, ...]
    first: int = 0
    last: int = -1  # every row
    paged: bool = False


@dataclass(frozen=True)
class Placed:
    """A piece on a page: its document's ``source_top`` … ``source_top + height`` drawn at
    ``top`` of the page's text area."""

    piece: Piece
    top: float
    source_top: float
    height: float


class Flow:
    """The pages of ``sections`` ``width`` × ``page_height`` units, laid out step by step
    (:meth:`step`, or :meth:`run`); :attr:`pages` grows as they are finished."""

    def __init__(self, sections: list[Section], width: float, page_height: float) -> None:
        self.sections = sections
        self.width = width
        self.page_height = page_height
        self.pages: list[list[Placed]] = []
        self.done = False
        self.work_done = 0
        self.work_total = sum(max(s.rows, 1) for s in sections)
        self._page: list[Placed] = []
        self._y = 0.0
        self._tail = 0.0  # the bottom margin of the last piece placed
        self._kept: dict[Piece, QTextDocument] = {}
        self._recent: OrderedDict[Piece, QTextDocument] = OrderedDict()
        self._steps = self._run()

    # ------------------------------------------------------------------ laying out

    def step(self) -> bool:
        """Lay out one small document; False once every page is laid out."""
        if self.done:
            return False
        try:
            next(self._steps)
        except StopIteration:
            self.done = True
        return not self.done

    def run(self) -> None:
        while self.step():
            pass

    def _part(self, section: int, index: int) -> Part:
        return self.sections[section].parts[index]

    def _document(self, piece: Piece) -> QTextDocument:
        """The document of ``piece``, kept or laid out (again: the same every time)."""
        doc = self._kept.get(piece)
        if doc is None:
            doc = self._recent.pop(piece, None)
        if doc is None:
            parts = []
            for i in piece.parts:
                part = self._part(piece.section, i)
                rows = len(part.rows) if isinstance(part, Rows) else 0
                parts.append((part, piece.first, rows if piece.last < 0 else piece.last))
            doc = part_document(parts, self.width)
            if piece.paged:
                doc.setPageSize(QSizeF(self.width, self.page_height))
            doc.documentLayout().documentSize()  # laid out now, in this step
        if len(self.pages) < KEPT_PAGES and not self.done:
            self._kept[piece] = doc
        elif piece not in self._kept:
            self._recent[piece] = doc
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return doc

    def _forget(self, piece: Piece) -> None:
        """Drop the document of a piece not placed as it was laid out."""
        self._kept.pop(piece, None)
        self._recent.pop(piece, None)

    def _new_page(self) -> None:
        self.pages.append(self._page)
        self._page = []
        self._y = 0.0

    def _place(
        self, piece: Piece, height: float, source_top: float = 0.0, doc: QTextDocument | None = None
    ) -> None:
        """Put ``piece`` at the page's running height; the space between it and the piece
        above is the larger of their margins, as within one document (``doc``: its
        document, whose first paragraph's top margin is the one)."""
        if doc is not None and self._page:
            self._y -= min(self._tail, doc.firstBlock().blockFormat().topMargin())
        self._page.append(Placed(piece, self._y, source_top, height))
        self._y += height
        self._tail = _bottom_margin(doc) if doc is not None else 0.0

    def _run(self) -> Iterator[None]:
        for n, section in enumerate(self.sections):
            if self._y > 0:
                self._y += SECTION_GAP
            if section.keep_together and section.rows * ONE_PAGE_ROWS_MIN_HEIGHT < (
                self.page_height
            ):
                whole = Piece(n, tuple(range(len(section.parts))))
                doc = self._document(whole)
                yield
                height = doc.size().height()
                if height <= self.page_height:
                    if self._y > 0 and self._y + height > self.page_height:
                        self._new_page()
                    self._place(whole, height, doc=doc)
                    self.work_done += max(section.rows, 1)
                    continue
                self._forget(whole)
            for i, part in enumerate(section.parts):
                if isinstance(part, Rows):
                    yield from self._rows(n, i, part)
                else:
                    yield from self._whole(Piece(n, (i,)))
            self.work_done += 0 if section.rows else 1
        if self._page or not self.pages:
            self._new_page()

    def _whole(self, piece: Piece) -> Iterator[None]:
        """A part laid out whole: on this page if it fits, else on the next; one taller
        than a page starts a page and is cut over pages by Qt."""
        doc = self._document(piece)
        yield
        height = doc.size().height()
        if height <= self.page_height:
            if self._y > 0 and self._y + height > self.page_height:
                self._new_page()
            self._place(piece, height, doc=doc)
            return
        self._forget(piece)
        if self._y > 0:
            self._new_page()
        paged = Piece(piece.section, piece.parts, piece.first, piece.last, paged=True)
        doc = self._document(paged)
        yield
        pages = doc.pageCount()
        for k in range(pages):
            self._place(paged, self.page_height, k * self.page_height)
            if k < pages - 1:
                self._new_page()

    def _rows(self, section: int, index: int, part: Rows) -> Iterator[None]:
        """A table, as many rows on each page as fit there, its heading rows on each."""
        row_height, head_height = 16.0, 30.0  # guesses, then what was seen
        first = 0
        guess = 0
        while first < len(part.rows):
            room = self.page_height - self._y
            guess = guess or int((room - head_height) / row_height * 1.08) + 2
            last = min(len(part.rows), first + max(1, min(guess, MOST_ROWS)))
            piece = Piece(section, (index,), first, last)
            doc = self._document(piece)
            yield
            cuts = row_cuts(doc, last - first)
            if len(cuts) > 1:
                row_height = max(8.0, (cuts[-1] - cuts[0]) / (len(cuts) - 1))
            head_height = cuts[0] if first else head_height
            fit = max((k for k, cut in enumerate(cuts) if cut <= room), default=0)
            left = room - cuts[-1]
            if (
                fit == last - first
                and last < len(part.rows)
                and guess < MOST_ROWS
                and (left > row_height)
            ):  # too few rows were guessed: the page has room for more
                guess = min(MOST_ROWS, guess + int(left / row_height) + 2)
                self._forget(piece)
                continue
            guess = 0
            if fit == 0:
                self._forget(piece)
                if self._y > 0:  # not even one row here: the next page
                    self._new_page()
                    continue
                one = Piece(section, (index,), first, first + 1)  # a row taller than a page
                yield from self._whole(one)
                self.work_done += 1
                first += 1
                continue
            self._place(piece, cuts[fit])
            self.work_done += fit
            first += fit
            if first < len(part.rows):
                self._new_page()

    # ------------------------------------------------------------------ painting

    def paint(self, painter: QPainter, page: int) -> None:
        """Draw the text area of page ``page`` (0-based) at the painter's origin, in
        document units."""
        for placed in self.pages[page]:
            doc = self._document(placed.piece)
            painter.save()
            painter.translate(0, placed.top - placed.source_top)
            clip = QRectF(0, placed.source_top, self.width, placed.height)
            painter.setClipRect(clip)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = clip
            doc.documentLayout().draw(painter, context)
            painter.restore()

    def drop(self) -> None:
        """Forget the documents (on the thread that made them)."""
        self._kept.clear()
        self._recent.clear()


def _bottom_margin(doc: QTextDocument) -> float:
    """The bottom margin of ``doc``'s last paragraph with text (Qt's empty one after a
    table takes none)."""
    block = doc.lastBlock()
    if block.length() <= 1:
        return 0.0
    return block.blockFormat().bottomMargin()


def row_cuts(doc: QTextDocument, rows: int) -> list[float]:
    """Where ``doc`` (markup above a table of a heading and ``rows`` rows) may be cut: the
    height holding the heading and k rows, for k = 0 … ``rows`` (the last, the whole).

    Qt draws a cell's text when its block meets the clip: a cut just above the next
    row's text, below the line between the rows, draws none of it."""
    table = next((f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)), None)
    whole = doc.size().height()
    if table is None:
        return [whole] * (rows + 1)
    layout = doc.documentLayout()
    head = table.format().headerRowCount()
    cuts = []
    for k in range(rows):
        block = table.cellAt(head + k, 0).firstCursorPosition().block()
        cuts.append(layout.blockBoundingRect(block).top() - 1.5)
    cuts.append(whole)
    return cuts
